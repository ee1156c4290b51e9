#!/usr/bin/env bash
# SAM's GGUF export read by a real llama.cpp: installs the npm packages pinned in .ci/llama-cpp/
# (package.json + package-lock.json: node-llama-cpp with its prebuilt linux-x64 llama.cpp, and
# @huggingface/gguf) into .ci/llama-cpp/node_modules (git-ignored), then runs GgufLlamaCppTest with
# Maven's llama-cpp profile. Needs node and npm (Debian: nodejs, npm) and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
  echo "ci: the llama.cpp check uses node-llama-cpp's prebuilt linux-x64 binaries; not run on $(uname -s)-$(uname -m)"
  exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "ci: installing nodejs npm"
  sudo_cmd=""
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nodejs npm
fi
node --version
# --omit=optional skips the CUDA/Vulkan/ARM builds (hundreds of MB); --ignore-scripts: nothing is compiled
# npm install, not npm ci: npm ci refuses a lock file without the other platforms' optional packages (npm/cli#4828)
(cd .ci/llama-cpp && npm install --no-save --no-audit --no-fund --omit=optional --ignore-scripts)
mvn -B -pl sam-train -am test -Pllama-cpp -Dtest='GgufLlamaCppTest' -Dsurefire.failIfNoSpecifiedTests=false
