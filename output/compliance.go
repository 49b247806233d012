package output

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/dominosim/domino/sim"
)

// ComplianceSchema names the version of `domino compliance --format json`.
const ComplianceSchema = "domino.compliance/v1"

// complianceFile is what `domino compliance --format json` writes.
type complianceFile struct {
	Schema   string `json:"schema"`
	Scenario string `json:"scenario"`
	Seed     uint64 `json:"seed"`
	Trials   int    `json:"trials"`
	*sim.Compliance
}

// ErrNoTargets is returned when no service of a results file has an RTO or
// RPO target: there is nothing to judge.
var ErrNoTargets = fmt.Errorf("no service has an rto or rpo target (set them per service, or per priority tier with platform targets:)")

// WriteCompliance writes the compliance verdicts of r in one of
// ResultsFormats: per tier (priority), per service and target, P(breach)
// with its exact 95% interval, the 90th percentile of the measured
// quantity and the verdict.
func WriteCompliance(w io.Writer, r *sim.Results, format string) error {
	c := r.Compliance
	if c == nil {
		return ErrNoTargets
	}
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(complianceFile{Schema: ComplianceSchema, Scenario: r.Scenario, Seed: r.Seed, Trials: r.Trials, Compliance: c})
	case "csv":
		cw := newCSVWriter(w)
		cw.Write([]string{"scenario", "priority", "service", "target", "target_ms", "breaches", "trials", "p_breach", "ci95_lo", "ci95_hi", "measured", "p90_ms", "verdict", "lower_bound", "confidence"})
		for _, x := range c.Rows {
			cw.Write([]string{r.Scenario, strconv.Itoa(x.Priority), x.Service, x.Target, strconv.FormatInt(x.TargetMs, 10),
				strconv.FormatInt(x.Breaches, 10), strconv.FormatInt(x.Trials, 10), num(x.PBreach), num(x.CI95[0]), num(x.CI95[1]),
				x.Measured, num(x.P90Ms), x.Verdict, strconv.FormatBool(x.LowerBound), num(c.Confidence)})
		}
		cw.Flush()
		return cw.Error()
	case "table", "markdown":
		ew := &errWriter{w: w}
		md := format == "markdown"
		if md {
			fmt.Fprintf(ew, "## Compliance: scenario `%s`\n\n", r.Scenario)
		} else {
			fmt.Fprintf(ew, "Compliance: scenario %s, %s trials\n\n", r.Scenario, Count(float64(r.Trials)))
		}
		rows := ComplianceRows(c)
		if md {
			rows = mdEscapeRows(rows)
		}
		align := []tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignRight, tw.AlignLeft}
		if err := renderTable(ew, ComplianceHeader, rows, align, md); err != nil {
			return err
		}
		if md {
			fmt.Fprintln(ew)
		}
		fmt.Fprintln(ew, fitText(w, ComplianceNote(c, r.Trials), 0))
		return ew.err
	}
	return fmt.Errorf("unknown compliance format %q (want %s)", format, strings.Join(ResultsFormats, ", "))
}

// ComplianceHeader is the header of the compliance table.
var ComplianceHeader = []string{"Tier", "Service", "Target", "P(breach)", "95% CI", "p90 measured", "Verdict"}

// ComplianceRows returns the compliance table's rows, the tier shown on
// the first row of each.
func ComplianceRows(c *sim.Compliance) [][]string {
	var rows [][]string
	for i, x := range c.Rows {
		tier := ""
		if i == 0 || c.Rows[i-1].Priority != x.Priority {
			tier = "P" + strconv.Itoa(x.Priority)
		}
		p := Percent(x.PBreach)
		if x.LowerBound {
			p = "≥" + p
		}
		what := "downtime"
		if x.Target == "rpo" {
			what = "data loss"
		}
		rows = append(rows, []string{tier, x.Service, strings.ToUpper(x.Target) + " " + Duration(float64(x.TargetMs)),
			p, Percent(x.CI95[0]) + "–" + Percent(x.CI95[1]), Duration(x.P90Ms) + " " + what, x.Verdict})
	}
	return rows
}

// ComplianceNote says what the verdicts mean.
func ComplianceNote(c *sim.Compliance, trials int) string {
	allowed := 1 - c.Confidence
	return fmt.Sprintf("A target is met when it holds in %s of disruptions: meets when the exact (Clopper–Pearson) 95%% interval of P(breach) "+
		"is at or below %s, misses when it is above, cannot tell at %s trials when it straddles %s. "+
		"p90 measured: the 90th percentile over trials of the service's downtime (at least its longest outage) or data lost; "+
		"≥: a service still down at the horizon, so breaches are a lower bound.",
		Percent(c.Confidence), Percent(allowed), Count(float64(trials)), Percent(allowed))
}

// ComplianceChange is a service target whose verdict is not the same in
// every compared scenario or results file.
type ComplianceChange = sim.ComplianceChange

// ComplianceChanges returns the service targets whose verdict differs
// between the results files rs.
func ComplianceChanges(rs []*sim.Results) []ComplianceChange {
	cs := make([]*sim.Compliance, len(rs))
	for i, r := range rs {
		cs[i] = r.Compliance
	}
	return sim.ComplianceChanges(cs)
}

// VerdictChanges returns ComplianceChanges as table rows: service, target,
// then each file's verdict (Dash where it has no such target).
func VerdictChanges(rs []*sim.Results) [][]string {
	var rows [][]string
	for _, c := range ComplianceChanges(rs) {
		row := []string{c.Service, strings.ToUpper(c.Target) + " " + Duration(float64(c.TargetMs))}
		for _, v := range c.Verdicts {
			if v == "" {
				v = Dash
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	return rows
}
