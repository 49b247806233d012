package sim

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// TestRunStatsCountEveryTrial checks that the per-worker figures of
// Options.Stats add up to the run's trials, that they are filled for every
// worker, and that asking for them changes no result.
func TestRunStatsCountEveryTrial(t *testing.T) {
	c, err := graph.Compile(genFile(t, 200, 3, 7).Scenario("fire"))
	require.NoError(t, err)
	const trials = 1000
	plain, err := Run(context.Background(), c, Options{Trials: trials, Seed: 1, Workers: 2})
	require.NoError(t, err)
	var st RunStats
	measured, err := Run(context.Background(), c, Options{Trials: trials, Seed: 1, Workers: 2, Stats: &st})
	require.NoError(t, err)
	assert.Equal(t, plain, measured, "asking for stats changed the results")

	require.Len(t, st.Workers, min(2, runtime.GOMAXPROCS(0)))
	sum := 0
	for i, w := range st.Workers {
		sum += w.Trials
		assert.Positive(t, w.Busy, "worker %d: busy time", i)
		if runtime.GOOS == "linux" {
			assert.True(t, w.CPUKnown, "worker %d: thread CPU time unknown on linux", i)
			assert.Positive(t, w.CPU, "worker %d: thread CPU time", i)
		}
	}
	assert.Equal(t, trials, sum, "the workers' trials add up to the run's")
}
