package sim

import (
	"context"
	"testing"

	"github.com/dominosim/domino/graph"
)

func TestComparePairedNarrowerThanIndependent(t *testing.T) {
	f := kakao(t)
	var cs []*graph.Compiled
	for _, id := range []string{"pangyo-fire", "ops-tools-3dc"} {
		c, err := graph.Compile(f.Scenario(id))
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	const n = 400
	paired, err := Compare(context.Background(), cs, n, 1, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	indep, err := Compare(context.Background(), cs, n, 1, 2, []uint64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
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
