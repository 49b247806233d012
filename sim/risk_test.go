package sim

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// yearFire is the closed form of docs/model.md §13: one service of 1,000
// users on one site, a fire at rate 0.01/y that stops it for DUR, over one
// year.
const yearFire = `
version: 1
platform:
  name: t
  sites: [{id: a}]
  services:
    - {id: s, users: 1000, placement: {a: 1}}
scenarios:
  - id: fires
    horizon: 365d
    events:
      - {kind: site-outage, site: a, rate: 0.01/y, duration: DUR}
`

func runRisk(t *testing.T, yaml string, opt RiskOptions) *RiskResults {
	t.Helper()
	c := compile(t, yaml, "")
	r, err := RunRisk(context.Background(), c, opt)
	require.NoError(t, err)
	return r
}

func TestRiskClosedForm(t *testing.T) {
	// λ = 0.01 fires a year, each 10h × 1,000 users = 10,000 user-hours
	// (less when it starts in the year's last 10h: the year cuts it).
	// E[annual user-hours] = 0.01 × 10,000 = 100 (99.94 with the cut);
	// P(loss > 0) = P(N ≥ 1) = 1 − e^−0.01; P(loss > 10,000) = P(N ≥ 2)
	// = 1 − e^−0.01·(1 + 0.01), but for two fires within 10h of each
	// other or of the year's end, a chance below 3·10⁻³ of it.
	const trials = 10_000
	r := runRisk(t, strings.Replace(yearFire, "DUR", "10h", 1), RiskOptions{Trials: trials, Seed: 1})
	require.Equal(t, "stratified", r.Sampling)
	require.EqualValues(t, trials, r.Trials)
	u := r.Metrics[RiskUserHours]

	assert.InDelta(t, 100, u.Expected.Mean, 2, "expected annual user-hours within ±2%%")
	assert.LessOrEqual(t, u.Expected.CI95[0], 100.0)
	assert.GreaterOrEqual(t, u.Expected.CI95[1], 99.9)

	pAny := 1 - math.Exp(-0.01)
	assert.InDelta(t, pAny, u.PLoss.Mean, 1e-12, "P(loss > 0) is exact: quiet years are counted exactly")

	p2 := 1 - math.Exp(-0.01)*(1+0.01)
	var got float64 = -1
	for _, pt := range u.Exceedance {
		if pt.Loss == 10_000 {
			got = pt.P
		}
	}
	if got < 0 { // the curve may not hold 10,000: ask the view
		got = exceedAt(t, strings.Replace(yearFire, "DUR", "10h", 1), trials, 10_000_000)
	}
	assert.InDelta(t, p2, got, 3e-3*p2, "P(loss > 10,000)")

	// The 1-in-1000-year loss is one fire (P(N ≥ 1) > 10⁻³ > P(N ≥ 2));
	// the 1-in-100 one is 0 (P(N ≥ 1) = 0.00995 < 10⁻²).
	levels := map[int]float64{}
	for _, rl := range u.ReturnLevels {
		levels[rl.Years] = rl.Loss
	}
	assert.Equal(t, 0.0, levels[10])
	assert.Equal(t, 0.0, levels[100])
	assert.InDelta(t, 10_000, levels[1000], 100, "1-in-1000-year loss, to the histogram's 1%%")

	// Availability: 1 − 0.01 × 10h / 8760h.
	require.Len(t, r.Services, 1)
	assert.InDelta(t, 1-0.1/8760, r.Services[0].Availability.Mean, 1e-7)
	require.NotNil(t, r.Services[0].Nines)
	assert.InDelta(t, -math.Log10(0.1/8760), *r.Services[0].Nines, 0.01)
}

// exceedAt returns the stratified estimate of P(user-milli-hours > x).
func exceedAt(t *testing.T, yaml string, trials int, x int64) float64 {
	t.Helper()
	c := compile(t, yaml, "")
	a, err := RunRiskAggregate(context.Background(), c, RiskOptions{Trials: trials, Seed: 1})
	require.NoError(t, err)
	v := &riskView{plan: a.plan}
	for i := range a.acc {
		v.stats = append(v.stats, &a.acc[i].user)
		v.n = append(v.n, a.acc[i].n)
	}
	v.withZeros()
	p, _ := v.exceed(x)
	return p
}

