package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/dominosim/domino/internal/boundedio"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/internal/atomicfile"
	"github.com/dominosim/domino/scenarios"
)

// Exit statuses (docs/model.md §9).
const (
	exitOK       = 0
	exitInput    = 1
	exitUsage    = 2
	exitInternal = 3
	// exitInterrupted is the shell's status for a process stopped by
	// SIGINT (128 + 2), also used for SIGTERM: the run was cut short and
	// what it wrote says so.
	exitInterrupted = 130
)

// env is what a subcommand may touch: its streams, never os.Std*.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// width is the number of columns tables on stdout must fit: the
	// terminal's, 0 when stdout is not a terminal or --wide was given.
	width int
	// cmd is the subcommand's name, for messages.
	cmd string
	// pending holds the command's atomic writes, so that an interrupted
	// command leaves no temporary file (dispatch).
	pending *atomicfile.Pending
	// watching is set while the command watches ctx itself (see watch).
	watching atomic.Bool
}

// command is one subcommand. Each lives in its own file and registers itself
// in init; order fixes where it is listed in help.
type command struct {
	name    string
	order   int
	summary string // one line for the command list
	usage   string // "domino NAME [FLAGS] ARGS"
	// flags builds the command's flag set; run gets it parsed.
	flags func(fs *pflag.FlagSet)
	run   func(e *env, fs *pflag.FlagSet) int
}

var commands []*command

func register(c *command) {
	commands = append(commands, c)
	sort.SliceStable(commands, func(i, j int) bool { return commands[i].order < commands[j].order })
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runEnv(&env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, width: terminalWidth(stdout)}, args)
}

// runEnv runs the command args name in e.
func runEnv(e *env, args []string) int {
	if len(args) == 0 {
		printUsage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "--help":
		printUsage(e.stdout)
		return exitOK
	case "-v", "--version":
		name = "version"
	}
	c := lookup(name)
	if c == nil {
		return unknownCommand(e, name)
	}
	fs := newFlagSet(c, e.stderr)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			printCommandHelp(e.stdout, c)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "Error: %v\nTry: domino help %s\n", flagError(err), c.name)
		return exitUsage
	}
	if wide, err := fs.GetBool("wide"); err == nil && wide {
		e.width = 0
	}
	return dispatch(e, c, fs)
}

func newFlagSet(c *command, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(c.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed by run, with a hint
	fs.SortFlags = false
	if c.flags != nil {
		c.flags(fs)
	}
	return fs
}

func printUsage(w io.Writer) {
	fmt.Fprintf(w, "%s\n", fill("", strings.Fields("domino simulates how outages cascade through a platform and how long recovery takes."), 0))
	fmt.Fprintf(w, "Usage: domino COMMAND [FLAGS] [ARGS]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprint(w, fill(fmt.Sprintf("  %-10s ", c.name), strings.Fields(c.summary), 13))
	}
	fmt.Fprintf(w, "\nRun 'domino help COMMAND' for a command's flags.\n")
}

func printCommandHelp(w io.Writer, c *command) {
	fmt.Fprintf(w, "%s\n%s", fill("", strings.Fields(c.summary), 0), formatUsage(c.usage))
	fs := newFlagSet(c, io.Discard)
	if fs.HasFlags() {
		fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsagesWrapped(helpWidth))
	}
}

// unknownCommand reports a command name that is not one: the nearest
// command when one is close, else the list of them. It returns exitUsage.
func unknownCommand(e *env, name string) int {
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	if hint := graph.Suggest(name, names); hint != "" {
		near := names[slices.IndexFunc(names, func(n string) bool { return hint == graph.Suggest(name, []string{n}) })]
		fmt.Fprintf(e.stderr, "Error: unknown command %q%s\nTry: domino help %s\n", name, hint, near)
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "Error: unknown command %q; the commands are %s\nTry: domino help\n", name, strings.Join(names, ", "))
	return exitUsage
}

// usageError prints a usage problem of command c with a hint (fail) and
// returns exitUsage.
func usageError(e *env, c string, format string, args ...any) int {
	return fail(&env{cmd: c, stderr: e.stderr}, usageErr(fmt.Sprintf(format, args...)))
}

// inputError prints a bad-input error (or whatever err is: see exitCode)
// and returns its exit status.
func inputError(e *env, err error) int { return fail(e, err) }

// loadInput loads a scenario file given as a path or as the name of an
// embedded example; "" means the embedded default.
func loadInput(arg string) (*graph.File, error) {
	path, embedded, err := resolveInput(arg)
	if err != nil {
		return nil, err
	}
	if embedded {
		return graph.LoadFS(scenarios.FS, path)
	}
	return graph.LoadFile(path)
}

