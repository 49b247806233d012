package sim

import (
	"math"
	"sort"

	"github.com/dominosim/domino/graph"
)

// HistBins is the number of equal bins of [0, H] in a service's downtime
// histogram; the last bin also holds downtime of exactly H.
const HistBins = 84

// curveBins is the resolution of the per-point curve histograms: fractions
// in steps of 1/1000.
const curveBins = 1001

type causeCount struct {
	code  int32
	count int64
}

// svcAcc is one service's accumulator. Add touches thousands of them per
// trial, most of them once each, so the first cache line holds what it
// writes of a service in most trials of a large outage (touched, affected,
// first, and joint[jointAll]'s pend and n, which push writes): one line
// missed where there were three. The size is a multiple of 64 bytes,
// which keeps every svcAcc of a slice aligned as the first is (a slice
// that large starts a page).
type svcAcc struct {
	touched  int64 // trials with any nonzero figure; the others count as zeros
	affected int64
	// first counts the trials of causes[0]'s code not yet counted in
	// causes[0] (addCause), until settle adds them: causes[0] is a line
	// of its own.
	first causeCount
	// joint holds the values that were two or three of an affected
	// service's downtime, recovery and restored time at once (pushTimes),
	// until settle adds them to each.
	joint                                   [4]stat
	down, recovery, degraded, loss, shed    stat
	restored                                stat // over the trials it left normal (Outcome.Restored)
	unrecovered, allLost, rto, rpo, partial int64
	degShed                                 int64           // Σ over trials of the shed time also degraded, ms
	causes                                  []causeCount    // few per service: a slice beats a map here
	downBins                                [HistBins]int64 // downtime histogram on [0, H]
	// The smallest downtime and recovery time of the trials in which the
	// service was still down at the horizon (unrecovered of them): those
	// values are lower bounds, censored by the horizon.
	downCens, recCens int64
	// The trials it was not back to normal at H, and the smallest of
	// their (censored) restored times.
	unrestored, restCens int64
	_                    [24]byte
}

// The times of an affected service (pushTimes), as bits of the set of
// them a value is.
const (
	inDown = 1 << iota
	inRec
	inRest
)

// times returns the stat of the values that are the times in m, a
// nonempty set of them: the downtime, recovery or restored stat for one,
// a joint stat for two or three.
func (acc *svcAcc) times(m int) *stat {
	switch m {
	case inDown:
		return &acc.down
	case inRec:
		return &acc.recovery
	case inRest:
		return &acc.restored
	}
	return &acc.joint[jointOf[m]]
}

// jointOf is the joint stat of each set of two or three times, and
// jointSet its inverse. All three come first: in a fire they are one
// value, the one Add records for most services (svcAcc).
var (
	jointOf  = [8]int{inDown | inRec: 1, inDown | inRest: 2, inRec | inRest: 3, inDown | inRec | inRest: 0}
	jointSet = [4]int{inDown | inRec | inRest, inDown | inRec, inDown | inRest, inRec | inRest}
)

// The joint stats of the values that are the recovery and restored time,
// and of those that are all three times.
const (
	jointRecRest = 3
	jointAll     = 0
)

// pushTimes records an affected service's downtime d, recovery time rec
// and restored time rest. They are mostly equal (down once from the
// trial's first disruption, a service is back up and back to normal at the
// same instant), so each distinct value is recorded once, into the stat
// of the times it is: a third of the work, and settle makes it as if each
// time had been recorded into its own stat. A zero downtime is not
// recorded (fillZeros counts it), as in Add.
func (acc *svcAcc) pushTimes(d, rec, rest int64) {
	downLeft, restLeft := d != 0, true
	m := inRec
	if downLeft && d == rec {
		m |= inDown
		downLeft = false
	}
	if rest == rec {
		m |= inRest
		restLeft = false
	}
	acc.times(m).push(rec)
	if downLeft {
		m = inDown
		if restLeft && rest == d {
			m |= inRest
			restLeft = false
		}
		acc.times(m).push(d)
	}
	if restLeft {
		acc.restored.push(rest)
	}
}

