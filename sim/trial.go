package sim

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/dominosim/domino/graph"
)

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
type Trial struct {
	c    *graph.Compiled
	H    int64
	grid []int64

	// Trace, when not nil, receives the trial's happenings in time order.
	Trace *Trace

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
	queue  rankQueue
	free   int // crews free; math.MaxInt when unlimited

	// replicas
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

	// sites
	prefix     []int32 // replicas powered, in power-on order
	siteOut    [][]int32
	isolated   []int32
	siteFailed []bool
	nSiteFail  []uint32
	siteGen    []uint32
	outages    []outage

	// services
	fault      []int32
	active     []int32 // active replica (active-standby)
	servingCnt []int32
	baseOK     []bool
	up         []bool
	degraded   []bool
	foState    []foState
	foTarget   []int32
	foManual   []bool
	foGen      []uint32
	nFailover  []uint32
	curCause   []int32
	foBack     []bool  // the failover under way is a fail-back to the primary
	servedCap  []int64 // servers of the serving replicas (active-active)
	// Copies of the services' load and mode, flat because the capacity
	// checks run on every change of every loaded service. load is 0 for
	// the world's perfect service, which never lacks capacity.
	load []int64
	mode []graph.Mode
	// loaded lists the services with a load: only they can shed.
	loaded []int32

	// The impact segment of each service since segSince: capacity lacking
	// (load − c, when up) and degraded. Integrals of lack are kept in
	// server-ms and divided by load once (docs/model.md §11).
	segDeg     []bool
	segLack    []int64
	segSince   []int64
	shedNum    []wide
	degShedNum []wide
	segMark    []bool
	segDirty   []int32
	shedLost   float64 // Σ users × (1 − φ) × (1 − soft_weight × degraded) over up services
	downSince  []int64
	degSince   []int64

	// hard lists each service's hard dependencies, hard[hardOff[s]:
	// hardOff[s+1]]: the services, then -1-i for each hard any-group
	// c.Deps[i]. It is what satisfied walks, four bytes an entry and no
	// soft ones, for every service that may come up.
	hardOff, hard []int32
	// lists says which of a service's lists of the compiled graph are
	// not empty, and whether its dependencies include a soft one: most
	// lists are empty, and one byte is cheaper to test than an empty list
	// is to slice, for every service that changes.
	lists []uint8

	// crews: hold start per job and the list of jobs held
	holdStart []int64
	holdPos   []int32
	held      []int32

	// scratch
	dirtyRep    []int32
	repMark     []bool
	dirtySvc    []int32
	svcMark     []bool
	gateList    []int32
	foCheck     []int32
	foMark      []bool
	ups         []int32
	work        []int32
	region      []int32
	inRegion    []bool
	cycTry      []int32
	cycMark     []bool
	touched     []int32
	prevUp      []bool
	settleMark  []bool // s is in touched: this instant's settle looks at it
	wentUp      []int32
	wentDown    []int32
	pending     []int32
	wave        []int32
	degMark     []uint32
	toolsDown   []int32 // tooling services of s that are down
	outcomeMark []bool  // s is in out.Touched: the trial changed something of s
	degStamp    uint32
	downCount   int32
	downUsers   int64
	degUsers    int64
	totalUsers  int64
	nextGrid    int
	// people is the platform's distinct users (0: not declared). The
	// people cut off at an instant are min(people, downUsers); personMs
	// is their integral so far, peakDown their maximum's bound, the most
	// users down at once in a settled state (docs/model.md §8.1).
	people        int64
	personMs      wide
	peakDownUsers int64

	out  Outcome
	init initial

	// world is the what-if override of SetWorld (docs/model.md §10).
	world     worldState
	worldKind World

	// The first instant, computed once (snapshot.go).
	atZero     []bool  // by event: every trial applies it at t = 0
	zeroEvents []int32 // those events, in file order
	snap       *Trial  // the state after them, settled; nil when there are none
	snapValid  bool    // snap is up to date with the world
	fromSnap   bool    // scheduling skips the events snap applied
	snapping   bool    // applying only what those events do whatever the draws
	plainOnly  bool    // never start from snap (tests compare both ways)
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
	t.prepareSnapshot()
	return t
}

