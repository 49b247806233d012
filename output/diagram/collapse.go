package diagram

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
)

// CollapseAbove is the number of services above which a diagram is
// collapsed by site unless the full one is asked for. Graphviz lays out
// 150 services of a generated platform in about 2 s of CPU and 200 in 8 s,
// growing faster than the square of the size (1,000 took 478 s), and a
// diagram of a few hundred service nodes no longer fits a screen or a page
// at a size its labels can be read.
const CollapseAbove = 150

// Links counts the links between services of a platform by kind, as the
// collapsed diagram draws them: depends_on hard (an `any` group counts one
// link per member), depends_on soft, start_needs and tooling.
type Links struct{ Hard, Soft, Start, Tool int }

// Total is the number of links of every kind.
func (l Links) Total() int { return l.Hard + l.Soft + l.Start + l.Tool }

// String lists the non-zero counts, one kind a line: "12 hard\n3 tool".
func (l Links) String() string {
	var lines []string
	for _, k := range []struct {
		n    int
		kind string
	}{{l.Hard, "hard"}, {l.Soft, "soft"}, {l.Start, "start"}, {l.Tool, "tool"}} {
		if k.n > 0 {
			lines = append(lines, thousands(int64(k.n))+" "+k.kind)
		}
	}
	return strings.Join(lines, "\n")
}

// strongest is the first kind with a link, in the order hard, soft, start,
// tool: the style of an edge standing for them all.
func (l Links) strongest() string {
	switch {
	case l.Hard > 0:
		return "hard"
	case l.Soft > 0:
		return "soft"
	case l.Start > 0:
		return "start"
	}
	return "tool"
}

func (l *Links) add(kind string) {
	switch kind {
	case "hard":
		l.Hard++
	case "soft":
		l.Soft++
	case "start":
		l.Start++
	default:
		l.Tool++
	}
}

// DrawnServices returns how many of p's services a diagram drawn with
// opt shows: all of them, or those within opt.Depth hops of opt.Focus.
func DrawnServices(p *graph.Platform, opt Options) (int, error) {
	visible, err := neighbourhood(p, opt.Focus, opt.Depth)
	if err != nil {
		return 0, err
	}
	if visible == nil {
		return len(p.Services), nil
	}
	return len(visible), nil
}

// eachLink calls fn for every link from a drawn service to a drawn
// service, with its kind ("hard", "soft", "start" or "tool").
func (d *dotWriter) eachLink(fn func(from, to *graph.Service, kind string)) {
	for _, s := range d.p.Services {
		if !d.shown(s.ID) {
			continue
		}
		to := func(id, kind string) {
			if t := d.p.Service(id); t != nil && d.shown(id) {
				fn(s, t, kind)
			}
		}
		for _, dep := range s.DependsOn {
			kind := "hard"
			if dep.Soft {
				kind = "soft"
			}
			if dep.Service != "" {
				to(dep.Service, kind)
			}
			for _, m := range dep.Any {
				to(m, kind)
			}
		}
		for _, n := range s.StartNeeds {
			to(n, "start")
		}
		for _, t := range s.Tooling {
			to(t, "tool")
		}
	}
}

// siteGroup is the node of one site in the collapsed diagram.
type siteGroup struct {
	site     string // "" for the services placed nowhere
	services []*graph.Service
	inside   Links // links between two services of the site
}

func siteNodeID(site string) string {
	if site == "" {
		return "site:(none)"
	}
	return "site:" + site
}