// settle adds each joint stat to the stats of the times it holds and
// empties it, keeping its histogram rows. Stats merge exactly, whatever
// the order, so the times' stats are then as if each value had been
// recorded into each of them.
func (acc *svcAcc) settle() {
	if acc.first.count > 0 {
		acc.causes[0].count += acc.first.count
		acc.first = causeCount{}
	}
	for i := range acc.joint {
		j := &acc.joint[i]
		if j.n == 0 {
			continue
		}
		m := jointSet[i]
		for _, k := range [...]int{inDown, inRec, inRest} {
			if m&k != 0 {
				acc.times(k).merge(j)
			}
		}
		j.reset()
	}
}

// Aggregator accumulates trial outcomes by streaming; its memory does not
// depend on the number of trials. Aggregators merge exactly.
type Aggregator struct {
	c      *graph.Compiled
	grid   []int64
	trials int64
	rows   rowSlab // histogram rows for Add
	binMs  int64   // downtime histogram bin width
	bin    divider // by binMs
	svc    []svcAcc
	fire   fireRows

	full, userMilliHours, cost, peak, crew stat
	deadlock, unrecovered, rtoP1           int64
	fullCens                               int64 // smallest full recovery of the unrecovered trials
	// Back to normal: one value a trial, and the smallest of the trials
	// something was not back to normal at H.
	fullRestored             stat
	unrestored, fullRestCens int64
	// With people declared: the people cut off at the peak and the
	// person-hours (in 1/1000), one value each a trial.
	people                       int64
	peakPeople, personMilliHours stat

	// The recovery curve's sums and bins at each grid point, or while
	// curveDiff their differences from the point before (addCurve).
	curveUpSum    []int64
	curveUsersSum []int64
	curveUpBins   [][curveBins]int64
	curveUserBins [][curveBins]int64
	curveDiff     bool

	// mayShed says a service has a load: without one nothing is shed, and
	// every Shed, DegradedShed and Partial of an outcome is zero.
	mayShed bool

	// lambda is Λ, the expected rate-event occurrences over the horizon:
	// above 0, the results carry the risk of a horizon (Aggregator.risk).
	lambda float64
}

// newSvcAcc returns an empty service accumulator for horizon H.
func newSvcAcc(H int64) svcAcc {
	acc := svcAcc{
		down: newStat(H), recovery: newStat(H), degraded: newStat(H), loss: newStat(math.MaxInt64 / 4), shed: newStat(H),
		restored: newStat(H), downCens: math.MaxInt64, recCens: math.MaxInt64, restCens: math.MaxInt64,
	}
	for j := range acc.joint {
		acc.joint[j] = newStat(H)
	}
	return acc
}

// NewAggregator returns an empty aggregator for c's outcomes on grid.
func NewAggregator(c *graph.Compiled, grid []int64) *Aggregator {
	H := c.Horizon
	a := &Aggregator{c: c, grid: grid, rows: rowSlab{Chunk: rowChunk}, svc: make([]svcAcc, len(c.Services)), binMs: max(1, (H+HistBins-1)/HistBins)}
	a.bin = newDivider(a.binMs)
	a.fire = newFireRows(len(a.svc))
	for s := range a.svc {
		a.svc[s] = newSvcAcc(H)
	}
	a.fullCens = math.MaxInt64
	a.fullRestored = newStat(H)
	a.fullRestCens = math.MaxInt64
	// In float64: a part's services are not checked as a loaded file's
	// are, and an int64 sum of their users could wrap.
	var users, cost float64
	for _, s := range c.Services {
		users += float64(s.Users)
		cost += s.CostPerHour
		a.mayShed = a.mayShed || s.Load > 0
	}
	hours := float64(H) / float64(graph.Hour)
	a.full = newStat(H)
	a.userMilliHours = newStat(int64(min(users*hours*1000, 1e18)) + 2)
	a.cost = newStat(int64(min(cost*hours, 1e18)) + 2)
	a.peak = newStat(int64(len(c.Services)) + 2)
	if c.Platform != nil && c.Platform.People > 0 {
		a.people = c.Platform.People
		a.peakPeople = newStat(a.people + 2)
		a.personMilliHours = newStat(int64(min(float64(a.people)*hours*1000, 1e18)) + 2)
	}
	a.crew = newStat(math.MaxInt64 / 4)
	a.curveUpSum = make([]int64, len(grid))
	a.curveUsersSum = make([]int64, len(grid))
	a.curveUpBins = make([][curveBins]int64, len(grid))
	a.curveUserBins = make([][curveBins]int64, len(grid))
	a.lambda = rateOccurrences(c)
	return a
}

