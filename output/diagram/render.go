package diagram

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
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
//
// The WebAssembly Graphviz cannot be stopped once it runs (go-graphviz
// builds its wazero runtime without closing modules on a done context), so
// layout runs it in a goroutine and returns ctx's error as soon as ctx is
// done, writing nothing: a command can then exit at once on Ctrl-C. The
// abandoned layout keeps the instance busy until it finishes, so a later
// call waits for it.
func layout(ctx context.Context, dot []byte, format graphviz.Format, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	var buf bytes.Buffer
	done := make(chan error, 1)
	// Read the hook here, not in the goroutine: an abandoned layout may
	// still be starting when a test puts the real one back.
	run := layoutFunc
	go func() { done <- run(dot, format, &buf) }()
	select {
	case err := <-done:
		if err != nil {
			return err
		}
		_, err = w.Write(buf.Bytes())
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// graphvizFormat is a Graphviz output format ("svg", "json").
type graphvizFormat = graphviz.Format

// layoutFunc is layoutTo; tests replace it with a layout that never ends.
var layoutFunc = layoutTo

// layoutTo does layout's work into buf, uncancellable: Graphviz writes in
// pieces, and layout's w should see either the whole document or an error.
func layoutTo(dot []byte, format graphvizFormat, buf *bytes.Buffer) error {
	mu.Lock()
	defer mu.Unlock()
	ctx := context.Background()
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
	if err := gv.Render(ctx, g, format, buf); err != nil {
		return fmt.Errorf("graphviz %s: %w", format, err)
	}
	return nil
}

// RenderSVG lays out the DOT text dot with Graphviz and writes the diagram
// to w as SVG.
func RenderSVG(dot []byte, w io.Writer) error {
	return RenderSVGContext(context.Background(), dot, w)
}

// RenderSVGContext is RenderSVG that gives up when ctx is done, returning
// ctx's error and writing nothing.
func RenderSVGContext(ctx context.Context, dot []byte, w io.Writer) error {
	return layout(ctx, dot, graphviz.SVG, w)
}

// Formats lists the formats a diagram is written in: DOT text as it is,
// or laid out by Graphviz as SVG or PNG.
var Formats = []string{"dot", "svg", "png"}

// FormatFor returns the diagram format a file name's extension implies
// (".dot" or ".gv", ".svg", ".png", any case), or "" when it implies none.
func FormatFor(path string) string {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".dot", ".gv":
		return "dot"
	case ".svg", ".png":
		return ext[1:]
	}
	return ""
}

// Write writes the DOT text dot to w in one of Formats: as it is, or laid
// out as SVG (RenderSVGContext) or PNG (RenderPNGContext).
func Write(ctx context.Context, w io.Writer, dot []byte, format string) error {
	switch format {
	case "dot":
		_, err := w.Write(dot)
		return err
	case "svg":
		return RenderSVGContext(ctx, dot, w)
	case "png":
		return RenderPNGContext(ctx, dot, w)
	}
	return fmt.Errorf("unknown diagram format %q (want %s)", format, strings.Join(Formats, ", "))
}
