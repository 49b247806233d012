package graph

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestComponents(t *testing.T) {
	tests := []struct {
		name        string
		adj         [][]int32
		order, comp []int32
		cycles      [][]int32
	}{
		{name: "empty", comp: []int32{0}},
		{name: "one", adj: [][]int32{nil}, order: []int32{0}, comp: []int32{0, 1}},
		{
			name:   "self-loop is a component of one",
			adj:    [][]int32{{0}},
			order:  []int32{0},
			comp:   []int32{0, 1},
			cycles: nil,
		},
		{
			// 0 → 1 → 2: what is needed completes first.
			name:  "chain",
			adj:   [][]int32{{1}, {2}, nil},
			order: []int32{2, 1, 0},
			comp:  []int32{0, 1, 2, 3},
		},
		{
			// 3 → {1 ⇄ 2} → 0; members in the order the search found them.
			name:   "cycle between",
			adj:    [][]int32{nil, {2, 0}, {1}, {2}},
			order:  []int32{0, 1, 2, 3},
			comp:   []int32{0, 1, 3, 4},
			cycles: [][]int32{{1, 2}},
		},
		{
			// Two cycles, each member listed in the order found.
			name:   "two cycles",
			adj:    [][]int32{{4}, {3}, {1}, {2}, {0}},
			order:  []int32{0, 4, 1, 3, 2},
			comp:   []int32{0, 2, 5},
			cycles: [][]int32{{0, 4}, {1, 2, 3}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			off, to := csr(tt.adj)
			order, comp := Components(off, to)
			assert.Equal(t, tt.order, order, "order")
			assert.Equal(t, tt.comp, comp, "comps")
			assert.Equal(t, tt.cycles, cycles(off, to))
		})
	}
}

// TestComponentsRandom checks Components on random graphs against the
// definition: two nodes share a component if and only if each reaches the
// other, and no edge leads to a component completed later.
func TestComponentsRandom(t *testing.T) {
	const graphs, maxNodes = 300, 12
	rng := rand.New(rand.NewPCG(1, 2))
	for range graphs {
		n := 1 + rng.IntN(maxNodes)
		adj := make([][]int32, n)
		reach := make([][]bool, n)
		for i := range adj {
			reach[i] = make([]bool, n)
			reach[i][i] = true
			for j := range n {
				if rng.IntN(n) < 2 {
					adj[i] = append(adj[i], int32(j))
					reach[i][j] = true
				}
			}
		}
		for k := range n { // Warshall's closure
			for i := range n {
				for j := range n {
					reach[i][j] = reach[i][j] || reach[i][k] && reach[k][j]
				}
			}
		}
		off, to := csr(adj)
		order, comps := Components(off, to)
		require.Len(t, order, n, "adj %v", adj)
		assert.ElementsMatch(t, order, seq(n), "adj %v: every node once", adj)
		at := make([]int, n) // component of each node
		for k := range len(comps) - 1 {
			for _, v := range order[comps[k]:comps[k+1]] {
				at[v] = k
			}
		}
		for i := range n {
			for j := range n {
				assert.Equal(t, reach[i][j] && reach[j][i], at[i] == at[j], "adj %v: %d and %d", adj, i, j)
			}
			for _, j := range adj[i] {
				assert.LessOrEqual(t, at[j], at[i], "adj %v: edge %d → %d", adj, i, j)
			}
		}
	}
}

// TestComponentsDeep runs on a chain far deeper than a recursive search
// could go.
func TestComponentsDeep(t *testing.T) {
	const n = 200_000
	adj := make([][]int32, n)
	for i := range n - 1 {
		adj[i] = []int32{int32(i + 1)}
	}
	adj[n-1] = []int32{0}
	off, to := csr(adj)
	order, comps := Components(off, to)
	assert.Equal(t, []int32{0, n}, comps)
	assert.Len(t, order, n)
	require.Len(t, cycles(off, to), 1)
	assert.True(t, slices.IsSorted(cycles(off, to)[0]))
}

func seq(n int) []int32 {
	s := make([]int32, n)
	for i := range s {
		s[i] = int32(i)
	}
	return s
}
