package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/internal/boundedio"
)

// smallStochastic has random failures and repairs with a shared crew, a
// manual failover and partial load, so that every statistic of a results
// file varies from trial to trial.
const smallStochastic = `
version: 1
platform:
  name: small
  sites: [{id: a, mtbf: 3d, mttr: {exponential: {mean: 6h}}}, {id: b}]
  services:
    - {id: ctl, placement: {a: 1}, mtbf: 2d, mttr: {exponential: {mean: 4h}}}
    - id: db
      users: 100
      placement: {a: 4, b: 4}
      redundancy: {mode: active-standby, failover: {auto: 5m, manual: {lognormal: {median: 2h, p95: 6h}}}}
      tooling: [ctl]
      load: 6
      data: {replication: async, lag: {exponential: {mean: 30s}}}
      rto: 1h
    - {id: web, users: 1000, cost_per_hour: 2.5, placement: {a: 2, b: 2}, depends_on: [db, {service: ctl, soft: true}], mtbf: {exponential: {mean: 4d}}, mttr: 2h}
scenarios:
  - id: mixed
    crews: 1
    events:
      - {kind: random-failures}
      - {kind: site-outage, site: a, probability: 0.3, destroys_data: 0.5, at: {uniform: {min: 0, max: 3d}}, duration: {lognormal: {median: 10h, p95: 30h}}}
`

// runParts runs trials [0, n) of c as k shards, each through a part file's
// bytes, and merges them.
func runParts(t *testing.T, c *graph.Compiled, n, k int) *Results {
	t.Helper()
	var parts []*Part
	for i := range k {
		from, to := i*n/k, (i+1)*n/k
		agg, err := RunAggregate(context.Background(), c, Options{First: from, Trials: to - from, Seed: 7, Workers: 2})
		require.NoError(t, err)
		p, err := agg.Part(7)
		require.NoError(t, err)
		p.Trials, p.Shard, p.Shards, p.From, p.To = n, i, k, from, to
		var buf bytes.Buffer
		require.NoError(t, WritePart(&buf, p))
		back, err := ReadPart(&buf, fmt.Sprintf("part%d.json", i))
		require.NoError(t, err)
		parts = append(parts, back)
	}
	// Merge must not depend on the order the parts are given in.
	parts[0], parts[k-1] = parts[k-1], parts[0]
	r, err := MergeParts(parts, MergeOptions{})
	require.NoError(t, err)
	return r
}

func TestMergedPartsEqualOneRun(t *testing.T) {
	kakaoC, err := graph.Compile(kakao(t).Scenarios[0])
	require.NoError(t, err)
	tests := []struct {
		name   string
		c      *graph.Compiled
		trials int
	}{
		{"kakao", kakaoC, 150},
		{"small-stochastic", compile(t, smallStochastic, ""), 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			one, err := Run(context.Background(), tt.c, Options{Trials: tt.trials, Seed: 7, Workers: 3})
			require.NoError(t, err)
			want, _ := json.Marshal(one)
			for _, k := range []int{1, 3, 7} {
				got, _ := json.Marshal(runParts(t, tt.c, tt.trials, k))
				if !bytes.Equal(got, want) {
					t.Errorf("%d shards: merged results differ from one run\n%s", k, firstDiff(got, want))
				}
			}
		})
	}
}

// firstDiff shows where two byte strings first differ.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("at byte %d:\n got …%s\nwant …%s", i, a[lo:min(len(a), i+80)], b[lo:min(len(b), i+80)])
}

