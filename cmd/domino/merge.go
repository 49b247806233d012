package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

func init() {
	register(&command{
		name: "merge", order: 15,
		summary: "Merge the part files of a sharded run into its results, identical to a single run's",
		usage: "domino merge PART... [--allow-partial] [--format table|markdown|csv|json] [-o FILE]\n" +
			"PARTs are the files of 'domino run --shard i/n' (or --shard auto); they must be one run's parts, written by one build, unchanged, " +
			"not partial unless --allow-partial, and hold every trial exactly once.",
		flags: func(fs *pflag.FlagSet) {
			fs.Bool("allow-partial", false, "merge the parts of interrupted shards too; the results say partial and hold the trials done")
			fs.String("format", "", "table, markdown, csv or json (default: from -o's extension, else json)")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
			addWideFlag(fs)
		},
		run: runMerge,
	})
}

func runMerge(e *env, fs *pflag.FlagSet) int {
	const name = "merge"
	fl := readFlags(fs)
	format := fl.str("format")
	out := fl.str("output")
	allowPartial := fl.bool("allow-partial")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}
	if fs.NArg() == 0 {
		return usageError(e, name, "merge needs the part files of a sharded run")
	}
	if format = chooseFormat(e, name, format, out, "json", output.ResultsFormats, output.ResultsFormatFor); format == "" {
		return exitUsage
	}
	parts := make([]*sim.Part, 0, fs.NArg())
	for _, path := range fs.Args() {
		p, err := sim.ReadPartFile(path)
		if err != nil {
			return inputError(e, err)
		}
		parts = append(parts, p)
	}
	res, err := sim.MergeParts(parts, sim.MergeOptions{AllowPartial: allowPartial})
	if err != nil {
		return inputError(e, fmt.Errorf("merge: %w", err))
	}
	write := func(w io.Writer) error { return output.WriteResults(w, res, format) }
	return writeOut(e, name, out, write)
}
