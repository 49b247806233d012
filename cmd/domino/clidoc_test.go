package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cliDoc is the command reference generated from domino's own help.
const cliDoc = "../../docs/cli.md"

func init() {
	// Another test file may own -update already; share it.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite generated files (docs/cli.md)")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// workersDefault matches the machine-dependent default of --workers
// (runtime.NumCPU()), which the reference states in words.
var workersDefault = regexp.MustCompile(`(--workers int .*)\(default \d+\)`)

// renderCLIDoc renders docs/cli.md: `domino help`, then `domino help CMD`
// for every registered command, in the order help lists them.
func renderCLIDoc(t *testing.T) []byte {
	t.Helper()
	help := func(args ...string) string {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), append([]string{"help"}, args...), strings.NewReader(""), &stdout, &stderr)
		require.Equal(t, exitOK, code, "domino help %s: stderr:\n%s", strings.Join(args, " "), stderr.String())
		return workersDefault.ReplaceAllString(stdout.String(), "${1}(default: the number of CPUs)")
	}
	var b bytes.Buffer
	b.WriteString("# domino command reference\n\n")
	b.WriteString("<!-- Generated from domino's own help output by TestCLIDoc (cmd/domino/clidoc_test.go); do not edit.\n")
	b.WriteString("     Regenerate with: go test ./cmd/domino -run TestCLIDoc -update -->\n\n")
	b.WriteString("Every command that takes a FILE also takes the NAME of an embedded incident file\n")
	b.WriteString("(`domino examples` lists them), with or without `.yaml`; a file on disk of that name wins.\n")
	fmt.Fprintf(&b, "Exit status: %d ok, %d bad input, %d usage error, %d internal error, %d interrupted (SIGINT or SIGTERM;\n", exitOK, exitInput, exitUsage, exitInternal, exitInterrupted)
	b.WriteString("`run` then writes the trials done so far, marked partial). Errors go to stderr, results to stdout.\n\n")
	b.WriteString("Commands: ")
	for i, c := range commands {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "[%s](#domino-%s)", c.name, c.name)
	}
	b.WriteString(".\n\n```\n$ domino help\n")
	b.WriteString(help())
	b.WriteString("```\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "\n## domino %s\n\n```\n$ domino help %s\n", c.name, c.name)
		b.WriteString(help(c.name))
		b.WriteString("```\n")
	}
	return b.Bytes()
}

// TestCLIDoc fails when docs/cli.md does not match the CLI's help; run it
// with -update to regenerate the file.
func TestCLIDoc(t *testing.T) {
	got := renderCLIDoc(t)
	if updating() {
		require.NoError(t, os.WriteFile(cliDoc, got, 0o644))
		return
	}
	want, err := os.ReadFile(cliDoc)
	require.NoError(t, err, "generate it: go test ./cmd/domino -run TestCLIDoc -update")
	assert.Equal(t, string(want), string(got), "docs/cli.md is stale: regenerate it with go test ./cmd/domino -run TestCLIDoc -update")
	// Idempotence: rendering twice gives the same bytes.
	assert.Equal(t, string(got), string(renderCLIDoc(t)), "rendering docs/cli.md twice differs")
}
