package graph

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dominosim/domino/internal/slab"
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
	anchors map[string]*tnode
	// docAnchors are the anchors of each document parsed (anchors is
	// the first's); DecodeYAML reads every document.
	docAnchors []map[string]*tnode
	// data is the file's text when it was read as JSON: a JSON node's
	// off:end indexes it.
	data []byte
	// origs holds the goccy node of each YAML tnode (see tnode.off).
	origs []ast.Node
}

// orig returns the goccy node n was converted from, or nil for a JSON
// node.
func (src *source) orig(n *tnode) ast.Node {
	if src == nil || n == nil || n.off >= 0 {
		return nil
	}
	if i := int(-1 - n.off); i < len(src.origs) {
		return src.origs[i]
	}
	return nil
}

// node is a tree node together with its file and key path.
type node struct {
	n    *tnode
	src  *source
	path *keyPath
}

// keyPath is a key path as a chain from the leaf: the decoder visits
// millions of nodes and reports errors on few, so their paths are only
// spelt out for an error.
type keyPath struct {
	parent *keyPath
	key    string
	index  int // with key "": a list index
}

// String spells the path: platform.services[3].depends_on[1].
func (p *keyPath) String() string {
	if p == nil {
		return ""
	}
	var parts []*keyPath
	for q := p; q != nil; q = q.parent {
		parts = append(parts, q)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		q := parts[i]
		switch {
		case q.key == "" && q.index >= 0:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(q.index))
			b.WriteByte(']')
		case !printable(q.key):
			// A key with control characters is quoted, escapes and all:
			// printed raw, an escape sequence in a file would reach the
			// terminal of whoever validates it.
			b.WriteByte('[')
			b.WriteString(strconv.Quote(q.key))
			b.WriteByte(']')
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(q.key)
		}
	}
	return b.String()
}

// text decodes a string that reports print as written (a name, a
// description, a currency): one line of printable text. A control
// character (an escape sequence, a newline, a tab) or a bidirectional
// override would reach a terminal or a Markdown report as a command, a
// line break or reordered text, so it is refused with its position.
func (d *decoder) text(nd node, what string) string {
	s, ok := d.str(nd)
	if !ok {
		return ""
	}
	for i, r := range s {
		if !strconv.IsPrint(r) && r != ' ' {
			hint := ""
			if r == '\n' {
				hint = " (a YAML folded scalar, >-, joins lines)"
			}
			d.errorf(nd, "want %s as one line of printable text, got %s at byte %d%s", what, strconv.QuoteRune(r), i, hint)
			return ""
		}
	}
	return s
}

// printable reports whether s has only printable characters and spaces
// (strconv.IsPrint: no control characters, no bidirectional overrides).
func printable(s string) bool {
	for _, r := range s {
		if !strconv.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}

// joinPath returns the path of key in the mapping at path. Paths come from
// a slab: every key and list entry of a file has one, millions for a large
// platform, and allocating them one by one was a fifth of the loader's
// allocations.
func (d *decoder) joinPath(path *keyPath, key string) *keyPath {
	p := d.paths.New()
	*p = keyPath{parent: path, key: key, index: -1}
	return p
}

// indexPath returns the path of entry i of the list at path.
func (d *decoder) indexPath(path *keyPath, i int) *keyPath {
	p := d.paths.New()
	*p = keyPath{parent: path, index: i}
	return p
}

// pos returns the position of the node: for a mapping, that of its first key.
func (nd node) pos() Pos {
	name := ""
	if nd.src != nil {
		name = nd.src.name
	}
	if nd.n == nil || nd.n.line <= 0 {
		return Pos{File: name, Line: 1, Col: 1}
	}
	return Pos{File: name, Line: int(nd.n.line), Col: int(nd.n.col)}
}

// nodeLineCol returns the position goccy gives a node: for a mapping, that
// of its first key.
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
	// known caches the ids of each platform built, for checkRefs.
	known map[*Platform]*knownIDs
	// paths and kvs are where joinPath, indexPath and mapping take from.
	paths slab.Slab[keyPath]
	kvs   slab.Slab[kv]
	// yamlOnly turns parseJSON off, for tests that compare it with goccy.
	yamlOnly bool
	// values counts the values DecodeYAML made; valueBudget bounds them.
	values, valueBudget int
	// parsed holds the files parsed (File.With decodes them again).
	parsed *parsed
	// uncertains are the uncertain inputs decoded, once per path
	// (uncertainSeen); uvals are the values File.With gives them;
	// lastUncertain is the input the latest value decoded came from, or
	// nil, for callers whose limits are stricter than its kind's.
	uncertains    []Uncertain
	uncertainSeen map[string]bool
	// uncertainNodes maps each range's node to its input, for aliases.
	uncertainNodes map[*tnode]Uncertain
	// xRanges are the paths of the ranges written under top-level x- keys.
	xRanges       map[*tnode]string
	uvals         map[string]float64
	lastUncertain *Uncertain
	// serversU are the ranges of the servers of the placement decoded
	// last, by entry, nil when it has none (most have none).
	serversU []*Uncertain
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
	d.errs.Add(nd.pos(), nd.path.String(), format, args...)
}

