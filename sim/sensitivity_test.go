package sim

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// closedForm is one service whose only replica stops at t = 0 when its
// site blinks (power back at once) and restarts after exactly %s; a second
// service, y, restarts after %s and is never needed.
const closedForm = `
version: 1
platform:
  name: cf
  sites: [{id: a}]
  services:
    - {id: x, users: 1000, placement: {a: 1}, restart: {auto: %s}}
    - {id: y, users: 10, placement: {a: 1}, restart: {auto: %s}}
scenarios:
  - id: stop
    horizon: 1d
    trials: 10
    events:
      - {kind: site-outage, site: a, duration: 0s}
`

// closedInputs are the two restarts of closedForm as uncertain inputs:
// x's uniform over [1h, 3h], y's over [10m, 20m].
var closedInputs = []graph.Uncertain{
	{Path: "platform.services[0].restart.auto", Kind: graph.UncertainDuration, Dist: graph.UniformRange,
		Low: float64(graph.Hour), High: float64(3 * graph.Hour), Nominal: float64(2 * graph.Hour)},
	{Path: "platform.services[1].restart.auto", Kind: graph.UncertainDuration, Dist: graph.UniformRange,
		Low: float64(10 * graph.Minute), High: float64(20 * graph.Minute), Nominal: float64(15 * graph.Minute)},
}

// closedBuild is the Build of closedForm: it writes the values into the
// file's text, the nominal ones where values say nothing.
func closedBuild(t testing.TB) Build {
	return func(values map[string]float64) (*graph.Compiled, error) {
		ms := make([]string, len(closedInputs))
		for i, in := range closedInputs {
			v, ok := values[in.Path]
			if !ok {
				v = in.Nominal
			}
			ms[i] = fmt.Sprintf("%dms", int64(v))
		}
		return compile(t, fmt.Sprintf(closedForm, ms[0], ms[1]), ""), nil
	}
}

// The closed form of docs/model.md §14: x's restart uniform over [1h, 3h]
// gives x's downtime 1h at its low and 3h at its high, a swing of 2h with
// no Monte Carlo noise at all; y's restart changes nothing of x.
func TestSensitivityClosedForm(t *testing.T) {
	build := closedBuild(t)
	base, err := build(nil)
	require.NoError(t, err)
	m, err := ParseMeasure("downtime:x", []string{"x", "y"})
	require.NoError(t, err)
	for _, workers := range []int{1, 3} {
		s, err := RunSensitivity(context.Background(), Worlds{Base: base, Build: build}, closedInputs, m, Options{Trials: 100, Seed: 7, Workers: workers})
		require.NoError(t, err)
		assert.Equal(t, SensitivitySchema, s.Schema)
		assert.Equal(t, 2.0, s.Baseline.Mean)
		require.Len(t, s.Inputs, 2)
		x := s.Inputs[0]
		assert.Equal(t, "platform.services[0].restart.auto", x.Path)
		assert.Equal(t, 1.0, x.Low.Mean)
		assert.Equal(t, 3.0, x.High.Mean)
		assert.Equal(t, 2.0, x.Swing)
		assert.Equal(t, &[2]float64{2, 2}, x.Difference.CI95, "paired: the difference is the same in every trial")
		assert.Equal(t, float64(graph.Hour), x.Low.Value)
		assert.Equal(t, "1h", x.Low.Text)
		assert.Equal(t, "duration", x.Kind)
		assert.Equal(t, "uniform", x.Dist)
		y := s.Inputs[1]
		assert.Equal(t, 0.0, y.Swing)
		assert.Equal(t, 2.0, y.Low.Mean)
	}
}

