#!/usr/bin/env bash
# Trainer speed and memory benchmark at the real Qwen2.5-Coder-1.5B shape (issue 5). One command:
#   bench/train.sh [--steps 3] [--skip torch,full,...]   (bench/train.sh --help lists the options)
# Builds sam-bench (and what it needs) unless SAM_BENCH_NO_BUILD=1, generates the random models once into
# bench/work/models/, runs every measurement in its own JVM, prints a table with PASS/FAIL per target and
# writes bench/results/<YYYY-MM-DD>-train.json. Exit status 0 when every target passes, 1 otherwise.
# SAM_BENCH_MAIN selects another benchmark class of sam-bench (bench/curriculum.sh uses it).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
cp_file="sam-bench/target/bench.classpath"
if [[ "${SAM_BENCH_NO_BUILD:-0}" != 1 ]]; then
  echo "bench: building sam-bench (mvn package -pl sam-bench -am -DskipTests)" >&2
  # offline first (everything is usually in ~/.m2); online if something is missing
  mvn -q -B -o package -pl sam-bench -am -DskipTests >&2 || mvn -q -B package -pl sam-bench -am -DskipTests >&2
fi
if [[ ! -f "$cp_file" || ! -d sam-bench/target/classes ]]; then
  echo "error: sam-bench is not built ($cp_file missing)" >&2
  echo "hint: run bench/train.sh without SAM_BENCH_NO_BUILD=1" >&2
  exit 2
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_bin" -Xmx1g -cp "sam-bench/target/classes:$(cat "$cp_file")" "${SAM_BENCH_MAIN:-dev.sam.bench.TrainBench}" "$@"
