package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/output/diagram"
	"github.com/dominosim/domino/scenarios"
	"github.com/dominosim/domino/sim"
)

func init() {
	register(&command{
		name: "graph", order: 40,
		summary: "Draw the service graph: sites, services, dependencies (DOT, SVG or PNG)",
		usage:   "domino graph FILE|NAME [--scenario ID] [--results R.json [--color affected|downtime|shed] | --rank RANK.json] [--focus ID [--depth N]] [--full | --collapse] [--format dot|svg|png] [-o FILE]",
		flags: func(fs *pflag.FlagSet) {
			fs.String("scenario", "", "draw the platform as patched by this scenario")
			fs.String("results", "", "colour services by a results file of 'domino run --format json'")
			fs.String("rank", "", "colour services by their saving in a file of 'domino rank --format json'")
			fs.String("color", "affected", "with --results: colour by P(affected) ('affected'), mean downtime ('downtime') or mean shed time, the load short of capacity ('shed')")
			fs.String("focus", "", "draw only this service and its neighbours")
			fs.Int("depth", 2, "with --focus: how many hops of neighbours to draw")
			fs.Bool("full", false, fmt.Sprintf("draw every service even when there are more than %d (by default they are collapsed into one node per site)", diagram.CollapseAbove))
			fs.Bool("collapse", false, "draw one node per site, with edges counting the links between their services, however few services there are")
			fs.String("rankdir", "LR", "layout direction: LR (left to right) or TB (top to bottom)")
			fs.String("format", "", "dot, svg or png (default: from -o's extension, else dot)")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
		},
		run: runGraph,
	})
}

