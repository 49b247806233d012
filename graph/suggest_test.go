package graph

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSuggest(t *testing.T) {
	commands := []string{"examples", "run", "merge", "validate", "import", "schema", "gen", "graph", "trace", "compare", "plot", "rank", "advise", "version", "help"}
	tests := []struct {
		id    string
		known []string
		want  string
	}{
		{"rnu", commands, ` (did you mean "run"?)`}, // a swap is one edit: not "rank"
		{"hlep", commands, ` (did you mean "help"?)`},
		{"valdate", commands, ` (did you mean "validate"?)`},
		{"nosuch", commands, ""},
		{"talk-storag", []string{"talk-storage", "talk-media"}, ` (did you mean "talk-storage"?)`},
		{"talk", []string{"talk-messaging"}, ` (did you mean "talk-messaging"?)`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Suggest(tt.id, tt.known), "Suggest(%q)", tt.id)
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"ab", "ba", 1}, {"abc", "", 3},
		{"kitten", "sitting", 3}, {"ca", "abc", 3}, // OSA, not Damerau: no edit of a swapped pair
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, editDistance(tt.a, tt.b, 10), "editDistance(%q, %q)", tt.a, tt.b)
		assert.Equal(t, tt.want, editDistance(tt.b, tt.a, 10), "editDistance(%q, %q)", tt.b, tt.a)
	}
	assert.Greater(t, editDistance("abcdef", "uvwxyz", 2), 2, "beyond the limit")
}
