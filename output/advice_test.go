package output

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/sim"
)

// The advice table says when candidates could not be evaluated, before its
// verdict: with every candidate failed, "nothing to buy" would read as a
// finding about the mitigations rather than about the file.
func TestAdviceSaysWhatWasNotEvaluated(t *testing.T) {
	base := sim.Advice{Metric: "user-hours", Unit: "user-hours", Budget: 100, Trials: 10, Scenario: "fire", Note: "greedy search"}
	render := func(a sim.Advice) string {
		var b bytes.Buffer
		require.NoError(t, WriteAdvice(&b, &a, "", "table"))
		return b.String()
	}

	all := base
	all.Candidates = []sim.AdviceCandidate{{Mitigation: "m1", Cost: 10, Error: "boom"}, {Mitigation: "m2", Cost: 20, Error: "boom"}}
	out := render(all)
	assert.Contains(t, out, "Warning: 2 of 2 candidates could not be evaluated")
	assert.Contains(t, out, "No candidate could be evaluated: there is no advice.")
	assert.NotContains(t, out, "nothing to buy")

	some := base
	some.Candidates = []sim.AdviceCandidate{{Mitigation: "m1", Cost: 10, Error: "boom"}, {Mitigation: "m2", Cost: 20}}
	out = render(some)
	assert.Contains(t, out, "Warning: 1 of 2 candidates could not be evaluated")
	assert.Contains(t, out, "nothing to buy")

	fine := base
	fine.Candidates = []sim.AdviceCandidate{{Mitigation: "m2", Cost: 20}}
	out = render(fine)
	assert.NotContains(t, out, "Warning")
	assert.Contains(t, out, "nothing to buy")
}
