#!/usr/bin/env bash
# Curriculum / sample-weighting benchmark (issue 16): trains the tiny model with and without
# training.curriculum (length, loss) and training.weighting (quality, on noisy data) for the same steps and
# seeds, prints the held-out losses and writes bench/results/<date>-curriculum.json. A few minutes.
#   bench/curriculum.sh [--steps 400] [--seeds 5] [--lr 1e-3] [--out bench/results]
# Builds like bench/train.sh (SAM_BENCH_NO_BUILD=1 skips the build).
set -euo pipefail
SAM_BENCH_MAIN=dev.sam.bench.CurriculumBench exec "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/train.sh" "$@"
