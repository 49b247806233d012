package sim

import "math"

// fireRows holds, trial-major, the fire values Add defers: a touched
// service down once, from the trial's first outage until its recovery,
// and back to normal then, for the cause it is known by. Such a
// service's downtime, recovery and restored time are one value, which is
// all Add would record of it but its cause; in a fire that is most
// services of most trials. Recorded at once, each would write three or
// four cold lines of its svcAcc and pending values (a thousand services'
// do not stay in cache from one trial to the next); deferred, a trial
// writes one row, and drainFires records a service's values of many
// trials at a time, its lines in cache while it does.
//
// Entry (row, s) is fires[row*n+s], the value, 0 for none: in 32 bits, a
// trial writes and a drain reads half the lines of 64, and a value from
// 2^32 ms (seven weeks) is not deferred.
// marks[s] says s may have entries, which spares drainFires the columns
// of a trial whose services are seldom a fire's (random failures).
// known[s] is the cause of all of s's entries, one its accumulator has
// counted (noCause: none yet), an int32 as causes are: half the lines
// deferFires reads of an int64. drainFires sets it, to the cause counted
// most, so that a deferred fire never brings a new cause and causes are
// appended in the order they first came, as without the rows.
type fireRows struct {
	fires []uint32
	marks []bool
	known []int32
	row   int     // the row of the trial being added
	rows  int     // rows in fires; 0: no fire rows
	buf   []int64 // one service's values, in drainFires
	// others are the touched services of the trial being added that are
	// not in its row (deferFires).
	others []int32
	// on says Add defers fires in this round of rows: it does when in
	// the round before at least half the services touched were a fire's
	// (like of seen), not in random failures, where the rows would cost
	// more than they save. It makes no difference to what is recorded.
	on         bool
	like, seen int64
}

// noCause is known's code for none: cause codes are kind<<24 | index,
// never negative.
const noCause int32 = math.MinInt32

// fireBytes bounds the memory of an aggregator's fire rows: 1 MB holds
// pendCap rows of 1,000 services.
const fireBytes = 1 << 20

// fireMinServices is the fewest services that have fire rows: the
// accumulators of fewer stay in cache from trial to trial.
const fireMinServices = 256

// newFireRows returns the fire rows of n services.
func newFireRows(n int) fireRows {
	if n < fireMinServices {
		return fireRows{}
	}
	return fireRowsOf(n, max(1, min(pendCap, fireBytes/4/n)))
}

// fireRowsOf returns rows ≥ 1 fire rows of n services.
func fireRowsOf(n, rows int) fireRows {
	known := make([]int32, n)
	for s := range known {
		known[s] = noCause
	}
	return fireRows{fires: make([]uint32, rows*n), marks: make([]bool, n), known: known, rows: rows,
		buf: make([]int64, rows), others: make([]int32, n)}
}

// full reports whether there are rows and every one holds a trial.
func (f *fireRows) full() bool { return f.rows > 0 && f.row == f.rows }

// rowAt returns the current row of n services.
func (f *fireRows) rowAt(n int) []uint32 { return f.fires[f.row*n:][:n] }

// drainFires records the deferred fire values into the services'
// accumulators, as Add would have, and empties the rows. Every service,
// with fires or not, becomes known by the cause counted most in it (the
// cause of most of its outages, in a fire).
func (a *Aggregator) drainFires() {
	f := &a.fire
	if f.rows == 0 {
		f.row = 0
		return
	}
	n := len(a.svc)
	fires := f.fires[:f.row*n]
	buf := f.buf[:f.rows]
	for s, marked := range f.marks[:n] {
		acc := &a.svc[s]
		if marked {
			f.marks[s] = false
			k := 0
			for i := s; i < len(fires); i += n {
				if v := fires[i]; v != 0 {
					buf[k] = int64(v)
					k++
					fires[i] = 0
				}
			}
			acc.addFires(buf[:k], f.known[s], a.bin, &a.rows)
			f.like += int64(k)
		}
		f.known[s] = acc.topCause()
	}
	f.on = 2*f.like >= f.seen && f.seen > 0
	f.like, f.seen, f.row = 0, 0, 0
}

// addFires records fire values vs (fireRows) of the service, of cause
// code: each is a touched and affected trial whose downtime, recovery and
// restored time are its value (joint stat jointAll). It may change vs.
func (acc *svcAcc) addFires(vs []int64, code int32, bin divider, rs *rowSlab) {
	if len(vs) == 0 {
		return
	}
	k := int64(len(vs))
	acc.touched += k
	acc.affected += k
	acc.causes[acc.causeAt(code)].count += k
	for _, v := range vs {
		acc.downBins[min(uint64(bin.div(v)), HistBins-1)]++
	}
	acc.joint[jointAll].addBatch(vs, rs)
}

// topCause returns the code of the cause counted most (causes[0]'s
// count may be partly in first: no matter), noCause if none.
func (acc *svcAcc) topCause() int32 {
	if len(acc.causes) == 0 {
		return noCause
	}
	top := 0
	for i := range acc.causes {
		if acc.causes[i].count > acc.causes[top].count {
			top = i
		}
	}
	return acc.causes[top].code
}

// causeAt returns the index of code in acc.causes, which has it (known
// codes only are deferred); were it not there, it is appended.
func (acc *svcAcc) causeAt(code int32) int {
	for i := range acc.causes {
		if acc.causes[i].code == code {
			return i
		}
	}
	acc.causes = append(acc.causes, causeCount{code: code})
	return len(acc.causes) - 1
}
