package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

func init() {
	register(&command{
		name: "advise", order: 75,
		summary: "Choose mitigations greedily under a budget: the largest saving per unit cost first",
		usage: "domino advise [FILE|NAME] [--scenario ID] [--metric M] [--budget B] [--auto] [--trials N] [--seed S] [--format table|markdown|csv|json] [-o OUT.yaml]\n" +
			"Candidates are the file's mitigations: list, plus with --auto (or when there is none) \"replicate S@X\" for the\n" +
			"10 services with the largest rank saving and every site they are not on. Each step evaluates every remaining\n" +
			"candidate on top of those chosen, over the same trials, and takes the largest saving per unit cost among those\n" +
			"that fit the budget left and whose saving's 95% CI lies above 0. Greedy: not always the best set.\n" +
			"-o writes a scenario file with the chosen patches combined, which 'domino run' accepts. See docs/decisions.md.",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenario", "", "scenario id (default: the file's first scenario); it must have no patch of its own")
			fs.String("metric", "user-hours", "user-hours, cost, full-recovery, full-restored, crew-hours, downtime:ID or affected:ID")
			fs.Float64("budget", 0, "what may be spent, in the unit of the mitigations' costs (default: no limit)")
			fs.Bool("auto", false, "add generated \"replicate SERVICE@SITE\" candidates")
			addTrialFlags(fs, fmt.Sprintf("trials per evaluation (default %d)", rankTrials))
			fs.String("format", "table", "table, markdown, csv or json (of the report on stdout)")
			fs.StringP("output", "o", "", "write the advised scenario file here (YAML, atomically)")
			addWideFlag(fs)
		},
		run: runAdvise,
	})
}

func runAdvise(e *env, fs *pflag.FlagSet) int {
	const name = "advise"
	fl := readFlags(fs)
	metric := fl.str("metric")
	budget := fl.float64("budget")
	auto := fl.bool("auto")
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
	if fs.Changed("budget") && !(budget >= 0) {
		return usageError(e, name, "--budget must be at least 0, got %v", budget)
	}
	// -o is the advised scenario file, not the report: it says nothing of
	// the report's format.
	format := chooseFormat(e, name, a.format, "", "table", output.ResultsFormats, output.ResultsFormatFor)
	if format == "" {
		return exitUsage
	}
	f, sc, err := loadFileScenario(a.file, a.scenario)
	if err != nil {
		return inputError(e, err)
	}
	if sc.Platform != f.Platform {
		return inputError(e, fmt.Errorf("%s: scenario %q patches the platform itself; advise applies mitigations to the file's platform: pick a scenario without a patch", f.Name, sc.ID))
	}
	c, err := graph.Compile(sc)
	if err != nil {
		return inputError(e, err)
	}
	m, err := sim.ParseMeasure(metric, serviceIDs(c))
	if err != nil {
		return usageError(e, name, "--metric: %v", err)
	}
	opt := sim.Options{Trials: a.trials.trials, Seed: a.trials.seed, Workers: a.trials.workers}

	cands := append([]*graph.Mitigation(nil), f.Mitigations...)
	if auto || len(cands) == 0 {
		gen, code := autoCandidates(e, c, f, m, opt)
		if code != exitOK {
			return code
		}
		cands = append(cands, gen...)
	}
	if len(cands) == 0 {
		return inputError(e, fmt.Errorf("%s: no candidate mitigations: the file has none, and no service whose perfect world saves anything (domino rank) has a site left to be replicated to", f.Name))
	}
	if !fs.Changed("budget") {
		budget = totalCost(cands)
	}

	stopBar := e.progress(-1, "advise "+sc.ID, &opt.Progress)
	e.watch()
	adv, chosen, err := sim.Advise(e.ctx, sim.AdviseInput{File: f, Scenario: sc, Candidates: cands, Budget: budget}, m, opt)
	stopBar()
	if err != nil {
		return adviseError(e, err)
	}
	if a.out != "" {
		if code := writeAdvised(e, f, sc, adv, chosen, a.out); code != exitOK {
			return code
		}
	}
	return writeOut(e, name, "", func(w io.Writer) error {
		return output.WriteAdvice(w, adv, c.Platform.Currency, format)
	})
}

// totalCost is what the mitigations cost together: advise's budget when
// none is given.
func totalCost(ms []*graph.Mitigation) float64 {
	cost := 0.0
	for _, m := range ms {
		cost += m.Cost
	}
	return cost
}

// adviseError reports a failed sim.Advise: problems with the candidates'
// patches are the file's (exit 1); anything else as simError.
func adviseError(e *env, err error) int {
	var list graph.ErrorList
	if errors.As(err, &list) {
		return inputError(e, err)
	}
	return simError(e, e.cmd, err)
}

// autoCandidates ranks the services and generates the replicate candidates
// of the sim.AutoServices with the largest positive saving, showing rank's
// progress.
func autoCandidates(e *env, c *graph.Compiled, f *graph.File, m sim.Measure, opt sim.Options) ([]*graph.Mitigation, int) {
	items, err := sim.ParseItems(c, "services")
	if err != nil {
		return nil, inputError(e, err)
	}
	stopBar := e.progress((1+2*len(items))*opt.Trials, "rank "+c.Scenario.ID, &opt.Progress)
	e.watch()
	gen, err := sim.AutoCandidates(e.ctx, c, f.Platform, items, m, opt)
	stopBar()
	if err != nil {
		// A failed rank that is not an interruption nor a scenario asking
		// too much is a bug, and so is a failed generation (simError).
		return nil, simError(e, "advise", err)
	}
	return gen, exitOK
}

// writeAdvised writes the scenario file of the chosen steps.
func writeAdvised(e *env, f *graph.File, sc *graph.Scenario, a *sim.Advice, chosen []*graph.Mitigation, out string) int {
	steps := make([]string, len(chosen))
	for i, m := range chosen {
		steps[i] = m.ID
	}
	cost := totalCost(chosen)
	desc := sc.Description
	if len(chosen) > 0 {
		desc = strings.TrimPrefix(desc+"; with "+strings.Join(steps, ", "), "; ")
	}
	header := []string{
		fmt.Sprintf("Written by domino advise: scenario %s of %s, metric %s, budget %s, %d trials, seed %d.",
			sc.ID, f.Name, a.Metric, output.Decimal(a.Budget, -1), a.Trials, a.Seed),
		fmt.Sprintf("Chosen greedily (%d step(s), total cost %s): %s.", len(chosen), output.Decimal(cost, -1), orNone(steps)),
		"Run it with: domino run " + out,
	}
	data, err := f.AdvisedScenario(sc, chosen, sc.ID+"-advised", desc, header)
	if err != nil {
		fmt.Fprintf(e.stderr, "Error: advise: %v\n", err)
		return exitInput
	}
	return writeBytes(e, out, data)
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
