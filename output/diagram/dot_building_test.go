package diagram

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// TestDOTBuilding: the zones of a building are clusters inside the
// building's cluster, drawn where its first zone is in the file's order;
// a site of its own stays at the top level. The golden is the DOT text;
// Graphviz must lay it out.
func TestDOTBuilding(t *testing.T) {
	f, err := graph.Load(strings.NewReader(`version: 1
platform:
  name: zones
  sites:
    - {id: gasan, region: seoul}
    - {id: pangyo-a, name: Pangyo zone A, building: pangyo, region: seongnam}
    - {id: pangyo-b, name: Pangyo zone B, building: pangyo, region: seongnam}
  services:
    - {id: deploy, placement: {pangyo-a: 100}}
    - id: mail
      placement: {pangyo-b: 900, gasan: 300}
      redundancy: {mode: active-standby, primary: pangyo-b}
      tooling: [deploy]
`), "zones.yaml")
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, DOT(&buf, f.Platform, Options{NoLegend: true}))
	golden(t, "building.dot", buf.Bytes())

	dot := buf.String()
	b := strings.Index(dot, `subgraph "cluster_building_pangyo" {`)
	za := strings.Index(dot, `subgraph "cluster_pangyo-a" {`)
	zb := strings.Index(dot, `subgraph "cluster_pangyo-b" {`)
	g := strings.Index(dot, `subgraph "cluster_gasan" {`)
	require.True(t, b >= 0 && za >= 0 && zb >= 0 && g >= 0, "every cluster is drawn")
	assert.Less(t, g, b, "gasan comes first in the file")
	assert.Less(t, b, za)
	assert.Less(t, za, zb)
	assert.Contains(t, dot, "building pangyo · region seongnam · 2 zones · 1,000 servers")
	// The building's cluster closes after its zones': the zones nest.
	assert.Equal(t, "\t\t}\n\t}\n", dot[strings.Index(dot[zb:], "\t\t}\n")+zb:][:len("\t\t}\n\t}\n")])

	var svg bytes.Buffer
	require.NoError(t, RenderSVG(buf.Bytes(), &svg))
	assert.Contains(t, svg.String(), "Pangyo zone B")
}
