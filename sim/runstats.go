package sim

import "time"

// WorkerStat is what one worker of a run did: the trials it ran, the wall
// time it spent running them, and the CPU time of its thread meanwhile. On a
// shared machine the CPU time is the yardstick: wall time grows with the
// other jobs' load, CPU time per trial barely does.
type WorkerStat struct {
	Trials int
	Busy   time.Duration
	// CPU is the thread's user+sys time; 0 where the system cannot tell it
	// (threadCPU reports ok false), and then CPUKnown is false.
	CPU      time.Duration
	CPUKnown bool
}

// RunStats receives the workers' figures of a run when Options.Stats
// points at one: RunAggregate fills Workers, one entry a worker.
type RunStats struct {
	Workers []WorkerStat
}

// measure starts the clocks of a worker; the returned function stops them
// and stores the figures in ws. The worker's goroutine is locked to its
// thread meanwhile, so that the thread's CPU clock is the worker's alone.
func measure(ws *WorkerStat) (stop func(trials int)) {
	lockThread()
	start := time.Now()
	cpu0, ok0 := threadCPU()
	return func(trials int) {
		cpu1, ok1 := threadCPU()
		ws.Trials, ws.Busy = trials, time.Since(start)
		if ok0 && ok1 {
			ws.CPU, ws.CPUKnown = cpu1-cpu0, true
		}
		unlockThread()
	}
}
