package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/sim"
	"github.com/dominosim/domino/synth"
)

// runFigures is what one untraced trial of run reports per service and for
// the platform, copied out of its reused Outcome.
type runFigures struct {
	downtime, degraded, shed, firstDown, lastUp, dataLoss []int64
	downAtEnd, partial, allLost                           []bool
	cause                                                 []int32
	userMilliHours, fullRecovery                          int64
	unrecovered, deadlock                                 bool
}

func copyFigures(o *sim.Outcome) runFigures {
	return runFigures{
		downtime: slices.Clone(o.Downtime), degraded: slices.Clone(o.Degraded), shed: slices.Clone(o.Shed),
		firstDown: slices.Clone(o.FirstDown), lastUp: slices.Clone(o.LastUp), dataLoss: slices.Clone(o.DataLoss),
		downAtEnd: slices.Clone(o.DownAtEnd), partial: slices.Clone(o.Partial), allLost: slices.Clone(o.AllLost),
		cause: slices.Clone(o.Cause), userMilliHours: o.UserMilliHours, fullRecovery: o.FullRecovery,
		unrecovered: o.Unrecovered, deadlock: o.Deadlock,
	}
}

func spanSum(spans []sim.Span) int64 {
	var sum int64
	for _, sp := range spans {
		sum += sp.To - sp.From
	}
	return sum
}

// checkTraceMatchesRun traces trial k of c and checks it against the same
// trial run untraced, as run's workers run it (from the first instant's
// snapshot when there is one): every per-service figure the trace prints
// is run's, and the intervals it draws add up to them. It returns the
// number of mismatches, reporting the first few.
func checkTraceMatchesRun(t *testing.T, label string, c *graph.Compiled, seed uint64, k int) int {
	t.Helper()
	want := copyFigures(sim.NewTrial(c, nil).Run(seed, k))
	r, _ := traceOf(c, seed, k)
	downs := make([]int, len(c.Services))
	for _, rec := range r.Records {
		if rec.Kind == sim.RecDown {
			downs[rec.Service]++
		}
	}
	bad := 0
	check := func(s int, what string, got, w any) {
		if got != w {
			if bad < 10 {
				t.Errorf("%s: %s: %s: traced %v, run %v", label, c.Services[s].ID, what, got, w)
			}
			bad++
		}
	}
	for s := range r.Services {
		ts := &r.Services[s]
		check(s, "downtime", ts.Downtime, want.downtime[s])
		check(s, "shed", ts.Shed, want.shed[s])
		check(s, "degraded", ts.Degraded, want.degraded[s])
		check(s, "partial", ts.Partial > 0, want.partial[s])
		check(s, "first down", ts.FirstDown, want.firstDown[s])
		check(s, "back up (last up)", ts.LastUp, want.lastUp[s])
		check(s, "down at end", ts.DownAtEnd, want.downAtEnd[s])
		check(s, "first cause", ts.FirstCause, want.cause[s])
		check(s, "data loss", ts.DataLoss, want.dataLoss[s])
		check(s, "all data lost", ts.AllLost, want.allLost[s])
		check(s, "Σ down intervals", spanSum(ts.Down), want.downtime[s])
		check(s, "Σ degraded intervals", spanSum(ts.Deg), want.degraded[s])
		check(s, "Σ partial intervals", spanSum(ts.Part), ts.Partial)
		check(s, "outages", ts.Outages, downs[s])
	}
	check(0, "platform user-milli-hours", r.UserMilliHours, want.userMilliHours)
	check(0, "platform full recovery", r.FullRecovery, want.fullRecovery)
	check(0, "platform unrecovered", r.Unrecovered, want.unrecovered)
	check(0, "platform deadlock", r.Deadlock, want.deadlock)
	return bad
}

// mixScenario adds to a generated platform a scenario with everything a
// trace can show at once: random failures, repeated fires destroying data,
// a flood, isolations and a fault, under few crews.
const mixScenario = `  - id: mix
    description: fires, a flood, cuts, a fault and random failures over 30 days
    horizon: 30d
    crews: 3
    events:
      - {kind: random-failures, cause: hardware}
      - {kind: site-outage, cause: fire, site: site-0, rate: 20/y, destroys_data: 0.5,
         power_restore: [{after: 2h, fraction: 0.5}, {after: 10h, fraction: 1.0}]}
      - {kind: site-outage, cause: flood, site: site-1, at: {uniform: {min: 1d, max: 20d}}, duration: 1d}
      - {kind: isolate, cause: fibre cut, site: site-2, rate: 12/y, duration: {lognormal: {median: 2h, p95: 8h}}}
      - {kind: service-fault, cause: bad push, services: [ops-config], at: 5d, duration: 3h}
`

// genLoaded generates a platform of n services on k sites with its fire
// and random scenarios and mixScenario, and gives every service a load:
// from a third to 1.4 times the servers of its first site (so failovers,
// losses of a site and fail-backs leave it short), and a collapse_below of
// 0.4 to every fifth.
func genLoaded(t *testing.T, n, k int, seed uint64) []*graph.Compiled {
	t.Helper()
	y, err := synth.Generate(synth.Options{Services: n, Sites: k, Seed: seed})
	require.NoError(t, err)
	f, err := graph.Load(bytes.NewReader(append(y, mixScenario...)), "gen.yaml")
	require.NoError(t, err)
	require.Len(t, f.Scenarios, 3)
	factors := []float64{0.34, 0.7, 1, 1.2, 1.4}
	var out []*graph.Compiled
	for _, sc := range f.Scenarios {
		for i, s := range sc.Platform.Services {
			s.Load = max(1, int64(factors[i%len(factors)]*float64(s.Placement[0].Servers)))
			s.CollapseBelow = 0
			if i%5 == 3 {
				s.CollapseBelow = 0.4
			}
		}
		c, err := graph.Compile(sc)
		require.NoError(t, err)
		out = append(out, c)
	}
	return out
}

