package sim

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
)

// Statistical checks: the bound is k standard errors of the simulated mean,
// with the standard error taken from the run's own 95% interval.
const kSE = 4

func statTrials(full, short int) int {
	if testing.Short() {
		return short
	}
	return full
}

// checkMean fails unless |got.Mean − want| ≤ kSE standard errors (plus 1 ms
// for rounding of sampled durations).
func checkMean(t *testing.T, name string, got Summary, want float64) {
	t.Helper()
	se := (got.CI95[1] - got.CI95[0]) / (2 * 1.96)
	assert.InDelta(t, want, got.Mean, kSE*se+1, "%s: mean, want within %d SE (± %.1f)", name, kSE, kSE*se)
}

// checkP fails unless an estimated probability is within kSE binomial
// standard errors of p.
func checkP(t *testing.T, name string, got, p float64, n int) {
	t.Helper()
	se := math.Sqrt(p * (1 - p) / float64(n))
	assert.InDelta(t, p, got, kSE*se, "%s: want within %d SE (± %.4f, n=%d)", name, kSE, kSE*se, n)
}

func result(r *Results, id string) *ServiceResult {
	for i := range r.Services {
		if r.Services[i].ID == id {
			return &r.Services[i]
		}
	}
	return nil
}

func TestManualFailoverLognormalMean(t *testing.T) {
	// The failover control is down for good, so the failover is manual:
	// lognormal with median 6h and p95 14h. Downtime = one sample, whose
	// mean is exp(μ + σ²/2) with μ = ln 6h, σ = ln(14/6)/z₀.₉₅.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}]
  services:
    - {id: ctl, placement: {a: 1}}
    - id: s
      placement: {a: 10, b: 10}
      tooling: [ctl]
      redundancy: {mode: active-standby, failover: {auto: 5m, manual: {lognormal: {median: 6h, p95: 14h}}}}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: a}
`, "")
	n := statTrials(20000, 4000)
	r := runAll(t, c, n, 2)
	mu, sigma := math.Log(6*float64(h)), math.Log(14.0/6)/1.6448536269514722
	checkMean(t, "downtime", result(r, "s").Downtime, math.Exp(mu+sigma*sigma/2))
}

// upProb is P(up at t) of a repairable component starting up, with
// exponential failure rate l and repair rate m: a + b·e^{−kt}, k = l + m.
func integrals(l, m, H float64) (series, parallel float64) {
	k := l + m
	a, b := m/k, l/k
	e1, e2 := (1-math.Exp(-k*H))/k, (1-math.Exp(-2*k*H))/(2*k)
	// ∫ p² dt with p = a + b e^{−kt}; ∫ q² dt with q = b(1 − e^{−kt}).
	intP2 := a*a*H + 2*a*b*e1 + b*b*e2
	intQ2 := b * b * (H - 2*e1 + e2)
	return H - intP2, intQ2
}

func TestRepairableComponentsSeriesParallel(t *testing.T) {
	// Two independent components with exponential failures (mean 10h) and
	// repairs (mean 2h), unlimited crews. Over [0, H] from all up, one
	// component is down for E = ∫ q(t) dt with q = λ/k (1 − e^{−kt}); a
	// series system (needs both) for ∫ (1 − p²); a parallel one (any of
	// two) for ∫ q².
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: z}]
  services:
    - {id: c1, placement: {a: 1}, mtbf: {exponential: {mean: 10h}}, mttr: {exponential: {mean: 2h}}}
    - {id: c2, placement: {b: 1}, mtbf: {exponential: {mean: 10h}}, mttr: {exponential: {mean: 2h}}}
    - {id: series, placement: {z: 1}, depends_on: [c1, c2]}
    - {id: parallel, placement: {z: 1}, depends_on: [{any: [c1, c2]}]}
scenarios:
  - id: random
    horizon: 100h
    events:
      - {kind: random-failures}
`, "")
	n := statTrials(20000, 4000)
	r := runAll(t, c, n, 2)
	H := 100 * float64(h)
	l, m := 1/(10*float64(h)), 1/(2*float64(h))
	k := l + m
	single := l / k * (H - (1-math.Exp(-k*H))/k)
	series, parallel := integrals(l, m, H)
	checkMean(t, "c1", result(r, "c1").Downtime, single)
	checkMean(t, "c2", result(r, "c2").Downtime, single)
	checkMean(t, "series", result(r, "series").Downtime, series)
	checkMean(t, "parallel", result(r, "parallel").Downtime, parallel)
}

