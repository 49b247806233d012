package sim

import (
	"math"
	"math/bits"
	"slices"
)

// event is one scheduled happening of a trial. gen lets a cancelled restart,
// failover or repair be skipped when it comes up: it must match the
// generation of its replica or service. Its sequence number, which orders
// the events of one instant, is its place in the eventHeap.
type event struct {
	t    int64
	kind evKind
	gen  uint32
	a    int32 // replica, service, site or outage slot, by kind
	b    int32
}

// buckets is the number of buckets of an eventHeap: times are not
// negative, so two differ in bits below 63 only.
const buckets = 63 + 1

// Every slot of a trial's events fits in an int32 (a negative constant
// does not compile).
const _ = uint(math.MaxInt32 - buckets - MaxEvents)

// eventMore is a pending event in eventHeap.more, at slot seq + buckets.
// next links the events of a bucket, so that buckets need no memory of
// their own.
type eventMore struct {
	event
	next int32 // slot of the next event in the bucket, if not the last
}

// eventHeap orders events by (t, seq). It is a radix heap (Ahuja,
// Mehlhorn, Orlin and Tarjan, 1990), which the engine's schedule allows:
// no event comes before the last one popped.
//
// An event sits in bucket bits.Len64(t ^ last), last being the time of
// the last event popped, so that every time of a bucket is below every
// time of the next, and a push (Trial.schedule) costs O(1). A pop takes the lowest
// non-empty bucket; when that holds more than one event, they are first
// spread into lower buckets around their minimum, each event moving down
// at most 63 times in its life, and in practice some three times.
//
// Buckets are first in, first out, and sequence numbers grow with every
// push since a reset (as the trial numbers its events), so that events of
// one instant come out in the order of their sequence numbers: a key of
// t alone moves events less than one of (t, seq), which ties at one
// instant would take apart one bit at a time, and holds any horizon.
type eventHeap struct {
	// By slot: the first buckets slots begin the lists of the buckets,
	// as a next, so that appending to an empty bucket is appending to its
	// slot; an event of sequence number seq is at slot seq + buckets.
	// Slots of events not pushed since the reset hold garbage, never read.
	more  []eventMore
	n     int
	min   int64          // the smallest time, for minT; MaxInt64 when empty
	last  int64          // the time of the last event popped
	mask  uint64         // bit i is set when bucket i is not empty
	tails [buckets]int32 // slot of a bucket's last event; its own when empty
	lows  [buckets]int64 // smallest time of each bucket; MaxInt64 when empty
}

// newEventHeap returns an empty heap; a time is a key by itself, so any
// horizon fits.
func newEventHeap() eventHeap {
	var h eventHeap
	h.reset()
	return h
}

func (h *eventHeap) reset() {
	for i := range h.tails {
		h.tails[i], h.lows[i] = int32(i), math.MaxInt64
	}
	h.n, h.last, h.min, h.mask = 0, 0, math.MaxInt64, 0
}

func (h *eventHeap) len() int { return h.n }

// minT returns the time of the next event, MaxInt64 when the heap is
// empty: never an instant of a trial, so that minT() == now asks both.
func (h *eventHeap) minT() int64 { return h.min }

// schedule queues an event; events at or after the horizon never happen.
// The event must not be before the last one popped. It is the heap's
// push, numbering included, in one function: a trial schedules hundreds
// of events, and a call from schedule to a push of the heap cost some 17
// instructions an event.
func (t *Trial) schedule(at int64, kind evKind, a, b int32, gen uint32) {
	// numberEvent, inline.
	if at >= t.H {
		return
	}
	if t.seq >= MaxEvents {
		t.overflow = true
		return
	}
	t.seq++
	t.tail.unsupported += tailUnsupported(kind)
	h := &t.events
	s := int(t.seq) + buckets
	if s >= len(h.more) {
		h.growMore(s)
	}
	if at < h.last {
		// It would come out of order, silently.
		panic("sim: event scheduled before the last event popped")
	}
	// The mask changes nothing, at^last being below 2^63, but spares a
	// bounds check and the test of a shift by 64.
	i := bits.Len64(uint64(at^h.last)) & (buckets - 1)
	more := h.more // not reloaded after the store below
	more[h.tails[i]].next = int32(s)
	h.tails[i] = int32(s)
	m := &more[s]
	m.t, m.kind, m.gen, m.a, m.b = at, kind, gen, a, b
	h.mask |= 1 << i
	h.lows[i] = min(h.lows[i], at)
	h.min = min(h.min, at)
	h.n++
}

