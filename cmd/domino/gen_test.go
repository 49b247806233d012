package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

func TestGenStdout(t *testing.T) {
	code, out, errOut := runCLI(t, context.Background(), "gen")
	if code != exitOK {
		t.Fatalf("status %d, want %d; stderr:\n%s", code, exitOK, errOut)
	}
	f, err := graph.Load(strings.NewReader(out), "gen.yaml")
	require.NoError(t, err, "graph.Load")
	if got, want := len(f.Platform.Services), 200; got != want {
		t.Errorf("got %d services, want %d (the default)", got, want)
	}
	if got, want := len(f.Platform.Sites), 4; got != want {
		t.Errorf("got %d sites, want %d (the default)", got, want)
	}
	if f.Scenario("fire") == nil || f.Scenario("random") == nil {
		t.Errorf("want scenarios fire and random")
	}
}

func TestGenSeed(t *testing.T) {
	_, a, _ := runCLI(t, context.Background(), "gen", "--services", "50", "--sites", "3", "--seed", "7")
	_, b, _ := runCLI(t, context.Background(), "gen", "--services", "50", "--sites", "3", "--seed", "7")
	_, c, _ := runCLI(t, context.Background(), "gen", "--services", "50", "--sites", "3", "--seed", "8")
	if a != b {
		t.Errorf("the same seed gave different output")
	}
	if a == c {
		t.Errorf("seeds 7 and 8 gave the same output")
	}
}

func TestGenFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "synth.yaml")
	require.NoError(t, os.WriteFile(path, []byte("old content"), 0o644))
	args := []string{"gen", "--services", "30", "--sites", "2", "--seed", "3"}
	code, out, errOut := runCLI(t, context.Background(), append(args, "-o", path)...)
	if code != exitOK || out != "" {
		t.Fatalf("status %d, stdout %q, stderr %q; want %d and nothing on stdout", code, out, errOut, exitOK)
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	if _, want, _ := runCLI(t, context.Background(), args...); string(got) != want {
		t.Errorf("-o wrote something else than stdout gets")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %q, want only synth.yaml (no temporary files left)", names)
	}
	// The file is a valid input for the rest of domino.
	if code, _, errOut := runCLI(t, context.Background(), "validate", path); code != exitOK {
		t.Errorf("validate: status %d, want %d; stderr:\n%s", code, exitOK, errOut)
	}
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
			if code != tt.wantStatus {
				t.Errorf("status %d, want %d", code, tt.wantStatus)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q, want it to contain %q", errOut, tt.wantErr)
			}
			if tt.wantStatus == exitUsage && !strings.Contains(errOut, "Try: domino help gen") {
				t.Errorf("stderr %q, want a Try: hint", errOut)
			}
		})
	}
}

func TestGenJSON(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "synth.json")
	if code, _, errOut := runCLI(t, context.Background(), "gen", "--services", "40", "-o", path); code != exitOK {
		t.Fatalf("-o x.json: status %d; stderr:\n%s", code, errOut)
	}
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	_, out, _ := runCLI(t, context.Background(), "gen", "--services", "40", "--format", "json")
	if out != string(b) || !strings.HasPrefix(out, "{") {
		t.Errorf("-o x.json and --format json differ, or are not JSON:\n%.200s", out)
	}
	f, err := graph.Load(strings.NewReader(out), "gen.json")
	require.NoError(t, err, "graph.Load")
	if got := len(f.Platform.Services); got != 40 {
		t.Errorf("got %d services, want 40", got)
	}
	if code, _, errOut := runCLI(t, context.Background(), "gen", "--format", "toml"); code != exitUsage || !strings.Contains(errOut, `unknown format "toml"`) {
		t.Errorf("--format toml: status %d, stderr:\n%s", code, errOut)
	}
}
