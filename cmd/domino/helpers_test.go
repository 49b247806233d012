package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fireYAML is a scenario whose results are known in closed form: site a
// loses power for exactly 10h, db lives only there and restarts in no time
// once powered (automated, no tooling), and web, served from b too, is
// down exactly as long as its hard dependency db.
const fireYAML = `version: 1
platform:
  name: two-sites
  currency: EUR
  sites: [{id: a}, {id: b}]
  services:
    - {id: db, placement: {a: 4}, rto: 1h}
    - {id: web, users: 1000, cost_per_hour: 10, placement: {a: 2, b: 2}, depends_on: [db]}
scenarios:
  - id: a-burns
    description: site a dark for 10h
    trials: 50
    events: [{kind: site-outage, cause: fire, site: a, duration: 10h}]
  - id: nothing
    events: [{kind: site-outage, site: a, probability: 0}]
`

// writeFire writes fireYAML to a temporary file and returns its path.
func writeFire(t *testing.T) string {
	t.Helper()
	return writeFile(t, t.TempDir(), "fire.yaml", fireYAML)
}

// runCLI runs domino in-process and returns its exit status and streams.
func runCLI(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// mustRun runs domino in-process and fails the test unless it exits 0.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, context.Background(), args...)
	require.Equal(t, exitOK, code, "domino %s: status %d\nstderr:\n%s", strings.Join(args, " "), code, errOut)
	return out
}

// readFile returns the content of path.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// writeFile writes content to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}
