package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Deterministic rules: every duration is fixed, so each trial is exact and
// the tests assert integers (milliseconds).

func TestFixedRestoreAndRestart(t *testing.T) {
	// A 10h outage with power back in one stage, then a 1h automated
	// restart: down 11h. The redundant app depends on db, so it is down as
	// long, with db as its cause.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: db, placement: {a: 10}, restart: {auto: 1h}}
    - {id: app, placement: {a: 5, b: 5}, depends_on: [db]}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: a, duration: 10h}
`, "")
	o, _ := one(t, c, 1, 0)
	db, app := svc(t, c, "db"), svc(t, c, "app")
	assert.Equal(t, 11*h, o.Downtime[db], "db downtime")
	assert.Equal(t, 11*h, o.Downtime[app], "app downtime")
	assert.Equal(t, "site a", CauseString(c, o.Cause[db]), "db cause")
	assert.Equal(t, "dependency db", CauseString(c, o.Cause[app]), "app cause")
	if o.FullRecovery != 11*h || o.Unrecovered || o.PeakDown != 2 {
		t.Errorf("platform: got full recovery %d unrecovered %v peak %d, want %d false 2", o.FullRecovery, o.Unrecovered, o.PeakDown, 11*h)
	}
}

func TestActiveActiveQuorum(t *testing.T) {
	// Three sites, quorum 2: losing one site keeps the service up; losing
	// two takes it down until the first of them is back (2h) and restarted
	// (restart 0 by default).
	const yaml = `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}]
  services:
    - {id: s, placement: {a: 1, b: 1, c: 1}, redundancy: {mode: active-active, quorum: 2}}
scenarios:
  - id: one
    events:
      - {kind: site-outage, site: a, duration: 10h}
  - id: two
    events:
      - {kind: site-outage, site: a, duration: 2h}
      - {kind: site-outage, site: b, duration: 5h}
`
	o, _ := one(t, compile(t, yaml, "one"), 1, 0)
	if o.Downtime[0] != 0 || o.FirstDown[0] != -1 {
		t.Errorf("one site lost: got downtime %d, want 0", o.Downtime[0])
	}
	o, _ = one(t, compile(t, yaml, "two"), 1, 0)
	if got, want := o.Downtime[0], 2*h; got != want {
		t.Errorf("two sites lost: got downtime %d, want %d", got, want)
	}
}

func TestActiveStandbyAutomatedFailover(t *testing.T) {
	// The primary burns for good; the automated failover takes 5m, and
	// there is no fail-back when the primary returns.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: s, placement: {a: 10, b: 10}, redundancy: {mode: active-standby, failover: {auto: 5m}}}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: a}
`, "")
	o, tr := one(t, c, 1, 0)
	if got, want := o.Downtime[0], 5*60*1000; got != int64(want) {
		t.Errorf("downtime: got %d, want %d", got, want)
	}
	failedOver := false
	for _, r := range tr.Records {
		if r.Kind == RecFailedOver && r.Replica == 1 {
			failedOver = true
		}
	}
	if !failedOver {
		t.Error("no failover to b in the trace")
	}
}

func TestFailoverCancelledWhenActiveReturns(t *testing.T) {
	// The active site is isolated for 10m while the failover would take
	// 1h: it is cancelled and the service is down 10m, still served from a.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: s, placement: {a: 10, b: 10}, redundancy: {mode: active-standby, failover: {auto: 1h}}}
scenarios:
  - id: cut
    events:
      - {kind: isolate, site: a, duration: 10m}
`, "")
	o, tr := one(t, c, 1, 0)
	if got, want := o.Downtime[0], 10*60*1000; got != int64(want) {
		t.Errorf("downtime: got %d, want %d", got, want)
	}
	assert.Equal(t, "isolated a", CauseString(c, o.Cause[0]), "cause")
	cancelled := false
	for _, r := range tr.Records {
		cancelled = cancelled || r.Kind == RecFailoverCancelled
		if r.Kind == RecFailedOver {
			t.Error("failed over although the active site came back first")
		}
	}
	if !cancelled {
		t.Error("failover not cancelled")
	}
}

func TestBreakGlassEndsColdStartDeadlock(t *testing.T) {
	// a needs b to start and b needs a: after the 10h outage both wait;
	// after break_glass (12h, fixed) they are started by hand (restart 1h):
	// up at 10h + 12h + 1h = 23h, and the trial counts a deadlock.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: x}]
  services:
    - {id: a, placement: {x: 1}, start_needs: [b], restart: {auto: 1h}}
    - {id: b, placement: {x: 1}, start_needs: [a], restart: {auto: 1h}}
scenarios:
  - id: fire
    break_glass: 12h
    events:
      - {kind: site-outage, site: x, duration: 10h}
`, "")
	o, _ := one(t, c, 1, 0)
	for s := range 2 {
		assert.Equal(t, 23*h, o.Downtime[s], "%s downtime", c.Services[s].ID)
	}
	if !o.Deadlock {
		t.Error("deadlock not reported")
	}
}

