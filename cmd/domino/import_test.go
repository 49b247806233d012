package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

func TestImport(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	deps := write("deps.json", `{"data": [{"parent": "web", "child": "api", "callCount": 50},
	  {"parent": "api", "child": "db", "callCount": 1}, {"parent": "api", "child": "api", "callCount": 3}]}`)
	undirected := write("g.dot", `graph { a -- b }`)
	into := write("platform.yaml", `version: 1
platform:
  sites: [{id: dc1}, {id: dc2}]
  services:
    - {id: web, placement: {dc1: 2, dc2: 2}, users: 100}
`)
	out := filepath.Join(dir, "out.yaml")
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantOut    []string
		wantErr    []string
		wantFile   []string // in out.yaml
	}{
		{
			name:       "jaeger to stdout",
			args:       []string{"import", "--from", "jaeger", deps, "--min-calls", "2"},
			wantStatus: exitOK,
			wantOut:    []string{"# Imported by domino import --from jaeger from:", "depends_on: [api]", "id: site-fire"},
			wantErr: []string{
				"warning: " + deps + ": link 1: edge api -> db dropped: calls 1, below --min-calls 2",
				"warning: " + deps + ": link 2: self-link api -> api dropped",
				"imported 3 services and 1 edge from 1 file",
			},
		},
		{
			name:       "two sites to a file",
			args:       []string{"import", "--from=jaeger", "--site", "a", "--site", "b", "-o", out, deps},
			wantStatus: exitOK,
			wantFile:   []string{"placement: {a: 1, b: 1}", "site: a, duration: 24h"},
		},
		{
			name:       "into",
			args:       []string{"import", "--from", "jaeger", "--into", into, "-o", out, deps},
			wantStatus: exitOK,
			wantErr:    []string{into + ": added service api", into + ": added scenario site-fire"},
			wantFile:   []string{"{id: web, placement: {dc1: 2, dc2: 2}, users: 100, depends_on: [api]}", "id: api\n      placement: {dc1: 1}"},
		},
		{
			name:       "lint runs",
			args:       []string{"import", "--from", "jaeger", "--into", into, deps},
			wantStatus: exitOK,
			wantErr:    []string{"[weakest-link]"},
		},
		{
			name:       "undirected",
			args:       []string{"import", "--from", "dot", undirected},
			wantStatus: exitInput,
			wantErr:    []string{undirected + ": graph (unnamed) is undirected: want a digraph"},
		},
		{
			name:       "missing file",
			args:       []string{"import", "--from", "dot", filepath.Join(dir, "nope.dot")},
			wantStatus: exitInput,
			wantErr:    []string{"nope.dot: no such file"},
		},
		{
			name:       "empty dir",
			args:       []string{"import", "--from", "dot", empty},
			wantStatus: exitInput,
			wantErr:    []string{"has no dot files (.dot, .gv)"},
		},
		{
			name:       "no from",
			args:       []string{"import", deps},
			wantStatus: exitUsage,
			wantErr:    []string{"--from is required", "Try: domino help import"},
		},
		{
			name:       "unknown format",
			args:       []string{"import", "--from", "jager", deps},
			wantStatus: exitUsage,
			wantErr:    []string{`unknown --from "jager" (did you mean "jaeger"?)`},
		},
		{
			name:       "min-calls without counts",
			args:       []string{"import", "--from", "dot", "--min-calls", "3", undirected},
			wantStatus: exitUsage,
			wantErr:    []string{"--min-calls needs call counts"},
		},
		{
			name:       "bad site",
			args:       []string{"import", "--from", "jaeger", "--site", "DC 1", deps},
			wantStatus: exitUsage,
			wantErr:    []string{`--site "DC 1" is not a valid id`},
		},
		{
			name:       "kiali level elsewhere",
			args:       []string{"import", "--from", "jaeger", "--kiali-level", "app", deps},
			wantStatus: exitUsage,
			wantErr:    []string{"--kiali-level is for --from kiali"},
		},
		{
			name:       "into refers",
			args:       []string{"import", "--from", "jaeger", "--into", write("sc.yaml", "version: 1\nplatform: platform.yaml\n"), deps},
			wantStatus: exitInput,
			wantErr:    []string{"--into needs a file that defines its platform"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(out)
			var stdout, stderr bytes.Buffer
			got := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			require.Equal(t, tt.wantStatus, got, "got status %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tt.wantStatus, stdout.String(), stderr.String())
			for _, w := range tt.wantOut {
				assert.Contains(t, stdout.String(), w, "stdout lacks %q; got:\n%s", w, stdout.String())
			}
			for _, w := range tt.wantErr {
				assert.Contains(t, stderr.String(), w, "stderr lacks %q; got:\n%s", w, stderr.String())
			}
			if len(tt.wantFile) > 0 {
				b, err := os.ReadFile(out)
				require.NoError(t, err)
				for _, w := range tt.wantFile {
					assert.Contains(t, string(b), w, "%s lacks %q; got:\n%s", out, w, b)
				}
				_, err = graph.Load(bytes.NewReader(b), out)
				assert.NoError(t, err, "output does not load")
			}
		})
	}
}

// TestImportThenRun runs the imported file at once, as the issue promises.
func TestImportThenRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "shop.yaml")
	var stdout, stderr bytes.Buffer
	got := run(context.Background(), []string{"import", "--from", "dot", "-o", out, "../../testdata/import/dot/shop"}, strings.NewReader(""), &stdout, &stderr)
	require.Equal(t, exitOK, got, "import: %s", stderr.String())
	stderr.Reset()
	got = run(context.Background(), []string{"run", out, "--trials", "20", "--workers", "1"}, strings.NewReader(""), &stdout, &stderr)
	require.Equal(t, exitOK, got, "run: %s", stderr.String())
}
