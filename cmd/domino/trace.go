package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/output/diagram"
	"github.com/dominosim/domino/sim"
)

func init() {
	register(&command{
		name: "trace", order: 50,
		summary: "Replay one trial: its timeline, a Gantt chart of the services down, and its cascade diagram",
		usage:   "domino trace FILE|NAME [--scenario ID] [--trial K|median|worst] [--seed S] [--trials N] [--format table|json|dot|svg|png] [--verbose] [-o FILE]",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenario", "", "scenario id (default: the file's first scenario)")
			fs.String("trial", "0", "trial index K (from 0), or median or worst: the trial with the median or largest user-hours lost among --trials trials")
			fs.Uint64("seed", 1, "random seed of the run the trial belongs to")
			fs.Int("trials", 0, "number of trials of the run (default: the scenario's); median and worst choose among them")
			fs.String("format", "", "table, json, dot, svg or png (default: from -o's extension, else table)")
			fs.Bool("verbose", false, "table: list every record instead of a summary of each instant")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
		},
		run: runTrace,
	})
}

func runTrace(e *env, fs *pflag.FlagSet) int {
	const name = "trace"
	fl := readFlags(fs)
	str := fl.str
	seed := fl.uint64("seed")
	trials := fl.int("trials")
	verbose := fl.bool("verbose")
	scenario, trialArg, format, out := str("scenario"), str("trial"), str("format"), str("output")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}

	if fs.NArg() != 1 {
		return usageError(e, name, "trace takes one FILE or embedded scenario NAME, got %d arguments", fs.NArg())
	}
	trial, by, err := parseTrial(trialArg)
	if err != nil {
		return usageError(e, name, "%v", err)
	}
	// --trial median and worst keep one score per trial, hence the bound.
	if fs.Changed("trials") && (trials < 1 || trials > graph.MaxTrials) {
		return usageError(e, name, "--trials must be in [1, %d], got %d", graph.MaxTrials, trials)
	}
	// The table and JSON are output's; dot, svg and png draw the cascade.
	formats := slices.Concat(output.TraceFormats, diagram.Formats)
	formatFor := func(path string) string { return cmp.Or(output.TraceFormatFor(path), diagram.FormatFor(path)) }
	if format = chooseFormat(e, name, format, out, "table", formats, formatFor); format == "" {
		return exitUsage
	}

	c, err := loadScenario(fs.Arg(0), scenario)
	if err != nil {
		return inputError(e, err)
	}
	sc := c.Scenario
	if trials == 0 {
		trials = sc.Trials
	}
	if by == "" && trial >= trials {
		return usageError(e, name, "--trial %d is past the run's last trial: it has %d trials (0 to %d); give --trials to trace a later one",
			trial, trials, trials-1)
	}
	if by != "" {
		e.watch()
		if trial, err = sim.SelectTrial(e.ctx, c, seed, trials, by); err != nil {
			return simError(e, "trace "+c.Scenario.ID, err)
		}
	}

	tr := sim.NewTrial(c, nil)
	tr.Trace = &sim.Trace{}
	o := tr.Run(seed, trial)
	if tr.Overflowed() {
		return inputError(e, fmt.Errorf("trace %s: %w", c.Scenario.ID, sim.ErrTooManyEvents))
	}
	info := output.NewTraceInfo(c, seed, o)
	info.SelectedBy, info.Trials = by, trials
	rep := output.NewTraceReport(c, info, o, tr.Trace)

	write := func(w io.Writer) error {
		if !slices.Contains(diagram.Formats, format) {
			return output.WriteTrace(w, rep, format, output.TraceOptions{Verbose: verbose})
		}
		var dot bytes.Buffer
		if err := diagram.Cascade(&dot, rep); err != nil {
			return err
		}
		return e.renderer().Write(e.ctx, w, dot.Bytes(), format)
	}
	return writeOut(e, name, out, write)
}

// parseTrial reads --trial: a trial index, or "median" or "worst" (then
// by names the choice).
func parseTrial(s string) (trial int, by string, err error) {
	switch s {
	case "median", "worst":
		return 0, s, nil
	}
	k, err := strconv.Atoi(s)
	if err != nil || k < 0 {
		return 0, "", fmt.Errorf("--trial wants a trial index (0, 1, ...), median or worst, got %q", s)
	}
	return k, "", nil
}
