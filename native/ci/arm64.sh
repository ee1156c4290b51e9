#!/bin/sh
# ci/arm64.sh — proves native/ on Linux arm64 without arm64 hardware: cross-builds it with Debian's
# aarch64-linux-gnu-gcc (cmake/aarch64-linux-gnu.cmake) and runs the WHOLE ctest suite — fixture
# oracles, gradient checks, training, kernels (NEON micro-kernels and dequantization against the
# portable reference), errors, sampling, ABI, layering — under qemu-aarch64, with the same tolerances
# as on x86-64; then the kernel tests once more on the portable C path (SAM_ISA=generic), and once with
# the Armv8.2 dot-product instructions (the int8 decode kernel's SDOT path).
# The build is the one a Mac gets — NEON kernels and the library's own pthread pool (no OpenMP) —
# unless SAM_ARM64_OPENMP=AUTO asks for OpenMP (what a Linux arm64 build with gcc uses by default).
# Needs: cmake, gcc-aarch64-linux-gnu, qemu-user (Debian packages; .ci/run installs them).
# Usage: native/ci/arm64.sh [build-dir]   (default native/build-arm64)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-arm64}
for tool in cmake aarch64-linux-gnu-gcc qemu-aarch64; do
  command -v "$tool" >/dev/null || { echo "arm64.sh: $tool not found (apt-get install cmake gcc-aarch64-linux-gnu qemu-user)" >&2; exit 2; }
done
start=$(date +%s)
cmake -S "$here" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$here/cmake/aarch64-linux-gnu.cmake" -DCMAKE_BUILD_TYPE=Release \
  -DSAM_OPENMP="${SAM_ARM64_OPENMP:-OFF}"
cmake --build "$build" -j2
built=$(date +%s)
cd "$build"
ctest --output-on-failure -j2
SAM_ISA=generic ctest --output-on-failure -R '^test_kernels$'
# The int8 decode kernel has two inner products: widening multiplies (the base Armv8.0 build above) and
# SDOT (Armv8.2 dot product, every Apple Silicon core; chosen at compile time, __ARM_FEATURE_DOTPROD).
# The kernel tests once more with the latter (qemu-aarch64 emulates it).
cmake -S "$here" -B "$build-dotprod" -DCMAKE_TOOLCHAIN_FILE="$here/cmake/aarch64-linux-gnu.cmake" -DCMAKE_BUILD_TYPE=Release \
  -DSAM_OPENMP=OFF -DCMAKE_C_FLAGS=-march=armv8.2-a+dotprod
cmake --build "$build-dotprod" -j2 --target test_kernels
(cd "$build-dotprod" && ctest --output-on-failure -R '^test_kernels$')
end=$(date +%s)
echo "arm64.sh: build $((built - start)) s, tests under qemu $((end - built)) s (wall); CPU time (user, system) of this shell and of its children:"
times