// Add accumulates one trial's outcome.
func (a *Aggregator) Add(o *Outcome) {
	// Every stat gets at most one value a trial, so flushing them all
	// every pendCap trials keeps their pend within pendCap. All at once
	// keeps the check out of the loops over the services.
	// A fresh aggregator defers no fire until drainFires has known its
	// services by their causes and seen a round: it drains the empty rows
	// after its first trial, rather than recording the first round of
	// pendCap trials one by one (a trial of a fire so recorded misses
	// thousands of lines more).
	if a.trials%pendCap == 0 {
		a.flush()
	} else if a.fire.full() || a.trials == 1 && a.fire.rows > 0 {
		a.drainFires()
	}
	a.trials++
	// Untouched services contribute zeros only; they are counted at once
	// in Results from the number of trials each service was touched in.
	// Zeros of touched services are not recorded either (most were never
	// degraded, shed load or lost data): fillZeros counts them.
	a.addTimes(o)
	rtoP1 := a.addOthers(o)
	a.full.push(o.FullRecovery)
	if o.Unrecovered {
		a.unrecovered++
		a.fullCens = min(a.fullCens, o.FullRecovery)
	}
	a.fullRestored.push(o.FullRestored)
	if o.Unrestored {
		a.unrestored++
		a.fullRestCens = min(a.fullRestCens, o.FullRestored)
	}
	a.userMilliHours.push(o.UserMilliHours)
	a.cost.push(o.Cost)
	a.peak.push(int64(o.PeakDown))
	a.crew.push(o.CrewMs)
	if a.people > 0 {
		a.peakPeople.push(o.PeakPeople)
		a.personMilliHours.push(o.PersonMilliHours)
	}
	if o.Deadlock {
		a.deadlock++
	}
	if rtoP1 {
		a.rtoP1++
	}
	a.addCurve(o)
	a.fire.row++
}

// addTimes records each touched service's downtime and, if it was
// affected, its recovery and restored times and the cause of its first
// outage. addOthers records the rest: two loops over o.Touched, each with
// few enough slices that they stay in registers. With fire rows on, a
// fire's services are left to them (deferFires) and the loop takes the
// others.
func (a *Aggregator) addTimes(o *Outcome) {
	touched := o.Touched
	if a.fire.on {
		touched = a.deferFires(o)
	}
	a.fire.seen += int64(len(o.Touched))
	H, start, bin := a.c.Horizon, o.Start, a.bin
	// The figures resliced to one length, so that one comparison bounds
	// every index below.
	n := len(a.svc)
	svc := a.svc[:n]
	down, first, last, atEnd, cause, restored := o.Downtime[:n], o.FirstDown[:n], o.LastUp[:n], o.DownAtEnd[:n], o.Cause[:n], o.Restored[:n]
	for _, s := range touched {
		acc := &svc[s] // bounds s for every slice of length n below
		acc.touched++
		d := down[s]
		acc.downBins[min(uint64(bin.div(d)), HistBins-1)]++ // d ≥ 0: unsigned needs no bounds check
		if first[s] < 0 {
			if d != 0 {
				acc.down.push(d)
			}
			continue
		}
		acc.affected++
		// Recovery is measured from the trial's first disruption.
		rec := last[s] - start
		if atEnd[s] {
			rec = H - start
			acc.unrecovered++
			acc.recCens = min(acc.recCens, rec)
			acc.downCens = min(acc.downCens, d)
		}
		acc.addCause(cause[s])
		rest := acc.restoredTime(restored[s], start, H)
		// pushTimes, with its two commonest cases inline: all three
		// times equal (a fire), and downtime apart (repeated outages).
		if rest == rec && d != 0 {
			if d == rec {
				acc.joint[jointAll].push(rec)
				a.fire.like++
			} else {
				acc.joint[jointRecRest].push(rec)
				acc.down.push(d)
			}
		} else {
			acc.pushTimes(d, rec, rest)
		}
	}
}

