package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// lintPlat builds a platform in lint.yaml: sites in the given order, each at
// line 1, column 1+k; services as given.
func lintPlat(sites []string, svcs ...*graph.Service) *graph.Platform {
	p := &graph.Platform{Name: "test", Services: svcs}
	for k, id := range sites {
		p.Sites = append(p.Sites, &graph.Site{ID: id, Pos: graph.Pos{File: "lint.yaml", Line: 1, Col: 1 + k}})
	}
	return p
}

// lintSvc builds a service placed with 10 servers on each of sites (single
// on one site, else active-active with quorum 1), at lint.yaml:100:1.
func lintSvc(id string, users int64, sites ...string) *graph.Service {
	s := &graph.Service{ID: id, Users: users, Priority: 5, RTO: -1, RPO: -1,
		Pos: graph.Pos{File: "lint.yaml", Line: 100, Col: 1}}
	for _, site := range sites {
		s.Placement = append(s.Placement, graph.Placement{Site: site, Servers: 10})
	}
	switch len(sites) {
	case 1:
		s.Redundancy.Mode = graph.Single
	default:
		s.Redundancy.Mode = graph.ActiveActive
	}
	s.Redundancy.Quorum = 1
	return s
}

func lintAt(s *graph.Service, line int) *graph.Service {
	s.Pos.Line = line
	return s
}

func lintTooling(s *graph.Service, ids ...string) *graph.Service {
	s.Tooling = ids
	return s
}

func lintNeeds(s *graph.Service, ids ...string) *graph.Service {
	s.StartNeeds = ids
	return s
}

func lintDeps(s *graph.Service, ds ...graph.Dep) *graph.Service {
	s.DependsOn = ds
	return s
}

func lintHard(id string) graph.Dep {
	return graph.Dep{Service: id, Pos: graph.Pos{File: "lint.yaml", Line: 50, Col: 3}}
}
func lintSoft(id string) graph.Dep {
	return graph.Dep{Service: id, Soft: true, Pos: graph.Pos{File: "lint.yaml", Line: 50, Col: 3}}
}
func lintAny(need int, ids ...string) graph.Dep {
	return graph.Dep{Any: ids, Need: need, Pos: graph.Pos{File: "lint.yaml", Line: 50, Col: 3}}
}

func lintStandby(s *graph.Service, primary string) *graph.Service {
	s.Redundancy.Mode = graph.ActiveStandby
	s.Redundancy.Primary = primary
	return s
}

func lintFailover(s *graph.Service, autoMs int64) *graph.Service {
	s.Redundancy.Failover = graph.Recovery{Auto: graph.NewFixed(autoMs)}
	return s
}

func lintData(s *graph.Service, b *graph.Backup) *graph.Service {
	s.Data = &graph.Data{Replication: graph.ReplicationAsync, Backup: b}
	return s
}

// lintMessages returns the messages of rule's warnings for p.
func lintMessages(p *graph.Platform, rule string) []string {
	var msgs []string
	for _, w := range graph.Lint(&graph.File{Name: "lint.yaml", Version: 1, Platform: p}) {
		if w.Rule == rule {
			msgs = append(msgs, w.Msg)
		}
	}
	return msgs
}

