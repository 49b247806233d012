package diagram

import (
	"bytes"
	"io"
	"math"
	"strings"
	"testing"
)

func TestDOTGolden(t *testing.T) {
	tests := []struct {
		name string
		opt  Options
	}{
		{"platform.dot", Options{}},
		{"heat.dot", Options{Heat: fixtureHeat(), HeatMax: 1, HeatLabel: "P(affected)"}},
		{"focus.dot", Options{Focus: "push", Depth: 1}},
		{"tb-nolegend.dot", Options{RankDir: "TB", NoLegend: true, Title: "top to bottom"}},
		{"collapsed.dot", Options{Collapse: true, Heat: fixtureHeat(), HeatMax: 1, HeatLabel: "P(affected)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := DOT(&buf, fixture(), tt.opt); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, buf.Bytes())
			// Idempotence: the same input gives the same bytes.
			var again bytes.Buffer
			if err := DOT(&again, fixture(), tt.opt); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Error("two runs gave different output")
			}
		})
	}
}

// nodeIDs returns the quoted ids declared as nodes (lines `"id" [`) in dot.
func nodeIDs(dot string) map[string]bool {
	ids := make(map[string]bool)
	for _, line := range strings.Split(dot, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, `"`) {
			continue
		}
		id, rest, ok := strings.Cut(line[1:], `"`)
		if ok && strings.HasPrefix(rest, " [") {
			ids[id] = true
		}
	}
	return ids
}

func TestDOTFocus(t *testing.T) {
	tests := []struct {
		name  string
		focus string
		depth int
		want  []string // services drawn
	}{
		{"alone", "push", 0, []string{"push"}},
		// push depends on auth and uses deploy and monitoring; talk-messaging
		// depends on it.
		{"one hop", "push", 1, []string{"push", "auth", "deploy", "monitoring", "talk-messaging"}},
		{"users of a tool", "failover-ctl", 1, []string{"failover-ctl", "monitoring", "talk-messaging", "talk-storage"}},
		{"two hops", "config", 2, []string{"config", "talk-messaging", "talk-storage", "auth", "push", "dns-a", "dns-b",
			"deploy", "monitoring", "failover-ctl", "pay"}},
		{"any group counts one hop", "dns-b", 1, []string{"dns-b", "talk-messaging"}},
		// pay needs auth and uses monitoring and deploy; the second hop
		// reaches auth's users and config, not every user of the tools.
		{"tools are not walked through", "pay", 2, []string{"pay", "auth", "monitoring", "deploy", "push", "talk-messaging", "config"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := DOT(&buf, fixture(), Options{Focus: tt.focus, Depth: tt.depth, NoLegend: true}); err != nil {
				t.Fatal(err)
			}
			ids := nodeIDs(buf.String())
			want := make(map[string]bool)
			for _, id := range tt.want {
				want[id] = true
				if !ids[id] {
					t.Errorf("service %q not drawn", id)
				}
			}
			for _, s := range fixture().Services {
				if ids[s.ID] && !want[s.ID] {
					t.Errorf("service %q drawn, want only %v", s.ID, tt.want)
				}
			}
			// Every edge joins drawn nodes (or a replica, junction or bundle).
			for _, line := range strings.Split(buf.String(), "\n") {
				from, to, ok := strings.Cut(strings.TrimSpace(line), " -> ")
				if !ok {
					continue
				}
				for _, end := range []string{from, strings.SplitN(to, " ", 2)[0]} {
					id := strings.Trim(end, `"`)
					id, _, _ = strings.Cut(id, "@")
					id, _, _ = strings.Cut(id, "#")
					if id == "tooling" || id == "start_needs" {
						continue // a bundle node
					}
					if !want[id] {
						t.Errorf("edge %q touches hidden %q", line, id)
					}
				}
			}
		})
	}
}

func TestDOTUnknownFocus(t *testing.T) {
	err := DOT(io.Discard, fixture(), Options{Focus: "pushh", Depth: 1})
	if err == nil || !strings.Contains(err.Error(), `"pushh"`) {
		t.Fatalf("got %v, want an error naming \"pushh\"", err)
	}
}

func TestDOTQuoting(t *testing.T) {
	p := fixture()
	p.Name = `odd "name" \ here`
	var buf bytes.Buffer
	if err := DOT(&buf, p, Options{NoLegend: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), `digraph "odd \"name\" \\ here" {`) {
		t.Errorf("got first line %q", strings.SplitN(buf.String(), "\n", 2)[0])
	}
	if !strings.Contains(buf.String(), "DNS &quot;B&quot; &lt;ext&gt;") {
		t.Error("HTML label not escaped")
	}
	var svg bytes.Buffer
	if err := RenderSVG(buf.Bytes(), &svg); err != nil {
		t.Fatalf("graphviz rejects the quoted DOT: %v", err)
	}
}

func TestHeatColor(t *testing.T) {
	tests := []struct {
		t    float64
		want string
	}{
		{-1, "#ffffff"}, {0, "#ffffff"}, {0.5, "#ffd700"}, {1, "#d7191c"}, {2, "#d7191c"}, {math.NaN(), "#ffffff"},
	}
	for _, tt := range tests {
		if got := HeatColor(tt.t); got != tt.want {
			t.Errorf("HeatColor(%v) = %s, want %s", tt.t, got, tt.want)
		}
	}
}
