package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dominosim/domino/graph"
)

// runGenCLI runs domino with args in-process and returns its status and streams.
func runGenCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestGenStdout(t *testing.T) {
	code, out, errOut := runGenCLI(t, "gen")
	if code != exitOK {
		t.Fatalf("status %d, want %d; stderr:\n%s", code, exitOK, errOut)
	}
	f, err := graph.Load(strings.NewReader(out), "gen.yaml")
	if err != nil {
		t.Fatalf("graph.Load: %v", err)
	}
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
	_, a, _ := runGenCLI(t, "gen", "--services", "50", "--sites", "3", "--seed", "7")
	_, b, _ := runGenCLI(t, "gen", "--services", "50", "--sites", "3", "--seed", "7")
	_, c, _ := runGenCLI(t, "gen", "--services", "50", "--sites", "3", "--seed", "8")
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
	if err := os.WriteFile(path, []byte("old content"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"gen", "--services", "30", "--sites", "2", "--seed", "3"}
	code, out, errOut := runGenCLI(t, append(args, "-o", path)...)
	if code != exitOK || out != "" {
		t.Fatalf("status %d, stdout %q, stderr %q; want %d and nothing on stdout", code, out, errOut, exitOK)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, want, _ := runGenCLI(t, args...); string(got) != want {
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
	if code, _, errOut := runGenCLI(t, "validate", path); code != exitOK {
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
			code, out, errOut := runGenCLI(t, tt.args...)
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
	if code, _, errOut := runGenCLI(t, "gen", "--services", "40", "-o", path); code != exitOK {
		t.Fatalf("-o x.json: status %d; stderr:\n%s", code, errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, out, _ := runGenCLI(t, "gen", "--services", "40", "--format", "json")
	if out != string(b) || !strings.HasPrefix(out, "{") {
		t.Errorf("-o x.json and --format json differ, or are not JSON:\n%.200s", out)
	}
	f, err := graph.Load(strings.NewReader(out), "gen.json")
	if err != nil {
		t.Fatalf("graph.Load: %v", err)
	}
	if got := len(f.Platform.Services); got != 40 {
		t.Errorf("got %d services, want 40", got)
	}
	if code, _, errOut := runGenCLI(t, "gen", "--format", "toml"); code != exitUsage || !strings.Contains(errOut, `unknown format "toml"`) {
		t.Errorf("--format toml: status %d, stderr:\n%s", code, errOut)
	}
}
