package sim

import (
	"cmp"
	"math"
	"math/bits"
	"slices"

	"github.com/dominosim/domino/graph"
)

// The quiescent tail (docs/model.md §6.11). Once nothing can queue any more
// (no job waits for a crew, every tooling service is up, and the events
// still pending only bring things back: power stages, restarts and
// failovers completing, break-glass deadlines), every later instant of the
// trial only raises services, and each service's time of coming back is a
// longest path over the dependency graph from the times of its replicas:
// their power-on, their start gate, their restart, drawn from the same
// keyed streams as the event engine would draw them. tryTail computes
// those times in one pass over a precompiled topological order, then
// writes what the instants would have written. It gives up, leaving the
// trial to the events as it found it, whenever it cannot be sure of giving
// the same outcome.
//
// Times inside the tail are superdense: an instant can take several
// rounds when a zero duration schedules something at the instant itself
// (Run's loop "again at t"), and the order of rounds decides ties such as a
// break-glass deadline against a start need coming up. A when is
// ms<<roundBits | round, round 1 being that of the events scheduled before
// the instant.
type when = int64

const (
	roundBits = 16
	roundMask = 1<<roundBits - 1
	// already is before every time of the tail: what holds at its start.
	already when = 0
	// never is after every time: at or after the horizon.
	never when = math.MaxInt64
)

// Every time below the horizon has room for its rounds.
const _ = uint(math.MaxInt64>>roundBits - graph.MaxHorizon)

// tailSupported is the set of event kinds the tail can take over: those
// that only bring things back. Any other pending event (an outage, an
// isolation or fault starting or ending, a failure, a repair, the world's
// change) keeps the trial on the events.
const tailSupported = 1<<evStage | 1<<evGate | 1<<evRestartDone | 1<<evFailoverDone

// tailUnsupported is 1 for an event kind the tail cannot take over.
func tailUnsupported(k evKind) int32 { return int32(^tailSupported >> k & 1) }

// tailPlan is what the tail needs of a scenario, computed once.
type tailPlan struct {
	// order lists the services so that each comes after its hard
	// dependencies, the members of its hard any-groups and its start
	// needs (dependencies first).
	order []int32
	// comps are the strongly connected components of those edges, in
	// that order: component i is order[comps[i]:comps[i+1]].
	comps []int32
	// steps walks the components in order, one row a step, and ends
	// with a row that only closes the last one's range in hard.
	steps []tailSvc
	// uniform is set when the curve's grid is Grid(H, points): the first
	// point at or after a time is then a division away.
	uniform bool
	// cyclic marks the services in a cycle of those edges (or needing
	// themselves), whose times tailCycle finds instant by instant.
	cyclic []bool
	// off is set when the scenario has loads (shed load is a float
	// summed in the order of the instants, which the tail does not
	// replay), or a service too large for its row.
	off bool
	// faults is set when the scenario has service faults: a service
	// faulted for good keeps the trial on the events.
	faults bool
	// soft lists the services with a soft dependency or any-group: those
	// that can be degraded.
	soft []tailSoft
	// softDeps lists each service's soft dependencies: a service, or
	// -1-i for the soft any-group grp[i].
	softDeps []int32
	// hard holds, step after step, what each service waits for: its
	// hard dependencies (the services, then the any-groups, each a
	// header, groupHead, and its members), then its start needs.
	hard []int32
	// grp lists the soft any-groups: a few compact lines rather than
	// c.Deps, most of which are not groups.
	grp []tailGrp
}

// tailGrp is what the tail reads of an any-group: its members are
// c.AnyMembers[AnyOff:AnyOff+AnyLen].
type tailGrp struct {
	AnyOff, AnyLen, Need int32
}

// tailOut is a service's users and RTO, or MaxInt64 when it has none: a
// downtime breaches it when longer (Trial.svcOut).
type tailOut struct {
	users int64
	rto   int64
}

// tailSoft is a service that can be degraded, with its users: its soft
// dependencies are softDeps[soft0:soft1].
type tailSoft struct {
	s, soft0, soft1 int32
	users           int64
}

// tailSvc is a step of the tail's pass, a row of 24 bytes: the pass reads
// the rows in order, all of them, rather than scattered lines of the
// compiled scenario's tables.
type tailSvc struct {
	s    int32 // the service, or -1-i for the cyclic component i
	rep0 int32 // its replicas: rep0 to rep0+nrep
	// its hard dependencies and start needs, in tailPlan.hard: nsvc
	// services from hard0, ngrp numbers of any-groups (each a header,
	// groupHead, then its members), then the start needs, if any
	// (hasNeeds), up to the next row's hard0
	hard0 int32
	// What tailCommit reads of the service: its users, or bigUsers when
	// they do not fit; its RTO, or bigRTO when it has none or it does not
	// fit.
	users      uint32
	rto        int32
	nrep       uint8
	qn         uint8 // its quorum, hasNeeds and standby
	nsvc, ngrp uint8
}

const (
	bigUsers = math.MaxUint32
	bigRTO   = math.MaxInt32
	// hasNeeds says that the service has start needs; standby that it
	// is active-standby.
	hasNeeds = 1 << 7
	standby  = 1 << 6
	// The quorum is what is left of qn.
	quorumMask = standby - 1
)

// quorum is the quorum of the step's service.
func (ts *tailSvc) quorum() int32 { return int32(ts.qn & quorumMask) }

// tailState is a trial's tail: whether it may still be tried, and its
// scratch, by replica and by service.
type tailState struct {
	plan *tailPlan
	// unsupported counts the pending events of kinds the tail cannot take
	// over, stale ones included.
	unsupported int32
	tried       bool
	// taken says that the tail finished the last trial (for tests).
	taken bool
	// disabled keeps every trial on the events (tests compare both).
	disabled bool

	serveAt []when // by replica not running, of a service timed: when it serves
	// pend is, by replica not running, the time of what it waits for,
	// which its phase says: its restart completing (phRestart), its
	// break-glass deadline (phGate), a stage powering it on (phOff). A
	// replica has one phase, so one time; never when none is pending.
	pend     []when
	upAt     []when // by service: when it comes up
	foDoneAt []when // by service: its pending failover completes
	// down lists the services down at the start of the tail, in the
	// plan's order: those that tailCommit may bring up. A service is its
	// step, or -1-s in a cyclic component.
	down     []tailDown
	outages  []outage
	stages   []tailStage
	releases []tailRelease
	changes  []tailChange
	quorum   []when
	// points holds the changes by the curve point they first count at.
	points  []tailPoint
	events  []tailEvent
	powered []int32
	wait    []bool // by replica: waiting at its gate, in tailCycle
	inCycle []bool // by service: in the component tailCycle steps through
	cand    []bool // by service: may be up, in tailRaise
	// An active-standby member's failover, in tailCycle, by service.
	act, foTgt []int32
	foRun      []bool
	foMan      []bool
	foAt       []when
	foN        []uint32
	deadlock   bool
	bad        bool // a round count overflowed: give up
	// isolated says that some site is isolated (for good, as no
	// isolation ends in the tail).
	isolated bool
}

