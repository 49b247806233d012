package importer

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dominosim/domino/graph"
)

// backstageEntity is the part of a Backstage catalog entity the import
// reads; every other field is ignored.
type backstageEntity struct {
	Kind     string
	Metadata struct {
		Name      string
		Namespace string
		Title     string
	}
	Spec struct {
		DependsOn    []string
		DependencyOf []string
		ConsumesAPIs []string
		ProvidesAPIs []string
	}
}

// backstageRef is a parsed entity reference, lower case: Backstage compares
// refs case-insensitively.
type backstageRef struct{ kind, namespace, name string }

func (r backstageRef) String() string { return r.kind + ":" + r.namespace + "/" + r.name }

// backstageServiceKinds are the kinds that become services; the other known
// kinds are part of the catalog but not of the service graph.
var (
	backstageServiceKinds = []string{"component", "resource"}
	backstageOtherKinds   = []string{"api", "location", "group", "user", "system", "domain", "template"}
)

// backstageDoc is one entity with where it was defined.
type backstageDoc struct {
	e     backstageEntity
	ref   backstageRef
	where string
}

// parseBackstage reads one catalog file: YAML documents of one entity each
// (catalog-info.yaml), or what the catalog API answers, a list of entities
// (/api/catalog/entities) or an object with them under "items"
// (/api/catalog/entities/by-query). Relations are resolved only once every
// file is read (resolveBackstage), since a reference may point into
// another file. The YAML is parsed under the limits of a platform file
// (graph.DecodeYAML): depth, aliases and what they expand to.
func parseBackstage(b *builder, in Input) error {
	docs, err := graph.DecodeYAML(in.Data, in.Name)
	if err != nil {
		return fmt.Errorf("%s: %s", firstError(err), backstageWant)
	}
	for i, doc := range docs {
		entities, err := backstageEntities(doc)
		if err != nil {
			return fmt.Errorf("%s: document %d: %v: %s", in.Name, i+1, err, backstageWant)
		}
		for j, e := range entities {
			where := fmt.Sprintf("%s: document %d", in.Name, i+1)
			if len(entities) > 1 {
				where += fmt.Sprintf(" entity %d", j+1)
			}
			b.addBackstage(where, e)
		}
	}
	return nil
}

// firstError is the first of a graph.ErrorList, with how many more there
// are: an importer error is one line.
func firstError(err error) string {
	var list graph.ErrorList
	if errors.As(err, &list) && len(list) > 1 {
		return fmt.Sprintf("%s (and %d more)", oneLine(list[0].Error()), len(list)-1)
	}
	return oneLine(err.Error())
}

const backstageWant = "want Backstage catalog entities (kind, metadata.name, spec), one per YAML document or a list of them"