func newTrial(c *graph.Compiled, grid []int64) *Trial {
	nr, ns, nx := len(c.Replicas), len(c.Services), len(c.Sites)
	t := &Trial{c: c, H: c.Horizon, grid: grid, world: noWorld()}
	t.queue = newRankQueue(c.JobRank, c.RankJob)
	t.events = newEventHeap()
	t.phase = make([]phase, nr)
	t.gen = make([]uint32, nr)
	t.powered = make([]bool, nr)
	t.failed = make([]bool, nr)
	t.serving = make([]bool, nr)
	t.manual = make([]bool, nr)
	t.stopReason = make([]int32, nr)
	t.lastStop = make([]int64, nr)
	t.nStart = make([]uint32, nr)
	t.nFail = make([]uint32, nr)
	t.nOn = make([]uint32, nr)
	t.gateWaiting = make([]bool, nr)
	t.repMark = make([]bool, nr)

	t.prefix = make([]int32, nx)
	t.siteOut = make([][]int32, nx)
	t.isolated = make([]int32, nx)
	t.siteFailed = make([]bool, nx)
	t.nSiteFail = make([]uint32, nx)
	t.siteGen = make([]uint32, nx)

	t.fault = make([]int32, ns)
	t.active = make([]int32, ns)
	t.servingCnt = make([]int32, ns)
	t.baseOK = make([]bool, ns)
	t.up = make([]bool, ns)
	t.degraded = make([]bool, ns)
	t.foState = make([]foState, ns)
	t.foTarget = make([]int32, ns)
	t.foManual = make([]bool, ns)
	t.foGen = make([]uint32, ns)
	t.nFailover = make([]uint32, ns)
	t.curCause = make([]int32, ns)
	t.foBack = make([]bool, ns)
	t.servedCap = make([]int64, ns)
	t.load = make([]int64, ns)
	t.mode = make([]graph.Mode, ns)
	for s := range c.Services {
		t.load[s], t.mode[s] = c.Services[s].Load, c.Services[s].Mode
		if t.load[s] > 0 {
			t.loaded = append(t.loaded, int32(s))
		}
	}
	t.segDeg = make([]bool, ns)
	t.segLack = make([]int64, ns)
	t.segSince = make([]int64, ns)
	t.shedNum = make([]wide, ns)
	t.degShedNum = make([]wide, ns)
	t.segMark = make([]bool, ns)
	t.downSince = make([]int64, ns)
	t.degSince = make([]int64, ns)
	t.svcMark = make([]bool, ns)
	t.foMark = make([]bool, ns)
	t.inRegion = make([]bool, ns)
	t.cycMark = make([]bool, len(c.CyclicOff))
	t.prevUp = make([]bool, ns)
	t.settleMark = make([]bool, ns)
	t.degMark = make([]uint32, ns)
	t.lists = make([]uint8, ns)
	for u := range ns {
		for _, d := range c.Deps[c.DepOff[u]:c.DepOff[u+1]] {
			if d.Soft {
				t.lists[u] |= hasSoftDep
			}
		}
		for _, l := range []struct {
			off []int32
			bit uint8
		}{{c.StartOff, hasStart}, {c.RevStartOff, hasRevStart}, {c.RevToolOff, hasRevTool}, {c.RevSoftOff, hasRevSoft}, {c.RevHardOff, hasRevHard}} {
			if l.off[u] < l.off[u+1] {
				t.lists[u] |= l.bit
			}
		}
	}
	t.hardOff = make([]int32, ns+1)
	for s := range ns {
		deps := c.Deps[c.DepOff[s]:c.DepOff[s+1]]
		for _, d := range deps {
			if !d.Soft && d.Service >= 0 {
				t.hard = append(t.hard, d.Service)
			}
		}
		for i, d := range deps {
			if !d.Soft && d.Service < 0 {
				t.hard = append(t.hard, -1-(c.DepOff[s]+int32(i)))
			}
		}
		t.hardOff[s+1] = int32(len(t.hard))
	}
	t.toolsDown = make([]int32, ns)
	t.outcomeMark = make([]bool, ns)

	nj := c.NumJobs()
	t.holdStart = make([]int64, nj)
	t.holdPos = make([]int32, nj)
	for i := range t.holdPos {
		t.holdPos[i] = -1
	}
	for _, s := range c.Services {
		t.totalUsers += s.Users
	}
	if c.Platform != nil {
		t.people = c.Platform.People
	}

	o := &t.out
	o.Downtime = make([]int64, ns)
	o.Degraded = make([]int64, ns)
	o.FirstDown = make([]int64, ns)
	o.LastUp = make([]int64, ns)
	o.DownAtEnd = make([]bool, ns)
	o.DataLoss = make([]int64, ns)
	o.AllLost = make([]bool, ns)
	o.Cause = make([]int32, ns)
	o.RTOBreach = make([]bool, ns)
	o.Shed = make([]int64, ns)
	o.DegradedShed = make([]int64, ns)
	o.Partial = make([]bool, ns)
	o.Restored = make([]int64, ns)
	o.CurveUp = make([]int32, len(grid))
	o.CurveUsers = make([]int64, len(grid))
	t.makeInitial()
	return t
}

