package graph

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestYAMLNodesKeepTheirOrigin checks that every tnode converted from YAML
// finds the goccy node it came from through its source (tnode.off), in every
// document, as advised.go and describe need.
func TestYAMLNodesKeepTheirOrigin(t *testing.T) {
	data, err := os.ReadFile("testdata/valid/model-example.yaml")
	require.NoError(t, err)
	data = append(data, "\n---\nsecond: [a, {b: c}]\n"...)
	d := &decoder{}
	src := &source{name: "x.yaml"}
	docs, ok := d.parse(data, src)
	require.True(t, ok)
	require.Len(t, docs, 2)
	var n int
	var walk func(tn *tnode)
	walk = func(tn *tnode) {
		if tn == nil {
			return
		}
		n++
		o := src.orig(tn)
		require.NotNil(t, o, "node %q at %d:%d: no goccy node", tn.text, tn.line, tn.col)
		line, col := nodeLineCol(o, 0)
		assert.Equal(t, [2]int{int(tn.line), int(tn.col)}, [2]int{line, col}, "node %q: line and column of its goccy node", tn.text)
		for _, k := range tn.kids() {
			walk(k)
		}
	}
	for _, doc := range docs {
		walk(doc)
	}
	assert.GreaterOrEqual(t, n, 100, "nodes walked")
}
