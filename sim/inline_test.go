package sim

import (
	"os/exec"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHotHelpersInline checks that the engine's small helpers, called for
// every event, replica or service that changes, stay within the
// compiler's inlining budget: a call each costs instructions in every
// trial. Trial's fields are promoted from embedded groups, and each
// promoted field counts as two selectors for the inliner, which once took
// release over its budget unnoticed.
func TestHotHelpersInline(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the package")
	}
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to ask the compiler")
	out, err := exec.Command(goTool, "build", "-gcflags=-m", "-o", "/dev/null", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, fn := range []string{
		"hold", "release", "toolsUp", "markWaiting", "unmarkWaiting", "mayWait", "numberEvent", "draw", "sample",
		"markRep", "markSvc", "markTouched", "markSeg", "markFailover",
		"satisfied", "touch", "recordGrid",
	} {
		re := regexp.MustCompile(`can inline \(\*Trial\)\.` + fn + `\b`)
		assert.Truef(t, re.Match(out), "(*Trial).%s no longer inlines (go build -gcflags=-m=2 ./sim says why)", fn)
	}
	// The draws' fast paths, and what a restart or failover draws from.
	for _, fn := range []string{"zigguratNormal", "zigguratExp", `\(\*drawSpec\)\.fixed`, `\(\*stream\)\.Uint64`} {
		assert.Truef(t, regexp.MustCompile(`can inline `+fn+`\b`).Match(out), "%s no longer inlines", fn)
	}
	// Aggregator.Add's, called for every touched service, and the tail's,
	// for every service that comes back.
	for _, fn := range []string{`\(\*stat\)\.push`, `\(\*svcAcc\)\.addCause`, `\(\*svcAcc\)\.restoredTime`, `divider\.div`, `\(\*tailCurve\)\.at`} {
		assert.Truef(t, regexp.MustCompile(`can inline `+fn+`\b`).Match(out), "%s no longer inlines", fn)
	}
}