// markovDown integrates, with RK4, the expected time a two-component
// parallel system spends with both components failed over [0, H], for
// failure rate l per component and one repair crew of rate m: the chain
// 0 →(2l) 1 →(l) 2, 1 →(m) 0, 2 →(m) 1, started in 0.
func markovDown(l, m, H float64) float64 {
	p := [3]float64{1, 0, 0}
	deriv := func(p [3]float64) [3]float64 {
		return [3]float64{
			-2*l*p[0] + m*p[1],
			2*l*p[0] - (l+m)*p[1] + m*p[2],
			l*p[1] - m*p[2],
		}
	}
	const steps = 200000
	dt := H / steps
	var area float64
	for range steps {
		k1 := deriv(p)
		var q [3]float64
		for i := range q {
			q[i] = p[i] + dt/2*k1[i]
		}
		k2 := deriv(q)
		for i := range q {
			q[i] = p[i] + dt/2*k2[i]
		}
		k3 := deriv(q)
		for i := range q {
			q[i] = p[i] + dt*k3[i]
		}
		k4 := deriv(q)
		before := p[2]
		for i := range p {
			p[i] += dt / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
		area += dt * (before + p[2]) / 2
	}
	return area
}

func TestSharedRepairCrew(t *testing.T) {
	// Two components (failures mean 10h, repairs mean 5h) share one crew:
	// the classic shared-repair Markov chain. The parallel system is down
	// exactly while both are failed. Its steady state is
	// π₂ = 2(λ/μ)² / (1 + 2λ/μ + 2(λ/μ)²); over a finite horizon from all up
	// the expectation is the integral of P₂(t), computed here by RK4.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: z}]
  services:
    - {id: c1, placement: {a: 1}, mtbf: {exponential: {mean: 10h}}, mttr: {exponential: {mean: 5h}}}
    - {id: c2, placement: {b: 1}, mtbf: {exponential: {mean: 10h}}, mttr: {exponential: {mean: 5h}}}
    - {id: parallel, placement: {z: 1}, depends_on: [{any: [c1, c2]}]}
scenarios:
  - id: random
    horizon: 200h
    crews: 1
    events:
      - {kind: random-failures}
`, "")
	n := statTrials(10000, 3000)
	r := runAll(t, c, n, 2)
	H := 200 * float64(h)
	l, m := 1/(10*float64(h)), 1/(5*float64(h))
	want := markovDown(l, m, H)
	checkMean(t, "parallel", result(r, "parallel").Downtime, want)
	// Sanity of the RK4 integration (not of the simulator): over 200h the
	// time average sits just below the steady state, the chain starting
	// all up; the transient shifts it by about π₂/(λH) = 0.01.
	x := l / m
	pi2 := 2 * x * x / (1 + 2*x + 2*x*x)
	if d := pi2 - want/H; d < 0 || d > 2*pi2/(l*H) {
		t.Errorf("integrator: %.4f of the time, steady state %.4f", want/H, pi2)
	}
	// With unlimited crews the two are independent: less downtime.
	_, indep := integrals(l, m, H)
	if !(indep < want) {
		t.Errorf("independent repairs %.0f not below shared crew %.0f", indep, want)
	}
}

func TestAnyGroupKofN(t *testing.T) {
	// Three providers each fail for the whole horizon with probability
	// 0.3; dns needs 2 of them: P(affected) = 3p²(1−p) + p³ = 0.216. A
	// service that needs just 1 is affected with p³ = 0.027.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}]
  services:
    - {id: p1, placement: {a: 1}}
    - {id: p2, placement: {a: 1}}
    - {id: p3, placement: {a: 1}}
    - {id: dns2, placement: {a: 1}, depends_on: [{any: [p1, p2, p3], need: 2}]}
    - {id: dns1, placement: {a: 1}, depends_on: [{any: [p1, p2, p3], need: 1}]}
scenarios:
  - id: faults
    events:
      - {kind: service-fault, services: [p1], probability: 0.3, duration: 8d}
      - {kind: service-fault, services: [p2], probability: 0.3, duration: 8d}
      - {kind: service-fault, services: [p3], probability: 0.3, duration: 8d}
`, "")
	n := statTrials(20000, 5000)
	r := runAll(t, c, n, 2)
	p := 0.3
	checkP(t, "need 2", result(r, "dns2").PAffected, 3*p*p*(1-p)+p*p*p, n)
	checkP(t, "need 1", result(r, "dns1").PAffected, p*p*p, n)
	checkP(t, "p1", result(r, "p1").PAffected, p, n)
}

func TestDataLossBackupMean(t *testing.T) {
	// An offsite backup every 24h loses ⌊U·24h⌋ with U uniform: mean 12h,
	// standard deviation 24h/√12.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}]
  services:
    - {id: s, placement: {a: 1}, data: {replication: none, backup: {every: 24h, offsite: true}}}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: a, destroys_data: 0.5}
