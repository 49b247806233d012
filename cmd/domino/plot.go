package main

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/output/chart"
	"github.com/dominosim/domino/sim"
)

func init() {
	register(&command{
		name: "plot", order: 70,
		summary: "Plot results files: recovery curves, downtime by service, loss exceedance, tornado (SVG or PNG)",
		usage: "domino plot R.json... [--kind recovery|downtime|exceedance|tornado] [--service ID] [--metric M] [--title T] [--format svg|png] -o FILE.svg|FILE.png\n" +
			"  recovery: users served and services up over time, mean with p10-p90 band, one colour per file; with a single file of\n" +
			"    'domino run --uncertainty N', the 5-95% band of the mean curve over the draws of the uncertain inputs instead\n" +
			"  downtime: the top services by user-hours lost (mean, p50, p90, p99), or with --service one service's downtime distribution\n" +
			"  exceedance: from 'domino risk --format json' files, P(loss > x) per horizon of --metric on a log scale, with its 95% band\n" +
			"  tornado: from one 'domino sensitivity --format json' file, each uncertain input's swing around the baseline",
		flags: func(fs *pflag.FlagSet) {
			fs.String("kind", "recovery", "recovery, downtime, exceedance or tornado")
			fs.String("metric", "user_hours", "with --kind exceedance: user_hours, money, crew_hours or downtime:ID")
			fs.String("service", "", "with --kind downtime: plot this service's downtime distribution")
			fs.String("title", "", "title of the plot (default: from the kind and the platform)")
			fs.String("format", "", "svg or png (default: from -o's extension)")
			fs.StringP("output", "o", "", "image to write (atomically), or - for stdout with --format")
		},
		run: runPlot,
	})
}

func runPlot(e *env, fs *pflag.FlagSet) int {
	const name = "plot"
	fl := readFlags(fs)
	str := fl.str
	kind, service, title, format, out := str("kind"), str("service"), str("title"), str("format"), str("output")
	if fl.err != nil {
		return flagBug(e, name, fl.err)
	}

	if fs.NArg() == 0 {
		return usageError(e, name, "plot needs at least one results file (written by 'domino run --format json -o R.json')")
	}
	if kind != "recovery" && kind != "downtime" && kind != "exceedance" && kind != "tornado" {
		return usageError(e, name, "unknown --kind %q: want recovery, downtime, exceedance or tornado", kind)
	}
	if kind == "tornado" && fs.NArg() != 1 {
		return usageError(e, name, "--kind tornado draws one sensitivity file (written by 'domino sensitivity --format json'), got %d", fs.NArg())
	}
	if fs.Changed("metric") && kind != "exceedance" {
		return usageError(e, name, "--metric goes with --kind exceedance")
	}
	if service != "" && kind != "downtime" {
		return usageError(e, name, "--service goes with --kind downtime")
	}
	if out == "" || out == "-" && format == "" {
		return usageError(e, name, "give the image to write with -o FILE.svg or -o FILE.png (or --format svg|png -o - for stdout)")
	}
	if format = chooseFormat(e, name, format, out, "", chart.Formats, chart.FormatFor); format == "" {
		return exitUsage
	}

	switch kind {
	case "exceedance":
		return plotExceedance(e, fs, format, title, out)
	case "tornado":
		s, err := sim.ReadSensitivityFile(fs.Arg(0))
		if err != nil {
			return inputError(e, err)
		}
		var img bytes.Buffer
		if err := chart.Tornado(&img, s, chart.Options{Format: format, Title: title}); err != nil {
			return inputError(e, err)
		}
		return writeBytes(e, out, img.Bytes())
	}
	rs := make([]*sim.Results, fs.NArg())
	for i, path := range fs.Args() {
		r, err := sim.ReadResultsFile(path)
		if err != nil {
			return inputError(e, err)
		}
		rs[i] = r
	}
	opt := chart.Options{Format: format, Title: title, Labels: plotLabels(rs, fs.Args())}

	// Draw into memory first: an input problem found while drawing must
	// not leave a half-written image behind, nor count as an I/O error.
	var img bytes.Buffer
	var err error
	switch {
	case kind == "recovery":
		err = chart.Recovery(&img, rs, opt)
	case service != "":
		err = chart.ServiceDowntime(&img, rs, service, opt)
	default:
		err = chart.Downtime(&img, rs, opt)
	}
	if err != nil {
		return inputError(e, err)
	}
	return writeBytes(e, out, img.Bytes())
}

// plotExceedance plots the loss-exceedance curves of risk files.
func plotExceedance(e *env, fs *pflag.FlagSet, format, title, out string) int {
	fl := readFlags(fs)
	metric := fl.str("metric")
	if fl.err != nil {
		return flagBug(e, "plot", fl.err)
	}
	rs := make([]*sim.RiskResults, fs.NArg())
	ids := make([]string, fs.NArg())
	for i, path := range fs.Args() {
		r, err := sim.ReadRiskFile(path)
		if err != nil {
			return inputError(e, err)
		}
		rs[i], ids[i] = r, r.Scenario
	}
	opt := chart.Options{Format: format, Title: title, Labels: labelsFor(ids, fs.Args())}
	var img bytes.Buffer
	if err := chart.Exceedance(&img, rs, metric, opt); err != nil {
		return inputError(e, err)
	}
	return writeBytes(e, out, img.Bytes())
}

// plotLabels names each results by its scenario id, adding the file name
// when two results share an id (the same scenario run twice).
func plotLabels(rs []*sim.Results, paths []string) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.Scenario
	}
	return labelsFor(ids, paths)
}

// labelsFor names each file by its scenario id, adding the file name when
// two share an id.
func labelsFor(ids, paths []string) []string {
	count := map[string]int{}
	for _, id := range ids {
		count[id]++
	}
	labels := make([]string, len(ids))
	for i, id := range ids {
		labels[i] = id
		if count[id] > 1 || id == "" {
			base := strings.TrimSuffix(filepath.Base(paths[i]), filepath.Ext(paths[i]))
			labels[i] = strings.TrimSpace(id + " (" + base + ")")
		}
	}
	return labels
}
