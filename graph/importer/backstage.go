package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"
)

// backstageEntity is the part of a Backstage catalog entity the import
// reads; every other field is ignored.
type backstageEntity struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name      string `yaml:"name"`
		Namespace string `yaml:"namespace"`
		Title     string `yaml:"title"`
	} `yaml:"metadata"`
	Spec struct {
		DependsOn    []string `yaml:"dependsOn"`
		DependencyOf []string `yaml:"dependencyOf"`
		ConsumesAPIs []string `yaml:"consumesApis"`
		ProvidesAPIs []string `yaml:"providesApis"`
	} `yaml:"spec"`
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

// parseBackstage reads one catalog file, of one or more YAML documents.
// Relations are resolved only once every file is read (resolveBackstage),
// since a reference may point into another file.
func parseBackstage(b *builder, in Input) error {
	dec := yaml.NewDecoder(bytes.NewReader(in.Data))
	for i := 0; ; i++ {
		var e backstageEntity
		err := dec.Decode(&e)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: document %d: %v: want Backstage catalog entities (apiVersion, kind, metadata.name, spec)", in.Name, i+1, oneLine(err.Error()))
		}
		if e.Kind == "" && e.Metadata.Name == "" {
			continue // an empty document, or one that is no entity at all
		}
		where := fmt.Sprintf("%s: document %d", in.Name, i+1)
		b.addBackstage(where, e)
	}
	return nil
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
