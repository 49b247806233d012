package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
	"github.com/dominosim/domino/sim"
)

// traceDoc is the part of trace JSON the tests read.
type traceDoc struct {
	Schema     string `json:"schema"`
	Scenario   string `json:"scenario"`
	Trial      int    `json:"trial"`
	SelectedBy string `json:"selected_by"`
	Trials     int    `json:"trials"`
	Services   []struct {
		ID         string `json:"id"`
		DowntimeMs int64  `json:"downtime_ms"`
		FirstCause string `json:"first_cause"`
	} `json:"services"`
}

func traceJSON(t *testing.T, args ...string) traceDoc {
	t.Helper()
	code, out, errs := runCLI(t, context.Background(), append([]string{"trace", "--format", "json"}, args...)...)
	require.Equal(t, exitOK, code, "trace %v: exit %d, stderr %s", args, code, errs)
	var doc traceDoc
	require.NoError(t, json.Unmarshal([]byte(out), &doc), "trace %v:\n%s", args, out)
	return doc
}

func TestTrace(t *testing.T) {
	fire := writeFire(t)
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want []string // substrings of stdout
	}{
		{"table", []string{fire}, []string{
			"Trial:         0 (seed 1)", "+0    a loses power (fire): 2 replicas lose power",
			"db DOWN (site a)", "web DOWN (dependency db)", "+10h  a fully powered again",
			"UP after 10h: db, web", "█ down", "restart at a", "│ dependency db │ db up"}},
		{"verbose", []string{fire, "--verbose"}, []string{"db@a loses power (site a)", "db@a running"}},
		{"dot", []string{fire, "--format", "dot"}, []string{`"db" -> "web" [label="+0"]`, "a loses power"}},
		{"other scenario", []string{fire, "--scenario", "nothing"}, []string{"nothing happened in this trial", "no service went down"}},
		{"embedded default", []string{"kakao-pangyo-2022", "--trial", "3"}, []string{"Trial:         3 (seed 1)", "pangyo-a loses power (fire)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, context.Background(), append([]string{"trace"}, tt.args...)...)
			require.Equal(t, exitOK, code, "exit %d, stderr %s", code, errs)
			for _, w := range tt.want {
				assert.Contains(t, out, w, "output lacks %q:\n%s", w, out)
			}
		})
	}

	t.Run("json", func(t *testing.T) {
		doc := traceJSON(t, fire, "--trial", "49")
		require.Equal(t, "domino.trace/v1", doc.Schema)
		require.Equal(t, "a-burns", doc.Scenario)
		require.Equal(t, 49, doc.Trial)
		for _, s := range doc.Services {
			assert.EqualValues(t, 10*graph.Hour, s.DowntimeMs, "%s: downtime, want 10h", s.ID)
		}
	})

	t.Run("svg file", func(t *testing.T) {
		path := filepath.Join(dir, "cascade.svg")
		code, _, errs := runCLI(t, context.Background(), "trace", fire, "-o", path)
		require.Equal(t, exitOK, code, "stderr %s", errs)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Contains(t, string(data), "<svg", "%s is not SVG", path)
		assert.Contains(t, string(data), "a loses power", "%s is not the cascade", path)
	})

	// A PNG is the cascade laid out by Graphviz and painted like graph's:
	// its size is the layout's at 144 dpi, wider than tall (rankdir=LR).
	t.Run("png file", func(t *testing.T) {
		path := filepath.Join(dir, "cascade.png")
		code, _, errs := runCLI(t, context.Background(), "trace", fire, "-o", path)
		require.Equal(t, exitOK, code, "stderr %s", errs)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		img, err := png.Decode(bytes.NewReader(data))
		require.NoError(t, err, "%s is not a PNG", path)
		b := img.Bounds()
		assert.Greater(t, b.Dx(), b.Dy(), "cascade PNG is %dx%d", b.Dx(), b.Dy())
		assert.Greater(t, b.Dy(), 100, "cascade PNG is %dx%d", b.Dx(), b.Dy())
	})
}

