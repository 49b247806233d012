package sim

import (
	"context"
	"fmt"
	"math/bits"
	"slices"

	"github.com/dominosim/domino/graph"
)

// Uncertainty is the spread of the headline figures over draws of the
// file's uncertain inputs (domino run --uncertainty N, docs/model.md §14):
// an outer loop of Draws Latin-hypercube draws of every input, each with an
// inner Monte Carlo of TrialsPerDraw trials on the same trial keys as the
// nominal run.
type Uncertainty struct {
	Draws         int              `json:"draws"`
	Sampling      string           `json:"sampling"` // latin-hypercube
	TrialsPerDraw int              `json:"trials_per_draw"`
	Inputs        []UncertainInput `json:"inputs"`
	// Metrics are the platform's headline figures, in the order the run
	// table prints them.
	Metrics []Spread   `json:"metrics"`
	Curve   CurveBands `json:"curve"`
}

// UncertainInput is one uncertain input as the results describe it: its
// range in the model's units (milliseconds for durations).
type UncertainInput struct {
	Path    string   `json:"path"`
	Label   string   `json:"label,omitempty"` // as SensitivityInput's
	Kind    string   `json:"kind"`
	Dist    string   `json:"dist"`
	Low     float64  `json:"low"`
	Mode    *float64 `json:"mode,omitempty"`
	High    float64  `json:"high"`
	Nominal float64  `json:"nominal"`
	// Text is the range as the file writes it ("30m – 4h").
	Text string `json:"text"`
}

// Spread is a figure's spread over the outer draws: the mean over draws of
// each draw's Monte Carlo mean, and the 5th and 95th percentiles (spreadOf),
// minimum and maximum of those means. Censored is the share of draws whose mean is
// a lower bound (some trial cut by the horizon, docs/model.md §8.1).
type Spread struct {
	Metric   string  `json:"metric"` // the key of the figure in "platform"
	Mean     float64 `json:"mean"`
	P5       float64 `json:"p5"`
	P95      float64 `json:"p95"`
	Min      float64 `json:"min"`
	Max      float64 `json:"max"`
	Censored float64 `json:"censored,omitempty"`
}

// CurveBands is the recovery curve's spread over the outer draws: at each
// grid time, the mean over draws of each draw's mean curve, and the 5th
// and 95th percentiles of those mean curves.
type CurveBands struct {
	ServicesUp  OuterBand `json:"services_up"`
	UsersServed OuterBand `json:"users_served"`
}

// OuterBand is a curve's mean with its 5th and 95th percentiles over the
// outer draws.
type OuterBand struct {
	Mean []float64 `json:"mean"`
	P5   []float64 `json:"p5"`
	P95  []float64 `json:"p95"`
}

// Draw is what one outer draw contributes: the inputs' values (in the order
// of the inputs), the Monte Carlo mean of each headline figure (in the order
// of Uncertainty.Metrics), which of them are lower bounds, and the mean
// recovery curves. Draws are what shards of an uncertainty run hold.
type Draw struct {
	Index       int       `json:"index"`
	Values      []float64 `json:"values"`
	Means       []float64 `json:"means"`
	Censored    []bool    `json:"censored"`
	ServicesUp  []float64 `json:"services_up"`
	UsersServed []float64 `json:"users_served"`
}

// headline lists the platform figures whose spread an uncertainty run
// reports, by their JSON key, with how to read them off results.
var headline = []struct {
	key string
	get func(p *PlatformResult) *Summary
}{
	{"full_recovery_ms", func(p *PlatformResult) *Summary { return &p.FullRecovery }},
	{"full_restored_ms", func(p *PlatformResult) *Summary { return &p.FullRestored }},
	{"user_hours", func(p *PlatformResult) *Summary { return &p.UserHours }},
	{"people_cut_off_peak", func(p *PlatformResult) *Summary { return p.PeakPeople }},
	{"person_hours", func(p *PlatformResult) *Summary { return p.PersonHours }},
	{"cost", func(p *PlatformResult) *Summary { return &p.Cost }},
	{"peak_down", func(p *PlatformResult) *Summary { return &p.PeakDown }},
	{"crew_hours", func(p *PlatformResult) *Summary { return &p.CrewHours }},
}

