package sim

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// More rules of docs/model.md §6, each with an exact or closed-form result.

func TestPowerLossCancelsRestartAndFreesCrew(t *testing.T) {
	// One crew; s's tool is faulted all along, so its restarts are manual
	// (5h). Power returns at 1h: the crew starts. Power is lost again at 3h:
	// the restart is cancelled and the crew freed (2h held). Power returns at
	// 4h: a new manual restart ends at 9h. Down 9h; crew time 2h + 5h.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: x}, {id: y}]
  services:
    - {id: tool, placement: {y: 1}}
    - {id: s, placement: {x: 1}, tooling: [tool], restart: {auto: 1m, manual: 5h}}
scenarios:
  - id: flaps
    crews: 1
    events:
      - {kind: service-fault, services: [tool], duration: 30d}
      - {kind: site-outage, site: x, duration: 1h}
      - {kind: site-outage, site: x, at: 3h, duration: 1h}
`, "")
	o, _ := one(t, c, 1, 0)
	s := svc(t, c, "s")
	if o.Downtime[s] != 9*h || o.CrewMs != 7*h {
		t.Errorf("got downtime %d crew %d, want %d and %d", o.Downtime[s], o.CrewMs, 9*h, 7*h)
	}
}

func TestFailoverWaitingForCrewSwitchesToAutomated(t *testing.T) {
	// One crew, held from 1s by hog's 10h manual restart. At 1h s's primary
	// burns; its tool is down (site c dark until 2h), so the failover waits
	// for the crew. At 2h the tool is back: the waiting failover takes the
	// automated path (5m). s is down 1h05m.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}, {id: d}]
  services:
    - {id: tool, placement: {c: 1}}
    - {id: hog, priority: 1, placement: {d: 1}, tooling: [tool], restart: {auto: 1m, manual: 10h}}
    - id: s
      priority: 2
      placement: {a: 1, b: 1}
      tooling: [tool]
      redundancy: {mode: active-standby, failover: {auto: 5m, manual: 1h}}
scenarios:
  - id: busy
    crews: 1
    events:
      - {kind: site-outage, site: c, duration: 2h}
      - {kind: site-outage, site: d, duration: 1s}
      - {kind: site-outage, site: a, at: 1h}
`, "")
	o, tr := one(t, c, 1, 0)
	s := int32(svc(t, c, "s"))
	assert.Equal(t, h+5*60*1000, o.Downtime[s], "s downtime")
	var queued, auto bool
	for _, r := range tr.Records {
		if r.Service == s && r.Kind == RecFailoverQueued {
			queued = true
		}
		if r.Service == s && r.Kind == RecFailover {
			auto = !r.Manual && r.T == 2*h
		}
	}
	if !queued || !auto {
		t.Errorf("failover queued %v, then automated at 2h %v; want both", queued, auto)
	}
}

func TestRegionOutageSharesStagesAndDestruction(t *testing.T) {
	// A region outage draws its restoration and its destroys_data coin once
	// for all its sites: x (on a) and y (on b) are down exactly as long and
	// lose their data together, in half of the trials.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a, region: r}, {id: b, region: r}, {id: z}]
  services:
    - {id: x, placement: {a: 1}, data: {replication: none}}
    - {id: y, placement: {b: 1}, data: {replication: none}}
scenarios:
  - id: flood
    events:
      - kind: region-outage
        region: r
        destroys_data: 0.5
        power_restore:
          - {after: {uniform: {min: 1h, max: 5h}}, fraction: 1}
`, "")
	const n = 2000
	tr := NewTrial(c, nil)
	lost := 0
	for k := range n {
		o := tr.Run(1, k)
		if o.Downtime[0] != o.Downtime[1] || o.AllLost[0] != o.AllLost[1] {
			t.Fatalf("trial %d: x and y differ (down %d/%d, lost %v/%v)", k, o.Downtime[0], o.Downtime[1], o.AllLost[0], o.AllLost[1])
		}
		if o.AllLost[0] {
			lost++
		}
	}
	checkP(t, "P(destroyed)", float64(lost)/n, 0.5, n)
}

func TestRateIsPoisson(t *testing.T) {
	// rate: 1/y over a 365-day horizon is a Poisson number of faults with
	// mean 1: P(at least one) = 1 − e⁻¹.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}]
  services:
    - {id: s, placement: {a: 1}}
scenarios:
  - id: faults
    horizon: 365d
    events:
      - {kind: service-fault, services: [s], rate: 1/y, duration: 1h}
`, "")
	n := statTrials(20000, 5000)
	r := runAll(t, c, n, 2)
	checkP(t, "P(affected)", result(r, "s").PAffected, 1-math.Exp(-1), n)
}

