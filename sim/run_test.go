package sim

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cancelAfter is a context whose Err reports cancellation from its
// (n+1)th call on; workers ask it before each chunk.
type cancelAfter struct {
	context.Context
	left atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestCancelledRunKeepsAPrefix checks RunAggregate's promise: however the
// workers interleave, a cancelled run has aggregated exactly trials
// [First, First+k) for some k, and so equals a whole run of those trials.
func TestCancelledRunKeepsAPrefix(t *testing.T) {
	c := compile(t, smallStochastic, "")
	for _, checks := range []int64{1, 4, 7} {
		ctx := &cancelAfter{Context: context.Background()}
		ctx.left.Store(checks)
		agg, err := RunAggregate(ctx, c, Options{First: 100, Trials: 5000, Seed: 3, Workers: 3})
		require.ErrorIs(t, err, context.Canceled)
		k := agg.Trials()
		if k == 0 || k%chunk != 0 || k > checks*chunk {
			t.Fatalf("%d checks: %d trials done, want a positive multiple of %d up to %d", checks, k, chunk, checks*chunk)
		}
		whole, err := Run(context.Background(), c, Options{First: 100, Trials: int(k), Seed: 3, Workers: 2})
		require.NoError(t, err)
		got, _ := json.Marshal(agg.Results(3))
		want, _ := json.Marshal(whole)
		assert.Equal(t, string(want), string(got), "%d checks: the %d trials done are not trials [100, %d)", checks, k, 100+k)
	}
}
