package main

import (
	"strings"
	"unicode/utf8"
)

// helpWidth is the width help text is wrapped to: a terminal's classic 80
// columns, which is also what docs/cli.md shows.
const helpWidth = 80

// formatUsage lays out a command's usage string for help, within
// helpWidth columns: "Usage: " and its synopsis lines (those that start
// with "domino "), each wrapped with a hanging indent under the command's
// first argument, never inside a [...] group or a (...) remark that fits on a line; then,
// after a blank line, the remaining lines as paragraphs: consecutive lines
// are refilled as one paragraph, and a line indented by two spaces is an
// item of its own, wrapped under its text.
func formatUsage(usage string) string {
	var b strings.Builder
	lines := strings.Split(usage, "\n")
	synopses := 0
	for synopses < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[synopses]), "domino ") {
		synopses++
	}
	const lead = "Usage: "
	for i, line := range lines[:synopses] {
		words := synopsisWords(strings.TrimSpace(line))
		prefix := lead
		if i > 0 {
			prefix = strings.Repeat(" ", len(lead))
		}
		// Continuations go under the first argument: "domino run " is two words.
		indent := len(prefix)
		if len(words) > 2 {
			indent += utf8.RuneCountInString(words[0]+" "+words[1]) + 1
		}
		b.WriteString(fill(prefix, words, indent))
	}
	var para []string
	flush := func(prefix string, indent int) {
		if len(para) > 0 {
			b.WriteString(fill(prefix, strings.Fields(strings.Join(para, " ")), indent))
			para = para[:0]
		}
	}
	rest := lines[synopses:]
	if len(rest) > 0 && synopses > 0 {
		b.WriteString("\n")
	}
	for _, line := range rest {
		switch {
		case strings.TrimSpace(line) == "":
			flush("", 0)
			b.WriteString("\n")
		case strings.HasPrefix(line, "  "):
			flush("", 0)
			para = append(para, line)
			flush("  ", 4)
		default:
			para = append(para, line)
		}
	}
	flush("", 0)
	return b.String()
}

// synopsisWords splits a synopsis at its spaces, keeping each bracketed
// group ("[--format table|markdown|csv|json]") and each parenthesised
// remark as one word.
func synopsisWords(s string) []string {
	var words []string
	depth, start := 0, 0
	for i, r := range s {
		switch r {
		case '[', '(':
			depth++
		case ']', ')':
			depth = max(0, depth-1)
		case ' ':
			if depth == 0 {
				if i > start {
					words = append(words, s[start:i])
				}
				start = i + 1
			}
		}
	}
	if start < len(s) {
		words = append(words, s[start:])
	}
	return words
}

// fill writes words after prefix, wrapped within helpWidth columns, each
// continuation line indented by indent spaces; a word too long for a line
// of its own is split at its spaces.
func fill(prefix string, words []string, indent int) string {
	var b strings.Builder
	b.WriteString(prefix)
	col := utf8.RuneCountInString(prefix)
	lineStart := true
	for len(words) > 0 {
		w := words[0]
		n := utf8.RuneCountInString(w)
		sep := 1
		if lineStart {
			sep = 0
		}
		if col+sep+n <= helpWidth {
			if !lineStart {
				b.WriteByte(' ')
			}
			b.WriteString(w)
			col += sep + n
			lineStart = false
			words = words[1:]
			continue
		}
		if parts := strings.Fields(w); len(parts) > 1 && (lineStart || indent+n > helpWidth) {
			// A group wider than a whole line: break it at its spaces.
			words = append(parts, words[1:]...)
			continue
		}
		if lineStart {
			// One word wider than the line: let it overflow.
			b.WriteString(w)
			col += n
			lineStart = false
			words = words[1:]
			continue
		}
		b.WriteString("\n" + strings.Repeat(" ", indent))
		col, lineStart = indent, true
	}
	b.WriteString("\n")
	return b.String()
}
