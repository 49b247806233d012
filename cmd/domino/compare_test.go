package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

// mitigatedYAML is fireYAML's platform with db placed in both sites: the
// same fire, and web is never down.
var mitigatedYAML = strings.Replace(fireYAML, "{id: db, placement: {a: 4}, rto: 1h}", "{id: db, placement: {a: 4, b: 4}, rto: 1h}", 1)

func TestCompare(t *testing.T) {
	ctx := context.Background()
	fire := writeFire(t)
	dir := t.TempDir()
	mitigated := writeFile(t, dir, "mitigated.yaml", mitigatedYAML)
	r1, r2 := filepath.Join(dir, "r1.json"), filepath.Join(dir, "r2.json")
	for _, args := range [][]string{
		{"run", fire, "--trials", "20", "-o", r1},
		{"run", mitigated, "--trials", "30", "--seed", "2", "-o", r2},
	} {
		if code, _, stderr := runCLI(t, ctx, args...); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	scenarioJSON := writeFile(t, dir, "fire.json", `{"version": 1, "platform": {"sites": [{"id": "a"}],
		"services": [{"id": "x", "users": 5, "placement": {"a": 1}}]},
		"scenarios": [{"id": "dark", "trials": 10, "events": [{"kind": "site-outage", "site": "a", "duration": "1h"}]}]}`)
	notResults := writeFile(t, dir, "cmp.json", `{"schema": "domino.compare/v1"}`)

	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantOut    []string
		wantErr    []string
	}{
		{
			name:       "one file, all its scenarios",
			args:       []string{"compare", fire, "--trials", "50"},
			wantStatus: exitOK,
			wantOut: []string{"Baseline: a-burns", "50 per scenario (seed 1), paired", "Δ vs a-burns",
				"Money lost (EUR)", "Time to full recovery", "−10h [−10h, −10h] (−100%)", "User-hours lost"},
		},
		{
			name:       "embedded, chosen scenarios, CSV",
			args:       []string{"compare", "kakao-pangyo-2022", "--scenarios", "pangyo-fire, ops-tools-3dc", "--trials", "40", "--format", "csv"},
			wantStatus: exitOK,
			wantOut:    []string{"metric,unit,scenario,mean,", "user_hours,user-hours summed over services,ops-tools-3dc,"},
		},
		{
			name:       "two files, same scenario id: labelled by file",
			args:       []string{"compare", fire, mitigated, "--trials", "20"},
			wantStatus: exitOK,
			wantOut:    []string{"fire:a-burns", "mitigated:a-burns", "Δ vs fire:a-burns", "−10,000 [−10,000, −10,000] (−100%)"},
		},
		{
			name:       "FILE:ID",
			args:       []string{"compare", fire + ":nothing", mitigated + ":a-burns", "--trials", "20", "--format", "markdown"},
			wantStatus: exitOK,
			wantOut:    []string{"## Comparison to `nothing`", "| a-burns ", "Δ vs nothing"},
		},
		{
			name:       "a JSON scenario file is a scenario file",
			args:       []string{"compare", scenarioJSON},
			wantStatus: exitOK,
			wantOut:    []string{"Baseline: dark", "10 per scenario"},
		},
		{
			name:       "results files, unpaired",
			args:       []string{"compare", r1, r2},
			wantStatus: exitOK,
			wantOut: []string{"r1:a-burns 20 (seed 1), r2:a-burns 30 (seed 2); unpaired", "Δ vs r1:a-burns (unpaired)",
				"Δ (unpaired): results files hold no per-trial data"},
		},
		{
			name:       "unknown id in --scenarios",
			args:       []string{"compare", fire, "--scenarios", "a-burns,nothin"},
			wantStatus: exitInput,
			wantErr:    []string{`unknown scenario "nothin" (did you mean "nothing"?); the file has: a-burns, nothing`},
		},
		{
			name:       "unknown id in FILE:ID",
			args:       []string{"compare", fire + ":a-burns", mitigated + ":a-burn"},
			wantStatus: exitInput,
			wantErr:    []string{`unknown scenario "a-burn" (did you mean "a-burns"?)`},
		},
		{
			name:       "unknown embedded name",
			args:       []string{"compare", "kakao-pangyo"},
			wantStatus: exitInput,
			wantErr:    []string{`no file or embedded scenario named "kakao-pangyo" (did you mean "kakao-pangyo-2022"?)`},
		},
		{
			name:       "another schema",
			args:       []string{"compare", notResults, r1},
			wantStatus: exitInput,
			wantErr:    []string{`schema "domino.compare/v1", want "domino.results/v1"`},
		},
		{
			name:       "results and scenarios mixed",
			args:       []string{"compare", r1, fire},
			wantStatus: exitUsage,
			wantErr:    []string{"cannot mix results files and scenario files", "Try: domino help compare"},
		},
		{
			name:       "--scenarios with several files",
			args:       []string{"compare", fire, mitigated, "--scenarios", "a-burns"},
			wantStatus: exitUsage,
			wantErr:    []string{"with several files write FILE:ID"},
		},
		{
			name:       "--scenarios and FILE:ID",
			args:       []string{"compare", fire + ":a-burns", "--scenarios", "nothing"},
			wantStatus: exitUsage,
			wantErr:    []string{"not both"},
		},
		{
			name:       "a scenario twice",
			args:       []string{"compare", fire, "--scenarios", "a-burns,a-burns"},
			wantStatus: exitUsage,
			wantErr:    []string{`--scenarios lists "a-burns" twice`},
		},
		{
			name:       "--seed on results",
			args:       []string{"compare", r1, r2, "--seed", "3"},
			wantStatus: exitUsage,
			wantErr:    []string{"--seed does not apply to results files"},
		},
		{
			name:       "bad format",
			args:       []string{"compare", fire, "--format", "xml"},
			wantStatus: exitUsage,
			wantErr:    []string{`unknown --format "xml"`},
		},
		{
			name:       "zero trials",
			args:       []string{"compare", fire, "--trials", "0"},
			wantStatus: exitUsage,
			wantErr:    []string{"--trials must be in [1, 1000000000]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, ctx, tt.args...)
			if code != tt.wantStatus {
				t.Fatalf("exit status: got %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantStatus, stdout, stderr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

// compareJSON runs domino compare with --format json and decodes the output
// into v.
func compareJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, context.Background(), append(append([]string{"compare"}, args...), "--format", "json")...)
	if code != exitOK {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout)
	}
}

// Scenarios from several files are paired as those of one file: the same
// seed and trial keys, so the same numbers whatever the files they came in.
func TestCompareAcrossFilesIsPaired(t *testing.T) {
	fire := writeFire(t)
	copy := writeFile(t, t.TempDir(), "copy.yaml", fireYAML)
	var one, two sim.Comparison
	compareJSON(t, &one, fire, "--trials", "30", "--seed", "9")
	compareJSON(t, &two, fire+":a-burns", copy+":nothing", "--trials", "30", "--seed", "9", "--workers", "3")
	if one.Schema != sim.CompareSchema || one.Seed != 9 || one.Trials != 30 {
		t.Errorf("got schema %q seed %d trials %d, want %q 9 30", one.Schema, one.Seed, one.Trials, sim.CompareSchema)
	}
	if !reflect.DeepEqual(one.Metrics, two.Metrics) {
		t.Errorf("across files: got %+v, want the same metrics as within one file %+v", two.Metrics, one.Metrics)
	}
	if got, want := two.Scenarios, []string{"a-burns", "nothing"}; !reflect.DeepEqual(got, want) {
		t.Errorf("scenarios: got %v, want %v", got, want)
	}
}

func TestCompareResultsJSONAndOutputFile(t *testing.T) {
	ctx := context.Background()
	fire := writeFire(t)
	dir := t.TempDir()
	r1, r2 := filepath.Join(dir, "r1.json"), filepath.Join(dir, "r2.json")
	for _, args := range [][]string{
		{"run", fire, "--trials", "20", "-o", r1},
		{"run", fire, "--scenario", "nothing", "--trials", "20", "-o", r2},
	} {
		if code, _, stderr := runCLI(t, ctx, args...); code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	var c output.ResultsComparison
	compareJSON(t, &c, r1, r2)
	if c.Schema != output.ResultsCompareSchema || c.Paired {
		t.Errorf("got schema %q paired %v, want %q unpaired", c.Schema, c.Paired, output.ResultsCompareSchema)
	}
	// a-burns: web (1000 users) down exactly 10h in every trial.
	for _, m := range c.Metrics {
		if m.ID == "user_hours" {
			if m.Values[0].Mean != 10000 || m.Diffs[1].Mean != -10000 {
				t.Errorf("user-hours: got %v and diff %v, want 10000 and -10000", m.Values[0].Mean, m.Diffs[1].Mean)
			}
		}
	}

	out := filepath.Join(dir, "cmp.csv")
	if code, stdout, stderr := runCLI(t, ctx, "compare", r1, r2, "-o", out); code != exitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("-o cmp.csv is not CSV: %v", err)
	}
	// A header, one row per metric and file, and per compliance target
	// whose verdict changes (db's RTO: misses when it burns, meets when
	// mitigated).
	if got, want := len(rows), 1+2*(len(sim.CompareMetrics)+1); got != want {
		t.Errorf("got %d CSV rows, want %d", got, want)
	}
}

// The point of compare (docs/model.md §7): over the same trial keys the
// difference between Kakao's baseline and a mitigation has a much tighter
// CI than the same difference between independent runs.
func TestComparePairedNarrowerThanIndependent(t *testing.T) {
	const (
		trials = 400
		// The paired CI must be under this share of the independent one; on
		// user-hours it is about a third (the fire's power stages and repair
		// times dominate both runs and cancel when paired).
		maxRatio = 0.5
	)
	var paired sim.Comparison
	compareJSON(t, &paired, "kakao-pangyo-2022", "--scenarios", "pangyo-fire,ops-tools-3dc", "--trials", "400")

	f, err := loadInput("kakao-pangyo-2022")
	if err != nil {
		t.Fatal(err)
	}
	var cs []*graph.Compiled
	for _, id := range []string{"pangyo-fire", "ops-tools-3dc"} {
		c, err := graph.Compile(f.Scenario(id))
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	indep, err := sim.Compare(context.Background(), cs, trials, 1, 4, []uint64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	width := func(c *sim.Comparison) float64 {
		for _, m := range c.Metrics {
			if m.ID == "user_hours" {
				return m.Diffs[1].CI95[1] - m.Diffs[1].CI95[0]
			}
		}
		t.Fatal("no user_hours metric")
		return 0
	}
	wp, wi := width(&paired), width(indep)
	if !(wp > 0 && wp < maxRatio*wi) {
		t.Errorf("paired CI width %.4g, independent %.4g: want paired under %.2g× independent", wp, wi, maxRatio)
	}
	t.Logf("user-hours difference CI width: paired %.4g, independent %.4g (ratio %.3f)", wp, wi, wp/wi)
}

// otherYAML is fireYAML on another platform, counting money in KRW.
var otherYAML = strings.NewReplacer("name: two-sites", "name: elsewhere", "currency: EUR", "currency: KRW").Replace(fireYAML)

// Scenarios of different platforms share no random stream worth pairing
// (docs/model.md §7): compare says "independent", takes the unpaired CI, and
// never subtracts money in one currency from money in another.
func TestCompareOtherPlatformIsIndependent(t *testing.T) {
	fire := writeFire(t)
	other := writeFile(t, t.TempDir(), "other.yaml", otherYAML)
	args := []string{fire + ":a-burns", other + ":a-burns", "--trials", "30"}

	var c sim.Comparison
	compareJSON(t, &c, args...)
	assert.Equal(t, []bool{true, false}, c.Paired)
	assert.Equal(t, []string{"two-sites", "elsewhere"}, c.Platforms)
	assert.Equal(t, []string{"EUR", "KRW"}, c.Currencies)
	require.Len(t, c.Warnings, 2)
	assert.Contains(t, c.Warnings[0], "different platforms (fire:a-burns: two-sites, other:a-burns: elsewhere)")
	assert.Contains(t, c.Warnings[1], "different currencies (fire:a-burns: EUR, other:a-burns: KRW)")
	assert.Contains(t, c.Warnings[1], "--rate KRW=X, 1 KRW = X EUR")
	metric := func(c *sim.Comparison, id string) sim.ComparedMetric {
		for _, m := range c.Metrics {
			if m.ID == id {
				return m
			}
		}
		t.Fatalf("no metric %q", id)
		return sim.ComparedMetric{}
	}
	// The user-hours Δ is the difference of the means with the two CIs'
	// half-widths in quadrature, not a paired CI.
	uh := metric(&c, "user_hours")
	require.NotNil(t, uh.Diffs[1])
	assert.Equal(t, sim.UnpairedDiff(uh.Values[0], uh.Values[1]), *uh.Diffs[1])
	cost := metric(&c, "cost")
	assert.Nil(t, cost.Diffs[1], "money in KRW minus money in EUR")
	assert.Equal(t, []string{"EUR", "KRW"}, cost.Currencies)

	code, table, stderr := runCLI(t, context.Background(), append([]string{"compare"}, args...)...)
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, table, "paired: the same trial keys")
	assert.Contains(t, table, "independent: no scenario shares fire:a-burns's platform")
	assert.Contains(t, table, "Δ vs fire:a-burns (independent)")
	assert.Contains(t, table, "Warning: the scenarios are of different platforms")
	assert.Regexp(t, `│ Money lost +│ mean │ +100 EUR │ +100 KRW │ +— │`, table)
	assert.Empty(t, stderr, "the warnings are in the output")

	code, md, _ := runCLI(t, context.Background(), append([]string{"compare", "--format", "markdown"}, args...)...)
	require.Equal(t, exitOK, code)
	assert.Contains(t, md, "> **Warning:** money is counted in different currencies")

	code, out, _ := runCLI(t, context.Background(), append([]string{"compare", "--format", "csv"}, args...)...)
	require.Equal(t, exitOK, code)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, row := range rows[1:] {
		if row[col["metric"]] == "cost" && row[col["scenario"]] == "other:a-burns" {
			assert.Equal(t, "KRW", row[col["currency"]])
			assert.Equal(t, "", row[col["diff_mean"]])
			assert.Equal(t, "false", row[col["paired"]])
			assert.Contains(t, row[col["warning"]], "money in KRW, not EUR")
			assert.Contains(t, row[col["warning"]], "another platform than fire:a-burns's (elsewhere, not two-sites)")
		}
	}

	// With an exchange rate, KRW is converted into the baseline's EUR.
	var conv sim.Comparison
	compareJSON(t, &conv, append(args, "--rate", "KRW=0.0007")...)
	cc := metric(&conv, "cost")
	assert.Equal(t, map[string]float64{"KRW": 0.0007}, conv.Rates)
	assert.Equal(t, []string{"EUR", "EUR"}, cc.Currencies)
	assert.InDelta(t, 0.0007*cost.Values[1].Mean, cc.Values[1].Mean, 1e-9)
	require.NotNil(t, cc.Diffs[1])
	assert.Equal(t, sim.UnpairedDiff(cc.Values[0], cc.Values[1]), *cc.Diffs[1])
	assert.Len(t, conv.Warnings, 1, "only the platforms differ once money is converted")
}

func TestCompareRates(t *testing.T) {
	fire := writeFire(t)
	other := writeFile(t, t.TempDir(), "other.yaml", otherYAML)
	tests := []struct {
		name, rate, wantErr string
	}{
		{"not CUR=X", "KRW", `--rate "KRW": want CUR=X`},
		{"thousands separator", "KRW=1,450", "a comma separates rates: write EUR=1450, not EUR=1,450"},
		{"zero", "KRW=0", `"0" is not a positive number`},
		{"not a number", "KRW=abc", `"abc" is not a positive number`},
		{"twice", "KRW=1,KRW=2", "--rate gives KRW twice"},
		{"no such currency", "USD=1", "no compared scenario counts money in USD (their currencies: EUR, KRW)"},
		{"the baseline's", "EUR=1", "EUR is the baseline's currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, context.Background(), "compare", fire+":a-burns", other+":a-burns", "--trials", "5", "--rate", tt.rate)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, tt.wantErr)
		})
	}
}

// Results files of different platforms and currencies: the warnings are in
// every format of the output, not only on stderr.
func TestCompareResultsOfOtherPlatforms(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	other := writeFile(t, dir, "other.yaml", otherYAML)
	r1, r2 := filepath.Join(dir, "r1.json"), filepath.Join(dir, "r2.json")
	for _, args := range [][]string{
		{"run", writeFire(t), "--trials", "20", "-o", r1},
		{"run", other, "--trials", "20", "-o", r2},
	} {
		code, _, stderr := runCLI(t, ctx, args...)
		require.Equal(t, exitOK, code, stderr)
	}
	for format, want := range map[string][]string{
		"table":    {"Warning: the results files are of different platforms (r1:a-burns: two-sites, r2:a-burns: elsewhere)", "Warning: money is counted in different currencies"},
		"markdown": {"> **Warning:** the results files are of different platforms", "> **Warning:** money is counted in different currencies"},
		"csv":      {"another platform than r1:a-burns's (elsewhere, not two-sites)", "money in KRW, not EUR"},
		"json":     {`"warnings": [`, "the results files are of different platforms", `"currencies": [`},
	} {
		t.Run(format, func(t *testing.T) {
			code, out, stderr := runCLI(t, ctx, "compare", r1, r2, "--format", format)
			require.Equal(t, exitOK, code, stderr)
			for _, w := range want {
				assert.Contains(t, out, w)
			}
		})
	}
	var c output.ResultsComparison
	compareJSON(t, &c, r1, r2)
	for _, m := range c.Metrics {
		if m.ID == "cost" {
			assert.Nil(t, m.Diffs[1], "money in KRW minus money in EUR")
		}
	}
	// Written to a file, the warnings also go to stderr for whoever ran it.
	code, _, stderr := runCLI(t, ctx, "compare", r1, r2, "-o", filepath.Join(dir, "cmp.md"))
	require.Equal(t, exitOK, code)
	assert.Contains(t, stderr, "Warning: the results files are of different platforms")
}

// Issue: 'compare ovh-sbg-2021' showed offsite-backups "Data lost +133%":
// the total losses the backups remove were not counted, the finite ones
// that replace them were. The Δ is now like for like, beside the services
// losing all data, and cannot read as worse.
func TestCompareOffsiteBackupsIsNotMoreDataLost(t *testing.T) {
	code, out, stderr := runCLI(t, context.Background(), "compare", "ovh-sbg-2021", "--scenarios", "sbg-fire,offsite-backups", "--trials", "200")
	require.Equal(t, exitOK, code, stderr)
	var lost, all string
	for _, line := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(line, "│ Data lost"):
			lost = line
		case strings.HasPrefix(line, "│ Services losing all data"):
			all = line
		}
	}
	cells := func(line string) []string { return strings.Split(line, "│") }
	require.NotEmpty(t, lost, out)
	require.NotEmpty(t, all, out)
	assert.Equal(t, "0 (like for like)", strings.TrimSpace(cells(lost)[5]), "Δ of the data lost")
	assert.NotContains(t, lost, "+")
	assert.True(t, strings.HasPrefix(strings.TrimSpace(cells(all)[5]), output.Minus), "services losing all data go down: %s", all)
	assert.Contains(t, out, "Services breaching their RPO")
}

// TestCompareScenariosShowsVerdictChanges compares fireYAML's two
// scenarios, paired: db's 1h RTO is breached in every trial of a-burns
// (10h dark: misses) and in none of nothing's (100 trials put the
// Clopper–Pearson upper bound of P(breach), 1 − 0.025^(1/100) = 3.6%, below
// the 5% allowed: meets). Every format shows the change, each verdict
// being the one `run` gives that scenario.
func TestCompareScenariosShowsVerdictChanges(t *testing.T) {
	ctx := context.Background()
	fire := writeFire(t)
	args := []string{"compare", fire, "--trials", "100"}
	want := []string{sim.Misses, sim.Meets}
	for i, id := range []string{"a-burns", "nothing"} {
		code, out, errOut := runCLI(t, ctx, "run", fire, "--scenario", id, "--trials", "100", "--format", "json")
		require.Equal(t, exitOK, code, errOut)
		var r sim.Results
		require.NoError(t, json.Unmarshal([]byte(out), &r))
		require.NotNil(t, r.Compliance)
		require.Len(t, r.Compliance.Rows, 1)
		assert.Equal(t, want[i], r.Compliance.Rows[0].Verdict, "run %s", id)
	}

	var c sim.Comparison
	compareJSON(t, &c, args[1:]...)
	assert.Equal(t, []sim.ComplianceChange{{Service: "db", Target: "rto", TargetMs: graph.Hour, Verdicts: want}}, c.ComplianceChanges)

	for _, format := range []string{"table", "markdown"} {
		code, out, errOut := runCLI(t, ctx, append(args, "--format", format)...)
		require.Equal(t, exitOK, code, errOut)
		assert.Contains(t, out, "Compliance verdicts that change", format)
		assert.Regexp(t, `db\s*[│|]\s*RTO 1h\s*[│|]\s*misses\s*[│|]\s*meets\s*[│|]`, out, format)
	}

	code, out, errOut := runCLI(t, ctx, append(args, "--format", "csv")...)
	require.Equal(t, exitOK, code, errOut)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var got [][3]string
	for _, r := range recs[1:] {
		if r[col["unit"]] == "verdict" {
			got = append(got, [3]string{r[col["metric"]], r[col["scenario"]], r[col["verdict"]] + " " + r[col["target_ms"]]})
		}
	}
	assert.Equal(t, [][3]string{{"compliance:db:rto", "a-burns", "misses 3600000"}, {"compliance:db:rto", "nothing", "meets 3600000"}}, got)

	// A scenario compared with itself changes no verdict.
	code, out, errOut = runCLI(t, ctx, "compare", fire+":a-burns", fire+":a-burns", "--trials", "100")
	require.Equal(t, exitOK, code, errOut)
	assert.NotContains(t, out, "Compliance verdicts that change")
}
