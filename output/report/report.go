package report

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"

	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/output/chart"
	"github.com/dominosim/domino/sim"
)

// CSP is the Content-Security-Policy of a report: nothing may be
// fetched, styles are inline and images are data: URLs. A browser that
// opens the file thus makes no request, whatever the file holds.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

// Report is what `domino report` puts on one self-contained HTML page.
type Report struct {
	// Provenance.
	File, Version string
	// Results is the scenario reported on; Others are the file's other
	// scenarios, compared with it when present.
	Results *sim.Results
	Others  []*sim.Results
	// Uncompared names the file's other scenarios left out of the
	// comparison, each with why (another horizon: a year of random
	// disruptions and one incident are not alike).
	Uncompared []string
	// Cascade is the SVG of the cascade diagram of the median trial (by
	// user-hours lost), CascadeTrial its index; nil without one.
	Cascade      []byte
	CascadeTrial int
	// Ranking and Advice are the rank and advise results, when asked for.
	Ranking *sim.Ranking
	Advice  *sim.Advice
	// Sections are extra sections (such as the annual risk) placed after
	// the scenario's own; none when empty.
	Sections []Section
}

// Section is one titled section of a report: tables and images.
type Section struct {
	ID, Title string
	Intro     string
	Tables    []Table
	Images    []Image
}

// Table is a table of a report; Note is printed under it.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
	Note    string
	// Verdict is the column whose cells get the verdict colours; -1 none.
	Verdict int
	// Left is the number of leading columns aligned left (text, not
	// figures); 0 means 1.
	Left int
	// Wrap lets the cells break at their line breaks ("\n") and spaces,
	// for a table too wide for a laptop screen on one line per row.
	Wrap bool
}

// Image is an SVG image of a report.
type Image struct {
	Alt string
	SVG []byte
}

// SrcAttr is the image's src attribute: a data: URL, which CSP
// allows. It is built here rather than escaped by the template, which
// would write each + of the base64 as &#43;; the base64 alphabet cannot
// end the quoted value.
func (i Image) SrcAttr() template.HTMLAttr {
	return template.HTMLAttr(`src="data:image/svg+xml;base64,` + base64.StdEncoding.EncodeToString(i.SVG) + `"`)
}

