package sim

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// Capacity and load shedding (docs/model.md §11). Every duration is fixed, so
// each figure is an exact integer of milliseconds.

func TestShedActiveActiveClosedForm(t *testing.T) {
	// Three sites of 10 servers carry a load of 30. Site a burns for 10h and
	// its replica restarts at once (restart 0): c = 20 for 10h, so
	// φ = 2/3 and shed_ms = (30 − 20)/30 × 10h = 12,000,000, never down.
	// With collapse_below 0.7 the service is down those 10h instead, with
	// the cause overload, and sheds nothing (shed counts only while up).
	const yaml = `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}]
  services:
    - {id: s, users: 3000, placement: {a: 10, b: 10, c: 10}, load: 30%s}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: a, duration: 10h}
`
	c := compile(t, strings.Replace(yaml, "%s", "", 1), "")
	o, _ := one(t, c, 1, 0)
	assert.Equal(t, int64(12_000_000), o.Shed[0], "shed")
	if o.Downtime[0] != 0 || !o.Partial[0] {
		t.Errorf("got downtime %d partial %v, want 0 true", o.Downtime[0], o.Partial[0])
	}
	// 3000 users × 1/3 × 10h = 10,000 user-hours.
	assert.Equal(t, int64(10_000_000), o.UserMilliHours, "user-milli-hours")

	c = compile(t, strings.Replace(yaml, "%s", ", collapse_below: 0.7", 1), "")
	o, _ = one(t, c, 1, 0)
	assert.Equal(t, 10*h, o.Downtime[0], "collapse: downtime")
	if o.Shed[0] != 0 || o.Partial[0] {
		t.Errorf("collapse: got shed %d partial %v, want 0 false", o.Shed[0], o.Partial[0])
	}
	assert.Equal(t, "overload", CauseString(c, o.Cause[0]), "collapse cause")
	assert.Equal(t, int64(30_000_000), o.UserMilliHours, "collapse user-milli-hours")
}

// TestCollapseAtExactlyTheShareAlone: docs/model.md §11 keeps a service up
// while φ ≥ collapse_below, so a share exactly collapse_below as written is
// up. Before, the engine compared c ≥ cb × load in floating point, where
// 0.28 × 25 is 7.000000000000001, and 7 servers of 25 were overloaded.
func TestCollapseAtExactlyTheShareAlone(t *testing.T) {
	// One site of 7 servers and one of 18 carry a load of 25 active-active
	// at collapse_below 0.28; site b burns for a fixed 10h with restart 0:
	// c = 7, φ = 0.28 exactly, so the service stays up, partial, and sheds
	// (25 − 7)/25 × 10h = 25,920,000 ms.
	const yaml = `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: s, users: 2500, placement: {a: 7, b: 18}, load: 25, collapse_below: 0.28}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: b, duration: 10h}
`
	c := compile(t, yaml, "")
	o, _ := one(t, c, 1, 0)
	assert.Equal(t, int64(0), o.Downtime[0], "downtime: 7 of 25 is exactly 0.28, up")
	assert.True(t, o.Partial[0], "partial")
	assert.Equal(t, int64(25_920_000), o.Shed[0], "shed")
	// 2500 users × 18/25 × 10h = 18,000 user-hours.
	assert.Equal(t, int64(18_000_000), o.UserMilliHours, "user-milli-hours")

	// One server fewer is below the share: down those 10h, cause overload.
	c = compile(t, strings.Replace(yaml, "a: 7, b: 18", "a: 6, b: 19", 1), "")
	o, _ = one(t, c, 1, 0)
	assert.Equal(t, 10*h, o.Downtime[0], "6 of 25: downtime")
	assert.Equal(t, "overload", CauseString(c, o.Cause[0]), "6 of 25: cause")
}

