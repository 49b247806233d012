package main

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/synth"
)

func init() {
	register(&command{
		name: "gen", order: 30,
		summary: "Generate a synthetic platform and scenarios (for benchmarks and research)",
		usage:   "domino gen [--services N] [--sites K] [--seed S] [--format yaml|json] [-o FILE]",
		flags: func(fs *pflag.FlagSet) {
			fs.Int("services", 200, "number of services (10 to 100000: a larger platform would not fit the 64 MiB a file may have)")
			fs.Int("sites", 4, "number of sites (at least 2)")
			fs.Uint64("seed", 1, "random seed: the same flags always give the same file")
			fs.String("format", "", "yaml or json (default: json when -o ends in .json, else yaml); large platforms load faster from JSON")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
		},
		run: runGen,
	})
}

// maxGenServices is the most services gen writes: a file of them must load
// (graph.MaxFileSize, 64 MiB). A generated service takes some 390 bytes in
// YAML and genBytesPerService in JSON, so 100,000 fit either way with room
// for the sites and scenarios; 300,000 wrote a file validate refused.
const (
	maxGenServices     = 100_000
	genBytesPerService = 510
)

func runGen(e *env, fs *pflag.FlagSet) int {
	const name = "gen"
	fl := readFlags(fs)
	services := fl.int("services")
	sites := fl.int("sites")
	seed := fl.uint64("seed")
	out := fl.str("output")
	format := fl.str("format")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}
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
	if services > maxGenServices {
		return usageError(e, name, "--services %d would write a file of some %d MB, over the %d MiB domino reads: at most %d",
			services, services*genBytesPerService>>20, graph.MaxFileSize>>20, maxGenServices)
	}
	b, err := generate(opt)
	if err != nil {
		// Validate accepted the options, so this is a bug.
		return fail(e, internal(err))
	}
	if len(b) > graph.MaxFileSize {
		return fail(e, internal(fmt.Errorf("gen wrote %d bytes, over the %d MiB domino reads", len(b), graph.MaxFileSize>>20)))
	}
	return writeBytes(e, out, b)
}