func TestMergeRefusesMismatchedParts(t *testing.T) {
	c := compile(t, smallStochastic, "")
	part := func(name string, from, to int, edit func(*Part)) *Part {
		agg, err := RunAggregate(context.Background(), c, Options{First: from, Trials: to - from, Seed: 7, Workers: 1})
		require.NoError(t, err)
		p, err := agg.Part(7)
		require.NoError(t, err)
		p.Name, p.Trials, p.From, p.To, p.DominoVersion, p.ScenarioSHA256 = name, 30, from, to, "v1", "abc"
		if edit != nil {
			edit(p)
		}
		return p
	}
	tests := []struct {
		name  string
		parts []*Part
		want  string
	}{
		{"gap", []*Part{part("a", 0, 10, nil), part("c", 20, 30, nil)},
			"trials [10, 20) are in no part: a ends at trial 10 and c starts at trial 20"},
		{"overlap", []*Part{part("a", 0, 15, nil), part("b", 10, 30, nil)},
			"a (trials [0, 15)) and b (trials [10, 30)) overlap on trials [10, 15)"},
		{"same part twice", []*Part{part("a", 0, 30, nil), part("a2", 0, 30, nil)}, "overlap on trials [0, 30)"},
		{"missing start", []*Part{part("b", 10, 30, nil)}, "trials [0, 10) are in no part"},
		{"missing end", []*Part{part("a", 0, 20, nil)}, "trials [20, 30) are in no part (the last part, a, ends at trial 20 of 30)"},
		{"seed", []*Part{part("a", 0, 10, nil), part("b", 10, 30, func(p *Part) { p.Seed = 8 })},
			"a and b are parts of different runs: seed 7 and 8"},
		{"file", []*Part{part("a", 0, 10, nil), part("b", 10, 30, func(p *Part) { p.ScenarioSHA256 = "def" })},
			"scenario file sha256 abc and def"},
		{"version", []*Part{part("a", 0, 10, nil), part("b", 10, 30, func(p *Part) { p.DominoVersion = "v2" })},
			"domino version v1 and v2"},
		{"trials", []*Part{part("a", 0, 10, nil), part("b", 10, 30, func(p *Part) { p.Trials = 40 })}, "trials 30 and 40"},
		{"partial", []*Part{part("a", 0, 10, func(p *Part) { p.Partial, p.To = true, 20 })},
			"a is partial: its run was interrupted after 10 of its trials [0, 20)"},
		{"older part", []*Part{part("a", 0, 30, func(p *Part) { p.State.FullRestored = StatState{} })},
			"30 trials but 0 full_restored_ms values (written by an older domino? run its shard again)"},
		{"none", nil, "no parts to merge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := MergeParts(tt.parts, MergeOptions{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestReadPartRefusesCorruptParts(t *testing.T) {
	c := compile(t, smallStochastic, "")
	agg, err := RunAggregate(context.Background(), c, Options{Trials: 50, Seed: 7, Workers: 1})
	require.NoError(t, err)
	p, err := agg.Part(7)
	require.NoError(t, err)
	p.Trials, p.To = 50, 50
	var buf bytes.Buffer
	require.NoError(t, WritePart(&buf, p))
	good := buf.String()
	tests := []struct {
		name, from, to, want string
		// resum recomputes the checksum after the edit, as a tool that
		// knows the format would: the part must still be refused.
		resum bool
	}{
		{"results file", `"schema": "domino.part/v2"`, `"schema": "domino.results/v1"`, "a results file, not a part", false},
		{"older part", `"schema": "domino.part/v2"`, `"schema": "domino.part/v1"`, "a part of an older domino (domino.part/v1)", false},
		{"unknown field", `"seed": 7`, `"seed": 7, "sead": 7`, `unknown field "sead"`, false},
		{"edited", `"seed": 7`, `"seed": 8`, "it was changed after domino wrote it", false},
		{"no checksum", `"body_sha256": "`, `"body_sha256": "x`, "it was changed after domino wrote it", false},
		{"histogram", `"hist": "`, `"hist": "AAAA`, "bad histogram", true},
		{"sum", `"sum": "`, `"sum": "-`, "sums out of range", true},
		{"cause", `"causes": {
     "`, `"causes": {
     "x`, "unknown cause", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, good, tt.from, "the part has nothing to corrupt")
			bad := strings.Replace(good, tt.from, tt.to, 1)
			if tt.resum {
				bad = resum(t, bad)
			}
			p, err := ReadPart(strings.NewReader(bad), "p.json")
			if err == nil {
				_, err = MergeParts([]*Part{p}, MergeOptions{})
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// resum returns the part text with its checksum recomputed.
func resum(t *testing.T, text string) string {
	t.Helper()
	var p Part
	require.NoError(t, json.Unmarshal([]byte(text), &p))
	var buf bytes.Buffer
	require.NoError(t, WritePart(&buf, &p))
	return buf.String()
}

// TestMergeChecksCounts merges parts whose counts disagree with their
// trials, checksums recomputed: each is refused. The first two are the
// edits of issue 16: a deadlock count of 5000 merged into p_deadlock
// 1.67, and partial parts with "partial" removed and trials_done set
// merged into a run of all the trials, built from a few.
func TestMergeChecksCounts(t *testing.T) {
	c := compile(t, smallStochastic, "")
	const n = 60
	part := func(from, to, done int) *Part {
		agg, err := RunAggregate(context.Background(), c, Options{First: from, Trials: done, Seed: 7, Workers: 1})
		require.NoError(t, err)
		p, err := agg.Part(7)
		require.NoError(t, err)
		p.Name, p.Trials, p.From, p.To, p.Build = fmt.Sprintf("p%d.json", from), n, from, to, "b1"
		p.Partial = done < to-from
		return p
	}
	edited := func(p *Part, edit func(*Part)) *Part {
		edit(p)
		var buf bytes.Buffer
		require.NoError(t, WritePart(&buf, p))
		back, err := ReadPart(&buf, p.Name)
		require.NoError(t, err)
		return back
	}
	tests := []struct {
		name  string
		parts []*Part
		want  string
	}{
		{"deadlock", []*Part{edited(part(0, n, n), func(p *Part) { p.State.Deadlock = 5000 })},
			"p0.json: bad part: deadlock is 5000, want 0 to 60 (of 60 trials done)"},
		{"partial made whole", []*Part{
			edited(part(0, n/2, 4), func(p *Part) { p.Partial, p.TrialsDone = false, n/2 }),
			edited(part(n/2, n, 5), func(p *Part) { p.Partial, p.TrialsDone = false, n/2 })},
			"p0.json: bad part: full_recovery_ms: 4 values, want 30"},
		{"service touched", []*Part{edited(part(0, n, n), func(p *Part) { p.State.Services[0].Touched = n + 1 })},
			"service ctl: bad part: touched is 61, want 0 to 60"},
		{"downtime count", []*Part{edited(part(0, n, n), func(p *Part) { p.State.Services[1].Downtime.N-- })},
			"service db: bad part: downtime_ms: "},
		{"causes", []*Part{edited(part(0, n, n), func(p *Part) {
			for k := range p.State.Services[2].Causes {
				p.State.Services[2].Causes[k] += 3
			}
		})}, "service web: bad part: causes count"},
		{"curve", []*Part{edited(part(0, n, n), func(p *Part) { p.State.CurveUpBins[3][0][1]++ })},
			"curve_up_bins at grid point 3 count 61 trials"},
		{"sum beyond max", []*Part{edited(part(0, n, n), func(p *Part) { p.State.Cost.Sum = "99999999999999999999999" })},
			"bad part: cost: sums 99999999999999999999999"},
		{"build", []*Part{part(0, n/2, n/2), edited(part(n/2, n, n/2), func(p *Part) { p.Build = "b2" })},
			"p0.json and p30.json are parts of different runs: build b1 and b2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := MergeParts(tt.parts, MergeOptions{AllowPartial: true})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestMergeAllowPartial merges two interrupted shards: refused by
// default, and with AllowPartial the results of the trials they hold,
// marked partial: the same statistics as those trials merged whole.
func TestMergeAllowPartial(t *testing.T) {
	c := compile(t, smallStochastic, "")
	const n = 60
	part := func(from, to, done int) *Part {
		agg, err := RunAggregate(context.Background(), c, Options{First: from, Trials: done, Seed: 7, Workers: 1})
		require.NoError(t, err)
		p, err := agg.Part(7)
		require.NoError(t, err)
		p.Name, p.Trials, p.From, p.To = fmt.Sprintf("p%d.json", from), n, from, to
		p.Partial = done < to-from
		return p
	}
	parts := []*Part{part(0, n/2, 10), part(n/2, n, 25)}
	_, err := MergeParts(parts, MergeOptions{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "p0.json is partial: its run was interrupted after 10 of its trials [0, 30); run that shard again, or merge with --allow-partial")
	r, err := MergeParts(parts, MergeOptions{AllowPartial: true})
	require.NoError(t, err)
	assert.True(t, r.Partial)
	assert.Equal(t, 35, r.Trials)
	assert.Equal(t, 35, r.TrialsDone)
	assert.Equal(t, n, r.TrialsRequested)
	a, err := RunAggregate(context.Background(), c, Options{First: 0, Trials: 10, Seed: 7, Workers: 1})
	require.NoError(t, err)
	b, err := RunAggregate(context.Background(), c, Options{First: n / 2, Trials: 25, Seed: 7, Workers: 1})
	require.NoError(t, err)
	a.Merge(b)
	want := a.Results(7)
	assert.Equal(t, want.Summary, r.Summary)
	assert.Equal(t, want.Services, r.Services)
}

// endless reads spaces for ever, like /dev/zero behind a pipe.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	e.n += int64(len(p))
	return len(p), nil
}

// TestReadPartBounded: a part is read up to graph.MaxFileSize bytes and
// no further, so an endless stream is refused instead of filling memory.
func TestReadPartBounded(t *testing.T) {
	r := &endless{}
	_, err := ReadPart(r, "p.json")
	var tooLarge *boundedio.TooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, "read p.json: file is larger than 64 MiB", err.Error())
	assert.LessOrEqual(t, r.n, int64(graph.MaxFileSize)+64<<10, "read little past the cap")
}
