#!/usr/bin/env bash
# Benchmark of `sam collect` (commits, then code and docs) on a real repository: this checkout against a base
# build (default: main), in one run, interleaved (base, this, base, this, ...), each run a fresh JVM and a fresh
# SAM home. Prints medians (seconds, commits/s, CPU seconds) and writes bench/results/<date>-collect.json with
# every run, the CPU model/flags and the load average.
#   usage: bench/collect.sh REPO [BASE_REF] [ROUNDS]     e.g. bench/collect.sh ~/src/gson main 5
# REPO is a git work tree or bare repository (google/gson, 2,226 commits, is the reference). The base is
# exported with `git archive` into a temporary directory and its sam-core + sam-collect are compiled there.
# Each side's JVM gets the options its own launcher gives `sam collect` (the collect: line of its jvm.options,
# none where the file is absent). Bounded: 2 x ROUNDS collections + 1 warm-up. Extra Maven flags via MAVEN_ARGS.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
repo="$(readlink -f "${1:?usage: bench/collect.sh REPO [BASE_REF] [ROUNDS]}")"
base_ref="${2:-main}"
rounds="${3:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/base"
git -C "$root" archive "$base_ref" | tar -x -C "$work/base"
(cd "$work/base" && mvn -q -B ${MAVEN_ARGS:-} -pl sam-collect -am compile)
base_cp="$work/base/sam-core/target/classes:$work/base/sam-collect/target/classes"
cd "$root"
mvn -q -B ${MAVEN_ARGS:-} -Pbench-collect -pl sam-collect -am verify -DskipTests \
  -Dbench.repo="$repo" -Dbench.base.cp="$base_cp" -Dbench.base.ref="$base_ref" -Dbench.rounds="$rounds" \
  -Dbench.base.jvm.options="$work/base/jvm.options"
