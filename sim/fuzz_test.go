package sim

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/internal/fuzzguard"
)

// fuzzBytes deals small choices out of the fuzzer's bytes; once they run
// out every choice is 0, so any input names a platform.
type fuzzBytes []byte

func (b *fuzzBytes) pick(n int) int {
	if len(*b) == 0 || n <= 1 {
		return 0
	}
	x := int((*b)[0]) % n
	*b = (*b)[1:]
	return x
}

func (b *fuzzBytes) of(opts ...string) string { return opts[b.pick(len(opts))] }

var fuzzDists = []string{"0", "10m", "1h", "3d", "{exponential: {mean: 2h}}", "{lognormal: {median: 3h, p95: 10h}}",
	"{uniform: {min: 0, max: 5h}}", "{empirical: [0, 1h, 3d]}", "{weibull: {shape: 0.5, scale: 4h}}",
	"{gamma: {shape: 2, scale: 1h}}", "{triangular: {min: 1m, mode: 1h, max: 1d}}"}

// fuzzPlatform writes a scenario file with up to 3 sites, 5 services and 4
// events, every field docs/model.md §4–§5 and §11 allow drawn from b.
func fuzzPlatform(b *fuzzBytes) string {
	var w strings.Builder
	dist := func() string { return b.of(fuzzDists...) }
	nSites, nSvc := 1+b.pick(3), 1+b.pick(5)
	w.WriteString("version: 1\nplatform:\n  sites:\n")
	for x := range nSites {
		fmt.Fprintf(&w, "    - {id: s%d, region: r%d", x, b.pick(2))
		if b.pick(4) == 0 {
			fmt.Fprintf(&w, ", mtbf: %s, mttr: %s", b.of("{exponential: {mean: 2d}}", "1d"), dist())
		}
		w.WriteString("}\n")
	}
	w.WriteString("  services:\n")
	for s := range nSvc {
		fmt.Fprintf(&w, "    - id: v%d\n      users: %d\n      cost_per_hour: %d\n      priority: %d\n",
			s, 1000*b.pick(4), 10*b.pick(3), 1+b.pick(5))
		var placed []int
		servers := 0
		on := map[int]int{} // servers per site
		w.WriteString("      placement: {")
		for x := range nSites {
			if b.pick(2) == 1 || x == nSites-1 && len(placed) == 0 {
				n := 1 + b.pick(4)
				if len(placed) > 0 {
					w.WriteString(", ")
				}
				fmt.Fprintf(&w, "s%d: %d", x, n)
				placed, servers = append(placed, x), servers+n
				on[x] = n
			}
		}
		w.WriteString("}\n")
		// The servers that carry the load with every replica running
		// (docs/model.md §11): all of them, or the primary's.
		startServers := servers
		if len(placed) > 1 {
			switch b.pick(3) {
			case 0:
				fmt.Fprintf(&w, "      redundancy: {mode: active-active, quorum: %d}\n", 1+b.pick(len(placed)))
			case 1:
				primary := placed[b.pick(len(placed))]
				fmt.Fprintf(&w, "      redundancy: {mode: active-standby, primary: s%d, failover: {auto: %s, manual: %s}}\n",
					primary, dist(), dist())
				startServers = on[primary]
			}
		}
		others := func(every int) []string {
			var ids []string
			for j := range nSvc {
				if j != s && b.pick(every) == 0 {
					ids = append(ids, fmt.Sprintf("v%d", j))
				}
			}
			return ids
		}
		if deps := others(3); len(deps) > 0 {
			w.WriteString("      depends_on: [")
			for i, id := range deps {
				if i > 0 {
					w.WriteString(", ")
				}
				fmt.Fprintf(&w, "{service: %s, soft: %v}", id, b.pick(3) == 0)
			}
			if len(deps) > 1 && b.pick(2) == 0 {
				fmt.Fprintf(&w, ", {any: [%s], need: %d}", strings.Join(deps, ", "), 1+b.pick(len(deps)))
			}
			w.WriteString("]\n")
		}
		if ids := others(4); len(ids) > 0 {
			fmt.Fprintf(&w, "      start_needs: [%s]\n", strings.Join(ids, ", "))
		}
		if ids := others(4); len(ids) > 0 {
			fmt.Fprintf(&w, "      tooling: [%s]\n", strings.Join(ids, ", "))
		}
		fmt.Fprintf(&w, "      restart: {auto: %s, manual: %s}\n", dist(), dist())
		if b.pick(3) == 0 {
			fmt.Fprintf(&w, "      data: {replication: %s, lag: %s, backup: {every: %s, offsite: %v}}\n",
				b.of("none", "async", "sync"), dist(), b.of("1h", "1d"), b.pick(2) == 0)
		}
		if b.pick(3) == 0 {
			load := 1 + b.pick(servers+2)
			collapse := b.of("0", "0.5", "0.9")
			// A service down with everything running is refused: keep
			// it (and the draws that follow) by dropping its collapse.
			if x, _ := strconv.ParseFloat(collapse, 64); float64(startServers) < x*float64(load) {
				collapse = "0"
			}
			fmt.Fprintf(&w, "      load: %d\n      collapse_below: %s\n", load, collapse)
		}
		if b.pick(4) == 0 {
			fmt.Fprintf(&w, "      mtbf: %s\n      mttr: %s\n", b.of("{exponential: {mean: 1d}}", "12h"), dist())
		}
		fmt.Fprintf(&w, "      rto: %s\n      rpo: %s\n", b.of("0", "1h"), b.of("0", "5m"))
	}
	fmt.Fprintf(&w, "scenarios:\n  - id: fuzz\n    horizon: %s\n    break_glass: %s\n    soft_weight: %s\n",
		b.of("1h", "1d", "7d", "30d"), dist(), b.of("0", "0.5", "1"))
	if b.pick(3) > 0 {
		fmt.Fprintf(&w, "    crews: %d\n", 1+b.pick(3))
	}
	w.WriteString("    events:\n")
	for range 1 + b.pick(4) {
		site := fmt.Sprintf("s%d", b.pick(nSites))
		occur := b.of("probability: 1", "probability: 0.5", "probability: 0", "rate: 50/y")
		switch b.pick(5) {
		case 0, 1:
			fmt.Fprintf(&w, "      - {kind: site-outage, site: %s, at: %s, %s, destroys_data: %s%s}\n",
				site, dist(), occur, b.of("0", "0.5", "1"), b.of("",
					", duration: "+dist(), ", power_restore: [{after: "+dist()+", fraction: 0.35}, {after: "+dist()+", fraction: 1.0}]"))
		case 2:
			fmt.Fprintf(&w, "      - {kind: region-outage, region: r%d, %s, duration: %s}\n", b.pick(2), occur, dist())
		case 3:
			fmt.Fprintf(&w, "      - {kind: isolate, site: %s, at: %s, duration: %s}\n", site, dist(), dist())
		default:
			fmt.Fprintf(&w, "      - {kind: service-fault, services: [v%d], at: %s, duration: %s}\n", b.pick(nSvc), dist(), dist())
		}
	}
	if b.pick(3) == 0 {
		w.WriteString("      - {kind: random-failures}\n")
	}
	return w.String()
}