// deferFires puts the touched services that are a fire's (fireRows) into
// the current fire row and returns the others, in order. It relies on
// what the engine holds every outcome to (checkOutcome): a service with
// downtime went down (FirstDown ≥ 0), and one down at H was not back to
// normal (Restored = H).
func (a *Aggregator) deferFires(o *Outcome) []int32 {
	H, start := a.c.Horizon, o.Start
	n := len(a.svc)
	down, last, cause, restored := o.Downtime[:n], o.LastUp[:n], o.Cause[:n], o.Restored[:n]
	f := &a.fire
	row, known, marks := f.rowAt(n), f.known[:n], f.marks[:n]
	others := f.others[:len(o.Touched)]
	k := 0
	for _, s := range o.Touched {
		// Down from the first outage until its recovery, back to normal
		// then, for the cause it is known by; 0 < d < 2^32 (fireRows).
		d, r := down[s], restored[s]
		if d > 0 && d>>32 == 0 && r != H && ((last[s]-start)^d|(r-start)^d|int64(cause[s]^known[s])) == 0 {
			row[s] = uint32(d)
			marks[s] = true
			continue
		}
		others[k] = s
		k++
	}
	return others[:k]
}

// addOthers records what few touched services have: degraded and shed
// time, partial capacity, data loss, RTO breaches. It reports whether a
// service of priority 1 breached its RTO.
func (a *Aggregator) addOthers(o *Outcome) (rtoP1 bool) {
	n := len(a.svc)
	svc := a.svc[:n]
	degraded, loss, allLost, rto := o.Degraded[:n], o.DataLoss[:n], o.AllLost[:n], o.RTOBreach[:n]
	if !a.mayShed {
		// Without the columns that are zero: 140 lines of a thousand
		// services, seldom in cache.
		for _, s := range o.Touched {
			if degraded[s]|loss[s] != 0 || allLost[s] {
				a.addRare(&svc[s], o, s)
			}
			if rto[s] {
				svc[s].rto++
				rtoP1 = rtoP1 || a.c.Services[s].Priority == 1
			}
		}
		return rtoP1
	}
	shed, partial := o.Shed[:n], o.Partial[:n]
	for _, s := range o.Touched {
		// One test, one branch for the figures few services have.
		if degraded[s]|shed[s]|loss[s] != 0 || allLost[s] || partial[s] {
			a.addRare(&svc[s], o, s)
		}
		if rto[s] {
			svc[s].rto++
			rtoP1 = rtoP1 || a.c.Services[s].Priority == 1
		}
	}
	return rtoP1
}

