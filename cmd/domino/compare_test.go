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

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

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
	if got, want := len(rows), 1+2*len(sim.CompareMetrics); got != want {
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
