package graph

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func inputFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"*.yaml", "*.json"} {
		m, err := filepath.Glob(filepath.Join("testdata", dir, pat))
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.NotEmpty(t, files, "no files in testdata/%s", dir)
	return files
}

func TestLoadValid(t *testing.T) {
	for _, path := range inputFiles(t, "valid") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := LoadFile(path)
			require.NoError(t, err, "got error")
			require.Equal(t, 1, f.Version)
			require.NotNil(t, f.Platform)
			require.NotEmpty(t, f.Platform.Services)
			for _, sc := range f.Scenarios {
				assert.NotNil(t, sc.Platform, "scenario %s has no platform", sc.ID)
			}
		})
	}
}

// TestLoadInvalid compares the errors of each file under testdata/invalid
// with its golden file; go test ./graph -update rewrites them.
func TestLoadInvalid(t *testing.T) {
	for _, path := range inputFiles(t, "invalid") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := LoadFile(path)
			if err == nil {
				require.Failf(t, "got no error", "want some (file has %d scenarios)", len(f.Scenarios))
			}
			var list ErrorList
			require.ErrorAs(t, err, &list)
			for _, e := range list {
				assert.NotEmpty(t, e.Pos.File, "error without a file: %v", e)
				assert.GreaterOrEqual(t, e.Pos.Line, 1, "error without a line: %v", e)
				assert.GreaterOrEqual(t, e.Pos.Col, 1, "error without a column: %v", e)
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(path, filepath.Ext(path)) + ".golden"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./graph -update")
			assert.Equal(t, string(want), got, "errors differ from %s", golden)
		})
	}
}

func mustLoad(t *testing.T, text string) *File {
	t.Helper()
	f, err := Load(strings.NewReader(text), "test.yaml")
	require.NoError(t, err, "load")
	return f
}

func loadErr(t *testing.T, text string) string {
	t.Helper()
	_, err := Load(strings.NewReader(text), "test.yaml")
	require.Error(t, err, "got no error, want one")
	return err.Error()
}

func TestLoadDefaults(t *testing.T) {
	f, err := LoadFile("testdata/valid/minimal.yaml")
	require.NoError(t, err)
	p := f.Platform
	web, api := p.Service("web"), p.Service("api")
	dc1, dc2 := p.Site("dc1"), p.Site("dc2")
	sc := f.Scenario("dc1-down")
	for _, x := range []any{web, api, dc1, dc2, sc} {
		require.NotNil(t, x, "missing entities in %+v", f)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"web priority", web.Priority, 5},
		{"web mode", web.Redundancy.Mode, Single},
		{"api mode", api.Redundancy.Mode, ActiveActive},
		{"api quorum", api.Redundancy.Quorum, 1},
		{"api primary", api.Redundancy.Primary, "dc2"},
		{"api placement order", strings.Join(api.Sites(), ","), "dc2,dc1"},
		{"web rto", web.RTO, int64(-1)},
		{"web rpo", web.RPO, int64(-1)},
		{"web restart auto", web.Restart.Auto, NewFixed(0)},
		{"web restart manual nil", web.Restart.Manual == nil, true},
		{"web failover manual nil", web.Redundancy.Failover.Manual == nil, true},
		{"web data nil", web.Data == nil, true},
		{"dc1 servers", dc1.Servers, int64(7)},
		{"dc2 servers", dc2.Servers, int64(2)},
		{"dc2 region", dc2.Region, "east"},
		{"horizon", sc.Horizon, 7 * Day},
		{"trials", sc.Trials, 10000},
		{"crews", sc.Crews, 0},
		{"break_glass", sc.BreakGlass, NewFixed(12 * Hour)},
		{"soft_weight", sc.SoftWeight, 0.5},
		{"event probability", sc.Events[0].Probability, 1.0},
		{"event at", sc.Events[0].At, NewFixed(0)},
		{"event duration nil", sc.Events[0].Duration == nil, true},
		{"scenario platform shared", sc.Platform == p, true},
	}
	for _, c := range checks {
		assert.Equal(t, c.want, c.got, c.name)
	}
}

