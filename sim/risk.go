package sim

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/dominosim/domino/graph"
)

// RiskSchema names the JSON form of RiskResults.
const RiskSchema = "domino.risk/v1"

// ReturnPeriods are the return periods reported, in horizons (years by
// default): the loss exceeded once in 10, 100 and 1,000 of them.
var ReturnPeriods = []int{10, 100, 1000}

// riskZ is the normal 0.975 quantile: the stratified estimators below are
// sums over strata, for which no Student's t applies; their intervals are
// normal approximations (docs/model.md §13).
const riskZ = 1.959963984540054

// RiskOptions control a risk run (docs/model.md §13).
type RiskOptions struct {
	Trials int // total over every stratum; default: the scenario's
	// First and Count select the trial indices [First, First+Count) of
	// the Trials, for a shard; Count 0 is all of them. The strata depend
	// on Trials only, so shards merge exactly (RiskAggregator.Merge).
	First, Count int
	Seed         uint64
	Workers      int
	Progress     func(done int)
	// Plain samples the years as `run` does, without strata: the slow
	// twin of the stratified estimator, kept as its reference.
	Plain bool
}

// Estimate is a mean with its 95% confidence interval.
type Estimate struct {
	Mean float64    `json:"mean"`
	CI95 [2]float64 `json:"ci95"`
}

// ExceedancePoint is one point of a loss-exceedance curve: P(loss > Loss).
type ExceedancePoint struct {
	Loss float64    `json:"loss"`
	P    float64    `json:"p"`
	CI95 [2]float64 `json:"ci95"`
}

// ReturnLevel is the loss exceeded once in Years horizons on average: the
// smallest x with P(loss > x) ≤ 1/Years. CI95[1] is nil when no simulated
// loss is large enough to bound it from above (more trials are needed).
type ReturnLevel struct {
	Years int         `json:"years"`
	Loss  float64     `json:"loss"`
	CI95  [2]*float64 `json:"ci95"`
}

// RiskMetric is the risk of one loss metric over one horizon.
type RiskMetric struct {
	// Unit is user-hours, currency or hours.
	Unit     string   `json:"unit"`
	Expected Estimate `json:"expected"`
	// PLoss is P(loss > 0), the share of horizons with any loss.
	PLoss        Estimate          `json:"p_loss"`
	Exceedance   []ExceedancePoint `json:"exceedance"`
	ReturnLevels []ReturnLevel     `json:"return_levels"`
	// SpeedUp is the variance of plain sampling's mean over as many
	// trials divided by the stratified mean's variance: how many times
	// more trials plain sampling would need for the same interval. Nil
	// when the stratified variance is 0 (every stratum constant).
	SpeedUp *float64 `json:"speedup"`
}

// RiskService is one service's availability over the horizon.
type RiskService struct {
	ID string `json:"id"`
	// Availability is 1 − E[downtime]/H, with its 95% CI.
	Availability Estimate `json:"availability"`
	// Nines is −log10(1 − availability); nil when the service was never
	// down (availability 1).
	Nines *float64 `json:"nines"`
}

// RiskStratum describes one stratum of the number of rate-event
// occurrences: [Min, Max], Max nil for no upper bound.
type RiskStratum struct {
	Min    int     `json:"min"`
	Max    *int    `json:"max"`
	P      float64 `json:"p"`
	Trials int64   `json:"trials"`
	Exact  bool    `json:"exact,omitempty"`
}

// RiskResults is the risk over one horizon of a scenario, trial by trial
// one horizon each (docs/model.md §13). Metrics are keyed user_hours,
// money, crew_hours and downtime:ID.
type RiskResults struct {
	Schema    string `json:"schema"`
	Platform  string `json:"platform"`
	Scenario  string `json:"scenario"`
	Currency  string `json:"currency,omitempty"`
	Seed      uint64 `json:"seed"`
	Trials    int64  `json:"trials"`
	HorizonMs int64  `json:"horizon_ms"`
	RiskFigures
}

