package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
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
		{"kind", []string{"schema", "--kind", "result"}, exitUsage, `--kind "result": want platform, results or risk (did you mean "results"?)`},
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

// TestSchemaKinds: --kind results and --kind risk print the schemas under
// docs/, and together they validate what run and risk write.
func TestSchemaKinds(t *testing.T) {
	ctx := context.Background()
	c := jsonschema.NewCompiler()
	for _, kind := range []string{"results", "risk"} {
		code, out, errOut := runCLI(t, ctx, "schema", "--kind", kind)
		require.Equal(t, exitOK, code, errOut)
		want, err := os.ReadFile(filepath.Join("..", "..", "docs", kind+".schema.json"))
		require.NoError(t, err)
		assert.Equal(t, string(want), out, kind)
		doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		require.NoError(t, err)
		require.NoError(t, c.AddResource(schemaBase+kind+".schema.json", doc))
	}
	for _, kind := range []string{"results", "risk"} {
		s, err := c.Compile(schemaBase + kind + ".schema.json")
		require.NoError(t, err, kind)
		cmd := map[string]string{"results": "run", "risk": "risk"}[kind]
		code, out, errOut := runCLI(t, ctx, cmd, "ovh-sbg-2021", "--scenario", "sbg-yearly", "--trials", "60", "--format", "json")
		require.Equal(t, exitOK, code, errOut)
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
		require.NoError(t, err)
		assert.NoError(t, s.Validate(inst), kind)
	}
}
