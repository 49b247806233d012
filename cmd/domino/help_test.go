package main

import (
	"context"
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
				if i == 0 {
					continue // the summary, also a line of 'domino help'
				}
				assert.LessOrEqual(t, utf8.RuneCountInString(line), helpWidth, "help %s, line %d: %q", c.name, i+1, line)
			}
			assert.Contains(t, out, "Usage: domino "+c.name)
		})
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
