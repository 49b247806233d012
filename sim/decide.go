package sim

import (
	"math/bits"

	"github.com/dominosim/domino/graph"
)

// decide takes the decisions of docs/model.md §6.3–§6.4 on the settled state of
// this instant: start gates, switches to automated restarts and failovers
// when tooling returns, and failovers.
func (t *Trial) decide() {
	c := t.c
	if len(t.gateList) > 0 {
		if t.gatesOneByOne {
			t.passGatesOneByOne()
		} else {
			t.passGates()
		}
	}

	for _, u := range t.wentUp {
		// Replicas waiting for u to start.
		for _, s := range c.RevStart[c.RevStartOff[u]:c.RevStartOff[u+1]] {
			if t.firstMissingNeed(s) >= 0 {
				continue
			}
			for r := c.RepOff[s]; r < c.RepOff[s+1]; r++ {
				if t.phase[r] == phGate && t.gateWaiting[r] {
					t.proceed(r)
				}
			}
		}
		// Jobs waiting for a crew take the automated path once their
		// tooling is all up, service by service in RevTool's order, which
		// is ascending. A tool is often tooling of most services of a
		// platform, few of which have a job queued: the waiting bits spare
		// the others.
		if of := t.toolOf[u]; of != nil {
			for w, bw := range of {
				for m := bw & t.waiting[w]; m != 0; m &= m - 1 {
					if s := int32(w<<6 | bits.TrailingZeros64(m)); t.toolsUp(s) {
						t.automate(s)
					}
				}
			}
			continue
		}
		for _, s := range c.RevTool[c.RevToolOff[u]:c.RevToolOff[u+1]] {
			if t.mayWait(s) && t.toolsUp(s) {
				t.automate(s)
			}
		}
	}

	for _, s := range t.foCheck {
		t.foMark[s] = false
		if !t.failoverSteady(s) {
			t.checkFailover(s)
		}
	}
	t.foCheck = t.foCheck[:0]
}

// passGates lets the replicas powered at this instant pass their start
// gate or begin to wait, in the order they were powered. A power stage
// powers hundreds of replicas at once, most of which have no start need
// down: those proceed here, as proceed would, without a call each; the
// replicas' slices are read through locals of one length, one bounds
// check a replica.
func (t *Trial) passGates() {
	n := len(t.phase)
	reps, phase, waiting, nStart := t.repCrew[:n], t.phase[:n], t.gateWaiting[:n], t.nStart[:n]
	for _, r := range t.gateList {
		if phase[r] != phGate || waiting[r] {
			continue
		}
		s := reps[r].svc
		if t.inert(s) {
			continue // never restarted: it stays powered and idle
		}
		if u := t.firstMissingNeed(s); u >= 0 {
			t.waitGate(r, u)
			continue
		}
		nStart[r]++
		if t.toolsUp(s) {
			t.startRestart(r, false)
			continue
		}
		phase[r] = phCrew
		t.queue.pushRank(reps[r].restartRank)
		t.markWaiting(s)
	}
	t.gateList = t.gateList[:0]
}

// passGatesOneByOne is passGates by proceed, a call a replica: the
// reference passGates is held to (TestPassGatesSameAsProceed).
func (t *Trial) passGatesOneByOne() {
	for _, r := range t.gateList {
		if t.phase[r] != phGate || t.gateWaiting[r] {
			continue
		}
		s := t.repCrew[r].svc
		if t.inert(s) {
			continue
		}
		if u := t.firstMissingNeed(s); u >= 0 {
			t.waitGate(r, u)
			continue
		}
		t.proceed(r)
	}
	t.gateList = t.gateList[:0]
}

// waitGate makes replica r wait at its gate for its start need u, down,
// and at most break_glass.
//
//go:noinline
func (t *Trial) waitGate(r, u int32) {
	t.gateWaiting[r] = true
	bg := t.draw(&t.c.BreakGlass, t.c.Replicas[r].Key, pBreakGlass, uint64(t.nOn[r]))
	t.trace(Record{Kind: RecWaitStart, Replica: r, Cause: causeWaiting | u, Value: bg})
	t.schedule(t.now+bg, evGate, r, 0, t.gen[r])
}

// automate starts by the automated path the jobs of s that wait for a
// crew, its tooling being all up: its replicas' restarts in replica order,
// then its failover.
func (t *Trial) automate(s int32) {
	c := t.c
	t.waitN[s] = 0
	t.waiting[s>>6] &^= 1 << (s & 63)
	lo := c.RepOff[s]
	for i, ph := range t.phase[lo:c.RepOff[s+1]] {
		if ph == phCrew {
			r := lo + int32(i)
			t.queue.removeRank(t.repCrew[r].restartRank)
			t.startRestart(r, false)
		}
	}
	if t.foState[s] == foCrew {
		t.queue.remove(graph.JobFailover(t.foTarget[s]))
		t.startFailover(s, t.foTarget[s], false)
	}
}

