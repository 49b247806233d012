package graph

import (
	"math"
	"strconv"
	"strings"
)

// DecodeYAML parses data, the file name, as a stream of YAML (or JSON)
// documents under the limits Load applies to a platform file — size,
// UTF-8, nesting depth (MaxDepth), the alias expansion budget — plus a
// budget on the values the aliases expand to, and returns each non-empty
// document as plain Go values: map[string]any, []any, string, int64 (or
// uint64 when larger), float64, bool and nil. Anchors, aliases and merge
// keys (<<) are resolved; tags and duplicate keys are errors. It is for
// readers of other tools' YAML (the Backstage importer), which would
// otherwise parse a "billion laughs" or 100,000 nested brackets without
// bound. Problems come back as an ErrorList with positions in name.
func DecodeYAML(data []byte, name string) ([]any, error) {
	d := &decoder{}
	src := &source{name: name}
	docs, ok := d.parse(data, src)
	if !ok {
		return nil, d.errs
	}
	// Aliases may expand to at most as many values again as the file
	// holds, plus the budget every file has: a file that uses anchors as
	// shorthand stays far below, while one anchored list aliased many
	// times (each expansion within the alias budget) would not.
	for _, doc := range docs {
		d.valueBudget += countNodes(doc)
	}
	d.valueBudget = 2*d.valueBudget + minAliases
	out := make([]any, 0, len(docs))
	for i, doc := range docs {
		dsrc := src
		if i > 0 {
			dsrc = &source{name: name, anchors: src.docAnchors[i], data: src.data, origs: src.origs}
		}
		v, _ := d.plain(node{n: doc, src: dsrc, path: nil}, 0)
		out = append(out, v)
	}
	if len(d.errs) > 0 {
		errs := dedupe(d.errs)
		errs.Sort()
		return nil, errs
	}
	return out, nil
}

// countNodes counts the nodes of a tree as written, aliases unexpanded.
func countNodes(n *tnode) int {
	if n == nil {
		return 1
	}
	c := 1
	for _, k := range n.kids() {
		c += countNodes(k)
	}
	return c
}

// plain converts a node into a plain value (see DecodeYAML); ok is false
// after an error was recorded.
func (d *decoder) plain(nd node, depth int) (any, bool) {
	d.values++
	if d.values > d.valueBudget {
		if d.values == d.valueBudget+1 {
			d.errorf(nd, "aliases expand to too many values (more than %d)", d.valueBudget)
		}
		return nil, false
	}
	if depth > maxTreeDepth {
		d.errorf(nd, "nesting deeper than %d levels", MaxDepth)
		return nil, false
	}
	r, ok := d.resolve(nd)
	if !ok {
		return nil, false
	}
	n := r.n
	if n == nil {
		return nil, true
	}
	switch n.kind {
	case kindNull:
		return nil, true
	case kindBool:
		return n.flag, true
	case kindInt:
		if v, err := strconv.ParseInt(n.text, 0, 64); err == nil {
			return v, true
		}
		if v, err := strconv.ParseUint(n.text, 0, 64); err == nil {
			return v, true
		}
		return n.text, true
	case kindFloat:
		if v, err := strconv.ParseFloat(strings.ReplaceAll(n.text, "_", ""), 64); err == nil {
			return v, true
		}
		return n.text, true
	case kindInf:
		if strings.HasPrefix(n.text, "-") {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	case kindNaN:
		return math.NaN(), true
	case kindString, kindLiteral:
		return n.text, true
	case kindSeq:
		kids := n.kids()
		list := make([]any, len(kids))
		for i, k := range kids {
			v, ok := d.plain(node{n: k, src: r.src, path: d.indexPath(r.path, i)}, depth+1)
			if !ok {
				return nil, false
			}
			list[i] = v
		}
		return list, true
	case kindMap:
		kvs, ok := d.mapping(r, "a mapping")
		if !ok {
			return nil, false
		}
		m := make(map[string]any, len(kvs))
		for _, e := range kvs {
			v, ok := d.plain(e.val(), depth+1)
			if !ok {
				return nil, false
			}
			m[e.key()] = v
		}
		return m, true
	}
	d.errorf(r, "want a value, got %s", describe(r))
	return nil, false
}
