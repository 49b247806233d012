package sim

import (
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStatBatchesExact checks that a stat folds its batches into exactly
// the count, sums, extremes and histogram of its values one by one, with
// values above the histogram's highest clipped in the histogram only,
// whether it flushes itself (add) or is flushed at any point (push).
func TestStatBatchesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const high = 1_000_000
	for round := range 20 {
		s := newStat(high)
		want := newHist(high)
		var n, zeros int64
		lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
		sum, sq := new(big.Int), new(big.Int)
		for range rng.IntN(3 * pendCap) {
			var v int64
			switch rng.IntN(6) {
			case 0:
				v = 0
			case 1:
				v = high + 1 + rng.Int64N(1<<40)
			case 2:
				v = 1<<62 + rng.Int64N(1<<62) // 16 squares overflow 128 bits
			default:
				v = 1 + rng.Int64N(high)
			}
			if round%2 == 0 {
				s.add(v, nil)
			} else {
				s.push(v)
				if len(s.pend) == pendCap || rng.IntN(50) == 0 {
					s.flush(nil)
				}
			}
			n++
			lo, hi = min(lo, v), max(hi, v)
			if v == 0 {
				zeros++
				continue
			}
			want.recordAll([]int64{min(v, high)}, nil)
			sum.Add(sum, big.NewInt(v))
			x := big.NewInt(v)
			sq.Add(sq, x.Mul(x, x))
		}
		s.flush(nil)
		require.Equal(t, n, s.n, "round %d: n", round)
		require.Equal(t, zeros, s.zeros(), "round %d: zeros", round)
		require.Zero(t, u128(s.sumHi, s.sumLo).Cmp(sum), "round %d: sums differ", round)
		require.Zero(t, u192(s.sqTop, s.sqHi, s.sqLo).Cmp(sq), "round %d: sums of squares differ", round)
		if n > 0 {
			require.Equal(t, lo, s.min, "round %d: min", round)
			require.Equal(t, hi, s.max, "round %d: max", round)
		}
		if n > zeros {
			require.Equal(t, want.flat(), s.hist.flat(), "round %d: histogram differs", round)
			require.Equal(t, want.total, s.hist.total, "round %d: histogram total differs", round)
		}
	}
}

// TestStatHugeValuesCI checks the mean and confidence interval of values
// near 2^62, whose squares overflow 128 bits after 16 of them: k values a
// and k values b = a + d have mean a + d/2 and sample variance
// n/(n−1)·(d/2)², n = 2k.
func TestStatHugeValuesCI(t *testing.T) {
	const (
		k = 64
		n = 2 * k
		a = int64(1) << 62
		d = int64(1) << 40
	)
	for _, merged := range []bool{false, true} {
		s, o := newStat(1<<62), newStat(1<<62)
		for range k {
			s.add(a, nil)
			o.add(a+d, nil)
		}
		if merged {
			s.merge(&o)
		} else {
			for range k {
				s.add(a+d, nil)
			}
		}
		got := s.summary(1)
		half := TFactor(n) * math.Sqrt(float64(n)/float64(n-1)*math.Pow(float64(d)/2, 2)/n)
		mean := float64(a) + float64(d)/2
		// The bounds are mean ∓ half rounded to the float64 spacing near
		// 2^62 (1024): within one spacing of the exact ones.
		ulp := math.Nextafter(mean, math.Inf(1)) - mean
		assert.Equal(t, mean, got.Mean, "merged %v", merged)
		assert.InDelta(t, mean-half, got.CI95[0], ulp, "merged %v: lower bound", merged)
		assert.InDelta(t, mean+half, got.CI95[1], ulp, "merged %v: upper bound", merged)
	}
}

