package sim

import "github.com/dominosim/domino/graph"

// settle brings serving, placement and the up set in line with the events of
// this instant, and accounts for every service that went down or up.
func (t *Trial) settle() {
	t.clearWent()
	if len(t.dirtyRep) > 0 {
		t.serve()
	}

	// Placement and faults; services that must go down go at once, those
	// that may come up are gathered. Where no service has a load, which
	// is most often, the loads are not read (carries, markSeg): a line of
	// them for every service that changes.
	t.ups = t.ups[:0]
	loads := len(t.loaded) > 0
	for _, s := range t.dirtySvc {
		t.svcMark[s] = false
		t.markSeg(s)
		ok := t.fault[s] == 0 && t.placed(s) && (!loads || t.carries(s)) || s == t.world.svcUp
		if ok == t.baseOK[s] {
			continue
		}
		t.baseOK[s] = ok
		if !ok {
			if t.up[s] {
				t.knockOut(s)
			}
		} else if !t.up[s] {
			t.ups = append(t.ups, s)
		}
	}
	t.dirtySvc = t.dirtySvc[:0]
	if len(t.ups) > 0 {
		t.raise()
	}
	// Only a service touched can have gone down, and raise has counted
	// every other that came up: account has nothing left to do unless
	// something was touched, or came up with soft dependencies or soft
	// dependents (softWentUp). Most instants have neither.
	if len(t.touched) > 0 || len(t.softWentUp) > 0 {
		t.account()
	}
	for _, s := range t.segDirty {
		t.segMark[s] = false
		t.segment(s)
	}
	t.segDirty = t.segDirty[:0]
}

// serve brings serving in line with the replicas' phases (docs/model.md
// §6.4), and marks the services whose placement or capacity may have
// changed with them.
func (t *Trial) serve() {
	reps := t.c.Replicas
	for _, r := range t.dirtyRep {
		t.repMark[r] = false
		rep := &reps[r]
		serves := t.phase[r] == phRunning && t.isolated[rep.Site] == 0
		if serves == t.serving[r] {
			continue
		}
		t.serving[r] = serves
		s := rep.Service
		servers := rep.Servers
		if serves {
			t.servingCnt[s]++
		} else {
			t.servingCnt[s]--
			t.lastStop[r] = t.now
			t.changed |= chLastStop
			servers = -servers
		}
		// servedCap is read only of a service with a load (capacity): a
		// platform without any need not write it.
		if len(t.loaded) > 0 {
			t.servedCap[s] += servers
		}
		// Of an active-standby service, only the active replica counts
		// for placement and capacity: another one changes neither, nor
		// without a load the segment (markSeg), and the service need not
		// be looked at. Its failover may start or stop all the same.
		if t.lists[s]&standbyOnly == 0 || r == t.active[s] {
			t.markSvc(s)
		}
		t.markFailover(s)
	}
	t.dirtyRep = t.dirtyRep[:0]
}

// capacity returns the served capacity c of docs/model.md §11: the servers of
// the replicas that serve and count.
func (t *Trial) capacity(s int32) int64 {
	var r int32
	switch t.mode[s] {
	case graph.ActiveStandby:
		r = t.active[s]
	case graph.Single:
		r = t.c.RepOff[s]
	default:
		return t.servedCap[s]
	}
	if t.serving[r] {
		return t.c.Replicas[r].Servers
	}
	return 0
}

// carries reports whether s's served fraction φ = min(1, c/load) is above
// 0 and at least collapse_below; always true without a load, which most
// services have: that much inlines.
func (t *Trial) carries(s int32) bool {
	load := t.load[s]
	return load == 0 || t.carriesLoad(s, load)
}

