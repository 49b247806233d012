package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/scenarios"
	"github.com/dominosim/domino/sim"
)

func init() {
	register(&command{
		name: "compare", order: 60,
		summary: "Compare scenarios side by side, with paired differences and their 95% CIs",
		usage: "domino compare [FILE|NAME] [--scenarios A,B,...]   (no FILE: the embedded Kakao Pangyo 2022 example)\n" +
			"       domino compare FILE[:ID] FILE[:ID] ...   (each file's first scenario unless :ID)\n" +
			"       domino compare RESULTS.json RESULTS.json ...   (unpaired: results files hold no per-trial data)\n" +
			"The first scenario is the baseline. Scenarios run over the same trial keys (same seed, same trial\n" +
			"indices). Those that share the baseline's platform (scenarios of one file, or files whose platforms\n" +
			"have the same name and currency: an edited copy, an 'advise' output) are paired with it: common\n" +
			"random numbers make the CIs tight. Those of another platform are independent: their Δ is the\n" +
			"difference of the means, with a wider, unpaired CI. Money in another currency than the baseline's\n" +
			"is shown in its own, with no difference, unless --rate converts it.",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenarios", "", "comma-separated scenario ids of the one FILE (default: all, in file order)")
			addTrialFlags(fs, "number of trials (default: the first scenario's, usually 10000)")
			fs.StringSlice("rate", nil, "exchange rate CUR=X: 1 CUR is worth X of the baseline's currency, to compare money in CUR (repeat, or comma-separate, for several)")
			fs.String("format", "", "table, markdown, csv or json (default: from -o's extension, else table)")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
			addWideFlag(fs)
		},
		run: runCompare,
	})
}

func runCompare(e *env, fs *pflag.FlagSet) int {
	const name = "compare"
	fl := readFlags(fs)
	ids := fl.str("scenarios")
	format := fl.str("format")
	out := fl.str("output")
	rateArgs := fl.strs("rate")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}

	args := fs.Args()
	if len(args) == 0 {
		args = []string{scenarios.Default} // like run: the embedded Kakao example
	}
	tf, code := readTrialFlags(e, name, fs)
	if code != exitOK {
		return code
	}
	rates, err := parseRates(rateArgs)
	if err != nil {
		return usageError(e, name, "%v", err)
	}
	trials, seed, workers := tf.trials, tf.seed, tf.workers
	if format = chooseFormat(e, name, format, out, "table", output.ResultsFormats, output.ResultsFormatFor); format == "" {
		return exitUsage
	}

	// Results files (form 3) or scenarios (forms 1 and 2); not both.
	var results []*sim.Results
	for _, a := range args {
		r, err := readResultsFile(a)
		if err != nil {
			return inputError(e, err)
		}
		if r != nil {
			results = append(results, r)
		}
	}
	var write func(w io.Writer) error
	var warnings []string
	switch {
	case len(results) == len(args):
		for _, f := range []string{"scenarios", "trials", "seed"} {
			if fs.Changed(f) {
				return usageError(e, name, "--%s does not apply to results files: they are compared as they were run", f)
			}
		}
		c, err := output.CompareResults(results, columnLabels(args, resultIDs(results)), rates)
		if err != nil {
			return usageError(e, name, "%v", err)
		}
		warnings = c.Warnings
		write = func(w io.Writer) error { return output.WriteResultsComparison(w, c, format) }
	case len(results) > 0:
		return usageError(e, name, "cannot mix results files and scenario files: compare either results or scenarios")
	default:
		if len(args) > 1 && ids != "" {
			return usageError(e, name, "--scenarios picks scenarios of one FILE; with several files write FILE:ID")
		}
		cs, labels, paths, err := compileScenarios(args, ids)
		if err != nil {
			return inputError(e, err) // a usageErr exits 2 (exitCode)
		}
		currencies := make([]string, len(cs))
		for i, c := range cs {
			currencies[i] = c.Platform.Currency
		}
		if err := output.CheckRates(currencies, rates); err != nil {
			return usageError(e, name, "%v", err) // before minutes of trials, not after
		}
		e.watch()
		cmp, err := sim.Compare(e.ctx, cs, trials, seed, workers, nil)
		if err != nil {
			return simError(e, name, err)
		}
		cmp.Scenarios = labels
		paired := make([]bool, len(cs))
		for i, c := range cs {
			paired[i] = sharePlatform(paths[0], cs[0], paths[i], c)
		}
		if err := output.SettleComparison(cmp, paired, rates); err != nil {
			return usageError(e, name, "%v", err)
		}
		warnings = cmp.Warnings
		write = func(w io.Writer) error { return output.WriteComparison(w, cmp, format) }
	}

	if code := writeOut(e, "compare", out, write); code != exitOK {
		return code
	}
	if out != "" {
		// The warnings are in the file; whoever ran the command sees them too.
		for _, w := range warnings {
			fmt.Fprintf(e.stderr, "Warning: %s\n", w)
		}
	}
	return exitOK
}

