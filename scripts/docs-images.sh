#!/usr/bin/env bash
# docs-images.sh redraws the images under docs/img/ that README.md shows,
# with domino itself, from the embedded Kakao Pangyo 2022 example:
#
#   bash scripts/docs-images.sh        (or: go generate ./cmd/domino)
#
# It needs only Go. Every run is seeded (--seed 1, the default), so the
# images change only when the model, the scenario file or the drawing code
# does. The results files go to a temporary directory and are removed.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
out=docs/img
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

domino() { go run ./cmd/domino "$@"; }

file=kakao-pangyo-2022
trials=2000
# The baseline first: it gets the first colour and ranks the downtime chart.
scenarios=(pangyo-fire ops-and-failover standby-capacity zone-cutoff)

results=()
for s in "${scenarios[@]}"; do
	echo "run $s ($trials trials)" >&2
	domino run "$file" --scenario "$s" --trials "$trials" -o "$tmp/$s.json"
	results+=("$tmp/$s.json")
done

echo "capacity example" >&2
cap=docs/examples/capacity.yaml
domino run "$cap" --scenario short-standby -o "$tmp/short-standby.json"
domino run "$cap" --scenario full-standby -o "$tmp/full-standby.json"
domino plot "$tmp/short-standby.json" "$tmp/full-standby.json" --kind recovery \
	--title "A standby with a quarter of the capacity: up, but shedding three quarters of the load" \
	-o "$out/capacity-recovery.png"

echo "plot recovery, downtime" >&2
domino plot "${results[@]}" --kind recovery \
	--title "Kakao, Pangyo fire: recovery with and without mitigations" -o "$out/kakao-recovery.png"
domino plot "$tmp/pangyo-fire.json" "$tmp/ops-and-failover.json" --kind downtime \
	--title "Kakao, Pangyo fire: downtime by service, baseline vs ops tools and failover fixed" -o "$out/kakao-downtime.png"
domino plot "${results[@]}" --kind downtime --service talk-messaging \
	--title "Kakao, Pangyo fire: downtime of KakaoTalk messaging" -o "$out/kakao-talk-messaging-downtime.png"

echo "sensitivity, uncertainty" >&2
domino sensitivity "$file" --scenario pangyo-fire --versus ops-and-failover --trials "$trials" -o "$out/kakao-tornado.png"
domino run "$file" --scenario pangyo-fire --trials 500 --uncertainty 40 -o "$tmp/kakao-uncertainty.json"
domino plot "$tmp/kakao-uncertainty.json" --kind recovery \
	--title "Kakao, Pangyo fire: recovery, with the spread over 40 draws of the assumptions" -o "$out/kakao-uncertainty-recovery.png"

echo "risk, loss exceedance" >&2
domino risk ovh-sbg-2021 --scenario sbg-yearly -o "$tmp/ovh-risk.json"
domino risk aws-us-east-1-2021 --scenario yearly-disruptions -o "$tmp/aws-risk.json"
domino plot "$tmp/ovh-risk.json" "$tmp/aws-risk.json" --kind exceedance \
	--title "User-hours lost in a year: OVH Strasbourg customers and AWS us-east-1" -o "$out/risk-exceedance.png"

echo "graph" >&2
domino graph "$file" -o "$out/kakao-graph.svg"
domino graph "$file" -o "$out/kakao-graph.png"

# domino trace arrived after this script; skip it in a tree without it.
if domino help trace >/dev/null 2>&1; then
	echo "trace" >&2
	domino trace "$file" --trial median --format svg -o "$out/kakao-cascade.svg"
fi

ls -l "$out" >&2
