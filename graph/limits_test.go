package graph

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/goccy/go-yaml/lexer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What loading a hostile input may allocate: a fixed amount plus what
// goccy/go-yaml's lexer takes per byte of input (about 200), nowhere near
// what expanding or parsing it naively takes (15 GB for 100,000 nested
// brackets, half a megabyte of input, before the depth limit).
const (
	hostileAllocBase    = 16 << 20
	hostileAllocPerByte = 256
)

// TestHostileInputsBounded loads inputs built to exhaust a YAML parser and
// checks each is refused with the expected error while allocating little.
// Allocation, unlike time, does not depend on the machine's load.
func TestHostileInputsBounded(t *testing.T) {
	laughs := func(merge string) string {
		var b strings.Builder
		b.WriteString("version: 1\nx-a: &a {name: lol}\n")
		prev := "a"
		for _, c := range "bcdefghij" {
			b.WriteString("x-" + string(c) + ": &" + string(c) + " [" + strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",") + "]\n")
			prev = string(c)
		}
		return b.String() + merge
	}
	tests := []struct {
		name, input, want string
	}{
		{"billion laughs merged", laughs("platform:\n  <<: *j\n"), "too many alias expansions"},
		{"billion laughs as services", laughs("platform:\n  sites: [{id: a}]\n  services: *j\n"), "want a service mapping, got a list"},
		{"self-referencing alias", "version: 1\nx-a: &a [*a]\nplatform:\n  <<: *a\n", "too many alias expansions"},
		{"flow lists", "version: 1\nplatform: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n", "nesting deeper than 64 levels"},
		{"flow mappings", "version: 1\nplatform: " + strings.Repeat("{a: ", 100000) + "1" + strings.Repeat("}", 100000) + "\n", "nesting deeper than 64 levels"},
		{"block mappings", "version: 1\nplatform:\n" + blockNest(2000), "nesting deeper than 64 levels"},
		{"entries on one line", "version: 1\nplatform:\n  " + strings.Repeat("- ", 100000) + "x\n", "nesting deeper than 64 levels"},
		{"keys on one line", "version: 1\nplatform:\n  " + strings.Repeat("a: ", 100000) + "x\n", "nesting deeper than 64 levels"},
		{"not UTF-8", "version: 1\nplatform: {name: \"\xc3\x28\"}\n", "invalid UTF-8 (byte 0xc3)"},
		// A token a byte took some 450 bytes of memory per byte of input
		// (a 10 MB file ran out of memory at 4 GB).
		{"a flat list, YAML", "version: 1\nx-junk: [" + strings.Repeat("1,", 1<<20) + "1]\n" + tinyPlatform, "too dense to parse"},
		{"a flat list, JSON", `{"version": 1, "x-junk": [` + strings.Repeat("1,", 1<<20) + `1], "platform": {}}`, "too dense to parse"},
		// goccy's time grows with the square of a block mapping's keys.
		{"a wide block mapping", "version: 1\nx-junk:\n" + wideMapping(MaxBlockKeys+1) + tinyPlatform, "more than 4096 keys in one block mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Load(strings.NewReader(tt.input), "hostile.yaml")
			runtime.ReadMemStats(&after)
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
			limit := uint64(hostileAllocBase + hostileAllocPerByte*len(tt.input))
			alloc := after.TotalAlloc - before.TotalAlloc
			assert.LessOrEqual(t, alloc, limit, "allocated %d MB for %d bytes, want at most %d MB", alloc>>20, len(tt.input), limit>>20)
		})
	}
}

const tinyPlatform = "platform:\n  sites: [{id: a}]\n  services: [{id: x, placement: {a: 1}}]\n"

// wideMapping is one block mapping of n keys, indented by two.
func wideMapping(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  k%d: 1\n", i)
	}
	return b.String()
}

// TestTokenBudgetFitsRealFiles: the files domino gen writes, and a file
// as dense as allowed, load; one denser is refused, naming its counts.
func TestTokenBudgetFitsRealFiles(t *testing.T) {
	// JSON, for speed: the count and the limit are the same for YAML.
	const platform = `"platform": {"sites": [{"id": "a"}], "services": [{"id": "x", "placement": {"a": 1}}]}}`
	n := 2 * freeTokens
	// "11111," is two tokens in six bytes: exactly bytesPerToken.
	ok := `{"version": 1, "x-junk": [` + strings.Repeat("11111,", n) + "1], " + platform
	_, err := Load(strings.NewReader(ok), "ok.json")
	require.NoError(t, err)
	// "111," is two in four.
	dense := `{"version": 1, "x-junk": [` + strings.Repeat("111,", n) + "1], " + platform
	_, err = Load(strings.NewReader(dense), "dense.json")
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("dense.json:1:1: too dense to parse: %d tokens", countTokens([]byte(dense))))

	wide := "version: 1\nx-junk:\n" + wideMapping(MaxBlockKeys) + tinyPlatform
	_, err = Load(strings.NewReader(wide), "wide.yaml")
	assert.NoError(t, err, "%d keys in a block mapping are allowed", MaxBlockKeys)
}

