package main

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/output/chart"
	"github.com/dominosim/domino/sim"
)

// sensitivityTrials is sensitivity's default trial count, rank's: the
// runs are 1 + 2 × inputs, and pairing keeps their differences tight.
const sensitivityTrials = 1000

func init() {
	register(&command{
		name: "sensitivity", order: 72,
		summary: "Which assumptions matter: each uncertain input at its low and its high, ranked by swing (a tornado)",
		usage: "domino sensitivity [FILE|NAME] [--scenario ID] [--versus ID] [--metric M] [--top N] [--trials N] [--seed S] [--format table|markdown|csv|json|svg|png] [-o FILE]\n" +
			"One at a time, each input written {uncertain: {low: …, high: …}} is set to its low and to its high, every other at its\n" +
			"nominal value, over the baseline's trials (common random numbers): swing = |at high − at low|, with the paired 95% CI\n" +
			"of high − low. Metrics: user-hours (default), cost, full-recovery, full-restored, crew-hours, downtime:ID, affected:ID.\n" +
			"--versus ID measures the scenario minus scenario ID of the same file, trial by trial, both built with the same input values:\n" +
			"with the baseline as --scenario and a mitigation as --versus, what the mitigation saves, and which guesses that depends on.\n" +
			"-o FILE.svg or .png draws the tornado chart ('domino plot --kind tornado' draws it from the JSON). See docs/model.md §14.",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenario", "", "scenario id (default: the file's first scenario)")
			fs.Int("top", 0, "keep the N inputs with the largest swings (default: all)")
			fs.String("versus", "", "measure the scenario's metric minus this scenario's, trial by trial (what a mitigation saves)")
			fs.String("metric", "user-hours", "user-hours, cost, full-recovery, full-restored, crew-hours, downtime:ID or affected:ID")
			addTrialFlags(fs, fmt.Sprintf("trials per run (default %d)", sensitivityTrials))
			fs.String("format", "", "table, markdown, csv, json, svg or png (default: from -o's extension, else table)")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
			addWideFlag(fs)
		},
		run: runSensitivity,
	})
}

func runSensitivity(e *env, fs *pflag.FlagSet) int {
	const name = "sensitivity"
	fl := readFlags(fs)
	metric := fl.str("metric")
	versus := fl.str("versus")
	top := fl.int("top")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}
	if top < 0 {
		return usageError(e, name, "--top %d: want a number of inputs, or 0 for all", top)
	}
	a, code := readScenarioArgs(e, fs)
	if code != exitOK {
		return code
	}
	if a.trials.trials == 0 {
		a.trials.trials = sensitivityTrials
	}
	formats := append(slices.Clone(output.ResultsFormats), chart.Formats...)
	formatFor := func(path string) string { return cmp.Or(chart.FormatFor(path), output.ResultsFormatFor(path)) }
	if a.format = chooseFormat(e, name, a.format, a.out, "table", formats, formatFor); a.format == "" {
		return exitUsage
	}
	u, err := loadUncertain(a.file, a.scenario, versus)
	if err != nil {
		return inputError(e, err)
	}
	m, err := sim.ParseMeasure(metric, serviceIDs(u.base))
	if err != nil {
		return usageError(e, name, "--metric: %v", err)
	}

	tf := a.trials
	opt := sim.Options{Trials: tf.trials, Seed: tf.seed, Workers: tf.workers}
	runs := (1 + 2*len(u.inputs)) * tf.trials
	if u.worlds.Versus != nil {
		runs *= 2
	}
	stopBar := e.progress(runs, "sensitivity "+u.base.Scenario.ID, &opt.Progress)
	e.watch()
	s, err := sim.RunSensitivity(e.ctx, u.worlds, u.inputs, m, opt)
	stopBar()
	if err != nil {
		return simError(e, name, err)
	}
	for i := range s.Inputs {
		s.Inputs[i].Label = u.label(s.Inputs[i].Path)
	}
	s.Top(top)
	if a.format == "svg" || a.format == "png" {
		var img bytes.Buffer
		if err := chart.Tornado(&img, s, chart.Options{Format: a.format}); err != nil {
			return inputError(e, err)
		}
		return writeBytes(e, a.out, img.Bytes())
	}
	return writeOut(e, name, a.out, func(w io.Writer) error { return output.WriteSensitivity(w, s, a.format) })
}
