package diagram

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

// bundleMin is the number of services with one cause from which the cascade
// diagram lists them in one table node instead of one node each.
const bundleMin = 3

// Colours of the cascade diagram.
const (
	rootFill   = "#f4cccc"
	rootBorder = "#990000"
	rootEdge   = "#990000"
)

// cascadeTrace is the traced trial whose cascade is drawn.
type cascadeTrace struct{ *output.TraceReport }

// cascadeNode is a root event or a service that went down.
type cascadeNode struct {
	id       string // DOT node id
	root     bool
	label    string // root: the label; service: unused
	service  int32  // service index, -1 for a root
	parent   int    // index of the node of its first cause, -1 for a root or an unknown cause
	start    bool   // the cause is a start need the service waits for
	delay    int64  // down time − the cause's down or start time
	children []int
	bundle   int // index of the bundle that lists it, -1 if drawn alone
}

// Cascade writes the cascade of tr's trial as a Graphviz digraph: root
// events (power cuts, random failures, isolations, faults, overload) as red
// boxes, services that went down as nodes filled by their downtime
// (white→yellow→red up to the trial's longest), and an edge from each
// service's first cause to it labelled with the delay between the two
// outages. A dependency cause is an edge from that dependency; a start need
// the service waited for is a dashed blue "start" edge. Services never down
// are left out. When bundleMin or more services share a cause they are one
// table node, a row each (with the delay and downtime), and the edges of
// their own dependents leave from their row.
func Cascade(w io.Writer, tr *output.TraceReport) error {
	r := cascadeTrace{tr}
	bw := bufio.NewWriter(w)
	c := r.C
	nodes, bundles := r.cascade()
	maxDown := int64(1)
	for _, ts := range r.Services {
		maxDown = max(maxDown, ts.Downtime)
	}
	heat := func(s int32) string { return HeatColor(float64(r.Services[s].Downtime) / float64(maxDown)) }
	ref := func(n *cascadeNode) string {
		if n.bundle >= 0 {
			return fmt.Sprintf("%s:%s:e", quote(fmt.Sprintf("bundle#%d", n.bundle+1)), quote(c.Services[n.service].ID))
		}
		return quote(n.id)
	}

	title := fmt.Sprintf("%s · trial %d (seed %d)", r.Scenario, r.Trial, r.Seed)
	if r.SelectedBy != "" {
		title += fmt.Sprintf(", the %s of %s", r.SelectedBy, output.Count(float64(r.Trials)))
	}
	recovery := "full recovery " + graph.FormatDuration(r.FullRecovery)
	if r.Start > 0 {
		recovery += " after the first outage at " + output.TimeLabel(r.Start)
	}
	if r.Unrecovered {
		recovery = "not recovered by " + graph.FormatDuration(c.Horizon)
	}
	title += fmt.Sprintf("\nuser-hours lost (summed over services) %s · %s", output.Count(float64(r.UserMilliHours)/1000), recovery)

	fmt.Fprintf(bw, "digraph %s {\n", quote("trace "+r.Scenario))
	fmt.Fprintf(bw, "  graph [rankdir=LR, fontname=%q, fontsize=12, label=%s, labelloc=t, labeljust=l, pad=0.3, nodesep=0.25, ranksep=0.6];\n",
		fontName, quote(title))
	fmt.Fprintf(bw, "  node [fontname=%q, fontsize=11, shape=box, style=\"rounded,filled\", color=%q, fillcolor=%q];\n",
		fontName, serviceBorder, serviceFill)
	fmt.Fprintf(bw, "  edge [fontname=%q, fontsize=10, color=\"#404040\", fontcolor=\"#404040\"];\n", fontName)

	if len(nodes) == 0 {
		fmt.Fprintf(bw, "  none [shape=plaintext, style=\"\", label=\"no service went down in this trial\"];\n}\n")
		return bw.Flush()
	}
	// Nodes: roots, then services drawn alone, then bundles.
	for i := range nodes {
		n := &nodes[i]
		switch {
		case n.root:
			fmt.Fprintf(bw, "  %s [label=%s, style=filled, fillcolor=%q, color=%q, penwidth=1.5];\n",
				quote(n.id), quote(n.label), rootFill, rootBorder)
		case n.bundle < 0:
			fill := heat(n.service)
			font := ""
			if darkFill(fill) {
				font = ", fontcolor=white"
			}
			fmt.Fprintf(bw, "  %s [label=%s, fillcolor=%q, margin=\"0.15,0.06\"%s];\n", quote(n.id), quote(r.serviceLabel(n.service)), fill, font)
		}
	}
	for b, members := range bundles {
		fmt.Fprintf(bw, "  %s [shape=plaintext, style=\"\", margin=0, label=<%s>];\n",
			quote(fmt.Sprintf("bundle#%d", b+1)), r.bundleTable(nodes, members, heat))
	}
	// Edges: one per service drawn alone, one per bundle.
	for i := range nodes {
		n := &nodes[i]
		if n.root || n.parent < 0 || n.bundle >= 0 {
			continue
		}
		fmt.Fprintf(bw, "  %s -> %s [%s];\n", ref(&nodes[n.parent]), quote(n.id), edgeAttrs(&nodes[n.parent], n, output.TimeLabel(n.delay)))
	}
	for b, members := range bundles {
		first := &nodes[members[0]]
		label := ""
		same := true
		for _, m := range members {
			same = same && nodes[m].delay == first.delay
		}
		if same {
			label = output.TimeLabel(first.delay)
		}
		fmt.Fprintf(bw, "  %s -> %s [%s];\n", ref(&nodes[first.parent]), quote(fmt.Sprintf("bundle#%d", b+1)),
			edgeAttrs(&nodes[first.parent], first, label))
	}
	fmt.Fprintln(bw, "}")
	return bw.Flush()
}