// carriesLoad is carries for a service with a load.
func (t *Trial) carriesLoad(s int32, load int64) bool {
	cp := t.capacity(s)
	cb := t.c.Services[s].CollapseBelow
	// φ ≥ cb as a quotient, not cp ≥ cb × load: a quotient and a decimal
	// that are the same number round to the same float64, so 7 servers of
	// a load of 25 carry it at collapse_below 0.28 (0.28 × 25 is
	// 7.000000000000001 in floating point).
	return cp > 0 && (cb <= 0 || float64(cp)/float64(load) >= cb)
}

// lack returns load − c when the service lacks capacity, else 0.
func (t *Trial) lack(s int32) int64 {
	load := t.load[s]
	if load == 0 {
		return 0
	}
	return max(0, load-t.capacity(s))
}

// lostShare is the users an up service with the given lack fails to serve
// beyond its degraded share: users × (1 − φ) × (1 − soft_weight × degraded).
func (t *Trial) lostShare(s int32, lack int64, deg bool) float64 {
	if lack == 0 {
		return 0
	}
	cs := &t.c.Services[s]
	f := float64(cs.Users) * float64(lack) / float64(cs.Load)
	if deg {
		f *= 1 - t.c.SoftWeight
	}
	return f
}

// segment closes s's impact segment when its lack or, while it lacks,
// its degraded state changed. Most calls find nothing shed before or
// after, and return having read four flat slices.
func (t *Trial) segment(s int32) {
	var lack int64
	if t.up[s] {
		lack = t.lack(s)
	}
	// A lack above 0 means up, so lack and degraded alone tell a segment
	// apart.
	if lack != t.segLack[s] || lack > 0 && t.degraded[s] != t.segDeg[s] {
		t.closeSegment(s, lack)
	}
}

// closeSegment adds the lack of s's segment to the shed integrals and
// starts a new one.
func (t *Trial) closeSegment(s int32, lack int64) {
	deg := t.degraded[s]
	if d := t.now - t.segSince[s]; t.segLack[s] > 0 && d > 0 {
		t.shedNum[s].addMul(t.segLack[s], d)
		if t.segDeg[s] {
			t.degShedNum[s].addMul(t.segLack[s], d)
		}
		t.out.Partial[s] = true
		if lack == 0 {
			t.out.Restored[s] = t.now // a spell of shedding ended
		}
		if t.Trace != nil {
			t.Trace.partial(s, t.segSince[s], t.now)
		}
	}
	if lack > 0 {
		t.markTouched(s)
	}
	t.shedLost += t.lostShare(s, lack, deg) - t.lostShare(s, t.segLack[s], t.segDeg[s])
	t.segDeg[s], t.segLack[s], t.segSince[s] = deg, lack, t.now
}

// placed reports whether s's placement is satisfied by its serving replicas.
func (t *Trial) placed(s int32) bool {
	switch t.mode[s] {
	case graph.ActiveStandby:
		return t.serving[t.active[s]]
	case graph.Single:
		return t.serving[t.c.RepOff[s]]
	}
	return t.servingCnt[s] >= t.c.Services[s].Quorum
}

// satisfied reports whether every hard dependency of s is up and every hard
// any-group has at least need members up.
func (t *Trial) satisfied(s int32) bool {
	return t.hardDown[s] == 0 || s == t.world.svcUp
}

// softDown reports whether an up service has a soft dependency (or soft
// any-group) unsatisfied: it is then degraded (docs/model.md §6.6).
func (t *Trial) softDown(s int32) bool {
	for j, end := t.softOff[s], t.softOff[s+1]; j < end; j++ {
		if x := t.soft[j]; x >= 0 {
			if !t.up[x] {
				return true
			}
		} else if g := -1 - x; t.anyCnt[g] < t.groupNeed[g] {
			return true
		}
	}
	return false
}

