package sim

import (
	"math"

	"github.com/dominosim/domino/graph"
)

// A trial: its outcome, the Trial that holds its state, and the loop of
// instants that runs it. The state is made and reset in reset.go, events
// and power are applied in events.go, crews are handed out in crews.go,
// each instant settles in settle.go and decides in decide.go, and the
// outcome is completed in finish.go.

// Outcome is what one trial produced. Its slices are indexed by service and
// reused from trial to trial: copy what you keep.
type Outcome struct {
	Trial int
	// Per service. FirstDown is -1 when the service never went down;
	// LastUp is the time of its last down→up (0 if none).
	Downtime  []int64
	Degraded  []int64
	FirstDown []int64
	LastUp    []int64
	DownAtEnd []bool
	DataLoss  []int64
	AllLost   []bool
	Cause     []int32 // cause of the first outage, causeNone if none
	RTOBreach []bool
	// Shed is ∫ (1 − φ) dt over the time the service was up with less
	// capacity than its load, in ms; Partial says whether there was any
	// such time (docs/model.md §11).
	Shed    []int64
	Partial []bool
	// DegradedShed is ∫ (1 − φ) dt over the time the service was also
	// degraded, in ms: the part of Shed whose users were counted as degraded.
	DegradedShed []int64
	// Restored is the time the service was back to normal for good: up,
	// carrying its whole load and not degraded from then to H. It is H
	// when the service is not normal at H (nothing happens at H, so H
	// says exactly that), and 0 when the service never left normal. A
	// service left normal when it went down, shed load or was degraded for
	// some time (FirstDown ≥ 0, Partial, Degraded > 0).
	Restored []int64
	// Touched lists the services with any nonzero figure in this trial
	// (down, degraded, partial or losing data), in ascending order, which
	// lets a consumer walk its own per-service memory forwards; every
	// other service's figures are all zero.
	Touched []int32

	// Platform.
	// Start is the first instant a service went down (0 when none did):
	// the start of the trial's first disruption, from which FullRecovery
	// and every recovery time are measured.
	Start int64
	// FullRecovery is the time from Start to the last down→up of any
	// service; H − Start when something is down at H (censored: Unrecovered).
	FullRecovery int64
	Unrecovered  bool
	// FullRestored is the time from Start to the last Restored of any
	// service that left normal, when everything was back to normal for
	// good (0 when that was before Start, or nothing left normal); H −
	// Start when something is not normal at H (censored: Unrestored).
	FullRestored int64
	Unrestored   bool
	PeakDown     int32
	// PeakPeople is the most people cut off at once, min(people, users of
	// the services down), in settled states; PersonMilliHours the integral
	// of min(people, users down) in 1/1000 person-hours. Both 0 when the
	// platform does not declare people.
	PeakPeople       int64
	PersonMilliHours int64
	UserMilliHours   int64 // Σ users × (downtime + soft_weight × degraded), in 1/1000 user-hours
	Cost             int64 // Σ cost_per_hour × downtime, rounded to currency units
	CrewMs           int64
	// CrewWaitMs is the time jobs spent queued for a crew, summed over
	// jobs and clipped at H: what more crews would save.
	CrewWaitMs int64
	Deadlock   bool

	// Curve: at each grid time, the number of services up and the fraction
	// of users served in parts per billion.
	CurveUp    []int32
	CurveUsers []int64
}

// Trial simulates trials of one compiled scenario. It holds all per-trial
// state in flat slices, reused, so that a steady-state trial allocates
// nothing. A Trial is not safe for concurrent use: give each worker its own.
//
// The state is grouped by concern into the embedded structs below, each
// saying what it holds and who resets it; their fields are promoted, so
// the engine reads t.phase rather than t.replicaState.phase. Between
// trials, reset (reset.go) puts everything per-trial back as at t = 0,
// and restore (snapshot.go) puts it back as after the first instant.
type Trial struct {
	c    *graph.Compiled
	H    int64
	grid []int64

	// Trace, when not nil, receives the trial's happenings in time order.
	Trace *Trace

	clock
	crewState
	replicaState
	siteState
	serviceState
	failoverState
	impactState
	tables
	marks
	settleScratch

	// tail finishes a trial once nothing can queue any more (tail.go).
	tail tailState

	out  Outcome
	init initial

	// world is the what-if override of SetWorld (docs/model.md §10).
	world     worldState
	worldKind World

	firstInstant

	// gatesOneByOne makes decide pass the start gates one replica at a
	// time through proceed (passGatesOneByOne), for the tests.
	gatesOneByOne bool

	// totalsShort says whether finish may take its shortcut sums
	// (finish.go); NewTrial makes it.
	totalsShort totalsPlan
}

