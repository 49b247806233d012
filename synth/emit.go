package synth

import (
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/token"
)

// emitter writes the generated file from the generator's data, as YAML or
// as JSON laid out the same way: a block collection (records) one entry a
// line, a flow collection (the short lists and maps inside them) on one
// line. The JSON is written directly, not converted from the YAML: a YAML
// library takes some 27 s to convert a 10,000-service file, the generator
// a fraction of a second to write it.
//
// The render functions call open, key, plain, quoted and close in the
// order of the file; the emitter keeps a stack of the collections open.
type emitter struct {
	b     []byte
	json  bool
	stack []frame
}

// frame is an open collection.
type frame struct {
	kind   collKind
	layout layout
	n      int // entries written so far
	// indent is, in YAML, the column of a block collection's keys or
	// dashes; in JSON, the depth of a block collection.
	indent int
	// dashed is set on a YAML block mapping that is an item of a block
	// list: its first key follows the "- ".
	dashed bool
}

// layout is how a collection is written.
type layout uint8

const (
	block layout = iota // one entry a line
	flow                // on one line, in brackets
)

// collKind says whether a collection is a mapping or a list.
type collKind uint8

const (
	mapping collKind = iota
	list
)

// brackets are a collection's opening and closing brackets, by kind.
var brackets = [...][2]byte{mapping: {'{', '}'}, list: {'[', ']'}}

// comment writes a comment line (YAML only: JSON has none).
func (e *emitter) comment(s string) {
	if !e.json {
		e.b = append(e.b, "# "...)
		e.b = append(e.b, s...)
		e.b = append(e.b, '\n')
	}
}

func (e *emitter) top() *frame {
	if len(e.stack) == 0 {
		return nil
	}
	return &e.stack[len(e.stack)-1]
}

// key starts the entry k of the open mapping; its value comes next.
func (e *emitter) key(k string) {
	f := e.top()
	switch {
	case e.json && f.layout == flow:
		if f.n > 0 {
			e.b = append(e.b, ", "...)
		}
		e.b = strconv.AppendQuote(e.b, k)
	case e.json:
		if f.n > 0 {
			e.b = append(e.b, ',')
		}
		e.newline(f.indent + 1)
		e.b = strconv.AppendQuote(e.b, k)
	case f.layout == flow:
		if f.n > 0 {
			e.b = append(e.b, ", "...)
		}
		e.b = append(e.b, k...)
	default:
		if f.n > 0 || !f.dashed {
			e.spaces(f.indent)
		}
		e.b = append(e.b, k...)
	}
	e.b = append(e.b, ':')
	f.n++
}

// open starts a collection as the next value.
func (e *emitter) open(k collKind, l layout) {
	parent := e.top()
	next := frame{kind: k, layout: l}
	e.startValue(l == block)
	switch {
	case parent == nil:
	case e.json:
		next.indent = parent.indent + 1
	case parent.kind == list:
		next.indent, next.dashed = parent.indent+2, true
		if k == list && l == block {
			panic("synth: a block list as an item of a block list")
		}
	default:
		next.indent = parent.indent + 2
	}
	if e.json || l == flow {
		e.b = append(e.b, brackets[k][0])
	}
	e.stack = append(e.stack, next)
}

// close ends the open collection.
func (e *emitter) close() {
	f := e.top()
	e.stack = e.stack[:len(e.stack)-1]
	if e.json && f.layout == block {
		e.newline(f.indent)
	}
	if e.json || f.layout == flow {
		e.b = append(e.b, brackets[f.kind][1])
	}
	e.endValue(f.layout)
	if e.json && len(e.stack) == 0 {
		e.b = append(e.b, '\n')
	}
}

// startValue writes what goes before the next value: after a key, the
// space (or in YAML, before a block collection, the end of the line);
// in a list, the separator or the "- ".
func (e *emitter) startValue(isBlock bool) {
	f := e.top()
	switch {
	case f == nil:
	case f.kind == mapping:
		if !e.json && isBlock {
			e.b = append(e.b, '\n')
		} else {
			e.b = append(e.b, ' ')
		}
	case e.json && f.layout == block:
		if f.n > 0 {
			e.b = append(e.b, ',')
		}
		e.newline(f.indent + 1)
		f.n++
	case f.layout == flow:
		if f.n > 0 {
			e.b = append(e.b, ", "...)
		}
		f.n++
	default:
		e.spaces(f.indent)
		e.b = append(e.b, "- "...)
		f.n++
	}
}

// endValue ends the line of a scalar or flow value in a YAML block
// collection.
func (e *emitter) endValue(l layout) {
	if f := e.top(); !e.json && l == flow && f != nil && f.layout == block {
		e.b = append(e.b, '\n')
	}
}

// plain writes a plain scalar; in JSON, as a number or a boolean when YAML
// reads it as one and JSON can say it, else as a string, so that the two
// files mean the same.
func (e *emitter) plain(s string) {
	e.startValue(false)
	switch {
	case !e.json:
		e.b = append(e.b, s...)
	case s == "true" || s == "false" || jsonNumber(s) && token.ToNumber(s) != nil:
		e.b = append(e.b, s...)
	default:
		e.b = strconv.AppendQuote(e.b, s)
	}
	e.endValue(flow)
}

// quoted writes a double-quoted string.
func (e *emitter) quoted(s string) {
	e.startValue(false)
	e.b = strconv.AppendQuote(e.b, s)
	e.endValue(flow)
}

// int writes an integer.
func (e *emitter) int(x int64) { e.plain(strconv.FormatInt(x, 10)) }

// kv writes the entry k with a plain scalar value; ki with an integer.
func (e *emitter) kv(k, v string)       { e.key(k); e.plain(v) }
func (e *emitter) ki(k string, x int64) { e.key(k); e.int(x) }

func (e *emitter) newline(depth int) {
	e.b = append(e.b, '\n')
	e.spaces(2 * depth)
}

func (e *emitter) spaces(n int) {
	e.b = append(e.b, strings.Repeat(" ", n)...)
}

// jsonNumber reports whether s is a number as JSON writes it.
func jsonNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if intPart == "" || len(intPart) > 1 && intPart[0] == '0' || !digits(intPart) {
		return false
	}
	return !hasFrac || frac != "" && digits(frac)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// lognorm writes {lognormal: {median: M, p95: P}}.
func (e *emitter) lognorm(l lognorm) { e.lognormal(dur(l.median), dur(l.p95)) }

// lognormal writes {lognormal: {median: median, p95: p95}}.
func (e *emitter) lognormal(median, p95 string) {
	e.open(mapping, flow)
	e.key("lognormal")
	e.open(mapping, flow)
	e.kv("median", median)
	e.kv("p95", p95)
	e.close()
	e.close()
}

// exponential writes {exponential: {mean: M}}.
func (e *emitter) exponential(mean int64) {
	e.open(mapping, flow)
	e.key("exponential")
	e.open(mapping, flow)
	e.kv("mean", dur(mean))
	e.close()
	e.close()
}