// tailDown is a service down at the start of the tail, with its users and
// RTO as in its row (rowOut).
type tailDown struct {
	s     int32
	users uint32
	rto   int32
}

type tailStage struct {
	t, site int64
	rec, j  int32
}

type tailRelease struct {
	t   int64
	job int32
}

// tailPoint is what changes at a curve point: the services down, their
// users, and the users degraded.
type tailPoint struct {
	down       int32
	users, deg int64
}

// tailChange is a change of the users down at time t.
type tailChange struct {
	t, users int64
}

func newTailState(c *graph.Compiled, points int) tailState {
	nr, ns := len(c.Replicas), len(c.Services)
	tl := tailState{
		serveAt: make([]when, nr), pend: make([]when, nr),
		upAt: make([]when, ns), foDoneAt: make([]when, ns),
		wait: make([]bool, nr), inCycle: make([]bool, ns), cand: make([]bool, ns),
		act: make([]int32, ns), foTgt: make([]int32, ns), foRun: make([]bool, ns), foMan: make([]bool, ns),
		foAt: make([]when, ns), foN: make([]uint32, ns),
		points: make([]tailPoint, points+1),
	}
	tl.clean(c)
	return tl
}

// clean puts never in the times that tailEvents and tailPower find, which
// the tail puts back to never as it reads them; after a tail that gave up
// midway, clean does it for all.
func (tl *tailState) clean(c *graph.Compiled) {
	for r := range c.Replicas {
		tl.pend[r] = never
	}
	for s := range c.Services {
		tl.foDoneAt[s] = never
	}
}

// newTailPlan orders the services for the tail by the strongly connected
// components of the edges from a service to what it waits for, in the
// order graph.Components completes them: dependencies first.
func newTailPlan(c *graph.Compiled, hardOff, hard []int32) *tailPlan {
	ns := len(c.Services)
	p := &tailPlan{cyclic: make([]bool, ns)}
	for s := range int32(ns) {
		cs := &c.Services[s]
		soft0 := int32(len(p.softDeps))
		for i := c.DepOff[s]; i < c.DepOff[s+1]; i++ {
			switch d := &c.Deps[i]; {
			case !d.Soft:
			case d.Service >= 0:
				p.softDeps = append(p.softDeps, d.Service)
			default:
				p.softDeps = append(p.softDeps, -1-int32(len(p.grp)))
				p.grp = append(p.grp, tailGrp{d.AnyOff, d.AnyLen, d.Need})
			}
		}
		if soft1 := int32(len(p.softDeps)); soft1 > soft0 {
			p.soft = append(p.soft, tailSoft{s, soft0, soft1, cs.Users})
		}
		if cs.Load > 0 {
			p.off = true
		}
	}
	for i := range c.Events {
		if c.Events[i].Kind == graph.ServiceFault {
			p.faults = true
		}
	}
	// Edges s → d: d must be known before s.
	var off, edges []int32
	off = make([]int32, ns+1)
	for s := range ns {
		for _, d := range hard[hardOff[s]:hardOff[s+1]] {
			if d >= 0 {
				edges = append(edges, d)
				continue
			}
			g := &c.Deps[-1-d]
			edges = append(edges, c.AnyMembers[g.AnyOff:g.AnyOff+g.AnyLen]...)
		}
		edges = append(edges, c.Start[c.StartOff[s]:c.StartOff[s+1]]...)
		off[s+1] = int32(len(edges))
	}
	p.order, p.comps = graph.Components(off, edges)
	for i := range len(p.comps) - 1 {
		comp := p.order[p.comps[i]:p.comps[i+1]]
		for _, s := range comp {
			// A component of one is cyclic when the service needs itself.
			p.cyclic[s] = len(comp) > 1 || slices.Contains(edges[off[s]:off[s+1]], s)
		}
		if p.cyclic[comp[0]] {
			p.steps = append(p.steps, tailSvc{s: int32(-1 - i), hard0: int32(len(p.hard))})
		} else {
			p.steps = append(p.steps, p.row(c, comp[0], hard[hardOff[comp[0]]:hardOff[comp[0]+1]]))
		}
	}
	p.steps = append(p.steps, tailSvc{s: math.MinInt32, hard0: int32(len(p.hard))})
	return p
}

// row is the step of service s, whose hard dependencies are hard (as in
// Trial.hard), appending what it waits for to p.hard. A service too large
// for its row turns the tail off.
func (p *tailPlan) row(c *graph.Compiled, s int32, hard []int32) tailSvc {
	cs := &c.Services[s]
	ts := tailSvc{s: s, rep0: c.RepOff[s], hard0: int32(len(p.hard)), users: bigUsers, rto: bigRTO}
	needs := c.Start[c.StartOff[s]:c.StartOff[s+1]]
	nsvc, ngrp := 0, 0
	for _, d := range hard {
		if d >= 0 {
			p.hard = append(p.hard, d)
			nsvc++
		}
	}
	for _, d := range hard {
		if d < 0 {
			// The group's members follow their header in the list the
			// pass reads anyway.
			g := &c.Deps[-1-d]
			if g.AnyLen > groupLen || g.Need < 0 || g.Need > math.MaxInt32>>groupBits {
				p.off = true
				return ts
			}
			p.hard = append(p.hard, groupHead(g.Need, g.AnyLen))
			p.hard = append(p.hard, c.AnyMembers[g.AnyOff:g.AnyOff+g.AnyLen]...)
			ngrp += 1 + int(g.AnyLen)
		}
	}
	p.hard = append(p.hard, needs...)
	nrep := c.RepOff[s+1] - c.RepOff[s]
	if max(nrep, int32(nsvc), int32(ngrp)) > math.MaxUint8 || cs.Quorum < 0 || cs.Quorum > quorumMask {
		p.off = true
		return ts
	}
	ts.nrep, ts.qn, ts.nsvc, ts.ngrp = uint8(nrep), uint8(cs.Quorum), uint8(nsvc), uint8(ngrp)
	if len(needs) > 0 {
		ts.qn |= hasNeeds
	}
	if cs.Mode == graph.ActiveStandby {
		ts.qn |= standby
	}
	ts.users, ts.rto = rowOut(cs)
	return ts
}

