package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const graphTestFile = `version: 1
platform:
  name: two-dc
  sites: [{id: a, name: Site A}, {id: b}]
  services:
    - {id: web, placement: {a: 2, b: 2}, depends_on: [db, {service: cache, soft: true}], tooling: [deploy]}
    - {id: db, placement: {a: 3, b: 1}, redundancy: {mode: active-standby}, start_needs: [config]}
    - {id: cache, placement: {a: 1}}
    - {id: config, placement: {a: 1}}
    - {id: deploy, placement: {a: 1}}
scenarios:
  - id: a-burns
    events: [{kind: site-outage, site: a, duration: 1h}]
    patch:
      services:
        - {id: deploy, placement: {a: 1, b: 1}}
`

func TestGraph(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "two.yaml", graphTestFile)
	results := writeFile(t, dir, "r.json", `{"schema": "domino.results/v1", "scenario": "a-burns",
		"services": [{"id": "web", "p_affected": 0.75, "downtime_ms": {"mean": 5400000}},
		{"id": "db", "p_affected": 1, "downtime_ms": {"mean": 3600000}, "shed_ms": {"mean": 2700000}}]}`)
	badResults := writeFile(t, dir, "bad.json", `{"schema": "domino.rank/v1"}`)
	otherResults := writeFile(t, dir, "other.json", `{"schema": "domino.results/v1", "scenario": "sbg-fire",
		"platform_name": "ovh-sbg", "services": [{"id": "vps", "p_affected": 1}]}`)
	someResults := writeFile(t, dir, "some.json", `{"schema": "domino.results/v1", "scenario": "a-burns",
		"services": [{"id": "web", "p_affected": 1}, {"id": "gone", "p_affected": 1}]}`)
	otherRank := writeFile(t, dir, "rank.json", `{"schema": "domino.rank/v1", "scenario": "sbg-fire",
		"items": [{"kind": "service", "id": "vps"}]}`)

	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantOut    []string // substrings of stdout
		notOut     []string
		wantErr    []string // substrings of stderr
	}{
		{
			name:    "dot to stdout",
			args:    []string{"graph", file},
			wantOut: []string{`digraph "two-dc" {`, `subgraph "cluster_a"`, `"db@b"`, `"web" -> "db" [style=solid]`, `"web" -> "cache" [style=dashed]`},
			notOut:  []string{`"deploy@b"`},
		},
		{
			name:    "scenario patch",
			args:    []string{"graph", file, "--scenario", "a-burns"},
			wantOut: []string{`"deploy@b"`},
		},
		{
			name:    "focus",
			args:    []string{"graph", file, "--focus", "db", "--depth", "0"},
			wantOut: []string{`"db" [`},
			notOut:  []string{`"web" [`},
		},
		{
			name:    "results by P(affected), scenario taken from the results",
			args:    []string{"graph", file, "--results", results},
			wantOut: []string{"P(affected) 0.75", "#d7191c", `"deploy@b"`},
		},
		{
			name:    "results by downtime",
			args:    []string{"graph", file, "--results", results, "--color", "downtime"},
			wantOut: []string{"mean downtime 1h30m"},
		},
		{
			name:    "results by shed time",
			args:    []string{"graph", file, "--results", results, "--color", "shed"},
			wantOut: []string{"mean shed time 45m"},
		},
		{
			name:       "unknown focus",
			args:       []string{"graph", file, "--focus", "dbb"},
			wantStatus: exitInput,
			wantErr:    []string{`unknown service "dbb" (did you mean "db"?)`},
		},
		{
			name:       "unknown scenario",
			args:       []string{"graph", file, "--scenario", "a-burn"},
			wantStatus: exitInput,
			wantErr:    []string{`unknown scenario "a-burn" (did you mean "a-burns"?)`},
		},
		{
			name:       "not a results file",
			args:       []string{"graph", file, "--results", badResults},
			wantStatus: exitInput,
			wantErr:    []string{`schema "domino.rank/v1"`},
		},
		{
			// Results of another platform share no service id: drawing
			// them would colour nothing and read as "nothing affected".
			name:       "results of another platform",
			args:       []string{"graph", file, "--results", otherResults},
			wantStatus: exitInput,
			wantErr: []string{"other.json: the results file (platform ovh-sbg, scenario sbg-fire) has no service in common with platform two-dc",
				"draw that one: domino graph FILE --results " + otherResults},
		},
		{
			name:    "results covering part of the platform",
			args:    []string{"graph", file, "--results", someResults},
			wantOut: []string{"P(affected) 1"},
			wantErr: []string{"Warning: 4 of the 5 services of two-dc are not in the results file"},
		},
		{
			name:       "ranking of another platform",
			args:       []string{"graph", file, "--rank", otherRank},
			wantStatus: exitInput,
			wantErr:    []string{"the rank file (scenario sbg-fire) has no service in common with platform two-dc"},
		},
		{
			name:       "bad format",
			args:       []string{"graph", file, "--format", "gif"},
			wantStatus: exitUsage,
			wantErr:    []string{`unknown --format "gif"`, "Try: domino help graph"},
		},
		{
			name:       "format from an unknown extension",
			args:       []string{"graph", file, "-o", filepath.Join(dir, "x.pdf")},
			wantStatus: exitUsage,
			wantErr:    []string{"cannot tell the format"},
		},
		{
			name:       "no file",
			args:       []string{"graph"},
			wantStatus: exitUsage,
		},
		{
			name:       "bad color",
			args:       []string{"graph", file, "--color", "red"},
			wantStatus: exitUsage,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out, errOut := runCLI(t, context.Background(), tt.args...)
			require.Equal(t, tt.wantStatus, status, "got status %d, want %d; stderr:\n%s", status, tt.wantStatus, errOut)
			for _, s := range tt.wantOut {
				assert.Contains(t, out, s, "stdout lacks %q:\n%s", s, out)
			}
			for _, s := range tt.notOut {
				assert.NotContains(t, out, s, "stdout has %q", s)
			}
			for _, s := range tt.wantErr {
				assert.Contains(t, errOut, s, "stderr lacks %q:\n%s", s, errOut)
			}
		})
	}
}

