package output

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// Text from input is printed in three kinds of output, each with its own
// escaping, here: names, descriptions and currencies are refused at load
// when they hold control characters, but results and part files are read
// back from JSON that anyone may have written, and escaping at output
// holds whatever the source.

// TermText returns s for a terminal: every character that is not
// printable (strconv.IsPrint: control characters such as ESC, newlines and
// tabs, bidirectional overrides) is written as its Go escape (\x1b, \n,
// \u202e), so that a name cannot move the cursor, clear the screen,
// change colours or reorder what follows.
func TermText(s string) string {
	if printableText(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strconv.IsPrint(r) || r == ' ' {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r) // '\x1b'
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

// MarkdownText returns s for a Markdown cell or line: non-printable
// characters as in TermText (a newline would end a table row or start a
// heading), Markdown's table and emphasis characters escaped with a
// backslash, and the HTML a renderer would pass through made inert: a "<"
// that could open a tag (<script>, </a>, <!--) and an "&" that could
// start an entity (&lt;, &#60;) become &lt; and &amp;. Other "<", ">"
// and "&" stay as written, so that "<0.1%" and "> 30d" read as they
// print.
func MarkdownText(s string) string {
	// Escapes first, then TermText: its backslashes precede letters
	// (\x1b, \n), which Markdown shows as written.
	s = TermText(mdReplacer.Replace(s))
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		next := byte(0)
		if i+1 < len(s) {
			next = s[i+1]
		}
		letter := 'a' <= next|0x20 && next|0x20 <= 'z'
		switch {
		case c == '<' && (letter || next == '/' || next == '!' || next == '?'):
			b.WriteString("&lt;")
		case c == '&' && (letter || next == '#'):
			b.WriteString("&amp;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

var mdReplacer = strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "`", "\\`")

// CSVText returns s for a CSV field: non-printable characters as in
// TermText, since a spreadsheet or a terminal shows a field as it is;
// encoding/csv quotes commas and quotes. A text a spreadsheet would run
// as a formula (it starts with =, +, -, @) gets a leading apostrophe,
// the spreadsheets' own mark for "this is text": a scenario description
// "=HYPERLINK(…)" must not become a link when an analyst opens the CSV.
// Numbers ("-1.5", "+3") are left as they are.
func CSVText(s string) string {
	s = TermText(s)
	if formulaLike(s) {
		return "'" + s
	}
	return s
}

// formulaLike reports whether a spreadsheet would read s as a formula.
func formulaLike(s string) bool {
	if s == "" || !strings.ContainsRune("=+-@", rune(s[0])) {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err != nil
}

func printableText(s string) bool {
	for _, r := range s {
		if !strconv.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}

// csvWriter is a csv.Writer that escapes every field with CSVText.
type csvWriter struct{ *csv.Writer }

func newCSVWriter(w io.Writer) csvWriter { return csvWriter{csv.NewWriter(w)} }

// Write writes one row, its fields escaped.
func (c csvWriter) Write(row []string) error {
	esc := row
	for i, f := range row {
		if !printableText(f) || formulaLike(f) {
			if &esc[0] == &row[0] {
				esc = append([]string(nil), row...)
			}
			esc[i] = CSVText(f)
		}
	}
	return c.Writer.Write(esc)
}
