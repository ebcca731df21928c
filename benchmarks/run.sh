#!/usr/bin/env bash
# Build and run the JMH benchmarks.
#   benchmarks/run.sh quick   # 1 fork, short iterations: a few minutes on 2 cores
#   benchmarks/run.sh full    # 2 forks, longer iterations
#   benchmarks/run.sh quick 'PlainOverhead'   # a regex of benchmarks to run
# Results go to benchmarks/target/jmh-result.json and the console; -prof gc adds bytes/op.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-quick}"
filter="${2:-.}"
./mvnw -q -B -pl benchmarks -am package -DskipTests
cp="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
case "$mode" in
	quick) opts=(-f 1 -wi 2 -w 2s -i 3 -r 2s) ;;
	full) opts=(-f 2 -wi 3 -w 5s -i 5 -r 5s) ;;
	*) echo "usage: $0 [quick|full] [regex]" >&2; exit 2 ;;
esac
exec java -cp "$cp" org.openjdk.jmh.Main "${opts[@]}" -prof gc -rf json -rff benchmarks/target/jmh-result.json "$filter"
