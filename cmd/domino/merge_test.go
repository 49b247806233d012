package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/sim"
)

// stochasticYAML is a small scenario with random failures, a shared crew
// and a manual failover, so that every figure varies between trials.
const stochasticYAML = `version: 1
platform:
  name: small
  sites: [{id: a, mtbf: 3d, mttr: {exponential: {mean: 6h}}}, {id: b}]
  services:
    - {id: ctl, placement: {a: 1}, mtbf: 2d, mttr: {exponential: {mean: 4h}}}
    - id: db
      users: 100
      placement: {a: 4, b: 4}
      redundancy: {mode: active-standby, failover: {auto: 5m, manual: {lognormal: {median: 2h, p95: 6h}}}}
      tooling: [ctl]
      data: {replication: async, lag: {exponential: {mean: 30s}}}
    - {id: web, users: 1000, cost_per_hour: 2.5, placement: {a: 2, b: 2}, depends_on: [db, {service: ctl, soft: true}]}
scenarios:
  - id: mixed
    crews: 1
    events:
      - {kind: random-failures}
      - {kind: site-outage, site: a, probability: 0.3, destroys_data: 0.5, duration: {lognormal: {median: 10h, p95: 30h}}}
`

// TestMergeEqualsOneRun checks the scale-out contract: the parts of n
// shards, merged, are byte for byte the results file of one run with the
// same trials and seed, whatever n and the worker count.
func TestMergeEqualsOneRun(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	require.NoError(t, os.WriteFile(small, []byte(stochasticYAML), 0o644))
	tests := []struct {
		name, file, trials string
	}{
		{"kakao", "kakao-pangyo-2022", "150"},
		{"small-stochastic", small, "500"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			one := filepath.Join(dir, tt.name+"-one.json")
			mustRun(t, "run", tt.file, "--trials", tt.trials, "--seed", "9", "--workers", "2", "-o", one)
			want := readFile(t, one)
			for _, n := range []int{1, 3, 7} {
				var parts []string
				for i := range n {
					p := filepath.Join(dir, fmt.Sprintf("%s-%d-of-%d.part.json", tt.name, i, n))
					mustRun(t, "run", tt.file, "--trials", tt.trials, "--seed", "9", "--workers", fmt.Sprint(1+i%3), "--shard", fmt.Sprintf("%d/%d", i, n), "-o", p)
					parts = append(parts, p)
				}
				merged := filepath.Join(dir, fmt.Sprintf("%s-merged-%d.json", tt.name, n))
				mustRun(t, append([]string{"merge", "-o", merged}, parts...)...)
				assert.Equal(t, want, readFile(t, merged), "%d shards: the merged file differs from one run's", n)
			}
		})
	}
}

// TestMergedFileIsAResultsFile runs the reporting commands on a merged
// file: it is an ordinary results file.
func TestMergedFileIsAResultsFile(t *testing.T) {
	dir := t.TempDir()
	var parts []string
	for i := range 2 {
		p := filepath.Join(dir, fmt.Sprintf("p%d.json", i))
		mustRun(t, "run", "--trials", "40", "--shard", fmt.Sprintf("%d/2", i), "-o", p)
		parts = append(parts, p)
	}
	merged := filepath.Join(dir, "merged.json")
	mustRun(t, append([]string{"merge", "-o", merged}, parts...)...)
	assert.Contains(t, mustRun(t, "compare", merged, merged), "pangyo-fire", "compare of the merged file does not name its scenario")
	assert.Contains(t, mustRun(t, "graph", "kakao-pangyo-2022", "--results", merged, "--format", "dot"), "digraph", "graph --results with the merged file gave no DOT")
	svg := filepath.Join(dir, "rec.svg")
	mustRun(t, "plot", merged, "-o", svg)
	assert.Contains(t, readFile(t, svg), "<svg", "plot of the merged file wrote no SVG")
	assert.Contains(t, mustRun(t, "merge", "--format", "table", parts[0], parts[1]), "Trials", "merge --format table gave no results table")
}

func TestMergeErrors(t *testing.T) {
	dir := t.TempDir()
	part := func(name, shard, seed string) string {
		p := filepath.Join(dir, name)
		mustRun(t, "run", "--trials", "30", "--seed", seed, "--shard", shard, "-o", p)
		return p
	}
	p0, p1, p2 := part("p0.json", "0/3", "1"), part("p1.json", "1/3", "1"), part("p2.json", "2/3", "1")
	other := part("other-seed.json", "1/3", "2")
	results := filepath.Join(dir, "results.json")
	mustRun(t, "run", "--trials", "30", "-o", results)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"gap", []string{p0, p2}, exitInput, "trials [10, 20) are in no part: " + p0 + " ends at trial 10 and " + p2 + " starts at trial 20"},
		{"overlap", []string{p0, p1, p1, p2}, exitInput, "overlap on trials [10, 20)"},
		{"seed", []string{p0, other, p2}, exitInput, "are parts of different runs: seed 1 and 2"},
		{"results file", []string{p0, results}, exitInput, "a results file, not a part"},
		{"missing", []string{filepath.Join(dir, "nope.json")}, exitInput, "read part:"},
		{"no parts", nil, exitUsage, "merge needs the part files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, context.Background(), append([]string{"merge"}, tt.args...)...)
			assert.Equal(t, tt.code, code, "status")
			assert.Empty(t, out, "stdout")
			assert.Contains(t, errOut, tt.want, "stderr")
		})
	}
}

