package sim

import "math/bits"

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

// node is an event as the heap holds it: 16 bytes, four to a cache line,
// so that sifting moves half the memory of a whole event. ord is seq<<8 |
// kind, which orders ties by seq alone since seq is unique; gen and b wait
// in eventHeap.more, indexed by seq.
type node struct {
	t   int64
	ord uint32
	a   int32
}

// seqBits bounds the sequence numbers a node can hold.
const seqBits = 24

// Every sequence number a trial gives fits in a node (a negative constant
// does not compile).
const _ = uint(1<<seqBits - 1 - MaxEvents)

func (x node) less(y node) bool {
	return x.t < y.t || x.t == y.t && x.ord < y.ord
}

type eventMore struct {
	gen uint32
	b   int32
}

// eventHeap is a 4-ary min-heap on (t, seq), typed to avoid
// container/heap's interface calls in the inner loop; four children per node
// halve the depth of a binary heap and keep siblings in one cache line.
type eventHeap struct {
	nodes []node
	more  []eventMore // by seq
}

func (h *eventHeap) reset() {
	h.nodes, h.more = h.nodes[:0], h.more[:0]
}

func (h *eventHeap) len() int { return len(h.nodes) }

// minT returns the time of the next event; the heap must not be empty.
func (h *eventHeap) minT() int64 { return h.nodes[0].t }

// push adds e; e.seq must be below 1<<seqBits and unique in the heap's life
// since its reset.
func (h *eventHeap) push(e event) {
	for len(h.more) <= int(e.seq) {
		h.more = append(h.more, eventMore{})
	}
	h.more[e.seq] = eventMore{gen: e.gen, b: e.b}
	x := node{t: e.t, ord: e.seq<<8 | uint32(e.kind), a: e.a}
	h.nodes = append(h.nodes, x)
	s := h.nodes
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
}

// pop removes and returns the first event; the heap must not be empty.
func (h *eventHeap) pop() event {
	s := h.nodes
	top := s[0]
	n := len(s) - 1
	last := s[n]
	s = s[:n]
	if n > 0 {
		// Sift the hole at the root down, then fill it with the last node.
		i := 0
		for {
			first := 4*i + 1
			if first >= n {
				break
			}
			m := first
			for c := first + 1; c < min(first+4, n); c++ {
				if s[c].less(s[m]) {
					m = c
				}
			}
			if !s[m].less(last) {
				break
			}
			s[i] = s[m]
			i = m
		}
		s[i] = last
	}
	h.nodes = s
	seq := top.ord >> 8
	m := h.more[seq]
	return event{t: top.t, seq: seq, kind: uint8(top.ord), gen: m.gen, a: top.a, b: m.b}
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