// HeadlineSummary returns the platform figure whose JSON key is key (a
// Spread's Metric), nil when p has none by that key.
func HeadlineSummary(p *PlatformResult, key string) *Summary {
	for _, h := range headline {
		if h.key == key {
			return h.get(p)
		}
	}
	return nil
}

// UncertainInputs describes inputs for the results.
func UncertainInputs(inputs []graph.Uncertain) []UncertainInput {
	out := make([]UncertainInput, len(inputs))
	for i, in := range inputs {
		out[i] = UncertainInput{Path: in.Path, Kind: in.Kind.String(), Dist: in.Dist.String(),
			Low: in.Low, High: in.High, Nominal: in.Nominal, Text: in.Format(in.Low) + " – " + in.Format(in.High)}
		if in.Dist == graph.TriangularRange {
			m := in.Mode
			out[i].Mode = &m
		}
	}
	return out
}

// LatinHypercube returns the values of the inputs in outer draw j of n: for
// input k, the quantile at p = (π_k(j) + u)/n, where π_k is a random
// permutation of 0..n−1 and u a uniform in [0, 1), both keyed by the seed
// and the input's path (docs/model.md §7, §14). Each input's n draws thus
// fall one in each of n equally likely slices of its range, and the inputs
// are paired at random. The same seed, n and path give the same values
// whatever the other inputs and whichever shard asks.
func LatinHypercube(inputs []graph.Uncertain, seed uint64, n, j int) []float64 {
	return newHypercube(inputs, seed, n).draw(j)
}

// hypercube holds the permutations of a Latin hypercube, drawn once for
// all its draws: O(n) per input, not per draw.
type hypercube struct {
	inputs []graph.Uncertain
	root   uint64
	n      int
	perms  [][]int32
}

func newHypercube(inputs []graph.Uncertain, seed uint64, n int) *hypercube {
	h := &hypercube{inputs: inputs, root: mix(mix(seed + 0x3c6ef372fe94f82b)), n: n, perms: make([][]int32, len(inputs))}
	for k, in := range inputs {
		g := stream{key(h.root, graph.Key("uncertain", in.Path), pLHSPerm, 0)}
		h.perms[k] = permutation(&g, n)
	}
	return h
}

// draw returns the inputs' values in draw j.
func (h *hypercube) draw(j int) []float64 {
	if j < 0 || j >= h.n {
		panic(fmt.Sprintf("sim: draw %d of %d", j, h.n))
	}
	vals := make([]float64, len(h.inputs))
	for k, in := range h.inputs {
		u := stream{key(h.root, graph.Key("uncertain", in.Path), pLHSJitter, uint64(j))}
		p := (float64(h.perms[k][j]) + u.unit()) / float64(h.n)
		vals[k] = in.Quantile(p)
	}
	return vals
}

// permutation returns a uniformly random permutation of 0..n−1 (Fisher and
// Yates; the index is drawn by Lemire's multiply-shift, whose bias, n/2⁶⁴,
// is negligible).
func permutation(g *stream, n int) []int32 {
	p := make([]int32, n)
	for i := range p {
		p[i] = int32(i)
	}
	for i := n - 1; i > 0; i-- {
		hi, _ := bits.Mul64(g.Uint64(), uint64(i+1))
		p[i], p[hi] = p[hi], p[i]
	}
	return p
}

