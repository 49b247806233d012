package output

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTermText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, 카카오 & <b>", "plain text, 카카오 & <b>"},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"two\nlines\ttab\r", `two\nlines\ttab\r`},
		{"abc\u202edcba", `abc\u202edcba`}, // a right-to-left override
		{"\x7f\u0085", `\x7f\u0085`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, TermText(tt.in), "TermText(%q)", tt.in)
		assert.Equal(t, tt.want, CSVText(tt.in), "CSVText(%q)", tt.in)
	}
}

func TestMarkdownText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"},
		{"<!-- x --> <?php", "&lt;!-- x --> &lt;?php"},
		{"&lt; &#60; & a", "&amp;lt; &amp;#60; & a"},
		{"<0.1% and > 30d", "<0.1% and > 30d"},
		{"a | b * c ` d \\", "a \\| b \\* c \\` d \\\\"},
		{"line\n# heading", `line\n# heading`},
		{"\x1b[2J", `\x1b[2J`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, MarkdownText(tt.in), "MarkdownText(%q)", tt.in)
	}
}

// TestResultsEscapeText writes results whose text fields (as a results
// file anyone may write holds them) carry escape sequences, newlines and
// HTML: no format passes them through.
func TestResultsEscapeText(t *testing.T) {
	r := fixtureResults()
	r.Description = "fire\n# Owned\x1b[2J<script>alert(1)</script>"
	r.Platform = "kakao\x1b]0;title\x07"
	r.Currency = "K\nRW"
	r.Services[0].ID = "talk\x1b[31m"
	for _, format := range []string{"table", "markdown", "csv"} {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, WriteResults(&b, r, format))
			out := b.String()
			assert.NotContains(t, out, "\x1b")
			assert.NotContains(t, out, "\x07")
			assert.NotContains(t, out, "\n# Owned")
			assert.NotContains(t, out, "K\nRW")
			assert.Contains(t, out, `talk\x1b[31m`)
			if format == "markdown" {
				assert.NotContains(t, out, "<script>")
				assert.Contains(t, out, "&lt;script>")
			}
			if format == "csv" {
				rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
				require.NoError(t, err)
				for _, row := range rows {
					for _, f := range row {
						assert.NotContains(t, f, "\n")
					}
				}
			}
		})
	}
}

// TestCSVFormulas: a text field a spreadsheet would run as a formula is
// marked as text with a leading apostrophe; numbers, negative ones
// included, are left alone.
func TestCSVFormulas(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"-1.5", "-1.5"},
		{"+3", "+3"},
		{"-", "'-"},
		{"talk", "talk"},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, CSVText(tt.in), "CSVText(%q)", tt.in)
	}
	// A results file read back (compare, plot) can hold any text, even
	// where domino's own files only have ids.
	r := fixtureResults()
	r.Services[0].ID = "=1+1"
	var b bytes.Buffer
	require.NoError(t, WriteResults(&b, r, "csv"))
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	require.NoError(t, err)
	var fields []string
	for _, row := range rows {
		fields = append(fields, row...)
	}
	assert.NotContains(t, fields, "=1+1")
	assert.Contains(t, fields, "'=1+1", "the service is in the CSV, marked as text")
}
