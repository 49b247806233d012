package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// traceRulesYAML: site a dark from 1h to 6h. auth (only at a) is down
// until its 30m restart, 6h30m; db fails over to b in 1h but needs auth,
// so it stays down until then too; web, with a soft dependency on auth, is
// degraded meanwhile. web's fault from 20h to 21h is the other event.
const traceRulesYAML = `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - id: auth
      placement: {a: 1}
      restart: {auto: 30m}
    - id: db
      placement: {a: 2, b: 2}
      redundancy: {mode: active-standby, failover: {auto: 1h}}
      depends_on: [auth]
      restart: {auto: 10m}
    - id: web
      placement: {b: 1}
      depends_on: [{service: auth, soft: true}]
scenarios:
  - id: s
    horizon: 1d
    events:
      - {kind: service-fault, cause: bad push, services: [web], at: 20h, duration: 1h}
      - {kind: site-outage, cause: fire, site: a, at: 1h, duration: 5h}
`

// find returns the records of kind k for service s (any service when s < 0).
func find(tr *Trace, k RecordKind, s int32) []Record {
	var out []Record
	for _, r := range tr.Records {
		if r.Kind == k && (s < 0 || r.Service == s) {
			out = append(out, r)
		}
	}
	return out
}

// TestTraceRecordsWhatTheEngineKnows checks what the engine writes into
// the records for the trace to render: the event behind a cut or fault,
// why a failed-over service is still down, which soft dependency degrades
// one, what brought each service up and after how long, and the intervals
// behind the Outcome's figures.
func TestTraceRecordsWhatTheEngineKnows(t *testing.T) {
	c := compile(t, traceRulesYAML, "s")
	const auth, db, web = 0, 1, 2
	o, tr := one(t, c, 1, 0)

	cut := find(tr, RecPower, -1)[0]
	assert.Equal(t, int32(1), cut.Event, "power cut's event")
	assert.Equal(t, int32(0), find(tr, RecFault, web)[0].Event, "fault's event")

	fo := find(tr, RecFailedOver, db)
	require.Len(t, fo, 1)
	assert.Equal(t, 2*h, fo[0].T)
	assert.Equal(t, causeDependency|auth, fo[0].Cause, "failed over to b, still down: auth is down")
	assert.False(t, fo[0].Back)

	deg := find(tr, RecDegraded, web)
	require.Len(t, deg, 2)
	assert.Equal(t, causeDependency|auth, deg[0].Cause, "web degraded by auth")

	ups := map[int32]Record{}
	for _, r := range find(tr, RecUp, -1) {
		ups[r.Service] = r
	}
	tests := []struct {
		s         int32
		at, after int64
		end       int32
	}{
		{auth, 6*h + 30*graph.Minute, 5*h + 30*graph.Minute, endCode(EndRestart, 0)},
		{db, 6*h + 30*graph.Minute, 5*h + 30*graph.Minute, endCode(EndDependency, auth)},
		{web, 21 * h, h, endCode(EndFaultFixed, 0)},
	}
	for _, tt := range tests {
		up := ups[tt.s]
		id := c.Services[tt.s].ID
		assert.Equal(t, tt.at, up.T, "%s up at", id)
		assert.Equal(t, tt.after, up.Value, "%s up after", id)
		assert.Equal(t, tt.end, up.End, "%s ended by", id)
	}

	for s := range c.Services {
		st := &tr.Services[s]
		assert.Equal(t, o.Downtime[s], spanTotal(st.Down), "%s: Σ down intervals", c.Services[s].ID)
		assert.Equal(t, o.Degraded[s], spanTotal(st.Degraded), "%s: Σ degraded intervals", c.Services[s].ID)
	}
	assert.Equal(t, []Span{{h, 6*h + 30*graph.Minute}}, tr.Services[db].Down)
	assert.Equal(t, []Span{{h, 6*h + 30*graph.Minute}}, tr.Services[web].Degraded)
	assert.Equal(t, []Span{{20 * h, 21 * h}}, tr.Services[web].Down)

	// A Trace reused by the next Run holds that trial alone.
	n := len(tr.Records)
	tr2 := NewTrial(c, nil)
	tr2.Trace = tr
	tr2.Run(1, 0)
	assert.Len(t, tr.Records, n, "records after a second Run on the same Trace")
	assert.Len(t, tr.Services[db].Down, 1, "db's outages after a second Run on the same Trace")
}

func spanTotal(spans []Span) int64 {
	var sum int64
	for _, sp := range spans {
		sum += sp.To - sp.From
	}
	return sum
}

// TestTraceSiteRepair: a site repair and a replica repair are told apart
// (Replica -1 for a site), each following the failure it repairs, site 0
// and replica 0 included.
func TestTraceSiteRepair(t *testing.T) {
	c := compile(t, `
version: 1
platform:
  name: r
  sites: [{id: a, mtbf: {exponential: {mean: 2d}}, mttr: 3h}, {id: b}]
  services:
    - id: x
      placement: {a: 1, b: 1}
      mtbf: {exponential: {mean: 3d}}
      mttr: 2h
      restart: {auto: 1m}
scenarios:
  - id: r
    horizon: 30d
    crews: 1
    events: [{kind: random-failures}]
`, "r")
	var sites, replicas int
	for k := range 5 {
		_, tr := one(t, c, 1, k)
		siteDown := map[int32]bool{}
		repDown := map[int32]bool{}
		for _, r := range tr.Records {
			switch r.Kind {
			case RecSiteFail:
				siteDown[r.Site] = true
			case RecFail:
				repDown[r.Replica] = true
			case RecRepair:
				if r.Replica < 0 {
					assert.True(t, siteDown[r.Site], "trial %d: repair of site %d at %d, not failed", k, r.Site, r.T)
					siteDown[r.Site] = false
					sites++
				} else {
					assert.True(t, repDown[r.Replica], "trial %d: repair of replica %d at %d, not failed", k, r.Replica, r.T)
					repDown[r.Replica] = false
					replicas++
				}
			}
		}
	}
	assert.Positive(t, sites, "site repairs")
	assert.Positive(t, replicas, "replica repairs")
}
