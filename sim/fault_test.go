package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// A service under a service-fault serves nowhere (docs/model.md §6.8): while the
// fault lasts no site serves it, so no failover starts, and one that
// completes does not make its target active. These tests fail on an engine
// that reads "serves" off the replicas alone.

// failoverStarts returns the times at which failovers of s started.
func failoverStarts(tr *Trace, s int) []int64 {
	var at []int64
	for _, r := range tr.Records {
		if r.Kind == RecFailover && int(r.Service) == s {
			at = append(at, r.T)
		}
	}
	return at
}

func TestFaultHoldsFailoverUntilItEnds(t *testing.T) {
	// The case of issue 17: the fault (1h–5h) comes first, then a burns for
	// good at 2h. No failover while the fault lasts; at 5h the fault ends
	// with the active site dark, the 10m failover starts then: down from 1h
	// to 5h10m. Reading "serves" off the replicas alone failed over at 2h
	// and gave 4h.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: s, placement: {a: 1, b: 1}, redundancy: {mode: active-standby, primary: a, failover: {auto: 10m}}}
scenarios:
  - id: case
    horizon: 1d
    trials: 1
    events:
      - {kind: service-fault, services: [s], at: 1h, duration: 4h}
      - {kind: site-outage, site: a, at: 2h}
`, "")
	o, tr := one(t, c, 1, 0)
	assert.Equal(t, 4*h+10*graph.Minute, o.Downtime[0], "downtime")
	assert.Equal(t, 1*h, o.FirstDown[0], "first down")
	assert.Equal(t, 5*h+10*graph.Minute, o.LastUp[0], "recovery (last down→up)")
	assert.Equal(t, []int64{5 * h}, failoverStarts(tr, 0), "failover starts")
	assert.Equal(t, "fault", CauseString(c, o.Cause[0]))
	assert.False(t, o.DownAtEnd[0])

	// The same through Run: the figures the results report.
	r := runAll(t, c, 1, 1)
	require.Len(t, r.Services, 1)
	assert.Equal(t, float64(4*h+10*graph.Minute), r.Services[0].Downtime.Mean, "downtime_ms")
	// recovery_ms counts from the trial's first disruption, the fault at 1h.
	assert.Equal(t, float64(4*h+10*graph.Minute), r.Services[0].Recovery.Mean, "recovery_ms")
}

func TestFaultWastesFailoverUnderWay(t *testing.T) {
	// a burns for good at 0; the 2h failover to b is under way when the
	// fault strikes at 1h (until 5h). At 2h the failover completes but b
	// does not serve (the fault): a stays active. When the fault ends a is
	// still dark, a new failover starts and completes at 7h.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: s, placement: {a: 1, b: 1}, redundancy: {mode: active-standby, primary: a, failover: {auto: 2h}}}
scenarios:
  - id: case
    horizon: 1d
    events:
      - {kind: site-outage, site: a}
      - {kind: service-fault, services: [s], at: 1h, duration: 4h}
`, "")
	o, tr := one(t, c, 1, 0)
	assert.Equal(t, 7*h, o.Downtime[0], "downtime")
	assert.Equal(t, 7*h, o.LastUp[0], "recovery")
	assert.Equal(t, []int64{0, 5 * h}, failoverStarts(tr, 0), "failover starts")
	assert.Equal(t, "site a", CauseString(c, o.Cause[0]))
}

func TestFaultEndsWithActiveServing(t *testing.T) {
	// The fault alone never fails over: the active site serves when it
	// ends, and the service is up at once.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: s, placement: {a: 1, b: 1}, redundancy: {mode: active-standby, failover: {auto: 10m}}}
scenarios:
  - id: case
    horizon: 1d
    events:
      - {kind: service-fault, services: [s], at: 1h, duration: 4h}
`, "")
	o, tr := one(t, c, 1, 0)
	assert.Equal(t, 4*h, o.Downtime[0])
	assert.Empty(t, failoverStarts(tr, 0))
}

func TestFaultInterruptsFailBack(t *testing.T) {
	// Primary a (20 servers) is dark 0–10h; the 1h failover puts the
	// service on b (5 of the 20 its load needs) at 1h. a is back at 10h and
	// the fail-back starts (due 11h). The fault (10h30m–11h30m) makes the
	// primary stop serving too: at 11h the fail-back completes toward a
	// site that does not serve, so b stays active; when the fault ends the
	// primary serves and a new fail-back starts, done at 12h30m. Down 0–1h
	// and during the fault: 2h. Partial at φ = 0.25 over 1h–10h30m and
	// 11h30m–12h30m: shed_ms = 0.75 × 10.5h = 28,350,000.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - id: s
      placement: {a: 20, b: 5}
      redundancy: {mode: active-standby, primary: a, failover: {auto: 1h}}
      load: 20
scenarios:
  - id: fire
    horizon: 1d
    events:
      - {kind: site-outage, site: a, duration: 10h}
      - {kind: service-fault, services: [s], at: 10h30m, duration: 1h}
`, "")
	o, tr := one(t, c, 1, 0)
	assert.Equal(t, 2*h, o.Downtime[0], "downtime")
	assert.Equal(t, int64(28_350_000), o.Shed[0], "shed")
	assert.Equal(t, []int64{0, 10 * h, 11*h + 30*graph.Minute}, failoverStarts(tr, 0), "failover starts")
}
