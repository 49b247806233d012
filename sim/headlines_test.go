package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// Times to recovery count from the trial's first disruption, not from
// t = 0: an outage at 5h that lasts 2h (restart 1h) recovers in 3h, and
// with a `rate:` event the quiet time before it is not counted either.
func TestRecoveryCountsFromTheFirstDisruption(t *testing.T) {
	c := compile(t, `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: db, placement: {a: 10}, restart: {auto: 1h}}
    - {id: app, placement: {a: 5, b: 5}, depends_on: [db]}
scenarios:
  - id: late
    horizon: 1d
    events:
      - {kind: site-outage, site: a, at: 5h, duration: 2h}
  - id: rate
    horizon: 365d
    events:
      - {kind: site-outage, site: a, rate: 2/y, duration: 2h}
`, "late")
	o, _ := one(t, c, 1, 0)
	assert.Equal(t, 5*h, o.Start)
	assert.Equal(t, 3*h, o.FullRecovery)
	assert.False(t, o.Unrecovered)
	r, err := Run(context.Background(), c, Options{Trials: 3, Seed: 1, Workers: 1})
	require.NoError(t, err)
	assert.Equal(t, float64(3*h), r.Summary.FullRecovery.Mean)
	assert.Equal(t, float64(3*h), r.Services[svc(t, c, "db")].Recovery.P99)

	// With a rate, occurrences fall anywhere in the year; every trial in
	// which a single one struck recovers in exactly 3h (two overlapping
	// or far-apart ones: from the first to the last recovery).
	c = compile(t, "version: 1\nplatform:\n  name: t\n  sites: [{id: a}, {id: b}]\n  services:\n"+
		"    - {id: db, placement: {a: 10}, restart: {auto: 1h}}\n"+
		"scenarios:\n  - id: rate\n    horizon: 365d\n    events:\n"+
		"      - {kind: site-outage, site: a, rate: 1/y, duration: 2h}\n", "")
	tr := NewTrial(c, Grid(c.Horizon, 10))
	single := 0
	for k := range 200 {
		o := tr.Run(1, k)
		if o.Downtime[0] == 3*h { // exactly one occurrence
			single++
			assert.Equal(t, 3*h, o.FullRecovery, "trial %d", k)
			assert.Greater(t, o.Start, int64(0), "trial %d", k)
		}
	}
	assert.Greater(t, single, 20)
}

// foreverYAML: site a goes dark at 1h and never gets power back; db runs
// only there, web elsewhere.
const foreverYAML = `
version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - {id: db, placement: {a: 10}}
    - {id: web, placement: {b: 1}}
scenarios:
  - id: forever
    horizon: 1d
    events:
      - {kind: site-outage, site: a, at: 1h}
`

// A quantity cut by the horizon says so: a site that never gets power back
// (no duration) leaves db down at the horizon in every trial, so its
// downtime, its recovery and the platform's full recovery are censored in
// 100% of the trials, from H − 1h (the outage starts at 1h).
func TestCensoredByTheHorizon(t *testing.T) {
	c := compile(t, foreverYAML, "")
	r, err := Run(context.Background(), c, Options{Trials: 4, Seed: 1, Workers: 1})
	require.NoError(t, err)
	full := r.Summary.FullRecovery
	assert.Equal(t, float64(23*h), full.Mean)
	assert.Equal(t, 1.0, full.Censored)
	assert.Equal(t, float64(23*h), full.CensoredFrom)
	assert.True(t, full.MeanLowerBound())
	assert.True(t, full.LowerBound(full.P50))
	db := r.Services[svc(t, c, "db")]
	assert.Equal(t, 1.0, db.Downtime.Censored)
	assert.Equal(t, float64(23*h), db.Downtime.CensoredFrom)
	assert.Equal(t, 1.0, db.Recovery.Censored)
	web := r.Services[svc(t, c, "web")]
	assert.Zero(t, web.Downtime.Censored)
	assert.False(t, web.Downtime.MeanLowerBound())

	// Half the trials cut: a quantile below the censored values is exact.
	s := Summary{Mean: 10, P50: 4, P90: 20, P99: 20, Censored: 0.5, CensoredFrom: 20}
	assert.False(t, s.LowerBound(s.P50))
	assert.True(t, s.LowerBound(s.P90))
	assert.True(t, s.MeanLowerBound())

	// Censoring survives a part file and a merge.
	a := NewAggregator(c, Grid(c.Horizon, 4))
	b := NewAggregator(c, Grid(c.Horizon, 4))
	tr := NewTrial(c, Grid(c.Horizon, 4))
	for k := range 4 {
		if k < 2 {
			a.Add(tr.Run(1, k))
		} else {
			b.Add(tr.Run(1, k))
		}
	}
	p, err := b.Part(1)
	require.NoError(t, err)
	require.NotNil(t, p.State.FullRecoveryCensored)
	back, err := p.aggregator(c)
	require.NoError(t, err)
	a.Merge(back)
	m := a.Results(1)
	assert.Equal(t, r.Summary.FullRecovery, m.Summary.FullRecovery)
	assert.Equal(t, r.Services[0].Downtime, m.Services[0].Downtime)
	assert.False(t, math.IsNaN(m.Summary.FullRecovery.CensoredFrom))
}