// addCurve bins the trial's recovery curve. A curve is flat over most of
// the grid (gen-1000 fire: 38 runs of equal points in 201; sp-20: 52), so
// while adding the curves are kept as differences along the grid
// (curveDiff): a run of equal points is then added at its first point and
// taken off after its last, two updates a run instead of one a point. The
// slices resliced to the grid's length need no bounds check a point.
func (a *Aggregator) addCurve(o *Outcome) {
	if !a.curveDiff {
		a.curveToDiffs()
	}
	g := len(a.grid)
	upSum, usersSum, upBins, userBins := a.curveUpSum[:g], a.curveUsersSum[:g], a.curveUpBins[:g], a.curveUserBins[:g]
	ups, users := o.CurveUp[:g], o.CurveUsers[:g]
	ns := uint64(len(a.svc))
	for i := 0; i < g; {
		up, u := ups[i], users[i]
		end := i + 1
		for end < g && ups[end] == up && users[end] == u {
			end++
		}
		ub := min(max((u+500_000)/1_000_000, 0), 1000)
		upSum[i] += int64(up)
		usersSum[i] += u
		userBins[i][ub]++
		if end < g {
			upSum[end] -= int64(up)
			usersSum[end] -= u
			userBins[end][ub]--
		}
		if ns > 0 { // unsigned: up ≥ 0, and an unsigned division needs no check for −1
			b := (uint64(up)*1000 + ns/2) / ns
			upBins[i][b]++
			if end < g {
				upBins[end][b]--
			}
		}
		i = end
	}
}

// curveToDiffs turns the curve's sums and bins into their differences
// along the grid, the form addCurve adds to; curveToValues turns them
// back, for what reads them.
func (a *Aggregator) curveToDiffs() {
	for i := len(a.grid) - 1; i > 0; i-- {
		a.curveUpSum[i] -= a.curveUpSum[i-1]
		a.curveUsersSum[i] -= a.curveUsersSum[i-1]
		subBins(&a.curveUpBins[i], &a.curveUpBins[i-1])
		subBins(&a.curveUserBins[i], &a.curveUserBins[i-1])
	}
	a.curveDiff = true
}

func (a *Aggregator) curveToValues() {
	if !a.curveDiff {
		return
	}
	for i := 1; i < len(a.grid); i++ {
		a.curveUpSum[i] += a.curveUpSum[i-1]
		a.curveUsersSum[i] += a.curveUsersSum[i-1]
		addBins(&a.curveUpBins[i], &a.curveUpBins[i-1])
		addBins(&a.curveUserBins[i], &a.curveUserBins[i-1])
	}
	a.curveDiff = false
}

// settle brings the aggregate to the form that is read and merged: the
// services' joint stats added to their times, the curve as values.
func (a *Aggregator) settle() {
	a.drainFires()
	for s := range a.svc {
		a.svc[s].settle()
	}
	a.curveToValues()
}

// flush flushes every stat.
func (a *Aggregator) flush() {
	a.drainFires()
	for s := range a.svc {
		a.svc[s].flush(&a.rows)
	}
	for _, st := range [...]*stat{&a.full, &a.userMilliHours, &a.cost, &a.peak, &a.crew, &a.peakPeople, &a.personMilliHours, &a.fullRestored} {
		st.flush(&a.rows)
	}
}

// flush flushes the service's stats.
func (acc *svcAcc) flush(rs *rowSlab) {
	for _, st := range [...]*stat{&acc.down, &acc.recovery, &acc.degraded, &acc.loss, &acc.shed, &acc.restored,
		&acc.joint[0], &acc.joint[1], &acc.joint[2], &acc.joint[3]} {
		st.flush(rs)
	}
}

// fillZeros settles the joint stats and records the zeros Add left out:
// every touched trial has one downtime, degraded time and shed time, and
// one data loss unless all was lost. It leaves the stats as if each zero
// had been added in its trial.
func (acc *svcAcc) fillZeros() {
	acc.settle()
	acc.down.addZeros(acc.touched - acc.down.n)
	acc.degraded.addZeros(acc.touched - acc.degraded.n)
	acc.shed.addZeros(acc.touched - acc.shed.n)
	acc.loss.addZeros(acc.touched - acc.allLost - acc.loss.n)
}

