package graph

import (
	"bytes"
	"os"
	"reflect"
	"strings"
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

func TestUncertainKinds(t *testing.T) {
	f, err := LoadFile("testdata/valid/uncertain.yaml")
	require.NoError(t, err)
	type row struct {
		path    string
		kind    UncertainKind
		dist    UncertainDist
		nominal float64
	}
	var got []row
	for _, u := range f.Uncertain() {
		got = append(got, row{u.Path, u.Kind, u.Dist, u.Nominal})
	}
	want := []row{
		{"platform.people", UncertainCount, UniformRange, 2000},
		{"platform.sites[0].servers", UncertainCount, UniformRange, 15},
		{"platform.services[0].users", UncertainCount, TriangularRange, 500},
		{"platform.services[0].load", UncertainCount, UniformRange, 3}, // 2.5 rounds up
		{"platform.services[0].collapse_below", UncertainFraction, UniformRange, 0.3},
		{"platform.services[0].placement.a", UncertainCount, LogUniformRange, 4},
		{"scenarios[0].crews", UncertainCount, TriangularRange, 2},
		{"scenarios[0].soft_weight", UncertainFraction, UniformRange, 0.4},
		{"scenarios[0].events[0].probability", UncertainProbability, UniformRange, 0.2},
		{"scenarios[0].events[0].destroys_data", UncertainProbability, TriangularRange, 0.02},
		{"scenarios[0].events[1].rate", UncertainRate, LogUniformRange, 0.4},
		{"scenarios[0].events[2].power_restore.b[0].fraction", UncertainFraction, UniformRange, 0.4},
		{"mitigations[0].add_crews", UncertainCount, UniformRange, 2},
	}
	require.Len(t, got, len(want))
	for i := range want {
		assert.Equal(t, want[i].path, got[i].path)
		assert.Equal(t, want[i].kind, got[i].kind, want[i].path)
		assert.Equal(t, want[i].dist, got[i].dist, want[i].path)
		assert.InDelta(t, want[i].nominal, got[i].nominal, 1e-15, want[i].path)
	}

	// The plain load uses the nominal values.
	p, sc := f.Platform, f.Scenarios[0]
	assert.Equal(t, int64(2000), p.People)
	assert.Equal(t, int64(15), p.Sites[0].Servers)
	db := p.Service("db")
	assert.Equal(t, int64(500), db.Users)
	assert.Equal(t, int64(3), db.Load)
	assert.Equal(t, 0.3, db.CollapseBelow)
	assert.Equal(t, []Placement{{Site: "a", Servers: 4}, {Site: "b", Servers: 2}}, db.Placement)
	assert.Equal(t, 2, sc.Crews)
	assert.Equal(t, 0.4, sc.SoftWeight)
	assert.Equal(t, 0.2, sc.Events[0].Probability)
	assert.Equal(t, 0.02, sc.Events[0].DestroysData)
	assert.InDelta(t, 0.4, sc.Events[1].Rate, 1e-15)
	assert.Equal(t, Fraction{Num: 4, Den: 10}, sc.Events[2].Zones[0].PowerRestore[0].Fraction)
	assert.Equal(t, 2, f.Mitigations[0].AddCrews)

	// With, at each low and then at each high.
	for _, end := range []string{"low", "high"} {
		values := map[string]float64{}
		for _, u := range f.Uncertain() {
			values[u.Path] = map[string]float64{"low": u.Low, "high": u.High}[end]
		}
		g, err := f.With(values)
		require.NoError(t, err, end)
		p, sc := g.Platform, g.Scenarios[0]
		db := p.Service("db")
		if end == "low" {
			assert.Equal(t, int64(1000), p.People)
			assert.Equal(t, int64(10), p.Sites[0].Servers)
			assert.Equal(t, int64(100), db.Users)
			assert.Equal(t, int64(1), db.Load)
			assert.Equal(t, 0.1, db.CollapseBelow)
			assert.Equal(t, int64(2), db.Placement[0].Servers)
			assert.Equal(t, 1, sc.Crews)
			assert.Equal(t, 0.2, sc.SoftWeight)
			assert.Equal(t, 0.1, sc.Events[0].Probability)
			assert.Equal(t, 0.0, sc.Events[0].DestroysData)
			assert.Equal(t, 0.1, sc.Events[1].Rate)
			assert.Equal(t, Fraction{Num: 2, Den: 10}, sc.Events[2].Zones[0].PowerRestore[0].Fraction)
			assert.Equal(t, 1, g.Mitigations[0].AddCrews)
		} else {
			assert.Equal(t, int64(3000), p.People)
			assert.Equal(t, int64(20), p.Sites[0].Servers)
			assert.Equal(t, int64(1000), db.Users)
			assert.Equal(t, int64(4), db.Load)
			assert.Equal(t, 0.5, db.CollapseBelow)
			assert.Equal(t, int64(8), db.Placement[0].Servers)
			assert.Equal(t, 6, sc.Crews)
			assert.Equal(t, 0.6, sc.SoftWeight)
			assert.Equal(t, 0.3, sc.Events[0].Probability)
			assert.Equal(t, 0.1, sc.Events[0].DestroysData)
			assert.Equal(t, 1.6, sc.Events[1].Rate)
			assert.Equal(t, Fraction{Num: 6, Den: 10}, sc.Events[2].Zones[0].PowerRestore[0].Fraction)
			assert.Equal(t, 3, g.Mitigations[0].AddCrews)
		}
	}

	// A count must be whole; a value the rest of the file refuses is an
	// error of With, at the input.
	_, err = f.With(map[string]float64{"scenarios[0].crews": 2.5})
	require.Error(t, err)
	assert.Equal(t, "testdata/valid/uncertain.yaml:16:13: scenarios[0].crews: value 2.5 is not a whole number: want a count", err.Error())
	_, err = f.With(map[string]float64{"platform.sites[0].servers": 10, "platform.services[0].placement.a": 8})
	require.NoError(t, err, "8 + 0 placed on a ≤ 10")
}

// TestUncertainWithApply checks that With and Apply compose: a mitigation
// applied to a file decoded With a value keeps that value where the
// patch does not replace it.
func TestUncertainWithApply(t *testing.T) {
	f := mustLoad(t, `version: 1
platform:
  sites: [{id: a}, {id: b}]
  services:
    - {id: db, placement: {a: 2}, restart: {auto: {uncertain: {low: 1h, high: 3h}}}}
    - {id: web, placement: {a: 2}, depends_on: [db], restart: {auto: {uncertain: {low: 1m, high: 9m}}}}
mitigations:
  - id: web-2dc
    patch: {services: [{id: web, placement: {a: 2, b: 2}}]}
  - id: db-fast
    patch: {services: [{id: db, restart: {auto: {uncertain: {low: 10m, high: 30m}}}}]}
`)
	paths := make([]string, 0, 3)
	for _, u := range f.Uncertain() {
		paths = append(paths, u.Path)
	}
	assert.Equal(t, []string{"platform.services[0].restart.auto", "platform.services[1].restart.auto", "mitigations[1].patch.services[0].restart.auto"}, paths)

	g, err := f.With(map[string]float64{"platform.services[1].restart.auto": float64(9 * Minute), "mitigations[1].patch.services[0].restart.auto": float64(10 * Minute)})
	require.NoError(t, err)
	p, err := g.Apply(g.Mitigations...)
	require.NoError(t, err)
	assert.Equal(t, NewFixed(9*Minute), p.Service("web").Restart.Auto, "the base platform's value given")
	assert.Equal(t, NewFixed(10*Minute), p.Service("db").Restart.Auto, "the patch's value given")
	assert.Equal(t, []string{"a", "b"}, p.Service("web").Sites())
	// The mitigations of f, applied to g, take g's values too.
	p, err = g.Apply(f.Mitigations[0])
	require.NoError(t, err)
	assert.Equal(t, NewFixed(9*Minute), p.Service("web").Restart.Auto)
	assert.Equal(t, NewFixed(2*Hour), p.Service("db").Restart.Auto)
	// And f's own Apply stays nominal.
	p, err = f.Apply(f.Mitigations...)
	require.NoError(t, err)
	assert.Equal(t, NewFixed(5*Minute), p.Service("web").Restart.Auto)
	assert.Equal(t, NewFixed(20*Minute), p.Service("db").Restart.Auto)
}

func TestUncertainErrors(t *testing.T) {
	const head = "version: 1\nplatform:\n  sites: [{id: a}]\n  services:\n"
	tests := []struct {
		name, services, scenarios, want string
	}{
		{"low above high", `    - {id: x, placement: {a: 1}, restart: {auto: {uncertain: {low: 3h, high: 1h}}}}`, "",
			"test.yaml:5:78: platform.services[0].restart.auto.uncertain.high: low 3h is above high 1h"},
		{"mode outside", `    - {id: x, placement: {a: 1}, rto: {uncertain: {low: 1h, high: 2h, dist: triangular, mode: 3h}}}`, "",
			"test.yaml:5:95: platform.services[0].rto.uncertain.mode: mode 3h is outside [1h, 2h]"},
		{"mode missing", `    - {id: x, placement: {a: 1}, rto: {uncertain: {low: 1h, high: 2h, dist: triangular}}}`, "",
			"test.yaml:5:52: platform.services[0].rto.uncertain: a triangular range needs a mode (its most likely value)"},
		{"mode without triangular", `    - {id: x, placement: {a: 1}, rto: {uncertain: {low: 1h, high: 2h, mode: 1h}}}`, "",
			"test.yaml:5:71: platform.services[0].rto.uncertain.mode: mode applies to dist: triangular, not to uniform"},
		{"negative duration", `    - {id: x, placement: {a: 1}, rto: {uncertain: {low: -1h, high: 2h}}}`, "",
			`test.yaml:5:57: platform.services[0].rto.uncertain.low: negative duration "-1h": want a duration like 2h30m`},
		{"probability above 1", `    - {id: x, placement: {a: 1}}`, `[{kind: site-outage, site: a, probability: {uncertain: {low: 0.5, high: 1.5}}}]`,
			"test.yaml:6:101: scenarios[0].events[0].probability.uncertain.high: want a probability in [0, 1], got 1.5"},
		{"fraction below 0", `    - {id: x, placement: {a: 1}, collapse_below: {uncertain: {low: -0.1, high: 0.5}}}`, "",
			"test.yaml:5:68: platform.services[0].collapse_below.uncertain.low: want a fraction in [0, 1], got -0.1"},
		{"loguniform from 0", `    - {id: x, placement: {a: 1}, restart: {manual: {uncertain: {low: 0, high: 2h, dist: loguniform}}}}`, "",
			"test.yaml:5:70: platform.services[0].restart.manual.uncertain.low: a loguniform range needs low > 0, got 0"},
		{"count not whole", `    - {id: x, placement: {a: 1}, load: {uncertain: {low: 1, high: 2.5}}}`, "",
			"test.yaml:5:67: platform.services[0].load.uncertain.high: want an integer, got 2.5"},
		{"unknown key", `    - {id: x, placement: {a: 1}, rto: {uncertain: {low: 1h, hihg: 2h}}}`, "",
			"test.yaml:5:52: platform.services[0].rto.uncertain: missing high: want a range like {low: 30m, high: 4h}\n" +
				`test.yaml:5:61: platform.services[0].rto.uncertain.hihg: unknown key "hihg" in uncertain (did you mean "high"?)`},
		{"unknown dist", `    - {id: x, placement: {a: 1}, rto: {uncertain: {low: 1h, high: 2h, dist: logunifrom}}}`, "",
			`test.yaml:5:77: platform.services[0].rto.uncertain.dist: unknown dist "logunifrom" (did you mean "loguniform"?) (want uniform, triangular or loguniform)`},
		{"another key beside", `    - {id: x, placement: {a: 1}, rto: {uncertain: {low: 1h, high: 2h}, fixed: 1h}}`, "",
			`test.yaml:5:72: platform.services[0].rto.fixed: unknown key "fixed" beside uncertain: an uncertain input is a mapping with the one key uncertain, like {uncertain: {low: 30m, high: 4h}}`},
		{"nested", `    - {id: x, placement: {a: 1}, rto: {uncertain: {low: 1h, high: {uncertain: {low: 1h, high: 2h}}}}}`, "",
			"test.yaml:5:68: platform.services[0].rto.uncertain.high: an uncertain range cannot have uncertain bounds: want a plain duration"},
		{"load below 1", `    - {id: x, placement: {a: 1}, load: {uncertain: {low: 0, high: 2}}}`, "",
			"test.yaml:5:41: platform.services[0].load: want load ≥ 1, got the range [0, 2]"},
		{"servers below 1", `    - {id: x, placement: {a: {uncertain: {low: 0, high: 2}}}}`, "",
			`test.yaml:5:31: platform.services[0].placement.a: want servers on site "a" ≥ 1, got the range [0, 2]`},
		{"power fraction from 0", `    - {id: x, placement: {a: 1}}`, `[{kind: site-outage, site: a, power_restore: [{after: 1h, fraction: {uncertain: {low: 0, high: 0.5}}}, {after: 2h, fraction: 1}]}]`,
			"test.yaml:6:98: scenarios[0].events[0].power_restore[0].fraction: want fractions > 0, got the range [0, 0.5]"},
		{"backup every from 0", `    - {id: x, placement: {a: 1}, data: {backup: {every: {uncertain: {low: 0, high: 2h}}}}}`, "",
			"test.yaml:5:58: platform.services[0].data.backup.every: want durations > 0, got the range [0, 2h]"},
		{"an id", `    - {id: {uncertain: {low: 1, high: 2}}, placement: {a: 1}}`, "",
			"test.yaml:5:13: platform.services[0].id: id cannot be uncertain: uncertain ranges are for durations, probabilities, fractions, counts (crews, load, servers, users) and rates (docs/model.md §3.1)"},
		{"a name", `    - {id: x, name: {uncertain: {low: 1, high: 2}}, placement: {a: 1}}`, "",
			"test.yaml:5:22: platform.services[0].name: name cannot be uncertain: uncertain ranges are for durations, probabilities, fractions, counts (crews, load, servers, users) and rates (docs/model.md §3.1)"},
		{"a reference", `    - {id: x, placement: {a: 1}, depends_on: [{uncertain: {low: 1, high: 2}}]}`, "",
			"test.yaml:5:48: platform.services[0].depends_on[0]: want a service id, {service: ID, soft: true} or {any: [A, B], need: K}\n" +
				`test.yaml:5:48: platform.services[0].depends_on[0].uncertain: unknown key "uncertain" in depends_on entry: it cannot be uncertain as a whole; write uncertain ranges for the values inside it (docs/model.md §3.1)`},
		{"a quorum", `    - {id: x, placement: {a: 1}, redundancy: {quorum: {uncertain: {low: 1, high: 2}}}}`, "",
			"test.yaml:5:56: platform.services[0].redundancy.quorum: quorum cannot be uncertain: uncertain ranges are for durations, probabilities, fractions, counts (crews, load, servers, users) and rates (docs/model.md §3.1)"},
		{"a whole restart", `    - {id: x, placement: {a: 1}, restart: {uncertain: {low: 1h, high: 2h}}}`, "",
			`test.yaml:5:44: platform.services[0].restart.uncertain: unknown key "uncertain" in restart: it cannot be uncertain as a whole; write uncertain ranges for the values inside it (docs/model.md §3.1)`},
		{"malformed rate bound", `    - {id: x, placement: {a: 1}}`, `[{kind: site-outage, site: a, rate: {uncertain: {low: 1/y, high: 1/s}}}]`,
			`test.yaml:6:94: scenarios[0].events[0].rate.uncertain.high: malformed rate "1/s": want occurrences per period like 2/y (or N/w, N/d)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := head + tt.services + "\n"
			if tt.scenarios != "" {
				text += "scenarios: [{id: s, events: " + tt.scenarios + "}]\n"
			}
			_, err := Load(strings.NewReader(text), "test.yaml")
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

// TestUncertainNominalIsPlain checks docs/model.md §3.1's promise: a file
// with ranges decodes as the same file with each range replaced by its
// nominal value written plainly (positions aside).
func TestUncertainNominalIsPlain(t *testing.T) {
	data, err := os.ReadFile("testdata/valid/uncertain.yaml")
	require.NoError(t, err)
	f, err := Load(bytes.NewReader(data), "u.yaml")
	require.NoError(t, err)
	plain := string(data)
	us := f.Uncertain()
	require.NotEmpty(t, us)
	for i := len(us) - 1; i >= 0; i-- { // from the end: earlier offsets stay put
		u := us[i]
		start := lineOffset(plain, u.Line) + u.Col - 1
		require.True(t, strings.HasPrefix(plain[start:], "uncertain:"), u.Path)
		open := strings.LastIndex(plain[:start], "{")
		end := start + strings.Index(plain[start:], "}}") + 2
		plain = plain[:open] + u.Format(u.Nominal) + plain[end:]
	}
	require.NotContains(t, plain, "uncertain")
	g, err := Load(strings.NewReader(plain), "u.yaml")
	require.NoError(t, err, plain)
	zeroPos(reflect.ValueOf(f), map[uintptr]bool{})
	zeroPos(reflect.ValueOf(g), map[uintptr]bool{})
	assert.Equal(t, g.Platform, f.Platform)
	assert.Equal(t, g.Scenarios[0].Events, f.Scenarios[0].Events)
	assert.Equal(t, g.Scenarios[0].Crews, f.Scenarios[0].Crews)
	assert.Equal(t, g.Scenarios[0].SoftWeight, f.Scenarios[0].SoftWeight)
	assert.Equal(t, g.Mitigations[0].AddCrews, f.Mitigations[0].AddCrews)
}

func lineOffset(s string, line int) int {
	off := 0
	for range line - 1 {
		off += strings.IndexByte(s[off:], '\n') + 1
	}
	return off
}

// zeroPos zeroes every Pos reachable from v.
func zeroPos(v reflect.Value, seen map[uintptr]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || seen[v.Pointer()] {
			return
		}
		seen[v.Pointer()] = true
		zeroPos(v.Elem(), seen)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(Pos{}) {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				zeroPos(v.Field(i), seen)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			zeroPos(v.Index(i), seen)
		}
	}
}

// TestUncertainAlias checks that a range under an anchor is one input
// wherever it is aliased, and that With sets every use.
func TestUncertainAlias(t *testing.T) {
	f := mustLoad(t, `version: 1
x-restart: &restart {uncertain: {low: 1h, high: 3h}}
platform:
  sites: [{id: a}]
  services:
    - {id: db, placement: {a: 1}, restart: {auto: 5m, manual: {lognormal: {median: *restart, p95: 8h}}}}
    - {id: web, placement: {a: 1}, restart: {auto: *restart}}
`)
	us := f.Uncertain()
	require.Len(t, us, 1)
	assert.Equal(t, "x-restart", us[0].Path, "named where it is written")
	assert.Equal(t, 2, us[0].Line)
	g, err := f.With(map[string]float64{us[0].Path: float64(3 * Hour)})
	require.NoError(t, err)
	median, err := NewLogNormalQuantiles(3*Hour, 8*Hour)
	require.NoError(t, err)
	assert.Equal(t, median, *g.Platform.Service("db").Restart.Manual)
	assert.Equal(t, NewFixed(3*Hour), g.Platform.Service("web").Restart.Auto)
	assert.Equal(t, NewFixed(2*Hour), f.Platform.Service("web").Restart.Auto)

	// Outside x- keys, the path where it is first read names it.
	f = mustLoad(t, `version: 1
platform:
  sites: [{id: a}]
  services:
    - {id: db, placement: {a: 1}, restart: {auto: &r {uncertain: {low: 1h, high: 3h}}}}
    - {id: web, placement: {a: 1}, restart: {auto: *r}}
`)
	us = f.Uncertain()
	require.Len(t, us, 1)
	assert.Equal(t, "platform.services[0].restart.auto", us[0].Path)
}
