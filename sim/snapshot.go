package sim

import (
	"slices"

	"github.com/dominosim/domino/graph"
)

// The first instant of a trial is mostly the same in every trial: the
// events that surely happen at t = 0 (a fire "at: 0, probability: 1") cut
// the same power, and the cascade they set off settles on the same state,
// because no draw decides anything before the decisions of the instant
// (docs/model.md §6.8). A Trial computes that settled state once per world, in
// its snap, and starts each trial from a copy of it. What the events draw
// (restoration stages, data destruction) is drawn in every trial, in the
// order and with the sequence numbers the plain replay would give it, so
// outcomes are identical. A trial in which anything else happens at t = 0
// is replayed plainly.

// prepareSnapshot finds the events every trial applies at t = 0 and
// allocates the Trial that holds the state after them.
func (t *Trial) prepareSnapshot() {
	c := t.c
	t.atZero = make([]bool, len(c.Events))
	for i := range c.Events {
		if t.H > 0 && surelyAtZero(&c.Events[i]) {
			t.atZero[i] = true
			t.zeroEvents = append(t.zeroEvents, int32(i))
		}
	}
	if len(t.zeroEvents) > 0 {
		t.snap = newTrial(c, nil)
		t.snap.plainOnly = true
		t.decided = decisions{
			failoverState: newFailoverState(len(c.Services)),
			queue:         newRankQueue(c.JobRank, c.RankJob),
			waitN:         make([]int32, len(c.Services)),
			waiting:       make([]uint64, len(t.waiting)),
		}
	}
}

// decisions is the state that the decisions of an instant (decide)
// change when no replica is at its start gate, no service that anything
// waits for came up and no crew is held: failovers, and the crew queue.
type decisions struct {
	failoverState
	queue   rankQueue
	waitN   []int32
	waiting []uint64
}

// copyFrom copies t's decisions into d.
func (d *decisions) copyFrom(t *Trial) {
	copyFailovers(&d.failoverState, &t.failoverState)
	copy(d.queue.bits, t.queue.bits)
	d.queue.low, d.queue.n = t.queue.low, t.queue.n
	copy(d.waitN, t.waitN)
	copy(d.waiting, t.waiting)
}

// swap exchanges d's decisions with t's.
func (d *decisions) swap(t *Trial) {
	d.failoverState, t.failoverState = t.failoverState, d.failoverState
	d.queue, t.queue = t.queue, d.queue
	d.waitN, t.waitN = t.waitN, d.waitN
	d.waiting, t.waiting = t.waiting, d.waiting
}

func copyFailovers(dst, src *failoverState) {
	copy(dst.foState, src.foState)
	copy(dst.foTarget, src.foTarget)
	copy(dst.foManual, src.foManual)
	copy(dst.foGen, src.foGen)
	copy(dst.nFailover, src.nFailover)
	copy(dst.foBack, src.foBack)
}

// decisionsDrawFree reports whether this instant's decisions draw
// nothing but the times of the failovers they start: no replica passed
// power-on (its start gate would draw), no service came up that a start
// or a crew job waits for, and no crew is held (a cancelled failover
// would free it).
func (t *Trial) decisionsDrawFree() bool {
	return len(t.gateList) == 0 && len(t.held) == 0 && len(t.wentUp) == 0
}

// surelyAtZero reports whether e happens once in every trial, at t = 0,
// without a draw deciding whether or when (scheduleEvents).
func surelyAtZero(e *graph.CEvent) bool {
	if e.Rate > 0 || e.Probability < 1 || e.At.Kind != graph.Fixed || int64(e.At.A) != 0 {
		return false
	}
	switch e.Kind {
	case graph.SiteOutage, graph.RegionOutage, graph.Isolate, graph.ServiceFault:
		return true
	}
	return false
}

// scheduleStart schedules the start of occurrence k of event i, or, when
// the trial started from the snapshot, which applied it, only takes the
// sequence number it would have had.
func (t *Trial) scheduleStart(at int64, kind evKind, i, k int32) {
	applied := t.fromSnap && (kind == evWorld || k == 0 && t.atZero[i])
	if !applied {
		t.schedule(at, kind, i, k, 0)
		return
	}
	t.numberEvent(at)
}

