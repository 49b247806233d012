package sim

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// sinkOutcome keeps the benchmark's result alive.
var sinkOutcome *Outcome

func generated(b *testing.B, services, sites int) *graph.Compiled {
	b.Helper()
	sc := genFile(b, services, sites, 1).Scenario("fire")
	if sc == nil {
		b.Fatal("generated file has no fire scenario")
	}
	c, err := graph.Compile(sc)
	require.NoError(b, err)
	return c
}

var benchCases = []struct {
	name string
	c    func(b *testing.B) *graph.Compiled
}{
	{"kakao", func(b *testing.B) *graph.Compiled {
		c, err := graph.Compile(kakao(b).Scenarios[0])
		require.NoError(b, err)
		return c
	}},
	{"gen-1000", func(b *testing.B) *graph.Compiled { return generated(b, 1000, 6) }},
	{"gen-1000-random", func(b *testing.B) *graph.Compiled {
		c, err := graph.Compile(genFile(b, 1000, 6, 1).Scenario("random"))
		if err != nil {
			b.Fatal(err)
		}
		return c
	}},
	{"gen-1000-load", func(b *testing.B) *graph.Compiled { return withLoads(generated(b, 1000, 6), false) }},
	{"gen-1000-load-carried", func(b *testing.B) *graph.Compiled { return withLoads(generated(b, 1000, 6), true) }},
	{"gen-10000", func(b *testing.B) *graph.Compiled { return generated(b, 10000, 12) }},
	{"sp-20", func(b *testing.B) *graph.Compiled { return compile(b, seriesParallel20, "") }},
}

// seriesParallel20 is a small reliability system: 20 repairable units
// (exponential failures at 0.2/h, repairs at 1/h, unlimited crews, so each
// has its own) in 10 parallel pairs in series, over 10 hours.
var seriesParallel20 = func() string {
	var w strings.Builder
	w.WriteString("version: 1\nplatform:\n  name: sp20\n  sites:\n")
	for i := range 20 {
		fmt.Fprintf(&w, "    - {id: x%d}\n", i)
	}
	w.WriteString("    - {id: z}\n  services:\n")
	var groups []string
	for i := range 20 {
		fmt.Fprintf(&w, "    - {id: u%d, users: 1, placement: {x%d: 1}, mtbf: {exponential: {mean: 5h}}, mttr: {exponential: {mean: 1h}}}\n", i, i)
		if i%2 == 1 {
			groups = append(groups, fmt.Sprintf("{any: [u%d, u%d]}", i-1, i))
		}
	}
	fmt.Fprintf(&w, "    - {id: system, users: 1, placement: {z: 1}, depends_on: [%s]}\n", strings.Join(groups, ", "))
	w.WriteString("scenarios:\n  - id: random\n    horizon: 10h\n    events:\n      - {kind: random-failures}\n")
	return w.String()
}()

// withLoads gives every service placed on more than one site a load
// (docs/model.md §11), for comparison with the same platform without loads.
// Binding: the load is all its servers, so losing any replica sheds load
// and active-standby services fail back — new work the model asks for, on
// top of the bookkeeping. Carried: the load is its smallest replica, which
// any serving replica carries in full, so the outcome is that of the
// platform without loads and the difference is the bookkeeping alone.
func withLoads(c *graph.Compiled, carried bool) *graph.Compiled {
	for s := range c.Services {
		lo, hi := c.RepOff[s], c.RepOff[s+1]
		if hi-lo < 2 {
			continue
		}
		var all, least int64
		for _, r := range c.Replicas[lo:hi] {
			all += r.Servers
			if least == 0 || r.Servers < least {
				least = r.Servers
			}
		}
		c.Services[s].Load = all
		if carried {
			c.Services[s].Load = least
		}
	}
	return c
}

// BenchmarkTrial times the simulation of one trial of a site fire on one
// core: ns/op is ns/trial, and allocs/op must be 0.
func BenchmarkTrial(b *testing.B) {
	for _, tc := range benchCases {
		b.Run(tc.name, func(b *testing.B) {
			// callgrind (scripts/trial-instructions.sh) switches counting
			// on and off per thread, at Trial.Run: a goroutine that pauses
			// inside Run and resumes on another thread leaves one thread
			// counting and the other not, and on a busy machine the counts
			// came out wrong by hundreds of thousands, even negative.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			c := tc.c(b)
			tr := NewTrial(c, Grid(c.Horizon, GridPoints))
			for i := range 50 { // scratch slices reach their size
				tr.Run(1, i)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sinkOutcome = tr.Run(1, i%100000)
			}
		})
	}
}

// BenchmarkTrialAggregated adds the streaming aggregation of each trial.
// Histograms are allocated the first time a service records a value above
// zero, so the warm-up runs enough trials to reach the steady state.
func BenchmarkTrialAggregated(b *testing.B) {
	for _, tc := range benchCases {
		b.Run(tc.name, func(b *testing.B) {
			// One thread, as in BenchmarkTrial.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			c := tc.c(b)
			grid := Grid(c.Horizon, GridPoints)
			tr := NewTrial(c, grid)
			agg := NewAggregator(c, grid)
			for i := range 1000 {
				agg.Add(tr.Run(1, i))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sinkOutcome = tr.Run(1, i%1000)
				agg.Add(sinkOutcome)
			}
		})
	}
}

// BenchmarkRun times whole runs with 2 workers; trials/s = 1e9 × trials / ns/op.
func BenchmarkRun(b *testing.B) {
	c := generated(b, 1000, 6)
	const trials = 2000
	b.Run(fmt.Sprintf("gen-1000/trials=%d/workers=2", trials), func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := Run(context.Background(), c, Options{Trials: trials, Seed: 1, Workers: 2}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(trials)*float64(b.N)/b.Elapsed().Seconds(), "trials/s")
	})
}

// BenchmarkAggregate times Aggregator.Add alone, on outcomes recorded
// beforehand: the share of a trial's cost that is aggregation.
func BenchmarkAggregate(b *testing.B) {
	for _, tc := range benchCases[:2] {
		b.Run(tc.name, func(b *testing.B) {
			c := tc.c(b)
			grid := Grid(c.Horizon, GridPoints)
			tr := NewTrial(c, grid)
			outs := make([]*Outcome, 64)
			for i := range outs {
				o := tr.Run(1, i)
				outs[i] = cloneOutcome(o)
				outs[i].Touched = slices.Clone(o.Touched) // in the trial's order
			}
			agg := NewAggregator(c, grid)
			for i := range 1000 {
				agg.Add(outs[i%len(outs)])
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				agg.Add(outs[i%len(outs)])
			}
		})
	}
}