// resolve follows anchors and aliases to the node they stand for. It
// reports tags, unknown aliases and runaway alias expansion.
func (d *decoder) resolve(nd node) (node, bool) {
	for range 64 {
		n := nd.n
		if n == nil {
			return nd, true
		}
		switch n.kind {
		case kindAnchor:
			if n.kids()[0] == nil {
				return nd, true
			}
			nd.n = n.kids()[0]
		case kindAlias:
			name := scalarText(n.kids()[0])
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
		case kindTag:
			d.errorf(nd, "YAML tags like %s are not supported", n.text)
			return nd, false
		default:
			return nd, true
		}
	}
	d.errorf(nd, "alias chain too deep")
	return nd, false
}

// kv is one key of a mapping: the key and value nodes, sharing the key's
// path, which also holds the key's text. It is four pointers, where the
// nodes themselves would be seven: a large platform has millions of keys.
type kv struct {
	k, v *tnode
	src  *source
	path *keyPath
}

// key returns the key's text.
func (e kv) key() string { return e.path.key }

// knd returns the key, for errors about the key itself.
func (e kv) knd() node { return node{n: e.k, src: e.src, path: e.path} }

// val returns the value, at the key's path.
func (e kv) val() node { return node{n: e.v, src: e.src, path: e.path} }

// mapping returns the keys of a mapping in file order, with merge keys
// (<<: *anchor) expanded: keys given explicitly win over merged ones.
// Duplicate keys are reported.
func (d *decoder) mapping(nd node, want string) ([]kv, bool) {
	return d.mappingDepth(nd, want, 0)
}

// smallMapping is the most keys a mapping may have for its duplicates to be
// found by scanning the keys before it rather than with a map: nearly every
// mapping of a platform is that small, and there are millions of them.
const smallMapping = 16

