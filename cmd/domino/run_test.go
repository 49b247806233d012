package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/sim"
)

func TestRun(t *testing.T) {
	fire := writeFire(t)
	dir := t.TempDir()
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantOut    []string
		wantErr    []string
	}{
		{
			name:       "embedded default",
			args:       []string{"run", "--trials", "200"},
			wantStatus: exitOK,
			wantOut: []string{"Scenario: pangyo-fire — ", "Platform: kakao-2022", "Trials:   200 (seed 1)",
				"Time to full recovery", "User-hours lost", "Money lost (KRW)", "talk-messaging", "site pangyo"},
		},
		{
			name:       "embedded by name, other scenario",
			args:       []string{"run", "kakao-pangyo-2022", "--scenario", "ops-tools-3dc", "--trials", "64", "--format", "markdown"},
			wantStatus: exitOK,
			wantOut:    []string{"## Scenario `ops-tools-3dc`", "| Service ", "- **Trials:** 64 (seed 1)"},
		},
		{
			name:       "file, second scenario",
			args:       []string{"run", fire, "--scenario", "nothing"},
			wantStatus: exitOK,
			wantOut:    []string{"Scenario: nothing", "Trials:   10,000 (seed 1)"},
		},
		{
			name:       "unknown scenario",
			args:       []string{"run", fire, "--scenario", "a-burn"},
			wantStatus: exitInput,
			wantErr:    []string{`unknown scenario "a-burn" (did you mean "a-burns"?); the file has: a-burns, nothing`},
		},
		{
			name:       "missing file",
			args:       []string{"run", filepath.Join(dir, "nope.yaml")},
			wantStatus: exitInput,
			wantErr:    []string{"no file or embedded scenario"},
		},
		{
			name:       "bad flag",
			args:       []string{"run", "--trails", "10"},
			wantStatus: exitUsage,
			wantErr:    []string{"unknown flag: --trails", "Try: domino help run"},
		},
		{
			name:       "bad format",
			args:       []string{"run", fire, "--format", "xml"},
			wantStatus: exitUsage,
			wantErr:    []string{`unknown --format "xml": want table, markdown, csv, json`},
		},
		{
			name:       "format not implied by -o",
			args:       []string{"run", fire, "-o", filepath.Join(dir, "out.yaml")},
			wantStatus: exitUsage,
			wantErr:    []string{"cannot tell the format"},
		},
		{
			name:       "two files",
			args:       []string{"run", fire, fire},
			wantStatus: exitUsage,
			wantErr:    []string{"at most one FILE"},
		},
		{
			name:       "zero workers",
			args:       []string{"run", fire, "--workers", "0"},
			wantStatus: exitUsage,
			wantErr:    []string{"--workers must be in [1, 1024]"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, context.Background(), tt.args...)
			if code != tt.wantStatus {
				t.Errorf("got status %d, want %d\nstderr:\n%s", code, tt.wantStatus, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if tt.wantStatus == exitOK && errOut != "" {
				// stderr is not a terminal here: no progress bar, nothing else.
				t.Errorf("got stderr %q, want nothing", errOut)
			}
		})
	}
}

// TestRunClosedForm checks the numbers of a scenario whose outcome is the
// same in every trial, through the JSON a user would read.
func TestRunClosedForm(t *testing.T) {
	const tenHours = 10 * 3600 * 1000
	code, out, errOut := runCLI(t, context.Background(), "run", writeFire(t), "--format", "json")
	if code != exitOK {
		t.Fatalf("got status %d, want 0\nstderr:\n%s", code, errOut)
	}
	var r sim.Results
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Scenario != "a-burns" || r.Trials != 50 || r.Seed != 1 {
		t.Errorf("got scenario %q, %d trials, seed %d; want a-burns, 50 (the file's), 1", r.Scenario, r.Trials, r.Seed)
	}
	for _, s := range r.Services {
		want := sim.Summary{Mean: tenHours, CI95: [2]float64{tenHours, tenHours}, P50: tenHours, P90: tenHours, P99: tenHours}
		if s.Downtime != want {
			t.Errorf("%s: got downtime %+v, want %+v", s.ID, s.Downtime, want)
		}
		if s.PAffected != 1 || s.PUnrecovered != 0 {
			t.Errorf("%s: got P(affected) %v, P(unrecovered) %v; want 1, 0", s.ID, s.PAffected, s.PUnrecovered)
		}
	}
	if got, want := r.Services[0].PRTOBreach, 1.0; got != want {
		t.Errorf("db: got P(RTO breach) %v, want %v (10h outage, rto 1h)", got, want)
	}
	if got, want := r.Services[1].TopCause, "dependency db"; got != want {
		t.Errorf("web: got top cause %q, want %q", got, want)
	}
	if got, want := r.Summary.UserHours.Mean, 1000*10.0; got != want {
		t.Errorf("got user-hours %v, want %v", got, want)
	}
	if got, want := r.Summary.Cost.Mean, 10*10.0; got != want {
		t.Errorf("got cost %v, want %v", got, want)
	}
	if got, want := r.Summary.FullRecovery.Mean, float64(tenHours); got != want {
		t.Errorf("got full recovery %v, want %v", got, want)
	}
}