func TestLintRules(t *testing.T) {
	pg := []string{"pangyo", "gasan"}
	pga := []string{"pangyo", "gasan", "anyang"}
	tests := []struct {
		name string
		rule string
		p    *graph.Platform
		want []string // nil: no warning of the rule
	}{
		{
			name: "tool on one shared site",
			rule: graph.RuleToolingColocated,
			p: lintPlat(pg,
				lintSvc("deploy", 0, "pangyo"),
				lintTooling(lintSvc("a", 0, "pangyo", "gasan"), "deploy"),
				lintTooling(lintSvc("b", 0, "gasan"), "deploy"),
				lintTooling(lintSvc("c", 5, "pangyo"), "deploy"),
			),
			want: []string{"deploy runs only in pangyo, where 2 of the 3 services that need it also run (c and a)"},
		},
		{
			name: "active-standby tool whose primary is shared",
			rule: graph.RuleToolingColocated,
			p: lintPlat(pg,
				lintStandby(lintSvc("failover-ctl", 0, "pangyo", "gasan"), "pangyo"),
				lintTooling(lintSvc("a", 0, "pangyo"), "failover-ctl"),
			),
			want: []string{"losing pangyo stops failover-ctl (its active-standby primary, until a failover), where the one service that needs it also runs (a)"},
		},
		{
			name: "active-active tool needing every site",
			rule: graph.RuleToolingColocated,
			p: func() *graph.Platform {
				mon := lintSvc("monitoring", 0, "pangyo", "gasan")
				mon.Redundancy.Quorum = 2
				return lintPlat(pg, mon, lintTooling(lintSvc("a", 0, "gasan"), "monitoring"))
			}(),
			want: []string{"losing gasan stops monitoring (active-active with quorum 2 of 2 sites), where the one service that needs it also runs (a)"},
		},
		{
			name: "tool in three sites",
			rule: graph.RuleToolingColocated,
			p: lintPlat(pga,
				lintSvc("deploy", 0, pga...),
				lintTooling(lintSvc("a", 0, pga...), "deploy"),
			),
		},
		{
			name: "tool apart from what it recovers",
			rule: graph.RuleToolingColocated,
			p: lintPlat(pga,
				lintSvc("deploy", 0, "anyang"),
				lintTooling(lintSvc("a", 0, "pangyo", "gasan"), "deploy"),
			),
		},
		{
			name: "tool needing only itself",
			rule: graph.RuleToolingColocated,
			p:    lintPlat(pg, lintTooling(lintSvc("deploy", 0, "pangyo"), "deploy")),
		},
		{
			name: "redundant service on a single-site dependency",
			rule: graph.RuleWeakestLink,
			p: lintPlat(pg,
				lintDeps(lintSvc("login", 0, "pangyo", "gasan"), lintHard("cache"), lintAny(1, "obj-a", "obj-b")),
				lintSvc("cache", 0, "pangyo"),
				lintSvc("obj-a", 0, "pangyo"),
				lintSvc("obj-b", 0, "pangyo"),
			),
			want: []string{
				"login runs in pangyo and gasan but depends on any of obj-a and obj-b, which all run only in pangyo",
				"login runs in pangyo and gasan but depends on cache, which runs only in pangyo",
			},
		},
		{
			name: "soft, spread or single-site",
			rule: graph.RuleWeakestLink,
			p: lintPlat(pg,
				lintDeps(lintSvc("login", 0, "pangyo", "gasan"), lintSoft("cache"), lintAny(1, "obj-a", "obj-b")),
				lintDeps(lintSvc("local", 0, "pangyo"), lintHard("cache")),
				lintSvc("cache", 0, "pangyo"),
				lintSvc("obj-a", 0, "pangyo"),
				lintSvc("obj-b", 0, "gasan"),
			),
		},
		{
			name: "start cycle through a hard dependency",
			rule: graph.RuleColdStartCycle,
			p: lintPlat(pg,
				lintNeeds(lintSvc("config", 0, "pangyo"), "auth"),
				lintDeps(lintSvc("auth", 0, "pangyo"), lintHard("config")),
				lintNeeds(lintSvc("solo", 0, "gasan"), "solo"),
			),
			want: []string{
				"auth and config need each other through start_needs and hard depends_on, so a cold start of them deadlocks until break_glass (start_needs config → auth)",
				"solo needs itself up to start, so a cold start of it deadlocks until break_glass",
			},
		},
		{
			name: "three-service start cycle",
			rule: graph.RuleColdStartCycle,
			p: lintPlat(pg,
				lintNeeds(lintSvc("c", 0, "pangyo"), "a"),
				lintNeeds(lintSvc("a", 0, "pangyo"), "b"),
				lintDeps(lintNeeds(lintSvc("b", 0, "pangyo"), "zzz"), lintHard("c")),
			),
			want: []string{"a, b and c need each other through start_needs and hard depends_on, so a cold start of them deadlocks until break_glass (start_needs a → b and c → a)"},
		},
		{
			name: "runtime cycle and acyclic start needs",
			rule: graph.RuleColdStartCycle,
			p: lintPlat(pg,
				lintDeps(lintSvc("a", 0, "pangyo"), lintHard("b")),
				lintDeps(lintSvc("b", 0, "pangyo"), lintHard("a")),
				lintNeeds(lintSvc("c", 0, "pangyo"), "a", "b"),
				lintDeps(lintNeeds(lintSvc("d", 0, "pangyo"), "e"), lintSoft("e")),
				lintDeps(lintSvc("e", 0, "pangyo"), lintAny(1, "d", "a")),
			),
		},
		{
			name: "data in one site without an offsite backup",
			rule: graph.RuleBackupSingleSite,
			p: lintPlat(pg,
				lintData(lintSvc("mail", 0, "pangyo"), nil),
				lintData(lintSvc("drive", 0, "gasan"), &graph.Backup{Every: 86400000}),
			),
			want: []string{
				"drive keeps its data only in gasan and its backup is not offsite: one site loss destroys every copy",
				"mail keeps its data only in pangyo and has no backup: one site loss destroys every copy",
			},
		},
		{
			name: "data offsite or replicated",
			rule: graph.RuleBackupSingleSite,
			p: lintPlat(pg,
				lintData(lintSvc("mail", 0, "pangyo"), &graph.Backup{Every: 86400000, Offsite: true}),
				lintData(lintSvc("drive", 0, "pangyo", "gasan"), nil),
				lintSvc("stateless", 0, "pangyo"),
			),
		},
		{
			name: "site loss cascading through a cycle",
			rule: graph.RuleSiteLossMajority,
			p: lintPlat(pg,
				lintSvc("storage", 0, "pangyo"),
				lintSvc("ops", 0, "pangyo"),
				lintTooling(lintStandby(lintSvc("talk", 40, "pangyo", "gasan"), "pangyo"), "ops"),
				lintDeps(lintSvc("login", 25, "gasan"), lintHard("x")),
				lintDeps(lintSvc("x", 0, "gasan"), lintHard("y")),
				lintDeps(lintSvc("y", 0, "gasan"), lintHard("x"), lintAny(2, "storage", "map", "talk")),
				lintSvc("map", 35, "gasan"),
			),
			want: []string{
				"losing pangyo takes down 6 services with 65% of users, which no automated failover brings back (talk, login, ops, storage, x and y)",
				"losing gasan takes down 4 services with 60% of users, which no automated failover brings back (map, login, x and y)",
			},
		},
		{
			// talk's failover is automated (its tooling survives), so losing
			// pangyo takes it down only for the failover's 30 s.
			name: "site loss survived by automated failover",
			rule: graph.RuleSiteLossMajority,
			p: lintPlat(pg,
				lintSvc("deploy", 0, "gasan"),
				lintFailover(lintTooling(lintStandby(lintSvc("db", 0, "pangyo", "gasan"), "pangyo"), "deploy"), 30000),
				lintDeps(lintSvc("web", 100, "pangyo", "gasan"), lintHard("db")),
			),
		},
		{
			name: "site loss whose failover needs a tool lost with it",
			rule: graph.RuleSiteLossMajority,
			p: lintPlat(pg,
				lintSvc("deploy", 0, "pangyo"),
				lintFailover(lintTooling(lintStandby(lintSvc("db", 0, "pangyo", "gasan"), "pangyo"), "deploy"), 30000),
				lintDeps(lintSvc("web", 100, "pangyo", "gasan"), lintHard("db")),
			),
			want: []string{"losing pangyo takes down 3 services with 100% of users, which no automated failover brings back (web, db and deploy)"},
		},
		{
			name: "site loss of half the users",
			rule: graph.RuleSiteLossMajority,
			p: lintPlat(pg,
				lintSvc("talk", 50, "pangyo"),
				lintStandby(lintSvc("map", 50, "gasan", "pangyo"), "gasan"),
				lintDeps(lintSvc("pay", 0, "pangyo", "gasan"), lintAny(1, "talk", "map")),
			),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lintMessages(tt.p, tt.rule)
			assert.True(t, slices.Equal(got, tt.want), "got %q, want %q", got, tt.want)
		})
	}
}

