package output

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
	"github.com/dominosim/domino/sim"
)

// traceYAML (testdata/trace.yaml) is a small deterministic scenario (every
// duration fixed) that goes through most of what a trace shows: a power
// cut restored in two stages, a manual failover under a single crew, a
// dependency cascade, a start gate forced by break-glass, a soft
// dependency, partial service and an automated fail-back, data lost with
// async replication, and a fault.
var traceYAML = readTestdata("trace.yaml")

// readTestdata returns testdata/name; the cascade diagram's tests
// (output/diagram) read the same file.
func readTestdata(name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		panic(err)
	}
	return string(b)
}

func compileYAML(t *testing.T, src, scenario string) *graph.Compiled {
	t.Helper()
	f, err := graph.Load(strings.NewReader(src), "trace.yaml")
	require.NoError(t, err)
	sc := f.Scenario(scenario)
	if sc == nil {
		t.Fatalf("no scenario %q", scenario)
	}
	c, err := graph.Compile(sc)
	require.NoError(t, err)
	return c
}

// traceOf replays trial k of c and returns its report and a copy of the
// outcome's per-service slices that the checks use.
func traceOf(c *graph.Compiled, seed uint64, k int) (*TraceReport, *sim.Outcome) {
	tr := sim.NewTrial(c, nil)
	tr.Trace = &sim.Trace{}
	o := tr.Run(seed, k)
	return NewTraceReport(c, NewTraceInfo(c, seed, o), o, tr.Trace), o
}

func TestTraceGolden(t *testing.T) {
	c := compileYAML(t, traceYAML, "dark-a")
	r, _ := traceOf(c, 1, 0)
	tests := []struct {
		name   string
		format string
		opt    TraceOptions
	}{
		{"trace.txt", "table", TraceOptions{}},
		{"trace-verbose.txt", "table", TraceOptions{Verbose: true}},
		{"trace.json", "json", TraceOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, WriteTrace(&buf, r, tt.format, tt.opt))
			golden(t, tt.name, buf.Bytes())
		})
	}
}

// TestTraceSmall checks the small scenario's figures by hand: the power
// comes back at 5h (half) and 9h (all), the failover of db takes the one
// crew for 2h.
func TestTraceSmall(t *testing.T) {
	c := compileYAML(t, traceYAML, "dark-a")
	r, _ := traceOf(c, 1, 0)
	h := graph.Hour
	want := map[string]struct {
		down, degraded, partial int64
		cause                   string
	}{
		"tools":  {9*h + 10*graph.Minute - 1*h, 0, 0, "site a"},
		"db":     {2 * h, 0, 12*h + 5*graph.Minute - 3*h, "site a"},
		"cache":  {7 * h, 0, 0, "site a"},
		"app":    {2 * h, 5 * h, 0, "dependency db"},
		"web":    {2 * h, 0, 0, "dependency app"},
		"search": {1 * h, 7 * h, 0, "fault"},
	}
	for s := range r.Services {
		ts := &r.Services[s]
		w := want[ts.ID]
		cause := sim.CauseString(c, ts.FirstCause)
		if ts.Downtime != w.down || ts.Degraded != w.degraded || ts.Partial != w.partial || cause != w.cause {
			t.Errorf("%s: got down %s, degraded %s, partial %s, cause %q; want %s, %s, %s, %q", ts.ID,
				graph.FormatDuration(ts.Downtime), graph.FormatDuration(ts.Degraded), graph.FormatDuration(ts.Partial), cause,
				graph.FormatDuration(w.down), graph.FormatDuration(w.degraded), graph.FormatDuration(w.partial), w.cause)
		}
	}
}

// loadKakao compiles the embedded Kakao case's first scenario.
func loadKakao(t testing.TB) *graph.Compiled {
	t.Helper()
	f, err := graph.LoadFS(scenarios.FS, scenarios.Path(scenarios.Default))
	require.NoError(t, err)
	c, err := graph.Compile(f.Scenarios[0])
	require.NoError(t, err)
	return c
}

// TestTraceMatchesOutcome: the trace of trial K reports exactly what run
// computes for trial K, service by service, on the Kakao case.
func TestTraceMatchesOutcome(t *testing.T) {
	c := loadKakao(t)
	for _, k := range []int{0, 1, 2, 3, 17, 99, 1234, 9999} {
		checkTraceMatchesRun(t, "trial "+itoa(k), c, 1, k)
	}
}