func edgeAttrs(parent, child *cascadeNode, label string) string {
	attrs := []string{"label=" + quote(label)}
	switch {
	case parent.root:
		attrs = append(attrs, fmt.Sprintf("color=%q, fontcolor=%q, penwidth=1.5", rootEdge, rootEdge))
	case child.start:
		attrs = append(attrs, fmt.Sprintf("style=dashed, color=%q, fontcolor=%q", startColor, startColor))
		attrs[0] = "label=" + quote(strings.TrimSpace("start "+label))
	}
	return strings.Join(attrs, ", ")
}

// bundleTable is the HTML-like label of a bundle: a row per service with
// its downtime and what ended its outage, and the delay from the shared
// cause when it differs between rows. The last cell of each row is the
// service's port, where the edges to its dependents start.
func (r cascadeTrace) bundleTable(nodes []cascadeNode, members []int, heat func(int32) string) string {
	delays := false
	for _, m := range members {
		delays = delays || nodes[m].delay != nodes[members[0]].delay
	}
	cols := 3
	if delays {
		cols++
	}
	var sb strings.Builder
	// Slack after each text: viewers without Helvetica or Arial fall back
	// to wider fonts than Graphviz measured.
	const slack = "&#160;&#160;"
	sb.WriteString(`<table border="0" cellborder="1" cellspacing="0" cellpadding="4">`)
	fmt.Fprintf(&sb, `<tr><td bgcolor="#e8e8e8" colspan="%d"><b>%d services down</b></td></tr>`, cols, len(members))
	sb.WriteString(`<tr><td align="left"><i>service</i></td>`)
	if delays {
		sb.WriteString(`<td><i>after</i></td>`)
	}
	sb.WriteString(`<td><i>down</i></td><td align="left"><i>until</i></td></tr>`)
	for _, m := range members {
		n := &nodes[m]
		ts := &r.Services[n.service]
		fill := heat(n.service)
		font := ""
		if darkFill(fill) {
			font = ` color="white"`
		}
		down := graph.FormatDuration(ts.Downtime)
		if ts.Outages > 1 {
			down += fmt.Sprintf(" (%d×)", ts.Outages)
		}
		until := ts.EndedBy
		if ts.DownAtEnd {
			until = "still down"
		}
		fmt.Fprintf(&sb, `<tr><td align="left" bgcolor="%s"><font%s>%s%s</font></td>`, fill, font, html(ts.ID), slack)
		if delays {
			fmt.Fprintf(&sb, `<td>%s</td>`, html(output.TimeLabel(n.delay)))
		}
		fmt.Fprintf(&sb, `<td bgcolor="%s"><font%s>%s%s</font></td><td align="left" port="%s">%s%s</td></tr>`,
			fill, font, html(down), slack, html(ts.ID), html(until), slack)
	}
	sb.WriteString(`</table>`)
	return sb.String()
}

