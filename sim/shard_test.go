package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTrialRange(t *testing.T) {
	// The ranges tile [0, n) for any n and k, including more shards than
	// trials and products that overflow 64 bits.
	for _, n := range []int{1, 7, 10000, 1 << 62} {
		for _, k := range []int{1, 3, 7, 64} {
			next := 0
			for i := range k {
				from, to := TrialRange(i, k, n)
				require.Equal(t, next, from, "n=%d k=%d shard %d starts where the last ended", n, k, i)
				require.GreaterOrEqual(t, to, from, "n=%d k=%d shard %d", n, k, i)
				next = to
			}
			assert.Equal(t, n, next, "n=%d k=%d: the shards end at n", n, k)
		}
	}
	from, to := TrialRange(1, 3, 10)
	assert.Equal(t, [2]int{3, 6}, [2]int{from, to}, "shard 1/3 of 10")
}
