package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

// runMeter measures a run for --stats: wall time, the process's CPU time
// (user+sys) over the run alone, and the workers' figures that sim fills in.
type runMeter struct {
	start  time.Time
	cpu0   time.Duration
	cpuOK  bool
	stats  sim.RunStats
	wall   time.Duration
	cpu    time.Duration
	trials int
}

func startMeter() *runMeter {
	m := &runMeter{start: time.Now()}
	m.cpu0, m.cpuOK = processCPU()
	return m
}

func (m *runMeter) stop(trials int) {
	m.wall, m.trials = time.Since(m.start), trials
	if cpu1, ok := processCPU(); ok && m.cpuOK {
		m.cpu = cpu1 - m.cpu0
	} else {
		m.cpuOK = false
	}
}

// write prints the figures: CPU time per trial first, since on a shared
// machine it is the figure that means something; wall time beside the
// machine's load, which says how far to trust it.
func (m *runMeter) write(w io.Writer) {
	if m.trials == 0 {
		fmt.Fprintln(w, "stats: no trial was run")
		return
	}
	per := func(d time.Duration, n int) string {
		return fmt.Sprintf("%.1f µs a trial", float64(d)/float64(time.Microsecond)/float64(n))
	}
	fmt.Fprintf(w, "stats: %s trials\n", output.Count(float64(m.trials)))
	if m.cpuOK {
		fmt.Fprintf(w, "  process CPU (user+sys) during the run: %s = %s, %s trials per CPU-second\n",
			m.cpu.Round(time.Millisecond), per(m.cpu, m.trials),
			output.Count(float64(m.trials)/m.cpu.Seconds()))
	} else {
		fmt.Fprintln(w, "  process CPU: not available on this system")
	}
	for i, ws := range m.stats.Workers {
		line := fmt.Sprintf("  worker %d: %s trials, busy %s", i+1, output.Count(float64(ws.Trials)), ws.Busy.Round(time.Millisecond))
		if ws.CPUKnown && ws.Trials > 0 {
			line += fmt.Sprintf(", thread CPU %s = %s", ws.CPU.Round(time.Millisecond), per(ws.CPU, ws.Trials))
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "  wall time: %s = %s, %s trials/s (%d CPUs; %s)\n",
		m.wall.Round(time.Millisecond), per(m.wall, m.trials), output.Count(float64(m.trials)/m.wall.Seconds()),
		runtime.NumCPU(), loadAverage())
	fmt.Fprintln(w, "  instructions per trial: scripts/trial-instructions.sh (callgrind; repeatable on a busy machine)")
}

// loadAverage describes the machine's load over the last minute, which
// says how much the wall time is worth.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load average unknown"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "load average unknown"
	}
	return "load average " + f[0] + " over the last minute"
}
