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
	c := t.c
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
		t.release(t.held[len(t.held)-1])
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
		}
	}
	var userMsHi, userMsLo uint64
	var degUserMs, cost float64
	// Every service is touched in a large outage: the loop reads the
	// slices through locals of one length, without bounds checks nor
	// reloads of their headers after each store.
	svcs := c.Services
	n := len(svcs)
	up, degraded := t.up[:n], t.degraded[:n]
	downtime, degTime, firstDown, lastUp, downAtEnd := o.Downtime[:n], o.Degraded[:n], o.FirstDown[:n], o.LastUp[:n], o.DownAtEnd[:n]
	shedNum, segLack, restored, partial := t.shedNum[:n], t.segLack[:n], o.Restored[:n], o.Partial[:n]
	fullRecovery, unrecovered := o.FullRecovery, o.Unrecovered
	fullRestored := o.FullRestored
	// Only the services with a load shed (markSeg): without any, their
	// figures are zero.
	shedding := len(t.loaded) > 0
	start := H // the first outage's start, H while none
	// An untouched service adds zeros below (it is up, not degraded,
	// never shed): the loop walks the touched ones, in ascending order.
	for _, x := range t.sortTouched() {
		s := int(uint32(x))
		if s >= n {
			panic("sim: touched service out of range")
		}
		cs := &svcs[s]
		if !up[s] {
			d := H - t.downSince[s]
			downtime[s] += d
			if cs.RTO >= 0 && d > cs.RTO {
				o.RTOBreach[s] = true
			}
			downAtEnd[s] = true
		}
		if degraded[s] {
			degTime[s] += H - t.degSince[s]
		}
		if firstDown[s] >= 0 {
			start = min(start, firstDown[s])
			if downAtEnd[s] {
				fullRecovery, unrecovered = H, true
			} else if lastUp[s] > fullRecovery && !unrecovered {
				fullRecovery = lastUp[s]
			}
		}
		// Down, degraded or shedding at H: not back to normal. The segment
		// of a loaded service was closed at H above.
		if !up[s] || degraded[s] || shedding && segLack[s] > 0 {
			restored[s] = H
		}
		if firstDown[s] >= 0 || partial[s] || degTime[s] > 0 {
			fullRestored = max(fullRestored, restored[s])
		}
		hi, lo := bits.Mul64(uint64(cs.Users), uint64(downtime[s]))
		var carry uint64
		userMsLo, carry = bits.Add64(userMsLo, lo, 0)
		userMsHi += hi + carry
		// Degraded time counts soft_weight of the users still served (φ);
		// shed load counts in full (docs/model.md §11).
		deg, shed := float64(degTime[s]), 0.0
		// Degraded shed is part of shed: none shed, none to divide.
		if shedding && shedNum[s] != (wide{}) {
			var degShed float64
			o.Shed[s], shed = shedNum[s].div(cs.Load)
			o.DegradedShed[s], degShed = t.degShedNum[s].div(cs.Load)
			deg -= degShed
		}
		degUserMs += float64(cs.Users) * (c.SoftWeight*deg + shed)
		cost += cs.CostPerHour * (float64(downtime[s]) + shed) / float64(graph.Hour)
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
	// user-hours × 1000 = user-ms / 3600.
	um := int64(math.MaxInt64)
	if userMsHi < 3600 {
		q, _ := bits.Div64(userMsHi, userMsLo, 3600)
		um = int64(min(q, math.MaxInt64/2))
	}
	o.UserMilliHours = um + toTotal(degUserMs/3600)
	o.Cost = toTotal(cost)
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
	k := 0
	for s, touched := range marks {
		if touched {
			list[k] = int32(s)
			k++
		}
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
		t.markTouched(int32(s))
		t.trace(Record{Kind: RecDataLoss, Service: int32(s), Value: loss, Manual: o.AllLost[s]})
	}
}
