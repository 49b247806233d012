package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

// rankTrials is rank's default trial count: 2 × items × trials runs, so
// fewer than run's 10,000 keep it to seconds on the Kakao file.
const rankTrials = 1000

func init() {
	register(&command{
		name: "rank", order: 70,
		summary: "Rank services and sites by how much of the risk they carry (what-if: each failed, each perfect)",
		usage: "domino rank [FILE|NAME] [--scenario ID] [--metric M] [--items services|sites|ID,...] [--trials N] [--seed S] [--format table|markdown|csv|json] [-o FILE]\n" +
			"For every item two what-if worlds run over the baseline's trials: the item failed for the whole horizon, and\n" +
			"the item perfect. saving = baseline − perfect (paired 95% CI), birnbaum = failed − perfect, raw = failed/baseline,\n" +
			"rrw = baseline/perfect, fv = saving/baseline. Metrics: user-hours (default), cost, full-recovery, full-restored,\n" +
			"crew-hours, downtime:ID, affected:ID. See docs/decisions.md.",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenario", "", "scenario id (default: the file's first scenario)")
			fs.String("metric", "user-hours", "user-hours, cost, full-recovery, full-restored, crew-hours, downtime:ID or affected:ID")
			fs.String("items", "", "services, sites, or comma-separated ids (default: every service and site)")
			addTrialFlags(fs, fmt.Sprintf("trials per world (default %d)", rankTrials))
			addResultsOutputFlags(fs)
		},
		run: runRank,
	})
}

func runRank(e *env, fs *pflag.FlagSet) int {
	const name = "rank"
	fl := readFlags(fs)
	metric := fl.str("metric")
	itemSpec := fl.str("items")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}
	a, code := readScenarioArgs(e, fs)
	if code != exitOK {
		return code
	}
	if a.trials.trials == 0 {
		a.trials.trials = rankTrials
	}
	if !a.resultsFormat(e) {
		return exitUsage
	}
	c, err := loadScenario(a.file, a.scenario)
	if err != nil {
		return inputError(e, err)
	}
	m, err := sim.ParseMeasure(metric, serviceIDs(c))
	if err != nil {
		return usageError(e, name, "--metric: %v", err)
	}
	items, err := sim.ParseItems(c, itemSpec)
	if err != nil {
		return usageError(e, name, "%v", err)
	}

	tf := a.trials
	opt := sim.Options{Trials: tf.trials, Seed: tf.seed, Workers: tf.workers}
	stopBar := e.progress((1+2*len(items))*tf.trials, "rank "+c.Scenario.ID, &opt.Progress)
	e.watch()
	r, err := sim.Rank(e.ctx, c, items, m, opt)
	stopBar()
	if err != nil {
		return simError(e, name, err)
	}
	write := func(w io.Writer) error { return output.WriteRanking(w, r, c.Platform.Currency, a.format) }
	return writeOut(e, name, a.out, write)
}

// serviceIDs lists c's service ids, for --metric's downtime:ID and affected:ID.
func serviceIDs(c *graph.Compiled) []string {
	ids := make([]string, len(c.Services))
	for i, s := range c.Services {
		ids[i] = s.ID
	}
	return ids
}

// simError reports a failed simulation: an interruption (130), a scenario
// that asks for too many events and one that cannot be built with its
// uncertain inputs at some values (1) are not bugs; anything else is.
func simError(e *env, cmd string, err error) int {
	var be *sim.BuildError
	if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, sim.ErrTooManyEvents) && !errors.As(err, &be) {
		err = internal(err)
	}
	return fail(e, fmt.Errorf("%s: %w", cmd, err))
}

// writeOut writes to stdout, its tables fitting the terminal, or
// atomically to the file out (env.writeOutput).
func writeOut(e *env, cmd, out string, write func(io.Writer) error) int {
	if err := e.writeOutput(out, write); err != nil {
		return fail(e, fmt.Errorf("%s: %w", cmd, err))
	}
	return exitOK
}
