package importer

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// backstageBomb is a 560-byte "billion laughs" in a Backstage catalog: 9
// levels of 9 aliases, 9^9 copies of one entity. Parsed without an alias
// budget it ran out of memory after 21 s.
var backstageBomb = func() string {
	var b strings.Builder
	b.WriteString("a: &a {kind: Component, metadata: {name: lol}}\n")
	prev := "a"
	for _, c := range "bcdefghi" {
		name := string(c)
		b.WriteString(name + ": &" + name + " [")
		for i := range 9 {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = name
	}
	b.WriteString("items: [*i]\n")
	return b.String()
}()

// TestBackstageHostile: the Backstage importer parses under the platform
// loader's limits, so each of these is refused quickly, in little memory,
// with a one-line error.
func TestBackstageHostile(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"alias bomb", backstageBomb, "aliases expand to too many values"},
		{"100,000 [", "items: " + strings.Repeat("[", 100_000), "nesting deeper than 64 levels"},
		{"5,000 - on a line", strings.Repeat("- ", 5000) + "x\n", "nesting deeper than 64 levels"},
		{"one anchored list aliased many times", aliasedList(), "aliases expand to too many values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Import("backstage", []Input{{Name: "cat.yaml", Data: []byte(tt.data)}}, Options{})
			runtime.ReadMemStats(&after)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "cat.yaml:"), "got %q, want a position in cat.yaml", err)
			assert.Less(t, len(err.Error()), 300, "one short line, not the input echoed")
			const limit = 200 << 20
			assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(limit), "allocated %d MB", (after.TotalAlloc-before.TotalAlloc)>>20)
		})
	}
}

// aliasedList is a list of 20,000 entries anchored once and aliased 500
// times: within the alias budget (16 per alias written), but 10 million
// values once expanded.
func aliasedList() string {
	var b strings.Builder
	b.WriteString("x: &l [")
	for i := range 20_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('1')
	}
	b.WriteString("]\nitems:\n")
	for range 500 {
		b.WriteString("  - {kind: Component, metadata: {name: a}, spec: {dependsOn: *l}}\n")
	}
	return b.String()
}
