package sim

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// binomTail returns P(X ≥ k) for X ~ Binomial(n, p), summed exactly.
func binomTail(k, n int64, p float64) float64 {
	var s float64
	for i := k; i <= n; i++ {
		lg, _ := math.Lgamma(float64(n + 1))
		a, _ := math.Lgamma(float64(i + 1))
		b, _ := math.Lgamma(float64(n - i + 1))
		s += math.Exp(lg - a - b + float64(i)*math.Log(p) + float64(n-i)*math.Log1p(-p))
	}
	return s
}

func TestClopperPearsonClosedForms(t *testing.T) {
	for _, n := range []int64{1, 10, 71, 72, 1000, 10000} {
		ci := ClopperPearson(0, n)
		assert.Equal(t, 0.0, ci[0], "n=%d", n)
		assert.InDelta(t, 1-math.Pow(0.025, 1/float64(n)), ci[1], 1e-12, "no breach in n=%d: upper = 1 − 0.025^(1/n)", n)
		ci = ClopperPearson(n, n)
		assert.InDelta(t, math.Pow(0.025, 1/float64(n)), ci[0], 1e-12, "all breached in n=%d: lower = 0.025^(1/n)", n)
		assert.Equal(t, 1.0, ci[1])
	}
	// In between, each bound solves its binomial tail equation:
	// P(X ≥ k | lo) = 0.025 and P(X ≤ k | hi) = 0.025.
	for _, kn := range [][2]int64{{1, 20}, {3, 20}, {17, 20}, {50, 1000}} {
		k, n := kn[0], kn[1]
		ci := ClopperPearson(k, n)
		assert.InDelta(t, 0.025, binomTail(k, n, ci[0]), 1e-9, "k=%d n=%d lower", k, n)
		assert.InDelta(t, 0.025, 1-binomTail(k+1, n, ci[1]), 1e-9, "k=%d n=%d upper", k, n)
	}
	assert.Equal(t, [2]float64{0, 1}, ClopperPearson(0, 0))
}

func TestVerdictTrialsNeeded(t *testing.T) {
	// No breach in n trials shows P(breach) ≤ 5% (compliance 0.95) once
	// 1 − 0.025^(1/n) ≤ 0.05, i.e. n ≥ ln 0.025 / ln 0.95 = 71.92: 72.
	assert.Equal(t, CannotTell, Verdict(0, 71, 0.95))
	assert.Equal(t, Meets, Verdict(0, 72, 0.95))
	// At 0.99, n ≥ ln 0.025 / ln 0.99 = 367.04: 368.
	assert.Equal(t, CannotTell, Verdict(0, 367, 0.99))
	assert.Equal(t, Meets, Verdict(0, 368, 0.99))
	// Every trial breached: misses as soon as 0.025^(1/n) > 0.05, n ≥ 2.
	assert.Equal(t, CannotTell, Verdict(1, 1, 0.95))
	assert.Equal(t, Misses, Verdict(2, 2, 0.95))
	// 5% breached exactly: the interval straddles 5% whatever n.
	assert.Equal(t, CannotTell, Verdict(500, 10000, 0.95))
	// 4% of 10,000: upper bound 4.40% < 5%; 6%: lower bound 5.54% > 5%.
	assert.Equal(t, Meets, Verdict(400, 10000, 0.95))
	assert.Equal(t, Misses, Verdict(600, 10000, 0.95))
}

func TestComplianceOf(t *testing.T) {
	ms := func(v int64) *int64 { return &v }
	r := &Results{Trials: 100, Services: []ServiceResult{
		{ID: "web", Priority: 2, RTOMs: ms(3600000), PRTOBreach: 0.5},
		{ID: "db", Priority: 1, RTOMs: ms(60000), RPOMs: ms(0), PRTOBreach: 0, PRPOBreach: 0.03,
			DataLoss: Summary{P90: 1234}, Downtime: Summary{P90: 42}},
		{ID: "cache", Priority: 1},
		{ID: "auth", Priority: 1, RTOMs: ms(60000), PUnrecovered: 0.01},
	}}
	require.Nil(t, ComplianceOf(&Results{Trials: 10, Services: []ServiceResult{{ID: "x"}}}, 0), "no target, no compliance")
	c := ComplianceOf(r, 0)
	require.NotNil(t, c)
	assert.Equal(t, DefaultCompliance, c.Confidence)
	var got [][3]string
	for _, x := range c.Rows {
		got = append(got, [3]string{x.Service, x.Target, x.Verdict})
	}
	assert.Equal(t, [][3]string{
		{"auth", "rto", CannotTell}, // 0 breaches in 100 would meet, but a service still down makes it a lower bound
		{"db", "rto", Meets},
		{"db", "rpo", CannotTell}, // 3 of 100: [0.62%, 8.52%] straddles 5%
		{"web", "rto", Misses},
	}, got)
	db := c.Rows[1]
	assert.Equal(t, int64(0), db.Breaches)
	assert.Equal(t, int64(100), db.Trials)
	assert.Equal(t, 42.0, db.P90Ms)
	assert.Equal(t, "downtime_ms", db.Measured)
	assert.Equal(t, int64(3), c.Rows[2].Breaches)
	assert.Equal(t, 1234.0, c.Rows[2].P90Ms)
	assert.True(t, c.Rows[0].LowerBound)
	assert.Equal(t, 0.9, ComplianceOf(r, 0.9).Confidence)
}
