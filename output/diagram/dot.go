package diagram

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
)

// Options selects what DOT draws and how nodes are coloured. The zero
// value draws the whole platform with its legend.
type Options struct {
	// Focus, when not empty, is the id of a service: only the services within
	// Depth hops of it are drawn, following depends_on, start_needs and
	// tooling links in both directions (an `any` group is one hop from its
	// owner to each member). An ops tool (a service in someone's tooling)
	// other than Focus is drawn when reached but its links are not
	// followed further. Depth 0 draws Focus alone.
	Focus string
	Depth int

	// Heat colours each service by a value on a white→yellow→red scale:
	// 0 (or less) is white, HeatMax (or more) is red. Services missing from
	// Heat keep their ordinary colours. HeatMax 0 means the largest value in
	// Heat. HeatLabel names the value in node labels and in the colour scale
	// of the legend ("P(affected)"); HeatFormat formats a value (nil: two
	// decimals).
	Heat       map[string]float64
	HeatMax    float64
	HeatLabel  string
	HeatFormat func(v float64) string

	// Color, when set, is asked first for each service: ok true means use
	// fill (a Graphviz colour such as "#ffcc00") and add label as an extra
	// line of the node's label (when not empty).
	Color func(serviceID string) (fill, label string, ok bool)

	// RankDir is Graphviz's rankdir: "LR" (the default: dependents on the
	// left, what they depend on to the right) or "TB".
	RankDir string
	// Title is the graph's label; "" means the platform's name.
	Title string
	// NoLegend leaves out the legend cluster.
	NoLegend bool
	// Collapse draws one node per site instead of one per service, with
	// one edge per pair of sites and kind of link counting the links
	// between their services (see CollapseAbove). The title says so.
	Collapse bool
}

// Colours and styles shared by the diagram and its legend.
const (
	fontName      = "Helvetica"
	serviceFill   = "#dde8f5"
	serviceBorder = "#3b5b82"
	toolFill      = "#f6b26b"
	toolBorder    = "#b45f06"
	replicaFill   = "#ffffff"
	replicaBorder = "#8c8c8c"
	siteFill      = "#f6f6f2"
	siteBorder    = "#9a9a90"
	junctionFill  = "#fff2cc"
	startColor    = "#1f5fbf"
	toolColor     = "#e07b00"
	replicaColor  = "#b4b4b4"
)

// DOT writes the platform p as a Graphviz digraph in the DOT language.
//
// Sites are clusters ("cluster_" + site id) labelled with the site's name,
// id, region and servers. Each service is one node, drawn in the cluster of
// its primary site (the active-standby primary, otherwise the first placed
// site) and named by its id, so that every dependency edge starts and ends on
// that node. Each other site of its placement holds a small dashed "replica"
// node (DOT id "service@site") showing the servers there and whether it is a
// standby or an active replica, tied to the service node by a grey dashed
// line without arrows, and kept on the same rank as the service node so that
// the clusters of sites that mirror each other line up. A service's placement
// can thus be read off the clusters: the solid node is where it serves from,
// the dashed ones are its other replicas.
//
// Edges point from a service to what it needs: depends_on hard is solid
// black, soft is dashed; start_needs is dotted blue labelled "start"; tooling
// is dashed orange labelled "tool". A depends_on `any` group is a small
// diamond junction labelled "k of n" (DOT id "service#anyN", N counting the
// service's groups from 1), with one edge from the service to it and one from
// it to each member. Ops tools, the services named in anyone's tooling, are
// orange component shapes. When at least three services share the same
// start_needs or tooling set of two or more services, the set is drawn once
// as a small "bundle" box (DOT id "tooling#N" or "start_needs#N", labelled
// "tooling ×25"): each user has one arrowless edge to it, and it has one
// labelled edge to each member. On a real platform, where most services need
// the same deploy, monitoring and failover tools, this turns a hundred
// crossing edges into a fan-in that reads as "all of these need all of
// those". A legend cluster explains all of this, with the colour scale when
// Heat is set.
//
// The output depends only on p and opt: sites, services and edges come in
// file order, and every id is quoted. DOT returns an error when opt.Focus
// names no service of p, and otherwise only the errors of w.
func DOT(w io.Writer, p *graph.Platform, opt Options) error {
	visible, err := neighbourhood(p, opt.Focus, opt.Depth)
	if err != nil {
		return err
	}
	d := &dotWriter{w: bufio.NewWriter(w), p: p, opt: opt, visible: visible, tools: toolSet(p)}
	d.findBundles()
	d.heatMax = opt.HeatMax
	if d.heatMax == 0 {
		for _, v := range opt.Heat {
			d.heatMax = max(d.heatMax, v)
		}
	}
	d.write()
	return d.w.Flush()
}

