package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/scenarios"
)

// targetsYAML: site a is dark for exactly 10h in every trial, so db and
// web (which needs db) are down 10h: web's 1h RTO is breached in every
// trial, db's 11h never, and the tier-1 RPO of 0 is never (nothing is
// destroyed).
const targetsYAML = `version: 1
platform:
  name: targets
  compliance: 0.95
  targets: [{priority: 1, rpo: 0s}]
  sites: [{id: a}, {id: b}]
  services:
    - {id: db, priority: 1, users: 10, rto: 11h, placement: {a: 1}}
    - {id: web, priority: 2, users: 1000, rto: 1h, placement: {a: 1, b: 1}, depends_on: [db]}
scenarios:
  - id: a-dark
    description: site a dark for 10h <b>bold</b>
    trials: 100
    events: [{kind: site-outage, cause: fire, site: a, duration: 10h}]
  - id: a-dark-long
    trials: 100
    events: [{kind: site-outage, cause: fire, site: a, duration: 12h}]
`

// yearlyYAML: site a burns twice a year on average, 10h each time; a
// mitigation puts a copy of db in b.
const yearlyYAML = `version: 1
platform:
  name: yearly
  sites: [{id: a}, {id: b}]
  services:
    - {id: db, priority: 1, users: 10, rto: 1h, placement: {a: 1}}
    - {id: web, priority: 2, users: 1000, rto: 1h, placement: {a: 1, b: 1}, depends_on: [db]}
scenarios:
  - id: fires
    horizon: 365d
    trials: 200
    events: [{kind: site-outage, cause: fire, site: a, rate: 2/y, duration: 10h}]
mitigations:
  - {id: db-in-b, cost: 10, patch: {services: [{id: db, placement: {a: 1, b: 1}}]}}
`

// TestReportRankAdviseRisk: with --rank and --advise on a yearly scenario,
// the report holds the rank, advise and annual-risk sections as the
// commands print them (formatted figures with CIs, not raw CSV columns),
// and compares the scenario with the file's mitigation applied.
func TestReportRankAdviseRisk(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "yearly.yaml", yearlyYAML)
	out := filepath.Join(dir, "r.html")
	code, _, errOut := runCLI(t, context.Background(), "report", file, "--rank", "--advise", "-o", out)
	require.Equal(t, exitOK, code, errOut)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	html := string(b)
	for _, id := range []string{"rank", "advise", "risk", "comparison"} {
		assert.Contains(t, html, `<section id="`+id+`">`, "section %s", id)
	}
	// The file's one scenario is compared with its mitigation applied:
	// db in both sites, web never down, every target met.
	assert.True(t, regexp.MustCompile(`>fires with db-in-b</td><td class="">0\n\(0 – 0\)</td>`).MatchString(html),
		"the comparison has a row for the scenario with db-in-b, with no user-hours lost")
	for _, s := range []string{"Saving [95% CI]", "Birnbaum", "Saving per unit cost", "Expected loss and return levels", "Availability per service", "1 in 1,000"} {
		assert.Contains(t, html, s)
	}
	for _, raw := range []string{"saving_lo", "ci95_lo", "cumulative_cost"} {
		assert.NotContains(t, html, raw, "raw CSV columns")
	}
}

func writeTargets(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "targets.yaml")
	require.NoError(t, os.WriteFile(path, []byte(targetsYAML), 0o644))
	return path
}

