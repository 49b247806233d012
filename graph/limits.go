package graph

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/dominosim/domino/internal/boundedio"
)

// Limits on one input file, checked before and while it is parsed, so that
// a hostile or broken file is refused in bounded time and memory (see
// docs/errors.md for the figures behind them).
const (
	// MaxFileSize is the largest file Load reads, in bytes. goccy/go-yaml
	// needs over 100 bytes of memory per byte of input (5.3 GB of RSS for
	// the 40 MB of 100,000 services as domino gen writes them), so a 64 MiB
	// file, some 160,000 services, takes about 9 GB.
	MaxFileSize = 64 << 20
	// MaxDepth is the deepest nesting of mappings and lists accepted. The
	// parser's time grows with the square of the depth (100,000 nested
	// brackets took 45 s and 15 GB); domino's own files need about 10.
	MaxDepth = 64
	// MaxBlockKeys is the most keys one block mapping (one key a line)
	// may have: goccy/go-yaml's time grows with their square (10,000
	// keys took 3.3 s, 40,000 53 s; see tooDeep). Flow mappings and JSON
	// objects have no such limit; domino's own mappings have a few keys.
	MaxBlockKeys = 4096
	// aliasesPerToken bounds alias expansions by the file's size: a file
	// that uses anchors as shorthand expands each alias a few times, while
	// a "billion laughs" expands them exponentially.
	aliasesPerToken = 16
	// MaxTrials is the most trials a scenario or a command may ask for:
	// at tens of thousands of trials a second a billion is a day's work,
	// and beyond it a typo (an extra 0, a pasted number) is likelier.
	MaxTrials = 1_000_000_000
	// MaxOccurrences bounds the expected occurrences of one event given
	// as a rate, over the scenario's horizon.
	MaxOccurrences = 1_000_000
	// minAliases is the alias expansions every file may use.
	minAliases = 10000

	// MaxUsers is the most users one service may have: over a hundred
	// times the people on Earth.
	MaxUsers = 1_000_000_000_000
	// MaxCostPerHour is the largest cost_per_hour of one service, in any
	// currency.
	MaxCostPerHour = 1e15
	// MaxHorizon is the longest scenario horizon: a century. A trial
	// simulates one episode of outages, not a history.
	MaxHorizon = 100 * Year
	// MaxTrialTotal bounds what one trial may count of a platform-wide
	// figure (user-hours × 1000, money, crew-ms): 2^62, half of int64, so
	// that a total and its rounding cannot overflow. TrialTotals checks a
	// platform and horizon against it before anything runs.
	MaxTrialTotal = 1 << 62

	// freeTokens and bytesPerToken bound the tokens of a file (values,
	// keys and punctuation, counted by countTokens before parsing):
	// freeTokens plus one per bytesPerToken bytes. Parsing costs memory
	// per token, not per byte — some 450 bytes a token through
	// goccy/go-yaml, a tree node for each value through parseJSON — and
	// a list like [1,1,1,…] has a token per byte: 450 bytes of memory per
	// byte of input. Files people and programs write have 4 to 10 bytes
	// per token (domino gen's YAML 4.05, its JSON 4.8, the embedded
	// scenarios 7 to 9); dense ones within the first freeTokens are
	// accepted whatever their density. docs/errors.md has the memory
	// this leaves per byte of input.
	freeTokens    = 1 << 18
	bytesPerToken = 3
)

// maxTokens is the most tokens a file of n bytes may have.
func maxTokens(n int) int { return freeTokens + n/bytesPerToken }

