package graph_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// defaultsYAML has a service with no restart time (web), an active-standby
// service with no failover time whose tooling burns with its primary (db),
// a service on a site that only random failures reach (batch), and
// scenarios with and without crews.
const defaultsYAML = `version: 1
platform:
  name: defaults
  sites:
    - {id: a}
    - {id: b}
    - {id: c, mtbf: 30d, mttr: 4h}
  services:
    - id: ops
      placement: {a: 1}
      restart: {auto: 5m}
    - id: db
      users: 10
      placement: {a: 2, b: 2}
      redundancy: {mode: active-standby, primary: a}
      restart: {auto: 10m}
      tooling: [ops]
    - id: web
      users: 100
      placement: {a: 2, b: 2}
      depends_on: [db]
    - id: batch
      placement: {c: 1}
    - id: quiet
      placement: {b: 1}
scenarios:
  - id: fire-a
    events: [{kind: site-outage, site: a, duration: 2h}]
  - id: fire-a-crewed
    crews: 2
    events: [{kind: site-outage, site: a, duration: 2h}]
  - id: cut-b
    crews: 1
    events: [{kind: isolate, site: b, duration: 1h}]
  - id: random
    events: [{kind: random-failures}]
`

// TestLintRecoveryDefaults checks the rules that say when a scenario relies
// on a recovery that takes no time, or on crews nobody waits for.
func TestLintRecoveryDefaults(t *testing.T) {
	f, err := graph.Load(strings.NewReader(defaultsYAML), "defaults.yaml")
	require.NoError(t, err)
	var got []string
	for _, w := range graph.Lint(f) {
		switch w.Rule {
		case graph.RuleRestartUnset, graph.RuleFailoverUnset, graph.RuleCrewsUnlimited:
			got = append(got, w.String())
		}
	}
	want := []string{
		"defaults.yaml:12:7: warning: db is active-standby with no failover time: when scenarios fire-a and fire-a-crewed stop its primary, " +
			"it fails over instantly (failover.auto 0, manual 10 × 0); give redundancy: {failover: {auto: …, manual: …}} [failover-unset]",
		"defaults.yaml:18:7: warning: web has no restart time: when scenarios fire-a and fire-a-crewed stop it, " +
			"it restarts instantly (restart.auto 0, manual 10 × 0); give restart: {auto: …, manual: …} [restart-unset]",
		"defaults.yaml:22:7: warning: batch has no restart time: when scenario random stops it, " +
			"it restarts instantly (restart.auto 0, manual 10 × 0); give restart: {auto: …, manual: …} [restart-unset]",
		"defaults.yaml:27:5: warning: scenario fire-a: crews are unlimited (no crews:), yet 1 service restarts or fails over by hand, " +
			"its tooling lost with it (db): nobody ever waits for a crew, so recovery times are a best case; set crews: to the people on call [crews-unlimited]",
		"defaults.yaml:35:5: warning: scenario random: crews are unlimited (no crews:), yet repairs of random failures hold a crew: " +
			"nobody ever waits for a crew, so recovery times are a best case; set crews: to the people on call [crews-unlimited]",
	}
	assert.Equal(t, want, got)
}

// TestLintRecoveryDefaultsQuiet checks that times given, or services no
// scenario stops, give no warning.
func TestLintRecoveryDefaultsQuiet(t *testing.T) {
	fixed := strings.NewReplacer(
		"redundancy: {mode: active-standby, primary: a}", "redundancy: {mode: active-standby, primary: a, failover: {auto: 30s}}",
		"      depends_on: [db]\n", "      depends_on: [db]\n      restart: {auto: 0s}\n", // instant, but said so
		"placement: {c: 1}", "placement: {c: 1}\n      restart: {auto: 1m}",
		"  - id: fire-a\n", "  - id: fire-a\n    crews: 3\n",
		"  - id: random\n", "  - id: random\n    crews: 1\n",
	).Replace(defaultsYAML)
	f, err := graph.Load(strings.NewReader(fixed), "fixed.yaml")
	require.NoError(t, err)
	for _, w := range graph.Lint(f) {
		switch w.Rule {
		case graph.RuleRestartUnset, graph.RuleFailoverUnset, graph.RuleCrewsUnlimited:
			t.Errorf("got %s, want no warning of the recovery rules", w)
		}
	}
}

// TestLintRecoveryDefaultsByZone checks that the recovery rules look at the
// zone an event stops, not at its whole building: the site-loss rule loses
// a building at once, but an outage of one zone leaves the other running.
func TestLintRecoveryDefaultsByZone(t *testing.T) {
	const zonesYAML = `version: 1
platform:
  name: zones
  sites:
    - {id: z1, building: b1}
    - {id: z2, building: b1}
    - {id: z3, building: b2}
    - {id: z4, building: b2}
  services:
    - {id: burnt, placement: {z1: 1}}
    - {id: spared, placement: {z2: 1}}
    - id: db
      placement: {z1: 1, z2: 1}
      redundancy: {mode: active-standby, primary: z1}
      restart: {auto: 1m}
    - {id: apart, placement: {z3: 1}}
scenarios:
  - id: zone-fire
    crews: 1
    events: [{kind: site-outage, site: z1}]
  - id: building-fire
    crews: 1
    events: [{kind: site-outage, building: b2}]
`
	f, err := graph.Load(strings.NewReader(zonesYAML), "zones.yaml")
	require.NoError(t, err)
	var got []string
	for _, w := range graph.Lint(f) {
		switch w.Rule {
		case graph.RuleRestartUnset, graph.RuleFailoverUnset:
			got = append(got, w.Rule+": "+strings.SplitN(w.Msg, ":", 2)[0])
		}
	}
	assert.Equal(t, []string{
		"restart-unset: burnt has no restart time",
		"failover-unset: db is active-standby with no failover time",
		"restart-unset: apart has no restart time",
	}, got)
}
