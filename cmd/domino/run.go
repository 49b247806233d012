package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

func init() {
	register(&command{
		name: "run", order: 10,
		summary: "Simulate a scenario's trials and print the results (table, Markdown, CSV or JSON)",
		usage: "domino run [FILE|NAME] [--scenario ID] [--trials N] [--seed S] [--workers K] [--format table|markdown|csv|json] [-o FILE] [--shard i/n|auto]\n" +
			"No FILE: the embedded Kakao Pangyo 2022 example. With --shard it runs one slice of the trials and writes a part file " +
			"for 'domino merge'; --shard auto takes the slice from a Kubernetes Indexed Job or a Slurm array. Interrupted (SIGINT, SIGTERM), " +
			"it writes the trials done so far, marked partial, and exits 130. With --uncertainty N it also runs N Latin-hypercube draws of the " +
			"file's uncertain inputs, each over the same trials, and reports the mean and 5-95% band of the headline figures over the draws " +
			"beside the Monte Carlo CI (docs/model.md §14); sharded, each shard runs its slice of the draws too.",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenario", "", "scenario id (default: the file's first scenario)")
			addTrialFlags(fs, "number of trials (default: the scenario's, usually 10000)")
			addResultsOutputFlags(fs)
			fs.String("shard", "", "run trials [i·N/n, (i+1)·N/n) of N and write a part file (JSON) for 'domino merge'; "+
				"auto: i/n from JOB_COMPLETION_INDEX/JOB_COMPLETIONS or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT")
			fs.Int("uncertainty", 0, "also run N draws of the uncertain inputs (Latin hypercube), each over the trials, and report the spread over them")
			fs.Bool("stats", false, "print to stderr the CPU time per trial (process user+sys, and each worker's thread) beside wall time and the machine's load")
		},
		run: runRun,
	})
}

func runRun(e *env, fs *pflag.FlagSet) int {
	const name = "run"
	fl := readFlags(fs)
	stats := fl.bool("stats")
	draws := fl.int("uncertainty")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}
	if draws < 0 || draws > maxDraws || fs.Changed("uncertainty") && draws == 0 {
		return usageError(e, name, "--uncertainty %d: want a number of draws from 1 to %s", draws, output.Count(maxDraws))
	}
	a, code := readScenarioArgs(e, fs)
	if code != exitOK {
		return code
	}
	tf, out := a.trials, a.out
	sh, sharded, code := chooseShard(e, fs)
	if code != exitOK {
		return code
	}
	if sharded {
		if a.format != "" && a.format != "json" {
			return usageError(e, name, "a sharded run writes a part file (JSON), not --format %s; 'domino merge' turns parts into results", a.format)
		}
		a.format = "json"
	} else if !a.resultsFormat(e) {
		return exitUsage
	}
	format := a.format

	var u *uncertainRun
	var c *graph.Compiled
	var err error
	if draws > 0 {
		if u, err = loadUncertain(a.file, a.scenario, ""); u != nil {
			c = u.base
		}
	} else {
		c, err = loadScenario(a.file, a.scenario)
	}
	if err != nil {
		return inputError(e, err)
	}
	trials := a.trialCount(c)
	from, to := 0, trials
	if sharded {
		from, to = sim.TrialRange(sh.index, sh.count, trials)
	}
	opt := sim.Options{First: from, Trials: to - from, Seed: tf.seed, Workers: tf.workers}
	var meter *runMeter
	if stats {
		meter = startMeter()
		opt.Stats = &meter.stats
	}
	e.watch()
	agg, err := runTrials(e, c, opt)
	if meter != nil && agg != nil {
		meter.stop(int(agg.Trials()))
		defer meter.write(e.stderr)
	}
	interrupted := errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
	if err != nil && !interrupted {
		return simError(e, "run "+c.Scenario.ID, err)
	}
	done := int(agg.Trials())
	if interrupted && done == 0 {
		fmt.Fprintf(e.stderr, "Error: run interrupted before a trial was done; nothing written\n")
		return exitInterrupted
	}

	var outer []sim.Draw
	dfrom, dto := 0, draws
	if sharded {
		dfrom, dto = sim.TrialRange(sh.index, sh.count, draws)
	}
	if u != nil && !interrupted {
		o := sim.Options{Trials: trials, Seed: tf.seed, Workers: tf.workers}
		stopBar := e.progress((dto-dfrom)*trials, fmt.Sprintf("%s: %d draws of the uncertain inputs", c.Scenario.ID, dto-dfrom), &o.Progress)
		outer, err = sim.RunDraws(e.ctx, u.inputs, u.build, draws, dfrom, dto-dfrom, o)
		stopBar()
		interrupted = errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
		if err != nil && !interrupted {
			return simError(e, "run "+c.Scenario.ID, err)
		}
	}
	if u != nil && interrupted {
		// Some draws of a Latin hypercube are no Latin hypercube: their
		// spread would misstate the band.
		fmt.Fprintf(e.stderr, "Error: run interrupted; a run with --uncertainty writes nothing until all its draws are done (--shard splits it)\n")
		return exitInterrupted
	}

	if interrupted {
		// What was done is written even so: that is what stopping a run
		// asks for (a second signal does not stop the writing).
		e.ctx = context.WithoutCancel(e.ctx)
	}
	var write func(io.Writer) error
	if sharded {
		part, err := newPart(a.file, agg, sh, tf.seed, trials, from, to)
		if err != nil {
			return inputError(e, err)
		}
		part.Partial = interrupted
		if u != nil {
			part.Uncertainty = &sim.PartUncertainty{Draws: draws, TrialsPerDraw: trials, From: dfrom, To: dto,
				Inputs: u.described(), Results: outer}
		}
		write = func(w io.Writer) error { return sim.WritePart(w, part) }
	} else {
		res := agg.Results(tf.seed)
		if interrupted {
			res.Partial, res.TrialsDone, res.TrialsRequested = true, done, trials
		}
		if u != nil {
			res.Uncertainty = sim.Summarise(u.described(), outer, draws, trials, res.People > 0)
		}
		write = func(w io.Writer) error { return output.WriteResults(w, res, format) }
	}
	if code := writeOut(e, "run", out, write); code != exitOK {
		return code
	}
	if interrupted {
		fmt.Fprintf(e.stderr, "Error: run interrupted after %s of %s trials; the results written are partial (\"partial\": true)\n",
			output.Count(float64(done)), output.Count(float64(to-from)))
		return exitInterrupted
	}
	return exitOK
}