// TrialTotals returns why a trial of platform p over the horizon (ms) could
// count a figure beyond MaxTrialTotal, and what to change; "" when none
// can. A trial counts at most, over the horizon: every service's users
// (user-hours), every service's cost_per_hour (money), and every crew job
// (3 per replica and 1 per site) running or queued (crew time). The sums
// are in float64, which cannot overflow; being off by a rounding near the
// limit is harmless, as the limit is half the int64 range.
func TrialTotals(p *Platform, horizon int64) string {
	var users, cost, replicas float64
	for _, s := range p.Services {
		users += float64(s.Users)
		cost += s.CostPerHour
		replicas += float64(len(s.Placement))
	}
	hours := float64(horizon) / float64(Hour)
	jobs := JobsPerReplica*replicas + float64(len(p.Sites))
	const limit = float64(MaxTrialTotal)
	h := FormatDuration(horizon)
	switch {
	case users > limit:
		return fmt.Sprintf("the services' users add up to %.3g: at most %.3g", users, limit)
	case users*hours*1000 > limit:
		return fmt.Sprintf("a trial could lose %.3g user-hours (%.3g users over all services for the %s horizon), "+
			"more than the %.3g domino counts exactly: lower users or shorten the horizon", users*hours, users, h, limit/1000)
	case cost*hours > limit:
		return fmt.Sprintf("a trial could lose %.3g in money (cost_per_hour %.3g over all services for the %s horizon), "+
			"more than the %.3g domino counts exactly: lower cost_per_hour or shorten the horizon", cost*hours, cost, h, limit)
	case jobs*float64(horizon) > limit:
		return fmt.Sprintf("a trial could count %.3g crew-hours (%.3g crew jobs for the %s horizon), "+
			"more than the %.3g domino counts exactly: shorten the horizon", jobs*hours, jobs, h, limit/float64(Hour))
	}
	return ""
}

// readLimited reads r up to MaxFileSize bytes; more is an error, so that
// /dev/zero or a huge file is not read into memory. (Which files may be
// read at all is the opener's choice: LoadFile reads only regular files.)
func readLimited(r io.Reader) ([]byte, error) {
	var size int64
	if f, ok := r.(*os.File); ok {
		// A file's size is known: reading into a buffer of that size saves
		// io.ReadAll's doublings, which allocated twice a large file's size.
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	return boundedio.ReadLimited(r, MaxFileSize, size)
}

var errTooLarge = &boundedio.TooLargeError{Limit: MaxFileSize}

// parse checks data against the limits and parses it into the bodies of
// its non-empty documents. On failure it records the error and returns
// false. A file that is JSON (its first non-blank byte is '{') is read by
// parseJSON, in a fraction of the time and memory goccy/go-yaml takes
// (docs/errors.md, "Scale", has the figures for 100,000 services);
// anything parseJSON does not take goes to goccy/go-yaml, so that every
// error is worded as before.
func (d *decoder) parse(data []byte, src *source) ([]*tnode, bool) {
	if len(data) > MaxFileSize {
		d.errs.Add(Pos{File: src.name, Line: 1, Col: 1}, "", "%v", errTooLarge)
		return nil, false
	}
	// A byte order mark is how some editors start a UTF-8 file; it is not
	// part of the first key ("\ufeffversion" is not "version").
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if pos, b, ok := invalidUTF8(data); !ok {
		pos.File = src.name
		d.errs.Add(pos, "", "invalid UTF-8 (byte %#02x): save the file as UTF-8", b)
		return nil, false
	}
	if n, limit := countTokens(data), maxTokens(len(data)); n > limit {
		d.errs.Add(Pos{File: src.name, Line: 1, Col: 1}, "",
			"too dense to parse: %d tokens (values, keys, punctuation) in %d bytes, over the %d allowed "+
				"(%d plus one per %d bytes), which bound the memory parsing takes",
			n, len(data), limit, freeTokens, bytesPerToken)
		return nil, false
	}
	if !d.yamlOnly && looksLikeJSON(data) {
		if root, ok := parseJSON(data); ok {
			src.data = data
			src.anchors = nil
			d.maxAliases += minAliases
			return []*tnode{root}, true
		}
	}
	tokens := lexer.Tokenize(string(data))
	if tk, wide := tooDeep(tokens); tk != nil {
		pos := Pos{File: src.name, Line: tk.Position.Line, Col: max(tk.Position.Column, 1)}
		if wide {
			d.errs.Add(pos, "", "more than %d keys in one block mapping: write a mapping this large in flow style ({a: 1, b: 2}) or as JSON", MaxBlockKeys)
		} else {
			d.errs.Add(pos, "", "nesting deeper than %d levels", MaxDepth)
		}
		return nil, false
	}
	f, err := parser.Parse(tokens, 0, parser.AllowDuplicateMapKey())
	if err != nil {
		d.syntaxError(src, err)
		return nil, false
	}
	var aliases int
	for _, tk := range tokens {
		if tk.Type == token.AliasType {
			aliases++
		}
	}
	d.maxAliases += max(minAliases, aliasesPerToken*aliases)
	var docs []*tnode
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		// Aliases refer to the anchors of their own document; only the
		// first document is decoded.
		c := &converter{anchors: map[string]anchorDef{}, origs: src.origs}
		docs = append(docs, c.fromAST(doc.Body, 0))
		src.origs = c.origs
		anchors := make(map[string]*tnode, len(c.anchors))
		for name, a := range c.anchors {
			anchors[name] = a.n
		}
		src.docAnchors = append(src.docAnchors, anchors)
		if len(docs) == 1 {
			src.anchors = anchors
		}
	}
	return docs, true
}

