package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"

	"github.com/dominosim/domino/output/diagram"
)

// graphvizChild is the environment variable that makes domino the child
// process laying out one diagram (diagram.ServeLayout): its value is the
// Graphviz output format, the DOT text comes on standard input.
const graphvizChild = "DOMINO_GRAPHVIZ_CHILD"

// renderer lays diagrams out in a child process, killed when e.ctx is
// done. In this process a layout could not be stopped: the WebAssembly
// Graphviz cannot be preempted, and a garbage collection that starts
// during a long layout holds up every goroutine, Ctrl-C's included, until
// the layout ends (diagram.Renderer). Without the path of domino's own
// executable the layout stays in this process.
func (e *env) renderer() diagram.Renderer {
	exe, err := os.Executable()
	if err != nil {
		return diagram.Renderer{}
	}
	return diagram.Renderer{Command: func(ctx context.Context, format string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, exe)
		cmd.Env = append(os.Environ(), graphvizChild+"="+format)
		return cmd
	}}
}

// serveGraphviz is main in the child process of renderer.
func serveGraphviz(format string) int {
	if err := diagram.ServeLayout(format, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitInput
	}
	return exitOK
}
