package sim

import (
	"math"
	"math/bits"
	"slices"

	"github.com/dominosim/domino/graph"
)

// recordGrid records the state for every curve point before time until.
// Most instants have none before them, which this checks without a call.
func (t *Trial) recordGrid(until int64) {
	if t.nextGrid < len(t.grid) && t.grid[t.nextGrid] < until {
		t.recordPoints(until)
	}
}

// recordPoints records the points before until. The state is the same at
// all of them, so its figures are computed once.
func (t *Trial) recordPoints(until int64) {
	up, users := int32(len(t.c.Services))-t.downCount, t.usersServedPPB()
	grid, k, H := t.grid, t.nextGrid, t.H
	curveUp, curveUsers := t.out.CurveUp, t.out.CurveUsers
	for k < len(grid) && grid[k] < until && grid[k] <= H {
		curveUp[k], curveUsers[k] = up, users
		k++
	}
	t.nextGrid = k
}

// usersServedPPB is the fraction of users served now, in parts per billion:
// users of down services are not served, those of degraded ones count
// (1 − soft_weight).
func (t *Trial) usersServedPPB() int64 {
	if t.totalUsers == 0 {
		return 1e9
	}
	lost := float64(t.downUsers) + t.c.SoftWeight*float64(t.degUsers) + t.shedLost
	return int64(math.Round(1e9 * (1 - lost/float64(t.totalUsers))))
}

// finish closes the outages and holds still open at the horizon and
// computes the trial's platform figures (docs/model.md §8).
func (t *Trial) finish() {
	H := t.H
	o := &t.out
	o.CrewWaitMs += int64(t.queue.n) * (H - t.now)
	if t.people > 0 {
		t.personMs.addMul(min(t.people, t.downUsers), H-t.now)
		o.PeakPeople = min(t.people, t.peakDownUsers)
		o.PersonMilliHours = milliHours(t.personMs)
	}
	t.now = H
	for len(t.held) > 0 {
		t.release(t.held[len(t.held)-1].job)
	}
	for _, s := range t.loaded {
		// Close every impact segment at H.
		if d := H - t.segSince[s]; t.segLack[s] > 0 && d > 0 {
			t.shedNum[s].addMul(t.segLack[s], d)
			if t.segDeg[s] {
				t.degShedNum[s].addMul(t.segLack[s], d)
			}
			o.Partial[s] = true
		}
		if t.segLack[s] > 0 {
			t.markTouched(s)
			o.Restored[s] = H // shedding at H: not back to normal
		}
	}
	// An untouched service adds zeros below (it is up, not degraded,
	// never shed): the loops walk the touched ones, in ascending order.
	// Every service is touched in a large outage, and one loop over all
	// the figures keeps more slices than there are registers: each loop
	// reads a few, through locals of one length (no bounds checks).
	touched := t.sortTouched()
	atEnd := t.closeAtH(touched)
	start, last, fullRestored := t.times(touched)
	// The last down→up of a service, unless one is still down at H.
	fullRecovery, unrecovered := o.FullRecovery, o.Unrecovered
	if !unrecovered {
		fullRecovery = max(fullRecovery, last)
	}
	if atEnd {
		fullRecovery, unrecovered = H, true
	}
	// Recovery is measured from the first disruption (docs/model.md,
	// headline figures): with a `rate:` event that strikes late in the
	// horizon, from t = 0 it would count the quiet months before it.
	if start == H {
		start = 0 // nothing went down: fullRecovery is 0
	}
	o.Start, o.FullRecovery, o.Unrecovered = start, fullRecovery-start, unrecovered
	// Back to normal from the same instant; a service that shed load or
	// was degraded only before the first outage was normal by then.
	o.FullRestored, o.Unrestored = max(0, fullRestored-start), fullRestored == H
	var userMs wide
	var degUserMs, cost float64
	if t.totalsShort.short && len(t.loaded) == 0 {
		userMs, degUserMs, cost = t.shortTotals(touched)
	} else {
		userMs, degUserMs, cost = t.totals(touched)
	}
	// user-hours × 1000 = user-ms / 3600.
	um := int64(math.MaxInt64)
	if userMs.hi < 3600 {
		q, _ := bits.Div64(userMs.hi, userMs.lo, 3600)
		um = int64(min(q, math.MaxInt64/2))
	}
	o.UserMilliHours = um + toTotal(degUserMs/3600)
	o.Cost = toTotal(cost)
}