func TestStartNeedsWait(t *testing.T) {
	// app needs db to start; db comes back after its 3h restart, then app
	// restarts (1h): app is down 10h + 3h + 1h. No break-glass is needed.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: x}]
  services:
    - {id: db, placement: {x: 1}, restart: {auto: 3h}}
    - {id: app, placement: {x: 1}, start_needs: [db], restart: {auto: 1h}}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: x, duration: 10h}
`, "")
	o, _ := one(t, c, 1, 0)
	assert.Equal(t, 14*h, o.Downtime[svc(t, c, "app")], "app downtime")
	if o.Deadlock {
		t.Error("deadlock reported without break-glass")
	}
}

func TestCrewQueueAndSwitchToAutomated(t *testing.T) {
	// One crew. After the 10h outage, tool restarts by itself in 2h. p1 and
	// p2 need tool to restart automatically; until then they are manual.
	// p1 (priority 1) takes the crew: manual 5h, done at 15h even though
	// tool is back at 12h (a manual restart under way runs to its end). p2
	// waits for the crew and switches to its 1h automated restart at 12h:
	// up at 13h. Crew-hours: 5h.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: x}]
  services:
    - {id: tool, placement: {x: 1}, restart: {auto: 2h}, priority: 3}
    - {id: p1, placement: {x: 1}, priority: 1, tooling: [tool], restart: {auto: 1h, manual: 5h}}
    - {id: p2, placement: {x: 1}, priority: 2, tooling: [tool], restart: {auto: 1h, manual: 5h}}
scenarios:
  - id: fire
    crews: 1
    events:
      - {kind: site-outage, site: x, duration: 10h}
`, "")
	o, _ := one(t, c, 1, 0)
	checkDowntimes(t, c, o, map[string]int64{"tool": 12 * h, "p1": 15 * h, "p2": 13 * h})
	assert.Equal(t, 5*h, o.CrewMs, "crew time")
}

func TestCrewQueueOrder(t *testing.T) {
	// One crew, three manual restarts of 1h each (the tool never returns):
	// they run one after the other in (priority, id) order: 11h, 12h, 13h.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: x}, {id: y}]
  services:
    - {id: tool, placement: {y: 1}}
    - {id: c, placement: {x: 1}, priority: 1, tooling: [tool], restart: {auto: 1m, manual: 1h}}
    - {id: b, placement: {x: 1}, priority: 2, tooling: [tool], restart: {auto: 1m, manual: 1h}}
    - {id: a, placement: {x: 1}, priority: 2, tooling: [tool], restart: {auto: 1m, manual: 1h}}
scenarios:
  - id: fire
    crews: 1
    events:
      - {kind: site-outage, site: x, duration: 10h}
      - {kind: service-fault, services: [tool], duration: 30d}
`, "")
	o, _ := one(t, c, 1, 0)
	checkDowntimes(t, c, o, map[string]int64{"c": 11 * h, "a": 12 * h, "b": 13 * h})
}

func TestRestorationOrderByPriority(t *testing.T) {
	// 30 servers; stages power a third at 1h, two thirds at 2h, all at 3h.
	// Services of 10 servers each come back in priority order.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: x}]
  services:
    - {id: low, placement: {x: 10}, priority: 3}
    - {id: high, placement: {x: 10}, priority: 1}
    - {id: mid, placement: {x: 10}, priority: 2}
scenarios:
  - id: fire
    events:
      - kind: site-outage
        site: x
        power_restore:
          - {after: 1h, fraction: 0.34}
          - {after: 2h, fraction: 0.67}
          - {after: 3h, fraction: 1.0}
`, "")
	o, _ := one(t, c, 1, 0)
	checkDowntimes(t, c, o, map[string]int64{"high": 1 * h, "mid": 2 * h, "low": 3 * h})
}

