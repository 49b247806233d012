package sim

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/dominosim/domino/graph"
)

// SensitivitySchema names the version of the sensitivity format.
const SensitivitySchema = "domino.sensitivity/v1"

// Build returns the scenario compiled with the uncertain inputs at the
// given values (by path) and every other uncertain input at its nominal
// value: graph.File.With, then the scenario, then graph.Compile.
type Build func(values map[string]float64) (*graph.Compiled, error)

// BuildError is a Build that failed: the file's scenario cannot be built
// with its inputs at some values (a problem of the file, not of the
// engine).
type BuildError struct{ Err error }

func (e *BuildError) Error() string { return e.Err.Error() }
func (e *BuildError) Unwrap() error { return e.Err }

// Sensitivity is the result of domino sensitivity (docs/model.md §14): for
// each uncertain input, the metric with that input at its low and at its
// high, everything else nominal, over the baseline's trials; inputs sorted
// by swing, largest first.
type Sensitivity struct {
	Schema   string `json:"schema"`
	Scenario string `json:"scenario"`
	// Versus, when set, is the scenario the metric is measured against:
	// every figure is the scenario's value minus Versus's, trial by trial.
	Versus   string             `json:"versus,omitempty"`
	Platform string             `json:"platform_name,omitempty"`
	Currency string             `json:"currency,omitempty"`
	Metric   string             `json:"metric"`
	Unit     string             `json:"unit"`
	Seed     uint64             `json:"seed"`
	Trials   int                `json:"trials"`
	Baseline Mean               `json:"baseline"`
	Inputs   []SensitivityInput `json:"inputs"`
	// Omitted is the number of inputs with smaller swings left out of
	// Inputs (domino sensitivity --top).
	Omitted int `json:"omitted,omitempty"`
}

// Top keeps the n inputs with the largest swings (n > 0), counting the
// others in Omitted.
func (s *Sensitivity) Top(n int) {
	if n > 0 && n < len(s.Inputs) {
		s.Omitted += len(s.Inputs) - n
		s.Inputs = s.Inputs[:n]
	}
}

// SensitivityInput is one uncertain input's row of the tornado.
type SensitivityInput struct {
	// Path is the input's key path in the file, Line and Col where its
	// {uncertain: …} mapping is.
	Path string `json:"path"`
	// Label names the input for people ("talk-db: restart.manual.median"),
	// when the caller knows better than the path.
	Label   string  `json:"label,omitempty"`
	Line    int     `json:"line"`
	Col     int     `json:"col"`
	Kind    string  `json:"kind"` // duration, probability, fraction, count or rate
	Dist    string  `json:"dist"` // uniform, triangular or loguniform
	Nominal Setting `json:"nominal"`
	Low     End     `json:"low"`
	High    End     `json:"high"`
	// Swing is |high.mean − low.mean|, the length of the tornado's bar.
	Swing float64 `json:"swing"`
	// Difference is high − low, trial by trial (paired), with its 95% CI.
	Difference Mean `json:"difference"`
}

// Setting is a value of an input: in the model's units (milliseconds for
// durations) and as the file would write it.
type Setting struct {
	Value float64 `json:"value"`
	Text  string  `json:"text"`
}

// End is the metric with one input at its low or its high: its mean with
// the 95% CI of that run.
type End struct {
	Value float64     `json:"value"`
	Text  string      `json:"text"`
	Mean  float64     `json:"mean"`
	CI95  *[2]float64 `json:"ci95"`
}

// Mean is a mean with its 95% confidence interval; CI95 is nil (null in
// JSON) below 2 trials.
type Mean struct {
	Mean float64     `json:"mean"`
	CI95 *[2]float64 `json:"ci95"`
}

func meanOf(d Diff) Mean {
	e := Mean{Mean: d.Mean}
	if !d.NoCI {
		ci := d.CI95
		e.CI95 = &ci
	}
	return e
}

// Worlds are what a sensitivity run varies: the scenario with every input
// nominal and its Build; and, to measure a difference, the scenario it is
// measured against, built with the same values.
type Worlds struct {
	Base  *graph.Compiled
	Build Build
	// Versus, when set, makes the metric the scenario's value minus
	// Versus's in the same trial (a mitigation's saving, when the
	// scenario is the baseline and Versus the mitigated one).
	Versus      *graph.Compiled
	VersusBuild Build
}

