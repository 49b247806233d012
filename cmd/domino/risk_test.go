package main

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/sim"
)

// riskFire is docs/model.md §13's closed form: a fire at 0.01/y stopping
// one service of 1,000 users for 10 h.
const riskFire = `version: 1
platform:
  name: t
  sites: [{id: a}]
  services:
    - {id: s, users: 1000, placement: {a: 1}}
scenarios:
  - id: fires
    events:
      - {kind: site-outage, site: a, rate: 0.01/y, duration: 10h}
`

func TestRiskCommand(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fire.yaml")
	require.NoError(t, os.WriteFile(path, []byte(riskFire), 0o644))

	// The scenario's horizon is the default 7d: --horizon's default 1y
	// replaces it.
	code, out, stderr := runCLI(t, context.Background(), "risk", path, "--trials", "10000", "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	var r sim.RiskResults
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, sim.RiskSchema, r.Schema)
	assert.EqualValues(t, 365*24*3600*1000, r.HorizonMs)
	u := r.Metrics["user_hours"]
	assert.InDelta(t, 100, u.Expected.Mean, 2)
	assert.InDelta(t, 1-math.Exp(-0.01), u.PLoss.Mean, 1e-12)
	require.Len(t, u.ReturnLevels, 3)
	assert.Equal(t, 1000, u.ReturnLevels[2].Years)
	assert.InDelta(t, 10_000, u.ReturnLevels[2].Loss, 100)
	require.Contains(t, r.Metrics, "downtime:s")
	require.Len(t, r.Services, 1)

	// The same figures in every format.
	_, table, _ := runCLI(t, context.Background(), "risk", path, "--trials", "10000")
	_, md, _ := runCLI(t, context.Background(), "risk", path, "--trials", "10000", "--format", "markdown")
	_, csv, _ := runCLI(t, context.Background(), "risk", path, "--trials", "10000", "--format", "csv")
	for name, text := range map[string]string{"table": table, "markdown": md} {
		assert.Contains(t, text, "0.995%", name+": P(loss > 0)")
		assert.Contains(t, text, "user-hours lost", name)
		assert.Contains(t, text, "1 in 1,000", name)
	}
	assert.Contains(t, csv, "user_hours,user-hours,p_loss,,0.00995016625083")
	assert.Contains(t, csv, "user_hours,user-hours,return_level,1000,")

	// --horizon.
	code, out, _ = runCLI(t, context.Background(), "risk", path, "--trials", "1000", "--horizon", "30d", "--format", "json")
	require.Equal(t, exitOK, code)
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.EqualValues(t, 30*24*3600*1000, r.HorizonMs)
	for _, bad := range []string{"0", "-1y", "ay", "1x"} {
		code, _, stderr = runCLI(t, context.Background(), "risk", path, "--horizon", bad)
		assert.Equal(t, exitUsage, code, bad)
		assert.Contains(t, stderr, "--horizon", bad)
	}

	// Too few trials for the strata is a usage error, said so.
	code, _, stderr = runCLI(t, context.Background(), "risk", path, "--trials", "3")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "at least 5 trials")

	// --plain samples as run does.
	code, out, _ = runCLI(t, context.Background(), "risk", path, "--trials", "1000", "--plain", "--format", "json")
	require.Equal(t, exitOK, code)
	require.NoError(t, json.Unmarshal([]byte(out), &r))
	assert.Equal(t, "plain", r.Sampling)
}

func TestPlotExceedance(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "fire.yaml")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(riskFire, "0.01/y", "0.5/y", 1)), 0o644))
	risk := filepath.Join(dir, "risk.json")
	code, _, stderr := runCLI(t, context.Background(), "risk", path, "--trials", "2000", "-o", risk)
	require.Equal(t, exitOK, code, stderr)
	svg := filepath.Join(dir, "lec.svg")
	code, _, stderr = runCLI(t, context.Background(), "plot", "--kind", "exceedance", risk, "-o", svg)
	require.Equal(t, exitOK, code, stderr)
	b, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(b), "P(loss &gt; x) per year")
	assert.Contains(t, string(b), "1 in 100")

	code, _, stderr = runCLI(t, context.Background(), "plot", "--kind", "exceedance", "--metric", "downtime:nope", risk, "-o", svg)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, stderr, `no metric "downtime:nope"`)
	code, _, stderr = runCLI(t, context.Background(), "plot", "--metric", "money", risk, "-o", svg)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--metric goes with --kind exceedance")
}