// Bits of Trial.lists: the service's list is not empty.
const (
	hasStart    uint8 = 1 << iota // Start: its start needs
	hasRevStart                   // RevStart: services it is a start need of
	hasRevTool                    // RevTool: services it is tooling of
	hasRevSoft                    // RevSoft: its soft dependents
	hasRevHard                    // RevHard: its hard dependents
	hasSoftDep                    // Deps has a soft one: it can be degraded
)

// initial holds the state at t = 0 of the slices whose start is not all
// zero, computed once, so that reset is a few memory copies.
type initial struct {
	phase      []phase
	allTrueR   []bool // by replica
	allTrueS   []bool // by service
	prefix     []int32
	active     []int32
	servingCnt []int32
	servedCap  []int64
	segLack    []int64
	minusOne   []int64
	shedLost   float64
}

func (t *Trial) makeInitial() {
	c := t.c
	in := &t.init
	nr, ns := len(c.Replicas), len(c.Services)
	in.phase = make([]phase, nr)
	in.allTrueR = make([]bool, nr)
	for r := range nr {
		in.phase[r], in.allTrueR[r] = phRunning, true
	}
	in.prefix = make([]int32, len(c.Sites))
	for x := range c.Sites {
		in.prefix[x] = c.SiteRepOff[x+1] - c.SiteRepOff[x]
	}
	in.allTrueS = make([]bool, ns)
	in.active = make([]int32, ns)
	in.servingCnt = make([]int32, ns)
	in.servedCap = make([]int64, ns)
	in.minusOne = make([]int64, ns)
	for s := range ns {
		in.allTrueS[s] = true
		in.active[s] = c.Services[s].Primary
		in.servingCnt[s] = c.RepOff[s+1] - c.RepOff[s]
		for r := c.RepOff[s]; r < c.RepOff[s+1]; r++ {
			in.servedCap[s] += c.Replicas[r].Servers
		}
		in.minusOne[s] = -1
	}
	// lack depends on the state above: compute it on that state.
	copy(t.active, in.active)
	copy(t.serving, in.allTrueR)
	copy(t.servedCap, in.servedCap)
	in.segLack = make([]int64, ns)
	for s := range ns {
		in.segLack[s] = t.lack(int32(s))
		in.shedLost += t.lostShare(int32(s), in.segLack[s], false)
	}
}

