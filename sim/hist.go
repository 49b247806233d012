package sim

import (
	"errors"
	"math"
	"math/bits"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/dominosim/domino/internal/slab"
)

// hist is a log-linear histogram with exactly the geometry and quantiles of
// an HdrHistogram (Gil Tene, hdrhistogram.org) of lowest value 1 and
// histDigits significant digits: values below 2·subHalf are counted one by
// one, and each further power of two is split into subHalf equal buckets.
// It is kept here rather than in hdrhistogram-go so that merging adds the
// counts bucket by bucket, where the library records each bucket as a value
// again; part files still encode it as the library does (encode, decodeHist).
//
// The counts are HdrHistogram's flat array cut into rows of subHalf, one
// power of two each, allocated when first used: a service's downtimes span
// a few powers of two, so a run's thousands of histograms take a few KB
// each instead of the 23 KB of a whole array over a week, which is memory
// to clear, and cache to miss, for nothing.
type hist struct {
	rows  []*[subHalf]int64 // nil rows count 0
	total int64
}

// subMag and subHalf are HdrHistogram's sub-bucket magnitudes for the
// precision: single unit resolution up to 2·10^histDigits, rounded up to a
// power of two (ceil(log2(200)) = 8 for 2 digits; TestHistSameAsHdrHistogram
// holds them to the library's).
const (
	subMag  = 8
	subHalf = 1 << (subMag - 1)
)

// newHist returns an empty histogram for values in [1, high].
func newHist(high int64) hist {
	// HdrHistogram's getBucketsNeededToCoverValue.
	buckets := 1
	for v := int64(2 * subHalf); v <= high; v <<= 1 {
		if v > math.MaxInt64/2 {
			buckets++
			break
		}
		buckets++
	}
	return hist{rows: make([]*[subHalf]int64, buckets+1)}
}

// histPos returns the row and the place in it of v ≥ 1: v's power of two
// above the one-by-one range, shifted to its subHalf buckets, spills one
// bit into the row number, which saves HdrHistogram's offset arithmetic.
func histPos(v int64) (r, j int) {
	b := bits.Len64(uint64(v)|(2*subHalf-1)) - subMag
	t := int(v >> b)
	return b + t>>(subMag-1), t & (subHalf - 1)
}

// rowSlab hands out histogram rows, so that an aggregator whose histograms
// keep growing rows for rare values allocates once in many trials, not in
// each; a nil one allocates each row.
type rowSlab = slab.Slab[[subHalf]int64]

// rowChunk is the rows a rowSlab allocates at once: 64 KB.
const rowChunk = 64

// row returns row r, taking it from rs if it has none yet.
func (h *hist) row(r int, rs *rowSlab) *[subHalf]int64 {
	if h.rows[r] == nil {
		h.rows[r] = rs.New()
	}
	return h.rows[r]
}

// recordAll counts each of vs, which are at most the histogram's highest
// value. One loop for a batch keeps the row lookup inline, where a call per
// value would cost as much again.
func (h *hist) recordAll(vs []int64, rs *rowSlab) {
	rows := h.rows
	for _, v := range vs {
		r, j := histPos(v)
		row := rows[r]
		if row == nil {
			row = h.row(r, rs)
		}
		row[j]++
	}
	h.total += int64(len(vs))
}

// add adds o's counts to h's; both have the same geometry.
func (h *hist) add(o *hist, rs *rowSlab) {
	for r, src := range o.rows {
		if src == nil {
			continue
		}
		dst := h.row(r, rs)
		for j := range dst {
			dst[j] += src[j]
		}
	}
	h.total += o.total
}

// flat returns the counts as HdrHistogram's flat array.
func (h *hist) flat() []int64 {
	counts := make([]int64, len(h.rows)*subHalf)
	for r, row := range h.rows {
		if row != nil {
			copy(counts[r*subHalf:], row[:])
		}
	}
	return counts
}

// valueAt returns the value of the smallest bucket at which the cumulative
// count reaches rank (HdrHistogram's getValueFromIdxUpToCount).
func (h *hist) valueAt(rank int64) int64 {
	var cum int64
	for r, row := range h.rows {
		if row == nil {
			continue
		}
		for j, n := range row {
			cum += n
			if cum >= rank {
				b, sub := r-1, int64(j)+subHalf
				if b < 0 {
					sub -= subHalf
					b = 0
				}
				return sub << b
			}
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
	b := 64 - bits.LeadingZeros64(uint64(v)|uint64(2*subHalf-1)) - subMag
	sub := v >> b
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
		LowestTrackableValue: 1, HighestTrackableValue: high, SignificantFigures: histDigits, Counts: h.flat(),
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
	if len(snap.Counts) != len(h.rows)*subHalf {
		return hist{}, errors.New("not the geometry domino records with")
	}
	for i, n := range snap.Counts {
		if n != 0 {
			h.row(i/subHalf, nil)[i%subHalf] = n
		}
	}
	h.total = lib.TotalCount()
	return h, nil
}