// toolSet returns the ids of the services named in some service's tooling.
func toolSet(p *graph.Platform) map[string]bool {
	tools := make(map[string]bool)
	for _, s := range p.Services {
		for _, t := range s.Tooling {
			tools[t] = true
		}
	}
	return tools
}

// neighbourhood returns the set of services within depth hops of focus, in
// either direction, or nil (everything) when focus is "".
func neighbourhood(p *graph.Platform, focus string, depth int) (map[string]bool, error) {
	if focus == "" {
		return nil, nil
	}
	if p.Service(focus) == nil {
		return nil, fmt.Errorf("focus: unknown service %q", focus)
	}
	adj := make(map[string][]string)
	link := func(a, b string) {
		adj[a] = append(adj[a], b)
		adj[b] = append(adj[b], a)
	}
	for _, s := range p.Services {
		for _, d := range s.DependsOn {
			if d.Service != "" {
				link(s.ID, d.Service)
			}
			for _, m := range d.Any {
				link(s.ID, m)
			}
		}
		for _, n := range s.StartNeeds {
			link(s.ID, n)
		}
		for _, t := range s.Tooling {
			link(s.ID, t)
		}
	}
	// An ops tool reached from elsewhere is drawn but not walked through:
	// on a real platform nearly every service needs the same deploy and
	// monitoring tools, so two hops through one would reach them all.
	tools := toolSet(p)
	seen := map[string]bool{focus: true}
	frontier := []string{focus}
	for hop := 0; hop < depth && len(frontier) > 0; hop++ {
		var next []string
		for _, id := range frontier {
			for _, n := range adj[id] {
				if !seen[n] {
					seen[n] = true
					if !tools[n] {
						next = append(next, n)
					}
				}
			}
		}
		frontier = next
	}
	return seen, nil
}

type dotWriter struct {
	w       *bufio.Writer
	p       *graph.Platform
	opt     Options
	visible map[string]bool // nil: all
	tools   map[string]bool
	heatMax float64
	bundles []*bundle
	// bundleOf maps kind + "\x00" + service id to the bundle that service's
	// start_needs or tooling goes through.
	bundleOf map[string]*bundle
}

// bundle is a set of start_needs or tooling services shared by several
// services: drawn as one small node that they all point to and that points
// to each member, so that 25 services needing the same four tools draw 29
// edges, not 100.
type bundle struct {
	id      string // DOT id: "start_needs#N" or "tooling#N"
	kind    string // "start_needs" or "tooling"
	members []string
	users   []string
	site    string // the cluster to draw it in: its members' common primary site, or ""
}

// Bundling thresholds: a set is bundled when it has at least
// bundleMinMembers services and at least bundleMinUsers services use it.
const (
	bundleMinMembers = 2
	bundleMinUsers   = 3
)