// resolveInput says where the scenario file arg names is: a path on disk,
// or else a path in the embedded examples (scenarios.FS).
func resolveInput(arg string) (path string, embedded bool, err error) {
	if arg == "" {
		arg = scenarios.Default
	}
	_, err = os.Stat(arg)
	if err == nil {
		return arg, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		// There is something by that name, just not readable: say why
		// rather than look for an example of that name.
		return "", false, fmt.Errorf("read %s: %w", arg, boundedio.WithoutPath(err))
	}
	name := strings.TrimSuffix(arg, ".yaml")
	if scenarios.Has(name) {
		return scenarios.Path(name), true, nil
	}
	return "", false, fmt.Errorf("no file or embedded scenario named %q%s (see 'domino examples')", arg, graph.Suggest(name, scenarios.Names()))
}

func init() {
	register(&command{
		name: "help", order: 100, summary: "Show help for domino or one command", usage: "domino help [COMMAND]",
		run: func(e *env, fs *pflag.FlagSet) int {
			if fs.NArg() == 0 {
				printUsage(e.stdout)
				return exitOK
			}
			c := lookup(fs.Arg(0))
			if c == nil {
				return unknownCommand(e, fs.Arg(0))
			}
			printCommandHelp(e.stdout, c)
			return exitOK
		},
	})
}

// chooseFormat settles a command's output format: the --format given, else
// the one -o's extension names (forPath returns "" when it cannot tell),
// else def. It returns "" after printing a usage error.
func chooseFormat(e *env, cmd, format, out, def string, formats []string, forPath func(string) string) string {
	want := strings.Join(formats, ", ")
	if format == "" {
		format = def
		if out != "" {
			if format = forPath(out); format == "" {
				usageError(e, cmd, "cannot tell the format from %q: give --format %s", out, want)
				return ""
			}
		}
	}
	if !slices.Contains(formats, format) {
		usageError(e, cmd, "unknown --format %q: want %s", format, want)
		return ""
	}
	return format
}

// loadScenario loads a file or embedded example, picks the scenario id
// (the first when "") and compiles it for the engine.
func loadScenario(arg, id string) (*graph.Compiled, error) {
	_, sc, err := loadFileScenario(arg, id)
	if err != nil {
		return nil, err
	}
	return graph.Compile(sc)
}

// maxWorkers bounds --workers: the engine runs at most one worker per
// processor anyway, so a larger number is a mistake.
const maxWorkers = 1024

// trialFlags are the flags of the commands that simulate trials.
type trialFlags struct {
	trials  int // 0: the scenario's
	seed    uint64
	workers int
}

func addTrialFlags(fs *pflag.FlagSet, trialsHelp string) {
	fs.Int("trials", 0, trialsHelp)
	fs.Uint64("seed", 1, "random seed; the same seed gives the same results")
	fs.Int("workers", runtime.NumCPU(), "trials run in parallel; does not change the results")
}

// readTrialFlags reads and checks the flags of addTrialFlags; code is not
// exitOK after it printed an error.
func readTrialFlags(e *env, cmd string, fs *pflag.FlagSet) (f trialFlags, code int) {
	fl := readFlags(fs)
	f.trials = fl.int("trials")
	f.seed = fl.uint64("seed")
	f.workers = fl.int("workers")
	if fl.err != nil {
		return f, flagBug(e, cmd, fl.err)
	}
	if fs.Changed("trials") && (f.trials < 1 || f.trials > graph.MaxTrials) {
		return f, usageError(e, cmd, "--trials must be in [1, %d], got %d", graph.MaxTrials, f.trials)
	}
	if f.workers < 1 || f.workers > maxWorkers {
		return f, usageError(e, cmd, "--workers must be in [1, %d], got %d", maxWorkers, f.workers)
	}
	return f, exitOK
}

// flagReader reads a command's parsed flags, keeping the first error. The
// values were checked when the flags were parsed, so an error here is a
// flag read by a name not declared or with another type: a bug in domino,
// which the command reports (flagBug, exit 3) before acting on a zero value.
type flagReader struct {
	fs  *pflag.FlagSet
	err error
}

func readFlags(fs *pflag.FlagSet) *flagReader { return &flagReader{fs: fs} }

func (r *flagReader) keep(name string, err error) {
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("flag --%s: %w", name, err)
	}
}

func (r *flagReader) str(name string) string {
	v, err := r.fs.GetString(name)
	r.keep(name, err)
	return v
}

func (r *flagReader) strs(name string) []string {
	v, err := r.fs.GetStringSlice(name)
	r.keep(name, err)
	return v
}

func (r *flagReader) int(name string) int {
	v, err := r.fs.GetInt(name)
	r.keep(name, err)
	return v
}

func (r *flagReader) uint64(name string) uint64 {
	v, err := r.fs.GetUint64(name)
	r.keep(name, err)
	return v
}

func (r *flagReader) float64(name string) float64 {
	v, err := r.fs.GetFloat64(name)
	r.keep(name, err)
	return v
}

func (r *flagReader) bool(name string) bool {
	v, err := r.fs.GetBool(name)
	r.keep(name, err)
	return v
}

// flagBug reports a flagReader's error: a bug in domino (exit 3).
func flagBug(e *env, cmd string, err error) int {
	return fail(e, internal(fmt.Errorf("%s: %w", cmd, err)))
}
