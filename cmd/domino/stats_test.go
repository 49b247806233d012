package main

import (
	"context"
	"regexp"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunStats checks that --stats reports CPU time per trial for the run
// and for each worker on stderr, and leaves the results on stdout alone.
func TestRunStats(t *testing.T) {
	path := writeFire(t)
	code, plain, _ := runCLI(t, context.Background(), "run", path, "--trials", "500", "--workers", "2", "--format", "json")
	require.Equal(t, exitOK, code)
	code, out, stderr := runCLI(t, context.Background(), "run", path, "--trials", "500", "--workers", "2", "--format", "json", "--stats")
	require.Equal(t, exitOK, code, stderr)
	assert.Equal(t, plain, out, "--stats changed the results")
	assert.Regexp(t, `stats: 500 trials\n`, stderr)
	assert.Regexp(t, `wall time: .* trials/s \(\d+ CPUs; load average`, stderr)
	if runtime.GOOS == "linux" {
		assert.Regexp(t, `process CPU \(user\+sys\) during the run: .* µs a trial, [\d,]+ trials per CPU-second`, stderr)
		// A worker can find every chunk taken on a busy machine: at least
		// one of them ran trials and says what they cost.
		assert.Regexp(t, `worker \d: [\d,]+ trials, busy .*, thread CPU .* µs a trial`, stderr)
	}
	workers := regexp.MustCompile(`(?m)^  worker \d+:`).FindAllString(stderr, -1)
	assert.Len(t, workers, min(2, runtime.GOMAXPROCS(0)))
}
