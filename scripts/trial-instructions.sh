#!/bin/bash
# Instructions per trial of BenchmarkTrial cases, counted by callgrind:
# repeatable whatever else the machine is doing, unlike ns/op on a shared
# machine. Only what runs inside Trial.Run and Aggregator.Add is counted,
# and each case runs at N1 and N2 trials; the difference over N2 − N1
# leaves out warming up (set-up, whose count varies by millions from run
# to run, is not counted at all).
#   scripts/trial-instructions.sh gen-1000 gen-1000-load-carried
#   BENCH=BenchmarkTrialAggregated scripts/trial-instructions.sh gen-1000
# Needs valgrind. Go's asynchronous preemption signals crash callgrind,
# hence GODEBUG; so does RDTSCP, which valgrind 3.19 cannot decode and the
# runtime uses to time lock spinning (cpu.rdtscp=off); one P and no GC keep
# the counts steady.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=${BENCH:-BenchmarkTrial}
# With aggregation, a service's values are recorded 256 at a time (pendCap
# in sim/stat.go): a window of 512 trials holds exactly two batches of a
# service affected in every trial, where one of 200 holds none or one.
window=200
[ "$BENCH" = BenchmarkTrialAggregated ] && window=512
N1=${N1:-50} N2=${N2:-$((${N1:-50} + window))}
bin=$(mktemp -d)/sim.test
go test -c -o "$bin" ./sim
cd sim
for c in "$@"; do
	count() {
		GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off GOGC=off GOMAXPROCS=1 valgrind --tool=callgrind \
			--toggle-collect='*sim.(*Trial).Run' --toggle-collect='*sim.(*Aggregator).Add' \
			--callgrind-out-file=/dev/null "$bin" -test.run '^$' \
			-test.bench "$BENCH\$/^$c\$" -test.benchtime "$1x" 2>&1 |
			sed -n 's/.*Collected : //p'
	}
	a=$(count "$N1") b=$(count "$N2")
	echo "$c $(( (b - a) / (N2 - N1) )) instructions/trial"
done