// TestRunShowsRiskInEveryFormat: a run of a yearly scenario carries the
// risk of a year from its own trials in every format, the figures of
// `risk --plain` over the same trials and seed (docs/model.md §13).
func TestRunShowsRiskInEveryFormat(t *testing.T) {
	ctx := context.Background()
	base := []string{"ovh-sbg-2021", "--scenario", "sbg-yearly", "--trials", "300", "--seed", "3"}
	get := func(cmd, format string, extra ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, ctx, append(append([]string{cmd}, base...), append(extra, "--format", format)...)...)
		require.Equal(t, exitOK, code, errOut)
		return out
	}

	var run sim.Results
	require.NoError(t, json.Unmarshal([]byte(get("run", "json")), &run))
	var risk sim.RiskResults
	require.NoError(t, json.Unmarshal([]byte(get("risk", "json", "--plain")), &risk))
	require.NotNil(t, run.Risk)
	assert.Equal(t, risk.RiskFigures, *run.Risk)

	// The tables' rows: each line of risk --plain's tables is in run's.
	for _, format := range []string{"table", "markdown"} {
		want, got := get("risk", format, "--plain"), get("run", format)
		lines := 0
		for _, line := range strings.Split(want, "\n") {
			if strings.HasPrefix(line, "│ ") || strings.HasPrefix(line, "| ") {
				assert.Contains(t, got, line, format)
				lines++
			}
		}
		assert.Greater(t, lines, 20, format)
	}

	// CSV: run's rows of scope risk hold risk --plain's rows.
	var want []string
	for _, line := range strings.Split(strings.TrimSpace(get("risk", "csv", "--plain")), "\n")[1:] {
		f := strings.Split(line, ",")
		want = append(want, strings.Join(f[5:], ","))
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(get("run", "csv")), "\n") {
		if f := strings.Split(line, ","); f[0] == "risk" {
			got = append(got, strings.Join(f[len(f)-7:], ","))
		}
	}
	assert.Equal(t, want, got)
}

// TestRiskShardsMergeToOneRun: risk --shard i/n parts merge into the bytes
// of a single risk run, in JSON and in a table, stratified and plain,
// whatever the order of the parts and with more shards than trials in a
// stratum; parts that do not make one run are refused.
func TestRiskShardsMergeToOneRun(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		shards int
	}{
		{"stratified", []string{"ovh-sbg-2021", "--scenario", "sbg-yearly", "--trials", "600"}, 3},
		{"plain", []string{"aws-us-east-1-2021", "--scenario", "yearly-disruptions", "--trials", "300", "--plain"}, 2},
		// 40 shards of 40 trials: some shards hold no trial of a stratum.
		{"many shards", []string{"ovh-sbg-2021", "--scenario", "sbg-yearly", "--trials", "40", "--seed", "9"}, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var parts []string
			for i := tt.shards - 1; i >= 0; i-- { // the order must not matter
				p := filepath.Join(dir, tt.name+"-"+strconv.Itoa(i)+".json")
				code, _, errOut := runCLI(t, ctx, append(append([]string{"risk"}, tt.args...), "--shard", strconv.Itoa(i)+"/"+strconv.Itoa(tt.shards), "-o", p)...)
				require.Equal(t, exitOK, code, errOut)
				parts = append(parts, p)
			}
			for _, format := range []string{"json", "table"} {
				code, one, errOut := runCLI(t, ctx, append(append([]string{"risk"}, tt.args...), "--format", format)...)
				require.Equal(t, exitOK, code, errOut)
				code, merged, errOut := runCLI(t, ctx, append(append([]string{"merge"}, parts...), "--format", format)...)
				require.Equal(t, exitOK, code, errOut)
				assert.Equal(t, one, merged, format)
			}
			if tt.shards > 1 {
				code, _, errOut := runCLI(t, ctx, append([]string{"merge"}, parts[1:]...)...)
				assert.Equal(t, exitInput, code)
				assert.Contains(t, errOut, "in no part")
			}
		})
	}

	// A run's part and a risk part do not merge; a changed part is refused.
	runPart := filepath.Join(dir, "run.json")
	code, _, errOut := runCLI(t, ctx, "run", "ovh-sbg-2021", "--scenario", "sbg-yearly", "--trials", "40", "--shard", "0/2", "-o", runPart)
	require.Equal(t, exitOK, code, errOut)
	riskPart := filepath.Join(dir, "stratified-0.json")
	code, _, errOut = runCLI(t, ctx, "merge", riskPart, runPart)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errOut, "cannot merge the parts of a run with those of a risk run")
	b, err := os.ReadFile(riskPart)
	require.NoError(t, err)
	changed := filepath.Join(dir, "changed.json")
	require.NoError(t, os.WriteFile(changed, []byte(strings.Replace(string(b), `"seed": 1`, `"seed": 2`, 1)), 0o644))
	code, _, errOut = runCLI(t, ctx, "merge", changed)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errOut, "changed after domino wrote it")
	// A sharded risk run writes a part, not a table.
	code, _, errOut = runCLI(t, ctx, "risk", "ovh-sbg-2021", "--scenario", "sbg-yearly", "--shard", "0/2", "--format", "table")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "part file")
}