// reset puts every replica running and every service up, as at t = 0.
func (t *Trial) reset(seed uint64, trial int) {
	c := t.c
	in := &t.init
	t.key = trialKey(seed, trial)
	t.now, t.seq, t.overflow = 0, 0, false
	if t.Trace != nil {
		t.Trace.reset(len(c.Services))
	}
	t.events.reset()
	t.queue.reset()
	t.free = math.MaxInt
	if c.Crews > 0 {
		t.free = c.Crews
	}
	copy(t.phase, in.phase)
	copy(t.powered, in.allTrueR)
	copy(t.serving, in.allTrueR)
	clear(t.failed)
	clear(t.manual)
	clear(t.gateWaiting)
	clear(t.stopReason)
	clear(t.lastStop)
	clear(t.nStart)
	clear(t.nFail)
	clear(t.nOn)
	clear(t.gen)

	copy(t.prefix, in.prefix)
	for x := range t.siteOut {
		t.siteOut[x] = t.siteOut[x][:0]
	}
	clear(t.isolated)
	clear(t.siteFailed)
	clear(t.nSiteFail)
	clear(t.siteGen)
	t.outages = t.outages[:0]

	clear(t.fault)
	copy(t.active, in.active)
	copy(t.servingCnt, in.servingCnt)
	copy(t.baseOK, in.allTrueS)
	copy(t.up, in.allTrueS)
	clear(t.degraded)
	clear(t.foState)
	clear(t.foManual)
	clear(t.nFailover)
	clear(t.foGen)
	clear(t.foTarget)
	clear(t.curCause)
	clear(t.foBack)
	copy(t.servedCap, in.servedCap)
	clear(t.segDeg)
	copy(t.segLack, in.segLack)
	clear(t.segSince)
	clear(t.shedNum)
	clear(t.degShedNum)
	clear(t.toolsDown)
	for _, s := range t.out.Touched {
		t.outcomeMark[s] = false
	}
	t.out.Touched = t.out.Touched[:0]
	t.shedLost = in.shedLost
	for _, j := range t.held {
		t.holdPos[j] = -1
	}
	t.held = t.held[:0]
	t.downCount, t.downUsers, t.degUsers, t.nextGrid = 0, 0, 0, 0
	t.personMs, t.peakDownUsers = wide{}, 0

	o := &t.out
	o.Trial = trial
	clear(o.Downtime)
	clear(o.Degraded)
	copy(o.FirstDown, in.minusOne)
	clear(o.LastUp)
	clear(o.DownAtEnd)
	clear(o.DataLoss)
	clear(o.AllLost)
	clear(o.Cause)
	clear(o.RTOBreach)
	clear(o.Shed)
	clear(o.Partial)
	clear(o.DegradedShed)
	clear(o.Restored)
	o.FullRestored, o.Unrestored = 0, false
	o.FullRecovery, o.Unrecovered, o.PeakDown, o.UserMilliHours, o.Cost, o.CrewMs, o.CrewWaitMs, o.Deadlock = 0, false, 0, 0, 0, 0, 0, false
	o.Start, o.PeakPeople, o.PersonMilliHours = 0, 0, 0
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

// schedule queues an event; events at or after the horizon never happen.
func (t *Trial) schedule(at int64, kind evKind, a, b int32, gen uint32) {
	if t.numberEvent(at) {
		t.events.pushAt(at, t.seq, kind, gen, a, b)
	}
}

// numberEvent gives an event at time at the next sequence number, which
// orders events of the same instant, and reports whether it happens: not
// at or after the horizon, nor past MaxEvents (which ends the run).
func (t *Trial) numberEvent(at int64) bool {
	if at >= t.H {
		return false
	}
	if t.seq >= MaxEvents {
		t.overflow = true
		return false
	}
	t.seq++
	return true
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
			for t.events.len() > 0 && t.events.minT() == now {
				ev := t.events.pop()
				t.apply(&ev)
			}
			t.settle()
		}
		settled = false
		now := t.now
		t.decide()
		if t.events.len() > 0 && t.events.minT() == now {
			continue // more happens at this instant
		}
		t.assignCrews()
		if t.events.len() > 0 && t.events.minT() == now {
			continue
		}
		if t.downCount > t.out.PeakDown {
			t.out.PeakDown = t.downCount
		}
		t.peakDownUsers = max(t.peakDownUsers, t.downUsers)
		if t.Trace != nil {
			t.traceInstant()
		}
	}
	t.recordGrid(math.MaxInt64)
	t.finish()
	if t.Trace != nil {
		t.traceFinish()
	}
	return &t.out
}

