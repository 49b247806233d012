package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
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
			addResultsOutputFlags(fs)
		},
		run: runCompliance,
	})
}

func runCompliance(e *env, fs *pflag.FlagSet) int {
	a, code := readScenarioArgs(e, fs)
	if code != exitOK {
		return code
	}
	if !a.resultsFormat(e) {
		return exitUsage
	}
	c, err := loadScenario(a.file, a.scenario)
	if err != nil {
		return inputError(e, err)
	}
	res, code := simulate(e, c, a.trialCount(c), a.trials)
	if code != exitOK {
		return code
	}
	if res.Compliance == nil {
		return inputError(e, fmt.Errorf("%s: %w", c.Scenario.ID, output.ErrNoTargets))
	}
	return writeOut(e, e.cmd, a.out, func(w io.Writer) error { return output.WriteCompliance(w, res, a.format) })
}

// simulate runs trials of c (with tf's seed and workers) and returns their
// results; code is not exitOK after an error was printed. An interrupted
// run is an error here: a verdict on part of the trials would not say so.
func simulate(e *env, c *graph.Compiled, trials int, tf trialFlags) (*sim.Results, int) {
	agg, err := runTrials(e, c, sim.Options{Trials: trials, Seed: tf.seed, Workers: tf.workers})
	if err != nil {
		return nil, simError(e, e.cmd+" "+c.Scenario.ID, err)
	}
	return agg.Results(tf.seed), exitOK
}
