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
		usage: "domino risk [FILE|NAME] [--scenario ID] [--horizon 1y] [--trials N] [--seed S] [--plain] [--format table|markdown|csv|json] [-o FILE]\n" +
			"Each trial is one horizon (a year unless --horizon says otherwise; it replaces the scenario's). Per metric\n" +
			"(user-hours, money, crew-hours, each service's downtime): the expected loss per horizon with its 95% CI, the\n" +
			"loss-exceedance curve P(loss > x), and the loss exceeded once in 10, 100 and 1,000 horizons with 95% CIs; per\n" +
			"service, availability and its nines. Trials are stratified on the number of rate-event occurrences: quiet\n" +
			"years are counted exactly and the trials go to years with events (--plain samples as run does). JSON schema\n" +
			"domino.risk/v1. See docs/model.md §13.",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenario", "", "scenario id (default: the file's first scenario)")
			fs.String("horizon", "1y", "what one trial covers: a duration (30d) or years (1y = 365d); replaces the scenario's horizon")
			addTrialFlags(fs, "trials over every stratum (default: the scenario's)")
			fs.Bool("plain", false, "sample the horizons as run does, without strata (the reference the strata are checked against)")
			addResultsOutputFlags(fs)
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
	if !a.resultsFormat(e) {
		return exitUsage
	}
	c, err := loadRiskScenario(a.file, a.scenario, H)
	if err != nil {
		return inputError(e, err)
	}
	trials := a.trialCount(c)
	opt := sim.RiskOptions{Trials: trials, Seed: a.trials.seed, Workers: a.trials.workers, Plain: plain}
	stopBar := e.progress(trials, "risk "+c.Scenario.ID, &opt.Progress)
	r, err := sim.RunRisk(e.ctx, c, opt)
	stopBar()
	var few *sim.TooFewTrialsError
	if errors.As(err, &few) {
		return usageError(e, name, "--trials: %v", err)
	}
	if err != nil {
		return simError(e, name, err)
	}
	write := func(w io.Writer) error { return output.WriteRisk(w, r, a.format) }
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
