package sim

import (
	"math"

	"github.com/dominosim/domino/graph"
)

// Making a Trial's state once, and putting it back as at t = 0 before
// every trial (restore, in snapshot.go, does the same from the snapshot).

func newTrial(c *graph.Compiled, grid []int64) *Trial {
	nr, ns, nx := len(c.Replicas), len(c.Services), len(c.Sites)
	t := &Trial{c: c, H: c.Horizon, grid: grid, world: noWorld(), firstInstant: firstInstant{changed: chAll}}
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
	t.failoverState = newFailoverState(ns)
	t.curCause = make([]int32, ns)
	t.servedCap = make([]int64, ns)
	t.load = make([]int64, ns)
	t.mode = make([]graph.Mode, ns)
	t.svcOut = make([]tailOut, ns)
	for s := range c.Services {
		t.load[s], t.mode[s] = c.Services[s].Load, c.Services[s].Mode
		t.svcOut[s] = tailOut{users: c.Services[s].Users, rto: c.Services[s].RTO}
		if t.svcOut[s].rto < 0 {
			t.svcOut[s].rto = math.MaxInt64
		}
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
		for _, d := range c.RevHard[c.RevHardOff[u]:c.RevHardOff[u+1]] {
			if c.SCC[d] >= 0 {
				t.lists[u] |= hasCycDep
			}
		}
		// SetWorld may take a load away (the perfect service's), never
		// give one: without a load here, there is none in any world.
		if c.Services[u].Mode == graph.ActiveStandby && c.Services[u].Load == 0 {
			t.lists[u] |= standbyOnly
		}
	}
	t.depGroup = make([]int32, len(c.Deps))
	for i := range c.Deps {
		t.depGroup[i] = -1
		if c.Deps[i].Service < 0 {
			t.depGroup[i] = int32(len(t.groupNeed))
			t.groupNeed = append(t.groupNeed, c.Deps[i].Need)
		}
	}
	t.hardOff, t.softOff = make([]int32, ns+1), make([]int32, ns+1)
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
		for i, d := range deps {
			switch {
			case d.Soft && d.Service >= 0:
				t.soft = append(t.soft, d.Service)
			case d.Soft:
				t.soft = append(t.soft, -1-t.depGroup[c.DepOff[s]+int32(i)])
			}
		}
		t.softOff[s+1] = int32(len(t.soft))
	}
	t.makeCounts()
	t.toolBit, t.toolMask = make([]uint8, ns), make([]uint64, ns)
	tools := 0
	for u := range ns {
		if c.RevToolOff[u] < c.RevToolOff[u+1] {
			t.toolBit[u] = uint8(tools % 64)
			tools++
		}
	}
	t.toolsShared = tools > 64
	for s := range ns {
		for _, u := range c.Tool[c.ToolOff[s]:c.ToolOff[s+1]] {
			t.toolMask[s] |= 1 << t.toolBit[u]
		}
	}
	t.toolOf = make([][]uint64, ns)
	words := (ns + 63) / 64
	for u := range ns {
		users := c.RevTool[c.RevToolOff[u]:c.RevToolOff[u+1]]
		if len(users) <= words {
			continue
		}
		t.toolOf[u] = make([]uint64, words)
		for _, s := range users {
			t.toolOf[u][s>>6] |= 1 << (s & 63)
		}
	}
	t.outcomeMark = make([]bool, ns)
	t.recoveryTables = newRecoveryTables(c)

	nj := c.NumJobs()
	t.holdPos = make([]int32, nj)
	t.waitN = make([]int32, ns)
	t.waiting = make([]uint64, words)
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

func newFailoverState(ns int) failoverState {
	return failoverState{
		foState:   make([]foState, ns),
		foTarget:  make([]int32, ns),
		foManual:  make([]bool, ns),
		foGen:     make([]uint32, ns),
		nFailover: make([]uint32, ns),
		foBack:    make([]bool, ns),
	}
}

// Bits of Trial.lists: the service's list is not empty.
const (
	hasStart    uint8 = 1 << iota // Start: its start needs
	hasRevStart                   // RevStart: services it is a start need of
	hasRevTool                    // RevTool: services it is tooling of
	hasRevSoft                    // RevSoft: its soft dependents
	hasRevHard                    // RevHard: its hard dependents
	hasSoftDep                    // Deps has a soft one: it can be degraded
	hasCycDep                     // RevHard has a member of a cycle
	standbyOnly                   // active-standby without a load: only the active replica counts
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
	anyCnt     []int32
	hardDown   []int32
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
	in.anyCnt, in.hardDown = make([]int32, len(t.groupNeed)), make([]int32, ns)
	t.countUp(in.allTrueS, in.anyCnt, in.hardDown)
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
	t.changed = chAll // the arrays are no longer the snapshot's
	t.tail.unsupported, t.tail.tried, t.tail.taken, t.toolSvcDown = 0, false, false, 0
	t.toolDown, t.toolDownN = 0, [64]int32{}
	if t.Trace != nil {
		t.Trace.reset(len(c.Services))
	}
	t.events.reset()
	t.queue.reset()
	clear(t.waitN)
	clear(t.waiting)
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
	// The gens are not reset: only their changes within a trial count
	// (restore, in snapshot.go).

	copy(t.prefix, in.prefix)
	for x, out := range t.siteOut {
		if len(out) > 0 {
			t.siteOut[x] = out[:0]
		}
	}
	clear(t.isolated)
	clear(t.siteFailed)
	clear(t.nSiteFail)
	t.outages = t.outages[:0]

	clear(t.fault)
	copy(t.active, in.active)
	copy(t.servingCnt, in.servingCnt)
	copy(t.baseOK, in.allTrueS)
	copy(t.up, in.allTrueS)
	copy(t.anyCnt, in.anyCnt)
	copy(t.hardDown, in.hardDown)
	clear(t.degraded)
	clear(t.foState)
	clear(t.foManual)
	clear(t.nFailover)
	clear(t.foTarget)
	clear(t.curCause)
	clear(t.foBack)
	if len(t.loaded) > 0 {
		// Without a load nothing is shed: the impact segments and the shed
		// figures never leave their zeros (markSeg, finish). Nor is
		// servedCap read (capacity is asked only of a service with a load).
		copy(t.servedCap, in.servedCap)
		clear(t.segDeg)
		copy(t.segLack, in.segLack)
		clear(t.segSince)
		clear(t.shedNum)
		clear(t.degShedNum)
		clear(t.out.Shed)
		clear(t.out.Partial)
		clear(t.out.DegradedShed)
	}
	clear(t.outcomeMark)
	t.out.Touched = t.out.Touched[:0]
	t.shedLost = in.shedLost
	for _, h := range t.held {
		t.holdPos[h.job] = -1
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
	clear(o.Restored)
	o.FullRestored, o.Unrestored = 0, false
	o.FullRecovery, o.Unrecovered, o.PeakDown, o.UserMilliHours, o.Cost, o.CrewMs, o.CrewWaitMs, o.Deadlock = 0, false, 0, 0, 0, 0, 0, false
	o.Start, o.PeakPeople, o.PersonMilliHours = 0, 0, 0
}
