package graph

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeYAML(t *testing.T) {
	in := "base: &b {kind: Component, n: 3}\n" +
		"e: {<<: *b, name: x, big: 18446744073709551615, f: 1.5, ok: true, none: null, list: [a, *b]}\n" +
		"---\n" +
		"# empty document above is kept; this one has its own anchor\n" +
		"a: &b 7\nc: *b\n"
	got, err := DecodeYAML([]byte(in), "cat.yaml")
	require.NoError(t, err)
	b := map[string]any{"kind": "Component", "n": int64(3)}
	want := []any{
		map[string]any{
			"base": b,
			"e": map[string]any{"kind": "Component", "n": int64(3), "name": "x", "big": uint64(18446744073709551615),
				"f": 1.5, "ok": true, "none": nil, "list": []any{"a", b}},
		},
		map[string]any{"a": int64(7), "c": int64(7)},
	}
	assert.Equal(t, want, got)
}

func TestDecodeYAMLErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"duplicate key", "a: 1\na: 2\n", "cat.yaml:2:1: a: duplicate key"},
		{"tag", "a: !!binary aGk=\n", "YAML tags like !!binary are not supported"},
		{"unknown alias", "a: *nope\n", "cat.yaml:1:4: a: unknown alias *nope"},
		{"deep", strings.Repeat("[", 1000), "nesting deeper than 64 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeYAML([]byte(tt.in), "cat.yaml")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
