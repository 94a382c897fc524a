#!/usr/bin/env bash
# Issue 13's per-path figures: the CPU engine on each instruction-set path this processor supports
# (TENSORSEED_CPU_PATH=baseline|avx2|avx512), in one run:
#   1. `tensorseed bench --device cpu` of the uniform, normal and truncated normal streams (2^26 float32, all cores);
#   2. the raw bfloat16/float16/float32 rates of each path and the digest's rate (CPUPathThroughputTests, TENSORSEED_BENCH=1);
#   3. `tensorseed init` of the TinyLlama-1.1B layout (tinyllama-1.1b-config.json, bf16, 2.2 GB) into /dev/shm, each
#      after dd of as many bytes into /dev/shm (the kernel's cost of the file's new pages: a floor for any writer) and
#      after new-pages.c, the same pages touched through a mapping by every core (the floor of an in-place writer);
#   4. peers.py (torch, numpy, JAX, memset) on the default (widest) path.
#
#   Benchmarks/cpu-paths/run.sh    # after `swift build -c release -Xswiftc -enable-testing --build-tests`
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=.build/release/tensorseed
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)," \
     "$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512(f|bw|dq|vl))$' | xargs)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), revision $(git rev-parse --short HEAD), load: $(cut -d' ' -f1-3 /proc/loadavg)"
paths=$(for p in baseline avx2 avx512; do TENSORSEED_CPU_PATH=$p "$binary" bench --device cpu --elements 1024 --repeats 1 \
        --distributions uniform >/dev/null 2>&1 && echo $p; done)
for p in $paths; do
    echo "== $p: $binary bench --device cpu --distributions uniform,normal,truncated_normal"
    TENSORSEED_CPU_PATH=$p "$binary" bench --device cpu --distributions uniform,normal,truncated_normal | grep -E '^(engine|cpu)'
done
echo "== raw storage rates: TENSORSEED_BENCH=1 swift test -c release --filter CPUPathThroughputTests"
TENSORSEED_BENCH=1 swift test -c release -Xswiftc -enable-testing --skip-build --disable-swift-testing \
    --filter CPUPathThroughputTests 2>&1 | grep -E '^raw|error'
folder=$(mktemp -d /dev/shm/tensorseed-init.XXXXXX)
scratch=$(mktemp -d)
trap 'rm -rf "$folder" "$scratch"' EXIT
cc -O2 -pthread Benchmarks/cpu-paths/new-pages.c -o "$scratch/new-pages"
bytes=$((32 * 1024 * 1024 * 66))
"$binary" init --preset mlp-mnist --output "$folder/warm.safetensors" --quiet --force >/dev/null
# Each init is paired with its memory floors: dd of as many bytes (2.2 GB, one thread, no generation) into a new tmpfs
# file, whose pages the kernel must allocate as init's are, and new-pages (the same bytes into a mapped new tmpfs file
# from every core at once). Each starts 5 s after the last file was removed, so that none gets pages freed a moment
# before (on a virtual machine whose memory is backed on first touch, a page
# freed seconds ago is much cheaper than one the guest has handed back).
for p in $paths; do
    for round in 1 2; do
        sleep 5
        echo "== floor: dd if=/dev/zero of=/dev/shm/... bs=32M count=66 (2.2 GB into new tmpfs pages, round $round)"
        dd if=/dev/zero of="$folder/floor" bs=32M count=66 2>&1 | tail -1
        rm -f "$folder/floor"
        sleep 5
        echo "== floor: new-pages /dev/shm/... $bytes $(nproc) (as many bytes, mapped and touched by every core, round $round)"
        "$scratch/new-pages" "$folder/floor" "$bytes" "$(nproc)"
        sleep 5
        echo "== $p: $binary init Benchmarks/cpu-paths/tinyllama-1.1b-config.json --output /dev/shm/... --device cpu (round $round)"
        TENSORSEED_CPU_PATH=$p "$binary" init Benchmarks/cpu-paths/tinyllama-1.1b-config.json --output "$folder/m.safetensors" \
            --force --quiet --device cpu
        rm -f "$folder/m.safetensors"
    done
done
echo "== python3 Benchmarks/peers/peers.py --markdown --tensorseed $binary (default path)"
python3 Benchmarks/peers/peers.py --markdown --tensorseed "$binary"
