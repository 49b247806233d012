package graph_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// TestLintBuildingIsOneSite: replicas in two zones of one building are not
// on two sites. The same platform with the building keys removed (two
// separate sites) warns about none of it.
func TestLintBuildingIsOneSite(t *testing.T) {
	const platform = `version: 1
platform:
  sites:
    - {id: hall-a, building: dc1}
    - {id: hall-b, building: dc1}
    - {id: far}
  services:
    - id: deploy
      placement: {hall-a: 5, hall-b: 5}
      redundancy: {mode: active-active}
    - id: db
      placement: {hall-a: 5, hall-b: 5}
      redundancy: {mode: active-active}
      data: {replication: sync}
    - id: app
      users: 100
      placement: {hall-a: 5, far: 5}
      redundancy: {mode: active-active}
      depends_on: [db]
      tooling: [deploy]
`
	lint := func(text string) []string {
		f, err := graph.Load(strings.NewReader(text), "b.yaml")
		require.NoError(t, err)
		var out []string
		for _, w := range graph.Lint(f) {
			out = append(out, w.String())
		}
		return out
	}
	assert.Equal(t, []string{
		"b.yaml:4:8: warning: losing building dc1 takes down 3 services with 100% of users, which no automated failover brings back (app, db and deploy) [site-loss-majority]",
		"b.yaml:8:7: warning: deploy runs only in building dc1, where the one service that needs it also runs (app) [tooling-colocated]",
		"b.yaml:11:7: warning: db keeps its data only in building dc1 and has no backup: one site loss destroys every copy [backup-single-site]",
		"b.yaml:19:20: warning: app runs in building dc1 and far but depends on db, which runs only in building dc1 [weakest-link]",
	}, lint(platform))
	assert.Empty(t, lint(strings.ReplaceAll(platform, ", building: dc1", "")))
}