// TestCountTokens: countTokens is close to the lexer's count on real files
// (it may over-count, by little).
func TestCountTokens(t *testing.T) {
	files, err := filepath.Glob("testdata/valid/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		got, want := countTokens(data), len(lexer.Tokenize(string(data)))
		assert.InDelta(t, want, got, 0.1*float64(want), "%s: got %d tokens, the lexer %d", f, got, want)
	}
}

// blockNest is n mappings, each indented one space more than the last.
func blockNest(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat(" ", i+1) + "k:\n")
	}
	return b.String()
}

// TestNestingWithinLimit checks the depth count on a file nested as deep
// as allowed, and that domino's deepest real construct is far from it.
func TestNestingWithinLimit(t *testing.T) {
	ok := "version: 1\nx-deep: " + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + "\n" +
		"platform:\n  sites: [{id: a}]\n  services: [{id: x, placement: {a: 1}}]\n"
	_, err := Load(strings.NewReader(ok), "ok.yaml")
	require.NoError(t, err, "nesting %d deep", MaxDepth)
	tooDeep := strings.Replace(ok, "[", "[[", 1)
	tooDeep = strings.Replace(tooDeep, "]", "]]", 1)
	_, err = Load(strings.NewReader(tooDeep), "deep.yaml")
	require.Error(t, err, "nesting %d deep", MaxDepth+1)
	require.Contains(t, err.Error(), "deeper than")
}

// TestLoadFileUnreadable checks the wording for a file that exists but
// cannot be read. Root reads any file, so the test needs another user.
func TestLoadFileUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can read a file without read permission")
	}
	path := filepath.Join(t.TempDir(), "secret.yaml")
	require.NoError(t, os.WriteFile(path, []byte("version: 1\n"), 0o000))
	_, err := LoadFile(path)
	require.EqualError(t, err, "read "+path+": permission denied")
}

// TestTrialTotals checks each bound TrialTotals puts on what one trial
// can count, just below and just above it.
func TestTrialTotals(t *testing.T) {
	plat := func(users int64, cost float64, replicas int) *Platform {
		s := &Service{ID: "x", Users: users, CostPerHour: cost}
		for range replicas {
			s.Placement = append(s.Placement, Placement{Site: "a", Servers: 1})
		}
		return &Platform{Sites: []*Site{{ID: "a"}}, Services: []*Service{s, {ID: "y", Users: users, CostPerHour: cost}}}
	}
	const limit = MaxTrialTotal
	tests := []struct {
		name    string
		p       *Platform
		horizon int64
		want    string // a part of the message; "" for none
	}{
		{"users at the limit", plat(limit/2, 0, 1), 1, ""},
		{"users beyond", plat(limit/2+1024, 0, 1), 1, "the services' users add up to 4.61e+18"},
		// 2 × 10^12 users × 2305 h × 1000 = 4.61e18 > 2^62 = 4.6117e18.
		{"user-hours at the limit", plat(1e12, 0, 1), 2305 * Hour, ""},
		{"user-hours beyond", plat(1e12, 0, 1), 2306 * Hour, "a trial could lose 4.61e+15 user-hours (2e+12 users over all services for the 96d2h horizon)"},
		{"money at the limit", plat(0, 1e15, 1), 2305 * Hour, ""},
		{"money beyond", plat(0, 1e15, 1), 2306 * Hour, "a trial could lose 4.61e+18 in money (cost_per_hour 2e+15"},
		// 3 jobs a replica and 1 a site: 3 × 2 + 1 = 7 jobs.
		{"crew jobs at the limit", plat(0, 0, 2), limit / 7, ""},
		{"crew jobs beyond", plat(0, 0, 2), limit/7 + 1<<40, "crew-hours (7 crew jobs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TrialTotals(tt.p, tt.horizon)
			if tt.want == "" {
				assert.Empty(t, got)
			} else {
				assert.Contains(t, got, tt.want)
			}
		})
	}
}

// TestCompileChecksTotals checks that Compile refuses what Load would: a
// platform built or patched by a program (a mitigation) is not loaded.
func TestCompileChecksTotals(t *testing.T) {
	p := &Platform{Sites: []*Site{{ID: "a"}}, Services: []*Service{
		{ID: "x", CostPerHour: 1e19, Placement: []Placement{{Site: "a", Servers: 1}}, RTO: -1, RPO: -1},
	}}
	_, err := Compile(&Scenario{ID: "fire", Horizon: Hour, Platform: p})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `scenario "fire": a trial could lose 1e+19 in money`)
}