func TestLintSiteLossListsAtMostSix(t *testing.T) {
	var svcs []*graph.Service
	for i := range 8 {
		svcs = append(svcs, lintSvc(fmt.Sprintf("s%d", i), int64(10+i), "pangyo"))
	}
	svcs = append(svcs, lintSvc("other", 1, "gasan"))
	got := lintMessages(lintPlat([]string{"pangyo", "gasan"}, svcs...), graph.RuleSiteLossMajority)
	want := []string{"losing pangyo takes down 8 services with 99% of users, which no automated failover brings back (s7, s6, s5, s4, s3, s2 and 2 more)"}
	assert.Equal(t, want, got)
}

func TestWarningString(t *testing.T) {
	tests := []struct {
		w    graph.Warning
		want string
	}{
		{graph.Warning{Rule: "r", Pos: graph.Pos{File: "k.yaml", Line: 3, Col: 5}, Msg: "m"}, "k.yaml:3:5: warning: m [r]"},
		{graph.Warning{Rule: "r", Pos: graph.Pos{Line: 3, Col: 5}, Msg: "m"}, "3:5: warning: m [r]"},
		{graph.Warning{Rule: "r", Msg: "m"}, "warning: m [r]"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.w.String())
	}
}

// lintKakao is a small Kakao-like platform that triggers every rule.
func lintKakao() *graph.Platform {
	pg := []string{"pangyo", "gasan"}
	return lintPlat(pg,
		lintAt(lintSvc("deploy", 0, "pangyo"), 10),
		lintAt(lintData(lintSvc("storage", 0, "pangyo"), nil), 20),
		lintAt(lintTooling(lintDeps(lintStandby(lintSvc("talk", 60, "pangyo", "gasan"), "pangyo"), lintHard("storage")), "deploy"), 30),
		lintAt(lintNeeds(lintSvc("config", 0, "pangyo", "gasan"), "auth"), 40),
		lintAt(lintDeps(lintSvc("auth", 0, "pangyo", "gasan"), lintHard("config")), 45),
		lintAt(lintSvc("map", 40, "gasan"), 50),
	)
}

