//go:build unix

// Package fifo makes named pipes for the tests that check domino refuses
// them without blocking; on systems without named pipes Make says so and
// those tests skip.
package fifo

import "syscall"

// Make creates a named pipe at path.
func Make(path string) error { return syscall.Mkfifo(path, 0o644) }