// takeSnapshot computes the settled state after the events every trial
// applies at t = 0, in the current world, in the order of their sequence
// numbers (file order, then the world's change).
func (t *Trial) takeSnapshot() {
	s := t.snap
	if s.worldKind != t.worldKind {
		s.SetWorld(t.worldKind)
	}
	// The last snapshot's decisions were never taken: drop them, which
	// reset, expecting a finished trial, does not.
	for _, x := range s.foCheck {
		s.foMark[x] = false
	}
	s.foCheck, s.gateList = s.foCheck[:0], s.gateList[:0]
	s.reset(0, 0)
	s.snapping = true
	for _, i := range t.zeroEvents {
		switch t.c.Events[i].Kind {
		case graph.SiteOutage, graph.RegionOutage:
			s.startOutage(i, 0)
		case graph.Isolate:
			s.apply(&event{kind: evIsolateStart, a: i})
		case graph.ServiceFault:
			s.apply(&event{kind: evFaultStart, a: i})
		}
	}
	if s.world.svcDown >= 0 || s.world.siteDown >= 0 {
		s.startWorld()
	}
	s.snapping = false
	s.settle()
	t.snapValid = true
	t.decideFirst()
	t.from.view(s, &t.decided)
	t.from.decidedAt, t.from.decidedFlags, t.from.sparse = t.from.decidedAt[:0], false, false
	if t.decidedOK {
		t.from.decidedAt = diffDecisions(t.from.decidedAt, s, &t.decided)
		for _, x := range t.from.decidedAt {
			t.from.decidedFlags = t.from.decidedFlags || x.manual || x.back || s.foManual[x.s] || s.foBack[x.s]
		}
		// The list costs some twenty instructions a service where
		// copying the arrays costs one a dozen: worth it only when it
		// spares reading most of them.
		t.from.sparse = 4*len(t.from.decidedAt) < len(s.foState)
		if !t.from.sparse {
			t.from.decidedAt = t.from.decidedAt[:0]
		}
	}
	t.changed = chAll // t's arrays are not this snapshot's
}

// decidedSvc is a service's failover and crew waits after the first
// instant's decisions, which changed them.
type decidedSvc struct {
	s, target    int32
	n            uint32 // nFailover
	waitN        int32
	state        foState
	manual, back bool
}

// diffDecisions appends to list the services whose failover or crew waits
// differ between before, the snapshot, and after, its decisions taken, as
// they are after. The decisions look at a few hundred services, those
// whose failover may start: the arrays, a dozen kilobytes, differ at those
// only.
func diffDecisions(list []decidedSvc, before *Trial, after *decisions) []decidedSvc {
	b, a := &before.failoverState, &after.failoverState
	for s := range b.foState {
		if b.foState[s] != a.foState[s] || b.foTarget[s] != a.foTarget[s] || b.nFailover[s] != a.nFailover[s] ||
			b.foManual[s] != a.foManual[s] || b.foBack[s] != a.foBack[s] || before.waitN[s] != after.waitN[s] {
			list = append(list, decidedSvc{
				s: int32(s), target: a.foTarget[s], n: a.nFailover[s], waitN: after.waitN[s],
				state: a.foState[s], manual: a.foManual[s], back: a.foBack[s],
			})
		}
	}
	return list
}

// decideFirst takes the first instant's decisions, when they draw nothing
// but failover times: on the snapshot, whose state before them is kept,
// the state after them going to t.decided. startFailover leaves the times
// to each trial while the snapshot is snapping.
func (t *Trial) decideFirst() {
	s := t.snap
	t.decidedOK = s.decisionsDrawFree()
	if !t.decidedOK {
		return
	}
	t.decided.copyFrom(s)
	pending := slices.Clone(s.foCheck)
	s.firstStarts = s.firstStarts[:0]
	s.snapping = true
	s.decide()
	s.snapping = false
	t.decided.swap(s)
	s.foCheck = append(s.foCheck[:0], pending...)
	for _, x := range pending {
		s.foMark[x] = true
	}
}

// startFromSnapshot starts trial from the snapshot and reports whether it
// did: then the first instant's events are applied and settled, and its
// draws made. It does not when tracing (the trace lists what the first
// instant does) or when this trial has another event at t = 0.
func (t *Trial) startFromSnapshot(seed uint64, trial int) bool {
	if t.snap == nil || t.plainOnly || t.Trace != nil {
		return false
	}
	if !t.snapValid {
		t.takeSnapshot()
	}
	t.restore(seed, trial)
	t.fromSnap = true
	t.scheduleEvents()
	t.scheduleWorld()
	t.fromSnap = false
	// The plain replay draws these when it applies the events, after all
	// the scheduling above.
	first := int32(0)
	for _, i := range t.zeroEvents {
		e := &t.c.Events[i]
		if e.Kind == graph.SiteOutage || e.Kind == graph.RegionOutage {
			t.drawOutage(i, 0, first)
			first += int32(len(e.Sites))
		}
	}
	settled := t.events.len() == 0 || t.events.minT() > 0
	// With nothing else at t = 0, the first instant's decisions are the
	// snapshot's but for the times of the failovers they start, which the
	// plain replay would draw and schedule now, in this order. Otherwise
	// the trial takes them after the other events of t = 0.
	decided := settled && t.decidedOK
	t.restoreDecisions(decided)
	if decided {
		for _, s := range t.snap.firstStarts {
			t.timeFailover(s)
		}
	}
	return settled
}

