package sim

import (
	"math"
	"math/bits"
	"slices"
)

// event is one scheduled happening of a trial. gen lets a cancelled restart,
// failover or repair be skipped when it comes up: it must match the
// generation of its replica or service.
type event struct {
	t    int64
	seq  uint32 // ties at one instant are applied in scheduling order
	kind uint8
	gen  uint32
	a    int32 // replica, service, site or outage slot, by kind
	b    int32
}

// node is an event as the wide heap holds it: 16 bytes, four to a cache
// line, so that sifting moves half the memory of a whole event. ord is
// seq<<8 | kind; the rest waits in eventHeap.more, indexed by seq. In a
// wide heap key is t alone and ties fall to ord, which orders by seq since
// seq is unique.
type node struct {
	key uint64
	ord uint32
	a   int32
}

// seqBits bounds the sequence numbers a key can hold.
const seqBits = 24

// Every sequence number a trial gives fits in a key (a negative constant
// does not compile).
const _ = uint(1<<seqBits - 1 - MaxEvents)

// eventMore is a pending event, by its seq. key is t<<seqBits | seq, so
// that one comparison orders events by (t, seq), when the horizon leaves
// room for it (below 2^40 ms, some 34 years). next links the events of a
// radix heap's bucket: seq is unique, so the event's own slot can hold
// its place in the bucket, and buckets need no memory of their own.
type eventMore struct {
	key  uint64
	next int32 // seq of the next event in the bucket; -1 ends it
	kind uint8
	gen  uint32
	a    int32
	b    int32
}

// eventHeap orders events by (t, seq). Below the horizon where (t, seq)
// fits in one key it is a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan,
// 1990), which the engine's schedule allows: no event comes before the
// last one popped. Beyond, it is a 4-ary min-heap of nodes on (key, ord).
//
// An event of the radix heap sits in bucket bits.Len64(key ^ last), last
// being the last key popped, so that every key of a bucket is below every
// key of the next, and a push costs O(1). A pop takes the lowest non-empty
// bucket; when that holds more than one event, they are first spread into
// lower buckets around their minimum, each event moving down at most 64
// times in its life, and in practice fewer than four (3.6 in a fire
// trial of a generated 1000-service platform, 1.6 in kakao).
type eventHeap struct {
	// By seq; slots of events not pushed since the reset hold garbage,
	// never read.
	more  []eventMore
	n     int
	min   uint64 // the smallest key, for minT; MaxUint64 when empty
	shift uint   // t = key >> shift
	wide  bool   // key is t alone
	last  uint64 // the last key popped
	// Bit i is set when bucket i < 64 is not empty. Bucket 64, whose keys
	// differ from last in bit 63, has no bit: TrailingZeros64 of an empty
	// mask is 64, so it comes last by itself.
	mask  uint64
	heads [65]int32  // seq of a bucket's first event; -1 when empty
	lows  [65]uint64 // smallest key of each bucket; MaxUint64 when empty
	quad  []node     // if wide
}

// newEventHeap returns a heap for events before horizon H.
func newEventHeap(H int64) eventHeap {
	h := eventHeap{shift: seqBits}
	if H > 1<<(64-seqBits) {
		h = eventHeap{wide: true}
	}
	h.reset()
	return h
}

func (h *eventHeap) reset() {
	h.quad = h.quad[:0]
	for i := range h.heads {
		h.heads[i], h.lows[i] = -1, math.MaxUint64
	}
	h.n, h.last, h.min, h.mask = 0, 0, math.MaxUint64, 0
}

func (h *eventHeap) len() int { return h.n }

// minT returns the time of the next event; the heap must not be empty.
func (h *eventHeap) minT() int64 { return int64(h.min >> h.shift) }

// less orders nodes in a wide heap.
func (x node) less(y node) bool {
	return x.key < y.key || x.key == y.key && x.ord < y.ord
}

