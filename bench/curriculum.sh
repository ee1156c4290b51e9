#!/usr/bin/env bash
# Curriculum / sample-weighting benchmark (issue 16): trains the tiny model with and without
# training.curriculum (length, loss) and training.weighting (quality, on noisy data) for the same steps and
# seeds, prints the held-out losses and writes bench/results/<date>-curriculum.json. ~1-3 minutes.
#   bench/curriculum.sh [--steps 200] [--seeds 3] [--out bench/results]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
cp_file="sam-bench/target/bench.classpath"
if [[ "${SAM_BENCH_NO_BUILD:-0}" != 1 ]]; then
  echo "bench: building sam-bench (mvn package -pl sam-bench -am -DskipTests)" >&2
  mvn -q -B package -pl sam-bench -am -DskipTests -Dnative.ctest.skip=true >&2
fi
if [[ ! -f "$cp_file" || ! -d sam-bench/target/classes ]]; then
  echo "error: sam-bench is not built ($cp_file missing)" >&2
  echo "hint: run bench/curriculum.sh without SAM_BENCH_NO_BUILD=1" >&2
  exit 2
fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_bin" -Xmx1g -cp "sam-bench/target/classes:$(cat "$cp_file")" dev.sam.bench.CurriculumBench "$@"
