package sim

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
)

// snapshotCases are the scenarios the snapshot is checked on: generated
// platforms (a fire at t = 0, and random failures, which have no event at
// t = 0), every embedded incident, and small rule platforms.
func snapshotCases(t *testing.T) map[string]*graph.Compiled {
	t.Helper()
	cases := map[string]*graph.Compiled{}
	for _, g := range []struct{ services, sites int }{{60, 3}, {200, 4}, {1000, 6}} {
		if testing.Short() && g.services > 200 {
			continue
		}
		f := genFile(t, g.services, g.sites, uint64(g.services))
		compileAll(t, cases, fmt.Sprintf("gen-%d", g.services), f)
	}
	for _, name := range scenarios.Names() {
		f, err := graph.LoadFS(scenarios.FS, scenarios.Path(name))
		require.NoError(t, err)
		compileAll(t, cases, name, f)
	}
	for name, yaml := range map[string]string{
		// A fire at 0 with a stage that may come at 0 too, and an isolate
		// and a fault at 0: the snapshot must give way to the plain replay
		// whenever a draw puts another event at t = 0.
		"rules/zero": `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}, {id: c}]
  services:
    - {id: db, placement: {a: 10, b: 10}, redundancy: {mode: active-standby, failover: {auto: 0}}, restart: {auto: 1h}, data: {replication: async, lag: {exponential: {mean: 1m}}}}
    - {id: app, placement: {a: 5, b: 5}, depends_on: [db, {service: cdn, soft: true}], tooling: [ops], users: 100, load: 8}
    - {id: cdn, placement: {c: 1}, start_needs: [db]}
    - {id: ops, placement: {a: 1}, depends_on: [app]}
scenarios:
  - id: fire
    crews: 1
    events:
      - {kind: site-outage, site: a, destroys_data: 0.5, power_restore: [{after: {empirical: [0, 1h]}, fraction: 0.5}, {after: 3h, fraction: 1.0}]}
      - {kind: isolate, site: c, duration: {empirical: [0, 30m]}}
      - {kind: service-fault, services: [cdn], duration: 2h}
      - {kind: site-outage, site: b, at: {empirical: [0, 2h]}, duration: 1h}
`,
		// A region of two sites at 0, and a cycle brought down by it.
		"rules/region": `
version: 1
platform:
  name: t
  sites: [{id: a, region: r}, {id: b, region: r}, {id: c}]
  services:
    - {id: x, placement: {a: 1, c: 1}, depends_on: [y]}
    - {id: y, placement: {b: 1}, depends_on: [x]}
    - {id: z, placement: {c: 1}, depends_on: [{any: [x, y], need: 1}]}
scenarios:
  - id: region
    events:
      - {kind: region-outage, region: r, duration: {exponential: {mean: 2h}}, destroys_data: 1}
      - {kind: random-failures}
`,
	} {
		cases[name] = compile(t, yaml, "")
	}
	return cases
}

// worldsOf lists a few what-if worlds of c: the baseline and each kind on
// the first and last service or site.
func worldsOf(c *graph.Compiled) []World {
	ws := []World{{}}
	ns, nx := int32(len(c.Services)), int32(len(c.Sites))
	for _, k := range []WorldKind{ServiceFailed, ServicePerfect} {
		ws = append(ws, World{Kind: k, Index: 0}, World{Kind: k, Index: ns - 1})
	}
	for _, k := range []WorldKind{SiteFailed, SitePerfect} {
		ws = append(ws, World{Kind: k, Index: 0}, World{Kind: k, Index: nx - 1})
	}
	return ws
}

