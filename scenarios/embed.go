package scenarios

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.yaml
var files embed.FS

// FS holds the embedded scenario files, one NAME.yaml each.
var FS fs.FS = files

// Default is the scenario file domino runs when given none.
const Default = "kakao-pangyo-2022"

// Names returns the names of the embedded scenario files, without ".yaml", sorted.
func Names() []string {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic("scenarios: " + err.Error())
	}
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// Has reports whether name is an embedded scenario file.
func Has(name string) bool {
	for _, n := range Names() {
		if n == name {
			return true
		}
	}
	return false
}

// Path returns the file name of an embedded scenario within FS.
func Path(name string) string { return name + ".yaml" }
