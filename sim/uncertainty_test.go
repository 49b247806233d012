package sim

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// A Latin hypercube puts each input's n draws one in each of its n equally
// likely slices, pairs the inputs at random, and depends on nothing but the
// seed, n, the draw and the input's path.
func TestLatinHypercube(t *testing.T) {
	const n = 50
	in := closedInputs
	width := make([]float64, len(in))
	for k := range in {
		width[k] = (in[k].High - in[k].Low) / n
	}
	seen := make([][]bool, len(in))
	for k := range seen {
		seen[k] = make([]bool, n)
	}
	var first []float64
	for j := range n {
		v := LatinHypercube(in, 3, n, j)
		if j == 0 {
			first = v
		}
		for k := range in {
			slice := int((v[k] - in[k].Low) / width[k])
			require.True(t, slice >= 0 && slice < n, "input %d draw %d: %g outside the range", k, j, v[k])
			assert.False(t, seen[k][slice], "input %d: two draws in slice %d", k, slice)
			seen[k][slice] = true
		}
	}
	assert.Equal(t, first, LatinHypercube(in, 3, n, 0), "same seed, same draw")
	assert.NotEqual(t, first, LatinHypercube(in, 4, n, 0), "another seed, another draw")
	// An input's draws do not depend on the other inputs.
	alone := LatinHypercube(in[1:], 3, n, 0)
	assert.Equal(t, first[1], alone[0])
	// The two inputs are not paired slice for slice.
	same := 0
	for j := range n {
		v := LatinHypercube(in, 3, n, j)
		if int((v[0]-in[0].Low)/width[0]) == int((v[1]-in[1].Low)/width[1]) {
			same++
		}
	}
	assert.Less(t, same, n/5)
}

// The closed form of docs/model.md §14: x's restart uniform over [1h, 3h]
// and one stop at t = 0 give full recovery times spread uniformly over
// [1h, 3h], so the band over the outer draws is 1h…3h with its 5th and 95th
// percentiles at 1.1h and 2.9h. With a Latin hypercube the k-th smallest of
// n draws lies in [1h + 2h·(k−1)/n, 1h + 2h·k/n): each percentile, read at
// rank q·n + ½, is exact to one slice, 2h/n.
func TestUncertaintyClosedForm(t *testing.T) {
	const n = 40
	slice := 2.0 / n // hours
	build := closedBuild(t)
	draws, err := RunDraws(context.Background(), closedInputs, build, n, 0, n, Options{Trials: 3, Seed: 1, Workers: 2})
	require.NoError(t, err)
	u := Summarise(UncertainInputs(closedInputs), draws, n, 3, false)
	require.Equal(t, "full_recovery_ms", u.Metrics[0].Metric)
	hours := func(ms float64) float64 { return ms / float64(graph.Hour) }
	fr := u.Metrics[0]
	assert.InDelta(t, 1.1, hours(fr.P5), slice)
	assert.InDelta(t, 2.9, hours(fr.P95), slice)
	assert.InDelta(t, 2.0, hours(fr.Mean), slice/2)
	assert.GreaterOrEqual(t, hours(fr.Min), 1.0)
	assert.Less(t, hours(fr.Min), 1+slice)
	assert.LessOrEqual(t, hours(fr.Max), 3.0)
	assert.Greater(t, hours(fr.Max), 3-slice)
	assert.Zero(t, fr.Censored)
	// User-hours: 1,000 users × the downtime, + 10 × y's.
	uh := u.Metrics[2]
	require.Equal(t, "user_hours", uh.Metric)
	assert.InDelta(t, 1000*1.1, uh.P5, 1000*slice+10*(1.0/6))
	// The curve band: users served at 2h is y's 10 of 1,010 for draws
	// with a restart of x above 2h (half of them), and all for the others.
	require.Len(t, u.Curve.UsersServed.Mean, GridPoints+1)
	at2h := int(2 * graph.Hour * GridPoints / graph.Day)
	assert.InDelta(t, 10.0/1010, u.Curve.UsersServed.P5[at2h], 1e-8) // the curve is rounded to 8 decimals
	assert.Greater(t, u.Curve.UsersServed.P95[at2h], 0.98)
	assert.InDelta(t, 0.5, u.Curve.UsersServed.Mean[at2h], 0.05)

	// Draws run in slices (shards) give the same draws.
	var parts []Draw
	for _, r := range [][2]int{{0, 13}, {13, 13}, {13, 40}} {
		d, err := RunDraws(context.Background(), closedInputs, build, n, r[0], r[1]-r[0], Options{Trials: 3, Seed: 1, Workers: 1})
		require.NoError(t, err)
		parts = append(parts, d...)
	}
	assert.Equal(t, draws, parts)
}

// spreadOf's percentiles interpolate between order statistics at rank
// q·n + ½, clamped to the extremes.
func TestSpreadOf(t *testing.T) {
	xs := make([]float64, 100)
	for i := range xs {
		xs[i] = float64(100 - i) // 100 … 1, unsorted
	}
	s := spreadOf(xs)
	assert.Equal(t, Spread{Mean: 50.5, P5: 5.5, P95: 95.5, Min: 1, Max: 100}, s)
	assert.Equal(t, 100.0, xs[0], "not sorted in place")
	one := spreadOf([]float64{7})
	assert.Equal(t, Spread{Mean: 7, P5: 7, P95: 7, Min: 7, Max: 7}, one)
	three := spreadOf([]float64{3, 1, 2})
	assert.Equal(t, 1.0, three.P5)
	assert.Equal(t, 3.0, three.P95)
	assert.True(t, slices.IsSorted([]float64{three.Min, three.P5, three.Mean, three.P95, three.Max}))
	assert.False(t, math.IsNaN(three.Mean))
}