// setUp changes s's up state to up, keeping anyCnt and hardDown in step.
func (t *Trial) setUp(x int32, up bool) {
	t.up[x] = up
	delta := int32(1)
	if !up {
		delta = -1
	}
	// The short lists of settle are walked by index: slicing costs more
	// than a bounds check an element.
	for j, end := t.watchOff[x], t.watchOff[x+1]; j < end; j++ {
		w := t.watch[j]
		if w >= 0 {
			t.hardDown[w] -= delta
			continue
		}
		g := -1 - w
		n := t.anyCnt[g] + delta
		t.anyCnt[g] = n
		// A hard group is met from need members up: its owner counts it
		// when it crosses that line.
		if o := t.groupOwner[g]; o >= 0 {
			if need := t.groupNeed[g]; up && n == need {
				t.hardDown[o]--
			} else if !up && n == need-1 {
				t.hardDown[o]++
			}
		}
	}
}

// makeCounts builds the tables setUp walks and allocates its counts. Each
// service's watch list is in ascending order of the service counting it
// (the dependent, or the owner of the group), as RevHard is: raise
// pushes dependents in that order.
func (t *Trial) makeCounts() {
	c := t.c
	ns := len(c.Services)
	lists := make([][]int32, ns)
	t.groupOwner = make([]int32, len(t.groupNeed))
	for s := range ns {
		for _, x := range t.hard[t.hardOff[s]:t.hardOff[s+1]] {
			if x >= 0 {
				lists[x] = append(lists[x], int32(s))
			}
		}
		for i := c.DepOff[s]; i < c.DepOff[s+1]; i++ {
			d := &c.Deps[i]
			if d.Service >= 0 {
				continue
			}
			g := t.depGroup[i]
			t.groupOwner[g] = -1
			if !d.Soft {
				t.groupOwner[g] = int32(s)
			}
			for _, m := range c.AnyMembers[d.AnyOff : d.AnyOff+d.AnyLen] {
				lists[m] = append(lists[m], -1-g)
			}
		}
	}
	t.watchOff = make([]int32, ns+1)
	for x, l := range lists {
		t.watch = append(t.watch, l...)
		t.watchOff[x+1] = int32(len(t.watch))
	}
	t.anyCnt, t.hardDown = make([]int32, len(t.groupNeed)), make([]int32, ns)
}

// countUp computes anyCnt and hardDown from up from scratch, as satisfied
// once did at every call: reset's template, and the reference setUp's
// counts are tested against.
func (t *Trial) countUp(up []bool, anyCnt, hardDown []int32) {
	c := t.c
	for i := range c.Deps {
		d := &c.Deps[i]
		if d.Service >= 0 {
			continue
		}
		g := t.depGroup[i]
		anyCnt[g] = 0
		for _, m := range c.AnyMembers[d.AnyOff : d.AnyOff+d.AnyLen] {
			if up[m] {
				anyCnt[g]++
			}
		}
	}
	for s := range hardDown {
		hardDown[s] = 0
		for _, x := range t.hard[t.hardOff[s]:t.hardOff[s+1]] {
			if x >= 0 && !up[x] || x < 0 && anyCnt[t.depGroup[-1-x]] < c.Deps[-1-x].Need {
				hardDown[s]++
			}
		}
	}
}

func (t *Trial) touch(s int32) {
	if !t.settleMark[s] {
		t.settleMark[s] = true
		t.prevUp[s] = t.up[s]
		t.touched = append(t.touched, s)
	}
}

// knockOut takes s down and, transitively, every up service that no
// longer has its hard dependencies. Removing services from a fixed point
// this way yields the greatest fixed point below it.
func (t *Trial) knockOut(s int32) {
	c := t.c
	t.touch(s)
	t.setUp(s, false)
	t.work = append(t.work[:0], s)
	for len(t.work) > 0 {
		x := t.work[len(t.work)-1]
		t.work = t.work[:len(t.work)-1]
		for j, end := c.RevHardOff[x], c.RevHardOff[x+1]; j < end; j++ {
			if d := c.RevHard[j]; t.up[d] && !t.satisfied(d) {
				t.touch(d)
				t.setUp(d, false)
				t.work = append(t.work, d)
			}
		}
	}
}