// rowOut is the users and RTO of cs in a row or in tailDown: bigUsers
// when they do not fit, bigRTO when it has none or it does not fit.
func rowOut(cs *graph.CService) (users uint32, rto int32) {
	users, rto = bigUsers, bigRTO
	if cs.Users >= 0 && cs.Users < bigUsers {
		users = uint32(cs.Users)
	}
	if cs.RTO >= 0 && cs.RTO < bigRTO {
		rto = int32(cs.RTO)
	}
	return users, rto
}

// An any-group in tailPlan.hard is a header, its need and number of
// members, then its members.
const (
	groupBits = 16
	groupLen  = 1<<groupBits - 1
)

// groupHead is the header of an any-group of n members, need of them up.
func groupHead(need, n int32) int32 { return -1 - (need<<groupBits | n) }

// rep1 ends the replicas of the step's service.
func (ts *tailSvc) rep1() int32 { return ts.rep0 + int32(ts.nrep) }

// tailReady reports whether the tail may take over now, by the checks
// that cost nothing: run at the end of every instant.
func (t *Trial) tailReady() bool {
	return t.tail.unsupported == 0 && t.queue.n == 0 && t.toolSvcDown == 0 && !t.tail.tried &&
		!t.tail.disabled && t.Trace == nil && t.events.len() > 0 && t.tailWorthIt()
}

// tailWorth is how many services the tail's pass visits for the cost of
// one service coming back or one pending event on the events (measured in
// instructions with scripts/trial-instructions.sh: some 1,500 for the
// events; for the pass, which visits every service, a few tens a service
// already steady and some 300 a service it times).
const tailWorth = 16

// tailWorthIt reports whether the tail's pass, which costs about the same
// whatever is left to do, is cheaper than the events still to come: a
// trial of random failures reaches its tail near the horizon with little
// left, where the events finish it faster.
func (t *Trial) tailWorthIt() bool {
	return (int(t.downCount)+t.events.len())*tailWorth >= len(t.c.Services)
}

// after is the time d after w: the next round of the same instant when d
// is 0, never when at or after the horizon.
func (t *Trial) after(w when, d int64) when {
	if w == never {
		return never
	}
	if d == 0 {
		if w&roundMask == roundMask {
			t.tail.bad = true
			return never
		}
		return w + 1
	}
	ms := w>>roundBits + d
	if ms >= t.H {
		return never
	}
	return ms<<roundBits | 1
}

// tryTail finishes the trial's events by the tail and reports whether it
// did; when it does not, the trial is as it was. The instant t.now is
// settled and decided, and nothing waits for a crew.
func (t *Trial) tryTail() bool {
	tl := &t.tail
	tl.tried = true
	if tl.plan == nil {
		tl.plan = newTailPlan(t.c, t.hardOff, t.hard)
		tl.plan.uniform = len(t.grid) > 1 && slices.Equal(t.grid, Grid(t.H, len(t.grid)-1))
	}
	if tl.plan.off || t.worldKind.Kind != 0 {
		return false
	}
	c := t.c
	if tl.plan.faults {
		for s := range c.Services {
			if t.fault[s] > 0 {
				return false
			}
		}
	}
	if !t.tailTimes() {
		tl.clean(c)
		return false
	}
	t.tailCommit()
	tl.taken = true
	return true
}

// tailTimes finds when every service comes up, in the plan's order.
func (t *Trial) tailTimes() bool {
	tl := &t.tail
	tl.deadlock, tl.bad = false, false
	tl.releases, tl.stages, tl.down = tl.releases[:0], tl.stages[:0], tl.down[:0]
	if !t.tailEvents() {
		return false
	}
	t.tailPower()
	tl.isolated = slices.ContainsFunc(t.isolated, func(n int32) bool { return n > 0 })
	p := tl.plan
	// The walk reads the slices through locals of one length: one bounds
	// check a service rather than one a slice, and no reloads of their
	// headers after each call.
	n := len(t.up)
	up, serving, upAt := t.up[:n], t.servingCnt[:n], tl.upAt[:n]
	steps := p.steps[:len(p.steps)-1]
	for i := range steps {
		ts := &steps[i]
		if x := ts.s; x >= 0 {
			if up[x] {
				// Up, it stays up: its replicas not serving, if any,
				// matter only to crews and deadlocks.
				upAt[x] = already
				if serving[x] < int32(ts.nrep) && !t.tailUntimed(ts, int32(i)) {
					return false
				}
				continue
			}
			tl.down = append(tl.down, tailDown{x, ts.users, ts.rto})
			if !t.tailService(ts, int32(i)) {
				return false
			}
			continue
		}
		x := ts.s
		comp := p.order[p.comps[-1-x]:p.comps[-x]]
		steady := true
		for _, s := range comp {
			tl.upAt[s] = already
			steady = steady && t.steady(s)
			if !t.up[s] {
				users, rto := rowOut(&t.c.Services[s])
				tl.down = append(tl.down, tailDown{s, users, rto})
			}
		}
		if !steady && !t.tailCycle(comp) {
			return false
		}
	}
	return !tl.bad
}

// steady reports that s is up with every replica serving: nothing of it
// changes in the tail.
func (t *Trial) steady(s int32) bool {
	return t.up[s] && t.servingCnt[s] == t.c.RepOff[s+1]-t.c.RepOff[s]
}

