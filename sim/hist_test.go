package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/stretchr/testify/require"
)

// TestHistSameAsHdrHistogram checks that hist records, merges, answers
// quantiles and encodes exactly as an HdrHistogram of the same geometry.
func TestHistSameAsHdrHistogram(t *testing.T) {
	require.Equal(t, int(math.Ceil(math.Log2(2*math.Pow10(histDigits)))), subMag, "subMag against HdrHistogram's for %d digits", histDigits)
	highs := []int64{2, 12, 1002, 604_800_000, 30 * 24 * 3_600_000, math.MaxInt64 / 4}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, high := range highs {
		for round := range 20 {
			a, b := newHist(high), newHist(high)
			la, lb := hdrhistogram.New(1, high, histDigits), hdrhistogram.New(1, high, histDigits)
			n := rng.IntN(3000)
			if round == 0 {
				n = 1
			}
			for i := range n {
				var v int64
				switch rng.IntN(4) {
				case 0:
					v = 1 + rng.Int64N(min(high, 300))
				case 1:
					v = high
				default:
					v = min(high, 1+int64(math.Exp(rng.Float64()*math.Log(float64(high)))))
				}
				h, l := &a, la
				if i%3 == 0 {
					h, l = &b, lb
				}
				h.recordAll([]int64{v}, nil)
				require.NoError(t, l.RecordValue(v))
			}
			a.add(&b, nil)
			la.Merge(lb)
			require.Equal(t, la.Export().Counts, a.flat(), "high %d, round %d: counts differ from HdrHistogram's", high, round)
			require.Equal(t, la.TotalCount(), a.total, "high %d, round %d: total differs from HdrHistogram's", high, round)
			ps := []float64{0, 1e-9, 0.5, 1, 10, 50, 90, 99, 99.9, 100, 101, -1}
			for range 50 {
				ps = append(ps, 100*rng.Float64())
			}
			for _, p := range ps {
				require.Equal(t, la.ValueAtQuantile(p), a.quantile(p), "high %d, round %d: quantile %v", high, round, p)
			}
			got, err := a.encode(high)
			require.NoError(t, err)
			want, err := la.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
			require.NoError(t, err)
			require.Equal(t, want, got, "high %d, round %d: encoding differs from HdrHistogram's", high, round)
			back, err := decodeHist(got, high)
			require.NoError(t, err, "high %d, round %d: decoding", high, round)
			require.Equal(t, a.flat(), back.flat(), "high %d, round %d: decoding gives other counts", high, round)
			require.Equal(t, a.total, back.total, "high %d, round %d: decoding gives another total", high, round)
		}
	}
}
