package synth

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/token"
)

// GenerateJSON returns the file Generate returns, written as JSON (the
// comments at its top are dropped). A large platform loads several times
// faster as JSON: domino reads JSON with a scanner of its own.
func GenerateJSON(opt Options) ([]byte, error) {
	b, err := Generate(opt)
	if err != nil {
		return nil, err
	}
	return toJSON(b)
}

// toJSON rewrites YAML in the subset render writes as indented JSON: block
// mappings and "- " lists by indentation, flow collections, plain scalars
// and double-quoted strings, comment lines. A plain scalar YAML reads as a
// number or a boolean is written as one, so the two files mean the same
// (synth_test.go loads both and compares).
func toJSON(yaml []byte) ([]byte, error) {
	var lines []string
	for _, l := range strings.Split(string(yaml), "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			lines = append(lines, l)
		}
	}
	t := &transcoder{lines: lines, out: bytes.NewBuffer(make([]byte, 0, len(yaml)+len(yaml)/2))}
	if err := t.block(0, 0); err != nil {
		return nil, err
	}
	if t.next != len(lines) {
		return nil, fmt.Errorf("synth: json: line %q is not nested where expected", lines[t.next])
	}
	t.out.WriteByte('\n')
	return t.out.Bytes(), nil
}

type transcoder struct {
	lines []string
	next  int // the next line to read
	out   *bytes.Buffer
}

func indentOf(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }

func (t *transcoder) newline(depth int) {
	t.out.WriteByte('\n')
	t.out.WriteString(strings.Repeat("  ", depth))
}

// block writes the block collection whose lines are indented by indent.
func (t *transcoder) block(indent, depth int) error {
	if t.next >= len(t.lines) {
		return fmt.Errorf("synth: json: missing block")
	}
	if strings.HasPrefix(t.lines[t.next][indent:], "- ") {
		return t.list(indent, depth)
	}
	return t.mapping(indent, "", depth)
}

// list writes a block list; each item's first line starts with "- ".
func (t *transcoder) list(indent, depth int) error {
	t.out.WriteByte('[')
	for n := 0; t.next < len(t.lines); n++ {
		l := t.lines[t.next]
		if indentOf(l) != indent || !strings.HasPrefix(l[indent:], "- ") {
			break
		}
		if n > 0 {
			t.out.WriteByte(',')
		}
		t.newline(depth + 1)
		rest := l[indent+2:]
		if strings.HasPrefix(rest, "{") || strings.HasPrefix(rest, "[") || !strings.Contains(rest, ": ") {
			t.next++
			if err := t.flow(rest); err != nil {
				return err
			}
			continue
		}
		// "- key: value" opens a mapping whose other keys are indented
		// under the key.
		if err := t.mapping(indent+2, rest, depth+1); err != nil {
			return err
		}
	}
	t.newline(depth)
	t.out.WriteByte(']')
	return nil
}

// mapping writes a block mapping; first, when set, is its first line's
// text after a "- ".
func (t *transcoder) mapping(indent int, first string, depth int) error {
	t.out.WriteByte('{')
	for n := 0; t.next < len(t.lines); n++ {
		l := t.lines[t.next]
		var text string
		switch {
		case n == 0 && first != "":
			text = first
		case indentOf(l) == indent && !strings.HasPrefix(l[indent:], "- "):
			text = l[indent:]
		default:
			n = -1
		}
		if n < 0 {
			break
		}
		t.next++
		key, val, ok := strings.Cut(text, ":")
		if !ok {
			return fmt.Errorf("synth: json: want key: value, got %q", text)
		}
		if n > 0 {
			t.out.WriteByte(',')
		}
		t.newline(depth + 1)
		t.scalar(key)
		t.out.WriteString(": ")
		if val = strings.TrimSpace(val); val != "" {
			if err := t.flow(val); err != nil {
				return err
			}
			continue
		}
		if t.next >= len(t.lines) || indentOf(t.lines[t.next]) < indent {
			return fmt.Errorf("synth: json: key %q has no value", key)
		}
		if err := t.block(indentOf(t.lines[t.next]), depth+1); err != nil {
			return err
		}
	}
	t.newline(depth)
	t.out.WriteByte('}')
	return nil
}

// flow writes a flow value that fills s.
func (t *transcoder) flow(s string) error {
	rest, err := t.flowValue(strings.TrimSpace(s))
	if err == nil && strings.TrimSpace(rest) != "" {
		err = fmt.Errorf("synth: json: text after a value: %q", rest)
	}
	return err
}

// flowValue writes the flow value at the start of s and returns what follows.
func (t *transcoder) flowValue(s string) (string, error) {
	s = strings.TrimLeft(s, " ")
	switch {
	case s == "":
		return "", fmt.Errorf("synth: json: missing value")
	case s[0] == '{' || s[0] == '[':
		open, end := s[0], byte('}')
		if open == '[' {
			end = ']'
		}
		t.out.WriteByte(open)
		s = strings.TrimLeft(s[1:], " ")
		for n := 0; ; n++ {
			if s != "" && s[0] == end {
				t.out.WriteByte(end)
				return s[1:], nil
			}
			if n > 0 {
				if s == "" || s[0] != ',' {
					return "", fmt.Errorf("synth: json: want , or %c in %q", end, s)
				}
				t.out.WriteString(", ")
				s = s[1:]
			}
			var err error
			if open == '{' {
				k, v, ok := strings.Cut(strings.TrimLeft(s, " "), ":")
				if !ok {
					return "", fmt.Errorf("synth: json: want key: value in %q", s)
				}
				t.scalar(k)
				t.out.WriteString(": ")
				s = v
			}
			if s, err = t.flowValue(s); err != nil {
				return "", err
			}
			s = strings.TrimLeft(s, " ")
		}
	case s[0] == '"':
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return "", fmt.Errorf("synth: json: %w in %q", err, s)
		}
		v, _ := strconv.Unquote(q)
		t.str(v)
		return s[len(q):], nil
	}
	i := strings.IndexAny(s, ",}]")
	if i < 0 {
		i = len(s)
	}
	t.scalar(s[:i])
	return s[i:], nil
}

// scalar writes a plain scalar: as a number or boolean when YAML reads it
// as one and JSON can say it, else as a string.
func (t *transcoder) scalar(s string) {
	s = strings.TrimSpace(s)
	switch {
	case s == "true" || s == "false":
		t.out.WriteString(s)
	case jsonNumber(s) && token.ToNumber(s) != nil:
		t.out.WriteString(s)
	default:
		t.str(s)
	}
}

func (t *transcoder) str(s string) {
	t.out.WriteString(strconv.Quote(s))
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
