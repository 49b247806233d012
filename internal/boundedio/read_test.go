package boundedio

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/internal/fifo"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	require.NoError(t, os.WriteFile(small, []byte("version: 1\n"), 0o644))
	got, err := ReadFile(small, 11)
	require.NoError(t, err)
	assert.Equal(t, "version: 1\n", string(got))

	_, err = ReadFile(small, 10)
	var tl *TooLargeError
	require.ErrorAs(t, err, &tl)
	assert.Equal(t, "read "+small+": file is larger than 10 bytes", err.Error())

	_, err = ReadFile(dir, 100)
	assert.ErrorIs(t, err, ErrNotRegular)
	assert.Equal(t, "read "+dir+": is a directory", err.Error())

	link := filepath.Join(dir, "link.yaml")
	require.NoError(t, os.Symlink("small.yaml", link))
	got, err = ReadFile(link, 100)
	require.NoError(t, err, "a symbolic link to a regular file is read")
	assert.Equal(t, "version: 1\n", string(got))
}

// TestReadFileRefusesAtOnce: a named pipe without a writer and a device
// are refused at once; os.ReadFile would block on the one and read the
// other forever.
func TestReadFileRefusesAtOnce(t *testing.T) {
	fifoPath := filepath.Join(t.TempDir(), "fifo.yaml")
	err := fifo.Make(fifoPath)
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skip("no named pipes on this system")
	}
	require.NoError(t, err)
	tests := []struct {
		name, path, want string
	}{
		{"named pipe", fifoPath, "is a named pipe, not a regular file"},
		{"character device", "/dev/zero", "is a character device, not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				_, err := ReadFile(tt.path, 1<<20)
				done <- err
			}()
			select {
			case err := <-done:
				require.ErrorIs(t, err, ErrNotRegular)
				assert.Equal(t, "read "+tt.path+": "+tt.want, err.Error())
			case <-time.After(5 * time.Second):
				t.Fatalf("ReadFile(%s) still blocked after 5 s", tt.path)
			}
		})
	}
}

// TestReadOpenedChecksTheFd: the type is checked on the opened file too, so
// a path swapped for a pipe after the first check is still refused.
func TestReadOpenedChecksTheFd(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	_, err = ReadOpened(r, "p.yaml", 100)
	assert.ErrorIs(t, err, ErrNotRegular)
	var pe *fs.PathError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "p.yaml", pe.Path)
}

func TestReadLimited(t *testing.T) {
	got, err := ReadLimited(strings.NewReader("abc"), 3, 0)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(got))
	_, err = ReadLimited(strings.NewReader("abcd"), 3, 0)
	assert.EqualError(t, err, "file is larger than 3 bytes")
	_, err = ReadLimited(zeros{}, 2<<20, 0)
	assert.EqualError(t, err, "file is larger than 2 MiB", "an endless reader stops at the cap")
}

// zeros is an endless reader, as /dev/zero.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
