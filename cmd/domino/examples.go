package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
)

func init() {
	register(&command{
		name: "examples", order: 5,
		summary: "List the embedded incident scenario files, usable by NAME wherever a FILE is",
		usage:   "domino examples",
		run:     runExamples,
	})
}

// runExamples prints one line per embedded scenario file: its name, the
// title its header comment gives, and its scenario ids.
func runExamples(e *env, fs *pflag.FlagSet) int {
	if fs.NArg() > 0 {
		return usageError(e, "examples", "examples takes no arguments, got %d", fs.NArg())
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tINCIDENT\tSCENARIOS")
	for _, name := range scenarios.Names() {
		f, err := graph.LoadFS(scenarios.FS, scenarios.Path(name))
		if err != nil {
			// The embedded files are tested to load: this is a bug.
			return fail(e, internal(fmt.Errorf("embedded scenario %s: %w", name, err)))
		}
		ids := make([]string, len(f.Scenarios))
		for i, sc := range f.Scenarios {
			ids[i] = sc.ID
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", name, scenarios.Title(name), strings.Join(ids, ", "))
	}
	if err := tw.Flush(); err != nil {
		return fail(e, fmt.Errorf("examples: write output: %w", err))
	}
	fmt.Fprintf(e.stdout, "\nRun one with 'domino run NAME [--scenario ID]'; with no NAME, run uses %s.\n", scenarios.Default)
	return exitOK
}