// raise brings up what can come up after the services in t.ups regained
// their placement. Outside cycles a service comes up once all of its hard
// dependencies are up, so raising propagates along reverse edges from the
// services that changed, visiting only what may change. A cycle whose
// members wait on each other is raised as a region: all of its down members
// tentatively up, then knocked out again while one lacks a dependency, which
// leaves the greatest fixed point of the cycle (docs/model.md §6.5).
func (t *Trial) raise() {
	c := t.c
	// The services' slices are read through locals of one length: one
	// bounds check a service, and no reload of their headers after each
	// store.
	n := len(t.up)
	up, baseOK, hardDown := t.up[:n], t.baseOK[:n], t.hardDown[:n]
	w := t.ups // the stack of what may come up, consumed as it goes
	cyc := t.cycTry[:0]
	// While nothing is touched, a service raised here was down when the
	// instant began (nothing was knocked out) and stays up to its end
	// (raise only raises): account would find it came up, and would count
	// it where it comes in touched, after those raised before it. It is
	// counted at once instead (cameUp), touched never. Once a cycle is
	// tried, its members are touched, and so is every service after them,
	// for account to count in that order.
	direct := len(t.touched) == 0
	for {
		for len(w) > 0 {
			x := w[len(w)-1]
			w = w[:len(w)-1]
			if up[x] || !baseOK[x] {
				continue
			}
			if !t.satisfied(x) {
				if k := c.SCC[x]; k >= 0 && !t.cycMark[k] {
					t.cycMark[k] = true
					cyc = append(cyc, k)
				}
				continue
			}
			if !direct {
				t.touch(x)
			}
			// x comes up as setUp would bring it, and the dependents of x
			// that may come up now are pushed, in the order
			// pushDownDependents would push them, but leaving out those
			// that cannot: a dependent outside cycles comes up once no
			// hard dependency of it is down, and the walk of x's watch
			// list counts exactly that. Pushing one that cannot come up
			// would only have it popped and found unsatisfied, while one
			// that comes up later is pushed by the dependency that
			// completes it. Dependents in a cycle are pushed as before,
			// satisfied or not: popped unsatisfied, they try their cycle,
			// in the order they are popped.
			//
			// The watch list is in ascending order of the dependent, as
			// RevHard is, and the entries of a dependent are adjacent:
			// when pushed at more than one of them, it is popped from its
			// last one, where pushDownDependents would have pushed it
			// once, and the copies below it find it up. The world's
			// perfect service is never down (reset brings it up, and
			// nothing takes it down), so being satisfied regardless never
			// matters here.
			up[x] = true
			inCyc := t.lists[x]&hasCycDep != 0
			for j, end := t.watchOff[x], t.watchOff[x+1]; j < end; j++ {
				e := t.watch[j]
				d := e
				if e >= 0 {
					hardDown[e]--
				} else if d = t.groupCounts(-1 - e); d < 0 {
					continue // a soft group: no dependent to raise
				}
				if (hardDown[d] == 0 || inCyc && c.SCC[d] >= 0) && !up[d] && baseOK[d] {
					w = append(w, d)
				}
			}
			if direct {
				t.cameUp(x)
			}
		}
		if len(cyc) == 0 {
			break
		}
		direct = false
		for _, k := range cyc {
			t.cycMark[k] = false
			w = t.raiseCycle(k, w)
		}
		cyc = cyc[:0]
	}
	t.ups, t.cycTry = w, cyc
}

// groupCounts counts one more member up in any-group g and returns the
// service whose hard group it is, its hard dependencies down counted, or
// -1 for a soft group.
func (t *Trial) groupCounts(g int32) int32 {
	n := t.anyCnt[g] + 1
	t.anyCnt[g] = n
	d := t.groupOwner[g]
	if d >= 0 && n == t.groupNeed[g] {
		t.hardDown[d]--
	}
	return d
}

