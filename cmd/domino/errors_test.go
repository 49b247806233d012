package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/synth"
)

// errorsDoc is the catalogue of bad input; its console blocks are the real
// output of errorCases, checked by TestErrorCatalogue.
const errorsDoc = "../../docs/errors.md"

// errorCase is one class of bad input: the files it needs (in a fresh
// directory that is the working directory), the command line, and the exit
// status. What domino prints is not written here: it is what docs/errors.md
// shows, and the test compares the two.
type errorCase struct {
	name  string
	files map[string]string // "" value with a trailing "/" in the name: a directory
	link  [2]string         // a symbolic link: name, target
	fifo  string            // a named pipe of this name, with no writer
	args  []string
	code  int
	// hide leaves the files out of the doc, for those too big or not text.
	hide bool
}

// billionLaughs is the classic alias bomb, merged into the platform: 9^9
// copies once expanded.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("version: 1\nx-a: &a {name: lol}\n")
	prev := "a"
	for _, c := range "bcdefghij" {
		fmt.Fprintf(&b, "x-%c: &%c [%s]\n", c, c, strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ","))
		prev = string(c)
	}
	b.WriteString("platform:\n  <<: *j\n")
	return b.String()
}

// wideMapping is one block mapping of n keys, indented by two.
func wideMapping(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  k%d: 1\n", i)
	}
	return b.String()
}

const tinyPlatform = "version: 1\nplatform:\n  sites: [{id: a}]\n  services: [{id: x, placement: {a: 1}}]\n"

