package graph

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/dominosim/domino/internal/slab"
	"github.com/goccy/go-yaml/token"
)

// parseJSON reads a JSON document (RFC 8259) into the tree goccy/go-yaml's
// AST converts to (tree.go): the same kinds, texts and line:column
// positions, so that every message reads as for the file parsed as YAML
// (JSON is YAML). It gives up, returning false, on anything it does not
// read exactly as goccy would: a syntax error, nesting deeper than
// MaxDepth, a tab, a control character or a surrogate escape in a string,
// text after the value. The caller then parses the file with goccy, which
// reports the error or reads the YAML.
//
// It makes one pass with no tokens: nodes come from slabs, strings without
// escapes share data's bytes, and columns are counted in runes as goccy
// counts them, moving forward from the last one. Sharing the bytes saves a
// copy of the whole file (50 MB for 100,000 services) and is safe because
// no one writes to data afterwards: the loader reads every file into a
// buffer of its own (readLimited, fs.ReadFile) and keeps it only to re-read
// nodes as written (advised.go).
func parseJSON(data []byte) (*tnode, bool) {
	p := &jsonParser{data: data, text: unsafe.String(unsafe.SliceData(data), len(data)), line: 1, col: 1}
	p.skipSpace()
	root, ok := p.value(0)
	if !ok {
		return nil, false
	}
	p.skipSpace()
	if p.i != len(data) {
		return nil, false
	}
	return root, true
}

// looksLikeJSON reports whether the first non-blank byte of data is '{'.
func looksLikeJSON(data []byte) bool {
	for _, c := range data {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return true
		}
		return false
	}
	return false
}

type jsonParser struct {
	data []byte
	text string // data's bytes as a string, for substrings without copies
	i    int
	// line and col are the position of byte mark.
	line, col int32
	mark      int
	nodes     slab.Slab[tnode]
	kids      slab.Slab[*tnode]   // for the kids of each container
	heads     slab.Slab[[]*tnode] // what tnode.kidp points to
	stack     []*tnode            // kids of the open containers
}

// at returns the line and rune column of byte i, which is at or after mark.
func (p *jsonParser) at(i int) (int32, int32) {
	for p.mark < i {
		c := p.data[p.mark]
		switch {
		case c == '\n':
			p.line, p.col = p.line+1, 1
			p.mark++
		case c < utf8.RuneSelf:
			p.col++
			p.mark++
		default:
			_, size := utf8.DecodeRune(p.data[p.mark:])
			p.col++
			p.mark += size
		}
	}
	return p.line, p.col
}

func (p *jsonParser) node(k kind, start int) *tnode {
	n := p.nodes.New()
	n.kind = k
	n.line, n.col = p.at(start)
	n.off, n.end = int32(start), int32(start)
	return n
}

// keep moves the kids of the stack from from on into the kids slab, and
// returns them as a tnode's kidp, from the heads slab.
func (p *jsonParser) keep(from int) *[]*tnode {
	n := len(p.stack) - from
	if n == 0 {
		return nil
	}
	out := p.heads.New()
	*out = p.kids.Make(n)
	copy(*out, p.stack[from:])
	p.stack = p.stack[:from]
	return out
}

// skipSpace skips blanks. It stops at a tab, which parseJSON then
// refuses: goccy counts columns after tabs its own way.
func (p *jsonParser) skipSpace() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (*tnode, bool) {
	if p.i >= len(p.data) {
		return nil, false
	}
	switch c := p.data[p.i]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	for _, lit := range [...]struct {
		text string
		kind kind
		val  bool
	}{{"true", kindBool, true}, {"false", kindBool, false}, {"null", kindNull, false}} {
		if len(p.data)-p.i >= len(lit.text) && p.text[p.i:p.i+len(lit.text)] == lit.text {
			n := p.node(lit.kind, p.i)
			n.text, n.flag = lit.text, lit.val
			p.i += len(lit.text)
			n.end = int32(p.i)
			return n, true
		}
	}
	return nil, false
}

