package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
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
		usage:   "domino run [FILE|NAME] [--scenario ID] [--trials N] [--seed S] [--workers K] [--format table|markdown|csv|json] [-o FILE]  (no FILE: the embedded Kakao Pangyo 2022 example)",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenario", "", "scenario id (default: the file's first scenario)")
			addTrialFlags(fs, "number of trials (default: the scenario's, usually 10000)")
			fs.String("format", "", "table, markdown, csv or json (default: from -o's extension, else table)")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
		},
		run: runRun,
	})
}

func runRun(e *env, fs *pflag.FlagSet) int {
	const name = "run"
	scenario, _ := fs.GetString("scenario")
	format, _ := fs.GetString("format")
	out, _ := fs.GetString("output")

	if fs.NArg() > 1 {
		return usageError(e, name, "run takes at most one FILE or embedded scenario NAME, got %d arguments", fs.NArg())
	}
	tf, ok := readTrialFlags(e, name, fs)
	if !ok {
		return exitUsage
	}
	trials, seed, workers := tf.trials, tf.seed, tf.workers
	if format = chooseFormat(e, name, format, out, "table", output.ResultsFormats, output.ResultsFormatFor); format == "" {
		return exitUsage
	}

	c, err := loadScenario(fs.Arg(0), scenario)
	if err != nil {
		return inputError(e, err)
	}
	sc := c.Scenario
	if trials == 0 {
		trials = sc.Trials
	}

	opt := sim.Options{Trials: trials, Seed: seed, Workers: workers}
	bar := newProgress(e.stderr, trials, sc.ID)
	var done atomic.Int64
	opt.Progress = func(n int) {
		done.Add(int64(n))
		if bar != nil {
			bar.Add(n)
		}
	}
	res, err := sim.Run(e.ctx, c, opt)
	if bar != nil {
		bar.Clear()
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			// Ctrl-C: partial results would look like a finished run, so none
			// are written. Not a bug, so not exitInternal.
			fmt.Fprintf(e.stderr, "Error: run interrupted after %s of %s trials; no results written\n",
				output.Count(float64(done.Load())), output.Count(float64(trials)))
			return exitInput
		}
		fmt.Fprintf(e.stderr, "Error: run %s: %v\n", sc.ID, err)
		if errors.Is(err, sim.ErrTooManyEvents) {
			return exitInput // the scenario asks for it
		}
		return exitInternal
	}

	write := func(w io.Writer) error { return output.WriteResults(w, res, format) }
	if out == "" {
		err = write(e.stdout)
	} else {
		err = output.WriteFileAtomic(out, write)
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "Error: run: %v\n", err)
		return exitInternal
	}
	return exitOK
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