func TestTraceErrors(t *testing.T) {
	fire := writeFire(t)
	tests := []struct {
		name string
		args []string
		code int
		want string // substring of stderr
	}{
		{"no file", nil, exitUsage, "trace takes one FILE"},
		{"bad trial", []string{fire, "--trial", "last"}, exitUsage, `--trial wants a trial index (0, 1, ...), median or worst, got "last"`},
		{"negative trial", []string{fire, "--trial", "-1"}, exitUsage, "--trial wants"},
		{"trial past the run", []string{fire, "--trial", "50"}, exitUsage, "--trial 50 is past the run's last trial: it has 50 trials (0 to 49)"},
		{"trial past --trials", []string{fire, "--trial", "5", "--trials", "5"}, exitUsage, "it has 5 trials"},
		{"zero trials", []string{fire, "--trials", "0"}, exitUsage, "--trials must be in [1, 1000000000]"},
		{"bad format", []string{fire, "--format", "gif"}, exitUsage, `unknown --format "gif": want table, json, dot, svg, png`},
		{"format from -o", []string{fire, "-o", "cascade.gif"}, exitUsage, "cannot tell the format"},
		{"unknown scenario", []string{fire, "--scenario", "a-burn"}, exitInput, `unknown scenario "a-burn"`},
		{"no such file", []string{"nowhere.yaml"}, exitInput, "no file or embedded scenario"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, context.Background(), append([]string{"trace"}, tt.args...)...)
			require.Equal(t, tt.code, code, "exit %d, want %d; stderr %s", code, tt.code, errs)
			assert.Contains(t, errs, tt.want, "stderr lacks %q:\n%s", tt.want, errs)
			assert.Empty(t, out, "stdout not empty on error:\n%s", out)
		})
	}
}

// TestTraceSelect checks --trial worst and median against the user-hours
// of every trial, computed here with a plain loop: worst is the largest
// (lowest index on ties), median the trial at rank ⌈n/2⌉ by (user-hours,
// index).
func TestTraceSelect(t *testing.T) {
	f, err := graph.LoadFS(scenarios.FS, scenarios.Path(scenarios.Default))
	require.NoError(t, err)
	for _, scenario := range []string{"pangyo-fire", "ops-and-failover"} {
		c, err := graph.Compile(f.Scenario(scenario))
		require.NoError(t, err)
		for _, n := range []int{1, 2, 101, 200} {
			uh := make([]int64, n)
			tr := sim.NewTrial(c, nil)
			for k := range n {
				uh[k] = tr.Run(1, k).UserMilliHours
			}
			worst := 0
			for k := range uh {
				if uh[k] > uh[worst] {
					worst = k
				}
			}
			order := make([]int, n)
			for k := range order {
				order[k] = k
			}
			sort.SliceStable(order, func(i, j int) bool { return uh[order[i]] < uh[order[j]] })
			median := order[(n+1)/2-1]

			for by, want := range map[string]int{"worst": worst, "median": median} {
				doc := traceJSON(t, "kakao-pangyo-2022", "--scenario", scenario, "--trial", by, "--trials", strconv.Itoa(n))
				assert.Equal(t, want, doc.Trial, "%s, %d trials, --trial %s", scenario, n, by)
				assert.Equal(t, by, doc.SelectedBy, "%s, %d trials, --trial %s", scenario, n, by)
				assert.Equal(t, n, doc.Trials, "%s, %d trials, --trial %s", scenario, n, by)
			}
		}
	}
}

// TestTraceReplaysTrial: the downtime trace reports for trial K is trial
// K's Outcome.Downtime, whatever the seed.
func TestTraceReplaysTrial(t *testing.T) {
	f, err := graph.LoadFS(scenarios.FS, scenarios.Path(scenarios.Default))
	require.NoError(t, err)
	c, err := graph.Compile(f.Scenarios[0])
	require.NoError(t, err)
	for _, k := range []int{0, 5, 777} {
		o := sim.NewTrial(c, nil).Run(42, k)
		doc := traceJSON(t, "kakao-pangyo-2022", "--trial", strconv.Itoa(k), "--seed", "42")
		for s, js := range doc.Services {
			if js.DowntimeMs != o.Downtime[s] || js.FirstCause != causeOrEmpty(c, o, s) {
				t.Errorf("trial %d, %s: got %d (%s), want %d (%s)", k, js.ID, js.DowntimeMs, js.FirstCause,
					o.Downtime[s], causeOrEmpty(c, o, s))
			}
		}
	}
}

func causeOrEmpty(c *graph.Compiled, o *sim.Outcome, s int) string {
	if o.FirstDown[s] < 0 {
		return ""
	}
	return sim.CauseString(c, o.Cause[s])
}
