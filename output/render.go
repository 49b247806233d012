package output

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/goccy/go-graphviz"
)

// gv is the one Graphviz instance, created on first use; mu serialises every
// call into it, since go-graphviz is not safe for concurrent use
// (goccy/go-graphviz#117).
var (
	mu    sync.Mutex
	gv    *graphviz.Graphviz
	gvErr error
)

// layout parses dot, lays it out with Graphviz's dot engine and writes it
// to w in the given Graphviz output format.
func layout(ctx context.Context, dot []byte, format graphviz.Format, w io.Writer) error {
	mu.Lock()
	defer mu.Unlock()
	if gv == nil && gvErr == nil {
		gv, gvErr = graphviz.New(ctx)
	}
	if gvErr != nil {
		return fmt.Errorf("start graphviz: %w", gvErr)
	}
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return fmt.Errorf("parse dot: %w", err)
	}
	defer g.Close()
	// Render into memory: Graphviz writes in pieces, and w should see either
	// the whole document or an error.
	var buf bytes.Buffer
	if err := gv.Render(ctx, g, format, &buf); err != nil {
		return fmt.Errorf("graphviz %s: %w", format, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// RenderSVG lays out the DOT text dot with Graphviz and writes the diagram
// to w as SVG.
func RenderSVG(dot []byte, w io.Writer) error {
	return layout(context.Background(), dot, graphviz.SVG, w)
}