// clearArrayEnv unsets the job-array variables for the test.
func clearArrayEnv(t *testing.T) {
	for _, v := range []string{"JOB_COMPLETION_INDEX", "JOB_COMPLETIONS", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
		"SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "SLURM_ARRAY_TASK_STEP"} {
		t.Setenv(v, "")
	}
}

// TestRunShardFromEnv checks that with --shard auto a Kubernetes Indexed
// Job's or a Slurm array's variables give the part --shard i/n would.
func TestRunShardFromEnv(t *testing.T) {
	clearArrayEnv(t)
	args := []string{"run", "--trials", "30", "--seed", "3"}
	want := mustRun(t, append(args, "--shard", "2/4")...)
	auto := append(slices.Clone(args), "--shard", "auto")
	t.Run("kubernetes", func(t *testing.T) {
		t.Setenv("JOB_COMPLETION_INDEX", "2")
		t.Setenv("JOB_COMPLETIONS", "4")
		code, got, errOut := runCLI(t, context.Background(), auto...)
		assert.Equal(t, exitOK, code, errOut)
		assert.Equal(t, want, got, "--shard auto with JOB_COMPLETION_INDEX=2 of 4: want the part of --shard 2/4")
		assert.Contains(t, errOut, "shard 2 of 4 (from JOB_COMPLETION_INDEX/JOB_COMPLETIONS)")
	})
	t.Run("slurm from 1", func(t *testing.T) {
		for k, v := range map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4",
			"SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4", "SLURM_ARRAY_TASK_STEP": "1"} {
			t.Setenv(k, v)
		}
		code, got, errOut := runCLI(t, context.Background(), auto...)
		assert.Equal(t, exitOK, code, errOut)
		assert.Equal(t, want, got, "--shard auto with SLURM_ARRAY_TASK_ID=3 of 1-4: want the part of --shard 2/4")
	})
	t.Run("flag wins", func(t *testing.T) {
		t.Setenv("JOB_COMPLETION_INDEX", "0")
		t.Setenv("JOB_COMPLETIONS", "4")
		assert.Equal(t, want, mustRun(t, append(args, "--shard", "2/4")...), "--shard 2/4 with JOB_COMPLETION_INDEX=0 set: not the part of shard 2")
	})
}

// TestRunInJobArrayIsPlain checks that a run without --shard inside a job
// array runs every trial and prints what was asked for: the environment
// alone never turns a run into a part file.
func TestRunInJobArrayIsPlain(t *testing.T) {
	clearArrayEnv(t)
	args := []string{"run", "--trials", "30", "--seed", "3", "--format", "csv"}
	want := mustRun(t, args...)
	envs := map[string]map[string]string{
		"kubernetes": {"JOB_COMPLETION_INDEX": "2", "JOB_COMPLETIONS": "4"},
		"slurm": {"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "10",
			"SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "9"},
	}
	for name, vars := range envs {
		t.Run(name, func(t *testing.T) {
			for k, v := range vars {
				t.Setenv(k, v)
			}
			code, got, errOut := runCLI(t, context.Background(), args...)
			require.Equal(t, exitOK, code, errOut)
			assert.Equal(t, want, got, "a plain run in a job array: want every trial, as a CSV")
			assert.Contains(t, errOut, "--shard auto runs this task's slice")
			code, got, errOut = runCLI(t, context.Background(), "run", "--trials", "30", "--format", "table")
			assert.Equal(t, exitOK, code, errOut)
			assert.Contains(t, got, "Trials:   30 (seed 1)")
		})
	}
}

func TestRunShardErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"bad flag", nil, []string{"--shard", "3"}, exitUsage, `--shard "3": want i/n`},
		{"index too big", nil, []string{"--shard", "4/4"}, exitUsage, "shard 4 of 4: want 0 ≤ i < n"},
		{"format", nil, []string{"--shard", "0/2", "--format", "csv"}, exitUsage, "writes a part file (JSON), not --format csv"},
		{"auto outside an array", nil, []string{"--shard", "auto"}, exitUsage, "--shard auto: neither JOB_COMPLETION_INDEX"},
		{"no completions", map[string]string{"JOB_COMPLETION_INDEX": "1"}, []string{"--shard", "auto"}, exitInput, "JOB_COMPLETIONS is not set"},
		{"slurm list", map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "3",
			"SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "9"}, []string{"--shard", "auto"}, exitInput, "are not one range: submit it with --array=0-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearArrayEnv(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			code, out, errOut := runCLI(t, context.Background(), append([]string{"run", "--trials", "10"}, tt.args...)...)
			assert.Equal(t, tt.code, code, "status")
			assert.Empty(t, out, "stdout")
			assert.Contains(t, errOut, tt.want, "stderr")
		})
	}
}