func TestRandomSiteFailures(t *testing.T) {
	// A site with exponential failures (mean 10h) and repairs (mean 2h):
	// it goes dark until a crew repairs it, then comes back in one stage.
	// Its only service is down as long as the site, ∫ q(t) dt over [0, H],
	// with the cause "failure x".
	c := compile(t, `
version: 1
platform:
  name: t
  sites:
    - {id: x, mtbf: {exponential: {mean: 10h}}, mttr: {exponential: {mean: 2h}}}
  services:
    - {id: s, placement: {x: 1}}
scenarios:
  - id: random
    horizon: 100h
    events:
      - {kind: random-failures}
`, "")
	n := statTrials(20000, 4000)
	r := runAll(t, c, n, 2)
	H := 100 * float64(h)
	l, m := 1/(10*float64(h)), 1/(2*float64(h))
	k := l + m
	checkMean(t, "downtime", result(r, "s").Downtime, l/k*(H-(1-math.Exp(-k*H))/k))
	if got := result(r, "s").TopCause; got != "failure x" {
		t.Errorf("cause: got %q, want %q", got, "failure x")
	}
}

func TestFailedReplicasStillCountAsPlaced(t *testing.T) {
	// a (10 servers, priority 1) fails for good at 30m; the site burns at
	// 1h. At 2h half of its 20 placed servers may be powered: a fits (and
	// stays failed), b does not, although a failed replica draws nothing.
	// b waits for the last stage at 3h: down 2h.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: x}]
  services:
    - {id: a, priority: 1, placement: {x: 10}, mtbf: 30m}
    - {id: b, priority: 2, placement: {x: 10}}
scenarios:
  - id: fire
    events:
      - {kind: random-failures}
      - kind: site-outage
        site: x
        at: 1h
        power_restore:
          - {after: 1h, fraction: 0.5}
          - {after: 2h, fraction: 1}
`, "")
	o, _ := one(t, c, 1, 0)
	assert.Equal(t, 2*h, o.Downtime[svc(t, c, "b")], "b downtime")
	if a := svc(t, c, "a"); !o.DownAtEnd[a] || o.FirstDown[a] != 30*60*1000 {
		t.Errorf("a: down at end %v, first down %d; want true and 30m", o.DownAtEnd[a], o.FirstDown[a])
	}
}

func TestFailoverTargetAndRetry(t *testing.T) {
	// a (primary) burns at 0. The first serving site in file order is b:
	// the failover (1h) starts toward it. b is isolated from 30m, so at 1h
	// the target no longer serves: a new failover starts at once toward the
	// first serving site, c, and completes at 2h. Down 2h. A fault is its
	// own cause.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}]
  services:
    - id: s
      placement: {a: 1, b: 1, c: 1}
      redundancy: {mode: active-standby, primary: a, failover: {auto: 1h}}
    - {id: f, placement: {c: 1}}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: a}
      - {kind: isolate, site: b, at: 30m, duration: 10h}
      - {kind: service-fault, services: [f], at: 3h, duration: 1h}
`, "")
	o, tr := one(t, c, 1, 0)
	s := int32(svc(t, c, "s"))
	assert.Equal(t, 2*h, o.Downtime[s], "s downtime")
	var targets []string
	for _, r := range tr.Records {
		if r.Service == s && r.Kind == RecFailover {
			targets = append(targets, c.Sites[c.Replicas[r.Replica].Site].ID)
		}
	}
	if len(targets) != 2 || targets[0] != "b" || targets[1] != "c" {
		t.Errorf("failover targets: got %v, want [b c]", targets)
	}
	f := svc(t, c, "f")
	if got := CauseString(c, o.Cause[f]); got != "fault" || o.Downtime[f] != h {
		t.Errorf("f: cause %q downtime %d, want fault and %d", got, o.Downtime[f], h)
	}
}