// findBundles groups the visible services by their visible start_needs and
// tooling sets (order ignored) and keeps the sets worth a bundle node.
func (d *dotWriter) findBundles() {
	d.bundleOf = make(map[string]*bundle)
	for _, kind := range []string{"start_needs", "tooling"} {
		byKey := make(map[string]*bundle)
		var order []*bundle
		for _, s := range d.p.Services {
			if !d.shown(s.ID) {
				continue
			}
			list := s.StartNeeds
			if kind == "tooling" {
				list = s.Tooling
			}
			var members []string
			for _, m := range list {
				if d.shown(m) && !slices.Contains(members, m) {
					members = append(members, m)
				}
			}
			if len(members) < bundleMinMembers {
				continue
			}
			sorted := slices.Sorted(slices.Values(members))
			key := strings.Join(sorted, "\x00")
			b := byKey[key]
			if b == nil {
				b = &bundle{kind: kind, members: members}
				byKey[key] = b
				order = append(order, b)
			}
			b.users = append(b.users, s.ID)
		}
		n := 0
		for _, b := range order {
			if len(b.users) < bundleMinUsers {
				continue
			}
			n++
			b.id = fmt.Sprintf("%s#%d", kind, n)
			b.site = primaryOf(d.p, b.members[0])
			for _, m := range b.members[1:] {
				if primaryOf(d.p, m) != b.site {
					b.site = ""
				}
			}
			d.bundles = append(d.bundles, b)
			for _, u := range b.users {
				d.bundleOf[kind+"\x00"+u] = b
			}
		}
	}
}

// primaryOf returns the primary site of service id, or "".
func primaryOf(p *graph.Platform, id string) string {
	if s := p.Service(id); s != nil {
		return primary(s)
	}
	return ""
}

func (d *dotWriter) bundleNode(indent string, b *bundle) {
	color, fill := toolColor, "#fde9d4"
	if b.kind == "start_needs" {
		color, fill = startColor, "#dbe6f7"
	}
	d.printf("%s%s [label=%s, shape=box, style=\"rounded,filled\", fillcolor=%s, color=%s, fontcolor=%s, fontsize=8, width=0, height=0, margin=\"0.05,0.02\"];\n",
		indent, quote(b.id), quote(fmt.Sprintf("%s ×%d", b.kind, len(b.users))), quote(fill), quote(color), quote(color))
}

func (d *dotWriter) printf(format string, args ...any) { fmt.Fprintf(d.w, format, args...) }

func (d *dotWriter) shown(id string) bool { return d.visible == nil || d.visible[id] }

// primary returns the site a service's node is drawn in, or "".
func primary(s *graph.Service) string {
	if s.Redundancy.Mode == graph.ActiveStandby && s.Redundancy.Primary != "" {
		return s.Redundancy.Primary
	}
	if len(s.Placement) > 0 {
		return s.Placement[0].Site
	}
	return ""
}

func (d *dotWriter) rankdir() string {
	if d.opt.RankDir == "" {
		return "LR"
	}
	return d.opt.RankDir
}

// header opens the digraph and sets the graph, node and edge defaults.
func (d *dotWriter) header(title string) {
	d.printf("digraph %s {\n", quote(d.p.Name))
	d.printf("\tgraph [rankdir=%s, newrank=true, compound=true, fontname=%s, fontsize=16, labelloc=t, label=%s,\n",
		quote(d.rankdir()), quote(fontName), quote(title))
	d.printf("\t\tnodesep=0.25, ranksep=0.6, pad=0.2, bgcolor=\"white\"];\n")
	d.printf("\tnode [fontname=%s, fontsize=11, shape=box, style=\"rounded,filled\", fillcolor=%s, color=%s, margin=\"0.12,0.05\"];\n",
		quote(fontName), quote(serviceFill), quote(serviceBorder))
	d.printf("\tedge [fontname=%s, fontsize=9, color=\"black\", arrowsize=0.7];\n", quote(fontName))
}

