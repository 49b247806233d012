#!/bin/bash
# CPU time per trial of `domino run`, base commit against the working tree,
# interleaved (old, new, old, new, ...) so that a change in the machine's
# load falls on both alike, with medians. CPU time (user+sys of the whole
# process, from /usr/bin/time) is the yardstick on a shared machine; wall
# time is left out: `domino run --stats` prints it beside the load average. Set-up (loading, compiling)
# is taken out by running each case at two trial counts and dividing the
# difference: (cpu(T) - cpu(T0)) / (T - T0).
#   scripts/cpu-per-trial.sh [BASE]      BASE defaults to HEAD
#   RUNS=7 TRIALS=20000 WORKERS=2 scripts/cpu-per-trial.sh main
# Cases: the generated 1,000-service fire and random scenarios, and the
# embedded Kakao case. For instructions per trial, see
# scripts/trial-instructions.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-HEAD} runs=${RUNS:-5} trials=${TRIALS:-5000} t0=${T0:-200} workers=${WORKERS:-2}
dir=$(mktemp -d)
trap 'git worktree remove --force "$dir/base-tree" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
git worktree add -q --detach "$dir/base-tree" "$base"
(cd "$dir/base-tree" && go build -o "$dir/old" ./cmd/domino)
go build -o "$dir/new" ./cmd/domino
"$dir/new" gen --services 1000 --sites 6 --seed 1 -o "$dir/g1000.yaml" 2>/dev/null

# cpu BIN ARGS...: user+sys seconds of one run.
cpu() {
	local bin=$1
	shift
	/usr/bin/time -f "%U %S" -o "$dir/time" "$bin" "$@" --workers "$workers" --format json -o "$dir/out.json" >/dev/null 2>&1
	awk '{ print $1 + $2 }' "$dir/time"
}

# pertrial N BIN ARGS...: µs of CPU per trial over N trials, set-up taken out.
pertrial() {
	local n=$1 bin=$2
	shift 2
	local a b
	a=$(cpu "$bin" "$@" --trials "$t0")
	b=$(cpu "$bin" "$@" --trials "$n")
	awk -v a="$a" -v b="$b" -v n="$((n - t0))" 'BEGIN { printf "%.1f\n", (b - a) / n * 1e6 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs; $runs interleaved runs; $trials trials, Kakao ten times as many (set-up from $t0); $workers workers"
printf '%-22s %14s %14s %8s\n' case "old µs/trial" "new µs/trial" change
for name in gen-1000-fire gen-1000-random kakao; do
	# A Kakao trial costs a tenth of a generated one: ten times the trials
	# keep its difference of CPU times well above their noise: at 5,000
	# trials it was some 70 ms, and a median of five once came out 57%
	# slower for a change that made a Kakao trial 12% cheaper.
	count=$trials
	case $name in
	gen-1000-fire) c="$dir/g1000.yaml --scenario fire" ;;
	gen-1000-random) c="$dir/g1000.yaml --scenario random" ;;
	kakao) c="kakao-pangyo-2022" count=$((trials * 10)) ;;
	esac
	: >"$dir/old.txt"
	: >"$dir/new.txt"
	for _ in $(seq "$runs"); do
		pertrial "$count" "$dir/old" run $c >>"$dir/old.txt"
		pertrial "$count" "$dir/new" run $c >>"$dir/new.txt"
	done
	o=$(median <"$dir/old.txt") n=$(median <"$dir/new.txt")
	printf '%-22s %14s %14s %7s%%\n' "$name" "$o" "$n" "$(awk -v o="$o" -v n="$n" 'BEGIN { printf "%+.1f", (n - o) / o * 100 }')"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
