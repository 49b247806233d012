package sim

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/dominosim/domino/graph"
)

// Variant is one what-if run paired with a baseline: a compiled scenario
// (the baseline's own, or the platform patched by mitigations) in a world.
type Variant struct {
	C     *graph.Compiled
	World World
}

// Paired is a variant's mean of the measure and the paired difference
// baseline − variant (its saving), each with a 95% CI.
type Paired struct {
	Value  Diff
	Saving Diff
}

// RunPaired runs the baseline and every variant over the same trial keys
// (opt.Seed, trials 0..n−1; docs/model.md §7), so each variant's difference to
// the baseline is taken trial by trial: common random numbers make its CI
// much tighter than that of two independent runs. opt.Progress counts
// trials of every run, baseline included: (1 + len(vs)) × trials in all.
// The results do not depend on opt.Workers: sums are exact integers.
func RunPaired(ctx context.Context, base *graph.Compiled, vs []Variant, m Measure, opt Options) (Diff, []Paired, error) {
	trials := opt.Trials
	if trials <= 0 {
		trials = base.Scenario.Trials
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	value := map[*graph.Compiled]func(*Outcome) int64{}
	for _, c := range append([]*graph.Compiled{base}, variantsCompiled(vs)...) {
		if value[c] != nil {
			continue
		}
		f, err := m.bind(c)
		if err != nil {
			return Diff{}, nil, err
		}
		value[c] = f
	}

	// The baseline's per-trial values, which every variant pairs with.
	baseVals := make([]int64, trials)
	runs := append([]Variant{{C: base}}, vs...)
	nChunks := (trials + chunk - 1) / chunk
	type acc struct{ vals, diffs []diffStat }
	accs := make([]acc, workers)
	for phase := range 2 {
		first, last := 0, 1 // the runs of this phase
		if phase == 1 {
			first, last = 1, len(runs)
		}
		jobs := (last - first) * nChunks
		var next atomic.Int64
		var overflow atomic.Bool
		var wg sync.WaitGroup
		for w := range min(workers, max(jobs, 1)) {
			if accs[w].vals == nil {
				accs[w] = acc{vals: make([]diffStat, len(runs)), diffs: make([]diffStat, len(runs))}
			}
			wg.Add(1)
			go func(a *acc) {
				defer wg.Done()
				var tr *Trial
				for ctx.Err() == nil && !overflow.Load() {
					j := int(next.Add(1)) - 1
					if j >= jobs {
						return
					}
					v := first + j/nChunks
					lo := (j % nChunks) * chunk
					hi := min(lo+chunk, trials)
					run := runs[v]
					if tr == nil || tr.c != run.C {
						tr = NewTrial(run.C, nil)
					}
					tr.SetWorld(run.World)
					val := value[run.C]
					for k := lo; k < hi; k++ {
						x := val(tr.Run(opt.Seed, k))
						if tr.overflow {
							overflow.Store(true)
							return
						}
						a.vals[v].add(x)
						if v == 0 {
							baseVals[k] = x
						} else {
							a.diffs[v].add(baseVals[k] - x)
						}
					}
					if opt.Progress != nil {
						opt.Progress(hi - lo)
					}
				}
			}(&accs[w])
		}
		wg.Wait()
		if overflow.Load() {
			return Diff{}, nil, ErrTooManyEvents
		}
		if err := ctx.Err(); err != nil {
			return Diff{}, nil, err
		}
	}
	total := accs[0]
	for _, a := range accs[1:] {
		if a.vals == nil {
			continue
		}
		for i := range runs {
			total.vals[i].merge(&a.vals[i])
			total.diffs[i].merge(&a.diffs[i])
		}
	}
	out := make([]Paired, len(vs))
	for i := range vs {
		out[i] = Paired{Value: total.vals[i+1].diff(m.scale), Saving: total.diffs[i+1].diff(m.scale)}
	}
	return total.vals[0].diff(m.scale), out, nil
}

func variantsCompiled(vs []Variant) []*graph.Compiled {
	cs := make([]*graph.Compiled, len(vs))
	for i, v := range vs {
		if v.C == nil {
			panic(fmt.Sprintf("sim: variant %d has no compiled scenario", i))
		}
		cs[i] = v.C
	}
	return cs
}
