package sim

import (
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"
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
			switch rng.IntN(5) {
			case 0:
				v = 0
			case 1:
				v = high + 1 + rng.Int64N(1<<40) // squares sum far within 128 bits
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
		if s.n != n || s.zeros != zeros {
			t.Fatalf("round %d: n %d, zeros %d; want %d, %d", round, s.n, s.zeros, n, zeros)
		}
		if u128(s.sumHi, s.sumLo).Cmp(sum) != 0 || u128(s.sqHi, s.sqLo).Cmp(sq) != 0 {
			t.Fatalf("round %d: sums differ", round)
		}
		if n > 0 && (s.min != lo || s.max != hi) {
			t.Fatalf("round %d: min, max %d, %d; want %d, %d", round, s.min, s.max, lo, hi)
		}
		if n > zeros && (!slices.Equal(s.hist.flat(), want.flat()) || s.hist.total != want.total) {
			t.Fatalf("round %d: histogram differs", round)
		}
	}
}
