#!/usr/bin/env bash
# Build and run the benchmarks: the JMH suite, then the measurements that are not
# throughput benchmarks (throttle accuracy, @Bounded waiters, batch throughput, batch
# stream memory), then a summary of everything.
#   benchmarks/run.sh quick                  # 1 fork, 2 x 1 s warm-up, 3 x 1 s measurement: < 10 min on 2 cores
#   benchmarks/run.sh full                   # 2 forks, 3 x 2 s warm-up, 5 x 2 s measurement, longer mains
#   benchmarks/run.sh quick 'PlainOverhead'  # only the JMH benchmarks matching a regex (no mains)
#   benchmarks/run.sh quick mains            # only the mains
# Results: benchmarks/target/jmh-result.json (JMH, with -prof gc's bytes/op) and
# benchmarks/target/results/*.md|*.json (the summary tables and each main's fragment).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-quick}"
filter="${2:-}"
case "$mode" in
	quick)
		jmh=(-f 1 -wi 2 -w 1s -i 3 -r 1s)
		accuracy_seconds=3 batch_runs=(1000000 3 5) ;;
	full)
		jmh=(-f 2 -wi 3 -w 2s -i 5 -r 2s)
		accuracy_seconds=10 batch_runs=(1000000 5 10) ;;
	*) echo "usage: $0 [quick|full] [regex|mains]" >&2; exit 2 ;;
esac
started=$(date +%s)
./mvnw -q -B -pl benchmarks -am package -DskipTests
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
out=benchmarks/target/results
mkdir -p "$out"
marker="$out/.run-started"
touch "$marker"
run_jmh=true run_mains=true
if [ "$filter" = mains ]; then run_jmh=false; elif [ -n "$filter" ]; then run_mains=false; fi
echo "JDK: $(java -version 2>&1 | head -1); cores: $(nproc); mode: $mode"
if $run_jmh; then
	rm -f benchmarks/target/contention-refusals.txt "$out/jmh-summary.md"
	java -cp "$cp" dev.asyncutils.benchmarks.Suite "${jmh[@]}" -prof gc \
		-rf json -rff benchmarks/target/jmh-result.json "${filter:-.}"
fi
if $run_mains; then
	rm -f "$out"/throttle-accuracy.* "$out"/bounded-waiters.* "$out"/batch-*.*
	java -cp "$cp" dev.asyncutils.benchmarks.ThrottleAccuracy "$accuracy_seconds"
	java -cp "$cp" dev.asyncutils.benchmarks.BoundedWaiters 100000
	java -cp "$cp" dev.asyncutils.benchmarks.BatchThroughput "${batch_runs[@]}"
	java -Xmx64m -cp "$cp" dev.asyncutils.benchmarks.BatchStreamMemory 10000000
fi
echo
echo "================ summary ($mode, $(( $(date +%s) - started )) s) ================"
for fragment in jmh-summary throttle-accuracy bounded-waiters batch-throughput batch-stream-memory; do
	if [ "$out/$fragment.md" -nt "$marker" ]; then
		cat "$out/$fragment.md"
		echo
	fi
done
if [ benchmarks/target/contention-refusals.txt -nt "$marker" ]; then
	echo "Permits refused in the contention benchmark (the bucket was never near empty):"
	cat benchmarks/target/contention-refusals.txt
fi
echo "JSON: benchmarks/target/jmh-result.json, $out/*.json"
