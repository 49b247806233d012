package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/synth"
)

// stopBound is how long an interrupted command may take to return here.
// Each stops within a second on an idle machine (0.1 s after the signal,
// or at once when abandoned); the bound allows for the shared test machine,
// whose load reaches ten times its two cores when every package's tests
// run at once (compare took 1.2 s and advise 4.1 s then).
const stopBound = 6 * time.Second

// TestEveryCommandInterruptible interrupts each command while it works:
// each returns within a second with status 130, says so, and leaves no file
// (nor temporary file) behind. Before, validate, import, gen, graph, plot
// and merge could not be interrupted at all ('graph' of a 1,000-service
// platform ran 213 s more), and rank, compare, advise and trace exited 1.
func TestEveryCommandInterruptible(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a large platform")
	}
	in := t.TempDir()
	// Large enough to load for over a second; an abandoned command goes on
	// loading in the test process, so not larger.
	big, err := synth.Generate(synth.Options{Services: 5000, Sites: 4, Seed: 1})
	require.NoError(t, err)
	bigPath := filepath.Join(in, "big.yaml")
	require.NoError(t, os.WriteFile(bigPath, big, 0o644))
	// Graphviz's layout cannot be cancelled (its WebAssembly runtime is not
	// made to close on a context), and the abandoned one holds the one
	// Graphviz instance: a platform it lays out in seconds, not minutes.
	mid, err := synth.Generate(synth.Options{Services: 150, Sites: 4, Seed: 1})
	require.NoError(t, err)
	midPath := filepath.Join(in, "mid.yaml")
	require.NoError(t, os.WriteFile(midPath, mid, 0o644))
	dot := writeFile(t, in, "a.dot", "digraph { a -> b }\n")
	uncertain := writeFile(t, in, "uncertain.yaml", uncertainStochasticYAML)

	tests := []struct {
		name string
		args func(out string) []string
	}{
		{"validate", func(string) []string { return []string{"validate", bigPath} }},
		{"graph", func(out string) []string { return []string{"graph", midPath, "-o", filepath.Join(out, "g.svg")} }},
		{"import --into", func(out string) []string {
			return []string{"import", "--from", "dot", "--into", bigPath, dot, "-o", filepath.Join(out, "i.yaml")}
		}},
		{"gen", func(out string) []string {
			return []string{"gen", "--services", "100000", "-o", filepath.Join(out, "gen.yaml")}
		}},
		{"run while loading", func(out string) []string { return []string{"run", bigPath, "-o", filepath.Join(out, "r.json")} }},
		{"rank", func(out string) []string {
			return []string{"rank", "--trials", "1000000", "-o", filepath.Join(out, "r.json")}
		}},
		{"sensitivity", func(out string) []string {
			return []string{"sensitivity", uncertain, "--trials", "10000000", "-o", filepath.Join(out, "s.json")}
		}},
		{"run --uncertainty", func(out string) []string {
			return []string{"run", uncertain, "--uncertainty", "10", "--trials", "10000000", "-o", filepath.Join(out, "u.json")}
		}},
		{"run --uncertainty, in the draws", func(out string) []string {
			return []string{"run", uncertain, "--uncertainty", "1000", "--trials", "2000", "-o", filepath.Join(out, "u.json")}
		}},
		{"compare", func(out string) []string {
			return []string{"compare", "--trials", "100000000", "-o", filepath.Join(out, "c.json")}
		}},
		{"advise", func(out string) []string {
			return []string{"advise", "--trials", "1000000", "-o", filepath.Join(out, "a.yaml")}
		}},
		{"trace", func(out string) []string {
			return []string{"trace", "kakao-pangyo-2022", "--trial", "worst", "--trials", "2000000", "-o", filepath.Join(out, "t.json")}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			type result struct {
				code   int
				stderr string
			}
			done := make(chan result, 1)
			go func() {
				code, _, errOut := runCLI(t, ctx, tt.args(out)...)
				done <- result{code, errOut}
			}()
			time.Sleep(300 * time.Millisecond)
			cancel()
			stopped := time.Now()
			select {
			case r := <-done:
				assert.Less(t, time.Since(stopped), stopBound, "stopped within a second (on an idle machine)")
				assert.Equal(t, exitInterrupted, r.code, "stderr: %s", r.stderr)
				assert.Contains(t, r.stderr, "interrupted")
			case <-time.After(10 * time.Second):
				t.Fatalf("still running 10 s after the interruption")
			}
			entries, err := os.ReadDir(out)
			require.NoError(t, err)
			assert.Empty(t, entries, "nothing written, no temporary file left")
		})
	}
}

// TestOutputErrorsExit1: an -o that cannot be written is the user's to fix
// (exit 1), not a bug (3): a missing directory, a named pipe, a directory.
func TestOutputErrorsExit1(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe.json")
	mkfifo(t, fifo)
	for _, tt := range []struct{ out, want string }{
		{filepath.Join(dir, "missing", "x.json"), "no such file or directory"},
		{fifo, "is a named pipe, not a regular file"},
		{dir, "is a directory"},
	} {
		for _, args := range [][]string{
			{"run", "--trials", "10", "--format", "json"},
			{"gen", "--format", "yaml"},
			{"schema"},
			{"rank", "--trials", "10", "--items", "sites", "--format", "json"},
		} {
			t.Run(args[0]+" "+filepath.Base(tt.out), func(t *testing.T) {
				code, _, errOut := runCLI(t, context.Background(), append(args, "-o", tt.out)...)
				assert.Equal(t, exitInput, code, "stderr: %s", errOut)
				assert.Contains(t, errOut, "write "+tt.out+": "+tt.want)
			})
		}
	}
}
