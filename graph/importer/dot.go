package importer

import (
	"fmt"
	"strings"

	"gonum.org/v1/gonum/graph/formats/dot"
	"gonum.org/v1/gonum/graph/formats/dot/ast"
)

// parseDOT reads the digraphs of a Graphviz DOT file. The node id is the
// identity and its label the display name; edges whose style is dotted or
// dashed are soft dependencies. Attribute statements (edge [style=dashed])
// apply to what follows them in their subgraph, as in Graphviz.
func parseDOT(b *builder, in Input) (err error) {
	f, err := parseDOTBytes(in.Data)
	if err != nil {
		return fmt.Errorf("%s: %v: want a Graphviz digraph", in.Name, err)
	}
	if len(f.Graphs) == 0 {
		return fmt.Errorf("%s: no graph: want a Graphviz digraph", in.Name)
	}
	for _, g := range f.Graphs {
		if !g.Directed {
			return fmt.Errorf("%s: graph %s is undirected: want a digraph (digraph { a -> b }), where a -> b means a depends on b", in.Name, graphName(g))
		}
	}
	for _, g := range f.Graphs {
		d := &dotReader{b: b, file: in.Name, labels: map[string]string{}}
		d.stmts(g.Stmts, dotScope{})
		if d.err != nil {
			return d.err
		}
		d.flush()
	}
	return nil
}

// parseDOTBytes runs gonum's parser, turning a panic of its generated
// parser on hostile input into an error: bad input must never crash domino.
func parseDOTBytes(data []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("cannot parse: %v", r)
		}
	}()
	return dot.ParseBytes(data)
}

func graphName(g *ast.Graph) string {
	if g.ID == "" {
		return "(unnamed)"
	}
	return unquoteDOT(g.ID)
}

// dotScope is the attribute defaults in force inside a (sub)graph.
type dotScope struct {
	edgeStyle string
}

type dotReader struct {
	b      *builder
	file   string
	labels map[string]string // node id → label, the last one given
	nodes  []string          // in order of appearance
	err    error             // the first undirected edge
}

// stmts reads statements in a scope and returns the nodes they mention,
// which is what a subgraph stands for as an edge end.
func (d *dotReader) stmts(stmts []ast.Stmt, sc dotScope) []string {
	var mentioned []string
	for _, st := range stmts {
		switch st := st.(type) {
		case *ast.NodeStmt:
			id := unquoteDOT(st.Node.ID)
			d.addNode(id)
			if l, ok := attr(st.Attrs, "label"); ok {
				d.labels[id] = l
			}
			mentioned = append(mentioned, id)
		case *ast.EdgeStmt:
			mentioned = append(mentioned, d.edgeStmt(st, sc)...)
		case *ast.AttrStmt:
			if st.Kind == ast.EdgeKind {
				if s, ok := attr(st.Attrs, "style"); ok {
					sc.edgeStyle = s
				}
			}
		case *ast.Subgraph:
			mentioned = append(mentioned, d.stmts(st.Stmts, sc)...)
		}
	}
	return mentioned
}

// edgeStmt reads a chain a -> b -> {c d} [attrs]: every consecutive pair of
// ends is an edge from each node of the first to each node of the second.
func (d *dotReader) edgeStmt(st *ast.EdgeStmt, sc dotScope) []string {
	style := sc.edgeStyle
	if s, ok := attr(st.Attrs, "style"); ok {
		style = s
	}
	soft := strings.Contains(style, "dotted") || strings.Contains(style, "dashed")
	from := d.vertex(st.From, sc)
	all := append([]string(nil), from...)
	for e := st.To; e != nil; e = e.To {
		to := d.vertex(e.Vertex, sc)
		if !e.Directed && d.err == nil {
			d.err = fmt.Errorf("%s: undirected edge %s -- %s: want a -> b, meaning a depends on b", d.file, st.From, e.Vertex)
		}
		for _, a := range from {
			for _, c := range to {
				d.b.edge("dot:"+a, "dot:"+c, -1, soft, fmt.Sprintf("%s: edge %s -> %s", d.file, a, c))
			}
		}
		all = append(all, to...)
		from = to
	}
	return all
}

func (d *dotReader) vertex(v ast.Vertex, sc dotScope) []string {
	switch v := v.(type) {
	case *ast.Node:
		id := unquoteDOT(v.ID)
		d.addNode(id)
		return []string{id}
	case *ast.Subgraph:
		return d.stmts(v.Stmts, sc)
	}
	return nil
}

func (d *dotReader) addNode(id string) {
	if _, ok := d.labels[id]; !ok {
		d.labels[id] = ""
		d.nodes = append(d.nodes, id)
		d.b.node("dot:"+id, []string{id}, "", "")
	}
}

// flush records the nodes with their labels once the whole graph is read,
// since a label may come after the node's first edge.
func (d *dotReader) flush() {
	for _, id := range d.nodes {
		name := id
		if l := d.labels[id]; l != "" && l != `\N` {
			name = l
		}
		d.b.node("dot:"+id, []string{id}, name, "")
	}
}

// attr returns the unquoted value of the last attribute named key.
func attr(attrs []*ast.Attr, key string) (string, bool) {
	val, ok := "", false
	for _, a := range attrs {
		if a.Key == key {
			val, ok = unquoteDOT(a.Val), true
		}
	}
	return val, ok
}

// unquoteDOT returns the text of a DOT id: a quoted string without its
// quotes, escaped quotes and line continuations; an HTML string without its
// angle brackets; any other id as it is.
func unquoteDOT(id string) string {
	switch {
	case len(id) >= 2 && id[0] == '"' && id[len(id)-1] == '"':
		s := id[1 : len(id)-1]
		s = strings.ReplaceAll(s, "\\\r\n", "")
		s = strings.ReplaceAll(s, "\\\n", "")
		return strings.ReplaceAll(s, `\"`, `"`)
	case len(id) >= 2 && id[0] == '<' && id[len(id)-1] == '>':
		return id[1 : len(id)-1]
	}
	return id
}
