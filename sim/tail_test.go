package sim

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/internal/fuzzguard"
)

// tailDiff runs trials of c with the event engine alone (the reference)
// and with the quiescent tail, in every what-if world given, and fails at
// the first trial whose outcomes differ. It returns how many trials the
// tail finished.
func tailDiff(t *testing.T, name string, c *graph.Compiled, seeds []uint64, trials int, worlds []World) int {
	t.Helper()
	grid := Grid(c.Horizon, 50)
	ref, fast := NewTrial(c, grid), NewTrial(c, grid)
	ref.tail.disabled = true
	taken := 0
	for _, w := range worlds {
		ref.SetWorld(w)
		fast.SetWorld(w)
		for _, seed := range seeds {
			for k := range trials {
				want := cloneOutcome(ref.Run(seed, k))
				got := cloneOutcome(fast.Run(seed, k))
				if fast.tail.taken {
					taken++
				}
				if !reflect.DeepEqual(got, want) || fast.Overflowed() != ref.Overflowed() {
					diffOutcomes(t, got, want)
					t.Fatalf("%s, %v, seed %d, trial %d (tail taken: %v): the outcome differs from the event engine's",
						name, w, seed, k, fast.tail.taken)
				}
			}
		}
	}
	return taken
}

// TestTailSameAsEvents compares every trial's outcome with and without the
// tail on every embedded scenario, generated platforms and small rule
// platforms, in the baseline and what-if worlds.
func TestTailSameAsEvents(t *testing.T) {
	taken := 0
	for name, c := range snapshotCases(t) {
		trials := caseTrials(c)
		taken += tailDiff(t, name, c, []uint64{1, 7}, trials, worldsOf(c)[:3])
	}
	assert.Positive(t, taken, "the tail never took over: the test compares nothing")
}

// TestTailGenerated compares the two engines on generated platforms of
// 200, 1,000 and 10,000 services, fire and random, several seeds, and
// checks that the tail takes over most fire trials (or the speed-up is
// silently gone).
func TestTailGenerated(t *testing.T) {
	sizes := []struct{ services, sites, trials int }{{200, 3, 400}, {1000, 6, 40}, {10000, 12, 2}}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, g := range sizes {
		for _, gseed := range []uint64{1, 2, 3} {
			f := genFile(t, g.services, g.sites, gseed)
			for _, id := range []string{"fire", "random"} {
				name := fmt.Sprintf("gen-%d-%d/%s", g.services, gseed, id)
				t.Run(name, func(t *testing.T) {
					c, err := graph.Compile(f.Scenario(id))
					require.NoError(t, err)
					taken := tailDiff(t, name, c, []uint64{1, 99}, g.trials, []World{{}})
					if id == "fire" {
						assert.GreaterOrEqual(t, taken, g.trials, "the tail took %d of %d fire trials", taken, 2*g.trials)
					}
				})
			}
		}
	}
}

// fixDurations makes every duration of c fixed, a multiple of quantum
// near its mean (some 0), so that many things happen at the same
// instant: the tie rules are then all that orders them.
func fixDurations(c *graph.Compiled, quantum int64) {
	fix := func(d *graph.Dist) {
		if d == nil {
			return
		}
		m := d.Mean()
		if math.IsInf(m, 0) || math.IsNaN(m) || m > float64(c.Horizon) {
			m = float64(c.Horizon)
		}
		*d = graph.NewFixed(int64(math.Round(m/float64(quantum))) * quantum)
	}
	for s := range c.Services {
		cs := &c.Services[s]
		fix(&cs.Restart.Auto)
		fix(cs.Restart.Manual)
		fix(&cs.Failover.Auto)
		fix(cs.Failover.Manual)
		fix(cs.MTBF)
		fix(cs.MTTR)
	}
	for x := range c.Sites {
		fix(c.Sites[x].MTBF)
		fix(c.Sites[x].MTTR)
	}
	for i := range c.Events {
		e := &c.Events[i]
		fix(&e.At)
		fix(e.Duration)
		for j := range e.Stages {
			fix(&e.Stages[j].After)
		}
		for _, z := range e.ZoneStages {
			for j := range z {
				fix(&z[j].After)
			}
		}
	}
	fix(&c.BreakGlass)
}

