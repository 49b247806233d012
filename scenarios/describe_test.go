package scenarios_test

import (
	"testing"

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
			if got := scenarios.HeaderTitle([]byte(tt.data)); got != tt.want {
				t.Errorf("HeaderTitle(%q) = %q, want %q", tt.data, got, tt.want)
			}
		})
	}
}

// Every embedded file opens with a one-paragraph title, which `domino
// examples` lists.
func TestEmbeddedTitles(t *testing.T) {
	const maxLen = 100 // a title is a line in a listing, not a paragraph
	for _, name := range scenarios.Names() {
		got := scenarios.Title(name)
		if got == "" {
			t.Errorf("%s: no title comment", name)
		}
		if len(got) > maxLen {
			t.Errorf("%s: title is %d bytes, want at most %d: %q", name, len(got), maxLen, got)
		}
	}
	if got := scenarios.Title("no-such-file"); got != "" {
		t.Errorf(`Title("no-such-file") = %q, want ""`, got)
	}
}
