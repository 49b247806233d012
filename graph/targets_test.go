package graph

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTierTargets(t *testing.T) {
	file := func(extra string) string {
		return "version: 1\nplatform:\n" + extra + "  sites: [{id: a}]\n  services:\n" +
			"    - {id: pay, priority: 1, placement: {a: 1}}\n" +
			"    - {id: login, priority: 1, rto: 10m, placement: {a: 1}}\n" +
			"    - {id: blog, placement: {a: 1}}\n"
	}
	f, err := Load(strings.NewReader(file("  compliance: 0.99\n  targets: [{priority: 1, rto: 1h, rpo: 5m}, {priority: 3, rto: 1d}]\n")), "p.yaml")
	require.NoError(t, err)
	p := f.Platform
	assert.Equal(t, 0.99, p.Compliance)
	assert.Equal(t, []TierTarget{{Priority: 1, RTO: Hour, RPO: 5 * Minute}, {Priority: 3, RTO: Day, RPO: -1}}, p.Targets)
	assert.Equal(t, Hour, p.Service("pay").RTO, "the tier's rto")
	assert.Equal(t, 5*Minute, p.Service("pay").RPO, "the tier's rpo")
	assert.Equal(t, 10*Minute, p.Service("login").RTO, "its own rto wins")
	assert.Equal(t, 5*Minute, p.Service("login").RPO, "the tier fills the target it leaves out")
	assert.Equal(t, int64(-1), p.Service("blog").RTO, "priority 5 has no tier target")

	f, err = Load(strings.NewReader(file("")), "p.yaml")
	require.NoError(t, err)
	assert.Zero(t, f.Platform.Compliance, "0: the default")

	for _, tt := range []struct{ extra, want string }{
		{"  compliance: 1\n", "p.yaml:3:15: platform.compliance: want compliance in (0, 1)"},
		{"  compliance: 0\n", "p.yaml:3:15: platform.compliance: want compliance in (0, 1)"},
		{"  targets: [{priority: 1, rto: 1h}, {priority: 1, rpo: 1m}]\n", "duplicate target for priority 1 (first at line 3)"},
		{"  targets: [{priority: 1}]\n", "tier target for priority 1 sets neither rto nor rpo"},
		{"  targets: [{rto: 1h}]\n", "a tier target needs a priority"},
		{"  targets: [{priority: -1, rto: 1h}]\n", "want priority ≥ 0, got -1"},
		{"  targets: [{priority: 1, rot: 1h}]\n", `unknown key "rot"`},
	} {
		_, err := Load(strings.NewReader(file(tt.extra)), "p.yaml")
		require.Error(t, err, tt.extra)
		assert.Contains(t, err.Error(), tt.want, tt.extra)
	}
}
