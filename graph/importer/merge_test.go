package importer

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// intoBlock is a platform in block style, with comments that a merge must
// keep, a service without depends_on, one with a block list and one with a
// flow list.
const intoBlock = `# Our platform: hand-tuned, keep these comments.
version: 1
platform:
  name: shop
  sites:
    - {id: dc1, name: Frankfurt}   # primary
    - id: dc2
  services:
    - id: frontend
      users: 1000000
      placement: {dc1: 4, dc2: 4}
      depends_on:
        - cart          # hot path
        - service: search
          soft: true
    - id: cart
      placement: {dc1: 2, dc2: 2}
      redundancy: {mode: active-standby, primary: dc1}
      depends_on: [{any: [redis, memcached]}]
    - id: redis
      placement: {dc1: 1}
    - id: memcached
      placement: {dc2: 1}
    - {id: payments, placement: {dc1: 2}, rto: 1h}
    - id: search
      placement:
        dc1: 1
scenarios:
  - id: dc1-down
    events: [{kind: site-outage, site: dc1, duration: 4h}]
`

// intoFlow is the same idea written in flow style, without scenarios.
const intoFlow = `version: 1
platform:
  sites: [{id: dc1}]
  services: [{id: frontend, placement: {dc1: 1}, depends_on: []}, {id: cart, placement: {dc1: 1}}]
`

func TestMerge(t *testing.T) {
	deps := `[
	  {"parent": "frontend", "child": "cart", "callCount": 10},
	  {"parent": "frontend", "child": "payments", "callCount": 10},
	  {"parent": "cart", "child": "redis", "callCount": 10},
	  {"parent": "payments", "child": "fraud", "callCount": 10},
	  {"parent": "fraud", "child": "cart", "callCount": 10}
	]`
	tests := []struct {
		name, into string
		sites      []string
		want       []string // substrings of the merged file
		changes    []string
	}{
		{
			name: "block", into: intoBlock, sites: []string{"dc1"},
			want: []string{
				"# Our platform: hand-tuned, keep these comments.",
				"          soft: true\n        - payments\n    - id: cart\n",
				"    - {id: payments, placement: {dc1: 2}, rto: 1h, depends_on: [fraud]}",
				"    - id: fraud\n      placement: {dc1: 1}\n      depends_on: [cart]\n",
				"redundancy: {mode: active-standby, primary: dc1}",
				"  - id: dc1-down",
			},
			changes: []string{
				"service frontend: depends_on gains payments",
				"service payments: depends_on gains fraud",
				"added service fraud",
			},
		},
		{
			name: "flow, new site, scenario added", into: intoFlow, sites: []string{"dc9"},
			want: []string{
				"sites: [{id: dc1}, {id: dc9}]",
				"{id: frontend, placement: {dc1: 1}, depends_on: [cart, payments]}",
				"{id: cart, placement: {dc1: 1}, depends_on: [redis]}",
				"{id: fraud, placement: {dc9: 1}, depends_on: [cart]}",
				"scenarios:\n  - id: site-fire",
			},
			changes: []string{"added site dc9", "added service redis", "added scenario site-fire"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := graph.Load(strings.NewReader(tt.into), "into.yaml")
			require.NoError(t, err)
			g, err := Import("jaeger", []Input{{Name: "deps.json", Data: []byte(deps)}}, Options{Sites: tt.sites})
			require.NoError(t, err)
			var out bytes.Buffer
			changes, err := Merge(&out, []byte(tt.into), f.Platform, g)
			require.NoError(t, err)
			for _, w := range tt.want {
				assert.Contains(t, out.String(), w, "merged file lacks %q; got:\n%s", w, out.String())
			}
			for _, c := range tt.changes {
				assert.Contains(t, changes, c)
			}
			merged := mustRun(t, out.Bytes(), "merged.yaml")
			checkKept(t, f.Platform, merged.Platform)
			assert.NotNil(t, merged.Platform.Service("fraud"), "new service fraud missing")
		})
	}
}

// checkKept checks that every service of old is in merged with the same
// fields, except for depends_on, which may only grow.
func checkKept(t *testing.T, old, merged *graph.Platform) {
	t.Helper()
	for _, s := range old.Services {
		m := merged.Service(s.ID)
		if !assert.NotNil(t, m, "service %s lost", s.ID) {
			continue
		}
		assert.True(t, slices.EqualFunc(s.Placement, m.Placement, func(a, b graph.Placement) bool { return a == b }), "service %s: placement changed", s.ID)
		assert.Equal(t, s.Redundancy.Mode, m.Redundancy.Mode, "service %s: redundancy mode", s.ID)
		assert.Equal(t, s.Users, m.Users, "service %s: users", s.ID)
		assert.Equal(t, s.RTO, m.RTO, "service %s: rto", s.ID)
		for i, d := range s.DependsOn {
			if !assert.Less(t, i, len(m.DependsOn), "service %s: depends_on[%d] %+v not kept", s.ID, i, d) {
				continue
			}
			assert.Equal(t, d.Service, m.DependsOn[i].Service, "service %s: depends_on[%d]", s.ID, i)
			assert.True(t, slices.Equal(m.DependsOn[i].Any, d.Any), "service %s: depends_on[%d] %+v not kept", s.ID, i, d)
		}
	}
	for _, s := range old.Sites {
		assert.NotNil(t, merged.Site(s.ID), "site %s lost", s.ID)
	}
}

// TestMergeIdempotent merges the same import twice: the second adds nothing.
func TestMergeIdempotent(t *testing.T) {
	f, err := graph.Load(strings.NewReader(intoBlock), "into.yaml")
	require.NoError(t, err)
	g, err := Import("dot", []Input{{Name: "g.dot", Data: []byte(`digraph { frontend -> search -> redis [style=dashed] }`)}}, Options{Sites: []string{"dc2"}})
	require.NoError(t, err)
	var once, twice bytes.Buffer
	_, err = Merge(&once, []byte(intoBlock), f.Platform, g)
	require.NoError(t, err)
	f2 := mustRun(t, once.Bytes(), "once.yaml")
	changes, err := Merge(&twice, once.Bytes(), f2.Platform, g)
	require.NoError(t, err)
	assert.Equal(t, once.String(), twice.String(), "second merge changed the file")
	assert.Equal(t, []string{"nothing to add"}, changes)
}

func TestMergeRefused(t *testing.T) {
	into := "version: 1\nx-svcs: &svcs [{id: a, placement: {s: 1}}]\nplatform:\n  sites: [{id: s}]\n  services: *svcs\n"
	f, err := graph.Load(strings.NewReader(into), "into.yaml")
	require.NoError(t, err)
	g, err := Import("dot", []Input{{Name: "g.dot", Data: []byte(`digraph { a -> b }`)}}, Options{Sites: []string{"s"}})
	require.NoError(t, err)
	var out bytes.Buffer
	_, err = Merge(&out, []byte(into), f.Platform, g)
	require.Error(t, err, "want a refusal to merge into an alias")
	assert.Contains(t, err.Error(), "not a plain list")
}
