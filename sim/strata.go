package sim

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/dominosim/domino/graph"
)

// Stratified sampling of the rate events' occurrences (docs/model.md §13).
//
// The rate events of a scenario occur N = Σ N_i times over the horizon,
// N_i ~ Poisson(λ_i) independent, so N ~ Poisson(Λ), Λ = Σ λ_i, and given
// N = n the occurrences are n independent picks of an event with
// probabilities λ_i/Λ (the multinomial split of a Poisson total), each at
// a uniform time. A plan cuts the values of N into strata, {0}, {1}, …,
// {K−1} and [K, ∞), whose probabilities are known exactly, gives each a
// fixed number of trials, and draws N in a trial from its stratum's
// conditional law: E[L] = Σ_s P(N ∈ s)·E[L | N ∈ s] is then estimated by
// Σ_s p_s·(mean of the stratum's trials), unbiased whatever the allocation.

// riskEntity keys the draws of the total number of occurrences and of
// which event each one is: the trial's own stream, apart from every
// entity of the file.
var riskEntity = graph.Key("risk", "occurrences")

// maxStrata bounds K: beyond a dozen occurrences a year, a year without
// events is rare and stratifying buys little.
const maxStrata = 12

// stratum is one set of values of N: [lo, hi), hi < 0 for [lo, ∞).
type stratum struct {
	lo, hi int
	p      float64 // P(N ∈ stratum)
	mean   float64 // E[N | N ∈ stratum], for the allocation
	pmfLo  float64 // P(N = lo), where the tail's inverse walk starts
	reject bool    // tail drawn by rejection from Poisson(Λ) (it holds most of the mass)
	trials int     // trials allocated
	off    int     // index of its first trial
	exact  bool    // its outcome is the same in every trial: one trial says it all
}

// riskPlan is the stratification of one compiled scenario for a number of
// trials. It is immutable once made and shared by every worker.
type riskPlan struct {
	lambda float64   // Λ: expected occurrences over the horizon
	events []int32   // the rate events
	cum    []float64 // cumulative λ_i of events, the last being Λ
	strata []stratum
	trials int
}

// newRiskPlan stratifies c's rate events over trials trials. With plain
// set, or no rate event, there is one stratum, every value of N, drawn as
// `run` draws it. It fails when trials cannot give each stratum the two
// trials its variance needs.
func newRiskPlan(c *graph.Compiled, trials int, plain bool) (*riskPlan, error) {
	p := &riskPlan{trials: trials}
	onlyRates := true
	for i := range c.Events {
		e := &c.Events[i]
		if e.Rate > 0 {
			p.lambda += e.Rate * float64(c.Horizon) / float64(graph.Year)
			p.events = append(p.events, int32(i))
			p.cum = append(p.cum, p.lambda)
		} else {
			onlyRates = false
		}
	}
	if plain || p.lambda == 0 || math.IsInf(p.lambda, 0) {
		pl := plainPlan(p.lambda, trials)
		pl.events, pl.cum = p.events, p.cum
		return pl, nil
	}
	return p, p.stratify(onlyRates)
}

// stratify cuts N into strata and allocates p.trials among them; with
// onlyRates, a year without occurrences is one where nothing happens. It
// depends on p.lambda and p.trials alone, so merging a risk run's parts
// rebuilds the plan its shards ran (MergeRiskParts).
func (p *riskPlan) stratify(onlyRates bool) error {
	trials := p.trials
	lam := p.lambda
	pmf := func(n int) float64 {
		lg, _ := math.Lgamma(float64(n) + 1)
		return math.Exp(-lam + float64(n)*math.Log(lam) - lg)
	}
	// tail returns P(N ≥ k) and E[N; N ≥ k], summed from k upwards where
	// the tail is small (1 − the head would cancel), else as 1 − the head.
	tail := func(k int) (s, m float64) {
		var head, headN float64
		for n := range k {
			head += pmf(n)
			headN += float64(n) * pmf(n)
		}
		if head < 0.5 {
			return 1 - head, lam - headN
		}
		for n, pn := k, pmf(k); pn > 0; n++ {
			s += pn
			m += float64(n) * pn
			if float64(n) > lam && pn < 1e-18*s {
				break
			}
			pn *= lam / float64(n+1)
		}
		return s, m
	}
	some, _ := tail(1)
	k := 2
	for ; k < maxStrata; k++ {
		if s, _ := tail(k); s <= 0.01*some {
			break
		}
	}
	for n := range k {
		p.strata = append(p.strata, stratum{lo: n, hi: n + 1, p: pmf(n), mean: float64(n)})
	}
	s, m := tail(k)
	p.strata = append(p.strata, stratum{lo: k, hi: -1, p: s, mean: m / s, pmfLo: pmf(k), reject: s >= 0.5})
	// With only rate events, a year without any is a year where nothing
	// happens: its outcome is known from one trial.
	p.strata[0].exact = onlyRates

	// Allocation: two trials for each stratum (one for an exact one),
	// the rest in proportion to p_s·(E[N | s] + c), a stand-in for
	// Neyman's p_s·σ_s when the loss grows with the occurrences (c = 1
	// when other events make even quiet years vary). Any allocation
	// keeps the estimator unbiased; this one only makes it tight.
	c0 := 1.0
	if onlyRates {
		c0 = 0
	}
	need := 0
	var wsum float64
	for i := range p.strata {
		st := &p.strata[i]
		if st.p <= 0 {
			continue
		}
		st.trials = 2
		if st.exact {
			st.trials = 1
		} else {
			wsum += st.p * (st.mean + c0)
		}
		need += st.trials
	}
	if trials < need {
		return &TooFewTrialsError{Need: need, Strata: len(p.strata), Got: trials}
	}
	rest := trials - need
	type share struct {
		i    int
		frac float64
	}
	var shares []share
	given := 0
	for i := range p.strata {
		st := &p.strata[i]
		if st.p <= 0 || st.exact || wsum == 0 {
			continue
		}
		x := float64(rest) * st.p * (st.mean + c0) / wsum
		whole := int(x)
		st.trials += whole
		given += whole
		shares = append(shares, share{i, x - float64(whole)})
	}
	// Largest remainders, ties to the lower stratum.
	sort.SliceStable(shares, func(a, b int) bool { return shares[a].frac > shares[b].frac })
	for j := 0; given < rest && len(shares) > 0; j = (j + 1) % len(shares) {
		p.strata[shares[j].i].trials++
		given++
	}
	off := 0
	for i := range p.strata {
		p.strata[i].off = off
		off += p.strata[i].trials
	}
	return nil
}

