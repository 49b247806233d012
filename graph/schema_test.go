package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// schemaFile is the checked-in copy of Schema, for editors.
const schemaFile = "../docs/platform.schema.json"

func TestSchemaGolden(t *testing.T) {
	got := Schema()
	require.Equal(t, string(got), string(Schema()), "two calls of Schema gave different bytes")
	if *update {
		require.NoError(t, os.WriteFile(schemaFile, got, 0o644))
	}
	want, err := os.ReadFile(schemaFile)
	require.NoError(t, err, "run go test ./graph -run TestSchemaGolden -update")
	assert.Equal(t, string(want), string(got), "%s is out of date: run go test ./graph -run TestSchemaGolden -update", schemaFile)
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	require.NoError(t, c.AddResource("platform.schema.json", doc))
	s, err := c.Compile("platform.schema.json")
	require.NoError(t, err, "compile the schema")
	return s
}

// instance turns YAML into the JSON value an editor's YAML language server
// checks against the schema: anchors, aliases and merge keys resolved.
func instance(t *testing.T, name string, data []byte) any {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(data, &v), "%s", name)
	j, err := json.Marshal(v)
	require.NoError(t, err, "%s", name)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	require.NoError(t, err, "%s", name)
	return inst
}

// shippedExamples returns every valid file domino ships or tests with, and
// the complete files (version: 1 ..., after comments) shown in YAML blocks
// of the docs.
func shippedExamples(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	var paths []string
	for _, pat := range []string{"testdata/valid/*.yaml", "testdata/valid/*.json", "../scenarios/*.yaml", "../scenarios/testdata/*.yaml"} {
		m, err := filepath.Glob(pat)
		require.NoError(t, err)
		require.NotEmpty(t, m, "no files match %s", pat)
		paths = append(paths, m...)
	}
	// Examples the docs keep as files, when there are any, and the
	// platforms domino import writes (its golden files).
	for _, pat := range []string{"../docs/examples/*.yaml", "../testdata/import/*/*.golden.yaml"} {
		more, err := filepath.Glob(pat)
		require.NoError(t, err)
		paths = append(paths, more...)
	}
	for _, p := range paths {
		_, err := LoadFile(p)
		require.NoError(t, err, "%s does not load, so it is no valid example", p)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		out[p] = b
	}
	docs, err := filepath.Glob("../docs/*.md")
	require.NoError(t, err)
	block := regexp.MustCompile("(?s)```yaml\n((?:#[^\n]*\n)*version: 1\n.*?)```")
	for _, p := range append(docs, "../README.md") {
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		for i, m := range block.FindAllSubmatch(b, -1) {
			name := fmt.Sprintf("%s#%d", p, i+1)
			_, err := Load(bytes.NewReader(m[1]), name)
			require.NoError(t, err, "%s does not load", name)
			out[name] = m[1]
		}
	}
	return out
}

func TestSchemaAcceptsShippedFiles(t *testing.T) {
	s := compileSchema(t)
	files := shippedExamples(t)
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	})
	for _, name := range names {
		assert.NoError(t, s.Validate(instance(t, name, files[name])), "%s: the schema rejects a valid file", name)
	}
}

