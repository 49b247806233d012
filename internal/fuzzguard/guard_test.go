package fuzzguard

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// recorder is a testing.TB that records Fatalf instead of stopping.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = format
}

var sink []byte

func TestCheckBudget(t *testing.T) {
	r := &recorder{TB: t}
	Check(r, 100, func() { sink = make([]byte, 1<<20) })
	assert.Empty(t, r.failed, "1 MB is within the base")
	Check(r, 100, func() {
		for range 10 {
			sink = make([]byte, Base/8)
		}
	})
	assert.True(t, strings.HasPrefix(r.failed, "allocated"), "got %q", r.failed)
}

// TestWatchStops: a watcher under its limit stops when told. (Passing the
// limit panics in the watcher's goroutine, which ends the process: that is
// its purpose under the fuzzing engine, and not testable in-process.)
func TestWatchStops(t *testing.T) {
	stop := watch(1 << 50)
	stop()
}