// clock is the trial's key, its random stream, the current instant and
// the event queue. reset and restore start it anew for every trial; plan
// and stratum are set by the stratified runs (strata.go, risk.go), and
// occN is drawn by scheduleEvents in every trial.
type clock struct {
	// plan, when not nil, draws the rate events' occurrences conditioned
	// on the trial's stratum (strata.go); occN holds them, by event.
	plan    *riskPlan
	stratum int
	occN    []int32

	key uint64
	src stream
	now int64
	seq uint32
	// overflow is set when the trial scheduled more than MaxEvents events:
	// the rest were dropped and the outcome is not to be used.
	overflow bool

	events eventHeap
}

// crewState is the crews: the jobs queued for one, how many are free, and
// when each job held took its crew. reset and restore put it back; hold
// and release (crews.go) keep free, holdPos and held in step.
type crewState struct {
	queue rankQueue
	free  int // crews free; math.MaxInt when unlimited

	// each held job's index in held (-1 when not held), and the jobs
	// held with the time each took its crew
	holdPos []int32
	held    []heldJob

	// waitN counts the restarts and failovers of each service queued for
	// a crew, and waiting has bit s set when waitN[s] > 0, for decide to
	// look at only those services when tooling returns.
	waitN   []int32
	waiting []uint64
}

// replicaState is each replica's life, by replica (docs/model.md §6.3).
// reset and restore put it back.
type replicaState struct {
	phase       []phase
	gen         []uint32
	powered     []bool
	failed      []bool
	serving     []bool
	manual      []bool // the restart under way is manual (holds a crew)
	stopReason  []int32
	lastStop    []int64
	nStart      []uint32
	nFail       []uint32
	nOn         []uint32 // power-ons, numbering break_glass draws
	gateWaiting []bool
}

// siteState is the sites' power and isolation, by site, and the outage
// records of the trial (docs/model.md §6.2). reset and restore put it
// back.
type siteState struct {
	prefix     []int32   // replicas powered, in power-on order
	siteOut    [][]int32 // the site's outage records still below full power
	isolated   []int32
	siteFailed []bool
	nSiteFail  []uint32
	siteGen    []uint32
	outages    []outage
}

// serviceState is each service's state, by service: faults, serving
// replicas and capacity, up and degraded, the cause of its outage and its
// tooling down. reset and restore put it back.
type serviceState struct {
	fault      []int32
	active     []int32 // active replica (active-standby)
	servingCnt []int32
	baseOK     []bool
	up         []bool
	degraded   []bool
	curCause   []int32
	servedCap  []int64 // servers of the serving replicas (active-active)
	// anyCnt[g] is the members up of any-group g (depGroup); hardDown[s] the
	// hard dependencies of s not met: services down and any-groups short
	// of their need. setUp keeps both in step with up, so that satisfied
	// reads one number instead of walking the groups' members. The tail
	// (tail.go), which ends the trial, brings services up without them:
	// nothing reads them after it.
	anyCnt   []int32
	hardDown []int32
	// toolSvcDown counts the services down that are tooling of some
	// service: none, and every restart and failover is automated.
	// toolDownN[b] counts those of bit b (toolBit), and toolDown has bit b
	// set when it is not 0 (toolsUp).
	toolSvcDown int32
	toolDown    uint64
	toolDownN   [64]int32
}

// failoverState is each active-standby service's failover, by service
// (docs/model.md §6.4). reset and restore put it back.
type failoverState struct {
	foState   []foState
	foTarget  []int32
	foManual  []bool
	foGen     []uint32
	nFailover []uint32
	foBack    []bool // the failover under way is a fail-back to the primary
}

// impactState is what the outcome integrates over time: each service's
// impact segment and down and degraded times, and the platform's running
// totals. reset and restore put it back; finish closes it at H.
type impactState struct {
	// The impact segment of each service since segSince: capacity lacking
	// (load − c, when up) and degraded. Integrals of lack are kept in
	// server-ms and divided by load once (docs/model.md §11).
	segDeg     []bool
	segLack    []int64
	segSince   []int64
	shedNum    []wide
	degShedNum []wide
	shedLost   float64 // Σ users × (1 − φ) × (1 − soft_weight × degraded) over up services
	downSince  []int64
	degSince   []int64

	downCount int32
	downUsers int64
	degUsers  int64
	nextGrid  int // the next point of the recovery curve to record
	// The people cut off at an instant are min(people, downUsers);
	// personMs is their integral so far, peakDownUsers their maximum's
	// bound, the most users down at once in a settled state
	// (docs/model.md §8.1).
	personMs      wide
	peakDownUsers int64
}

