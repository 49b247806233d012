package main

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/scenarios"
)

func TestExamples(t *testing.T) {
	code, out, errOut := runCLI(t, context.Background(), "examples")
	require.Equal(t, exitOK, code, "got status %d, want %d\nstderr:\n%s", code, exitOK, errOut)
	lines := strings.Split(out, "\n")
	assert.True(t, strings.HasPrefix(lines[0], "NAME"), "first line %q, want the NAME header", lines[0])
	// One line per embedded file, in Names() order, with its title and ids.
	want := map[string][]string{
		"kakao-pangyo-2022":  {"Kakao and the SK C&C Pangyo data center fire", "pangyo-fire, ops-tools-3dc, failover-everywhere, ops-and-failover"},
		"ovh-sbg-2021":       {"OVHcloud Strasbourg campus fire, 10 March 2021", "sbg-fire, offsite-backups, standby-offsite, sbg-yearly"},
		"cyworld-2019":       {"Cyworld, October-November 2019: the front door of a single-operator social network", "front-door-down"},
		"aws-us-east-1-2021": {"AWS us-east-1, 7 December 2021", "internal-congestion, oob-monitoring, independent-internal-dns, yearly-disruptions"},
		"facebook-2021":      {"Facebook, 4 October 2021", "backbone-cut"},
		"gcp-paris-2023":     {"Google Cloud europe-west9 (Paris)", "paris-building-fire, multi-region"},
	}
	names := scenarios.Names()
	require.GreaterOrEqual(t, len(lines), len(names)+1, "a header and %d files:\n%s", len(names), out)
	for i, name := range names {
		line := lines[i+1]
		if !strings.HasPrefix(line, name+" ") {
			t.Errorf("line %d = %q, want it to start with %q", i+1, line, name)
			continue
		}
		for _, w := range want[name] {
			assert.Contains(t, line, w, "line for %s lacks %q:\n%s", name, w, line)
		}
		delete(want, name)
	}
	for name := range want {
		t.Errorf("%s is not listed", name)
	}
	assert.Contains(t, out, "domino run NAME", "stdout lacks the hint 'domino run NAME':\n%s", out)

	code, _, errOut = runCLI(t, context.Background(), "examples", "kakao")
	assert.Equal(t, exitUsage, code, "examples with an argument")
	assert.Contains(t, errOut, "Try: domino help examples", "examples with an argument: a hint")
}

// Every command that takes a FILE takes the name of an embedded example
// instead (loadInput), with or without ".yaml".
func TestEmbeddedNames(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantOut    []string
		wantErr    []string
	}{
		{
			name:       "run",
			args:       []string{"run", "ovh-sbg-2021", "--trials", "50"},
			wantStatus: exitOK,
			wantOut:    []string{"Scenario: sbg-fire — ", "Platform: ovh-strasbourg-customers-2021", "Trials:   50 (seed 1)", "shop-db", "site sbg2"},
		},
		{
			name:       "run, other scenario, .yaml suffix",
			args:       []string{"run", "gcp-paris-2023.yaml", "--scenario", "multi-region", "--trials", "50", "--format", "csv"},
			wantStatus: exitOK,
			wantOut:    []string{"web-app"},
		},
		{
			name:       "validate",
			args:       []string{"validate", "cyworld-2019", "facebook-2021.yaml"},
			wantStatus: exitOK,
			wantOut: []string{
				"cyworld-2019.yaml: ok — 3 sites, 8 services, 4 scenarios (front-door-down, second-domain, data-center-lost, offsite-backups)",
				"facebook-2021.yaml: ok — 7 sites, 9 services, 3 scenarios (backbone-cut, oob-management, remote-rollback)",
			},
		},
		{
			name:       "graph",
			args:       []string{"graph", "aws-us-east-1-2021", "--scenario", "oob-monitoring"},
			wantStatus: exitOK,
			wantOut:    []string{`digraph "aws-us-east-1-2021"`, `"internal-network"`, `"oob-network"`},
		},
		{
			name:       "misspelt name",
			args:       []string{"run", "ovh-sbg-2012", "--trials", "5"},
			wantStatus: exitInput,
			wantErr:    []string{`no file or embedded scenario named "ovh-sbg-2012" (did you mean "ovh-sbg-2021"?)`, "domino examples"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, context.Background(), tt.args...)
			assert.Equal(t, tt.wantStatus, code, "got status %d, want %d\nstderr:\n%s", code, tt.wantStatus, errOut)
			for _, w := range tt.wantOut {
				assert.Contains(t, out, w, "stdout lacks %q:\n%s", w, out)
			}
			for _, w := range tt.wantErr {
				assert.Contains(t, errOut, w, "stderr lacks %q:\n%s", w, errOut)
			}
		})
	}
}