func TestLoadModelExample(t *testing.T) {
	f, err := LoadFile("testdata/valid/model-example.yaml")
	require.NoError(t, err)
	tm := f.Platform.Service("talk-messaging")
	manual, _ := NewLogNormalQuantiles(6*Hour, 14*Hour)
	lag := NewFixed(5 * Second)
	checks := []struct {
		name      string
		got, want any
	}{
		{"name", f.Platform.Name, "kakao-2022"},
		{"currency", f.Platform.Currency, "KRW"},
		{"users", tm.Users, int64(47000000)},
		{"cost", tm.CostPerHour, 1.5e9},
		{"priority", tm.Priority, 1},
		{"mode", tm.Redundancy.Mode, ActiveStandby},
		{"primary", tm.Redundancy.Primary, "pangyo"},
		{"failover auto", tm.Redundancy.Failover.Auto, NewFixed(5 * Minute)},
		{"failover manual", tm.Redundancy.Failover.Manual.String(), manual.String()},
		{"deps", len(tm.DependsOn), 2},
		{"dep soft", tm.DependsOn[1], Dep{Service: "push", Soft: true, Need: 1, Pos: tm.DependsOn[1].Pos}},
		{"start_needs", strings.Join(tm.StartNeeds, ","), "config,auth"},
		{"tooling", strings.Join(tm.Tooling, ","), "deploy,monitoring,failover-ctl"},
		{"replication", tm.Data.Replication, ReplicationAsync},
		{"lag", tm.Data.Lag, lag},
		{"backup", *tm.Data.Backup, Backup{Every: Day, Offsite: true}},
		{"rto", tm.RTO, Hour},
		{"rpo", tm.RPO, 5 * Minute},
		{"pangyo servers", f.Platform.Site("pangyo").Servers, int64(32000)},
		{"gasan servers (sum placed)", f.Platform.Site("gasan").Servers, int64(600 + 800 + 10 + 20 + 2)},
		{"any group", strings.Join(f.Platform.Service("auth").DependsOn[0].Any, ","), "dns-a,dns-b"},
	}
	for _, c := range checks {
		assert.Equal(t, c.want, c.got, c.name)
	}
	ev := f.Scenario("pangyo-fire").Events[0]
	wantFr := []Fraction{{35, 100}, {7, 10}, {1, 1}}
	require.Len(t, ev.PowerRestore, len(wantFr))
	for i, st := range ev.PowerRestore {
		assert.Equal(t, wantFr[i], st.Fraction, "stage %d: fraction", i)
	}
	assert.Equal(t, 0.05, ev.DestroysData)
	assert.Equal(t, "fire", ev.Cause)
	assert.Equal(t, "pangyo", ev.Site)
	assert.Equal(t, [2]int{44, 9}, [2]int{ev.Pos.Line, ev.Pos.Col}, "event position: line, column")
}

func TestLoadJSONMatchesYAML(t *testing.T) {
	f, err := LoadFile("testdata/valid/minimal.json")
	require.NoError(t, err)
	web := f.Platform.Service("web")
	assert.Equal(t, ActiveStandby, web.Redundancy.Mode)
	assert.Equal(t, "dc2", web.Redundancy.Primary)
	assert.True(t, web.DependsOn[1].Soft, "web's second dependency is soft")
	assert.EqualValues(t, 10, f.Platform.Site("dc1").Servers, "dc1 servers")
	sc := f.Scenarios[0]
	assert.EqualValues(t, 3*Day, sc.Horizon)
	assert.Equal(t, 500, sc.Trials)
	assert.Equal(t, Fraction{1, 1}, sc.Events[0].PowerRestore[1].Fraction)
}