// People cut off and person-hours, in closed form. a (60 users) and b (70)
// run in x, dark 1h–3h; c (30) in y, dark 2h–4h. Users down: 130 in
// [1h, 2h), 160 in [2h, 3h), 30 in [3h, 4h). With people: 100 the cut-off
// is capped at 100: peak 100, person-hours 100 + 100 + 30 = 230, while
// user-hours, summed over services, are 2·(60 + 70 + 30) = 320. With
// 1,000 people nothing is capped: peak 160, person-hours 320.
func TestPeopleCutOffAndPersonHours(t *testing.T) {
	file := func(people int) string {
		return fmt.Sprintf(`
version: 1
platform:
  name: t
  people: %d
  sites: [{id: x}, {id: y}]
  services:
    - {id: a, users: 60, placement: {x: 1}}
    - {id: b, users: 70, placement: {x: 1}}
    - {id: c, users: 30, placement: {y: 1}}
scenarios:
  - id: two
    horizon: 10h
    events:
      - {kind: site-outage, site: x, at: 1h, duration: 2h}
      - {kind: site-outage, site: y, at: 2h, duration: 2h}
`, people)
	}
	for _, tt := range []struct {
		people            int
		peak, personMilli int64
	}{{100, 100, 230_000}, {1000, 160, 320_000}} {
		c := compile(t, file(tt.people), "")
		o, _ := one(t, c, 1, 0)
		assert.Equal(t, tt.peak, o.PeakPeople, "people %d", tt.people)
		assert.Equal(t, tt.personMilli, o.PersonMilliHours, "people %d", tt.people)
		assert.Equal(t, int64(320_000), o.UserMilliHours)

		r, err := Run(context.Background(), c, Options{Trials: 3, Seed: 1, Workers: 2})
		require.NoError(t, err)
		require.NotNil(t, r.Summary.PeakPeople)
		require.NotNil(t, r.Summary.PersonHours)
		assert.Equal(t, int64(tt.people), r.People)
		assert.Equal(t, float64(tt.peak), r.Summary.PeakPeople.Mean)
		assert.Equal(t, float64(tt.personMilli)/1000, r.Summary.PersonHours.Mean)
		assert.Equal(t, float64(tt.personMilli)/1000, r.Summary.PersonHours.P99)

		// The figures survive a part file and its merge.
		a := NewAggregator(c, Grid(c.Horizon, 4))
		tr := NewTrial(c, Grid(c.Horizon, 4))
		a.Add(tr.Run(1, 0))
		p, err := a.Part(1)
		require.NoError(t, err)
		back, err := p.aggregator(p.compiled())
		require.NoError(t, err)
		m := back.Results(1)
		require.NotNil(t, m.Summary.PersonHours)
		assert.Equal(t, float64(tt.personMilli)/1000, m.Summary.PersonHours.Mean)
	}

	// Without people: no people figures at all, and none in JSON.
	c := compile(t, strings.Replace(file(1), "  people: 1\n", "", 1), "")
	o, _ := one(t, c, 1, 0)
	assert.Zero(t, o.PeakPeople)
	assert.Zero(t, o.PersonMilliHours)
	r, err := Run(context.Background(), c, Options{Trials: 2, Seed: 1, Workers: 1})
	require.NoError(t, err)
	assert.Nil(t, r.Summary.PeakPeople)
	js, err := json.Marshal(r)
	require.NoError(t, err)
	assert.NotContains(t, string(js), "person_hours")
	assert.NotContains(t, string(js), `"people"`)
}

// TestCompareCensorsEveryTime: compare marks each time cut by the horizon
// as run does, the time to everything back to normal as well as the time
// to full recovery (it marked only the latter, so "back to normal" read as
// an exact 23h where run said "> 23h").
func TestCompareCensorsEveryTime(t *testing.T) {
	c := compile(t, foreverYAML, "")
	r, err := Run(context.Background(), c, Options{Trials: 4, Seed: 1, Workers: 1})
	require.NoError(t, err)
	cmp, err := Compare(context.Background(), []*graph.Compiled{c, c}, 4, 1, 1, nil)
	require.NoError(t, err)
	want := map[string]Summary{"full_recovery_ms": r.Summary.FullRecovery, "full_restored_ms": r.Summary.FullRestored}
	for _, row := range cmp.Metrics {
		w, ok := want[row.ID]
		if !ok {
			continue
		}
		delete(want, row.ID)
		for i, v := range row.Values {
			assert.Equal(t, 1.0, v.Censored, "%s of scenario %d", row.ID, i)
			assert.Equal(t, w.Censored, v.Censored, "%s: as run says", row.ID)
			assert.Equal(t, w.CensoredFrom, v.CensoredFrom, "%s: as run says", row.ID)
		}
	}
	assert.Empty(t, want, "compare has every time")
}
