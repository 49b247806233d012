package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryReaderRefusesPipesAndDevices gives a named pipe without a
// writer, and /dev/zero, to every command's every input: each is refused
// at once with exit 1. Before, the pipe blocked for ever and /dev/zero was
// read until memory ran out (import, plot, graph --results, --rank,
// --into, merge had no size cap).
func TestEveryReaderRefusesPipesAndDevices(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "in.json")
	mkfifo(t, fifo)
	// An import directory with a pipe named like a source file.
	dotDir := filepath.Join(dir, "dots")
	require.NoError(t, os.Mkdir(dotDir, 0o755))
	writeFile(t, dotDir, "a.dot", "digraph { a -> b }\n")
	mkfifo(t, filepath.Join(dotDir, "b.dot"))
	platform := writeFile(t, dir, "p.yaml", "version: 1\nplatform:\n  sites: [{id: a}]\n  services: [{id: x, placement: {a: 1}}]\n")

	for _, in := range []struct{ path, says string }{
		{fifo, "is a named pipe, not a regular file"},
		{"/dev/zero", "is a character device, not a regular file"},
	} {
		commands := [][]string{
			{"validate", in.path},
			{"run", in.path},
			{"import", "--from", "jaeger", in.path},
			{"import", "--from", "dot", "--into", in.path, filepath.Join(dotDir, "a.dot")},
			{"plot", in.path, "-o", filepath.Join(dir, "p.svg")},
			{"graph", platform, "--results", in.path},
			{"graph", platform, "--rank", in.path},
			{"merge", in.path},
			{"compare", in.path, in.path},
		}
		for _, args := range commands {
			t.Run(args[0]+" "+in.path, func(t *testing.T) {
				code, errOut := runWithin(t, 10*time.Second, args...)
				assert.Equal(t, exitInput, code, "stderr: %s", errOut)
				assert.Contains(t, errOut, in.says)
			})
		}
	}
	t.Run("import directory with a pipe", func(t *testing.T) {
		code, errOut := runWithin(t, 10*time.Second, "import", "--from", "dot", dotDir)
		assert.Equal(t, exitInput, code, "stderr: %s", errOut)
		assert.Contains(t, errOut, "b.dot: is a named pipe, not a regular file")
	})
}

// runWithin runs domino in-process and fails the test if it has not
// returned within d.
func runWithin(t *testing.T, d time.Duration, args ...string) (int, string) {
	t.Helper()
	type result struct {
		code   int
		stderr string
	}
	done := make(chan result, 1)
	go func() {
		code, _, errOut := runCLI(t, context.Background(), args...)
		done <- result{code, errOut}
	}()
	select {
	case r := <-done:
		return r.code, r.stderr
	case <-time.After(d):
		t.Fatalf("domino %v still running after %v", args, d)
	}
	return 0, ""
}
