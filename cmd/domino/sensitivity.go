package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

// sensitivityTrials is sensitivity's default trial count, rank's: the
// runs are 1 + 2 × inputs, and pairing keeps their differences tight.
const sensitivityTrials = 1000

func init() {
	register(&command{
		name: "sensitivity", order: 72,
		summary: "Which assumptions matter: each uncertain input at its low and its high, ranked by swing (a tornado)",
		usage: "domino sensitivity [FILE|NAME] [--scenario ID] [--metric M] [--trials N] [--seed S] [--format table|markdown|csv|json|svg|png] [-o FILE]\n" +
			"One at a time, each input written {uncertain: {low: …, high: …}} is set to its low and to its high, every other at its\n" +
			"nominal value, over the baseline's trials (common random numbers): swing = |at high − at low|, with the paired 95% CI\n" +
			"of high − low. Metrics: user-hours (default), cost, full-recovery, full-restored, crew-hours, downtime:ID, affected:ID.\n" +
			"-o FILE.svg or .png draws the tornado chart ('domino plot --kind tornado' draws it from the JSON). See docs/model.md §14.",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenario", "", "scenario id (default: the file's first scenario)")
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
	scenario := fl.str("scenario")
	metric := fl.str("metric")
	format := fl.str("format")
	out := fl.str("output")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}
	if fs.NArg() > 1 {
		return usageError(e, name, "sensitivity takes at most one FILE or embedded scenario NAME, got %d arguments", fs.NArg())
	}
	tf, code := readTrialFlags(e, name, fs)
	if code != exitOK {
		return code
	}
	if tf.trials == 0 {
		tf.trials = sensitivityTrials
	}
	formats := append(append([]string{}, output.ResultsFormats...), output.PlotFormats...)
	formatFor := func(path string) string {
		if f := output.PlotFormatFor(path); f != "" {
			return f
		}
		return output.ResultsFormatFor(path)
	}
	if format = chooseFormat(e, name, format, out, "table", formats, formatFor); format == "" {
		return exitUsage
	}
	u, err := loadUncertain(fs.Arg(0), scenario)
	if err != nil {
		return inputError(e, err)
	}
	m, err := sim.ParseMeasure(metric, serviceIDs(u.base))
	if err != nil {
		return usageError(e, name, "--metric: %v", err)
	}

	opt := sim.Options{Trials: tf.trials, Seed: tf.seed, Workers: tf.workers}
	bar := newProgress(e.stderr, (1+2*len(u.inputs))*tf.trials, "sensitivity "+u.base.Scenario.ID)
	if bar != nil {
		opt.Progress = func(n int) { bar.Add(n) }
	}
	e.watch()
	s, err := sim.RunSensitivity(e.ctx, u.base, u.inputs, u.build, m, opt)
	if bar != nil {
		bar.Clear()
	}
	if err != nil {
		return simError(e, name, err)
	}
	if format == "svg" || format == "png" {
		var img bytes.Buffer
		if err := output.PlotTornado(&img, s, output.PlotOptions{Format: format}); err != nil {
			return inputError(e, err)
		}
		return writeOut(e, name, out, func(w io.Writer) error {
			_, err := w.Write(img.Bytes())
			return err
		})
	}
	return writeOut(e, name, out, func(w io.Writer) error { return output.WriteSensitivity(w, s, format) })
}
