package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/spf13/pflag"
)

// version is set by the release build with -ldflags "-X main.version=...".
var version = "dev"

func init() {
	register(&command{
		name: "version", order: 99, summary: "Print domino's version and the identity of its build", usage: "domino version",
		run: func(e *env, fs *pflag.FlagSet) int {
			fmt.Fprintf(e.stdout, "domino %s\nbuild %s\n", dominoVersion(), buildID())
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

// buildID identifies this build, for parts (merge refuses parts of
// different builds: any change to the code may change every number). It
// is the version and the Go toolchain, then the VCS revision the build
// recorded ("rev:" and the commit), or, when that does not identify the
// code, the SHA-256 of the executable itself ("exe:" and 16 hex digits).
// go build in a git checkout records the revision and whether files were
// modified; go run, go test, GOFLAGS=-buildvcs=false and a build outside
// a checkout record none, and a modified checkout's revision is not its
// code: the executable's hash is then the identity (two machines building
// the same files with -trimpath get the same executable).
var buildID = sync.OnceValue(func() string {
	id := dominoVersion() + " " + runtime.Version()
	var rev string
	modified := false
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if rev != "" && !modified {
		return id + " rev:" + rev
	}
	if rev != "" {
		id += " rev:" + rev + "+modified"
	}
	return id + " exe:" + executableSHA256()
})

// executableSHA256 is the first 16 hex digits of the running executable's
// SHA-256, or "unknown" when it cannot be read.
func executableSHA256() string {
	path, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "unknown"
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
