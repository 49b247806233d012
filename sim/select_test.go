package sim

import (
	"context"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// TestSelectTrial checks worst and median against the user-hours of every
// trial computed with a plain loop: worst is the largest (lowest index on
// ties), median the trial at rank ⌈n/2⌉ by (user-hours, index).
func TestSelectTrial(t *testing.T) {
	f := genFile(t, 30, 3, 7)
	require.NotEmpty(t, f.Scenarios)
	c, err := graph.Compile(f.Scenarios[0])
	require.NoError(t, err)
	for _, n := range []int{1, 2, 101} {
		uh := make([]int64, n)
		tr := NewTrial(c, nil)
		for k := range n {
			uh[k] = tr.Run(1, k).UserMilliHours
		}
		worst := 0
		for k := range uh {
			if uh[k] > uh[worst] {
				worst = k
			}
		}
		order := make([]int, n)
		for k := range order {
			order[k] = k
		}
		sort.SliceStable(order, func(i, j int) bool { return uh[order[i]] < uh[order[j]] })
		median := order[(n+1)/2-1]

		for by, want := range map[string]int{"worst": worst, "median": median} {
			got, err := SelectTrial(context.Background(), c, 1, n, by)
			require.NoError(t, err)
			assert.Equal(t, want, got, "%s of %d trials", by, n)
		}
	}

	_, err = SelectTrial(context.Background(), c, 1, 3, "best")
	assert.EqualError(t, err, "unknown trial selection best")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = SelectTrial(ctx, c, 1, 3, "worst")
	assert.ErrorIs(t, err, context.Canceled)
}
