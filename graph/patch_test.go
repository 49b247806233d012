package graph

import (
	"reflect"
	"strings"
	"testing"
)

const patchBase = `version: 1
platform:
  sites:
    - {id: a}
    - {id: b}
  services:
    - id: deploy
      placement: {a: 20}
      restart: {auto: 5m}
      tooling: [monitoring]
    - {id: monitoring, placement: {a: 5}}
    - {id: web, placement: {a: 3, b: 3}, depends_on: [deploy]}
scenarios:
  - id: baseline
  - id: deploy-2dc
    patch:
      services:
        - {id: deploy, placement: {a: 20, b: 20}, redundancy: {mode: active-standby}}
        - {id: cache, placement: {b: 2}, depends_on: [deploy]}
      sites:
        - {id: b, servers: 100}
        - {id: c, region: r}
`

func TestPatch(t *testing.T) {
	f := mustLoad(t, patchBase)
	base := f.Platform
	baseline, patched := f.Scenario("baseline"), f.Scenario("deploy-2dc")
	if baseline.Platform != base {
		t.Errorf("a scenario without patch must share the file's platform")
	}
	p := patched.Platform
	if p == base {
		t.Fatalf("a patched scenario must have its own platform")
	}

	// The base platform is untouched.
	d := base.Service("deploy")
	if got := strings.Join(d.Sites(), ","); got != "a" || d.Redundancy.Mode != Single {
		t.Errorf("base deploy changed: sites %s, mode %v", got, d.Redundancy.Mode)
	}
	if base.Service("cache") != nil || base.Site("c") != nil || base.Site("b").Servers != 3 {
		t.Errorf("base platform changed: %+v", base)
	}

	// A field given replaces the whole field; the others are kept.
	pd := p.Service("deploy")
	if got := strings.Join(pd.Sites(), ","); got != "a,b" {
		t.Errorf("got patched placement %s, want a,b", got)
	}
	if pd.Redundancy.Mode != ActiveStandby || pd.Redundancy.Primary != "a" {
		t.Errorf("got patched redundancy %+v, want active-standby with the default primary a", pd.Redundancy)
	}
	if !reflect.DeepEqual(pd.Restart.Auto, NewFixed(5*Minute)) || !reflect.DeepEqual(pd.Tooling, []string{"monitoring"}) {
		t.Errorf("patched deploy lost fields it did not patch: %+v", pd)
	}
	if pd == d || p.Service("web") == base.Service("web") {
		t.Errorf("patched platform shares services with the base")
	}

	// Unknown ids are added, in order, at the end.
	if got := len(p.Services); got != 4 || p.Services[3].ID != "cache" {
		t.Errorf("got %d services, want cache added last", got)
	}
	if got := len(p.Sites); got != 3 || p.Sites[2].ID != "c" || p.Sites[2].Region != "r" {
		t.Errorf("got sites %+v, want c added", p.Sites)
	}
	if got := p.Site("b").Servers; got != 100 {
		t.Errorf("got site b servers %d, want 100", got)
	}
	// A patched entry keeps its place in the file order.
	if p.Services[0].ID != "deploy" {
		t.Errorf("got first service %s, want deploy", p.Services[0].ID)
	}
}

func TestPatchErrors(t *testing.T) {
	msg := loadErr(t, `version: 1
platform:
  sites: [{id: a, servers: 4}, {id: b}]
  services:
    - {id: x, placement: {a: 2, b: 2}, redundancy: {mode: active-standby, primary: b}}
    - {id: y, placement: {a: 2}, depends_on: [nope]}
scenarios:
  - id: s1
    patch: {services: [{id: x, placement: {a: 3}}]}
  - id: s2
    patch: {services: [{id: x, placement: {a: 3}}]}
`)
	want := `test.yaml:6:47: platform.services[1].depends_on[0]: unknown service "nope"
test.yaml:9:13: scenarios[0].patch: with this patch, platform.services[0].redundancy.primary (test.yaml:5:84): primary "b" is not in the placement (a) (did you mean "a"?)
test.yaml:9:13: scenarios[0].patch: with this patch, platform.sites[0].servers (test.yaml:3:28): site "a" has 4 servers but 5 are placed there
test.yaml:11:13: scenarios[1].patch: with this patch, platform.services[0].redundancy.primary (test.yaml:5:84): primary "b" is not in the placement (a) (did you mean "a"?)
test.yaml:11:13: scenarios[1].patch: with this patch, platform.sites[0].servers (test.yaml:3:28): site "a" has 4 servers but 5 are placed there`
	if msg != want {
		t.Errorf("got\n%s\nwant\n%s", msg, want)
	}
}
