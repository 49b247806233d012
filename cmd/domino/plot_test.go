package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/sim"
)

// writePlotResults runs the closed-form fire scenarios and returns the paths
// of their results files: a-burns (web and db down 10h) and nothing.
func writePlotResults(t *testing.T) (burns, nothing string) {
	t.Helper()
	fire := writeFire(t)
	dir := t.TempDir()
	burns, nothing = filepath.Join(dir, "burns.json"), filepath.Join(dir, "nothing.json")
	for _, x := range []struct{ scenario, path string }{{"a-burns", burns}, {"nothing", nothing}} {
		code, _, stderr := runCLI(t, context.Background(), "run", fire, "--scenario", x.scenario, "--trials", "20", "-o", x.path)
		require.Equal(t, exitOK, code, "run %s: stderr:\n%s", x.scenario, stderr)
	}
	return burns, nothing
}

func TestPlot(t *testing.T) {
	burns, nothing := writePlotResults(t)
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		ids   []string // scenario ids the image must mention (SVG only)
		title string
	}{
		{"recovery svg", []string{burns, nothing}, []string{"a-burns", "nothing"}, ""},
		{"recovery png", []string{burns, nothing, "--kind", "recovery"}, nil, ""},
		{"downtime svg", []string{burns, nothing, "--kind", "downtime", "--title", "Fire & ice"}, []string{"a-burns", "nothing", "web", "db"}, "Fire &amp; ice"},
		{"downtime png", []string{burns, "--kind", "downtime"}, nil, ""},
		{"service svg", []string{burns, nothing, "--kind", "downtime", "--service", "web"}, []string{"a-burns", "nothing", "Downtime of web"}, ""},
		{"service png", []string{burns, "--kind", "downtime", "--service", "db"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ext := ".svg"
			if tt.ids == nil {
				ext = ".png"
			}
			out := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+ext)
			args := append([]string{"plot", "-o", out}, tt.args...)
			code, stdout, stderr := runCLI(t, context.Background(), args...)
			require.Equal(t, exitOK, code, "status %d, want %d; stderr:\n%s", code, exitOK, stderr)
			assert.Empty(t, stdout, "stdout")
			assert.Empty(t, stderr, "stderr")
			data, err := os.ReadFile(out)
			require.NoError(t, err)
			if ext == ".png" {
				_, err := png.Decode(bytes.NewReader(data))
				assert.NoError(t, err, "PNG does not decode")
				return
			}
			dec := xml.NewDecoder(bytes.NewReader(data))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else {
					require.NoError(t, err, "SVG is not well-formed XML")
				}
			}
			for _, id := range tt.ids {
				assert.Contains(t, string(data), id, "SVG does not mention %q", id)
			}
			if tt.title != "" {
				assert.Contains(t, string(data), tt.title, "SVG lacks the title")
			}
		})
	}
}

func TestPlotErrors(t *testing.T) {
	burns, nothing := writePlotResults(t)
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
		return path
	}
	scenarioFile := writeFire(t)
	otherJSON := write("other.json", `{"schema": "domino.rank/v1", "items": []}`)
	brokenJSON := write("broken.json", `{"schema": "domino.results/v1", "curve": [`)
	out := filepath.Join(dir, "out.svg")
	tests := []struct {
		name string
		args []string
		code int
		want []string // in stderr
	}{
		{"no files", []string{"-o", out}, exitUsage, []string{"at least one results file", "Try: domino help plot"}},
		{"bad kind", []string{burns, "--kind", "histogram", "-o", out}, exitUsage, []string{`unknown --kind "histogram"`}},
		{"missing -o", []string{burns}, exitUsage, []string{"-o FILE.svg or -o FILE.png"}},
		{"bad extension", []string{burns, "-o", filepath.Join(dir, "out.pdf")}, exitUsage, []string{"cannot tell the format", "out.pdf"}},
		{"format overrides the extension", []string{burns, "--format", "png", "-o", filepath.Join(dir, "out.img")}, exitOK, nil},
		{"bad format", []string{burns, "--format", "pdf", "-o", "-"}, exitUsage, []string{"unknown --format"}},
		{"service with recovery", []string{burns, "--service", "web", "-o", out}, exitUsage, []string{"--service goes with --kind downtime"}},
		{"unknown flag", []string{burns, "--color", "red", "-o", out}, exitUsage, []string{"unknown flag: --color"}},
		{"missing file", []string{filepath.Join(dir, "absent.json"), "-o", out}, exitInput, []string{"read results", "absent.json"}},
		{"scenario file", []string{scenarioFile, "-o", out}, exitInput, []string{"fire.yaml: not a results file"}},
		{"other JSON", []string{burns, otherJSON, "-o", out}, exitInput, []string{`other.json: schema "domino.rank/v1", want "domino.results/v1"`}},
		{"broken JSON", []string{brokenJSON, "-o", out}, exitInput, []string{"broken.json: not a results file"}},
		{"unknown service", []string{burns, "--kind", "downtime", "--service", "weeb", "-o", out}, exitInput,
			[]string{`a-burns: unknown service "weeb" (did you mean "web"?)`}},
		{"never down", []string{nothing, "--kind", "downtime", "-o", out}, exitInput, []string{"no service was ever down in nothing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, context.Background(), append([]string{"plot"}, tt.args...)...)
			assert.Equal(t, tt.code, code, "status %d, want %d; stderr:\n%s", code, tt.code, stderr)
			assert.Empty(t, stdout, "stdout %q, want empty", stdout)
			for _, w := range tt.want {
				assert.Contains(t, stderr, w, "stderr lacks %q:\n%s", w, stderr)
			}
			_, err := os.Stat(out)
			assert.ErrorIs(t, err, fs.ErrNotExist, "a failed plot left %s behind", out)
		})
	}
}

func TestPlotLabels(t *testing.T) {
	rs := []*sim.Results{{Scenario: "fire"}, {Scenario: "fire"}, {Scenario: "calm"}, {}}
	got := plotLabels(rs, []string{"a/seed1.json", "b/seed2.json", "c.json", "d/anon.json"})
	assert.Equal(t, []string{"fire (seed1)", "fire (seed2)", "calm", "(anon)"}, got)
}

func TestPlotToStdout(t *testing.T) {
	burns, _ := writePlotResults(t)
	code, stdout, stderr := runCLI(t, context.Background(), "plot", burns, "--format", "svg", "-o", "-")
	require.Equal(t, exitOK, code, "status %d; stderr:\n%s", code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "<?xml"), "stdout is not SVG: %.80q", stdout)
	assert.Contains(t, stdout, "a-burns", "the SVG names the scenario")
}
