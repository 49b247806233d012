package graph

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// uncertainFile has an uncertain duration of each shape: a fixed restart,
// a lognormal's median, a failover, a scenario's event duration and a
// patched service's restart.
const uncertainFile = `version: 1
platform:
  sites:
    - {id: a}
    - {id: b}
  services:
    - id: db
      placement: {a: 2, b: 2}
      redundancy:
        mode: active-standby
        failover: {manual: {uncertain: {low: 10m, high: 1h, dist: triangular, mode: 20m}}}
      restart: {auto: {uncertain: {low: 1h, high: 3h}}}
    - id: web
      placement: {a: 3}
      depends_on: [db]
      restart:
        manual: {lognormal: {median: {uncertain: {low: 1h, high: 4h, dist: loguniform}}, p95: 8h}}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: a, duration: {uncertain: {low: 2h, high: 6h}}}
  - id: patched
    patch:
      services:
        - {id: web, restart: {auto: {uncertain: {low: 0, high: 30m}}}}
    events:
      - {kind: site-outage, site: b, duration: 1h}
`

func TestUncertainNominal(t *testing.T) {
	f := mustLoad(t, uncertainFile)
	us := f.Uncertain()
	want := []Uncertain{
		{Path: "platform.services[0].redundancy.failover.manual", Line: 11, Col: 29, File: "test.yaml", Kind: UncertainDuration, Dist: TriangularRange,
			Low: float64(10 * Minute), Mode: float64(20 * Minute), High: float64(Hour), Nominal: float64(20 * Minute)},
		{Path: "platform.services[0].restart.auto", Line: 12, Col: 24, File: "test.yaml", Kind: UncertainDuration, Dist: UniformRange,
			Low: float64(Hour), High: float64(3 * Hour), Nominal: float64(2 * Hour)},
		{Path: "platform.services[1].restart.manual.lognormal.median", Line: 17, Col: 39, File: "test.yaml", Kind: UncertainDuration, Dist: LogUniformRange,
			Low: float64(Hour), High: float64(4 * Hour), Nominal: float64(2 * Hour)},
		{Path: "scenarios[0].events[0].duration", Line: 21, Col: 49, File: "test.yaml", Kind: UncertainDuration, Dist: UniformRange,
			Low: float64(2 * Hour), High: float64(6 * Hour), Nominal: float64(4 * Hour)},
		{Path: "scenarios[1].patch.services[0].restart.auto", Line: 25, Col: 38, File: "test.yaml", Kind: UncertainDuration, Dist: UniformRange,
			Low: 0, High: float64(30 * Minute), Nominal: float64(15 * Minute)},
	}
	assert.Equal(t, want, us)

	db := f.Platform.Service("db")
	assert.Equal(t, NewFixed(20*Minute), *db.Redundancy.Failover.Manual, "triangular: the mode")
	assert.Equal(t, NewFixed(2*Hour), db.Restart.Auto, "uniform: the midpoint")
	median, err := NewLogNormalQuantiles(2*Hour, 8*Hour)
	require.NoError(t, err)
	assert.Equal(t, median, *f.Platform.Service("web").Restart.Manual, "loguniform: the geometric mean")
	assert.Equal(t, NewFixed(4*Hour), *f.Scenario("fire").Events[0].Duration)
	assert.Equal(t, NewFixed(15*Minute), f.Scenario("patched").Platform.Service("web").Restart.Auto)
}

func TestUncertainWith(t *testing.T) {
	f := mustLoad(t, uncertainFile)
	g, err := f.With(map[string]float64{
		"platform.services[0].restart.auto":                    float64(Hour),
		"platform.services[1].restart.manual.lognormal.median": float64(4 * Hour),
		"scenarios[0].events[0].duration":                      float64(6 * Hour),
		"scenarios[1].patch.services[0].restart.auto":          0,
	})
	require.NoError(t, err)
	assert.Equal(t, f.Digest, g.Digest, "the same file, other values")
	assert.Equal(t, f.Uncertain(), g.Uncertain())
	assert.Equal(t, NewFixed(Hour), g.Platform.Service("db").Restart.Auto)
	assert.Equal(t, NewFixed(20*Minute), *g.Platform.Service("db").Redundancy.Failover.Manual, "not given: nominal")
	median, err := NewLogNormalQuantiles(4*Hour, 8*Hour)
	require.NoError(t, err)
	assert.Equal(t, median, *g.Platform.Service("web").Restart.Manual)
	assert.Equal(t, NewFixed(6*Hour), *g.Scenario("fire").Events[0].Duration)
	assert.Equal(t, NewFixed(0), g.Scenario("patched").Platform.Service("web").Restart.Auto)
	// The patched scenario's platform keeps the base's value given.
	assert.Equal(t, NewFixed(Hour), g.Scenario("patched").Platform.Service("db").Restart.Auto)

	// f is unchanged; a With of nothing is the nominal file.
	assert.Equal(t, NewFixed(2*Hour), f.Platform.Service("db").Restart.Auto)
	h, err := f.With(nil)
	require.NoError(t, err)
	assert.Equal(t, f.Platform, h.Platform)
	assert.Equal(t, f.Scenarios[0].Events, h.Scenarios[0].Events)

	// At the high end, and a fractional millisecond rounds.
	g, err = f.With(map[string]float64{"platform.services[0].restart.auto": 3*float64(Hour) - 0.4})
	require.NoError(t, err)
	assert.Equal(t, NewFixed(3*Hour), g.Platform.Service("db").Restart.Auto)
}

