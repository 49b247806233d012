package output

import (
	"cmp"
	"fmt"
	"io"
	"strconv"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/dominosim/domino/sim"
)

// uncertaintyFigure is how the formats name and print one headline figure
// of an uncertainty run: its label in the tables, its CSV name and unit
// suffix, and its formatter.
type uncertaintyFigure struct {
	label, csv, suffix string
	format             func(float64) string
}

func uncertaintyFigures(r *sim.Results) map[string]uncertaintyFigure {
	money := "Money lost"
	if r.Currency != "" {
		money += " (" + r.Currency + ")"
	}
	one := func(x float64) string { return Decimal(x, 1) }
	return map[string]uncertaintyFigure{
		"full_recovery_ms":    {"Time to full recovery", "full_recovery", "_ms", Duration},
		"full_restored_ms":    {"Time to everything back to normal", "full_restored", "_ms", Duration},
		"user_hours":          {"User-hours lost (summed over services)", "user_hours_summed_over_services", "", Count},
		"people_cut_off_peak": {"People cut off at the peak", "people_cut_off_peak", "", Count},
		"person_hours":        {"Person-hours lost (each person once)", "person_hours", "", Count},
		"cost":                {money, "cost", "", Count},
		"peak_down":           {"Peak services down", "peak_down", "", one},
		"crew_hours":          {"Crew-hours", "crew_hours", "", one},
	}
}

// uncertaintyIntro says what the uncertainty tables count.
func uncertaintyIntro(u *sim.Uncertainty) string {
	return fmt.Sprintf("Uncertain inputs: %d, drawn %s times (Latin hypercube), each draw over the same %s trials as the run. "+
		"The nominal run's mean and Monte Carlo 95%% CI beside the mean, 5th and 95th percentiles, least and largest over the draws "+
		"of each draw's mean (docs/model.md §14).",
		len(u.Inputs), Count(float64(u.Draws)), Count(float64(u.TrialsPerDraw)))
}

var uncertaintyHeader = []string{"Over the uncertain inputs", "Nominal mean", "95% CI (Monte Carlo)", "Mean over draws", "5%", "95%", "Least", "Largest"}

// uncertaintyRows are the headline figures' rows, and a note when some
// draws' means are lower bounds.
func uncertaintyRows(r *sim.Results) (rows [][]string, note string) {
	u := r.Uncertainty
	figs := uncertaintyFigures(r)
	for _, s := range u.Metrics {
		f := figs[s.Metric]
		nominal, ci := Dash, Dash
		if sum := sim.HeadlineSummary(&r.Summary, s.Metric); sum != nil {
			nominal = f.format(sum.Mean)
			if sum.MeanLowerBound() {
				nominal = "> " + nominal
			} else if !sum.NoCI {
				ci = f.format(sum.CI95[0]) + " – " + f.format(sum.CI95[1])
			}
		}
		// A draw's mean cut by the horizon is a lower bound, and so is any
		// figure over the draws that one of them enters.
		bound := func(x float64) string { return f.format(x) }
		if s.Censored > 0 {
			bound = func(x float64) string { return "> " + f.format(x) }
			note += fmt.Sprintf(" %s: %s of the draws.", f.label, Percent(s.Censored))
		}
		rows = append(rows, []string{f.label, nominal, ci, bound(s.Mean), bound(s.P5), bound(s.P95), bound(s.Min), bound(s.Max)})
	}
	if note != "" {
		note = "> : a lower bound, some trials of some draws being cut by the horizon (docs/model.md §8.1); the share of draws so cut:" + note
	}
	return rows, note
}

var inputsHeader = []string{"Uncertain input", "Kind", "Distribution", "Range", "Nominal"}

func inputsRows(u *sim.Uncertainty) [][]string {
	rows := make([][]string, len(u.Inputs))
	for i, in := range u.Inputs {
		dist := in.Dist
		if in.Mode != nil {
			dist += " (mode " + formatInput(in, *in.Mode) + ")"
		}
		rows[i] = []string{cmp.Or(in.Label, in.Path), in.Kind, dist, in.Text, formatInput(in, in.Nominal)}
	}
	return rows
}

