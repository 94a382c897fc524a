#!/usr/bin/env bash
# The main job on its built-in default: build TensorSeed (release) and run it.
# Extra arguments go to the CLI, e.g. scripts/run.sh sample --seed 42 --name layer1.weight
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
swift build -c release --product tensorseed >&2
if [ "$#" -eq 0 ]; then set -- sample; fi
exec .build/release/tensorseed "$@"
