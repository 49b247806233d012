package graph

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/internal/fuzzguard"
)

// hostileSeeds are inputs that once made parsers fall over elsewhere: alias
// bombs, deep nesting, odd bytes and numbers at the edges.
var hostileSeeds = []string{
	"",
	"\xff\xfe",
	"version: 1\nplatform:\n  name: \"\xff\"\n",
	"version: 1\nx-a: &a [1,1]\nx-b: &b [*a,*a]\nx-c: &c [*b,*b]\nplatform:\n  <<: *c\n",
	"version: 1\nx-a: &a [*a]\nplatform:\n  <<: *a\n",
	"version: 1\nplatform: &p\n  <<: *p\n",
	"version: 1\nplatform: " + strings.Repeat("[", 80) + strings.Repeat("]", 80) + "\n",
	"version: 1\nplatform:\n  " + strings.Repeat("- ", 80) + "x\n",
	"version: 1\nplatform:\n  " + strings.Repeat("a: ", 80) + "x\n",
	"version: 1e400\nplatform: {}\n",
	"version: .nan\nplatform: {sites: [{id: a, servers: 1e30}]}\n",
	"version: 1\nplatform:\n  sites: [{id: a}]\n  services: [{id: x, users: -.inf, placement: {a: 99999999999999999999}}]\n",
	"version: 1\nplatform:\n  sites: [{id: a}]\n  services: [{id: x, placement: {a: 1}, restart: {auto: 106751991167w}}]\n",
	"version: 1\nplatform: !!binary AAAA\n",
	"version: 1\nplatform: '\\u0000'\n",
	"{\"version\": 1, \"platform\": {\"sites\": [{\"id\": \"a\"}]}}",
}

// FuzzLoad feeds arbitrary bytes to Load and compiles every scenario of the
// files it accepts: neither may panic. A JSON input is also loaded through
// goccy alone, which must give the same errors. Seeded with the testdata
// files, hostileSeeds and JSON cases.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		for _, pat := range []string{"*.yaml", "*.json"} {
			files, _ := filepath.Glob(filepath.Join("testdata", dir, pat))
			for _, name := range files {
				b, err := os.ReadFile(name)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(b)
			}
		}
	}
	for _, s := range hostileSeeds {
		f.Add([]byte(s))
	}
	// JSON seeds, for parseJSON: the edge cases and the testdata as JSON.
	for _, s := range append(jsonCases, testdataAsJSON(f)...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzguard.Check(t, len(data), func() {
			// JSON must load as goccy would load it: the same errors, at the
			// same positions, or none.
			if looksLikeJSON(data) {
				if fast, slow := loadBoth(string(data), "fuzz.json"); fast != slow {
					t.Fatalf("parseJSON and goccy differ on %q:\n%s\n---\n%s", data, fast, slow)
				}
			}
			// The name has no directory, so that a `platform:` reference is
			// looked up in the test's working directory (testdata files) or
			// not found: both must be handled.
			file, err := Load(bytes.NewReader(data), "fuzz.yaml")
			if err != nil {
				list, ok := err.(ErrorList)
				if !ok || len(list) == 0 {
					t.Fatalf("got %T %v, want a non-empty ErrorList", err, err)
				}
				for _, e := range list {
					if e.Pos.Line < 1 || e.Pos.Col < 1 {
						t.Fatalf("error without a position: %v", e)
					}
				}
				return
			}
			for _, sc := range file.Scenarios {
				if sc.Platform == nil {
					t.Fatalf("scenario %q has no platform", sc.ID)
				}
				Compile(sc) // an error is fine; a panic is not
			}
		})
	})
}

// roundingOf is the most FormatDuration may move ms by: half of the smallest
// unit it keeps.
func roundingOf(ms int64) int64 {
	switch {
	case ms < Second:
		return 0
	case ms < Hour:
		return Second / 2
	case ms < Day:
		return Minute / 2
	}
	return Hour / 2
}

