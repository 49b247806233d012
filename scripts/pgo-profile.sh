#!/bin/bash
# Writes cmd/domino/default.pgo, the CPU profile that `go build` and
# `go run ./cmd/domino` use for profile-guided optimisation (Go's -pgo=auto
# reads default.pgo from the main package's folder). With it the compiler
# inlines the engine's hot calls that its budget otherwise refuses, which
# cut a generated 1,000-service fire trial from 1.09 to 0.91 million
# instructions with aggregation. The profile only steers the compiler:
# results are the same bits with and without it (scripts/same-results.sh).
# Run it again after a change to the engine's hot code: a stale profile is
# never wrong, it only helps less.
#   scripts/pgo-profile.sh            BENCHTIME=3s by default
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime=${BENCHTIME:-3s}
out=$PWD/cmd/domino/default.pgo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The cases a user runs most: a large fire (the crew phase and the tail), a
# large random scenario (repairs and failovers), capacity with carried load,
# the embedded Kakao case and a small reliability system; all with
# aggregation, as `domino run` does.
go test -run '^$' -bench 'BenchmarkTrialAggregated$/^(kakao|gen-1000|gen-1000-random|gen-1000-load-carried|sp-20)$' \
	-benchtime "$benchtime" -cpuprofile "$tmp/cpu.prof" -o "$tmp/sim.test" ./sim
mv "$tmp/cpu.prof" "$out"
echo "wrote $out ($(wc -c <"$out") bytes)"
