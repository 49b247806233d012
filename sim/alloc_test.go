package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// TestTrialAllocatesNothing guards the engine's invariant of 0 allocations
// per trial (docs/architecture.md): once a Trial's scratch space and an
// Aggregator's histograms have reached their size, running and aggregating
// a trial allocates nothing, on the Kakao case and on a generated platform's
// fire and random-failure scenarios.
func TestTrialAllocatesNothing(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	gen := genFile(t, 200, 3, 7)
	cases := map[string]*graph.Scenario{
		"kakao":      kakao(t).Scenarios[0],
		"gen-fire":   gen.Scenario("fire"),
		"gen-random": gen.Scenario("random"),
	}
	for name, sc := range cases {
		t.Run(name, func(t *testing.T) {
			require.NotNil(t, sc)
			c, err := graph.Compile(sc)
			require.NoError(t, err)
			grid := Grid(c.Horizon, GridPoints)
			tr := NewTrial(c, grid)
			agg := NewAggregator(c, grid)
			const warm = 2000
			for i := range warm {
				agg.Add(tr.Run(1, i))
			}
			i := 0
			allocs := testing.AllocsPerRun(200, func() {
				agg.Add(tr.Run(1, i%warm))
				i++
			})
			assert.Zero(t, allocs, "allocations per trial")
		})
	}
}
