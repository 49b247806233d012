package sim

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/dominosim/domino/graph"
)

// AdviceSchema names the version of the advice format.
const AdviceSchema = "domino.advice/v1"

// GreedyNote says what advise's search is, in its output.
const GreedyNote = "greedy search: each step takes the best saving per unit cost given the steps before it; " +
	"the set it builds is not always the best one within the budget"

// Advice is the result of domino advise (docs/model.md §10).
type Advice struct {
	Schema     string            `json:"schema"`
	Scenario   string            `json:"scenario"`
	Metric     string            `json:"metric"`
	Unit       string            `json:"unit"`
	Budget     float64           `json:"budget"`
	Seed       uint64            `json:"seed"`
	Trials     int               `json:"trials"`
	Note       string            `json:"note"`
	Baseline   Diff              `json:"baseline"`
	Steps      []AdviceStep      `json:"steps"`
	Candidates []AdviceCandidate `json:"candidates"`
}

// AdviceStep is one chosen mitigation: the metric with it and those before
// it, and its saving over the step before (paired).
type AdviceStep struct {
	Mitigation     string  `json:"mitigation"`
	Cost           float64 `json:"cost"`
	CumulativeCost float64 `json:"cumulative_cost"`
	Metric         Diff    `json:"metric"`
	Saving         Diff    `json:"saving"`
}

// AdviceCandidate is a candidate's saving at the first step, applied alone
// to the scenario as written. Error says why it could not be evaluated.
type AdviceCandidate struct {
	Mitigation  string  `json:"mitigation"`
	Description string  `json:"description,omitempty"`
	Cost        float64 `json:"cost"`
	Saving      Diff    `json:"saving"`
	Error       string  `json:"error,omitempty"`
}

// AdviseInput is what Advise works on: a file, its scenario (without a
// patch of its own) and the candidates.
type AdviseInput struct {
	File       *graph.File
	Scenario   *graph.Scenario
	Candidates []*graph.Mitigation
	Budget     float64
}

// Advise chooses mitigations greedily (docs/model.md §10): starting from the
// scenario as written, it evaluates every remaining candidate on top of
// those already chosen over the same trials, and takes the one with the
// largest saving per unit cost among those whose cost fits the remaining
// budget and whose saving's 95% CI lies wholly above 0; it repeats until
// none is left. It returns the steps and, in opt.Progress, counts every
// trial run. Chosen lists the mitigations in the order taken.
func Advise(ctx context.Context, in AdviseInput, m Measure, opt Options) (a *Advice, chosen []*graph.Mitigation, err error) {
	if opt.Trials <= 0 {
		opt.Trials = in.Scenario.Trials
	}
	current, err := compileWith(in, nil)
	if err != nil {
		return nil, nil, err
	}
	a = &Advice{Schema: AdviceSchema, Scenario: in.Scenario.ID, Metric: m.ID, Unit: m.Unit, Budget: in.Budget,
		Seed: opt.Seed, Trials: opt.Trials, Note: GreedyNote}
	remaining := append([]*graph.Mitigation(nil), in.Candidates...)
	spent := 0.0
	for step := 0; len(remaining) > 0; step++ {
		var vs []Variant
		var live []*graph.Mitigation
		for _, cand := range remaining {
			c, err := compileWith(in, append(append([]*graph.Mitigation(nil), chosen...), cand))
			if err != nil {
				if step == 0 {
					a.Candidates = append(a.Candidates, AdviceCandidate{Mitigation: cand.ID, Description: cand.Description,
						Cost: cand.Cost, Error: oneLine(err)})
				}
				continue
			}
			vs = append(vs, Variant{C: c})
			live = append(live, cand)
		}
		base, ps, err := RunPaired(ctx, current, vs, m, opt)
		if err != nil {
			return nil, nil, err
		}
		if step == 0 {
			a.Baseline = base
			for i, cand := range live {
				a.Candidates = append(a.Candidates, AdviceCandidate{Mitigation: cand.ID, Description: cand.Description,
					Cost: cand.Cost, Saving: ps[i].Saving})
			}
		}
		best := pickBest(live, ps, in.Budget-spent)
		if best < 0 {
			break
		}
		cand := live[best]
		spent += cand.Cost
		chosen = append(chosen, cand)
		current = vs[best].C
		a.Steps = append(a.Steps, AdviceStep{Mitigation: cand.ID, Cost: cand.Cost, CumulativeCost: spent,
			Metric: ps[best].Value, Saving: ps[best].Saving})
		remaining = without(remaining, cand)
	}
	sort.SliceStable(a.Candidates, func(i, j int) bool {
		x, y := &a.Candidates[i], &a.Candidates[j]
		if x.Saving.Mean != y.Saving.Mean {
			return x.Saving.Mean > y.Saving.Mean
		}
		return x.Mitigation < y.Mitigation
	})
	return a, chosen, nil
}

