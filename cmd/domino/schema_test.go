package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

func TestSchemaCommand(t *testing.T) {
	code, out, errOut := runCLI(t, context.Background(), "schema")
	require.Equal(t, exitOK, code)
	require.Empty(t, errOut, "stderr")
	checked, err := os.ReadFile(filepath.Join("..", "..", "docs", "platform.schema.json"))
	require.NoError(t, err)
	assert.Equal(t, string(checked), out, "domino schema differs from docs/platform.schema.json (go test ./graph -run TestSchemaGolden -update)")

	dir := t.TempDir()
	path := filepath.Join(dir, "platform.schema.json")
	require.NoError(t, os.WriteFile(path, []byte("old content"), 0o644))
	code, out, errOut = runCLI(t, context.Background(), "schema", "-o", path)
	require.Equal(t, exitOK, code, "-o")
	require.Empty(t, out, "-o: stdout")
	require.Empty(t, errOut, "-o: stderr")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(graph.Schema()), string(got), "-o wrote something else than the schema")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "only the schema (no temporary files left)")
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
			assert.Equal(t, tt.status, code, "status")
			assert.Contains(t, errOut, tt.wantErr, "stderr")
		})
	}
}