// Differences are paired: with a random restart, x's downtime at its low
// and its high differ trial by trial by a fixed shift, so their paired CI
// is far tighter than the two runs' own CIs combined.
func TestSensitivityIsPaired(t *testing.T) {
	yaml := strings.Replace(closedForm, "restart: {auto: %s}}\n    - {id: y", "restart: {auto: 5m, manual: {lognormal: {median: %s, p95: 8h}}}}\n    - {id: y", 1)
	yaml = strings.Replace(yaml, "placement: {a: 1}, restart: {auto: 5m", "placement: {a: 1}, tooling: [y], restart: {auto: 5m", 1)
	build := func(values map[string]float64) (*graph.Compiled, error) {
		ms := make([]string, 2)
		for i, in := range closedInputs {
			v, ok := values[in.Path]
			if !ok {
				v = in.Nominal
			}
			ms[i] = fmt.Sprintf("%dms", int64(v))
		}
		return compile(t, fmt.Sprintf(yaml, ms[0], ms[1]), ""), nil
	}
	base, err := build(nil)
	require.NoError(t, err)
	m, err := ParseMeasure("downtime:x", []string{"x", "y"})
	require.NoError(t, err)
	s, err := RunSensitivity(context.Background(), Worlds{Base: base, Build: build}, closedInputs[:1], m, Options{Trials: 400, Seed: 1})
	require.NoError(t, err)
	x := s.Inputs[0]
	require.NotNil(t, x.Low.CI95)
	require.NotNil(t, x.Difference.CI95)
	unpaired := math.Hypot(x.Low.CI95[1]-x.Low.Mean, x.High.CI95[1]-x.High.Mean)
	paired := x.Difference.CI95[1] - x.Difference.Mean
	assert.Less(t, paired, unpaired/2, "paired half-width %g, unpaired %g", paired, unpaired)
	assert.InDelta(t, x.High.Mean-x.Low.Mean, x.Difference.Mean, 1e-9)
}

// With Versus, every figure is a difference of two scenarios built with
// the same input values, trial by trial: one blink at t = 0 against two
// (at 0 and at 12h) costs one restart less, so x's downtime difference is
// −1h at the restart's low and −3h at its high.
func TestSensitivityVersus(t *testing.T) {
	twice := closedForm + `  - id: twice
    horizon: 1d
    trials: 10
    events:
      - {kind: site-outage, site: a, duration: 0s}
      - {kind: site-outage, site: a, at: 12h, duration: 0s}
`
	buildOf := func(id string) Build {
		return func(values map[string]float64) (*graph.Compiled, error) {
			ms := make([]string, len(closedInputs))
			for i, in := range closedInputs {
				v, ok := values[in.Path]
				if !ok {
					v = in.Nominal
				}
				ms[i] = fmt.Sprintf("%dms", int64(v))
			}
			return compile(t, fmt.Sprintf(twice, ms[0], ms[1]), id), nil
		}
	}
	w := Worlds{Build: buildOf("stop"), VersusBuild: buildOf("twice")}
	var err error
	w.Base, err = w.Build(nil)
	require.NoError(t, err)
	w.Versus, err = w.VersusBuild(nil)
	require.NoError(t, err)
	m, err := ParseMeasure("downtime:x", []string{"x", "y"})
	require.NoError(t, err)
	var done atomic.Int64
	s, err := RunSensitivity(context.Background(), w, closedInputs, m, Options{Trials: 50, Seed: 1, Workers: 2, Progress: func(n int) { done.Add(int64(n)) }})
	require.NoError(t, err)
	assert.Equal(t, "twice", s.Versus)
	assert.Equal(t, -2.0, s.Baseline.Mean)
	x := s.Inputs[0]
	assert.Equal(t, -1.0, x.Low.Mean)
	assert.Equal(t, -3.0, x.High.Mean)
	assert.Equal(t, 2.0, x.Swing)
	assert.Equal(t, -2.0, x.Difference.Mean)
	assert.Equal(t, 0.0, s.Inputs[1].Swing)
	assert.Equal(t, int64(2*(1+2*len(closedInputs))*50), done.Load(), "progress counts the trials of both scenarios")
}
