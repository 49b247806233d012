package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dominosim/domino/graph"
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
		if err != nil {
			t.Fatal(err)
		}
		p, err := agg.Part(7)
		if err != nil {
			t.Fatal(err)
		}
		p.Trials, p.Shard, p.Shards, p.From, p.To = n, i, k, from, to
		var buf bytes.Buffer
		if err := WritePart(&buf, p); err != nil {
			t.Fatal(err)
		}
		back, err := ReadPart(&buf, fmt.Sprintf("part%d.json", i))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, back)
	}
	// Merge must not depend on the order the parts are given in.
	parts[0], parts[k-1] = parts[k-1], parts[0]
	r, err := MergeParts(parts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMergedPartsEqualOneRun(t *testing.T) {
	kakaoC, err := graph.Compile(kakao(t).Scenarios[0])
	if err != nil {
		t.Fatal(err)
	}
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
			if err != nil {
				t.Fatal(err)
			}
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
		if err != nil {
			t.Fatal(err)
		}
		p, err := agg.Part(7)
		if err != nil {
			t.Fatal(err)
		}
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
			_, err := MergeParts(tt.parts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestReadPartRefusesCorruptParts(t *testing.T) {
	c := compile(t, smallStochastic, "")
	agg, err := RunAggregate(context.Background(), c, Options{Trials: 50, Seed: 7, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := agg.Part(7)
	if err != nil {
		t.Fatal(err)
	}
	p.Trials, p.To = 50, 50
	var buf bytes.Buffer
	if err := WritePart(&buf, p); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	tests := []struct {
		name, from, to, want string
	}{
		{"results file", `"schema": "domino.part/v1"`, `"schema": "domino.results/v1"`, "a results file, not a part"},
		{"unknown field", `"seed": 7`, `"seed": 7, "sead": 7`, `unknown field "sead"`},
		{"histogram", `"hist": "`, `"hist": "AAAA`, "bad histogram"},
		{"sum", `"sum": "`, `"sum": "-`, "counts or sums out of range"},
		{"cause", `"causes": {
     "`, `"causes": {
     "x`, "unknown cause"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.from) {
				t.Fatalf("the part has no %q to corrupt", tt.from)
			}
			bad := strings.Replace(good, tt.from, tt.to, 1)
			p, err := ReadPart(strings.NewReader(bad), "p.json")
			if err == nil {
				_, err = MergeParts([]*Part{p})
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
