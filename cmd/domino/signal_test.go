package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// asMain makes the test binary act as domino itself when set, so that a
// test can run the real main, signals and all, without building a binary.
// So does graphvizChild: the commands the tests run in this process lay
// their diagrams out in a child process, which is this binary again.
const asMain = "DOMINO_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" || os.Getenv(graphvizChild) != "" {
		main()
	}
	os.Exit(m.Run())
}

// TestRunSignal sends SIGINT and SIGTERM to a running domino: it must
// stop, write partial results through a rename (no temporary file left)
// and exit 130.
func TestRunSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes and waits for them")
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			// Under load the process may not have set up its signal
			// handling (it dies of the signal: status -1) or finished a
			// trial (it says so) when the signal comes: then wait longer.
			var code int
			var errOut string
			for wait := 300 * time.Millisecond; wait < 10*time.Second; wait *= 3 {
				dir := t.TempDir()
				out := filepath.Join(dir, "r.json")
				code, errOut = signalRun(t, sig, wait, out)
				if code == -1 || code == exitInterrupted && strings.Contains(errOut, "nothing written") {
					continue
				}
				if code != exitInterrupted || !strings.Contains(errOut, "the results written are partial") {
					t.Fatalf("got status %d, stderr %q; want %d and partial results", code, errOut, exitInterrupted)
				}
				if got := readFile(t, out); !strings.Contains(got, `"partial": true`) || !strings.HasSuffix(got, "}\n") {
					t.Errorf("%s is not a complete partial results file:\n%.300s", out, got)
				}
				if entries, _ := os.ReadDir(dir); len(entries) != 1 {
					t.Errorf("got %d files in the output directory, want only %s", len(entries), out)
				}
				return
			}
			t.Fatalf("never stopped with partial results: last status %d, stderr %q", code, errOut)
		})
	}
}

// signalRun starts a long domino run, sends sig after wait, and returns
// the exit status and stderr.
func signalRun(t *testing.T, sig syscall.Signal, wait time.Duration, out string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "run", "--trials", "100000000", "--workers", "1", "-o", out)
	cmd.Env = append(os.Environ(), asMain+"=1", "JOB_COMPLETION_INDEX=", "SLURM_ARRAY_TASK_ID=")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	time.Sleep(wait)
	require.NoError(t, cmd.Process.Signal(sig))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return cmd.ProcessState.ExitCode(), stderr.String()
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("domino still running 30s after %v", sig)
	}
	return 0, ""
}

// TestGraphLayoutSignal sends SIGINT to domino while Graphviz lays out a
// generated platform of 1,000 services: it must exit 130 within seconds,
// leaving neither the output nor its temporary file, nor the child process
// that lays out. With the layout in domino's own process, the WebAssembly
// Graphviz cannot be preempted, and a garbage collection that starts
// during the layout (GOGC=1 starts one at the first allocation) held every
// goroutine, Ctrl-C's included, until the layout ended, minutes later.
func TestGraphLayoutSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("lays out a thousand services")
	}
	dir, outDir := t.TempDir(), t.TempDir()
	platform := filepath.Join(dir, "g.yaml")
	var gen, genErr bytes.Buffer
	require.Equal(t, exitOK, run(context.Background(), []string{"gen", "--services", "1000", "--sites", "6", "--seed", "1"}, nil, &gen, &genErr), genErr.String())
	require.NoError(t, os.WriteFile(platform, gen.Bytes(), 0o644))
	out := filepath.Join(outDir, "g.svg")

	cmd := exec.Command(os.Args[0], "graph", platform, "--full", "-o", out)
	cmd.Env = append(os.Environ(), asMain+"=1", "GOGC=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer cmd.Process.Kill()

	// The temporary file appears when the layout starts; the long phases of
	// Graphviz's dot engine, where the old layout froze, come seconds later.
	require.Eventually(t, func() bool {
		entries, _ := os.ReadDir(outDir)
		return len(entries) > 0
	}, 2*time.Minute, 50*time.Millisecond, "the layout never started")
	time.Sleep(6 * time.Second)
	children := childrenOf(cmd.Process.Pid)
	if children != nil {
		require.NotEmpty(t, children, "no child process lays out the graph")
	}

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	start := time.Now()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatalf("domino still running 15s after SIGINT; stderr %q", stderr.String())
	}
	t.Logf("exited %v after SIGINT", time.Since(start).Round(time.Millisecond))
	assert.Equal(t, exitInterrupted, cmd.ProcessState.ExitCode())
	assert.Contains(t, stderr.String(), "graph interrupted; nothing written")
	entries, err := os.ReadDir(outDir)
	require.NoError(t, err)
	assert.Empty(t, entries, "no output and no temporary file")
	for _, pid := range children {
		assert.NoDirExists(t, fmt.Sprintf("/proc/%d", pid), "the child process that lays out is gone")
	}
}

// childrenOf returns the process ids whose parent is pid, from /proc; nil
// where there is no /proc to read, an empty slice where there are none.
func childrenOf(pid int) []int {
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil || len(stats) == 0 {
		return nil
	}
	kids := []int{}
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the process ended meanwhile
		}
		// pid (comm) state ppid ...: comm may hold spaces, not ')'.
		i := bytes.LastIndexByte(b, ')')
		fields := strings.Fields(string(b[i+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			id, _ := strconv.Atoi(strings.Fields(string(b))[0])
			kids = append(kids, id)
		}
	}
	return kids
}
