package output

import (
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/olekukonko/tablewriter/tw"

	"github.com/dominosim/domino/sim"
)

// WriteSensitivity writes a sensitivity result (docs/model.md §14), the
// tornado table, in one of ResultsFormats.
func WriteSensitivity(w io.Writer, s *sim.Sensitivity, format string) error {
	switch format {
	case "json":
		return writeJSON(w, s)
	case "csv":
		return sensitivityCSV(w, s)
	case "table", "markdown":
		return sensitivityTable(w, s, format == "markdown")
	}
	return fmt.Errorf("unknown sensitivity format %q (want %s)", format, strings.Join(ResultsFormats, ", "))
}

// SensitivityOf says what a sensitivity result measures the metric of:
// "scenario X", or "scenario X minus scenario Y, trial by trial".
func SensitivityOf(s *sim.Sensitivity) string {
	if s.Versus != "" {
		return "scenario " + s.Scenario + " minus scenario " + s.Versus + ", trial by trial"
	}
	return "scenario " + s.Scenario
}

// diffOf turns a mean with an optional CI into a Diff for withCI.
func diffOf(mean float64, ci *[2]float64) sim.Diff {
	if ci == nil {
		return sim.Diff{Mean: mean, NoCI: true}
	}
	return sim.Diff{Mean: mean, CI95: *ci}
}

func sensitivityTable(w io.Writer, s *sim.Sensitivity, markdown bool) error {
	ew := &errWriter{w: w}
	intro := fmt.Sprintf("Metric: %s, mean over %s trials (seed %d) of %s; baseline (every input nominal) %s.\n",
		MetricTitle(s.Metric, s.Unit, s.Currency), Count(float64(s.Trials)), s.Seed, SensitivityOf(s),
		withCI(s.Unit, diffOf(s.Baseline.Mean, s.Baseline.CI95))) +
		"Each uncertain input at its low and at its high, every other at its nominal value, over the same trials. " +
		"Swing = |at high − at low|; high − low is paired, trial by trial, with its 95% CI. Largest swing first.\n"
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
	if len(s.Inputs) == 0 {
		_, err := fmt.Fprintln(w, "No uncertain inputs.")
		return err
	}
	header := []string{"#", "Input", "Line:col", "Low", "Nominal", "High", "At low [95% CI]", "At high [95% CI]", "Swing", "High − low [95% CI]"}
	rows := make([][]string, 0, len(s.Inputs))
	for i, in := range s.Inputs {
		rows = append(rows, []string{
			strconv.Itoa(i + 1), cmp.Or(in.Label, in.Path), fmt.Sprintf("%d:%d", in.Line, in.Col),
			in.Low.Text, in.Nominal.Text, in.High.Text,
			withCI(s.Unit, diffOf(in.Low.Mean, in.Low.CI95)), withCI(s.Unit, diffOf(in.High.Mean, in.High.CI95)),
			magnitude(s.Unit, in.Swing), savingText(s.Unit, diffOf(in.Difference.Mean, in.Difference.CI95)),
		})
	}
	if markdown {
		rows = mdEscapeRows(rows)
	}
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignRight
	}
	align[1] = tw.AlignLeft
	if err := renderTable(w, header, rows, align, markdown); err != nil {
		return err
	}
	if s.Omitted > 0 {
		note := fmt.Sprintf("%d more inputs with smaller swings are left out (--top %d).", s.Omitted, len(s.Inputs))
		if markdown {
			note = "\n" + note
		}
		_, err := fmt.Fprintln(w, note)
		return err
	}
	return nil
}

func sensitivityCSV(w io.Writer, s *sim.Sensitivity) error {
	cw := newCSVWriter(w)
	cw.Write([]string{"scenario", "versus", "metric", "unit", "trials", "seed", "baseline", "baseline_lo", "baseline_hi",
		"rank", "path", "label", "line", "col", "kind", "dist", "nominal", "nominal_text",
		"low", "low_text", "low_mean", "low_lo", "low_hi", "high", "high_text", "high_mean", "high_lo", "high_hi",
		"swing", "difference", "difference_lo", "difference_hi", "omitted"})
	ci := func(c *[2]float64, i int) string {
		if c == nil {
			return ""
		}
		return num(c[i])
	}
	for i, in := range s.Inputs {
		cw.Write([]string{s.Scenario, s.Versus, s.Metric, csvUnit(s.Unit), strconv.Itoa(s.Trials), strconv.FormatUint(s.Seed, 10),
			num(s.Baseline.Mean), ci(s.Baseline.CI95, 0), ci(s.Baseline.CI95, 1),
			strconv.Itoa(i + 1), in.Path, in.Label, strconv.Itoa(in.Line), strconv.Itoa(in.Col), in.Kind, in.Dist,
			num(in.Nominal.Value), in.Nominal.Text,
			num(in.Low.Value), in.Low.Text, num(in.Low.Mean), ci(in.Low.CI95, 0), ci(in.Low.CI95, 1),
			num(in.High.Value), in.High.Text, num(in.High.Mean), ci(in.High.CI95, 0), ci(in.High.CI95, 1),
			num(in.Swing), num(in.Difference.Mean), ci(in.Difference.CI95, 0), ci(in.Difference.CI95, 1), strconv.Itoa(s.Omitted)})
	}
	cw.Flush()
	return cw.Error()
}
