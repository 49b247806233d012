package diagram

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// layoutChild makes this test binary the child process of a Renderer:
// "serve" runs ServeLayout on the format in layoutFormat, "hang" blocks
// like a layout that would take minutes, "fail" fails as Graphviz would.
const (
	layoutChild  = "DIAGRAM_TEST_LAYOUT_CHILD"
	layoutFormat = "DIAGRAM_TEST_LAYOUT_FORMAT"
)

func TestMain(m *testing.M) {
	switch os.Getenv(layoutChild) {
	case "serve":
		if err := ServeLayout(os.Getenv(layoutFormat), os.Stdin, os.Stdout); err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(1)
		}
		os.Exit(0)
	case "hang":
		select {}
	case "fail":
		os.Stderr.WriteString("syntax error in line 1")
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// childRenderer runs this test binary as the child, in the given mode.
func childRenderer(mode string) Renderer {
	return Renderer{Command: func(ctx context.Context, format string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, os.Args[0])
		cmd.Env = append(os.Environ(), layoutChild+"="+mode, layoutFormat+"="+format)
		return cmd
	}}
}

// TestRendererChildSameBytes: a diagram laid out in a child process is
// byte for byte the one laid out in this process, as SVG and as PNG.
func TestRendererChildSameBytes(t *testing.T) {
	var dot bytes.Buffer
	require.NoError(t, Cascade(&dot, traceOf(loadKakao(t), 1, 0)))
	ctx := context.Background()
	for _, format := range []string{"svg", "png"} {
		t.Run(format, func(t *testing.T) {
			var here, child bytes.Buffer
			require.NoError(t, Write(ctx, &here, dot.Bytes(), format))
			require.NoError(t, childRenderer("serve").Write(ctx, &child, dot.Bytes(), format))
			assert.NotZero(t, here.Len())
			assert.True(t, bytes.Equal(here.Bytes(), child.Bytes()), "the child's %s differs from this process's", format)
		})
	}
}

// TestRendererChildKilled: when ctx is done, the child is killed and the
// render returns ctx's error at once, writing nothing.
func TestRendererChildKilled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	var out bytes.Buffer
	start := time.Now()
	err := childRenderer("hang").SVG(ctx, []byte("digraph { a }"), &out)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Zero(t, out.Len(), "nothing written")
}

// TestRendererChildFails: a child that fails is an error that says why,
// and nothing is written.
func TestRendererChildFails(t *testing.T) {
	var out bytes.Buffer
	err := childRenderer("fail").PNG(context.Background(), []byte("digraph { a }"), &out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "graphviz json in a child process: exit status 1: syntax error in line 1")
	assert.Zero(t, out.Len())
}

func TestServeLayoutUnknownFormat(t *testing.T) {
	err := ServeLayout("gif", bytes.NewReader(nil), &bytes.Buffer{})
	assert.ErrorContains(t, err, `unknown Graphviz output format "gif" (want svg or json)`)
}
