package sim

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/dominosim/domino/graph"
)

// Metric is one per-trial figure compared between scenarios.
type Metric struct {
	ID    string // json key
	Name  string // for tables
	Unit  string // "ms", "user-hours", "currency", "hours", "probability", "count"
	scale float64
	value func(c *graph.Compiled, o *Outcome) int64
	// censored, for a time, says the trial's value was cut by the horizon
	// (a lower bound); nil for the others.
	censored func(o *Outcome) bool
}

// CompareMetrics are the rows of a comparison, in order.
var CompareMetrics = []Metric{
	{ID: "full_recovery_ms", Name: "Time to full recovery", Unit: "ms", scale: 1,
		value:    func(c *graph.Compiled, o *Outcome) int64 { return o.FullRecovery },
		censored: func(o *Outcome) bool { return o.Unrecovered }},
	{ID: "full_restored_ms", Name: "Time to everything back to normal", Unit: "ms", scale: 1,
		value:    func(c *graph.Compiled, o *Outcome) int64 { return o.FullRestored },
		censored: func(o *Outcome) bool { return o.Unrestored }},
	{ID: "user_hours", Name: "User-hours lost (summed over services)", Unit: "user-hours", scale: 1000,
		value: func(c *graph.Compiled, o *Outcome) int64 { return o.UserMilliHours }},
	{ID: "cost", Name: "Money lost", Unit: "currency", scale: 1,
		value: func(c *graph.Compiled, o *Outcome) int64 { return o.Cost }},
	{ID: "crew_hours", Name: "Crew-hours", Unit: "hours", scale: float64(graph.Hour),
		value: func(c *graph.Compiled, o *Outcome) int64 { return o.CrewMs }},
	{ID: "services_all_data_lost", Name: "Services losing all data", Unit: "count", scale: 1,
		value: func(c *graph.Compiled, o *Outcome) int64 {
			var n int64
			for _, all := range o.AllLost {
				if all {
					n++
				}
			}
			return n
		}},
	// The finite losses alone: a service that loses all its data adds
	// nothing here, so its difference is taken like for like (see
	// ComparedMetric.TotalLossChanged), lest a total loss turned finite
	// read as more data lost.
	{ID: "data_loss_ms", Name: "Data lost (finite losses, sum over services)", Unit: "ms", scale: 1,
		value: func(c *graph.Compiled, o *Outcome) int64 {
			var sum int64
			for s, v := range o.DataLoss {
				if !o.AllLost[s] {
					sum += v
				}
			}
			return sum
		}},
	{ID: "services_rpo_breach", Name: "Services breaching their RPO", Unit: "count", scale: 1,
		value: func(c *graph.Compiled, o *Outcome) int64 {
			var n int64
			for s, all := range o.AllLost {
				// As the results' p_rpo_breach (sim/aggregate.go, addLoss).
				if rpo := c.Services[s].RPO; rpo >= 0 && (all || o.DataLoss[s] > rpo) {
					n++
				}
			}
			return n
		}},
	{ID: "p_rto_breach_p1", Name: "P(RTO breach of a priority-1 service)", Unit: "probability", scale: 1,
		value: func(c *graph.Compiled, o *Outcome) int64 {
			for s, b := range o.RTOBreach {
				if b && c.Services[s].Priority == 1 {
					return 1
				}
			}
			return 0
		}},
	{ID: "p_deadlock", Name: "P(deadlock)", Unit: "probability", scale: 1,
		value: func(c *graph.Compiled, o *Outcome) int64 { return b2i(o.Deadlock) }},
}

// diffStat accumulates signed int64 values exactly: a 128-bit two's
// complement sum and an unsigned 192-bit sum of squares (a difference may
// be near 2^62, its square near 2^124).
type diffStat struct {
	n                 int64
	sumHi, sumLo      uint64
	sqTop, sqHi, sqLo uint64
}

func (d *diffStat) add(v int64) {
	d.n++
	hi := uint64(0)
	if v < 0 {
		hi = math.MaxUint64 // sign extension
	}
	var c uint64
	d.sumLo, c = bits.Add64(d.sumLo, uint64(v), 0)
	d.sumHi += hi + c
	a := uint64(v)
	if v < 0 {
		a = uint64(-v)
	}
	h, l := bits.Mul64(a, a)
	d.sqLo, c = bits.Add64(d.sqLo, l, 0)
	d.sqHi, c = bits.Add64(d.sqHi, h, c)
	d.sqTop += c
}

