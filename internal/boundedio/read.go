package boundedio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is the error (wrapped in a *NotRegularError) for a path that
// is not a regular file: a named pipe, a device, a socket or a directory.
var ErrNotRegular = errors.New("not a regular file")

// NotRegularError says what a path is when it is not a regular file.
type NotRegularError struct {
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	if e.Mode.IsDir() {
		return "is a directory" // as the system says it
	}
	return fmt.Sprintf("is %s, %s", Describe(e.Mode), ErrNotRegular)
}

func (e *NotRegularError) Unwrap() error { return ErrNotRegular }

// Describe names the type of a file mode in words, for messages.
func Describe(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// TooLargeError is the error for a file larger than the cap it was read with.
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string {
	if e.Limit >= 1<<20 && e.Limit%(1<<20) == 0 {
		return fmt.Sprintf("file is larger than %d MiB", e.Limit>>20)
	}
	return fmt.Sprintf("file is larger than %d bytes", e.Limit)
}

// ReadFile reads the regular file at path, at most limit bytes. Anything
// else is an error before a byte is read: a path that is not a regular
// file (*NotRegularError, also for a symbolic link to one), or a file
// whose size is over limit (*TooLargeError). Errors are *fs.PathError
// with the path, as os.ReadFile's.
//
// The type is checked on the path first, so that opening a device has no
// side effect, and again on the opened file, which is the one read: a
// path swapped for a pipe between the two checks is refused too. The open
// does not block (O_NONBLOCK where the system has it), so a named pipe
// without a writer cannot hang it. The file is read into one buffer of
// its size, so reading allocates the file's size once.
func ReadFile(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: &NotRegularError{Mode: fi.Mode()}}
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadOpened(f, path, limit)
}

// ReadOpened reads the opened file f (named path in errors) as ReadFile
// does: f must be a regular file of at most limit bytes.
func ReadOpened(f *os.File, path string, limit int64) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: &NotRegularError{Mode: fi.Mode()}}
	}
	if fi.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: &TooLargeError{Limit: limit}}
	}
	data, err := ReadLimited(f, limit, fi.Size())
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: WithoutPath(err)}
	}
	return data, nil
}

// ReadLimited reads r to its end, at most limit bytes: more is a
// *TooLargeError, found after reading limit+1 bytes, so that an endless
// reader (a file that grows, /dev/zero behind an io.Reader) stops there.
// sizeHint, when positive, sizes the buffer so that it is not grown by
// doubling, which would allocate twice a large file's size.
func ReadLimited(r io.Reader, limit, sizeHint int64) ([]byte, error) {
	var buf bytes.Buffer
	if sizeHint > 0 {
		buf.Grow(int(min(sizeHint, limit+1)) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > limit {
		return nil, &TooLargeError{Limit: limit}
	}
	return buf.Bytes(), nil
}

// WithoutPath returns the error an *fs.PathError or an *os.LinkError wraps,
// for messages that name the file already; any other error is returned as
// it is.
func WithoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