func TestLintDeterministic(t *testing.T) {
	f := &graph.File{Name: "lint.yaml", Version: 1, Platform: lintKakao()}
	first := graph.Lint(f)
	var rules []string
	for _, w := range first {
		rules = append(rules, w.Rule)
	}
	// Sorted by position:
	wantRules := []string{
		graph.RuleSiteLossMajority, // pangyo, line 1
		graph.RuleToolingColocated, // deploy, line 10
		graph.RuleBackupSingleSite, // storage, line 20
		graph.RuleColdStartCycle,   // auth, line 45 (first member by id)
		graph.RuleWeakestLink,      // talk's dependency on storage, line 50
	}
	require.Equal(t, wantRules, rules, "rules")
	for range 50 {
		require.Equal(t, first, graph.Lint(f), "Lint is not deterministic")
	}
	// The order does not depend on the order of services in the file.
	p := lintKakao()
	slices.Reverse(p.Services)
	assert.Equal(t, first, graph.Lint(&graph.File{Name: "lint.yaml", Version: 1, Platform: p}), "reversed services")
}

func TestLintScenarios(t *testing.T) {
	base := lintKakao()
	// The patch moves storage's data offsite (fixing backup-single-site) and
	// deploy to gasan, where talk and map (which now needs it too) also run:
	// a new tooling-colocated, while pangyo's loss is the same weak spot with
	// other numbers and is not repeated.
	patched := lintKakao()
	patched.Services[1].Data.Backup = &graph.Backup{Every: 3600000, Offsite: true}
	patched.Services[0] = lintAt(lintSvc("deploy", 0, "gasan"), 70)
	patched.Services[5] = lintAt(lintTooling(lintSvc("map", 40, "gasan"), "deploy"), 50)
	f := &graph.File{Name: "lint.yaml", Version: 1, Platform: base, Scenarios: []*graph.Scenario{
		{ID: "fire", Platform: base},
		{ID: "mitigated", Platform: patched},
		{ID: "mitigated-again", Platform: patched},
	}}
	var got []string
	for _, w := range graph.Lint(f) {
		got = append(got, w.String())
	}
	want := []string{
		"lint.yaml:1:1: warning: losing pangyo takes down 3 services with 60% of users, which no automated failover brings back (talk, deploy and storage) [site-loss-majority]",
		"lint.yaml:10:1: warning: deploy runs only in pangyo, where the one service that needs it also runs (talk) [tooling-colocated]",
		"lint.yaml:20:1: warning: storage keeps its data only in pangyo and has no backup: one site loss destroys every copy [backup-single-site]",
		"lint.yaml:45:1: warning: auth and config need each other through start_needs and hard depends_on, so a cold start of them deadlocks until break_glass (start_needs config → auth) [cold-start-cycle]",
		"lint.yaml:50:3: warning: talk runs in pangyo and gasan but depends on storage, which runs only in pangyo [weakest-link]",
		"lint.yaml:70:1: warning: scenario mitigated-again: deploy runs only in gasan, where both services that need it also run (talk and map) [tooling-colocated]",
		"lint.yaml:70:1: warning: scenario mitigated: deploy runs only in gasan, where both services that need it also run (talk and map) [tooling-colocated]",
	}
	assert.Equal(t, want, got)
}

