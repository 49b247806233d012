package sim

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// TestWaitingCountsQueuedJobs checks the count of each service's restarts
// and failovers queued for a crew, and its bit, that decide relies on to
// visit only those services when tooling returns: at the end of trials
// cut short at several horizons, so that many end with jobs queued, they
// must agree with the crew queue itself.
func TestWaitingCountsQueuedJobs(t *testing.T) {
	cases := snapshotCases(t)
	// While batch holds the only crew, db's failover waits for it and is
	// cancelled when site a's power returns, and app and web wait for it
	// and lose their power again.
	cases["rules/requeue"] = compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}, {id: d}]
  services:
    - {id: ops, placement: {b: 1}}
    - {id: batch, placement: {d: 1}, tooling: [ops], restart: {auto: 1m, manual: 10h}}
    - {id: db, placement: {a: 1, c: 1}, redundancy: {mode: active-standby, primary: a}, tooling: [ops]}
    - {id: app, placement: {a: 1}, tooling: [ops], restart: {auto: 1m, manual: 1h}}
    - {id: web, placement: {a: 1}, tooling: [ops], restart: {auto: 1m, manual: 1h}}
scenarios:
  - id: s
    crews: 1
    horizon: 1d
    events:
      - {kind: site-outage, site: b, duration: 20h}
      - {kind: site-outage, site: d, duration: 10m}
      - {kind: site-outage, site: a, at: 1h, duration: 1h}
      - {kind: site-outage, site: a, at: 2h30m, duration: 1h}
`, "")
	queued := 0
	for name, c := range cases {
		for eighths := int64(1); eighths <= 8; eighths++ {
			cc := *c
			cc.Horizon = c.Horizon * eighths / 8
			tr := NewTrial(&cc, nil)
			for k := range 10 {
				tr.Run(1, k)
				want := make([]int32, len(c.Services))
				for w, word := range tr.queue.bits {
					for b := range 64 {
						if word&(1<<b) == 0 {
							continue
						}
						switch kind, x := c.Job(tr.queue.rankJob[w*64+b]); kind {
						case graph.JobKindRestart, graph.JobKindFailover:
							want[c.Replicas[x].Service]++
							queued++
						}
					}
				}
				what := fmt.Sprintf("%s, horizon %d, trial %d", name, cc.Horizon, k)
				require.Equal(t, want, tr.waitN, "%s: jobs queued by service", what)
				for s := range want {
					assert.Equal(t, want[s] > 0, tr.mayWait(int32(s)), "%s: waiting bit of %s", what, c.Services[s].ID)
				}
			}
		}
	}
	require.Positive(t, queued, "no trial ended with a restart or failover queued: the test checks nothing")
}

// TestRevToolAscending checks what decide relies on to walk a tool's
// services as a bitset (Trial.toolOf) in the order of the list: each list
// of services a tool is tooling of is in ascending order.
func TestRevToolAscending(t *testing.T) {
	for name, c := range snapshotCases(t) {
		for u := range c.Services {
			list := c.RevTool[c.RevToolOff[u]:c.RevToolOff[u+1]]
			assert.Truef(t, slices.IsSorted(list), "%s: services with tooling %s are not in ascending order: %v", name, c.Services[u].ID, list)
		}
	}
}

// TestPassGatesSameAsProceed holds passGates, which lets the replicas a
// power stage powers pass their gates in one loop, to passing them one by
// one through proceed: every trial's outcome is the same, on every
// embedded scenario and generated platform, in three worlds.
func TestPassGatesSameAsProceed(t *testing.T) {
	for name, c := range snapshotCases(t) {
		grid := Grid(c.Horizon, 50)
		ref, fast := NewTrial(c, grid), NewTrial(c, grid)
		ref.gatesOneByOne = true
		for _, w := range worldsOf(c)[:3] {
			ref.SetWorld(w)
			fast.SetWorld(w)
			for _, seed := range []uint64{1, 7} {
				for k := range caseTrials(c) {
					want := cloneOutcome(ref.Run(seed, k))
					got := cloneOutcome(fast.Run(seed, k))
					if !reflect.DeepEqual(got, want) {
						diffOutcomes(t, got, want)
						t.Fatalf("%s, %v, seed %d, trial %d: passGates differs from proceed", name, w, seed, k)
					}
				}
			}
		}
	}
}
