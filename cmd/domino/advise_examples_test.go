package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/scenarios"
	"github.com/dominosim/domino/sim"
)

// TestAdviseEvaluatesEveryExample: advise on each embedded incident
// evaluates every candidate. Until b7801d8 a top-level mitigation was
// applied by decoding the platform again with no allowance of YAML alias
// expansions, so in five of the six files (all of them use aliases) every
// candidate came back "not evaluated: too many alias expansions" and the
// report said there was nothing to buy; no test ran advise on a real file.
func TestAdviseEvaluatesEveryExample(t *testing.T) {
	// A file with neither mitigations nor a service left to replicate has
	// nothing to advise; that is said, with exit 1.
	none := map[string]bool{"aws-us-east-1-2021": true}
	for _, name := range scenarios.Names() {
		t.Run(name, func(t *testing.T) {
			code, stdout, errOut := runCLI(t, context.Background(), "advise", name, "--trials", "20", "--format", "json")
			if none[name] {
				assert.Equal(t, exitInput, code, "stderr: %s", errOut)
				assert.Contains(t, errOut, "no candidate mitigations")
				return
			}
			require.Equal(t, exitOK, code, "stderr: %s", errOut)
			var a sim.Advice
			require.NoError(t, json.Unmarshal([]byte(stdout), &a))
			require.NotEmpty(t, a.Candidates, "candidates")
			for _, c := range a.Candidates {
				assert.Empty(t, c.Error, "candidate %s", c.Mitigation)
			}
		})
	}
}
