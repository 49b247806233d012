package sim

import (
	"math"
	"math/big"
	"math/bits"
)

// histDigits is the HdrHistogram precision: 2 significant digits keep a
// quantile within 1% of the truth with 1 KB per power of two the values
// fall in (23 KB for all of a week), allocated only as values come.
const histDigits = 2

// stat accumulates a non-negative int64 metric over trials exactly: count,
// 128-bit sum, 192-bit sum of squares, min, max, and a log-scale histogram
// of the values above 0 (the zeros are the rest of the count). Merging two
// stats is exact and does not depend on order, so results do not depend on
// how trials were split.
//
// The sums cannot overflow: a value is below 2^63 and a run has at most
// 2^30 trials (graph.MaxTrials), so the sum is below 2^93 and the sum of
// squares below 2^156.
type stat struct {
	// push writes only pend's length and n, in the first 32 bytes: the sums
	// and extremes are folded in at flush, a batch at a time, where they
	// stay in registers instead of being loaded and stored for every value.
	//
	// pend holds values not yet folded in or in hist: recording them in
	// batches keeps each histogram's counts in cache for a while, which
	// matters when a trial records into thousands of histograms.
	pend        []int64
	n           int64
	sumLo, sqLo uint64
	min, max    int64

	sumHi, sqHi uint64
	// sqTop is the top 64 bits of the sum of squares: 16 values near 2^62
	// (a trial's money lost may be that large) overflow 128 bits. It takes
	// the place of a count of zeros, which zeros derives.
	sqTop uint64
	high  int64 // histogram's highest trackable value
	hist  hist  // rows nil until a value above 0 is recorded
}

// pendCap is how many values a stat buffers before recording them: enough
// that the histogram lines a service's values fall in stay in cache for
// most of the batch.
const pendCap = 256

// addZeros adds k zero values.
func (s *stat) addZeros(k int64) {
	if k > 0 {
		s.n += k
		s.min = 0
	}
}

// zeros returns how many of the values are 0: every value is either 0,
// pending, or in the histogram.
func (s *stat) zeros() int64 { return s.n - int64(len(s.pend)) - s.hist.total }

// flush folds the pending values into the sums, extremes and histogram,
// taking histogram rows from rs (nil: allocating each). Whatever reads
// more of a stat than n and zeros flushes it first.
func (s *stat) flush(rs *rowSlab) {
	if len(s.pend) == 0 {
		return
	}
	s.fold(s.pend)
	if s.max > s.high {
		for i, v := range s.pend {
			s.pend[i] = min(v, s.high)
		}
	}
	if s.hist.rows == nil {
		s.hist = newHist(s.high)
	}
	s.hist.recordAll(s.pend, rs)
	s.pend = s.pend[:0]
}

// fold adds vs, all above 0, to the sums and extremes. Values below
// 2^32 (an hour is 2^21.8 ms, seven weeks 2^31.5) have squares that fit
// 64 bits: the batch's sums then take two words and a count of carries,
// without the 128-bit products that values from 2^32 need (foldWide).
func (s *stat) fold(vs []int64) {
	var sum, sq, sqCarry, or uint64
	lo, hi := s.min, s.max
	for _, v := range vs {
		u := uint64(v)
		or |= u
		sum += u // below 2^64: fewer than 2^32 values below 2^32
		var c uint64
		sq, c = bits.Add64(sq, u*u, 0)
		sqCarry += c
		lo, hi = min(lo, v), max(hi, v)
	}
	if or>>32 != 0 {
		s.foldWide(vs)
		return
	}
	var c uint64
	s.sumLo, c = bits.Add64(s.sumLo, sum, 0)
	s.sumHi += c
	s.sqLo, c = bits.Add64(s.sqLo, sq, 0)
	s.sqHi, c = bits.Add64(s.sqHi, sqCarry, c)
	s.sqTop += c
	s.min, s.max = lo, hi
}

// foldWide is fold for values of any size.
func (s *stat) foldWide(vs []int64) {
	sumLo, sumHi, sqLo, sqHi, sqTop := s.sumLo, s.sumHi, s.sqLo, s.sqHi, s.sqTop
	lo, hi := s.min, s.max
	for _, v := range vs {
		var c uint64
		sumLo, c = bits.Add64(sumLo, uint64(v), 0)
		sumHi += c
		h, l := bits.Mul64(uint64(v), uint64(v))
		sqLo, c = bits.Add64(sqLo, l, 0)
		sqHi, c = bits.Add64(sqHi, h, c)
		sqTop += c
		lo, hi = min(lo, v), max(hi, v)
	}
	s.sumLo, s.sumHi, s.sqLo, s.sqHi, s.sqTop = sumLo, sumHi, sqLo, sqHi, sqTop
	s.min, s.max = lo, hi
}

// addBatch records vs, all above 0, at once: push of each, then flush,
// without the pending values. It may change vs.
func (s *stat) addBatch(vs []int64, rs *rowSlab) {
	s.n += int64(len(vs))
	s.fold(vs)
	if s.max > s.high {
		for i, v := range vs {
			vs[i] = min(v, s.high)
		}
	}
	if s.hist.rows == nil {
		s.hist = newHist(s.high)
	}
	s.hist.recordAll(vs, rs)
}

func newStat(high int64) stat { return stat{high: max(high, 2), min: math.MaxInt64} }

// push records v. It is add without the flush, small enough to inline:
// Add pushes thousands of values a trial and flushes each stat before
// pendCap values are pending (beyond that pend would grow). pend grows as
// values come, so a stat that gets few keeps a short one.
func (s *stat) push(v int64) {
	if v <= 0 {
		if v < 0 {
			panic("sim: negative metric")
		}
		// Most services are untouched in most trials: keep zeros cheap.
		s.addZeros(1)
		return
	}
	s.pend = append(s.pend, v)
	s.n++
}