func errorCases(t *testing.T) []errorCase {
	big, err := synth.Generate(synth.Options{Services: 2000, Sites: 4, Seed: 1})
	require.NoError(t, err)
	return []errorCase{
		{name: "empty-file", files: map[string]string{"empty.yaml": ""}, args: []string{"validate", "empty.yaml"}, code: exitInput},
		{name: "not-utf8", files: map[string]string{"latin1.yaml": "version: 1\nplatform:\n  name: caf\xe9\n"},
			args: []string{"validate", "latin1.yaml"}, code: exitInput, hide: true},
		{name: "directory", files: map[string]string{"platforms/": ""}, args: []string{"validate", "platforms"}, code: exitInput},
		{name: "unreadable", link: [2]string{"loop.yaml", "loop.yaml"}, args: []string{"validate", "loop.yaml"}, code: exitInput},
		{name: "named-pipe", fifo: "pipe.yaml", args: []string{"validate", "pipe.yaml"}, code: exitInput},
		{name: "device", args: []string{"validate", "/dev/zero"}, code: exitInput},
		{name: "no-such-file", args: []string{"validate", "kakao.yml"}, code: exitInput},
		{name: "people-below-users", files: map[string]string{"people.yaml": "version: 1\nplatform:\n  people: 400\n  sites: [{id: a}]\n" +
			"  services:\n    - {id: chat, users: 500, placement: {a: 1}}\n    - {id: mail, users: 300, placement: {a: 1}}\n"},
			args: []string{"validate", "people.yaml"}, code: exitInput},
		{name: "missing-platform-file", files: map[string]string{"fire.yaml": "version: 1\nplatform: platform.yaml\nscenarios: [{id: fire, events: [{kind: site-outage, site: a}]}]\n"},
			args: []string{"validate", "fire.yaml"}, code: exitInput},
		{name: "reference-cycle", files: map[string]string{
			"a.yaml": "version: 1\nplatform: b.yaml\n",
			"b.yaml": "version: 1\nplatform: a.yaml\n"},
			args: []string{"validate", "a.yaml"}, code: exitInput},
		{name: "too-large", files: map[string]string{"huge.yaml": tinyPlatform + "# " + strings.Repeat("x", graph.MaxFileSize) + "\n"},
			args: []string{"validate", "huge.yaml"}, code: exitInput, hide: true},
		{name: "too-dense", files: map[string]string{"junk.yaml": "version: 1\nx-junk: [" + strings.Repeat("1,", 500_000) + "1]\n" + tinyPlatform[len("version: 1\n"):]},
			args: []string{"validate", "junk.yaml"}, code: exitInput, hide: true},
		{name: "wide-mapping", files: map[string]string{"wide.yaml": "version: 1\nx-junk:\n" + wideMapping(5000) + tinyPlatform[len("version: 1\n"):]},
			args: []string{"validate", "wide.yaml"}, code: exitInput, hide: true},
		{name: "alias-bomb", files: map[string]string{"lol.yaml": billionLaughs()}, args: []string{"validate", "lol.yaml"}, code: exitInput},
		{name: "deep-nesting", files: map[string]string{"deep.yaml": "version: 1\nplatform: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n"},
			args: []string{"validate", "deep.yaml"}, code: exitInput, hide: true},
		{name: "uncertain-ranges", files: map[string]string{"ranges.yaml": "version: 1\nplatform:\n  sites: [{id: a}]\n  services:\n" +
			"    - id: db\n      placement: {a: 2}\n      load: {uncertain: {low: 1, high: 2.5}}\n" +
			"      restart: {auto: {uncertain: {low: 3h, high: 1h}}, manual: {uncertain: {low: -1h, high: 2h}}}\n" +
			"      rto: {uncertain: {low: 1h, high: 2h, dist: triangular, mode: 3h}}\n" +
			"      rpo: {uncertain: {low: 0, high: 1h, dist: loguniform}}\n" +
			"      collapse_below: {uncertain: {low: 0.2, hihg: 0.5}}\n" +
			"scenarios: [{id: s, events: [{kind: site-outage, site: a, probability: {uncertain: {low: 0.5, high: 1.5}}}]}]\n"},
			args: []string{"validate", "ranges.yaml"}, code: exitInput},
		{name: "uncertain-not-here", files: map[string]string{"where.yaml": "version: 1\nplatform:\n  name: {uncertain: {low: 1, high: 2}}\n  sites: [{id: a}]\n  services:\n" +
			"    - {id: {uncertain: {low: 1, high: 2}}, placement: {a: 1}}\n" +
			"    - {id: x, placement: {a: 1}, redundancy: {quorum: {uncertain: {low: 1, high: 2}}}, restart: {uncertain: {low: 1h, high: 2h}}}\n" +
			"scenarios: [{id: s, events: [{kind: site-outage, site: {uncertain: {low: 1, high: 2}}}]}]\n"},
			args: []string{"validate", "where.yaml"}, code: exitInput},
		{name: "huge-numbers", files: map[string]string{"numbers.yaml": "version: 1\nplatform:\n  sites: [{id: a, servers: 1e30}]\n" +
			"  services: [{id: x, users: 99999999999999999999, cost_per_hour: 1e400, placement: {a: 1}}]\n"},
			args: []string{"validate", "numbers.yaml"}, code: exitInput},
		{name: "nan-inf", files: map[string]string{"nan.yaml": "version: 1\nplatform:\n  sites: [{id: a}]\n" +
			"  services: [{id: x, users: .nan, cost_per_hour: .inf, placement: {a: 1}, mtbf: {weibull: {shape: -.inf, scale: 1d}}}]\n" +
			"scenarios: [{id: s, events: [{kind: site-outage, site: a, probability: .nan}]}]\n"},
			args: []string{"validate", "nan.yaml"}, code: exitInput},
		{name: "duration-overflow", files: map[string]string{"long.yaml": "version: 1\nplatform:\n  sites: [{id: a}]\n" +
			"  services: [{id: x, placement: {a: 1}, restart: {auto: 9223372036854775807ms}, rto: 20000000000d}]\n" +
			"scenarios: [{id: s, horizon: 20000000w, events: [{kind: site-outage, site: a}]}]\n"},
			args: []string{"validate", "long.yaml"}, code: exitInput},
		{name: "figure-limits", files: map[string]string{"big.yaml": "version: 1\nplatform:\n  sites: [{id: a}, {id: b}]\n" +
			"  services: [{id: x, users: 4611686018427387903, cost_per_hour: 1e19, load: 2, placement: {a: 1, b: 1}}]\n" +
			"scenarios: [{id: s, horizon: 106751991d, events: [{kind: site-outage, site: a}]}]\n"},
			args: []string{"validate", "big.yaml"}, code: exitInput},
		{name: "trial-totals", files: map[string]string{"world.yaml": "version: 1\nplatform:\n  sites: [{id: a}]\n" +
			"  services:\n" +
			"    - {id: x, users: 1000000000000, cost_per_hour: 1e15, placement: {a: 1}}\n" +
			"    - {id: y, users: 1000000000000, cost_per_hour: 1e15, placement: {a: 1}}\n" +
			"scenarios:\n" +
			"  - {id: decade, horizon: 3650d, events: [{kind: site-outage, site: a}]}\n" +
			"  - {id: week, events: [{kind: site-outage, site: a}]}\n"},
			args: []string{"run", "world.yaml", "--scenario", "week"}, code: exitInput},
		{name: "control-characters", files: map[string]string{"ctl.yaml": "version: 1\nplatform:\n  name: \"kakao\\e[2J\"\n" +
			"  currency: \"K\\nRW\"\n  sites: [{id: a}]\n  services: [{id: x, name: \"talk\\u202Eevil\", placement: {a: 1}}]\n" +
			"  \"\\e[31mred\": 1\n" +
			"scenarios: [{id: s, description: \"fire\\n# Owned\", events: [{kind: site-outage, site: a}]}]\n"},
			args: []string{"validate", "ctl.yaml"}, code: exitInput},
		{name: "down-at-start", files: map[string]string{"app.yaml": "version: 1\nplatform:\n  sites: [{id: a}, {id: b}]\n  services:\n" +
			"    - {id: app, placement: {a: 2, b: 20}, redundancy: {mode: active-standby, primary: a}, load: 20, collapse_below: 0.5}\n" +
			"    - {id: db, placement: {a: 10, b: 10}, load: 20, collapse_below: 0.8}\n" +
			"    - id: web\n      placement: {a: 20, b: 2}\n      redundancy: {mode: active-standby}\n" +
			"      load: {uncertain: {low: 10, high: 30}}\n      collapse_below: {uncertain: {low: 0.2, high: 0.7}}\n" +
			"scenarios:\n  - {id: b-out, events: [{kind: site-outage, site: b, at: 2h, duration: 1h}]}\n" +
			"  - {id: one-site, patch: {services: [{id: db, placement: {a: 10}}]}, events: []}\n"},
			args: []string{"validate", "app.yaml"}, code: exitInput},
		{name: "building-zones", files: map[string]string{"halls.yaml": "version: 1\nplatform:\n" +
			"  sites: [{id: hall-a, building: dc1}, {id: hall-b, building: dc1}, {id: far}]\n" +
			"  services: [{id: x, placement: {hall-a: 1, hall-b: 1, far: 1}}]\n" +
			"scenarios: [{id: fire, events: [{kind: site-outage, building: dc1, power_restore: {hall-aa: [{after: 2h, fraction: 1.0}], far: [{after: 1h, fraction: 1.0}]}}]}]\n"},
			args: []string{"validate", "halls.yaml"}, code: exitInput},
		{name: "event-rate", files: map[string]string{"storm.yaml": tinyPlatform +
			"scenarios: [{id: storm, horizon: 30d, events: [{kind: site-outage, site: a, rate: 1e12/d, duration: 1m}]}]\n"},
			args: []string{"validate", "storm.yaml"}, code: exitInput},
		{name: "event-flood", files: map[string]string{"churn.yaml": "version: 1\nplatform:\n  sites: [{id: a}]\n" +
			"  services: [{id: x, placement: {a: 1}, mtbf: 1ms, mttr: 1ms}]\n" +
			"scenarios: [{id: churn, horizon: 1000w, events: [{kind: random-failures}]}]\n"},
			args: []string{"run", "churn.yaml", "--trials", "1"}, code: exitInput},
		{name: "trials-overflow", args: []string{"run", "--trials", "9223372036854775808"}, code: exitUsage},
		{name: "gen-too-many", args: []string{"gen", "--services", "300000"}, code: exitUsage},
		{name: "byte-order-mark", files: map[string]string{"bom.yaml": "\ufeff" + tinyPlatform}, args: []string{"validate", "bom.yaml"}, code: exitOK, hide: true},
		{name: "mtbf-zero", files: map[string]string{"zero.yaml": "version: 1\nplatform:\n  sites: [{id: a}]\n" +
			"  services: [{id: x, placement: {a: 1}, mtbf: 0s}]\nscenarios: [{id: s, events: [{kind: random-failures}]}]\n"},
			args: []string{"validate", "zero.yaml"}, code: exitInput},
		{name: "trials-zero", args: []string{"run", "--trials", "0"}, code: exitUsage},
		{name: "trials-negative", args: []string{"run", "--trials", "-5"}, code: exitUsage},
		{name: "trials-absurd", args: []string{"run", "--trials", "5000000000"}, code: exitUsage},
		{name: "trials-not-integer", args: []string{"run", "--trials", "1e6"}, code: exitUsage},
		{name: "trials-in-file", files: map[string]string{"many.yaml": tinyPlatform +
			"scenarios: [{id: s, trials: 1e12, events: [{kind: site-outage, site: a}]}]\n"},
			args: []string{"validate", "many.yaml"}, code: exitInput},
		{name: "workers-zero", args: []string{"run", "--workers", "0"}, code: exitUsage},
		{name: "workers-negative", args: []string{"run", "--workers", "-2"}, code: exitUsage},
		{name: "workers-absurd", args: []string{"run", "--workers", "100000"}, code: exitUsage},
		{name: "unknown-scenario", args: []string{"run", "--scenario", "ops-tool-3dc"}, code: exitInput},
		{name: "results-of-another-platform", files: map[string]string{"ovh.json": `{"schema": "domino.results/v1", "scenario": "sbg-fire",
  "platform_name": "ovh-strasbourg-customers-2021", "services": [{"id": "shop", "p_affected": 1}]}
`}, args: []string{"graph", "kakao-pangyo-2022", "--results", "ovh.json"}, code: exitInput},
		{name: "rate-unknown-currency", args: []string{"compare", "kakao-pangyo-2022:pangyo-fire", "ovh-sbg-2021:sbg-fire", "--rate", "USD=1300"}, code: exitUsage},
		{name: "rate-thousands-separator", args: []string{"compare", "kakao-pangyo-2022:pangyo-fire", "ovh-sbg-2021:sbg-fire", "--rate", "EUR=1,450"}, code: exitUsage},
		{name: "many-services", files: map[string]string{"big.yaml": string(big)}, args: []string{"validate", "big.yaml"}, code: exitOK, hide: true},
	}
}