func TestRiskStratifiedAgreesWithPlain(t *testing.T) {
	// With a random duration (exponential, mean 10h) the stratified and
	// plain estimators of the same quantity must agree within their
	// combined 95% interval; plain sampling is the reference (its years
	// are `run`'s). The stratified interval is far tighter: the speed-up
	// is the ratio of the variances.
	yaml := strings.Replace(yearFire, "DUR", "{exponential: {mean: 10h}}", 1)
	yaml = strings.Replace(yaml, "0.01/y", "0.2/y", 1)
	const trials = 20_000
	s := runRisk(t, yaml, RiskOptions{Trials: trials, Seed: 7})
	p := runRisk(t, yaml, RiskOptions{Trials: trials, Seed: 8, Plain: true})
	require.Equal(t, "plain", p.Sampling)
	sm, pm := s.Metrics[RiskUserHours].Expected, p.Metrics[RiskUserHours].Expected
	half := func(e Estimate) float64 { return (e.CI95[1] - e.CI95[0]) / 2 }
	// 0.2 fires × 10,000 user-hours on average.
	assert.InDelta(t, 2000, sm.Mean, half(sm)+20, "stratified mean")
	assert.InDelta(t, sm.Mean, pm.Mean, math.Hypot(half(sm), half(pm)), "stratified vs plain")
	require.NotNil(t, s.Metrics[RiskUserHours].SpeedUp)
	assert.Greater(t, *s.Metrics[RiskUserHours].SpeedUp, 3.0)
	t.Logf("speed-up at rate 0.2/y: %.1f (plain half-width %.1f, stratified %.1f)",
		*s.Metrics[RiskUserHours].SpeedUp, half(pm), half(sm))
}

func TestRiskSpeedUpRare(t *testing.T) {
	// The case with a random duration: at 0.01/y plain sampling
	// wastes 99 years in 100.
	yaml := strings.Replace(yearFire, "DUR", "{exponential: {mean: 10h}}", 1)
	r := runRisk(t, yaml, RiskOptions{Trials: 10_000, Seed: 1})
	u := r.Metrics[RiskUserHours]
	require.NotNil(t, u.SpeedUp)
	assert.Greater(t, *u.SpeedUp, 50.0)
	assert.InDelta(t, 100, u.Expected.Mean, 2)
	t.Logf("speed-up at rate 0.01/y, exponential 10h: %.0f; mean %.2f [%.2f, %.2f]", *u.SpeedUp, u.Expected.Mean, u.Expected.CI95[0], u.Expected.CI95[1])
}

func TestRiskShardsMerge(t *testing.T) {
	// The strata depend on the total trials only: two halves merge into
	// the whole, whatever the workers.
	c := compile(t, strings.Replace(yearFire, "DUR", "{exponential: {mean: 10h}}", 1), "")
	whole, err := RunRiskAggregate(context.Background(), c, RiskOptions{Trials: 1000, Seed: 3, Workers: 1})
	require.NoError(t, err)
	a, err := RunRiskAggregate(context.Background(), c, RiskOptions{Trials: 1000, Seed: 3, First: 0, Count: 400, Workers: 2})
	require.NoError(t, err)
	b, err := RunRiskAggregate(context.Background(), c, RiskOptions{Trials: 1000, Seed: 3, First: 400, Count: 600, Workers: 2})
	require.NoError(t, err)
	a.Merge(b)
	w, _ := json.Marshal(whole.Results(3))
	m, _ := json.Marshal(a.Results(3))
	assert.JSONEq(t, string(w), string(m))
}

