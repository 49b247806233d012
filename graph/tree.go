package graph

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// The decoder walks a tree of tnodes rather than goccy/go-yaml's AST, so
// that a JSON file can be read by a small scanner (json.go) into the same
// tree as goccy would give for it, positions and all, without goccy's
// lexer and parser: on 100,000 services they take ten seconds and 4 GB.
// A YAML file is parsed by goccy and its AST converted (fromAST).

// kind is what a tnode is. The scalar kinds follow goccy's node types, so
// that messages name them as before ("the number 3", "a block string").
type kind uint8

const (
	kindNull    kind = iota
	kindBool         // text is as written (true, True, ...), flag the value
	kindInt          // any integer goccy recognises: 12, 0x1f, 0o17, 1_000
	kindFloat        // 1.5, -0.25
	kindInf          // .inf
	kindNaN          // .nan
	kindString       // flag: written plain, without quotes
	kindLiteral      // a block scalar (| or >)
	kindMap          // kids: key0, value0, key1, value1, ...
	kindSeq          // kids: the items
	kindAnchor       // &name value; kids: [value]
	kindAlias        // *name; kids: [the name]
	kindTag          // !tag value; text: the tag
	kindMapKey       // an explicit "? key"; kids: [key]
	kindOther        // any other YAML node, described by its goccy type
)

// tnode is one node of a parsed file. A nil *tnode stands for an absent
// node (goccy's nil), which positions at 1:1 and reads as null.
type tnode struct {
	kind kind
	// flag is the value of a bool, whether a string is plain, and whether
	// a key is the merge key <<.
	flag      bool
	line, col int32
	// text is the scalar's text (for the other kinds, the text of the
	// node's first token, as goccy's GetToken gives it).
	text string
	// kidp points to the kids of a mapping, list, anchor, alias, tag or
	// explicit key (see kids): most nodes are scalars, and a pointer is 8
	// bytes where a slice is 24, on 5 million nodes for a large platform.
	kidp *[]*tnode
	// off:end are the bytes of a JSON node in its source's data; for a YAML
	// node off is -1-i, where i indexes the goccy nodes of its source
	// (source.origs). advised.go re-reads a platform or scenario as
	// written. Keeping the goccy node out of tnode saves 16 of its 80
	// bytes, and a large platform has 5 million nodes.
	off, end int32
}

// anchor is a definition seen while converting; seq orders them as
// collectAnchors used to, in preorder, so that the last one wins.
type anchorDef struct {
	seq int
	n   *tnode
}

// converter turns a goccy AST into tnodes.
type converter struct {
	anchors map[string]anchorDef
	seq     int
	origs   []ast.Node // the goccy node of each tnode made; see tnode.off
}

// maxTreeDepth bounds the conversion's recursion; MaxDepth keeps real
// files far below it (each level of nesting is two or three AST levels).
const maxTreeDepth = 1000