// writeCollapsed draws one node per site instead of one per service: the
// node lists how many services have their primary site there, by priority,
// and the links between its own services; one edge per ordered pair of
// sites counts, kind by kind, the links from services of one to services of
// the other, drawn in the style of the strongest kind among them (hard,
// soft, start, tool). Buildings still enclose their zones.
func (d *dotWriter) writeCollapsed() {
	groups := map[string]*siteGroup{}
	var order []string
	for _, s := range d.p.Services {
		if !d.shown(s.ID) {
			continue
		}
		site := primary(s)
		g := groups[site]
		if g == nil {
			g = &siteGroup{site: site}
			groups[site] = g
		}
		g.services = append(g.services, s)
	}
	// Sites in file order, then undeclared ones in order of appearance,
	// then the services placed nowhere.
	for _, st := range d.p.Sites {
		if groups[st.ID] != nil {
			order = append(order, st.ID)
		}
	}
	for _, s := range d.p.Services {
		if site := primary(s); site != "" && d.p.Site(site) == nil && groups[site] != nil && !slices.Contains(order, site) {
			order = append(order, site)
		}
	}
	if groups[""] != nil {
		order = append(order, "")
	}

	type pair struct{ from, to string }
	between := map[pair]*Links{}
	var pairs []pair
	d.eachLink(func(from, to *graph.Service, kind string) {
		a, b := primary(from), primary(to)
		if a == b {
			groups[a].inside.add(kind)
			return
		}
		k := pair{a, b}
		if between[k] == nil {
			between[k] = &Links{}
			pairs = append(pairs, k)
		}
		between[k].add(kind)
	})

	d.header(d.collapsedTitle())
	drawnBuilding := map[string]bool{}
	for _, site := range order {
		st := d.p.Site(site)
		if st == nil || st.Building == "" {
			d.siteNode("\t", groups[site])
			continue
		}
		if drawnBuilding[st.Building] {
			continue
		}
		drawnBuilding[st.Building] = true
		d.printf("\tsubgraph %s {\n", quote("cluster_building_"+st.Building))
		d.printf("\t\tgraph [label=<<b>%s</b><br/><font point-size=\"10\">building</font>>, style=\"rounded,dashed\", color=%s, fontsize=14];\n",
			html(st.Building), quote(siteBorder))
		for _, z := range d.p.Zones(st.Building) {
			if g := groups[z.ID]; g != nil {
				d.siteNode("\t\t", g)
			}
		}
		d.printf("\t}\n")
	}
	slices.SortStableFunc(pairs, func(a, b pair) int {
		if c := slices.Index(order, a.from) - slices.Index(order, b.from); c != 0 {
			return c
		}
		return slices.Index(order, a.to) - slices.Index(order, b.to)
	})
	for _, k := range pairs {
		l := between[k]
		d.printf("\t%s -> %s [%s, label=%s, penwidth=%s];\n", quote(siteNodeID(k.from)), quote(siteNodeID(k.to)),
			linkStyle(l.strongest()), quote(l.String()), formatWidth(l.Total()))
	}
	if !d.opt.NoLegend {
		d.legend()
	}
	d.printf("}\n")
}

// collapsedTitle says what the collapsed diagram shows and how to see more.
func (d *dotWriter) collapsedTitle() string {
	n := 0
	for _, s := range d.p.Services {
		if d.shown(s.ID) {
			n++
		}
	}
	title := d.opt.Title
	if title == "" {
		title = d.p.Name
		if d.opt.Focus != "" {
			title = fmt.Sprintf("%s: %s and its neighbours within %d hop%s", d.p.Name, d.opt.Focus, d.opt.Depth, output.Plural(d.opt.Depth))
		}
	}
	more := ""
	if n > CollapseAbove {
		more = fmt.Sprintf(" (more than %d)", CollapseAbove)
	}
	return fmt.Sprintf("%s\n%s services%s collapsed by site: every service with --full, one service's neighbourhood with --focus ID",
		title, thousands(int64(n)), more)
}

// linkStyle is the edge style of a kind of link, as in the full diagram.
func linkStyle(kind string) string {
	switch kind {
	case "soft":
		return "style=dashed"
	case "start":
		return fmt.Sprintf("style=dotted, color=%s, fontcolor=%s", quote(startColor), quote(startColor))
	case "tool":
		return fmt.Sprintf("style=dashed, color=%s, fontcolor=%s", quote(toolColor), quote(toolColor))
	}
	return "style=solid"
}

// formatWidth is the pen width of an edge standing for n links: 1 for one,
// growing with the logarithm so that a thousand links do not hide the rest.
func formatWidth(n int) string {
	return fmt.Sprintf("%.1f", 1+min(3, math.Log10(float64(n))))
}

