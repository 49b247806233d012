package layering

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNoReferenceOutsideTheRepository checks that no source, doc or
// scenario file cites the design contract or the shared folder by a path
// outside the repository: the specification the project cites is
// docs/model.md (docs/architecture.md).
func TestNoReferenceOutsideTheRepository(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	forbidden := []string{"MODEL" + ".md", "/work/" + "shared", "../shared/" + "design", "../shared/" + "reference"}
	checked := 0
	err = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".md", ".yaml", ".yml", ".json", ".sh":
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		checked++
		for _, f := range forbidden {
			assert.NotContains(t, string(b), f, "%s cites a file outside the repository: cite docs/model.md", path[len(root)+1:])
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, checked, 100, "read too few files: the test checks nothing")
}
