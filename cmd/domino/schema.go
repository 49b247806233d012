package main

import (
	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
)

func init() {
	register(&command{
		name: "schema", order: 25,
		summary: "Print the JSON Schema of platform and scenario files, for editors",
		usage:   "domino schema [-o FILE]  (see docs/editors.md)",
		flags: func(fs *pflag.FlagSet) {
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
		},
		run: runSchema,
	})
}

// runSchema writes graph.Schema, the same bytes as docs/platform.schema.json
// of this version of domino.
func runSchema(e *env, fs *pflag.FlagSet) int {
	const name = "schema"
	fl := readFlags(fs)
	out := fl.str("output")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}
	if fs.NArg() != 0 {
		return usageError(e, name, "schema takes no arguments, got %q", fs.Args())
	}
	return writeBytes(e, out, graph.Schema())
}