func TestSnapshotSameAsPlain(t *testing.T) {
	used := 0
	for name, c := range snapshotCases(t) {
		t.Run(name, func(t *testing.T) {
			grid := Grid(c.Horizon, 50)
			plain, fast := NewTrial(c, grid), NewTrial(c, grid)
			plain.plainOnly = true
			trials := 20
			if len(c.Services) > 500 {
				trials = 4
			}
			for _, w := range worldsOf(c) {
				plain.SetWorld(w)
				fast.SetWorld(w)
				for _, seed := range []uint64{1, 7, 1 << 40} {
					for k := range trials {
						want := cloneOutcome(plain.Run(seed, k))
						got := cloneOutcome(fast.Run(seed, k))
						if !reflect.DeepEqual(got, want) {
							diffOutcomes(t, got, want)
							t.Fatalf("%v, seed %d, trial %d: the outcome from the snapshot differs from the plain replay", w, seed, k)
						}
					}
				}
			}
			if fast.snap != nil {
				used++
			}
		})
	}
	if used == 0 {
		t.Error("no case used a snapshot")
	}
}

func TestSnapshotUsedForFire(t *testing.T) {
	// The generated fire is at t = 0 for sure: every trial must start from
	// the snapshot (or the optimisation is silently off).
	c, err := graph.Compile(genFile(t, 60, 3, 1).Scenario("fire"))
	require.NoError(t, err)
	tr := NewTrial(c, nil)
	for k := range 20 {
		if !tr.startFromSnapshot(1, k) {
			t.Fatalf("trial %d: did not start from the snapshot", k)
		}
	}
	// Its first decisions queue failovers for crews and start others,
	// drawing only their times: the snapshot takes them.
	assert.True(t, tr.decidedOK, "the snapshot did not take the first instant's decisions")
	assert.NotEmpty(t, tr.snap.firstStarts, "no failover started at the first instant")
	assert.Positive(t, tr.decided.queue.n, "no failover queued for a crew at the first instant")
}

// TestRestoreCopiesEverything checks that restore leaves no state of the
// previous trial behind: every field that a trial changes equals the
// snapshot's after restore, except those listed here with the reason.
func TestRestoreCopiesEverything(t *testing.T) {
	skip := map[string]string{
		"c": "config", "H": "config", "grid": "config", "Trace": "config", "hardOff": "config", "hard": "config", "softOff": "config", "soft": "config",
		"watchOff": "config", "watch": "config", "groupOwner": "config", "depGroup": "config", "groupNeed": "config",
		"totalUsers": "config", "init": "reset template", "world": "config", "worldKind": "config",
		"atZero": "config", "zeroEvents": "config", "snap": "config", "snapValid": "config",
		"fromSnap": "flag", "snapping": "flag", "plainOnly": "flag",
		"decided": "config", "decidedOK": "config", "firstStarts": "config", "from": "config", "changed": "restore's own",
		"key": "set from the trial", "src": "re-keyed at every draw", "degSince": "read only while degraded: checked below",
		"gen": "compared only with the gens of the trial's own events", "foGen": "likewise", "siteGen": "likewise",
		"servedCap": "read only with a load: checked below", "degMark": "stamps below degStamp", "degStamp": "only grows",
		"plan": "config", "stratum": "set before each trial", "occN": "drawn in every trial from the stratum",
		"events": "rescheduled", "seq": "rescheduled",
		"prevUp": "read only while touched", "totalsShort": "config, made by NewTrial",
		"tail": "the tail's plan and scratch, and its flags, reset with the trial",
		"ups":  "scratch", "work": "scratch", "cycTry": "scratch", "pending": "scratch", "wave": "scratch",
		"softWentUp": "scratch", "softWentDown": "scratch", "wentDown": "read only by the settle that fills it",
	}
	outSkip := map[string]string{"Trial": "set from the trial", "CurveUp": "all written", "CurveUsers": "all written"}
	for _, name := range []string{"gen-60/fire", "rules/zero", "kakao-pangyo-2022/pangyo-fire"} {
		c := snapshotCases(t)[name]
		tr := NewTrial(c, Grid(c.Horizon, 10))
		for _, w := range worldsOf(c)[:3] {
			tr.SetWorld(w)
			for k := range 5 {
				tr.Run(1, k)
			}
			tr.takeSnapshot()
			tr.restore(1, 0)
			tr.restoreDecisions(false)
			// The snapshot of a world does not depend on the worlds before it.
			fresh := NewTrial(c, nil)
			fresh.SetWorld(w)
			fresh.takeSnapshot()
			compareTrials(t, fmt.Sprintf("%s, %v, snapshot after others", name, w), tr.snap, fresh.snap, skip, outSkip)
			sameDegSince(t, fmt.Sprintf("%s, %v, snapshot after others", name, w), tr.snap, fresh.snap)
			compareTrials(t, fmt.Sprintf("%s, %v, after restore", name, w), tr, tr.snap, skip, outSkip)
			sameDegSince(t, fmt.Sprintf("%s, %v, after restore", name, w), tr, tr.snap)
			// Again after trials from the snapshot, which leave alone the
			// arrays they did not change (Trial.changed).
			for k := range 5 {
				tr.Run(2, k)
			}
			tr.restore(1, 0)
			tr.restoreDecisions(false)
			compareTrials(t, fmt.Sprintf("%s, %v, after restore from a trial", name, w), tr, tr.snap, skip, outSkip)
			sameDegSince(t, fmt.Sprintf("%s, %v, after restore from a trial", name, w), tr, tr.snap)
		}
	}
}