func (d *diffStat) merge(o *diffStat) {
	d.n += o.n
	var c uint64
	d.sumLo, c = bits.Add64(d.sumLo, o.sumLo, 0)
	d.sumHi += o.sumHi + c
	d.sqLo, c = bits.Add64(d.sqLo, o.sqLo, 0)
	d.sqHi, c = bits.Add64(d.sqHi, o.sqHi, c)
	d.sqTop += o.sqTop + c
}

// Diff is a mean difference with its 95% confidence interval.
// NoCI says there is no interval (fewer than 2 trials): CI95 is zero,
// and JSON has "ci95": null.
type Diff struct {
	Mean float64    `json:"mean"`
	CI95 [2]float64 `json:"ci95"`
	NoCI bool       `json:"-"`
}

func (d *diffStat) diff(unit float64) Diff {
	if d.n == 0 {
		return Diff{NoCI: true}
	}
	sum := u128(d.sumHi, d.sumLo)
	if d.sumHi>>63 == 1 { // negative: two's complement
		sum.Sub(sum, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	n := big.NewInt(d.n)
	mean, _ := new(big.Rat).SetFrac(sum, n).Float64()
	var half float64
	if d.n > 1 {
		num := new(big.Int).Mul(n, u192(d.sqTop, d.sqHi, d.sqLo))
		num.Sub(num, new(big.Int).Mul(sum, sum))
		v, _ := new(big.Rat).SetFrac(num, new(big.Int).Mul(n, big.NewInt(d.n-1))).Float64()
		half = TFactor(d.n) * math.Sqrt(max(v, 0)/float64(d.n))
	}
	if d.n < 2 {
		return Diff{Mean: mean / unit, NoCI: true}
	}
	return Diff{Mean: mean / unit, CI95: [2]float64{(mean - half) / unit, (mean + half) / unit}}
}

// Comparison holds, per scenario and metric, the summary over trials and,
// for every scenario after the first, the difference to the first: paired
// over the same trials when the scenario shares the first's platform,
// else (after Unpair) the difference of two independent means.
type Comparison struct {
	Schema    string   `json:"schema"`
	Seed      uint64   `json:"seed"`
	Trials    int      `json:"trials"`
	Scenarios []string `json:"scenarios"`
	// Platforms and Currencies are each scenario's platform name and
	// currency, as its file declares them ("" when it does not).
	Platforms  []string `json:"platforms"`
	Currencies []string `json:"currencies"`
	// Paired says, per scenario, whether its diff_to_first is paired (the
	// first scenario's entry is true).
	Paired []bool `json:"paired"`
	// Rates, set by the caller, converted money: one unit of each key
	// currency is worth the value in units of the first scenario's.
	Rates map[string]float64 `json:"rates,omitempty"`
	// Warnings, set by the caller, say what makes a difference hard to
	// read (other platforms, other currencies).
	Warnings []string         `json:"warnings,omitempty"`
	Metrics  []ComparedMetric `json:"metrics"`
	// ComplianceChanges are the RTO and RPO targets whose verdict (meets,
	// misses, cannot tell) is not the same in every scenario, each
	// verdict as `run` of that scenario gives it over the same trials.
	ComplianceChanges []ComplianceChange `json:"compliance_changes,omitempty"`
}

// ComparedMetric is one row of a comparison.
type ComparedMetric struct {
	ID     string    `json:"id"`
	Name   string    `json:"name"`
	Unit   string    `json:"unit"`
	Values []Summary `json:"values"`        // per scenario
	Diffs  []*Diff   `json:"diff_to_first"` // nil for the first scenario, and for money in another currency
	// Currencies is, for money, the currency each value is in ("" when
	// the platform declares none).
	Currencies []string `json:"currencies,omitempty"`
	// TotalLossChanged is, for the data lost, per scenario, the mean
	// number of services a trial that lose all their data in one of it and
	// the first scenario but not in both. Paired, the difference is then
	// like for like: over the services whose loss is finite in both, the
	// others being counted by services_all_data_lost. Unpaired (Unpair),
	// it is the difference of the mean numbers of services losing all
	// data, and the data lost has a difference only when that is 0.
	TotalLossChanged []float64 `json:"total_loss_changed,omitempty"`
}

// serviceMap maps each service of c to the index of the service of the
// same id in base, −1 when base has none.
func serviceMap(c, base *graph.Compiled) []int32 {
	idx := make(map[string]int32, len(base.Services))
	for j, s := range base.Services {
		idx[s.ID] = int32(j)
	}
	m := make([]int32, len(c.Services))
	for s, svc := range c.Services {
		j, ok := idx[svc.ID]
		if !ok {
			j = -1
		}
		m[s] = j
	}
	return m
}

// likeForLike is the data lost in o minus that in base (the first
// scenario's outcome of the same trial), over the services of both whose
// loss is finite in both, and the number of services that lose all their
// data in one outcome and not the other. A total loss turned finite (an
// offsite backup) adds to the finite losses; taken as such it would read
// as more data lost, where it is the opposite.
func likeForLike(base, o *Outcome, toBase []int32) (diff, changed int64) {
	for s, j := range toBase {
		if j < 0 {
			continue
		}
		switch all, allBase := o.AllLost[s], base.AllLost[j]; {
		case all != allBase:
			changed++
		case !all:
			diff += o.DataLoss[s] - base.DataLoss[j]
		}
	}
	return diff, changed
}

// Unpair replaces scenario i's differences by unpaired ones, for a
// scenario that does not share the first's platform: its trials are
// independent of the first's, so a per-trial difference means nothing
// (docs/model.md §7). Each becomes the difference of the means, with a 95% CI
// whose half-width is the two CIs' half-widths combined in quadrature.
func (c *Comparison) Unpair(i int) {
	if i <= 0 || i >= len(c.Scenarios) {
		panic("sim: Unpair of the baseline or of no scenario")
	}
	c.Paired[i] = false
	allLost := slices.IndexFunc(c.Metrics, func(m ComparedMetric) bool { return m.ID == "services_all_data_lost" })
	for m := range c.Metrics {
		row := &c.Metrics[m]
		if row.Diffs[i] == nil {
			continue
		}
		d := UnpairedDiff(row.Values[0], row.Values[i])
		row.Diffs[i] = &d
		if row.TotalLossChanged == nil || allLost < 0 {
			continue
		}
		// Independent trials cannot be matched service by service: the
		// finite losses compare only when no total loss came or went.
		a := c.Metrics[allLost].Values
		row.TotalLossChanged[i] = math.Abs(a[i].Mean - a[0].Mean)
		if row.TotalLossChanged[i] != 0 {
			row.Diffs[i] = nil
		}
	}
}

// UnpairedDiff is b − a for two independent estimates: the difference of
// the means, its CI's half-width the two half-widths combined in
// quadrature (no CI when either side has none).
func UnpairedDiff(a, b Summary) Diff {
	d := b.Mean - a.Mean
	if a.NoCI || b.NoCI {
		return Diff{Mean: d, NoCI: true}
	}
	half := math.Hypot((a.CI95[1]-a.CI95[0])/2, (b.CI95[1]-b.CI95[0])/2)
	return Diff{Mean: d, CI95: [2]float64{d - half, d + half}}
}

// CompareSchema names the version of the comparison format.
const CompareSchema = "domino.compare/v1"

// Compare runs every scenario over the same trial keys (same seed, same
// trial indices) and reports each metric with the paired difference to the
// first scenario: common random numbers make that difference's interval
// much tighter than the difference of two independent runs. Seeds, when
// set, gives each scenario its own seed instead (unpaired; for tests).
func Compare(ctx context.Context, cs []*graph.Compiled, trials int, seed uint64, workers int, seeds []uint64) (*Comparison, error) {
	if len(cs) == 0 {
		return nil, fmt.Errorf("compare: no scenarios")
	}
	if trials <= 0 {
		trials = cs[0].Scenario.Trials
	}
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = min(workers, max(1, (trials+chunk-1)/chunk))
	nm, ns := len(CompareMetrics), len(cs)
	lossMetric := slices.IndexFunc(CompareMetrics, func(m Metric) bool { return m.ID == "data_loss_ms" })
	// toBase[i][s] is the index in the first scenario of scenario i's
	// service s, −1 when the first has no service of that id: the data
	// lost is compared service by service.
	toBase := make([][]int32, ns)
	for i, c := range cs {
		toBase[i] = serviceMap(c, cs[0])
	}
	type acc struct {
		vals    []stat     // [scenario*nm + metric]
		diffs   []diffStat // same index; scenario 0 unused
		changed []int64    // per scenario: services whose loss is total in one of it and the first, not both
		// Per scenario and metric (same index as vals), the trials whose
		// time was cut by the horizon and the smallest such time.
		cens, censMin []int64
		// Per scenario, as `run` aggregates it, when some scenario has
		// an RTO or RPO target: its compliance verdicts come from it.
		aggs []*Aggregator
	}
	targets := false
	for _, c := range cs {
		for s := range c.Services {
			targets = targets || c.Services[s].RTO >= 0 || c.Services[s].RPO >= 0
		}
	}
	newAcc := func() *acc {
		a := &acc{vals: make([]stat, ns*nm), diffs: make([]diffStat, ns*nm), changed: make([]int64, ns),
			cens: make([]int64, ns*nm), censMin: make([]int64, ns*nm)}
		for i := range a.censMin {
			a.censMin[i] = math.MaxInt64
		}
		for i := range a.vals {
			a.vals[i] = newStat(math.MaxInt64 / 4)
		}
		if targets {
			for _, c := range cs {
				// No grid: the trials record no curve (Compare needs none).
				a.aggs = append(a.aggs, NewAggregator(c, nil))
			}
		}
		return a
	}
	accs := make([]*acc, workers)
	var next atomic.Int64
	var overflow atomic.Bool
	var wg sync.WaitGroup
	for w := range workers {
		accs[w] = newAcc()
		wg.Add(1)
		go func(a *acc) {
			defer wg.Done()
			trs := make([]*Trial, ns)
			for i, c := range cs {
				trs[i] = NewTrial(c, nil)
			}
			first := make([]int64, nm)
			var o0 *Outcome // the first scenario's outcome of the trial
			for ctx.Err() == nil && !overflow.Load() {
				lo := int(next.Add(chunk)) - chunk
				if lo >= trials {
					return
				}
				for k := lo; k < min(lo+chunk, trials); k++ {
					for i, c := range cs {
						sd := seed
						if seeds != nil {
							sd = seeds[i]
						}
						o := trs[i].Run(sd, k)
						if trs[i].overflow {
							overflow.Store(true)
							return
						}
						if i == 0 {
							o0 = o
						}
						if a.aggs != nil {
							a.aggs[i].Add(o)
						}
						for m, metric := range CompareMetrics {
							v := metric.value(c, o)
							a.vals[i*nm+m].add(v, nil)
							if metric.censored != nil && metric.censored(o) {
								a.cens[i*nm+m]++
								a.censMin[i*nm+m] = min(a.censMin[i*nm+m], v)
							}
							switch {
							case i == 0:
								first[m] = v
							case m == lossMetric:
								d, changed := likeForLike(o0, o, toBase[i])
								a.diffs[i*nm+m].add(d)
								a.changed[i] += changed
							default:
								a.diffs[i*nm+m].add(v - first[m])
							}
						}
					}
				}
			}
		}(accs[w])
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
		for i := range total.vals {
			total.vals[i].merge(&a.vals[i])
			total.diffs[i].merge(&a.diffs[i])
		}
		for i := range total.changed {
			total.changed[i] += a.changed[i]
		}
		for i := range total.cens {
			total.cens[i] += a.cens[i]
			total.censMin[i] = min(total.censMin[i], a.censMin[i])
		}
		for i := range total.aggs {
			total.aggs[i].Merge(a.aggs[i])
		}
	}
	cmp := &Comparison{Schema: CompareSchema, Seed: seed, Trials: trials}
	for _, c := range cs {
		cmp.Scenarios = append(cmp.Scenarios, c.Scenario.ID)
		cmp.Platforms = append(cmp.Platforms, c.Platform.Name)
		cmp.Currencies = append(cmp.Currencies, c.Platform.Currency)
		cmp.Paired = append(cmp.Paired, true)
	}
	for m, metric := range CompareMetrics {
		row := ComparedMetric{ID: metric.ID, Name: metric.Name, Unit: metric.Unit}
		if metric.Unit == "currency" {
			row.Currencies = slices.Clone(cmp.Currencies)
		}
		for i := range cs {
			st := &total.vals[i*nm+m]
			v := st.summary(metric.scale)
			if metric.Unit == "probability" && !v.NoCI {
				// Student's t around a proportion near 0 or 1 runs past
				// [0, 1] (P(deadlock) 0.2% ± 0.4%); the exact binomial
				// interval cannot. st.sumLo is the count of trials with
				// the event: every value is 0 or 1.
				v.CI95 = ClopperPearson(int64(st.sumLo), st.n)
			}
			if metric.censored != nil {
				v = v.censor(total.cens[i*nm+m], int64(trials), total.censMin[i*nm+m], metric.scale)
			}
			row.Values = append(row.Values, v)
			if i == 0 {
				row.Diffs = append(row.Diffs, nil)
				continue
			}
			d := total.diffs[i*nm+m].diff(metric.scale)
			row.Diffs = append(row.Diffs, &d)
		}
		if m == lossMetric {
			row.TotalLossChanged = make([]float64, ns)
			for i := 1; i < ns; i++ {
				row.TotalLossChanged[i] = float64(total.changed[i]) / float64(trials)
			}
		}
		cmp.Metrics = append(cmp.Metrics, row)
	}
	if targets {
		var comps []*Compliance
		for _, a := range total.aggs {
			comps = append(comps, a.Results(seed).Compliance)
		}
		cmp.ComplianceChanges = ComplianceChanges(comps)
	}
	return cmp, nil
}