// addRare records service s's degraded and shed time, partial capacity
// and data loss.
func (a *Aggregator) addRare(acc *svcAcc, o *Outcome, s int32) {
	if v := o.Degraded[s]; v != 0 {
		acc.degraded.push(v)
	}
	partial := false
	if a.mayShed {
		if v := o.Shed[s]; v != 0 {
			acc.shed.push(v)
			acc.degShed += o.DegradedShed[s]
		}
		partial = o.Partial[s]
		if partial {
			acc.partial++
		}
	}
	// Left normal without going down (shed or degraded only): the
	// affected ones are counted in Add.
	if o.FirstDown[s] < 0 && (partial || o.Degraded[s] > 0) {
		acc.addRestored(o.Restored[s], o.Start, a.c.Horizon)
	}
	if all, lost := o.AllLost[s], o.DataLoss[s]; all || lost > 0 {
		a.addLoss(acc, s, all, lost)
	}
}

// addLoss records a data loss of service s: all of its data, or lost ms.
// An RPO (≥ 0) is breached only by a loss above 0.
func (a *Aggregator) addLoss(acc *svcAcc, s int32, all bool, lost int64) {
	if all {
		acc.allLost++
	} else {
		acc.loss.push(lost)
	}
	if rpo := a.c.Services[s].RPO; rpo >= 0 && (all || lost > rpo) {
		acc.rpo++
	}
}

// addRestored records when a service that left normal in a trial was back
// to normal (restoredTime).
func (acc *svcAcc) addRestored(t, start, H int64) {
	acc.restored.push(acc.restoredTime(t, start, H))
}

// restoredTime returns when a service that left normal in a trial was back
// to normal, measured like its recovery from the trial's start (0 when it
// was normal again before: it shed load or was degraded only before the
// first outage); H − start, censored, when it was not back at H, which it
// counts.
func (acc *svcAcc) restoredTime(t, start, H int64) int64 {
	v := max(0, t-start)
	if t == H {
		acc.unrestored++
		acc.restCens = min(acc.restCens, v)
	}
	return v
}

// addCause counts a trial whose first outage of the service had the
// cause code. Most of a service's trials have the cause its first had:
// that one is counted inline, in acc.first, which is in the line Add
// writes anyway. first counts only once addOtherCause has seen its code
// to be causes[0]'s, so that causes filled in any other way (merge, a
// part loaded) stay right.
func (acc *svcAcc) addCause(code int32) {
	if acc.first.count > 0 && acc.first.code == code {
		acc.first.count++
		return
	}
	acc.addOtherCause(code)
}

func (acc *svcAcc) addOtherCause(code int32) {
	if len(acc.causes) > 0 && acc.causes[0].code == code {
		acc.first = causeCount{code, 1} // first.count was 0: its code is causes[0]'s
		return
	}
	for i := range acc.causes {
		if acc.causes[i].code == code {
			acc.causes[i].count++
			return
		}
	}
	acc.causes = append(acc.causes, causeCount{code, 1})
}

// Merge adds b's trials into a. Both must aggregate the same compiled
// scenario on the same grid.
func (a *Aggregator) Merge(b *Aggregator) {
	a.settle()
	b.settle()
	a.trials += b.trials
	for s := range a.svc {
		a.svc[s].merge(&b.svc[s])
	}
	a.full.merge(&b.full)
	a.userMilliHours.merge(&b.userMilliHours)
	a.cost.merge(&b.cost)
	a.peak.merge(&b.peak)
	a.crew.merge(&b.crew)
	a.peakPeople.merge(&b.peakPeople)
	a.personMilliHours.merge(&b.personMilliHours)
	a.deadlock += b.deadlock
	a.rtoP1 += b.rtoP1
	a.unrecovered += b.unrecovered
	a.fullCens = min(a.fullCens, b.fullCens)
	a.fullRestored.merge(&b.fullRestored)
	a.unrestored += b.unrestored
	a.fullRestCens = min(a.fullRestCens, b.fullRestCens)
	for i := range a.grid {
		a.curveUpSum[i] += b.curveUpSum[i]
		a.curveUsersSum[i] += b.curveUsersSum[i]
		addBins(&a.curveUpBins[i], &b.curveUpBins[i])
		addBins(&a.curveUserBins[i], &b.curveUserBins[i])
	}
}

