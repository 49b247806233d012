package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
	"github.com/dominosim/domino/sim"
)

// closedFormYAML is the closed form of docs/model.md §14: one service whose
// fixed restart is uncertain, uniform over [1h, 3h]; one outage stops it at
// t = 0 and its site has power again at once.
const closedFormYAML = `version: 1
platform:
  name: closed
  sites: [{id: a}]
  services:
    - {id: x, users: 1000, placement: {a: 1}, restart: {auto: {uncertain: {low: 1h, high: 3h}}}}
scenarios:
  - id: stop
    horizon: 1d
    trials: 10
    events:
      - {kind: site-outage, site: a, duration: 0s}
`

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

// The tornado of the closed form: x's downtime is 1h with the restart at
// its low and 3h at its high, a swing of 2h, in every format.
func TestSensitivityClosedForm(t *testing.T) {
	path := writeTemp(t, "closed.yaml", closedFormYAML)
	var s sim.Sensitivity
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "sensitivity", path, "--metric", "downtime:x", "--trials", "20", "--format", "json")), &s))
	assert.Equal(t, sim.SensitivitySchema, s.Schema)
	assert.Equal(t, "downtime:x", s.Metric)
	assert.Equal(t, "hours", s.Unit)
	assert.Equal(t, 2.0, s.Baseline.Mean)
	require.Len(t, s.Inputs, 1)
	in := s.Inputs[0]
	assert.Equal(t, "platform.services[0].restart.auto", in.Path)
	assert.Equal(t, "x: restart.auto", in.Label)
	assert.Equal(t, 1.0, in.Low.Mean)
	assert.Equal(t, 3.0, in.High.Mean)
	assert.Equal(t, 2.0, in.Swing)
	assert.Equal(t, &[2]float64{2, 2}, in.Difference.CI95)
	assert.Equal(t, "1h", in.Low.Text)
	assert.Equal(t, "3h", in.High.Text)
	assert.Equal(t, float64(graph.Hour), in.Low.Value)

	table := mustRun(t, "sensitivity", path, "--metric", "downtime:x", "--trials", "20")
	assert.Contains(t, table, "baseline (every input nominal) 2.0 [2.0, 2.0]")
	assert.Regexp(t, `│ 1 │ x: restart\.auto +│ +6:\d+ │ +1h │ +2h │ +3h │ +1\.0 \[1\.0, 1\.0\] │ +3\.0 \[3\.0, 3\.0\] │ +2\.0 │ +\+2\.0 \[\+2\.0, \+2\.0\] │`, table)
	md := mustRun(t, "sensitivity", path, "--metric", "downtime:x", "--trials", "20", "--format", "markdown")
	assert.Regexp(t, `\| 1 +\| x: restart\.auto +\| +6:\d+ \| +1h \|`, md)
	rows, err := csv.NewReader(strings.NewReader(mustRun(t, "sensitivity", path, "--metric", "downtime:x", "--trials", "20", "--format", "csv"))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	row := map[string]string{}
	for i, h := range rows[0] {
		row[h] = rows[1][i]
	}
	assert.Equal(t, "1", row["low_mean"])
	assert.Equal(t, "3", row["high_mean"])
	assert.Equal(t, "2", row["swing"])
	assert.Equal(t, "3600000", row["low"])
	assert.Equal(t, "1h", row["low_text"])

	// The chart, directly or from the JSON, is the same picture.
	dir := t.TempDir()
	direct, viaJSON, js := filepath.Join(dir, "a.svg"), filepath.Join(dir, "b.svg"), filepath.Join(dir, "s.json")
	mustRun(t, "sensitivity", path, "--metric", "downtime:x", "--trials", "20", "-o", direct)
	mustRun(t, "sensitivity", path, "--metric", "downtime:x", "--trials", "20", "-o", js)
	mustRun(t, "plot", "--kind", "tornado", js, "-o", viaJSON)
	svg := readFile(t, direct)
	assert.Equal(t, svg, readFile(t, viaJSON))
	assert.Contains(t, svg, "<svg")
	png := filepath.Join(dir, "t.png")
	mustRun(t, "sensitivity", path, "--metric", "downtime:x", "--trials", "20", "-o", png)
	assert.True(t, strings.HasPrefix(readFile(t, png), "\x89PNG"))
}

