#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds in release (the exhaustive accuracy and
# statistical tests need optimized code), cross-checks the CLI against the independent numpy
# reference, checks `bench`'s arguments and rows (and that peers.py reads them), checks written
# safetensors files against the PyPI safetensors package, checks what is left on disk after races, signals
# and odd output paths, loads a written Hugging Face folder with transformers, checks that the ranks of a job (mpirun,
# Slurm, MPICH, torchrun) write the one-process set and resume after SIGKILL; then, on two OpenCL
# implementations (PoCL and Oclgrind, listed together by scripts/opencl-vendors.sh), the CLI's bits against
# the CPU engine and the XCTest device matrix (OpenCLMatrixTests); the kernels under Oclgrind's checkers;
# then every other XCTest (the OpenCL ones against PoCL).
set -euo pipefail
cd "$(dirname "$0")/.."
TENSORSEED_NEED_NUMPY=1 TENSORSEED_NEED_SAFETENSORS=1 TENSORSEED_NEED_OCLGRIND=1 TENSORSEED_NEED_TRANSFORMERS=1 TENSORSEED_NEED_MPI=1 \
    source scripts/ensure-deps.sh
flags=(-c release -Xswiftc -enable-testing)
swift build "${flags[@]}" --build-tests
python3 Tests/reference/check_cli.py .build/release/tensorseed
python3 Tests/reference/check_bench.py .build/release/tensorseed
python3 Tests/reference/check_loader.py .build/release/tensorseed
python3 Tests/reference/check_generate.py .build/release/tensorseed
python3 Tests/reference/check_safetensors.py .build/release/tensorseed
python3 Tests/reference/check_output.py .build/release/tensorseed
python3 Tests/reference/check_hf_folder.py .build/release/tensorseed
python3 Tests/reference/check_ranks.py .build/release/tensorseed
both=(env OCL_ICD_VENDORS="$(scripts/opencl-vendors.sh)" TENSORSEED_REQUIRE_DEVICES="pocl oclgrind")
"${both[@]}" python3 Tests/reference/check_devices.py .build/release/tensorseed
"${both[@]}" swift test "${flags[@]}" --skip-build --disable-swift-testing --filter OpenCLMatrixTests
bundle="$(swift build "${flags[@]}" --show-bin-path)/TensorSeedPackageTests.xctest"
if [ -f "$bundle" ] && [ -x "$bundle" ]; then checker=("$bundle"); else checker=(swift test "${flags[@]}" --skip-build --disable-swift-testing); fi
python3 Tests/oclgrind/check_oclgrind.py "${checker[@]}"
swift test "${flags[@]}" --skip-build --disable-swift-testing --skip 'OpenCLMatrixTests|OclgrindCheckTests'