// merge adds y's trials into x.
func (x *svcAcc) merge(y *svcAcc) {
	x.settle()
	y.settle()
	x.affected += y.affected
	x.allLost += y.allLost
	x.unrecovered += y.unrecovered
	x.rto += y.rto
	x.rpo += y.rpo
	x.partial += y.partial
	x.touched += y.touched
	x.degShed += y.degShed
	x.downCens, x.recCens = min(x.downCens, y.downCens), min(x.recCens, y.recCens)
	x.unrestored += y.unrestored
	x.restCens = min(x.restCens, y.restCens)
	for j := range x.downBins {
		x.downBins[j] += y.downBins[j]
	}
	x.shed.merge(&y.shed)
	x.down.merge(&y.down)
	x.recovery.merge(&y.recovery)
	x.degraded.merge(&y.degraded)
	x.loss.merge(&y.loss)
	x.restored.merge(&y.restored)
	for _, cc := range y.causes {
		found := false
		for i := range x.causes {
			if x.causes[i].code == cc.code {
				x.causes[i].count += cc.count
				found = true
			}
		}
		if !found {
			x.causes = append(x.causes, cc)
		}
	}
}

// addBins adds y's counts to x's.
func addBins(x, y *[curveBins]int64) {
	for j := range x {
		x[j] += y[j]
	}
}

// subBins takes y's counts off x's.
func subBins(x, y *[curveBins]int64) {
	for j := range x {
		x[j] -= y[j]
	}
}

// Trials returns the number of trials aggregated.
func (a *Aggregator) Trials() int64 { return a.trials }

