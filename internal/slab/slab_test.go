package slab

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNewGivesDistinctZeroValues(t *testing.T) {
	s := Slab[[2]int]{Chunk: 3}
	seen := map[*[2]int]bool{}
	for i := range 10 {
		p := s.New()
		require.Zero(t, *p, "value %d not zero", i)
		require.False(t, seen[p], "value %d handed out twice", i)
		seen[p] = true
		p[0] = i + 1 // must not show in any later value
	}
	var nilSlab *Slab[int]
	p := nilSlab.New()
	require.NotNil(t, p, "a nil slab must allocate a value")
	require.Zero(t, *p, "a nil slab must allocate a zero value")
}

func TestMakeDoesNotOverlap(t *testing.T) {
	var s Slab[int]
	a := s.Make(3)
	b := s.Make(2)
	require.Len(t, a, 3)
	require.Equal(t, 3, cap(a), "cap(a)")
	require.Len(t, b, 2)
	a = append(a, 7) // beyond its capacity: must copy, not write into b
	require.Equal(t, 0, b[0], "appending to a wrote into b")
	require.Equal(t, []int{0, 0, 0, 7}, a, "appending to a")
	left := len(s.free)
	big := s.Make(2000) // over a quarter of a chunk: its own allocation
	require.Len(t, big, 2000)
	require.Equal(t, 2000, cap(big), "cap(big)")
	require.Len(t, s.free, left, "a big slice is its own allocation: the chunk left is unchanged")
}