// fromAST converts n and records the anchors it defines.
func (c *converter) fromAST(n ast.Node, depth int) *tnode {
	if n == nil || depth > maxTreeDepth || isNilNode(n) {
		return nil
	}
	line, col := nodeLineCol(n, 0)
	t := &tnode{line: int32(line), col: int32(col), text: scalarTextAST(n), off: int32(-1 - len(c.origs)), end: -1}
	c.origs = append(c.origs, n)
	switch n := n.(type) {
	case *ast.NullNode:
		t.kind = kindNull
	case *ast.BoolNode:
		t.kind, t.flag = kindBool, n.Value
	case *ast.IntegerNode:
		t.kind = kindInt
	case *ast.FloatNode:
		t.kind = kindFloat
	case *ast.InfinityNode:
		t.kind = kindInf
	case *ast.NanNode:
		t.kind = kindNaN
	case *ast.StringNode:
		t.kind, t.flag = kindString, n.Token != nil && n.Token.Type == token.StringType
	case *ast.LiteralNode:
		t.kind = kindLiteral
	case *ast.MappingNode:
		t.kind = kindMap
		kids := make([]*tnode, 0, 2*len(n.Values))
		for _, mv := range n.Values {
			if mv != nil {
				kids = append(kids, c.pair(mv, depth)...)
			}
		}
		t.setKids(kids)
	case *ast.MappingValueNode:
		t.kind = kindMap
		t.setKids(c.pair(n, depth))
	case *ast.SequenceNode:
		t.kind = kindSeq
		kids := make([]*tnode, len(n.Values))
		for i, v := range n.Values {
			kids[i] = c.fromAST(v, depth+1)
		}
		t.setKids(kids)
	case *ast.AnchorNode:
		t.kind = kindAnchor
		seq := c.seq
		c.seq++
		t.setKids([]*tnode{c.fromAST(n.Value, depth+1)})
		if n.Name != nil {
			name := scalarTextAST(n.Name)
			if prev, ok := c.anchors[name]; !ok || prev.seq < seq {
				c.anchors[name] = anchorDef{seq, t.kids()[0]}
			}
		}
	case *ast.AliasNode:
		t.kind = kindAlias
		t.setKids([]*tnode{c.fromAST(n.Value, depth+1)})
	case *ast.TagNode:
		t.kind = kindTag
		t.setKids([]*tnode{c.fromAST(n.Value, depth+1)})
	case *ast.MappingKeyNode:
		t.kind = kindMapKey
		t.setKids([]*tnode{c.fromAST(n.Value, depth+1)})
	case *ast.DocumentNode:
		return c.fromAST(n.Body, depth+1)
	default:
		t.kind = kindOther
	}
	return t
}

// pair converts one key and value; the key carries the merge-key flag.
func (c *converter) pair(mv *ast.MappingValueNode, depth int) []*tnode {
	var key *tnode
	if mv.Key != nil && !isNilNode(mv.Key) {
		key = c.fromAST(mv.Key, depth+1)
		if key != nil {
			key.flag = mv.Key.IsMergeKey()
		}
	}
	return []*tnode{key, c.fromAST(mv.Value, depth+1)}
}

// isNilNode reports a typed nil inside the interface.
func isNilNode(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.MappingNode:
		return n == nil
	case *ast.MappingValueNode:
		return n == nil
	case *ast.SequenceNode:
		return n == nil
	case *ast.StringNode:
		return n == nil
	case *ast.AnchorNode:
		return n == nil
	case *ast.AliasNode:
		return n == nil
	case *ast.TagNode:
		return n == nil
	case *ast.MappingKeyNode:
		return n == nil
	case *ast.DocumentNode:
		return n == nil
	case *ast.LiteralNode:
		return n == nil
	}
	return false
}

// scalarTextAST returns the text of a scalar node, or for another node the
// value of its first token.
func scalarTextAST(n ast.Node) string {
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
func describe(nd node) string {
	n := nd.n
	if n == nil {
		return "nothing (null)"
	}
	switch n.kind {
	case kindNull:
		return "nothing (null)"
	case kindMap:
		return "a mapping"
	case kindSeq:
		return "a list"
	case kindBool:
		return "the boolean " + n.text
	case kindInt, kindFloat, kindInf, kindNaN:
		return "the number " + n.text
	case kindString:
		return fmt.Sprintf("the string %q", n.text)
	case kindLiteral:
		return "a block string"
	case kindAnchor:
		return "a YAML anchor"
	case kindAlias:
		return "a YAML alias"
	case kindTag:
		return "a YAML tag"
	case kindMapKey:
		return "a YAML mappingkey"
	}
	return "a YAML " + strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", nd.src.orig(n)), "*ast."), "Node"))
}

// scalarText returns the text of a scalar node, or "".
func scalarText(n *tnode) string {
	if n == nil {
		return ""
	}
	return n.text
}

// kids returns the node's children (see kind).
func (n *tnode) kids() []*tnode {
	if n.kidp == nil {
		return nil
	}
	return *n.kidp
}

// setKids sets the node's children.
func (n *tnode) setKids(kids []*tnode) {
	n.kidp = &kids
}

// is reports whether n is one of the kinds.
func (n *tnode) is(kinds ...kind) bool {
	if n == nil {
		return false
	}
	for _, k := range kinds {
		if n.kind == k {
			return true
		}
	}
	return false
}