// tailEvents reads the pending events: when each restart, failover and
// break-glass deadline completes, and the power stages to come.
func (t *Trial) tailEvents() bool {
	tl := &t.tail
	h := &t.events
	for mask := h.mask; mask != 0; mask &= mask - 1 {
		i := bits.TrailingZeros64(mask)
		for s := h.more[i].next; ; s = h.more[s].next {
			m := &h.more[s]
			switch m.kind {
			case evStage:
				tl.stages = append(tl.stages, tailStage{t: m.t, site: int64(t.outages[m.a].site), rec: m.a, j: m.b})
			case evRestartDone:
				if m.gen == t.gen[m.a] && t.phase[m.a] == phRestart {
					tl.pend[m.a] = m.t<<roundBits | 1
					// The restart's crew, if any, is released then,
					// whatever else the tail finds.
					if t.manual[m.a] {
						tl.releases = append(tl.releases, tailRelease{m.t, graph.JobRestart(m.a)})
					}
				}
			case evGate:
				if m.gen == t.gen[m.a] && t.phase[m.a] == phGate {
					tl.pend[m.a] = m.t<<roundBits | 1
				}
			case evFailoverDone:
				if m.gen == t.foGen[m.a] && t.foState[m.a] == foRunning {
					tl.foDoneAt[m.a] = m.t<<roundBits | 1
				}
			default:
				return false
			}
			if s == h.tails[i] {
				break
			}
		}
	}
	return true
}

// tailPower finds when the pending stages power each replica on
// (updatePower, reachStage): site by site, in time order, the powered
// prefix grows to what the outages' fractions let fit.
func (t *Trial) tailPower() {
	tl := &t.tail
	c := t.c
	if len(tl.stages) == 0 {
		return
	}
	slices.SortFunc(tl.stages, func(a, b tailStage) int {
		if a.site != b.site {
			return cmp.Compare(a.site, b.site)
		}
		return cmp.Compare(a.t, b.t)
	})
	tl.outages = append(tl.outages[:0], t.outages...)
	for i := 0; i < len(tl.stages); {
		x := int32(tl.stages[i].site)
		off, n := c.SiteRepOff[x], c.SiteRepOff[x+1]-c.SiteRepOff[x]
		p := t.prefix[x]
		for i < len(tl.stages) && int32(tl.stages[i].site) == x {
			now := tl.stages[i].t
			for ; i < len(tl.stages) && int32(tl.stages[i].site) == x && tl.stages[i].t == now; i++ {
				st := &tl.stages[i]
				o := &tl.outages[st.rec]
				f := c.Events[o.ev].StagesOf(o.zone)[st.j].Fraction
				if f.Num*o.den > o.num*f.Den {
					o.num, o.den = f.Num, f.Den
				}
			}
			if t.siteFailed[x] {
				continue
			}
			q := n
			for _, rec := range t.siteOut[x] {
				o := &tl.outages[rec]
				q = min(q, t.fits(off, n, c.Sites[x].Placed, o.num, o.den))
			}
			for ; p < q; p++ {
				// Beyond the powered prefix a replica is off
				// (updatePower): its pending time is its power-on.
				if r := c.SiteReps[off+p]; !t.failed[r] {
					tl.pend[r] = now<<roundBits | 1
				}
			}
		}
	}
}

// serveTime is when replica r serves: already, a time of the tail, or
// never.
func (t *Trial) serveTime(r int32) when {
	if t.phase[r] == phRunning {
		if t.serving[r] {
			return already
		}
		return never // isolated for good
	}
	return t.tail.serveAt[r]
}

// tailNeeds is when every start need of the service of step ts, the i-th,
// is up.
func (t *Trial) tailNeeds(ts *tailSvc, i int32) when {
	if ts.qn&hasNeeds == 0 {
		return already
	}
	p := t.tail.plan
	return t.tailNeedsOf(p.hard[ts.hard0+int32(ts.nsvc)+int32(ts.ngrp) : p.steps[i+1].hard0])
}

// tailNeedsOf is when every service of needs is up.
func (t *Trial) tailNeedsOf(needs []int32) when {
	w, upAt := already, t.tail.upAt
	for _, u := range needs {
		w = max(w, upAt[u])
	}
	return w
}

// tailUntimed reads the pending times of the replicas not running of the
// service of step ts, the i-th, whose placement holds without them (it is up, or down
// for a dependency with its placement served), cleaning them. When they
// serve matters to nothing else, as the tail only brings things back:
// their restarts are not drawn; only whether one reaches its break-glass
// deadline first (a deadlock) is, until one does. (The crews of manual
// restarts are released by tailEvents.) Everything the service waits for
// is known. It reports false when the tail must give up.
func (t *Trial) tailUntimed(ts *tailSvc, i int32) bool {
	// Indexed rather than sliced: a service has few replicas, and two
	// bounds checks a replica cost less than slicing.
	phase, pend := t.phase, t.tail.pend
	for r, end := ts.rep0, ts.rep1(); r < end; r++ {
		switch ph := phase[r]; ph {
		case phRunning:
		case phRestart:
			pend[r] = never
		case phGate, phOff:
			if !t.tailWaits(ts, i, r, ph, pend[r]) {
				return false
			}
			pend[r] = never
		default:
			return false // waiting for a crew: the queue is not empty
		}
	}
	return true
}

// tailWaits finds whether replica r, of the untimed service of step ts, at
// its gate or off, reaches its break-glass deadline no later than its
// start needs are up (a deadlock); at is its pending time. It reports
// false when the tail must give up.
func (t *Trial) tailWaits(ts *tailSvc, i, r int32, ph phase, at when) bool {
	tl := &t.tail
	if ph == phGate && !t.gateWaiting[r] {
		return false // an inert service's replica: the world's
	}
	if at == never || tl.deadlock {
		return true
	}
	needs := t.tailNeeds(ts, i)
	if ph == phGate {
		tl.deadlock = at <= needs
		return true
	}
	if needs > at {
		// Powered with a need down: it waits, and draws its break_glass
		// as decide would.
		c := t.c
		bg := t.draw(&c.BreakGlass, c.Replicas[r].Key, pBreakGlass, uint64(t.nOn[r]+1))
		gate := t.after(at, bg)
		tl.deadlock = gate != never && gate <= needs
	}
	return true
}

