package output

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/sim"
)

// shopYAML has two scenarios over the same random events: db lives only in
// site a (restarted by hand when its deploy tool, also in a, is down), and
// the mitigation gives db an active-standby copy in b with async
// replication. Trials are few and the seed fixed, so the output is fixed.
const shopYAML = `version: 1
platform:
  name: shop
  currency: EUR
  sites: [{id: a}, {id: b}]
  services:
    - id: deploy
      placement: {a: 1}
      restart: {auto: 1h}
    - id: db
      priority: 1
      placement: {a: 4}
      tooling: [deploy]
      restart: {auto: {uniform: {min: 5m, max: 30m}}}
      data: {replication: none, backup: {every: 24h, offsite: true}}
      rto: 2h
      rpo: 1h
    - id: web
      users: 1000
      cost_per_hour: 10
      priority: 1
      placement: {a: 2, b: 2}
      depends_on: [db]
      rto: 4h
scenarios:
  - id: a-burns
    description: site a dark for 4h to 12h; its data lost half the time
    trials: 200
    crews: 1
    events:
      - {kind: site-outage, cause: fire, site: a, duration: {uniform: {min: 4h, max: 12h}}, destroys_data: 0.5}
  - id: db-in-b
    trials: 200
    crews: 1
    events:
      - {kind: site-outage, cause: fire, site: a, duration: {uniform: {min: 4h, max: 12h}}, destroys_data: 0.5}
    patch:
      services:
        - id: db
          placement: {a: 4, b: 4}
          redundancy: {mode: active-standby, failover: {auto: 5m, manual: {uniform: {min: 20m, max: 1h}}}}
          data: {replication: async, lag: {uniform: {min: 1s, max: 10s}}}
`

func shopCompiled(t *testing.T) []*graph.Compiled {
	t.Helper()
	f, err := graph.Load(strings.NewReader(shopYAML), "shop.yaml")
	require.NoError(t, err)
	var cs []*graph.Compiled
	for _, sc := range f.Scenarios {
		c, err := graph.Compile(sc)
		require.NoError(t, err)
		cs = append(cs, c)
	}
	return cs
}

func shopComparison(t *testing.T) *sim.Comparison {
	t.Helper()
	cmp, err := sim.Compare(context.Background(), shopCompiled(t), 0, 1, 2, nil)
	require.NoError(t, err)
	return cmp
}

func shopResultsComparison(t *testing.T) *ResultsComparison {
	t.Helper()
	var rs []*sim.Results
	for _, c := range shopCompiled(t) {
		r, err := sim.Run(context.Background(), c, sim.Options{Seed: 1, Workers: 2})
		require.NoError(t, err)
		rs = append(rs, r)
	}
	c, err := CompareResults(rs, nil, nil)
	require.NoError(t, err)
	return c
}

func TestComparisonGolden(t *testing.T) {
	cmp := shopComparison(t)
	res := shopResultsComparison(t)
	for _, format := range ResultsFormats {
		ext := map[string]string{"table": "txt", "markdown": "md", "csv": "csv", "json": "json"}[format]
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, WriteComparison(&b, cmp, format))
			golden(t, "compare."+ext, b.Bytes())
		})
		t.Run("results/"+format, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, WriteResultsComparison(&b, res, format))
			golden(t, "compare.results."+ext, b.Bytes())
		})
	}
}