// TestSchemaRejects checks that the schema catches what an editor should
// flag: each file under testdata/schema-invalid is rejected by Load, and by
// the schema at the place its "# schema error at:" line names.
func TestSchemaRejects(t *testing.T) {
	s := compileSchema(t)
	files, err := filepath.Glob("testdata/schema-invalid/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files, "no files in testdata/schema-invalid")
	for _, p := range files {
		t.Run(filepath.Base(p), func(t *testing.T) {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			_, err = Load(bytes.NewReader(b), p)
			assert.Error(t, err, "Load accepts it")
			m := regexp.MustCompile(`(?m)^# schema error at: (\S+)$`).FindSubmatch(b)
			require.NotNil(t, m, "no line '# schema error at: /json/pointer' says where the schema must object")
			err = s.Validate(instance(t, p, b))
			require.Error(t, err, "the schema accepts it")
			assert.Contains(t, err.Error(), fmt.Sprintf("at '%s'", m[1]), "the schema objects, but not there")
		})
	}
}

// The probe tests below check the generated schema against the loader's
// behaviour rather than against the tables both are built from, so that a
// key list written by hand in a decoder, or a schema node edited by hand,
// cannot pass: at every strict mapping of a valid base file, every word of a
// vocabulary is tried as a key, and the loader must call it unknown exactly
// when the schema has no such property.

const probeBase = `{
  "version": 1,
  "platform": {
    "targets": [{"priority": 1, "rto": "1h", "rpo": "1h"}],
    "sites": [{"id": "a", "region": "r"}, {"id": "b", "region": "r"}],
    "services": [
      {"id": "s", "placement": {"a": 1, "b": 1}, "redundancy": {"mode": "active-standby"},
       "depends_on": ["t", {"service": "u"}], "restart": {"auto": {"uncertain": {"low": "1m", "high": "2m"}}},
       "data": {"replication": "async", "backup": {"every": "1d"}}, "mtbf": "1d"},
      {"id": "t", "placement": {"a": 1}},
      {"id": "u", "placement": {"a": 1}}
    ]
  },
  "scenarios": [{"id": "sc", "crews": {"uncertain": {"low": 1, "high": 2}},
    "events": [{"kind": "site-outage", "site": "a", "power_restore": [{"after": "1h", "fraction": 1}],
                "probability": {"uncertain": {"low": 0.5, "high": 1}}},
               {"kind": "site-outage", "site": "b", "rate": {"uncertain": {"low": "1/y", "high": "2/y"}}}],
    "patch": {"services": [{"id": "s"}], "sites": [{"id": "a"}]}}],
  "mitigations": [{"id": "m", "patch": {"services": [{"id": "t"}]}}]
}`

// probeSites are where each $defs object sits in probeBase ("" is the root).
var probeSites = map[string]string{
	"":                "",
	"platform":        "platform",
	"target":          "platform.targets.0",
	"site":            "platform.sites.0",
	"service":         "platform.services.0",
	"redundancy":      "platform.services.0.redundancy",
	"recovery":        "platform.services.0.restart",
	"data":            "platform.services.0.data",
	"backup":          "platform.services.0.data.backup",
	"dependencyEntry": "platform.services.0.depends_on.1",
	"scenario":        "scenarios.0",
	"stage":           "scenarios.0.events.0.power_restore.0",
	"patch":           "scenarios.0.patch",
	"servicePatch":    "scenarios.0.patch.services.0",
	"sitePatch":       "scenarios.0.patch.sites.0",
	"mitigation":      "mitigations.0",
	// Uncertain values (docs/model.md §3.1), and their ranges.
	"uncertainDuration":    "platform.services.0.restart.auto",
	"durationRange":        "platform.services.0.restart.auto.uncertain",
	"uncertainCount":       "scenarios.0.crews",
	"countRange":           "scenarios.0.crews.uncertain",
	"uncertainProbability": "scenarios.0.events.0.probability",
	"probabilityRange":     "scenarios.0.events.0.probability.uncertain",
	"uncertainRate":        "scenarios.0.events.1.rate",
	"rateRange":            "scenarios.0.events.1.rate.uncertain",
}

// eventBase is a minimal event of each kind.
var eventBase = map[string]map[string]any{
	"site-outage":     {"site": "a"},
	"region-outage":   {"region": "r"},
	"isolate":         {"site": "a", "duration": "1h"},
	"service-fault":   {"services": []any{"t"}, "duration": "1h"},
	"random-failures": {},
}

type probe struct {
	t      *testing.T
	schema map[string]any
	vocab  []string
}

func newProbe(t *testing.T) *probe {
	p := &probe{t: t}
	require.NoError(t, json.Unmarshal(Schema(), &p.schema))
	words := map[string]bool{"bogus": true}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "properties" {
					for name := range x.(map[string]any) {
						words[name] = true
					}
				}
				if k == "enum" {
					for _, e := range x.([]any) {
						words[e.(string)] = true
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(p.schema)
	// Words the model's documentation uses, so that a key the loader takes
	// but the schema never mentions anywhere is tried too.
	doc, err := os.ReadFile("../docs/model.md")
	require.NoError(t, err)
	for _, m := range regexp.MustCompile("`([a-z][a-z0-9_-]*)`").FindAllSubmatch(doc, -1) {
		words[string(m[1])] = true
	}
	for w := range words {
		p.vocab = append(p.vocab, w)
	}
	sort.Strings(p.vocab)
	return p
}

// get follows a JSON-pointer-like path of keys through the schema.
func (p *probe) get(path ...string) map[string]any {
	var v any = p.schema
	for _, k := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			var i int
			fmt.Sscan(k, &i)
			v = x[i]
		}
	}
	m, ok := v.(map[string]any)
	require.True(p.t, ok, "schema has no object at %v", path)
	return m
}

func (p *probe) def(name string) map[string]any {
	if name == "" {
		return p.schema
	}
	return p.get("$defs", name)
}

func keysOf[V any](m map[string]V) []string {
	return slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	})
}

