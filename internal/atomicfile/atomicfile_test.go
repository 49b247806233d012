package atomicfile

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/internal/fifo"
)

// TestWrite: a complete write replaces the file with mode 0644; a failing
// writer leaves the old content and no temporary file; a missing directory
// is an error.
func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	require.NoError(t, Write(path, writeString("first")))
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	assert.ErrorIs(t, err, boom)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "first", string(got))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "temporary file left behind?")
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())
	assert.Error(t, Write(filepath.Join(dir, "missing", "x"), func(io.Writer) error { return nil }))
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, s)
		return err
	}
}

// TestWriteTargets: only a regular file, a new path or a link to
// a regular file is written; a device node, a named pipe, a directory or
// a dangling link is refused with a *FileError and left as it was.
func TestWriteTargets(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "secret.json")
	require.NoError(t, os.WriteFile(regular, []byte("old"), 0o600))
	link := filepath.Join(dir, "link.json")
	require.NoError(t, os.Symlink("secret.json", link))
	pipe := filepath.Join(dir, "fifo.json")
	if err := fifo.Make(pipe); errors.Is(err, errors.ErrUnsupported) {
		t.Skip("no named pipes on this system")
	} else {
		require.NoError(t, err)
	}
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o755))
	dangling := filepath.Join(dir, "dangling.json")
	require.NoError(t, os.Symlink("nowhere.json", dangling))
	toDir := filepath.Join(dir, "todir.json")
	require.NoError(t, os.Symlink("sub", toDir))

	// A regular file keeps its mode (0600 here, not 0644).
	require.NoError(t, Write(regular, writeString("new")))
	fi, err := os.Stat(regular)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	// A link to a regular file: the file is replaced, the link stays.
	require.NoError(t, Write(link, writeString("via link")))
	lfi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, lfi.Mode()&os.ModeSymlink, "the link is still a link")
	got, err := os.ReadFile(regular)
	require.NoError(t, err)
	assert.Equal(t, "via link", string(got))
	fi, err = os.Stat(regular)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	refused := []struct{ name, path, want string }{
		{"named pipe", pipe, "is a named pipe, not a regular file"},
		{"directory", sub, "is a directory"},
		{"dangling link", dangling, "is a symbolic link that does not resolve to a file"},
		{"link to a directory", toDir, "(a directory), not a regular file: not replaced"},
		{"device", charDevice(t), "is a character device, not a regular file"},
		{"missing directory", filepath.Join(dir, "missing", "x.json"), "no such file or directory"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.Lstat(tt.path)
			err := Write(tt.path, writeString("x"))
			var fe *FileError
			require.ErrorAs(t, err, &fe)
			assert.Contains(t, err.Error(), "write "+tt.path+": ")
			assert.Contains(t, err.Error(), tt.want)
			after, _ := os.Lstat(tt.path)
			if before != nil {
				assert.Equal(t, before.Mode(), after.Mode(), "left as it was")
			}
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 6, "no temporary file left")
}

// TestWriteFullDisk: a write error of the file is a *FileError
// (exit status 1), whatever the writer wrapped it in.
func TestWriteFullDisk(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	// The temporary file is in the target's directory, which cannot be
	// made full here: the writer under the buffer is checked on /dev/full.
	full := &ctxWriter{ctx: context.Background(), w: devFull(t), path: "out.json"}
	_, err := full.Write([]byte("x"))
	require.Error(t, err)
	var fe *FileError
	require.ErrorAs(t, full.err, &fe)
	assert.Equal(t, "write out.json: no space left on device", fe.Error())
}

func devFull(t *testing.T) *os.File {
	f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

// TestPendingAbort: a write under way when its Pending is aborted leaves
// no temporary file and does not replace its target; a cancelled context
// stops a write at its next byte.
func TestPendingAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	var p Pending
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- p.WriteFile(context.Background(), path, func(w io.Writer) error {
			io.WriteString(w, "new")
			close(started)
			<-release
			return nil
		})
	}()
	<-started
	p.Abort()
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "the temporary file is removed by Abort, before the write returns")
	close(release)
	assert.ErrorIs(t, <-done, errAborted)
	got, _ := os.ReadFile(path)
	assert.Equal(t, "old", string(got))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := (*Pending)(nil).WriteFile(ctx, path, writeString("new"))
	assert.ErrorIs(t, err, context.Canceled)
	entries, _ = os.ReadDir(dir)
	assert.Len(t, entries, 1)
}

func TestCheckTarget(t *testing.T) {
	dir := t.TempDir()
	assert.NoError(t, CheckTarget(filepath.Join(dir, "new.json")))
	file := filepath.Join(dir, "f")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	assert.NoError(t, CheckTarget(file))
	for _, tt := range []struct{ path, want string }{
		{filepath.Join(dir, "missing", "x.json"), "no such file or directory"},
		{filepath.Join(file, "x.json"), "not a directory"},
		{dir, "is a directory"},
		{charDevice(t), "is a character device, not a regular file"},
	} {
		err := CheckTarget(tt.path)
		var fe *FileError
		require.ErrorAs(t, err, &fe, tt.path)
		assert.Contains(t, err.Error(), tt.want)
	}
}

// charDevice returns a character device to try to write over. On this
// shared machine /dev/null was once found a regular file (a program, run
// as root with the old writer, had replaced it): take whichever of the
// usual devices still is one.
func charDevice(t *testing.T) string {
	for _, p := range []string{"/dev/null", "/dev/zero", "/dev/full"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return p
		}
	}
	t.Skip("no character device to test with")
	return ""
}
