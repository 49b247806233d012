package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

func TestSchemaCommand(t *testing.T) {
	code, out, errOut := runCLI(t, context.Background(), "schema")
	if code != exitOK || errOut != "" {
		t.Fatalf("status %d, stderr %q; want %d and nothing on stderr", code, errOut, exitOK)
	}
	checked, err := os.ReadFile(filepath.Join("..", "..", "docs", "platform.schema.json"))
	require.NoError(t, err)
	if out != string(checked) {
		t.Errorf("domino schema differs from docs/platform.schema.json (go test ./graph -run TestSchemaGolden -update)")
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "platform.schema.json")
	require.NoError(t, os.WriteFile(path, []byte("old content"), 0o644))
	code, out, errOut = runCLI(t, context.Background(), "schema", "-o", path)
	if code != exitOK || out != "" || errOut != "" {
		t.Fatalf("-o: status %d, stdout %q, stderr %q; want %d and no output", code, out, errOut, exitOK)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, graph.Schema()) {
		t.Errorf("-o wrote something else than the schema")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the schema (no temporary files left)", len(entries))
	}
}

func TestSchemaCommandErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		status  int
		wantErr string
	}{
		{"argument", []string{"schema", "x.yaml"}, exitUsage, "schema takes no arguments"},
		{"unwritable", []string{"schema", "-o", filepath.Join(t.TempDir(), "missing", "s.json")}, exitInput, "write "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, context.Background(), tt.args...)
			if code != tt.status || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("got status %d, stderr %q; want %d and %q", code, errOut, tt.status, tt.wantErr)
			}
		})
	}
}
