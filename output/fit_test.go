package output

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tableLines returns the lines of s that are part of a boxed table.
func tableLines(s string) []string {
	var out []string
	for line := range strings.SplitSeq(s, "\n") {
		if strings.ContainsAny(line, "│┌└├") {
			out = append(out, line)
		}
	}
	return out
}

// widest returns the display width of the widest of lines.
func widest(lines []string) int {
	w := 0
	for _, l := range lines {
		w = max(w, twwidth.Width(l))
	}
	return w
}

// TestResultsTableFitsTerminal checks that through FitWidth the run table,
// some 170 columns wide in full, fits the width by leaving out its least
// important columns, says which under the table, and keeps what it is
// read for; and that with no width it is byte for byte the full table.
func TestResultsTableFitsTerminal(t *testing.T) {
	r := fixtureResults()
	var full bytes.Buffer
	require.NoError(t, ResultsTable(&full, r))
	require.Greater(t, widest(tableLines(full.String())), 120, "the fixture's table must be wide for this test to mean anything")

	for _, width := range []int{72, 80, 100, 120} {
		var b bytes.Buffer
		require.NoError(t, ResultsTable(FitWidth(&b, width), r))
		got := b.String()
		assert.LessOrEqual(t, widest(tableLines(got)), width, "width %d:\n%s", width, got)
		assert.Contains(t, got, "Left out to fit "+strconv.Itoa(width)+" columns: ", "width %d", width)
		assert.Contains(t, strings.Join(strings.Fields(got), " "), "--wide shows every column")
		for _, line := range strings.Split(got, "\n") {
			assert.LessOrEqual(t, twwidth.Width(line), width, "width %d: %q", width, line)
		}
		for _, keep := range []string{"Service", "User-hours", "Down mean", "Top cause", "talk-messaging", "site pangyo (75.0%)", "Mean"} {
			assert.Contains(t, got, keep, "width %d", width)
		}
		if width >= 100 {
			assert.Contains(t, got, "│ Back to normal p50 │", "width %d: beside the downtime", width)
			assert.Contains(t, got, "│              2d10h │", "width %d", width)
		}
	}
	for _, width := range []int{0, 1000} {
		var b bytes.Buffer
		require.NoError(t, ResultsTable(FitWidth(&b, width), r))
		assert.Equal(t, full.String(), b.String(), "width %d: want the full table", width)
	}
	// Markdown is a document, not a terminal: never fitted.
	var md, mdFit bytes.Buffer
	require.NoError(t, ResultsMarkdown(&md, r))
	require.NoError(t, ResultsMarkdown(FitWidth(&mdFit, 60), r))
	assert.Equal(t, md.String(), mdFit.String())
}

// TestComparisonTableWraps checks that a comparison, whose columns are all
// needed, wraps its widest cells rather than leaving any out.
func TestComparisonTableWraps(t *testing.T) {
	cmp := shopComparison(t)
	var full bytes.Buffer
	require.NoError(t, WriteComparison(&full, cmp, "table"))
	fullWidth := widest(tableLines(full.String()))
	width := fullWidth - 25
	var b bytes.Buffer
	require.NoError(t, WriteComparison(FitWidth(&b, width), cmp, "table"))
	got := b.String()
	assert.LessOrEqual(t, widest(tableLines(got)), width, "\n%s", got)
	assert.Contains(t, got, "Cells wrapped to fit "+strconv.Itoa(width)+" columns. --wide keeps each on one line")
	assert.NotContains(t, got, "Left out")
	// Every word of the full table is still there.
	for _, w := range strings.Fields(strings.Join(tableLines(full.String()), " ")) {
		if strings.Trim(w, "│┌└├┐┘┤┬┴┼─") != "" {
			assert.Contains(t, got, strings.Trim(w, "│"))
		}
	}
}

func TestFitTable(t *testing.T) {
	header := []string{"Service", "User-hours", "p50", "p90", "Top cause"}
	rows := [][]string{
		{"talk", "1,000", "1h", "2h", "site pangyo (100%)"},
		{"mail", "10", "3h", "4h", "dependency auth (50.0%)"},
	}
	tests := []struct {
		name    string
		width   int
		header  []string
		rows    [][]string
		dropped []string
		wrapped bool
	}{
		{"fits", 200, header, rows, nil, false},
		{"p50 and p90 go", 50, []string{"Service", "User-hours", "Top cause"},
			[][]string{{"talk", "1,000", "site pangyo (100%)"}, {"mail", "10", "dependency auth (50.0%)"}}, []string{"p50", "p90"}, false},
		{"then the top cause wraps", 45, []string{"Service", "User-hours", "Top cause"},
			[][]string{{"talk", "1,000", "site pangyo (100%)"}, {"mail", "10", "dependency auth\n(50.0%)"}}, []string{"p50", "p90"}, true},
		{"down to its widest word", 10, []string{"Service", "User-hours", "Top cause"},
			[][]string{{"talk", "1,000", "site\npangyo\n(100%)"}, {"mail", "10", "dependency\nauth\n(50.0%)"}}, []string{"p50", "p90"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fitTable(header, rows, tt.width)
			assert.Equal(t, tt.header, f.header)
			assert.Equal(t, tt.rows, f.rows)
			assert.Equal(t, tt.dropped, f.dropped)
			assert.Equal(t, tt.wrapped, f.wrapped)
		})
	}
	assert.Equal(t, []string{"talk", "1,000", "1h", "2h", "site pangyo (100%)"}, rows[0], "fitTable must not change its input")
}
