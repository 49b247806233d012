package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sync"

	"github.com/spf13/pflag"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/internal/atomicfile"
	"github.com/dominosim/domino/output"
)

// watch says that from now on the command watches e.ctx itself and, when
// it is done, stops within a second and writes what it has done (run's
// partial results): dispatch then waits for it instead of abandoning it.
func (e *env) watch() { e.watching.Store(true) }

// writeFile writes path atomically (atomicfile.Pending.WriteFile); it fails
// with ctx's error once the command is interrupted, leaving nothing.
func (e *env) writeFile(path string, write func(io.Writer) error) error {
	return e.pending.WriteFile(e.ctx, path, write)
}

// writeOutput writes to stdout, or atomically to the file out when it is
// not "" or "-". A failure of the file or of stdout is the user's to fix
// (exit 1); a failure of write itself is a bug (exit 3).
func (e *env) writeOutput(out string, write func(io.Writer) error) error {
	if out != "" && out != "-" {
		err := e.writeFile(out, write)
		if err != nil && !isFileOrCtxError(err) {
			return internal(err)
		}
		return err
	}
	w := &recordingWriter{w: e.stdout}
	// Tables fit the terminal (output.FitWidth); the width rides on the
	// outermost writer, where the table writers look for it.
	if err := write(output.FitWidth(w, e.width)); err != nil {
		if w.err != nil {
			return fmt.Errorf("write output: %w", w.err)
		}
		return internal(err)
	}
	return nil
}

func isFileOrCtxError(err error) bool {
	var fe *atomicfile.FileError
	return errors.As(err, &fe) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// recordingWriter remembers its writer's first error.
type recordingWriter struct {
	w   io.Writer
	err error
}

func (r *recordingWriter) Write(b []byte) (int, error) {
	n, err := r.w.Write(b)
	if err != nil && r.err == nil {
		r.err = err
	}
	return n, err
}

// usageErr is a problem with how a command was called rather than with
// what a file holds (exit status 2).
type usageErr string

func (u usageErr) Error() string { return string(u) }

// internalError marks a failure that is a bug in domino, not in its input
// (exit status 3).
type internalError struct{ err error }

func (e internalError) Error() string { return e.err.Error() }
func (e internalError) Unwrap() error { return e.err }

// internal marks err as a bug in domino.
func internal(err error) error { return internalError{err} }

// exitCode is the one place an error becomes an exit status (docs/model.md
// §9): nil 0; an interruption (the signal context's error) 130; a usage
// problem 2; a bug in domino (internal) 3; anything else — a bad file, an
// output that cannot be written (a missing directory, a full disk, a
// device), a scenario asking too much — 1.
func exitCode(err error) int {
	var u usageErr
	var ie internalError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return exitInterrupted
	case errors.As(err, &u):
		return exitUsage
	case errors.As(err, &ie):
		return exitInternal
	}
	return exitInput
}

// fail prints err the way domino prints errors and returns its exit status
// (exitCode): input problems one a line with their count, a usage problem
// with a hint, an interruption as such.
func fail(e *env, err error) int {
	code := exitCode(err)
	var list graph.ErrorList
	switch {
	case code == exitInterrupted:
		fmt.Fprintf(e.stderr, "Error: %s interrupted; nothing written\n", e.cmd)
	case code == exitUsage:
		fmt.Fprintf(e.stderr, "Error: %v\nTry: domino help %s\n", err, e.cmd)
	case errors.As(err, &list):
		for _, x := range list {
			fmt.Fprintln(e.stderr, x.Error())
		}
		fmt.Fprintf(e.stderr, "Error: %d problem(s) in input\n", len(list))
	default:
		fmt.Fprintf(e.stderr, "Error: %v\n", err)
	}
	return code
}

// dispatch runs the command, and when the signal context is done before it
// returns, stops it within a second. A command that watches the context
// itself (env.watch) is waited for, to write what it has done. Any other
// is abandoned: its atomic writes are aborted and their temporary files
// removed, its output streams shut, and domino exits 130 at once, leaving
// the command's goroutine to the process's exit. Loading a large YAML
// file or laying out a graph cannot be stopped half-way ('graph' of a
// 1,000-service platform ran 213 s more after Ctrl-C), and need not be.
func dispatch(e *env, c *command, fs *pflag.FlagSet) int {
	e.cmd, e.pending = c.name, &atomicfile.Pending{}
	// An -o that cannot be written is said before the work, not after.
	if out, err := fs.GetString("output"); err == nil && out != "" && out != "-" {
		if err := atomicfile.CheckTarget(out); err != nil {
			return fail(e, err)
		}
	}
	stdout, stderr := newGate(e.stdout), newGate(e.stderr)
	e.stdout, e.stderr = stdout.writer(), stderr.writer()
	ctx := e.ctx // the command may replace its own (run does, to write partial results)
	done := make(chan int, 1)
	go func() { done <- c.run(e, fs) }()
	select {
	case code := <-done:
		return code
	case <-ctx.Done():
	}
	if e.watching.Load() {
		return <-done
	}
	stdout.shut()
	stderr.shut()
	if e.pending.Abort() > 0 {
		// It wrote its file just before the signal came.
		fmt.Fprintf(stderr.w, "Error: %s interrupted after writing its output\n", c.name)
		return exitInterrupted
	}
	return fail(&env{cmd: c.name, stderr: stderr.w}, ctx.Err())
}

// gate passes writes to w until shut, then drops them: an abandoned
// command must not write after domino said it was interrupted.
type gate struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func newGate(w io.Writer) *gate { return &gate{w: w} }

// writer is the gate, or for an *os.File the file itself: terminal checks
// look for one, an *os.File is safe to write from two goroutines, and the
// process exits as soon as dispatch returns.
func (g *gate) writer() io.Writer {
	if _, ok := g.w.(*os.File); ok {
		return g.w
	}
	return g
}

func (g *gate) Write(b []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return 0, context.Canceled
	}
	return g.w.Write(b)
}

func (g *gate) shut() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// outOfRange matches pflag's error for an integer flag given a number too
// large for it, which pflag words as for one that is no number at all.
var outOfRange = regexp.MustCompile(`^invalid argument "([-+]?[0-9]+)" for "(-?-?[\w-]+)" flag: must be an integer$`)

// flagError rewords a flag parse error where pflag's is wrong: an integer
// out of range is an integer, just too large.
func flagError(err error) error {
	if m := outOfRange.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("invalid argument %q for %q flag: out of range", m[1], m[2])
	}
	return err
}
