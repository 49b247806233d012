package sim

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// TestShortTotalsSameAsTotals checks finish's shortcut sums against the
// sums of every term (totals), bit for bit, after every trial of the
// embedded scenarios, generated platforms and small rule platforms, in a
// few what-if worlds.
func TestShortTotalsSameAsTotals(t *testing.T) {
	compared := 0
	for name, c := range snapshotCases(t) {
		trials := caseTrials(c)
		tr := NewTrial(c, Grid(c.Horizon, 10))
		for _, w := range worldsOf(c)[:3] {
			tr.SetWorld(w)
			for k := range trials {
				o := tr.Run(1, k)
				if !tr.totalsShort.short || len(tr.loaded) > 0 {
					continue
				}
				compared++
				gotMs, gotDeg, gotCost := tr.shortTotals(o.Touched)
				wantMs, wantDeg, wantCost := tr.totals(o.Touched)
				assert.Equalf(t, wantMs, gotMs, "%s, %v, trial %d: user-ms", name, w, k)
				assert.Equalf(t, math.Float64bits(wantDeg), math.Float64bits(gotDeg), "%s, %v, trial %d: degraded user-ms %v, want %v", name, w, k, gotDeg, wantDeg)
				assert.Equalf(t, math.Float64bits(wantCost), math.Float64bits(gotCost), "%s, %v, trial %d: cost %v, want %v", name, w, k, gotCost, wantCost)
			}
		}
	}
	assert.Positive(t, compared, "no platform took the shortcut: the test compares nothing")
}

// TestTotalsPlan checks when finish may sum user-ms in an int64 and leave
// out zero terms: not when Σ users × H could reach 2⁶³, nor with a cost
// or soft_weight that is not finite (a platform built by a program).
func TestTotalsPlan(t *testing.T) {
	base := compile(t, seriesParallel20, "")
	require.True(t, NewTrial(base, nil).totalsShort.short)
	tests := []struct {
		name string
		edit func(c *graph.Compiled)
	}{
		{"users × H beyond int64", func(c *graph.Compiled) { c.Services[0].Users = math.MaxInt64 / c.Horizon }},
		{"infinite cost", func(c *graph.Compiled) { c.Services[1].CostPerHour = math.Inf(1) }},
		{"NaN cost", func(c *graph.Compiled) { c.Services[1].CostPerHour = math.NaN() }},
		{"NaN soft_weight", func(c *graph.Compiled) { c.SoftWeight = math.NaN() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := compile(t, seriesParallel20, "")
			tt.edit(c)
			assert.False(t, NewTrial(c, nil).totalsShort.short)
		})
	}
}
