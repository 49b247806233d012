package sim

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// A quantity cut by the horizon says so: a site that never gets power back
// (no duration) leaves db down at the horizon in every trial, so its
// downtime, its recovery and the platform's full recovery are censored in
// 100% of the trials, from H − 1h (the outage starts at 1h).
func TestCensoredByTheHorizon(t *testing.T) {
	c := compile(t, `
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
`, "")
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
