package scenarios_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dominosim/domino/scenarios"
)

func TestHeaderTitle(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"one line", "# Kakao fire, 2022.\n#\n# More.\nversion: 1\n", "Kakao fire, 2022"},
		{"wrapped", "# Cyworld, 2019: the front door of a\n# social network.\n#\n# What happened\n", "Cyworld, 2019: the front door of a social network"},
		{"ends at yaml", "# Title\nversion: 1\n# not the title\n", "Title"},
		{"leading empty comment", "#\n#  Spaced   title \n", "Spaced   title"},
		{"no comment", "version: 1\n# late\n", ""},
		{"empty", "", ""},
		{"crlf", "# Windows title.\r\n#\r\n", "Windows title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, scenarios.HeaderTitle([]byte(tt.data)), "HeaderTitle(%q)", tt.data)
		})
	}
}

// Every embedded file opens with a one-paragraph title, which `domino
// examples` lists.
func TestEmbeddedTitles(t *testing.T) {
	const maxLen = 100 // a title is a line in a listing, not a paragraph
	for _, name := range scenarios.Names() {
		got := scenarios.Title(name)
		assert.NotEmpty(t, got, "%s: no title comment", name)
		assert.LessOrEqual(t, len(got), maxLen, "%s: title %q is too long (bytes)", name, got)
	}
	assert.Empty(t, scenarios.Title("no-such-file"), `Title("no-such-file")`)
}
