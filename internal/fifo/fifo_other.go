//go:build !unix

package fifo

import "errors"

// Make reports that this system has no named pipes domino could be given.
func Make(path string) error { return errors.ErrUnsupported }