// checkFailover starts or cancels the failover of an active-standby
// service (docs/model.md §6.4), and with a load its fail-back (§11). A service
// under a fault serves nowhere (§6.8): its active site does not serve, and
// no other site does either, so no failover or fail-back starts until the
// fault ends; one already under way goes on.
func (t *Trial) checkFailover(s int32) {
	c := t.c
	faulty := t.fault[s] > 0
	if !faulty && t.serving[t.active[s]] {
		primary := c.Services[s].Primary
		wantBack := t.load[s] > 0 && t.active[s] != primary && t.serving[primary] && t.lack(s) > 0
		switch {
		case t.foState[s] != foNone && (!t.foBack[s] || !wantBack):
			// The active site serves again, or the primary stopped serving
			// before the fail-back completed.
			t.cancelFailover(s)
		case t.foState[s] == foNone && wantBack:
			t.beginFailover(s, primary, true)
		}
		return
	}
	if t.foState[s] != foNone {
		// A fail-back under way goes on as the ordinary failover toward
		// the primary.
		t.foBack[s] = false
		return
	}
	if faulty {
		return
	}
	for r := c.RepOff[s]; r < c.RepOff[s+1]; r++ {
		if r != t.active[s] && t.serving[r] {
			t.beginFailover(s, r, false)
			return
		}
	}
}

// failoverSteady reports that checkFailover would find nothing to do for
// s: its active replica serves, no failover is under way, and without a
// load there is no fail-back. Most checks are such, and this one inlines.
// A faulted service with no failover under way is steady too: nothing
// serves, so nothing can start.
func (t *Trial) failoverSteady(s int32) bool {
	return t.foState[s] == foNone && t.load[s] == 0 && (t.serving[t.active[s]] || t.fault[s] > 0)
}

// beginFailover starts a failover toward target: automated when the
// service's tooling is up, else queued for a crew.
func (t *Trial) beginFailover(s, target int32, back bool) {
	t.nFailover[s]++
	t.foTarget[s] = target
	t.foBack[s] = back
	if t.toolsUp(s) {
		t.startFailover(s, target, false)
		return
	}
	t.foState[s] = foCrew
	if t.Trace != nil {
		t.trace(Record{Kind: RecFailoverQueued, Service: s, Replica: target})
	}
	t.queue.push(graph.JobFailover(target))
	t.markWaiting(s)
}

// startFailover begins a failover of s toward target; a manual one already
// holds its crew.
func (t *Trial) startFailover(s, target int32, manual bool) {
	t.foState[s] = foRunning
	t.foManual[s] = manual
	t.foTarget[s] = target
	t.foGen[s]++
	if t.snapping {
		// The snapshot's first instant: each trial draws the time
		// (startFromSnapshot).
		t.firstStarts = append(t.firstStarts, s)
		return
	}
	t.timeFailover(s)
}

// timeFailover draws the time of the failover of s just started and
// schedules its end.
func (t *Trial) timeFailover(s int32) {
	manual := t.foManual[s]
	sp := &t.specs[t.failoverSpec[s][b2i(manual)]]
	d, ok := sp.fixed()
	if !ok {
		d = t.drawn(sp, t.c.Services[s].Key, pFailoverAuto, pFailoverManual, uint64(t.nFailover[s]-1))
	}
	if t.Trace != nil {
		t.trace(Record{Kind: RecFailover, Service: s, Replica: t.foTarget[s], Value: d, Manual: manual, Back: t.foBack[s]})
	}
	t.schedule(t.now+d, evFailoverDone, s, 0, t.foGen[s])
}

func (t *Trial) cancelFailover(s int32) {
	switch t.foState[s] {
	case foCrew:
		t.queue.remove(graph.JobFailover(t.foTarget[s]))
		t.unmarkWaiting(s)
	case foRunning:
		if t.foManual[s] {
			t.release(graph.JobFailover(t.foTarget[s]))
		}
	}
	t.foState[s], t.foManual[s], t.foBack[s] = foNone, false, false
	t.foGen[s]++
	t.trace(Record{Kind: RecFailoverCancelled, Service: s})
}

// failoverDone makes the target active if it still serves, else starts
// over at once (docs/model.md §6.10). Under a fault the target does not serve
// (§6.8): the failover is wasted, and a new one starts when the fault ends
// if the active site is still dark then.
func (t *Trial) failoverDone(s int32, gen uint32) {
	if gen != t.foGen[s] || t.foState[s] != foRunning {
		return
	}
	target, back := t.foTarget[s], t.foBack[s]
	if t.foManual[s] {
		t.release(graph.JobFailover(target))
	}
	t.foState[s], t.foManual[s], t.foBack[s] = foNone, false, false
	if t.serving[target] && t.fault[s] == 0 {
		t.active[s] = target
		if t.Trace != nil {
			t.trace(Record{Kind: RecFailedOver, Service: s, Replica: target, Back: back})
		}
		t.markSvc(s)
	}
	t.markFailover(s)
}