func (d *decoder) mappingDepth(nd node, want string, depth int) ([]kv, bool) {
	r, ok := d.resolve(nd)
	if !ok {
		return nil, false
	}
	if !r.n.is(kindMap) {
		d.errorf(nd, "want %s, got %s", want, describe(r))
		return nil, false
	}
	pairs := r.n.kids()
	own := d.kvs.Make(len(pairs) / 2)[:0]
	var merged []kv
	var seen map[string]node
	if len(pairs) > 2*smallMapping {
		seen = make(map[string]node, len(pairs)/2)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		key, val := pairs[i], pairs[i+1]
		knd := node{n: key, src: nd.src, path: nd.path}
		if key != nil && key.flag {
			if depth > 8 {
				d.errorf(knd, "merge keys nested too deeply")
				continue
			}
			merged = append(merged, d.mergeValue(node{n: val, src: nd.src, path: nd.path}, want, depth)...)
			continue
		}
		k, ok := d.key(knd)
		if !ok {
			continue
		}
		knd.path = d.joinPath(nd.path, k)
		if first, dup := lookupKey(own, seen, k); dup {
			p := first.pos()
			d.errorf(knd, "duplicate key %q (first at line %d)", k, p.Line)
			continue
		}
		if seen != nil {
			seen[k] = knd
		}
		own = append(own, kv{k: key, v: val, src: nd.src, path: knd.path})
	}
	if len(merged) == 0 {
		return own, true
	}
	// Merged keys come first, in merge order; the first merge wins among
	// merges (YAML merge-key semantics), explicit keys win over all.
	var out []kv
	taken := map[string]bool{}
	for _, e := range merged {
		if _, ok := lookupKey(own, seen, e.key()); ok || taken[e.key()] {
			continue
		}
		taken[e.key()] = true
		out = append(out, e)
	}
	return append(out, own...), true
}

// lookupKey finds key among the keys of own, through seen when it is set.
func lookupKey(own []kv, seen map[string]node, key string) (node, bool) {
	if seen != nil {
		nd, ok := seen[key]
		return nd, ok
	}
	for _, e := range own {
		if e.key() == key {
			return e.knd(), true
		}
	}
	return node{}, false
}

func (d *decoder) mergeValue(nd node, want string, depth int) []kv {
	r, ok := d.resolve(nd)
	if !ok {
		return nil
	}
	if r.n.is(kindSeq) {
		var out []kv
		for _, v := range r.n.kids() {
			out = append(out, d.mergeValue(node{n: v, src: nd.src, path: nd.path}, want, depth+1)...)
		}
		return out
	}
	kvs, ok := d.mappingDepth(nd, "a mapping or a list of mappings to merge", depth+1)
	if !ok {
		return nil
	}
	for i := range kvs {
		kvs[i].path = d.joinPath(nd.path, kvs[i].key())
	}
	return kvs
}

// key returns the text of a mapping key.
func (d *decoder) key(knd node) (string, bool) {
	n := knd.n
	if n.is(kindMapKey) {
		n = n.kids()[0]
	}
	r, ok := d.resolve(node{n: n, src: knd.src, path: knd.path})
	if !ok {
		return "", false
	}
	if r.n.is(kindString, kindInt, kindFloat, kindBool, kindNull, kindInf, kindNaN) {
		return scalarText(r.n), true
	}
	d.errorf(knd, "want a plain key, got %s", describe(r))
	return "", false
}

// fieldSet is the known keys of one mapping, in file order, as fields
// returns them. It is a slice, not a map: a mapping has a handful of keys,
// a large platform has millions of mappings, and scanning a few keys is
// cheaper than building a map for each.
type fieldSet []kv

// get returns the key named key.
func (f fieldSet) get(key string) (kv, bool) {
	for _, e := range f {
		if e.key() == key {
			return e, true
		}
	}
	return kv{}, false
}

// fields checks the keys of a mapping against the known ones, reporting the
// unknown ones with a suggestion, and returns the known ones. The keys of a
// mapping are unique (mapping reports duplicates), so nearly always kvs
// itself is the answer and nothing is copied.
func (d *decoder) fields(kvs []kv, what string, known ...string) fieldSet {
	for i, e := range kvs {
		if slices.Contains(known, e.key()) {
			continue
		}
		out := append(fieldSet(nil), kvs[:i]...)
		for _, e := range kvs[i:] {
			if !slices.Contains(known, e.key()) {
				if e.key() == "uncertain" {
					d.errorf(e.knd(), "unknown key \"uncertain\" in %s: it cannot be uncertain as a whole; write uncertain ranges for the values inside it (docs/model.md §3.1)", what)
					continue
				}
				d.errorf(e.knd(), "unknown key %q in %s%s", e.key(), what, Suggest(e.key(), known))
				continue
			}
			out = append(out, e)
		}
		return out
	}
	return fieldSet(kvs)
}

