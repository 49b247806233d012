package graph

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A service that everything running cannot keep up is refused, in the
// platform and in every platform made from it (docs/model.md §6, §11).

// TestStartCapacityRefused checks each case with its exact message: the
// counted capacity of every mode, a patch, a mitigation and the worst
// corner of ranges.
func TestStartCapacityRefused(t *testing.T) {
	const sites = "version: 1\nplatform:\n  sites: [{id: a}, {id: b}, {id: c}]\n  services:\n"
	tests := []struct {
		name, text, want string
	}{
		{"active-standby: the primary counts, not the standby",
			sites + "    - {id: app, placement: {a: 2, b: 20}, redundancy: {mode: active-standby, primary: a}, load: 20, collapse_below: 0.5}\n",
			`test.yaml:5:117: platform.services[0].collapse_below: service "app" would be down from t = 0 (docs/model.md §6, §11): ` +
				`with every site up its primary "a" has 2 servers, 10% of its load of 20, below collapse_below 0.5; give the primary at least 10 servers, or lower load or collapse_below`},
		{"single",
			sites + "    - {id: one, placement: {b: 1}, load: 1000, collapse_below: 0.01}\n",
			`test.yaml:5:64: platform.services[0].collapse_below: service "one" would be down from t = 0 (docs/model.md §6, §11): ` +
				`with its site up its one replica, on "b", has 1 server, under 1% of its load of 1000, below collapse_below 0.01; give it at least 10 servers, or lower load or collapse_below`},
		{"active-active: every replica counts, whatever the quorum",
			sites + "    - {id: aa, placement: {a: 4, b: 4, c: 4}, redundancy: {quorum: 2}, load: 30, collapse_below: 0.41}\n",
			`test.yaml:5:98: platform.services[0].collapse_below: service "aa" would be down from t = 0 (docs/model.md §6, §11): ` +
				`with every site up its 3 replicas have 12 servers in all, 40% of its load of 30, below collapse_below 0.41; place at least 13 servers, or lower load or collapse_below`},
		{"a scenario's patch of collapse_below",
			sites + "    - {id: app, placement: {a: 10}, load: 20}\n" +
				"scenarios:\n  - {id: s, patch: {services: [{id: app, collapse_below: 0.6}]}, events: [{kind: site-outage, site: a}]}\n",
			`test.yaml:7:58: scenarios[0].patch.services[0].collapse_below: service "app" would be down from t = 0 (docs/model.md §6, §11): ` +
				`with its site up its one replica, on "a", has 10 servers, 50% of its load of 20, below collapse_below 0.6; give it at least 12 servers, or lower load or collapse_below`},
		{"a scenario's patch of the placement",
			sites + "    - {id: app, placement: {a: 2, b: 2}, redundancy: {mode: active-standby, primary: b}, load: 3, collapse_below: 0.5}\n" +
				"scenarios:\n  - {id: s, patch: {services: [{id: app, placement: {a: 2, b: 2, c: 5}}]}, events: []}\n" +
				"  - {id: t, patch: {services: [{id: app, redundancy: {mode: active-standby, primary: a}, load: 6}]}, events: []}\n",
			`test.yaml:8:21: scenarios[1].patch: with this patch, platform.services[0].collapse_below (test.yaml:5:115): service "app" would be down from t = 0 (docs/model.md §6, §11): ` +
				`with every site up its primary "a" has 2 servers, 33% of its load of 6, below collapse_below 0.5; give the primary at least 3 servers, or lower load or collapse_below`},
		{"a mitigation",
			sites + "    - {id: aa, placement: {a: 4, b: 4, c: 4}, load: 12, collapse_below: 0.5}\n" +
				"mitigations:\n  - {id: m, patch: {services: [{id: aa, redundancy: {mode: active-standby, primary: c}}]}}\n",
			`test.yaml:7:21: mitigations[0].patch: with this patch, platform.services[0].collapse_below (test.yaml:5:73): service "aa" would be down from t = 0 (docs/model.md §6, §11): ` +
				`with every site up its primary "c" has 4 servers, 33% of its load of 12, below collapse_below 0.5; give the primary at least 6 servers, or lower load or collapse_below`},
		{"the high of a load, the high of collapse_below",
			sites + "    - id: app\n      placement: {a: 20, b: 2}\n      redundancy: {mode: active-standby}\n" +
				"      load: {uncertain: {low: 10, high: 30}}\n      collapse_below: {uncertain: {low: 0.2, high: 0.7}}\n",
			`test.yaml:9:24: platform.services[0].collapse_below: service "app" could be down from t = 0 (docs/model.md §6, §11): at the worst of its ranges ` +
				`(load 30, the high of platform.services[0].load [10, 30]; collapse_below 0.7, the high of platform.services[0].collapse_below [0.2, 0.7]), ` +
				`with every site up its primary "a" has 20 servers, 66% of its load of 30, below collapse_below 0.7; give the primary at least 21 servers, or lower load or collapse_below (every value of a range must keep it up)`},
		{"the low of the servers, in a patch",
			sites + "    - {id: db, placement: {a: 8}, load: 12}\n" +
				"scenarios:\n  - id: s\n    patch: {services: [{id: db, placement: {a: {uncertain: {low: 3, high: 12, dist: loguniform}}, b: 2}, collapse_below: 0.5}]}\n    events: []\n",
			`test.yaml:8:122: scenarios[0].patch.services[0].collapse_below: service "db" could be down from t = 0 (docs/model.md §6, §11): at the worst of its ranges ` +
				`(servers on "a" 3, the low of scenarios[0].patch.services[0].placement.a [3, 12]), ` +
				`with every site up its 2 replicas have 5 servers in all, 41% of its load of 12, below collapse_below 0.5; place at least 6 servers, or lower load or collapse_below (every value of a range must keep it up)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, loadErr(t, tt.text))
		})
	}
}

// TestStartCapacityAccepted: a share exactly at collapse_below is up
// (φ ≥ collapse_below), a share below 1 without collapse_below is up and
// partial, an active-standby service's standby does not count against it,
// and an input shared by the servers and the load through an anchor is
// checked as one: its low is the worst, where φ = 1.
func TestStartCapacityAccepted(t *testing.T) {
	f := mustLoad(t, `version: 1
x-n: &n {uncertain: {low: 10, high: 30}}
platform:
  sites: [{id: a}, {id: b}]
  services:
    - {id: equal, placement: {a: 10}, load: 20, collapse_below: 0.5}
    - {id: exact, placement: {a: 7}, load: 25, collapse_below: 0.28}
    - {id: partial, placement: {a: 1}, load: 1000}
    - {id: standby-short, placement: {a: 20, b: 1}, redundancy: {mode: active-standby}, load: 20, collapse_below: 0.9}
    - {id: shared, placement: {a: *n}, load: *n, collapse_below: 0.9}
    - {id: ranges, placement: {a: {uncertain: {low: 10, high: 40}}}, load: {uncertain: {low: 5, high: 20}}, collapse_below: {uncertain: {low: 0, high: 0.5}}}
`)
	require.Len(t, f.Platform.Services, 6)
	// Every corner of the ranges builds.
	for _, lo := range []bool{false, true} {
		values := map[string]float64{}
		for _, u := range f.Uncertain() {
			values[u.Path] = u.High
			if lo {
				values[u.Path] = u.Low
			}
		}
		_, err := f.With(values)
		require.NoError(t, err, "all at their low: %v", lo)
	}
	_, err := f.With(map[string]float64{"platform.services[5].placement.a": 10, "platform.services[5].load": 20, "platform.services[5].collapse_below": 0.5})
	require.NoError(t, err, "the worst corner")
}

// TestStartCapacityApply: two mitigations that are each valid alone can
// leave a service down from t = 0 together; Apply says so (advise then
// skips that combination).
func TestStartCapacityApply(t *testing.T) {
	f := mustLoad(t, `version: 1
platform:
  sites: [{id: a}, {id: b}]
  services:
    - {id: app, placement: {a: 10, b: 10}, redundancy: {mode: active-standby}, load: 10, collapse_below: 0.5}
mitigations:
  - {id: small-a, patch: {services: [{id: app, placement: {a: 6, b: 10}}]}}
  - {id: more-load, patch: {services: [{id: app, load: 14}]}}
`)
	for _, m := range f.Mitigations {
		_, err := f.Apply(m)
		require.NoError(t, err, m.ID)
	}
	_, err := f.Apply(f.Mitigations...)
	require.Error(t, err)
	assert.Equal(t, `test.yaml:5:106: platform.services[0].collapse_below: service "app" would be down from t = 0 (docs/model.md §6, §11): `+
		`with every site up its primary "a" has 6 servers, 42% of its load of 14, below collapse_below 0.5; give the primary at least 7 servers, or lower load or collapse_below`, err.Error())
}

// TestStartCapacityCompile: a platform built by a program, which no file
// checked, is refused by Compile.
func TestStartCapacityCompile(t *testing.T) {
	f := mustLoad(t, `version: 1
platform:
  sites: [{id: a}, {id: b}]
  services:
    - {id: app, placement: {a: 2, b: 20}, redundancy: {mode: active-standby}, load: 20}
scenarios: [{id: s, events: [{kind: site-outage, site: b, at: 2h, duration: 1h}]}]
`)
	sc := f.Scenarios[0]
	_, err := Compile(sc)
	require.NoError(t, err, "partial from t = 0 is allowed")
	sc.Platform.Services[0].CollapseBelow = 0.5
	_, err = Compile(sc)
	require.Error(t, err)
	assert.Equal(t, `scenario "s": service "app" would be down from t = 0 (docs/model.md §6, §11): `+
		`with every site up its primary "a" has 2 servers, 10% of its load of 20, below collapse_below 0.5; give the primary at least 10 servers, or lower load or collapse_below`, err.Error())
	// Compile reads a missing primary as the first placed site.
	sc.Platform.Services[0].Redundancy.Primary = ""
	_, err = Compile(sc)
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), `its primary "a" has 2 servers`), err.Error())
}

// TestCarriesLeast: the fewest servers leastCarrying gives carry the load,
// one fewer does not.
func TestCarriesLeast(t *testing.T) {
	for load := int64(1); load <= 200; load++ {
		for _, cb := range []float64{0.01, 0.07, 0.1, 0.28, 1.0 / 3, 0.5, 0.56, 0.7, 0.9, 0.99} {
			n := leastCarrying(load, cb)
			require.True(t, carries(n, load, cb), "load %d cb %v: %d", load, cb, n)
			require.True(t, n == 1 || !carries(n-1, load, cb), "load %d cb %v: %d", load, cb, n)
		}
	}
}

// TestCarriesExactDecimals: carries compares φ = c/load with collapse_below
// as the numbers are written, for every two-decimal collapse_below and
// load up to 2,000, around the boundary: 7 of 25 at 0.28 carries (where
// c ≥ 0.28 × 25 in floating point, 7.000000000000001, did not).
func TestCarriesExactDecimals(t *testing.T) {
	for p := int64(1); p <= 99; p++ {
		cb, err := strconv.ParseFloat(fmt.Sprintf("0.%02d", p), 64)
		require.NoError(t, err)
		for load := int64(1); load <= 2000; load++ {
			k := p * load / 100
			for c := max(1, k-1); c <= k+2; c++ {
				if want := c*100 >= p*load; carries(c, load, cb) != want {
					t.Fatalf("%d of %d at %v: carries %v, want %v", c, load, cb, !want, want)
				}
			}
		}
	}
	assert.True(t, carries(7, 25, 0.28), "7 of 25 at 0.28")
}