// restore copies the snapshot's state into t: reset, then the first
// instant, without replaying it, but for the state its decisions change,
// which restoreDecisions copies.
func (t *Trial) restore(seed uint64, trial int) {
	s := t.snap
	ch := t.changed
	t.changed = 0
	t.key = trialKey(seed, trial)
	t.now, t.seq, t.overflow = 0, 0, false
	t.tail.unsupported, t.tail.tried, t.tail.taken, t.toolSvcDown = 0, false, false, s.toolSvcDown
	t.toolDown, t.toolDownN = s.toolDown, s.toolDownN
	t.events.reset()
	t.free = s.free

	v := &t.from
	put(t.phase, v.phase)
	// gen, and foGen and siteGen, are not put back: an event carries the
	// gen of its replica (service, site) when scheduled, and is stale when
	// that gen has changed since; every event is this trial's, so only
	// the changes count, not the value the trial starts from.
	put(t.powered, v.powered)
	if ch&chFail != 0 {
		put(t.failed, v.failed)
		put(t.nFail, v.nFail)
	}
	put(t.serving, v.serving)
	put(t.manual, v.manual)
	if ch&chStop != 0 {
		put(t.stopReason, v.stopReason)
	}
	if ch&chLastStop != 0 {
		put(t.lastStop, v.lastStop)
	}
	put(t.nStart, v.nStart)
	put(t.nOn, v.nOn)
	put(t.gateWaiting, v.gateWaiting)

	copy(t.prefix, s.prefix)
	for x := range t.siteOut {
		t.siteOut[x] = append(t.siteOut[x][:0], s.siteOut[x]...)
	}
	copy(t.isolated, s.isolated)
	copy(t.siteFailed, s.siteFailed)
	copy(t.nSiteFail, s.nSiteFail)
	t.outages = append(t.outages[:0], s.outages...)

	if ch&chFault != 0 {
		put(t.fault, v.fault)
	}
	put(t.active, v.active)
	put(t.servingCnt, v.servingCnt)
	put(t.baseOK, v.baseOK)
	put(t.up, v.up)
	put(t.anyCnt, v.anyCnt)
	put(t.hardDown, v.hardDown)
	put(t.degraded, v.degraded)
	if len(t.loaded) > 0 {
		// Without a load nothing is shed: the impact segments and the shed
		// figures never leave their zeros (markSeg, finish). Nor is
		// servedCap read (capacity is asked only of a service with a load).
		put(t.servedCap, v.servedCap)
		put(t.segDeg, v.segDeg)
		put(t.segLack, v.segLack)
		put(t.segSince, v.segSince)
		put(t.shedNum, v.shedNum)
		put(t.degShedNum, v.degShedNum)
		put(t.out.Shed, v.out.Shed)
		put(t.out.Partial, v.out.Partial)
		put(t.out.DegradedShed, v.out.DegradedShed)
	}
	if ch&chDown != 0 {
		put(t.curCause, v.curCause)
		put(t.downSince, v.downSince)
		put(t.out.FirstDown, v.out.FirstDown)
		put(t.out.Cause, v.out.Cause)
	}
	// degSince is read only while degraded (updateDegraded, the tail,
	// closeAtH): only the services degraded at t = 0 need the snapshot's.
	for _, x := range v.degradedAt0 {
		t.degSince[x] = s.degSince[x]
	}
	t.shedLost = s.shedLost
	t.downCount, t.downUsers, t.degUsers, t.nextGrid = s.downCount, s.downUsers, s.degUsers, 0
	// Nobody was down before t = 0, and the loop records the peak of the
	// first instant after its decisions.
	t.personMs, t.peakDownUsers = wide{}, 0

	for _, h := range t.held {
		t.holdPos[h.job] = -1
	}
	t.held = append(t.held[:0], s.held...)
	for _, h := range s.held {
		t.holdPos[h.job] = s.holdPos[h.job]
	}

	// What the first instant left for its decisions. Not wentDown, which
	// only the settle that fills it reads (assignCauses), and the next
	// settle empties first: the snapshot's lists every service the first
	// instant took down, hundreds.
	t.gateList = append(t.gateList[:0], s.gateList...)
	t.wentUp = append(t.wentUp[:0], s.wentUp...)
	t.wentDown = t.wentDown[:0]

	// foCheck and foMark: restoreDecisions.

	o, so, vo := &t.out, &s.out, &v.out
	// outcomeMark marks the services of Touched (markTouched, the only
	// writer). A trial from the snapshot started from its marks and only
	// added to them: as many touched, the same marks.
	if ch == chAll || len(o.Touched) != len(so.Touched) {
		put(t.outcomeMark, v.outcomeMark)
	}
	o.Touched = append(o.Touched[:0], so.Touched...)
	o.Trial = trial
	put(o.Downtime, vo.Downtime)
	put(o.Degraded, vo.Degraded)
	put(o.LastUp, vo.LastUp)
	if ch&chAtEnd != 0 {
		put(o.DownAtEnd, vo.DownAtEnd)
	}
	if ch&chLoss != 0 {
		put(o.DataLoss, vo.DataLoss)
		put(o.AllLost, vo.AllLost)
	}
	put(o.RTOBreach, vo.RTOBreach)
	put(o.Restored, vo.Restored)
	o.FullRestored, o.Unrestored = so.FullRestored, so.Unrestored
	o.FullRecovery, o.Unrecovered, o.PeakDown, o.UserMilliHours = so.FullRecovery, so.Unrecovered, so.PeakDown, so.UserMilliHours
	o.Start, o.PeakPeople, o.PersonMilliHours = so.Start, so.PeakPeople, so.PersonMilliHours
	o.Cost, o.CrewMs, o.CrewWaitMs, o.Deadlock = so.Cost, so.CrewMs, so.CrewWaitMs, so.Deadlock
}

