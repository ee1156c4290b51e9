#!/usr/bin/env bash
# Lists every value SAM's secret rules replace when collecting commits, code and docs of REPO (into a
# throw-away home): kind, value, line, grouped by kind — to judge their precision on your own code.
#   usage: scripts/scrub-audit.sh REPO [OUT.tsv]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
repo="$(readlink -f "${1:?usage: scripts/scrub-audit.sh REPO [OUT.tsv]}")"
out="$(readlink -f "${2:-scrub-audit.tsv}")"
cd "$root"
exec mvn -q -B ${MAVEN_ARGS:-} -Pscrub-audit -pl sam-collect -am verify -DskipTests -Daudit.repo="$repo" -Daudit.out="$out"