// pickBest returns the index of the candidate with the largest saving per
// unit cost among those that fit the budget left and whose saving's CI is
// wholly above 0, or −1. A free candidate's ratio is infinite; ties go to
// the larger saving, then the id.
func pickBest(cands []*graph.Mitigation, ps []Paired, left float64) int {
	best := -1
	var bestRatio float64
	for i, c := range cands {
		s := ps[i].Saving
		if c.Cost > left || s.CI95[0] <= 0 {
			continue
		}
		r := math.Inf(1)
		if c.Cost > 0 {
			r = s.Mean / c.Cost
		}
		if best < 0 || r > bestRatio ||
			r == bestRatio && (s.Mean > ps[best].Saving.Mean || s.Mean == ps[best].Saving.Mean && c.ID < cands[best].ID) {
			best, bestRatio = i, r
		}
	}
	return best
}

func without(list []*graph.Mitigation, x *graph.Mitigation) []*graph.Mitigation {
	out := list[:0:0]
	for _, m := range list {
		if m != x {
			out = append(out, m)
		}
	}
	return out
}

func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// compileWith compiles the scenario on the file's platform patched by ms
// in order, with their added crews.
func compileWith(in AdviseInput, ms []*graph.Mitigation) (*graph.Compiled, error) {
	p, err := in.File.Apply(ms...)
	if err != nil {
		return nil, err
	}
	sc := *in.Scenario
	sc.Platform = p
	if sc.Crews > 0 {
		for _, m := range ms {
			sc.Crews += m.AddCrews
		}
	}
	c, err := graph.Compile(&sc)
	if err != nil {
		return nil, fmt.Errorf("compile with %s: %w", ids(ms), err)
	}
	return c, nil
}

func ids(ms []*graph.Mitigation) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = m.ID
	}
	return strings.Join(s, ", ")
}

// ReplicateCandidates generates the candidates of advise --auto (docs/model.md
// §10): for each of the services (the caller passes the 10 with the largest
// rank saving) and every site not in its placement, "replicate S@X" adds X
// to the placement with as many servers as the service's largest replica,
// which is also its cost; a single service becomes active-active.
func ReplicateCandidates(p *graph.Platform, services []string) ([]*graph.Mitigation, error) {
	var out []*graph.Mitigation
	for _, id := range services {
		s := p.Service(id)
		if s == nil {
			return nil, fmt.Errorf("replicate: no service %q", id)
		}
		var largest int64
		var placed []string
		for _, pl := range s.Placement {
			largest = max(largest, pl.Servers)
			placed = append(placed, fmt.Sprintf("%q: %d", pl.Site, pl.Servers))
		}
		for _, x := range p.Sites {
			if containsSite(s, x.ID) {
				continue
			}
			patch := fmt.Sprintf("{services: [{id: %q, placement: {%s, %q: %d}", s.ID, strings.Join(placed, ", "), x.ID, largest)
			if s.Redundancy.Mode == graph.Single {
				patch += ", redundancy: {mode: active-active}"
			}
			patch += "}]}"
			mid := "replicate " + s.ID + "@" + x.ID
			m, err := graph.NewMitigation(mid, fmt.Sprintf("a %d-server replica of %s in %s", largest, s.ID, x.ID), float64(largest), patch)
			if err != nil {
				return nil, err
			}
			out = append(out, m)
		}
	}
	return out, nil
}

func containsSite(s *graph.Service, site string) bool {
	return slices.ContainsFunc(s.Placement, func(pl graph.Placement) bool { return pl.Site == site })
}

// AutoServices is how many of rank's top services advise --auto replicates
// (docs/model.md §10).
const AutoServices = 10

// AutoCandidates ranks items (the services of c) by their saving under m
// and generates the replicate candidates (ReplicateCandidates) of the
// AutoServices with the largest positive saving on platform p.
func AutoCandidates(ctx context.Context, c *graph.Compiled, p *graph.Platform, items []Item, m Measure, opt Options) ([]*graph.Mitigation, error) {
	r, err := Rank(ctx, c, items, m, opt)
	if err != nil {
		return nil, err
	}
	var top []string
	for _, it := range r.Items {
		if len(top) < AutoServices && it.Saving.Mean > 0 {
			top = append(top, it.ID)
		}
	}
	return ReplicateCandidates(p, top)
}
