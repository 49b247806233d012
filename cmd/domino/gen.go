package main

import (
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/synth"
)

func init() {
	register(&command{
		name: "gen", order: 30,
		summary: "Generate a synthetic platform and scenarios (for benchmarks and research)",
		usage:   "domino gen [--services N] [--sites K] [--seed S] [--format yaml|json] [-o FILE]",
		flags: func(fs *pflag.FlagSet) {
			fs.Int("services", 200, "number of services (at least 10)")
			fs.Int("sites", 4, "number of sites (at least 2)")
			fs.Uint64("seed", 1, "random seed: the same flags always give the same file")
			fs.String("format", "", "yaml or json (default: json when -o ends in .json, else yaml); large platforms load faster from JSON")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
		},
		run: runGen,
	})
}

func runGen(e *env, fs *pflag.FlagSet) int {
	const name = "gen"
	services, _ := fs.GetInt("services")
	sites, _ := fs.GetInt("sites")
	seed, _ := fs.GetUint64("seed")
	out, _ := fs.GetString("output")
	format, _ := fs.GetString("format")
	if fs.NArg() != 0 {
		return usageError(e, name, "gen takes no arguments, got %q", fs.Args())
	}
	if format == "" {
		format = "yaml"
		if strings.HasSuffix(strings.ToLower(out), ".json") {
			format = "json"
		}
	}
	generate := synth.Generate
	switch format {
	case "yaml":
	case "json":
		generate = synth.GenerateJSON
	default:
		return usageError(e, name, "unknown format %q: want yaml or json", format)
	}
	opt := synth.Options{Services: services, Sites: sites, Seed: seed}
	if err := opt.Validate(); err != nil {
		return usageError(e, name, "%v", err)
	}
	b, err := generate(opt)
	if err != nil {
		// Validate accepted the options, so this is a bug.
		return fail(e, internal(err))
	}
	return writeOut(e, "gen", out, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