// closeAtH closes the outages and degraded spells still open at H: a
// service down or degraded then is not back to normal (Restored = H). It
// reports whether a service is down at H. Few are down or degraded then,
// in most trials none: a first loop only looks, without the call that
// would keep its loop variables on the stack.
func (t *Trial) closeAtH(touched []int32) (atEnd bool) {
	n := len(t.c.Services)
	up, degraded := t.up[:n], t.degraded[:n]
	open := false
	for _, x := range touched {
		s := int(uint32(x))
		if s >= n {
			panic("sim: touched service out of range")
		}
		if !up[s] || degraded[s] {
			open = true
			break
		}
	}
	if !open {
		return false
	}
	o := &t.out
	H := t.H
	for _, s := range touched {
		if !t.up[s] {
			d := H - t.downSince[s]
			o.Downtime[s] += d
			if rto := t.c.Services[s].RTO; rto >= 0 && d > rto {
				o.RTOBreach[s] = true
			}
			o.DownAtEnd[s] = true
			t.changed |= chAtEnd
			atEnd = atEnd || o.FirstDown[s] >= 0
		}
		if t.degraded[s] {
			o.Degraded[s] += H - t.degSince[s]
		}
		if !t.up[s] || t.degraded[s] {
			o.Restored[s] = H
		}
	}
	return atEnd
}

// times returns the first outage's start (H if none), the last down→up
// of a service, and the last time a service that left normal was back to
// normal (Outcome.Restored). A service that never went down has LastUp 0,
// and one that never left normal Restored 0 (Outcome; checkOutcome checks
// both): the maxima take every touched service, without a branch.
func (t *Trial) times(touched []int32) (start, last, restored int64) {
	o := &t.out
	n := len(t.c.Services)
	firstDown, lastUp, rest := o.FirstDown[:n], o.LastUp[:n], o.Restored[:n]
	// Unsigned, −1 (never down) is above every time.
	first := uint64(t.H)
	restored = o.FullRestored
	for _, x := range touched {
		s := int(uint32(x))
		if s >= n {
			panic("sim: touched service out of range")
		}
		first = min(first, uint64(firstDown[s]))
		last = max(last, lastUp[s])
		restored = max(restored, rest[s])
	}
	return int64(first), last, restored
}

// totals returns the trial's user-ms of downtime (a 128-bit number), the
// user-ms of degraded time and the money lost, and sets the services'
// shed figures, which count in full (docs/model.md §11).
func (t *Trial) totals(touched []int32) (userMs wide, degUserMs, cost float64) {
	c := t.c
	o := &t.out
	// Only the services with a load shed (markSeg): without any, their
	// figures are zero.
	shedding := len(t.loaded) > 0
	for _, s := range touched {
		cs := &c.Services[s]
		userMs.addMul(cs.Users, o.Downtime[s])
		// Degraded time counts soft_weight of the users still served (φ);
		// shed load counts in full (docs/model.md §11).
		deg, shed := float64(o.Degraded[s]), 0.0
		// Degraded shed is part of shed: none shed, none to divide.
		if shedding && t.shedNum[s] != (wide{}) {
			var degShed float64
			o.Shed[s], shed = t.shedNum[s].div(cs.Load)
			o.DegradedShed[s], degShed = t.degShedNum[s].div(cs.Load)
			deg -= degShed
		}
		degUserMs += float64(cs.Users) * (c.SoftWeight*deg + shed)
		cost += cs.CostPerHour * (float64(o.Downtime[s]) + shed) / float64(graph.Hour)
	}
	return userMs, degUserMs, cost
}

// shortTotals is totals on a platform without a load, where nothing is
// shed, on which totalsPlan allows its shortcuts: user-ms summed in an
// int64, and the terms of the float sums that are zero left out. x + 0
// is x for every x but −0, and neither sum is ever −0: it starts at +0,
// and a sum rounds to −0 only from two −0.
func (t *Trial) shortTotals(touched []int32) (userMs wide, degUserMs, cost float64) {
	c := t.c
	n := len(c.Services)
	// The users and cost of every service, 16 bytes each rather than a
	// cache line or two of graph.Service.
	money := t.totalsShort.money[:n]
	downtime, degTime := t.out.Downtime[:n], t.out.Degraded[:n]
	sw := c.SoftWeight
	var sum int64
	for _, x := range touched {
		s := int(uint32(x))
		if s >= n {
			panic("sim: touched service out of range")
		}
		m := money[s]
		dt := downtime[s]
		sum += m.users * dt
		// The terms of totals with shed = 0.
		if dg := degTime[s]; dg != 0 {
			degUserMs += float64(m.users) * (sw*float64(dg) + 0.0)
		}
		if dt != 0 && m.cost != 0 {
			cost += m.cost * (float64(dt) + 0.0) / float64(graph.Hour)
		}
	}
	return wide{lo: uint64(sum)}, degUserMs, cost
}

