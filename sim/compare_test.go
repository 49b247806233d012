package sim

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

func TestComparePairedNarrowerThanIndependent(t *testing.T) {
	f := kakao(t)
	var cs []*graph.Compiled
	for _, id := range []string{"pangyo-fire", "ops-tools-3dc"} {
		c, err := graph.Compile(f.Scenario(id))
		require.NoError(t, err)
		cs = append(cs, c)
	}
	const n = 400
	paired, err := Compare(context.Background(), cs, n, 1, 2, nil)
	require.NoError(t, err)
	indep, err := Compare(context.Background(), cs, n, 1, 2, []uint64{1, 2})
	require.NoError(t, err)
	for m, row := range paired.Metrics {
		if row.ID != "user_hours" {
			continue
		}
		p, q := row.Diffs[1], indep.Metrics[m].Diffs[1]
		wp, wq := p.CI95[1]-p.CI95[0], q.CI95[1]-q.CI95[0]
		if !(wp < wq/2) {
			t.Errorf("paired CI width %.3g not under half the independent %.3g", wp, wq)
		}
		// The paired difference equals the difference of the means.
		if d := row.Values[1].Mean - row.Values[0].Mean; abs(d-p.Mean) > 1e-6*abs(d)+1e-9 {
			t.Errorf("paired mean diff %.6g, difference of means %.6g", p.Mean, d)
		}
	}
}

func TestDiffStatSigned(t *testing.T) {
	var d diffStat
	for _, v := range []int64{-3, 5, -7, 1} {
		d.add(v)
	}
	got := d.diff(1)
	if got.Mean != -1 {
		t.Errorf("mean: got %v, want -1", got.Mean)
	}
	// s² = (9+25+49+1 − 4·1)/3 = 80/3; t(0.975, 3 df) = 3.18244630528…
	want := 3.182446305284263 * sqrt(80.0/3/4)
	if h := (got.CI95[1] - got.CI95[0]) / 2; abs(h-want) > 1e-9 {
		t.Errorf("half width: got %v, want %v", h, want)
	}
}

// backupYAML: a fire destroys site a's data in every trial. db lives only
// in a with an on-site backup (all its data lost), cache replicates to b
// with a 5s lag (5s lost, finite). The mitigation moves db's backup
// offsite: it loses ⌊U·24h⌋ instead of everything.
const backupYAML = `version: 1
platform:
  name: backups
  sites: [{id: a}, {id: b}]
  services:
    - {id: db, placement: {a: 1}, data: {replication: none, backup: {every: 24h}}, rpo: 1h}
    - {id: cache, placement: {a: 1, b: 1}, data: {replication: async, lag: 5s}, rpo: 1s}
scenarios:
  - id: onsite
    events: [{kind: site-outage, site: a, duration: 1h, destroys_data: 1}]
  - id: offsite
    events: [{kind: site-outage, site: a, duration: 1h, destroys_data: 1}]
    patch:
      services:
        - {id: db, data: {replication: none, backup: {every: 24h, offsite: true}}}
`

// A total loss turned finite must not read as more data lost (issue: an
// offsite backup showed "Data lost +133%"): the data lost's paired Δ is
// like for like, over the services whose loss is finite in both, and the
// services whose total loss went are counted apart.
func TestCompareDataLostLikeForLike(t *testing.T) {
	const n = 2000
	cs := []*graph.Compiled{compile(t, backupYAML, "onsite"), compile(t, backupYAML, "offsite")}
	cmp, err := Compare(context.Background(), cs, n, 1, 2, nil)
	require.NoError(t, err)
	get := func(id string) ComparedMetric {
		for _, m := range cmp.Metrics {
			if m.ID == id {
				return m
			}
		}
		t.Fatalf("no metric %q", id)
		return ComparedMetric{}
	}
	all := get("services_all_data_lost")
	assert.Equal(t, 1.0, all.Values[0].Mean)
	assert.Equal(t, 0.0, all.Values[1].Mean)
	assert.Equal(t, Diff{Mean: -1, CI95: [2]float64{-1, -1}}, *all.Diffs[1])

	loss := get("data_loss_ms")
	// The finite losses: cache's 5s, plus db's backup age once offsite
	// (mean 12h: its CI must hold it).
	assert.Equal(t, 5000.0, loss.Values[0].Mean)
	ci := loss.Values[1].CI95
	assert.True(t, ci[0] <= 5000+12*float64(graph.Hour) && 5000+12*float64(graph.Hour) <= ci[1], "CI %v", ci)
	// Like for like: only cache is finite in both, and loses 5s in both.
	assert.Equal(t, Diff{Mean: 0, CI95: [2]float64{0, 0}}, *loss.Diffs[1])
	assert.Equal(t, []float64{0, 1}, loss.TotalLossChanged)

	// RPO: cache (rpo 1s) breaches in every trial of both; db (rpo 1h)
	// in every trial onsite, and offsite when U·24h > 1h, P = 23/24.
	rpo := get("services_rpo_breach")
	assert.Equal(t, 2.0, rpo.Values[0].Mean)
	ci = rpo.Values[1].CI95
	assert.True(t, ci[0] <= 1+23.0/24 && 1+23.0/24 <= ci[1], "CI %v of services breaching their RPO offsite, want it to hold 1 + 23/24", ci)

	// Unpaired, the finite losses cannot be matched service by service:
	// no difference while the total losses differ.
	cmp.Unpair(1)
	loss = get("data_loss_ms")
	assert.Nil(t, loss.Diffs[1])
	assert.Equal(t, []float64{0, 1}, loss.TotalLossChanged)
	assert.Equal(t, []bool{true, false}, cmp.Paired)
}

// TestCompareProbabilityCI: a probability's interval is the exact binomial
// one, inside [0, 1], where Student's t around a rare event (P(deadlock)
// 0.2% in 500 trials) ran below 0.
func TestCompareProbabilityCI(t *testing.T) {
	f := kakao(t)
	var cs []*graph.Compiled
	for _, id := range []string{"pangyo-fire", "ops-tools-3dc"} {
		c, err := graph.Compile(f.Scenario(id))
		require.NoError(t, err)
		cs = append(cs, c)
	}
	const n = 500
	cmp, err := Compare(context.Background(), cs, n, 1, 2, nil)
	require.NoError(t, err)
	rare := false
	for _, row := range cmp.Metrics {
		if row.Unit != "probability" {
			continue
		}
		for i, v := range row.Values {
			k := int64(math.Round(v.Mean * n))
			assert.Equal(t, ClopperPearson(k, n), v.CI95, "%s of %s", row.ID, cmp.Scenarios[i])
			assert.True(t, 0 <= v.CI95[0] && v.CI95[0] <= v.Mean && v.Mean <= v.CI95[1] && v.CI95[1] <= 1,
				"%s of %s: %v outside [0, 1] or not around %v", row.ID, cmp.Scenarios[i], v.CI95, v.Mean)
			rare = rare || (k > 0 && k < 5)
		}
	}
	require.True(t, rare, "the case must have a rare event for the test to mean something")
}
