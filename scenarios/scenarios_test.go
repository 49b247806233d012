package scenarios_test

import (
	"reflect"
	"slices"
	"testing"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
)

// load loads an embedded scenario file, failing the test on any error.
func load(t *testing.T, name string) *graph.File {
	t.Helper()
	f, err := graph.LoadFS(scenarios.FS, scenarios.Path(name))
	if err != nil {
		t.Fatalf("load %s: %v", scenarios.Path(name), err)
	}
	return f
}

// minScenarios is the least a built-in file holds: a baseline and at least
// one mitigation.
const minScenarios = 2

func TestEmbeddedFilesLoad(t *testing.T) {
	names := scenarios.Names()
	if !slices.Contains(names, scenarios.Default) {
		t.Fatalf("Names() = %v, want it to contain the default %q", names, scenarios.Default)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			f := load(t, name)
			if f.Platform == nil {
				t.Fatalf("no platform")
			}
			if got := len(f.Scenarios); got < minScenarios {
				t.Errorf("got %d scenarios, want at least %d", got, minScenarios)
			}
			patched := 0
			for _, s := range f.Scenarios {
				if len(s.Events) == 0 {
					t.Errorf("scenario %q has no events", s.ID)
				}
				if s.Platform != f.Platform {
					patched++
				}
			}
			if patched == 0 {
				t.Errorf("no scenario patches the platform; want at least one mitigation")
			}
		})
	}
}

// The Kakao file is domino's default and the one the design leans on: check
// the ids the reports name, its size, and that its power fractions map to the
// reported 32,000 servers in Pangyo.
func TestKakaoPangyo(t *testing.T) {
	const (
		minServices   = 30
		minSites      = 4
		pangyoServers = 32000 // reported: ~32,000 Kakao servers in Pangyo
	)
	f := load(t, "kakao-pangyo-2022")
	p := f.Platform

	wantServices := []string{
		"talk-messaging", "talk-voice", "talk-media", "talk-pc-login", "talk-channel", "talk-drawer",
		"kakao-login", "kakaopay", "kakao-t", "kakaomap", "daum-mail", "daum-cafe", "daum-search", "kakao-mail",
		"deploy", "monitoring", "permissions", "failover-ctl",
		"cache", "object-storage", "auth", "config", "push", "dns",
	}
	for _, id := range wantServices {
		if p.Service(id) == nil {
			t.Errorf("service %q missing", id)
		}
	}
	for _, id := range []string{"pangyo", "gasan", "anyang"} {
		if p.Site(id) == nil {
			t.Errorf("site %q missing", id)
		}
	}
	if got := len(p.Services); got < minServices {
		t.Errorf("got %d services, want at least %d", got, minServices)
	}
	if got := len(p.Sites); got < minSites {
		t.Errorf("got %d sites, want at least %d", got, minSites)
	}

	var placed int64
	for _, s := range p.Services {
		for _, pl := range s.Placement {
			if pl.Site == "pangyo" {
				placed += pl.Servers
			}
		}
	}
	if placed != pangyoServers {
		t.Errorf("pangyo placements sum to %d, want %d (filler service pangyo-other included)", placed, pangyoServers)
	}
	if site := p.Site("pangyo"); site != nil && site.Servers != pangyoServers {
		t.Errorf("pangyo servers = %d, want %d", site.Servers, pangyoServers)
	}

	// Reported: ops tools and failover control only in Pangyo; caches and
	// object storage duplicated only inside Pangyo.
	for _, id := range []string{"deploy", "monitoring", "permissions", "failover-ctl", "cache", "object-storage"} {
		if s := p.Service(id); s != nil && !reflect.DeepEqual(s.Sites(), []string{"pangyo"}) {
			t.Errorf("%s placed on %v, want only pangyo", id, s.Sites())
		}
	}

	for _, id := range []string{"pangyo-fire", "ops-tools-3dc", "failover-everywhere", "ops-and-failover",
		"active-active-messaging", "standby-capacity", "zone-cutoff"} {
		if f.Scenario(id) == nil {
			t.Errorf("scenario %q missing", id)
		}
	}

	base := f.Scenario("pangyo-fire")
	if base == nil {
		return
	}
	if len(base.Events) != 1 {
		t.Fatalf("pangyo-fire has %d events, want 1", len(base.Events))
	}
	// Reported server counts: 12,000, ~22,000, 31,000 of 32,000, then all.
	wantFractions := []float64{0.375, 0.6875, 0.96875, 1}
	var gotFractions []float64
	for _, st := range base.Events[0].PowerRestore {
		gotFractions = append(gotFractions, st.Fraction.Float())
	}
	if !reflect.DeepEqual(gotFractions, wantFractions) {
		t.Errorf("pangyo-fire power fractions = %v, want %v", gotFractions, wantFractions)
	}

	// Mitigations run the same fire: their events must equal the baseline's
	// (zone-cutoff is the one scenario that changes the events on purpose).
	for _, s := range f.Scenarios {
		if s == base || s.ID == "zone-cutoff" {
			continue
		}
		if !sameEvents(s.Events, base.Events) {
			t.Errorf("scenario %q: events differ from pangyo-fire; a mitigation must only patch the platform", s.ID)
		}
		if s.Horizon != base.Horizon || s.Crews != base.Crews || !reflect.DeepEqual(s.BreakGlass, base.BreakGlass) {
			t.Errorf("scenario %q: horizon, crews or break_glass differ from pangyo-fire", s.ID)
		}
	}
}

// sameEvents reports whether a and b are the same events, ignoring positions.
func sameEvents(a, b []graph.Event) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		x.Pos, y.Pos = graph.Pos{}, graph.Pos{}
		if !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}
