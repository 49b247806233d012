package importer

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenCases are the fixtures under testdata/import, each with its golden
// platform file testdata/import/FORMAT/NAME.golden.yaml.
var goldenCases = []struct {
	format, dir, name string
	opt               Options
}{
	{"jaeger", "jaeger/envelopes", "envelopes", Options{MinCalls: 2}},
	{"dot", "dot/shop", "shop", Options{}},
	{"backstage", "backstage/catalog", "catalog", Options{}},
	{"kiali", "kiali/bookinfo", "bookinfo-workload", Options{KialiLevel: KialiWorkload}},
	{"kiali", "kiali/bookinfo", "bookinfo-app", Options{KialiLevel: KialiApp}},
	{"kiali", "kiali/bookinfo", "bookinfo-keep-virtual", Options{KialiLevel: KialiApp, KeepVirtual: true, Sites: []string{"edge"}}},
	{"prometheus", "prometheus/servicegraph", "servicegraph", Options{MinCalls: 5}},
	{"prometheus", "prometheus/servicegraph", "servicegraph-keep-virtual", Options{KeepVirtual: true, Sites: []string{"dc1", "dc2"}}},
}

func TestImportGolden(t *testing.T) {
	for _, tt := range goldenCases {
		t.Run(tt.name, func(t *testing.T) {
			g, err := Import(tt.format, readCase(t, tt.dir), tt.opt)
			require.NoError(t, err)
			got := render(t, g)
			mustRun(t, got, tt.name)
			golden(t, filepath.Join(testdata, tt.format, tt.name+".golden.yaml"), got)
		})
	}
}

// TestImportOrder imports each case with its files, and the entries in
// them, in shuffled orders: the bytes must not change.
func TestImportOrder(t *testing.T) {
	const shuffles = 5
	for _, tt := range goldenCases {
		t.Run(tt.name, func(t *testing.T) {
			ins := readCase(t, tt.dir)
			g, err := Import(tt.format, ins, tt.opt)
			require.NoError(t, err)
			want := render(t, g)
			r := rand.New(rand.NewPCG(1, uint64(len(tt.name))))
			for i := range shuffles {
				shuffled := slices.Clone(ins)
				r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
				g, err := Import(tt.format, shuffled, tt.opt)
				require.NoError(t, err)
				require.Equal(t, string(want), string(render(t, g)), "shuffle %d", i)
			}
		})
	}
}