// Results summarises the aggregate in the shape of docs/model.md §8.
func (a *Aggregator) Results(seed uint64) *Results {
	a.settle()
	c := a.c
	n := float64(max(a.trials, 1))
	r := &Results{
		Schema: Schema, Scenario: c.Scenario.ID, Description: c.Scenario.Description,
		Platform: c.Platform.Name, Currency: c.Platform.Currency,
		Seed: seed, Trials: int(a.trials), HorizonMs: c.Horizon, SoftWeight: c.SoftWeight,
	}
	hour := float64(graph.Hour)
	for s := range a.svc {
		acc := &a.svc[s]
		cs := &c.Services[s]
		// Untouched trials had zeros everywhere: counting them as touched
		// lets fillZeros add their zeros with the rest.
		acc.downBins[0] += a.trials - acc.touched
		acc.touched = a.trials
		acc.fillZeros()
		sr := ServiceResult{
			ID: cs.ID, Users: cs.Users, Priority: int(cs.Priority),
			PAffected:    float64(acc.affected) / n,
			Downtime:     acc.down.summary(1).censor(acc.unrecovered, a.trials, acc.downCens, 1),
			Recovery:     acc.recovery.summary(1).censor(acc.unrecovered, acc.affected, acc.recCens, 1),
			Restored:     acc.restored.summary(1).censor(acc.unrestored, acc.restored.n, acc.restCens, 1),
			Degraded:     acc.degraded.summary(1),
			DataLoss:     acc.loss.summary(1),
			PAllDataLost: float64(acc.allLost) / n,
			PUnrecovered: float64(acc.unrecovered) / n,
			PUnrestored:  float64(acc.unrestored) / n,
			PRTOBreach:   float64(acc.rto) / n,
			PRPOBreach:   float64(acc.rpo) / n,
			Shed:         acc.shed.summary(1),
			DowntimeHist: Hist{BinMs: a.binMs, Counts: append([]int64(nil), acc.downBins[:]...)},
			PPartial:     float64(acc.partial) / n,
			Causes:       map[string]float64{},
		}
		if cs.RTO >= 0 {
			sr.RTOMs = &cs.RTO
		}
		if cs.RPO >= 0 {
			sr.RPOMs = &cs.RPO
		}
		degShed := float64(acc.degShed) / n
		sr.UserHours = float64(cs.Users) * (sr.Downtime.Mean + sr.Shed.Mean + c.SoftWeight*(sr.Degraded.Mean-degShed)) / hour
		causes := append([]causeCount(nil), acc.causes...)
		sort.Slice(causes, func(i, j int) bool {
			if causes[i].count != causes[j].count {
				return causes[i].count > causes[j].count
			}
			return CauseString(c, causes[i].code) < CauseString(c, causes[j].code)
		})
		for i, cc := range causes {
			name := CauseString(c, cc.code)
			sr.Causes[name] = float64(cc.count) / float64(acc.affected)
			if i == 0 {
				sr.TopCause = name
			}
		}
		r.Services = append(r.Services, sr)
	}
	r.Summary = PlatformResult{
		FullRecovery: a.full.summary(1).censor(a.unrecovered, a.trials, a.fullCens, 1),
		UserHours:    a.userMilliHours.summary(1000),
		Cost:         a.cost.summary(1),
		PeakDown:     a.peak.summary(1),
		CrewHours:    a.crew.summary(hour),
		PDeadlock:    float64(a.deadlock) / n,
		PUnrecovered: float64(a.unrecovered) / n,
		FullRestored: a.fullRestored.summary(1).censor(a.unrestored, a.trials, a.fullRestCens, 1),
		PUnrestored:  float64(a.unrestored) / n,
		PRTOBreachP1: float64(a.rtoP1) / n,
	}
	if a.people > 0 {
		r.People = a.people
		peak, ph := a.peakPeople.summary(1), a.personMilliHours.summary(1000)
		r.Summary.PeakPeople, r.Summary.PersonHours = &peak, &ph
	}
	r.Curve = a.curve()
	r.Compliance = ComplianceOf(r, c.Platform.Compliance)
	r.Risk = a.risk(seed)
	return r
}

func (a *Aggregator) curve() Curve {
	cv := Curve{TMs: append([]int64(nil), a.grid...)}
	ns := float64(len(a.c.Services))
	n := float64(max(a.trials, 1))
	for i := range a.grid {
		cv.ServicesUp.Mean = append(cv.ServicesUp.Mean, float64(a.curveUpSum[i])/n/ns)
		cv.UsersServed.Mean = append(cv.UsersServed.Mean, float64(a.curveUsersSum[i])/n/1e9)
		cv.ServicesUp.P10 = append(cv.ServicesUp.P10, binQuantile(&a.curveUpBins[i], a.trials, 0.10))
		cv.ServicesUp.P90 = append(cv.ServicesUp.P90, binQuantile(&a.curveUpBins[i], a.trials, 0.90))
		cv.UsersServed.P10 = append(cv.UsersServed.P10, binQuantile(&a.curveUserBins[i], a.trials, 0.10))
		cv.UsersServed.P90 = append(cv.UsersServed.P90, binQuantile(&a.curveUserBins[i], a.trials, 0.90))
	}
	return cv
}

func binQuantile(bins *[curveBins]int64, n int64, q float64) float64 {
	rank := max(int64(math.Ceil(q*float64(n))), 1)
	var cum int64
	for j, c := range bins {
		cum += c
		if cum >= rank {
			return float64(j) / 1000
		}
	}
	return 1
}

// Grid returns the recovery-curve time grid: points+1 times from 0 to H.
func Grid(H int64, points int) []int64 {
	g := make([]int64, points+1)
	for k := range g {
		g[k] = int64(k) * H / int64(points)
	}
	return g
}