func TestGraphFiles(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "two.yaml", graphTestFile)
	for _, ext := range []string{"dot", "svg", "png"} {
		t.Run(ext, func(t *testing.T) {
			out := filepath.Join(dir, "g."+ext)
			status, stdout, errOut := runCLI(t, context.Background(), "graph", file, "-o", out)
			require.Equal(t, exitOK, status, "got status %d; stderr:\n%s", status, errOut)
			assert.Empty(t, stdout, "got stdout %q, want nothing with -o", stdout)
			data, err := os.ReadFile(out)
			require.NoError(t, err)
			switch ext {
			case "dot":
				assert.True(t, bytes.HasPrefix(data, []byte("digraph ")), "not DOT: %.40q", data)
			case "svg":
				dec := xml.NewDecoder(bytes.NewReader(data))
				for {
					_, err := dec.Token()
					if errors.Is(err, io.EOF) {
						break
					}
					require.NoError(t, err, "not XML")
				}
				for _, id := range []string{"web", "db", "cache", "config", "deploy"} {
					assert.Contains(t, string(data), "<title>"+id+"</title>", "SVG lacks node %q", id)
				}
			case "png":
				_, err := png.Decode(bytes.NewReader(data))
				assert.NoError(t, err, "not a PNG")
			}
		})
	}
	// --format wins over the extension.
	out := filepath.Join(dir, "graph.txt")
	status, _, errOut := runCLI(t, context.Background(), "graph", file, "--format", "svg", "-o", out)
	require.Equal(t, exitOK, status, "stderr:\n%s", errOut)
	assert.Contains(t, readFile(t, out), "<svg", "--format svg -o graph.txt did not write SVG")
}