func TestComparisonCSVShape(t *testing.T) {
	cmp := shopComparison(t)
	var b bytes.Buffer
	require.NoError(t, WriteComparison(&b, cmp, "csv"))
	rows, err := csv.NewReader(&b).ReadAll()
	require.NoError(t, err, "output is not CSV")
	if got, want := len(rows), 1+(len(sim.CompareMetrics)+len(cmp.ComplianceChanges))*len(cmp.Scenarios); got != want {
		t.Fatalf("got %d rows, want %d (a header and one per metric, or verdict that changes, and scenario)", got, want)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	// The user-hours row of the second scenario carries the paired
	// difference exactly as sim computed it.
	for _, row := range rows[1:] {
		if row[col["metric"]] != "user_hours" || row[col["scenario"]] != "db-in-b" {
			continue
		}
		for _, m := range cmp.Metrics {
			if m.ID != "user_hours" {
				continue
			}
			if got, want := row[col["diff_mean"]], num(m.Diffs[1].Mean); got != want {
				t.Errorf("diff_mean: got %s, want %s", got, want)
			}
			if got, want := row[col["diff_ci95_low"]], num(m.Diffs[1].CI95[0]); got != want {
				t.Errorf("diff_ci95_low: got %s, want %s", got, want)
			}
			if got := row[col["paired"]]; got != "true" {
				t.Errorf("paired: got %s, want true", got)
			}
		}
	}
}

func TestComparisonJSONIsSimComparison(t *testing.T) {
	cmp := shopComparison(t)
	var b bytes.Buffer
	require.NoError(t, WriteComparison(&b, cmp, "json"))
	var back sim.Comparison
	require.NoError(t, json.Unmarshal(b.Bytes(), &back))
	if back.Schema != sim.CompareSchema || len(back.Metrics) != len(cmp.Metrics) {
		t.Errorf("got schema %q with %d metrics, want %q with %d", back.Schema, len(back.Metrics), sim.CompareSchema, len(cmp.Metrics))
	}
}

func TestCompareResultsFigures(t *testing.T) {
	const tol = 1e-9
	h := float64(graph.Hour)
	r1 := &sim.Results{Scenario: "base", Seed: 1, Trials: 100,
		Services: []sim.ServiceResult{
			{ID: "db", DataLoss: sim.Summary{Mean: 2 * h}, PAllDataLost: 0.5},
			{ID: "web", DataLoss: sim.Summary{Mean: 1 * h}},
		},
		Summary: sim.PlatformResult{
			UserHours: sim.Summary{Mean: 100, CI95: [2]float64{97, 103}},
			PDeadlock: 0.1, PRTOBreachP1: 0.5,
		},
	}
	r2 := &sim.Results{Scenario: "fix", Seed: 2, Trials: 100,
		Summary: sim.PlatformResult{UserHours: sim.Summary{Mean: 60, CI95: [2]float64{56, 64}}},
	}
	c, err := CompareResults([]*sim.Results{r1, r2}, nil, nil)
	require.NoError(t, err)
	if c.Paired || c.Schema != ResultsCompareSchema {
		t.Errorf("got paired %v schema %q, want unpaired %q", c.Paired, c.Schema, ResultsCompareSchema)
	}
	get := func(id string) ResultsMetric {
		for _, m := range c.Metrics {
			if m.ID == id {
				return m
			}
		}
		t.Fatalf("no metric %q", id)
		return ResultsMetric{}
	}
	uh := get("user_hours")
	// Half-widths 3 and 4 combine to 5.
	if d := uh.Diffs[1]; math.Abs(d.Mean+40) > tol || math.Abs(d.CI95[0]+45) > tol || math.Abs(d.CI95[1]+35) > tol {
		t.Errorf("user-hours diff: got %v %v, want -40 [-45, -35]", d.Mean, *d.CI95)
	}
	// db's 2h is over the half of the trials where its loss was finite.
	if got, want := get("data_loss_ms").Values[0].Mean, 2*h; math.Abs(got-want) > tol {
		t.Errorf("data lost: got %v, want %v", got, want)
	}
	if got := get("data_loss_ms").Values[0].CI95; got != nil {
		t.Errorf("data lost CI: got %v, want none", *got)
	}
	if got := get("services_all_data_lost").Values[0].Mean; got != 0.5 {
		t.Errorf("services losing all data: got %v, want 0.5", got)
	}
	if v := get("p_rto_breach_p1").Values[0]; v.Mean != 0.5 || v.CI95 == nil {
		t.Errorf("P(RTO breach p1): got %+v, want 0.5 with a CI", v)
	}
	// A proportion's CI: t·√(p(1−p)/(n−1)), t Student's 0.975 quantile
	// with 99 degrees of freedom.
	dl := get("p_deadlock").Values[0]
	if half, want := (dl.CI95[1]-dl.CI95[0])/2, 1.9842169515086827*math.Sqrt(0.1*0.9/99); math.Abs(half-want) > tol {
		t.Errorf("P(deadlock) half-width: got %v, want %v", half, want)
	}
}

func TestFormatDiff(t *testing.T) {
	h := float64(graph.Hour)
	ci := func(lo, hi float64) *[2]float64 { return &[2]float64{lo, hi} }
	base := func(x float64) *float64 { return &x }
	tests := []struct {
		name, unit string
		d          ComparedDiff
		base       *float64
		want       string
	}{
		{"duration", "ms", ComparedDiff{-1.5 * h, ci(-2*h, -h)}, base(6 * h), "−1h30m [−2h, −1h] (−25%)"},
		{"CI across zero", "ms", ComparedDiff{60_000, ci(-30_000, 150_000)}, base(10 * h), "+1m [−30s, +2m30s] (+0.17%)"},
		{"count", "user-hours", ComparedDiff{-2.5e9, ci(-2.6e9, -2.4e9)}, base(7.1e9), "−2,500,000,000 [−2,600,000,000, −2,400,000,000] (−35%)"},
		{"probability in pp", "probability", ComparedDiff{-0.123, ci(-0.131, -0.115)}, base(0.5), "−12.3 pp [−13.1, −11.5]"},
		{"same in every trial", "hours", ComparedDiff{0, ci(0, 0)}, base(3), "0"},
		{"no CI, zero base", "ms", ComparedDiff{Mean: 2 * h}, base(0), "+2h"},
		{"rounds to zero", "user-hours", ComparedDiff{-0.2, ci(-0.4, 0)}, base(100), "0 [0, 0] (−0.2%)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatDiff(tt.unit, &tt.d, tt.base); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriteComparisonUnknownFormat(t *testing.T) {
	err := WriteComparison(&bytes.Buffer{}, &sim.Comparison{Scenarios: []string{"a"}}, "xml")
	if err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Errorf("got %v, want an error naming the format", err)
	}
}

// From results files the data lost's Δ is like for like too: db, half its
// data lost in the baseline, loses only finite amounts in the fix; web
// is unchanged, so the Δ is 0 and reads as neither better nor worse.
func TestCompareResultsDataLostLikeForLike(t *testing.T) {
	h := float64(graph.Hour)
	base := &sim.Results{Scenario: "onsite", Trials: 100, Services: []sim.ServiceResult{
		{ID: "db", DataLoss: sim.Summary{Mean: 2 * h}, PAllDataLost: 0.5, PRPOBreach: 0.6},
		{ID: "web", DataLoss: sim.Summary{Mean: 1 * h}, PRPOBreach: 0.25},
	}}
	fix := &sim.Results{Scenario: "offsite", Trials: 100, Services: []sim.ServiceResult{
		{ID: "db", DataLoss: sim.Summary{Mean: 12 * h}, PRPOBreach: 0.9},
		{ID: "web", DataLoss: sim.Summary{Mean: 1 * h}, PRPOBreach: 0.25},
	}}
	c, err := CompareResults([]*sim.Results{base, fix}, nil, nil)
	require.NoError(t, err)
	get := func(id string) ResultsMetric {
		for _, m := range c.Metrics {
			if m.ID == id {
				return m
			}
		}
		t.Fatalf("no metric %q", id)
		return ResultsMetric{}
	}
	loss := get("data_loss_ms")
	assert.InDelta(t, 2*h, loss.Values[0].Mean, 1e-6) // 2h × 0.5 + 1h
	assert.InDelta(t, 13*h, loss.Values[1].Mean, 1e-6)
	assert.Equal(t, 0.0, loss.Diffs[1].Mean)
	assert.Equal(t, []float64{0, 0.5}, loss.TotalLossChanged)
	assert.InDelta(t, 0.85, get("services_rpo_breach").Values[0].Mean, 1e-12)
	assert.InDelta(t, 1.15, get("services_rpo_breach").Values[1].Mean, 1e-12)

	var b bytes.Buffer
	require.NoError(t, WriteResultsComparison(&b, c, "table"))
	assert.Regexp(t, `Data lost \(finite losses, sum over services\) +│ mean │ +2h │ +13h │ +0 \(like for like\) │`, b.String())
	assert.Contains(t, b.String(), "is less data lost, not more")
}
