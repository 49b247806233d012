package graph

import (
	"hash/fnv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const compileYAML = `
version: 1
platform:
  name: t
  sites: [{id: x}, {id: y}]
  services:
    - {id: web, placement: {x: 5, y: 5}, priority: 2, depends_on: [api, {service: push, soft: true}], tooling: [ops]}
    - {id: api, placement: {x: 10}, priority: 1, depends_on: [db, {any: [c1, c2], need: 1}], start_needs: [db]}
    - {id: db, placement: {x: 20, y: 20}, redundancy: {mode: active-standby, primary: y}, depends_on: [api]}
    - {id: push, placement: {y: 1}}
    - {id: c1, placement: {x: 1}}
    - {id: c2, placement: {y: 1}}
    - {id: ops, placement: {x: 2}, priority: 1}
scenarios:
  - id: fire
    crews: 3
    events:
      - {kind: site-outage, site: x, duration: 2h}
`

func compileTest(t *testing.T) *Compiled {
	t.Helper()
	f, err := Load(strings.NewReader(compileYAML), "c.yaml")
	require.NoError(t, err)
	c, err := Compile(f.Scenarios[0])
	require.NoError(t, err)
	return c
}

func ids(c *Compiled, xs []int32) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = c.Services[x].ID
	}
	return out
}

func TestCompileAdjacency(t *testing.T) {
	c := compileTest(t)
	svc := map[string]int32{}
	for i, s := range c.Services {
		svc[s.ID] = int32(i)
	}
	// Reverse hard edges include any-group members; soft edges are apart.
	rev := func(off, e []int32, id string) []string {
		s := svc[id]
		return ids(c, e[off[s]:off[s+1]])
	}
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"dependents of api", rev(c.RevHardOff, c.RevHard, "api"), []string{"web", "db"}},
		{"dependents of c1", rev(c.RevHardOff, c.RevHard, "c1"), []string{"api"}},
		{"soft dependents of push", rev(c.RevSoftOff, c.RevSoft, "push"), []string{"web"}},
		{"start needs of api", rev(c.StartOff, c.Start, "api"), []string{"db"}},
		{"waiting on db to start", rev(c.RevStartOff, c.RevStart, "db"), []string{"api"}},
		{"tool users of ops", rev(c.RevToolOff, c.RevTool, "ops"), []string{"web"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.got, tt.name)
	}
	// api and db depend on each other: one cyclic component.
	assert.GreaterOrEqual(t, c.SCC[svc["api"]], int32(0), "api's SCC: %v", c.SCC)
	assert.Equal(t, c.SCC[svc["api"]], c.SCC[svc["db"]], "api and db in one SCC: %v", c.SCC)
	assert.Equal(t, int32(-1), c.SCC[svc["web"]], "web in no SCC: %v", c.SCC)
	// db's primary is its replica on y, the second in placement order.
	r := c.Services[svc["db"]].Primary
	assert.Equal(t, "y", c.Sites[c.Replicas[r].Site].ID, "db primary's site")
}

func TestCompileSitePowerOrder(t *testing.T) {
	// Site x powers its replicas by (priority, service id), with cumulative
	// servers: api (1, 10), ops (1, 2), c1 (5, 1), db (5, 20), web (2, 5)
	// → api, ops, web, c1, db.
	c := compileTest(t)
	var order []string
	var cum []int64
	for i := c.SiteRepOff[0]; i < c.SiteRepOff[1]; i++ {
		order = append(order, c.Services[c.Replicas[c.SiteReps[i]].Service].ID)
		cum = append(cum, c.SiteCum[i])
	}
	assert.Equal(t, []string{"api", "ops", "web", "c1", "db"}, order, "order")
	assert.Equal(t, []int64{10, 12, 17, 18, 38}, cum, "cumulative servers")
	assert.EqualValues(t, 38, c.Sites[0].Placed, "site x: placed")
	assert.EqualValues(t, 1, c.Sites[0].BestPriority, "site x: best priority")
}

func TestCompileJobRanks(t *testing.T) {
	// The crew queue orders (priority, service id, site id, kind) with kind
	// repair < restart < failover; a site repair has an empty service id.
	c := compileTest(t)
	name := func(job int32) string {
		if job >= 3*int32(len(c.Replicas)) {
			return "site-repair " + c.Sites[job-3*int32(len(c.Replicas))].ID
		}
		r := c.Replicas[job/3]
		return []string{"repair", "restart", "failover"}[job%3] + " " + c.Services[r.Service].ID + "@" + c.Sites[r.Site].ID
	}
	var got []string
	for _, job := range c.RankJob[:7] {
		got = append(got, name(job))
	}
	want := []string{
		"site-repair x", // best priority on x is 1, empty service id first
		"repair api@x", "restart api@x", "failover api@x",
		"repair ops@x", "restart ops@x", "failover ops@x",
	}
	assert.Equal(t, want, got, "first jobs")
	for job, rank := range c.JobRank {
		require.Equal(t, int32(job), c.RankJob[rank], "JobRank and RankJob are not inverse at job %d", job)
	}
}

func TestCompileDurationStage(t *testing.T) {
	// An outage with a duration compiles to one stage of fraction 1.
	c := compileTest(t)
	st := c.Events[0].Stages
	require.Len(t, st, 1, "stages")
	assert.Equal(t, Fraction{1, 1}, st[0].Fraction, "stage fraction")
	assert.EqualValues(t, 2*Hour, st[0].After.Sample(nil), "stage delay")
}

// TestKeyIsFNV1a holds Key to 64-bit FNV-1a as hash/fnv computes it, each
// part followed by a zero byte: the keyed random streams, and so every
// result, depend on these values.
func TestKeyIsFNV1a(t *testing.T) {
	tests := [][]string{
		nil,
		{""},
		{"site", "pangyo"},
		{"replica", "talk-messaging", "gasan"},
		{"event", "0", "site-outage", "pangyo", ""},
		{"service", "카카오톡", "\x00\xff"},
	}
	for _, parts := range tests {
		h := fnv.New64a()
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
		assert.Equal(t, h.Sum64(), Key(parts...), "Key(%q)", parts)
	}
	// A pinned value, from hash/fnv, in case it ever changed.
	assert.Equal(t, uint64(0xed957f72a2029ed6), Key("site", "pangyo"), `Key("site", "pangyo")`)
}

// TestJobNumbersRoundTrip checks that Job decodes what JobRepair,
// JobRestart, JobFailover and JobSiteRepair encode, for every replica and
// site, and that the numbers cover [0, NumJobs) once each.
func TestJobNumbersRoundTrip(t *testing.T) {
	c := &Compiled{Replicas: make([]CReplica, 5), Sites: make([]CSite, 3)}
	seen := make(map[int32]bool)
	check := func(job int32, kind JobKind, x int32) {
		t.Helper()
		gotKind, gotX := c.Job(job)
		assert.Equal(t, kind, gotKind, "kind of job %d", job)
		assert.Equal(t, x, gotX, "replica or site of job %d", job)
		assert.False(t, seen[job], "job number %d given twice", job)
		seen[job] = true
	}
	for r := range int32(5) {
		check(JobRepair(r), JobKindRepair, r)
		check(JobRestart(r), JobKindRestart, r)
		check(JobFailover(r), JobKindFailover, r)
	}
	for x := range int32(3) {
		check(c.JobSiteRepair(x), JobKindSiteRepair, x)
	}
	assert.Len(t, seen, c.NumJobs(), "job numbers against NumJobs")
}
