package graph

import (
	"fmt"
	"sort"
	"strings"
)

// Error is one problem in an input file: where it is, the path of the
// offending key (like services[3].depends_on[1]) and what was expected.
type Error struct {
	Pos  Pos
	Path string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos.File != "" {
		b.WriteString(e.Pos.File)
		b.WriteByte(':')
	}
	if e.Pos.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", e.Pos.Line, e.Pos.Col)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ErrorList is a list of input errors, in the style of go/scanner.ErrorList.
type ErrorList []*Error

// Add appends an error.
func (l *ErrorList) Add(pos Pos, path, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// Sort orders the list by file, line, column, then path and message.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Msg < b.Msg
	})
}

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Err returns nil when the list is empty, else the list itself.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// maxSuggestLen is the longest id Suggest compares by edit distance: a
// typo suggestion for a longer one helps nobody, and each comparison costs
// the product of the lengths.
const maxSuggestLen = 64

// Suggest returns " (did you mean \"x\"?)" for the known id nearest to id by
// edit distance, or "" when none is close enough to be a plausible typo.
func Suggest(id string, known []string) string {
	if len(id) > maxSuggestLen {
		return ""
	}
	best, bestD := "", len(id)/2+2
	for _, k := range known {
		// The distance is at least the difference in length: skipping on
		// it keeps a search among 100,000 ids cheap.
		if abs(len(k)-len(id)) > bestD {
			continue
		}
		if d := editDistance(id, k, bestD); d < bestD || d == bestD && best != "" && k < best {
			best, bestD = k, d
		}
	}
	if best == "" || bestD > max(2, len(id)/3) {
		// Fall back to a shared prefix: "talk" for "talk-messaging".
		for _, k := range known {
			if len(id) >= 3 && (strings.HasPrefix(k, id) || strings.HasPrefix(id, k)) {
				return fmt.Sprintf(" (did you mean %q?)", k)
			}
		}
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// editDistance is the optimal string alignment distance between a and b
// (Levenshtein's insertions, deletions and substitutions, plus swaps of two
// adjacent characters, so that "rnu" is one edit from "run"), or some value
// above limit as soon as it is known to exceed limit: a row's minimum never
// decreases further down, since a swap from two rows up costs no less than
// the substitution it replaces one row up.
func editDistance(a, b string, limit int) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