// plainPlan is the plan of plain sampling: one stratum, every value of N,
// drawn as `run` draws it.
func plainPlan(lambda float64, trials int) *riskPlan {
	return &riskPlan{lambda: lambda, trials: trials, strata: []stratum{{lo: 0, hi: -1, p: 1, mean: lambda, trials: trials}}}
}

// rateOccurrences returns Λ, the expected number of rate-event
// occurrences over c's horizon, summed in the events' order as
// newRiskPlan sums it.
func rateOccurrences(c *graph.Compiled) float64 {
	var lambda float64
	for i := range c.Events {
		if e := &c.Events[i]; e.Rate > 0 {
			lambda += e.Rate * float64(c.Horizon) / float64(graph.Year)
		}
	}
	return lambda
}

// TooFewTrialsError says that a risk run has fewer trials than its strata
// need: two each, one for an exact one.
type TooFewTrialsError struct{ Need, Strata, Got int }

func (e *TooFewTrialsError) Error() string {
	return fmt.Sprintf("risk needs at least %d trials for its %d strata of occurrences, got %d", e.Need, e.Strata, e.Got)
}

// stratumOf returns the stratum of trial index i (0 ≤ i < trials).
func (p *riskPlan) stratumOf(i int) int {
	return sort.Search(len(p.strata), func(s int) bool { return p.strata[s].off+p.strata[s].trials > i }) // few strata
}

// drawN draws N from its law conditioned on stratum s, from g.
func (p *riskPlan) drawN(s int, g *stream) int {
	st := &p.strata[s]
	switch {
	case st.hi == st.lo+1:
		return st.lo
	case st.reject:
		// Accepted with probability P(N ≥ lo) ≥ 1/2: two draws on average.
		for {
			if n := int(distuv.Poisson{Lambda: p.lambda, Src: g}.Rand()); n >= st.lo {
				return n
			}
		}
	}
	// Inverse transform within the tail, walking up from lo: the tail is
	// small, so lo is above Λ and the terms fall geometrically.
	target := g.unit() * st.p
	n, pn, acc := st.lo, st.pmfLo, 0.0
	for {
		acc += pn
		if acc > target || pn == 0 || n >= MaxEvents {
			return n
		}
		n++
		pn *= p.lambda / float64(n)
	}
}

// pick returns the rate event of an occurrence, u uniform in [0, 1): the
// i-th with probability λ_i/Λ.
func (p *riskPlan) pick(u float64) int32 {
	x := u * p.lambda
	j := sort.SearchFloat64s(p.cum, x)
	for j < len(p.cum)-1 && p.cum[j] <= x { // SearchFloat64s finds ≥; want >
		j++
	}
	return p.events[min(j, len(p.events)-1)]
}

// usePlan makes t draw its rate events' occurrences from plan's strata;
// set t.stratum before each Run.
func (t *Trial) usePlan(plan *riskPlan) {
	t.plan = plan
	t.occN = make([]int32, len(t.c.Events))
}

// drawOccurrences sets t.occN, the occurrences of each rate event in this
// trial, conditioned on the trial's stratum.
func (t *Trial) drawOccurrences() {
	p := t.plan
	for _, i := range p.events {
		t.occN[i] = 0
	}
	t.src.s = key(t.key, riskEntity, pOccur, 0)
	n := p.drawN(t.stratum, &t.src)
	if n > MaxEvents {
		t.overflow = true
		return
	}
	if len(p.events) == 1 {
		t.occN[p.events[0]] = int32(n)
		return
	}
	for j := range n {
		t.occN[p.pick(t.uniform(riskEntity, pOccur, uint64(j)+1))]++
	}
}
