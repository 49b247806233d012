package sim

import "github.com/dominosim/domino/graph"

// Crews and restarts: starting a replica that passed its gate, automated
// or by hand, the crews held and freed, and handing free crews to queued
// jobs (docs/model.md §6.8). Crew jobs are numbered and decoded by graph
// (graph.JobRepair, JobRestart, JobFailover, Compiled.JobSiteRepair and
// Compiled.Job).

// proceed starts a replica that has passed its start gate: automated when
// all of its service's tooling is up, else queued for a crew.
func (t *Trial) proceed(r int32) {
	s := t.repCrew[r].svc
	t.nStart[r]++
	if t.toolsUp(s) {
		t.startRestart(r, false)
		return
	}
	t.phase[r] = phCrew
	t.queue.pushRank(t.repCrew[r].restartRank)
	t.markWaiting(s)
}

// markWaiting records that a restart or failover of s was queued for a
// crew.
func (t *Trial) markWaiting(s int32) {
	t.waitN[s]++
	t.waiting[s>>6] |= 1 << (s & 63)
}

// unmarkWaiting records that a restart or failover of s left the crew
// queue.
func (t *Trial) unmarkWaiting(s int32) {
	if t.waitN[s]--; t.waitN[s] == 0 {
		t.waiting[s>>6] &^= 1 << (s & 63)
	}
}

// mayWait reports whether a restart or failover of s waits for a crew.
func (t *Trial) mayWait(s int32) bool { return t.waiting[s>>6]&(1<<(s&63)) != 0 }

// manualTimesAuto is how many times its automated draw a manual restart or
// failover takes when the file gives no manual time (docs/model.md §6.10).
const manualTimesAuto = 10

// recoveryDist returns what the n-th duration of a restart or failover is
// drawn from: rc's automated distribution for the purpose pAuto, or its
// manual one for pManual, which without a manual distribution is
// manualTimesAuto × the automated draw of that same occurrence; and the
// factor on the draw. newRecoveryTables resolves every restart and
// failover by it once, into the drawSpecs the engine draws from.
func recoveryDist(rc *graph.Recovery, manual bool, pAuto, pManual uint64) (d *graph.Dist, purpose uint64, times int64) {
	switch {
	case !manual:
		return &rc.Auto, pAuto, 1
	case rc.Manual != nil:
		return rc.Manual, pManual, 1
	}
	return &rc.Auto, pAuto, manualTimesAuto
}

// startRestart begins a restart; a manual one already holds its crew.
func (t *Trial) startRestart(r int32, manual bool) {
	sp := &t.specs[t.repCrew[r].restartSpec[b2i(manual)]]
	d, ok := sp.fixed()
	if !ok {
		d = t.drawn(sp, t.repCrew[r].key, pRestartAuto, pRestartManual, uint64(t.nStart[r]-1))
	}
	t.phase[r] = phRestart
	t.manual[r] = manual
	if t.Trace != nil {
		t.trace(Record{Kind: RecRestart, Replica: r, Value: d, Manual: manual})
	}
	t.schedule(t.now+d, evRestartDone, r, 0, t.gen[r])
}

// toolsUp reports whether all of s's tooling is up, from the bits of its
// tooling services (toolMask): exact unless the platform has more than 64
// tooling services, which then share bits and are looked at one by one.
func (t *Trial) toolsUp(s int32) bool {
	return t.toolMask[s]&t.toolDown == 0 || t.toolsShared && t.toolingUp(s)
}

// toolingUp reports whether every tooling service of s is up.
func (t *Trial) toolingUp(s int32) bool {
	c := t.c
	for _, u := range c.Tool[c.ToolOff[s]:c.ToolOff[s+1]] {
		if !t.up[u] {
			return false
		}
	}
	return true
}

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

// heldJob is a job holding a crew, and since when. The time is kept in
// the list of jobs held, which is short and dense, rather than in an array
// by job, of which each hold wrote a line cold since the last trial.
type heldJob struct {
	start int64
	job   int32
}

// hold records that job took a crew now.
func (t *Trial) hold(job int32) {
	t.free--
	t.holdPos[job] = int32(len(t.held))
	t.held = append(t.held, heldJob{t.now, job})
}

// release frees the crew job held, counting its crew-hours.
func (t *Trial) release(job int32) {
	// Through cr, not t's promoted fields: each of those counts as two
	// selectors for the inliner, which took release over its budget.
	cr := &t.crewState
	i := cr.holdPos[job]
	if i < 0 {
		return
	}
	cr.free++
	t.out.CrewMs += t.now - cr.held[i].start
	last := cr.held[len(cr.held)-1]
	cr.held[i] = last
	cr.holdPos[last.job] = i
	cr.held = cr.held[:len(cr.held)-1]
	cr.holdPos[job] = -1
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
		if t.Trace != nil {
			t.trace(Record{Kind: RecRepair, Site: x, Replica: -1, Value: d, Manual: true})
		}
		t.schedule(t.now+d, evSiteRepairDone, x, 0, t.siteGen[x])
	case graph.JobKindRepair:
		rep := &c.Replicas[x]
		d := t.draw(c.Services[rep.Service].MTTR, rep.Key, pTTR, uint64(t.nFail[x]))
		if t.Trace != nil {
			t.trace(Record{Kind: RecRepair, Replica: x, Value: d, Manual: true})
		}
		t.schedule(t.now+d, evRepairDone, x, 0, t.gen[x])
	case graph.JobKindRestart:
		t.unmarkWaiting(t.repCrew[x].svc)
		t.startRestart(x, true)
	case graph.JobKindFailover:
		s := t.repCrew[x].svc
		t.unmarkWaiting(s)
		t.startFailover(s, x, true)
	}
}
