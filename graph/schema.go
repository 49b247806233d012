package graph

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"
)

// SchemaID is the $id of the schema Schema returns: where the checked-in
// copy, docs/platform.schema.json, lives.
const SchemaID = "https://github.com/dominosim/domino/blob/main/docs/platform.schema.json"

// Patterns of the scalars the loader parses itself. They mirror
// ParseDuration, ParseRate and validID; values they cannot judge (a
// duration too long to fit, a rate of 0) are left to Load.
const (
	idPattern       = `^[a-z0-9][a-z0-9._-]*$`
	durationPattern = `^\s*(0|(([0-9]+\.?[0-9]*|\.[0-9]+)(ms|s|m|h|d|w))+)\s*$`
	ratePattern     = `^\s*\+?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*/\s*[ywd]\s*$`
)

// Schema returns a JSON Schema (draft 2020-12) of platform and scenario
// files, generated from the tables the loader checks keys against, so the
// two cannot disagree on which keys exist where. The schema checks shapes:
// keys, types, enums, ranges and the syntax of ids, durations and rates.
// What spans entries (references to unknown ids, cycles, a quorum above the
// placed sites, site servers below those placed) only Load checks. The bytes
// are the same on every call: object keys are sorted.
func Schema() []byte {
	defs := jsonSchema{
		"id": jsonSchema{
			"description": "An id: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit.",
			"anyOf": []any{
				jsonSchema{"type": "string", "pattern": idPattern},
				jsonSchema{"type": "integer", "minimum": 0},
			},
		},
		"plainDuration": jsonSchema{
			"description": "A duration with units ms, s, m, h, d, w, combinable (2h30m, 1d12h, 1.5h), or 0.",
			"anyOf": []any{
				jsonSchema{"type": "string", "pattern": durationPattern},
				jsonSchema{"const": 0},
			},
		},
		"duration": jsonSchema{
			"description": "A duration with units ms, s, m, h, d, w, combinable (2h30m, 1d12h, 1.5h), or 0; or an uncertain range of them, like {uncertain: {low: 30m, high: 4h}}.",
			"anyOf":       []any{defRef("plainDuration"), defRef("uncertainDuration")},
		},
		"plainRate": jsonSchema{
			"description": "Occurrences per period: N/y, N/w or N/d, like 2/y (a year is 365 days).",
			"type":        "string",
			"pattern":     ratePattern,
		},
		"rate": jsonSchema{
			"description": "Occurrences per period: N/y, N/w or N/d, like 2/y (a year is 365 days); or an uncertain range of them, like {uncertain: {low: 0.1/y, high: 1/y}}.",
			"anyOf":       []any{defRef("plainRate"), defRef("uncertainRate")},
		},
		"placement": jsonSchema{
			"description":          "Servers per site (≥1 each), like {pangyo: 2400, gasan: 600}.",
			"type":                 "object",
			"minProperties":        1,
			"propertyNames":        jsonSchema{"pattern": idPattern},
			"additionalProperties": orUncertain(intMin(1), "Count"),
		},
		"dependency": jsonSchema{
			"description": "A runtime dependency: a service id (hard), {service: ID, soft: true}, or a group of alternatives {any: [a, b, c], need: k}.",
			"anyOf":       []any{vID, defRef(dependencyObject.name)},
		},
		"distribution": distributionSchema(),
		"servicePatch": patchEntrySchema(serviceObject),
		"sitePatch":    patchEntrySchema(siteObject),
	}
	// An uncertain value of each kind (docs/model.md §3.1): the mapping
	// {uncertain: RANGE}, and the range, whose bounds are plain values.
	for _, k := range []struct {
		name, rng, what string
		plain           jsonSchema
	}{
		{"uncertainDuration", "durationRange", "duration", defRef("plainDuration")},
		{"uncertainRate", "rateRange", "rate", defRef("plainRate")},
		{"uncertainCount", "countRange", "count", intMin(0)},
		{"uncertainProbability", "probabilityRange", "probability or fraction", vProb},
	} {
		defs[k.name] = jsonSchema{
			"description":          "An uncertain " + k.what + ": {uncertain: {low, high, dist, mode}}, a range for domino sensitivity and --uncertainty; a plain run uses its nominal value.",
			"type":                 "object",
			"properties":           jsonSchema{"uncertain": defRef(k.rng)},
			"required":             []any{"uncertain"},
			"additionalProperties": false,
		}
		defs[k.rng] = uncertainRange(k.plain)
	}
	for _, o := range objects() {
		if o != fileObject {
			defs[o.name] = objectSchema(o)
		}
	}
	root := objectSchema(fileObject)
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["$id"] = SchemaID
	root["title"] = "domino platform and scenario file"
	root["patternProperties"] = jsonSchema{"^x-": jsonSchema{"description": "Ignored: a place for YAML anchors."}}
	root["$defs"] = defs

	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		// Only maps, slices, strings and numbers go in.
		panic("graph: schema: " + err.Error())
	}
	return b.Bytes()
}