// RunDraws runs outer draws [first, first+count) of n (LatinHypercube):
// each draw's scenario (build) with opt's trials, seed and workers, the
// same trial keys for every draw. opt.Progress counts the trials of every
// draw. On cancellation it returns ctx's error and no draws.
func RunDraws(ctx context.Context, inputs []graph.Uncertain, build Build, n, first, count int, opt Options) ([]Draw, error) {
	draws := make([]Draw, 0, count)
	h := newHypercube(inputs, opt.Seed, n)
	for j := first; j < first+count; j++ {
		vals := h.draw(j)
		values := make(map[string]float64, len(inputs))
		for k, in := range inputs {
			values[in.Path] = vals[k]
		}
		c, err := build(values)
		if err != nil {
			return nil, &BuildError{fmt.Errorf("outer draw %d: %w", j, err)}
		}
		o := opt
		o.First = 0
		r, err := Run(ctx, c, o)
		if err != nil {
			return nil, err
		}
		d := Draw{Index: j, Values: vals, ServicesUp: r.Curve.ServicesUp.Mean, UsersServed: r.Curve.UsersServed.Mean}
		for _, h := range headline {
			s := h.get(&r.Summary)
			if s == nil {
				continue
			}
			d.Means = append(d.Means, s.Mean)
			d.Censored = append(d.Censored, s.Censored > 0)
		}
		draws = append(draws, d)
	}
	return draws, nil
}

// Summarise returns the spread over all n draws of the run; people says
// whether the platform declares people (whose figures the draws then hold).
// It panics unless draws are draws 0..n−1 in order.
func Summarise(inputs []UncertainInput, draws []Draw, n, trialsPerDraw int, people bool) *Uncertainty {
	if len(draws) != n {
		panic(fmt.Sprintf("sim: %d draws of %d", len(draws), n))
	}
	for i := range draws {
		if draws[i].Index != i {
			panic(fmt.Sprintf("sim: draw %d at %d", draws[i].Index, i))
		}
	}
	u := &Uncertainty{Draws: n, Sampling: "latin-hypercube", TrialsPerDraw: trialsPerDraw, Inputs: inputs}
	col := make([]float64, n)
	m := 0
	for _, h := range headline {
		if !people && (h.key == "people_cut_off_peak" || h.key == "person_hours") {
			continue
		}
		censored := 0
		for i, d := range draws {
			col[i] = d.Means[m]
			if d.Censored[m] {
				censored++
			}
		}
		s := spreadOf(col)
		s.Metric, s.Censored = h.key, float64(censored)/float64(n)
		u.Metrics = append(u.Metrics, s)
		m++
	}
	band := func(get func(d *Draw) []float64) OuterBand {
		points := len(get(&draws[0]))
		b := OuterBand{Mean: make([]float64, points), P5: make([]float64, points), P95: make([]float64, points)}
		for t := range points {
			for i := range draws {
				col[i] = get(&draws[i])[t]
			}
			s := spreadOf(col)
			b.Mean[t], b.P5[t], b.P95[t] = s.Mean, s.P5, s.P95
		}
		return b
	}
	u.Curve.ServicesUp = band(func(d *Draw) []float64 { return d.ServicesUp })
	u.Curve.UsersServed = band(func(d *Draw) []float64 { return d.UsersServed })
	return u
}

// spreadOf returns the mean, 5th and 95th percentiles, minimum and maximum
// of xs. The percentile q interpolates between order statistics at rank
// q·n + ½ (Hazen's rule, clamped to the extremes): a Latin hypercube puts
// the k-th smallest of n draws of a uniform input in the k-th of n slices,
// centred on rank k − ½, so the rule is exact on average and off by less
// than one slice. xs is not changed.
func spreadOf(xs []float64) Spread {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	var sum float64
	for _, x := range s {
		sum += x
	}
	at := func(q float64) float64 {
		h := q*float64(n) + 0.5 // 1-based rank
		switch {
		case h <= 1:
			return s[0]
		case h >= float64(n):
			return s[n-1]
		}
		k := int(h)
		return s[k-1] + (h-float64(k))*(s[k]-s[k-1])
	}
	return Spread{Mean: sum / float64(n), P5: at(0.05), P95: at(0.95), Min: s[0], Max: s[n-1]}
}
