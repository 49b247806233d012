// Command domino simulates how outages cascade through an online platform
// and how long recovery takes. See README.md and docs/cli.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if format := os.Getenv(graphvizChild); format != "" {
		os.Exit(serveGraphviz(format))
	}
	// SIGTERM is how Kubernetes and Slurm stop a job: treat it as Ctrl-C,
	// so a stopped run still writes what it has done.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
