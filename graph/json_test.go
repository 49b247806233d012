package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goccyTree parses data with goccy/go-yaml and converts it, as Load does
// for YAML.
func goccyTree(t testing.TB, data []byte) *tnode {
	t.Helper()
	f, err := parser.ParseBytes(data, 0, parser.AllowDuplicateMapKey())
	require.NoError(t, err, "goccy")
	require.Len(t, f.Docs, 1, "goccy: documents")
	c := &converter{anchors: map[string]anchorDef{}}
	return c.fromAST(f.Docs[0].Body, 0)
}

// diffTree returns where a and b differ in kind, flag, text or position, or "".
func diffTree(a, b *tnode, at string) string {
	if a == nil || b == nil {
		if a != b {
			return fmt.Sprintf("%s: got %v, want %v", at, a, b)
		}
		return ""
	}
	if a.kind != b.kind || a.flag != b.flag || a.text != b.text || a.line != b.line || a.col != b.col {
		return fmt.Sprintf("%s: got kind %d flag %v text %q at %d:%d, want kind %d flag %v text %q at %d:%d",
			at, a.kind, a.flag, a.text, a.line, a.col, b.kind, b.flag, b.text, b.line, b.col)
	}
	if len(a.kids()) != len(b.kids()) {
		return fmt.Sprintf("%s: got %d kids, want %d", at, len(a.kids()), len(b.kids()))
	}
	for i := range a.kids() {
		if d := diffTree(a.kids()[i], b.kids()[i], fmt.Sprintf("%s/%d", at, i)); d != "" {
			return d
		}
	}
	return ""
}

// jsonCases are JSON texts at the edges of what parseJSON reads.
var jsonCases = []string{
	`{}`,
	`{"a": []}`,
	`{"a":1,"b":-0,"c":1.5,"d":-2.25e3,"e":1e3,"f":1E-2,"g":123456789012345678901234,"h":999999999999999999}`,
	`{"t": true, "f": false, "n": null, "s": "", "z": 0}`,
	`{"esc": "a\"b\\c\/d\b\f\n\r\t", "u": "\u00e9\u4e2d\u0041", "k\u00e9y": 1}`,
	"{\"multi\": \"né中😀\", \"after\": [1, 2, {\"x\": \"y\"}]}",
	"\n\n  {\n    \"a\": {\n      \"b\": [\n        1,\n        \"two\",\n        [], {}\n      ]\n    },\n    \"c\": \"d\"\n  }\n\n",
	"{\r\n  \"crlf\": 1,\r\n  \"b\": [1,\r\n 2]\r\n}\r\n",
	`{"a": "2022-10-15", "b": "1h30m", "c": "0x1f", "d": "true", "e": "null", "f": "1e3"}`,
	`{"nested": {"deeper": {"deepest": [[[["x"]]]]}}}`,
	`{"dup": 1, "dup": 2}`,
	`{"<<": {"a": 1}}`,
}

// TestParseJSONMatchesGoccy checks that parseJSON builds the very tree goccy
// gives for the same text, positions included, on the edge cases and on
// every testdata file written as JSON.
func TestParseJSONMatchesGoccy(t *testing.T) {
	cases := append(append([]string(nil), jsonCases...), testdataAsJSON(t)...)
	for i, text := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			got, ok := parseJSON([]byte(text))
			require.True(t, ok, "parseJSON refused %q", text)
			assert.Empty(t, diffTree(got, goccyTree(t, []byte(text)), "$"), "in %q", text)
		})
	}
}

// TestParseJSONRefuses checks that what is not JSON, or is JSON parseJSON
// cannot read as goccy does, goes to goccy.
func TestParseJSONRefuses(t *testing.T) {
	tests := []string{
		`{a: 1}`,
		`{"a": 1,}`,
		`{"a": 1} x`,
		`{"a": 1}{}`,
		`{"a": 'x'}`,
		`{"a": 01}`,
		`{"a": 1.}`,
		`{"a": .5}`,
		`{"a": +1}`,
		`{"a": tru}`,
		`{"a": "x`,
		"{\"a\": \"tab\there\"}",
		"{\n\t\"tabs\": {\n\t\t\"a\": [1,\t2]\n\t}\n}\n",
		`{"a": "\ud83d\ude00"}`,
		`{"a": "\x"}`,
		`{"a": "\u12"}`,
		`{"a" 1}`,
		`{"a": [1 2]}`,
		`{"a": [1,]}`,
		`{` + strings.Repeat(`"a": {`, MaxDepth) + strings.Repeat(`}`, MaxDepth) + `}`,
		`{"a": ` + strings.Repeat(`[`, MaxDepth) + strings.Repeat(`]`, MaxDepth) + `}`,
	}
	for _, text := range tests {
		_, ok := parseJSON([]byte(text))
		assert.False(t, ok, "parseJSON took %q", text)
	}
	// Just within the limit is read.
	deep := `{"a": ` + strings.Repeat(`[`, MaxDepth-1) + strings.Repeat(`]`, MaxDepth-1) + `}`
	_, ok := parseJSON([]byte(deep))
	assert.True(t, ok, "parseJSON refused %d levels", MaxDepth)
}