// add records v; the histogram rows it needs come from rs (nil: allocated
// each).
func (s *stat) add(v int64, rs *rowSlab) {
	s.push(v)
	if len(s.pend) >= pendCap {
		s.flush(rs)
	}
}

func (s *stat) merge(o *stat) {
	if o.n == 0 {
		return
	}
	o.flush(nil)
	s.flush(nil)
	s.n += o.n
	var c uint64
	s.sumLo, c = bits.Add64(s.sumLo, o.sumLo, 0)
	s.sumHi += o.sumHi + c
	s.sqLo, c = bits.Add64(s.sqLo, o.sqLo, 0)
	s.sqHi, c = bits.Add64(s.sqHi, o.sqHi, c)
	s.sqTop += o.sqTop + c
	s.min = min(s.min, o.min)
	s.max = max(s.max, o.max)
	if o.hist.rows != nil {
		if s.hist.rows == nil {
			s.hist = newHist(s.high)
		}
		s.hist.add(&o.hist, nil)
	}
}

// reset empties s, keeping its histogram's rows (cleared) for the values
// to come.
func (s *stat) reset() {
	for _, row := range s.hist.rows {
		if row != nil {
			*row = [subHalf]int64{}
		}
	}
	*s = stat{pend: s.pend[:0], min: math.MaxInt64, high: s.high, hist: hist{rows: s.hist.rows}}
}

func u128(hi, lo uint64) *big.Int { return u192(0, hi, lo) }

func u192(top, hi, lo uint64) *big.Int {
	x := new(big.Int).SetUint64(top)
	x.Lsh(x, 64)
	x.Or(x, new(big.Int).SetUint64(hi))
	x.Lsh(x, 64)
	return x.Or(x, new(big.Int).SetUint64(lo))
}

// Summary is a metric's mean with its 95% confidence interval and quantiles
// (docs/model.md §8). The interval is mean ± t·s/√n with the sample standard
// deviation and t Student's 0.975 quantile (TFactor); quantiles come from
// the histogram, within 1%, and are exact at the observed minimum and
// maximum.
type Summary struct {
	Mean float64    `json:"mean"`
	CI95 [2]float64 `json:"ci95"`
	P50  float64    `json:"p50"`
	P90  float64    `json:"p90"`
	P99  float64    `json:"p99"`
	// NoCI says there is no interval: fewer than 2 trials. CI95 is then
	// zero, and JSON has "ci95": null.
	NoCI bool `json:"-"`
	// Censored is the share of the trials summarised whose value was cut
	// by the horizon (the service, or some service, still down at it):
	// their values are lower bounds. CensoredFrom is the smallest of them.
	// When Censored > 0 the mean is a lower bound, and so is every
	// quantile at or above CensoredFrom (LowerBound); a quantile below it
	// is exact. 0 and 0 when nothing was cut.
	Censored     float64 `json:"censored,omitempty"`
	CensoredFrom float64 `json:"censored_from,omitempty"`
}

// censor marks s as censored in k of its n trials, the smallest censored
// value being least (in units of unit).
func (s Summary) censor(k, n, least int64, unit float64) Summary {
	if k > 0 && n > 0 {
		s.Censored = float64(k) / float64(n)
		s.CensoredFrom = float64(least) / unit
	}
	return s
}

// MeanLowerBound reports whether the mean is only a lower bound, because
// of trials cut by the horizon.
func (s Summary) MeanLowerBound() bool { return s.Censored > 0 }

// LowerBound reports whether v, one of the summary's quantiles, is only a
// lower bound: some trial at or below it was cut by the horizon.
func (s Summary) LowerBound(v float64) bool { return s.Censored > 0 && v >= s.CensoredFrom }

// summary returns the statistics scaled by unit (values are divided by it).
func (s *stat) summary(unit float64) Summary {
	if s.n == 0 {
		return Summary{NoCI: true}
	}
	s.flush(nil)
	n := big.NewInt(s.n)
	sum := u128(s.sumHi, s.sumLo)
	mean, _ := new(big.Rat).SetFrac(sum, n).Float64()
	var half float64
	if s.n > 1 {
		// s² = (n·Σx² − (Σx)²) / (n(n−1)), exactly.
		num := new(big.Int).Mul(n, u192(s.sqTop, s.sqHi, s.sqLo))
		num.Sub(num, new(big.Int).Mul(sum, sum))
		den := new(big.Int).Mul(n, big.NewInt(s.n-1))
		v, _ := new(big.Rat).SetFrac(num, den).Float64()
		half = TFactor(s.n) * math.Sqrt(max(v, 0)/float64(s.n))
	}
	ci := [2]float64{(mean - half) / unit, (mean + half) / unit}
	if s.n < 2 {
		ci = [2]float64{}
	}
	return Summary{
		Mean: mean / unit,
		CI95: ci,
		NoCI: s.n < 2,
		P50:  float64(s.quantile(0.50)) / unit,
		P90:  float64(s.quantile(0.90)) / unit,
		P99:  float64(s.quantile(0.99)) / unit,
	}
}

// quantile returns the value at quantile q: the smallest recorded value
// with at least ⌈q·n⌉ values at or below it (to the histogram's precision,
// and exact at the observed minimum and maximum).
func (s *stat) quantile(q float64) int64 {
	rank := max(int64(math.Ceil(q*float64(s.n))), 1)
	zeros := s.zeros()
	if rank <= zeros {
		return 0
	}
	if s.hist.rows == nil {
		return s.max
	}
	// The histogram holds the values above 0 only.
	p := 100 * float64(rank-zeros) / float64(s.hist.total)
	v := s.hist.quantile(min(p, 100))
	return min(max(v, s.min), s.max)
}
