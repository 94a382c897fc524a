#!/usr/bin/env bash
# The main job on its built-in default: build TensorSeed (release), `tensorseed init` the default
# preset (mlp-mnist) into a fresh temporary file, then `tensorseed verify` it.
# Extra arguments go to the CLI instead, e.g. scripts/run.sh init --preset gpt2-small --output gpt2.safetensors
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
swift build -c release --product tensorseed >&2
if [ "$#" -gt 0 ]; then exec .build/release/tensorseed "$@"; fi
folder=$(mktemp -d)
trap 'rm -rf "$folder"' EXIT
.build/release/tensorseed init --output "$folder/model.safetensors"
.build/release/tensorseed verify "$folder/model.safetensors"
