// Package slab hands out values from large chunks, one allocation a chunk
// instead of one a value: for the millions of small nodes, paths and keys
// the loader builds for a large platform, and the histogram rows a run
// records into.
package slab

// Slab allocates Ts Chunk at a time (4096 when Chunk is 0). The zero Slab
// is ready to use; a nil *Slab allocates each value on its own. A Slab
// keeps a chunk alive while any value from it is in use.
type Slab[T any] struct {
	Chunk int
	free  []T
}

func (s *Slab[T]) chunk() int {
	if s.Chunk > 0 {
		return s.Chunk
	}
	return 4096
}

// New returns a pointer to a zero T.
func (s *Slab[T]) New() *T {
	if s == nil {
		return new(T)
	}
	if len(s.free) == 0 {
		s.free = make([]T, s.chunk())
	}
	p := &s.free[0]
	s.free = s.free[1:]
	return p
}

// Make returns n zero Ts with capacity n, so that appending to them copies
// rather than overwrites the values handed out next. More than a quarter
// of a chunk gets an allocation of its own, which wastes no chunk.
func (s *Slab[T]) Make(n int) []T {
	if s == nil || n > s.chunk()/4 {
		return make([]T, n)
	}
	if len(s.free) < n {
		s.free = make([]T, s.chunk())
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}
