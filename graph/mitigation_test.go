package graph

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMitigations(t *testing.T) {
	f, err := LoadFile("testdata/valid/mitigations.yaml")
	require.NoError(t, err)
	if len(f.Mitigations) != 2 {
		t.Fatalf("got %d mitigations, want 2", len(f.Mitigations))
	}
	m := f.Mitigations[0]
	if m.ID != "ops-tools-3dc" || m.Cost != 40 || m.Description == "" {
		t.Errorf("got %+v", m)
	}
	if got := strings.Join(m.Platform.Service("deploy").Sites(), ","); got != "pangyo,gasan,anyang" {
		t.Errorf("got deploy sites %s", got)
	}
	if got := strings.Join(m.Platform.Service("talk").Sites(), ","); got != "pangyo,gasan" {
		t.Errorf("mitigation 0 alone changed talk: %s", got)
	}

	// Both applied in order, on top of each other; the base is untouched.
	p, err := f.Apply(f.Mitigations...)
	require.NoError(t, err)
	if got := strings.Join(p.Service("deploy").Sites(), ","); got != "pangyo,gasan,anyang" {
		t.Errorf("combined: got deploy sites %s", got)
	}
	if got := strings.Join(p.Service("talk").Sites(), ","); got != "pangyo,gasan,anyang" {
		t.Errorf("combined: got talk sites %s", got)
	}
	if got := strings.Join(f.Platform.Service("deploy").Sites(), ","); got != "pangyo" {
		t.Errorf("base changed: deploy sites %s", got)
	}

	// Together they place 100 servers on pangyo: still fits; a third that
	// adds more does not, and Apply says so.
	extra := &Mitigation{ID: "x", patch: f.Mitigations[1].patch}
	if _, err := f.Apply(f.Mitigations[0], f.Mitigations[1], extra); err != nil {
		t.Errorf("re-applying the same patch should be idempotent, got %v", err)
	}
	if p, err := f.Apply(); err != nil || p != f.Platform {
		t.Errorf("Apply(): got %p, %v, want the file's platform", p, err)
	}
}