// The band of the closed form: full recovery uniform over [1h, 3h], so the
// 5th and 95th percentiles over the draws are 1.1h and 2.9h; with a Latin
// hypercube of n draws each is exact to one slice of the range, 2h/n.
func TestUncertaintyClosedForm(t *testing.T) {
	const n = 40
	path := writeTemp(t, "closed.yaml", closedFormYAML)
	var r sim.Results
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "run", path, "--uncertainty", fmt.Sprint(n), "--trials", "2", "--format", "json")), &r))
	u := r.Uncertainty
	require.NotNil(t, u)
	assert.Equal(t, n, u.Draws)
	assert.Equal(t, 2, u.TrialsPerDraw)
	assert.Equal(t, "latin-hypercube", u.Sampling)
	require.Len(t, u.Inputs, 1)
	assert.Equal(t, float64(graph.Hour), u.Inputs[0].Low)
	assert.Equal(t, float64(3*graph.Hour), u.Inputs[0].High)
	fr := u.Metrics[0]
	require.Equal(t, "full_recovery_ms", fr.Metric)
	h := float64(graph.Hour)
	slice := 2 * h / n
	assert.InDelta(t, 1.1*h, fr.P5, slice)
	assert.InDelta(t, 2.9*h, fr.P95, slice)
	assert.InDelta(t, 1*h, fr.Min, slice)
	assert.InDelta(t, 3*h, fr.Max, slice)
	assert.InDelta(t, 2*h, fr.Mean, slice/2)
	// The nominal run is the plain run: 2h exactly, and byte for byte
	// what run without --uncertainty writes, but for the uncertainty.
	assert.Equal(t, 2*h, r.Summary.FullRecovery.Mean)
	var plain sim.Results
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "run", path, "--trials", "2", "--format", "json")), &plain))
	r.Uncertainty = nil
	assert.Equal(t, plain, r)

	// Every format shows the band.
	table := mustRun(t, "run", path, "--uncertainty", fmt.Sprint(n), "--trials", "2")
	assert.Regexp(t, `│ Time to full recovery +│ +2h │ +2h – 2h │ +\S+ │ +1h\d+m │ +2h\d+m │`, table)
	md := mustRun(t, "run", path, "--uncertainty", fmt.Sprint(n), "--trials", "2", "--format", "markdown")
	assert.Contains(t, md, "### Uncertainty")
	assert.Regexp(t, `\| Time to full recovery +\| +2h \|`, md)
	rows, err := csv.NewReader(strings.NewReader(mustRun(t, "run", path, "--uncertainty", fmt.Sprint(n), "--trials", "2", "--format", "csv"))).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, c := range rows[0] {
		col[c] = i
	}
	assert.Equal(t, strconv.FormatFloat(fr.P5, 'f', -1, 64), rows[1][col["uncertainty_full_recovery_p5_ms"]])
	assert.Equal(t, fmt.Sprint(n), rows[1][col["uncertainty_draws"]])
	last := rows[len(rows)-1]
	assert.Equal(t, "input", last[0])
	assert.Equal(t, u.Inputs[0].Path, last[col["input_path"]])
	assert.Equal(t, "3600000", last[col["input_low"]])
}

// uncertainStochasticYAML is stochasticYAML with uncertain inputs of three
// kinds, so that shards of an uncertainty run have something to disagree on.
var uncertainStochasticYAML = strings.NewReplacer(
	"manual: {lognormal: {median: 2h, p95: 6h}}", "manual: {lognormal: {median: {uncertain: {low: 1h, high: 3h}}, p95: 6h}}",
	"mttr: {exponential: {mean: 4h}}", "mttr: {exponential: {mean: {uncertain: {low: 2h, high: 8h, dist: loguniform}}}}",
	"duration: {lognormal: {median: 10h, p95: 30h}}", "duration: {lognormal: {median: {uncertain: {low: 5h, high: 15h, dist: triangular, mode: 10h}}, p95: 30h}}",
	"crews: 1", "crews: {uncertain: {low: 1, high: 3}}",
	"probability: 0.3", "probability: {uncertain: {low: 0.1, high: 0.5}}",
).Replace(stochasticYAML)

// Shards of an uncertainty run, merged, are byte for byte the one run,
// in JSON and in CSV.
func TestUncertaintyShardsMerge(t *testing.T) {
	path := writeTemp(t, "small.yaml", uncertainStochasticYAML)
	args := []string{"--uncertainty", "7", "--trials", "40", "--seed", "3"}
	one := mustRun(t, append([]string{"run", path, "--format", "json"}, args...)...)
	oneCSV := mustRun(t, append([]string{"run", path, "--format", "csv"}, args...)...)
	var r sim.Results
	require.NoError(t, json.Unmarshal([]byte(one), &r))
	require.NotNil(t, r.Uncertainty)
	require.Len(t, r.Uncertainty.Inputs, 5, "the test needs its inputs to be uncertain")
	for _, shards := range []int{2, 3, 9} {
		dir := t.TempDir()
		var parts []string
		for i := range shards {
			p := filepath.Join(dir, fmt.Sprintf("part-%d.json", i))
			mustRun(t, append([]string{"run", path, "--shard", fmt.Sprintf("%d/%d", i, shards), "--workers", "1", "-o", p}, args...)...)
			parts = append(parts, p)
		}
		assert.Equal(t, one, mustRun(t, append([]string{"merge", "--format", "json"}, parts...)...), "%d shards", shards)
		assert.Equal(t, oneCSV, mustRun(t, append([]string{"merge", "--format", "csv"}, parts...)...), "%d shards", shards)
	}

	// Parts of a plain run and of an uncertainty run do not merge.
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	mustRun(t, append([]string{"run", path, "--shard", "0/2", "-o", a}, args...)...)
	mustRun(t, "run", path, "--shard", "1/2", "--trials", "40", "--seed", "3", "-o", b)
	code, _, errOut := runCLI(t, context.Background(), "merge", a, b)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errOut, "parts of different runs")
}

