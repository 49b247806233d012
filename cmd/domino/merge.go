package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

func init() {
	register(&command{
		name: "merge", order: 15,
		summary: "Merge the part files of a sharded run (or risk run) into its results, identical to a single run's",
		usage: "domino merge PART... [--allow-partial] [--format table|markdown|csv|json] [-o FILE]\n" +
			"PARTs are the files of 'domino run --shard i/n' or 'domino risk --shard i/n' (or --shard auto); they must be one run's parts, " +
			"written by one build, unchanged, not partial unless --allow-partial, and hold every trial exactly once.",
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
	if risk, err := areRiskParts(fs.Args()); err != nil {
		return inputError(e, err)
	} else if risk {
		if allowPartial {
			return usageError(e, name, "--allow-partial: a risk run's parts are never partial")
		}
		var parts []*sim.RiskPart
		for _, path := range fs.Args() {
			p, err := sim.ReadRiskPartFile(path)
			if err != nil {
				return inputError(e, err)
			}
			parts = append(parts, p)
		}
		r, err := sim.MergeRiskParts(parts)
		if err != nil {
			return inputError(e, fmt.Errorf("merge: %w", err))
		}
		return writeOut(e, name, out, func(w io.Writer) error { return output.WriteRisk(w, r, format) })
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

// areRiskParts says whether paths are the parts of a risk run rather than
// of a run: the first file's schema decides, and a mix is an error.
func areRiskParts(paths []string) (bool, error) {
	var risk []bool
	for _, path := range paths {
		data, err := graph.ReadFile(path)
		if err != nil {
			return false, fmt.Errorf("read part: %w", err)
		}
		schema, _ := sim.FileSchema(data)
		risk = append(risk, schema == sim.RiskPartSchema)
		if len(risk) > 1 && risk[0] != risk[len(risk)-1] {
			return false, fmt.Errorf("%s and %s: cannot merge the parts of a run with those of a risk run", paths[0], path)
		}
	}
	return risk[0], nil
}
