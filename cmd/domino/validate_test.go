package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	write := func(name, text string) {
		t.Helper()
		require.NoError(t, os.WriteFile(name, []byte(text), 0o644))
	}
	write(good, `version: 1
platform:
  sites: [{id: a}, {id: b}]
  services:
    - {id: web, placement: {a: 2, b: 2}}
scenarios:
  - id: a-burns
    events: [{kind: site-outage, site: a, duration: 1h}]
`)
	write(bad, `version: 1
platform:
  sites: [{id: a}]
  services:
    - {id: web, placement: {a: 2}, depends_on: [db]}
    - {id: dbs, placement: {b: 1}}
`)
	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantOut    []string
		wantErr    []string
	}{
		{
			name:       "ok",
			args:       []string{"validate", good},
			wantStatus: exitOK,
			wantOut:    []string{good + ": ok — 2 sites, 1 service, 1 scenario (a-burns)"},
		},
		{
			name:       "errors",
			args:       []string{"validate", bad},
			wantStatus: exitInput,
			wantErr: []string{
				bad + `:5:49: platform.services[0].depends_on[0]: unknown service "db" (did you mean "dbs"?)`,
				bad + `:6:29: platform.services[1].placement.b: unknown site "b" (did you mean "a"?)`,
				"Error: 2 problem(s) in input",
			},
		},
		{
			name:       "one good one bad",
			args:       []string{"validate", good, bad},
			wantStatus: exitInput,
			wantOut:    []string{good + ": ok"},
			wantErr:    []string{"unknown service \"db\""},
		},
		{
			name:       "embedded default",
			args:       []string{"validate"},
			wantStatus: exitOK,
			wantOut:    []string{"kakao-pangyo-2022.yaml: ok — "},
		},
		{
			name:       "missing file",
			args:       []string{"validate", filepath.Join(dir, "nope.yaml")},
			wantStatus: exitInput,
			wantErr:    []string{"no file or embedded scenario"},
		},
		{
			name:       "bad flag",
			args:       []string{"validate", "--nope"},
			wantStatus: exitUsage,
			wantErr:    []string{"Try: domino help validate"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			assert.Equal(t, tt.wantStatus, got, "status\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
			for _, w := range tt.wantOut {
				assert.Contains(t, stdout.String(), w, "stdout")
			}
			for _, w := range tt.wantErr {
				assert.Contains(t, stderr.String(), w, "stderr")
			}
		})
	}
}
