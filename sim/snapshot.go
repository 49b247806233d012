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
	if len(t.gateList) > 0 || len(t.held) > 0 {
		return false
	}
	for _, u := range t.wentUp {
		if t.lists[u]&(hasRevStart|hasRevTool) != 0 {
			return false
		}
	}
	return true
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

	// The first instant's decisions, when they draw nothing but failover
	// times: taken on s, whose state before them is kept, the state after
	// them going to t.decided. startFailover leaves the times to each
	// trial while s is snapping.
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
	t.key = trialKey(seed, trial)
	t.now, t.seq, t.overflow = 0, 0, false
	t.tail.unsupported, t.tail.tried, t.tail.taken, t.toolSvcDown = 0, false, false, s.toolSvcDown
	t.toolDown, t.toolDownN = s.toolDown, s.toolDownN
	t.events.reset()
	t.free = s.free

	copy(t.phase, s.phase)
	copy(t.gen, s.gen)
	copy(t.powered, s.powered)
	copy(t.failed, s.failed)
	copy(t.serving, s.serving)
	copy(t.manual, s.manual)
	copy(t.stopReason, s.stopReason)
	copy(t.lastStop, s.lastStop)
	copy(t.nStart, s.nStart)
	copy(t.nFail, s.nFail)
	copy(t.nOn, s.nOn)
	copy(t.gateWaiting, s.gateWaiting)

	copy(t.prefix, s.prefix)
	for x := range t.siteOut {
		t.siteOut[x] = append(t.siteOut[x][:0], s.siteOut[x]...)
	}
	copy(t.isolated, s.isolated)
	copy(t.siteFailed, s.siteFailed)
	copy(t.nSiteFail, s.nSiteFail)
	copy(t.siteGen, s.siteGen)
	t.outages = append(t.outages[:0], s.outages...)

	copy(t.fault, s.fault)
	copy(t.active, s.active)
	copy(t.servingCnt, s.servingCnt)
	copy(t.baseOK, s.baseOK)
	copy(t.up, s.up)
	copy(t.anyCnt, s.anyCnt)
	copy(t.hardDown, s.hardDown)
	copy(t.degraded, s.degraded)
	copy(t.curCause, s.curCause)
	copy(t.servedCap, s.servedCap)
	if len(t.loaded) > 0 {
		// Without a load nothing is shed: the impact segments and the shed
		// figures never leave their zeros (markSeg, finish).
		copy(t.segDeg, s.segDeg)
		copy(t.segLack, s.segLack)
		copy(t.segSince, s.segSince)
		copy(t.shedNum, s.shedNum)
		copy(t.degShedNum, s.degShedNum)
		copy(t.out.Shed, s.out.Shed)
		copy(t.out.Partial, s.out.Partial)
		copy(t.out.DegradedShed, s.out.DegradedShed)
	}
	copy(t.downSince, s.downSince)
	copy(t.degSince, s.degSince)
	t.shedLost = s.shedLost
	t.downCount, t.downUsers, t.degUsers, t.nextGrid = s.downCount, s.downUsers, s.degUsers, 0
	// Nobody was down before t = 0, and the loop records the peak of the
	// first instant after its decisions.
	t.personMs, t.peakDownUsers = wide{}, 0

	for _, j := range t.held {
		t.holdPos[j] = -1
	}
	t.held = append(t.held[:0], s.held...)
	for _, j := range s.held {
		t.holdPos[j], t.holdStart[j] = s.holdPos[j], s.holdStart[j]
	}

	// What the first instant left for its decisions.
	t.gateList = append(t.gateList[:0], s.gateList...)
	t.wentUp = append(t.wentUp[:0], s.wentUp...)
	t.wentDown = append(t.wentDown[:0], s.wentDown...)

	// foCheck and foMark: restoreDecisions.

	o, so := &t.out, &s.out
	copy(t.outcomeMark, s.outcomeMark)
	o.Touched = append(o.Touched[:0], so.Touched...)
	o.Trial = trial
	copy(o.Downtime, so.Downtime)
	copy(o.Degraded, so.Degraded)
	copy(o.FirstDown, so.FirstDown)
	copy(o.LastUp, so.LastUp)
	copy(o.DownAtEnd, so.DownAtEnd)
	copy(o.DataLoss, so.DataLoss)
	copy(o.AllLost, so.AllLost)
	copy(o.Cause, so.Cause)
	copy(o.RTOBreach, so.RTOBreach)
	copy(o.Restored, so.Restored)
	o.FullRestored, o.Unrestored = so.FullRestored, so.Unrestored
	o.FullRecovery, o.Unrecovered, o.PeakDown, o.UserMilliHours = so.FullRecovery, so.Unrecovered, so.PeakDown, so.UserMilliHours
	o.Start, o.PeakPeople, o.PersonMilliHours = so.Start, so.PeakPeople, so.PersonMilliHours
	o.Cost, o.CrewMs, o.CrewWaitMs, o.Deadlock = so.Cost, so.CrewMs, so.CrewWaitMs, so.Deadlock
}

// restoreDecisions copies the state the first instant's decisions change
// from the snapshot: as after them when decided, else as before them, for
// the trial to take them.
func (t *Trial) restoreDecisions(decided bool) {
	s := t.snap
	fo, q, waitN, waiting := &s.failoverState, &s.queue, s.waitN, s.waiting
	if decided {
		d := &t.decided
		fo, q, waitN, waiting = &d.failoverState, &d.queue, d.waitN, d.waiting
	}
	copyFailovers(&t.failoverState, fo)
	copy(t.queue.bits, q.bits)
	t.queue.low, t.queue.n = q.low, q.n
	copy(t.waitN, waitN)
	copy(t.waiting, waiting)
	if decided {
		// Taken: nothing is left to check.
		t.foCheck = t.foCheck[:0]
		clear(t.foMark)
		return
	}
	t.foCheck = append(t.foCheck[:0], s.foCheck...)
	copy(t.foMark, s.foMark)
}
