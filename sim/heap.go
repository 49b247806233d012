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

// eventHeap is a 4-ary min-heap on (t, seq), typed to avoid
// container/heap's interface calls in the inner loop; four children per node
// halve the depth of a binary heap and keep siblings in one cache line.
type eventHeap []event

func (h eventHeap) less(i, j int) bool {
	if h[i].t != h[j].t {
		return h[i].t < h[j].t
	}
	return h[i].seq < h[j].seq
}

func (h *eventHeap) push(e event) {
	*h = append(*h, e)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !s.less(i, p) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *eventHeap) pop() event {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	i := 0
	for {
		first := 4*i + 1
		if first >= n {
			break
		}
		m := first
		for c := first + 1; c < min(first+4, n); c++ {
			if s.less(c, m) {
				m = c
			}
		}
		if !s.less(m, i) {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	*h = s
	return top
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