func TestShedActiveStandbyFailBack(t *testing.T) {
	// Primary a (20 servers) burns for 10h; the standby b has 5 of the 20
	// the load needs. The automated failover takes 5m: down 5m, then
	// partial at φ = 0.25 until the primary is back at 10h and the fail-back
	// completes at 10h5m: shed_ms = 0.75 × 10h = 27,000,000.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - id: s
      placement: {a: 20, b: 5}
      redundancy: {mode: active-standby, primary: a, failover: {auto: 5m}}
      load: 20
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: a, duration: 10h}
`, "")
	o, tr := one(t, c, 1, 0)
	assert.Equal(t, 5*graph.Minute, o.Downtime[0], "downtime")
	assert.Equal(t, int64(27_000_000), o.Shed[0], "shed")
	if !o.Partial[0] || o.LastUp[0] != 5*graph.Minute {
		t.Errorf("got partial %v last up %d, want true %d", o.Partial[0], o.LastUp[0], 5*graph.Minute)
	}
	if n := failBacks(c, tr, 0); n != 1 {
		t.Errorf("fail-backs started: got %d, want 1", n)
	}
}

func TestFailBackCancelledBySecondLoss(t *testing.T) {
	// The failover to b takes 1h (down 0–1h). The primary is back at 10h
	// and a fail-back starts (due 11h), but a second outage of a at 10h30m
	// cancels it; a is back at 12h30m and the second fail-back completes
	// at 13h30m. Partial at φ = 0.25 from 1h to 13h30m:
	// shed_ms = 0.75 × 12.5h = 33,750,000. The service never goes down
	// again: the active site b served throughout.
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
    events:
      - {kind: site-outage, site: a, duration: 10h}
      - {kind: site-outage, site: a, at: 10h30m, duration: 2h}
`, "")
	o, tr := one(t, c, 1, 0)
	assert.Equal(t, h, o.Downtime[0], "downtime")
	assert.Equal(t, int64(33_750_000), o.Shed[0], "shed")
	if n := failBacks(c, tr, 0); n != 2 {
		t.Errorf("fail-backs started: got %d, want 2 (the first cancelled)", n)
	}
}

func TestPartialAndDegradedImpact(t *testing.T) {
	// s (1000 users) runs active-active on a and b, 10 servers each, with a
	// load of 20; it has a soft dependency on d (100 users, only on a). Site a
	// burns for 10h: s is up at φ = 0.5 and degraded for 10h, so its impact
	// rate is (1 − φ) + soft_weight × φ = 0.5 + 0.25 × 0.5 = 0.625 and it
	// loses 1000 × 0.625 × 10h = 6,250 user-hours; d is down 10h: 1,000
	// user-hours. Money counts the users not served at all, downtime plus
	// shed load but not degraded time (docs/model.md, "Money"):
	// 80 × 0.5 × 10 + 10 × 10 = 500.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: d, users: 100, cost_per_hour: 10, placement: {a: 1}}
    - id: s
      users: 1000
      cost_per_hour: 80
      placement: {a: 10, b: 10}
      load: 20
      depends_on: [{service: d, soft: true}]
scenarios:
  - id: fire
    soft_weight: 0.25
    events:
      - {kind: site-outage, site: a, duration: 10h}
`, "")
	o, _ := one(t, c, 1, 0)
	s, d := svc(t, c, "s"), svc(t, c, "d")
	if o.Downtime[s] != 0 || o.Degraded[s] != 10*h || o.Shed[s] != 5*h || o.DegradedShed[s] != 5*h {
		t.Errorf("s: got down %d degraded %d shed %d degraded-shed %d, want 0 %d %d %d",
			o.Downtime[s], o.Degraded[s], o.Shed[s], o.DegradedShed[s], 10*h, 5*h, 5*h)
	}
	assert.Equal(t, 10*h, o.Downtime[d], "d downtime")
	assert.Equal(t, int64(7_250_000), o.UserMilliHours, "user-milli-hours")
	assert.Equal(t, int64(500), o.Cost, "cost")
}

func TestManualFailBackHoldsCrew(t *testing.T) {
	// The tooling (ops, on site c) is down for 24h, so both the failover
	// and the fail-back of s are manual (2h) and hold the only crew. The
	// failover runs 0–2h; the primary is back at 10h and the fail-back runs
	// 10h–12h: shed_ms = 0.75 × (12h − 2h) = 27,000,000. Meanwhile x, whose
	// site d is back at 11h, needs the crew for a 1h manual restart and
	// waits for the fail-back to free it: x restarts 12h–13h, down 13h.
	// Crew time: 2h + 2h + 1h, plus s's own restart at a (manual 0).
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}, {id: d}]
  services:
    - {id: ops, placement: {c: 1}}
    - id: s
      priority: 1
      placement: {a: 20, b: 5}
      redundancy: {mode: active-standby, primary: a, failover: {auto: 5m, manual: 2h}}
      tooling: [ops]
      load: 20
    - {id: x, placement: {d: 1}, tooling: [ops], restart: {auto: 0s, manual: 1h}}
scenarios:
  - id: fire
    crews: 1
    events:
      - {kind: site-outage, site: a, duration: 10h}
      - {kind: site-outage, site: c, duration: 24h}
      - {kind: site-outage, site: d, duration: 11h}
`, "")
	o, tr := one(t, c, 1, 0)
	checkDowntimes(t, c, o, map[string]int64{"s": 2 * h, "x": 13 * h, "ops": 24 * h})
	assert.Equal(t, int64(27_000_000), o.Shed[svc(t, c, "s")], "shed")
	assert.Equal(t, 5*h, o.CrewMs, "crew time")
	if n := failBacks(c, tr, svc(t, c, "s")); n != 1 {
		t.Errorf("fail-backs started: got %d, want 1", n)
	}
}

