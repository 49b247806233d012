package diagram

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/synth"
)

// generated returns the platform of 'domino gen' with these options.
func generated(t *testing.T, services, sites int, seed uint64) *graph.Platform {
	t.Helper()
	b, err := synth.Generate(synth.Options{Services: services, Sites: sites, Seed: seed})
	require.NoError(t, err)
	f, err := graph.Load(bytes.NewReader(b), "gen.yaml")
	require.NoError(t, err)
	return f.Platform
}

// countLinks counts p's links between services kind by kind, straight from
// the platform: an `any` group is one link per member.
func countLinks(p *graph.Platform) Links {
	var l Links
	for _, s := range p.Services {
		for _, d := range s.DependsOn {
			n := len(d.Any)
			if d.Service != "" {
				n = 1
			}
			if d.Soft {
				l.Soft += n
			} else {
				l.Hard += n
			}
		}
		l.Start += len(s.StartNeeds)
		l.Tool += len(s.Tooling)
	}
	return l
}

var (
	claimedLinks = regexp.MustCompile(`(\d[\d,]*) (hard|soft|start|tool)`)
	dotNode      = regexp.MustCompile(`(?m)^\s*"([^"]+)" \[`)
)

// claimed adds up the links a collapsed DOT says it stands for: the edge
// labels and the "links inside" lines of the site nodes.
func claimed(t *testing.T, dot string) Links {
	t.Helper()
	var l Links
	count := map[string]*int{"hard": &l.Hard, "soft": &l.Soft, "start": &l.Start, "tool": &l.Tool}
	for _, line := range strings.Split(dot, "\n") {
		switch {
		case strings.Contains(line, "links inside: "):
			_, line, _ = strings.Cut(line, "links inside: ")
			line, _, _ = strings.Cut(line, "<")
		case strings.Contains(line, " -> ") && !strings.Contains(line, "legend:"):
			_, line, _ = strings.Cut(line, "label=")
		default:
			continue
		}
		for _, m := range claimedLinks.FindAllStringSubmatch(line, -1) {
			n, err := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
			require.NoError(t, err)
			*count[m[2]] += n
		}
	}
	return l
}

// TestCollapsed draws a generated 1,000-service platform collapsed by site:
// one node per site, and the edge labels and "links inside" lines account
// for every link of the platform, no more, no fewer.
func TestCollapsed(t *testing.T) {
	p := generated(t, 1000, 6, 1)
	var buf bytes.Buffer
	require.NoError(t, DOT(&buf, p, Options{Collapse: true}))
	dot := buf.String()

	var nodes []string
	for _, m := range dotNode.FindAllStringSubmatch(dot, -1) {
		if !strings.HasPrefix(m[1], "legend:") {
			nodes = append(nodes, m[1])
		}
	}
	assert.Equal(t, []string{"site:site-0", "site:site-1", "site:site-2", "site:site-3", "site:site-4", "site:site-5"}, nodes,
		"one node per site, for 1,000 services")
	want := countLinks(p)
	require.Positive(t, want.Total())
	assert.Equal(t, want, claimed(t, dot), "links counted from the platform, links the diagram claims")
	assert.Contains(t, dot, `1,000 services (more than 150) collapsed by site: every service with --full`)
	edges := 0
	for _, line := range dotEdge.FindAllString(dot, -1) {
		if !strings.Contains(line, "legend:") {
			edges++
		}
	}
	assert.LessOrEqual(t, edges, 6*5, "at most one edge per ordered pair of sites")
}

// TestCollapsedFocus collapses the neighbourhood of a service: only the
// links between drawn services are claimed, and the focus is named.
func TestCollapsedFocus(t *testing.T) {
	p := fixture()
	opt := Options{Collapse: true, Focus: "pay", Depth: 1, NoLegend: true}
	var buf bytes.Buffer
	require.NoError(t, DOT(&buf, p, opt))
	// pay (gasan) needs auth (pangyo) and uses monitoring and deploy
	// (pangyo): 1 hard and 2 tool links from gasan to pangyo; inside
	// pangyo, auth uses deploy and monitoring too (2 tool), and needs
	// config to start, which is not drawn.
	assert.Equal(t, Links{Hard: 1, Tool: 4}, claimed(t, buf.String()))
	assert.Contains(t, buf.String(), "focus: pay")
	assert.Contains(t, buf.String(), "4 services collapsed by site")
	n, err := DrawnServices(p, opt)
	require.NoError(t, err)
	assert.Equal(t, 4, n)
}

// TestFocusSize checks that a focus on a generated platform draws the
// service and its direct neighbours, counted straight from the platform,
// and no more: the dependents of a much-used database are its whole
// neighbourhood at depth 1.
func TestFocusSize(t *testing.T) {
	p := generated(t, 1000, 6, 1)
	near := map[string]bool{"db-3": true}
	for _, s := range p.Services {
		links := []string{}
		for _, d := range s.DependsOn {
			links = append(links, d.Service)
			links = append(links, d.Any...)
		}
		links = append(append(links, s.StartNeeds...), s.Tooling...)
		for _, l := range links {
			if s.ID == "db-3" && l != "" {
				near[l] = true
			}
			if l == "db-3" {
				near[s.ID] = true
			}
		}
	}
	n, err := DrawnServices(p, Options{Focus: "db-3", Depth: 1})
	require.NoError(t, err)
	assert.Equal(t, len(near), n)
	assert.Less(t, n, len(p.Services)/5, "a neighbourhood, not the platform")
}

// TestPNGTooLarge: a diagram that fits the pixel budget only below 72 dpi
// is refused, not shrunk.
func TestPNGTooLarge(t *testing.T) {
	// 100 × 100 inches is 7,200 × 7,200 points: 52 megapixels at 72 dpi.
	dot := []byte(`digraph { a [shape=box, fixedsize=true, width=100, height=100] }`)
	err := RenderPNG(dot, &bytes.Buffer{})
	var tooLarge *TooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Contains(t, err.Error(), "at 72 dpi, the least at which its labels can be read, more than the 40 allowed; it is not shrunk further")
	// 60 × 60 inches fits at 72 dpi (19 megapixels): drawn, smaller than 144 dpi.
	var png bytes.Buffer
	require.NoError(t, RenderPNG([]byte(`digraph { a [shape=box, fixedsize=true, width=60, height=60] }`), &png))
}

// TestLayoutCancelled: a cancelled layout returns at once with the
// context's error and writes nothing, even though Graphviz cannot be
// stopped.
func TestLayoutCancelled(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	saved := layoutFunc
	layoutFunc = func(dot []byte, format graphvizFormat, buf *bytes.Buffer) error {
		<-release // a layout that would take minutes
		buf.WriteString("late")
		return nil
	}
	defer func() { layoutFunc = saved }()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	var out bytes.Buffer
	start := time.Now()
	err := RenderSVGContext(ctx, []byte("digraph { a }"), &out)
	assert.True(t, errors.Is(err, context.Canceled), "got %v, want context.Canceled", err)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Zero(t, out.Len(), "nothing written")
}
