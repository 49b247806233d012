package graph

import (
	"os"
	"testing"
)

// TestYAMLNodesKeepTheirOrigin checks that every tnode converted from YAML
// finds the goccy node it came from through its source (tnode.off), in every
// document, as advised.go and describe need.
func TestYAMLNodesKeepTheirOrigin(t *testing.T) {
	data, err := os.ReadFile("testdata/valid/model-example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, "\n---\nsecond: [a, {b: c}]\n"...)
	d := &decoder{}
	src := &source{name: "x.yaml"}
	docs, ok := d.parse(data, src)
	if !ok || len(docs) != 2 {
		t.Fatalf("got %d documents, ok %v; want 2, true", len(docs), ok)
	}
	var n int
	var walk func(tn *tnode)
	walk = func(tn *tnode) {
		if tn == nil {
			return
		}
		n++
		o := src.orig(tn)
		if o == nil {
			t.Fatalf("node %q at %d:%d: no goccy node", tn.text, tn.line, tn.col)
		}
		if line, col := nodeLineCol(o, 0); line != int(tn.line) || col != int(tn.col) {
			t.Errorf("node %q at %d:%d: goccy node at %d:%d", tn.text, tn.line, tn.col, line, col)
		}
		for _, k := range tn.kids() {
			walk(k)
		}
	}
	for _, doc := range docs {
		walk(doc)
	}
	if n < 100 {
		t.Errorf("walked %d nodes, want at least 100", n)
	}
}
