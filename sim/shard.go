package sim

import "math/bits"

// TrialRange returns the trials of shard index of count of a run of n
// trials: [index·n/count, (index+1)·n/count). The ranges of the count
// shards tile [0, n); the products are taken in 128 bits, so no n and
// count overflow.
func TrialRange(index, count, n int) (from, to int) {
	at := func(i int) int {
		hi, lo := bits.Mul64(uint64(i), uint64(n))
		q, _ := bits.Div64(hi, lo, uint64(count))
		return int(q)
	}
	return at(index), at(index + 1)
}