// failBacks counts the failovers a trace shows starting toward service s's
// primary: in these tests only fail-backs go there.
func failBacks(c *graph.Compiled, tr *Trace, s int) int {
	n := 0
	for _, r := range tr.Records {
		if r.Kind == RecFailover && int(r.Service) == s && r.Replica == c.Services[s].Primary {
			n++
		}
	}
	return n
}

func TestTrivialLoadChangesNothing(t *testing.T) {
	// A load of 1 server is carried by any serving replica, so it can never
	// make a service partial, collapse it or start a fail-back: the results
	// must be byte-identical to the same file without load — the model is
	// unchanged for a file without load, and the capacity bookkeeping draws
	// no random number of its own.
	sc := kakao(t).Scenarios[0]
	setLoads := func(load int64) {
		for _, s := range sc.Platform.Services {
			s.Load, s.CollapseBelow = load, 0
		}
	}
	setLoads(0)
	base := resultsJSON(t, sc)
	setLoads(1)
	if got := resultsJSON(t, sc); !bytes.Equal(got, base) {
		t.Errorf("results with load 1 differ from results without load")
	}
	// The comparison can fail: a load no placement carries changes them.
	setLoads(1 << 40)
	if got := resultsJSON(t, sc); bytes.Equal(got, base) {
		t.Errorf("results with an enormous load equal results without load")
	}
}

func resultsJSON(t *testing.T, sc *graph.Scenario) []byte {
	t.Helper()
	c, err := graph.Compile(sc)
	require.NoError(t, err)
	b, err := json.Marshal(runAll(t, c, 300, 2))
	require.NoError(t, err)
	return b
}

