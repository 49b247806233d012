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
			fmt.Fprintf(e.stdout, "domino %s\n", dominoVersion())
			return exitOK
		},
	})
}

// dominoVersion is the release version, else the module version the binary
// was built at (go install ...@v1.2.3), else "dev".
func dominoVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok && version == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return version
}