// objectSchema renders o as a closed JSON Schema object.
func objectSchema(o *object) jsonSchema {
	props := jsonSchema{}
	var required []any
	depReq := jsonSchema{}
	for _, f := range o.fields {
		props[f.key] = describeVal(f.val, f.doc)
		if f.required {
			required = append(required, f.key)
		}
		if len(f.requires) > 0 {
			depReq[f.key] = anyList(f.requires)
		}
	}
	s := jsonSchema{"type": "object", "properties": props, "additionalProperties": false}
	if o.doc != "" {
		s["description"] = o.doc
	}
	if len(required) > 0 {
		s["required"] = required
	}
	if len(depReq) > 0 {
		s["dependentRequired"] = depReq
	}
	if len(o.oneOf) > 0 {
		var alts []any
		for i, g := range o.oneOf {
			forbid := jsonSchema{}
			for j, other := range o.oneOf {
				if j != i {
					for _, k := range other {
						forbid[k] = false
					}
				}
			}
			alts = append(alts, jsonSchema{"required": anyList(g), "properties": forbid})
		}
		s["oneOf"] = alts
	}
	var all []any
	for _, p := range o.exclusive {
		all = append(all, jsonSchema{"not": jsonSchema{"required": []any{p[0], p[1]}}})
	}
	if o == eventObject {
		all = append(all, eventKindRules(o)...)
	}
	if len(all) > 0 {
		s["allOf"] = all
	}
	return s
}

// eventKindRules limits each event kind to its own keys and requires the
// keys it must give, as the loader's "does not apply" and "has no" errors do.
func eventKindRules(o *object) []any {
	byKind := keysByKind(o)
	var out []any
	for k, name := range EventKinds {
		kind := EventKind(k)
		then := jsonSchema{"propertyNames": jsonSchema{"enum": anyList(byKind[kind])}}
		var req, alts []any
		for _, f := range o.fields {
			if !slices.Contains(f.requiredFor, kind) {
				continue
			}
			var instead []string
			for _, g := range o.fields {
				if g.insteadOf == f.key && slices.Contains(g.kinds, kind) {
					instead = append(instead, g.key)
				}
			}
			if len(instead) == 0 {
				req = append(req, f.key)
				continue
			}
			// Exactly one of the key and those that may replace it.
			alts = append(alts, jsonSchema{"required": []any{f.key}})
			for _, k := range instead {
				alts = append(alts, jsonSchema{"required": []any{k}})
			}
		}
		if len(req) > 0 {
			then["required"] = req
		}
		if len(alts) > 0 {
			then["oneOf"] = alts
		}
		out = append(out, jsonSchema{
			"if":   jsonSchema{"properties": jsonSchema{"kind": jsonSchema{"const": name}}, "required": []any{"kind"}},
			"then": then,
		})
	}
	return out
}

// patchEntrySchema is o as a patch gives it: only the id is required,
// since a patch entry names the fields it replaces.
func patchEntrySchema(o *object) jsonSchema {
	s := objectSchema(o)
	s["required"] = []any{"id"}
	s["description"] = "A " + o.name + " to change (the fields given replace the platform's) or to add (then complete)."
	return s
}

// distributionSchema accepts a plain duration or a mapping with exactly one
// family key.
func distributionSchema() jsonSchema {
	props := jsonSchema{}
	for _, f := range families {
		doc := f.name + ": " + f.doc
		if f.params != nil {
			props[f.name] = describeVal(objectSchema(f.params), doc)
		} else {
			props[f.name] = describeVal(f.val, doc)
		}
	}
	return jsonSchema{
		"description": "A distribution of durations: a plain duration (fixed) or a mapping with one family key (" + strings.Join(familyNames(), ", ") + "), like {lognormal: {median: 6h, p95: 14h}}. Samples are clamped at 0.",
		"anyOf": []any{
			vDur,
			jsonSchema{
				"type":                 "object",
				"properties":           props,
				"additionalProperties": false,
				"minProperties":        1,
				"maxProperties":        1,
			},
		},
	}
}

// uncertainRange is the range under uncertain, with bounds of the schema
// plain (docs/model.md §3.1).
func uncertainRange(plain jsonSchema) jsonSchema {
	rng := objectSchema(uncertainObject)
	props := rng["properties"].(jsonSchema)
	for _, k := range []string{"low", "high", "mode"} {
		props[k] = describeVal(plain, props[k].(jsonSchema)["description"].(string))
	}
	rng["if"] = jsonSchema{"properties": jsonSchema{"dist": jsonSchema{"const": "triangular"}}, "required": []any{"dist"}}
	rng["then"] = jsonSchema{"required": []any{"mode"}}
	rng["else"] = jsonSchema{"properties": jsonSchema{"mode": false}}
	return rng
}

// orUncertain accepts plain or an uncertain range of kind ("Count",
// "Probability").
func orUncertain(plain jsonSchema, kind string) jsonSchema {
	return jsonSchema{"anyOf": []any{plain, defRef("uncertain" + kind)}}
}

// describeVal returns a copy of val with a description, leaving the shared
// value schemas of the tables untouched.
func describeVal(val jsonSchema, doc string) jsonSchema {
	out := maps.Clone(val)
	if doc != "" {
		out["description"] = doc
	}
	return out
}