// backstageEntities decodes one document into its entities; an empty
// document has none.
func backstageEntities(doc any) ([]backstageEntity, error) {
	var items []any
	switch d := doc.(type) {
	case nil:
		return nil, nil
	case []any:
		items = d
	case map[string]any:
		if list, ok := d["items"].([]any); ok && d["kind"] == nil {
			items = list
		} else {
			items = []any{d}
		}
	default:
		return nil, fmt.Errorf("got %s", describeValue(doc))
	}
	out := make([]backstageEntity, 0, len(items))
	for i, it := range items {
		e, err := backstageEntityOf(it)
		if err != nil {
			if len(items) > 1 {
				return nil, fmt.Errorf("entity %d: %w", i+1, err)
			}
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// backstageEntityOf reads the fields the import uses from one decoded
// entity; every other field is ignored.
func backstageEntityOf(v any) (backstageEntity, error) {
	var e backstageEntity
	m, ok := v.(map[string]any)
	if !ok {
		return e, fmt.Errorf("want an entity (a mapping), got %s", describeValue(v))
	}
	meta, err := mappingField(m, "metadata")
	if err != nil {
		return e, err
	}
	spec, err := mappingField(m, "spec")
	if err != nil {
		return e, err
	}
	for _, f := range []struct {
		m    map[string]any
		path string
		key  string
		dst  *string
	}{
		{m, "", "kind", &e.Kind},
		{meta, "metadata.", "name", &e.Metadata.Name},
		{meta, "metadata.", "namespace", &e.Metadata.Namespace},
		{meta, "metadata.", "title", &e.Metadata.Title},
	} {
		if *f.dst, err = stringField(f.m, f.path, f.key); err != nil {
			return e, err
		}
	}
	for _, f := range []struct {
		key string
		dst *[]string
	}{
		{"dependsOn", &e.Spec.DependsOn},
		{"dependencyOf", &e.Spec.DependencyOf},
		{"consumesApis", &e.Spec.ConsumesAPIs},
		{"providesApis", &e.Spec.ProvidesAPIs},
	} {
		if *f.dst, err = stringsField(spec, f.key); err != nil {
			return e, err
		}
	}
	return e, nil
}

// mappingField returns m[key] when it is a mapping, nil when absent.
func mappingField(m map[string]any, key string) (map[string]any, error) {
	switch v := m[key].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return v, nil
	default:
		return nil, fmt.Errorf("%s: want a mapping, got %s", key, describeValue(v))
	}
}

// stringField returns m[key] as text: a string, or a number or boolean as
// written (a name: 404 is the name "404").
func stringField(m map[string]any, path, key string) (string, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", nil
	}
	if s, ok := scalarString(v); ok {
		return s, nil
	}
	return "", fmt.Errorf("%s%s: want a string, got %s", path, key, describeValue(v))
}

// stringsField returns spec.key as a list of texts.
func stringsField(spec map[string]any, key string) ([]string, error) {
	v, ok := spec[key]
	if !ok || v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("spec.%s: want a list of entity references, got %s", key, describeValue(v))
	}
	out := make([]string, len(list))
	for i, it := range list {
		s, ok := scalarString(it)
		if !ok {
			return nil, fmt.Errorf("spec.%s[%d]: want an entity reference (a string), got %s", key, i, describeValue(it))
		}
		out[i] = s
	}
	return out, nil
}

func scalarString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int64, uint64, float64, bool:
		return fmt.Sprint(v), true
	}
	return "", false
}

// describeValue names the kind of a decoded YAML value for an error
// message, in the words of the file rather than of Go.
func describeValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "nothing (null)"
	case string:
		return fmt.Sprintf("the string %q", truncate(v, 40))
	case int64, uint64, float64:
		return fmt.Sprintf("the number %v", v)
	case bool:
		return fmt.Sprintf("the boolean %v", v)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	}
	return "an unknown value"
}

// truncate shortens s to at most n runes, marking the cut.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

func (b *builder) addBackstage(where string, e backstageEntity) {
	kind := strings.ToLower(e.Kind)
	switch {
	case kind == "":
		b.warnf("%s: entity %q without a kind skipped", where, e.Metadata.Name)
		return
	case e.Metadata.Name == "":
		b.warnf("%s: %s entity without metadata.name skipped", where, e.Kind)
		return
	case !slices.Contains(backstageServiceKinds, kind) && !slices.Contains(backstageOtherKinds, kind):
		b.warnf("%s: entity %s of kind %s is not a service (want Component or Resource): skipped", where, e.Metadata.Name, e.Kind)
	}
	ns := e.Metadata.Namespace
	if ns == "" {
		ns = "default"
	}
	ref := backstageRef{kind, strings.ToLower(ns), strings.ToLower(e.Metadata.Name)}
	b.backstage = append(b.backstage, backstageDoc{e: e, ref: ref, where: where})
}

