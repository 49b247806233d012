package diagram

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

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
// to w in the given Graphviz output format: in this process for the zero
// Renderer, in a child process when r.Command is set (Renderer).
//
// In this process, the WebAssembly Graphviz cannot be stopped once it runs
// (go-graphviz builds its wazero runtime in its package init, without
// closing modules on a done context), so layout runs it in a goroutine and
// returns ctx's error as soon as ctx is done, writing nothing. The
// abandoned layout keeps the instance busy until it finishes, so a later
// call waits for it.
func (r Renderer) layout(ctx context.Context, dot []byte, format graphviz.Format, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.Command != nil {
		return r.layoutChild(ctx, dot, format, w)
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

// layoutChild runs r.Command with dot on its standard input and writes
// what it prints to w once it exits with status 0. When ctx is done the
// child is killed and ctx's error returned, nothing written.
func (r Renderer) layoutChild(ctx context.Context, dot []byte, format graphviz.Format, w io.Writer) error {
	cmd := r.Command(ctx, string(format))
	var out, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(dot), &out, &stderr
	// Killed, the child closes its pipes at once; the delay only bounds a
	// wait on a pipe something else still holds.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return fmt.Errorf("graphviz %s in a child process: %w", format, err)
		}
		return fmt.Errorf("graphviz %s in a child process: %v: %s", format, err, msg)
	}
	_, err = w.Write(out.Bytes())
	return err
}

// A Renderer lays out DOT text with Graphviz. The zero Renderer runs
// Graphviz in this process, as RenderSVG and RenderPNG do.
//
// The WebAssembly Graphviz runs as machine code that the Go runtime cannot
// preempt: while a large graph is laid out, a garbage collection that
// starts waits for the layout to finish before it can stop the world, and
// every other goroutine of the process, the one that would handle Ctrl-C
// included, waits with it, for minutes on a thousand services. A command
// that must stop on Ctrl-C therefore sets Command, and the layout runs in a
// child process, killed when ctx is done.
type Renderer struct {
	// Command, when not nil, returns the child process that lays out: it
	// reads DOT text on its standard input, writes Graphviz's output in
	// format ("svg" or "json") on its standard output (ServeLayout does
	// both) and exits with status 0, or prints why on its standard error
	// and exits with another. It is built with exec.CommandContext(ctx,
	// ...), so that it is killed when ctx is done.
	Command func(ctx context.Context, format string) *exec.Cmd
}

// ServeLayout is the child process of a Renderer with a Command: it reads
// DOT text from r, lays it out in format ("svg" or "json") and writes
// Graphviz's output to w.
func ServeLayout(format string, r io.Reader, w io.Writer) error {
	switch format {
	case string(graphviz.SVG), "json":
	default:
		return fmt.Errorf("unknown Graphviz output format %q (want svg or json)", format)
	}
	dot, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read dot: %w", err)
	}
	var buf bytes.Buffer
	if err := layoutTo(dot, graphviz.Format(format), &buf); err != nil {
		return err
	}
	_, err = w.Write(buf.Bytes())
	return err
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
	return Renderer{}.SVG(ctx, dot, w)
}

// SVG is RenderSVGContext, laid out where r says.
func (r Renderer) SVG(ctx context.Context, dot []byte, w io.Writer) error {
	return r.layout(ctx, dot, graphviz.SVG, w)
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
// out as SVG (RenderSVGContext) or PNG (RenderPNGContext) in this process.
func Write(ctx context.Context, w io.Writer, dot []byte, format string) error {
	return Renderer{}.Write(ctx, w, dot, format)
}

// Write is the package's Write, laid out where r says.
func (r Renderer) Write(ctx context.Context, w io.Writer, dot []byte, format string) error {
	switch format {
	case "dot":
		_, err := w.Write(dot)
		return err
	case "svg":
		return r.SVG(ctx, dot, w)
	case "png":
		return r.PNG(ctx, dot, w)
	}
	return fmt.Errorf("unknown diagram format %q (want %s)", format, strings.Join(Formats, ", "))
}
