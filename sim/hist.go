package sim

import (
	"errors"
	"math"
	"math/bits"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// hist is a log-linear histogram with exactly the geometry and quantiles of
// an HdrHistogram (Gil Tene, hdrhistogram.org) of lowest value 1 and
// histDigits significant digits: values below 2·subHalf are counted one by
// one, and each further power of two is split into subHalf equal buckets.
// It is kept here rather than in hdrhistogram-go so that merging adds the
// counts bucket by bucket, where the library records each bucket as a value
// again; part files still encode it as the library does (encode, decodeHist).
type hist struct {
	counts []int64
	total  int64
}

// The sub-bucket magnitudes HdrHistogram derives from the precision: single
// unit resolution up to 2·10^digits, rounded up to a power of two.
var (
	subMag  = int(math.Ceil(math.Log2(2 * math.Pow10(histDigits))))
	subHalf = int64(1) << (subMag - 1)
)

// newHist returns an empty histogram for values in [1, high].
func newHist(high int64) hist {
	// HdrHistogram's getBucketsNeededToCoverValue.
	buckets := int64(1)
	for v := 2 * subHalf; v <= high; v <<= 1 {
		if v > math.MaxInt64/2 {
			buckets++
			break
		}
		buckets++
	}
	return hist{counts: make([]int64, (buckets+1)*subHalf)}
}

// bucketOf returns the power-of-two bucket of v and v's sub-bucket in it.
func bucketOf(v int64) (bucket int, sub int64) {
	bucket = 64 - bits.LeadingZeros64(uint64(v)|uint64(2*subHalf-1)) - subMag
	return bucket, v >> bucket
}

func (h *hist) index(v int64) int {
	b, sub := bucketOf(v)
	return (b+1)<<(subMag-1) + int(sub-subHalf)
}

// record counts v, which must be in [0, high].
func (h *hist) record(v int64) {
	h.counts[h.index(v)]++
	h.total++
}

// add adds o's counts to h's; both have the same geometry.
func (h *hist) add(o *hist) {
	dst := h.counts[:len(o.counts)]
	for i, n := range o.counts {
		dst[i] += n
	}
	h.total += o.total
}

// valueAt returns the value of the smallest bucket at which the cumulative
// count reaches rank (HdrHistogram's getValueFromIdxUpToCount).
func (h *hist) valueAt(rank int64) int64 {
	var cum int64
	for i, n := range h.counts {
		cum += n
		if cum >= rank {
			b := i>>(subMag-1) - 1
			sub := int64(i)&(subHalf-1) + subHalf
			if b < 0 {
				sub -= subHalf
				b = 0
			}
			return sub << b
		}
	}
	return 0
}

// quantile is HdrHistogram's ValueAtPercentile(p), p in percent: the
// highest value equivalent to the value at rank ⌊p/100·total + ½⌋
// (clamped to [1, total]), or the lowest at p = 0.
func (h *hist) quantile(p float64) int64 {
	if h.total == 0 {
		return 0
	}
	p = min(max(p, 0), 100)
	rank := p/100*float64(h.total) + 0.5
	var r int64
	switch {
	case !(rank >= 1):
		r = 1
	case rank >= float64(h.total):
		r = h.total
	default:
		r = int64(rank)
	}
	v := h.valueAt(r)
	b, sub := bucketOf(v)
	lowest := sub << b
	if p == 0 {
		return lowest
	}
	if sub >= 2*subHalf {
		b++
	}
	return lowest + int64(1)<<b - 1
}

// encode writes h in HdrHistogram's V2 compressed encoding, as the
// library would for the same counts.
func (h *hist) encode(high int64) ([]byte, error) {
	lib := hdrhistogram.Import(&hdrhistogram.Snapshot{
		LowestTrackableValue: 1, HighestTrackableValue: high, SignificantFigures: histDigits, Counts: h.counts,
	})
	return lib.Encode(hdrhistogram.V2CompressedEncodingCookieBase)
}

// decodeHist reads a histogram in HdrHistogram's encoding; it must have
// the geometry newHist(high) gives.
func decodeHist(b []byte, high int64) (hist, error) {
	lib, err := hdrhistogram.Decode(b)
	if err != nil {
		return hist{}, err
	}
	if lib.HighestTrackableValue() != high || lib.LowestTrackableValue() != 1 || lib.SignificantFigures() != histDigits {
		return hist{}, errors.New("not the geometry domino records with")
	}
	h := newHist(high)
	snap := lib.Export()
	if len(snap.Counts) != len(h.counts) {
		return hist{}, errors.New("not the geometry domino records with")
	}
	copy(h.counts, snap.Counts)
	h.total = lib.TotalCount()
	return h, nil
}
