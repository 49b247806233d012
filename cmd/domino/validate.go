package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
)

func init() {
	register(&command{
		name: "validate", order: 20,
		summary: "Check scenario files and report every error at once",
		usage:   "domino validate [FILE...]  (no FILE: the embedded default example)",
		run:     runValidate,
	})
}

// runValidate loads each file, printing a summary and lint warnings for the
// valid ones and every error of the others. Exit status 1 if any file has
// an error.
func runValidate(e *env, fs *pflag.FlagSet) int {
	args := fs.Args()
	if len(args) == 0 {
		args = []string{""}
	}
	status := exitOK
	for _, arg := range args {
		f, err := loadInput(arg)
		if err != nil {
			inputError(e, err)
			status = exitInput
			continue
		}
		fmt.Fprintln(e.stdout, summary(f))
		for _, w := range graph.Lint(f) {
			fmt.Fprintln(e.stdout, w.String())
		}
	}
	return status
}

// summary is one line: "NAME: ok — 4 sites, 34 services, 4 scenarios (a, b, ...)".
func summary(f *graph.File) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ok — ", f.Name)
	if p := f.Platform; p != nil {
		fmt.Fprintf(&b, "%s, %s, ", plural(len(p.Sites), "site"), plural(len(p.Services), "service"))
	}
	b.WriteString(plural(len(f.Scenarios), "scenario"))
	if len(f.Scenarios) > 0 {
		ids := make([]string, len(f.Scenarios))
		for i, sc := range f.Scenarios {
			ids[i] = sc.ID
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(ids, ", "))
	}
	return b.String()
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