// TestTraceMatchesRunGenerated: on generated 200- and 1,000-service
// platforms with loads, random failures, fires, a flood, isolations and a
// fault, every traced trial reports, service by service, exactly the
// downtime, shed, degraded time and recovery that run computes for it.
func TestTraceMatchesRunGenerated(t *testing.T) {
	tests := []struct {
		services, sites, trials int
	}{
		{200, 4, 40},
		{1000, 6, 24},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d services", tt.services), func(t *testing.T) {
			if testing.Short() && tt.services > 200 {
				t.Skip("-short")
			}
			var shed, partial, down int
			for _, c := range genLoaded(t, tt.services, tt.sites, 7) {
				for k := range tt.trials {
					label := fmt.Sprintf("%s trial %d", c.Scenario.ID, k)
					if checkTraceMatchesRun(t, label, c, 11, k) > 0 {
						return
					}
					r, _ := traceOf(c, 11, k)
					for _, ts := range r.Services {
						shed += b2n(ts.Shed > 0)
						partial += b2n(ts.Partial > 0)
						down += b2n(ts.Downtime > 0)
					}
				}
			}
			// The comparison exercises what it claims to: services shed
			// load, served part of it, and went down.
			assert.Positive(t, shed, "no service shed load")
			assert.Positive(t, partial, "no service served part of its load")
			assert.Positive(t, down, "no service went down")
		})
	}
}

func b2n(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hugeLoadYAML: a load of 1e12 servers that two replicas never carry, over
// seven days. Shed time is ∫ (1 − φ) dt = 7d × (1 − 2e-12) on trial 0
// (both replicas serve, except for a 2h power cut of a, while b alone
// serves 1e-12 of the load), which rounds to the horizon, 604,800,000 ms.
// The lack times the time is about 6e20 server-ms, past int64.
const hugeLoadYAML = `version: 1
platform:
  name: huge
  sites: [{id: a}, {id: b}]
  services:
    - id: api
      users: 1000
      placement: {a: 1, b: 1}
      load: 1e12
      restart: {auto: 5m}
scenarios:
  - id: a-dark
    horizon: 7d
    trials: 3
    events:
      - {kind: site-outage, site: a, at: 1h, power_restore: [{after: 2h, fraction: 1}]}
`

// TestTraceShedHugeLoad: the trace's shed time for a load of 1e12 over a
// week is run's, 604,800,000 ms, in the JSON and the table alike. The
// trace's former copy of the engine summed it in int64 and printed
// -7,542,554 (and missed the lack at t = 0).
func TestTraceShedHugeLoad(t *testing.T) {
	c := compileYAML(t, hugeLoadYAML, "a-dark")
	const want = int64(7 * 24 * graph.Hour)
	assert.Equal(t, 0, checkTraceMatchesRun(t, "trial 0", c, 1, 0))
	r, o := traceOf(c, 1, 0)
	require.Equal(t, want, o.Shed[0], "the engine's shed time")
	ts := &r.Services[0]
	assert.Equal(t, want, ts.Shed, "traced shed time")
	assert.Equal(t, want, ts.Partial, "traced partial time")

	var buf bytes.Buffer
	require.NoError(t, TraceJSON(&buf, r))
	var doc struct {
		Services []struct {
			ShedMs    int64 `json:"shed_ms"`
			PartialMs int64 `json:"partial_ms"`
		} `json:"services"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, want, doc.Services[0].ShedMs, "JSON shed_ms")
	assert.Equal(t, want, doc.Services[0].PartialMs, "JSON partial_ms")

	buf.Reset()
	require.NoError(t, TraceTable(&buf, r, TraceOptions{}))
	assert.Contains(t, buf.String(), "7d (7d)", "table's Partial (shed) column")
}

// TestTraceRendersEngineNotes: what the engine records at the end of an
// instant reads in the timeline: a service failed over but still down
// names the dependency holding it, an outage ended by a dependency names
// it, and a soft dependency down names itself.
func TestTraceRendersEngineNotes(t *testing.T) {
	c := compileYAML(t, `version: 1
platform:
  name: t
  sites: [{id: a}, {id: b}]
  services:
    - id: auth
      placement: {a: 1}
      restart: {auto: 30m}
    - id: db
      placement: {a: 2, b: 2}
      redundancy: {mode: active-standby, failover: {auto: 1h}}
      depends_on: [auth]
      restart: {auto: 10m}
    - id: web
      placement: {b: 1}
      depends_on: [{service: auth, soft: true}]
scenarios:
  - id: s
    horizon: 1d
    events:
      - {kind: site-outage, cause: fire, site: a, at: 1h, duration: 5h}
`, "s")
	r, _ := traceOf(c, 1, 0)
	var buf bytes.Buffer
	require.NoError(t, TraceTable(&buf, r, TraceOptions{Verbose: true}))
	for _, want := range []string{
		"a loses power (fire)",
		"+2h     db now served from b (still down: auth is down)",
		"web degraded (auth down)",
		"db UP after 5h30m",
	} {
		assert.Contains(t, buf.String(), want)
	}
	// The summary's row of db: down 5h30m, ended by auth coming up.
	assert.Regexp(t, `│ db +│ +5h30m │.*│ auth up +│`, buf.String())
}
