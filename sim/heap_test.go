package sim

import (
	"math/rand/v2"
	"testing"
	"unsafe"
)

func TestNodeSize(t *testing.T) {
	if got := unsafe.Sizeof(node{}); got != 16 {
		t.Errorf("heap node: got %d bytes, want 16", got)
	}
}

func TestEventHeapOrder(t *testing.T) {
	// Pops come out in (t, seq) order whatever the push order, also when
	// pops are interleaved with pushes, in a heap that packs (t, seq) in
	// one key and in one for horizons too long for that.
	for _, H := range []int64{50, 1 << 40, 1<<40 + 1, 1 << 62} {
		rng := rand.New(rand.NewPCG(1, 2))
		h := newEventHeap(H)
		var last event
		for i := range 1000 {
			at := H - 1 - rng.Int64N(50)
			if i%2 == 0 {
				at = rng.Int64N(min(H, 50))
			}
			h.push(event{t: at, seq: uint32(i), kind: uint8(i), gen: uint32(3 * i), a: int32(-i), b: int32(i + 1)})
			if i%7 != 0 {
				continue
			}
			last = h.pop()
			for h.len() > 0 {
				if got := h.minT(); got < last.t {
					t.Fatalf("H %d: next event at %d after one at %d", H, got, last.t)
				}
				e := h.pop()
				if e.t < last.t || e.t == last.t && e.seq < last.seq {
					t.Fatalf("H %d, after %d pushes: popped (%d, %d) after (%d, %d)", H, i+1, e.t, e.seq, last.t, last.seq)
				}
				if j := e.seq; e.kind != uint8(j) || e.gen != 3*j || e.a != -int32(j) || e.b != int32(j)+1 {
					t.Fatalf("H %d: popped %+v: payload does not match its seq", H, e)
				}
				last = e
			}
		}
	}
}

func TestRankQueue(t *testing.T) {
	// 130 jobs ranked in reverse (two words and a bit): jobs come out by
	// rank, pushing twice is once, and removal works anywhere.
	const n = 130
	jobRank, rankJob := make([]int32, n), make([]int32, n)
	for j := range n {
		jobRank[j] = int32(n - 1 - j)
		rankJob[n-1-j] = int32(j)
	}
	q := newRankQueue(jobRank, rankJob)
	for _, j := range []int32{0, 1, 2, 64, 65, 129} {
		q.push(j)
	}
	q.push(64)
	q.remove(1)
	var got []int32
	for q.n > 0 {
		got = append(got, q.popMin())
	}
	want := []int32{129, 65, 64, 2, 0}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	q.push(3)
	if q.popMin() != 3 || q.n != 0 {
		t.Fatal("queue does not restart after emptying")
	}
}
