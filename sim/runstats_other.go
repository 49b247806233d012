//go:build !linux

package sim

import "time"

func lockThread()   {}
func unlockThread() {}

// threadCPU cannot tell a thread's CPU time here.
func threadCPU() (time.Duration, bool) { return 0, false }
