#!/usr/bin/env bash
# Benchmark of `sam serve`: 20 concurrent clients x 500 requests to GET /api/self (and /v1/models) on a
# free 127.0.0.1 port, after a warm-up, then 4 clients x 25 chat completions with the real engine on
# the tiny model; prints p50/p90/p99 and writes bench/results/<date>-serve.json.
# Loopback only, bounded (~10 000 requests per endpoint, about a minute on 2 cores).
# Extra Maven flags (e.g. -o for offline) via MAVEN_ARGS.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
# -am builds sam-core/train/deploy from this checkout (no install into ~/.m2); the bench runs in the
# integration-test phase of sam-serve's bench-serve profile (dev.sam.serve.ServeBench, test classpath).
exec mvn -q -B ${MAVEN_ARGS:-} -Pbench-serve -pl sam-serve -am verify -DskipTests
