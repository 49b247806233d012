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

// WriteRanking writes a rank result (docs/model.md §10) in one of
// ResultsFormats; currency names the unit of the cost metric.
func WriteRanking(w io.Writer, r *sim.Ranking, currency, format string) error {
	switch format {
	case "json":
		return writeJSON(w, r)
	case "csv":
		return rankCSV(w, r)
	case "table", "markdown":
		return rankTable(w, r, currency, format == "markdown")
	}
	return fmt.Errorf("unknown rank format %q (want %s)", format, strings.Join(ResultsFormats, ", "))
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// MetricTitle says in words what a --metric measures, for the header line
// of rank and advise.
func MetricTitle(id, unit, currency string) string {
	name, arg, _ := strings.Cut(id, ":")
	switch name {
	case "user-hours":
		return "user-hours lost (summed over services)"
	case "cost":
		if currency != "" {
			return "money lost (" + currency + ")"
		}
		return "money lost"
	case "full-recovery":
		return "hours to full recovery"
	case "full-restored":
		return "hours until everything is back to normal"
	case "crew-hours":
		return "crew-hours of manual work"
	case "downtime":
		return "hours " + arg + " is down"
	case "affected":
		return "P(" + arg + " goes down)"
	}
	return id + " (" + unit + ")"
}

// MetricValue formats a value of a rank or advise metric in its unit
// ("user-hours", "currency", "hours", "probability") for people.
func MetricValue(unit string, x float64) string { return formatValue(unit, x) }

// metricFigure formats a mean of the metric for people.
func metricFigure(unit string, x float64) string { return formatValue(unit, x) }

// withCI formats "mean [low, high]".
func withCI(unit string, d sim.Diff) string {
	if d.NoCI {
		return metricFigure(unit, d.Mean) + " [" + Dash + "]"
	}
	return metricFigure(unit, d.Mean) + " [" + metricFigure(unit, d.CI95[0]) + ", " + metricFigure(unit, d.CI95[1]) + "]"
}

// savingText formats a saving: signed, probabilities in percentage points.
func savingText(unit string, d sim.Diff) string {
	f := func(x float64) string { return magnitude(unit, x) }
	if d.Mean == 0 && d.CI95 == [2]float64{} {
		return "0"
	}
	s := Signed(d.Mean, f) + " [" + Signed(d.CI95[0], f) + ", " + Signed(d.CI95[1], f) + "]"
	if d.NoCI {
		s = Signed(d.Mean, f) + " [" + Dash + "]"
	}
	if unit == "probability" {
		s += " pp"
	}
	return s
}

func ratioText(x *float64) string {
	if x == nil {
		return Dash
	}
	return Decimal(*x, 3)
}

// RankIntro says what a ranking's table holds: the metric, the trials, the
// baseline and what each column means.
func RankIntro(r *sim.Ranking, currency string) string {
	return fmt.Sprintf("Metric: %s, mean over %s trials (seed %d) of scenario %s; baseline %s.\n",
		MetricTitle(r.Metric, r.Unit, currency), Count(float64(r.Trials)), r.Seed, r.Scenario, withCI(r.Unit, r.Baseline)) +
		"Saving = baseline − the item perfect, per trial (paired), with its 95% CI. Failed/perfect: the metric with the item down/up all the time.\n"
}

// RankRows returns the table of a ranking, as 'domino rank' prints it.
func RankRows(r *sim.Ranking) (header []string, rows [][]string) {
	header = []string{"#", "Item", "Saving [95% CI]", "Failed", "Perfect", "Birnbaum", "RAW", "RRW", "FV"}
	for i, it := range r.Items {
		rows = append(rows, []string{
			strconv.Itoa(i + 1), it.Kind + " " + it.ID, savingText(r.Unit, it.Saving),
			metricFigure(r.Unit, it.Failed.Mean), metricFigure(r.Unit, it.Perfect.Mean),
			Signed(it.Birnbaum, func(x float64) string { return magnitude(r.Unit, x) }),
			ratioText(it.RAW), ratioText(it.RRW), ratioText(it.FV),
		})
	}
	return header, rows
}

func rankTable(w io.Writer, r *sim.Ranking, currency string, markdown bool) error {
	ew := &errWriter{w: w}
	intro := RankIntro(r, currency)
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
	header, rows := RankRows(r)
	if markdown {
		rows = mdEscapeRows(rows)
	}
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignRight
	}
	align[1] = tw.AlignLeft
	return renderTable(w, header, rows, align, markdown)
}

func rankCSV(w io.Writer, r *sim.Ranking) error {
	cw := newCSVWriter(w)
	cw.Write([]string{"scenario", "metric", "unit", "trials", "seed", "kind", "id",
		"saving", "saving_lo", "saving_hi", "failed", "failed_lo", "failed_hi",
		"perfect", "perfect_lo", "perfect_hi", "baseline", "birnbaum", "raw", "rrw", "fv"})
	opt := func(x *float64) string {
		if x == nil {
			return ""
		}
		return num(*x)
	}
	for _, it := range r.Items {
		cw.Write([]string{r.Scenario, r.Metric, r.Unit, strconv.Itoa(r.Trials), strconv.FormatUint(r.Seed, 10), it.Kind, it.ID,
			num(it.Saving.Mean), ciNum(it.Saving.NoCI, it.Saving.CI95[0]), ciNum(it.Saving.NoCI, it.Saving.CI95[1]),
			num(it.Failed.Mean), ciNum(it.Failed.NoCI, it.Failed.CI95[0]), ciNum(it.Failed.NoCI, it.Failed.CI95[1]),
			num(it.Perfect.Mean), ciNum(it.Perfect.NoCI, it.Perfect.CI95[0]), ciNum(it.Perfect.NoCI, it.Perfect.CI95[1]),
			num(r.Baseline.Mean), num(it.Birnbaum), opt(it.RAW), opt(it.RRW), opt(it.FV)})
	}
	cw.Flush()
	return cw.Error()
}
