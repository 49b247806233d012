package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/internal/atomicfile"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

func init() {
	register(&command{
		name: "compliance", order: 62,
		summary: "Judge each service's RTO and RPO targets: P(breach) with its exact 95% CI and meets / misses / cannot tell",
		usage: "domino compliance [FILE|NAME] [--scenario ID] [--trials N] [--seed S] [--workers K] [--format table|markdown|csv|json] [-o FILE]\n" +
			"Runs the scenario like 'domino run' and judges every rto and rpo target (a service's own, or its priority tier's from the " +
			"platform's targets:) against the platform's compliance: (default 0.95), grouped by tier. The same verdicts are in " +
			"'domino run --format json' as \"compliance\".",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenario", "", "scenario id (default: the file's first scenario)")
			addTrialFlags(fs, "number of trials (default: the scenario's, usually 10000)")
			fs.String("format", "", "table, markdown, csv or json (default: from -o's extension, else table)")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
			addWideFlag(fs)
		},
		run: runCompliance,
	})
}

func runCompliance(e *env, fs *pflag.FlagSet) int {
	const name = "compliance"
	fl := readFlags(fs)
	scenario := fl.str("scenario")
	format := fl.str("format")
	out := fl.str("output")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}
	if fs.NArg() > 1 {
		return usageError(e, name, "compliance takes at most one FILE or embedded scenario NAME, got %d arguments", fs.NArg())
	}
	tf, code := readTrialFlags(e, name, fs)
	if code != exitOK {
		return code
	}
	if format = chooseFormat(e, name, format, out, "table", output.ResultsFormats, output.ResultsFormatFor); format == "" {
		return exitUsage
	}
	c, err := loadScenario(fs.Arg(0), scenario)
	if err != nil {
		return inputError(e, err)
	}
	res, code := simulate(e, name, c, tf)
	if code != exitOK {
		return code
	}
	if res.Compliance == nil {
		return inputError(e, fmt.Errorf("%s: %w", c.Scenario.ID, output.ErrNoTargets))
	}
	write := func(w io.Writer) error { return output.WriteCompliance(w, res, format) }
	if out == "" {
		err = write(e.tablesOut())
	} else {
		err = atomicfile.Write(out, write)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "Error: %s: %v\n", name, err)
		return exitInternal
	}
	return exitOK
}

// simulate runs all of c's trials (tf.trials, else the scenario's) and
// returns their results; code is not exitOK after an error was printed.
// An interrupted run is an error here: a verdict on part of the trials
// would not say so.
func simulate(e *env, name string, c *graph.Compiled, tf trialFlags) (*sim.Results, int) {
	trials := tf.trials
	if trials == 0 {
		trials = c.Scenario.Trials
	}
	agg, err := runTrials(e, c, sim.Options{Trials: trials, Seed: tf.seed, Workers: tf.workers})
	if err != nil {
		fmt.Fprintf(e.stderr, "Error: %s %s: %v\n", name, c.Scenario.ID, err)
		switch {
		case errors.Is(err, sim.ErrTooManyEvents):
			return nil, exitInput
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return nil, exitInterrupted
		}
		return nil, exitInternal
	}
	return agg.Results(tf.seed), exitOK
}