// sharePlatform says whether scenario b (from file pathB) runs on a's
// platform (from pathA), so that their trials pair: the scenarios of one
// file do, patched or not; across files, platforms of the same name and
// currency do (a copy edited by hand, the file 'domino advise' writes).
// Random draws are keyed by the ids of services, sites and events (docs/model.md
// §7): two unrelated platforms share none of them, so pairing their
// trials would pair nothing but the seed.
func sharePlatform(pathA string, a *graph.Compiled, pathB string, b *graph.Compiled) bool {
	if pathA == pathB {
		return true
	}
	return a.Platform.Name != "" && a.Platform.Name == b.Platform.Name && a.Platform.Currency == b.Platform.Currency
}

// parseRates reads --rate values, each CUR=X: one CUR is worth X units of
// the baseline's currency. output.CheckRates checks them against the
// compared currencies.
func parseRates(args []string) (map[string]float64, error) {
	if len(args) == 0 {
		return nil, nil
	}
	rates := map[string]float64{}
	for _, a := range args {
		cur, x, ok := strings.Cut(strings.TrimSpace(a), "=")
		cur, x = strings.TrimSpace(cur), strings.TrimSpace(x)
		if !ok || cur == "" || x == "" {
			hint := ""
			if _, err := strconv.Atoi(cur); err == nil && !ok {
				hint = "; a comma separates rates: write EUR=1450, not EUR=1,450"
			}
			return nil, fmt.Errorf("--rate %q: want CUR=X, like EUR=1450 (1 EUR = 1450 of the baseline's currency)%s", a, hint)
		}
		r, err := strconv.ParseFloat(x, 64)
		if err != nil || !(r > 0) || math.IsInf(r, 0) {
			return nil, fmt.Errorf("--rate %q: %q is not a positive number (write 1450, not 1,450)", a, x)
		}
		if _, dup := rates[cur]; dup {
			return nil, fmt.Errorf("--rate gives %s twice", cur)
		}
		rates[cur] = r
	}
	return rates, nil
}

