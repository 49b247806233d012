package main

import (
	"bytes"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A flag read by a name not declared, or with another type, is a bug in
// domino: flagReader keeps the first such error and flagBug exits 3.
func TestFlagReader(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.String("format", "", "")
	fs.Int("trials", 0, "")
	require.NoError(t, fs.Parse([]string{"--format", "csv", "--trials", "7"}))

	fl := readFlags(fs)
	assert.Equal(t, "csv", fl.str("format"))
	assert.Equal(t, 7, fl.int("trials"))
	require.NoError(t, fl.err)

	assert.Zero(t, fl.bool("format"))  // wrong type: the first error
	assert.Empty(t, fl.str("missing")) // not declared: kept behind the first
	require.Error(t, fl.err)
	assert.Contains(t, fl.err.Error(), "format")

	var stderr bytes.Buffer
	code := flagBug(&env{cmd: "x", stderr: &stderr}, "x", fl.err)
	assert.Equal(t, exitInternal, code)
	assert.Contains(t, stderr.String(), "Error: x: ")
}
