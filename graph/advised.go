package graph

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

// NewMitigation builds a candidate that is not in the file (domino advise
// --auto generates them) from its patch, written in YAML like a file's
// patch: key. The patch is checked when File.Apply applies it.
func NewMitigation(id, description string, cost float64, patch string) (*Mitigation, error) {
	af, err := parser.ParseBytes([]byte(patch), 0)
	if err != nil || len(af.Docs) != 1 || af.Docs[0].Body == nil {
		return nil, fmt.Errorf("mitigation %q: bad patch %q: %v", id, patch, err)
	}
	c := &converter{anchors: map[string]anchorDef{}}
	src := &source{name: "mitigation " + id, anchors: map[string]*tnode{}}
	body := c.fromAST(af.Docs[0].Body, 0)
	src.origs = c.origs
	for name, a := range c.anchors {
		src.anchors[name] = a.n
	}
	return &Mitigation{ID: id, Description: description, Cost: cost,
		patch: node{n: body, src: src, path: &keyPath{key: "patch", index: -1}}}, nil
}

// value converts a node back to plain YAML data with the key order kept,
// re-reading it as written: a YAML node through goccy's printer, a JSON one
// from its bytes (JSON is YAML).
func (nd node) value() (any, error) {
	var text []byte
	switch {
	case nd.src.orig(nd.n) != nil:
		text = []byte(nd.src.orig(nd.n).String())
	case nd.n != nil && nd.src != nil && nd.n.off >= 0 && int(nd.n.end) <= len(nd.src.data):
		text = nd.src.data[nd.n.off:nd.n.end]
	}
	var v any
	if err := yaml.UnmarshalWithOptions(text, &v, yaml.UseOrderedMap()); err != nil || text == nil {
		if err == nil {
			err = errors.New("no text")
		}
		return nil, fmt.Errorf("%s: cannot re-read %s: %w", nd.pos().File, orRoot(nd.path.String()), err)
	}
	return v, nil
}

func orRoot(path string) string {
	if path == "" {
		return "the file"
	}
	return path
}

// AdvisedScenario writes a scenario file that domino run accepts: the
// file's platform as written, and one scenario, sc with the patches of ms
// combined into its patch (each entry commented with the ids of the
// mitigations it comes from; a later patch's fields replace an earlier's,
// as File.Apply does) and their added crews, named id. header lines become
// comments at the top. sc must have no patch of its own: mitigations apply
// to the file's platform.
func (f *File) AdvisedScenario(sc *Scenario, ms []*Mitigation, id, description string, header []string) ([]byte, error) {
	if f.src == nil || sc.src.n == nil {
		return nil, fmt.Errorf("%s: no platform or scenario to write", f.Name)
	}
	platform, err := f.src.nd.value()
	if err != nil {
		return nil, err
	}
	scv, err := sc.src.value()
	if err != nil {
		return nil, err
	}
	scm, ok := scv.(yaml.MapSlice)
	if !ok {
		return nil, fmt.Errorf("%s: scenario %q is not a mapping", f.Name, sc.ID)
	}
	crews := 0
	for _, m := range ms {
		crews += m.AddCrews
	}
	var out yaml.MapSlice
	for _, kv := range scm {
		switch kv.Key {
		case "id":
			kv.Value = id
		case "description":
			kv.Value = description
		case "patch":
			return nil, fmt.Errorf("scenario %q has its own patch: mitigations apply to the file's platform", sc.ID)
		case "crews":
			if crews > 0 && sc.Crews > 0 {
				kv.Value = sc.Crews + crews
			}
		}
		out = append(out, kv)
	}
	if !hasKey(out, "description") && description != "" {
		out = append(out[:1:1], append(yaml.MapSlice{{Key: "description", Value: description}}, out[1:]...)...)
	}
	patch, comments, err := combinePatches(ms)
	if err != nil {
		return nil, err
	}
	if len(patch) > 0 {
		out = append(out, yaml.MapItem{Key: "patch", Value: patch})
	}
	doc := yaml.MapSlice{
		{Key: "version", Value: 1},
		{Key: "platform", Value: platform},
		{Key: "scenarios", Value: []any{out}},
	}
	body, err := yaml.MarshalWithOptions(doc, yaml.IndentSequence(true), yaml.WithComment(comments))
	if err != nil {
		return nil, fmt.Errorf("write scenario: %w", err)
	}
	var b bytes.Buffer
	for _, h := range header {
		b.WriteString(strings.TrimRight("# "+h, " ") + "\n")
	}
	b.Write(body)
	return b.Bytes(), nil
}

func hasKey(m yaml.MapSlice, key string) bool {
	for _, kv := range m {
		if kv.Key == key {
			return true
		}
	}
	return false
}

// combinePatches merges the patches of ms into one, entry by entry.
func combinePatches(ms []*Mitigation) (yaml.MapSlice, yaml.CommentMap, error) {
	comments := yaml.CommentMap{}
	var patch yaml.MapSlice
	for _, kind := range []string{"sites", "services"} {
		var entries []yaml.MapSlice
		var from [][]string
		index := map[string]int{}
		for _, m := range ms {
			if m.patch.n == nil {
				continue
			}
			v, err := m.patch.value()
			if err != nil {
				return nil, nil, err
			}
			pm, _ := v.(yaml.MapSlice)
			for _, kv := range pm {
				list, _ := kv.Value.([]any)
				if kv.Key != kind {
					continue
				}
				for _, e := range list {
					em, ok := e.(yaml.MapSlice)
					if !ok {
						return nil, nil, fmt.Errorf("mitigation %q: a patch entry is not a mapping", m.ID)
					}
					eid := fmt.Sprint(lookup(em, "id"))
					i, seen := index[eid]
					if !seen {
						index[eid] = len(entries)
						entries = append(entries, em)
						from = append(from, []string{m.ID})
						continue
					}
					entries[i] = override(entries[i], em)
					from[i] = append(from[i], m.ID)
				}
			}
		}
		if len(entries) == 0 {
			continue
		}
		list := make([]any, len(entries))
		for i, e := range entries {
			list[i] = e
			path := fmt.Sprintf("$.scenarios[0].patch.%s[%d]", kind, i)
			comments[path] = []*yaml.Comment{yaml.HeadComment(" " + strings.Join(from[i], ", "))}
		}
		patch = append(patch, yaml.MapItem{Key: kind, Value: list})
	}
	return patch, comments, nil
}

func lookup(m yaml.MapSlice, key string) any {
	for _, kv := range m {
		if kv.Key == key {
			return kv.Value
		}
	}
	return nil
}

// override returns base with every key of top replacing base's (a patch
// replaces whole fields), new keys appended.
func override(base, top yaml.MapSlice) yaml.MapSlice {
	out := append(yaml.MapSlice(nil), base...)
	for _, kv := range top {
		found := false
		for i := range out {
			if out[i].Key == kv.Key {
				out[i].Value, found = kv.Value, true
			}
		}
		if !found {
			out = append(out, kv)
		}
	}
	return out
}
