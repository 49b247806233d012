package sim

import (
	"fmt"
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
	checked := eachTrialEnd(t, func(name string, tr *Trial, w World, k int) bool {
		return assert.True(t, countsMatch(tr), "%s, %v: counts after trial %d", name, w, k)
	}, func(name string, tr *Trial, w World) {
		if tr.snap != nil && tr.snapValid {
			assert.True(t, countsMatch(tr.snap), "%s, %v: counts of the snapshot", name, w)
		}
	})
	assert.Greater(t, checked, 1000, "trials checked")
}

// eachTrialEnd runs 20 trials of every count platform in each of its
// worlds (two on large platforms or with -short) and calls check after
// each trial the tail did not finish, until it returns false for that
// world; then afterWorld, if any. It returns how many trials it checked.
func eachTrialEnd(t *testing.T, check func(name string, tr *Trial, w World, k int) bool, afterWorld func(name string, tr *Trial, w World)) int {
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
				if !check(name, tr, w, k) {
					break
				}
			}
			if afterWorld != nil {
				afterWorld(name, tr, w)
			}
		}
	}
	return checked
}

// TestBaseOKAfterTrials checks at the end of trials that every service's
// baseOK is what its placement, capacity and faults give, in every world.
// The engine starts every service with baseOK true and looks at a service
// again only when something of its own changes, which is right only
// because the loader refuses a service that everything running cannot
// keep up (docs/model.md §11, "Up at t = 0"); and serve leaves an
// active-standby service without a load out when a replica other than the
// active one changes. This is what would tell if either stopped holding.
// A trial the tail finished is not checked: the tail ends it without
// baseOK.
func TestBaseOKAfterTrials(t *testing.T) {
	checked := eachTrialEnd(t, func(name string, tr *Trial, w World, k int) bool {
		for s := range int32(len(tr.c.Services)) {
			want := tr.fault[s] == 0 && tr.placed(s) && tr.carries(s) || s == tr.world.svcUp
			if !assert.Equal(t, want, tr.baseOK[s], "%s, %v: baseOK of %s after trial %d", name, w, tr.c.Services[s].ID, k) {
				return false
			}
		}
		return true
	}, nil)
	assert.Greater(t, checked, 1000, "trials checked")
}

// raiseByPushingAll is raise as it was before it pushed only the
// dependents that may come up: every down dependent of a service that came
// up is pushed, and found unsatisfied when popped unless it may come up.
// It touches every service it raises, and account counts them. The
// reference raise is tested against.
func raiseByPushingAll(t *Trial) {
	c := t.c
	w := t.ups
	cyc := t.cycTry[:0]
	for {
		for len(w) > 0 {
			x := w[len(w)-1]
			w = w[:len(w)-1]
			if t.up[x] || !t.baseOK[x] {
				continue
			}
			if t.satisfied(x) {
				t.touch(x)
				t.setUp(x, true)
				w = t.pushDownDependents(w, x)
			} else if k := c.SCC[x]; k >= 0 && !t.cycMark[k] {
				t.cycMark[k] = true
				cyc = append(cyc, k)
			}
		}
		if len(cyc) == 0 {
			break
		}
		for _, k := range cyc {
			t.cycMark[k] = false
			w = t.raiseCycle(k, w)
		}
		cyc = cyc[:0]
	}
	t.ups, t.cycTry = w, cyc
}

// TestRaiseSameAsPushingAll checks that raise brings up the same services
// in the same order as the reference that pushes every down dependent, on
// platforms of every shape (cycles, any-groups of every need), through a
// random walk of placements lost and regained: the order is the order of
// wentUp, which decide's draws and sequence numbers follow.
func TestRaiseSameAsPushingAll(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	raised := 0
	cases := countPlatforms(t)
	// When x comes up, g (which has x in a group) and d (which has it as
	// a dependency) may both come up: g is counted first, but d, of the
	// higher index, is raised first.
	cases["rules/group-before-direct"] = compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}]
  services:
    - {id: x, placement: {a: 1}}
    - {id: y, placement: {a: 1}}
    - {id: g, placement: {a: 1}, depends_on: [{any: [x, y]}]}
    - {id: d, placement: {a: 1}, depends_on: [x]}
scenarios:
  - id: r
    events:
      - {kind: random-failures}