// FuzzDuration checks that ParseDuration never panics, accepts only
// durations in [0, maxDuration], and reads back what FormatDuration writes
// to within FormatDuration's rounding, with the same text.
func FuzzDuration(f *testing.F) {
	for _, s := range []string{"0", "2h30m", "1d12h", "500ms", "1.5h", "0.0005s", "1h1h", "", "-1h", "5",
		"3x", "1..5h", "106751991167w", "1e3h", "9223372036854775807ms", ".5s", "1.s", " 1h ", "NaNh", "0x10s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzguard.Check(t, len(s), func() {
			ms, err := ParseDuration(s)
			if err != nil {
				if ms != 0 {
					t.Fatalf("ParseDuration(%q) = %d with error %v, want 0", s, ms, err)
				}
				return
			}
			if ms < 0 || ms > maxDuration {
				t.Fatalf("ParseDuration(%q) = %d, want in [0, %d]", s, ms, maxDuration)
			}
			text := FormatDuration(ms)
			back, err := ParseDuration(text)
			require.NoError(t, err, "ParseDuration(FormatDuration(%d) = %q)", ms, text)
			if d := back - ms; d < -roundingOf(ms) || d > roundingOf(ms) {
				t.Fatalf("%q: %d ms formats as %q, which reads back as %d", s, ms, text, back)
			}
			if again := FormatDuration(back); again != text {
				t.Fatalf("%q: FormatDuration(%d) = %q, then %q after a round trip", s, ms, text, again)
			}
		})
	})
}

// distFile is a minimal file with one distribution, written on a line of
// its own so that any single-line text can stand in for it.
const distFile = "version: 1\nplatform:\n  sites: [{id: a}]\n  services:\n    - id: x\n      placement: {a: 1}\n      mttr: %s\n"

// FuzzDist decodes arbitrary text as a distribution (docs/model.md §3) and
// checks what the loader accepts: samples lie in [0, maxDuration], are
// reproducible from the same source, a fixed distribution gives its value,
// an empirical one one of its values, and String and Mean do not panic.
func FuzzDist(f *testing.F) {
	for _, s := range []string{"10m", "0", "{fixed: 1h}", "{uniform: {min: 1h, max: 2h}}",
		"{triangular: {min: 1h, mode: 2h, max: 4h}}", "{exponential: {mean: 30m}}",
		"{lognormal: {median: 6h, p95: 14h}}", "{lognormal: {mu: 0, sigma: 1}}", "{lognormal: {mu: 1e300, sigma: 1e300}}",
		"{weibull: {shape: 1.5, scale: 10h}}", "{gamma: {shape: 0.001, scale: 1ms}}", "{empirical: [1h, 0, 2h]}",
		"{uniform: {min: 2h, max: 1h}}", "{weibull: {shape: .inf, scale: 1h}}", "{gamma: {shape: 1e-300, scale: 15250w}}",
		"{lognormal: {median: 1ms, p95: 15250w}}", "{exponential: {mean: 15250w}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fuzzguard.Check(t, len(text), func() {
			// One line only: a newline would change the file around the value,
			// so line breaks are folded into spaces rather than skipped.
			text = strings.NewReplacer("\n", " ", "\r", " ").Replace(text)
			file, err := Load(strings.NewReader(strings.Replace(distFile, "%s", text, 1)), "dist.yaml")
			if err != nil {
				return
			}
			d := file.Platform.Services[0].MTTR
			if d == nil {
				t.Fatalf("%q: loaded without an mttr", text)
			}
			_ = d.String()
			if m := d.Mean(); math.IsNaN(m) || m < 0 {
				t.Fatalf("%q: mean %v", text, m)
			}
			for i := range uint64(32) {
				x := d.Sample(rand.NewPCG(i, 7))
				if x < 0 || x > maxDuration {
					t.Fatalf("%q: sample %d outside [0, %d]", text, x, maxDuration)
				}
				if y := d.Sample(rand.NewPCG(i, 7)); y != x {
					t.Fatalf("%q: same source gave %d then %d", text, x, y)
				}
				switch d.Kind {
				case Fixed:
					if float64(x) != d.A {
						t.Fatalf("%q: fixed %v sampled %d", text, d.A, x)
					}
				case Empirical:
					found := false
					for _, v := range d.Values {
						found = found || max(v, 0) == x
					}
					if !found {
						t.Fatalf("%q: empirical %v sampled %d", text, d.Values, x)
					}
				}
			}
		})
	})
}
