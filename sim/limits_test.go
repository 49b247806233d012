package sim

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// TestFiguresAtTheLimits runs a platform whose totals come within a factor
// 1.4 of graph.MaxTrialTotal: service x (10^12 users, 10^15 an hour) is
// down for the whole 96d horizon, 2,304 h; service y (the same, load 2 on
// two sites) sheds half its traffic for all of it. Each trial loses
// 10^12 × (2304 + 1152) user-hours and 10^15 × 3456 in money, exactly, and
// the platform's user-hours are the sum of the services'.
func TestFiguresAtTheLimits(t *testing.T) {
	c := compile(t, `version: 1
platform:
  sites: [{id: a}, {id: b}]
  services:
    - {id: x, users: 1000000000000, cost_per_hour: 1e15, placement: {a: 1}}
    - {id: y, users: 1000000000000, cost_per_hour: 1e15, load: 2, placement: {a: 1, b: 1}}
scenarios: [{id: s, horizon: 96d, events: [{kind: site-outage, site: a}]}]
`, "")
	r := runAll(t, c, 20, 2)
	const hours = 96 * 24
	wantUserHours := 1e12 * (hours + hours/2)
	wantCost := 1e15 * (hours + hours/2)
	require.Less(t, wantCost, float64(graph.MaxTrialTotal))
	p := r.Summary
	assert.Equal(t, wantUserHours, p.UserHours.Mean, "user-hours")
	assert.Equal(t, wantCost, p.Cost.Mean, "money")
	assert.Equal(t, [2]float64{wantCost, wantCost}, p.Cost.CI95, "money CI")
	var services float64
	for _, s := range r.Services {
		services += s.UserHours
	}
	assert.Equal(t, p.UserHours.Mean, services, "platform and services' user-hours")
}

// TestToTotal checks the conversion of a trial's float totals: rounded,
// and clamped at graph.MaxTrialTotal instead of wrapping to a negative
// number (int64(1e19) is math.MinInt64 on amd64).
func TestToTotal(t *testing.T) {
	tests := []struct {
		x    float64
		want int64
	}{
		{0, 0},
		{2.5, 3},
		{1e18, 1e18},
		{graph.MaxTrialTotal, graph.MaxTrialTotal},
		{1e19, graph.MaxTrialTotal},
		{math.Inf(1), graph.MaxTrialTotal},
		{math.NaN(), graph.MaxTrialTotal},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, toTotal(tt.x), "toTotal(%v)", tt.x)
	}
}
