package graph

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMitigations(t *testing.T) {
	f, err := LoadFile("testdata/valid/mitigations.yaml")
	require.NoError(t, err)
	require.Len(t, f.Mitigations, 2)
	m := f.Mitigations[0]
	assert.Equal(t, "ops-tools-3dc", m.ID)
	assert.Equal(t, 40.0, m.Cost)
	assert.NotEmpty(t, m.Description)
	assert.Equal(t, []string{"pangyo", "gasan", "anyang"}, m.Platform.Service("deploy").Sites(), "deploy sites")
	assert.Equal(t, []string{"pangyo", "gasan"}, m.Platform.Service("talk").Sites(), "mitigation 0 alone changed talk")

	// Both applied in order, on top of each other; the base is untouched.
	p, err := f.Apply(f.Mitigations...)
	require.NoError(t, err)
	assert.Equal(t, []string{"pangyo", "gasan", "anyang"}, p.Service("deploy").Sites(), "combined: deploy sites")
	assert.Equal(t, []string{"pangyo", "gasan", "anyang"}, p.Service("talk").Sites(), "combined: talk sites")
	assert.Equal(t, []string{"pangyo"}, f.Platform.Service("deploy").Sites(), "base changed: deploy sites")

	// Together they place 100 servers on pangyo: still fits; a third that
	// adds more does not, and Apply says so.
	extra := &Mitigation{ID: "x", patch: f.Mitigations[1].patch}
	_, err = f.Apply(f.Mitigations[0], f.Mitigations[1], extra)
	assert.NoError(t, err, "re-applying the same patch should be idempotent")
	p, err = f.Apply()
	require.NoError(t, err, "Apply()")
	assert.Same(t, f.Platform, p, "Apply(): want the file's platform")
}

// TestApplyKeepsAliases: Apply decodes the platform again, aliases and all,
// with the file's allowance of alias expansions. It had none, so a file
// with one alias could not be patched: advise evaluated no candidate of an
// embedded scenario ("too many alias expansions (more than 0)").
func TestApplyKeepsAliases(t *testing.T) {
	f := mustLoad(t, `version: 1
x-restart: &restart {auto: 10m}
platform:
  sites: [{id: a}, {id: b}]
  services:
    - {id: db, placement: {a: 2}, restart: *restart}
mitigations:
  - {id: crews, add_crews: 1}
  - {id: db-2dc, patch: {services: [{id: db, placement: {a: 2, b: 2}}]}}
`)
	m, err := NewMitigation("replicate", "", 2, `{services: [{id: db, placement: {a: 2, b: 2}}]}`)
	require.NoError(t, err)
	for _, ms := range [][]*Mitigation{{f.Mitigations[0]}, {f.Mitigations[1]}, {m}, f.Mitigations} {
		p, err := f.Apply(ms...)
		require.NoError(t, err)
		assert.Equal(t, NewFixed(10*Minute), p.Service("db").Restart.Auto)
	}
}
