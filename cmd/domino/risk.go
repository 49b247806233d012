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
			addResultsOutputFlags(fs)
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
	horizon := fl.str("horizon")
	plain := fl.bool("plain")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}
	a, code := readScenarioArgs(e, fs)
	if code != exitOK {
		return code
	}
	H, err := parseHorizon(horizon)
	if err != nil {
		return usageError(e, name, "--horizon: %v", err)
	}
	sh, sharded, code := chooseShard(e, fs)
	if code != exitOK {
		return code
	}
	if sharded {
		if a.format != "" && a.format != "json" {
			return usageError(e, name, "a sharded risk run writes a part file (JSON), not --format %s; 'domino merge' turns parts into results", a.format)
		}
		a.format = "json"
	} else if !a.resultsFormat(e) {
		return exitUsage
	}
	c, err := loadRiskScenario(a.file, a.scenario, H)
	if err != nil {
		return inputError(e, err)
	}
	trials := a.trialCount(c)
	opt := sim.RiskOptions{Trials: trials, Seed: a.trials.seed, Workers: a.trials.workers, Plain: plain}
	from, to := 0, trials
	if sharded {
		from, to = sim.TrialRange(sh.index, sh.count, trials)
		opt.First, opt.Count = from, to-from
	}
	var agg *sim.RiskAggregator
	if sharded && to == from {
		// An empty shard (more shards than trials): Count 0 would mean
		// all of them.
		agg, err = sim.NewRiskAggregator(c, opt)
	} else {
		stopBar := e.progress(to-from, "risk "+c.Scenario.ID, &opt.Progress)
		agg, err = sim.RunRiskAggregate(e.ctx, c, opt)
		stopBar()
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
		part, err := agg.Part(a.trials.seed, opt)
		if err != nil {
			return simError(e, name, err)
		}
		f, err := loadInput(a.file)
		if err != nil {
			return inputError(e, err)
		}
		part.DominoVersion, part.Build, part.ScenarioSHA256 = dominoVersion(), buildID(), f.Digest
		part.Shard, part.Shards, part.From, part.To = sh.index, sh.count, from, to
		write = func(w io.Writer) error { return sim.WriteRiskPart(w, part) }
	} else {
		r := agg.Results(a.trials.seed)
		write = func(w io.Writer) error { return output.WriteRisk(w, r, a.format) }
	}
	return writeOut(e, name, a.out, write)
}

// loadRiskScenario loads a scenario and compiles it over the horizon H.
func loadRiskScenario(arg, id string, H int64) (*graph.Compiled, error) {
	_, sc, err := loadFileScenario(arg, id)
	if err != nil {
		return nil, err
	}
	yearly := *sc
	yearly.Horizon = H
	return graph.Compile(&yearly)
}
