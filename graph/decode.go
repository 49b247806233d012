package graph

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// The loader parses a file to a YAML AST with goccy/go-yaml and walks the
// AST itself, so that every problem is collected with its file:line:column
// and key path instead of stopping at the first one.
//
// Key paths start at the root of the file, with keys joined by "." and list
// indices in brackets: platform.services[3].depends_on[1],
// scenarios[0].events[2].power_restore[1].fraction,
// scenarios[1].patch.services[0].placement.

// source is one parsed input file.
type source struct {
	name    string
	anchors map[string]ast.Node
}

// node is a YAML node together with its file and key path.
type node struct {
	n    ast.Node
	src  *source
	path string
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// pos returns the position of the node: for a mapping, that of its first key.
func (nd node) pos() Pos {
	line, col := nodeLineCol(nd.n, 0)
	name := ""
	if nd.src != nil {
		name = nd.src.name
	}
	if line <= 0 {
		line, col = 1, 1
	}
	return Pos{File: name, Line: line, Col: col}
}

func nodeLineCol(n ast.Node, depth int) (int, int) {
	if depth > 50 {
		return 0, 0
	}
	var tk *token.Token
	switch n := n.(type) {
	case nil:
		return 0, 0
	case *ast.DocumentNode:
		if n == nil {
			return 0, 0
		}
		if n.Body != nil {
			return nodeLineCol(n.Body, depth+1)
		}
		tk = n.Start
	case *ast.MappingNode:
		if n == nil {
			return 0, 0
		}
		if len(n.Values) > 0 {
			return nodeLineCol(n.Values[0], depth+1)
		}
		tk = n.Start
	case *ast.MappingValueNode:
		if n == nil {
			return 0, 0
		}
		if n.Key != nil {
			return nodeLineCol(n.Key, depth+1)
		}
		tk = n.Start
	case *ast.SequenceNode:
		if n == nil {
			return 0, 0
		}
		tk = n.Start
	case *ast.AnchorNode:
		if n == nil {
			return 0, 0
		}
		tk = n.Start
	case *ast.AliasNode:
		if n == nil {
			return 0, 0
		}
		tk = n.Start
	case *ast.TagNode:
		if n == nil {
			return 0, 0
		}
		tk = n.Start
	case *ast.MappingKeyNode:
		if n == nil {
			return 0, 0
		}
		tk = n.Start
	default:
		tk = safeToken(n)
	}
	if tk == nil || tk.Position == nil {
		return 0, 0
	}
	return tk.Position.Line, tk.Position.Column
}

// safeToken calls GetToken, which some node types implement without a nil
// check on their own fields.
func safeToken(n ast.Node) (tk *token.Token) {
	defer func() {
		if recover() != nil {
			tk = nil
		}
	}()
	return n.GetToken()
}

// maxSuggestions bounds the distinct unknown ids one load looks for a
// nearest known id for: each search may scan every service of a large
// platform, and a file with thousands of dangling references would
// otherwise take minutes to be refused.
const maxSuggestions = 50

// decoder collects the errors of one load.
type decoder struct {
	errs ErrorList
	// aliases counts alias expansions; maxAliases bounds them, so that a
	// "billion laughs" document cannot make the loader run for ever.
	aliases, maxAliases int
	suggested           map[string]string // unknown id → its suggestion
}

// suggest is Suggest for ids referred to in the file, remembered per id and
// given up after maxSuggestions distinct ids.
func (d *decoder) suggest(id string, known []string) string {
	if s, ok := d.suggested[id]; ok {
		return s
	}
	if d.suggested == nil {
		d.suggested = map[string]string{}
	}
	s := ""
	if len(d.suggested) < maxSuggestions {
		s = Suggest(id, known)
	}
	d.suggested[id] = s
	return s
}

func (d *decoder) errorf(nd node, format string, args ...any) {
	d.errs.Add(nd.pos(), nd.path, format, args...)
}

// resolve follows anchors and aliases to the node they stand for. It
// reports tags, unknown aliases and runaway alias expansion.
func (d *decoder) resolve(nd node) (node, bool) {
	for range 64 {
		switch n := nd.n.(type) {
		case *ast.AnchorNode:
			if n == nil || n.Value == nil {
				return nd, true
			}
			nd.n = n.Value
		case *ast.AliasNode:
			if n == nil {
				return nd, false
			}
			name := ""
			if n.Value != nil {
				name = scalarText(n.Value)
			}
			target := nd.src.anchors[name]
			if target == nil {
				d.errorf(nd, "unknown alias *%s", name)
				return nd, false
			}
			d.aliases++
			if d.aliases > d.maxAliases {
				if d.aliases == d.maxAliases+1 {
					d.errorf(nd, "too many alias expansions (more than %d)", d.maxAliases)
				}
				return nd, false
			}
			nd.n = target
		case *ast.TagNode:
			tag := ""
			if n != nil && n.Start != nil {
				tag = n.Start.Value
			}
			d.errorf(nd, "YAML tags like %s are not supported", tag)
			return nd, false
		case *ast.DocumentNode:
			if n == nil {
				return nd, true
			}
			nd.n = n.Body
		default:
			return nd, true
		}
	}
	d.errorf(nd, "alias chain too deep")
	return nd, false
}

// scalarText returns the text of a scalar node, or "".
func scalarText(n ast.Node) string {
	switch n := n.(type) {
	case *ast.StringNode:
		if n != nil {
			return n.Value
		}
	case *ast.LiteralNode:
		if n != nil && n.Value != nil {
			return n.Value.Value
		}
	default:
		if tk := safeToken(n); tk != nil {
			return tk.Value
		}
	}
	return ""
}

// describe says what a (resolved) node is, for "want X, got Y" messages.
func describe(n ast.Node) string {
	switch n := n.(type) {
	case nil, *ast.NullNode:
		return "nothing (null)"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.BoolNode:
		return "the boolean " + scalarText(n)
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "the number " + scalarText(n)
	case *ast.StringNode:
		return fmt.Sprintf("the string %q", scalarText(n))
	case *ast.LiteralNode:
		return "a block string"
	}
	return "a YAML " + strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", n), "*ast."), "Node"))
}

// kv is one key of a mapping; val carries the path of the key.
type kv struct {
	key string
	knd node // the key, for errors about the key itself
	val node
}

// mapping returns the keys of a mapping in file order, with merge keys
// (<<: *anchor) expanded: keys given explicitly win over merged ones.
// Duplicate keys are reported.
func (d *decoder) mapping(nd node, want string) ([]kv, bool) {
	return d.mappingDepth(nd, want, 0)
}

func (d *decoder) mappingDepth(nd node, want string, depth int) ([]kv, bool) {
	r, ok := d.resolve(nd)
	if !ok {
		return nil, false
	}
	var values []*ast.MappingValueNode
	switch n := r.n.(type) {
	case *ast.MappingNode:
		if n == nil {
			break
		}
		values = n.Values
	case *ast.MappingValueNode:
		if n != nil {
			values = []*ast.MappingValueNode{n}
		}
	default:
		d.errorf(nd, "want %s, got %s", want, describe(r.n))
		return nil, false
	}
	var own, merged []kv
	seen := map[string]node{}
	for _, mv := range values {
		if mv == nil {
			continue
		}
		knd := node{n: mv.Key, src: nd.src, path: nd.path}
		if mv.Key != nil && mv.Key.IsMergeKey() {
			if depth > 8 {
				d.errorf(knd, "merge keys nested too deeply")
				continue
			}
			merged = append(merged, d.mergeValue(node{n: mv.Value, src: nd.src, path: nd.path}, want, depth)...)
			continue
		}
		key, ok := d.key(knd)
		if !ok {
			continue
		}
		knd.path = joinPath(nd.path, key)
		if first, dup := seen[key]; dup {
			p := first.pos()
			d.errorf(knd, "duplicate key %q (first at line %d)", key, p.Line)
			continue
		}
		seen[key] = knd
		own = append(own, kv{key: key, knd: knd, val: node{n: mv.Value, src: nd.src, path: knd.path}})
	}
	if len(merged) == 0 {
		return own, true
	}
	// Merged keys come first, in merge order; the first merge wins among
	// merges (YAML merge-key semantics), explicit keys win over all.
	var out []kv
	taken := map[string]bool{}
	for _, e := range merged {
		if _, ok := seen[e.key]; ok || taken[e.key] {
			continue
		}
		taken[e.key] = true
		out = append(out, e)
	}
	return append(out, own...), true
}

func (d *decoder) mergeValue(nd node, want string, depth int) []kv {
	r, ok := d.resolve(nd)
	if !ok {
		return nil
	}
	if seq, ok := r.n.(*ast.SequenceNode); ok && seq != nil {
		var out []kv
		for _, v := range seq.Values {
			out = append(out, d.mergeValue(node{n: v, src: nd.src, path: nd.path}, want, depth+1)...)
		}
		return out
	}
	kvs, ok := d.mappingDepth(nd, "a mapping or a list of mappings to merge", depth+1)
	if !ok {
		return nil
	}
	for i := range kvs {
		kvs[i].knd.path = joinPath(nd.path, kvs[i].key)
		kvs[i].val.path = kvs[i].knd.path
	}
	return kvs
}

// key returns the text of a mapping key.
func (d *decoder) key(knd node) (string, bool) {
	n := knd.n
	if mk, ok := n.(*ast.MappingKeyNode); ok && mk != nil {
		n = mk.Value
	}
	r, ok := d.resolve(node{n: n, src: knd.src, path: knd.path})
	if !ok {
		return "", false
	}
	switch r.n.(type) {
	case *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NullNode, *ast.InfinityNode, *ast.NanNode:
		return scalarText(r.n), true
	}
	d.errorf(knd, "want a plain key, got %s", describe(r.n))
	return "", false
}

// fields checks the keys of a mapping against the known ones, reporting the
// unknown ones with a suggestion, and returns the known ones by name.
func (d *decoder) fields(kvs []kv, what string, known ...string) map[string]kv {
	m := make(map[string]kv, len(kvs))
	for _, e := range kvs {
		if !contains(known, e.key) {
			d.errorf(e.knd, "unknown key %q in %s%s", e.key, what, Suggest(e.key, known))
			continue
		}
		m[e.key] = e
	}
	return m
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// list returns the entries of a sequence, each with its indexed path.
func (d *decoder) list(nd node, want string) ([]node, bool) {
	r, ok := d.resolve(nd)
	if !ok {
		return nil, false
	}
	seq, ok := r.n.(*ast.SequenceNode)
	if !ok || seq == nil {
		d.errorf(nd, "want %s, got %s", want, describe(r.n))
		return nil, false
	}
	out := make([]node, len(seq.Values))
	for i, v := range seq.Values {
		out[i] = node{n: v, src: nd.src, path: fmt.Sprintf("%s[%d]", nd.path, i)}
	}
	return out, true
}

// str decodes a string. Plain scalars such as 2022 are taken as written.
func (d *decoder) str(nd node) (string, bool) {
	r, ok := d.resolve(nd)
	if !ok {
		return "", false
	}
	switch r.n.(type) {
	case *ast.StringNode, *ast.LiteralNode, *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode:
		return scalarText(r.n), true
	}
	d.errorf(nd, "want a string, got %s", describe(r.n))
	return "", false
}

// id decodes an id of the given kind ("site", "service", "scenario").
func (d *decoder) id(nd node, kind string) (string, bool) {
	s, ok := d.str(nd)
	if !ok {
		return "", false
	}
	if !validID(s) {
		d.errorf(nd, "invalid %s id %q: want lowercase letters, digits, '.', '_' or '-', starting with a letter or digit", kind, s)
		return s, false
	}
	return s, true
}

// validID reports whether s matches [a-z0-9][a-z0-9._-]*.
func validID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case i > 0 && (c == '.' || c == '_' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// numberText returns the literal text of a number: an integer or float
// scalar, or a plain (unquoted) string that reads as a number, like 1e3.
func numberText(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.IntegerNode, *ast.FloatNode:
		return scalarText(n), true
	case *ast.StringNode:
		if n == nil || n.Token == nil || n.Token.Type != token.StringType {
			return "", false
		}
		// Out of range is still a number: the caller says it is too large,
		// rather than calling 1e400 a string.
		if _, err := strconv.ParseFloat(n.Value, 64); err == nil || errors.Is(err, strconv.ErrRange) {
			return n.Value, true
		}
	}
	return "", false
}

// maxInt bounds integers, with room for sums of a few of them.
const maxInt = 1 << 62

// int decodes an integer; integral floats like 1e3 are accepted.
func (d *decoder) int(nd node) (int64, bool) {
	r, ok := d.resolve(nd)
	if !ok {
		return 0, false
	}
	text, ok := numberText(r.n)
	if !ok {
		d.errorf(nd, "want an integer, got %s", describe(r.n))
		return 0, false
	}
	if v, ok := parseInt(text); ok && v > -maxInt && v < maxInt {
		return v, true
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
	if (err == nil || errors.Is(err, strconv.ErrRange)) && math.Abs(f) >= maxInt {
		d.errorf(nd, "integer %s is too large: want at most %d", text, int64(maxInt-1))
		return 0, false
	}
	if err != nil || f != math.Trunc(f) {
		d.errorf(nd, "want an integer, got %s", text)
		return 0, false
	}
	return int64(f), true
}

func parseInt(text string) (int64, bool) {
	t := strings.ReplaceAll(text, "_", "")
	neg := false
	switch {
	case strings.HasPrefix(t, "-"):
		neg, t = true, t[1:]
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	}
	base := 10
	switch {
	case strings.HasPrefix(t, "0x"):
		base, t = 16, t[2:]
	case strings.HasPrefix(t, "0o"):
		base, t = 8, t[2:]
	case strings.HasPrefix(t, "0b"):
		base, t = 2, t[2:]
	}
	if t == "" || t[0] == '+' || t[0] == '-' {
		return 0, false
	}
	v, err := strconv.ParseInt(t, base, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// float decodes a finite number.
func (d *decoder) float(nd node) (float64, bool) {
	r, ok := d.resolve(nd)
	if !ok {
		return 0, false
	}
	text, ok := numberText(r.n)
	if !ok {
		switch r.n.(type) {
		case *ast.InfinityNode, *ast.NanNode:
			d.errorf(nd, "want a finite number, got %s", scalarText(r.n))
		default:
			d.errorf(nd, "want a number, got %s", describe(r.n))
		}
		return 0, false
	}
	if v, ok := parseInt(text); ok {
		return float64(v), true
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
	if errors.Is(err, strconv.ErrRange) {
		d.errorf(nd, "number %s is out of range: want a finite number", text)
		return 0, false
	}
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		d.errorf(nd, "want a finite number, got %s", text)
		return 0, false
	}
	return f, true
}

func (d *decoder) bool(nd node) (bool, bool) {
	r, ok := d.resolve(nd)
	if !ok {
		return false, false
	}
	if b, ok := r.n.(*ast.BoolNode); ok && b != nil {
		return b.Value, true
	}
	d.errorf(nd, "want true or false, got %s", describe(r.n))
	return false, false
}