// TestRestoreDecisionsTaken checks restoreDecisions with the first
// instant's decisions taken, which writes what they changed (decidedAt)
// over the state before them when that is sparse, against the state after
// them in full (decided), after trials that changed it.
func TestRestoreDecisionsTaken(t *testing.T) {
	checked, sparse := 0, 0
	eachSnapshotWorld(t, func(name string, c *graph.Compiled, tr *Trial, w World) {
		for k := range caseTrials(c) {
			tr.Run(1, k)
		}
		if !tr.decidedOK {
			return
		}
		checked++
		if tr.from.sparse {
			sparse++
		}
		tr.restore(1, 0)
		tr.restoreDecisions(true)
		what := fmt.Sprintf("%s, %v", name, w)
		d := &tr.decided
		assert.Equalf(t, d.foState, tr.foState, "%s: foState", what)
		assert.Equalf(t, d.foTarget, tr.foTarget, "%s: foTarget", what)
		assert.Equalf(t, d.foManual, tr.foManual, "%s: foManual", what)
		assert.Equalf(t, d.nFailover, tr.nFailover, "%s: nFailover", what)
		assert.Equalf(t, d.foBack, tr.foBack, "%s: foBack", what)
		assert.Equalf(t, d.waitN, tr.waitN, "%s: waitN", what)
		assert.Equalf(t, d.waiting, tr.waiting, "%s: waiting", what)
		assert.Equalf(t, d.queue.bits, tr.queue.bits, "%s: queue", what)
		assert.Emptyf(t, tr.foCheck, "%s: foCheck", what)
	})
	assert.Positive(t, checked, "no snapshot took its first decisions")
	assert.Positive(t, sparse, "no snapshot's first decisions were sparse")
	assert.Less(t, sparse, checked, "every snapshot's first decisions were sparse")
}

// TestChangedSaysWhatChanged checks the bits of Trial.changed: after
// every trial from the snapshot, the arrays of each bit not set are the
// snapshot's, as restore expects of them.
func TestChangedSaysWhatChanged(t *testing.T) {
	checked := 0
	eachSnapshotWorld(t, func(name string, c *graph.Compiled, tr *Trial, w World) {
		for k := range caseTrials(c) {
			tr.Run(1, k)
			s, o, so := tr.snap, &tr.out, &tr.snap.out
			for _, g := range []struct {
				bit  uint32
				what string
				same bool
			}{
				{chFail, "failed, nFail", slices.Equal(tr.failed, s.failed) && slices.Equal(tr.nFail, s.nFail)},
				{chStop, "stopReason", slices.Equal(tr.stopReason, s.stopReason)},
				{chLastStop, "lastStop", slices.Equal(tr.lastStop, s.lastStop)},
				{chFault, "fault", slices.Equal(tr.fault, s.fault)},
				{chDown, "curCause, downSince, FirstDown, Cause", slices.Equal(tr.curCause, s.curCause) && slices.Equal(tr.downSince, s.downSince) &&
					slices.Equal(o.FirstDown, so.FirstDown) && slices.Equal(o.Cause, so.Cause)},
				{chAtEnd, "DownAtEnd", slices.Equal(o.DownAtEnd, so.DownAtEnd)},
				{chLoss, "DataLoss, AllLost", slices.Equal(o.DataLoss, so.DataLoss) && slices.Equal(o.AllLost, so.AllLost)},
			} {
				if tr.changed&g.bit == 0 {
					checked++
					assert.Truef(t, g.same, "%s, %v, trial %d: %s changed without its bit", name, w, k, g.what)
				}
			}
		}
	})
	assert.Positive(t, checked, "no trial left any array alone")
}