`, "")
	n := statTrials(20000, 4000)
	r := runAll(t, c, n, 2)
	// Half of the trials destroy data (mean 12h), the others lose 0.
	checkMean(t, "data loss", result(r, "s").DataLoss, 0.5*12*float64(h))
}

func kakao(t testing.TB) *graph.File {
	t.Helper()
	f, err := graph.LoadFS(scenarios.FS, scenarios.Path(scenarios.Default))
	require.NoError(t, err)
	return f
}

func TestWorkersDoNotChangeResults(t *testing.T) {
	f := kakao(t)
	c, err := graph.Compile(f.Scenarios[0])
	require.NoError(t, err)
	var outs []string
	for _, w := range []int{1, 2, 5} {
		b, err := json.Marshal(runAll(t, c, 500, w))
		require.NoError(t, err)
		outs = append(outs, string(b))
	}
	if outs[0] != outs[1] || outs[0] != outs[2] {
		t.Error("results differ with the worker count")
	}
}

func TestTrialReplaysAlone(t *testing.T) {
	// A trial run after others on a reused Trial equals the same trial run
	// first on a fresh one.
	f := kakao(t)
	c, _ := graph.Compile(f.Scenarios[0])
	grid := Grid(c.Horizon, 20)
	reused := NewTrial(c, grid)
	for k := range 30 {
		got := snapshot(reused.Run(1, k))
		want := snapshot(NewTrial(c, grid).Run(1, k))
		if got != want {
			t.Fatalf("trial %d differs when replayed alone", k)
		}
	}
}

func snapshot(o *Outcome) string {
	b, _ := json.Marshal(o)
	return string(b)
}

func TestUnrelatedServiceKeepsDraws(t *testing.T) {
	// Common random numbers: adding a service that nothing depends on, on
	// its own site, leaves every other service's outcome unchanged, trial
	// by trial.
	f := kakao(t)
	base, _ := graph.Compile(f.Scenarios[0])
	sc := *f.Scenarios[0]
	p := *sc.Platform
	p.Sites = append(append([]*graph.Site(nil), p.Sites...), &graph.Site{ID: "zz-extra"})
	extra := *p.Services[0]
	extra.ID = "zz-unrelated"
	extra.Placement = []graph.Placement{{Site: "zz-extra", Servers: 3}}
	extra.DependsOn, extra.StartNeeds, extra.Tooling = nil, nil, nil
	extra.Redundancy = graph.Redundancy{Mode: graph.Single, Quorum: 1, Primary: "zz-extra"}
	extra.MTBF = &graph.Dist{Kind: graph.Exponential, A: float64(10 * h)}
	extra.MTTR = &graph.Dist{Kind: graph.Exponential, A: float64(h)}
	p.Services = append(append([]*graph.Service(nil), p.Services...), &extra)
	sc.Platform = &p
	more, err := graph.Compile(&sc)
	require.NoError(t, err)
	a, b := NewTrial(base, nil), NewTrial(more, nil)
	for k := range 50 {
		x, y := a.Run(1, k), b.Run(1, k)
		for s := range base.Services {
			if x.Downtime[s] != y.Downtime[s] || x.FirstDown[s] != y.FirstDown[s] || x.LastUp[s] != y.LastUp[s] || x.DataLoss[s] != y.DataLoss[s] {
				t.Fatalf("trial %d: service %s changed when an unrelated service was added", k, base.Services[s].ID)
			}
		}
	}
	require.Contains(t, more.Services[len(more.Services)-1].ID, "unrelated", "extra service not compiled")
}

func TestDividerExact(t *testing.T) {
	// Exhaustive near multiples of d and at the ends of the range, for
	// divisors small, odd, powers of two and huge.
	for _, d := range []int64{1, 2, 3, 7, 1 << 20, 7_200_000, 1_000_003, 1<<62 + 1, math.MaxInt64} {
		v := newDivider(d)
		check := func(n int64) {
			if n < 0 {
				return
			}
			require.Equal(t, n/d, v.div(n), "%d / %d", n, d)
		}
		for k := int64(0); k < 1000; k++ {
			// k·d may overflow for large d: check skips what turns negative.
			for _, n := range []int64{k * d, k*d - 1, k*d + 1, math.MaxInt64 - k, k} {
				check(n)
			}
		}
		rng := rand.New(rand.NewPCG(uint64(d), 3))
		for range 100_000 {
			check(rng.Int64())
			check(rng.Int64N(1 << 33))
		}
	}
}
