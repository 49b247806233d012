package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

func init() {
	register(&command{
		name: "risk", order: 65,
		summary: "Annual risk: expected loss, loss exceedance, return levels and availability over a year of random events",
		usage: "domino risk [FILE|NAME] [--scenario ID] [--horizon 1y] [--trials N] [--seed S] [--plain] [--format table|markdown|csv|json] [-o FILE] [--shard i/n|auto]\n" +
			"Each trial is one horizon (a year unless --horizon says otherwise; it replaces the scenario's). Per metric\n" +
			"(user-hours, money, crew-hours, each service's downtime): the expected loss per horizon with its 95% CI, the\n" +
			"loss-exceedance curve P(loss > x), and the loss exceeded once in 10, 100 and 1,000 horizons with 95% CIs; per\n" +
			"service, availability and its nines. Trials are stratified on the number of rate-event occurrences: quiet\n" +
			"years are counted exactly and the trials go to years with events (--plain samples as run does). JSON schema\n" +
			"domino.risk/v1. With --shard it runs one slice of the trials and writes a part file for 'domino merge', which\n" +
			"gives the bytes of a single run. See docs/model.md §13.",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenario", "", "scenario id (default: the file's first scenario)")
			fs.String("horizon", "1y", "what one trial covers: a duration (30d) or years (1y = 365d); replaces the scenario's horizon")
			addTrialFlags(fs, "trials over every stratum (default: the scenario's)")
			fs.Bool("plain", false, "sample the horizons as run does, without strata (the reference the strata are checked against)")
			fs.String("format", "", "table, markdown, csv or json (default: from -o's extension, else table)")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
			addWideFlag(fs)
			fs.String("shard", "", "run trials [i·N/n, (i+1)·N/n) of N and write a part file (JSON) for 'domino merge'; "+
				"auto: i/n from JOB_COMPLETION_INDEX/JOB_COMPLETIONS or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT")
		},
		run: runRisk,
	})
}

// parseHorizon reads --horizon: a duration, or a number of 365-day years
// ("1y", "0.5y").
func parseHorizon(s string) (int64, error) {
	if num, ok := strings.CutSuffix(s, "y"); ok {
		y, err := strconv.ParseFloat(num, 64)
		if err != nil || !(y > 0) || y > 1000 {
			return 0, fmt.Errorf("want a number of years in (0, 1000] like 1y, got %q", s)
		}
		return int64(y * float64(graph.Year)), nil
	}
	ms, err := graph.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if ms <= 0 {
		return 0, fmt.Errorf("want a horizon above 0, got %q", s)
	}
	return ms, nil
}

func runRisk(e *env, fs *pflag.FlagSet) int {
	const name = "risk"
	fl := readFlags(fs)
	scenario := fl.str("scenario")
	horizon := fl.str("horizon")
	plain := fl.bool("plain")
	format := fl.str("format")
	out := fl.str("output")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}
	if fs.NArg() > 1 {
		return usageError(e, name, "risk takes at most one FILE or embedded scenario NAME, got %d arguments", fs.NArg())
	}
	tf, code := readTrialFlags(e, name, fs)
	if code != exitOK {
		return code
	}
	H, err := parseHorizon(horizon)
	if err != nil {
		return usageError(e, name, "--horizon: %v", err)
	}
	sh, sharded, code := chooseShard(e, name, fs)
	if code != exitOK {
		return code
	}
	if sharded {
		if format != "" && format != "json" {
			return usageError(e, name, "a sharded risk run writes a part file (JSON), not --format %s; 'domino merge' turns parts into results", format)
		}
		format = "json"
	} else if format = chooseFormat(e, name, format, out, "table", output.ResultsFormats, output.ResultsFormatFor); format == "" {
		return exitUsage
	}
	c, err := loadRiskScenario(fs.Arg(0), scenario, H)
	if err != nil {
		return inputError(e, err)
	}
	trials := tf.trials
	if trials == 0 {
		trials = c.Scenario.Trials
	}
	opt := sim.RiskOptions{Trials: trials, Seed: tf.seed, Workers: tf.workers, Plain: plain}
	from, to := 0, trials
	if sharded {
		from, to = sim.TrialRange(sh.index, sh.count, trials)
		// An empty shard (more shards than trials) runs [from, from):
		// Count 0 would mean all of them.
		opt.First, opt.Count = from, max(to-from, 0)
	}
	bar := newProgress(e.stderr, to-from, "risk "+c.Scenario.ID)
	if bar != nil {
		opt.Progress = func(n int) { bar.Add(n) }
	}
	var agg *sim.RiskAggregator
	if sharded && to == from {
		agg, err = sim.NewRiskAggregator(c, opt)
	} else {
		agg, err = sim.RunRiskAggregate(e.ctx, c, opt)
	}
	if bar != nil {
		bar.Clear()
	}
	var few *sim.TooFewTrialsError
	if errors.As(err, &few) {
		return usageError(e, name, "--trials: %v", err)
	}
	if err != nil {
		return simError(e, name, err)
	}
	var write func(io.Writer) error
	if sharded {
		part, err := agg.Part(tf.seed, opt)
		if err != nil {
			return simError(e, name, err)
		}
		f, err := loadInput(fs.Arg(0))
		if err != nil {
			return inputError(e, err)
		}
		part.DominoVersion, part.Build, part.ScenarioSHA256 = dominoVersion(), buildID(), f.Digest
		part.Shard, part.Shards, part.From, part.To = sh.index, sh.count, from, to
		write = func(w io.Writer) error { return sim.WriteRiskPart(w, part) }
	} else {
		r := agg.Results(tf.seed)
		write = func(w io.Writer) error { return output.WriteRisk(w, r, format) }
	}
	return writeOut(e, name, out, write)
}

// loadRiskScenario loads a scenario and compiles it over the horizon H.
func loadRiskScenario(arg, id string, H int64) (*graph.Compiled, error) {
	f, err := loadInput(arg)
	if err != nil {
		return nil, err
	}
	sc, err := pickScenario(f, id)
	if err != nil {
		return nil, err
	}
	yearly := *sc
	yearly.Horizon = H
	return graph.Compile(&yearly)
}
