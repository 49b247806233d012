package importer

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// update rewrites the golden files: go test ./graph/importer -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/import")

// testdata is the repository's shared fixtures directory.
const testdata = "../../testdata/import"

// readCase reads every file under testdata/import/dir, in path order.
func readCase(t testing.TB, dir string) []Input {
	t.Helper()
	var ins []Input
	root := filepath.Join(testdata, dir)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(testdata, p)
		ins = append(ins, Input{Name: filepath.ToSlash(rel), Data: b})
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, ins, "no files under %s", root)
	return ins
}

// render is what a golden file holds: the platform file, then the
// warnings as comments.
func render(t testing.TB, g *Graph) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, g.WriteYAML(&b))
	if len(g.Warnings) > 0 {
		b.WriteString("# Warnings:\n")
		for _, w := range g.Warnings {
			b.WriteString("#   " + w + "\n")
		}
	}
	return b.Bytes()
}

// mustRun checks that data loads, validates and compiles every scenario:
// what domino run needs.
func mustRun(t testing.TB, data []byte, name string) *graph.File {
	t.Helper()
	f, err := graph.Load(bytes.NewReader(data), name)
	require.NoError(t, err, "%s does not load:\n%s", name, data)
	require.NotEmpty(t, f.Scenarios, "%s has no scenario", name)
	for _, sc := range f.Scenarios {
		_, err := graph.Compile(sc)
		require.NoError(t, err, "%s: scenario %s does not compile", name, sc.ID)
	}
	return f
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./graph/importer -update")
	assert.Equal(t, string(want), string(got), "%s differs", path)
}

func serviceIDs(g *Graph) []string {
	var ids []string
	for _, s := range g.Services {
		ids = append(ids, s.ID)
	}
	return ids
}

func hasWarning(g *Graph, sub string) bool {
	return slices.ContainsFunc(g.Warnings, func(w string) bool { return strings.Contains(w, sub) })
}
