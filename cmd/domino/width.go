package main

import (
	"io"
	"os"

	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// terminalWidth returns the number of columns of w when it is a terminal,
// else 0: tables written to a file or a pipe keep their full width.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil || cols <= 0 {
		return 0
	}
	return cols
}

// addWideFlag adds --wide to a command that prints tables.
func addWideFlag(fs *pflag.FlagSet) {
	fs.Bool("wide", false, "print every column of the tables on stdout, however narrow the terminal")
}