func TestUncertainWithErrors(t *testing.T) {
	f := mustLoad(t, uncertainFile)
	tests := []struct {
		name   string
		values map[string]float64
		want   string
	}{
		{"unknown path", map[string]float64{"platform.services[0].restart.autos": 1},
			`test.yaml: platform.services[0].restart.autos: no uncertain input at this path (did you mean "platform.services[0].restart.auto"?)`},
		{"below low", map[string]float64{"platform.services[0].restart.auto": float64(30 * Minute)},
			"test.yaml:12:24: platform.services[0].restart.auto: value 30m is outside the range [1h, 3h]"},
		{"above high", map[string]float64{"scenarios[0].events[0].duration": float64(7 * Hour)},
			"test.yaml:21:49: scenarios[0].events[0].duration: value 7h is outside the range [2h, 6h]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.With(tt.values)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}

	plain := mustLoad(t, patchBase)
	_, err := plain.With(map[string]float64{"platform.x": 1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the file has no uncertain input")
	assert.Empty(t, plain.Uncertain())
}

func TestUncertainQuantile(t *testing.T) {
	h := float64(Hour)
	tests := []struct {
		name string
		u    Uncertain
		p    float64
		want float64
	}{
		{"uniform low", Uncertain{Kind: UncertainDuration, Low: h, High: 3 * h}, 0, h},
		{"uniform 5%", Uncertain{Kind: UncertainDuration, Low: h, High: 3 * h}, 0.05, float64(66 * Minute)},
		{"uniform median", Uncertain{Kind: UncertainDuration, Low: h, High: 3 * h}, 0.5, 2 * h},
		{"uniform 95%", Uncertain{Kind: UncertainDuration, Low: h, High: 3 * h}, 0.95, float64(174 * Minute)},
		{"uniform high", Uncertain{Kind: UncertainDuration, Low: h, High: 3 * h}, 1, 3 * h},
		// Triangular(0, 1, 4): F(1) = 1/4; below the mode x = sqrt(p·4·1),
		// above it x = 4 − sqrt((1−p)·4·3).
		{"triangular at the mode", Uncertain{Kind: UncertainProbability, Dist: TriangularRange, Low: 0, Mode: 0.25, High: 1}, 0.25, 0.25},
		{"triangular below", Uncertain{Kind: UncertainDuration, Dist: TriangularRange, Low: 0, Mode: h, High: 4 * h}, 1.0 / 16, 0.5 * h},
		{"triangular above", Uncertain{Kind: UncertainDuration, Dist: TriangularRange, Low: 0, Mode: h, High: 4 * h}, 1 - 1.0/12, 3 * h},
		{"loguniform median", Uncertain{Kind: UncertainDuration, Dist: LogUniformRange, Low: h, High: 4 * h}, 0.5, 2 * h},
		{"loguniform quarter", Uncertain{Kind: UncertainRate, Dist: LogUniformRange, Low: 1, High: 16}, 0.25, 2},
		{"count uniform first", Uncertain{Kind: UncertainCount, Low: 1, High: 3}, 0.33, 1},
		{"count uniform second", Uncertain{Kind: UncertainCount, Low: 1, High: 3}, 0.34, 2},
		{"count uniform last", Uncertain{Kind: UncertainCount, Low: 1, High: 3}, 1, 3},
		{"degenerate", Uncertain{Kind: UncertainDuration, Low: h, High: h}, 0.7, h},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.u.Quantile(tt.p)
			if tt.u.Kind == UncertainDuration {
				assert.Equal(t, tt.want, got)
			} else {
				assert.InDelta(t, tt.want, got, 1e-12)
			}
		})
	}
}

func TestUncertainFormat(t *testing.T) {
	tests := []struct {
		kind UncertainKind
		v    float64
		want string
	}{
		{UncertainDuration, float64(Hour + 30*Minute), "1h30m"},
		{UncertainDuration, float64(Day + 2*Hour + 250), "1d2h250ms"},
		{UncertainDuration, 0, "0"},
		{UncertainDuration, 1.1 * float64(Hour), "1h6m"},
		{UncertainProbability, 0.25, "0.25"},
		{UncertainFraction, 1, "1"},
		{UncertainCount, 3, "3"},
		{UncertainRate, 0.3, "0.3/y"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := Uncertain{Kind: tt.kind}.Format(tt.v)
			assert.Equal(t, tt.want, got)
			if tt.kind == UncertainDuration {
				ms, err := ParseDuration(got)
				require.NoError(t, err)
				assert.Equal(t, int64(tt.v), ms, "reads back")
			}
		})
	}
}
