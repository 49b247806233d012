package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// inWorld runs trial 0 of c in world w, on a fresh Trial and on one that
// ran other worlds before (they must agree: SetWorld leaves nothing behind).
func inWorld(t *testing.T, c *graph.Compiled, w World) *Outcome {
	t.Helper()
	used := NewTrial(c, nil)
	for _, other := range []World{{Kind: ServicePerfect}, {Kind: SiteFailed}, {Kind: ServiceFailed, Index: 1}} {
		used.SetWorld(other)
		used.Run(1, 0)
	}
	used.SetWorld(w)
	got := *used.Run(1, 0)
	got.Downtime = append([]int64(nil), got.Downtime...)
	fresh := NewTrial(c, nil)
	fresh.SetWorld(w)
	want := fresh.Run(1, 0)
	for s := range want.Downtime {
		require.Equal(t, want.Downtime[s], got.Downtime[s], "%v: service %d: downtime of a reused trial (actual) against a fresh one (expected)", w, s)
	}
	return want
}

func TestWorldsExact(t *testing.T) {
	// db lives on a only (restart 1h); app is active-active on a and b and
	// needs db. Site a is dark for 10h and its data destroyed.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: db, placement: {a: 10}, restart: {auto: 1h}, data: {replication: none}}
    - {id: app, placement: {a: 5, b: 5}, depends_on: [db, {service: cdn, soft: true}], users: 100}
    - {id: cdn, placement: {b: 1}}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: a, duration: 10h, destroys_data: 1}
      - {kind: isolate, site: b, at: 1h, duration: 30m}
`, "")
	db, app, cdn := int32(svc(t, c, "db")), int32(svc(t, c, "app")), int32(svc(t, c, "cdn"))
	H := c.Horizon
	tests := []struct {
		name    string
		w       World
		want    map[string]int64
		allLost bool  // db's data
		appDeg  int64 // app's degraded time
	}{
		{"baseline", World{}, map[string]int64{"db": 11 * h, "app": 11 * h, "cdn": h / 2}, true, 0},
		// Failed db: down from t = 0 to H, and app with it.
		{"db failed", World{Kind: ServiceFailed, Index: db}, map[string]int64{"db": H, "app": H, "cdn": h / 2}, true, 0},
		// Perfect db: never down, never loses data; app is down only while a
		// is dark and b isolated (30m).
		{"db perfect", World{Kind: ServicePerfect, Index: db}, map[string]int64{"db": 0, "app": h / 2, "cdn": h / 2}, false, 0},
		// Perfect app: up and never degraded although cdn goes down.
		{"app perfect", World{Kind: ServicePerfect, Index: app}, map[string]int64{"db": 11 * h, "app": 0, "cdn": h / 2}, true, 0},
		// Failed cdn: app degraded whenever up (H − 11h).
		{"cdn failed", World{Kind: ServiceFailed, Index: cdn}, map[string]int64{"db": 11 * h, "app": 11 * h, "cdn": H}, true, H - 11*h},
		// Site a failed: power gone for good, but no data destroyed by the
		// world itself (the scenario's own fire still destroys it).
		{"a failed", World{Kind: SiteFailed, Index: 0}, map[string]int64{"db": H, "app": H, "cdn": h / 2}, true, 0},
		// Site a perfect: the fire does not touch it, nor its data.
		{"a perfect", World{Kind: SitePerfect, Index: 0}, map[string]int64{"db": 0, "app": 0, "cdn": h / 2}, false, h / 2},
		// Site b perfect: never isolated, so cdn never goes down.
		{"b perfect", World{Kind: SitePerfect, Index: 1}, map[string]int64{"db": 11 * h, "app": 11 * h, "cdn": 0}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := inWorld(t, c, tt.w)
			checkDowntimes(t, c, o, tt.want)
			assert.Equal(t, tt.allLost, o.AllLost[db], "db all data lost")
			assert.Equal(t, tt.appDeg, o.Degraded[app], "app degraded")
		})
	}
}

func TestWorldInertServiceHoldsNoCrew(t *testing.T) {
	// One crew. At 10h site a returns; tool restarts in 1h, so x and y find
	// their tooling down and queue for the crew. x (priority 1) takes it
	// for a 3h manual restart; y switches to its 1h automated restart when
	// tool is up at 11h: up at 12h. With x failed, nothing restarts x: y
	// takes the crew at 10h and its manual restart runs to its end (13h).
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}]
  services:
    - {id: tool, placement: {a: 1}, restart: {auto: 1h}}
    - {id: x, priority: 1, placement: {a: 1}, tooling: [tool], restart: {auto: 1h, manual: 3h}}
    - {id: y, priority: 2, placement: {a: 1}, tooling: [tool], restart: {auto: 1h, manual: 3h}}
scenarios:
  - id: fire
    crews: 1
    events:
      - {kind: site-outage, site: a, duration: 10h}
`, "")
	o := inWorld(t, c, World{})
	checkDowntimes(t, c, o, map[string]int64{"tool": 11 * h, "x": 13 * h, "y": 12 * h})
	o = inWorld(t, c, World{Kind: ServiceFailed, Index: int32(svc(t, c, "x"))})
	checkDowntimes(t, c, o, map[string]int64{"tool": 11 * h, "x": c.Horizon, "y": 13 * h})
	assert.EqualValues(t, 3*h, o.CrewMs, "crew time: y's manual restart only")
	// A failed tool: every restart is manual, one at a time.
	o = inWorld(t, c, World{Kind: ServiceFailed, Index: int32(svc(t, c, "tool"))})
	checkDowntimes(t, c, o, map[string]int64{"x": 13 * h, "y": 16 * h})
}

func TestWorldPerfectSiteStillHasReplicaFailures(t *testing.T) {
	// Site a has both a site mtbf and a replica mtbf. Perfect, the site never
	// fails, but its replica does, at the same times as in the baseline.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a, mtbf: 10h}]
  services:
    - {id: s, placement: {a: 1}, mtbf: 30h, mttr: 1h}
scenarios:
  - id: random
    horizon: 100h
    events:
      - {kind: random-failures}
`, "")
	base := NewTrial(c, nil)
	base.Trace = &Trace{}
	base.Run(1, 0)
	perfect := NewTrial(c, nil)
	perfect.Trace = &Trace{}
	perfect.SetWorld(World{Kind: SitePerfect, Index: 0})
	perfect.Run(1, 0)
	times := func(tr *Trace, k RecordKind) []int64 {
		var ts []int64
		for _, r := range tr.Records {
			if r.Kind == k {
				ts = append(ts, r.T)
			}
		}
		return ts
	}
	require.NotEmpty(t, times(base.Trace, RecSiteFail), "the baseline has no site failure: the test shows nothing")
	assert.Empty(t, times(perfect.Trace, RecSiteFail), "perfect site failed")
	bf, pf := times(base.Trace, RecFail), times(perfect.Trace, RecFail)
	require.NotEmpty(t, bf, "the baseline has no replica failure")
	if assert.NotEmpty(t, pf, "replica failures: want the first at %v as in the baseline", bf) {
		assert.Equal(t, bf[0], pf[0], "replica failures: want the first as in the baseline")
	}
}