// tailReplicas reads the pending times of the replicas not running of the
// service of step ts, the i-th, (cleaning them) and finds when each serves (serveAt)
// and the first of those times, and whether one reaches its break-glass
// deadline first (a deadlock). Everything it waits for is known. It
// reports false when the tail must give up.
func (t *Trial) tailReplicas(ts *tailSvc, i int32) (first when, ok bool) {
	c := t.c
	tl := &t.tail
	s := ts.s
	// Indexed rather than sliced, as in tailUntimed.
	phase, pend := t.phase, tl.pend
	needs, known := already, false
	first = never
	for r, end := ts.rep0, ts.rep1(); r < end; r++ {
		ph := phase[r]
		if ph == phRunning {
			continue
		}
		at := pend[r]
		pend[r] = never
		if !known && (ph == phGate || ph == phOff) {
			needs, known = t.tailNeeds(ts, i), true
		}
		run := never
		switch ph {
		case phRestart:
			run = at
		case phGate:
			if !t.gateWaiting[r] {
				return never, false // an inert service's replica: the world's
			}
			run = t.tailProceed(r, &c.Services[s], at, needs)
		case phOff:
			switch {
			case at == never:
			case needs <= at:
				run = t.tailRestart(r, &c.Services[s], at)
			default:
				// Powered with a need down: it waits, and draws its
				// break_glass as decide would.
				bg := t.draw(&c.BreakGlass, c.Replicas[r].Key, pBreakGlass, uint64(t.nOn[r]+1))
				run = t.tailProceed(r, &c.Services[s], t.after(at, bg), needs)
			}
		default:
			return never, false // waiting for a crew: the queue is not empty
		}
		if tl.isolated && t.isolated[c.Replicas[r].Site] > 0 {
			run = never
		}
		tl.serveAt[r] = run
		first = min(first, run)
	}
	return first, true
}

// tailService computes when the service of step ts, the i-th, down, comes
// up; everything it waits for is known. Its replicas are timed only when
// its placement waits for them. It reports false when the tail must give
// up.
func (t *Trial) tailService(ts *tailSvc, i int32) bool {
	tl := &t.tail
	s, qn := ts.s, ts.qn
	serving := t.servingCnt[s]
	base := already
	switch {
	case serving == int32(ts.nrep):
		// Every replica serves (down for a dependency): none waits for
		// anything.
	case qn&standby != 0 && t.serving[t.active[s]], qn&standby == 0 && serving >= int32(qn&quorumMask):
		// Its placement holds without the replicas not serving.
		if !t.tailUntimed(ts, i) {
			return false
		}
	default:
		first, ok := t.tailReplicas(ts, i)
		if !ok {
			return false
		}
		// Of a single replica or a quorum of one, the first to serve
		// (a replica running serves already, or never: isolated).
		base = first
		if qn&standby != 0 || qn&quorumMask > 1 {
			if base, ok = t.tailPlacement(s, ts); !ok {
				return false
			}
		}
	}
	// Indexed rather than sliced, as in tailUntimed.
	up, upAt, hard := base, tl.upAt, tl.plan.hard
	grp0 := ts.hard0 + int32(ts.nsvc)
	for j := ts.hard0; j < grp0; j++ {
		up = max(up, upAt[hard[j]])
	}
	for j, end := grp0, grp0+int32(ts.ngrp); j < end; {
		h := -1 - hard[j]
		n := h & groupLen
		up = max(up, t.tailGroupOf(hard[j+1:j+1+n], h>>groupBits))
		j += 1 + n
	}
	upAt[s] = up
	return true
}

// tailPlacement is when the placement of s, down, active-standby or of a
// quorum above one, is back, its replicas timed.
func (t *Trial) tailPlacement(s int32, ts *tailSvc) (when, bool) {
	tl := &t.tail
	if ts.qn&standby != 0 {
		return t.tailFailover(s, ts)
	}
	base := never
	q := tl.quorum[:0]
	for r, end := ts.rep0, ts.rep1(); r < end; r++ {
		q = append(q, t.serveTime(r))
	}
	if k := int(ts.quorum()); k <= len(q) {
		slices.Sort(q)
		base = q[k-1]
	}
	tl.quorum = q
	return base, true
}

// tailGroup is when any-group g has need members up.
func (t *Trial) tailGroup(g *tailGrp) when {
	return t.tailGroupOf(t.c.AnyMembers[g.AnyOff:g.AnyOff+g.AnyLen], g.Need)
}

// tailGroupOf is when need services of members are up.
func (t *Trial) tailGroupOf(members []int32, need int32) when {
	tl := &t.tail
	upAt := tl.upAt
	if need == 1 {
		w := never
		for _, m := range members {
			w = min(w, upAt[m])
		}
		return w
	}
	q := tl.quorum[:0]
	for _, m := range members {
		q = append(q, upAt[m])
	}
	tl.quorum = q
	if int(need) > len(q) {
		return never
	}
	if need <= 0 {
		return already
	}
	slices.Sort(q)
	return q[need-1]
}

// tailProceed is when replica r, waiting at its start gate, starts
// running: it proceeds at its break-glass deadline (a deadlock) if that
// comes no later than its needs (evGate is applied before the instant
// settles), else when its needs are up.
func (t *Trial) tailProceed(r int32, cs *graph.CService, deadline, needs when) when {
	if deadline != never && deadline <= needs {
		t.tail.deadlock = true
		return t.tailRestart(r, cs, deadline)
	}
	return t.tailRestart(r, cs, needs)
}

// tailRestart is when replica r, passing its gate at p with its tooling
// up, is running again: its next automated restart (proceed, startRestart).
func (t *Trial) tailRestart(r int32, cs *graph.CService, p when) when {
	if p == never {
		return never
	}
	d := t.draw(&cs.Restart.Auto, t.c.Replicas[r].Key, pRestartAuto, uint64(t.nStart[r]))
	return t.after(p, d)
}