// TestTraceMatchesOutcomeAllScenarios runs the same check over every
// scenario of every embedded file (random failures, isolation, regions,
// faults, overload), a few trials each.
func TestTraceMatchesOutcomeAllScenarios(t *testing.T) {
	const trials = 8
	for _, name := range scenarios.Names() {
		f, err := graph.LoadFS(scenarios.FS, scenarios.Path(name))
		require.NoError(t, err)
		for _, sc := range f.Scenarios {
			c, err := graph.Compile(sc)
			require.NoError(t, err)
			for k := range trials {
				checkTraceMatchesRun(t, name+"/"+sc.ID+" trial "+itoa(k), c, 3, k)
			}
		}
	}
}

// TestTraceSumsToRun: the downtime traced for trials 0..N−1, summed, is
// the full run's mean downtime × N: the trace of trial K is exactly what
// trial K contributed to the run.
func TestTraceSumsToRun(t *testing.T) {
	const (
		n   = 300
		tol = 1e-9 // relative; the run's mean is an exact integer sum divided once
	)
	c := loadKakao(t)
	res, err := sim.Run(context.Background(), c, sim.Options{Trials: n, Seed: 1, Workers: 4})
	require.NoError(t, err)
	sum := make([]int64, len(c.Services))
	for k := range n {
		r, _ := traceOf(c, 1, k)
		for s := range r.Services {
			sum[s] += r.Services[s].Downtime
		}
	}
	for s := range c.Services {
		got, want := float64(sum[s]), res.Services[s].Downtime.Mean*n
		if math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: traced downtime over %d trials %v, want mean × n = %v", c.Services[s].ID, n, got, want)
		}
	}
}

func TestTraceJSONNames(t *testing.T) {
	c := loadKakao(t)
	r, o := traceOf(c, 1, 0)
	var buf bytes.Buffer
	require.NoError(t, TraceJSON(&buf, r))
	var doc struct {
		Schema    string  `json:"schema"`
		UserHours float64 `json:"user_hours"`
		Services  []struct {
			ID         string `json:"id"`
			DowntimeMs int64  `json:"downtime_ms"`
		} `json:"services"`
		Records []struct {
			Kind    string `json:"kind"`
			Service string `json:"service"`
			Cause   string `json:"cause"`
		} `json:"records"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	if doc.Schema != TraceSchema || len(doc.Records) != len(r.Records) || len(doc.Services) != len(c.Services) {
		t.Fatalf("got schema %q, %d records, %d services; want %q, %d, %d",
			doc.Schema, len(doc.Records), len(doc.Services), TraceSchema, len(r.Records), len(c.Services))
	}
	if want := float64(o.UserMilliHours) / 1000; doc.UserHours != want {
		t.Errorf("user_hours: got %v, want %v", doc.UserHours, want)
	}
	for s, js := range doc.Services {
		if js.ID != c.Services[s].ID || js.DowntimeMs != o.Downtime[s] {
			t.Errorf("services[%d]: got %s %d, want %s %d", s, js.ID, js.DowntimeMs, c.Services[s].ID, o.Downtime[s])
		}
	}
	for i, rec := range doc.Records {
		if strings.HasPrefix(rec.Kind, "kind-") {
			t.Errorf("records[%d]: unnamed kind %q", i, rec.Kind)
		}
		if rec.Kind == "down" && (rec.Service == "" || rec.Cause == "" || rec.Cause == "none") {
			t.Errorf("records[%d]: down record without service or cause: %+v", i, rec)
		}
	}
}

func TestTraceFormatFor(t *testing.T) {
	tests := []struct{ path, want string }{
		{"t.txt", "table"}, {"T.JSON", "json"}, {"x.dot", ""}, {"x.svg", ""}, {"x.gif", ""}, {"x", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, TraceFormatFor(tt.path), "TraceFormatFor(%q)", tt.path)
	}
}

func TestWrap(t *testing.T) {
	got := wrap("DOWN (site a): one, two, three, four", 16)
	want := []string{"DOWN (site a):", "  one, two,", "  three, four"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func itoa(k int) string { return Count(float64(k)) }