`, "")
	for name, c := range cases {
		fast, ref := NewTrial(c, nil), NewTrial(c, nil)
		fast.reset(1, 0)
		ref.reset(1, 0)
		n := len(c.Services)
		for step := range 200 {
			flips := make([]int32, 1+rng.IntN(4))
			for i := range flips {
				flips[i] = int32(rng.IntN(n))
			}
			for _, tr := range []*Trial{fast, ref} {
				// As settle does with the services whose placement changed.
				tr.clearWent()
				tr.now = int64(step) // so that downtimes differ
				tr.ups = tr.ups[:0]
				for _, s := range flips {
					tr.baseOK[s] = !tr.baseOK[s]
					if !tr.baseOK[s] && tr.up[s] {
						tr.knockOut(s)
					} else if tr.baseOK[s] && !tr.up[s] {
						tr.ups = append(tr.ups, s)
					}
				}
			}
			fast.raise()
			raiseByPushingAll(ref)
			if !assert.Equal(t, ref.up, fast.up, "%s, step %d: up", name, step) {
				break
			}
			fast.account()
			ref.account()
			// raise counts at once what it brings up before anything is
			// touched (cameUp), the reference counts everything it touched
			// in account: the same services, in the same order.
			if !assert.Equal(t, ref.wentUp, fast.wentUp, "%s, step %d: services up, in order", name, step) ||
				!assert.Equal(t, ref.wentDown, fast.wentDown, "%s, step %d: services down, in order", name, step) ||
				!assert.Equal(t, ref.segDirty, fast.segDirty, "%s, step %d: segments to look at, in order", name, step) ||
				!assert.Equal(t, ref.out.Touched, fast.out.Touched, "%s, step %d: services touched by the trial, in order", name, step) ||
				!assert.Equal(t, ref.out.Downtime, fast.out.Downtime, "%s, step %d: downtime", name, step) ||
				!assert.Equal(t, ref.toolDown, fast.toolDown, "%s, step %d: tooling down", name, step) ||
				!assert.Equal(t, ref.downUsers, fast.downUsers, "%s, step %d: users down", name, step) {
				break
			}
			raised += len(fast.wentUp)
			require.True(t, countsMatch(fast), "%s, step %d: counts", name, step)
		}
	}
	assert.Greater(t, raised, 10000, "services raised")
}

// TestToolsUp checks toolsUp against the tooling services' up states, on a
// platform with more tooling services than the 64 bits of toolMask (two
// share a bit: s0 is tooling of a0, s64 of b0) and on one with fewer,
// through a random walk of tooling services going down and coming back.
func TestToolsUp(t *testing.T) {
	var w strings.Builder
	w.WriteString("version: 1\nplatform:\n  name: tools\n  sites: [{id: x}]\n  services:\n")
	for i := range 70 {
		fmt.Fprintf(&w, "    - {id: s%d, placement: {x: 1}}\n", i)
	}
	for i := range 6 {
		fmt.Fprintf(&w, "    - {id: a%d, placement: {x: 1}, tooling: [s%d]}\n", i, i)
		fmt.Fprintf(&w, "    - {id: b%d, placement: {x: 1}, tooling: [s%d, s%d]}\n", i, i+64, (i+1)%70)
	}
	for i := 6; i < 64; i++ {
		fmt.Fprintf(&w, "    - {id: a%d, placement: {x: 1}, tooling: [s%d]}\n", i, i)
	}
	w.WriteString("scenarios:\n  - id: r\n    events:\n      - {kind: random-failures}\n")
	cases := map[string]*graph.Compiled{
		"70 tooling services": compile(t, w.String(), ""),
		"gen-60/fire":         snapshotCases(t)["gen-60/fire"],
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for name, c := range cases {
		tr := NewTrial(c, nil)
		tr.reset(1, 0)
		var tools []int32
		for u := range c.Services {
			if c.RevToolOff[u] < c.RevToolOff[u+1] {
				tools = append(tools, int32(u))
			}
		}
		require.NotEmpty(t, tools, "%s: no tooling service", name)
		assert.Equal(t, len(tools) > 64, tr.toolsShared, "%s: tooling services share bits", name)
		for step := range 300 {
			u := tools[rng.IntN(len(tools))]
			tr.clearWent()
			tr.ups = tr.ups[:0]
			if tr.baseOK[u] = !tr.baseOK[u]; !tr.baseOK[u] {
				tr.knockOut(u)
			} else {
				tr.ups = append(tr.ups, u)
				tr.raise()
			}
			tr.account()
			down := 0
			for _, u := range tools {
				if !tr.up[u] {
					down++
				}
			}
			require.Equal(t, int32(down), tr.toolSvcDown, "%s, step %d: tooling services down", name, step)
			for s := range c.Services {
				want := true
				for _, u := range c.Tool[c.ToolOff[s]:c.ToolOff[s+1]] {
					want = want && tr.up[u]
				}
				require.Equal(t, want, tr.toolsUp(int32(s)), "%s, step %d: toolsUp(%s)", name, step, c.Services[s].ID)
			}
		}
	}
}