func (d *dotWriter) write() {
	if d.opt.Collapse {
		d.writeCollapsed()
		return
	}
	title := d.opt.Title
	if title == "" {
		title = d.p.Name
		if d.opt.Focus != "" {
			title = fmt.Sprintf("%s: %s and its neighbours within %d hop%s", d.p.Name, d.opt.Focus, d.opt.Depth, output.Plural(d.opt.Depth))
		}
	}
	d.header(title)

	// Clusters: the platform's sites in file order, then any site a
	// placement names that the platform does not declare.
	sites := make([]string, 0, len(d.p.Sites))
	for _, s := range d.p.Sites {
		sites = append(sites, s.ID)
	}
	for _, s := range d.p.Services {
		for _, pl := range s.Placement {
			if d.p.Site(pl.Site) == nil && !slices.Contains(sites, pl.Site) {
				sites = append(sites, pl.Site)
			}
		}
	}
	var unplaced []*graph.Service
	for _, s := range d.p.Services {
		if d.shown(s.ID) && primary(s) == "" {
			unplaced = append(unplaced, s)
		}
	}
	drawn := map[string]bool{}
	for _, site := range sites {
		st := d.p.Site(site)
		if st == nil || st.Building == "" {
			d.cluster("\t", site)
			continue
		}
		if !drawn[st.Building] {
			drawn[st.Building] = true
			d.building(st.Building)
		}
	}
	for _, s := range unplaced {
		d.serviceNode("\t", s)
	}
	for _, b := range d.bundles {
		if b.site == "" {
			d.bundleNode("\t", b)
		}
	}

	// Replica ties, then the dependency edges.
	for _, s := range d.p.Services {
		if !d.shown(s.ID) {
			continue
		}
		for _, pl := range s.Placement {
			if pl.Site == primary(s) {
				continue
			}
			// The tie does not constrain ranks, so each site's replicas
			// stack in a tidy column of their cluster. Not a {rank=same}
			// group: with newrank=true such a group across clusters makes
			// Graphviz lose edges ("lost a a@b edge") and exit 1, or,
			// embedded, drop the edge silently; nor a flat edge (minlen=0),
			// which does the same (TestEveryEdgeRendered).
			d.printf("\t%s -> %s [dir=none, style=dashed, color=%s, constraint=false];\n", quote(s.ID), quote(s.ID+"@"+pl.Site), quote(replicaColor))
		}
	}
	for _, s := range d.p.Services {
		if d.shown(s.ID) {
			d.edges(s)
		}
	}
	for _, b := range d.bundles {
		for _, m := range b.members {
			d.link(quote(b.id), m, b.kind, true)
		}
	}
	if !d.opt.NoLegend {
		d.legend()
	}
	d.printf("}\n")
}

// building draws a building as a cluster around the clusters of its zones,
// in file order ("cluster_building_" + id, so that it cannot clash with a
// site's). A building none of whose zones has anything to show is left out,
// as an empty site is.
func (d *dotWriter) building(id string) {
	zones := d.p.Zones(id)
	var b strings.Builder
	saved := d.w
	d.w = bufio.NewWriter(&b)
	for _, z := range zones {
		d.cluster("\t\t", z.ID)
	}
	d.w.Flush()
	d.w = saved
	if b.Len() == 0 {
		return
	}
	var servers int64
	for _, z := range zones {
		servers += d.siteServers(z)
	}
	detail := []string{"building " + id}
	if zones[0].Region != "" {
		detail = append(detail, "region "+zones[0].Region)
	}
	detail = append(detail, fmt.Sprintf("%d zone%s", len(zones), output.Plural(len(zones))), thousands(servers)+" servers")
	d.printf("\tsubgraph %s {\n", quote("cluster_building_"+id))
	d.printf("\t\tgraph [label=<<b>%s</b><br/><font point-size=\"10\">%s</font>>, style=\"rounded,dashed\", color=%s, fontsize=14];\n",
		html(id), html(strings.Join(detail, " · ")), quote(siteBorder))
	d.printf("%s", b.String())
	d.printf("\t}\n")
}