// tailFailover is when active-standby service s, down, has its placement
// back: its active replica serves again, or a failover to a serving one
// completes (checkFailover, failoverDone), with the failovers' draws and
// crews. Without a load there is no fail-back.
func (t *Trial) tailFailover(s int32, ts *tailSvc) (when, bool) {
	tl := &t.tail
	a := t.active[s]
	if t.serving[a] {
		return already, true // down for a dependency
	}
	running := t.foState[s] == foRunning
	target, done, manual := t.foTarget[s], tl.foDoneAt[s], t.foManual[s]
	tl.foDoneAt[s] = never
	if t.foState[s] == foCrew {
		return never, false
	}
	n := t.nFailover[s]
	for range 4 * (int(ts.nrep) + 1) {
		back := t.serveTime(a)
		if running {
			if back < done {
				// The active replica serves first: the failover is
				// cancelled in that instant's decisions.
				if manual {
					tl.releases = append(tl.releases, tailRelease{back >> roundBits, graph.JobFailover(target)})
				}
				return back, true
			}
			if done == never {
				return never, true // the crew, if any, is held to H
			}
			if manual {
				tl.releases = append(tl.releases, tailRelease{done >> roundBits, graph.JobFailover(target)})
			}
			// failoverDone sees serving as it was before its instant
			// settled.
			if t.serveTime(target) < done {
				return done, true
			}
			running, manual = false, false
			if back <= done {
				return back, true
			}
			// Wasted: checkFailover starts over after the instant settles.
			if !t.tailBeginFailover(s, ts, done, &n, &target, &done) {
				continue // nothing serves yet
			}
			running = true
			continue
		}
		// No failover under way: the first replica to serve decides.
		next := never
		for r, end := ts.rep0, ts.rep1(); r < end; r++ {
			next = min(next, t.serveTime(r))
		}
		if next == never {
			return never, true
		}
		if next == already {
			return never, false // a replica serves and no failover runs: not settled
		}
		if back <= next {
			return back, true
		}
		if !t.tailBeginFailover(s, ts, next, &n, &target, &done) {
			return never, false // cannot be: a replica serves at next
		}
		running = true
	}
	return never, false
}

// tailBeginFailover starts, at w, a failover of s toward its first replica
// other than the active one that serves by w, automated (the tooling is
// up), and reports whether one serves.
func (t *Trial) tailBeginFailover(s int32, ts *tailSvc, w when, n *uint32, target *int32, done *when) bool {
	for r, end := ts.rep0, ts.rep1(); r < end; r++ {
		if r != t.active[s] && t.serveTime(r) <= w {
			cs := &t.c.Services[s]
			d := t.draw(&cs.Failover.Auto, cs.Key, pFailoverAuto, uint64(*n))
			*n++
			*target, *done = r, t.after(w, d)
			return true
		}
	}
	*done = never
	return false
}

// tailSoft is when every soft dependency and soft any-group of sf is
// satisfied: the end of its degraded spell.
func (t *Trial) tailSoft(sf *tailSoft) when {
	p := t.tail.plan
	w, upAt := already, t.tail.upAt
	for i := sf.soft0; i < sf.soft1; i++ {
		if d := p.softDeps[i]; d >= 0 {
			w = max(w, upAt[d])
		} else {
			w = max(w, t.tailGroup(&p.grp[-1-d]))
		}
	}
	return w
}

// tailCommit writes what the instants of the tail would have written: the
// services that come up, the degraded spells that end, the crews
// released, the curve and the integral of people cut off, leaving the
// state at H for finish.
func (t *Trial) tailCommit() {
	c := t.c
	tl := &t.tail
	o := &t.out
	if tl.deadlock {
		o.Deadlock = true
	}
	t0 := t.now
	for _, rl := range tl.releases {
		t.now = rl.t
		t.release(rl.job)
	}
	t.now = t0
	// Each change counts at the first curve point at or after it
	// (recordGrid records a point once the instants up to it are done).
	cv := tailCurve{grid: t.grid, g0: t.nextGrid, points: int64(len(t.grid) - 1), h: t.H, uniform: tl.plan.uniform}
	pts := tl.points
	clear(pts[cv.g0:])
	// While no more than people are cut off, min(people, users down) is
	// users down, and its integral is a sum over the services; beyond,
	// the changes are put in time order.
	ordered := t.people > 0 && t.downUsers > t.people
	ch := tl.changes[:0]
	n := len(c.Services)
	up, degraded, upAt := t.up[:n], t.degraded[:n], tl.upAt[:n]
	degUsers := t.degUsers
	// degrade starts (u > 0) or ends (u < 0) at ms a degraded spell of
	// u users.
	degrade := func(ms, u int64) {
		degUsers += u
		pts[cv.at(ms)].deg += u
		if ordered {
			ch = append(ch, tailChange{t: ms})
		}
	}
	// endSoft ends at soft the degraded spell of sf.
	endSoft := func(sf *tailSoft, soft when) {
		if soft == never {
			return // degraded at H: finish closes the spell
		}
		ms := soft >> roundBits
		s := sf.s
		degraded[s] = false
		d := ms - t.degSince[s]
		o.Degraded[s] += d
		if d > 0 {
			o.Restored[s] = ms
		}
		degrade(ms, -sf.users)
	}
	// The services that can be degraded: the spells of those up end, and
	// those that come up may be degraded for a spell. (The changes are
	// summed in integers, in any order.)
	for _, sf := range tl.plan.soft {
		s := sf.s
		if up[s] {
			if degraded[s] {
				endSoft(&sf, t.tailSoft(&sf))
			}
			continue
		}
		at := upAt[s]
		if at == never {
			continue
		}
		soft := t.tailSoft(&sf)
		if soft <= at {
			continue // up with its soft dependencies
		}
		ms := at >> roundBits
		degraded[s] = true
		t.degSince[s] = ms
		degrade(ms, sf.users)
		endSoft(&sf, soft)
	}
	// The services down come up, in a loop of their own (tailUps): this
	// one's closures keep the values they share in memory.
	downCount, downUsers, ch := t.tailUps(&cv, pts, ordered, ch, t0)
	// The curve, point by point, from the state at each: where nothing
	// changed, the figures are those of the point before.
	end := len(cv.grid) // the points up to H: all of a uniform grid
	if !cv.uniform {
		end = cv.g0
		for end < len(cv.grid) && cv.grid[end] <= t.H {
			end++
		}
	}
	if end > cv.g0 {
		curveUp, curveUsers := o.CurveUp[cv.g0:end], o.CurveUsers[cv.g0:end]
		changes := pts[cv.g0:end]
		var curUp int32
		var curUsers int64
		for i := range changes {
			if pt := &changes[i]; i == 0 || *pt != (tailPoint{}) {
				t.downCount += pt.down
				t.downUsers += pt.users
				t.degUsers += pt.deg
				curUp, curUsers = int32(n)-t.downCount, t.usersServedPPB()
			}
			curveUp[i], curveUsers[i] = curUp, curUsers
		}
		t.nextGrid = end
	}
	t.downCount, t.downUsers, t.degUsers = downCount, downUsers, degUsers
	// finish adds the users still down from t.now to H.
	if ordered {
		slices.SortFunc(ch, func(a, b tailChange) int { return cmp.Compare(a.t, b.t) })
		users := downUsers - sumUsers(ch)
		for i := 0; i < len(ch); {
			at := ch[i].t
			t.personMs.addMul(min(t.people, users), at-t.now)
			t.now = at
			for ; i < len(ch) && ch[i].t == at; i++ {
				users += ch[i].users
			}
		}
		tl.changes = ch
	}
	t.events.reset()
}