// tables are read-only copies and digests of the compiled scenario, laid
// out for the engine's inner loops. newTrial makes them; nothing resets
// them.
type tables struct {
	// Copies of the services' load and mode, flat because the capacity
	// checks run on every change of every loaded service. load is 0 for
	// the world's perfect service, which never lacks capacity (SetWorld
	// changes it).
	load []int64
	mode []graph.Mode
	// loaded lists the services with a load: only they can shed.
	loaded []int32
	// svcOut is each service's users and RTO (MaxInt64 when none), what
	// cameUp reads of every service that comes up: four services a line,
	// where the compiled service's far larger record costs a line each.
	svcOut []tailOut

	// hard lists each service's hard dependencies, hard[hardOff[s]:
	// hardOff[s+1]]: the services, then -1-i for each hard any-group
	// c.Deps[i]. It is what satisfied walks, four bytes an entry and no
	// soft ones, for every service that may come up.
	hardOff, hard []int32
	// The any-groups are numbered apart from the other dependencies:
	// depGroup[i] is the number of any-group c.Deps[i], -1 for a
	// dependency on one service, and groupNeed[g] its need. Counted by
	// group, anyCnt is a few hundred numbers, not one for every
	// dependency, which restore copies in every trial.
	depGroup, groupNeed []int32
	// soft lists each service's soft dependencies likewise, in file
	// order, but -1-g for any-group g: what softDown walks.
	softOff, soft []int32
	// watch lists what each service's up state counts in, watch[watchOff[x]:
	// watchOff[x+1]]: s ≥ 0 for each entry x of hard[s], -1-g for each
	// place of x among the members of any-group g. groupOwner[g] is the
	// service whose hard any-group g is, -1 for a soft one. setUp walks
	// them.
	watchOff, watch, groupOwner []int32
	// lists says which of a service's lists of the compiled graph are
	// not empty, and whether its dependencies include a soft one: most
	// lists are empty, and one byte is cheaper to test than an empty list
	// is to slice, for every service that changes.
	lists []uint8

	totalUsers int64
	// people is the platform's distinct users (0: not declared).
	people int64
	// A platform has a few tooling services, each tooling of many: each
	// has a bit, toolBit, its index among them modulo 64, and toolMask[s]
	// has the bits of s's tooling, so that a change of a tooling service
	// is one count (toolDownN) and asking whether s's tooling is up one
	// AND. toolsShared is set when more than 64 share the bits.
	toolBit     []uint8
	toolMask    []uint64
	toolsShared bool
	// toolOf holds, for a tool whose list of services it is tooling of
	// (RevTool) is longer than a bitset over services, that list as a
	// bitset, nil for the others: decide intersects it with the waiting
	// bits of crewState instead of walking the list. At most twice the
	// memory of RevTool.
	toolOf [][]uint64

	recoveryTables
}

// marks are the lists of what this instant changed, each entry once (its
// mark set while listed), for settle and decide to look at. Whoever
// consumes a list empties it and clears its marks: settle the dirty
// replicas, services and segments, decide the gates, failovers and the
// services that went up or down. restore copies what the snapshot's first
// instant left for its decisions; outcomeMark, the marks of out.Touched,
// is cleared by reset and restore.
type marks struct {
	dirtyRep    []int32
	repMark     []bool
	dirtySvc    []int32
	svcMark     []bool
	segDirty    []int32
	segMark     []bool
	gateList    []int32
	foCheck     []int32
	foMark      []bool
	wentUp      []int32 // those with start-need or tooling dependents: what decide looks at
	wentDown    []int32
	outcomeMark []bool // s is in out.Touched: the trial changed something of s
}

// settleScratch is working memory of one settle (settle.go): every call
// leaves it as it found it, so nothing resets it.
type settleScratch struct {
	ups        []int32
	work       []int32
	inRegion   []bool
	cycTry     []int32
	cycMark    []bool
	touched    []int32
	prevUp     []bool
	settleMark []bool // s is in touched: this instant's settle looks at it
	pending    []int32
	wave       []int32
	// softWentUp and softWentDown are those of wentUp and wentDown with
	// soft dependencies or soft dependents (updateDegraded).
	softWentUp   []int32
	softWentDown []int32
	degMark      []uint32
	degStamp     uint32
}