// TestTailTies compares the two engines on platforms whose durations are
// all fixed multiples of an hour or a day: restarts, failovers, stages and
// break-glass deadlines land on the same instants, zero durations add
// rounds to an instant, and only the tie rules order them.
func TestTailTies(t *testing.T) {
	taken, total := 0, 0
	cases := snapshotCases(t)
	for _, g := range []struct{ services, sites int }{{60, 3}, {300, 4}} {
		for _, gseed := range []uint64{4, 5} {
			compileAll(t, cases, fmt.Sprintf("gen-%d-%d", g.services, gseed), genFile(t, g.services, g.sites, gseed))
		}
	}
	for name, c := range cases {
		if len(c.Services) > 500 {
			continue
		}
		for _, q := range []int64{graph.Hour, 6 * graph.Hour, graph.Day} {
			fixed := *c
			fixed.Services = append([]graph.CService(nil), c.Services...)
			fixed.Sites = append([]graph.CSite(nil), c.Sites...)
			fixed.Events = append([]graph.CEvent(nil), c.Events...)
			for i := range fixed.Events {
				e := &fixed.Events[i]
				e.Stages = append([]graph.Stage(nil), e.Stages...)
				zs := make([][]graph.Stage, len(e.ZoneStages))
				for j, z := range e.ZoneStages {
					zs[j] = append([]graph.Stage(nil), z...)
				}
				if e.ZoneStages != nil {
					e.ZoneStages = zs
				}
			}
			fixDurations(&fixed, q)
			taken += tailDiff(t, fmt.Sprintf("%s fixed to %s", name, graph.FormatDuration(q)), &fixed, []uint64{1, 3}, 8, []World{{}})
			total += 16
		}
	}
	t.Logf("the tail took %d of %d trials", taken, total)
	assert.Positive(t, taken, "the tail never took over: the test compares nothing")
}

// TestTailRules compares the two engines on small platforms made for the
// tail's corner cases, and checks that it takes over each.
func TestTailRules(t *testing.T) {
	for name, yaml := range map[string]string{
		// A break-glass deadline equal to the time the start need comes
		// up: evGate is applied before the instant settles, so it is a
		// deadlock.
		"break-glass tie": `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: ops, placement: {b: 1}}
    - {id: need, placement: {a: 1}, restart: {auto: 3h}, tooling: [ops]}
    - {id: app, placement: {a: 1}, start_needs: [need], restart: {auto: 1h}, tooling: [ops]}
scenarios:
  - id: fire
    break_glass: 3h
    events:
      - {kind: site-outage, site: a, power_restore: [{after: 2h, fraction: 1.0}]}
      - {kind: site-outage, site: b, duration: 1h}
`,
		// Zero durations everywhere: an instant takes several rounds.
		"zero rounds": `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: ops, placement: {b: 1}}
    - {id: db, placement: {a: 1, b: 1}, redundancy: {mode: active-standby, primary: a}, tooling: [ops]}
    - {id: need, placement: {a: 1}, depends_on: [db], tooling: [ops]}
    - {id: app, placement: {a: 1}, start_needs: [need], depends_on: [{service: cache, soft: true}], tooling: [ops]}
    - {id: cache, placement: {a: 1}, start_needs: [app], restart: {auto: 2h}}
scenarios:
  - id: fire
    break_glass: 0
    events:
      - {kind: site-outage, site: a, power_restore: [{after: 2h, fraction: 0.5}, {after: 4h, fraction: 1.0}]}
      - {kind: site-outage, site: b, duration: 1h}
`,
		// A failover whose target comes back at the instant it completes
		// is wasted, and starts over; another is cancelled by the primary.
		"failover races": `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}]
  services:
    - {id: ops, placement: {c: 1}}
    - {id: db, placement: {a: 1, b: 1, c: 1}, redundancy: {mode: active-standby, primary: a, failover: {auto: 1h, manual: 2h}}, restart: {auto: 1h}, tooling: [ops]}
    - {id: app, placement: {a: 2, b: 2}, depends_on: [db], restart: {auto: 30m}, tooling: [ops]}
scenarios:
  - id: fire
    crews: 1
    events:
      - {kind: site-outage, site: a, power_restore: [{after: 5h, fraction: 1.0}]}
      - {kind: site-outage, site: b, power_restore: [{after: 1h, fraction: 1.0}]}
      - {kind: site-outage, site: c, duration: 30m}
`,
	} {
		t.Run(name, func(t *testing.T) {
			c := compile(t, yaml, "")
			taken := tailDiff(t, name, c, []uint64{1, 2, 3}, 20, []World{{}})
			assert.Positive(t, taken, "the tail never took over")
		})
	}
}

// FuzzTail compares the two engines on small random platforms
// (fuzzPlatform), most of whose durations are fixed, so ties abound.
func FuzzTail(f *testing.F) {
	for _, seed := range [][]byte{nil, {1, 2, 3}, {2, 4, 1, 1, 1, 0, 2, 1, 3, 0, 0, 1}, []byte("domino-kakao-pangyo"),
		{2, 4, 1, 0, 1, 1, 0, 1, 1, 1, 1, 2, 0, 0, 0, 0, 1, 1, 1, 1, 3, 2, 1, 0, 4, 4, 4, 4, 0, 0, 2, 1}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzguard.Check(t, len(data), func() {
			b := fuzzBytes(data)
			text := fuzzPlatform(&b)
			file, err := graph.Load(strings.NewReader(text), "fuzz.yaml")
			if err != nil {
				t.Skipf("not a platform: %v", err)
			}
			c, err := graph.Compile(file.Scenarios[0])
			if err != nil {
				t.Skipf("compile: %v", err)
			}
			tailDiff(t, text, c, []uint64{uint64(len(data)), 1}, 8, []World{{}})
		})
	})
}
