package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/output/diagram"
	"github.com/dominosim/domino/output/report"
	"github.com/dominosim/domino/sim"
)

func init() {
	register(&command{
		name: "report", order: 78,
		summary: "Write one self-contained HTML report of a scenario: figures, compliance, curves, cascade, causes, comparison",
		usage: "domino report [FILE|NAME] [--scenario ID] [--trials N] [--seed S] [--workers K] [--rank] [--advise] [--no-compare] -o REPORT.html\n" +
			"One HTML file that loads nothing from outside (inline CSS, images as data: URLs, a Content-Security-Policy that forbids " +
			"any request): headline figures with 95% CIs, RTO/RPO compliance, the recovery curve with its p10-p90 band, downtime " +
			"and top causes by service, the cascade diagram of the median trial, and, when the file has other scenarios or mitigations, " +
			"their comparison (each mitigation alone on the scenario). --rank and --advise add those commands' results (at their default trials). Prints well (A4).",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenario", "", "scenario id (default: the file's first scenario)")
			addTrialFlags(fs, "number of trials (default: the scenario's, usually 10000)")
			fs.Bool("rank", false, "add 'domino rank' of every service and site (user-hours)")
			fs.Bool("advise", false, "add 'domino advise' over the file's mitigations (user-hours)")
			fs.Bool("no-compare", false, "leave out the comparison with the file's other scenarios and mitigations (each is run with the same trials)")
			fs.StringP("output", "o", "", "the HTML file to write (atomically), or - for stdout")
		},
		run: runReport,
	})
}

func runReport(e *env, fs *pflag.FlagSet) int {
	const name = "report"
	fl := readFlags(fs)
	doRank := fl.bool("rank")
	doAdvise := fl.bool("advise")
	noCompare := fl.bool("no-compare")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}
	a, code := readScenarioArgs(e, fs)
	if code != exitOK {
		return code
	}
	out := a.out
	if out == "" {
		return usageError(e, name, "give the HTML file to write with -o REPORT.html (or -o - for stdout)")
	}
	f, sc, err := loadFileScenario(a.file, a.scenario)
	if err != nil {
		return inputError(e, err)
	}
	c, err := graph.Compile(sc)
	if err != nil {
		return inputError(e, err)
	}
	tf := a.trials
	tf.trials = a.trialCount(c)
	res, code := simulate(e, c, tf.trials, tf)
	if code != exitOK {
		return code
	}
	rep := &report.Report{File: f.Name, Version: dominoVersion(), Results: res}

	if !noCompare {
		for _, o := range f.Scenarios {
			if o == sc {
				continue
			}
			oc, err := graph.Compile(o)
			if err != nil {
				return inputError(e, err)
			}
			if oc.Horizon != c.Horizon {
				// A year of random disruptions and one incident: their
				// per-trial figures and curves are not alike.
				rep.Uncompared = append(rep.Uncompared, fmt.Sprintf("%s (horizon %s, not %s)", o.ID,
					graph.FormatDuration(oc.Horizon), graph.FormatDuration(c.Horizon)))
				continue
			}
			r, code := simulate(e, oc, tf.trials, tf)
			if code != exitOK {
				return code
			}
			rep.Others = append(rep.Others, r)
		}
		// The file's mitigations, each alone on this scenario, when it
		// runs on the file's platform: what each one buys, beside the
		// scenarios. One the file already has as a scenario of the same
		// id (a mitigated copy of the incident) is compared as that.
		if sc.Platform == f.Platform {
			for _, m := range f.Mitigations {
				if f.Scenario(m.ID) != nil {
					continue
				}
				mitigated := *sc
				mitigated.Platform = m.Platform
				if mitigated.Crews > 0 {
					mitigated.Crews += m.AddCrews
				}
				mc, err := graph.Compile(&mitigated)
				if err != nil {
					return inputError(e, fmt.Errorf("%s: mitigation %s on scenario %s: %w", f.Name, m.ID, sc.ID, err))
				}
				r, code := simulate(e, mc, tf.trials, tf)
				if code != exitOK {
					return code
				}
				r.Scenario = sc.ID + " with " + m.ID
				rep.Others = append(rep.Others, r)
			}
		}
	}

	trial, err := sim.SelectTrial(e.ctx, c, tf.seed, tf.trials, "median")
	if err != nil {
		return simError(e, name, err)
	}
	tr := sim.NewTrial(c, nil)
	tr.Trace = &sim.Trace{}
	o := tr.Run(tf.seed, trial)
	info := output.NewTraceInfo(c, tf.seed, o)
	info.SelectedBy, info.Trials = "median", tf.trials
	var dot, svg bytes.Buffer
	if err := diagram.Cascade(&dot, output.NewTraceReport(c, info, o, tr.Trace)); err != nil {
		return simError(e, name, err)
	}
	if err := e.renderer().SVG(e.ctx, dot.Bytes(), &svg); err != nil {
		return simError(e, name, err)
	}
	rep.Cascade, rep.CascadeTrial = svg.Bytes(), trial

	if doRank || doAdvise {
		m, err := sim.ParseMeasure("user-hours", serviceIDs(c))
		if err != nil {
			return simError(e, name, err)
		}
		opt := sim.Options{Trials: rankTrials, Seed: tf.seed, Workers: tf.workers}
		if doRank {
			items, err := sim.ParseItems(c, "")
			if err != nil {
				return simError(e, name, err)
			}
			if rep.Ranking, err = sim.Rank(e.ctx, c, items, m, opt); err != nil {
				return simError(e, name, err)
			}
		}
		if doAdvise {
			if len(f.Mitigations) == 0 {
				return inputError(e, fmt.Errorf("%s: --advise: the file has no mitigations: to consider", f.Name))
			}
			if sc.Platform != f.Platform {
				return inputError(e, fmt.Errorf("%s: --advise: scenario %q patches the platform itself; advise applies mitigations to the file's platform", f.Name, sc.ID))
			}
			adv, _, err := sim.Advise(e.ctx, sim.AdviseInput{File: f, Scenario: sc, Candidates: f.Mitigations, Budget: totalCost(f.Mitigations)}, m, opt)
			if err != nil {
				return adviseError(e, err)
			}
			rep.Advice = adv
		}
	}

	if sec, code := reportRisk(e, a.file, sc, tf); code != exitOK {
		return code
	} else if sec != nil {
		rep.Sections = append(rep.Sections, *sec)
	}

	write := func(w io.Writer) error { return report.Write(w, rep) }
	if out == "-" {
		return writeOut(e, name, "", write)
	}
	return writeOut(e, name, out, write)
}

// reportRisk is the report's annual-risk section, as 'domino risk' over a
// 1-year horizon: nil when no event of the scenario has a rate.
func reportRisk(e *env, arg string, sc *graph.Scenario, tf trialFlags) (*report.Section, int) {
	rated := false
	for _, ev := range sc.Events {
		rated = rated || ev.Rate > 0
	}
	if !rated {
		return nil, exitOK
	}
	c, err := loadRiskScenario(arg, sc.ID, graph.Year)
	if err != nil {
		return nil, inputError(e, err)
	}
	r, err := sim.RunRisk(e.ctx, c, sim.RiskOptions{Trials: tf.trials, Seed: tf.seed, Workers: tf.workers})
	if err != nil {
		return nil, simError(e, "report", err)
	}
	sec, err := report.RiskSection(r)
	if err != nil {
		return nil, simError(e, "report", err)
	}
	return sec, exitOK
}
