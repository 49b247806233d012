package graph

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load and compiles every scenario of the
// files it accepts: neither may panic. Seeded with the testdata files.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		for _, pat := range []string{"*.yaml", "*.json"} {
			files, _ := filepath.Glob(filepath.Join("testdata", dir, pat))
			for _, name := range files {
				b, err := os.ReadFile(name)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The name has no directory, so that a `platform:` reference is
		// looked up in the test's working directory (testdata files) or
		// not found: both must be handled.
		file, err := Load(bytes.NewReader(data), "fuzz.yaml")
		if err != nil {
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 {
				t.Fatalf("got %T %v, want a non-empty ErrorList", err, err)
			}
			for _, e := range list {
				if e.Pos.Line < 1 || e.Pos.Col < 1 {
					t.Fatalf("error without a position: %v", e)
				}
			}
			return
		}
		for _, sc := range file.Scenarios {
			if sc.Platform == nil {
				t.Fatalf("scenario %q has no platform", sc.ID)
			}
			Compile(sc) // an error is fine; a panic is not
		}
	})
}
