package sim

import (
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/dominosim/domino/graph"
)

// Events: drawing which scenario events happen and when, the event queue's
// numbering, applying each event as it comes due, and the power of sites
// and replicas that outages, failures and repairs change.

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
			t.changed |= chFault
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
			if t.Trace != nil {
				t.trace(Record{Kind: RecRunning, Replica: r})
			}
			t.markRep(r)
		}
	case evFailoverDone:
		t.failoverDone(ev.a, ev.gen)
	case evReplicaFail:
		r := ev.a
		t.failed[r] = true
		t.nFail[r]++
		t.changed |= chFail
		if t.Trace != nil {
			t.trace(Record{Kind: RecFail, Replica: r})
		}
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
		t.changed |= chFail
		if t.Trace != nil {
			t.trace(Record{Kind: RecRepaired, Replica: r})
		}
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
	if old < p {
		t.powerOn(c.SiteReps[off+old : off+p])
	}
}

// powerOn turns on the power of the replicas of reps that have not failed,
// as setPowered does one at a time: a stage powers many replicas of a
// site at once, and a failed replica is already unpowered.
func (t *Trial) powerOn(reps []int32) {
	// The replicas' slices are read through locals of one length: one
	// bounds check a replica.
	n := len(t.powered)
	powered, failed, phase, waiting := t.powered[:n], t.failed[:n], t.phase[:n], t.gateWaiting[:n]
	gen, nOn := t.gen[:n], t.nOn[:n]
	gates := t.gateList
	first := len(gates)
	for _, r := range reps {
		if powered[r] || failed[r] {
			continue
		}
		powered[r], phase[r], waiting[r] = true, phGate, false
		gen[r]++
		nOn[r]++
		gates = append(gates, r)
	}
	t.gateList = gates
	if t.Trace != nil {
		// Those powered on now, in order, are the gates just added.
		for _, r := range gates[first:] {
			t.trace(Record{Kind: RecPowered, Replica: r})
		}
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
		if t.Trace != nil {
			t.trace(Record{Kind: RecPowered, Replica: r})
		}
		return
	}
	switch t.phase[r] {
	case phCrew:
		t.queue.remove(graph.JobRestart(r))
		t.unmarkWaiting(t.c.Replicas[r].Service)
	case phRestart:
		if t.manual[r] {
			t.release(graph.JobRestart(r))
			t.manual[r] = false
		}
	}
	t.phase[r] = phOff
	t.gen[r]++
	t.stopReason[r] = reason
	t.changed |= chStop
	if t.Trace != nil {
		t.trace(Record{Kind: RecUnpowered, Replica: r, Cause: reason})
	}
	t.markRep(r)
}