// RunSensitivity runs w.Base (every input nominal) and, for each input,
// the scenario with that input at its low and at its high (w.Build), all
// over the same trial keys (opt.Seed, trials 0..n−1; docs/model.md §7), so
// that every difference is taken trial by trial (common random numbers).
// With w.Versus, each world's value in a trial is its scenario's minus
// Versus's, built with the same input values. opt.Progress counts the
// trials of every run: (1 + 2·len(inputs)) × trials in all, twice that
// with Versus. The results do not depend on opt.Workers: sums are exact
// integers.
func RunSensitivity(ctx context.Context, w Worlds, inputs []graph.Uncertain, m Measure, opt Options) (*Sensitivity, error) {
	base := w.Base
	trials := opt.Trials
	if trials <= 0 {
		trials = base.Scenario.Trials
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	// runs[0] is the baseline, runs[1+2i] input i at its low, runs[2+2i]
	// at its high; each with the scenario it is measured against, or nil.
	runs := make([][2]*graph.Compiled, 1, 1+2*len(inputs))
	runs[0] = [2]*graph.Compiled{base, w.Versus}
	for _, in := range inputs {
		for _, v := range []float64{in.Low, in.High} {
			values := map[string]float64{in.Path: v}
			c, err := w.Build(values)
			if err != nil {
				return nil, &BuildError{fmt.Errorf("%s at %s: %w", in.Path, in.Format(v), err)}
			}
			var vs *graph.Compiled
			if w.Versus != nil {
				if vs, err = w.VersusBuild(values); err != nil {
					return nil, &BuildError{fmt.Errorf("%s at %s: %w", in.Path, in.Format(v), err)}
				}
			}
			runs = append(runs, [2]*graph.Compiled{c, vs})
		}
	}
	value := make([][2]func(*Outcome) int64, len(runs))
	for i, r := range runs {
		for j, c := range r {
			if c == nil {
				continue
			}
			f, err := m.bind(c)
			if err != nil {
				return nil, &BuildError{err}
			}
			value[i][j] = f
		}
	}

	// Each job is a chunk of trials run in every world in turn, so that
	// the differences need no per-trial storage.
	type acc struct {
		vals []diffStat // per run
		diff []diffStat // per input: high − low
	}
	nChunks := (trials + chunk - 1) / chunk
	workers = min(workers, max(nChunks, 1))
	accs := make([]acc, workers)
	perRun := 1 // trials run per world and trial
	if w.Versus != nil {
		perRun = 2
	}
	var next atomic.Int64
	var overflow atomic.Bool
	var wg sync.WaitGroup
	for wk := range workers {
		a := &accs[wk]
		a.vals, a.diff = make([]diffStat, len(runs)), make([]diffStat, len(inputs))
		wg.Add(1)
		go func() {
			defer wg.Done()
			trs := make([][2]*Trial, len(runs))
			x := make([]int64, len(runs))
			for ctx.Err() == nil && !overflow.Load() {
				j := int(next.Add(1)) - 1
				if j >= nChunks {
					return
				}
				lo := j * chunk
				hi := min(lo+chunk, trials)
				for k := lo; k < hi; k++ {
					for r, pair := range runs {
						for j, c := range pair {
							if c == nil {
								continue
							}
							if trs[r][j] == nil {
								trs[r][j] = NewTrial(c, nil)
							}
							v := value[r][j](trs[r][j].Run(opt.Seed, k))
							if trs[r][j].overflow {
								overflow.Store(true)
								return
							}
							if j == 0 {
								x[r] = v
							} else {
								x[r] -= v
							}
						}
						a.vals[r].add(x[r])
					}
					for i := range inputs {
						a.diff[i].add(x[2+2*i] - x[1+2*i])
					}
				}
				if opt.Progress != nil {
					opt.Progress((hi - lo) * len(runs) * perRun)
				}
			}
		}()
	}
	wg.Wait()
	if overflow.Load() {
		return nil, ErrTooManyEvents
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	total := accs[0]
	for _, a := range accs[1:] {
		for r := range runs {
			total.vals[r].merge(&a.vals[r])
		}
		for i := range inputs {
			total.diff[i].merge(&a.diff[i])
		}
	}

	s := &Sensitivity{Schema: SensitivitySchema, Scenario: base.Scenario.ID, Platform: base.Platform.Name,
		Currency: base.Platform.Currency, Metric: m.ID, Unit: m.Unit, Seed: opt.Seed, Trials: trials,
		Baseline: meanOf(total.vals[0].diff(m.scale)), Inputs: make([]SensitivityInput, len(inputs))}
	if w.Versus != nil {
		s.Versus = w.Versus.Scenario.ID
	}
	end := func(in graph.Uncertain, v float64, r int) End {
		d := meanOf(total.vals[r].diff(m.scale))
		return End{Value: v, Text: in.Format(v), Mean: d.Mean, CI95: d.CI95}
	}
	for i, in := range inputs {
		diff := meanOf(total.diff[i].diff(m.scale))
		s.Inputs[i] = SensitivityInput{
			Path: in.Path, Line: in.Line, Col: in.Col, Kind: in.Kind.String(), Dist: in.Dist.String(),
			Nominal: Setting{Value: in.Nominal, Text: in.Format(in.Nominal)},
			Low:     end(in, in.Low, 1+2*i), High: end(in, in.High, 2+2*i),
			Swing: math.Abs(diff.Mean), Difference: diff,
		}
	}
	// Largest swing first; ties (inputs that change nothing) in file order.
	sort.SliceStable(s.Inputs, func(i, j int) bool { return s.Inputs[i].Swing > s.Inputs[j].Swing })
	return s, nil
}

// ReadSensitivityFile reads and checks a sensitivity file, the JSON of
// 'domino sensitivity --format json'.
func ReadSensitivityFile(path string) (*Sensitivity, error) {
	data, err := graph.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read sensitivity: %w", err)
	}
	s := &Sensitivity{}
	if err := decodeFile(path, data, "sensitivity", SensitivitySchema, "domino sensitivity --format json", s); err != nil {
		return nil, err
	}
	return s, nil
}