func TestComplianceCommand(t *testing.T) {
	file := writeTargets(t)
	code, out, errOut := runCLI(t, context.Background(), "compliance", file, "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	var doc struct {
		Schema     string  `json:"schema"`
		Trials     int     `json:"trials"`
		Confidence float64 `json:"confidence"`
		Rows       []struct {
			Service, Target, Verdict string
			Priority                 int
			TargetMs                 int64 `json:"target_ms"`
			Breaches                 int64
			P90Ms                    float64 `json:"p90_ms"`
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, "domino.compliance/v1", doc.Schema)
	assert.Equal(t, 100, doc.Trials)
	assert.Equal(t, 0.95, doc.Confidence)
	require.Len(t, doc.Rows, 3)
	// Tier 1 first: db's own RTO (0 breaches in 100: the exact upper bound
	// 1 − 0.025^(1/100) = 3.6% ≤ 5%, meets), then the tier's RPO.
	assert.Equal(t, "db", doc.Rows[0].Service)
	assert.Equal(t, "rto", doc.Rows[0].Target)
	assert.Equal(t, int64(0), doc.Rows[0].Breaches)
	assert.Equal(t, "meets", doc.Rows[0].Verdict)
	assert.Equal(t, 36e6, doc.Rows[0].P90Ms, "p90 downtime: 10h in every trial")
	assert.Equal(t, "rpo", doc.Rows[1].Target)
	assert.Equal(t, int64(0), doc.Rows[1].TargetMs)
	assert.Equal(t, "meets", doc.Rows[1].Verdict)
	assert.Equal(t, "web", doc.Rows[2].Service)
	assert.Equal(t, int64(100), doc.Rows[2].Breaches)
	assert.Equal(t, "misses", doc.Rows[2].Verdict)

	// 50 trials without a breach cannot show P(breach) ≤ 5%:
	// 1 − 0.025^(1/50) = 7.1%.
	code, out, errOut = runCLI(t, context.Background(), "compliance", file, "--trials", "50", "--format", "csv")
	require.Equal(t, exitOK, code, errOut)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 4)
	assert.Equal(t, "verdict", recs[0][12])
	assert.Equal(t, []string{"cannot tell", "cannot tell", "misses"}, []string{recs[1][12], recs[2][12], recs[3][12]})

	for _, format := range []string{"table", "markdown"} {
		code, out, errOut = runCLI(t, context.Background(), "compliance", file, "--format", format)
		require.Equal(t, exitOK, code, errOut)
		assert.Contains(t, out, "P1")
		assert.Contains(t, out, "RTO 11h")
		assert.Contains(t, out, "RPO 0")
		assert.Contains(t, out, "misses")
	}

	// The same verdicts are in run's JSON.
	code, out, errOut = runCLI(t, context.Background(), "run", file, "--format", "json")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, `"compliance": {`)
	assert.Contains(t, out, `"rto_ms": 39600000`)

	none := filepath.Join(t.TempDir(), "none.yaml")
	require.NoError(t, os.WriteFile(none, []byte(strings.ReplaceAll(fireYAML, ", rto: 1h", "")), 0o644))
	code, _, errOut = runCLI(t, context.Background(), "compliance", none)
	assert.Equal(t, exitInput, code)
	assert.Contains(t, errOut, "no service has an rto or rpo target")
}

func TestReportFile(t *testing.T) {
	file := writeTargets(t)
	out := filepath.Join(t.TempDir(), "r.html")
	code, _, errOut := runCLI(t, context.Background(), "report", file, "-o", out)
	require.Equal(t, exitOK, code, errOut)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	html := string(b)
	assert.Contains(t, html, `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:">`)
	for _, id := range []string{"headline", "compliance", "recovery", "downtime", "causes", "cascade", "comparison"} {
		assert.Contains(t, html, `<section id="`+id+`">`, "section %s", id)
	}
	assert.Contains(t, html, "site a dark for 10h &lt;b&gt;bold&lt;/b&gt;", "text is escaped")
	assert.NotContains(t, html, "<b>bold</b>")
	assert.Contains(t, html, "targets.yaml")
	// Nothing points outside the file: every src is a data: URL, every
	// href an anchor, and no url() in the CSS.
	for _, m := range regexp.MustCompile(`(?i)\b(src|href)\s*=\s*"([^"]*)"`).FindAllStringSubmatch(html, -1) {
		if strings.EqualFold(m[1], "src") {
			assert.True(t, strings.HasPrefix(m[2], "data:image/svg+xml;base64,"), "src %.60s", m[2])
		} else {
			assert.True(t, strings.HasPrefix(m[2], "#"), "href %s", m[2])
		}
	}
	assert.NotContains(t, html, "url(")
	assert.NotContains(t, html, "<script")
	assert.NotContains(t, html, "@import")
	// The verdict that changes: web's RTO is missed in both, db's 11h RTO
	// is met at 10h and missed at 12h.
	assert.Regexp(t, `<td class="l ">db</td><td class="l ">RTO 11h</td><td class="meets">meets</td><td class="misses">misses</td>`, html)

	code, _, errOut = runCLI(t, context.Background(), "report", file)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "-o REPORT.html")
}