// tailUps brings up the services down that the pass timed, from t0 on. It
// returns the services and users down then and the changes, with those
// of the services when ordered.
func (t *Trial) tailUps(cv *tailCurve, pts []tailPoint, ordered bool, ch []tailChange, t0 int64) (int32, int64, []tailChange) {
	tl := &t.tail
	o := &t.out
	// The loop reads the slices through locals of one length: one bounds
	// check a service rather than one a slice.
	n := len(t.up)
	up, upAt, downSince := t.up[:n], tl.upAt[:n], t.downSince[:n]
	downtime, lastUp, restored := o.Downtime[:n], o.LastUp[:n], o.Restored[:n]
	downCount, downUsers := t.downCount, t.downUsers
	people := t.people > 0 && !ordered
	for _, e := range tl.down {
		s := e.s
		at := upAt[s]
		if at == never {
			continue
		}
		ms := at >> roundBits
		d := ms - downSince[s]
		downtime[s] += d
		if d > int64(e.rto) && (e.rto < bigRTO || t.tailBreach(s, d)) {
			o.RTOBreach[s] = true
		}
		// Restored was set at or before now, or after ms above, by the
		// end of a degraded spell following its coming up.
		lastUp[s], restored[s] = ms, max(restored[s], ms)
		up[s] = true
		users := int64(e.users)
		if e.users == bigUsers {
			users = t.svcOut[s].users
		}
		downCount--
		downUsers -= users
		pt := &pts[cv.at(ms)]
		pt.down--
		pt.users -= users
		if ordered {
			ch = append(ch, tailChange{t: ms, users: -users})
		} else if people {
			t.personMs.addMul(users, ms-t0)
		}
	}
	return downCount, downUsers, ch
}

// tailBreach reports whether a downtime d of s breaches its RTO, which its
// row does not hold.
func (t *Trial) tailBreach(s int32, d int64) bool {
	return d > t.svcOut[s].rto
}

// tailCurve finds the curve point a change of the tail first counts at.
type tailCurve struct {
	grid      []int64
	g0        int // the first point not yet recorded
	points, h int64
	uniform   bool
}

// at is the first point at or after ms, from g0 on.
func (cv *tailCurve) at(ms int64) int {
	if cv.uniform {
		// grid[k] = ⌊k·H/points⌋ ≥ ms ⟺ k ≥ ms·points/H.
		return max(cv.g0, int((ms*cv.points+cv.h-1)/cv.h))
	}
	return cv.search(ms)
}