// totalsPlan says whether shortTotals may take its shortcuts on this
// platform: Σ users × H is below 2⁶³, and soft_weight and every
// cost_per_hour are finite, so that a term with a factor 0 is 0. The
// loader checks all three, a program building a platform may not have. A
// trial's downtime is at most H.
type totalsPlan struct {
	short bool
	money []svcMoney // by service, when short
}

// newTotalsPlan works out the totalsPlan of c over the horizon H.
func newTotalsPlan(c *graph.Compiled, H int64) totalsPlan {
	ok := !math.IsNaN(c.SoftWeight) && !math.IsInf(c.SoftWeight, 0)
	var users wide
	for i := range c.Services {
		cs := &c.Services[i]
		ok = ok && !math.IsNaN(cs.CostPerHour) && !math.IsInf(cs.CostPerHour, 0) && cs.Users >= 0
		users.addMul(max(cs.Users, 0), H)
	}
	if !ok || users.hi != 0 || users.lo >= 1<<63 {
		return totalsPlan{}
	}
	money := make([]svcMoney, len(c.Services))
	for i := range c.Services {
		cs := &c.Services[i]
		money[i] = svcMoney{cs.Users, cs.CostPerHour}
	}
	return totalsPlan{short: true, money: money}
}

// svcMoney is what shortTotals reads of a service.
type svcMoney struct {
	users int64
	cost  float64 // per hour
}

// sortTouched puts Touched, listed in the order the services were first
// touched, each once, in ascending order: by a sort when they are few (a
// trial of random failures), by a scan of the marks when they are many
// (a site lost).
func (t *Trial) sortTouched() []int32 {
	list, marks := t.out.Touched, t.outcomeMark
	if len(list) < len(marks)/16 {
		slices.Sort(list)
		return list
	}
	// Each service is written at the end of the list so far and kept by
	// counting it: a branch on its mark would be mispredicted as often as
	// the marks mix.
	if cap(list) < len(marks) {
		list = make([]int32, len(marks)) // once per Trial
	}
	list = list[:len(marks)]
	k := 0
	for s, touched := range marks {
		if k >= len(list) { // never (k ≤ s): it spares a bounds check
			panic("sim: more touched services than services")
		}
		list[k] = int32(s)
		k += int(b2i(touched))
	}
	t.out.Touched = list[:k]
	return t.out.Touched
}

// toTotal rounds a trial's total x ≥ 0 to an int64 of at most
// graph.MaxTrialTotal. graph.TrialTotals keeps every total below that
// bound; the clamp stands between a platform it did not see and a float
// beyond int64, which would convert to a negative number.
func toTotal(x float64) int64 {
	if !(x < graph.MaxTrialTotal) {
		return graph.MaxTrialTotal
	}
	return int64(math.Round(x))
}

// milliHours converts an integral in unit-ms to 1/1000 unit-hours (÷ 3600),
// rounded half up; beyond int64 it saturates as user-hours do.
func milliHours(w wide) int64 {
	if w.hi >= 3600 {
		return math.MaxInt64 / 2
	}
	q, _ := w.div(3600)
	return min(q, math.MaxInt64/2)
}

// destroyData applies the data loss of an outage that destroyed the data
// of its sites (docs/model.md §6.7).
func (t *Trial) destroyData(ei, k int32) {
	c := t.c
	e := &c.Events[ei]
	o := &t.out
	destroyed := func(x int32) bool {
		if x == t.world.siteUp {
			return false
		}
		for _, y := range e.Sites {
			if y == x {
				return true
			}
		}
		return false
	}
	for s := range c.Services {
		cs := &c.Services[s]
		if cs.Data == nil || int32(s) == t.world.svcUp {
			continue
		}
		hit, survivor := false, false
		for r := c.RepOff[s]; r < c.RepOff[s+1]; r++ {
			if destroyed(c.Replicas[r].Site) {
				hit = true
			} else {
				survivor = true
			}
		}
		if !hit {
			continue
		}
		n := uint64(ei)<<32 | uint64(k)
		d := cs.Data
		var loss int64
		switch {
		case survivor && d.Replication == graph.ReplicationSync:
			loss = 0
		case survivor && d.Replication == graph.ReplicationAsync:
			loss = t.draw(&d.Lag, cs.Key, pLag, n)
		case d.Backup != nil && d.Backup.Offsite:
			loss = int64(t.uniform(cs.Key, pBackup, n) * float64(d.Backup.Every))
		default:
			o.AllLost[s] = true
		}
		// Each loss is at most a duration, but a trial may destroy data
		// a million times: saturate rather than wrap.
		o.DataLoss[s] += min(loss, math.MaxInt64-o.DataLoss[s])
		t.changed |= chLoss
		t.markTouched(int32(s))
		t.trace(Record{Kind: RecDataLoss, Service: int32(s), Value: loss, Manual: o.AllLost[s]})
	}
}
