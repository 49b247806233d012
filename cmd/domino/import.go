package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/graph/importer"
)

func init() {
	register(&command{
		name: "import", order: 25,
		summary: "Build a platform file from a service catalog, traces, a mesh or a DOT graph",
		usage:   "domino import --from backstage|jaeger|kiali|dot|prometheus FILE|DIR... [--site ID]... [--into PLATFORM.yaml] [--min-calls N] [--kiali-level workload|app] [--keep-virtual] [-o OUT.yaml]",
		flags: func(fs *pflag.FlagSet) {
			fs.String("from", "", "source format: "+strings.Join(importer.Formats, ", "))
			fs.StringSlice("site", nil, "place every service on this site (repeat for more); default "+importer.DefaultSite+", or with --into the platform's first site")
			fs.String("into", "", "merge into this platform file: its services keep everything and gain the new edges; new services are added")
			fs.Float64("min-calls", 0, "drop edges with fewer calls than this (jaeger, prometheus)")
			fs.String("kiali-level", importer.KialiWorkload, "kiali: one service per workload, or per app (versions collapsed)")
			fs.Bool("keep-virtual", false, "prometheus, kiali: keep the placeholder nodes user and unknown")
			fs.StringP("output", "o", "", "write to this file (atomically) instead of stdout")
		},
		run: runImport,
	})
}

// importFlags are the parsed flags of domino import.
type importFlags struct {
	from, into, out string
	opt             importer.Options
}

func runImport(e *env, fs *pflag.FlagSet) int {
	f, code := readImportFlags(e, fs)
	if code != exitOK {
		return code
	}
	var into *graph.File
	var intoData []byte
	if f.into != "" {
		var err error
		if intoData, into, err = loadInto(f.into); err != nil {
			return inputError(e, err)
		}
		if len(f.opt.Sites) == 0 && len(into.Platform.Sites) > 0 {
			f.opt.Sites = []string{into.Platform.Sites[0].ID}
		}
	}
	inputs, err := readImportInputs(f.from, fs.Args())
	if err != nil {
		return inputError(e, err)
	}
	g, err := importer.Import(f.from, inputs, f.opt)
	if err != nil {
		return inputError(e, err)
	}
	for _, w := range g.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", w)
	}
	var out bytes.Buffer
	if into != nil {
		changes, err := importer.Merge(&out, intoData, into.Platform, g)
		if err != nil {
			return inputError(e, fmt.Errorf("merge into %s: %w", f.into, err))
		}
		for _, c := range changes {
			fmt.Fprintf(e.stderr, "%s: %s\n", f.into, c)
		}
	} else if err := g.WriteYAML(&out); err != nil {
		return inputError(e, err)
	}
	name := f.out
	if name == "" || name == "-" {
		name = "import.yaml"
	}
	if code := checkImported(e, out.Bytes(), name); code != exitOK {
		return code
	}
	fmt.Fprintf(e.stderr, "imported %s and %s from %s\n", plural(len(g.Services), "service"), plural(countEdges(g), "edge"), plural(len(g.Sources), "file"))
	return writeBytes(e, f.out, out.Bytes())
}

