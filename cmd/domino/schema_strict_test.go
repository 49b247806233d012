package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
)

// schemaBase is the $id's directory of the schemas under docs/.
const schemaBase = "https://github.com/dominosim/domino/blob/main/docs/"

// strictSchemas compiles the schemas under docs/ named, with every object
// that lists its properties made closed ("additionalProperties": false
// where it says nothing): the published schemas let readers ignore fields
// a later version adds, but a field domino writes and the schema does not
// describe is drift, which this catches.
func strictSchemas(t *testing.T, names ...string) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join("..", "..", "docs", name))
		require.NoError(t, err)
		var doc any
		require.NoError(t, json.Unmarshal(b, &doc), name)
		closeObjects(doc)
		require.NoError(t, c.AddResource(schemaBase+name, doc), name)
	}
	out := map[string]*jsonschema.Schema{}
	for _, name := range names {
		s, err := c.Compile(schemaBase + name)
		require.NoError(t, err, name)
		out[name] = s
	}
	return out
}

// closeObjects sets "additionalProperties": false on every schema object
// with "properties" and no additionalProperties of its own.
func closeObjects(v any) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["properties"].(map[string]any); ok {
			if _, set := x["additionalProperties"]; !set {
				x["additionalProperties"] = false
			}
		}
		for _, y := range x {
			closeObjects(y)
		}
	case []any:
		for _, y := range x {
			closeObjects(y)
		}
	}
}

func validateJSON(t *testing.T, s *jsonschema.Schema, what, out string) {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	require.NoError(t, err, what)
	if err := s.Validate(inst); err != nil {
		t.Errorf("%s: output does not match the schema (closed):\n%v", what, err)
	}
}

// TestSchemasDescribeEveryField validates what run, risk and merge write
// for every scenario of every embedded file against the schemas, closed:
// a field that domino writes and the schema does not describe fails it.
func TestSchemasDescribeEveryField(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every embedded scenario")
	}
	ctx := context.Background()
	schemas := strictSchemas(t, "results.schema.json", "risk.schema.json")
	results, risk := schemas["results.schema.json"], schemas["risk.schema.json"]
	n := 0
	for _, name := range scenarios.Names() {
		f, err := graph.LoadFS(scenarios.FS, scenarios.Path(name))
		require.NoError(t, err)
		for _, sc := range f.Scenarios {
			args := []string{name, "--scenario", sc.ID, "--trials", "60", "--format", "json"}
			code, out, errOut := runCLI(t, ctx, append([]string{"run"}, args...)...)
			require.Equal(t, exitOK, code, errOut)
			validateJSON(t, results, "run "+name+":"+sc.ID, out)
			code, out, errOut = runCLI(t, ctx, append([]string{"risk"}, args...)...)
			require.Equal(t, exitOK, code, errOut)
			validateJSON(t, risk, "risk "+name+":"+sc.ID, out)
			n++
		}
	}
	assert.Greater(t, n, 20, "scenarios validated")

	// The closed schemas reject a field they do not describe, at the top
	// and deep down.
	code, out, errOut := runCLI(t, ctx, "run", "ovh-sbg-2021", "--scenario", "sbg-yearly", "--trials", "60", "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	for _, extra := range []struct{ old, new string }{
		{`"scenario":`, `"unknown": 1, "scenario":`},
		{`"p_rto_breach":`, `"p_rto_breachh": 0, "p_rto_breach":`},
		{`"expected":`, `"unexpected": 0, "expected":`},
	} {
		bad := strings.Replace(out, extra.old, extra.new, 1)
		require.NotEqual(t, out, bad)
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(bad)))
		require.NoError(t, err)
		assert.Error(t, results.Validate(inst), "a results file with %s", extra.new)
	}
}