// FuzzRun simulates small random platforms (fuzzPlatform) and checks what
// must hold in every trial whatever the model does: no panic, figures in
// [0, H], no downtime without an outage, recovery after the outage began,
// the platform figures consistent with the services', probabilities in
// [0, 1], and the same trial giving the same outcome again.
func FuzzRun(f *testing.F) {
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
				t.Skipf("not a platform: %v\n%s", err, text) // fuzzPlatform may break a rule Load checks
			}
			c, err := graph.Compile(file.Scenarios[0])
			if err != nil {
				t.Skipf("compile: %v", err)
			}
			const trials = 8
			grid := Grid(c.Horizon, 10)
			tr, plain := NewTrial(c, grid), NewTrial(c, grid)
			plain.plainOnly = true
			var first *Outcome
			for i := range trials {
				want := cloneOutcome(plain.Run(uint64(len(data)), i))
				o := tr.Run(uint64(len(data)), i)
				if !reflect.DeepEqual(cloneOutcome(o), want) {
					t.Fatalf("trial %d: the outcome from the first instant's snapshot differs from the plain replay\n%s", i, text)
				}
				checkOutcome(t, c, o, text)
				if i == 0 {
					first = cloneOutcome(o)
				}
			}
			if again := cloneOutcome(tr.Run(uint64(len(data)), 0)); !reflect.DeepEqual(again, first) {
				t.Fatalf("trial 0 gave a different outcome when run again\n%s", text)
			}
			res, err := Run(context.Background(), c, Options{Trials: trials, Seed: 1, Workers: 1})
			require.NoError(t, err)
			checkProbabilities(t, res, text)
		})
	})
}