// testdataAsJSON returns every testdata YAML file that has no YAML-only
// features (anchors, tags, several documents) rewritten as indented JSON,
// and the JSON files as they are.
func testdataAsJSON(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, dir := range []string{"valid", "invalid"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*"))
		for _, name := range files {
			b, err := os.ReadFile(name)
			require.NoError(t, err)
			switch filepath.Ext(name) {
			case ".json":
				out = append(out, string(b))
			case ".yaml":
				if j, ok := yamlToJSON(b); ok {
					out = append(out, j)
				}
			}
		}
	}
	return out
}

// yamlToJSON rewrites a YAML file as JSON with the key order kept, or
// reports false when it uses what JSON cannot say.
func yamlToJSON(b []byte) (string, bool) {
	if bytes.ContainsAny(b, "&*!") || bytes.Contains(b, []byte("\n---")) {
		return "", false
	}
	var v yaml.MapSlice
	if err := yaml.UnmarshalWithOptions(b, &v, yaml.UseOrderedMap()); err != nil || v == nil {
		return "", false
	}
	j, err := yaml.MarshalWithOptions(v, yaml.JSON())
	if err != nil {
		return "", false
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, j, "", "  "); err != nil {
		return "", false
	}
	return buf.String(), true
}

// TestLoadJSONErrorsMatchGoccy loads every invalid testdata file written
// as JSON twice, through parseJSON and through goccy, and wants the same
// errors, positions included: the mistakes of the YAML goldens, in JSON.
func TestLoadJSONErrorsMatchGoccy(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	n := 0
	for _, name := range files {
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		j, ok := yamlToJSON(b)
		if !ok {
			continue
		}
		n++
		fast, slow := loadBoth(j, strings.TrimSuffix(name, ".yaml")+".json")
		assert.Equal(t, slow, fast, "%s as JSON: parseJSON's errors (actual) against goccy's (expected)", name)
		assert.NotEmpty(t, fast, "%s as JSON: loaded without errors", name)
	}
	assert.GreaterOrEqual(t, n, 20, "invalid files that could be written as JSON")
}

// loadBoth loads text through parseJSON and through goccy alone, and
// returns the errors of each ("" for none).
func loadBoth(text, name string) (fast, slow string) {
	open := func(ref string) ([]byte, string, error) {
		b, err := readFile(filepath.Join("testdata", "valid", ref))
		return b, ref, err
	}
	var errs [2]string
	for i, d := range []*decoder{{}, {yamlOnly: true}} {
		if _, err := d.load([]byte(text), name, open); err != nil {
			errs[i] = err.Error()
		}
	}
	return errs[0], errs[1]
}

// TestLoadJSONMistakes writes mistakes in JSON and checks the messages and
// positions, counted in runes on the JSON text.
func TestLoadJSONMistakes(t *testing.T) {
	const base = `{
  "version": 1,
  "platform": {
    "sites": [{"id": "dc1"}, {"id": "dc2"}],
    "services": [
      {"id": "db", "placement": {"dc1": 2, "dc2": 2}},
      {"id": "web", "name": "wéb", "placement": {"dc1": 1}, %s}
    ]
  }
}
`
	tests := []struct {
		name, entry, want string
	}{
		{"unknown service", `"depends_on": ["dbb"]`,
			`m.json:7:76: platform.services[1].depends_on[0]: unknown service "dbb" (did you mean "db"?)`},
		{"typo in key", `"prority": 1`,
			`m.json:7:61: platform.services[1].prority: unknown key "prority" in service (did you mean "priority"?)`},
		{"string for number", `"users": "many"`,
			`m.json:7:70: platform.services[1].users: want an integer, got the string "many"`},
		{"number for duration", `"rto": 5`,
			`m.json:7:68: platform.services[1].rto: want a duration like 2h30m, got the number 5 (a duration needs a unit: ms, s, m, h, d or w)`},
		{"duplicate key", `"users": 1, "users": 2`,
			`m.json:7:73: platform.services[1].users: duplicate key "users" (first at line 7)`},
		{"list for mapping", `"restart": [1]`,
			`m.json:7:72: platform.services[1].restart: want a restart mapping like {auto: 10m, manual: 3h}, got a list`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := fmt.Sprintf(base, tt.entry)
			fast, slow := loadBoth(text, "m.json")
			assert.Equal(t, slow, fast, "parseJSON's errors (actual) against goccy's (expected)")
			assert.Contains(t, fast, tt.want, "got\n%s\nwant a line\n%s", fast, tt.want)
		})
	}
}