// firstInstant is the first instant, computed once (snapshot.go):
// prepareSnapshot makes it, takeSnapshot brings snap up to date when the
// world changes, and startFromSnapshot starts a trial from it.
type firstInstant struct {
	atZero     []bool  // by event: every trial applies it at t = 0
	zeroEvents []int32 // those events, in file order
	snap       *Trial  // the state after them, settled; nil when there are none
	snapValid  bool    // snap is up to date with the world
	fromSnap   bool    // scheduling skips the events snap applied
	snapping   bool    // applying only what those events do whatever the draws
	plainOnly  bool    // never start from snap (tests compare both ways)

	// decided is the state the first instant's decisions change, after
	// them, when they draw nothing but the times of the failovers they
	// start (decidedOK), which each trial draws: snap.firstStarts lists
	// those services, in order. Most often the decisions only queue
	// failovers for crews, the same in every trial.
	decided     decisions
	decidedOK   bool
	firstStarts []int32

	// from is the snapshot's arrays that restore copies, nil where all
	// zero (snapArrays); takeSnapshot makes it.
	from snapArrays
	// changed has a bit for each group of arrays that a trial seldom
	// writes after t = 0 (chFail...), set when the trial wrote it: restore
	// leaves the others alone, the same as the snapshot's already.
	changed uint32
}

// NewTrial prepares the state for simulating c; grid is the recovery-curve
// time grid (may be nil).
func NewTrial(c *graph.Compiled, grid []int64) *Trial {
	t := newTrial(c, grid)
	// Room for the events a trial usually schedules, a few per replica,
	// so that warming up does not reallocate it in trial after trial. Not
	// in newTrial: the snapshot's Trial, which it also makes, schedules
	// nothing.
	nr, ns, nx := len(c.Replicas), len(c.Services), len(c.Sites)
	t.events.more = make([]eventMore, 0, 4*(nr+ns+nx)+64)
	t.tail = newTailState(c, len(grid))
	t.totalsShort = newTotalsPlan(c, t.H)
	t.prepareSnapshot()
	return t
}

// draw samples d from the stream keyed by (trial, entity, purpose, n).
func (t *Trial) draw(d *graph.Dist, entity, purpose, n uint64) int64 {
	return t.sample(d, entity, purpose, n)
}

// uniform returns a uniform [0, 1) keyed by (trial, entity, purpose, n).
func (t *Trial) uniform(entity, purpose, n uint64) float64 {
	t.src.s = key(t.key, entity, purpose, n)
	return t.src.unit()
}

// Overflowed reports whether the last trial run scheduled more than
// MaxEvents events, in which case its outcome is incomplete.
func (t *Trial) Overflowed() bool { return t.overflow }

// Run simulates trial number trial of the scenario with the given seed and
// returns its outcome, valid until the next call.
func (t *Trial) Run(seed uint64, trial int) *Outcome {
	// Starting from the snapshot, the first instant's events are applied
	// and settled: only its decisions remain.
	settled := t.startFromSnapshot(seed, trial)
	if !settled {
		t.reset(seed, trial)
		t.scheduleEvents()
		t.scheduleWorld()
	}
	for settled || t.events.len() > 0 {
		if !settled {
			now := t.events.minT()
			t.recordGrid(now)
			// The queue is constant between instants: it changes only when
			// events apply and crews are assigned.
			t.out.CrewWaitMs += int64(t.queue.n) * (now - t.now)
			if t.people > 0 { // so are the users down
				t.personMs.addMul(min(t.people, t.downUsers), now-t.now)
			}
			t.now = now
			for t.events.minT() == now {
				ev, _ := t.events.pop()
				t.tail.unsupported -= tailUnsupported(ev.kind)
				t.apply(ev)
			}
			t.settle()
		}
		settled = false
		now := t.now
		t.decide()
		if t.events.minT() == now {
			continue // more happens at this instant
		}
		t.assignCrews()
		if t.events.minT() == now {
			continue
		}
		if t.downCount > t.out.PeakDown {
			t.out.PeakDown = t.downCount
		}
		t.peakDownUsers = max(t.peakDownUsers, t.downUsers)
		if t.Trace != nil {
			t.traceInstant()
		}
		if t.tailReady() && t.tryTail() {
			break
		}
	}
	t.recordGrid(math.MaxInt64)
	t.finish()
	if t.Trace != nil {
		t.traceFinish()
	}
	return &t.out
}
