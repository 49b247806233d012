package sim

import "math/bits"

// wide is an unsigned 128-bit integer. Shed integrals are (load − c) × dt
// in server-ms: a large load over a long horizon overflows int64, and
// docs/model.md §11 wants them exact, divided once.
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

// divider divides by a constant d > 0 with a multiplication: a 64-bit
// division takes tens of cycles, and Add divides once per touched service
// per trial. m = ⌊(2⁶⁴−1)/d⌋ makes ⌊n·m/2⁶⁴⌋ either ⌊n/d⌋ or one less for
// every n < 2⁶³ (the error n·(2⁶⁴/d − m)/2⁶⁴ is below n·(1 + 1/d)/2⁶⁴ < 1),
// so one correction step gives the exact quotient.
type divider struct{ d, m uint64 }

func newDivider(d int64) divider { return divider{uint64(d), ^uint64(0) / uint64(d)} }

// div returns ⌊n/d⌋ for 0 ≤ n < 2⁶³.
func (v divider) div(n int64) int64 {
	q, _ := bits.Mul64(uint64(n), v.m)
	if (q+1)*v.d <= uint64(n) {
		q++
	}
	return int64(q)
}
