package sim

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// countsMatch reports whether t's anyCnt and hardDown are those countUp
// computes from scratch from its up set.
func countsMatch(t *Trial) bool {
	anyCnt, hardDown := make([]int32, len(t.anyCnt)), make([]int32, len(t.hardDown))
	t.countUp(t.up, anyCnt, hardDown)
	return slices.Equal(anyCnt, t.anyCnt) && slices.Equal(hardDown, t.hardDown)
}

// countPlatforms are platforms whose any-groups and hard dependencies
// setUp's counts are checked on: fuzzed ones (groups of every need, soft
// and hard, cycles) and a hand-written one where one service is a member
// of several groups, soft and hard, and a group needs all its members.
func countPlatforms(t *testing.T) map[string]*graph.Compiled {
	t.Helper()
	cases := snapshotCases(t)
	cases["rules/odd-groups"] = compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: x, placement: {a: 1}}
    - {id: y, placement: {b: 1}, depends_on: [x]}
    - {id: z, placement: {a: 1, b: 1}, depends_on: [{any: [x, y], need: 2}, {any: [x, y], need: 1, soft: true}]}
    - {id: w, placement: {b: 1}, depends_on: [z, {any: [x, y, z], need: 3}, y]}
scenarios:
  - id: r
    events:
      - {kind: random-failures}
`, "")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		data := make([]byte, 64)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		b := fuzzBytes(data)
		file, err := graph.Load(strings.NewReader(fuzzPlatform(&b)), "fuzz.yaml")
		if err != nil {
			continue
		}
		if c, err := graph.Compile(file.Scenarios[0]); err == nil {
			cases["fuzz/"+string(rune('a'+i%26))+strings.Repeat("'", i/26)] = c
		}
	}
	return cases
}

// TestSetUpKeepsCounts checks setUp against countUp after every change of
// a random walk through up sets, on platforms of every shape.
func TestSetUpKeepsCounts(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for name, c := range countPlatforms(t) {
		tr := NewTrial(c, nil)
		tr.reset(1, 0)
		require.True(t, countsMatch(tr), "%s: counts of the reset template", name)
		for step := range 300 {
			s := int32(rng.IntN(len(c.Services)))
			tr.setUp(s, !tr.up[s])
			if !assert.True(t, countsMatch(tr), "%s: counts after step %d (service %d)", name, step, s) {
				break
			}
		}
	}
}

// TestCountsAfterTrials checks the counts against countUp at the end of
// trials, in every world: whatever path a trial took through reset,
// restore and settle, the counts agree with the up set. A trial the tail
// finished is not checked: the tail ends it without them.
func TestCountsAfterTrials(t *testing.T) {
	checked := 0
	for name, c := range countPlatforms(t) {
		tr := NewTrial(c, Grid(c.Horizon, 10))
		worlds := worldsOf(c)
		if testing.Short() || len(c.Services) > 200 {
			worlds = worlds[:2]
		}
		for _, w := range worlds {
			tr.SetWorld(w)
			for k := range 20 {
				tr.Run(1, k)
				if tr.tail.taken {
					continue
				}
				checked++
				if !assert.True(t, countsMatch(tr), "%s, %v: counts after trial %d", name, w, k) {
					break
				}
			}
			if tr.snap != nil && tr.snapValid {
				assert.True(t, countsMatch(tr.snap), "%s, %v: counts of the snapshot", name, w)
			}
		}
	}
	assert.Greater(t, checked, 1000, "trials checked")
}