// resolveBackstage turns the entities read into nodes and edges: dependsOn,
// dependencyOf reversed, and consumesApis paired with the providers of the
// same API. subcomponentOf is not a dependency and is not read.
func (b *builder) resolveBackstage() {
	docs := b.backstage
	slices.SortStableFunc(docs, func(x, y backstageDoc) int { return strings.Compare(x.where, y.where) })
	defined := map[backstageRef]string{} // ref → node key, "" when not a service
	providers := map[backstageRef][]string{}
	for _, d := range docs {
		if prev, dup := defined[d.ref]; dup && prev != "" {
			b.warnf("%s: %s defined again: relations merged", d.where, d.ref)
		}
		key := ""
		if slices.Contains(backstageServiceKinds, d.ref.kind) {
			key = "backstage:" + d.ref.String()
			name := d.e.Metadata.Name
			if d.e.Metadata.Title != "" {
				name = d.e.Metadata.Title
			}
			b.node(key, []string{d.e.Metadata.Name, d.ref.namespace, d.ref.kind}, name, "")
		}
		defined[d.ref] = key
		if key == "" {
			continue
		}
		for _, api := range d.e.Spec.ProvidesAPIs {
			r := parseBackstageRef(api, "api", d.ref.namespace)
			providers[r] = append(providers[r], key)
		}
	}
	for _, d := range docs {
		key := defined[d.ref]
		if key == "" {
			b.warnNonServiceRelations(d)
			continue
		}
		for _, s := range d.e.Spec.DependsOn {
			if to := b.backstageTarget(defined, d, "dependsOn", s); to != "" {
				b.edge(key, to, -1, false, d.where+": dependsOn "+s)
			}
		}
		for _, s := range d.e.Spec.DependencyOf {
			if from := b.backstageTarget(defined, d, "dependencyOf", s); from != "" {
				b.edge(from, key, -1, false, d.where+": dependencyOf "+s)
			}
		}
		for _, s := range d.e.Spec.ConsumesAPIs {
			r := parseBackstageRef(s, "api", d.ref.namespace)
			ps := providers[r]
			if len(ps) == 0 {
				b.warnf("%s: %s consumes API %s, which no Component or Resource provides: no edge", d.where, d.e.Metadata.Name, r)
			}
			for _, p := range ps {
				b.edge(key, p, -1, false, d.where+": consumesApis "+s)
			}
		}
	}
}

// backstageTarget resolves a dependsOn or dependencyOf entry to a node key,
// or warns and returns "". Without a kind, a Component of that name is
// preferred to a Resource.
func (b *builder) backstageTarget(defined map[backstageRef]string, d backstageDoc, field, s string) string {
	if strings.TrimSpace(s) == "" {
		b.warnf("%s: %s: empty reference dropped", d.where, field)
		return ""
	}
	r := parseBackstageRef(s, "", d.ref.namespace)
	kinds := []string{r.kind}
	if r.kind == "" {
		kinds = backstageServiceKinds
	}
	for _, k := range kinds {
		r.kind = k
		key, ok := defined[r]
		if !ok {
			continue
		}
		if key == "" {
			b.warnf("%s: %s %q is a %s, not a Component or Resource: no edge", d.where, field, s, k)
		}
		return key
	}
	b.warnf("%s: %s %q refers to an entity that is not defined: no edge", d.where, field, s)
	return ""
}

// warnNonServiceRelations reports relations on entities that are not
// services, which the import cannot follow.
func (b *builder) warnNonServiceRelations(d backstageDoc) {
	if n := len(d.e.Spec.DependsOn) + len(d.e.Spec.DependencyOf) + len(d.e.Spec.ConsumesAPIs); n > 0 && d.ref.kind != "api" {
		b.warnf("%s: %d relation(s) of %s dropped: a %s is not a service", d.where, n, d.ref, d.e.Kind)
	}
}

// parseBackstageRef parses [kind:][namespace/]name with the given defaults.
func parseBackstageRef(s, kind, namespace string) backstageRef {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexByte(s, ':'); i >= 0 {
		kind, s = s[:i], s[i+1:]
	}
	if i := strings.IndexByte(s, '/'); i >= 0 {
		namespace, s = s[:i], s[i+1:]
	}
	return backstageRef{kind, namespace, s}
}
