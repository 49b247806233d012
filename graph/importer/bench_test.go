package importer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
)

// jaegerFixture is a Jaeger dependencies file of exactly n services: each
// but the first is called by one service with a smaller index and calls up
// to three with a larger one (so the graph is acyclic, as call graphs
// mostly are), with a fixed seed.
func jaegerFixture(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	name := func(i int) string { return fmt.Sprintf("Service %04d", i) }
	var links []jaegerLink
	for i := range n {
		if i > 0 {
			links = append(links, jaegerLink{Parent: name(r.IntN(i)), Child: name(i), CallCount: int64(1 + r.IntN(10000))})
		}
		for range r.IntN(4) {
			if j := i + 1 + r.IntN(50); j < n {
				links = append(links, jaegerLink{Parent: name(i), Child: name(j), CallCount: int64(1 + r.IntN(10000))})
			}
		}
	}
	b, err := json.Marshal(map[string]any{"data": links})
	if err != nil {
		panic("importer: " + err.Error())
	}
	return b
}

var sinkCompiled *graph.Compiled

// BenchmarkImportJaeger imports a generated Jaeger file, then loads,
// validates and compiles the platform it writes: the path from traces to a
// file domino run accepts. Issue 10 asks for under 2 s at 5,000 services.
func BenchmarkImportJaeger(b *testing.B) {
	for _, n := range []int{500, 5000} {
		data := jaegerFixture(n)
		in := []Input{{Name: "deps.json", Data: data}}
		b.Run(fmt.Sprintf("services=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g, err := Import("jaeger", in, Options{})
				require.NoError(b, err)
				if len(g.Services) != n {
					b.Fatalf("got %d services, want %d", len(g.Services), n)
				}
				var out bytes.Buffer
				require.NoError(b, g.WriteYAML(&out))
				f, err := graph.Load(&out, "import.yaml")
				require.NoError(b, err)
				if sinkCompiled, err = graph.Compile(f.Scenarios[0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
