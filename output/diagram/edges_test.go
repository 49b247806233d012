package diagram

import (
	"bytes"
	"fmt"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
	"github.com/dominosim/domino/synth"
)

var (
	dotEdge = regexp.MustCompile(`(?m)^\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_]+)\s*->\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_]+)`)
	svgEdge = regexp.MustCompile(`<g id="edge\d+" class="edge">\s*<title>([^<]*)</title>`)
)

// TestEveryEdgeRendered renders the diagram of every embedded scenario and
// of generated platforms, in full and collapsed by site, and checks that Graphviz drew every edge the DOT
// asks for: Graphviz drops an edge it cannot route ("lost ... edge") and
// exits 0 all the same, so only counting them catches it.
func TestEveryEdgeRendered(t *testing.T) {
	platforms := map[string]*graph.Platform{}
	for _, name := range scenarios.Names() {
		f, err := graph.LoadFS(scenarios.FS, scenarios.Path(name))
		require.NoError(t, err, name)
		platforms[name] = f.Platform
	}
	// A 1,000-service platform is only drawn collapsed: in full, Graphviz
	// takes minutes.
	platforms["gen-1000"] = generated(t, 1000, 6, 1)
	for _, n := range []int{60, 150} {
		b, err := synth.Generate(synth.Options{Services: n, Sites: 4, Seed: 3})
		require.NoError(t, err)
		f, err := graph.Load(bytes.NewReader(b), "gen.yaml")
		require.NoError(t, err)
		platforms[fmt.Sprintf("gen-%d", n)] = f.Platform
	}
	type view struct {
		name string
		opt  Options
	}
	views := []view{{"LR", Options{RankDir: "LR"}}, {"TB", Options{RankDir: "TB"}}, {"collapsed", Options{Collapse: true}}}
	for name, p := range platforms {
		for _, v := range views {
			if name == "gen-1000" && !v.opt.Collapse {
				continue
			}
			t.Run(name+"/"+v.name, func(t *testing.T) {
				var dot, svg bytes.Buffer
				require.NoError(t, DOT(&dot, p, v.opt))
				require.NoError(t, RenderSVG(dot.Bytes(), &svg))
				want := 0
				for _, line := range bytes.Split(dot.Bytes(), []byte("\n")) {
					// Graphviz draws no invisible edge (the legend's spacers).
					if dotEdge.Match(line) && !bytes.Contains(line, []byte("style=invis")) {
						want++
					}
				}
				got := len(svgEdge.FindAllIndex(svg.Bytes(), -1))
				require.Positive(t, want, "the DOT has no edges: the test checks nothing")
				assert.Equal(t, want, got, "edges in the DOT, edges Graphviz drew")
			})
		}
	}
}
