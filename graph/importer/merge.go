package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/dominosim/domino/graph"
)

// Merge writes the platform file data (already loaded as p) with g merged
// in, and returns what changed, one line each. Services of p keep every
// field and gain in depends_on the edges g has and they lack; services and
// sites that p does not have are added; nothing is removed. When the file
// has no scenarios, the site-fire scenario is added.
//
// The file is edited as text at positions taken from its YAML syntax tree,
// so its comments, order and layout survive. Lists may be in block or flow
// style; a file whose services or sites are not written as a list (an
// alias, say) is refused.
func Merge(w io.Writer, data []byte, p *graph.Platform, g *Graph) ([]string, error) {
	doc, err := parseDoc(data)
	if err != nil {
		return nil, err
	}
	plat := mapValue(doc, "platform")
	pm, ok := plat.(*ast.MappingNode)
	if !ok {
		return nil, errors.New("platform: want a mapping")
	}
	m := &merger{src: data, lines: lineStarts(data)}
	changes, err := m.addSites(pm, p, g)
	if err != nil {
		return nil, err
	}
	c, err := m.addServices(pm, p, g)
	if err != nil {
		return nil, err
	}
	changes = append(changes, c...)
	if mapValue(doc, "scenarios") == nil && !doc.IsFlowStyle && len(p.Sites)+len(g.Sites) > 0 {
		m.addScenario(firstSite(p, g))
		changes = append(changes, "added scenario "+FireScenario)
	}
	if len(changes) == 0 {
		changes = []string{"nothing to add"}
	}
	_, err = w.Write(m.apply())
	return changes, err
}

// DefinesPlatform reports whether the YAML in data has a platform mapping
// of its own, rather than the path of a platform file.
func DefinesPlatform(data []byte) bool {
	doc, err := parseDoc(data)
	if err != nil {
		return false
	}
	_, ok := mapValue(doc, "platform").(*ast.MappingNode)
	return ok
}

func parseDoc(data []byte) (*ast.MappingNode, error) {
	f, err := parser.ParseBytes(data, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			if m, ok := d.Body.(*ast.MappingNode); ok {
				return m, nil
			}
			break
		}
	}
	return nil, errors.New("want a mapping with version: 1 and a platform")
}

// mapValue returns the value of key in m, or nil.
func mapValue(m ast.Node, key string) ast.Node {
	mn, ok := m.(*ast.MappingNode)
	if !ok || mn == nil {
		return nil
	}
	for _, v := range mn.Values {
		if v.Key != nil && strings.TrimSpace(v.Key.String()) == key {
			return v.Value
		}
	}
	return nil
}

func firstSite(p *graph.Platform, g *Graph) string {
	if len(p.Sites) > 0 {
		return p.Sites[0].ID
	}
	return g.Sites[0].ID
}

// insertion is text to insert at a byte offset of the source.
type insertion struct {
	off  int
	text string
}

type merger struct {
	src   []byte
	lines []int // byte offset of the start of each line
	ins   []insertion
}