// scheduleEvents draws which scenario events happen and when (docs/model.md §5).
func (t *Trial) scheduleEvents() {
	c := t.c
	randomDone := false
	if t.plan != nil {
		t.drawOccurrences()
	}
	for i := range c.Events {
		e := &c.Events[i]
		var times [1]int64
		var n int
		occ := times[:0]
		if e.Rate > 0 && t.plan != nil {
			n = int(t.occN[i])
		} else if e.Rate > 0 {
			lambda := e.Rate * float64(t.H) / float64(graph.Year)
			t.src.s = key(t.key, e.Key, pOccur, 0)
			n = int(distuv.Poisson{Lambda: lambda, Src: &t.src}.Rand())
		} else if e.Probability >= 1 || t.uniform(e.Key, pOccur, 0) < e.Probability {
			n = 1
			occ = append(occ, t.draw(&e.At, e.Key, pAt, 0))
		}
		for k := 0; k < n && !t.overflow; k++ {
			at := int64(0)
			if e.Rate > 0 {
				at = int64(t.uniform(e.Key, pAt, uint64(k)) * float64(t.H))
			} else {
				at = occ[0]
			}
			switch e.Kind {
			case graph.SiteOutage, graph.RegionOutage:
				t.scheduleStart(at, evOutageStart, int32(i), int32(k))
			case graph.Isolate:
				t.scheduleStart(at, evIsolateStart, int32(i), int32(k))
				if e.Duration != nil {
					t.schedule(at+t.draw(e.Duration, e.Key, pDuration, uint64(k)), evIsolateEnd, int32(i), int32(k), 0)
				}
			case graph.ServiceFault:
				t.scheduleStart(at, evFaultStart, int32(i), int32(k))
				if e.Duration != nil {
					t.schedule(at+t.draw(e.Duration, e.Key, pDuration, uint64(k)), evFaultEnd, int32(i), int32(k), 0)
				}
			case graph.RandomFailures:
				if !randomDone {
					randomDone = true
					t.startRandomFailures(at)
				}
			}
		}
	}
}

// startRandomFailures starts every replica's and site's failure clock at at.
func (t *Trial) startRandomFailures(at int64) {
	c := t.c
	for r := range c.Replicas {
		if d := c.Services[c.Replicas[r].Service].MTBF; d != nil {
			t.schedule(at+t.draw(d, c.Replicas[r].Key, pTTF, 0), evReplicaFail, int32(r), 0, 0)
		}
	}
	for x := range c.Sites {
		if d := c.Sites[x].MTBF; d != nil {
			t.schedule(at+t.draw(d, c.Sites[x].Key, pTTF, 0), evSiteFail, int32(x), 0, 0)
		}
	}
}

func (t *Trial) markRep(r int32) {
	if !t.repMark[r] {
		t.repMark[r] = true
		t.dirtyRep = append(t.dirtyRep, r)
	}
}

func (t *Trial) markSvc(s int32) {
	if !t.svcMark[s] {
		t.svcMark[s] = true
		t.dirtySvc = append(t.dirtySvc, s)
	}
}

func (t *Trial) markTouched(s int32) {
	if !t.outcomeMark[s] {
		t.outcomeMark[s] = true
		t.out.Touched = append(t.out.Touched, s)
	}
}

func (t *Trial) markSeg(s int32) {
	// Without a load nothing is ever shed: the segment never changes.
	if t.load[s] > 0 && !t.segMark[s] {
		t.segMark[s] = true
		t.segDirty = append(t.segDirty, s)
	}
}

func (t *Trial) markFailover(s int32) {
	if t.mode[s] == graph.ActiveStandby && !t.foMark[s] && !t.inert(s) {
		t.foMark[s] = true
		t.foCheck = append(t.foCheck, s)
	}
}

