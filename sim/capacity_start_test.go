package sim

import (
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
)

// A trial starts with every service up (docs/model.md §6); the loader refuses
// a service that everything running cannot keep up (§11). These tests check
// the engine's side of it.

func TestPartialFromStartClosedForm(t *testing.T) {
	// 10 servers carry half of a load of 20 from t = 0: the service is up
	// and partial for the whole horizon, shed_ms = 0.5 × H exactly, and
	// 1,000 users × 0.5 × 7d = 84,000 user-hours. The outage of b touches
	// the active-standby one at 2h, its standby, without changing that: the
	// standby does not count (before the loader refused a service below
	// collapse_below at t = 0, such a touch is what turned one down).
	const H = 7 * 24 * h
	for _, tt := range []struct{ name, service string }{
		{"single", "{id: s, users: 1000, placement: {a: 10}, load: 20}"},
		{"active-standby at collapse_below", "{id: s, users: 1000, placement: {a: 10, b: 20}, redundancy: {mode: active-standby}, load: 20, collapse_below: 0.5}"},
		{"active-active", "{id: s, users: 1000, placement: {a: 4, c: 6}, load: 20, collapse_below: 0.5}"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}]
  services:
    - `+tt.service+`
    - {id: other, placement: {b: 1}}
scenarios:
  - id: b-out
    events:
      - {kind: site-outage, site: b, at: 2h, duration: 1h}
`, "")
			o, _ := one(t, c, 1, 0)
			assert.Equal(t, H/2, o.Shed[0], "shed")
			assert.Equal(t, int64(0), o.Downtime[0], "downtime")
			assert.True(t, o.Partial[0], "partial")
			assert.Equal(t, int64(84_000_000), o.UserMilliHours, "user-milli-hours")
		})
	}
}

// TestStartCarriesAsEngine: the loader accepts a service exactly when the
// engine finds it carrying its load with everything running, on every
// mode and across the floating-point edge of φ ≥ collapse_below.
func TestStartCarriesAsEngine(t *testing.T) {
	placements := []string{
		"{a: 7}", "{a: 7, b: 3}, redundancy: {mode: active-standby}", "{a: 7, b: 30}, redundancy: {mode: active-standby, primary: a}",
		"{a: 3, b: 7}, redundancy: {mode: active-standby, primary: b}", "{a: 7, b: 7}", "{a: 2, b: 5}, redundancy: {quorum: 2}",
	}
	checked := 0
	for _, pl := range placements {
		for _, load := range []int64{1, 7, 10, 14, 20, 25, 50, 100} {
			for _, cb := range []string{"0", "0.07", "0.14", "0.28", "0.5", "0.56", "0.7", "0.99"} {
				text := fmt.Sprintf(`version: 1
platform:
  sites: [{id: a}, {id: b}]
  services:
    - {id: s, placement: %s, load: %d, collapse_below: %%s}
scenarios: [{id: x, events: [{kind: site-outage, site: a, probability: 0}]}]
`, pl, load)
				_, err := graph.Load(strings.NewReader(fmt.Sprintf(text, cb)), "test.yaml")
				// The engine's verdict on the same service, compiled
				// without collapse_below and given it afterwards.
				c := compile(t, fmt.Sprintf(text, "0"), "")
				x, perr := strconv.ParseFloat(cb, 64)
				require.NoError(t, perr)
				c.Services[0].CollapseBelow = x
				tr := NewTrial(c, nil)
				tr.Run(1, 0)
				require.Equal(t, err == nil, tr.carries(0), "placement %s, load %d, collapse_below %s: loader says %v", pl, load, cb, err)
				checked++
			}
		}
	}
	assert.Equal(t, 6*8*8, checked)
}

// TestEmbeddedVariantsValid: every embedded scenario file and the example
// files load, and so does every platform made from them: each scenario,
// each mitigation alone and all together, every replicate candidate of
// advise --auto that fits its site, and the worst corners of the uncertain inputs (each at
// its low and at its high, and all at their lows and all at their highs),
// each compiled with every scenario. None is down at t = 0.
func TestEmbeddedVariantsValid(t *testing.T) {
	files := map[string]*graph.File{}
	for _, name := range scenarios.Names() {
		f, err := graph.LoadFS(scenarios.FS, scenarios.Path(name))
		require.NoError(t, err, name)
		files[name] = f
	}
	examples, err := filepath.Glob("../docs/examples/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, examples)
	for _, p := range examples {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		f, err := graph.Load(strings.NewReader(string(data)), p)
		require.NoError(t, err, p)
		files[p] = f
	}
	compileAll := func(what string, f *graph.File, p *graph.Platform) {
		t.Helper()
		for _, sc := range f.Scenarios {
			s := *sc
			if p != nil {
				s.Platform = p
			}
			_, err := graph.Compile(&s)
			require.NoError(t, err, "%s: scenario %s", what, sc.ID)
		}
	}
	variants := 0
	for name, f := range files {
		compileAll(name, f, nil)
		variants++
		for _, m := range f.Mitigations {
			p, err := f.Apply(m)
			require.NoError(t, err, "%s: mitigation %s", name, m.ID)
			compileAll(name+" with "+m.ID, f, p)
			variants++
		}
		p, err := f.Apply(f.Mitigations...)
		require.NoError(t, err, "%s: every mitigation", name)
		compileAll(name+" with every mitigation", f, p)
		var ids []string
		for _, s := range f.Platform.Services {
			ids = append(ids, s.ID)
		}
		cands, err := ReplicateCandidates(f.Platform, ids)
		require.NoError(t, err)
		for _, m := range cands {
			p, err := f.Apply(m)
			if err != nil {
				// A site whose servers are given may have no room for
				// the replica: advise says so and goes on.
				require.Contains(t, err.Error(), "are placed there", "%s: %s", name, m.ID)
				continue
			}
			compileAll(name+" with "+m.ID, f, p)
			variants++
		}
		inputs := f.Uncertain()
		corners := []map[string]float64{{}, {}}
		for _, u := range inputs {
			corners[0][u.Path], corners[1][u.Path] = u.Low, u.High
			for _, v := range []float64{u.Low, u.High} {
				corners = append(corners, map[string]float64{u.Path: v})
			}
		}
		if len(inputs) == 0 {
			continue
		}
		for _, values := range corners {
			g, err := f.With(values)
			require.NoError(t, err, "%s: %v", name, values)
			compileAll(fmt.Sprintf("%s at %v", name, values), g, nil)
			p, err := g.Apply(g.Mitigations...)
			require.NoError(t, err, "%s at %v: every mitigation", name, values)
			compileAll(fmt.Sprintf("%s at %v with every mitigation", name, values), g, p)
			variants++
		}
	}
	assert.Greater(t, variants, 100, "variants checked")
}
