#!/usr/bin/env bash
# Smoke test of a SAM home for CI and cron: is SAM installed, can it read the home, is the version store intact?
#
#   scripts/smoke.sh --sam-home DIR        (or: SAM_HOME=DIR scripts/smoke.sh)
#
# 1. `sam status --json`: exit 0 is ok; exit 3 ("not ready") is accepted and reported; anything else fails.
#    The JSON must carry the keys scripts rely on (sam_home, training_data.total_samples, ready_to_train,
#    model_version, deployment.total_versions, warnings) — checked with jq when present, else with grep.
# 2. When versions exist: `sam verify --json` (checksums; versions.json, current.txt, symlink and sam.db agree).
#    Skip it with --no-verify.
# Prints one line "PASS sam smoke: ..." (stdout, exit 0) or "FAIL sam smoke: ..." (stderr, exit 1; 2 for a
# usage error of this script), with the command's own error and hint above it. Never creates a home: a
# missing directory fails, so that a mistyped SAM_HOME in a crontab is noticed instead of starting afresh.
#
# Environment: SAM_HOME (the home, unless --sam-home), SAM_BIN (the sam launcher; default: ../sam next to
# this script, built with `mvn -q -B package -DskipTests`).
# Cron example: */30 * * * * SAM_HOME=$HOME/.sam /opt/sam/scripts/smoke.sh >>$HOME/.sam/logs/smoke.log 2>&1
set -uo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
sam="${SAM_BIN:-$here/../sam}"
home="${SAM_HOME:-}"
verify=1

usage() {
  sed -n '2,/^set -uo/{/^#/p}' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

fail() { # fail MESSAGE [EXIT]
  echo "FAIL sam smoke: $1" >&2
  exit "${2:-1}"
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --sam-home) [[ $# -ge 2 ]] || fail "--sam-home needs a directory (see --help)" 2; home="$2"; shift 2 ;;
    --sam-home=*) home="${1#--sam-home=}"; shift ;;
    --no-verify) verify=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) fail "unknown argument '$1' (see --help)" 2 ;;
  esac
done

[[ -n "$home" ]] || fail "no SAM home: set SAM_HOME or pass --sam-home DIR" 2
[[ -d "$home" ]] || fail "SAM home $home does not exist (a smoke test never creates one; check SAM_HOME)"
# sam itself would lay out any directory as a new home: a mistyped SAM_HOME=$HOME must fail, not pass
[[ -f "$home/sam.db" || -f "$home/config.yaml" || -d "$home/training_data" ]] \
  || fail "$home is not a SAM home (no sam.db, config.yaml or training_data/; a smoke test never creates one; check SAM_HOME)"
sam="$(command -v -- "$sam")" && [[ -x "$sam" ]] \
  || fail "the sam launcher ${SAM_BIN:-$here/../sam} is missing or not executable (set SAM_BIN, or build SAM)"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/sam-smoke.XXXXXX")" || fail "cannot make a temporary directory"
trap 'rm -rf "$tmp"' EXIT
t0=$SECONDS

# run NAME ARGS...: runs sam, stdout to $tmp/NAME.json, stderr to $tmp/NAME.err; sets rc
run() {
  local name="$1"; shift
  "$sam" --sam-home "$home" "$@" --json >"$tmp/$name.json" 2>"$tmp/$name.err"
  rc=$?
}

# show NAME: what the command said on failure (its JSON error with hint, and its stderr)
show() {
  echo "--- sam $1: exit $rc" >&2
  cat "$tmp/$1.json" "$tmp/$1.err" >&2
}

# value NAME PATH: a scalar from a JSON result (jq path like .deployment.total_versions), best effort without jq
value() {
  if command -v jq >/dev/null 2>&1; then
    jq -r "$2 | if . == null then \"\" else tostring end" "$tmp/$1.json" 2>/dev/null
  else
    local key="${2##*.}"
    grep -o "\"$key\" *: *[^,}]*" "$tmp/$1.json" | head -n 1 | sed 's/^[^:]*: *//; s/^"//; s/"$//; s/^null$//'
  fi
}

run status status
case "$rc" in
  0) ready_note="" ;;
  3) ready_note=" (exit 3: not ready)" ;;
  *) show status; fail "\`sam status\` exited $rc (home $home): see its error and hint above" ;;
esac

keys=(sam_home training_data total_samples ready_to_train model_version deployment total_versions warnings)
if command -v jq >/dev/null 2>&1; then
  jq -e 'has("sam_home") and has("model_version") and has("warnings")
         and (.training_data | has("total_samples") and has("ready_to_train"))
         and (.deployment | has("total_versions"))' "$tmp/status.json" >/dev/null 2>&1 \
    || { show status; fail "\`sam status --json\` is not the expected JSON (keys: ${keys[*]})"; }
else
  for k in "${keys[@]}"; do
    grep -q "\"$k\" *:" "$tmp/status.json" \
      || { show status; fail "\`sam status --json\` lacks the key \"$k\" (is this SAM's output?)"; }
  done
fi

samples="$(value status .training_data.total_samples)"
ready="$(value status .training_data.ready_to_train)"
active="$(value status .model_version)"
versions="$(value status .deployment.total_versions)"
summary="home $home: ${samples:-?} samples (ready to train: ${ready:-?}), active ${active:-none}, ${versions:-0} version(s)$ready_note"

if command -v jq >/dev/null 2>&1; then
  jq -r '.warnings[]? | "warning: " + .' "$tmp/status.json" >&2
fi

if [[ "$verify" == 1 && "${versions:-0}" =~ ^[0-9]+$ && "${versions:-0}" -gt 0 ]]; then
  run verify verify
  [[ "$rc" == 0 ]] || { show verify; fail "\`sam verify\` exited $rc: the version store of $home is not consistent (\`sam --sam-home $home verify --repair\` fixes what it can)"; }
  summary="$summary, store verified"
fi

echo "PASS sam smoke: $summary ($((SECONDS - t0)) s)"
