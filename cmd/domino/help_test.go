package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHelpFitsEightyColumns checks that every command's help, usage lines
// and flags alike, is wrapped within helpWidth columns: 'help run' was
// one line of some 600 characters.
func TestHelpFitsEightyColumns(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, context.Background(), "help", c.name)
			require.Equal(t, exitOK, code, errOut)
			for i, line := range strings.Split(out, "\n") {
				assert.LessOrEqual(t, utf8.RuneCountInString(line), helpWidth, "help %s, line %d: %q", c.name, i+1, line)
			}
			assert.Contains(t, out, "Usage: domino "+c.name)
		})
	}
	code, out, errOut := runCLI(t, context.Background(), "help")
	require.Equal(t, exitOK, code, errOut)
	for i, line := range strings.Split(out, "\n") {
		assert.LessOrEqual(t, utf8.RuneCountInString(line), helpWidth, "help, line %d: %q", i+1, line)
	}
}

func TestFormatUsage(t *testing.T) {
	tests := []struct {
		name, usage, want string
	}{
		{"short", "domino version", "Usage: domino version\n"},
		{
			"groups stay whole, continuations under the first argument",
			"domino run [FILE|NAME] [--scenario ID] [--trials N] [--seed S] [--workers K] [--format table|markdown|csv|json] [-o FILE]",
			"Usage: domino run [FILE|NAME] [--scenario ID] [--trials N] [--seed S]\n" +
				"                  [--workers K] [--format table|markdown|csv|json] [-o FILE]\n",
		},
		{
			"remark on its own line, then a refilled paragraph",
			"domino compare FILE[:ID] FILE[:ID] ...   (each file's first scenario unless :ID, as ever)\n" +
				"The first scenario is\nthe baseline.",
			"Usage: domino compare FILE[:ID] FILE[:ID] ...\n" +
				"                      (each file's first scenario unless :ID, as ever)\n" +
				"\nThe first scenario is the baseline.\n",
		},
		{
			"items",
			"domino plot R.json...\n  recovery: users served and services up over time, mean with p10-p90 band, one colour per file\n  downtime: top",
			"Usage: domino plot R.json...\n\n" +
				"  recovery: users served and services up over time, mean with p10-p90 band, one\n" +
				"    colour per file\n" +
				"  downtime: top\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, formatUsage(tt.usage))
		})
	}
}

// TestHelpUnknownCommand checks that 'help X' for a command that is not one
// names X and points at the nearest command, or lists them all when none
// is near.
func TestHelpUnknownCommand(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"help", "nosuch"}, []string{`unknown command "nosuch"`, "the commands are examples, run, merge", "Try: domino help\n"}},
		{[]string{"help", "valdate"}, []string{`unknown command "valdate" (did you mean "validate"?)`, "Try: domino help validate\n"}},
		{[]string{"valdate"}, []string{`unknown command "valdate" (did you mean "validate"?)`, "Try: domino help validate\n"}},
		{[]string{"help", "rnu"}, []string{`unknown command "rnu" (did you mean "run"?)`, "Try: domino help run\n"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := runCLI(t, context.Background(), tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, out)
			for _, w := range tt.want {
				assert.Contains(t, errOut, w)
			}
		})
	}
}

// runWidth runs domino as on a terminal of the given width.
func runWidth(t *testing.T, width int, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{ctx: context.Background(), stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: os.Getenv, width: width}
	code := runEnv(e, args)
	return code, stdout.String(), stderr.String()
}

// TestTablesFitTerminal checks that the run table, some 170 columns wide,
// fits a 100-column terminal with a note on what was left out, and that
// --wide, like a pipe or a file, prints it whole.
func TestTablesFitTerminal(t *testing.T) {
	args := []string{"run", "--trials", "50"}
	code, piped, errOut := runCLI(t, context.Background(), args...)
	require.Equal(t, exitOK, code, errOut)
	require.Greater(t, maxLineWidth(piped), 150, "the piped table is the full one")

	code, fitted, errOut := runWidth(t, 100, args...)
	require.Equal(t, exitOK, code, errOut)
	assert.LessOrEqual(t, maxLineWidth(fitted), 100, fitted)
	assert.Contains(t, fitted, "Left out to fit 100 columns: ")
	assert.Contains(t, strings.Join(strings.Fields(fitted), " "), "--wide shows every column")

	code, wide, errOut := runWidth(t, 100, append(args, "--wide")...)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, piped, wide, "--wide: want the full table")

	// rank: its importance measures go first, and its intro wraps.
	code, ranked, errOut := runWidth(t, 80, "rank", "--trials", "10", "--items", "sites")
	require.Equal(t, exitOK, code, errOut)
	assert.LessOrEqual(t, maxLineWidth(ranked), 80, ranked)
	assert.Contains(t, ranked, "Left out to fit 80 columns: ")

	// JSON and files are never fitted.
	code, jsonOut, _ := runWidth(t, 60, append(args, "--format", "json")...)
	require.Equal(t, exitOK, code)
	_, jsonPiped, _ := runCLI(t, context.Background(), append(args, "--format", "json")...)
	assert.Equal(t, jsonPiped, jsonOut)
}

func maxLineWidth(s string) int {
	w := 0
	for line := range strings.SplitSeq(s, "\n") {
		w = max(w, utf8.RuneCountInString(line))
	}
	return w
}