// siteServers is the servers of a site as its cluster shows them: those
// declared, else the sum placed there.
func (d *dotWriter) siteServers(st *graph.Site) int64 {
	if st.Servers > 0 {
		return st.Servers
	}
	var placed int64
	for _, s := range d.p.Services {
		for _, pl := range s.Placement {
			if pl.Site == st.ID {
				placed += pl.Servers
			}
		}
	}
	return placed
}

func (d *dotWriter) cluster(indent, site string) {
	var members []*graph.Service
	var replicas []string
	for _, s := range d.p.Services {
		if !d.shown(s.ID) {
			continue
		}
		if primary(s) == site {
			members = append(members, s)
		}
		for _, pl := range s.Placement {
			if pl.Site == site && pl.Site != primary(s) {
				replicas = append(replicas, s.ID)
			}
		}
	}
	if len(members)+len(replicas) == 0 && d.visible != nil {
		return
	}
	var placed int64
	for _, s := range d.p.Services {
		for _, pl := range s.Placement {
			if pl.Site == site {
				placed += pl.Servers
			}
		}
	}
	name, region, servers := site, "", placed
	if st := d.p.Site(site); st != nil {
		if st.Name != "" {
			name = st.Name
		}
		region = st.Region
		if st.Servers > 0 {
			servers = st.Servers
		}
	}
	detail := []string{site}
	if region != "" {
		detail = append(detail, "region "+region)
	}
	detail = append(detail, thousands(servers)+" servers")
	in := indent + "\t"
	d.printf("%ssubgraph %s {\n", indent, quote("cluster_"+site))
	d.printf("%sgraph [label=<<b>%s</b><br/><font point-size=\"10\">%s</font>>, style=\"rounded,filled\", fillcolor=%s, color=%s, fontsize=13];\n", in,
		html(name), html(strings.Join(detail, " · ")), quote(siteFill), quote(siteBorder))
	for _, s := range members {
		d.serviceNode(in, s)
	}
	for _, s := range d.p.Services {
		if !d.shown(s.ID) {
			continue
		}
		for _, pl := range s.Placement {
			if pl.Site == site && pl.Site != primary(s) {
				d.replicaNode(in, s, pl)
			}
		}
	}
	// The `any` junctions of the cluster's services sit beside them, and
	// the bundles of start_needs and tooling sets beside their members.
	for _, s := range members {
		d.junctions(in, s)
	}
	for _, b := range d.bundles {
		if b.site == site {
			d.bundleNode(in, b)
		}
	}
	d.printf("%s}\n", indent)
}

func (d *dotWriter) serviceNode(indent string, s *graph.Service) {
	var lines []string
	if s.Name != "" && s.Name != s.ID {
		lines = append(lines, html(s.Name))
	}
	var here int64
	var total int64
	for _, pl := range s.Placement {
		total += pl.Servers
		if pl.Site == primary(s) {
			here = pl.Servers
		}
	}
	mode := s.Redundancy.Mode.String()
	if len(s.Placement) > 1 {
		lines = append(lines, fmt.Sprintf("%s · %s of %s servers", mode, thousands(here), thousands(total)))
	} else {
		lines = append(lines, fmt.Sprintf("%s · %s servers", mode, thousands(total)))
	}
	attrs := []string{}
	fill, border := serviceFill, serviceBorder
	if d.tools[s.ID] {
		fill, border = toolFill, toolBorder
		attrs = append(attrs, "shape=component", "style=filled", "penwidth=1.5")
	}
	fontColor := ""
	if c, extra, ok := d.color(s.ID); ok {
		fill = c
		if extra != "" {
			lines = append(lines, "<b>"+html(extra)+"</b>")
		}
		if d.tools[s.ID] {
			attrs = append(attrs, "penwidth=3") // keep tools orange-edged on any fill
		}
		if darkFill(c) {
			fontColor = "white"
		}
	}
	if s.ID == d.opt.Focus {
		attrs = append(attrs, "penwidth=3.5")
	}
	label := "<b>" + html(s.ID) + "</b>"
	for _, l := range lines {
		label += "<br/><font point-size=\"9\">" + l + "</font>"
	}
	attrs = append(attrs, "fillcolor="+quote(fill), "color="+quote(border))
	if fontColor != "" {
		attrs = append(attrs, "fontcolor="+quote(fontColor))
	}
	d.printf("%s%s [label=<%s>, %s];\n", indent, quote(s.ID), label, strings.Join(dedupAttrs(attrs), ", "))
}