// growMore makes room in more for slot s, and for as many more events as
// it has capacity for, so that this happens once a trial. Not inlined, so
// that schedule needs no stack frame for it.
//
//go:noinline
func (h *eventHeap) growMore(s int) {
	h.more = slices.Grow(h.more, s+1-len(h.more))
	h.more = h.more[:cap(h.more)]
}

// pop removes the first event and returns it, with its sequence number;
// the heap must not be empty. The event is returned in place, not copied:
// its slot is not written again before the heap's reset, since sequence
// numbers only grow, and a push that grows the slots leaves the old ones
// as they were.
func (h *eventHeap) pop() (*event, uint32) {
	i := bits.TrailingZeros64(h.mask) & (buckets - 1) // not empty: below 64
	s := h.more[i].next
	if s != h.tails[i] && i > 0 {
		h.spill(i)
		i, s = 0, h.more[0].next
	}
	m := &h.more[s]
	if s == h.tails[i] {
		h.tails[i] = int32(i)
		h.mask &^= 1 << i
		h.lows[i] = math.MaxInt64
		h.min = h.lows[bits.TrailingZeros64(h.mask)&(buckets-1)] // lows[0] if empty
	} else {
		h.more[i].next = m.next // i is 0: the rest are at m.t
	}
	h.last = m.t
	h.n--
	return &m.event, uint32(s - buckets)
}

// spill empties bucket i > 0, the lowest non-empty, into lower ones
// around its smallest time, h.min, which becomes last; its events land in
// bucket 0 in the order they were in. The other buckets keep their events:
// those differ from last above bit i-1, where the new last equals the
// old.
func (h *eventHeap) spill(i int) {
	more, tails, lows, low := h.more, &h.tails, &h.lows, h.min
	mask := h.mask &^ (1 << i)
	for s, end := more[i].next, tails[i]; ; {
		next := more[s].next
		j := bits.Len64(uint64(more[s].t^low)) & (buckets - 1) // below i
		more[tails[j]].next = s
		tails[j] = s
		lows[j] = min(lows[j], more[s].t)
		mask |= 1 << j
		if s == end {
			break
		}
		s = next
	}
	tails[i], lows[i] = int32(i), math.MaxInt64
	h.mask, h.last = mask, low
}

// rankQueue is the crew queue: a set of jobs ordered by their rank, kept
// as a bitset over ranks, so that adding, removing and taking the first job
// cost O(1) words (the first set word is found from a low-water mark).
type rankQueue struct {
	bits    []uint64
	low     int // no set bit in words below low
	n       int
	jobRank []int32
	rankJob []int32
}

func newRankQueue(jobRank, rankJob []int32) rankQueue {
	return rankQueue{bits: make([]uint64, (len(jobRank)+63)/64), jobRank: jobRank, rankJob: rankJob}
}

func (q *rankQueue) reset() {
	clear(q.bits)
	q.low, q.n = 0, 0
}

func (q *rankQueue) push(job int32) { q.pushRank(q.jobRank[job]) }

// pushRank is push of the job of rank r.
func (q *rankQueue) pushRank(r int32) {
	w := int(r >> 6)
	if q.bits[w]&(1<<(r&63)) == 0 {
		q.bits[w] |= 1 << (r & 63)
		q.n++
		q.low = min(q.low, w)
	}
}

func (q *rankQueue) remove(job int32) { q.removeRank(q.jobRank[job]) }

// removeRank is remove of the job of rank r.
func (q *rankQueue) removeRank(r int32) {
	if b := &q.bits[r>>6]; *b&(1<<(r&63)) != 0 {
		*b &^= 1 << (r & 63)
		q.n--
	}
}

// popMin removes and returns the job of lowest rank; the queue must not be empty.
func (q *rankQueue) popMin() int32 {
	for q.bits[q.low] == 0 {
		q.low++
	}
	w := q.bits[q.low]
	r := q.low<<6 | bits.TrailingZeros64(w)
	q.bits[q.low] = w & (w - 1)
	q.n--
	return q.rankJob[r]
}
