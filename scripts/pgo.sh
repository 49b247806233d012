#!/usr/bin/env bash
# pgo.sh regenerates cmd/domino/default.pgo, the CPU profile that
# 'go build' uses for profile-guided optimisation of the domino binary
# (https://go.dev/doc/pgo), from representative commands: runs of a
# generated 1,000-service platform (fire and random failures), of the Kakao
# example, and a rank (BenchmarkCommands in cmd/domino/bench_test.go).
#
#   bash scripts/pgo.sh
#
# Rerun it after changing the engine's hot paths: a stale profile still
# works, but optimises what the code used to spend its time on. PGO never
# changes results, only speed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Profile without PGO, so the profile does not depend on the last one.
go test ./cmd/domino -pgo=off -run '^$' -bench 'BenchmarkCommands' -benchtime "${BENCHTIME:-3x}" \
	-cpuprofile "$tmp/cpu.pprof" -o "$tmp/domino.test" >&2
cp "$tmp/cpu.pprof" cmd/domino/default.pgo
echo "wrote cmd/domino/default.pgo ($(wc -c <cmd/domino/default.pgo) bytes)" >&2