// serviceLabel is a service node's label: id, downtime, outages.
func (r cascadeTrace) serviceLabel(s int32) string {
	ts := &r.Services[s]
	label := ts.ID + "\ndown " + graph.FormatDuration(ts.Downtime)
	if ts.Outages > 1 {
		label += fmt.Sprintf(" in %d outages", ts.Outages)
	}
	switch {
	case ts.DownAtEnd:
		label += "\nstill down at " + graph.FormatDuration(r.C.Horizon)
	case ts.EndedBy != "":
		label += "\nuntil " + ts.EndedBy
	}
	return label
}

// cascade builds the nodes of the diagram, services in order of first
// outage, and the bundles: lists of node indexes sharing a cause.
func (r cascadeTrace) cascade() (nodes []cascadeNode, bundles [][]int) {
	c := r.C
	var order []int32
	for s := range r.Services {
		if r.Services[s].FirstDown >= 0 {
			order = append(order, int32(s))
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return r.Services[order[i]].FirstDown < r.Services[order[j]].FirstDown })
	svcNode := make(map[int32]int, len(order))
	for _, s := range order {
		svcNode[s] = len(nodes)
		nodes = append(nodes, cascadeNode{id: c.Services[s].ID, service: s, parent: -1, bundle: -1})
	}
	roots := map[string]int{}
	root := func(key, label string) int {
		if i, ok := roots[key]; ok {
			return i
		}
		roots[key] = len(nodes)
		nodes = append(nodes, cascadeNode{id: "root#" + key, root: true, label: label, service: -1, parent: -1, bundle: -1})
		return roots[key]
	}
	// lastBefore returns the latest time ≤ t at which record kind k matched.
	lastBefore := func(t int64, match func(rec *sim.Record) bool) (int64, bool) {
		found, at := false, int64(0)
		for i := range r.Records {
			rec := &r.Records[i]
			if rec.T > t {
				break
			}
			if match(rec) {
				found, at = true, rec.T
			}
		}
		return at, found
	}
	downBefore := func(s int32, t int64) int64 {
		at := int64(0)
		for _, sp := range r.Services[s].Down {
			if sp.From <= t {
				at = sp.From
			}
		}
		return at
	}
	for _, s := range order {
		n := svcNode[s]
		ts := &r.Services[s]
		t := ts.FirstDown
		kind, arg := sim.SplitCause(ts.FirstCause)
		parent, since := -1, t
		switch kind {
		case sim.CauseDependency, sim.CauseWaiting:
			if p, ok := svcNode[arg]; ok {
				parent, since = p, downBefore(arg, t)
				nodes[n].start = kind == sim.CauseWaiting
			}
		case sim.CauseSite:
			at, ok := lastBefore(t, func(rec *sim.Record) bool {
				return rec.Kind == sim.RecPower && rec.Site == arg && rec.Value == 0
			})
			if ok {
				since = at
			}
			label := c.Sites[arg].ID + " loses power"
			if l := r.labelAt(sim.RecPower, since, arg); l != "" {
				label += "\n(" + l + ")"
			}
			parent = root(fmt.Sprintf("site-%s-%d", c.Sites[arg].ID, since), label+"\nat "+output.TimeLabel(since))
		case sim.CauseFailure:
			at, ok := lastBefore(t, func(rec *sim.Record) bool {
				return rec.Kind == sim.RecSiteFail && rec.Site == arg ||
					rec.Kind == sim.RecFail && c.Replicas[rec.Replica].Site == arg && c.Replicas[rec.Replica].Service == s
			})
			if ok {
				since = at
			}
			parent = root(fmt.Sprintf("failure-%s-%d", c.Sites[arg].ID, since),
				"random failure at "+c.Sites[arg].ID+"\nat "+output.TimeLabel(since))
		case sim.CauseIsolated:
			at, ok := lastBefore(t, func(rec *sim.Record) bool {
				return rec.Kind == sim.RecIsolate && rec.Site == arg && rec.Value > 0
			})
			if ok {
				since = at
			}
			label := c.Sites[arg].ID + " isolated"
			if l := r.labelAt(sim.RecIsolate, since, arg); l != "" {
				label += "\n(" + l + ")"
			}
			parent = root(fmt.Sprintf("isolated-%s-%d", c.Sites[arg].ID, since), label+"\nat "+output.TimeLabel(since))
		case sim.CauseFault:
			at, ok := lastBefore(t, func(rec *sim.Record) bool {
				return rec.Kind == sim.RecFault && rec.Service == s && rec.Value > 0
			})
			if ok {
				since = at
			}
			parent = root(fmt.Sprintf("fault-%d", since), r.faultLabel(since))
		case sim.CauseOverload:
			parent = root("overload-"+c.Services[s].ID, "overload\n(too little capacity)\nat "+output.TimeLabel(t))
		}
		nodes[n].parent, nodes[n].delay = parent, t-since
		if parent >= 0 {
			nodes[parent].children = append(nodes[parent].children, n)
		}
	}
	// Bundle the services of a cause shared by bundleMin or more, one bundle
	// per kind of edge.
	for p := range nodes {
		var plain, start []int
		for _, ch := range nodes[p].children {
			if nodes[ch].start {
				start = append(start, ch)
			} else {
				plain = append(plain, ch)
			}
		}
		for _, group := range [][]int{plain, start} {
			if len(group) < bundleMin {
				continue
			}
			sort.SliceStable(group, func(i, j int) bool {
				a, b := &nodes[group[i]], &nodes[group[j]]
				if a.delay != b.delay {
					return a.delay < b.delay
				}
				da, db := r.Services[a.service].Downtime, r.Services[b.service].Downtime
				if da != db {
					return da > db
				}
				return a.id < b.id
			})
			for _, ch := range group {
				nodes[ch].bundle = len(bundles)
			}
			bundles = append(bundles, group)
		}
	}
	return nodes, bundles
}

// labelAt returns the event labels of the power cuts (kind RecPower) or
// isolations (RecIsolate) of site x at time t, comma-separated: two events
// can cut one site at once.
func (r cascadeTrace) labelAt(kind sim.RecordKind, t int64, x int32) string {
	var labels []string
	for i := range r.Records {
		rec := &r.Records[i]
		if rec.T == t && rec.Kind == kind && rec.Site == x {
			if l := r.Label(i); l != "" && !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
		}
	}
	return strings.Join(labels, ", ")
}

// faultLabel names the services whose fault began at t, with the labels
// of the events behind them.
func (r cascadeTrace) faultLabel(t int64) string {
	var names, labels []string
	for i := range r.Records {
		rec := &r.Records[i]
		if rec.T == t && rec.Kind == sim.RecFault && rec.Value > 0 {
			names = append(names, r.C.Services[rec.Service].ID)
			if l := r.Label(i); l != "" && !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
		}
	}
	out := "fault in " + strings.Join(names, ", ")
	if len(labels) > 0 {
		out += "\n(" + strings.Join(labels, ", ") + ")"
	}
	return out + "\nat " + output.TimeLabel(t)
}
