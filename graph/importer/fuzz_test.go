package importer

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/internal/fuzzguard"
)

// fuzzImport feeds arbitrary bytes to one format's importer: it may fail,
// but never panic, and whatever it accepts must be a platform file that
// loads and compiles.
func fuzzImport(f *testing.F, format string, opt Options) {
	dirs, _ := filepath.Glob(filepath.Join(testdata, format, "*"))
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		rel, _ := filepath.Rel(testdata, dir)
		for _, in := range readCase(f, rel) {
			f.Add(in.Data)
		}
	}
	if format == "backstage" {
		// Inputs that once exhausted the Backstage parser's memory.
		f.Add([]byte(backstageBomb))
		f.Add([]byte("items: " + strings.Repeat("[", 100_000)))
		f.Add([]byte(strings.Repeat("- ", 5000) + "x\n"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzguard.Check(t, len(data), func() {
			g, err := Import(format, []Input{{Name: "fuzz", Data: data}}, opt)
			if err != nil {
				return
			}
			var b bytes.Buffer
			require.NoError(t, g.WriteYAML(&b))
			file, err := graph.Load(bytes.NewReader(b.Bytes()), "fuzz.yaml")
			require.NoError(t, err, "import output does not load:\n%s", b.Bytes())
			for _, sc := range file.Scenarios {
				_, err := graph.Compile(sc)
				require.NoError(t, err, "import output does not compile")
			}
		})
	})
}

func FuzzImportBackstage(f *testing.F) { fuzzImport(f, "backstage", Options{}) }
func FuzzImportJaeger(f *testing.F)    { fuzzImport(f, "jaeger", Options{MinCalls: 2}) }
func FuzzImportKiali(f *testing.F)     { fuzzImport(f, "kiali", Options{KialiLevel: KialiApp}) }
func FuzzImportDOT(f *testing.F)       { fuzzImport(f, "dot", Options{}) }
func FuzzImportPrometheus(f *testing.F) {
	fuzzImport(f, "prometheus", Options{KeepVirtual: true})
}