func TestRunOutputFile(t *testing.T) {
	fire := writeFire(t)
	dir := t.TempDir()

	jsonPath := filepath.Join(dir, "r.json")
	code, out, errOut := runCLI(t, context.Background(), "run", fire, "-o", jsonPath)
	if code != exitOK || out != "" {
		t.Fatalf("got status %d and stdout %q, want 0 and nothing\nstderr:\n%s", code, out, errOut)
	}
	data, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var r sim.Results
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("%s is not JSON: %v", jsonPath, err)
	}
	if r.Schema != sim.Schema || len(r.Services) != 2 {
		t.Errorf("got schema %q with %d services, want %q with 2", r.Schema, len(r.Services), sim.Schema)
	}

	csvPath := filepath.Join(dir, "r.csv")
	if code, _, errOut := runCLI(t, context.Background(), "run", fire, "-o", csvPath); code != exitOK {
		t.Fatalf("got status %d, want 0\nstderr:\n%s", code, errOut)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s is not CSV: %v", csvPath, err)
	}
	if len(rows) != 4 || rows[0][0] != "scope" || rows[1][0] != "platform" {
		t.Errorf("got %d rows starting %q, want a header, the platform and 2 services", len(rows), rows[0])
	}
}

// TestRunWorkersDoNotMatter checks docs/model.md §7: the same seed gives the
// same bytes whatever the number of workers.
func TestRunWorkersDoNotMatter(t *testing.T) {
	var outs []string
	for _, workers := range []string{"1", "3"} {
		code, out, errOut := runCLI(t, context.Background(), "run", "--trials", "300", "--seed", "42", "--workers", workers, "--format", "json")
		if code != exitOK {
			t.Fatalf("workers %s: got status %d\nstderr:\n%s", workers, code, errOut)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] {
		t.Errorf("JSON with --workers 1 and --workers 3 differ")
	}
	code, other, _ := runCLI(t, context.Background(), "run", "--trials", "300", "--seed", "43", "--format", "json")
	if code != exitOK || other == outs[0] {
		t.Errorf("seed 43 gave the same results as seed 42 (status %d)", code)
	}
}

func TestRunResultsSchema(t *testing.T) {
	schemaPath := filepath.Join("..", "..", "docs", "results.schema.json")
	// The published schemas, as they are (open: readers ignore fields a
	// later version adds); TestSchemasDescribeEveryField closes them.
	c := jsonschema.NewCompiler()
	for _, name := range []string{"results.schema.json", "risk.schema.json"} {
		f, err := os.Open(filepath.Join("..", "..", "docs", name))
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		require.NoError(t, err, name)
		require.NoError(t, c.AddResource(schemaBase+name, doc))
	}
	schema, err := c.Compile(schemaBase + "results.schema.json")
	if err != nil {
		t.Fatalf("compile %s: %v", schemaPath, err)
	}
	for _, args := range [][]string{
		{"run", "--trials", "200", "--format", "json"},
		{"run", writeFire(t), "--format", "json"},
		{"run", writeFire(t), "--scenario", "nothing", "--trials", "10", "--format", "json"},
		{"run", writeTemp(t, "closed.yaml", closedFormYAML), "--uncertainty", "5", "--trials", "3", "--format", "json"},
	} {
		code, out, errOut := runCLI(t, context.Background(), args...)
		if code != exitOK {
			t.Fatalf("%v: got status %d\nstderr:\n%s", args, code, errOut)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%v: output does not match %s:\n%v", args, schemaPath, err)
		}
	}
	// A partial file (an interrupted run) follows it too.
	partial := filepath.Join(t.TempDir(), "partial.json")
	if code, _, errOut := runCLI(t, newCancelAfter(1), "run", "--trials", "500", "--workers", "1", "-o", partial); code != exitInterrupted {
		t.Fatalf("interrupted run: got status %d\nstderr:\n%s", code, errOut)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(readFile(t, partial)))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("partial results do not match %s:\n%v", schemaPath, err)
	}
	// The schema must reject what it is there to catch.
	bad, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"schema": "domino.results/v1", "scenario": "x"}`))
	if err != nil {
		t.Fatal(err)
	}
	if schema.Validate(bad) == nil {
		t.Errorf("the schema accepts a results file without trials, services, platform and curve")
	}
}

func TestRunInterruptedBeforeATrial(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(t.TempDir(), "r.json")
	code, stdout, errOut := runCLI(t, ctx, "run", "--trials", "1000", "-o", out)
	if code != exitInterrupted || stdout != "" || !strings.Contains(errOut, "nothing written") {
		t.Errorf("got status %d, stdout %q, stderr %q; want %d, nothing written", code, stdout, errOut, exitInterrupted)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s exists after a run interrupted before its first trial", out)
	}
}

// cancelAfter is a context whose Err reports cancellation from its
// (n+1)th call on. The engine asks Err once before each chunk of trials,
// so with one worker exactly n chunks run: a cancellation "mid-run" at a
// known point, without timing.
type cancelAfter struct {
	context.Context
	left atomic.Int64
}

func newCancelAfter(n int64) *cancelAfter {
	c := &cancelAfter{Context: context.Background()}
	c.left.Store(n)
	return c
}

func (c *cancelAfter) Err() error {
	if c.left.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

// TestRunInterruptedMidRun checks that an interrupted run writes the
// results of exactly the trials it completed, the first ones, marked
// partial: they equal a whole run of that many trials.
func TestRunInterruptedMidRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "partial.json")
	code, _, errOut := runCLI(t, newCancelAfter(3), "run", "--trials", "1000", "--workers", "1", "-o", out)
	if code != exitInterrupted || !strings.Contains(errOut, "interrupted after 192 of 1,000 trials") {
		t.Fatalf("got status %d, stderr %q; want %d after 192 trials (3 chunks of 64)", code, errOut, exitInterrupted)
	}
	got := readFile(t, out)
	var head struct {
		Partial         bool `json:"partial"`
		Trials          int  `json:"trials"`
		TrialsDone      int  `json:"trials_done"`
		TrialsRequested int  `json:"trials_requested"`
	}
	if err := json.Unmarshal([]byte(got), &head); err != nil {
		t.Fatal(err)
	}
	if !head.Partial || head.Trials != 192 || head.TrialsDone != 192 || head.TrialsRequested != 1000 {
		t.Errorf("got partial %v, trials %d, trials_done %d, trials_requested %d; want true, 192, 192, 1000",
			head.Partial, head.Trials, head.TrialsDone, head.TrialsRequested)
	}
	whole := mustRun(t, "run", "--trials", "192", "--format", "json")
	for _, line := range []string{"  \"partial\": true,\n", "  \"trials_done\": 192,\n", "  \"trials_requested\": 1000,\n"} {
		got = strings.Replace(got, line, "", 1)
	}
	if got != whole {
		t.Errorf("the partial results differ from a whole run of its 192 trials")
	}

	// An interrupted shard writes a partial part, which merge refuses.
	part := filepath.Join(dir, "part.json")
	if code, _, _ := runCLI(t, newCancelAfter(1), "run", "--trials", "1000", "--workers", "1", "--shard", "0/1", "-o", part); code != exitInterrupted {
		t.Fatalf("interrupted shard: got status %d, want %d", code, exitInterrupted)
	}
	code, _, errOut = runCLI(t, context.Background(), "merge", part)
	if code != exitInput || !strings.Contains(errOut, "is partial: its run was interrupted after 64 of its trials [0, 1000)") {
		t.Errorf("merge of a partial part: got status %d, stderr %q", code, errOut)
	}
}
