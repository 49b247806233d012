package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

func init() {
	register(&command{
		name: "merge", order: 15,
		summary: "Merge the part files of a sharded run into its results, identical to a single run's",
		usage: "domino merge PART... [--allow-partial] [--format table|markdown|csv|json] [-o FILE]  (PARTs: the files of " +
			"'domino run --shard i/n'; they must be one run's parts, written by one build, unchanged, not partial unless " +
			"--allow-partial, and hold every trial exactly once)",
		flags: func(fs *pflag.FlagSet) {
			fs.Bool("allow-partial", false, "merge the parts of interrupted shards too; the results say partial and hold the trials done")
			fs.String("format", "", "table, markdown, csv or json (default: from -o's extension, else json)")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
		},
		run: runMerge,
	})
}

func runMerge(e *env, fs *pflag.FlagSet) int {
	const name = "merge"
	format, _ := fs.GetString("format")
	out, _ := fs.GetString("output")
	if fs.NArg() == 0 {
		return usageError(e, name, "merge needs the part files of a sharded run")
	}
	if format = chooseFormat(e, name, format, out, "json", output.ResultsFormats, output.ResultsFormatFor); format == "" {
		return exitUsage
	}
	parts := make([]*sim.Part, 0, fs.NArg())
	for _, path := range fs.Args() {
		p, err := readPart(path)
		if err != nil {
			return inputError(e, err)
		}
		parts = append(parts, p)
	}
	allowPartial, _ := fs.GetBool("allow-partial")
	res, err := sim.MergeParts(parts, sim.MergeOptions{AllowPartial: allowPartial})
	if err != nil {
		return inputError(e, fmt.Errorf("merge: %w", err))
	}
	write := func(w io.Writer) error { return output.WriteResults(w, res, format) }
	if out == "" {
		err = write(e.stdout)
	} else {
		err = output.WriteFileAtomic(out, write)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "Error: merge: %v\n", err)
		return exitInternal
	}
	return exitOK
}

func readPart(path string) (*sim.Part, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read part: %w", err)
	}
	defer f.Close()
	return sim.ReadPart(f, path)
}
