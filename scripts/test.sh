#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds in release (the exhaustive accuracy and
# statistical tests need optimized code), cross-checks the CLI against the independent numpy
# reference, checks `bench`'s arguments and rows (and that peers.py reads them), checks written
# safetensors files against the PyPI safetensors package, then runs every XCTest (the OpenCL ones
# against PoCL).
set -euo pipefail
cd "$(dirname "$0")/.."
TENSORSEED_NEED_NUMPY=1 TENSORSEED_NEED_SAFETENSORS=1 source scripts/ensure-deps.sh
flags=(-c release -Xswiftc -enable-testing)
swift build "${flags[@]}" --build-tests
python3 Tests/reference/check_cli.py .build/release/tensorseed
python3 Tests/reference/check_bench.py .build/release/tensorseed
python3 Tests/reference/check_loader.py .build/release/tensorseed
python3 Tests/reference/check_generate.py .build/release/tensorseed
python3 Tests/reference/check_safetensors.py .build/release/tensorseed
swift test "${flags[@]}" --skip-build --disable-swift-testing
swift build "${flags[@]}" --product TensorSeedC && TENSORSEED_NEED_TORCH=1 source scripts/ensure-deps.sh && python3 Tests/python/check_python.py .build/release/tensorseed
