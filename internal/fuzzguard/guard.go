// Package fuzzguard bounds the memory a fuzz target may spend on one input,
// so that an input that makes a parser's memory blow up (an alias bomb, a
// list of a million tokens) is a crash the fuzzer records and minimises,
// not an out-of-memory kill that loses the input. Two checks: a watcher
// that samples the live heap every few milliseconds and panics — which
// the fuzzing engine reports as a failure with the input — the moment it
// passes a hard ceiling, and after the input is done an allocation budget
// proportional to its size.
package fuzzguard

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

const (
	// Base is what any input may allocate, whatever its size: the
	// loader's tables, a compiled platform, the fuzzing engine's own.
	Base = 64 << 20
	// PerByte is what an input may allocate per byte of it: goccy/go-yaml
	// takes some 450 bytes per token, and the densest file the loader
	// parses has a token per 3 bytes (graph.maxTokens).
	PerByte = 1024
	// Ceiling is the live heap at which the watcher stops the process: far
	// above what any input within the budget holds at once.
	Ceiling = 1 << 30
	// every is how often the watcher samples the heap.
	every = 5 * time.Millisecond
)

// Check runs fn on an input of n bytes, failing t when fn allocated more
// than Base + PerByte×n bytes, and panicking from a watcher as soon as the
// live heap passes Ceiling while fn runs (fn may never return from an
// input that would exhaust memory, so the check cannot wait for it).
func Check(t testing.TB, n int, fn func()) {
	t.Helper()
	stop := watch(Ceiling)
	defer stop() // also when fn stops the test (t.Fatal, t.Skip)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	if alloc, limit := after.TotalAlloc-before.TotalAlloc, uint64(Base+PerByte*n); alloc > limit {
		t.Fatalf("allocated %d MB for an input of %d bytes, over the budget of %d MB (%d MB + %d bytes per byte)",
			alloc>>20, n, limit>>20, Base>>20, PerByte)
	}
}

// watch samples the live heap until stop is called, and panics when it
// passes limit.
func watch(limit uint64) (stop func()) {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				metrics.Read(sample)
				if v := sample[0].Value.Uint64(); v > limit {
					panic(fmt.Sprintf("fuzzguard: live heap %d MB passed the ceiling of %d MB on this input", v>>20, limit>>20))
				}
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
	}
}