func TestRestorationNoSkippingAndExactFraction(t *testing.T) {
	// 180 servers. At 0.35, exactly 63 servers may be powered: big (63,
	// priority 1) fits exactly. Then 0.5 (90 servers): huge (100, priority
	// 2) does not fit, so tiny (17, priority 3) waits too, although it
	// would fit: no skipping.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: x}]
  services:
    - {id: big, placement: {x: 63}, priority: 1}
    - {id: huge, placement: {x: 100}, priority: 2}
    - {id: tiny, placement: {x: 17}, priority: 3}
scenarios:
  - id: fire
    events:
      - kind: site-outage
        site: x
        power_restore:
          - {after: 1h, fraction: 0.35}
          - {after: 2h, fraction: 0.5}
          - {after: 4h, fraction: 1}
`, "")
	o, _ := one(t, c, 1, 0)
	checkDowntimes(t, c, o, map[string]int64{"big": 1 * h, "huge": 4 * h, "tiny": 4 * h})
}

func TestOverlappingOutages(t *testing.T) {
	// A replica is powered only when every outage covering it has powered
	// it: outages of 2h and 5h overlapping at t=1h keep the site dark until 6h.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: x}]
  services:
    - {id: s, placement: {x: 1}}
scenarios:
  - id: two
    events:
      - {kind: site-outage, site: x, duration: 2h}
      - {kind: site-outage, site: x, at: 1h, duration: 5h}
`, "")
	o, _ := one(t, c, 1, 0)
	assert.Equal(t, 6*h, o.Downtime[0], "downtime")
}

func TestIsolationAndFault(t *testing.T) {
	// Isolation and faults stop serving without stopping replicas: they
	// serve again at once when it ends, with no restart (restart is 1h).
	// A fault never triggers a failover.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: one, placement: {a: 1}, restart: {auto: 1h}}
    - {id: both, placement: {a: 1, b: 1}, restart: {auto: 1h}}
    - {id: sb, placement: {a: 1, b: 1}, redundancy: {mode: active-standby, failover: {auto: 1m}}}
scenarios:
  - id: cut
    events:
      - {kind: isolate, site: a, duration: 2h}
      - {kind: service-fault, services: [sb], at: 5h, duration: 3h}
`, "")
	o, tr := one(t, c, 1, 0)
	checkDowntimes(t, c, o, map[string]int64{"one": 2 * h, "both": 0, "sb": 60*1000 + 3*h})
	sb := int32(svc(t, c, "sb"))
	n := 0
	for _, r := range tr.Records {
		if r.Kind == RecFailover && r.Service == sb {
			n++
		}
	}
	if n != 1 {
		t.Errorf("sb failovers: got %d, want 1 (isolation only, never the fault)", n)
	}
	if got := CauseString(c, o.Cause[sb]); got != "isolated a" {
		t.Errorf("sb first cause: got %q, want %q", got, "isolated a")
	}
}

func TestSoftDependencyDegrades(t *testing.T) {
	// push is down 10h; app depends on it softly: degraded 10h, never down.
	// User-hours: 1000 users × 0.5 × 10h for app + 10 × 10h for push.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: push, placement: {a: 1}, users: 10}
    - {id: app, placement: {b: 1}, users: 1000, depends_on: [{service: push, soft: true}]}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: a, duration: 10h}
`, "")
	o, _ := one(t, c, 1, 0)
	app := svc(t, c, "app")
	if o.Downtime[app] != 0 || o.Degraded[app] != 10*h {
		t.Errorf("app: got down %d degraded %d, want 0 and %d", o.Downtime[app], o.Degraded[app], 10*h)
	}
	assert.Equal(t, int64((1000*0.5*10+10*10)*1000), o.UserMilliHours, "user milli-hours")
}

func TestGreatestFixedPointCycles(t *testing.T) {
	// a and b depend on each other (a healthy cycle stays up) and both on
	// c. c is down 1h: the cycle goes down with it and comes back with it,
	// with the cause pointing at the cycle's entry.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: x}, {id: y}]
  services:
    - {id: c, placement: {y: 1}}
    - {id: a, placement: {x: 1}, depends_on: [b, c]}
    - {id: b, placement: {x: 1}, depends_on: [a]}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: y, duration: 1h}
