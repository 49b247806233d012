package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/sim"
)

func TestRankCLI(t *testing.T) {
	fire := writeFire(t)
	ctx := context.Background()
	code, out, errOut := runCLI(t, ctx, "rank", fire, "--trials", "20", "--format", "json")
	require.Equal(t, exitOK, code, "exit %d: %s", code, errOut)
	var r sim.Ranking
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	// web (1,000 users) is down 10h because of db: perfect db or site a
	// saves all 10,000 user-hours; b saves nothing.
	require.Equal(t, sim.RankSchema, r.Schema)
	require.Equal(t, "user-hours", r.Metric)
	require.Equal(t, 10000.0, r.Baseline.Mean)
	require.NotEmpty(t, r.Items)
	top := r.Items[0]
	assert.Equal(t, [3]any{"service", "db", 10000.0}, [3]any{top.Kind, top.ID, top.Saving.Mean}, "first item: want service db saving 10,000")
	for _, it := range r.Items {
		if it.ID == "b" {
			// web is still served from a but for the fire.
			assert.Equal(t, 0.0, it.Saving.Mean, "site b: saving")
			assert.Equal(t, 10000.0, it.Failed.Mean, "site b: failed")
		}
	}

	code, out, _ = runCLI(t, ctx, "rank", fire, "--trials", "20", "--items", "a,db")
	assert.Equal(t, exitOK, code, "table")
	assert.Contains(t, out, "Metric: user-hours lost (summed over services), mean over 20 trials", "table")
	assert.NotContains(t, out, "site b", "table")
	tests := []struct{ args, want string }{
		{"--metric user-hour", `unknown metric "user-hour" (did you mean "user-hours"?)`},
		{"--metric downtime:webb", `unknown service "webb" (did you mean "web"?)`},
		{"--metric downtime", `needs a service`},
		{"--items dbb", `no service or site "dbb" (did you mean "db"?)`},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, ctx, append([]string{"rank", fire}, strings.Fields(tt.args)...)...)
		assert.Equal(t, exitUsage, code, tt.args)
		assert.Contains(t, errOut, tt.want, tt.args)
	}
}

// adviseYAML: site a dark for exactly 10h; each mitigation puts one
// service on b too, saving users × 10h: m2 3,000 user-hours for 20, m1
// 1,000 for 10, m0 nothing for free.
const adviseYAML = `version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: s1, placement: {a: 1}, users: 100}
    - {id: s2, placement: {a: 1}, users: 300}
    - {id: idle, placement: {a: 1}}
mitigations:
  - {id: m0, cost: 0, patch: {services: [{id: idle, placement: {a: 1, b: 1}}]}}
  - {id: m1, cost: 10, patch: {services: [{id: s1, placement: {a: 1, b: 1}}]}}
  - id: m2
    cost: 20
    patch: {services: [{id: s2, placement: {a: 1, b: 1}}]}
  - {id: crews, cost: 5, add_crews: 2}
scenarios:
  - id: fire
    crews: 1
    events:
      - {kind: site-outage, site: a, duration: 10h}
`

func TestAdviseCLIWritesARunnableScenario(t *testing.T) {
	dir := t.TempDir()
	in := writeFile(t, dir, "in.yaml", adviseYAML)
	out := filepath.Join(dir, "advised.yaml")
	ctx := context.Background()
	code, stdout, errOut := runCLI(t, ctx, "advise", in, "--budget", "25", "--trials", "10", "-o", out)
	require.Equal(t, exitOK, code, "exit %d: %s", code, errOut)
	assert.Contains(t, stdout, "greedy search", "report")
	assert.Contains(t, stdout, "m2", "report")
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	// Budget 25: m2 first (150 per unit, cost 20); m1 (10) no longer fits;
	// the crews fit but save nothing (one crew is never waited for here),
	// m0 saves nothing: the file holds m2 alone and keeps one crew.
	// The advised file holds m2's patch only, commented with its id.
	assert.Contains(t, string(data), "# m2", "advised file")
	assert.NotContains(t, string(data), "# m1", "advised file")
	assert.Contains(t, string(data), "crews: 1", "advised file")
	code, res, errOut := runCLI(t, ctx, "run", out, "--format", "json", "--trials", "10")
	require.Equal(t, exitOK, code, "run of the advised file: exit %d: %s\n%s", code, errOut, data)
	var r struct {
		Scenario string `json:"scenario"`
		Platform struct {
			UserHours struct {
				Mean float64 `json:"mean"`
			} `json:"user_hours"`
		} `json:"platform"`
	}
	require.NoError(t, json.Unmarshal([]byte(res), &r))
	assert.Equal(t, "fire-advised", r.Scenario, "advised run")
	assert.Equal(t, 1000.0, r.Platform.UserHours.Mean, "advised run: user-hours, want 4,000 − m2's 3,000")
}