// siteNode draws a site of the collapsed diagram as one node: its name,
// id, region and servers, its services by priority with the first few ids,
// the tools among them and the links inside it.
func (d *dotWriter) siteNode(indent string, g *siteGroup) {
	const examples = 3
	var rows []string
	row := func(size int, format string, args ...any) {
		rows = append(rows, fmt.Sprintf("<tr><td align=\"left\"><font point-size=\"%d\">%s</font></td></tr>", size, fmt.Sprintf(format, args...)))
	}
	name, detail := "no site", []string{"placed nowhere"}
	if g.site != "" {
		name = g.site
		detail = []string{g.site}
		servers := int64(0)
		if st := d.p.Site(g.site); st != nil {
			if st.Name != "" {
				name = st.Name
			}
			if st.Region != "" {
				detail = append(detail, "region "+st.Region)
			}
			servers = d.siteServers(st)
		} else {
			for _, s := range d.p.Services {
				for _, pl := range s.Placement {
					if pl.Site == g.site {
						servers += pl.Servers
					}
				}
			}
		}
		detail = append(detail, thousands(servers)+" servers")
	}
	rows = append(rows, fmt.Sprintf("<tr><td><b>%s</b></td></tr>", html(name)))
	row(9, "%s", html(strings.Join(detail, " · ")))
	replicated := 0
	for _, s := range g.services {
		if len(s.Placement) > 1 {
			replicated++
		}
	}
	line := fmt.Sprintf("<b>%s service%s</b>", thousands(int64(len(g.services))), output.Plural(len(g.services)))
	if replicated > 0 {
		line += fmt.Sprintf(" (%s also placed elsewhere)", thousands(int64(replicated)))
	}
	row(10, "%s", line)

	byPriority := map[int][]string{}
	var priorities []int
	var tools []string
	for _, s := range g.services {
		if _, ok := byPriority[s.Priority]; !ok {
			priorities = append(priorities, s.Priority)
		}
		byPriority[s.Priority] = append(byPriority[s.Priority], s.ID)
		if d.tools[s.ID] {
			tools = append(tools, s.ID)
		}
	}
	slices.Sort(priorities)
	for _, pr := range priorities {
		ids := byPriority[pr]
		shown := ids[:min(len(ids), examples)]
		more := ""
		if len(ids) > examples {
			more = ", …"
		}
		row(9, "priority %d: %s · %s%s", pr, thousands(int64(len(ids))), html(strings.Join(shown, ", ")), more)
	}
	if len(tools) > 0 {
		row(9, "<font color=%s>ops tools: %s</font>", quote(toolBorder), html(strings.Join(tools, ", ")))
	}
	if in := g.inside; in.Total() > 0 {
		row(9, "links inside: %s", strings.ReplaceAll(in.String(), "\n", " · "))
	}
	if d.opt.Focus != "" && primaryOf(d.p, d.opt.Focus) == g.site {
		row(10, "<b>focus: %s</b>", html(d.opt.Focus))
	}
	fill, border := siteFill, siteBorder
	if top, v, ok := d.hottest(g.services); ok {
		fill = HeatColor(0)
		if d.heatMax > 0 {
			fill = HeatColor(v / d.heatMax)
		}
		label := d.heatFormat(v)
		if d.opt.HeatLabel != "" {
			label = d.opt.HeatLabel + " " + label
		}
		row(10, "<b>highest %s (%s)</b>", html(label), html(top))
	}
	attrs := []string{"shape=box", "style=\"rounded,filled\"", "fillcolor=" + quote(fill), "color=" + quote(border), "margin=\"0.15,0.08\""}
	if darkFill(fill) {
		attrs = append(attrs, "fontcolor=\"white\"")
	}
	d.printf("%s%s [label=<<table border=\"0\" cellborder=\"0\" cellspacing=\"0\" cellpadding=\"1\">%s</table>>, %s];\n",
		indent, quote(siteNodeID(g.site)), strings.Join(rows, ""), strings.Join(attrs, ", "))
}

// hottest returns the service of services with the largest heat value,
// in file order on ties; ok is false when none has one.
func (d *dotWriter) hottest(services []*graph.Service) (id string, v float64, ok bool) {
	for _, s := range services {
		if h, has := d.opt.Heat[s.ID]; has && (!ok || h > v) {
			id, v, ok = s.ID, h, true
		}
	}
	return id, v, ok
}
