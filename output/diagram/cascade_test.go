package diagram

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCascadeGolden draws the cascade of the small traced scenario that
// output's trace tests use (output/testdata/trace.yaml).
func TestCascadeGolden(t *testing.T) {
	src, err := os.ReadFile("../testdata/trace.yaml")
	require.NoError(t, err)
	r := traceOf(compileYAML(t, string(src), "dark-a"), 1, 0)
	var buf bytes.Buffer
	require.NoError(t, Cascade(&buf, r))
	golden(t, "trace.dot", buf.Bytes())
}

// TestCascadeRenders lays out the cascade of a Kakao trial: the SVG shows
// the root event.
func TestCascadeRenders(t *testing.T) {
	r := traceOf(loadKakao(t), 1, 0)
	var dot, svg bytes.Buffer
	require.NoError(t, Cascade(&dot, r))
	require.NoError(t, Write(context.Background(), &svg, dot.Bytes(), "svg"))
	assert.Contains(t, svg.String(), "<svg")
	assert.Contains(t, svg.String(), "loses power", "the SVG shows the root event")
}