func TestGraphEmbedded(t *testing.T) {
	status, out, errOut := runCLI(t, context.Background(), "graph", "kakao-pangyo-2022", "--focus", "talk-messaging", "--depth", "1")
	require.Equal(t, exitOK, status, "got status %d; stderr:\n%s", status, errOut)
	assert.Contains(t, out, `"talk-messaging" [`, "focus service not drawn")
}

// genPlatform writes 'domino gen --services n --sites 6 --seed 1' to dir.
func genPlatform(t *testing.T, dir string, n int) string {
	t.Helper()
	path := filepath.Join(dir, "gen.yaml")
	status, _, errOut := runCLI(t, context.Background(), "gen", "--services", strconv.Itoa(n), "--sites", "6", "--seed", "1", "-o", path)
	require.Equal(t, exitOK, status, errOut)
	return path
}

// TestGraphCollapses: above diagram.CollapseAbove services the diagram is
// collapsed by site, says so in its title and on stderr, and names --full;
// --full and --collapse override the choice, not together.
func TestGraphCollapses(t *testing.T) {
	dir := t.TempDir()
	gen := genPlatform(t, dir, 1000)

	status, out, errOut := runCLI(t, context.Background(), "graph", gen)
	require.Equal(t, exitOK, status, errOut)
	assert.Contains(t, out, `"site:site-0" [`)
	assert.NotContains(t, out, `"db-3" [`)
	assert.Contains(t, out, `1,000 services (more than 150) collapsed by site: every service with --full`)
	assert.Equal(t, "graph: 1,000 services to draw, more than 150: collapsed into one node per site; --full draws every service "+
		"(slow: Graphviz takes minutes on a thousand), --focus ID --depth 1 one service's neighbourhood\n", errOut)

	status, out, errOut = runCLI(t, context.Background(), "graph", gen, "--full")
	require.Equal(t, exitOK, status, errOut)
	assert.Contains(t, out, `"db-3" [`)
	assert.Empty(t, errOut)

	// db-3's neighbourhood at depth 1 (124 services) is drawn in full; at
	// depth 2 it is collapsed.
	status, out, errOut = runCLI(t, context.Background(), "graph", gen, "--focus", "db-3", "--depth", "1")
	require.Equal(t, exitOK, status, errOut)
	assert.Contains(t, out, `"db-3" [`)
	assert.Empty(t, errOut)
	status, out, errOut = runCLI(t, context.Background(), "graph", gen, "--focus", "db-3")
	require.Equal(t, exitOK, status, errOut)
	assert.Contains(t, out, "focus: db-3")
	assert.Contains(t, errOut, "services to draw, more than 150: collapsed into one node per site; --full draws every one")

	file := writeFile(t, dir, "two.yaml", graphTestFile)
	status, out, errOut = runCLI(t, context.Background(), "graph", file, "--collapse")
	require.Equal(t, exitOK, status, errOut)
	assert.Contains(t, out, `"site:a" [`)
	assert.Contains(t, out, `5 services collapsed by site`)

	status, _, errOut = runCLI(t, context.Background(), "graph", file, "--collapse", "--full")
	assert.Equal(t, exitUsage, status)
	assert.Contains(t, errOut, "give --full or --collapse, not both")
}

// TestGraphInterrupted: a cancelled context stops the render with status
// 130 and leaves no file behind.
func TestGraphInterrupted(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "two.yaml", graphTestFile)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(dir, "g.svg")
	var stdout, stderr bytes.Buffer
	status := run(ctx, []string{"graph", file, "-o", out}, strings.NewReader(""), &stdout, &stderr)
	assert.Equal(t, exitInterrupted, status)
	assert.Equal(t, "Error: graph interrupted; nothing written\n", stderr.String())
	assert.NoFileExists(t, out)
}
