package sim

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeTemp(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(body), 0o644))
	return path
}

func TestFileSchema(t *testing.T) {
	s, ok := FileSchema([]byte(`{"schema":"domino.rank/v1","x":1}`))
	assert.True(t, ok)
	assert.Equal(t, RankSchema, s)
	for _, data := range []string{`{"platform":{}}`, `[1]`, `name: x`, ``} {
		_, ok := FileSchema([]byte(data))
		assert.False(t, ok, data)
	}
}

func TestReadResultsFile(t *testing.T) {
	good := writeTemp(t, "r.json", `{"schema":"domino.results/v1","scenario":"fire","trials":3,"services":[{"id":"db","p_affected":0.5}]}`)
	r, err := ReadResultsFile(good)
	require.NoError(t, err)
	assert.Equal(t, "fire", r.Scenario)
	assert.Equal(t, 3, r.Trials)
	require.Len(t, r.Services, 1)
	assert.Equal(t, 0.5, r.Services[0].PAffected)

	for _, c := range []struct{ name, body, want string }{
		{"rank.json", `{"schema":"domino.rank/v1"}`,
			`rank.json: schema "domino.rank/v1", want "domino.results/v1" (a file written by 'domino run --format json')`},
		{"noschema.json", `{"scenario":"x"}`, `noschema.json: schema "", want "domino.results/v1"`},
		{"broken.json", `{"schema":`, `broken.json: not a results file: invalid JSON at byte 10`},
		{"array.json", `[1,2]`, `array.json: not a results file: json: cannot unmarshal array`},
		{"types.json", `{"schema":"domino.results/v1","trials":"many"}`, `types.json: not a results file: json: cannot unmarshal string`},
	} {
		_, err := ReadResultsFile(writeTemp(t, c.name, c.body))
		require.Error(t, err, c.name)
		assert.Contains(t, err.Error(), c.want, c.name)
	}

	_, err = ReadResultsFile(filepath.Join(t.TempDir(), "missing.json"))
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), "read results: ")
}

func TestReadRankFile(t *testing.T) {
	r, err := ReadRankFile(writeTemp(t, "k.json", `{"schema":"domino.rank/v1","scenario":"fire","items":[{"kind":"service","id":"db"}]}`))
	require.NoError(t, err)
	assert.Equal(t, "fire", r.Scenario)
	require.Len(t, r.Items, 1)
	assert.Equal(t, "db", r.Items[0].ID)

	_, err = ReadRankFile(writeTemp(t, "r.json", `{"schema":"domino.results/v1"}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `r.json: schema "domino.results/v1", want "domino.rank/v1" (a file written by 'domino rank --format json')`)
}

func TestReadPartFile(t *testing.T) {
	_, err := ReadPartFile(writeTemp(t, "r.json", `{"schema":"domino.results/v1"}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "r.json: a results file, not a part")

	_, err = ReadPartFile(filepath.Join(t.TempDir(), "missing.json"))
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Contains(t, err.Error(), "read part: ")
}