// setUp writes the case's files into dir.
func (tc errorCase) setUp(t *testing.T, dir string) {
	t.Helper()
	for name, text := range tc.files {
		path := dir + "/" + name
		var err error
		if strings.HasSuffix(name, "/") {
			err = os.Mkdir(path, 0o755)
		} else {
			err = os.WriteFile(path, []byte(text), 0o644)
		}
		require.NoError(t, err)
	}
	if tc.fifo != "" {
		mkfifo(t, dir+"/"+tc.fifo)
	}
	if tc.link[0] != "" {
		require.NoError(t, os.Symlink(tc.link[1], dir+"/"+tc.link[0]))
	}
}

// render is the case's console block: its files when small, the command
// line, what it printed and its exit status.
func (tc errorCase) render(stdout, stderr string, code int) string {
	var b strings.Builder
	if !tc.hide {
		for _, name := range slices.Sorted(maps.Keys(tc.files)) {
			if text := tc.files[name]; text != "" && utf8.ValidString(text) {
				fmt.Fprintf(&b, "$ cat %s\n%s", name, text)
			}
		}
	}
	fmt.Fprintf(&b, "$ domino %s\n%s%s", strings.Join(tc.args, " "), stdout, stderr)
	fmt.Fprintf(&b, "(exit status %d)\n", code)
	return b.String()
}

