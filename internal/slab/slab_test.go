package slab

import "testing"

func TestNewGivesDistinctZeroValues(t *testing.T) {
	s := Slab[[2]int]{Chunk: 3}
	seen := map[*[2]int]bool{}
	for i := range 10 {
		p := s.New()
		if *p != [2]int{} {
			t.Fatalf("value %d not zero: %v", i, *p)
		}
		if seen[p] {
			t.Fatalf("value %d handed out twice", i)
		}
		seen[p] = true
		p[0] = i + 1 // must not show in any later value
	}
	var nilSlab *Slab[int]
	if p := nilSlab.New(); p == nil || *p != 0 {
		t.Fatal("a nil slab must allocate a zero value")
	}
}

func TestMakeDoesNotOverlap(t *testing.T) {
	var s Slab[int]
	a := s.Make(3)
	b := s.Make(2)
	if len(a) != 3 || cap(a) != 3 || len(b) != 2 {
		t.Fatalf("len/cap: a %d/%d, b %d", len(a), cap(a), len(b))
	}
	a = append(a, 7) // beyond its capacity: must copy, not write into b
	if b[0] != 0 || len(a) != 4 || a[3] != 7 {
		t.Fatalf("appending to a wrote into b: a %v, b %v", a, b)
	}
	left := len(s.free)
	big := s.Make(2000) // over a quarter of a chunk: its own allocation
	if len(big) != 2000 || cap(big) != 2000 || len(s.free) != left {
		t.Fatalf("big: len %d cap %d, chunk left %d of %d", len(big), cap(big), len(s.free), left)
	}
}
