package sim

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventHeapOrder(t *testing.T) {
	// Random interleavings of pushes, pops and resets give the events in
	// (t, seq) order, as a sorted reference does, and len and minT agree
	// with it at every step, for horizons up to the largest time, whose
	// times from 2^62 differ from small ones in bit 62 (the last bucket).
	// Many events share an instant: those must come out in push order
	// through every spill.
	for _, H := range []int64{50, 1 << 30, 1 << 40, 1 << 62, math.MaxInt64} {
		for seed := range uint64(10) {
			checkHeapAgainstSorted(t, H, seed)
		}
	}
}

func checkHeapAgainstSorted(t *testing.T, H int64, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, uint64(H)))
	tr := heapOnly(H)
	h := &tr.events
	var ref []seqEvent // pending, sorted by (t, seq)
	var now int64      // time of the last pop since the last reset
	seq := uint32(1)
	pushProb := 0.5
	for step := range 4000 {
		if step%250 == 0 {
			pushProb = 0.2 + 0.6*rng.Float64() // phases of growth and drain
		}
		switch {
		case rng.IntN(1500) == 0:
			// With events left: nothing of the last trial may remain.
			h.reset()
			ref, now, seq = ref[:0], 0, 1
		case len(ref) == 0 || rng.Float64() < pushProb:
			at := heapTestTime(rng, H, now, ref)
			e := seqEvent{event{t: at, kind: evKind(seq), gen: 3 * seq, a: -int32(seq), b: int32(seq) + 1}, seq}
			seq++
			tr.push(e)
			i, _ := slices.BinarySearchFunc(ref, e, cmpEvent)
			ref = slices.Insert(ref, i, e)
		default:
			e, seq := h.pop()
			require.Equal(t, ref[0], seqEvent{*e, seq}, "H %d, seed %d, step %d: popped", H, seed, step)
			ref = ref[1:]
			now = e.t
		}
		require.Equal(t, len(ref), h.len(), "H %d, seed %d, step %d: len", H, seed, step)
		want := int64(math.MaxInt64) // empty: the Run loop's tests count on it
		if len(ref) > 0 {
			want = ref[0].t
		}
		require.Equal(t, want, h.minT(), "H %d, seed %d, step %d: minT", H, seed, step)
	}
}

// heapTestTime returns a time in [now, H) for the next push: at the last
// pop's instant, at the next event's, between the two (into the buckets a
// pop spills into), soon after at every scale, or at the horizon's end.
func heapTestTime(rng *rand.Rand, H, now int64, ref []seqEvent) int64 {
	next := H - 1
	if len(ref) > 0 {
		next = ref[0].t
	}
	var at int64
	switch rng.IntN(6) {
	case 0:
		at = now
	case 1:
		at = next
	case 2:
		at = now + rng.Int64N(next-now+1)
	case 3:
		at = next + rng.Int64N(3) - 1
	case 4:
		at = now + rng.Int64N(int64(1)<<rng.IntN(45))
	default:
		at = H - 1 - rng.Int64N(4)
	}
	return min(max(at, now), H-1)
}

func cmpEvent(x, y seqEvent) int {
	if c := cmp.Compare(x.t, y.t); c != 0 {
		return c
	}
	return cmp.Compare(x.seq, y.seq)
}

func TestEventHeapRefusesPastEvent(t *testing.T) {
	// A radix heap would give an event before the last one popped out of
	// order, so it refuses it.
	tr := heapOnly(100)
	tr.push(seqEvent{event{t: 10}, 1})
	tr.push(seqEvent{event{t: 20}, 2})
	tr.events.pop()
	assert.Panics(t, func() { tr.push(seqEvent{event{t: 9}, 3}) }, "no panic for an event before the last popped")
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
	require.Equal(t, []int32{129, 65, 64, 2, 0}, got)
	q.push(3)
	assert.Equal(t, int32(3), q.popMin(), "queue does not restart after emptying")
	assert.Zero(t, q.n, "queue does not restart after emptying")
}

// seqEvent is an event with its sequence number, for the tests.
type seqEvent struct {
	event
	seq uint32
}

// heapOnly returns a Trial of horizon H with nothing but its events, for
// the tests of the heap.
func heapOnly(H int64) *Trial {
	return &Trial{H: H, clock: clock{events: newEventHeap()}}
}

// push schedules e on tr at sequence number e.seq, which must be above
// tr's last, for the tests.
func (tr *Trial) push(e seqEvent) {
	tr.seq = e.seq - 1
	tr.schedule(e.t, e.kind, e.a, e.b, e.gen)
}
