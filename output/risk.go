package output

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/sim"
)

// WriteRisk writes the annual risk of a scenario (docs/model.md §13) in one
// of ResultsFormats.
func WriteRisk(w io.Writer, r *sim.RiskResults, format string) error {
	switch format {
	case "json":
		return writeJSON(w, r)
	case "csv":
		return riskCSV(w, r)
	case "table", "markdown":
		return riskTables(w, r, format == "markdown")
	}
	return fmt.Errorf("unknown risk format %q (want %s)", format, strings.Join(ResultsFormats, ", "))
}

// RiskMetricTitle names a risk metric for people: "user-hours lost",
// "money lost (KRW)", "hours talk is down".
func RiskMetricTitle(key, currency string) string {
	switch {
	case key == sim.RiskUserHours:
		return "user-hours lost"
	case key == sim.RiskMoney && currency != "":
		return "money lost (" + currency + ")"
	case key == sim.RiskMoney:
		return "money lost"
	case key == sim.RiskCrewHours:
		return "crew-hours"
	case strings.HasPrefix(key, "downtime:"):
		return "hours " + strings.TrimPrefix(key, "downtime:") + " is down"
	}
	return key
}

// Probability formats a probability that may be tiny: a percentage with
// three significant digits down to 0.1%, then scientific ("4.97e-05"), so
// that a 1-in-20,000 chance reads as one and not as "<0.1%".
func Probability(p float64) string {
	switch {
	case math.IsNaN(p):
		return Dash
	case p == 0:
		return "0"
	case p >= 0.001:
		return strconv.FormatFloat(100*p, 'g', 3, 64) + "%"
	}
	return strconv.FormatFloat(p, 'e', 2, 64)
}

// Availability formats an availability as a percentage with as many
// decimals as its nines need: 0.9999886 → "99.99886%".
func Availability(a float64, nines *float64) string {
	if a >= 1 || nines == nil {
		return "100%"
	}
	d := min(max(int(math.Ceil(*nines)), 1), 9)
	return strconv.FormatFloat(100*a, 'f', d, 64) + "%"
}

// HorizonText says what one trial covers: "year" for 365 days.
func HorizonText(ms int64) string {
	if ms == graph.Year {
		return "year"
	}
	return graph.FormatDuration(ms)
}

// samplingText describes how the horizons were sampled, for the intro.
func samplingText(r *sim.RiskResults) string {
	if r.Sampling == "plain" && r.Occurrences == 0 {
		return "plain sampling (no event has a rate: nothing to stratify)"
	}
	if r.Sampling == "plain" {
		return fmt.Sprintf("plain sampling (%s rate-event occurrences expected per trial)", Decimal(r.Occurrences, 4))
	}
	var parts []string
	for _, s := range r.Strata {
		n := strconv.Itoa(s.Min)
		switch {
		case s.Max == nil:
			n = "≥" + n
		case *s.Max != s.Min:
			n += "–" + strconv.Itoa(*s.Max)
		}
		note := ""
		if s.Exact {
			note = ", exact"
		}
		trials := Count(float64(s.Trials)) + " trials"
		if s.Trials == 1 {
			trials = "1 trial"
		}
		parts = append(parts, fmt.Sprintf("%s: P %s, %s%s", n, Probability(s.P), trials, note))
	}
	return fmt.Sprintf("stratified on the number of rate-event occurrences (expected %s per trial; %s)",
		Decimal(r.Occurrences, 4), strings.Join(parts, "; "))
}

// levelText formats a return level with its interval; an open upper
// bound reads "more trials".
func levelText(unit string, rl sim.ReturnLevel) string {
	s := magnitude(unit, rl.Loss)
	lo, hi := Dash, "more trials"
	if rl.CI95[0] != nil {
		lo = magnitude(unit, *rl.CI95[0])
	}
	if rl.CI95[1] != nil {
		hi = magnitude(unit, *rl.CI95[1])
	}
	return s + " [" + lo + ", " + hi + "]"
}

func speedText(x *float64) string {
	if x == nil {
		return "exact"
	}
	return Decimal(*x, 1) + "×"
}

func estimateText(unit string, e sim.Estimate) string {
	return magnitude(unit, e.Mean) + " [" + magnitude(unit, e.CI95[0]) + ", " + magnitude(unit, e.CI95[1]) + "]"
}