// pushDownDependents pushes onto w the dependents of x that are down and
// may come up (raiseCycle, for the members that came up).
func (t *Trial) pushDownDependents(w []int32, x int32) []int32 {
	c := t.c
	if t.lists[x]&hasRevHard == 0 {
		return w
	}
	for _, d := range c.RevHard[c.RevHardOff[x]:c.RevHardOff[x+1]] {
		if !t.up[d] && t.baseOK[d] {
			w = append(w, d)
		}
	}
	return w
}

// raiseCycle raises what it can of cyclic component k and appends the
// dependents of the members that came up to w.
func (t *Trial) raiseCycle(k int32, w []int32) []int32 {
	c := t.c
	members := c.Cyclic[c.CyclicOff[k]:c.CyclicOff[k+1]]
	work := t.work[:0]
	for _, x := range members {
		if !t.up[x] && t.baseOK[x] {
			t.touch(x)
			t.setUp(x, true)
			t.inRegion[x] = true
			work = append(work, x)
		}
	}
	for len(work) > 0 {
		x := work[len(work)-1]
		work = work[:len(work)-1]
		if !t.up[x] || t.satisfied(x) {
			continue
		}
		t.setUp(x, false)
		for _, d := range c.RevHard[c.RevHardOff[x]:c.RevHardOff[x+1]] {
			if t.inRegion[d] && t.up[d] {
				work = append(work, d)
			}
		}
	}
	t.work = work
	for _, x := range members {
		if t.inRegion[x] {
			t.inRegion[x] = false
			if t.up[x] {
				w = t.pushDownDependents(w, x)
			}
		}
	}
	return w
}

// clearWent empties the lists of the services that went up or down, which
// settle fills (raise, account) and decide reads.
func (t *Trial) clearWent() {
	t.wentUp, t.wentDown = t.wentUp[:0], t.wentDown[:0]
	t.softWentUp, t.softWentDown = t.softWentUp[:0], t.softWentDown[:0]
}

// account records the transitions of this instant that raise did not
// (cameUp): downtime, causes, degraded time, and the lists decide()
// reacts to.
func (t *Trial) account() {
	if len(t.touched) > 0 {
		t.accountTouched()
	}
	if len(t.wentDown) > 0 {
		t.assignCauses()
	}
	// Most services have neither soft dependencies nor soft dependents:
	// those that have are listed apart, most often none.
	if len(t.softWentUp)+len(t.softWentDown) > 0 {
		t.updateDegraded()
	}
}

// accountTouched counts, in the order they were touched, the services
// touched this instant whose up state changed.
func (t *Trial) accountTouched() {
	// The slices are read through locals of one length: one bounds check a
	// service, and no reload of their headers after each store.
	n := len(t.up)
	up, prevUp, settleMark := t.up[:n], t.prevUp[:n], t.settleMark[:n]
	for _, s := range t.touched {
		settleMark[s] = false
		if up[s] == prevUp[s] {
			continue
		}
		if up[s] {
			t.cameUp(s)
		} else {
			t.wentDownNow(s)
		}
	}
	t.touched = t.touched[:0]
}

// cameUp counts the end of s's outage at this instant.
func (t *Trial) cameUp(s int32) {
	now := t.now
	o := &t.out
	t.markSeg(s)
	t.markTouched(s)
	l := t.lists[s]
	if l&hasRevTool != 0 {
		t.toolCount(s, -1)
	}
	so := &t.svcOut[s]
	d := now - t.downSince[s]
	o.Downtime[s] += d
	if d > so.rto {
		o.RTOBreach[s] = true
	}
	o.LastUp[s] = now
	// An outage ended: back to normal now unless something else is still
	// wrong, which ends later and says so then.
	o.Restored[s] = now
	t.downCount--
	t.downUsers -= so.users
	// curCause is left as it is: nothing reads the cause of a service up,
	// and assignCauses sets it anew when the service goes down.
	if l&(hasRevStart|hasRevTool) != 0 {
		t.wentUp = append(t.wentUp, s)
	}
	if l&(hasSoftDep|hasRevSoft) != 0 {
		t.softWentUp = append(t.softWentUp, s)
	}
	if t.Trace != nil {
		t.traceUp(s, t.downSince[s])
	}
}

