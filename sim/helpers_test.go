package sim

import (
	"bytes"
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/synth"
)

// genFile loads a platform of domino gen (its scenarios fire and random).
func genFile(t testing.TB, services, sites int, seed uint64) *graph.File {
	t.Helper()
	y, err := synth.Generate(synth.Options{Services: services, Sites: sites, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	f, err := graph.Load(bytes.NewReader(y), "gen.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// compileAll compiles every scenario of f into cases, as prefix/id.
func compileAll(t testing.TB, cases map[string]*graph.Compiled, prefix string, f *graph.File) {
	t.Helper()
	for _, sc := range f.Scenarios {
		c, err := graph.Compile(sc)
		if err != nil {
			t.Fatal(err)
		}
		cases[prefix+"/"+sc.ID] = c
	}
}

// compile loads a YAML scenario file from text and compiles its scenario id
// (the first when id is "").
func compile(t testing.TB, yaml, id string) *graph.Compiled {
	t.Helper()
	f, err := graph.Load(strings.NewReader(yaml), "test.yaml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	sc := f.Scenarios[0]
	if id != "" {
		sc = f.Scenario(id)
		if sc == nil {
			t.Fatalf("no scenario %q", id)
		}
	}
	c, err := graph.Compile(sc)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return c
}

// one runs a single traced trial. A traced trial replays its first instant
// plainly; one checks that the untraced run, which may start from the
// snapshot, agrees.
func one(t testing.TB, c *graph.Compiled, seed uint64, trial int) (*Outcome, *Trace) {
	t.Helper()
	tr := NewTrial(c, Grid(c.Horizon, 10))
	fast := cloneOutcome(tr.Run(seed, trial))
	tr.Trace = &Trace{}
	o := tr.Run(seed, trial)
	if !reflect.DeepEqual(cloneOutcome(o), fast) {
		t.Fatalf("trial %d: the outcome from the first instant's snapshot differs from the plain replay", trial)
	}
	return o, tr.Trace
}

// svc returns the index of service id.
func svc(t testing.TB, c *graph.Compiled, id string) int {
	t.Helper()
	for i, s := range c.Services {
		if s.ID == id {
			return i
		}
	}
	t.Fatalf("no service %q", id)
	return -1
}

func runAll(t testing.TB, c *graph.Compiled, trials, workers int) *Results {
	t.Helper()
	r, err := Run(context.Background(), c, Options{Trials: trials, Seed: 1, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

const h = graph.Hour

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func sqrt(x float64) float64 { return math.Sqrt(x) }

// checkDowntimes compares each named service's downtime with want, in ms.
func checkDowntimes(t *testing.T, c *graph.Compiled, o *Outcome, want map[string]int64) {
	t.Helper()
	for id, w := range want {
		if got := o.Downtime[svc(t, c, id)]; got != w {
			t.Errorf("%s downtime: got %d, want %d", id, got, w)
		}
	}
}