// The 95% CI of a mean uses Student's t with n − 1 degrees of freedom,
// exactly: from 2 values 0 and 2 (mean 1, s = √2) the half-width is
// t(0.975, 1)·s/√2 = 12.7062…, not 1.96. Below 2 values there is none.
func TestSummaryCIIsStudentsT(t *testing.T) {
	two := newStat(10)
	two.add(0, nil)
	two.add(2, nil)
	s := two.summary(1)
	const t1 = 12.706204736174705 // t(0.975, 1 df) = tan(0.475π)
	assert.False(t, s.NoCI)
	assert.InDelta(t, 1-t1, s.CI95[0], 1e-9)
	assert.InDelta(t, 1+t1, s.CI95[1], 1e-9)
	assert.InDelta(t, math.Tan(0.475*math.Pi), t1, 1e-12)

	// Five values 1..5: mean 3, s² = 2.5; t(0.975, 4) = 2.7764451051977934.
	five := newStat(10)
	for v := int64(1); v <= 5; v++ {
		five.add(v, nil)
	}
	s = five.summary(1)
	half := 2.7764451051977934 * math.Sqrt(2.5/5)
	assert.InDelta(t, 3-half, s.CI95[0], 1e-9)
	assert.InDelta(t, 3+half, s.CI95[1], 1e-9)

	one := newStat(10)
	one.add(7, nil)
	s = one.summary(1)
	assert.True(t, s.NoCI)
	assert.Equal(t, 7.0, s.Mean)
	js, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{"mean": 7, "ci95": null, "p50": 7, "p90": 7, "p99": 7}`, string(js))
	var back Summary
	require.NoError(t, json.Unmarshal(js, &back))
	assert.Equal(t, s, back)
	empty := newStat(10)
	assert.True(t, empty.summary(1).NoCI)

	// A paired difference too: 3 differences −1, 0, 1 → s = 1, t(0.975, 2).
	var d diffStat
	for _, v := range []int64{-1, 0, 1} {
		d.add(v)
	}
	df := d.diff(1)
	assert.InDelta(t, 4.302652729749464/math.Sqrt(3), df.CI95[1], 1e-9)
	var d1 diffStat
	d1.add(5)
	assert.Equal(t, Diff{Mean: 5, NoCI: true}, d1.diff(1))
	js, err = json.Marshal(d1.diff(1))
	require.NoError(t, err)
	assert.JSONEq(t, `{"mean": 5, "ci95": null}`, string(js))
}

// TestPushTimesAsSeparateStats checks that recording an affected
// service's downtime, recovery and restored times once per distinct value
// (pushTimes, with Add's inline case) and settling the joint stats gives
// each time's stat exactly what recording it on its own gives: every
// pattern of equal and zero times, in rounds that each end with a settle
// (joint stats emptied and reused), and after Merge.
func TestPushTimesAsSeparateStats(t *testing.T) {
	const H = 1000
	vals := []int64{0, 5, 7, 900}
	acc, other := newSvcAcc(H), newSvcAcc(H)
	var down, rec, rest stat = newStat(H), newStat(H), newStat(H)
	for round := range 3 {
		for _, d := range vals {
			for _, r := range vals {
				for _, x := range vals {
					a := &acc
					if round == 1 {
						a = &other // merged into acc below
					}
					switch {
					case d == r && x == r && d != 0:
						a.joint[jointAll].push(r)
					case x == r && d != 0:
						a.joint[jointRecRest].push(r)
						a.down.push(d)
					default:
						a.pushTimes(d, r, x)
					}
					if d != 0 {
						down.push(d)
					}
					rec.push(r)
					rest.push(x)
				}
			}
		}
		acc.settle()
		if round == 1 {
			acc.merge(&other)
			for i := range other.joint {
				require.Zero(t, other.joint[i].n, "merged joint %d not emptied", i)
			}
		}
		for i := range acc.joint {
			require.Zero(t, acc.joint[i].n, "round %d: joint %d not emptied", round, i)
		}
		for _, c := range []struct {
			name      string
			got, want *stat
		}{{"downtime", &acc.down, &down}, {"recovery", &acc.recovery, &rec}, {"restored", &acc.restored, &rest}} {
			g, err := c.got.state()
			require.NoError(t, err)
			w, err := c.want.state()
			require.NoError(t, err)
			assert.Equal(t, w, g, "round %d: %s", round, c.name)
		}
	}
}

// TestCurveRunsAsPoints checks that adding recovery curves a run of equal
// points at a time, as differences along the grid, gives each grid
// point's sums and bins exactly as adding them point by point: runs at
// either end, runs of one point, a flat curve, with the aggregate read
// (settled) and added to again, and merged with another.
func TestCurveRunsAsPoints(t *testing.T) {
	c := compile(t, seriesParallel20, "")
	grid := Grid(c.Horizon, 6)
	tr := NewTrial(c, grid)
	ns := int32(len(c.Services))
	curves := [][]int32{
		{0, 0, 0, 0, 0, 0, 0}, {ns, ns, ns, ns, ns, ns, ns}, {0, 1, 2, 3, 4, 5, 6},
		{3, 3, 1, 1, 1, 2, 2}, {1, 2, 2, 2, 2, 2, 5}, {ns, 0, ns, 0, ns, 0, ns},
	}
	users := [][]int64{
		{0, 0, 0, 0, 0, 0, 0}, {1e9, 1e9, 1e9, 1e9, 1e9, 1e9, 1e9}, {0, 0, 1e9, 1e9, 2e8, 2e8, 2e8},
		{5e8, 5e8, 5e8, 5e8, 5e8, 5e8, 499_999}, {1, 2, 3, 3, 3, 3, 3}, {1e9, 1e9, 0, 0, 0, 0, 1e9},
	}
	a, b := NewAggregator(c, grid), NewAggregator(c, grid)
	upSum, usersSum := make([]int64, len(grid)), make([]int64, len(grid))
	upBins, userBins := make([][curveBins]int64, len(grid)), make([][curveBins]int64, len(grid))
	k := 0
	for round := range 3 {
		for _, up := range curves {
			for _, us := range users {
				o := tr.Run(1, k)
				k++
				copy(o.CurveUp, up)
				copy(o.CurveUsers, us)
				if round == 1 {
					b.Add(o)
				} else {
					a.Add(o)
				}
				for i := range grid {
					upSum[i] += int64(up[i])
					usersSum[i] += us[i]
					upBins[i][(int64(up[i])*1000+int64(ns)/2)/int64(ns)]++
					userBins[i][min(max((us[i]+500_000)/1_000_000, 0), 1000)]++
				}
			}
		}
		if round == 1 {
			a.Merge(b)
		} else {
			a.settle()
		}
		require.False(t, a.curveDiff, "round %d: settled", round)
		assert.Equal(t, upSum, a.curveUpSum, "round %d: services up sums", round)
		assert.Equal(t, usersSum, a.curveUsersSum, "round %d: users served sums", round)
		assert.Equal(t, upBins, a.curveUpBins, "round %d: services up bins", round)
		assert.Equal(t, userBins, a.curveUserBins, "round %d: users served bins", round)
	}
}

// TestStatFoldNarrowAndWide checks fold's sums at the edge of its narrow
// path: full batches of values just below 2^32, whose squares' sum carries
// out of 64 bits at every value, and batches with one value of 2^32, which
// take the wide path.
func TestStatFoldNarrowAndWide(t *testing.T) {
	for _, last := range []int64{1<<32 - 1, 1 << 32} {
		s := newStat(1 << 40)
		sum, sq := new(big.Int), new(big.Int)
		for i := range 3 * pendCap {
			v := int64(1<<32 - 1 - i%7)
			if i%pendCap == pendCap-1 {
				v = last
			}
			s.add(v, nil)
			sum.Add(sum, big.NewInt(v))
			x := big.NewInt(v)
			sq.Add(sq, x.Mul(x, x))
		}
		s.flush(nil)
		assert.Zero(t, u128(s.sumHi, s.sumLo).Cmp(sum), "last %d: sums differ", last)
		assert.Zero(t, u192(s.sqTop, s.sqHi, s.sqLo).Cmp(sq), "last %d: sums of squares differ", last)
		assert.Equal(t, int64(1<<32-1-6), s.min, "last %d: min", last)
		assert.Equal(t, max(last, 1<<32-1), s.max, "last %d: max", last)
	}
}