func runGraph(e *env, fs *pflag.FlagSet) int {
	const name = "graph"
	fl := readFlags(fs)
	str := fl.str
	depth := fl.int("depth")
	scenario, resultsPath, colorBy, rankPath := str("scenario"), str("results"), str("color"), str("rank")
	focus, rankdir, format, out := str("focus"), strings.ToUpper(str("rankdir")), str("format"), str("output")
	full := fl.bool("full")
	collapse := fl.bool("collapse")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}

	if fs.NArg() != 1 {
		return usageError(e, name, "graph takes one FILE or embedded scenario NAME, got %d arguments", fs.NArg())
	}
	if format = chooseFormat(e, name, format, out, "dot", diagram.Formats, diagram.FormatFor); format == "" {
		return exitUsage
	}
	if resultsPath != "" && rankPath != "" {
		return usageError(e, name, "give --results or --rank, not both: the nodes have one colour")
	}
	if !slices.Contains(graphColors, colorBy) {
		return usageError(e, name, "unknown --color %q: want affected, downtime or shed", colorBy)
	}
	if rankdir != "LR" && rankdir != "TB" {
		return usageError(e, name, "unknown --rankdir %q: want LR or TB", rankdir)
	}
	if depth < 0 {
		return usageError(e, name, "--depth must be 0 or more, got %d", depth)
	}
	if full && collapse {
		return usageError(e, name, "give --full or --collapse, not both")
	}

	f, err := loadInput(fs.Arg(0))
	if err != nil {
		return inputError(e, err)
	}
	var res *sim.Results
	if resultsPath != "" {
		if res, err = sim.ReadResultsFile(resultsPath); err != nil {
			return inputError(e, err)
		}
		if scenario == "" && res.Scenario != "" && f.Scenario(res.Scenario) != nil {
			// Results belong to a scenario: draw the platform they ran on.
			scenario = res.Scenario
		}
	}
	var rk *sim.Ranking
	if rankPath != "" {
		if rk, err = sim.ReadRankFile(rankPath); err != nil {
			return inputError(e, err)
		}
		if scenario == "" && f.Scenario(rk.Scenario) != nil {
			scenario = rk.Scenario
		}
	}
	p := f.Platform
	if scenario != "" {
		sc := f.Scenario(scenario)
		if sc == nil {
			var ids []string
			for _, s := range f.Scenarios {
				ids = append(ids, s.ID)
			}
			return inputError(e, fmt.Errorf("%s: unknown scenario %q%s", f.Name, scenario, graph.Suggest(scenario, ids)))
		}
		if sc.Platform != nil {
			p = sc.Platform
		}
	}
	if p == nil {
		return inputError(e, fmt.Errorf("%s: no platform to draw", f.Name))
	}
	if focus != "" && p.Service(focus) == nil {
		ids := make([]string, len(p.Services))
		for i, s := range p.Services {
			ids[i] = s.ID
		}
		return inputError(e, fmt.Errorf("--focus: unknown service %q%s", focus, graph.Suggest(focus, ids)))
	}

	opt := diagram.Options{Focus: focus, Depth: depth, RankDir: rankdir}
	if res != nil {
		if err := checkResults(resultsPath, res, p); err != nil {
			return inputError(e, err)
		}
		if n := missingServices(res, p); n > 0 {
			fmt.Fprintf(e.stderr, "Warning: %d of the %d services of %s are not in the results file %s: they stay uncoloured\n",
				n, len(p.Services), orDash(p.Name), resultsPath)
		}
		applyResults(&opt, res, colorBy)
	}
	if rk != nil {
		if err := checkRanking(rankPath, rk, p); err != nil {
			return inputError(e, err)
		}
		applyRanking(&opt, rk, p.Currency)
	}
	drawn, err := diagram.DrawnServices(p, opt)
	if err != nil {
		return inputError(e, err)
	}
	opt.Collapse = collapse
	if drawn > diagram.CollapseAbove && !full && !collapse {
		opt.Collapse = true
		what := "every service"
		if focus != "" {
			what = "every one"
		}
		fmt.Fprintf(e.stderr, "graph: %s services to draw, more than %d: collapsed into one node per site; --full draws %s (slow: Graphviz takes minutes on a thousand), --focus ID --depth 1 one service's neighbourhood\n",
			output.Decimal(float64(drawn), 0), diagram.CollapseAbove, what)
	}
	var dot bytes.Buffer
	if err := diagram.DOT(&dot, p, opt); err != nil {
		return inputError(e, err)
	}
	write := func(w io.Writer) error {
		if format == "dot" {
			_, err := w.Write(dot.Bytes())
			return err
		}
		what := output.Decimal(float64(drawn), 0) + " services"
		if opt.Collapse {
			what += " by site"
		}
		sp := newSpinner(e.stderr, "graph: laying out "+what+" with Graphviz")
		defer sp.stop()
		if format == "svg" {
			return e.renderer().SVG(e.ctx, dot.Bytes(), w)
		}
		return e.renderer().PNG(e.ctx, dot.Bytes(), w)
	}
	if format != "dot" {
		// The render returns at once on Ctrl-C, clearing its spinner
		// first: let dispatch wait for it rather than abandon it.
		e.watch()
	}
	err = e.writeOutput(out, write)
	if tooLarge := (*diagram.TooLargeError)(nil); errors.As(err, &tooLarge) {
		hint := "draw it as SVG (-o FILE.svg), which any browser zooms into"
		switch {
		case !opt.Collapse && focus == "":
			hint = "drop --full for one node per site, draw one service's neighbourhood with --focus ID --depth 1, or " + hint
		case !opt.Collapse:
			hint = "lower --depth, add --collapse for one node per site, or " + hint
		}
		fmt.Fprintf(e.stderr, "Error: graph: no PNG written: %v\nTry: %s\n", tooLarge, hint)
		return exitInput
	}
	if err != nil {
		return fail(e, fmt.Errorf("graph: %w", err))
	}
	return exitOK
}

var graphColors = []string{"affected", "downtime", "shed"}

