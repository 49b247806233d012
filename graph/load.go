package graph

import (
	"errors"
	"io"
	"io/fs"
)

// Load reads a platform or scenario file from r; name is used in error
// positions and to resolve a `platform:` reference relative to it (on the
// OS file system). Input problems come back as an ErrorList.
func Load(r io.Reader, name string) (*File, error) {
	return nil, errors.New("graph: Load not implemented yet")
}

// LoadFile loads the file at path.
func LoadFile(path string) (*File, error) {
	return nil, errors.New("graph: LoadFile not implemented yet")
}

// LoadFS loads name from fsys, resolving `platform:` references within fsys.
func LoadFS(fsys fs.FS, name string) (*File, error) {
	return nil, errors.New("graph: LoadFS not implemented yet")
}
