package sim

import (
	"fmt"
	"testing"

	"github.com/dominosim/domino/graph"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildingPlatform is a building of two zones, a site of its own in the
// same region, and a site elsewhere. Zone b holds two services, first and
// second in power-on order, 5 servers each.
const buildingPlatform = `
version: 1
platform:
  name: t
  sites:
    - {id: hall-a, building: dc1, region: r}
    - {id: hall-b, building: dc1, region: r}
    - {id: far, region: s}
  services:
    - {id: a, placement: {hall-a: 10}}
    - {id: b1, priority: 1, placement: {hall-b: 5}}
    - {id: b2, priority: 2, placement: {hall-b: 5}}
    - {id: c, placement: {far: 10}}
    - id: ab
      placement: {hall-a: 1, hall-b: 1}
      redundancy: {mode: active-active}
`

func TestBuildingOutageZoneByZone(t *testing.T) {
	// At 1h the building goes dark. Zone a gets all its power back 2h
	// later; zone b half of it (b1's 5 of 10 servers) 5h later and the
	// rest 7h later. So a is down 2h, b1 5h, b2 7h, and ab (active-active
	// over both zones) 2h, back with zone a; far never notices.
	c := compile(t, buildingPlatform+`
scenarios:
  - id: fire
    horizon: 1d
    events:
      - kind: site-outage
        building: dc1
        at: 1h
        power_restore:
          hall-a: [{after: 2h, fraction: 1.0}]
          hall-b: [{after: 5h, fraction: 0.5}, {after: 7h, fraction: 1.0}]
`, "")
	o, _ := one(t, c, 1, 0)
	want := map[string]int64{"a": 2 * h, "b1": 5 * h, "b2": 7 * h, "ab": 2 * h, "c": 0}
	for id, d := range want {
		assert.Equal(t, d, o.Downtime[svc(t, c, id)], "downtime of %s", id)
	}
	assert.Equal(t, "site hall-b", CauseString(c, o.Cause[svc(t, c, "b2")]))
	assert.Equal(t, 7*h, o.FullRecovery) // from the first outage, at 1h
}

func TestBuildingOutageDurationsZoneByZone(t *testing.T) {
	// duration given zone by zone is one stage of 1.0 per zone.
	c := compile(t, buildingPlatform+`
scenarios:
  - id: fire
    horizon: 1d
    events:
      - {kind: site-outage, building: dc1, duration: {hall-a: 3h, hall-b: 90m}}
`, "")
	o, _ := one(t, c, 1, 0)
	assert.Equal(t, 3*h, o.Downtime[svc(t, c, "a")])
	assert.Equal(t, 90*graph.Minute, o.Downtime[svc(t, c, "b1")])
	assert.Equal(t, 90*graph.Minute, o.Downtime[svc(t, c, "b2")])
	assert.Equal(t, 90*graph.Minute, o.Downtime[svc(t, c, "ab")])
}

func TestBuildingOutageIsARegionOutageOfItsZones(t *testing.T) {
	// With fixed times, a building outage given once for all its zones is
	// the region-outage of a region that holds exactly those zones: the
	// same outcome, service by service.
	const events = `
scenarios:
  - id: fire
    horizon: 1d
    events:
      - kind: %s
        at: 30m
        power_restore: [{after: 4h, fraction: 0.5}, {after: 9h, fraction: 1.0}]
`
	building := compile(t, buildingPlatform+fmt.Sprintf(events, "site-outage\n        building: dc1"), "")
	region := compile(t, buildingPlatform+fmt.Sprintf(events, "region-outage\n        region: r"), "")
	ob, _ := one(t, building, 1, 0)
	or, _ := one(t, region, 1, 0)
	assert.Equal(t, or.Downtime, ob.Downtime)
	assert.Equal(t, or.LastUp, ob.LastUp)
	// Half of each zone's 11 servers: b1 (5) fits; a (10) does not, and
	// the one-server replicas of ab come after a and b2 in power-on order.
	want := map[string]int64{"a": 9 * h, "b1": 4 * h, "b2": 9 * h, "ab": 9 * h, "c": 0}
	for id, d := range want {
		assert.Equal(t, d, ob.Downtime[svc(t, building, id)], "downtime of %s", id)
	}
}

func TestBuildingOutageSharesItsDraws(t *testing.T) {
	// Once for all: every zone comes back at the same drawn moment, so a
	// and b2 (each the last of its zone) are down equally long in every
	// trial, and destroys_data strikes both zones or neither. Zone by zone
	// with the same distribution: each zone draws its own, so they differ
	// (two continuous draws over [1h, 10h] agree with probability 0 at
	// millisecond resolution; one trial in 40 differing would do).
	const trials = 40
	shared := compile(t, buildingPlatform+`
    - {id: da, placement: {hall-a: 1}, data: {replication: none}}
    - {id: db, placement: {hall-b: 1}, data: {replication: none}}
scenarios:
  - id: fire
    horizon: 1d
    events:
      - kind: site-outage
        building: dc1
        at: {uniform: {min: 0, max: 1h}}
        destroys_data: 0.5
        duration: {uniform: {min: 1h, max: 10h}}
`, "")
	perZone := compile(t, buildingPlatform+`
scenarios:
  - id: fire
    horizon: 1d
    events:
      - kind: site-outage
        building: dc1
        duration: {hall-a: {uniform: {min: 1h, max: 10h}}, hall-b: {uniform: {min: 1h, max: 10h}}}
`, "")
	a, b2 := svc(t, shared, "a"), svc(t, shared, "b2")
	da, db := svc(t, shared, "da"), svc(t, shared, "db")
	lost, kept, differ := 0, 0, 0
	for k := range trials {
		o, _ := one(t, shared, 1, k)
		require.Equal(t, o.Downtime[a], o.Downtime[b2], "trial %d: shared stages", k)
		require.Equal(t, o.AllLost[da], o.AllLost[db], "trial %d: shared destroys_data coin", k)
		if o.AllLost[da] {
			lost++
		} else {
			kept++
		}
		p, _ := one(t, perZone, 1, k)
		if p.Downtime[a] != p.Downtime[b2] {
			differ++
		}
	}
	// P(all 40 coins alike) = 2 × 2^-40: both outcomes must show.
	assert.Positive(t, lost, "trials that destroyed data")
	assert.Positive(t, kept, "trials that did not")
	assert.Positive(t, differ, "trials whose zones came back at different times")
}

func TestBuildingWithoutBuildingKeyIsUnchanged(t *testing.T) {
	// A site-outage of one zone hits that zone alone: the building only
	// matters to events that name it.
	c := compile(t, buildingPlatform+`
scenarios:
  - id: fire
    horizon: 1d
    events:
      - {kind: site-outage, site: hall-b, duration: 2h}
`, "")
	o, _ := one(t, c, 1, 0)
	want := map[string]int64{"a": 0, "b1": 2 * h, "b2": 2 * h, "ab": 0, "c": 0}
	for id, d := range want {
		assert.Equal(t, d, o.Downtime[svc(t, c, id)], "downtime of %s", id)
	}
}