func TestLintScenarioFileWithoutPlatform(t *testing.T) {
	base := lintKakao()
	f := &graph.File{Name: "s.yaml", Version: 1, Scenarios: []*graph.Scenario{
		{ID: "a", Platform: base}, {ID: "b", Platform: base},
	}}
	assert.Equal(t, graph.Lint(&graph.File{Name: "s.yaml", Version: 1, Platform: base}), graph.Lint(f))
	assert.Empty(t, graph.Lint(&graph.File{}), "empty file")
}

const lintYAML = `version: 1
platform:
  name: tiny
  sites:
    - {id: pangyo, region: seongnam}
    - {id: gasan, region: seoul}
  services:
    - id: deploy
      placement: {pangyo: 2}
    - id: storage
      placement: {pangyo: 10}
      data: {replication: none}
    - id: talk
      users: 100
      placement: {pangyo: 10, gasan: 10}
      redundancy: {mode: active-standby, primary: pangyo}
      depends_on: [storage]
      tooling: [deploy]
`

func TestLintLoaded(t *testing.T) {
	f, err := graph.Load(strings.NewReader(lintYAML), "tiny.yaml")
	require.NoError(t, err, "Load")
	var got []string
	for _, w := range graph.Lint(f) {
		got = append(got, w.Rule+": "+w.Msg)
		assert.Equal(t, "tiny.yaml", w.Pos.File, "%s: position not set", w)
		assert.NotZero(t, w.Pos.Line, "%s: position not set", w)
	}
	want := []string{
		"site-loss-majority: losing pangyo takes down 3 services with 100% of users, which no automated failover brings back (talk, deploy and storage)",
		"tooling-colocated: deploy runs only in pangyo, where the one service that needs it also runs (talk)",
		"backup-single-site: storage keeps its data only in pangyo and has no backup: one site loss destroys every copy",
		"weakest-link: talk runs in pangyo and gasan but depends on storage, which runs only in pangyo",
	}
	assert.Equal(t, want, got)
}

// TestLintSiteLossHugeUsers sums users that overflow int64 together: three
// services of math.MaxInt64 users made the int64 sum wrap ("with -0% of
// users"). A program may build such a platform; the loader refuses it.
func TestLintSiteLossHugeUsers(t *testing.T) {
	const most = int64(1<<63 - 1)
	got := lintMessages(lintPlat([]string{"pangyo", "gasan"},
		lintSvc("a", most, "pangyo"), lintSvc("b", most, "pangyo"), lintSvc("c", most, "pangyo"),
		lintSvc("d", 1, "gasan")), graph.RuleSiteLossMajority)
	assert.Equal(t, []string{"losing pangyo takes down 3 services with 100% of users, which no automated failover brings back (a, b and c)"}, got)
}