// dedupAttrs keeps the last value of each attribute, in first-seen order.
func dedupAttrs(attrs []string) []string {
	var keys []string
	val := make(map[string]string)
	for _, a := range attrs {
		k, _, _ := strings.Cut(a, "=")
		if _, ok := val[k]; !ok {
			keys = append(keys, k)
		}
		val[k] = a
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = val[k]
	}
	return out
}

// color returns the fill and extra label of a service from opt.Color or
// opt.Heat.
func (d *dotWriter) color(id string) (fill, label string, ok bool) {
	if d.opt.Color != nil {
		if fill, label, ok := d.opt.Color(id); ok {
			return fill, label, true
		}
	}
	v, ok := d.opt.Heat[id]
	if !ok {
		return "", "", false
	}
	label = d.heatFormat(v)
	if d.opt.HeatLabel != "" {
		label = d.opt.HeatLabel + " " + label
	}
	t := 0.0
	if d.heatMax > 0 {
		t = v / d.heatMax
	}
	return HeatColor(t), label, true
}

func (d *dotWriter) heatFormat(v float64) string {
	if d.opt.HeatFormat != nil {
		return d.opt.HeatFormat(v)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func (d *dotWriter) replicaNode(indent string, s *graph.Service, pl graph.Placement) {
	role := "replica"
	switch s.Redundancy.Mode {
	case graph.ActiveStandby:
		role = "standby"
	case graph.ActiveActive:
		role = "active"
	}
	label := fmt.Sprintf("%s<br/><font point-size=\"8\">%s · %s servers</font>", html(s.ID), role, thousands(pl.Servers))
	d.printf("%s%s [label=<%s>, fontsize=9, style=\"rounded,dashed,filled\", fillcolor=%s, color=%s, fontcolor=\"#555555\", margin=\"0.06,0.02\"];\n",
		indent, quote(s.ID+"@"+pl.Site), label, quote(replicaFill), quote(replicaBorder))
}

func (d *dotWriter) junctions(indent string, s *graph.Service) {
	n := 0
	for _, dep := range s.DependsOn {
		if len(dep.Any) == 0 {
			continue
		}
		n++
		need := max(dep.Need, 1)
		d.printf("%s%s [label=%s, shape=diamond, style=filled, fillcolor=%s, color=\"black\", fontsize=8, width=0.3, height=0.3, margin=0];\n",
			indent, quote(fmt.Sprintf("%s#any%d", s.ID, n)), quote(fmt.Sprintf("%d of %d", need, len(dep.Any))), quote(junctionFill))
	}
}

func (d *dotWriter) edges(s *graph.Service) {
	from := quote(s.ID)
	n := 0
	for _, dep := range s.DependsOn {
		style := "solid"
		if dep.Soft {
			style = "dashed"
		}
		if len(dep.Any) > 0 {
			n++
			j := quote(fmt.Sprintf("%s#any%d", s.ID, n))
			d.printf("\t%s -> %s [style=%s];\n", from, j, style)
			for _, m := range dep.Any {
				if d.shown(m) {
					d.printf("\t%s -> %s [style=%s];\n", j, quote(m), style)
				}
			}
			continue
		}
		if d.shown(dep.Service) {
			d.printf("\t%s -> %s [style=%s];\n", from, quote(dep.Service), style)
		}
	}
	for _, kind := range []string{"start_needs", "tooling"} {
		if b := d.bundleOf[kind+"\x00"+s.ID]; b != nil {
			d.link(from, b.id, kind, false)
			continue
		}
		list := s.StartNeeds
		if kind == "tooling" {
			list = s.Tooling
		}
		for _, t := range list {
			if d.shown(t) {
				d.link(from, t, kind, true)
			}
		}
	}
}

// link writes a start_needs or tooling edge from the DOT id from (quoted) to
// the node to (unquoted); labelled says whether it carries "start"/"tool"
// and an arrowhead (the edges into a bundle node have neither).
func (d *dotWriter) link(from, to, kind string, labelled bool) {
	attrs := fmt.Sprintf("style=dotted, color=%s, fontcolor=%s, penwidth=1.3", quote(startColor), quote(startColor))
	label := "start"
	if kind == "tooling" {
		attrs = fmt.Sprintf("style=dashed, color=%s, fontcolor=%s", quote(toolColor), quote(toolColor))
		label = "tool"
	}
	if labelled {
		attrs += ", label=" + quote(label)
	} else {
		attrs += ", arrowhead=none"
	}
	d.printf("\t%s -> %s [%s];\n", from, quote(to), attrs)
}

func (d *dotWriter) legend() {
	// The legend is a grid: each row is an edge sample (a text node, an
	// arrow, a point) followed by a node sample, tied by an invisible edge,
	// so that it stays compact whatever the rank direction.
	type row struct{ key, text, attrs, node string }
	rows := []row{
		{"hard", "depends_on", "style=solid",
			`"legend:service" [label=<<b>service</b><br/><font point-size="8">in its primary site</font>>]`},
		{"soft", "depends_on (soft)", "style=dashed",
			fmt.Sprintf(`"legend:tool" [label=<<b>ops tool</b><br/><font point-size="8">in someone's tooling</font>>, shape=component, style=filled, fillcolor=%s, color=%s, penwidth=1.5]`, quote(toolFill), quote(toolBorder))},
		{"start", "start_needs", fmt.Sprintf("style=dotted, color=%s, fontcolor=%s, label=\"start\", penwidth=1.3", quote(startColor), quote(startColor)),
			fmt.Sprintf(`"legend:replica" [label=<replica<br/><font point-size="8">on another site</font>>, style="rounded,dashed,filled", fillcolor=%s, color=%s, fontcolor="#555555"]`, quote(replicaFill), quote(replicaBorder))},
		{"tool", "tooling", fmt.Sprintf("style=dashed, color=%s, fontcolor=%s, label=\"tool\"", quote(toolColor), quote(toolColor)),
			fmt.Sprintf(`"legend:any" [label=<k of n<br/><font point-size="7">any group</font>>, shape=diamond, style=filled, fillcolor=%s, color="black", fontsize=8, width=0.3, height=0.3, margin=0]`, quote(junctionFill))},
		{"replica", "same service", fmt.Sprintf("dir=none, style=dashed, color=%s", quote(replicaColor)),
			fmt.Sprintf(`"legend:bundle" [label=<tooling ×n<br/><font point-size="7">n services share these tools</font>>, shape=box, style="rounded,filled", fillcolor="#fde9d4", color=%s, fontcolor=%s, fontsize=8, width=0, height=0, margin="0.05,0.02"]`, quote(toolColor), quote(toolColor))},
	}
	if d.opt.Collapse {
		// A collapsed diagram has site nodes and counted edges only.
		for i := range rows {
			rows[i].node = ""
		}
		rows = rows[:4]
		rows[0].node = `"legend:site" [label=<<b>site</b><br/><font point-size="8">its services by priority</font>>, style="rounded,filled", fillcolor=` + quote(siteFill) + `, color=` + quote(siteBorder) + `]`
		rows[1].node = `"legend:count" [label=<an edge counts the links<br/>from one site's services<br/>to another's, kind by kind,<br/>in the style of the first kind>, shape=plaintext, style=""]`
	}
	if len(d.opt.Heat) > 0 {
		rows = append(rows, row{key: "heat", node: fmt.Sprintf(`"legend:heat" [shape=plaintext, style="", label=<%s>]`, d.heatScale())})
	}
	if d.rankdir() == "LR" {
		// Rank direction LR puts the first node of a rank at the bottom.
		slices.Reverse(rows)
	}
	d.printf("\tsubgraph \"cluster_legend\" {\n")
	d.printf("\t\tgraph [label=<<b>Legend</b>>, style=\"rounded\", color=\"#bbbbbb\", fontsize=12];\n")
	d.printf("\t\tnode [fontsize=9];\n")
	for _, r := range rows {
		if r.text == "" {
			d.printf("\t\t%s;\n", r.node)
			continue
		}
		a, b := quote("legend:"+r.key+":from"), quote("legend:"+r.key+":to")
		d.printf("\t\t%s [label=%s, shape=plaintext, style=\"\", fontsize=9];\n", a, quote(r.text))
		d.printf("\t\t%s [label=\"\", shape=point, width=0.05, color=\"black\"];\n", b)
		d.printf("\t\t%s -> %s [%s];\n", a, b, r.attrs)
		if r.node != "" {
			d.printf("\t\t%s;\n", r.node)
			id, _, _ := strings.Cut(r.node, " ")
			d.printf("\t\t%s -> %s [style=invis, minlen=1];\n", b, id)
		}
	}
	d.printf("\t}\n")
}

// heatScale is an HTML-like table showing the colour scale with five ticks.
func (d *dotWriter) heatScale() string {
	const ticks = 5
	var b strings.Builder
	title := d.opt.HeatLabel
	if title == "" {
		title = "value"
	}
	fmt.Fprintf(&b, "<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\"><tr><td colspan=\"%d\" border=\"0\"><font point-size=\"9\">%s</font></td></tr><tr>", ticks, html(title))
	for i := range ticks {
		t := float64(i) / (ticks - 1)
		color := ""
		if darkFill(HeatColor(t)) {
			color = " color=\"white\""
		}
		fmt.Fprintf(&b, "<td bgcolor=\"%s\" width=\"36\"><font point-size=\"8\"%s>%s</font></td>", HeatColor(t), color, html(d.heatFormat(t*d.heatMax)))
	}
	b.WriteString("</tr></table>")
	return b.String()
}

// HeatColor maps t in [0, 1] to a colour on the white→yellow→red scale, as
// "#rrggbb"; t outside [0, 1] (or NaN) is clamped (NaN is white).
func HeatColor(t float64) string {
	if math.IsNaN(t) || t < 0 {
		t = 0
	}
	t = min(t, 1)
	type rgb struct{ r, g, b float64 }
	white, yellow, red := rgb{255, 255, 255}, rgb{255, 215, 0}, rgb{215, 25, 28}
	lerp := func(a, b rgb, u float64) rgb {
		return rgb{a.r + (b.r-a.r)*u, a.g + (b.g-a.g)*u, a.b + (b.b-a.b)*u}
	}
	var c rgb
	if t <= 0.5 {
		c = lerp(white, yellow, t/0.5)
	} else {
		c = lerp(yellow, red, (t-0.5)/0.5)
	}
	return fmt.Sprintf("#%02x%02x%02x", int(math.Round(c.r)), int(math.Round(c.g)), int(math.Round(c.b)))
}

// darkFill reports whether black text on the "#rrggbb" colour c would be
// hard to read.
func darkFill(c string) bool {
	if len(c) != 7 || c[0] != '#' {
		return false
	}
	v, err := strconv.ParseUint(c[1:], 16, 32)
	if err != nil {
		return false
	}
	r, g, b := float64(v>>16&0xff), float64(v>>8&0xff), float64(v&0xff)
	// Relative luminance, ITU-R BT.601 weights.
	return 0.299*r+0.587*g+0.114*b < 110
}

// quote returns s as a DOT double-quoted string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// html escapes s for an HTML-like label.
func html(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", "<br/>").Replace(s)
}

// thousands formats n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