// restoreDecisions copies the state the first instant's decisions change
// from the snapshot: as after them when decided, else as before them, for
// the trial to take them. After them is before them but for the services
// of decidedAt: when those are few (sparse), reading them, not the arrays
// after, spares reading a dozen kilobytes that have left the cache since
// the last trial.
func (t *Trial) restoreDecisions(decided bool) {
	s := t.snap
	d, q, waiting := &t.from.before, &s.queue, t.from.before.waiting
	if decided {
		q, waiting = &t.decided.queue, t.from.after.waiting
		if !t.from.sparse {
			d = &t.from.after
		}
	}
	putFailovers(&t.failoverState, &d.failoverState)
	copy(t.queue.bits, q.bits)
	t.queue.low, t.queue.n = q.low, q.n
	put(t.waitN, d.waitN)
	put(t.waiting, waiting)
	if decided {
		// Through locals of one length: one bounds check a service, and
		// no reload of the headers after each store.
		fo := &t.failoverState
		n := len(fo.foState)
		state, target, nFailover, waitN := fo.foState[:n], fo.foTarget[:n], fo.nFailover[:n], t.waitN[:n]
		at := t.from.decidedAt
		for i := range at {
			x := &at[i]
			s := x.s
			state[s], target[s], nFailover[s], waitN[s] = x.state, x.target, x.n, x.waitN
		}
		// Manual failovers and fail-backs seldom start at t = 0: a
		// second pass, so that the first keeps its slices in registers.
		if t.from.decidedFlags {
			manual, back := fo.foManual[:n], fo.foBack[:n]
			for i := range at {
				x := &at[i]
				manual[x.s], back[x.s] = x.manual, x.back
			}
		}
		// Taken: nothing is left to check.
		t.foCheck = t.foCheck[:0]
		clear(t.foMark)
		return
	}
	t.foCheck = append(t.foCheck[:0], s.foCheck...)
	put(t.foMark, t.from.foMark)
}

// Bits of Trial.changed, each for arrays that a trial seldom writes after
// t = 0, and whoever writes them sets: restore copies them only after a
// trial that did. reset and takeSnapshot set them all (chAll), the arrays
// then being other than the snapshot's.
const (
	chFail     uint32 = 1 << iota // failed, nFail: a replica failed or was repaired
	chStop                        // stopReason: a replica lost power
	chLastStop                    // lastStop: a replica stopped serving
	chFault                       // fault
	chDown                        // curCause, downSince, out.FirstDown, out.Cause: a service went down
	chAtEnd                       // out.DownAtEnd
	chLoss                        // out.DataLoss, out.AllLost
	chAll      = 1<<iota - 1
)