// formatInput formats a value of an input for people: durations as
// durations, counts as integers, the rest as decimals.
func formatInput(in sim.UncertainInput, v float64) string {
	switch in.Kind {
	case "duration":
		return Duration(v)
	case "count":
		return Count(v)
	case "rate":
		return strconv.FormatFloat(v, 'g', 4, 64) + "/y"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

// uncertaintyTables writes the spread table and the inputs table, for a
// terminal or as Markdown.
func uncertaintyTables(w io.Writer, r *sim.Results, markdown bool) error {
	ew := &errWriter{w: w}
	u := r.Uncertainty
	intro := uncertaintyIntro(u)
	rows, note := uncertaintyRows(r)
	irows := inputsRows(u)
	if markdown {
		fmt.Fprintf(ew, "\n### Uncertainty\n\n%s\n\n", mdEscape(intro))
		rows, irows = mdEscapeRows(rows), mdEscapeRows(irows)
	} else {
		fmt.Fprintf(ew, "\n%s\n", fitText(w, intro, 0))
	}
	if ew.err != nil {
		return ew.err
	}
	align := make([]tw.Align, len(uncertaintyHeader))
	for i := range align {
		align[i] = tw.AlignRight
	}
	align[0] = tw.AlignLeft
	if err := renderTable(ew, uncertaintyHeader, rows, align, markdown); err != nil {
		return err
	}
	if note != "" {
		if markdown {
			fmt.Fprintf(ew, "\n%s\n", mdEscape(note))
		} else {
			fmt.Fprintln(ew, fitText(w, note, 0))
		}
	}
	fmt.Fprintln(ew)
	ialign := []tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight}
	if err := renderTable(ew, inputsHeader, irows, ialign, markdown); err != nil {
		return err
	}
	return ew.err
}

// uncertaintyCSVColumns are the columns an uncertainty run adds to the
// CSV, after the others: on the platform row, the draws, the trials per
// draw and each headline figure's spread; on the rows of scope "input",
// one a input, the input.
func uncertaintyCSVColumns(r *sim.Results) []string {
	figs := uncertaintyFigures(r)
	cols := []string{"uncertainty_draws", "uncertainty_trials_per_draw"}
	for _, s := range r.Uncertainty.Metrics {
		f := figs[s.Metric]
		for _, stat := range []string{"mean", "p5", "p95", "min", "max"} {
			cols = append(cols, "uncertainty_"+f.csv+"_"+stat+f.suffix)
		}
		cols = append(cols, "uncertainty_"+f.csv+"_censored")
	}
	return append(cols, "input_path", "input_label", "input_kind", "input_dist", "input_low", "input_mode", "input_high", "input_nominal")
}

// uncertaintyPlatformCells are the platform row's cells of the columns
// of uncertaintyCSVColumns.
func uncertaintyPlatformCells(u *sim.Uncertainty) []string {
	cells := []string{strconv.Itoa(u.Draws), strconv.Itoa(u.TrialsPerDraw)}
	for _, s := range u.Metrics {
		cells = append(cells, num(s.Mean), num(s.P5), num(s.P95), num(s.Min), num(s.Max), num(s.Censored))
	}
	return append(cells, "", "", "", "", "", "", "", "")
}

// uncertaintyInputCells are the cells of an input's row in the columns of
// uncertaintyCSVColumns.
func uncertaintyInputCells(u *sim.Uncertainty, in sim.UncertainInput) []string {
	cells := make([]string, 2+6*len(u.Metrics), 2+6*len(u.Metrics)+8)
	mode := ""
	if in.Mode != nil {
		mode = num(*in.Mode)
	}
	return append(cells, in.Path, in.Label, in.Kind, in.Dist, num(in.Low), mode, num(in.High), num(in.Nominal))
}
