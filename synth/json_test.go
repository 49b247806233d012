package synth

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
		require.NoError(t, err)
		require.True(t, json.Valid(b), "%+v: GenerateJSON wrote invalid JSON", opt)
		j := load(t, b)
		require.Len(t, j.Platform.Services, opt.Services, "%+v: services from JSON", opt)
		clearPos(reflect.ValueOf(y.Platform))
		clearPos(reflect.ValueOf(j.Platform))
		assert.True(t, reflect.DeepEqual(y.Platform, j.Platform), "%+v: the JSON platform differs from the YAML one", opt)
		require.Len(t, j.Scenarios, len(y.Scenarios))
		for i := range y.Scenarios {
			a, b := *y.Scenarios[i], *j.Scenarios[i]
			a.Platform, b.Platform = nil, nil
			clearPos(reflect.ValueOf(&a))
			clearPos(reflect.ValueOf(&b))
			va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
			for k := range va.NumField() {
				if va.Type().Field(k).IsExported() {
					assert.True(t, reflect.DeepEqual(va.Field(k).Interface(), vb.Field(k).Interface()),
						"%+v: scenario %s: %s differs", opt, a.ID, va.Type().Field(k).Name)
				}
			}
		}
	}
}

// TestGenerateJSONInvalid wants the options checked as Generate checks them.
func TestGenerateJSONInvalid(t *testing.T) {
	_, err := GenerateJSON(Options{Services: MinServices - 1, Sites: 2})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "services must be in")
}

// TestEmitterPlain checks that a plain scalar is written in JSON as what
// YAML reads it as: a number or a boolean where JSON can say it, else a
// string.
func TestEmitterPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0", "0"}, {"-3", "-3"}, {"0.05", "0.05"}, {"1.0", "1.0"}, {"true", "true"}, {"false", "false"},
		// Not numbers as JSON writes them, whatever YAML makes of them:
		// written as text, as the generator never writes such a value.
		{"007", `"007"`}, {"1.", `"1."`}, {".5", `".5"`}, {"1e3", `"1e3"`},
		{"12h", `"12h"`}, // a duration
		{"site-0", `"site-0"`},
	}
	for _, tt := range tests {
		e := &emitter{json: true}
		e.open(list, flow)
		e.plain(tt.in)
		e.close()
		assert.Equal(t, "["+tt.want+"]\n", string(e.b), "plain(%q)", tt.in)
	}
}

// TestEmitterLayout checks both layouts of the same calls: block
// collections one entry a line, flow ones on one line, a block mapping in a
// block list starting on the dash's line.
func TestEmitterLayout(t *testing.T) {
	write := func(e *emitter) {
		e.comment("c")
		e.open(mapping, block)
		e.ki("n", 1)
		e.key("m")
		e.open(mapping, block)
		e.key("l")
		e.open(list, block)
		e.open(mapping, block)
		e.kv("id", "a")
		e.key("f")
		e.open(list, flow)
		e.plain("x")
		e.quoted("y z")
		e.close()
		e.close()
		e.open(mapping, flow)
		e.kv("id", "b")
		e.close()
		e.close()
		e.close()
		e.close()
	}
	y, j := &emitter{}, &emitter{json: true}
	write(y)
	write(j)
	assert.Equal(t, `# c
n: 1
m:
  l:
    - id: a
      f: [x, "y z"]
    - {id: b}
`, string(y.b))
	assert.Equal(t, `{
  "n": 1,
  "m": {
    "l": [
      {
        "id": "a",
        "f": ["x", "y z"]
      },
      {"id": "b"}
    ]
  }
}
`, string(j.b))
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