// apply carries out one event.
func (t *Trial) apply(ev *event) {
	c := t.c
	switch ev.kind {
	case evOutageStart:
		t.startOutage(ev.a, ev.b)
	case evStage:
		t.reachStage(ev.a, ev.b)
	case evIsolateStart, evIsolateEnd:
		d := int32(1)
		if ev.kind == evIsolateEnd {
			d = -1
		}
		for _, x := range c.Events[ev.a].Sites {
			if x == t.world.siteUp {
				continue // a perfect site is never cut off
			}
			t.isolated[x] += d
			t.trace(Record{Kind: RecIsolate, Site: x, Value: int64(d), Event: ev.a})
			for _, r := range c.SiteReps[c.SiteRepOff[x]:c.SiteRepOff[x+1]] {
				t.markRep(r)
			}
		}
	case evFaultStart, evFaultEnd:
		d := int32(1)
		if ev.kind == evFaultEnd {
			d = -1
		}
		for _, s := range c.Events[ev.a].Services {
			t.fault[s] += d
			t.trace(Record{Kind: RecFault, Service: s, Value: int64(d), Event: ev.a})
			t.markSvc(s)
			// No site serves a faulted service: its failovers wait for
			// the fault to end (docs/model.md §6.8).
			t.markFailover(s)
		}
	case evGate:
		if ev.gen == t.gen[ev.a] && t.phase[ev.a] == phGate {
			// Waited break_glass with a start need still down: forced by hand.
			t.out.Deadlock = true
			t.trace(Record{Kind: RecBreakGlass, Replica: ev.a})
			t.proceed(ev.a)
		}
	case evRestartDone:
		r := ev.a
		if ev.gen == t.gen[r] && t.phase[r] == phRestart {
			if t.manual[r] {
				t.release(graph.JobRestart(r))
				t.manual[r] = false
			}
			t.phase[r] = phRunning
			t.trace(Record{Kind: RecRunning, Replica: r})
			t.markRep(r)
		}
	case evFailoverDone:
		t.failoverDone(ev.a, ev.gen)
	case evReplicaFail:
		r := ev.a
		t.failed[r] = true
		t.nFail[r]++
		t.trace(Record{Kind: RecFail, Replica: r})
		t.setPowered(r, false, causeFailure|c.Replicas[r].Site)
		if c.Services[c.Replicas[r].Service].MTTR != nil && t.needsRepair(r) {
			t.queue.push(graph.JobRepair(r))
		}
	case evRepairDone:
		r := ev.a
		if ev.gen != t.gen[r] || !t.failed[r] {
			return
		}
		t.release(graph.JobRepair(r))
		t.failed[r] = false
		t.trace(Record{Kind: RecRepaired, Replica: r})
		x := c.Replicas[r].Site
		t.setPowered(r, c.Replicas[r].SitePos < t.prefix[x], causeNone)
		t.schedule(t.now+t.draw(c.Services[c.Replicas[r].Service].MTBF, c.Replicas[r].Key, pTTF, uint64(t.nFail[r])), evReplicaFail, r, 0, 0)
	case evSiteFail:
		x := ev.a
		if x == t.world.siteUp || x == t.world.siteDown {
			return // never fails, or already has no power for good
		}
		t.siteFailed[x] = true
		t.nSiteFail[x]++
		t.trace(Record{Kind: RecSiteFail, Site: x})
		t.updatePower(x, causeFailure|x)
		if c.Sites[x].MTTR != nil {
			t.queue.push(c.JobSiteRepair(x))
		}
	case evSiteRepairDone:
		x := ev.a
		if ev.gen != t.siteGen[x] || !t.siteFailed[x] {
			return
		}
		t.release(c.JobSiteRepair(x))
		t.siteFailed[x] = false
		t.trace(Record{Kind: RecSiteRepaired, Site: x})
		t.updatePower(x, causeNone)
		t.schedule(t.now+t.draw(c.Sites[x].MTBF, c.Sites[x].Key, pTTF, uint64(t.nSiteFail[x])), evSiteFail, x, 0, 0)
	case evWorld:
		t.startWorld()
	default:
		panic("sim: unknown event kind")
	}
}

// startOutage cuts the power of every site of an outage occurrence, draws
// its restoration stages (shared by the sites of a region) and whether it
// destroys data.
func (t *Trial) startOutage(ei, k int32) {
	c := t.c
	e := &c.Events[ei]
	first := int32(len(t.outages))
	for i, x := range e.Sites {
		rec := int32(len(t.outages))
		t.outages = append(t.outages, outage{site: x, num: 0, den: 1, ev: ei, occ: k, zone: int32(i)})
		t.siteOut[x] = append(t.siteOut[x], rec)
		t.trace(Record{Kind: RecPower, Site: x, Value: 0, Value2: 1, Event: ei})
		t.updatePower(x, causeSite|x)
	}
	if !t.snapping {
		t.drawOutage(ei, k, first)
	}
}

