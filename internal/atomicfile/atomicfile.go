package atomicfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/dominosim/domino/internal/boundedio"
)

// FileError is a failure to write an output file: a missing directory, no
// permission, a full disk, or a path that may not be replaced. It is the
// user's to fix (exit status 1), unlike a failure of what writes into the
// file.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return "write " + e.Path + ": " + e.Err.Error() }

func (e *FileError) Unwrap() error { return e.Err }

// newFileMode is the mode of a file that did not exist: an output file is
// meant to be shared.
const newFileMode = 0o644

// Write writes a file through write, so that path holds either its
// old content or the complete new one, never a torn file: Pending.WriteFile
// with a context that is never cancelled and no Pending set.
func Write(path string, write func(io.Writer) error) error {
	return (*Pending)(nil).WriteFile(context.Background(), path, write)
}

// Pending is the set of atomic writes under way in one command, so that an
// interrupted command can remove their temporary files (Abort) even when it
// cannot wait for them to return. The zero Pending is ready to use; a nil
// *Pending tracks nothing.
type Pending struct {
	mu      sync.Mutex
	temps   map[string]bool
	aborted bool
	done    int // writes that replaced their target
}

// errAborted is returned by a write that was still under way when its
// Pending was aborted.
var errAborted = errors.New("interrupted")

// Abort removes the temporary files of the writes under way and makes
// them fail instead of renaming: after Abort returns, no write of p
// replaces its target. It returns how many writes of p did before.
func (p *Pending) Abort() int {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.aborted = true
	for tmp := range p.temps {
		os.Remove(tmp)
	}
	p.temps = nil
	return p.done
}

func (p *Pending) add(tmp string) error {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.aborted {
		return errAborted
	}
	if p.temps == nil {
		p.temps = map[string]bool{}
	}
	p.temps[tmp] = true
	return nil
}

// commit renames tmp over target unless p was aborted, under p's lock so
// that Abort cannot remove tmp in between.
func (p *Pending) commit(tmp, target string) error {
	if p != nil {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.aborted {
			return errAborted
		}
		delete(p.temps, tmp)
	}
	if err := os.Rename(tmp, target); err != nil {
		return err
	}
	if p != nil {
		p.done++
	}
	return nil
}

func (p *Pending) remove(tmp string) {
	if p != nil {
		p.mu.Lock()
		delete(p.temps, tmp)
		p.mu.Unlock()
	}
	os.Remove(tmp)
}

// WriteFile writes path through write so that it holds either its old
// content or the complete new one: the output goes to a temporary file in
// the same directory, is flushed and fsynced, and is then renamed over
// the file. On any error, and when ctx is done (checked on every write
// and before the rename, which ctx's error is then returned for), the
// temporary file is removed and path is left untouched.
//
// Only a regular file or a new path is written. A symbolic link to a
// regular file has that file replaced (the link stays); any other link, a
// device, a named pipe, a socket or a directory is refused with a
// *FileError before anything is written. The new file keeps the mode of
// the file it replaces; a new file has mode 0644. (A file with several
// hard links is replaced by a new one: the other links keep the old
// content.) File-system failures come back as *FileError; write's own
// errors come back as they are.
func (p *Pending) WriteFile(ctx context.Context, path string, write func(io.Writer) error) (err error) {
	target, mode, err := resolveTarget(path)
	if err != nil {
		return &FileError{Path: path, Err: err}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return &FileError{Path: path, Err: boundedio.WithoutPath(err)}
	}
	tmp := f.Name()
	if err := p.add(tmp); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			p.remove(tmp)
			if errors.Is(err, errAborted) && ctx.Err() != nil {
				err = ctx.Err()
			}
		}
	}()
	cw := &ctxWriter{ctx: ctx, w: f, path: path}
	bw := bufio.NewWriter(cw)
	if err := write(bw); err != nil {
		if cw.err != nil {
			return cw.err // the file's error (or ctx's), not how write wrapped it
		}
		return err
	}
	if err := bw.Flush(); err != nil {
		if cw.err != nil {
			return cw.err
		}
		return &FileError{Path: path, Err: err}
	}
	// CreateTemp makes the file 0600: give it the mode of the file it
	// replaces, or that of a new output file.
	if err := f.Chmod(mode); err != nil {
		return &FileError{Path: path, Err: boundedio.WithoutPath(err)}
	}
	if err := f.Sync(); err != nil {
		return &FileError{Path: path, Err: boundedio.WithoutPath(err)}
	}
	if err := f.Close(); err != nil {
		return &FileError{Path: path, Err: boundedio.WithoutPath(err)}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := p.commit(tmp, target); err != nil {
		if errors.Is(err, errAborted) {
			return err
		}
		return &FileError{Path: path, Err: boundedio.WithoutPath(err)}
	}
	// Make the rename itself durable where the OS allows syncing a directory;
	// the file is complete either way, so a failure here is not reported.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// CheckTarget reports, as a *FileError, what WriteFile would refuse about
// path before writing anything: a target that is not a regular file or a
// link to one, or a directory to write it in that does not exist. A
// command calls it before its work, so that minutes of trials are not
// lost to a typo in -o; the write itself checks again.
func CheckTarget(path string) error {
	target, _, err := resolveTarget(path)
	if err != nil {
		return &FileError{Path: path, Err: err}
	}
	dir := filepath.Dir(target)
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return &FileError{Path: path, Err: boundedio.WithoutPath(err)}
	case !fi.IsDir():
		return &FileError{Path: path, Err: fmt.Errorf("%s is not a directory", dir)}
	}
	return nil
}

// resolveTarget returns the file an output path stands for and the mode
// the new file is to have: path itself when it is a regular file or does
// not exist, the file a symbolic link resolves to when that is a regular
// file. Anything else is an error.
func resolveTarget(path string) (string, fs.FileMode, error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return path, newFileMode, nil
	case err != nil:
		return "", 0, boundedio.WithoutPath(err)
	case fi.Mode().IsRegular():
		return path, fi.Mode().Perm(), nil
	case fi.Mode()&fs.ModeSymlink == 0:
		return "", 0, &boundedio.NotRegularError{Mode: fi.Mode()}
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", 0, fmt.Errorf("is a symbolic link that does not resolve to a file (%v): not replaced", boundedio.WithoutPath(err))
	}
	rfi, err := os.Stat(real)
	if err != nil {
		return "", 0, boundedio.WithoutPath(err)
	}
	if !rfi.Mode().IsRegular() {
		return "", 0, fmt.Errorf("is a symbolic link to %s (%s), not a regular file: not replaced", real, boundedio.Describe(rfi.Mode()))
	}
	return real, rfi.Mode().Perm(), nil
}

// ctxWriter fails every write once ctx is done, and remembers the first
// error of the file itself, so that a full disk is reported as the file's
// problem however write wrapped it.
type ctxWriter struct {
	ctx  context.Context
	w    io.Writer
	path string
	err  error
}

func (c *ctxWriter) Write(b []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if err := c.ctx.Err(); err != nil {
		c.err = err
		return 0, err
	}
	n, err := c.w.Write(b)
	if err != nil {
		c.err = &FileError{Path: c.path, Err: boundedio.WithoutPath(err)}
	}
	return n, err
}
