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
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) == 0 {
		t.Fatalf("no files under %s", root)
	}
	return ins
}

// render is what a golden file holds: the platform file, then the
// warnings as comments.
func render(t testing.TB, g *Graph) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := g.WriteYAML(&b); err != nil {
		t.Fatal(err)
	}
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
	if err != nil {
		t.Fatalf("%s does not load:\n%v\n%s", name, err, data)
	}
	if len(f.Scenarios) == 0 {
		t.Fatalf("%s has no scenario", name)
	}
	for _, sc := range f.Scenarios {
		if _, err := graph.Compile(sc); err != nil {
			t.Fatalf("%s: scenario %s does not compile: %v", name, sc.ID, err)
		}
	}
	return f
}

// golden compares got with the golden file, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./graph/importer -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs; got:\n%s\nwant:\n%s", path, got, want)
	}
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