func (p *jsonParser) object(depth int) (*tnode, bool) {
	if depth > MaxDepth {
		return nil, false
	}
	n := p.node(kindMap, p.i)
	n.text = "{"
	p.i++ // {
	from := len(p.stack)
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == '}' {
		p.i++
		n.end = int32(p.i)
		return n, true
	}
	for {
		if p.i >= len(p.data) || p.data[p.i] != '"' {
			return nil, false
		}
		key, ok := p.str()
		if !ok {
			return nil, false
		}
		p.skipSpace()
		if p.i >= len(p.data) || p.data[p.i] != ':' {
			return nil, false
		}
		p.i++
		p.skipSpace()
		val, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		p.stack = append(p.stack, key, val)
		p.skipSpace()
		if p.i >= len(p.data) {
			return nil, false
		}
		if p.data[p.i] == '}' {
			p.i++
			break
		}
		if p.data[p.i] != ',' {
			return nil, false
		}
		p.i++
		p.skipSpace()
	}
	n.kidp = p.keep(from)
	// A mapping is where its first key is (nodeLineCol), not its brace.
	first := n.kids()[0]
	n.line, n.col = first.line, first.col
	n.end = int32(p.i)
	return n, true
}

func (p *jsonParser) array(depth int) (*tnode, bool) {
	if depth > MaxDepth {
		return nil, false
	}
	n := p.node(kindSeq, p.i)
	n.text = "["
	p.i++ // [
	from := len(p.stack)
	p.skipSpace()
	if p.i < len(p.data) && p.data[p.i] == ']' {
		p.i++
		n.end = int32(p.i)
		return n, true
	}
	for {
		v, ok := p.value(depth)
		if !ok {
			return nil, false
		}
		p.stack = append(p.stack, v)
		p.skipSpace()
		if p.i >= len(p.data) {
			return nil, false
		}
		if p.data[p.i] == ']' {
			p.i++
			break
		}
		if p.data[p.i] != ',' {
			return nil, false
		}
		p.i++
		p.skipSpace()
	}
	n.kidp = p.keep(from)
	n.end = int32(p.i)
	return n, true
}

// str reads a string; one with escapes is decoded into a new string.
func (p *jsonParser) str() (*tnode, bool) {
	start := p.i
	n := p.node(kindString, start)
	p.i++ // "
	plain := true
	for {
		if p.i >= len(p.data) {
			return nil, false
		}
		c := p.data[p.i]
		if c == '"' {
			break
		}
		if c < 0x20 {
			return nil, false
		}
		if c == '\\' {
			plain = false
			p.i++
			if p.i >= len(p.data) {
				return nil, false
			}
		}
		p.i++
	}
	raw := p.text[start+1 : p.i]
	p.i++ // "
	n.end = int32(p.i)
	if plain {
		n.text = raw
		return n, true
	}
	s, ok := unescapeJSON(raw)
	n.text = s
	return n, ok
}

// unescapeJSON decodes the escapes of a JSON string's contents. It refuses
// surrogate escapes (\ud83d\ude00), which goccy decodes differently.
func unescapeJSON(raw string) (string, bool) {
	b := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		switch raw[i] {
		case '"', '\\', '/':
			b = append(b, raw[i])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			if i+5 > len(raw) {
				return "", false
			}
			v, err := strconv.ParseUint(raw[i+1:i+5], 16, 16)
			if err != nil || utf16.IsSurrogate(rune(v)) {
				return "", false
			}
			b = utf8.AppendRune(b, rune(v))
			i += 4
		default:
			return "", false
		}
	}
	return string(b), true
}

// number reads a number as RFC 8259 writes it, and classifies it as goccy
// does: 12 and -0 are integers, 1.5 a float, and 1e3 or an integer beyond
// int64 a plain string (numberText still reads it as a number).
func (p *jsonParser) number() (*tnode, bool) {
	start := p.i
	if p.data[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		from := p.i
		for p.i < len(p.data) && p.data[p.i] >= '0' && p.data[p.i] <= '9' {
			p.i++
		}
		return p.i - from
	}
	intStart := p.i
	nInt := digits()
	if nInt == 0 || nInt > 1 && p.data[intStart] == '0' {
		return nil, false
	}
	simple := true
	if p.i < len(p.data) && p.data[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, false
		}
		simple = false
	}
	if p.i < len(p.data) && (p.data[p.i] == 'e' || p.data[p.i] == 'E') {
		p.i++
		if p.i < len(p.data) && (p.data[p.i] == '+' || p.data[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, false
		}
		simple = false
	}
	lit := p.text[start:p.i]
	n := p.node(kindInt, start)
	n.text, n.end = lit, int32(p.i)
	if simple && nInt <= 18 {
		return n, true
	}
	switch num := token.ToNumber(lit); {
	case num == nil:
		n.kind, n.flag = kindString, true
	case num.Type == token.NumberTypeFloat:
		n.kind = kindFloat
	}
	return n, true
}