// Write writes rep as one HTML page that needs nothing but itself.
func Write(w io.Writer, rep *Report) error {
	r := rep.Results
	var secs []Section

	head := Section{ID: "headline", Title: "Headline figures", Tables: []Table{{
		Header: output.PlatformHeader, Rows: output.PlatformRows(r), Note: output.CensoredNote(r), Verdict: -1,
	}}}
	secs = append(secs, head)

	if c := r.Compliance; c != nil {
		secs = append(secs, Section{ID: "compliance", Title: "RTO and RPO compliance", Tables: []Table{{
			Header: output.ComplianceHeader, Rows: output.ComplianceRows(c), Note: output.ComplianceNote(c, r.Trials), Verdict: len(output.ComplianceHeader) - 1, Left: 3,
		}}})
	}

	all := append([]*sim.Results{r}, rep.Others...)
	var rec bytes.Buffer
	if err := chart.Recovery(&rec, all[:1], chart.Options{Format: "svg"}); err != nil {
		return fmt.Errorf("report: recovery curve: %w", err)
	}
	secs = append(secs, Section{ID: "recovery", Title: "Recovery curve",
		Intro:  "Users served and services up over time after the disruption: the mean, with the band from the 10th to the 90th percentile of the trials.",
		Images: []Image{{Alt: "Recovery curve of " + r.Scenario, SVG: rec.Bytes()}}})

	var down bytes.Buffer
	if err := chart.Downtime(&down, []*sim.Results{r}, chart.Options{Format: "svg"}); err != nil {
		return fmt.Errorf("report: downtime: %w", err)
	}
	secs = append(secs, Section{ID: "downtime", Title: "Downtime by service",
		Images: []Image{{Alt: "Downtime by service of " + r.Scenario, SVG: down.Bytes()}},
		Tables: []Table{{Header: output.ServiceHeader, Rows: output.ServiceRows(r), Note: output.ServiceNote(r), Verdict: -1}}})
	secs[len(secs)-1].Tables[0].Left = 1

	secs = append(secs, Section{ID: "causes", Title: "Top causes",
		Intro:  "What first took each service down, over the trials in which it went down; the services that lose the most user-hours first.",
		Tables: []Table{causeTable(r)}})

	if rep.Cascade != nil {
		secs = append(secs, Section{ID: "cascade", Title: "Cascade of the median trial",
			Intro: fmt.Sprintf("Trial %d, the median of the %s trials by user-hours lost: what went down, and what took it down (as domino trace --trial median --format svg).",
				rep.CascadeTrial, output.Count(float64(r.Trials))),
			Images: []Image{{Alt: "Cascade diagram of trial " + fmt.Sprint(rep.CascadeTrial), SVG: rep.Cascade}}})
	}

	if len(rep.Others) > 0 {
		var cmp bytes.Buffer
		if err := chart.Recovery(&cmp, all, chart.Options{Format: "svg"}); err != nil {
			return fmt.Errorf("report: recovery curves compared: %w", err)
		}
		sec := comparisonSection(all)
		if len(rep.Uncompared) > 0 {
			sec.Intro += " Not compared: " + strings.Join(rep.Uncompared, ", ") + "."
		}
		sec.Images = []Image{{Alt: "Recovery curves of the scenarios", SVG: cmp.Bytes()}}
		secs = append(secs, sec)
	}
	if rk := rep.Ranking; rk != nil {
		h, rows := output.RankRows(rk)
		secs = append(secs, Section{ID: "rank", Title: "What carries the risk (domino rank)",
			Intro: strings.ReplaceAll(strings.TrimSpace(output.RankIntro(rk, r.Currency)), "\n", " ") +
				" Each item failed for the whole horizon and each item perfect, over the baseline's trials (paired); see docs/decisions.md.",
			Tables: []Table{{Header: h, Rows: rows, Verdict: -1, Left: 2}}})
	}
	if a := rep.Advice; a != nil {
		sec := Section{ID: "advise", Title: "Mitigations worth buying (domino advise)",
			Intro: fmt.Sprintf("Metric: %s, mean over %s trials (seed %d); baseline %s; budget %s. This is a %s.",
				output.MetricTitle(a.Metric, a.Unit, r.Currency), output.Count(float64(a.Trials)), a.Seed,
				output.MetricValue(a.Unit, a.Baseline.Mean), output.Decimal(a.Budget, -1), a.Note)}
		if h, rows := output.AdviceStepRows(a); len(rows) > 0 {
			sec.Tables = append(sec.Tables, Table{Caption: "Chosen, in order (each saving over the step before, paired)", Header: h, Rows: rows, Verdict: -1, Left: 2})
		} else {
			sec.Intro += " No candidate fits the budget with a saving whose 95% CI lies above 0: nothing to buy."
		}
		h, rows := output.AdviceCandidateRows(a)
		sec.Tables = append(sec.Tables, Table{Caption: "Every candidate alone, on the scenario as written", Header: h, Rows: rows, Verdict: -1})
		secs = append(secs, sec)
	}
	secs = append(secs, rep.Sections...)

	prov := [][2]string{{"File", rep.File}}
	prov = append(prov, output.HeaderBlock(r)...)
	if len(rep.Others) == 0 && len(rep.Uncompared) > 0 {
		prov = append(prov, [2]string{"Not compared", strings.Join(rep.Uncompared, ", ")})
	}
	prov = append(prov, [2]string{"domino", rep.Version})
	data := struct {
		Title      string
		CSP        string
		Provenance [][2]string
		Sections   []Section
	}{Title: "domino report: " + r.Scenario, CSP: CSP, Provenance: prov, Sections: secs}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, data); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// causeTable lists the top three causes of the services most at stake.
