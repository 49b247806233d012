package graph

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// people: is optional, an integer ≥ 1, and at least the users of any one
// service (it counts each user of the platform once).
func TestPeople(t *testing.T) {
	file := func(people string) string {
		return "version: 1\nplatform:\n  name: t\n" + people + "  sites: [{id: a}]\n  services:\n" +
			"    - {id: chat, users: 500, placement: {a: 1}}\n    - {id: mail, users: 300, placement: {a: 1}}\n"
	}
	f, err := Load(strings.NewReader(file("  people: 600\n")), "p.yaml")
	require.NoError(t, err)
	assert.Equal(t, int64(600), f.Platform.People)

	f, err = Load(strings.NewReader(file("")), "p.yaml")
	require.NoError(t, err)
	assert.Zero(t, f.Platform.People)

	for _, tt := range []struct{ people, want string }{
		{"  people: 400\n", `p.yaml:4:11: platform.people: people 400 is below the 500 users of service "chat": people counts each user of the platform once, so it is at least the users of any one service`},
		{"  people: 0\n", "p.yaml:4:11: platform.people: want people ≥ 1 (distinct users of the platform), got 0"},
		{"  people: many\n", "p.yaml:4:11: platform.people:"},
	} {
		_, err := Load(strings.NewReader(file(tt.people)), "p.yaml")
		require.Error(t, err, tt.people)
		assert.Contains(t, err.Error(), tt.want)
	}
}