// TestImportJaegerLineOrder reverses the links of a Jaeger array: entries
// within a file must not matter either (warnings name links by index, so
// only the platform part is compared).
func TestImportJaegerLineOrder(t *testing.T) {
	fwd := `[{"parent":"a","child":"b","callCount":1},{"parent":"B","child":"c","callCount":2},{"parent":"a","child":"B","callCount":3}]`
	rev := `[{"parent":"a","child":"B","callCount":3},{"parent":"B","child":"c","callCount":2},{"parent":"a","child":"b","callCount":1}]`
	var outs []string
	for _, s := range []string{fwd, rev} {
		g, err := Import("jaeger", []Input{{Name: "deps.json", Data: []byte(s)}}, Options{})
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, g.WriteYAML(&b))
		outs = append(outs, b.String())
		assert.True(t, hasWarning(g, `names "B" and "b" both normalise to id "b": the second is "b-2"`), "got warnings %q, want the b/B collision", g.Warnings)
	}
	assert.Equal(t, outs[0], outs[1], "order changed the output")
}

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name, format, data string
		want               string
	}{
		{"jaeger object", "jaeger", `{"links": []}`, `object without "data" or "dependencies"`},
		{"jaeger string", "jaeger", `"deps"`, "got a string: want a JSON array"},
		{"jaeger empty", "jaeger", ``, "empty file"},
		{"jaeger no links", "jaeger", `{"data": []}`, "in: no services found"},
		{"jaeger all dropped", "jaeger", `[{"parent": "", "child": "b"}]`, `in: no services found (1 entries dropped: in: link 0: link with an empty name dropped (parent "", child "b"))`},
		{"jaeger bad link", "jaeger", `[1, 2]`, "at byte 2: want an object, got a JSON number"},
		{"jaeger api error", "jaeger", `{"data": null, "errors": [{"code": 500, "msg": "storage down"}]}`, "500 storage down"},
		{"jaeger syntax", "jaeger", `[{"parent": "a",}]`, "invalid character"},
		{"dot undirected", "dot", `graph g { a -- b }`, "graph g is undirected: want a digraph"},
		{"dot undirected edge", "dot", `digraph { a -- b }`, "undirected edge a -- b"},
		{"dot syntax", "dot", `digraph { a -> }`, "want a Graphviz digraph"},
		{"dot empty", "dot", ``, "want a Graphviz digraph"},
		{"kiali no elements", "kiali", `{"graphType": "app"}`, `no "elements"`},
		{"kiali not json", "kiali", `nodes:`, "want Kiali's graph JSON"},
		{"kiali no Go types", "kiali", `{"elements": {"nodes": [1]}}`, "at byte 25, elements.nodes: want an object, got a JSON number"},
		{"prometheus no metric", "prometheus", "http_requests_total 3\n", "no metric named *traces_service_graph_request_total"},
		{"prometheus syntax", "prometheus", "traces_service_graph_request_total{client=\"a\" 3\n", "want the Prometheus text format"},
		{"backstage syntax", "backstage", "kind: Component\nmetadata: {name: [a\n", "want Backstage catalog entities"},
		{"backstage scalar", "backstage", "just text\n", "document 1: got the string \"just text\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import(tt.format, []Input{{Name: "in", Data: []byte(tt.data)}}, Options{})
			require.Error(t, err, "got no error, want %q", tt.want)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "in"), "%q: want it to start with the file name", err)
		})
	}
}

func TestImportOptions(t *testing.T) {
	in := []Input{{Name: "d.json", Data: []byte(`[{"parent":"a","child":"b","callCount":1}]`)}}
	tests := []struct {
		name, format string
		opt          Options
		want         string
	}{
		{"format", "zipkin", Options{}, `unknown format "zipkin"`},
		{"site", "jaeger", Options{Sites: []string{"DC 1"}}, `site "DC 1" is not a valid id`},
		{"level", "kiali", Options{KialiLevel: "version"}, `unknown Kiali level "version"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import(tt.format, in, tt.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err := Import("jaeger", nil, Options{})
	assert.Error(t, err, "no inputs")
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Order Service", "order-service"},
		{"order_service", "order_service"},
		{"  --Edge::Proxy--  ", "edge-proxy"},
		{".hidden", "hidden"},
		{"café", "caf"},
		{"日本", "service"},
		{"a.b-c", "a.b-c"},
	}
	for _, tt := range tests {
		got := Normalize(tt.in)
		assert.Equal(t, tt.want, got, "Normalize(%q)", tt.in)
		assert.True(t, ValidID(got), "Normalize(%q) = %q: want a valid id", tt.in, got)
	}
}

func TestQualify(t *testing.T) {
	b := newBuilder("test", Options{})
	b.node("1", []string{"db", "shop", "Resource"}, "db", "")
	b.node("2", []string{"db", "pay", "Resource"}, "db", "")
	b.node("3", []string{"db", "pay", "Component"}, "db", "")
	b.node("4", []string{"web", "shop", "Component"}, "web", "")
	g := b.finish()
	assert.Equal(t, []string{"component.pay.db", "resource.pay.db", "shop.db", "web"}, serviceIDs(g))
}

// TestDisplayName checks that imported names are one line of printable
// text, as the loader requires of a name.
func TestDisplayName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Order Service", "Order Service"},
		{"order-serv\x7f\ufffde", "order-serv \ufffde"},
		{"Talk\n\tMessaging\x1b[31m", "Talk Messaging [31m"},
		{"abc\u202e", "abc"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, displayName(tt.in), "displayName(%q)", tt.in)
	}
}
