package graph_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
	"github.com/dominosim/domino/synth"
)

var updateCompiled = flag.Bool("update-compiled", false, "rewrite testdata/compiled.golden")

// TestCompiledGolden pins what the loader and Compile make of generated
// platforms (YAML and JSON) and of the embedded scenarios, so that work on
// the loader's speed cannot change a result unnoticed. Each scenario's
// Compiled, with its platform, is encoded as JSON (every exported field,
// positions included) and recorded as a SHA-256: the encodings run to
// megabytes. With -update-compiled the golden file is rewritten; a mismatch
// writes the encoding to a temporary file, for a diff.
func TestCompiledGolden(t *testing.T) {
	type input struct {
		name string
		load func() (*graph.File, error)
	}
	var inputs []input
	for _, opt := range []synth.Options{
		{Services: 200, Sites: 4, Seed: 1},
		{Services: 1000, Sites: 5, Seed: 7},
		{Services: 3000, Sites: 8, Seed: 3},
	} {
		for _, format := range []string{"yaml", "json"} {
			name := fmt.Sprintf("gen-%d-%d-%d.%s", opt.Services, opt.Sites, opt.Seed, format)
			inputs = append(inputs, input{name, func() (*graph.File, error) {
				text, err := synth.Generate(opt)
				if format == "json" {
					text, err = synth.GenerateJSON(opt)
				}
				if err != nil {
					return nil, err
				}
				return graph.Load(bytes.NewReader(text), name)
			}})
		}
	}
	for _, n := range scenarios.Names() {
		inputs = append(inputs, input{n, func() (*graph.File, error) {
			return graph.LoadFS(scenarios.FS, scenarios.Path(n))
		}})
	}

	var got strings.Builder
	for _, in := range inputs {
		f, err := in.load()
		require.NoError(t, err, "%s", in.name)
		for _, sc := range f.Scenarios {
			c, err := graph.Compile(sc)
			require.NoError(t, err, "%s: scenario %s", in.name, sc.ID)
			enc := encodeCompiled(t, c)
			sum := sha256.Sum256(enc)
			line := fmt.Sprintf("%s %s %d %s\n", in.name, sc.ID, len(enc), hex.EncodeToString(sum[:]))
			got.WriteString(line)
			if !*updateCompiled && !strings.Contains(readGolden(t), line) {
				// Kept after the test (not t.TempDir), to be diffed against
				// the encoding the unchanged code writes.
				dump, err := os.CreateTemp("", "compiled-"+in.name+"-"+sc.ID+"-*.json")
				require.NoError(t, err)
				dump.Write(enc)
				dump.Close()
				t.Errorf("%s: scenario %s: compiled form differs from testdata/compiled.golden; got %s(encoding in %s)", in.name, sc.ID, line, dump.Name())
			}
		}
	}
	const golden = "testdata/compiled.golden"
	if *updateCompiled {
		require.NoError(t, os.WriteFile(golden, []byte(got.String()), 0o644))
		return
	}
	assert.Equal(t, readGolden(t), got.String(), "compiled golden")
}

func readGolden(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/compiled.golden")
	require.NoError(t, err)
	return string(b)
}

// encodeCompiled encodes c and its platform; the scenario is encoded
// without its platform, which c.Platform already is.
func encodeCompiled(t *testing.T, c *graph.Compiled) []byte {
	t.Helper()
	sc := *c.Scenario
	sc.Platform = nil
	cc := *c
	cc.Scenario, cc.Platform = nil, nil
	b, err := json.Marshal(struct {
		Compiled *graph.Compiled
		Scenario *graph.Scenario
		Platform *graph.Platform
	}{&cc, &sc, c.Platform})
	require.NoError(t, err)
	return b
}
