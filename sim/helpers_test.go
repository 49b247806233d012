package sim

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/synth"
)

// genFile loads a platform of domino gen (its scenarios fire and random).
func genFile(t testing.TB, services, sites int, seed uint64) *graph.File {
	t.Helper()
	y, err := synth.Generate(synth.Options{Services: services, Sites: sites, Seed: seed})
	require.NoError(t, err)
	f, err := graph.Load(bytes.NewReader(y), "gen.yaml")
	require.NoError(t, err)
	return f
}

// compileAll compiles every scenario of f into cases, as prefix/id.
func compileAll(t testing.TB, cases map[string]*graph.Compiled, prefix string, f *graph.File) {
	t.Helper()
	for _, sc := range f.Scenarios {
		c, err := graph.Compile(sc)
		require.NoError(t, err, "compile %s", sc.ID)
		cases[prefix+"/"+sc.ID] = c
	}
}

// compile loads a YAML scenario file from text and compiles its scenario id
// (the first when id is "").
func compile(t testing.TB, yaml, id string) *graph.Compiled {
	t.Helper()
	f, err := graph.Load(strings.NewReader(yaml), "test.yaml")
	require.NoError(t, err, "load")
	require.NotEmpty(t, f.Scenarios, "no scenario")
	sc := f.Scenarios[0]
	if id != "" {
		sc = f.Scenario(id)
		require.NotNil(t, sc, "no scenario %q", id)
	}
	c, err := graph.Compile(sc)
	require.NoError(t, err, "compile")
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
	require.Equal(t, fast, cloneOutcome(o), "trial %d: the outcome from the first instant's snapshot differs from the plain replay", trial)
	return o, tr.Trace
}

// svc returns the index of service id.
func svc(t testing.TB, c *graph.Compiled, id string) int {
	t.Helper()
	i := slices.IndexFunc(c.Services, func(s graph.CService) bool { return s.ID == id })
	require.GreaterOrEqual(t, i, 0, "no service %q", id)
	return i
}

func runAll(t testing.TB, c *graph.Compiled, trials, workers int) *Results {
	t.Helper()
	r, err := Run(context.Background(), c, Options{Trials: trials, Seed: 1, Workers: workers})
	require.NoError(t, err)
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
		assert.Equal(t, w, o.Downtime[svc(t, c, id)], "%s downtime", id)
	}
}