func TestRaisingLoadNeverShortensDowntimeOrShed(t *testing.T) {
	// Under common random numbers every draw of a trial is the same in both
	// worlds, so a higher load can only lower φ at each instant: services
	// are up no more often (collapse), and while up they shed at least as
	// much. Shed alone can shrink when a partial period becomes downtime,
	// so with collapse_below the property is on downtime + shed. Crews are
	// unlimited: with a crew queue, a longer outage of one service can let
	// another's restart start earlier, which is not a capacity effect.
	const yaml = `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}]
  services:
    - {id: ops, placement: {a: 2}, restart: {auto: {lognormal: {median: 20m, p95: 1h}}}}
    - id: db
      placement: {a: 10, b: 4}
      redundancy: {mode: active-standby, primary: a, failover: {auto: {lognormal: {median: 10m, p95: 40m}}}}
      tooling: [ops]
      restart: {auto: {lognormal: {median: 30m, p95: 2h}}}
      load: LOAD_DB
      collapse_below: COLLAPSE
    - id: app
      users: 1000
      placement: {a: 6, b: 3, c: 3}
      depends_on: [db]
      start_needs: [db]
      tooling: [ops]
      restart: {auto: {lognormal: {median: 15m, p95: 1h}}}
      load: LOAD_APP
      collapse_below: COLLAPSE
    - {id: web, users: 5000, placement: {b: 2, c: 2}, depends_on: [{service: app, soft: true}], load: LOAD_WEB}
scenarios:
  - id: fire
    horizon: 2d
    events:
      - kind: site-outage
        site: a
        power_restore:
          - {after: {lognormal: {median: 6h, p95: 12h}}, fraction: 0.5}
          - {after: {lognormal: {median: 12h, p95: 24h}}, fraction: 1}
      - {kind: site-outage, site: c, at: {uniform: {min: 0h, max: 20h}}, duration: {exponential: {mean: 3h}}}
`
	for _, collapse := range []string{"0", "0.4"} {
		build := func(db, app, web string) *graph.Compiled {
			r := strings.NewReplacer("LOAD_DB", db, "LOAD_APP", app, "LOAD_WEB", web, "COLLAPSE", collapse)
			return compile(t, r.Replace(yaml), "")
		}
		low, high := build("8", "8", "3"), build("12", "11", "4")
		trLow, trHigh := NewTrial(low, nil), NewTrial(high, nil)
		shedSeen, downSeen := false, false
		for i := range 400 {
			ol, oh := trLow.Run(7, i), trHigh.Run(7, i)
			for s := range low.Services {
				id := low.Services[s].ID
				if oh.Downtime[s] < ol.Downtime[s] {
					t.Fatalf("collapse %s trial %d: %s down %d with the higher load, %d with the lower", collapse, i, id, oh.Downtime[s], ol.Downtime[s])
				}
				lowLoss, highLoss := ol.Shed[s], oh.Shed[s]
				if collapse != "0" {
					lowLoss += ol.Downtime[s]
					highLoss += oh.Downtime[s]
				}
				if highLoss < lowLoss {
					t.Fatalf("collapse %s trial %d: %s shed (+down) %d with the higher load, %d with the lower", collapse, i, id, highLoss, lowLoss)
				}
				shedSeen = shedSeen || oh.Shed[s] > ol.Shed[s]
				downSeen = downSeen || oh.Downtime[s] > ol.Downtime[s]
			}
		}
		if !shedSeen {
			t.Errorf("collapse %s: the higher load never shed more: the test checks nothing", collapse)
		}
		if collapse != "0" && !downSeen {
			t.Errorf("collapse %s: the higher load never collapsed a service for longer", collapse)
		}
	}
}

func TestCapacityDocExample(t *testing.T) {
	// docs/model.md draws docs/examples/capacity.yaml and quotes these
	// figures: 1000 × (5m + 0.75 × 10h) = 7,583.3 user-hours with the short
	// standby, 1000 × 5m = 83.3 with the full one.
	f, err := graph.LoadFile("../docs/examples/capacity.yaml")
	require.NoError(t, err)
	for id, want := range map[string]struct{ shed, userMilliHours int64 }{
		"short-standby": {27_000_000, 7_583_333},
		"full-standby":  {0, 83_333},
	} {
		c, err := graph.Compile(f.Scenario(id))
		require.NoError(t, err)
		o, _ := one(t, c, 1, 0)
		if o.Shed[0] != want.shed || o.UserMilliHours != want.userMilliHours {
			t.Errorf("%s: got shed %d user-milli-hours %d, want %d %d", id, o.Shed[0], o.UserMilliHours, want.shed, want.userMilliHours)
		}
	}
}
