package sim

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/dominosim/domino/graph"
)

// GridPoints is the default number of recovery-curve intervals.
const GridPoints = 200

// Options control a Monte Carlo run.
type Options struct {
	Trials int // default: the scenario's
	// First is the index of the first trial: the run covers trials
	// [First, First+Trials), so a shard of a big run draws exactly what the
	// big run would have drawn for those trials (docs/model.md §7).
	First   int
	Seed    uint64 // default 1 is the caller's business: 0 is a seed too
	Workers int    // default: runtime.NumCPU()
	// Progress, when set, is called from the workers with the number of
	// trials just finished.
	Progress func(done int)
	// Stats, when set, receives each worker's trials, busy time and thread
	// CPU time (domino run --stats). It costs two clock reads a worker.
	Stats *RunStats
}

// chunk is how many consecutive trials a worker takes at a time.
const chunk = 64

// MaxEvents bounds the events one trial may schedule, so that a scenario
// whose rates or mtbf ask for billions of failures (rate: 1e12/d, mtbf: 1ms
// over years) is refused instead of running for ever, holding at most some
// 300 MB of pending events. A legitimate trial of a 100,000-service platform
// schedules well under a million.
const MaxEvents = 10_000_000

// ErrTooManyEvents is returned by Run when a trial scheduled more than
// MaxEvents events.
var ErrTooManyEvents = fmt.Errorf("a trial scheduled more than %d events: lower the event rates or raise mtbf, or shorten the horizon", MaxEvents)

// Run simulates the trials of c and aggregates them. The results do not
// depend on Workers: every trial is keyed by (seed, index) and aggregation
// is exact.
func Run(ctx context.Context, c *graph.Compiled, opt Options) (*Results, error) {
	agg, err := RunAggregate(ctx, c, opt)
	if err != nil {
		return nil, err
	}
	return agg.Results(opt.Seed), nil
}

// RunAggregate is Run without the final summary. When ctx is cancelled it
// returns ctx's error together with the aggregate of the trials completed
// so far, which are always the prefix [First, First+Trials()): chunks are
// handed out in order and a worker finishes the chunk it holds before it
// looks at ctx again, so no later trial is done while an earlier one is not.
func RunAggregate(ctx context.Context, c *graph.Compiled, opt Options) (*Aggregator, error) {
	trials := opt.Trials
	if trials <= 0 {
		trials = c.Scenario.Trials
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	// Workers beyond the processors only cost memory: each holds an
	// aggregator of a few MB. The results do not depend on their number.
	workers = min(workers, runtime.GOMAXPROCS(0), max(1, (trials+chunk-1)/chunk))
	grid := Grid(c.Horizon, GridPoints)
	aggs := make([]*Aggregator, workers)
	if opt.Stats != nil {
		opt.Stats.Workers = make([]WorkerStat, workers)
	}
	var next atomic.Int64
	var overflow atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		aggs[w] = NewAggregator(c, grid)
		wg.Add(1)
		go func(w int, agg *Aggregator) {
			defer wg.Done()
			tr := NewTrial(c, grid)
			if opt.Stats != nil {
				stop := measure(&opt.Stats.Workers[w])
				defer func() { stop(int(agg.Trials())) }()
			}
			for ctx.Err() == nil && !overflow.Load() {
				lo := int(next.Add(chunk)) - chunk
				if lo >= trials {
					return
				}
				hi := min(lo+chunk, trials)
				for i := lo; i < hi; i++ {
					o := tr.Run(opt.Seed, opt.First+i)
					if tr.overflow {
						overflow.Store(true)
						return
					}
					agg.Add(o)
				}
				if opt.Progress != nil {
					opt.Progress(hi - lo)
				}
			}
		}(w, aggs[w])
	}
	wg.Wait()
	if overflow.Load() {
		// The trials done so far are no prefix, and the scenario cannot
		// be run anyway: no partial results.
		return nil, ErrTooManyEvents
	}
	for _, a := range aggs[1:] {
		aggs[0].Merge(a)
	}
	return aggs[0], ctx.Err()
}
