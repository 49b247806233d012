package sim

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
)

// TestRunCarriesPlainRisk checks that a run of a scenario with rate events
// carries the risk of its horizon from its own trials, and that these are
// the figures of the plain risk run over the same trials, to the byte:
// through one process, through merged part files, whatever the workers.
// A scenario without rates carries none.
func TestRunCarriesPlainRisk(t *testing.T) {
	const trials, seed = 300, 5
	ctx := context.Background()
	rated := 0
	for _, name := range scenarios.Names() {
		f, err := graph.LoadFS(scenarios.FS, scenarios.Path(name))
		require.NoError(t, err)
		for _, sc := range f.Scenarios {
			c, err := graph.Compile(sc)
			require.NoError(t, err)
			r, err := Run(ctx, c, Options{Trials: trials, Seed: seed, Workers: 2})
			require.NoError(t, err)
			if rateOccurrences(c) == 0 {
				assert.Nil(t, r.Risk, "%s:%s has no rate event", name, sc.ID)
				continue
			}
			rated++
			require.NotNil(t, r.Risk, "%s:%s has rate events", name, sc.ID)
			want, err := RunRisk(ctx, c, RiskOptions{Trials: trials, Seed: seed, Workers: 1, Plain: true})
			require.NoError(t, err)
			wantJSON, err := json.Marshal(want.RiskFigures)
			require.NoError(t, err)
			got, err := json.Marshal(r.Risk)
			require.NoError(t, err)
			assert.JSONEq(t, string(wantJSON), string(got), "%s:%s", name, sc.ID)
			assert.Equal(t, "plain", r.Risk.Sampling)
			// The expected loss is the run's own mean user-hours.
			assert.InDelta(t, r.Summary.UserHours.Mean, r.Risk.Metrics[RiskUserHours].Expected.Mean, 1e-9*r.Summary.UserHours.Mean)

			merged := runParts(t, c, trials, 3)
			require.NotNil(t, merged.Risk)
			got, err = json.Marshal(merged.Risk)
			require.NoError(t, err)
			// runParts runs with seed 7.
			r7, err := RunRisk(ctx, c, RiskOptions{Trials: trials, Seed: 7, Workers: 2, Plain: true})
			require.NoError(t, err)
			want7, err := json.Marshal(r7.RiskFigures)
			require.NoError(t, err)
			assert.Equal(t, string(want7), string(got), "%s:%s merged", name, sc.ID)
		}
	}
	assert.GreaterOrEqual(t, rated, 2, "the embedded files have at least two yearly scenarios")
}
