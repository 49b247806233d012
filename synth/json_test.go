package synth

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/dominosim/domino/graph"
)

// TestGenerateJSONMeansTheSame loads a generated file as YAML and as JSON
// and wants the same platform and scenarios, positions aside.
func TestGenerateJSONMeansTheSame(t *testing.T) {
	for _, opt := range []Options{
		{Services: 10, Sites: 2, Seed: 3},
		{Services: 300, Sites: 5, Seed: 1},
	} {
		y := load(t, generate(t, opt))
		b, err := GenerateJSON(opt)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(b) {
			t.Fatalf("%+v: GenerateJSON wrote invalid JSON", opt)
		}
		j := load(t, b)
		if len(j.Platform.Services) != opt.Services {
			t.Fatalf("%+v: got %d services from JSON, want %d", opt, len(j.Platform.Services), opt.Services)
		}
		clearPos(reflect.ValueOf(y.Platform))
		clearPos(reflect.ValueOf(j.Platform))
		if !reflect.DeepEqual(y.Platform, j.Platform) {
			t.Errorf("%+v: the JSON platform differs from the YAML one", opt)
		}
		for i := range y.Scenarios {
			a, b := *y.Scenarios[i], *j.Scenarios[i]
			a.Platform, b.Platform = nil, nil
			clearPos(reflect.ValueOf(&a))
			clearPos(reflect.ValueOf(&b))
			va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
			for k := range va.NumField() {
				if va.Type().Field(k).IsExported() && !reflect.DeepEqual(va.Field(k).Interface(), vb.Field(k).Interface()) {
					t.Errorf("%+v: scenario %s: %s differs", opt, a.ID, va.Type().Field(k).Name)
				}
			}
		}
	}
}

// clearPos zeroes every graph.Pos reachable from v through exported fields.
func clearPos(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			clearPos(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			clearPos(v.Index(i))
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[graph.Pos]() {
			if v.CanSet() {
				v.Set(reflect.Zero(v.Type()))
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				clearPos(v.Field(i))
			}
		}
	}
}
