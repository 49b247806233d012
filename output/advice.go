package output

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/dominosim/domino/sim"
)

// WriteAdvice writes an advise result (docs/model.md §10) in one of
// ResultsFormats; currency names the unit of the cost metric.
func WriteAdvice(w io.Writer, a *sim.Advice, currency, format string) error {
	switch format {
	case "json":
		return writeJSON(w, a)
	case "csv":
		return adviceCSV(w, a)
	case "table", "markdown":
		return adviceTable(w, a, currency, format == "markdown")
	}
	return fmt.Errorf("unknown advise format %q (want %s)", format, strings.Join(ResultsFormats, ", "))
}

func adviceTable(w io.Writer, a *sim.Advice, currency string, markdown bool) error {
	ew := &errWriter{w: w}
	para := func(format string, args ...any) {
		fmt.Fprintf(ew, format+"\n", args...)
		if markdown {
			fmt.Fprintln(ew)
		}
	}
	para("Metric: %s, mean over %s trials (seed %d) of scenario %s; baseline %s. Budget: %s.",
		MetricTitle(a.Metric, a.Unit, currency), Count(float64(a.Trials)), a.Seed, a.Scenario, withCI(a.Unit, a.Baseline), Decimal(a.Budget, -1))
	para("Note: this is a %s.", a.Note)
	failed := notEvaluated(a)
	if failed > 0 {
		// Said before the choice, not only in the last table: when every
		// candidate failed, "nothing to buy" alone read as a finding.
		para("Warning: %d of %d candidates could not be evaluated (the last table says why); the advice below leaves them out.",
			failed, len(a.Candidates))
	}
	if len(a.Steps) == 0 && failed > 0 && failed == len(a.Candidates) {
		para("No candidate could be evaluated: there is no advice.")
	} else if len(a.Steps) == 0 {
		para("No candidate fits the budget with a saving whose 95%% CI lies above 0: nothing to buy.")
	} else {
		para("Chosen, in order (each saving is over the step before, paired):")
		if ew.err != nil {
			return ew.err
		}
		header, rows := AdviceStepRows(a)
		if err := adviceRender(w, header, rows, markdown); err != nil {
			return err
		}
		if markdown {
			fmt.Fprintln(ew)
		}
	}
	para("Every candidate at the first step, alone on the scenario as written:")
	if ew.err != nil {
		return ew.err
	}
	header, rows := AdviceCandidateRows(a)
	return adviceRender(w, header, rows, markdown)
}

// notEvaluated counts the candidates that could not be evaluated.
func notEvaluated(a *sim.Advice) int {
	n := 0
	for _, c := range a.Candidates {
		if c.Error != "" {
			n++
		}
	}
	return n
}

// AdviceStepRows returns the table of the mitigations advise chose, in
// order, as 'domino advise' prints it.
func AdviceStepRows(a *sim.Advice) (header []string, rows [][]string) {
	for i, s := range a.Steps {
		rows = append(rows, []string{strconv.Itoa(i + 1), s.Mitigation, Decimal(s.Cost, -1), Decimal(s.CumulativeCost, -1),
			withCI(a.Unit, s.Metric), savingText(a.Unit, s.Saving)})
	}
	return []string{"Step", "Mitigation", "Cost", "Total cost", "Metric after [95% CI]", "Saving [95% CI]"}, rows
}

// AdviceCandidateRows returns the table of every candidate alone at the
// first step, as 'domino advise' prints it.
func AdviceCandidateRows(a *sim.Advice) (header []string, rows [][]string) {
	for _, c := range a.Candidates {
		saving, per := savingText(a.Unit, c.Saving), Dash
		if c.Error != "" {
			saving = "not evaluated: " + c.Error
		} else if c.Cost > 0 {
			per = Signed(c.Saving.Mean/c.Cost, func(x float64) string { return magnitude(a.Unit, x) })
		}
		rows = append(rows, []string{c.Mitigation, Decimal(c.Cost, -1), saving, per})
	}
	return []string{"Mitigation", "Cost", "Saving [95% CI]", "Saving per unit cost"}, rows
}

func adviceRender(w io.Writer, header []string, rows [][]string, markdown bool) error {
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignRight
	}
	for i, h := range header {
		if h == "Mitigation" {
			align[i] = tw.AlignLeft
		}
	}
	if markdown {
		rows = mdEscapeRows(rows)
	}
	return renderTable(w, header, rows, align, markdown)
}

func adviceCSV(w io.Writer, a *sim.Advice) error {
	cw := newCSVWriter(w)
	cw.Write([]string{"table", "step", "mitigation", "cost", "cumulative_cost", "metric", "metric_lo", "metric_hi",
		"saving", "saving_lo", "saving_hi", "error"})
	for i, s := range a.Steps {
		cw.Write([]string{"step", strconv.Itoa(i + 1), s.Mitigation, num(s.Cost), num(s.CumulativeCost),
			num(s.Metric.Mean), ciNum(s.Metric.NoCI, s.Metric.CI95[0]), ciNum(s.Metric.NoCI, s.Metric.CI95[1]),
			num(s.Saving.Mean), ciNum(s.Saving.NoCI, s.Saving.CI95[0]), ciNum(s.Saving.NoCI, s.Saving.CI95[1]), ""})
	}
	for _, c := range a.Candidates {
		cw.Write([]string{"candidate", "", c.Mitigation, num(c.Cost), "", "", "", "",
			num(c.Saving.Mean), ciNum(c.Saving.NoCI, c.Saving.CI95[0]), ciNum(c.Saving.NoCI, c.Saving.CI95[1]), c.Error})
	}
	cw.Flush()
	return cw.Error()
}