func cloneOutcome(o *Outcome) *Outcome {
	c := *o
	c.Downtime, c.Degraded, c.FirstDown, c.LastUp = slices.Clone(o.Downtime), slices.Clone(o.Degraded), slices.Clone(o.FirstDown), slices.Clone(o.LastUp)
	c.DownAtEnd, c.DataLoss, c.AllLost, c.Cause = slices.Clone(o.DownAtEnd), slices.Clone(o.DataLoss), slices.Clone(o.AllLost), slices.Clone(o.Cause)
	c.RTOBreach, c.Shed, c.Partial, c.DegradedShed = slices.Clone(o.RTOBreach), slices.Clone(o.Shed), slices.Clone(o.Partial), slices.Clone(o.DegradedShed)
	c.Restored = slices.Clone(o.Restored)
	c.Touched = append([]int32(nil), o.Touched...) // nil when empty, like a first trial's
	c.CurveUp, c.CurveUsers = slices.Clone(o.CurveUp), slices.Clone(o.CurveUsers)
	return &c
}

// checkOutcome checks one trial's invariants; text is the platform, shown
// on failure.
func checkOutcome(t *testing.T, c *graph.Compiled, o *Outcome, text string) {
	t.Helper()
	H := c.Horizon
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("trial %d: %s\n%s", o.Trial, fmt.Sprintf(format, args...), text)
	}
	touched := make([]bool, len(c.Services))
	for i, s := range o.Touched {
		if i > 0 && s <= o.Touched[i-1] {
			fail("Touched is not in ascending order: %v", o.Touched)
		}
		touched[s] = true
	}
	var maxUsers int64
	for s := range c.Services {
		id := c.Services[s].ID
		down, deg, first, last := o.Downtime[s], o.Degraded[s], o.FirstDown[s], o.LastUp[s]
		maxUsers += c.Services[s].Users
		switch {
		case down < 0 || down > H:
			fail("%s: downtime %d outside [0, %d]", id, down, H)
		case deg < 0 || down+deg > H:
			fail("%s: degraded %d with downtime %d exceeds the horizon %d", id, deg, down, H)
		case first < 0 && (down > 0 || o.DownAtEnd[s] || last != 0 || o.RTOBreach[s]):
			fail("%s: never went down, yet downtime %d, down at end %v, last up %d", id, down, o.DownAtEnd[s], last)
		case first >= 0 && (first > H || first+down > H):
			fail("%s: first down at %d for %d exceeds the horizon %d", id, first, down, H)
		case first >= 0 && last != 0 && last < first:
			fail("%s: back up at %d before it went down at %d", id, last, first)
		case first >= 0 && !o.DownAtEnd[s] && last == 0 && down > 0:
			fail("%s: down %d and recovered, with no recovery time", id, down)
		case o.Shed[s] < 0 || o.Shed[s] > H || o.DegradedShed[s] < 0 || o.DegradedShed[s] > o.Shed[s]:
			fail("%s: shed %d, degraded shed %d, outside [0, %d]", id, o.Shed[s], o.DegradedShed[s], H)
		case o.DataLoss[s] < 0:
			fail("%s: negative data loss %d", id, o.DataLoss[s])
		case first >= 0 && first < o.Start:
			fail("%s: down at %d, before the first disruption at %d", id, first, o.Start)
		case o.Start+o.FullRecovery < last:
			fail("%s: back up at %d, after full recovery at %d+%d", id, last, o.Start, o.FullRecovery)
		case o.DownAtEnd[s] && !o.Unrecovered:
			fail("%s: down at the horizon in a recovered trial", id)
		}
		// Back to normal: never before the last recovery, H when down at
		// H, 0 when the service never left normal, never after the
		// platform's restoration.
		left := first >= 0 || o.Partial[s] || deg > 0
		r := o.Restored[s]
		switch {
		case r < 0 || r > H:
			fail("%s: restored at %d, outside [0, %d]", id, r, H)
		case !left && r != 0:
			fail("%s: never left normal, yet restored at %d", id, r)
		case left && (r < last || o.DownAtEnd[s] && r != H):
			fail("%s: restored at %d, back up at %d, down at end %v", id, r, last, o.DownAtEnd[s])
		case left && max(0, r-o.Start) > o.FullRestored:
			fail("%s: restored at %d, after the platform at %d from %d", id, r, o.FullRestored, o.Start)
		case o.Unrestored != (o.FullRestored == H-o.Start) || o.FullRestored < o.FullRecovery:
			fail("platform restored at %d (unrestored %v), recovered at %d", o.FullRestored, o.Unrestored, o.FullRecovery)
		}
		nonzero := down != 0 || deg != 0 || first >= 0 || o.Shed[s] != 0 || o.Partial[s] || o.DataLoss[s] != 0 || o.AllLost[s]
		if nonzero && !touched[s] {
			fail("%s: has figures but is not listed in Touched", id)
		}
	}
	n := int32(len(c.Services))
	if o.Start < 0 || o.FullRecovery < 0 || o.Start+o.FullRecovery > H || o.Unrecovered && o.Start+o.FullRecovery != H {
		fail("full recovery %d (unrecovered %v), horizon %d", o.FullRecovery, o.Unrecovered, H)
	}
	if o.PeakDown < 0 || o.PeakDown > n || o.CrewMs < 0 || o.Cost < 0 {
		fail("peak down %d of %d services, crew %d ms, cost %d", o.PeakDown, n, o.CrewMs, o.Cost)
	}
	// Every service's impact rate is at most 1 (docs/model.md §11, soft_weight ≤ 1),
	// so user-hours are at most users × H, give or take rounding.
	if limit := maxUsers*H/3600 + int64(n) + 1; o.UserMilliHours < 0 || o.UserMilliHours > limit {
		fail("user milli-hours %d outside [0, %d]", o.UserMilliHours, limit)
	}
	for i := range o.CurveUp {
		if o.CurveUp[i] < 0 || o.CurveUp[i] > n || o.CurveUsers[i] < 0 || o.CurveUsers[i] > 1e9 {
			fail("curve point %d: %d services up, %d ppb users served", i, o.CurveUp[i], o.CurveUsers[i])
		}
	}
}