// wentDownNow counts the start of an outage of s at this instant; its
// cause is assigned once all are known (assignCauses).
func (t *Trial) wentDownNow(s int32) {
	t.markSeg(s)
	t.markTouched(s)
	l := t.lists[s]
	if l&hasRevTool != 0 {
		t.toolCount(s, 1)
	}
	t.downSince[s] = t.now
	t.downCount++
	t.downUsers += t.svcOut[s].users
	t.wentDown = append(t.wentDown, s)
	if l&(hasSoftDep|hasRevSoft) != 0 {
		t.softWentDown = append(t.softWentDown, s)
	}
}

// toolCount counts tooling service s down (delta 1) or up (-1).
func (t *Trial) toolCount(s, delta int32) {
	t.toolSvcDown += delta
	b := t.toolBit[s]
	t.toolDownN[b] += delta
	t.toolDown &^= 1 << b
	if t.toolDownN[b] > 0 {
		t.toolDown |= 1 << b
	}
}

// assignCauses decides the cause of every service that went down at this
// instant (docs/model.md §6.9). Dependency causes are assigned in waves, each
// wave seeing only the causes known before it, so the result does not
// depend on processing order and follows the cascade.
func (t *Trial) assignCauses() {
	// The services of wentDown set downSince when they went down
	// (wentDownNow), and their curCause, FirstDown and Cause are set below.
	t.changed |= chDown
	o := &t.out
	pending := t.pending[:0]
	for _, s := range t.wentDown {
		t.curCause[s] = causeNone
		if t.fault[s] > 0 {
			t.curCause[s] = causeFault
		} else if !t.baseOK[s] {
			t.curCause[s] = t.placementCause(s)
		} else {
			pending = append(pending, s)
		}
	}
	for len(pending) > 0 {
		// Decide the wave on the causes known at its start.
		wave := t.wave[:0]
		for _, s := range pending {
			if d := t.firstDownDep(s, true); d >= 0 {
				wave = append(wave, s, d)
			}
		}
		if len(wave) == 0 {
			// Cannot happen for a consistent fixed point; fall back to the
			// first down dependency so every outage has a cause.
			for _, s := range pending {
				t.curCause[s] = causeDependency | max(t.firstDownDep(s, false), 0)
			}
			break
		}
		for i := 0; i < len(wave); i += 2 {
			t.curCause[wave[i]] = causeDependency | wave[i+1]
		}
		t.wave = wave
		rest := pending[:0]
		for _, s := range pending {
			if t.curCause[s] == causeNone {
				rest = append(rest, s)
			}
		}
		pending = rest
	}
	t.pending = pending[:0]
	for _, s := range t.wentDown {
		if o.FirstDown[s] < 0 {
			o.FirstDown[s] = t.now
			o.Cause[s] = t.curCause[s]
		}
		t.trace(Record{Kind: RecDown, Service: s, Cause: t.curCause[s]})
	}
}

// firstDownDep returns the first down hard dependency of s (or member of an
// unsatisfied hard any-group), in file order; with known, only one whose
// cause is already known. It returns -1 when there is none.
func (t *Trial) firstDownDep(s int32, known bool) int32 {
	c := t.c
	ok := func(x int32) bool { return !t.up[x] && (!known || t.curCause[x] != causeNone) }
	for i := c.DepOff[s]; i < c.DepOff[s+1]; i++ {
		d := &c.Deps[i]
		if d.Soft {
			continue
		}
		if d.Service >= 0 {
			if ok(d.Service) {
				return d.Service
			}
			continue
		}
		if t.anyCnt[t.depGroup[i]] >= d.Need {
			continue
		}
		for _, m := range c.AnyMembers[d.AnyOff : d.AnyOff+d.AnyLen] {
			if ok(m) {
				return m
			}
		}
	}
	return -1
}

