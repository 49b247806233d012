package layering

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/dominosim/domino/"

// allowed lists, for each package, the project packages its non-test files
// may import (docs/architecture.md). A package missing here fails the test,
// so a new package has to be placed in the map on purpose.
var allowed = map[string][]string{
	"internal/slab":       nil,
	"internal/boundedio":  nil,
	"internal/fuzzguard":  nil,
	"internal/fifo":       nil,
	"internal/atomicfile": {"internal/boundedio"},
	"internal/layering":   nil,
	"graph":               {"internal/slab", "internal/boundedio"},
	"graph/importer":      {"graph", "internal/slab"},
	"sim":                 {"graph", "internal/slab", "internal/boundedio"},
	"scenarios":           nil,
	"docs":                nil,
	"synth":               nil,
	"deploy":              nil,
	"output":              {"graph", "sim", "internal/slab", "internal/boundedio"},
	"output/chart":        {"graph", "sim", "output"},
	"output/diagram":      {"graph", "sim", "output"},
	"output/report":       {"sim", "output", "output/chart"},
	"cmd/domino":          {"graph", "graph/importer", "sim", "output", "output/chart", "output/diagram", "output/report", "scenarios", "docs", "synth", "internal/slab", "internal/boundedio", "internal/atomicfile"},
}

// renderers maps the libraries that draw or lay out output to the one
// package each belongs to (docs/architecture.md): text tables to output,
// figures to output/chart, Graphviz and the PNG painter to output/diagram. Any other package
// that imports one of them does a job that is not its own.
var renderers = map[string]string{
	"github.com/olekukonko/tablewriter": "output",
	"gonum.org/v1/plot":                 "output/chart",
	"github.com/goccy/go-graphviz":      "output/diagram",
	"git.sr.ht/~sbinet/gg":              "output/diagram",
}

func TestDependenciesFlowOneWay(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	seen := map[string]bool{}
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		require.NoError(t, err)
		rel = filepath.ToSlash(rel)
		seen[rel] = true
		ok, known := allowed[rel]
		if !assert.True(t, known, "package %s is not in the layering map: place it in docs/architecture.md and here", rel) {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		require.NoError(t, err)
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			require.NoError(t, err)
			if dep, ok2 := strings.CutPrefix(p, module); ok2 {
				assert.Contains(t, ok, dep, "%s imports %s, against the one-way flow", filepath.ToSlash(path[len(root)+1:]), dep)
			}
			for lib, owner := range renderers {
				if p == lib || strings.HasPrefix(p, lib+"/") {
					assert.Equal(t, owner, rel, "%s imports %s, which only %s may use", filepath.ToSlash(path[len(root)+1:]), p, owner)
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	for _, p := range []string{"graph", "sim", "output", "output/chart", "output/diagram", "output/report", "cmd/domino"} {
		assert.True(t, seen[p], "walked no files of %s: the test checks nothing", p)
	}
}