func TestLoadPlatformReference(t *testing.T) {
	f, err := LoadFile("testdata/valid/scenario-ref.yaml")
	require.NoError(t, err)
	require.NotNil(t, f.Platform)
	require.Equal(t, "shared", f.Platform.Name)
	assert.Equal(t, filepath.Join("testdata", "valid", "platform-only.yaml"), f.Platform.Service("dns").Pos.File, "dns position file")
	// The same through an fs.FS, with paths joined inside it.
	fsys := fstest.MapFS{}
	for _, name := range []string{"scenario-ref.yaml", "platform-only.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "valid", name))
		require.NoError(t, err)
		fsys["dir/"+name] = &fstest.MapFile{Data: b}
	}
	g, err := LoadFS(fsys, "dir/scenario-ref.yaml")
	require.NoError(t, err)
	assert.Equal(t, "dir/platform-only.yaml", g.Platform.Service("dns").Pos.File, "LoadFS: dns position file")
	// The digest covers the platform file: any edit there alone changes it,
	// even one no summary of the platform would show.
	assert.Equal(t, f.Digest, g.Digest, "digests of the same bytes")
	assert.Len(t, g.Digest, 64)
	plat := fsys["dir/platform-only.yaml"].Data
	fsys["dir/platform-only.yaml"] = &fstest.MapFile{Data: append(append([]byte{}, plat...), "\n# edited\n"...)}
	h, err := LoadFS(fsys, "dir/scenario-ref.yaml")
	require.NoError(t, err)
	assert.NotEqual(t, g.Digest, h.Digest, "editing the platform file left the digest unchanged")
	fsys["dir/platform-only.yaml"] = &fstest.MapFile{Data: plat}
	// Errors in the platform file carry its name.
	fsys["dir/platform-only.yaml"] = &fstest.MapFile{Data: []byte("version: 1\nplatform: {sites: [{id: a}], services: [{id: x, placement: {b: 1}}]}\n")}
	_, err = LoadFS(fsys, "dir/scenario-ref.yaml")
	require.Error(t, err, "want an error in dir/platform-only.yaml")
	assert.Contains(t, err.Error(), `dir/platform-only.yaml:2:`)
}

func TestLoadAnchors(t *testing.T) {
	f, err := LoadFile("testdata/valid/anchors.yaml")
	require.NoError(t, err)
	one, two := f.Platform.Service("one"), f.Platform.Service("two")
	// Explicit keys win over merged ones.
	assert.Equal(t, 2, one.Priority, "one's priority")
	assert.Equal(t, 3, two.Priority, "two's priority")
	assert.Equal(t, NewFixed(10*Minute), one.Restart.Auto, "one's automatic restart")
	assert.Len(t, two.Placement, 2, "two's placement")
}

func TestLoadErrorsAreComplete(t *testing.T) {
	// Two unrelated problems are both reported, in position order.
	msg := loadErr(t, `version: 1
platform:
  sites: [{id: a}]
  services:
    - {id: x, placement: {a: 1}, depends_on: [y]}
    - {id: z, placement: {a: 0}}
`)
	want := `test.yaml:5:47: platform.services[0].depends_on[0]: unknown service "y" (did you mean "x"?)
test.yaml:6:30: platform.services[1].placement.a: want at least 1 server on site "a", got 0`
	assert.Equal(t, want, msg)
}

func TestLoadTopLevel(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", "test.yaml:1:1: empty file"},
		{"not a mapping", "[1, 2]", "want a mapping with version: 1"},
		{"scenarios without platform", "version: 1\nscenarios: []\n", "scenarios need a platform"},
		{"two documents", "version: 1\n---\nversion: 1\n", "want one YAML document, got 2"},
		{"tag", "version: !!int 1\n", "YAML tags like !!int are not supported"},
		{"unknown alias", "version: *v\n", "unknown alias"},
		{"syntax", "version: [1\n", "test.yaml:1:10: syntax error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Contains(t, loadErr(t, tt.text), tt.want)
		})
	}
}