// A file without uncertain inputs: sensitivity and --uncertainty say there
// is nothing to vary (exit 1), and a bad --uncertainty is a usage error.
func TestUncertaintyNeedsInputs(t *testing.T) {
	fire := writeFire(t)
	for _, args := range [][]string{{"sensitivity", fire}, {"run", fire, "--uncertainty", "3"}} {
		code, _, errOut := runCLI(t, context.Background(), args...)
		assert.Equal(t, exitInput, code, "%v", args)
		assert.Contains(t, errOut, "has no uncertain inputs to vary", "%v", args)
	}
	for _, v := range []string{"0", "-2", "100001"} {
		code, _, errOut := runCLI(t, context.Background(), "run", fire, "--uncertainty", v)
		assert.Equal(t, exitUsage, code, v)
		assert.Contains(t, errOut, "--uncertainty", v)
	}
}

// sensitivity and run --uncertainty work on every embedded scenario: each
// built-in file marks its assumptions uncertain.
func TestUncertaintyEveryEmbeddedScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every embedded scenario")
	}
	for _, name := range scenarios.Names() {
		for _, id := range embeddedScenarioIDs(t, name) {
			t.Run(name+"/"+id, func(t *testing.T) {
				var s sim.Sensitivity
				require.NoError(t, json.Unmarshal([]byte(mustRun(t, "sensitivity", name, "--scenario", id, "--trials", "3", "--format", "json")), &s))
				assert.NotEmpty(t, s.Inputs)
				for i := 1; i < len(s.Inputs); i++ {
					assert.GreaterOrEqual(t, s.Inputs[i-1].Swing, s.Inputs[i].Swing, "sorted by swing")
				}
				var r sim.Results
				require.NoError(t, json.Unmarshal([]byte(mustRun(t, "run", name, "--scenario", id, "--uncertainty", "2", "--trials", "3", "--format", "json")), &r))
				require.NotNil(t, r.Uncertainty)
				assert.Equal(t, 2, r.Uncertainty.Draws)
				assert.Len(t, r.Uncertainty.Inputs, len(s.Inputs))
			})
		}
	}
}

func embeddedScenarioIDs(t *testing.T, name string) []string {
	t.Helper()
	f, err := graph.LoadFS(scenarios.FS, scenarios.Path(name))
	require.NoError(t, err)
	ids := make([]string, len(f.Scenarios))
	for i, sc := range f.Scenarios {
		ids[i] = sc.ID
	}
	return ids
}

// --versus measures the scenario minus another, both built with the same
// input values: one blink against two costs one restart less.
func TestSensitivityVersus(t *testing.T) {
	path := writeTemp(t, "closed.yaml", closedFormYAML+`  - id: twice
    horizon: 1d
    events:
      - {kind: site-outage, site: a, duration: 0s}
      - {kind: site-outage, site: a, at: 12h, duration: 0s}
`)
	var s sim.Sensitivity
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "sensitivity", path, "--versus", "twice", "--metric", "downtime:x", "--trials", "5", "--format", "json")), &s))
	assert.Equal(t, "twice", s.Versus)
	assert.Equal(t, -2.0, s.Baseline.Mean)
	require.Len(t, s.Inputs, 1)
	assert.Equal(t, -1.0, s.Inputs[0].Low.Mean)
	assert.Equal(t, -3.0, s.Inputs[0].High.Mean)
	assert.Equal(t, 2.0, s.Inputs[0].Swing)
	table := mustRun(t, "sensitivity", path, "--versus", "twice", "--metric", "downtime:x", "--trials", "5")
	assert.Contains(t, table, "of scenario stop minus scenario twice, trial by trial; baseline (every input nominal) -2.0")

	code, _, errOut := runCLI(t, context.Background(), "sensitivity", path, "--versus", "stop")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--versus stop is the scenario itself")
	code, _, errOut = runCLI(t, context.Background(), "sensitivity", path, "--versus", "twise")
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errOut, `unknown scenario "twise" (did you mean "twice"?)`)
}

// --top keeps the inputs with the largest swings and says how many it
// left out, in every format.
func TestSensitivityTop(t *testing.T) {
	path := writeTemp(t, "small.yaml", uncertainStochasticYAML)
	var all, top sim.Sensitivity
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "sensitivity", path, "--trials", "30", "--format", "json")), &all))
	require.NoError(t, json.Unmarshal([]byte(mustRun(t, "sensitivity", path, "--trials", "30", "--top", "2", "--format", "json")), &top))
	require.Len(t, all.Inputs, 5)
	assert.Equal(t, all.Inputs[:2], top.Inputs)
	assert.Equal(t, 3, top.Omitted)
	assert.Contains(t, mustRun(t, "sensitivity", path, "--trials", "30", "--top", "2"), "3 more inputs with smaller swings are left out (--top 2).")
	code, _, errOut := runCLI(t, context.Background(), "sensitivity", path, "--top", "-1")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--top -1")
}