// RiskFigures are the figures of a risk run: the whole of RiskResults but
// its provenance, and the "risk" of a results file whose scenario has
// rate events (docs/model.md §13).
type RiskFigures struct {
	// Sampling is "stratified" or "plain".
	Sampling string `json:"sampling"`
	// Occurrences is Λ, the expected number of rate-event occurrences
	// over the horizon.
	Occurrences float64               `json:"occurrences"`
	Strata      []RiskStratum         `json:"strata"`
	Metrics     map[string]RiskMetric `json:"metrics"`
	// MetricOrder lists the keys of Metrics in the order to show them.
	MetricOrder []string      `json:"metric_order"`
	Services    []RiskService `json:"services"`
}

// Risk metric keys.
const (
	RiskUserHours = "user_hours"
	RiskMoney     = "money"
	RiskCrewHours = "crew_hours"
)

// riskAcc holds one stratum's trials.
type riskAcc struct {
	n                int64
	user, cost, crew stat
	down             []stat
}

// RiskAggregator accumulates the trials of a risk run, stratum by stratum;
// aggregators of the same plan merge exactly.
type RiskAggregator struct {
	c    *graph.Compiled
	plan *riskPlan
	acc  []riskAcc
	rows rowSlab
}

func newRiskAggregator(c *graph.Compiled, plan *riskPlan) *RiskAggregator {
	a := &RiskAggregator{c: c, plan: plan, acc: make([]riskAcc, len(plan.strata)), rows: rowSlab{Chunk: rowChunk}}
	for i := range a.acc {
		a.acc[i] = newRiskAcc(c)
	}
	return a
}

// newRiskAcc returns an empty stratum whose stats have the geometry of an
// Aggregator's (NewAggregator): a run's own trials then give the very
// figures of a plain risk run (Aggregator.risk).
func newRiskAcc(c *graph.Compiled) riskAcc {
	H := c.Horizon
	var users, cost float64
	for _, s := range c.Services {
		users += float64(s.Users)
		cost += s.CostPerHour
	}
	hours := float64(H) / float64(graph.Hour)
	r := riskAcc{
		user: newStat(int64(min(users*hours*1000, 1e18)) + 2),
		cost: newStat(int64(min(cost*hours, 1e18)) + 2),
		crew: newStat(math.MaxInt64 / 4),
		down: make([]stat, len(c.Services)),
	}
	for s := range r.down {
		r.down[s] = newStat(H)
	}
	return r
}

// risk returns the annual-risk figures of the run's own trials, nil when
// no event of the scenario has a rate: the trials sample the horizons
// plainly, as `domino risk --plain` over the scenario's horizon does, and
// the figures are that command's to the byte (docs/model.md §13).
func (a *Aggregator) risk(seed uint64) *RiskFigures {
	if !(a.lambda > 0) || a.trials == 0 {
		return nil
	}
	plan := plainPlan(a.lambda, int(a.trials))
	r := &RiskAggregator{c: a.c, plan: plan, acc: []riskAcc{newRiskAcc(a.c)}}
	acc := &r.acc[0]
	acc.n = a.trials
	// Copies: summarising counts zeros into the stats.
	acc.user.merge(&a.userMilliHours)
	acc.cost.merge(&a.cost)
	acc.crew.merge(&a.crew)
	for s := range acc.down {
		acc.down[s].merge(&a.svc[s].down)
	}
	return &r.Results(seed).RiskFigures
}

// add records one trial of stratum s.
func (a *RiskAggregator) add(s int, o *Outcome) {
	r := &a.acc[s]
	r.n++
	r.user.add(o.UserMilliHours, &a.rows)
	r.cost.add(o.Cost, &a.rows)
	r.crew.add(o.CrewMs, &a.rows)
	// Zeros for the untouched services are counted in results.
	for _, sv := range o.Touched {
		if d := o.Downtime[sv]; d > 0 {
			r.down[sv].add(d, &a.rows)
		}
	}
}

// Merge adds b's trials to a's; both come from the same plan.
func (a *RiskAggregator) Merge(b *RiskAggregator) {
	for i := range a.acc {
		x, y := &a.acc[i], &b.acc[i]
		x.n += y.n
		x.user.merge(&y.user)
		x.cost.merge(&y.cost)
		x.crew.merge(&y.crew)
		for s := range x.down {
			x.down[s].merge(&y.down[s])
		}
	}
}

// RunRisk runs the trials of a risk run and summarises them.
func RunRisk(ctx context.Context, c *graph.Compiled, opt RiskOptions) (*RiskResults, error) {
	a, err := RunRiskAggregate(ctx, c, opt)
	if err != nil {
		return nil, err
	}
	return a.Results(opt.Seed), nil
}