func stringsOf(l any) []string {
	var out []string
	for _, x := range l.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// load loads probeBase after edit changed it, returning the error text.
func (p *probe) load(edit func(root map[string]any)) string {
	var root map[string]any
	require.NoError(p.t, json.Unmarshal([]byte(probeBase), &root))
	edit(root)
	b, err := json.Marshal(root)
	require.NoError(p.t, err)
	if _, err := Load(bytes.NewReader(b), "probe.json"); err != nil {
		return err.Error()
	}
	return ""
}

// at returns the mapping at a dotted path of probeBase.
func at(root map[string]any, path string) map[string]any {
	var v any = root
	if path != "" {
		for _, k := range strings.Split(path, ".") {
			switch x := v.(type) {
			case map[string]any:
				v = x[k]
			case []any:
				var i int
				fmt.Sscan(k, &i)
				v = x[i]
			}
		}
	}
	return v.(map[string]any)
}

func TestSchemaKeysMatchLoader(t *testing.T) {
	p := newProbe(t)
	require.Empty(t, p.load(func(map[string]any) {}), "the probe's base file does not load")
	var defs []string
	for name := range p.def("")["$defs"].(map[string]any) {
		if p.def(name)["additionalProperties"] == false && name != "event" {
			defs = append(defs, name)
		}
	}
	defs = append(defs, "")
	sort.Strings(defs)
	for _, name := range defs {
		path, ok := probeSites[name]
		if !ok {
			t.Errorf("$defs/%s is a closed object but the probe does not know where it sits in a file", name)
			continue
		}
		props := p.def(name)["properties"].(map[string]any)
		for _, w := range p.vocab {
			_, inSchema := props[w]
			errs := p.load(func(root map[string]any) {
				if m := at(root, path); m[w] == nil {
					m[w] = "1h"
				}
			})
			unknown := strings.Contains(errs, fmt.Sprintf("unknown key %q", w))
			if unknown == inSchema {
				t.Errorf("key %q at %q (schema $defs/%s): loader unknown=%v, schema has it=%v", w, path, name, unknown, inSchema)
			}
		}
		req := map[string]bool{}
		if r, ok := p.def(name)["required"]; ok {
			for _, k := range stringsOf(r) {
				req[k] = true
			}
		}
		// A key of a oneOf group is required unless another group is given:
		// leave those to the tests of the loader.
		var grouped []string
		if alts, ok := p.def(name)["oneOf"]; ok {
			for _, a := range alts.([]any) {
				grouped = append(grouped, stringsOf(a.(map[string]any)["required"])...)
			}
		}
		for _, k := range keysOf(at(mustBase(t), path)) {
			if slices.Contains(grouped, k) {
				continue
			}
			errs := p.load(func(root map[string]any) { delete(at(root, path), k) })
			if req[k] != (errs != "") {
				t.Errorf("without %q at %q: schema requires it=%v, loader errors:\n%s", k, path, req[k], errs)
			}
		}
	}
}

func mustBase(t *testing.T) map[string]any {
	var root map[string]any
	require.NoError(t, json.Unmarshal([]byte(probeBase), &root))
	return root
}

func TestSchemaEventKeysMatchLoader(t *testing.T) {
	p := newProbe(t)
	ev := p.def("event")
	kinds := stringsOf(p.get("$defs", "event", "properties", "kind")["enum"])
	rules := ev["allOf"].([]any)
	perKind := map[string]map[string]any{}
	for _, r := range rules {
		r := r.(map[string]any)
		if cond, ok := r["if"].(map[string]any); ok {
			k := cond["properties"].(map[string]any)["kind"].(map[string]any)["const"].(string)
			perKind[k] = r["then"].(map[string]any)
		}
	}
	assert.Equal(t, EventKinds, kinds, "event kinds: the loader's (expected) and the schema's")
	for _, w := range p.vocab {
		errs := p.load(func(root map[string]any) {
			at(root, "scenarios.0.events.0")["kind"] = w
		})
		if unknown := strings.Contains(errs, "unknown event kind"); unknown == slices.Contains(kinds, w) {
			t.Errorf("event kind %q: loader unknown=%v, in schema enum=%v", w, unknown, !unknown)
		}
	}
	all := ev["properties"].(map[string]any)
	for k := range all {
		applies := false
		for _, then := range perKind {
			applies = applies || slices.Contains(stringsOf(then["propertyNames"].(map[string]any)["enum"]), k)
		}
		if !applies {
			t.Errorf("event key %q applies to no event kind", k)
		}
	}
	for _, kind := range kinds {
		then, ok := perKind[kind]
		if !ok {
			t.Errorf("schema has no rule for %s events", kind)
			continue
		}
		allowed := stringsOf(then["propertyNames"].(map[string]any)["enum"])
		var required []string
		if r, ok := then["required"]; ok {
			required = stringsOf(r)
		}
		// Of keys that replace one another (site or building), the one the
		// minimal event gives is required: the event needs one of them.
		if alts, ok := then["oneOf"].([]any); ok {
			for _, a := range alts {
				for _, k := range stringsOf(a.(map[string]any)["required"]) {
					if _, given := eventBase[kind][k]; given {
						required = append(required, k)
					}
				}
			}
		}
		event := func(root map[string]any) map[string]any {
			e := map[string]any{"kind": kind}
			for k, v := range eventBase[kind] {
				e[k] = v
			}
			at(root, "scenarios.0")["events"] = []any{e}
			return e
		}
		require.Empty(t, p.load(func(root map[string]any) { event(root) }), "minimal %s event does not load", kind)
		for _, w := range p.vocab {
			if w == "kind" {
				continue
			}
			errs := p.load(func(root map[string]any) {
				if e := event(root); e[w] == nil {
					e[w] = "1h"
				}
			})
			refused := strings.Contains(errs, fmt.Sprintf("unknown key %q", w)) ||
				strings.Contains(errs, fmt.Sprintf("%s does not apply to %s events", w, kind))
			_, inAll := all[w]
			if refused == slices.Contains(allowed, w) || slices.Contains(allowed, w) && !inAll {
				t.Errorf("%s event key %q: loader refuses=%v, schema allows=%v", kind, w, refused, slices.Contains(allowed, w))
			}
		}
		for k := range eventBase[kind] {
			errs := p.load(func(root map[string]any) { delete(event(root), k) })
			if slices.Contains(required, k) != (errs != "") {
				t.Errorf("%s event without %q: schema requires it=%v, loader errors:\n%s", kind, k, slices.Contains(required, k), errs)
			}
		}
		for _, k := range required {
			if _, ok := eventBase[kind][k]; !ok {
				t.Errorf("schema requires %q in %s events; the probe's minimal event lacks it", k, kind)
			}
		}
	}
}

func TestSchemaDistributionsMatchLoader(t *testing.T) {
	p := newProbe(t)
	fams := p.get("$defs", "distribution", "anyOf", "1", "properties")
	assert.Equal(t, slices.Sorted(slices.Values(DistNames())), keysOf(fams), "distribution families: the loader's (expected) and the schema's")
	set := func(v any) func(root map[string]any) {
		return func(root map[string]any) { at(root, "platform.services.0")["mtbf"] = v }
	}
	for _, w := range p.vocab {
		if w == "uncertain" {
			// {uncertain: ...} is not a family but a duration
			// (anyOf[0]); TestSchemaKeysMatchLoader probes its keys.
			continue
		}
		errs := p.load(set(map[string]any{w: "1h"}))
		_, inSchema := fams[w]
		if unknown := strings.Contains(errs, fmt.Sprintf("unknown distribution %q", w)); unknown == inSchema {
			t.Errorf("distribution %q: loader unknown=%v, schema has it=%v", w, unknown, inSchema)
		}
	}
	for _, fam := range keysOf(fams) {
		params, ok := fams[fam].(map[string]any)["properties"].(map[string]any)
		if !ok {
			continue // fixed and empirical take a value, not parameters
		}
		for _, w := range p.vocab {
			errs := p.load(set(map[string]any{fam: map[string]any{w: "1h"}}))
			_, inSchema := params[w]
			if unknown := strings.Contains(errs, fmt.Sprintf("unknown key %q in %s", w, fam)); unknown == inSchema {
				t.Errorf("%s parameter %q: loader unknown=%v, schema has it=%v", fam, w, unknown, inSchema)
			}
		}
	}
}

func TestSchemaEnumsMatchLoader(t *testing.T) {
	p := newProbe(t)
	tests := []struct {
		name, path, key, unknown string
		enum                     []string
	}{
		{"mode", "platform.services.0.redundancy", "mode", "unknown redundancy mode",
			stringsOf(p.get("$defs", "redundancy", "properties", "mode")["enum"])},
		{"replication", "platform.services.0.data", "replication", "unknown replication",
			stringsOf(p.get("$defs", "data", "properties", "replication")["enum"])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, w := range p.vocab {
				errs := p.load(func(root map[string]any) { at(root, tt.path)[tt.key] = w })
				if unknown := strings.Contains(errs, tt.unknown); unknown == slices.Contains(tt.enum, w) {
					t.Errorf("%s %q: loader unknown=%v, in schema enum=%v", tt.key, w, unknown, !unknown)
				}
			}
		})
	}
}