func riskTables(w io.Writer, r *sim.RiskResults, markdown bool) error {
	ew := &errWriter{w: w}
	per := HorizonText(r.HorizonMs)
	intro := fmt.Sprintf("Risk over one %s of scenario %s (platform %s): %s trials of one %s each (seed %d), %s.\n"+
		"Expected loss per %s with its 95%% CI; P(loss > 0); the loss exceeded once in 10, 100 and 1,000 %ss (return levels) with 95%% CIs; "+
		"speed-up: how many times more trials plain sampling would need for the same CI.\n",
		per, r.Scenario, r.Platform, Count(float64(r.Trials)), per, r.Seed, samplingText(r), per, per)
	if !markdown {
		intro = fitText(w, intro, 0)
	}
	fmt.Fprint(ew, intro)
	if markdown {
		fmt.Fprintln(ew)
	}
	if ew.err != nil {
		return ew.err
	}
	return riskBody(w, r, markdown)
}

// RunRisk returns the risk figures of a results file as the RiskResults
// of its run, nil when it has none.
func RunRisk(r *sim.Results) *sim.RiskResults {
	if r.Risk == nil {
		return nil
	}
	return &sim.RiskResults{Platform: r.Platform, Scenario: r.Scenario, Currency: r.Currency, Seed: r.Seed,
		Trials: int64(r.Trials), HorizonMs: r.HorizonMs, RiskFigures: *r.Risk}
}

// runRiskIntro says what the risk figures of a results file are: its own
// trials, each one horizon, sampled plainly.
func runRiskIntro(r *sim.RiskResults) string {
	per := HorizonText(r.HorizonMs)
	return fmt.Sprintf("Risk per %s, from these %s trials of one %s each: %s. "+
		"Expected loss per %s with its 95%% CI (normal); P(loss > 0); the loss exceeded once in 10, 100 and 1,000 %ss (return levels) with 95%% CIs. "+
		"For rare events, 'domino risk' stratifies the trials on the number of occurrences (docs/model.md §13).",
		per, Count(float64(r.Trials)), per, samplingText(r), per, per)
}

// riskBody writes the tables of riskTables: the platform metrics, the
// services' availability and the user-hours exceedance curve.
// RiskLossRows returns the table of the platform metrics' risk: expected
// loss per horizon, P(loss > 0), return levels and speed-up.
func RiskLossRows(r *sim.RiskResults) (header []string, rows [][]string) {
	per := HorizonText(r.HorizonMs)
	header = []string{"Loss per " + per, "Expected [95% CI]", "P(loss > 0)"}
	for _, y := range sim.ReturnPeriods {
		header = append(header, "1 in "+Count(float64(y))+" [95% CI]")
	}
	header = append(header, "Speed-up")
	for _, key := range []string{sim.RiskUserHours, sim.RiskMoney, sim.RiskCrewHours} {
		m, ok := r.Metrics[key]
		if !ok {
			continue
		}
		row := []string{RiskMetricTitle(key, r.Currency), estimateText(m.Unit, m.Expected), Probability(m.PLoss.Mean)}
		for _, rl := range m.ReturnLevels {
			row = append(row, levelText(m.Unit, rl))
		}
		rows = append(rows, append(row, speedText(m.SpeedUp)))
	}
	return header, rows
}

// RiskAvailabilityRows returns the table of the services' availability
// over the horizon, with their nines and downtime.
func RiskAvailabilityRows(r *sim.RiskResults) (header []string, rows [][]string) {
	header = []string{"Service", "Availability [95% CI]", "Nines", "Hours down [95% CI]", "P(down)"}
	for _, y := range sim.ReturnPeriods[1:] {
		header = append(header, "Hours down, 1 in "+Count(float64(y)))
	}
	for _, s := range r.Services {
		m := r.Metrics["downtime:"+s.ID]
		nines := "∞"
		if s.Nines != nil {
			nines = Decimal(*s.Nines, 2)
		}
		a := s.Availability
		row := []string{s.ID, Availability(a.Mean, s.Nines) + " [" + Availability(a.CI95[0], ninesOf(a.CI95[0])) + ", " + Availability(a.CI95[1], ninesOf(a.CI95[1])) + "]",
			nines, estimateText("hours", m.Expected), Probability(m.PLoss.Mean)}
		for _, rl := range m.ReturnLevels[1:] {
			row = append(row, magnitude("hours", rl.Loss))
		}
		rows = append(rows, row)
	}
	return header, rows
}