// placementCause is the reason of the replica that stopped serving most
// recently (ties in placement order; for active-standby the active one).
func (t *Trial) placementCause(s int32) int32 {
	c := t.c
	if t.placed(s) {
		return causeOverload // a replica serves, but too little of the load
	}
	if c.Services[s].Mode == graph.ActiveStandby {
		return t.replicaReason(t.active[s])
	}
	best := int32(-1)
	for r := c.RepOff[s]; r < c.RepOff[s+1]; r++ {
		if !t.serving[r] && (best < 0 || t.lastStop[r] > t.lastStop[best]) {
			best = r
		}
	}
	if best < 0 {
		best = c.RepOff[s]
	}
	return t.replicaReason(best)
}

// replicaReason says why a replica does not serve, from its current state.
func (t *Trial) replicaReason(r int32) int32 {
	c := t.c
	x := c.Replicas[r].Site
	switch {
	case t.failed[r] || t.siteFailed[x]:
		return causeFailure | x
	case !t.powered[r]:
		return causeSite | x
	case t.phase[r] == phGate:
		if u := t.firstMissingNeed(c.Replicas[r].Service); u >= 0 {
			return causeWaiting | u
		}
		return t.stopReasonOr(r, causeSite|x)
	case t.phase[r] == phRunning:
		return causeIsolated | x
	}
	return t.stopReasonOr(r, causeSite|x)
}

func (t *Trial) stopReasonOr(r, def int32) int32 {
	if t.stopReason[r] != causeNone {
		return t.stopReason[r]
	}
	return def
}

// updateDegraded re-evaluates degraded status for the services whose up
// status changed and their soft dependents: of wentUp, then of wentDown,
// those that have soft dependencies or soft dependents.
func (t *Trial) updateDegraded() {
	t.degStamp++
	t.degradedAround(t.softWentUp)
	t.degradedAround(t.softWentDown)
}

// degradedAround re-evaluates the services of list and their soft
// dependents.
func (t *Trial) degradedAround(list []int32) {
	c := t.c
	for _, s := range list {
		l := t.lists[s]
		if l&hasSoftDep != 0 {
			t.checkDegraded(s)
		}
		if l&hasRevSoft == 0 {
			continue
		}
		for j, end := c.RevSoftOff[s], c.RevSoftOff[s+1]; j < end; j++ {
			t.checkDegraded(c.RevSoft[j])
		}
	}
}

func (t *Trial) checkDegraded(s int32) {
	if t.lists[s]&hasSoftDep == 0 || t.degMark[s] == t.degStamp {
		return
	}
	t.degMark[s] = t.degStamp
	deg := t.up[s] && s != t.world.svcUp && t.softDown(s)
	if deg == t.degraded[s] {
		return
	}
	t.degraded[s] = deg
	t.markSeg(s)
	t.markTouched(s)
	u := t.svcOut[s].users
	if deg {
		t.degSince[s] = t.now
		t.degUsers += u
	} else {
		d := t.now - t.degSince[s]
		t.out.Degraded[s] += d
		if d > 0 {
			t.out.Restored[s] = t.now // a degraded spell ended
		}
		t.degUsers -= u
	}
	if t.Trace != nil {
		t.traceDegraded(s, deg)
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Marking what this instant changed, each once, for settle and decide to
// look at.

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
	// Where no service has one, which is most often, the loads are not
	// read (carries).
	if len(t.loaded) > 0 && t.load[s] > 0 && !t.segMark[s] {
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