// drawOutage draws the restoration stages of an outage occurrence whose
// records start at first, and whether it destroys data. Stages given once
// for all the sites are drawn once and shared; a building's zones with
// stages of their own draw them from their own streams.
func (t *Trial) drawOutage(ei, k, first int32) {
	e := &t.c.Events[ei]
	for j := range e.Stages {
		at := t.now + t.draw(&e.Stages[j].After, e.Key, pStage, uint64(k)<<8|uint64(j))
		for i := range e.Sites {
			t.schedule(at, evStage, first+int32(i), int32(j), 0)
		}
	}
	for i, stages := range e.ZoneStages {
		for j := range stages {
			at := t.now + t.draw(&stages[j].After, e.ZoneKeys[i], pStage, uint64(k)<<8|uint64(j))
			t.schedule(at, evStage, first+int32(i), int32(j), 0)
		}
	}
	if e.DestroysData > 0 && (e.DestroysData >= 1 || t.uniform(e.Key, pDestroy, uint64(k)) < e.DestroysData) {
		t.destroyData(ei, k)
	}
}

// reachStage raises an outage's powered fraction to a stage's, if higher.
func (t *Trial) reachStage(rec, j int32) {
	o := &t.outages[rec]
	f := t.c.Events[o.ev].StagesOf(o.zone)[j].Fraction
	if f.Num*o.den <= o.num*f.Den {
		return // the powered fraction is the largest reached so far
	}
	o.num, o.den = f.Num, f.Den
	t.trace(Record{Kind: RecPower, Site: o.site, Value: o.num, Value2: o.den, Event: o.ev})
	if o.num >= o.den {
		list := t.siteOut[o.site]
		for i, id := range list {
			if id == rec {
				list[i] = list[len(list)-1]
				t.siteOut[o.site] = list[:len(list)-1]
				break
			}
		}
	}
	t.updatePower(o.site, causeNone)
}

// updatePower recomputes how many of site x's replicas are powered and
// powers replicas on or off accordingly; reason is why those that lose
// power stop.
func (t *Trial) updatePower(x int32, reason int32) {
	c := t.c
	off, n := c.SiteRepOff[x], c.SiteRepOff[x+1]-c.SiteRepOff[x]
	p := n
	if t.siteFailed[x] || x == t.world.siteDown {
		p = 0
	} else if x != t.world.siteUp {
		for _, rec := range t.siteOut[x] {
			o := &t.outages[rec]
			p = min(p, t.fits(off, n, c.Sites[x].Placed, o.num, o.den))
		}
	}
	old := t.prefix[x]
	t.prefix[x] = p
	if reason == causeNone {
		reason = causeSite | x
	}
	for i := p; i < old; i++ {
		t.setPowered(c.SiteReps[off+i], false, reason)
	}
	for i := old; i < p; i++ {
		r := c.SiteReps[off+i]
		t.setPowered(r, !t.failed[r], causeNone)
	}
}

