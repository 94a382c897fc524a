#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds in release (the exhaustive accuracy and
# statistical tests need optimized code), cross-checks the CLI against the independent numpy
# reference (streams, SPEC.md's known answers, every scheme in every dtype, the no-subnormal rule),
# checks integrity and byte names, checks `bench`'s arguments and rows (and that peers.py reads them), checks written
# safetensors files against the PyPI safetensors package, feeds the CLI adversarial input (crafted headers,
# FIFOs, non-finite parameters, huge specs), checks what is left on disk after races, signals
# and odd output paths, loads a written Hugging Face folder with transformers, checks that the ranks of a job (mpirun,
# Slurm, MPICH, torchrun) write the one-process set and resume after SIGKILL; then, on two OpenCL
# implementations (PoCL and Oclgrind, listed together by scripts/opencl-vendors.sh), the CLI's bits against
# the CPU engine and the XCTest device matrix (OpenCLMatrixTests); the kernels under Oclgrind's checkers;
# then every other XCTest (the OpenCL ones against PoCL); last, `tensorseed devices --check` and
# Benchmarks/gpu/run.sh on PoCL and Oclgrind, the offline GPU compile check (gfx906 scratch and occupancy),
# and the C ABI with the Python package (torch modules, transformers architectures).
set -euo pipefail
cd "$(dirname "$0")/.."
TENSORSEED_NEED_NUMPY=1 TENSORSEED_NEED_SAFETENSORS=1 TENSORSEED_NEED_OCLGRIND=1 TENSORSEED_NEED_TORCH=1 TENSORSEED_NEED_MPI=1 \
    TENSORSEED_NEED_GPU_COMPILER=1 source scripts/ensure-deps.sh
flags=(-c release -Xswiftc -enable-testing)
swift build "${flags[@]}" --build-tests
python3 Tests/reference/check_cli.py .build/release/tensorseed
python3 Tests/reference/check_spec.py
python3 Tests/reference/check_schemes.py .build/release/tensorseed
python3 Tests/reference/check_subnormals.py
python3 Tests/reference/check_integrity.py .build/release/tensorseed
python3 Tests/reference/check_names.py .build/release/tensorseed
python3 Tests/reference/check_bench.py .build/release/tensorseed
python3 Tests/reference/check_loader.py .build/release/tensorseed
python3 Tests/reference/check_generate.py .build/release/tensorseed
python3 Tests/reference/check_safetensors.py .build/release/tensorseed
python3 Tests/reference/check_hardening.py .build/release/tensorseed
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
python3 Tests/reference/check_conformance.py .build/release/tensorseed
python3 Tests/reference/check_compile_report.py
swift build "${flags[@]}" --product TensorSeedC
python3 Tests/python/check_python.py .build/release/tensorseed
