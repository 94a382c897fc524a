#!/usr/bin/env bash
# Prints a folder that lists PoCL and Oclgrind as two OpenCL platforms, for OCL_ICD_VENDORS: the ICD loader then
# reads that folder instead of /etc/OpenCL/vendors. Oclgrind is never registered system-wide (there `--device auto`
# would pick the simulator, which calls itself a GPU). The folder is .build/opencl-vendors.
set -euo pipefail
cd "$(dirname "$0")/.."
pocl=/etc/OpenCL/vendors/pocl.icd                       # Debian package pocl-opencl-icd
oclgrind=/usr/lib/oclgrind/liboclgrind-rt-icd.so        # Debian package oclgrind (the ICD build of its runtime)
[ -f "$pocl" ] || { echo "tensorseed: $pocl is missing (Debian package pocl-opencl-icd)" >&2; exit 1; }
[ -f "$oclgrind" ] || { echo "tensorseed: $oclgrind is missing (Debian package oclgrind)" >&2; exit 1; }
folder=.build/opencl-vendors
mkdir -p "$folder"
cp "$pocl" "$folder/pocl.icd"
echo "$oclgrind" > "$folder/oclgrind.icd"
echo "$PWD/$folder"
