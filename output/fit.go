package output

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// FitWidth returns a writer to w through which the terminal tables of this
// package fit within width columns, a terminal's: a wider table first
// leaves out its least important columns (the percentiles p50 and p90
// before the mean, the mean and the top cause never), then wraps the cells
// of its widest columns at spaces, and says under the table what it left
// out. Markdown, CSV and JSON are never changed. With width ≤ 0 it returns
// w, and tables keep their full width, as they should in a file or a pipe.
func FitWidth(w io.Writer, width int) io.Writer {
	if width <= 0 {
		return w
	}
	return &fitWriter{Writer: w, width: width}
}

// fitWriter carries the width tables must fit to renderTable.
type fitWriter struct {
	io.Writer
	width int
}

// tableWidth returns the width the tables written to w must fit, 0 for
// none, looking through the errWriters the table writers wrap w in.
func tableWidth(w io.Writer) int {
	for {
		switch x := w.(type) {
		case *fitWriter:
			return x.width
		case *errWriter:
			w = x.w
		default:
			return 0
		}
	}
}

// dropOrder ranks the columns a table may leave out to fit, by header:
// the lowest goes first. A column not listed is never left out: the first
// column, a mean, user-hours, the top cause, and a comparison's scenarios
// and differences, which are what a table is read for.
var dropOrder = map[string]int{
	// results: percentiles before the rarer figures, the CI last
	"p50": 1, "p90": 2, "Shed mean": 3, "P(RPO breach)": 4, "Data lost": 5,
	"P(RTO breach)": 6, "P(unrecovered)": 7, "p99": 8, "95% CI": 9, "P(affected)": 10,
	// beside Down mean, so that nobody reads the downtime as the time to
	// recover: the last to go, when even the top cause would not fit
	"Back to normal p50": 11,
	// rank: the importance measures derived from the saving
	"RRW": 1, "FV": 2, "RAW": 3, "Birnbaum": 4, "Perfect": 5, "Failed": 6,
}

// fitted is a table made to fit a width: the columns kept (indices into
// the original header), its cells, possibly wrapped, and what changed.
type fitted struct {
	keep    []int
	header  []string
	rows    [][]string
	dropped []string
	wrapped bool
}

// boxWidth is the width of a boxed table whose columns have the given
// content widths: "│ " before each cell, " " after it, and the last "│".
func boxWidth(widths []int) int {
	n := 1
	for _, w := range widths {
		n += w + 3
	}
	return n
}

// cellWidth is the display width of a cell's widest line.
func cellWidth(s string) int {
	w := 0
	for line := range strings.SplitSeq(s, "\n") {
		w = max(w, twwidth.Width(line))
	}
	return w
}

