package graph

import (
	"fmt"
	"strings"
)

// Warning is one lint finding; it never makes a file invalid.
type Warning struct {
	Rule string
	Pos  Pos
	Msg  string
}

// String formats the warning as "file:line:col: warning: msg [rule]".
func (w Warning) String() string {
	var b strings.Builder
	if w.Pos.File != "" {
		b.WriteString(w.Pos.File)
		b.WriteByte(':')
	}
	if w.Pos.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", w.Pos.Line, w.Pos.Col)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	fmt.Fprintf(&b, "warning: %s [%s]", w.Msg, w.Rule)
	return b.String()
}

// Lint returns all warnings for the file's platform and every scenario's
// (patched) platform, deduplicated, in a deterministic order.
func Lint(f *File) []Warning {
	return nil
}