func riskBody(w io.Writer, r *sim.RiskResults, markdown bool) error {
	ew := &errWriter{w: w}
	per := HorizonText(r.HorizonMs)
	header, rows := RiskLossRows(r)
	if markdown {
		rows = mdEscapeRows(rows)
	}
	if err := renderTable(w, header, rows, nil, markdown); err != nil {
		return err
	}

	fmt.Fprintf(ew, "\nAvailability per service over the %s: 1 − expected downtime / horizon; nines = −log10(1 − availability).\n", per)
	if markdown {
		fmt.Fprintln(ew)
	}
	if ew.err != nil {
		return ew.err
	}
	header, rows = RiskAvailabilityRows(r)
	if markdown {
		rows = mdEscapeRows(rows)
	}
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignRight
	}
	align[0] = tw.AlignLeft
	if err := renderTable(w, header, rows, align, markdown); err != nil {
		return err
	}

	// The loss-exceedance curve of the headline metric.
	m := r.Metrics[sim.RiskUserHours]
	fmt.Fprintf(ew, "\nLoss exceedance, %s per %s: P(loss > x) with its 95%% CI (plot it: domino plot --kind exceedance).\n", RiskMetricTitle(sim.RiskUserHours, r.Currency), per)
	if markdown {
		fmt.Fprintln(ew)
	}
	if ew.err != nil {
		return ew.err
	}
	rows = rows[:0]
	for _, pt := range m.Exceedance {
		rows = append(rows, []string{magnitude(m.Unit, pt.Loss), Probability(pt.P), "[" + Probability(pt.CI95[0]) + ", " + Probability(pt.CI95[1]) + "]"})
	}
	return renderTable(w, []string{"x (" + m.Unit + ")", "P(loss > x)", "95% CI"}, rows, nil, markdown)
}

// ninesOf returns the nines of availability a, nil at 1.
func ninesOf(a float64) *float64 {
	if a >= 1 {
		return nil
	}
	n := -math.Log10(1 - a)
	return &n
}

// riskCSV writes one row per figure, long form: metric, what (expected,
// p_loss, exceedance, return_level, availability), x (the loss of an
// exceedance point, the years of a return level), value and its CI.
func riskCSV(w io.Writer, r *sim.RiskResults) error {
	cw := newCSVWriter(w)
	cw.Write([]string{"scenario", "trials", "seed", "horizon_ms", "sampling", "metric", "unit", "figure", "x", "value", "ci95_lo", "ci95_hi"})
	head := []string{r.Scenario, strconv.FormatInt(r.Trials, 10), strconv.FormatUint(r.Seed, 10), strconv.FormatInt(r.HorizonMs, 10), r.Sampling}
	for _, row := range riskCSVRows(&r.RiskFigures) {
		cw.Write(append(append([]string{}, head...), row[:]...))
	}
	cw.Flush()
	return cw.Error()
}

// riskCSVColumns names the cells of riskCSVRows.
var riskCSVColumns = []string{"metric", "unit", "figure", "x", "value", "ci95_lo", "ci95_hi"}

// riskCSVRows returns the risk figures one per row, as riskCSVColumns.
func riskCSVRows(r *sim.RiskFigures) [][7]string {
	var rows [][7]string
	row := func(metric, unit, figure, x string, v, lo, hi string) {
		rows = append(rows, [7]string{metric, unit, figure, x, v, lo, hi})
	}
	opt := func(x *float64) string {
		if x == nil {
			return ""
		}
		return num(*x)
	}
	for _, key := range r.MetricOrder {
		m := r.Metrics[key]
		row(key, m.Unit, "expected", "", num(m.Expected.Mean), num(m.Expected.CI95[0]), num(m.Expected.CI95[1]))
		row(key, m.Unit, "p_loss", "", num(m.PLoss.Mean), num(m.PLoss.CI95[0]), num(m.PLoss.CI95[1]))
		row(key, m.Unit, "speedup", "", opt(m.SpeedUp), "", "")
		for _, rl := range m.ReturnLevels {
			row(key, m.Unit, "return_level", strconv.Itoa(rl.Years), num(rl.Loss), opt(rl.CI95[0]), opt(rl.CI95[1]))
		}
		for _, pt := range m.Exceedance {
			row(key, m.Unit, "exceedance", num(pt.Loss), num(pt.P), num(pt.CI95[0]), num(pt.CI95[1]))
		}
	}
	for _, s := range r.Services {
		row("availability:"+s.ID, "probability", "availability", "", num(s.Availability.Mean), num(s.Availability.CI95[0]), num(s.Availability.CI95[1]))
		row("availability:"+s.ID, "nines", "nines", "", opt(s.Nines), "", "")
	}
	return rows
}