// TestSchemaRangesMatchLoader tries numbers around the usual bounds on every
// numeric key of the probe's closed objects: the loader must report an error
// at the key exactly when the schema does.
func TestSchemaRangesMatchLoader(t *testing.T) {
	p := newProbe(t)
	s := compileSchema(t)
	// Checks that span entries, which only the loader makes.
	crossEntry := map[string]bool{
		"site.servers":      true, // never below the servers placed there
		"sitePatch.servers": true,
		// A high below the low: JSON Schema cannot compare two keys.
		"countRange.high":       true,
		"probabilityRange.high": true,
	}
	for _, name := range keysOf(probeSites) {
		path := probeSites[name]
		for _, key := range keysOf(p.def(name)["properties"].(map[string]any)) {
			prop := p.def(name)["properties"].(map[string]any)[key].(map[string]any)
			if typ := prop["type"]; typ != "integer" && typ != "number" && key != "version" || crossEntry[name+"."+key] {
				continue
			}
			if dep, ok := p.def(name)["dependentRequired"].(map[string]any); ok && dep[key] != nil {
				continue // need without any: the schema objects at the mapping
			}
			loaderPath, pointer := loaderPath(path, key), "/"+strings.ReplaceAll(path, ".", "/")+"/"+key
			if path == "" {
				pointer = "/" + key
			}
			for _, v := range []any{-1, 0, 0.5, 1, 1.5} {
				root := mustBase(t)
				at(root, path)[key] = v
				b, _ := json.Marshal(root)
				loaderErr := false
				if _, err := Load(bytes.NewReader(b), "probe.json"); err != nil {
					for _, e := range err.(ErrorList) {
						loaderErr = loaderErr || e.Path == loaderPath
					}
				}
				schemaErr := false
				if err := s.Validate(instance(t, "probe", b)); err != nil {
					schemaErr = strings.Contains(err.Error(), "at '"+pointer+"'")
				}
				if loaderErr != schemaErr {
					t.Errorf("%s = %v: loader error=%v, schema error=%v", loaderPath, v, loaderErr, schemaErr)
				}
			}
		}
	}
}

// loaderPath turns a dotted probe path and a key into the loader's key path:
// platform.services.0 and load give platform.services[0].load.
func loaderPath(path, key string) string {
	var b strings.Builder
	if path != "" {
		for _, seg := range strings.Split(path, ".") {
			if seg[0] >= '0' && seg[0] <= '9' {
				fmt.Fprintf(&b, "[%s]", seg)
			} else {
				if b.Len() > 0 {
					b.WriteByte('.')
				}
				b.WriteString(seg)
			}
		}
		b.WriteByte('.')
	}
	return b.String() + key
}
