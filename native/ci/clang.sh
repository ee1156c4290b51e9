#!/bin/sh
# ci/clang.sh — builds native/ with clang and -Werror on Linux (Apple's compiler is clang: this keeps
# the code free of GCC-only constructs and warnings), then runs the fast part of the suite.
# Needs: cmake, clang (Debian package; .ci/run installs it). Usage: native/ci/clang.sh [build-dir]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-clang}
command -v clang >/dev/null || { echo "clang.sh: clang not found (apt-get install clang)" >&2; exit 2; }
start=$(date +%s)
CC=clang cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSAM_WERROR=ON -DSAM_BUILD_TOOLS=ON
cmake --build "$build" -j2
cd "$build"
ctest --output-on-failure -R '^(test_kernels|test_fixture|test_errors|test_abi|layering)$'
echo "clang.sh: $(( $(date +%s) - start )) s"
