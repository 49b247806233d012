package main

import (
	"io"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
)

// The prologue the commands that simulate one scenario of a file share
// (run, compliance, rank, risk, advise, report): read the file argument,
// --scenario, the trial flags and --format/-o, load and pick the scenario.
// Each command then only reads its own flags, calls the library and
// renders.

// scenarioArgs is what readScenarioArgs read.
type scenarioArgs struct {
	file     string // FILE or NAME; "" for the embedded default
	scenario string // --scenario; "" for the file's first
	trials   trialFlags
	format   string // --format as given ("" when the command has none)
	out      string // -o ("" when the command has none)
}

// readScenarioArgs reads and checks the arguments of a command that takes
// at most one FILE|NAME, --scenario and the trial flags (addTrialFlags),
// and --format and -o when it declares them. code is not exitOK after it
// printed an error.
func readScenarioArgs(e *env, fs *pflag.FlagSet) (a scenarioArgs, code int) {
	fl := readFlags(fs)
	a.scenario = fl.str("scenario")
	if fs.Lookup("format") != nil {
		a.format = fl.str("format")
	}
	if fs.Lookup("output") != nil {
		a.out = fl.str("output")
	}
	if fl.err != nil {
		return a, flagBug(e, e.cmd, fl.err)
	}
	if fs.NArg() > 1 {
		return a, usageError(e, e.cmd, "%s takes at most one FILE or embedded scenario NAME, got %d arguments", e.cmd, fs.NArg())
	}
	a.file = fs.Arg(0)
	a.trials, code = readTrialFlags(e, e.cmd, fs)
	return a, code
}

// resultsFormat settles --format among output.ResultsFormats: as given,
// else from -o's extension, else table. It returns false after printing a
// usage error.
func (a *scenarioArgs) resultsFormat(e *env) bool {
	a.format = chooseFormat(e, e.cmd, a.format, a.out, "table", output.ResultsFormats, output.ResultsFormatFor)
	return a.format != ""
}

// trialCount is --trials, else the scenario's number of trials.
func (a *scenarioArgs) trialCount(c *graph.Compiled) int {
	if a.trials.trials != 0 {
		return a.trials.trials
	}
	return c.Scenario.Trials
}

// addResultsOutputFlags adds --format, -o and --wide to a command that
// writes results in output.ResultsFormats, by default a table.
func addResultsOutputFlags(fs *pflag.FlagSet) {
	fs.String("format", "", "table, markdown, csv or json (default: from -o's extension, else table)")
	fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
	addWideFlag(fs)
}

// loadFileScenario loads a file or embedded example and picks the scenario
// id (the first when "").
func loadFileScenario(arg, id string) (*graph.File, *graph.Scenario, error) {
	f, err := loadInput(arg)
	if err != nil {
		return nil, nil, err
	}
	sc, err := pickScenario(f, id)
	if err != nil {
		return nil, nil, err
	}
	return f, sc, nil
}

// progress shows a progress bar of n steps (n < 0: unknown) on stderr when
// it is a terminal, pointing *report at it; the function it returns clears
// the bar.
func (e *env) progress(n int, label string, report *func(int)) (stop func()) {
	bar := newProgress(e.stderr, n, label)
	if bar == nil {
		return func() {}
	}
	*report = func(n int) { bar.Add(n) }
	return func() { bar.Clear() }
}

// writeBytes writes b to stdout or atomically to the file out (writeOut).
func writeBytes(e *env, out string, b []byte) int {
	return writeOut(e, e.cmd, out, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