// NewRiskAggregator returns the empty aggregate of a risk run of
// opt.Trials trials (the scenario's when 0): the part of a shard without
// trials.
func NewRiskAggregator(c *graph.Compiled, opt RiskOptions) (*RiskAggregator, error) {
	trials := opt.Trials
	if trials <= 0 {
		trials = c.Scenario.Trials
	}
	plan, err := newRiskPlan(c, trials, opt.Plain)
	if err != nil {
		return nil, err
	}
	return newRiskAggregator(c, plan), nil
}

// RunRiskAggregate runs trials [First, First+Count) of a risk run of
// Trials trials. Each trial is keyed by its index as in Run, and its
// stratum is fixed by its index, so the aggregate does not depend on the
// workers.
func RunRiskAggregate(ctx context.Context, c *graph.Compiled, opt RiskOptions) (*RiskAggregator, error) {
	trials := opt.Trials
	if trials <= 0 {
		trials = c.Scenario.Trials
	}
	plan, err := newRiskPlan(c, trials, opt.Plain)
	if err != nil {
		return nil, err
	}
	lo, n := opt.First, opt.Count
	if n <= 0 {
		lo, n = 0, trials
	}
	if lo < 0 || lo+n > trials {
		return nil, fmt.Errorf("risk trials [%d, %d) outside [0, %d)", lo, lo+n, trials)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = min(workers, runtime.GOMAXPROCS(0), max(1, (n+chunk-1)/chunk))
	aggs := make([]*RiskAggregator, workers)
	var next atomic.Int64
	var overflow atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		aggs[w] = newRiskAggregator(c, plan)
		wg.Add(1)
		go func(agg *RiskAggregator) {
			defer wg.Done()
			tr := NewTrial(c, nil)
			stratified := len(plan.strata) > 1
			if stratified {
				tr.usePlan(plan)
			}
			for ctx.Err() == nil && !overflow.Load() {
				from := int(next.Add(chunk)) - chunk
				if from >= n {
					return
				}
				to := min(from+chunk, n)
				for i := lo + from; i < lo+to; i++ {
					s := 0
					if stratified {
						s = plan.stratumOf(i)
						tr.stratum = s
					}
					o := tr.Run(opt.Seed, i)
					if tr.overflow {
						overflow.Store(true)
						return
					}
					agg.add(s, o)
				}
				if opt.Progress != nil {
					opt.Progress(to - from)
				}
			}
		}(aggs[w])
	}
	wg.Wait()
	if overflow.Load() {
		return nil, ErrTooManyEvents
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, b := range aggs[1:] {
		aggs[0].Merge(b)
	}
	return aggs[0], nil
}

// moments returns the mean and the n − 1 sample variance of s's values,
// from its exact sums.
func (s *stat) moments() (mean, variance float64) {
	if s.n == 0 {
		return 0, 0
	}
	s.flush(nil)
	n := big.NewInt(s.n)
	sum := u128(s.sumHi, s.sumLo)
	mean, _ = new(big.Rat).SetFrac(sum, n).Float64()
	if s.n > 1 {
		num := new(big.Int).Mul(n, u192(s.sqTop, s.sqHi, s.sqLo))
		num.Sub(num, new(big.Int).Mul(sum, sum))
		den := new(big.Int).Mul(n, big.NewInt(s.n-1))
		variance, _ = new(big.Rat).SetFrac(num, den).Float64()
	}
	return mean, max(variance, 0)
}

// countAbove returns how many values are above x ≥ 0, to the histogram's
// precision: a bucket counts when its lowest value is above x, and values
// at or beyond the observed extremes are exact.
func (s *stat) countAbove(x int64) int64 {
	s.flush(nil)
	switch {
	case s.n == 0 || x >= s.max:
		return 0
	case x < s.min:
		return s.n
	case s.hist.rows == nil:
		return 0
	}
	var k int64
	for r, row := range s.hist.rows {
		if row == nil {
			continue
		}
		for j, c := range row {
			if c == 0 {
				continue
			}
			b, sub := r-1, int64(j)+subHalf
			if b < 0 {
				sub -= subHalf
				b = 0
			}
			if sub<<b > x {
				k += c
			}
		}
	}
	return k
}

// riskView reads one metric across the strata.
type riskView struct {
	plan  *riskPlan
	stats []*stat
	n     []int64 // trials per stratum (the stats may lack the zeros)
}

// withZeros makes each stat count its stratum's trials, the missing
// values being zeros.
func (v *riskView) withZeros() {
	for i, st := range v.stats {
		st.flush(nil)
		st.addZeros(v.n[i] - st.n)
	}
}

// mean returns Σ p_s·mean_s, its variance Σ p_s²·var_s/n_s, and plain
// sampling's variance over the same number of trials, Σ p_s·(var_s +
// mean_s²) − mean² over the total.
func (v *riskView) mean() (m, variance, plain float64) {
	var second float64
	var total int64
	for i, st := range v.stats {
		p, n := v.plan.strata[i].p, v.n[i]
		total += n
		if n == 0 || p == 0 {
			continue
		}
		mu, s2 := st.moments()
		m += p * mu
		variance += p * p * s2 / float64(n)
		second += p * (s2 + mu*mu)
	}
	if total > 0 {
		plain = max(second-m*m, 0) / float64(total)
	}
	return m, variance, plain
}

// exceed returns the estimate of P(loss > x) and its standard error.
// Each stratum's share is k/n; its variance uses Wilson's centre
// (k + z²/2)/(n + z²), so that a stratum with no trial above x still
// admits some chance of one (docs/model.md §13). An exact stratum has
// none.
func (v *riskView) exceed(x int64) (p, se float64) {
	var vr float64
	for i, st := range v.stats {
		ps, n := v.plan.strata[i].p, v.n[i]
		if n == 0 || ps == 0 {
			continue
		}
		k := st.countAbove(x)
		p += ps * float64(k) / float64(n)
		if v.plan.strata[i].exact {
			continue
		}
		nz := float64(n) + riskZ*riskZ
		c := (float64(k) + riskZ*riskZ/2) / nz
		vr += ps * ps * c * (1 - c) / nz
	}
	return p, math.Sqrt(vr)
}

// maxValue returns the largest value of any stratum.
func (v *riskView) maxValue() int64 {
	var m int64
	for _, st := range v.stats {
		if st.n > 0 {
			m = max(m, st.max)
		}
	}
	return m
}

// minPositive returns the smallest value above 0 of any stratum, 0 if none.
func (v *riskView) minPositive() int64 {
	m := int64(math.MaxInt64)
	for _, st := range v.stats {
		if st.hist.total > 0 || len(st.pend) > 0 {
			lo := st.min
			if lo == 0 {
				lo = st.quantileAbove0()
			}
			m = min(m, lo)
		}
	}
	if m == math.MaxInt64 {
		return 0
	}
	return m
}

// quantileAbove0 returns the smallest value above 0, to the histogram's
// precision.
func (s *stat) quantileAbove0() int64 {
	s.flush(nil)
	if s.hist.total == 0 {
		return 0
	}
	return max(s.hist.valueAt(1), 1)
}

// smallest returns the smallest x in [0, hi] with ok(x), hi+1 when none;
// ok must be false then true as x grows.
func smallest(hi int64, ok func(int64) bool) int64 {
	lo, h := int64(0), hi+1
	for lo < h {
		m := lo + (h-lo)/2
		if ok(m) {
			h = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// metric summarises one metric, values divided by unit.
func (v *riskView) metric(name string, unit float64) RiskMetric {
	v.withZeros()
	m, vr, plain := v.mean()
	half := riskZ * math.Sqrt(vr)
	out := RiskMetric{Unit: name, Expected: Estimate{Mean: m / unit, CI95: [2]float64{(m - half) / unit, (m + half) / unit}}}
	if vr > 0 {
		s := plain / vr
		out.SpeedUp = &s
	}
	p0, se0 := v.exceed(0)
	out.PLoss = Estimate{Mean: p0, CI95: [2]float64{max(0, p0-riskZ*se0), min(1, p0+riskZ*se0)}}

	// The curve: 0, then 10 points a decade from the smallest loss to the
	// largest, and the largest.
	top := v.maxValue()
	xs := []int64{0}
	if lo := v.minPositive(); lo > 0 && top > 0 {
		for e := math.Floor(math.Log10(float64(lo)) * 10); ; e++ {
			x := int64(math.Round(math.Pow(10, e/10)))
			if x >= top {
				break
			}
			if x > xs[len(xs)-1] {
				xs = append(xs, x)
			}
		}
		if top > xs[len(xs)-1] {
			xs = append(xs, top)
		}
	}
	for _, x := range xs {
		p, se := v.exceed(x)
		out.Exceedance = append(out.Exceedance, ExceedancePoint{Loss: float64(x) / unit, P: p,
			CI95: [2]float64{max(0, p-riskZ*se), min(1, p+riskZ*se)}})
	}

	// Return levels: the smallest x with P̂(> x) ≤ 1/T, and an interval
	// from inverting the pointwise interval of P(> x): x is a plausible
	// level while 1/T lies within P̂(> x) ± z·se(x).
	for _, years := range ReturnPeriods {
		target := 1 / float64(years)
		x := smallest(top, func(x int64) bool { p, _ := v.exceed(x); return p <= target })
		lo := smallest(top, func(x int64) bool { p, se := v.exceed(x); return p-riskZ*se <= target })
		hi := smallest(top, func(x int64) bool { p, se := v.exceed(x); return p+riskZ*se <= target })
		rl := ReturnLevel{Years: years, Loss: float64(min(x, top)) / unit}
		l := float64(min(lo, x)) / unit
		rl.CI95[0] = &l
		if hi <= top {
			h := float64(max(hi, x)) / unit
			rl.CI95[1] = &h
		}
		out.ReturnLevels = append(out.ReturnLevels, rl)
	}
	return out
}

// Results summarises the trials. It may be called once: it counts the
// zeros into the stats.
func (a *RiskAggregator) Results(seed uint64) *RiskResults {
	c, plan := a.c, a.plan
	r := &RiskResults{
		Schema: RiskSchema, Scenario: c.Scenario.ID, Seed: seed, HorizonMs: c.Horizon,
		RiskFigures: RiskFigures{Sampling: "stratified", Occurrences: plan.lambda, Metrics: map[string]RiskMetric{}},
	}
	if c.Platform != nil {
		r.Platform, r.Currency = c.Platform.Name, c.Platform.Currency
	}
	if len(plan.strata) == 1 {
		r.Sampling = "plain"
	}
	n := make([]int64, len(plan.strata))
	for i, st := range plan.strata {
		n[i] = a.acc[i].n
		r.Trials += n[i]
		rs := RiskStratum{Min: st.lo, P: st.p, Trials: n[i], Exact: st.exact}
		if st.hi >= 0 {
			hi := st.hi - 1
			rs.Max = &hi
		}
		r.Strata = append(r.Strata, rs)
	}
	view := func(get func(*riskAcc) *stat) *riskView {
		v := &riskView{plan: plan, n: n}
		for i := range a.acc {
			v.stats = append(v.stats, get(&a.acc[i]))
		}
		return v
	}
	add := func(key, unit string, scale float64, get func(*riskAcc) *stat) {
		m := view(get).metric(unit, scale)
		r.Metrics[key] = m
		r.MetricOrder = append(r.MetricOrder, key)
	}
	add(RiskUserHours, "user-hours", 1000, func(x *riskAcc) *stat { return &x.user })
	add(RiskMoney, "currency", 1, func(x *riskAcc) *stat { return &x.cost })
	add(RiskCrewHours, "hours", float64(graph.Hour), func(x *riskAcc) *stat { return &x.crew })
	H := float64(c.Horizon)
	for s := range c.Services {
		key := "downtime:" + c.Services[s].ID
		add(key, "hours", float64(graph.Hour), func(x *riskAcc) *stat { return &x.down[s] })
		d := r.Metrics[key].Expected
		hours := H / float64(graph.Hour)
		av := Estimate{Mean: 1 - d.Mean/hours, CI95: [2]float64{max(0, 1-d.CI95[1]/hours), min(1, 1-d.CI95[0]/hours)}}
		rs := RiskService{ID: c.Services[s].ID, Availability: av}
		if av.Mean < 1 {
			nines := -math.Log10(1 - av.Mean)
			rs.Nines = &nines
		}
		r.Services = append(r.Services, rs)
	}
	return r
}
