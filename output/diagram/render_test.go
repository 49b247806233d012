package diagram

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
)

// fixtureDOT is the fixture's DOT text with heat colours.
func fixtureDOT(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := DOT(&buf, fixture(), Options{Heat: fixtureHeat(), HeatMax: 1, HeatLabel: "P(affected)"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRenderSVG(t *testing.T) {
	var svg bytes.Buffer
	if err := RenderSVG(fixtureDOT(t), &svg); err != nil {
		t.Fatal(err)
	}
	// Well-formed XML from start to end, with an <svg> root.
	dec := xml.NewDecoder(bytes.NewReader(svg.Bytes()))
	var titles []string
	root := ""
	inTitle := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
			}
			inTitle = tok.Name.Local == "title"
		case xml.CharData:
			if inTitle {
				titles = append(titles, string(tok))
			}
		case xml.EndElement:
			inTitle = false
		}
	}
	if root != "svg" {
		t.Errorf("root element is %q, want svg", root)
	}
	// Graphviz gives every node a <title> with its DOT id.
	have := make(map[string]bool)
	for _, s := range titles {
		have[s] = true
	}
	for _, s := range fixture().Services {
		if !have[s.ID] {
			t.Errorf("SVG has no node titled %q", s.ID)
		}
	}
}

func TestRenderSVGBadDOT(t *testing.T) {
	err := RenderSVG([]byte("digraph { a -> "), io.Discard)
	if err == nil {
		t.Fatal("got no error for broken DOT")
	}
	if !strings.Contains(err.Error(), "dot") {
		t.Errorf("got %q, want an error naming dot", err)
	}
}

// TestRenderConcurrent checks that concurrent callers are serialised
// (go-graphviz itself is not safe for concurrent use).
func TestRenderConcurrent(t *testing.T) {
	dot := fixtureDOT(t)
	var want bytes.Buffer
	if err := RenderSVG(dot, &want); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var got bytes.Buffer
			if err := RenderSVG(dot, &got); err != nil {
				t.Error(err)
				return
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Error("concurrent render differs")
			}
		}()
	}
	wg.Wait()
}