func lineStarts(b []byte) []int {
	starts := []int{0}
	for i, c := range b {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// offset converts a 1-based line and column (in characters) to a byte offset.
func (m *merger) offset(line, col int) int {
	if line < 1 || line > len(m.lines) {
		return len(m.src)
	}
	off := m.lines[line-1]
	for i := 1; i < col && off < len(m.src) && m.src[off] != '\n'; i++ {
		_, n := utf8.DecodeRune(m.src[off:])
		off += n
	}
	return off
}

// afterLine is the offset of the start of the line after line; at the end
// of a file without a final newline, one is inserted first.
func (m *merger) afterLine(line int) int {
	if line < len(m.lines) {
		return m.lines[line]
	}
	if len(m.src) > 0 && m.src[len(m.src)-1] != '\n' {
		m.insert(len(m.src), "\n")
	}
	return len(m.src)
}

func (m *merger) insert(off int, text string) {
	m.ins = append(m.ins, insertion{off, text})
}

// apply returns the source with the insertions; insertions at the same
// offset keep the order they were made in.
func (m *merger) apply() []byte {
	slices.SortStableFunc(m.ins, func(a, b insertion) int { return a.off - b.off })
	var out bytes.Buffer
	prev := 0
	for _, in := range m.ins {
		out.Write(m.src[prev:in.off])
		out.WriteString(in.text)
		prev = in.off
	}
	out.Write(m.src[prev:])
	return out.Bytes()
}

// lastLine is the line of the last token of n: where a block collection
// ends. (A multi-line scalar would end later; none of the fields a merge
// appends after is one.)
func lastLine(n ast.Node) int {
	last := 0
	ast.Walk(visitFunc(func(x ast.Node) {
		if tk := x.GetToken(); tk != nil && tk.Position != nil {
			last = max(last, tk.Position.Line)
		}
	}), n)
	return last
}

type visitFunc func(ast.Node)

func (f visitFunc) Visit(n ast.Node) ast.Visitor {
	f(n)
	return f
}

// appendItems adds items to a sequence: before the closing ] of a flow
// sequence, else as lines after its last one at the indentation of its
// dashes. flow renders an item for a flow sequence, block for a block one
// (without the leading "- ").
func (m *merger) appendItems(seq *ast.SequenceNode, flow, block []string) {
	if len(flow) == 0 {
		return
	}
	if seq.IsFlowStyle {
		sep := ", "
		if len(seq.Values) == 0 {
			sep = ""
		}
		m.insert(m.offset(seq.End.Position.Line, seq.End.Position.Column), sep+strings.Join(flow, ", "))
		return
	}
	indent := strings.Repeat(" ", max(seq.Start.Position.Column-1, 0))
	var b strings.Builder
	for _, it := range block {
		b.WriteString(indent + "- " + strings.ReplaceAll(it, "\n", "\n"+indent+"  ") + "\n")
	}
	m.insert(m.afterLine(lastLine(seq)), b.String())
}

func (m *merger) addSites(pm *ast.MappingNode, p *graph.Platform, g *Graph) ([]string, error) {
	var flow, changes []string
	for _, s := range g.Sites {
		if p.Site(s.ID) != nil || !usesSite(g, s.ID) {
			continue
		}
		item := "{id: " + idText(s.ID)
		if s.Name != "" {
			item += ", name: " + Quote(s.Name)
		}
		flow = append(flow, item+"}")
		changes = append(changes, "added site "+s.ID)
	}
	if len(flow) == 0 {
		return nil, nil
	}
	seq, ok := mapValue(pm, "sites").(*ast.SequenceNode)
	if !ok {
		return nil, errors.New("platform.sites is not a plain list (an alias?): cannot add sites to it")
	}
	m.appendItems(seq, flow, flow)
	return changes, nil
}

func usesSite(g *Graph, site string) bool {
	for _, s := range g.Services {
		if slices.Contains(s.Sites, site) {
			return true
		}
	}
	return false
}

func (m *merger) addServices(pm *ast.MappingNode, p *graph.Platform, g *Graph) ([]string, error) {
	seq, ok := mapValue(pm, "services").(*ast.SequenceNode)
	if !ok {
		return nil, errors.New("platform.services is not a plain list (an alias?): cannot merge into it")
	}
	var changes []string
	items := map[string]*ast.MappingNode{}
	for _, v := range seq.Values {
		if mn, ok := v.(*ast.MappingNode); ok {
			if id := mapValue(mn, "id"); id != nil {
				items[scalar(id)] = mn
			}
		}
	}
	var flow, block []string
	for _, s := range g.Services {
		old := p.Service(s.ID)
		if old == nil {
			flow = append(flow, serviceFlow(s))
			block = append(block, serviceBlock(s))
			changes = append(changes, "added service "+s.ID)
			continue
		}
		add := missingDeps(old, s.DependsOn)
		if len(add) == 0 {
			continue
		}
		mn := items[s.ID]
		if mn == nil {
			return nil, fmt.Errorf("service %s is not written as a plain mapping: cannot add its dependencies", s.ID)
		}
		if err := m.addDeps(mn, add); err != nil {
			return nil, fmt.Errorf("service %s: %w", s.ID, err)
		}
		names := make([]string, len(add))
		for i, d := range add {
			names[i] = depText(d)
		}
		changes = append(changes, fmt.Sprintf("service %s: depends_on gains %s", s.ID, strings.Join(names, ", ")))
	}
	m.appendItems(seq, flow, block)
	return changes, nil
}

func scalar(n ast.Node) string {
	return strings.Trim(strings.TrimSpace(n.String()), `"'`)
}

// missingDeps are the deps of the import that the service does not list in
// any form (plain, soft or in an any group).
func missingDeps(s *graph.Service, ds []Dep) []Dep {
	var out []Dep
	for _, d := range ds {
		found := false
		for _, x := range s.DependsOn {
			if x.Service == d.Service || slices.Contains(x.Any, d.Service) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, d)
		}
	}
	return out
}

// addDeps appends to a service's depends_on, adding the key when it has
// none.
func (m *merger) addDeps(mn *ast.MappingNode, add []Dep) error {
	items := make([]string, len(add))
	for i, d := range add {
		items[i] = depText(d)
	}
	switch v := mapValue(mn, "depends_on").(type) {
	case *ast.SequenceNode:
		m.appendItems(v, items, items)
		return nil
	case nil:
	default:
		return errors.New("depends_on is not a plain list")
	}
	if hasKey(mn, "depends_on") {
		// depends_on: with no value (null): replaced would be an edit, not
		// an insertion; the loader accepted it, so it means no dependency.
		return errors.New("depends_on is empty (null): write depends_on: [] to merge into it")
	}
	text := "depends_on: " + deps(add)
	if mn.IsFlowStyle {
		sep := ", "
		if len(mn.Values) == 0 {
			sep = ""
		}
		m.insert(m.offset(mn.End.Position.Line, mn.End.Position.Column), sep+text)
		return nil
	}
	first := mn.Values[0].Key.GetToken().Position
	m.insert(m.afterLine(lastLine(mn)), strings.Repeat(" ", max(first.Column-1, 0))+text+"\n")
	return nil
}

func hasKey(mn *ast.MappingNode, key string) bool {
	for _, v := range mn.Values {
		if v.Key != nil && strings.TrimSpace(v.Key.String()) == key {
			return true
		}
	}
	return false
}

func serviceFlow(s Service) string {
	parts := []string{"id: " + idText(s.ID)}
	if s.Name != "" {
		parts = append(parts, "name: "+Quote(s.Name))
	}
	parts = append(parts, "placement: "+placement(s.Sites))
	if len(s.DependsOn) > 0 {
		parts = append(parts, "depends_on: "+deps(s.DependsOn))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func serviceBlock(s Service) string {
	lines := []string{"id: " + idText(s.ID)}
	if s.Name != "" {
		lines = append(lines, "name: "+Quote(s.Name))
	}
	lines = append(lines, "placement: "+placement(s.Sites))
	if len(s.DependsOn) > 0 {
		lines = append(lines, "depends_on: "+deps(s.DependsOn))
	}
	return strings.Join(lines, "\n")
}

func (m *merger) addScenario(site string) {
	var b strings.Builder
	(&Graph{Sites: []Site{{ID: site}}}).writeScenario(&b)
	m.insert(m.afterLine(len(m.lines)), b.String())
}