// fitTable makes header and rows fit within width columns (see FitWidth).
func fitTable(header []string, rows [][]string, width int) fitted {
	colWidth := func(c int) int {
		w := cellWidth(header[c])
		for _, r := range rows {
			if c < len(r) {
				w = max(w, cellWidth(r[c]))
			}
		}
		return w
	}
	widths := make([]int, len(header))
	for c := range header {
		widths[c] = colWidth(c)
	}
	keep := make([]int, len(header))
	for c := range keep {
		keep[c] = c
	}
	f := fitted{header: slices.Clone(header), rows: rows}
	kept := func() []int {
		ws := make([]int, len(keep))
		for i, c := range keep {
			ws[i] = widths[c]
		}
		return ws
	}
	// Leave out columns, least important first.
	var droppable []int
	for c, h := range header {
		if _, ok := dropOrder[h]; ok && c > 0 {
			droppable = append(droppable, c)
		}
	}
	slices.SortStableFunc(droppable, func(a, b int) int { return dropOrder[header[a]] - dropOrder[header[b]] })
	var gone []int
	for _, c := range droppable {
		if boxWidth(kept()) <= width {
			break
		}
		keep = slices.DeleteFunc(keep, func(k int) bool { return k == c })
		gone = append(gone, c)
	}
	slices.Sort(gone)
	for _, c := range gone {
		f.dropped = append(f.dropped, header[c])
	}
	f.keep = keep
	f.header = make([]string, len(keep))
	for i, c := range keep {
		f.header[i] = header[c]
	}
	f.rows = make([][]string, len(rows))
	for r, row := range rows {
		f.rows[r] = make([]string, len(keep))
		for i, c := range keep {
			if c < len(row) {
				f.rows[r][i] = row[c]
			}
		}
	}
	// Then narrow the widest columns that can be wrapped, evenly: the
	// widest comes down to the next widest (or its widest word) until the
	// table fits; then each narrowed column is wrapped once, to its width.
	ws := kept()
	minW := make([]int, len(ws))
	for i := range ws {
		minW[i] = minWordWidth(f.header[i], f.rows, i)
	}
	target := slices.Clone(ws)
	for excess := boxWidth(target) - width; excess > 0; excess = boxWidth(target) - width {
		best, second := -1, 0
		for i := range target {
			switch {
			case target[i] <= minW[i]:
			case best < 0 || target[i] > target[best]:
				if best >= 0 {
					second = max(second, target[best])
				}
				best = i
			default:
				second = max(second, target[i])
			}
		}
		if best < 0 {
			break // nothing left to narrow: the table stays wider
		}
		next := max(minW[best], target[best]-excess, second)
		if next == target[best] {
			next-- // tied with another: take them down one at a time
		}
		target[best] = next
	}
	for i := range target {
		if target[i] >= ws[i] {
			continue
		}
		f.wrapped = true
		f.header[i] = wrapCell(f.header[i], target[i])
		for _, row := range f.rows {
			row[i] = wrapCell(row[i], target[i])
		}
	}
	return f
}

// minWordWidth is the width of the widest word in column i: the narrowest
// the column can be wrapped to.
func minWordWidth(header string, rows [][]string, i int) int {
	m := 0
	for _, s := range append([]string{header}, columnCells(rows, i)...) {
		for _, w := range strings.Fields(s) {
			m = max(m, twwidth.Width(w))
		}
	}
	return m
}

func columnCells(rows [][]string, i int) []string {
	out := make([]string, len(rows))
	for r, row := range rows {
		out[r] = row[i]
	}
	return out
}

// wrapCell wraps s at spaces into lines of at most width columns (a word
// wider than that stays whole).
func wrapCell(s string, width int) string {
	var lines []string
	for para := range strings.SplitSeq(s, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			switch {
			case line == "":
				line = w
			case twwidth.Width(line)+1+twwidth.Width(w) <= width:
				line += " " + w
			default:
				lines = append(lines, line)
				line = w
			}
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// note says what fitting changed, for the lines under the table, wrapped
// within width; "" when nothing.
func (f *fitted) note(width int) string {
	return wrapCell(f.noteLine(width), width)
}

func (f *fitted) noteLine(width int) string {
	switch {
	case len(f.dropped) > 0 && f.wrapped:
		return fmt.Sprintf("Left out to fit %d columns: %s; some cells wrapped. --wide shows every column, as does -o FILE or a pipe.",
			width, joinAnd(f.dropped))
	case len(f.dropped) > 0:
		return fmt.Sprintf("Left out to fit %d columns: %s. --wide shows every column, as does -o FILE or a pipe.",
			width, joinAnd(f.dropped))
	case f.wrapped:
		return fmt.Sprintf("Cells wrapped to fit %d columns. --wide keeps each on one line, as does -o FILE or a pipe.", width)
	}
	return ""
}

// fitText returns text to be written to w with each of its lines wrapped
// at spaces within the width of a FitWidth writer; unchanged when w has no
// width. The first indent bytes of a line (a label padded with spaces)
// are kept as they are, and its continuation lines are indented under
// them.
func fitText(w io.Writer, text string, indent int) string {
	width := tableWidth(w)
	if width <= 0 {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if twwidth.Width(line) <= width || len(line) < indent {
			continue
		}
		body := strings.Split(wrapCell(line[indent:], max(width-indent, 1)), "\n")
		lines[i] = line[:indent] + strings.Join(body, "\n"+strings.Repeat(" ", indent))
	}
	return strings.Join(lines, "\n")
}

// joinAnd joins "a", "a and b", "a, b and c".
func joinAnd(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