// fits returns how many of the site's replicas, in power-on order, fit in
// num/den of its placed servers: the first that does not fit waits, and so
// do all after it (docs/model.md §6.2).
func (t *Trial) fits(off, n int32, placed, num, den int64) int32 {
	cum := t.c.SiteCum[off : off+n]
	lo, hi := int32(0), n // invariant: the first lo fit; those from hi on don't
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m]*den <= num*placed {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// setPowered turns a replica's power on or off. Losing power cancels
// whatever start was under way and frees its crew (docs/model.md §6.8).
func (t *Trial) setPowered(r int32, on bool, reason int32) {
	if t.powered[r] == on {
		return
	}
	t.powered[r] = on
	if on {
		t.phase[r] = phGate
		t.gateWaiting[r] = false
		t.gen[r]++
		t.nOn[r]++
		t.gateList = append(t.gateList, r)
		t.trace(Record{Kind: RecPowered, Replica: r})
		return
	}
	switch t.phase[r] {
	case phCrew:
		t.queue.remove(graph.JobRestart(r))
	case phRestart:
		if t.manual[r] {
			t.release(graph.JobRestart(r))
			t.manual[r] = false
		}
	}
	t.phase[r] = phOff
	t.gen[r]++
	t.stopReason[r] = reason
	t.trace(Record{Kind: RecUnpowered, Replica: r, Cause: reason})
	t.markRep(r)
}

// proceed starts a replica that has passed its start gate: automated when
// all of its service's tooling is up, else queued for a crew.
func (t *Trial) proceed(r int32) {
	s := t.c.Replicas[r].Service
	t.nStart[r]++
	if t.toolsUp(s) {
		t.startRestart(r, false)
		return
	}
	t.phase[r] = phCrew
	t.queue.push(graph.JobRestart(r))
}

// manualTimesAuto is how many times its automated draw a manual restart or
// failover takes when the file gives no manual time (docs/model.md §6.10).
const manualTimesAuto = 10

// recoveryTime draws the n-th duration of a restart or failover: rc's
// automated time, or its manual one, which without a manual distribution is
// manualTimesAuto × the automated draw of that same occurrence.
func (t *Trial) recoveryTime(rc *graph.Recovery, manual bool, key, pAuto, pManual, n uint64) int64 {
	switch {
	case !manual:
		return t.draw(&rc.Auto, key, pAuto, n)
	case rc.Manual != nil:
		return t.draw(rc.Manual, key, pManual, n)
	}
	return manualTimesAuto * t.draw(&rc.Auto, key, pAuto, n)
}

// startRestart begins a restart; a manual one already holds its crew.
func (t *Trial) startRestart(r int32, manual bool) {
	c := t.c
	rep := &c.Replicas[r]
	rs := &c.Services[rep.Service].Restart
	n := uint64(t.nStart[r] - 1)
	d := t.recoveryTime(rs, manual, rep.Key, pRestartAuto, pRestartManual, n)
	t.phase[r] = phRestart
	t.manual[r] = manual
	t.trace(Record{Kind: RecRestart, Replica: r, Value: d, Manual: manual})
	t.schedule(t.now+d, evRestartDone, r, 0, t.gen[r])
}

// toolsUp reports whether all of s's tooling is up.
func (t *Trial) toolsUp(s int32) bool { return t.toolsDown[s] == 0 }

// firstMissingNeed returns the first start need of s that is down, or -1.
func (t *Trial) firstMissingNeed(s int32) int32 {
	c := t.c
	if t.lists[s]&hasStart == 0 {
		return -1
	}
	for _, u := range c.Start[c.StartOff[s]:c.StartOff[s+1]] {
		if !t.up[u] {
			return u
		}
	}
	return -1
}

// hold records that job took a crew now.
func (t *Trial) hold(job int32) {
	t.free--
	t.holdStart[job] = t.now
	t.holdPos[job] = int32(len(t.held))
	t.held = append(t.held, job)
}

// release frees the crew job held, counting its crew-hours.
func (t *Trial) release(job int32) {
	i := t.holdPos[job]
	if i < 0 {
		return
	}
	t.free++
	t.out.CrewMs += t.now - t.holdStart[job]
	last := t.held[len(t.held)-1]
	t.held[i] = last
	t.holdPos[last] = i
	t.held = t.held[:len(t.held)-1]
	t.holdPos[job] = -1
}

// assignCrews gives free crews to queued jobs in queue order, once the
// instant has settled (docs/model.md §6.8). It inlines: most instants have no
// crew free or no job queued.
func (t *Trial) assignCrews() {
	for t.free > 0 && t.queue.n > 0 {
		t.assignCrew()
	}
}

// assignCrew gives a crew to the first job of the queue and starts it.
func (t *Trial) assignCrew() {
	c := t.c
	job := t.queue.popMin()
	t.hold(job)
	switch kind, x := c.Job(job); kind {
	case graph.JobKindSiteRepair:
		d := t.draw(c.Sites[x].MTTR, c.Sites[x].Key, pTTR, uint64(t.nSiteFail[x]))
		t.siteGen[x]++
		t.trace(Record{Kind: RecRepair, Site: x, Replica: -1, Value: d, Manual: true})
		t.schedule(t.now+d, evSiteRepairDone, x, 0, t.siteGen[x])
	case graph.JobKindRepair:
		rep := &c.Replicas[x]
		d := t.draw(c.Services[rep.Service].MTTR, rep.Key, pTTR, uint64(t.nFail[x]))
		t.trace(Record{Kind: RecRepair, Replica: x, Value: d, Manual: true})
		t.schedule(t.now+d, evRepairDone, x, 0, t.gen[x])
	case graph.JobKindRestart:
		t.startRestart(x, true)
	case graph.JobKindFailover:
		t.startFailover(c.Replicas[x].Service, x, true)
	}
}