// snapArrays are the arrays of the snapshot that restore and
// restoreDecisions copy, each nil when it is all zero: then they clear
// the trial's instead, which reads nothing. At t = 0 most are zero (no
// time has passed, nothing restarted), and reading the snapshot's would
// be half the memory traffic of starting a trial.
type snapArrays struct {
	replicaState
	serviceState
	impactState
	out           Outcome
	outcomeMark   []bool
	foMark        []bool
	degradedAt0   []int32   // the services degraded in the snapshot
	before, after decisions // the first instant's decisions' state (restoreDecisions)
	// decidedAt is what after holds that before does not, by service,
	// when sparse: then restoreDecisions reads it instead of after but
	// for waiting. Empty otherwise.
	decidedAt []decidedSvc
	sparse    bool
	// decidedFlags says whether foManual or foBack is true at a service
	// of decidedAt, before or after.
	decidedFlags bool
}

// view makes v the arrays of s, and of d, its decisions taken.
func (v *snapArrays) view(s *Trial, d *decisions) {
	r := &v.replicaState
	*r = s.replicaState
	r.phase, r.gen, r.powered, r.failed = zeroNil(r.phase), zeroNil(r.gen), zeroNil(r.powered), zeroNil(r.failed)
	r.serving, r.manual, r.stopReason, r.lastStop = zeroNil(r.serving), zeroNil(r.manual), zeroNil(r.stopReason), zeroNil(r.lastStop)
	r.nStart, r.nFail, r.nOn, r.gateWaiting = zeroNil(r.nStart), zeroNil(r.nFail), zeroNil(r.nOn), zeroNil(r.gateWaiting)

	sv := &v.serviceState
	*sv = s.serviceState
	sv.fault, sv.active, sv.servingCnt, sv.baseOK = zeroNil(sv.fault), zeroNil(sv.active), zeroNil(sv.servingCnt), zeroNil(sv.baseOK)
	sv.up, sv.anyCnt, sv.hardDown, sv.degraded = zeroNil(sv.up), zeroNil(sv.anyCnt), zeroNil(sv.hardDown), zeroNil(sv.degraded)
	sv.curCause, sv.servedCap = zeroNil(sv.curCause), zeroNil(sv.servedCap)

	m := &v.impactState
	*m = s.impactState
	m.segDeg, m.segLack, m.segSince = zeroNil(m.segDeg), zeroNil(m.segLack), zeroNil(m.segSince)
	m.shedNum, m.degShedNum = zeroNil(m.shedNum), zeroNil(m.degShedNum)
	m.downSince = zeroNil(m.downSince)
	v.degradedAt0 = v.degradedAt0[:0]
	for x, deg := range s.degraded {
		if deg {
			v.degradedAt0 = append(v.degradedAt0, int32(x))
		}
	}

	o, so := &v.out, &s.out
	o.Downtime, o.Degraded, o.FirstDown, o.LastUp = zeroNil(so.Downtime), zeroNil(so.Degraded), zeroNil(so.FirstDown), zeroNil(so.LastUp)
	o.DownAtEnd, o.DataLoss, o.AllLost, o.Cause = zeroNil(so.DownAtEnd), zeroNil(so.DataLoss), zeroNil(so.AllLost), zeroNil(so.Cause)
	o.RTOBreach, o.Restored = zeroNil(so.RTOBreach), zeroNil(so.Restored)
	o.Shed, o.Partial, o.DegradedShed = zeroNil(so.Shed), zeroNil(so.Partial), zeroNil(so.DegradedShed)
	v.outcomeMark, v.foMark = zeroNil(s.outcomeMark), zeroNil(s.foMark)

	v.before.view(s.failoverState, s.waitN, s.waiting)
	v.after.view(d.failoverState, d.waitN, d.waiting)
}

// view makes d the given decisions' arrays, each nil when all zero.
func (d *decisions) view(fo failoverState, waitN []int32, waiting []uint64) {
	f := &d.failoverState
	f.foState, f.foTarget, f.foManual = zeroNil(fo.foState), zeroNil(fo.foTarget), zeroNil(fo.foManual)
	f.foGen, f.nFailover, f.foBack = zeroNil(fo.foGen), zeroNil(fo.nFailover), zeroNil(fo.foBack)
	d.waitN, d.waiting = zeroNil(waitN), zeroNil(waiting)
}

func putFailovers(dst, src *failoverState) {
	put(dst.foState, src.foState)
	put(dst.foTarget, src.foTarget)
	put(dst.foManual, src.foManual)
	put(dst.nFailover, src.nFailover)
	put(dst.foBack, src.foBack)
}

// zeroNil returns a, or nil when every element of a is zero.
func zeroNil[T comparable](a []T) []T {
	var zero T
	for _, x := range a {
		if x != zero {
			return a
		}
	}
	return nil
}

// put copies src into dst, or clears dst when src is nil (zeroNil).
func put[T any](dst, src []T) {
	if src == nil {
		clear(dst)
		return
	}
	copy(dst, src)
}
