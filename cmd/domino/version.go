package main

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/pflag"
)

// version is set by the release build with -ldflags "-X main.version=...".
var version = "dev"

func init() {
	register(&command{
		name: "version", order: 99, summary: "Print domino's version", usage: "domino version",
		run: func(e *env, fs *pflag.FlagSet) int {
			v := version
			if info, ok := debug.ReadBuildInfo(); ok && v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
				v = info.Main.Version
			}
			fmt.Fprintf(e.stdout, "domino %s\n", v)
			return exitOK
		},
	})
}