`, "")
	o, _ := one(t, c, 1, 0)
	for _, id := range []string{"a", "b", "c"} {
		if got := o.Downtime[svc(t, c, id)]; got != h {
			t.Errorf("%s downtime: got %d, want %d", id, got, h)
		}
	}
	assert.Equal(t, "dependency c", CauseString(c, o.Cause[svc(t, c, "a")]), "a cause")
	assert.Equal(t, "dependency a", CauseString(c, o.Cause[svc(t, c, "b")]), "b cause")
}

func TestAnyGroupNeed(t *testing.T) {
	// dns needs 2 of 3 providers: losing one keeps it up, losing two
	// takes it down until one returns.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}, {id: d}]
  services:
    - {id: p1, placement: {a: 1}}
    - {id: p2, placement: {b: 1}}
    - {id: p3, placement: {c: 1}}
    - {id: dns, placement: {d: 1}, depends_on: [{any: [p1, p2, p3], need: 2}]}
scenarios:
  - id: out
    events:
      - {kind: site-outage, site: a, duration: 3h}
      - {kind: site-outage, site: b, at: 1h, duration: 1h}
`, "")
	o, _ := one(t, c, 1, 0)
	assert.Equal(t, h, o.Downtime[svc(t, c, "dns")], "dns downtime")
	assert.Equal(t, "dependency p1", CauseString(c, o.Cause[svc(t, c, "dns")]), "dns cause")
}

func TestDataLossModes(t *testing.T) {
	// Site a burns and destroys its data; b survives. sync loses nothing,
	// async loses its lag (5s), offsite backups lose less than a backup
	// period, a single-site service without offsite backup loses all.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: sync, placement: {a: 1, b: 1}, data: {replication: sync}}
    - {id: async, placement: {a: 1, b: 1}, data: {replication: async, lag: 5s}}
    - {id: backed, placement: {a: 1}, data: {replication: none, backup: {every: 24h, offsite: true}}}
    - {id: lost, placement: {a: 1}, data: {replication: async, lag: 5s, backup: {every: 24h, offsite: false}}}
    - {id: stateless, placement: {a: 1}}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: a, destroys_data: 1}
`, "")
	for trial := range 50 {
		o, _ := one(t, c, 1, trial)
		if o.DataLoss[svc(t, c, "sync")] != 0 || o.AllLost[svc(t, c, "sync")] {
			t.Fatal("sync lost data")
		}
		if got := o.DataLoss[svc(t, c, "async")]; got != 5000 {
			t.Fatalf("async: got %d, want 5000", got)
		}
		if got := o.DataLoss[svc(t, c, "backed")]; got < 0 || got >= 24*h || o.AllLost[svc(t, c, "backed")] {
			t.Fatalf("backed: got %d, want in [0, 24h)", got)
		}
		if !o.AllLost[svc(t, c, "lost")] {
			t.Fatal("lost: want all data lost")
		}
		if o.AllLost[svc(t, c, "stateless")] || o.DataLoss[svc(t, c, "stateless")] != 0 {
			t.Fatal("stateless lost data")
		}
	}
}

func TestRTOBreach(t *testing.T) {
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: x}]
  services:
    - {id: ok, placement: {x: 1}, rto: 2h}
    - {id: late, placement: {x: 1}, rto: 1h}
    - {id: exact, placement: {x: 1}, rto: 90m}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: x, duration: 90m}
`, "")
	o, _ := one(t, c, 1, 0)
	for id, want := range map[string]bool{"ok": false, "late": true, "exact": false} {
		if got := o.RTOBreach[svc(t, c, id)]; got != want {
			t.Errorf("%s breach: got %v, want %v", id, got, want)
		}
	}
}

func TestUnrecoveredAtHorizon(t *testing.T) {
	// An outage that never gives power back: down for the whole horizon,
	// cut at H, unrecovered; an event at or after H never happens.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: x}, {id: y}]
  services:
    - {id: s, placement: {x: 1}}
    - {id: late, placement: {y: 1}}
scenarios:
  - id: fire
    horizon: 2d
    events:
      - {kind: site-outage, site: x}
      - {kind: site-outage, site: y, at: 2d}
`, "")
	o, _ := one(t, c, 1, 0)
	if o.Downtime[0] != 48*h || !o.DownAtEnd[0] || !o.Unrecovered || o.FullRecovery != 48*h {
		t.Errorf("got downtime %d, down at end %v, unrecovered %v, full recovery %d", o.Downtime[0], o.DownAtEnd[0], o.Unrecovered, o.FullRecovery)
	}
	if o.FirstDown[1] != -1 {
		t.Error("an event at the horizon happened")
	}
}