// invalidUTF8 returns the line and byte column of the first byte that is
// not UTF-8, and that byte; ok when there is none.
func invalidUTF8(data []byte) (pos Pos, b byte, ok bool) {
	if utf8.Valid(data) {
		return Pos{}, 0, true
	}
	line, start := 1, 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return Pos{Line: line, Col: i - start + 1}, data[i], false
		}
		if r == '\n' {
			line, start = line+1, i+1
		}
		i += size
	}
	return Pos{}, 0, true
}

// tooDeep returns the first token nested deeper than MaxDepth, or the
// first key past MaxBlockKeys in one block mapping (wide true), or nil.
// Flow collections ([...] and {...}) nest by their brackets; block
// collections by the columns of their keys and "-" entries, kept on a stack
// as a YAML parser keeps indentation: a column right of the top opens a
// level, one at or left of it closes levels. Keys and entries on one line
// (- - - x, a: b: c) each open a level, which is how the parser sees them.
// A key at the column of the key on top of the stack is the next key of
// the same mapping, counted: goccy/go-yaml parses a block mapping by
// recursing once per key and copying the keys after it, so its time grows
// with the square of the keys (40,000 took 53 s).
func tooDeep(tokens token.Tokens) (tk *token.Token, wide bool) {
	type level struct {
		col  int
		key  bool // a mapping key, not a "-" entry
		keys int  // with key: the keys seen in this mapping
	}
	var levels []level
	flow := 0
	var prev *token.Token
	for _, tk := range tokens {
		if tk == nil || tk.Position == nil {
			continue
		}
		col, key := -1, false
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			flow++
		case token.SequenceEndType, token.MappingEndType:
			flow = max(flow-1, 0)
		case token.SequenceEntryType:
			col = tk.Position.Column
		case token.MappingKeyType:
			col, key = tk.Position.Column, true
		case token.MappingValueType:
			if prev != nil && prev.Position != nil {
				col, key = prev.Position.Column, true
			}
		case token.CommentType:
			continue
		}
		if col >= 0 && flow == 0 {
			for len(levels) > 0 && levels[len(levels)-1].col > col {
				levels = levels[:len(levels)-1]
			}
			if top := len(levels) - 1; top >= 0 && levels[top].col == col && levels[top].key && key {
				levels[top].keys++
				if levels[top].keys > MaxBlockKeys {
					if tk.Type == token.MappingValueType {
						return prev, true // the key, not its colon
					}
					return tk, true
				}
			} else {
				if top >= 0 && levels[top].col == col {
					levels = levels[:top]
				}
				levels = append(levels, level{col: col, key: key, keys: 1})
			}
		}
		if len(levels)+flow > MaxDepth {
			return tk, false
		}
		prev = tk
	}
	return nil, false
}
