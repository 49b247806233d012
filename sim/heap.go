package sim

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

// eventHeap is a binary min-heap on (t, seq), typed to avoid container/heap's
// interface calls in the inner loop.
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
		p := (i - 1) / 2
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
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && s.less(r, l) {
			m = r
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

// rankHeap is an indexed min-heap of crew-queue ranks, with removal of any
// job in O(log n). pos[job] is the job's index in the heap, or -1.
type rankHeap struct {
	ranks   []int32
	pos     []int32 // by job
	jobRank []int32
	rankJob []int32
}

func newRankHeap(jobRank, rankJob []int32) rankHeap {
	h := rankHeap{jobRank: jobRank, rankJob: rankJob, pos: make([]int32, len(jobRank))}
	for i := range h.pos {
		h.pos[i] = -1
	}
	return h
}

func (h *rankHeap) reset() {
	for _, r := range h.ranks {
		h.pos[h.rankJob[r]] = -1
	}
	h.ranks = h.ranks[:0]
}

func (h *rankHeap) has(job int32) bool { return h.pos[job] >= 0 }

func (h *rankHeap) push(job int32) {
	h.ranks = append(h.ranks, h.jobRank[job])
	i := len(h.ranks) - 1
	h.pos[job] = int32(i)
	h.up(i)
}

func (h *rankHeap) popMin() int32 {
	job := h.rankJob[h.ranks[0]]
	h.removeAt(0)
	return job
}

func (h *rankHeap) remove(job int32) {
	if i := h.pos[job]; i >= 0 {
		h.removeAt(int(i))
	}
}

func (h *rankHeap) removeAt(i int) {
	n := len(h.ranks) - 1
	h.pos[h.rankJob[h.ranks[i]]] = -1
	if i != n {
		h.ranks[i] = h.ranks[n]
		h.pos[h.rankJob[h.ranks[i]]] = int32(i)
	}
	h.ranks = h.ranks[:n]
	if i != n {
		h.down(i)
		h.up(i)
	}
}

func (h *rankHeap) swap(i, j int) {
	h.ranks[i], h.ranks[j] = h.ranks[j], h.ranks[i]
	h.pos[h.rankJob[h.ranks[i]]] = int32(i)
	h.pos[h.rankJob[h.ranks[j]]] = int32(j)
}

func (h *rankHeap) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h.ranks[p] <= h.ranks[i] {
			break
		}
		h.swap(i, p)
		i = p
	}
}

func (h *rankHeap) down(i int) {
	n := len(h.ranks)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h.ranks[r] < h.ranks[l] {
			m = r
		}
		if h.ranks[m] >= h.ranks[i] {
			return
		}
		h.swap(i, m)
		i = m
	}
}
