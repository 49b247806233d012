package main

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dominosim/domino/internal/fifo"
)

// mkfifo makes a named pipe at path for the tests that check domino
// refuses one without blocking; where the system has none, the test skips.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	err := fifo.Make(path)
	if errors.Is(err, errors.ErrUnsupported) {
		t.Skip("no named pipes on this system")
	}
	require.NoError(t, err)
}