// eachSnapshotWorld calls f for every world of every snapshot case whose
// trials start from a snapshot, with tr set to the world.
func eachSnapshotWorld(t *testing.T, f func(name string, c *graph.Compiled, tr *Trial, w World)) {
	for name, c := range snapshotCases(t) {
		tr := NewTrial(c, Grid(c.Horizon, 10))
		if tr.snap == nil {
			continue
		}
		for _, w := range worldsOf(c) {
			tr.SetWorld(w)
			f(name, c, tr, w)
		}
	}
}

// sameDegSince checks that x's degSince is y's wherever x is degraded,
// the only place it is read, and servedCap where a service has a load.
func sameDegSince(t *testing.T, what string, x, y *Trial) {
	t.Helper()
	for s, deg := range x.degraded {
		if deg {
			assert.Equalf(t, y.degSince[s], x.degSince[s], "%s: degSince[%d] differs", what, s)
		}
	}
	for _, s := range x.loaded {
		assert.Equalf(t, y.servedCap[s], x.servedCap[s], "%s: servedCap[%d] differs", what, s)
	}
}

// compareTrials reports every field of a that differs from b's, except
// those in skip and outSkip (fields of out). The fields of Trial's
// embedded groups are compared by their own names, as the engine reads
// them.
func compareTrials(t *testing.T, what string, x, y *Trial, skip, outSkip map[string]string) {
	t.Helper()
	var walk func(a, b reflect.Value)
	walk = func(a, b reflect.Value) {
		for i := range a.NumField() {
			sf := a.Type().Field(i)
			if sf.Anonymous {
				walk(a.Field(i), b.Field(i))
				continue
			}
			f := sf.Name
			if _, ok := skip[f]; ok {
				continue
			}
			if f == "out" {
				for j := range a.Field(i).NumField() {
					g := a.Field(i).Type().Field(j).Name
					if _, ok := outSkip[g]; ok {
						continue
					}
					assert.Truef(t, sameState(a.Field(i).Field(j), b.Field(i).Field(j), g == "Touched"), "%s: out.%s differs", what, g)
				}
				continue
			}
			assert.Truef(t, sameState(a.Field(i), b.Field(i), false), "%s: %s differs", what, f)
		}
	}
	walk(reflect.ValueOf(x).Elem(), reflect.ValueOf(y).Elem())
}

// sameState compares two values of trial state: nil and empty slices are
// the same, and a set's order does not matter.
func sameState(a, b reflect.Value, set bool) bool {
	switch a.Kind() {
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		if set {
			seen := map[int64]int{}
			for i := range a.Len() {
				seen[a.Index(i).Int()]++
				seen[b.Index(i).Int()]--
			}
			for _, n := range seen {
				if n != 0 {
					return false
				}
			}
			return true
		}
		for i := range a.Len() {
			if !sameState(a.Index(i), b.Index(i), false) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameState(a.Field(i), b.Field(i), false) {
				return false
			}
		}
		return true
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return a.Uint() == b.Uint()
	case reflect.Float64:
		return a.Float() == b.Float()
	}
	panic("sameState: unhandled kind " + a.Kind().String())
}

func diffOutcomes(t *testing.T, got, want *Outcome) {
	a, b := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := range a.NumField() {
		if !reflect.DeepEqual(a.Field(i).Interface(), b.Field(i).Interface()) {
			t.Logf("%s differs", a.Type().Field(i).Name)
		}
	}
}

// caseTrials is how many trials a test comparing two ways of running every
// trial takes of one of snapshotCases: fewer on the large platforms.
func caseTrials(c *graph.Compiled) int {
	if len(c.Services) > 500 {
		return 6
	}
	return 30
}