// list returns the entries of a sequence, each with its indexed path.
func (d *decoder) list(nd node, want string) ([]node, bool) {
	r, ok := d.resolve(nd)
	if !ok {
		return nil, false
	}
	if !r.n.is(kindSeq) {
		d.errorf(nd, "want %s, got %s", want, describe(r))
		return nil, false
	}
	seq := r.n.kids()
	out := make([]node, len(seq))
	for i, v := range seq {
		out[i] = node{n: v, src: nd.src, path: d.indexPath(nd.path, i)}
	}
	return out, true
}

// str decodes a string. Plain scalars such as 2022 are taken as written.
func (d *decoder) str(nd node) (string, bool) {
	r, ok := d.resolve(nd)
	if !ok {
		return "", false
	}
	if r.n.is(kindString, kindLiteral, kindInt, kindFloat, kindBool) {
		return scalarText(r.n), true
	}
	if !d.cannotBeUncertain(nd, r) {
		d.errorf(nd, "want a string, got %s", describe(r))
	}
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
func numberText(n *tnode) (string, bool) {
	switch {
	case n.is(kindInt, kindFloat):
		return n.text, true
	case n.is(kindString) && n.flag:
		// Out of range is still a number: the caller says it is too large,
		// rather than calling 1e400 a string.
		if _, err := strconv.ParseFloat(n.text, 64); err == nil || errors.Is(err, strconv.ErrRange) {
			return n.text, true
		}
	}
	return "", false
}

// maxInt bounds integers, with room for sums of a few of them.
const maxInt = 1 << 62

// int decodes an integer; integral floats like 1e3 are accepted.
func (d *decoder) int(nd node) (int64, bool) { return d.integer(nd, false) }

// count decodes an integer that may be an uncertain count (docs/model.md
// §3.1), like crews or servers.
func (d *decoder) count(nd node) (int64, bool) { return d.integer(nd, true) }

func (d *decoder) integer(nd node, uncertain bool) (int64, bool) {
	d.lastUncertain = nil
	r, ok := d.resolve(nd)
	if !ok {
		return 0, false
	}
	text, ok := numberText(r.n)
	if !ok {
		if kvs, isU := d.uncertainMapping(r); isU && uncertain {
			v, ok := d.uncertain(nd, kvs, UncertainCount)
			return int64(v), ok
		}
		if !d.cannotBeUncertain(nd, r) {
			d.errorf(nd, "want an integer, got %s", describe(r))
		}
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
func (d *decoder) float(nd node) (float64, bool) { return d.number(nd, noUncertain) }

// share decodes a number in [0, 1] that may be uncertain, of kind k
// (UncertainProbability or UncertainFraction); the caller checks the
// range of a plain one.
func (d *decoder) share(nd node, k UncertainKind) (float64, bool) { return d.number(nd, k) }

// number decodes a finite number, which may be uncertain of kind k unless
// k is noUncertain.
func (d *decoder) number(nd node, k UncertainKind) (float64, bool) {
	d.lastUncertain = nil
	r, ok := d.resolve(nd)
	if !ok {
		return 0, false
	}
	text, ok := numberText(r.n)
	if !ok {
		if kvs, isU := d.uncertainMapping(r); isU && k != noUncertain {
			return d.uncertain(nd, kvs, k)
		}
		if d.cannotBeUncertain(nd, r) {
			return 0, false
		}
		if r.n.is(kindInf, kindNaN) {
			d.errorf(nd, "want a finite number, got %s", scalarText(r.n))
		} else {
			d.errorf(nd, "want a number, got %s", describe(r))
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
	if r.n.is(kindBool) {
		return r.n.flag, true
	}
	if d.cannotBeUncertain(nd, r) {
		return false, false
	}
	d.errorf(nd, "want true or false, got %s", describe(r))
	return false, false
}
