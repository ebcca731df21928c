#!/usr/bin/env bash
# Compare two builds on a noisy machine: run the JMH suite one fork at a time, alternating
# the builds (A B, B A, A B, ...), one JSON per fork, then print the median of the forks.
#   benchmarks/alternate.sh <checkout-before> <checkout-after> <rounds> '<regex>'
# Each checkout must have been built first: ./mvnw -q -B -pl benchmarks -am package -DskipTests
set -euo pipefail
before=$1 after=$2 rounds=$3 regex=$4
out=$(mktemp -d)
run() {
	(cd "$1" && java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
		dev.asyncutils.benchmarks.Suite -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc -rf json -rff "$out/$2.json" "$regex" > "$out/$2.log" 2>&1)
}
for r in $(seq 1 "$rounds"); do
	if [ $((r % 2)) = 1 ]; then run "$before" "before-$r"; run "$after" "after-$r"
	else run "$after" "after-$r"; run "$before" "before-$r"; fi
	echo "round $r of $rounds done ($out)" >&2
done
python3 - "$out" <<'PY'
import glob, json, statistics, sys
def load(side):
    forks = {}
    for path in sorted(glob.glob(f"{sys.argv[1]}/{side}-*.json")):
        for b in json.load(open(path)):
            name = ".".join(b["benchmark"].split(".")[-2:])
            entry = forks.setdefault(name, {"scores": [], "bytes": None})
            entry["scores"] += [statistics.mean(fork) for fork in b["primaryMetric"]["rawData"]]
            entry["bytes"] = b.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
    return forks
before, after = load("before"), load("after")
print("| benchmark | before: median of forks (min–max) | after: median of forks (min–max) | B/op before → after | change of medians |")
print("|---|---:|---:|---:|---:|")
for name in sorted(set(before) & set(after)):
    b, a = before[name]["scores"], after[name]["scores"]
    mb, ma = statistics.median(b), statistics.median(a)
    print(f"| {name} | {mb:.1f} ({min(b):.0f}–{max(b):.0f}) | {ma:.1f} ({min(a):.0f}–{max(a):.0f}) | "
          f"{before[name]['bytes'] or 0:.0f} → {after[name]['bytes'] or 0:.0f} | {(ma - mb) / mb * 100:+.0f} % |")
PY
