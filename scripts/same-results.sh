#!/bin/bash
# Checks that the working tree gives byte-identical results to a base
# commit (default HEAD) on every embedded scenario, the capacity example,
# generated platforms with their fire and random scenarios, a rank and a
# merge of shards. For changes that must not change a single result, such
# as performance work.
#   scripts/same-results.sh [BASE]    TRIALS=1000 by default
# A change that adds fields and must leave every other one as it was names
# them in DROP, a jq filter applied to both sides before they are compared:
#   DROP='del(.platform.full_restored_ms)' scripts/same-results.sh main
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-HEAD} trials=${TRIALS:-1000}
dir=$(mktemp -d)
trap 'git worktree remove --force "$dir/base-tree" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
git worktree add -q --detach "$dir/base-tree" "$base"
(cd "$dir/base-tree" && go build -o "$dir/old" ./cmd/domino)
go build -o "$dir/new" ./cmd/domino
"$dir/new" gen --services 1000 --sites 6 --seed 1 -o "$dir/g1000.yaml" 2>/dev/null
"$dir/new" gen --services 200 --sites 3 --seed 7 -o "$dir/g200.yaml" 2>/dev/null

# The examples table ends each line with its scenario ids, comma-separated.
cases=()
for name in $("$dir/new" examples | awk 'NR > 1 && NF { print $1 }'); do
	for s in $("$dir/new" examples | awk -v n="$name" '$1 == n' | grep -o '[a-z0-9-]*\(, [a-z0-9-]*\)*$' | tr -d ','); do
		cases+=("run $name --scenario $s")
	done
done
cases+=("run docs/examples/capacity.yaml")
for f in g1000 g200; do
	cases+=("run $dir/$f.yaml --scenario fire" "run $dir/$f.yaml --scenario random")
done
cases+=("rank kakao-pangyo-2022 --trials 200")

fail=0 n=0
for c in "${cases[@]}"; do
	n=$((n + 1))
	extra="--trials $trials"
	[[ $c == *--trials* ]] && extra=""
	"$dir/old" $c $extra --format json -o "$dir/a.json" >/dev/null 2>&1 || { echo "old failed: $c"; fail=1; continue; }
	"$dir/new" $c $extra --format json -o "$dir/b.json" >/dev/null 2>&1 || { echo "new failed: $c"; fail=1; continue; }
	if [[ -n ${DROP:-} ]]; then
		for f in a b; do jq -S "$DROP" "$dir/$f.json" >"$dir/$f.dropped.json" && mv "$dir/$f.dropped.json" "$dir/$f.json"; done
	fi
	if ! cmp -s "$dir/a.json" "$dir/b.json"; then
		echo "DIFFERENT: $c"
		fail=1
	fi
done
# Shards merged must equal the single run, in the new build.
for i in 0 1 2; do
	"$dir/new" run "$dir/g200.yaml" --scenario fire --trials "$trials" --shard "$i/3" -o "$dir/p$i.json" >/dev/null 2>&1
done
"$dir/new" merge "$dir"/p?.json --format json -o "$dir/m.json" >/dev/null 2>&1
"$dir/new" run "$dir/g200.yaml" --scenario fire --trials "$trials" --format json -o "$dir/s.json" >/dev/null 2>&1
cmp -s "$dir/m.json" "$dir/s.json" || { echo "DIFFERENT: merge of 3 shards vs one run"; fail=1; }
if [[ $fail == 0 ]]; then
	echo "same results: $n cases and a 3-shard merge, $trials trials, against $(git rev-parse --short "$base")${DROP:+, apart from $DROP}"
fi
exit $fail
