package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

func TestGenStdout(t *testing.T) {
	code, out, errOut := runCLI(t, context.Background(), "gen")
	require.Equal(t, exitOK, code, "status %d, want %d; stderr:\n%s", code, exitOK, errOut)
	f, err := graph.Load(strings.NewReader(out), "gen.yaml")
	require.NoError(t, err, "graph.Load")
	assert.Len(t, f.Platform.Services, 200, "services (the default)")
	assert.Len(t, f.Platform.Sites, 4, "sites (the default)")
	assert.NotNil(t, f.Scenario("fire"), "scenario fire")
	assert.NotNil(t, f.Scenario("random"), "scenario random")
}

func TestGenSeed(t *testing.T) {
	_, a, _ := runCLI(t, context.Background(), "gen", "--services", "50", "--sites", "3", "--seed", "7")
	_, b, _ := runCLI(t, context.Background(), "gen", "--services", "50", "--sites", "3", "--seed", "7")
	_, c, _ := runCLI(t, context.Background(), "gen", "--services", "50", "--sites", "3", "--seed", "8")
	assert.Equal(t, a, b, "the same seed gave different output")
	assert.NotEqual(t, a, c, "seeds 7 and 8 gave the same output")
}

func TestGenFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "synth.yaml")
	require.NoError(t, os.WriteFile(path, []byte("old content"), 0o644))
	args := []string{"gen", "--services", "30", "--sites", "2", "--seed", "3"}
	code, out, errOut := runCLI(t, context.Background(), append(args, "-o", path)...)
	require.Equal(t, exitOK, code, "stderr %q", errOut)
	require.Empty(t, out, "stdout")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	_, want, _ := runCLI(t, context.Background(), args...)
	assert.Equal(t, want, string(got), "-o wrote something else than stdout gets")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"synth.yaml"}, names, "no temporary files left")
	// The file is a valid input for the rest of domino.
	code, _, errOut = runCLI(t, context.Background(), "validate", path)
	assert.Equal(t, exitOK, code, "validate: stderr:\n%s", errOut)
}

func TestGenErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "out.yaml")
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantErr    string
	}{
		{"too few services", []string{"gen", "--services", "9"}, exitUsage, "services must be in [10, 1000000], got 9"},
		{"one site", []string{"gen", "--sites", "1"}, exitUsage, "sites must be in [2, 1000], got 1"},
		{"argument", []string{"gen", "extra"}, exitUsage, "gen takes no arguments"},
		{"bad flag value", []string{"gen", "--services", "many"}, exitUsage, "invalid argument"},
		{"negative seed", []string{"gen", "--seed", "-1"}, exitUsage, "invalid argument"},
		{"unwritable output", []string{"gen", "-o", missing}, exitInput, "out.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, context.Background(), tt.args...)
			assert.Equal(t, tt.wantStatus, code, "status")
			assert.Empty(t, out, "stdout")
			assert.Contains(t, errOut, tt.wantErr, "stderr")
			if tt.wantStatus == exitUsage {
				assert.Contains(t, errOut, "Try: domino help gen", "a usage error has a Try: hint")
			}
		})
	}
}

func TestGenJSON(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "synth.json")
	code, _, errOut := runCLI(t, context.Background(), "gen", "--services", "40", "-o", path)
	require.Equal(t, exitOK, code, "-o x.json: stderr:\n%s", errOut)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	_, out, _ := runCLI(t, context.Background(), "gen", "--services", "40", "--format", "json")
	assert.Equal(t, string(b), out, "-o x.json and --format json differ")
	assert.True(t, json.Valid(b), "not JSON:\n%.200s", b)
	f, err := graph.Load(strings.NewReader(out), "gen.json")
	require.NoError(t, err, "graph.Load")
	assert.Len(t, f.Platform.Services, 40)
	code, _, errOut = runCLI(t, context.Background(), "gen", "--format", "toml")
	assert.Equal(t, exitUsage, code, "--format toml")
	assert.Contains(t, errOut, `unknown format "toml"`)
}