// checkProbabilities checks that every share in the results is in [0, 1].
func checkProbabilities(t *testing.T, r *Results, text string) {
	t.Helper()
	in := func(name string, p float64) {
		t.Helper()
		if !(p >= 0 && p <= 1) {
			t.Fatalf("%s = %v, want in [0, 1]\n%s", name, p, text)
		}
	}
	for _, s := range r.Services {
		in(s.ID+" p_affected", s.PAffected)
		in(s.ID+" p_all_data_lost", s.PAllDataLost)
		in(s.ID+" p_unrecovered", s.PUnrecovered)
		in(s.ID+" p_rto_breach", s.PRTOBreach)
		in(s.ID+" p_rpo_breach", s.PRPOBreach)
		in(s.ID+" p_partial", s.PPartial)
		var sum float64
		for cause, p := range s.Causes {
			in(s.ID+" cause "+cause, p)
			sum += p
		}
		// The shares are of one set of trials, so they add up to at most 1
		// (give or take the rounding of each division).
		if sum > 1+1e-9 {
			t.Fatalf("%s causes add up to %v, want at most 1\n%s", s.ID, sum, text)
		}
		if s.Downtime.Mean < 0 || s.Downtime.Mean > float64(r.HorizonMs) {
			t.Fatalf("%s mean downtime %v outside [0, %d]\n%s", s.ID, s.Downtime.Mean, r.HorizonMs, text)
		}
	}
	in("p_deadlock", r.Summary.PDeadlock)
	in("p_unrecovered", r.Summary.PUnrecovered)
	in("p_rto_breach_p1", r.Summary.PRTOBreachP1)
}