// search finds at by bisection on a grid that is not uniform.
func (cv *tailCurve) search(ms int64) int {
	lo, hi := cv.g0, len(cv.grid)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if cv.grid[m] < ms {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func sumUsers(ch []tailChange) int64 {
	var s int64
	for _, x := range ch {
		s += x.users
	}
	return s
}

// A tailEvent is a happening of a cycle's replicas in tailCycle.
type tailEvent struct {
	w    when
	r    int32
	kind uint8
}

// Kinds of tailEvent.
const (
	tailRun      uint8 = iota // the replica's restart completes
	tailOn                    // a stage powers it on
	tailDeadline              // its break-glass deadline
	tailTick                  // something outside the cycle comes up
	tailFoDone                // a failover completes (r is the service)
)

// tailCycle finds the times of the services of a component whose members
// wait on each other (hard dependencies or start needs in a cycle), by
// stepping through its own happenings in time order as Run's loop would:
// each step applies the happenings of one round, raises the greatest set of
// members that can be up (settle), then lets replicas pass their start gate
// (decide). Times outside the component are known. It gives up on an
// active-standby member that is down.
func (t *Trial) tailCycle(members []int32) bool {
	c := t.c
	tl := &t.tail
	ev := tl.events[:0]
	push := func(w when, r int32, kind uint8) {
		if w != never {
			ev = append(ev, tailEvent{w, r, kind})
		}
	}
	for _, s := range members {
		tl.upAt[s] = already
		if !t.up[s] {
			tl.upAt[s] = never
		}
		tl.inCycle[s] = true
		if c.Services[s].Mode == graph.ActiveStandby {
			if t.foState[s] == foCrew {
				return false
			}
			tl.act[s], tl.foRun[s], tl.foTgt[s], tl.foMan[s], tl.foN[s] = t.active[s], t.foState[s] == foRunning, t.foTarget[s], t.foManual[s], t.nFailover[s]
			tl.foAt[s], tl.foDoneAt[s] = tl.foDoneAt[s], never
			if tl.foRun[s] {
				push(tl.foAt[s], s, tailFoDone)
			}
		}
	}
	defer func() {
		for _, s := range members {
			tl.inCycle[s] = false
		}
	}()
	for _, s := range members {
		for r := c.RepOff[s]; r < c.RepOff[s+1]; r++ {
			tl.wait[r] = false
			if t.phase[r] == phRunning {
				continue
			}
			at := tl.pend[r]
			tl.pend[r] = never
			switch t.phase[r] {
			case phRestart:
				push(at, r, tailRun) // its crew released by tailEvents
			case phGate:
				if !t.gateWaiting[r] {
					return false
				}
				tl.wait[r] = true
				push(at, r, tailDeadline)
			case phOff:
				push(at, r, tailOn)
			default:
				return false
			}
			tl.serveAt[r] = never
		}
		tick := func(u int32) {
			if !tl.inCycle[u] && tl.upAt[u] != already {
				push(tl.upAt[u], -1, tailTick)
			}
		}
		for _, u := range c.Start[c.StartOff[s]:c.StartOff[s+1]] {
			tick(u)
		}
		for _, d := range t.hard[t.hardOff[s]:t.hardOff[s+1]] {
			if d >= 0 {
				tick(d)
				continue
			}
			g := &c.Deps[-1-d]
			for _, m := range c.AnyMembers[g.AnyOff : g.AnyOff+g.AnyLen] {
				tick(m)
			}
		}
	}
	powered := tl.powered[:0]
	for len(ev) > 0 {
		w := never
		for _, e := range ev {
			w = min(w, e.w)
		}
		powered = powered[:0]
		rest := ev[:0]
		// Apply the round's happenings; a forced start is taken when
		// its evGate is applied, before the round settles.
		for _, e := range ev {
			if e.w != w {
				rest = append(rest, e)
				continue
			}
			switch e.kind {
			case tailRun:
				if t.isolated[c.Replicas[e.r].Site] == 0 {
					tl.serveAt[e.r] = w
				}
			case tailOn:
				powered = append(powered, e.r)
			case tailFoDone:
				// failoverDone, seeing serving as it was before the
				// round settles.
				if s := e.r; tl.foRun[s] && tl.foAt[s] == w {
					if tl.foMan[s] {
						tl.releases = append(tl.releases, tailRelease{w >> roundBits, graph.JobFailover(tl.foTgt[s])})
					}
					tl.foRun[s], tl.foMan[s] = false, false
					if t.serveTime(tl.foTgt[s]) < w {
						tl.act[s] = tl.foTgt[s]
					}
				}
			case tailDeadline:
				if tl.wait[e.r] {
					tl.wait[e.r] = false
					tl.deadlock = true
					s := c.Replicas[e.r].Service
					if run := t.tailRestart(e.r, &c.Services[s], w); run != never {
						rest = append(rest, tailEvent{run, e.r, tailRun})
					}
				}
			}
		}
		ev = rest
		t.tailRaise(members, w)
		// checkFailover of the active-standby members.
		for _, s := range members {
			if c.Services[s].Mode != graph.ActiveStandby {
				continue
			}
			if t.serveTime(tl.act[s]) <= w {
				if tl.foRun[s] {
					if tl.foMan[s] {
						tl.releases = append(tl.releases, tailRelease{w >> roundBits, graph.JobFailover(tl.foTgt[s])})
					}
					tl.foRun[s], tl.foMan[s] = false, false
				}
				continue
			}
			if tl.foRun[s] {
				continue
			}
			for r := c.RepOff[s]; r < c.RepOff[s+1]; r++ {
				if r != tl.act[s] && t.serveTime(r) <= w {
					d := t.draw(&c.Services[s].Failover.Auto, c.Services[s].Key, pFailoverAuto, uint64(tl.foN[s]))
					tl.foN[s]++
					tl.foRun[s], tl.foTgt[s], tl.foAt[s] = true, r, t.after(w, d)
					push(tl.foAt[s], s, tailFoDone)
					break
				}
			}
		}
		// Decide: waiting replicas whose needs are up start; those
		// powered now start or begin to wait.
		for _, s := range members {
			if !t.tailNeedsUp(s, w) {
				continue
			}
			for r := c.RepOff[s]; r < c.RepOff[s+1]; r++ {
				if tl.wait[r] {
					tl.wait[r] = false
					push(t.tailRestart(r, &c.Services[s], w), r, tailRun)
				}
			}
		}
		for _, r := range powered {
			s := c.Replicas[r].Service
			if t.tailNeedsUp(s, w) {
				push(t.tailRestart(r, &c.Services[s], w), r, tailRun)
				continue
			}
			tl.wait[r] = true
			bg := t.draw(&c.BreakGlass, c.Replicas[r].Key, pBreakGlass, uint64(t.nOn[r]+1))
			push(t.after(w, bg), r, tailDeadline)
		}
	}
	tl.events, tl.powered = ev, powered
	return true
}

// tailNeedsUp reports whether every start need of s is up at w.
func (t *Trial) tailNeedsUp(s int32, w when) bool {
	c := t.c
	for _, u := range c.Start[c.StartOff[s]:c.StartOff[s+1]] {
		if t.tail.upAt[u] > w {
			return false
		}
	}
	return true
}

// tailRaise brings up at w the greatest set of the cycle's members that
// are down, have their placement by w and whose hard dependencies are up
// or in the set (raiseCycle).
func (t *Trial) tailRaise(members []int32, w when) {
	c := t.c
	tl := &t.tail
	for _, s := range members {
		if tl.upAt[s] != never {
			continue
		}
		cs := &c.Services[s]
		ok := false
		switch cs.Mode {
		case graph.Single:
			ok = t.serveTime(c.RepOff[s]) <= w
		case graph.ActiveStandby:
			ok = t.serveTime(tl.act[s]) <= w
		default:
			n := int32(0)
			for r := c.RepOff[s]; r < c.RepOff[s+1]; r++ {
				if t.serveTime(r) <= w {
					n++
				}
			}
			ok = n >= cs.Quorum
		}
		tl.cand[s] = ok
	}
	upBy := func(x int32) bool { return tl.upAt[x] <= w || tl.inCycle[x] && tl.upAt[x] == never && tl.cand[x] }
	for changed := true; changed; {
		changed = false
		for _, s := range members {
			if tl.upAt[s] != never || !tl.cand[s] {
				continue
			}
			for _, d := range t.hard[t.hardOff[s]:t.hardOff[s+1]] {
				ok := true
				if d >= 0 {
					ok = upBy(d)
				} else {
					g := &c.Deps[-1-d]
					n := int32(0)
					for _, m := range c.AnyMembers[g.AnyOff : g.AnyOff+g.AnyLen] {
						if upBy(m) {
							n++
						}
					}
					ok = n >= g.Need
				}
				if !ok {
					tl.cand[s], changed = false, true
					break
				}
			}
		}
	}
	for _, s := range members {
		if tl.upAt[s] == never && tl.cand[s] {
			tl.upAt[s], tl.cand[s] = w, false
		}
	}
}
