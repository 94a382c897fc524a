#!/usr/bin/env bash
# Installs what TensorSeed needs when it is missing: the OpenCL headers, ICD loader and the PoCL
# CPU device (Debian packages), numpy for the reference cross-check and safetensors + ml_dtypes for the interop check. Sourced by run.sh and test.sh.
# With TENSORSEED_NEED_OCLGRIND=1 (test.sh) also Oclgrind, the second OpenCL implementation the tests run on (a
# simulator with checkers; its package registers nothing in /etc/OpenCL/vendors, and scripts/opencl-vendors.sh lists
# it for the tests only).
set -euo pipefail

need_debs=()
debs=(ocl-icd-opencl-dev opencl-headers pocl-opencl-icd clinfo)
if [ "${TENSORSEED_NEED_OCLGRIND:-0}" = 1 ]; then debs+=(oclgrind); fi
# With TENSORSEED_NEED_GPU_COMPILER=1 (test.sh) the offline GPU compile check's clang, llc and libclc (AMD, NVIDIA).
if [ "${TENSORSEED_NEED_GPU_COMPILER:-0}" = 1 ]; then debs+=(clang-15 llvm-15 libclc-15); fi
# With TENSORSEED_NEED_MPI=1 (test.sh) also Open MPI's mpirun, which check_ranks.py starts the ranks of a job with.
if [ "${TENSORSEED_NEED_MPI:-0}" = 1 ]; then debs+=(openmpi-bin); fi
for pkg in "${debs[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need_debs+=("$pkg")
done
if ((${#need_debs[@]})); then
    echo "tensorseed: installing Debian packages: ${need_debs[*]}" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { echo "tensorseed: need root or sudo to install ${need_debs[*]}" >&2; exit 1; }
        sudo="sudo"
    fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_debs[@]}" >/dev/null
fi

command -v swift >/dev/null || { echo "tensorseed: the Swift toolchain (6.0 or newer) is not on PATH; install it from swift.org" >&2; exit 1; }

if [ "${TENSORSEED_NEED_NUMPY:-0}" = 1 ] && ! python3 -c "import numpy" 2>/dev/null; then
    echo "tensorseed: installing numpy (pip)" >&2
    python3 -m pip install -q numpy
fi

# safetensors for the interop check; ml_dtypes gives numpy the bfloat16 type that BF16 tensors load as.
if [ "${TENSORSEED_NEED_SAFETENSORS:-0}" = 1 ] && ! python3 -c "import safetensors, ml_dtypes" 2>/dev/null; then
    echo "tensorseed: installing safetensors and ml_dtypes (pip)" >&2
    python3 -m pip install -q safetensors ml_dtypes
fi

# torch and transformers, for the Hugging Face folder check (from_pretrained loads a written folder) and the
# Python package's checks (Tests/python): torch's CPU wheel where download.pytorch.org answers (PyPI's default
# torch brings the CUDA libraries), else PyPI's.
if [ "${TENSORSEED_NEED_TORCH:-0}" = 1 ] && ! python3 -c "import torch, transformers, safetensors, ml_dtypes" 2>/dev/null; then
    echo "tensorseed: installing torch (CPU), transformers, safetensors and ml_dtypes (pip)" >&2
    python3 -c "import torch" 2>/dev/null || python3 -m pip install -q --retries 1 --timeout 20 torch --index-url https://download.pytorch.org/whl/cpu \
        || python3 -m pip install -q torch
    python3 -m pip install -q transformers safetensors ml_dtypes
fi
