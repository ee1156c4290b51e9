#!/usr/bin/env bash
# Decode-precision parity (issue 23): a tiny model quantized to 4 bits, a LoRA adapter trained on it per seed,
# held-out answers scored and generated through the decode path with fp32 and with int8 (q8) activations.
# Prints a table, writes bench/results/<date>-decode-parity.json. About two minutes.
#   bench/decode-parity.sh [--steps 1200] [--seeds 5] [--group 64] [--out bench/results]
# Builds like bench/train.sh (SAM_BENCH_NO_BUILD=1 skips the build).
set -euo pipefail
SAM_BENCH_MAIN=dev.sam.bench.DecodeParityBench exec "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/train.sh" "$@"