// docBlock matches a case's marker and the console block after it.
var docBlock = regexp.MustCompile("(?s)<!-- case: ([a-z0-9-]+) -->\n```console\n(.*?)```\n")

// TestErrorCatalogue runs every class of bad input through the real CLI
// and checks the exit status and that docs/errors.md shows exactly what
// domino printed. With -update it rewrites the doc's blocks.
func TestErrorCatalogue(t *testing.T) {
	docPath, err := filepath.Abs(errorsDoc) // the cases change directory
	require.NoError(t, err)
	doc, err := os.ReadFile(docPath)
	require.NoError(t, err)
	dir := t.TempDir()
	t.Chdir(dir)
	got := map[string]string{}
	for _, tc := range errorCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			sub := dir + "/" + tc.name
			require.NoError(t, os.Mkdir(sub, 0o755))
			tc.setUp(t, sub)
			t.Chdir(sub)
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, strings.NewReader(""), &stdout, &stderr)
			assert.Equal(t, tc.code, code, "exit status\nstderr:\n%s", stderr.String())
			assert.NotContains(t, stderr.String(), "panic", "stderr looks like a crash")
			assert.NotContains(t, stderr.String(), "goroutine", "stderr looks like a crash")
			out := stdout.String()
			switch {
			case tc.code != exitOK:
				out = "" // results would only be noise next to the error
			case strings.Count(out, "\n") > 1:
				// Keep validate's summary; the lint warnings after it are
				// many and not the point here.
				first, rest, _ := strings.Cut(out, "\n")
				out = fmt.Sprintf("%s\n… and %d lint warnings\n", first, strings.Count(rest, "\n"))
			}
			got[tc.name] = tc.render(out, stderr.String(), code)
		})
	}
	seen := map[string]bool{}
	updated := docBlock.ReplaceAllStringFunc(string(doc), func(m string) string {
		sm := docBlock.FindStringSubmatch(m)
		name, block := sm[1], sm[2]
		seen[name] = true
		want, ok := got[name]
		if !ok {
			t.Errorf("%s: the doc shows case %q, which the test does not run", errorsDoc, name)
			return m
		}
		if block != want && !updating() {
			t.Errorf("%s: case %s: the doc shows\n%s\nbut domino printed\n%s(run go test ./cmd/domino -run TestErrorCatalogue -update)", errorsDoc, name, block, want)
		}
		return "<!-- case: " + name + " -->\n```console\n" + want + "```\n"
	})
	for name := range got {
		if !seen[name] {
			t.Errorf("%s: no block for case %q: add <!-- case: %s --> and an empty console block", errorsDoc, name, name)
		}
	}
	if updating() && updated != string(doc) {
		require.NoError(t, os.WriteFile(docPath, []byte(updated), 0o644))
	}
}
