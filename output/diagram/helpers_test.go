package diagram

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/scenarios"
	"github.com/dominosim/domino/sim"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/name, or rewrites the file with
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./output/diagram -update to create it")
	assert.Equal(t, string(want), string(got), "%s differs from the golden file (run go test ./output/diagram -update if the change is intended)", path)
}

// compileYAML loads src and compiles its scenario id.
func compileYAML(t *testing.T, src, id string) *graph.Compiled {
	t.Helper()
	f, err := graph.Load(strings.NewReader(src), "trace.yaml")
	require.NoError(t, err)
	sc := f.Scenario(id)
	require.NotNil(t, sc, "no scenario %q", id)
	c, err := graph.Compile(sc)
	require.NoError(t, err)
	return c
}

// loadKakao compiles the embedded Kakao case's first scenario.
func loadKakao(t testing.TB) *graph.Compiled {
	t.Helper()
	f, err := graph.LoadFS(scenarios.FS, scenarios.Path(scenarios.Default))
	require.NoError(t, err)
	c, err := graph.Compile(f.Scenarios[0])
	require.NoError(t, err)
	return c
}

// traceOf replays trial k of c and returns its trace report.
func traceOf(c *graph.Compiled, seed uint64, k int) *output.TraceReport {
	tr := sim.NewTrial(c, nil)
	tr.Trace = &sim.Trace{}
	o := tr.Run(seed, k)
	return output.NewTraceReport(c, output.NewTraceInfo(c, seed, o), o, tr.Trace)
}

// fixture builds a small platform shaped like the Kakao Pangyo case without
// the loader: two data centers and a standby one, user services replicated
// active-standby, ops tools only in Pangyo, an `any` group of two DNS
// providers, and every kind of link.
func fixture() *graph.Platform {
	svc := func(id, name string, mode graph.Mode, primary string, placement ...graph.Placement) *graph.Service {
		return &graph.Service{ID: id, Name: name, Priority: 5, Placement: placement,
			Redundancy: graph.Redundancy{Mode: mode, Quorum: 1, Primary: primary}, RTO: -1, RPO: -1}
	}
	at := func(site string, n int64) graph.Placement { return graph.Placement{Site: site, Servers: n} }

	talk := svc("talk-messaging", "KakaoTalk messaging", graph.ActiveStandby, "pangyo", at("pangyo", 2400), at("gasan", 600))
	talk.DependsOn = []graph.Dep{{Service: "talk-storage"}, {Service: "push", Soft: true},
		{Any: []string{"dns-a", "dns-b"}, Need: 1}}
	talk.StartNeeds = []string{"config", "auth"}
	talk.Tooling = []string{"deploy", "monitoring", "failover-ctl"}

	storage := svc("talk-storage", "Message storage", graph.ActiveStandby, "pangyo", at("pangyo", 3000), at("gasan", 3000))
	storage.StartNeeds = []string{"config"}
	storage.Tooling = []string{"deploy", "failover-ctl"}

	push := svc("push", "Push notifications", graph.ActiveActive, "", at("pangyo", 200), at("anyang", 200))
	push.DependsOn = []graph.Dep{{Service: "auth"}}
	push.Tooling = []string{"deploy", "monitoring"}

	// Primary gasan, though pangyo is placed first; tooling in another order
	// than auth's and push's, still one bundle.
	pay := svc("pay", "KakaoPay", graph.ActiveStandby, "gasan", at("pangyo", 50), at("gasan", 100))
	pay.DependsOn = []graph.Dep{{Service: "auth"}}
	pay.Tooling = []string{"monitoring", "deploy"}

	auth := svc("auth", "Login & accounts", graph.ActiveActive, "", at("pangyo", 300), at("gasan", 300))
	auth.StartNeeds = []string{"config"}
	auth.Tooling = []string{"deploy", "monitoring"}

	config := svc("config", "Config service", graph.Single, "", at("pangyo", 20))
	deploy := svc("deploy", "Deploy system", graph.Single, "", at("pangyo", 20))
	monitoring := svc("monitoring", "", graph.Single, "", at("pangyo", 30))
	failover := svc("failover-ctl", "Traffic switch", graph.Single, "", at("pangyo", 10))
	failover.DependsOn = []graph.Dep{{Service: "monitoring"}}
	dnsA := svc("dns-a", "DNS provider A", graph.Single, "", at("gasan", 4))
	dnsB := svc("dns-b", `DNS "B" <ext>`, graph.Single, "", at("anyang", 4))

	return &graph.Platform{
		Name:     "kakao-mini",
		Currency: "KRW",
		Sites: []*graph.Site{
			{ID: "pangyo", Name: "SK C&C Pangyo", Region: "seongnam", Servers: 32000},
			{ID: "gasan", Name: "Gasan", Region: "seoul"},
			{ID: "anyang", Name: "Anyang", Region: "anyang"},
		},
		Services: []*graph.Service{talk, storage, push, pay, auth, config, deploy, monitoring, failover, dnsA, dnsB},
	}
}

// fixtureHeat is a P(affected) per service for the fixture.
func fixtureHeat() map[string]float64 {
	return map[string]float64{
		"talk-messaging": 0.98, "talk-storage": 0.95, "push": 0.4, "pay": 0.2, "auth": 0.6, "config": 1,
		"deploy": 1, "monitoring": 1, "failover-ctl": 1, "dns-a": 0, "dns-b": 0.01,
	}
}