func TestRiskPlanStrata(t *testing.T) {
	tests := []struct {
		name   string
		rate   string
		strata int
	}{
		{"rare", "0.01/y", 3}, // {0} {1} [2, ∞)
		{"yearly", "1/y", 6},  // {0} … {4} [5, ∞)
		{"often", "50/y", maxStrata + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := compile(t, strings.Replace(strings.Replace(yearFire, "DUR", "10h", 1), "0.01/y", tt.rate, 1), "")
			p, err := newRiskPlan(c, 10_000, false)
			require.NoError(t, err)
			require.Len(t, p.strata, tt.strata)
			var sum float64
			total := 0
			for i, st := range p.strata {
				sum += st.p
				total += st.trials
				assert.Equal(t, total-st.trials, st.off)
				assert.GreaterOrEqual(t, st.trials, 1)
				if i == 0 {
					assert.True(t, st.exact)
					assert.Equal(t, 1, st.trials)
				}
			}
			assert.InDelta(t, 1, sum, 1e-12, "the strata's probabilities sum to 1")
			assert.Equal(t, 10_000, total)
		})
	}
	c := compile(t, strings.Replace(yearFire, "DUR", "10h", 1), "")
	_, err := newRiskPlan(c, 4, false)
	assert.ErrorContains(t, err, "at least 5 trials")
}

func TestRiskTailDraw(t *testing.T) {
	// N drawn in the tail stratum [K, ∞) follows Poisson(Λ) given N ≥ K:
	// its mean is E[N; N ≥ K]/P(N ≥ K), within 4 standard errors.
	for _, rate := range []string{"0.01/y", "1/y", "50/y"} {
		c := compile(t, strings.Replace(strings.Replace(yearFire, "DUR", "10h", 1), "0.01/y", rate, 1), "")
		p, err := newRiskPlan(c, 10_000, false)
		require.NoError(t, err)
		s := len(p.strata) - 1
		const n = 20_000
		var sum, sq float64
		g := stream{s: 1}
		for range n {
			x := float64(p.drawN(s, &g))
			require.GreaterOrEqual(t, x, float64(p.strata[s].lo))
			sum += x
			sq += x * x
		}
		mean := sum / n
		sd := math.Sqrt(sq/n - mean*mean)
		assert.InDelta(t, p.strata[s].mean, mean, 4*sd/math.Sqrt(n)+1e-9, "rate %s", rate)
	}
}

func TestRiskPickSplitsByRate(t *testing.T) {
	// Two fires at 0.03/y and 0.01/y: each occurrence is the first with
	// probability 3/4.
	yaml := strings.Replace(strings.Replace(yearFire, "DUR", "10h", 1), "0.01/y", "0.03/y", 1) +
		"      - {kind: site-outage, site: a, rate: 0.01/y, duration: 1h}\n"
	c := compile(t, yaml, "")
	p, err := newRiskPlan(c, 100, false)
	require.NoError(t, err)
	const n = 40_000
	first := 0
	g := stream{s: 5}
	for range n {
		if p.pick(g.unit()) == 0 {
			first++
		}
	}
	sd := math.Sqrt(0.75 * 0.25 / n)
	assert.InDelta(t, 0.75, float64(first)/n, 4*sd)
}

func TestRiskTrialAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	yaml := strings.Replace(strings.Replace(yearFire, "DUR", "{exponential: {mean: 10h}}", 1), "0.01/y", "2/y", 1) +
		"      - {kind: service-fault, services: [s], rate: 1/y, duration: 1h}\n"
	c := compile(t, yaml, "")
	const trials = 1000
	plan, err := newRiskPlan(c, trials, false)
	require.NoError(t, err)
	tr := NewTrial(c, nil)
	tr.usePlan(plan)
	agg := newRiskAggregator(c, plan)
	run := func(i int) {
		s := plan.stratumOf(i % trials)
		tr.stratum = s
		agg.add(s, tr.Run(1, i%trials))
	}
	for i := range 2 * trials {
		run(i)
	}
	i := 0
	allocs := testing.AllocsPerRun(200, func() { run(i); i++ })
	assert.Zero(t, allocs, "allocations per trial")
}