// checkResults fails when the results share no service id with p: they were
// run on another platform, and drawing p with them would colour nothing while
// looking like a platform that nothing touched.
func checkResults(path string, r *sim.Results, p *graph.Platform) error {
	for _, s := range r.Services {
		if p.Service(s.ID) != nil {
			return nil
		}
	}
	return noCommonServices(path, "results", r.Platform, r.Scenario, p)
}

// missingServices counts p's services that the results do not mention.
func missingServices(r *sim.Results, p *graph.Platform) int {
	in := make(map[string]bool, len(r.Services))
	for _, s := range r.Services {
		in[s.ID] = true
	}
	n := 0
	for _, s := range p.Services {
		if !in[s.ID] {
			n++
		}
	}
	return n
}

// checkRanking fails, like checkResults, when a ranking of services
// names none of p's.
func checkRanking(path string, r *sim.Ranking, p *graph.Platform) error {
	services := false
	for _, it := range r.Items {
		if it.Kind != "service" {
			continue
		}
		services = true
		if p.Service(it.ID) != nil {
			return nil
		}
	}
	if !services {
		return nil // a ranking of sites only colours no service by design
	}
	return noCommonServices(path, "rank", "", r.Scenario, p)
}

func noCommonServices(path, kind, platform, scenario string, p *graph.Platform) error {
	of := ""
	switch {
	case platform != "" && scenario != "":
		of = fmt.Sprintf(" (platform %s, scenario %s)", platform, scenario)
	case platform != "":
		of = fmt.Sprintf(" (platform %s)", platform)
	case scenario != "":
		of = fmt.Sprintf(" (scenario %s)", scenario)
	}
	file := "FILE"
	if name := embeddedWithPlatform(platform); name != "" {
		file = name
	}
	return fmt.Errorf("%s: the %s file%s has no service in common with platform %s: it was run on another platform; "+
		"draw that one: domino graph %s --%s %s", path, kind, of, orDash(p.Name), file, kind, path)
}

// embeddedWithPlatform names the embedded example whose platform is named
// platform, or returns "".
func embeddedWithPlatform(platform string) string {
	if platform == "" {
		return ""
	}
	for _, name := range scenarios.Names() {
		if f, err := loadInput(name); err == nil && f.Platform != nil && f.Platform.Name == platform {
			return name
		}
	}
	return ""
}

// applyResults sets opt's heat colours from the results: P(affected) on a
// fixed 0–1 scale, or mean downtime or shed time scaled to the largest one.
func applyResults(opt *diagram.Options, r *sim.Results, by string) {
	opt.Heat = make(map[string]float64, len(r.Services))
	for _, s := range r.Services {
		switch by {
		case "downtime":
			opt.Heat[s.ID] = s.Downtime.Mean
		case "shed":
			opt.Heat[s.ID] = s.Shed.Mean
		default:
			opt.Heat[s.ID] = s.PAffected
		}
	}
	switch by {
	case "downtime", "shed":
		opt.HeatLabel = "mean downtime"
		if by == "shed" {
			// Shed time is the time up short of capacity, weighted by the
			// share of the load not carried (docs/model.md §11).
			opt.HeatLabel = "mean shed time"
		}
		opt.HeatFormat = func(ms float64) string { return graph.FormatDuration(int64(math.Round(ms))) }
	default:
		opt.HeatLabel = "P(affected)"
		opt.HeatMax = 1
	}
}

// applyRanking colours services by their saving, scaled to the largest
// saving of a service (a site's, often the largest, would wash every
// service out; sites are clusters, not coloured nodes).
func applyRanking(opt *diagram.Options, r *sim.Ranking, currency string) {
	opt.Heat = make(map[string]float64, len(r.Items))
	for _, it := range r.Items {
		if it.Kind == "service" {
			opt.Heat[it.ID] = max(it.Saving.Mean, 0)
		}
	}
	opt.HeatLabel = "saving in " + output.MetricTitle(r.Metric, r.Unit, currency)
	opt.HeatFormat = func(v float64) string { return output.MetricValue(r.Unit, v) }
}
