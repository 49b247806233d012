package main

import (
	"github.com/spf13/pflag"

	"github.com/dominosim/domino/docs"
	"github.com/dominosim/domino/graph"
)

func init() {
	register(&command{
		name: "schema", order: 25,
		summary: "Print the JSON Schema of platform and scenario files (for editors), or of results and risk files",
		usage: "domino schema [--kind platform|results|risk] [-o FILE]  (see docs/editors.md)\n" +
			"platform: the files domino reads; results: what run and merge write (domino.results/v1), whose \"risk\" refers to\n" +
			"risk.schema.json; risk: what risk writes (domino.risk/v1). Readers must ignore fields a later version adds.",
		flags: func(fs *pflag.FlagSet) {
			fs.String("kind", "platform", "which schema: platform, results or risk")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
		},
		run: runSchema,
	})
}

// runSchema writes graph.Schema, the same bytes as docs/platform.schema.json
// of this version of domino, or the schema of results or risk files.
func runSchema(e *env, fs *pflag.FlagSet) int {
	const name = "schema"
	fl := readFlags(fs)
	out := fl.str("output")
	kind := fl.str("kind")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}
	if fs.NArg() != 0 {
		return usageError(e, name, "schema takes no arguments, got %q", fs.Args())
	}
	switch kind {
	case "platform":
		return writeBytes(e, out, graph.Schema())
	case "results":
		return writeBytes(e, out, docs.ResultsSchema)
	case "risk":
		return writeBytes(e, out, docs.RiskSchema)
	}
	return usageError(e, name, "--kind %q: want platform, results or risk%s", kind, graph.Suggest(kind, []string{"platform", "results", "risk"}))
}