// compileScenarios resolves the scenario arguments: one FILE with ids (a
// comma-separated list, "" for all of its scenarios), or several FILE[:ID],
// each its first scenario unless an id is given. It returns the compiled
// scenarios and their column labels.
func compileScenarios(args []string, ids string) ([]*graph.Compiled, []string, []string, error) {
	files := map[string]*graph.File{}
	load := func(path string) (*graph.File, error) {
		if f, ok := files[path]; ok {
			return f, nil
		}
		f, err := loadInput(path)
		if err != nil {
			return nil, err
		}
		files[path] = f
		return f, nil
	}
	type pick struct{ path, id string }
	var picks []pick
	for _, a := range args {
		path, id := splitRef(a)
		picks = append(picks, pick{path, id})
	}
	if len(picks) == 1 && (ids != "" || picks[0].id == "") {
		if picks[0].id != "" {
			return nil, nil, nil, usageErr(fmt.Sprintf("give the scenarios either as %s or with --scenarios, not both", args[0]))
		}
		f, err := load(picks[0].path)
		if err != nil {
			return nil, nil, nil, err
		}
		if len(f.Scenarios) == 0 {
			return nil, nil, nil, fmt.Errorf("%s: no scenarios to compare (add a scenarios: list)", f.Name)
		}
		picks = picks[:0]
		if ids == "" {
			for _, sc := range f.Scenarios {
				picks = append(picks, pick{args[0], sc.ID})
			}
		} else {
			seen := map[string]bool{}
			for _, id := range strings.Split(ids, ",") {
				id = strings.TrimSpace(id)
				if id == "" {
					return nil, nil, nil, usageErr(fmt.Sprintf("--scenarios %q has an empty id", ids))
				}
				if seen[id] {
					return nil, nil, nil, usageErr(fmt.Sprintf("--scenarios lists %q twice", id))
				}
				seen[id] = true
				picks = append(picks, pick{args[0], id})
			}
		}
	}
	var cs []*graph.Compiled
	var scIDs []string
	for _, p := range picks {
		f, err := load(p.path)
		if err != nil {
			return nil, nil, nil, err
		}
		sc, err := pickScenario(f, p.id)
		if err != nil {
			return nil, nil, nil, err
		}
		c, err := graph.Compile(sc)
		if err != nil {
			return nil, nil, nil, err
		}
		cs = append(cs, c)
		scIDs = append(scIDs, sc.ID)
	}
	paths := make([]string, len(picks))
	for i, p := range picks {
		paths[i] = p.path
	}
	return cs, columnLabels(paths, scIDs), paths, nil
}

// splitRef splits "FILE:ID" into the file and the scenario id. An argument
// that names an existing file or embedded scenario as a whole is a file
// with no id, whatever colons it holds.
func splitRef(arg string) (path, id string) {
	if _, err := os.Stat(arg); err == nil || scenarios.Has(strings.TrimSuffix(arg, ".yaml")) {
		return arg, ""
	}
	if i := strings.LastIndex(arg, ":"); i > 0 && i < len(arg)-1 && !strings.ContainsAny(arg[i+1:], `/\`) {
		return arg[:i], arg[i+1:]
	}
	return arg, ""
}

// columnLabels names the compared scenarios by their ids, or, when two ids
// are the same (the baselines of two files), every scenario by
// "file:id", the file's base name without its extension.
func columnLabels(paths, ids []string) []string {
	dup := false
	seen := map[string]bool{}
	for _, id := range ids {
		dup = dup || seen[id]
		seen[id] = true
	}
	if !dup {
		return ids
	}
	labels := make([]string, len(ids))
	for i, id := range ids {
		base := filepath.Base(paths[i])
		labels[i] = strings.TrimSuffix(base, filepath.Ext(base)) + ":" + id
	}
	return labels
}

func resultIDs(rs []*sim.Results) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.Scenario
	}
	return ids
}

// readResultsFile reads path as a results file (docs/model.md §8) when it ends
// in .json and has a "schema" field; it returns nil, nil for anything else
// (a scenario file may be JSON too, and has no schema field).
func readResultsFile(path string) (*sim.Results, error) {
	if !strings.EqualFold(filepath.Ext(path), ".json") {
		return nil, nil
	}
	data, err := graph.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil // maybe FILE:ID with an odd name; loadInput will say
		}
		return nil, fmt.Errorf("read results: %w", err)
	}
	if _, ok := sim.FileSchema(data); !ok {
		return nil, nil
	}
	return sim.DecodeResults(path, data)
}

func orDash(s string) string {
	if s == "" {
		return output.Dash
	}
	return s
}
