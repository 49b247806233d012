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
// kind; gen and b wait in eventHeap.more, indexed by seq. key is
// t<<seqBits | seq, so that one comparison orders events by (t, seq), when
// the horizon leaves room for it (below 2^40 ms, some 34 years); beyond, key
// is t alone and ties fall to ord, which orders by seq since seq is unique.
type node struct {
	key uint64
	ord uint32
	a   int32
}

// seqBits bounds the sequence numbers a node can hold.
const seqBits = 24

// Every sequence number a trial gives fits in a node (a negative constant
// does not compile).
const _ = uint(1<<seqBits - 1 - MaxEvents)

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
	wide  bool        // key is t alone
	shift uint        // t = key >> shift
}

// newEventHeap returns a heap for events before horizon H.
func newEventHeap(H int64) eventHeap {
	if H > 1<<(64-seqBits) {
		return eventHeap{wide: true}
	}
	return eventHeap{shift: seqBits}
}

func (h *eventHeap) reset() {
	h.nodes, h.more = h.nodes[:0], h.more[:0]
}

func (h *eventHeap) len() int { return len(h.nodes) }

// minT returns the time of the next event; the heap must not be empty.
func (h *eventHeap) minT() int64 { return int64(h.nodes[0].key >> h.shift) }

// less orders nodes in a wide heap.
func (x node) less(y node) bool {
	return x.key < y.key || x.key == y.key && x.ord < y.ord
}

// push adds e, which must be at a time in [0, H); e.seq must be below
// 1<<seqBits and unique in the heap's life since its reset.
func (h *eventHeap) push(e event) {
	for len(h.more) <= int(e.seq) {
		h.more = append(h.more, eventMore{})
	}
	h.more[e.seq] = eventMore{gen: e.gen, b: e.b}
	x := node{key: uint64(e.t), ord: e.seq<<8 | uint32(e.kind), a: e.a}
	if !h.wide {
		x.key = x.key<<seqBits | uint64(e.seq)
	}
	h.nodes = append(h.nodes, x)
	s := h.nodes
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 4
		if h.wide && !x.less(s[p]) || !h.wide && x.key >= s[p].key {
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
		var i int
		if h.wide {
			i = siftWide(s, last)
		} else {
			i = sift(s, last.key)
		}
		s[i] = last
	}
	h.nodes = s
	seq := top.ord >> 8
	m := h.more[seq]
	return event{t: int64(top.key >> h.shift), seq: seq, kind: uint8(top.ord), gen: m.gen, a: top.a, b: m.b}
}

// sift moves the hole at the root of s down to where a node of key k
// belongs and returns its index. Keys are unique, so the smallest of the
// children is found without branches that mispredict half the time.
func sift(s []node, k uint64) int {
	n := len(s)
	i := 0
	for {
		first := 4*i + 1
		var m int
		var km uint64
		if first+3 < n {
			// A tournament; the borrow of x − y is 1 exactly when x < y.
			c := s[first : first+4 : first+4]
			k0, k1, k2, k3 := c[0].key, c[1].key, c[2].key, c[3].key
			_, lt10 := bits.Sub64(k1, k0, 0)
			_, lt32 := bits.Sub64(k3, k2, 0)
			a, b := first+int(lt10), first+2+int(lt32)
			ka, kb := min(k0, k1), min(k2, k3)
			_, ltba := bits.Sub64(kb, ka, 0)
			m = a ^ (a^b)&-int(ltba)
			km = min(ka, kb)
		} else {
			if first >= n {
				return i
			}
			m, km = first, s[first].key
			for c := first + 1; c < n; c++ {
				if x := s[c].key; x < km {
					m, km = c, x
				}
			}
		}
		if km >= k {
			return i
		}
		s[i] = s[m]
		i = m
	}
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
