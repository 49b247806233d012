package sim

import "math/bits"

// wide is an unsigned 128-bit integer. Shed integrals are (load − c) × dt
// in server-ms: a large load over a long horizon overflows int64, and
// MODEL.md §11 wants them exact, divided once.
type wide struct{ hi, lo uint64 }

// addMul adds a × b, both ≥ 0.
func (w *wide) addMul(a, b int64) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	var carry uint64
	w.lo, carry = bits.Add64(w.lo, lo, 0)
	w.hi += hi + carry
}

// div returns w / d rounded half up, and w / d as a float64. The caller
// guarantees the quotient fits in 63 bits (a shed integral divided by its
// load is at most the horizon).
func (w wide) div(d int64) (int64, float64) {
	q, r := bits.Div64(w.hi, w.lo, uint64(d))
	exact := float64(q) + float64(r)/float64(d)
	if r >= uint64(d)-r {
		q++
	}
	return int64(q), exact
}