func TestCompareComplianceChanges(t *testing.T) {
	file := writeTargets(t)
	dir := t.TempDir()
	var paths []string
	for _, sc := range []string{"a-dark", "a-dark-long"} {
		p := filepath.Join(dir, sc+".json")
		code, _, errOut := runCLI(t, context.Background(), "run", file, "--scenario", sc, "-o", p)
		require.Equal(t, exitOK, code, errOut)
		paths = append(paths, p)
	}
	code, out, errOut := runCLI(t, context.Background(), append([]string{"compare", "--format", "json"}, paths...)...)
	require.Equal(t, exitOK, code, errOut)
	var doc struct {
		Changes []struct {
			Service, Target string
			TargetMs        int64 `json:"target_ms"`
			Verdicts        []string
		} `json:"compliance_changes"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	// 10h down meets an 11h RTO in every trial, 12h misses it in every
	// one; web's 1h is missed in both, the 0 RPO met in both.
	require.Len(t, doc.Changes, 1)
	assert.Equal(t, "db", doc.Changes[0].Service)
	assert.Equal(t, "rto", doc.Changes[0].Target)
	assert.Equal(t, int64(11*3600000), doc.Changes[0].TargetMs)
	assert.Equal(t, []string{"meets", "misses"}, doc.Changes[0].Verdicts)

	for _, format := range []string{"table", "markdown"} {
		code, out, errOut = runCLI(t, context.Background(), append([]string{"compare", "--format", format}, paths...)...)
		require.Equal(t, exitOK, code, errOut)
		assert.Contains(t, out, "Compliance verdicts that change")
		assert.Regexp(t, `db\s*\|\s*RTO 11h\s*\|\s*meets\s*\|\s*misses`, strings.ReplaceAll(out, "│", "|"))
	}
}

func TestReportAnnualRisk(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.html")
	code, _, errOut := runCLI(t, context.Background(), "report", "ovh-sbg-2021", "--scenario", "sbg-yearly", "--trials", "1000", "--no-compare", "-o", out)
	require.Equal(t, exitOK, code, errOut)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(b), `<section id="risk">`, "a scenario with rates gets the annual risk")

	code, _, errOut = runCLI(t, context.Background(), "report", writeTargets(t), "--no-compare", "-o", out)
	require.Equal(t, exitOK, code, errOut)
	b, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.NotContains(t, string(b), `id="risk"`, "without rates, no risk section")
	assert.NotContains(t, string(b), `id="comparison"`, "--no-compare")
}

// TestReportEveryEmbeddedScenario writes the report of every scenario of
// every embedded file and checks that it holds exactly the sections issue
// 20 asks for: provenance (file, scenario, seed, trials, version),
// headline figures, recovery curve, downtime, causes and the cascade of
// the median trial always; compliance when a service has a target; the
// annual risk and its exceedance curve when an event has a rate; the
// comparison when the file has other scenarios of the same horizon (a
// year of random disruptions is not compared with one incident: the
// provenance names those left out).
func TestReportEveryEmbeddedScenario(t *testing.T) {
	if testing.Short() {
		t.Skip("reports every embedded scenario")
	}
	dir := t.TempDir()
	sectionRE := regexp.MustCompile(`<section id="([^"]+)">`)
	for _, name := range scenarios.Names() {
		f, err := graph.LoadFS(scenarios.FS, scenarios.Path(name))
		require.NoError(t, err)
		for _, sc := range f.Scenarios {
			t.Run(name+":"+sc.ID, func(t *testing.T) {
				c, err := graph.Compile(sc)
				require.NoError(t, err)
				want := []string{"headline"}
				targets, rates := false, false
				for _, s := range c.Services {
					targets = targets || s.RTO >= 0 || s.RPO >= 0
				}
				for _, ev := range c.Events {
					rates = rates || ev.Rate > 0
				}
				if targets {
					want = append(want, "compliance")
				}
				want = append(want, "recovery", "downtime", "causes", "cascade")
				alike, other := false, false
				for _, o := range f.Scenarios {
					if o == sc {
						continue
					}
					oc, err := graph.Compile(o)
					require.NoError(t, err)
					alike = alike || oc.Horizon == c.Horizon
					other = other || oc.Horizon != c.Horizon
				}
				if alike {
					want = append(want, "comparison")
				}
				if rates {
					want = append(want, "risk")
				}
				out := filepath.Join(dir, name+"-"+sc.ID+".html")
				code, _, errOut := runCLI(t, context.Background(), "report", name, "--scenario", sc.ID, "--trials", "30", "--seed", "2", "-o", out)
				require.Equal(t, exitOK, code, errOut)
				b, err := os.ReadFile(out)
				require.NoError(t, err)
				html := string(b)
				var got []string
				for _, m := range sectionRE.FindAllStringSubmatch(html, -1) {
					got = append(got, m[1])
				}
				assert.ElementsMatch(t, want, got)
				// Provenance: file, scenario, seed, trials, version.
				prov := html[strings.Index(html, `id="provenance"`):]
				prov = prov[:strings.Index(prov, "</dl>")]
				for _, s := range []string{name, sc.ID, "<dd>30 (seed 2)</dd>", dominoVersion()} {
					assert.Contains(t, prov, s, "provenance")
				}
				assert.Contains(t, html, `<img src="data:image/svg+xml;base64,`, "charts inline")
				if other {
					assert.Contains(t, html, "Not compared", "the scenarios of another horizon are named")
				}
				if rates {
					assert.Contains(t, html, "Loss exceedance", "the risk section draws the exceedance curve")
				}
			})
		}
	}
}