func readImportFlags(e *env, fs *pflag.FlagSet) (f importFlags, code int) {
	const name = "import"
	fl := readFlags(fs)
	f.from = fl.str("from")
	f.into = fl.str("into")
	f.out = fl.str("output")
	f.opt.Sites = fl.strs("site")
	f.opt.MinCalls = fl.float64("min-calls")
	f.opt.KialiLevel = fl.str("kiali-level")
	f.opt.KeepVirtual = fl.bool("keep-virtual")
	if fl.err != nil {
		return f, flagBug(e, name, fl.err)
	}
	switch {
	case f.from == "":
		usageError(e, name, "--from is required: one of %s", strings.Join(importer.Formats, ", "))
	case !slices.Contains(importer.Formats, f.from):
		usageError(e, name, "unknown --from %q%s: want one of %s", f.from, graph.Suggest(f.from, importer.Formats), strings.Join(importer.Formats, ", "))
	case fs.NArg() == 0:
		usageError(e, name, "no input: give the files or directories to import")
	case fs.Changed("min-calls") && !importer.CountsCalls(f.from):
		usageError(e, name, "--min-calls needs call counts, which %s does not have (jaeger and prometheus do)", f.from)
	case !(f.opt.MinCalls >= 0) || math.IsInf(f.opt.MinCalls, 1):
		usageError(e, name, "--min-calls must be a number of calls, 0 or more, got %g", f.opt.MinCalls)
	case fs.Changed("kiali-level") && f.from != "kiali":
		usageError(e, name, "--kiali-level is for --from kiali")
	case f.opt.KialiLevel != importer.KialiWorkload && f.opt.KialiLevel != importer.KialiApp:
		usageError(e, name, "unknown --kiali-level %q: want %s or %s", f.opt.KialiLevel, importer.KialiWorkload, importer.KialiApp)
	case f.opt.KeepVirtual && f.from != "prometheus" && f.from != "kiali":
		usageError(e, name, "--keep-virtual is for --from prometheus or kiali")
	default:
		for _, s := range f.opt.Sites {
			if !importer.ValidID(s) {
				usageError(e, name, "--site %q is not a valid id: want lower case letters, digits, '.', '_' and '-', starting with a letter or digit", s)
				return f, exitUsage
			}
		}
		return f, exitOK
	}
	return f, exitUsage
}

// importExts are the file name endings read from a directory, per format.
var importExts = map[string][]string{
	"backstage":  {".yaml", ".yml", ".json"},
	"jaeger":     {".json"},
	"kiali":      {".json"},
	"dot":        {".dot", ".gv"},
	"prometheus": {".txt", ".prom", ".metrics"},
}

// readImportInputs reads the files given, and in each directory given every
// file (recursively) whose name ends as the format's files do.
func readImportInputs(format string, args []string) ([]importer.Input, error) {
	var paths []string
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, fmt.Errorf("read input: %w", err)
		}
		if !st.IsDir() {
			paths = append(paths, arg)
			continue
		}
		found, err := filesIn(arg, importExts[format])
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("directory %s has no %s files (%s)", arg, format, strings.Join(importExts[format], ", "))
		}
		paths = append(paths, found...)
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)
	inputs := make([]importer.Input, 0, len(paths))
	for _, p := range paths {
		b, err := graph.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read input: %w", err)
		}
		inputs = append(inputs, importer.Input{Name: p, Data: b})
	}
	return inputs, nil
}

func filesIn(dir string, exts []string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && slices.Contains(exts, strings.ToLower(filepath.Ext(p))) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read input: %w", err)
	}
	return out, nil
}

// loadInto loads the platform file of --into, which must define its own
// platform to be merged into.
func loadInto(path string) ([]byte, *graph.File, error) {
	data, err := graph.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read --into file: %w", err)
	}
	f, err := graph.Load(bytes.NewReader(data), path)
	if err != nil {
		return nil, nil, err
	}
	if f.Platform == nil || !importer.DefinesPlatform(data) {
		return nil, nil, fmt.Errorf("%s: --into needs a file that defines its platform, not one that refers to a platform file", path)
	}
	return data, f, nil
}

// checkImported loads, compiles and lints what the import wrote: the output
// must be a file domino run accepts, so a failure here is a bug in the
// importer, not in the input.
func checkImported(e *env, data []byte, name string) int {
	f, err := graph.Load(bytes.NewReader(data), name)
	if err == nil {
		for _, sc := range f.Scenarios {
			if _, err = graph.Compile(sc); err != nil {
				break
			}
		}
	}
	if err != nil {
		return fail(e, internal(fmt.Errorf("the imported platform does not load (a bug in domino import): %w", err)))
	}
	for _, w := range graph.Lint(f) {
		fmt.Fprintln(e.stderr, w.String())
	}
	return exitOK
}

func countEdges(g *importer.Graph) int {
	n := 0
	for _, s := range g.Services {
		n += len(s.DependsOn)
	}
	return n
}