// push adds e, which must be at a time in [0, H) and not before the last
// event popped; e.seq must be below 1<<seqBits and unique since the heap's
// reset.
func (h *eventHeap) push(e event) {
	if int(e.seq) >= len(h.more) {
		h.growMore(int(e.seq))
	}
	m := eventMore{kind: e.kind, gen: e.gen, a: e.a, b: e.b}
	h.n++
	if h.wide {
		h.more[e.seq] = m
		h.quad = pushQuad(h.quad, node{key: uint64(e.t), ord: e.seq<<8 | uint32(e.kind), a: e.a})
		h.min = h.quad[0].key
		return
	}
	m.key = uint64(e.t)<<seqBits | uint64(e.seq)
	if m.key < h.last {
		// It would come out of order, silently.
		panic("sim: event scheduled before the last event popped")
	}
	i := bits.Len64(m.key ^ h.last)
	m.next, h.heads[i] = h.heads[i], int32(e.seq)
	h.more[e.seq] = m
	h.lows[i] = min(h.lows[i], m.key)
	h.mask |= 1 << i // no bit for i = 64
	h.min = min(h.min, m.key)
}

// growMore makes room in more for seq, and for as many more events as it
// has capacity for, so that this happens once a trial.
func (h *eventHeap) growMore(seq int) {
	h.more = slices.Grow(h.more, seq+1-len(h.more))
	h.more = h.more[:cap(h.more)]
}

// pop removes and returns the first event; the heap must not be empty.
func (h *eventHeap) pop() event {
	h.n--
	if h.wide {
		var top node
		top, h.quad = popQuad(h.quad)
		if len(h.quad) > 0 {
			h.min = h.quad[0].key
		}
		seq := top.ord >> 8
		m := &h.more[seq]
		return event{t: int64(top.key), seq: seq, kind: uint8(top.ord), gen: m.gen, a: top.a, b: m.b}
	}
	i := bits.TrailingZeros64(h.mask)
	seq := h.heads[i]
	if h.more[seq].next >= 0 {
		h.spill(i)
		i, seq = 0, h.heads[0]
	}
	// Keys are unique, so the bucket held this event alone. i = 64 only
	// when the mask is empty, so i&63, which spares a test of the shift,
	// clears no bit then.
	h.heads[i], h.lows[i] = -1, math.MaxUint64
	h.mask &^= 1 << (i & 63)
	m := &h.more[seq]
	h.last = m.key
	h.min = h.lows[bits.TrailingZeros64(h.mask)]
	return event{t: int64(m.key >> seqBits), seq: uint32(seq), kind: m.kind, gen: m.gen, a: m.a, b: m.b}
}

// spill empties bucket i > 0 into lower ones around its smallest key,
// which becomes last and lands alone in bucket 0. The other buckets keep
// their events: those differ from last above bit i-1, where the new last
// equals the old.
func (h *eventHeap) spill(i int) {
	more, low := h.more, h.lows[i]
	mask := h.mask &^ (1 << (i & 63)) // as in pop, for i = 64
	for seq := h.heads[i]; seq >= 0; {
		m := &more[seq]
		j := bits.Len64(m.key^low) & 63 // below i
		next := m.next
		m.next, h.heads[j] = h.heads[j], seq
		h.lows[j] = min(h.lows[j], m.key)
		mask |= 1 << j
		seq = next
	}
	h.heads[i], h.lows[i] = -1, math.MaxUint64
	h.mask, h.last = mask, low
}

// pushQuad adds x to the 4-ary min-heap s, whose four children per node
// halve the depth of a binary heap and keep siblings in one cache line.
func pushQuad(s []node, x node) []node {
	s = append(s, x)
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !x.less(s[p]) {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = x
	return s
}

// popQuad removes the first node of the 4-ary min-heap s.
func popQuad(s []node) (node, []node) {
	top := s[0]
	n := len(s) - 1
	last := s[n]
	s = s[:n]
	if n > 0 {
		// Sift the hole at the root down, then fill it with the last node.
		s[siftWide(s, last)] = last
	}
	return top, s
}

// siftWide is sift for a wide heap, whose keys may tie.
func siftWide(s []node, last node) int {
	n := len(s)
	i := 0
	for {
		first := 4*i + 1
		if first >= n {
			return i
		}
		m := first
		for c := first + 1; c < min(first+4, n); c++ {
			if s[c].less(s[m]) {
				m = c
			}
		}
		if !s[m].less(last) {
			return i
		}
		s[i] = s[m]
		i = m
	}
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

func (q *rankQueue) push(job int32) {
	r := q.jobRank[job]
	w := int(r >> 6)
	if q.bits[w]&(1<<(r&63)) == 0 {
		q.bits[w] |= 1 << (r & 63)
		q.n++
		q.low = min(q.low, w)
	}
}

func (q *rankQueue) remove(job int32) {
	r := q.jobRank[job]
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