// maxDraws bounds --uncertainty: each draw is a whole Monte Carlo run.
const maxDraws = 100_000

// chooseShard returns the shard --shard names: i/n, or with "auto" the one
// the environment of a job array gives. sharded is false without --shard,
// even inside a job array: a variable left in a shell, or a job that runs
// domino whole, must not turn a run into a slice of it. code is not exitOK
// after an error was printed.
func chooseShard(e *env, fs *pflag.FlagSet) (sh shard, sharded bool, code int) {
	fl := readFlags(fs)
	v := fl.str("shard")
	if fl.err != nil {
		return sh, false, flagBug(e, e.cmd, fl.err)
	}
	if !fs.Changed("shard") {
		if name := arrayVar(e.getenv); name != "" {
			fmt.Fprintf(e.stderr, "domino: %s is set but --shard is not: running all the trials (--shard auto runs this task's slice)\n", name)
		}
		return sh, false, exitOK
	}
	if v != "auto" {
		sh, err := parseShard(v)
		if err != nil {
			return sh, true, usageError(e, e.cmd, "%v", err)
		}
		return sh, true, exitOK
	}
	sh, sharded, err := shardFromEnv(e.getenv)
	if err != nil {
		return sh, true, inputError(e, fmt.Errorf("--shard auto: %w", err))
	}
	if !sharded {
		return sh, true, usageError(e, e.cmd, "--shard auto: neither JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (a Slurm array) is set; give --shard i/n")
	}
	fmt.Fprintf(e.stderr, "domino: shard %d of %d (from %s): writing a part file for 'domino merge'\n", sh.index, sh.count, sh.source)
	return sh, true, exitOK
}

// runTrials runs opt's trials with a progress bar on a terminal. On
// interruption it returns the aggregate of the trials done and ctx's error.
func runTrials(e *env, c *graph.Compiled, opt sim.Options) (*sim.Aggregator, error) {
	if opt.Trials == 0 {
		// An empty shard (more shards than trials); Options.Trials 0
		// would mean the scenario's count.
		return sim.NewAggregator(c, sim.Grid(c.Horizon, sim.GridPoints)), nil
	}
	defer e.progress(opt.Trials, c.Scenario.ID, &opt.Progress)()
	return sim.RunAggregate(e.ctx, c, opt)
}

// newPart returns agg as the part of the run of trials with the given seed
// that holds trials [from, to), naming the input by the SHA-256 of the
// scenario file and of the platform file it refers to (graph.File.Digest).
func newPart(arg string, agg *sim.Aggregator, sh shard, seed uint64, trials, from, to int) (*sim.Part, error) {
	f, err := loadInput(arg)
	if err != nil {
		return nil, err
	}
	p, err := agg.Part(seed)
	if err != nil {
		return nil, err
	}
	p.DominoVersion, p.Build, p.ScenarioSHA256 = dominoVersion(), buildID(), f.Digest
	p.Trials, p.Shard, p.Shards, p.From, p.To = trials, sh.index, sh.count, from, to
	return p, nil
}

// pickScenario returns the scenario named id, or the file's first one when
// id is "".
func pickScenario(f *graph.File, id string) (*graph.Scenario, error) {
	if len(f.Scenarios) == 0 {
		return nil, fmt.Errorf("%s: no scenarios to run (add a scenarios: list)", f.Name)
	}
	if id == "" {
		return f.Scenarios[0], nil
	}
	if sc := f.Scenario(id); sc != nil {
		return sc, nil
	}
	ids := make([]string, len(f.Scenarios))
	for i, s := range f.Scenarios {
		ids[i] = s.ID
	}
	return nil, fmt.Errorf("%s: unknown scenario %q%s; the file has: %s",
		f.Name, id, graph.Suggest(id, ids), strings.Join(ids, ", "))
}

// newProgress returns a progress bar on w when w is a terminal, else nil:
// a bar's carriage returns would litter a log file or a pipe.
func newProgress(w io.Writer, trials int, label string) *progressbar.ProgressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions(trials,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}
