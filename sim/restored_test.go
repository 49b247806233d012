package sim

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// "Back to normal" (restored_ms, docs/model.md §8): the time a service is up,
// carries its whole load and is not degraded, for good. Every duration is
// fixed, so each figure is exact.

const minute = graph.Minute

// restoredRun runs c's trials and returns the results, checking on the way
// that a sharded aggregate merges to the same figures.
func restoredRun(t *testing.T, c *graph.Compiled, trials int) *Results {
	t.Helper()
	r := runAll(t, c, trials, 1)
	require.Equal(t, r, runAll(t, c, trials, 3), "workers changed the results")
	return r
}

func TestRestoredAfterShedding(t *testing.T) {
	// docs/examples/capacity.yaml: primary a (20 servers, load 20) is dark
	// 10h, the 5m failover puts the service on b (5 servers). Up from 5m
	// (recovery_ms), but shedding three quarters of its load until the
	// fail-back completes at 10h5m: back to normal at 10h5m.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - id: s
      placement: {a: 20, b: 5}
      redundancy: {mode: active-standby, primary: a, failover: {auto: 5m}}
      load: 20
scenarios:
  - id: fire
    horizon: 1d
    events:
      - {kind: site-outage, site: a, duration: 10h}
`, "")
	o, _ := one(t, c, 1, 0)
	assert.Equal(t, 5*minute, o.LastUp[0], "recovery")
	assert.Equal(t, 10*h+5*minute, o.Restored[0], "restored")
	assert.Equal(t, 5*minute, o.FullRecovery)
	assert.Equal(t, 10*h+5*minute, o.FullRestored)
	assert.False(t, o.Unrestored)

	r := restoredRun(t, c, 4)
	s := r.Services[0]
	assert.Equal(t, Summary{Mean: float64(5 * minute), CI95: [2]float64{float64(5 * minute), float64(5 * minute)},
		P50: float64(5 * minute), P90: float64(5 * minute), P99: float64(5 * minute)}, s.Recovery, "recovery_ms")
	want := float64(10*h + 5*minute)
	assert.Equal(t, Summary{Mean: want, CI95: [2]float64{want, want}, P50: want, P90: want, P99: want}, s.Restored, "restored_ms")
	assert.Zero(t, s.PUnrestored)
	assert.Equal(t, want, r.Summary.FullRestored.Mean)
	assert.Zero(t, r.Summary.PUnrestored)
}

func TestRestoredAfterDegraded(t *testing.T) {
	// app (on a) is down 0–1h; it depends softly on push (on b), down
	// 0–3h. Back up at 1h, app is degraded until push returns at 3h: back
	// to normal at 3h. docs is degraded 0–3h and never down: back to
	// normal at 3h too, though it never needed recovering.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}]
  services:
    - {id: push, placement: {b: 1}}
    - {id: app, placement: {a: 1}, depends_on: [{service: push, soft: true}]}
    - {id: docs, placement: {c: 1}, depends_on: [{service: push, soft: true}]}
    - {id: calm, placement: {c: 1}}
scenarios:
  - id: fire
    horizon: 1d
    events:
      - {kind: site-outage, site: a, duration: 1h}
      - {kind: site-outage, site: b, duration: 3h}
`, "")
	o, _ := one(t, c, 1, 0)
	app, docs, calm := svc(t, c, "app"), svc(t, c, "docs"), svc(t, c, "calm")
	assert.Equal(t, 1*h, o.LastUp[app], "app recovery")
	assert.Equal(t, 3*h, o.Restored[app], "app restored")
	assert.Equal(t, int64(-1), o.FirstDown[docs], "docs never down")
	assert.Equal(t, 3*h, o.Degraded[docs])
	assert.Equal(t, 3*h, o.Restored[docs], "docs restored")
	assert.Zero(t, o.Restored[calm], "calm never left normal")
	assert.Equal(t, 3*h, o.FullRestored)

	r := restoredRun(t, c, 3)
	assert.Equal(t, float64(3*h), r.Services[app].Restored.P50)
	assert.Equal(t, float64(3*h), r.Services[docs].Restored.Mean, "over the trials docs left normal, none of which it went down in")
	assert.Equal(t, Summary{NoCI: true}, r.Services[calm].Restored, "never left normal: no trial counted")
	assert.Zero(t, r.Services[calm].PUnrestored)
}

func TestRestoredNeverIsHorizon(t *testing.T) {
	// The primary burns for good: up on the quarter-size standby from 5m,
	// shedding to the horizon. Never back to normal: restored is the
	// horizon and every trial counts as unrestored, though the service
	// recovered (p_unrecovered 0).
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - id: s
      placement: {a: 20, b: 5}
      redundancy: {mode: active-standby, primary: a, failover: {auto: 5m}}
      load: 20
    - {id: lone, placement: {b: 1}}
scenarios:
  - id: fire
    horizon: 1d
    events:
      - {kind: site-outage, site: a}
`, "")
	const H = 24 * h
	o, _ := one(t, c, 1, 0)
	assert.Equal(t, int64(H), o.Restored[0])
	assert.False(t, o.DownAtEnd[0])
	assert.Equal(t, 5*minute, o.FullRecovery)
	assert.Equal(t, int64(H), o.FullRestored)
	assert.True(t, o.Unrestored)

	r := restoredRun(t, c, 5)
	s := r.Services[0]
	assert.Equal(t, float64(H), s.Restored.Mean)
	assert.Equal(t, float64(H), s.Restored.P99)
	assert.Equal(t, 1.0, s.PUnrestored)
	assert.Zero(t, s.PUnrecovered)
	assert.Equal(t, 1.0, r.Summary.PUnrestored)
	assert.Zero(t, r.Summary.PUnrecovered)
	assert.Equal(t, float64(H), r.Summary.FullRestored.Mean)
}

func TestRestoredOverTrialsThatLeftNormal(t *testing.T) {
	// The fire happens in about half the trials. restored_ms, like
	// recovery_ms, is over the trials in which the service left normal:
	// exactly 10h5m whatever their number; p_unrestored over all trials.
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - id: s
      placement: {a: 20, b: 5}
      redundancy: {mode: active-standby, primary: a, failover: {auto: 5m}}
      load: 20
scenarios:
  - id: fire
    horizon: 1d
    events:
      - {kind: site-outage, site: a, duration: 10h, probability: 0.5}
      - {kind: site-outage, site: b, at: 20h, probability: 0.5}
`, "")
	const trials = 200
	r := restoredRun(t, c, trials)
	s := r.Services[0]
	require.Greater(t, s.PAffected, 0.2)
	require.Less(t, s.PAffected, 0.8)
	// b burning at 20h takes the service nowhere (a is active again, or
	// never left): it stays normal unless a burned.
	want := float64(10*h + 5*minute)
	assert.Equal(t, Summary{Mean: want, CI95: [2]float64{want, want}, P50: want, P90: want, P99: want}, s.Restored)
	assert.Zero(t, s.PUnrestored)
}