// Slurm arrays need not start at 0 nor step by 1.
func TestShardFromSlurmEnv(t *testing.T) {
	tests := []struct {
		id, count, lo, hi, step string
		want                    int
	}{
		{"0", "4", "0", "3", "", 0},
		{"5", "4", "5", "8", "1", 0},
		{"8", "4", "5", "8", "1", 3},
		{"6", "4", "0", "6", "2", 3},
	}
	for _, tt := range tests {
		env := map[string]string{"SLURM_ARRAY_TASK_ID": tt.id, "SLURM_ARRAY_TASK_COUNT": tt.count,
			"SLURM_ARRAY_TASK_MIN": tt.lo, "SLURM_ARRAY_TASK_MAX": tt.hi, "SLURM_ARRAY_TASK_STEP": tt.step}
		sh, ok, err := shardFromEnv(func(k string) string { return env[k] })
		assert.True(t, ok, "%v", env)
		if assert.NoError(t, err, "%v", env) {
			assert.Equal(t, [2]int{tt.want, 4}, [2]int{sh.index, sh.count}, "%v: shard i of n", env)
		}
	}
	_, ok, err := shardFromEnv(func(string) string { return "" })
	assert.False(t, ok, "no variables: want no shard")
	assert.NoError(t, err, "no variables")
}

// TestMergeChecksParts runs merge on parts changed after they were
// written: edited by hand (checksum unchanged), partial, and of another
// build (checksum recomputed, as a tool that knows the format would).
func TestMergeChecksParts(t *testing.T) {
	dir := t.TempDir()
	var parts []string
	for i := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("p%d.json", i))
		mustRun(t, "run", "--trials", "30", "--shard", fmt.Sprintf("%d/3", i), "-o", p)
		parts = append(parts, p)
	}
	// rewrite writes part i, changed by edit, under a new name.
	rewrite := func(name, from string, edit func(*sim.Part)) string {
		f, err := os.Open(from)
		require.NoError(t, err)
		defer f.Close()
		p, err := sim.ReadPart(f, from)
		require.NoError(t, err)
		edit(p)
		var buf bytes.Buffer
		require.NoError(t, sim.WritePart(&buf, p))
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
		return path
	}
	edited := filepath.Join(dir, "edited.json")
	text := readFile(t, parts[0])
	deadlock := regexp.MustCompile(`"deadlock": [0-9]+`)
	require.True(t, deadlock.MatchString(text), "the part has no deadlock count")
	require.NoError(t, os.WriteFile(edited, []byte(deadlock.ReplaceAllString(text, `"deadlock": 5000`)), 0o644))
	otherBuild := rewrite("other-build.json", parts[1], func(p *sim.Part) { p.Build = "v9 go1 rev:abc" })
	// The first 5 trials of a 15-trial run are the first 5 of the
	// 30-trial run (trials are keyed by seed and index): as shard 0/3 of
	// 30 interrupted after 5.
	short := filepath.Join(dir, "short.json")
	mustRun(t, "run", "--trials", "15", "--shard", "0/3", "-o", short)
	partial := rewrite("partial.json", short, func(p *sim.Part) { p.Trials, p.To, p.Partial = 30, 10, true })
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"edited", []string{edited, parts[1], parts[2]}, "edited.json: the part's body_sha256"},
		{"other build", []string{parts[0], otherBuild, parts[2]}, "are parts of different runs: build "},
		{"partial", []string{partial, parts[1], parts[2]}, "partial.json is partial: its run was interrupted after 5 of its trials [0, 10); " +
			"run that shard again, or merge with --allow-partial for results marked partial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, context.Background(), append([]string{"merge"}, tt.args...)...)
			assert.Equal(t, exitInput, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, tt.want)
		})
	}
	out := mustRun(t, "merge", "--allow-partial", "--format", "table", partial, parts[1], parts[2])
	assert.Contains(t, out, "25 (seed 1) — PARTIAL: interrupted after 25 of the 30 trials asked for")
}

// TestVersionNamesTheBuild checks that domino version shows the identity
// parts carry.
func TestVersionNamesTheBuild(t *testing.T) {
	out := mustRun(t, "version")
	assert.Equal(t, "domino "+dominoVersion()+"\nbuild "+buildID()+"\n", out)
	assert.Contains(t, buildID(), runtime.Version())
	// A test binary records no VCS revision: the executable's hash.
	assert.Regexp(t, ` (rev:[0-9a-f]+|exe:[0-9a-f]{16})`, buildID())
}
