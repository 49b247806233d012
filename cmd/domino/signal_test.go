package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// asMain makes the test binary act as domino itself when set, so that a
// test can run the real main, signals and all, without building a binary.
const asMain = "DOMINO_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMain) == "1" {
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
