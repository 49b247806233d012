package graph

import (
	"cmp"
	"slices"
)

// Components returns the strongly connected components of the directed
// graph on nodes 0..len(off)-2 whose edges from i are to[off[i]:off[i+1]],
// every one of them, single nodes included, in the order Tarjan's algorithm
// (Tarjan 1972) completes them: a component comes after every component it
// reaches, so along edges that point from a node to what it needs, what is
// needed comes first. Component k is order[comps[k]:comps[k+1]], its
// members in the order the search found them; len(comps) is one more than
// the number of components. A single node with an edge to itself is a
// component of one: the caller tells it by its edges.
//
// The search keeps an explicit stack, so that a dependency chain of 100,000
// services does not recurse 100,000 deep, and works on flat slices:
// gonum's TarjanSCC on a simple.DirectedGraph spent a second in maps on
// such a platform.
func Components(off, to []int32) (order, comps []int32) {
	n := len(off) - 1
	if n <= 0 {
		return nil, []int32{0}
	}
	const unvisited = -1
	index := make([]int32, n)
	low := make([]int32, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = unvisited
	}
	order = make([]int32, 0, n)
	var stack []int32
	type frame struct{ v, next int32 } // next: the next edge of v to follow
	var call []frame
	var counter int32
	for root := range int32(n) {
		if index[root] != unvisited {
			continue
		}
		call = append(call, frame{root, off[root]})
		index[root], low[root] = counter, counter
		counter++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			v := f.v
			if f.next < off[v+1] {
				w := to[f.next]
				f.next++
				switch {
				case index[w] == unvisited:
					index[w], low[w] = counter, counter
					counter++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{w, off[w]})
				case onStack[w]:
					low[v] = min(low[v], index[w])
				}
				continue
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				low[u] = min(low[u], low[v])
			}
			if low[v] != index[v] {
				continue
			}
			k := len(stack) - 1
			for stack[k] != v {
				k--
			}
			comps = append(comps, int32(len(order)))
			for _, w := range stack[k:] {
				onStack[w] = false
				order = append(order, w)
			}
			stack = stack[:k]
		}
	}
	return order, append(comps, int32(len(order)))
}

// cycles returns the strongly connected components of two or more nodes of
// the graph of Components: each component's members ascending, the
// components ordered by their first member.
func cycles(off, to []int32) [][]int32 {
	order, comps := Components(off, to)
	var out [][]int32
	for k := range len(comps) - 1 {
		if comp := order[comps[k]:comps[k+1]]; len(comp) > 1 {
			out = append(out, slices.Sorted(slices.Values(comp)))
		}
	}
	slices.SortFunc(out, func(a, b []int32) int { return cmp.Compare(a[0], b[0]) })
	return out
}