func causeTable(r *sim.Results) Table {
	t := Table{Header: []string{"Service", "User-hours", "P(affected)", "Cause", "Share of its outages"}, Verdict: -1, Left: 1,
		Note: "Share: of the trials in which the service went down, those whose first outage had this cause."}
	for _, s := range output.SortedServices(r) {
		if s.PAffected == 0 {
			continue
		}
		type kv struct {
			k string
			v float64
		}
		var cs []kv
		for k, v := range s.Causes {
			cs = append(cs, kv{k, v})
		}
		sort.Slice(cs, func(i, j int) bool {
			if cs[i].v != cs[j].v {
				return cs[i].v > cs[j].v
			}
			return cs[i].k < cs[j].k
		})
		for i, c := range cs {
			if i == 3 {
				break
			}
			id, uh, pa := "", "", ""
			if i == 0 {
				id, uh, pa = s.ID, output.Count(s.UserHours), output.Percent(s.PAffected)
			}
			t.Rows = append(t.Rows, []string{id, uh, pa, c.k, output.Percent(c.v)})
		}
		if len(t.Rows) >= 45 {
			break
		}
	}
	return t
}

// comparisonSection compares the scenarios' headline figures and shows the
// compliance verdicts that differ between them.
func comparisonSection(rs []*sim.Results) Section {
	t := Table{Header: []string{"Scenario", "User-hours lost\n(mean, 95% CI)", "Full recovery\np50", "p90", "Money lost\n(mean)", "P(not\nrecovered)", "Targets met /\nmissed / cannot tell"}, Verdict: -1, Wrap: true}
	for _, r := range rs {
		u := r.Summary.UserHours
		uh := output.Count(u.Mean)
		if !u.NoCI {
			uh += "\n(" + output.Count(u.CI95[0]) + " – " + output.Count(u.CI95[1]) + ")"
		}
		f := r.Summary.FullRecovery
		verdicts := output.Dash
		if r.Compliance != nil {
			n := map[string]int{}
			for _, x := range r.Compliance.Rows {
				n[x.Verdict]++
			}
			verdicts = fmt.Sprintf("%d / %d / %d", n[sim.Meets], n[sim.Misses], n[sim.CannotTell])
		}
		t.Rows = append(t.Rows, []string{r.Scenario, uh, output.CensoredQuantile(f, f.P50), output.CensoredQuantile(f, f.P90),
			output.Money(r.Summary.Cost.Mean, r.Currency), output.Percent(r.Summary.PUnrecovered), verdicts})
	}
	sec := Section{ID: "comparison", Title: "Scenarios compared",
		Intro:  "The file's other scenarios, and each of its mitigations alone on this scenario (\"with\"), side by side, each over its own trials with the same seed.",
		Tables: []Table{t}}
	labels := make([]string, len(rs))
	for i, r := range rs {
		labels[i] = r.Scenario
	}
	if ch := output.VerdictChanges(rs); len(ch) > 0 {
		sec.Tables = append(sec.Tables, Table{Caption: "Compliance verdicts that change between scenarios",
			Header: append([]string{"Service", "Target"}, labels...), Rows: ch, Verdict: -1, Left: 2})
	}
	return sec
}

// verdictClass is the CSS class of a verdict cell.
func verdictClass(v string) string {
	switch v {
	case sim.Meets:
		return "meets"
	case sim.Misses:
		return "misses"
	case sim.CannotTell:
		return "unsure"
	}
	return ""
}

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"verdictClass": verdictClass,
}).Parse(reportHTML))

const reportHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
:root { --ink: #1d2733; --muted: #5b6775; --rule: #d8dee6; --band: #f3f6f9; --meets: #1b7f3b; --misses: #b3261e; --unsure: #8a6100; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem 2rem 3rem; color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
nav { margin: .75rem 0 1rem; font-size: .9rem; }
nav a { color: var(--muted); margin-right: .9rem; text-decoration: none; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; font-size: .9rem;
  background: var(--band); padding: .6rem .9rem; border-radius: 4px; }
dl.prov dt { color: var(--muted); } dl.prov dd { margin: 0; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .85rem; margin: .4rem 0; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { padding: .28rem .6rem; border-bottom: 1px solid var(--rule); text-align: right; white-space: nowrap; vertical-align: top; }
th:first-child, td:first-child, th.l, td.l { text-align: left; }
table.wrap th, table.wrap td { white-space: pre; }
th { background: var(--band); font-weight: 600; }
tbody tr:nth-child(even) td { background: #fafbfc; }
td.meets { color: var(--meets); font-weight: 600; } td.misses { color: var(--misses); font-weight: 600; } td.unsure { color: var(--unsure); font-weight: 600; }
p.note { color: var(--muted); font-size: .8rem; max-width: 60rem; margin: .2rem 0 .8rem; white-space: pre-line; }
figure { margin: .5rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid var(--rule); }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .8rem; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  section { break-inside: avoid-page; }
  h2 { break-after: avoid; }
  table { font-size: 7.5pt; } th, td { padding: 1.5pt 4pt; }
  .scroll { overflow: visible; }
  figure img { max-height: 120mm; }
  tbody tr:nth-child(even) td, th, dl.prov { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<dl class="prov" id="provenance">{{range .Provenance}}<dt>{{index . 0}}</dt><dd>{{index . 1}}</dd>{{end}}</dl>
<nav>{{range .Sections}}<a href="#{{.ID}}">{{.Title}}</a>{{end}}</nav>
</header>
<main>
{{range .Sections}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
{{if .Intro}}<p>{{.Intro}}</p>{{end}}
{{range .Images}}<figure><img {{.SrcAttr}} alt="{{.Alt}}"></figure>{{end}}
{{range .Tables}}{{$v := .Verdict}}{{$l := .Left}}<div class="scroll"><table{{if .Wrap}} class="wrap"{{end}}>
{{if .Caption}}<caption>{{.Caption}}</caption>{{end}}
<thead><tr>{{range $i, $h := .Header}}<th{{if lt $i $l}} class="l"{{end}}>{{$h}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr>{{range $i, $c := .}}<td class="{{if lt $i $l}}l {{end}}{{if or (eq $i $v) (eq $c "meets" "misses" "cannot tell")}}{{verdictClass $c}}{{end}}">{{$c}}</td>{{end}}</tr>
{{end}}</tbody></table></div>
{{if .Note}}<p class="note">{{.Note}}</p>{{end}}
{{end}}</section>
{{end}}</main>
<footer>Made by domino, a Monte Carlo simulator of outage cascades. The figures are over the trials above; a 95% CI is the interval of the mean (or of a probability) over them.</footer>
</body>
</html>
`

// RiskSection is a report's annual-risk section: the tables of 'domino
// risk' (platform losses with return levels, the services' availability)
// and the loss-exceedance curve of user-hours.
func RiskSection(r *sim.RiskResults) (*Section, error) {
	var img bytes.Buffer
	if err := chart.Exceedance(&img, []*sim.RiskResults{r}, "user_hours", chart.Options{Format: "svg"}); err != nil {
		return nil, fmt.Errorf("report: loss exceedance: %w", err)
	}
	per := output.HorizonText(r.HorizonMs)
	lh, lr := output.RiskLossRows(r)
	ah, ar := output.RiskAvailabilityRows(r)
	// A figure's interval on a line of its own: the tables then fit a
	// laptop screen.
	for _, rows := range [][][]string{lr, ar} {
		for _, row := range rows {
			for i, c := range row {
				row[i] = strings.Replace(c, " [", "\n[", 1)
			}
		}
	}
	for i, h := range lh {
		lh[i] = strings.Replace(h, " [", "\n[", 1)
	}
	for i, h := range ah {
		ah[i] = strings.Replace(h, " [", "\n[", 1)
	}
	return &Section{ID: "risk", Title: "Annual risk",
		Intro: fmt.Sprintf("Each trial is one %s of the scenario's random disruptions (as domino risk, %s trials, seed %d): "+
			"the expected loss per %s with its 95%% CI, the share of %ss with any loss, and the loss exceeded once in 10, 100 and 1,000 %ss (return levels); "+
			"then each service's availability, and the probability that a %s's loss exceeds each amount.", per, output.Count(float64(r.Trials)), r.Seed, per, per, per, per),
		Tables: []Table{
			{Caption: "Expected loss and return levels", Header: lh, Rows: lr, Verdict: -1, Wrap: true,
				Note: "Speed-up: how many times more trials plain sampling would need for the same CI (the trials are stratified on the number of rate-event occurrences)."},
			{Caption: "Availability per service", Header: ah, Rows: ar, Verdict: -1, Wrap: true,
				Note: "Availability = 1 − expected downtime / horizon; nines = −log10(1 − availability)."},
		},
		Images: []Image{{Alt: "Loss exceedance of user-hours", SVG: img.Bytes()}}}, nil
}
