#!/usr/bin/env bash
# The GPU run, end to end, on a machine with a GPU and its vendor's OpenCL driver (or, to test this script,
# on PoCL or Oclgrind here):
#
#   1. build check: build tensorseed (swift build -c release) or take a prebuilt one (--binary; the GPU
#      machine has no Swift toolchain: build here with
#      `swift build -c release --static-swift-stdlib --product tensorseed` and copy .build/release/tensorseed);
#   2. the machine: CPU, memory, disk, nvidia-smi where there is one;
#   3. `tensorseed devices`, then `tensorseed devices --check` (the conformance battery on every engine);
#   4. `tensorseed bench` on the device against the CPU engine and memset;
#   5. `tensorseed init` of TinyLlama-1.1B's layout (Llama, 22 layers, hidden 2048, MLP 5632, 4 KV heads,
#      vocabulary 32000: 1 100 048 384 parameters) on the device and on the CPU engine, and `cmp` of the files;
#   6. a summary; everything goes to OUT/run.log as well.
#
#   Benchmarks/gpu/run.sh [--binary PATH] [--device opencl:P.D] [--size full|small] [--out DIR] [--dtype bf16]
#
# --device defaults to what `--device auto` picks (the first GPU or accelerator that is not a simulator);
# PoCL and Oclgrind must be named. --size small shrinks every step (a 2-layer, hidden-64 Llama, 64 Ki-element
# bench, the small conformance battery) so that Oclgrind, which interprets every work-item, finishes in
# well under a minute. --out defaults to a new folder under the current directory (model files are written
# there: 2 × 2.2 GB at full size, bf16). Exit status: 0 if every step ran, every engine passed the
# conformance battery and the two files are identical; 1 otherwise.
#
# Here, against PoCL and Oclgrind in one process (as two vendors' drivers would be listed):
#   d=$(mktemp -d); cp /etc/OpenCL/vendors/pocl.icd $d; echo /usr/lib/oclgrind/liboclgrind-rt-icd.so > $d/oclgrind.icd
#   OCL_ICD_VENDORS=$d Benchmarks/gpu/run.sh --device opencl:1.0                 # PoCL, full size
#   OCL_ICD_VENDORS=$d Benchmarks/gpu/run.sh --device opencl:0.0 --size small    # Oclgrind
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
binary="" device="" size=full out="" dtype=bf16
while (($#)); do
    case "$1" in
        --binary) binary=$2; shift 2 ;;
        --device) device=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --dtype) dtype=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case "$size" in full|small) ;; *) echo "run.sh: --size must be full or small (got '$size')" >&2; exit 2 ;; esac
out=${out:-$(mktemp -d "$PWD/.gpu-run.XXXXXX")}
mkdir -p "$out"
log="$out/run.log"
: >"$log"
say() { echo "$*" | tee -a "$log"; }
# Runs a command, its output into the log (and the terminal); returns its exit status.
# (The command line goes to standard error, so that a step's standard output can be redirected to a file.)
step() { echo "\$ $*" | tee -a "$log" >&2; "$@" 2>&1 | tee -a "$log"; return "${PIPESTATUS[0]}"; }
summary=()
failed=0
note() { summary+=("$1"); }
fail() { summary+=("FAIL: $1"); failed=1; }

say "== tensorseed GPU run, $(date -u +%Y-%m-%dT%H:%M:%SZ), size $size, log $log"

# 1. Build check.
if [ -z "$binary" ]; then
    if command -v swift >/dev/null; then
        step swift build --package-path "$root" -c release --product tensorseed || { fail "swift build"; }
        binary=$root/.build/release/tensorseed
    else
        say "no Swift toolchain here: pass a prebuilt binary with --binary (built elsewhere with --static-swift-stdlib)"
        exit 1
    fi
fi
if "$binary" --help >/dev/null 2>&1; then
    note "build: $binary runs ($(stat -c %s "$binary") bytes, $(sha256sum "$binary" | cut -c1-12))"
else
    fail "the binary $binary does not run"; printf '%s\n' "${summary[@]}" | tee -a "$log"; exit 1
fi

# 2. The machine.
say "== machine"
say "cpu: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), memory $(free -g | awk '/Mem:/{print $2}') GiB"
say "disk: $(df -h "$out" | tail -1 | awk '{print $1, $2, "free " $4}')"
if command -v nvidia-smi >/dev/null; then
    step nvidia-smi --query-gpu=name,driver_version,memory.total,pcie.link.gen.current,pcie.link.width.current,clocks.max.sm \
        --format=csv || true
fi

# NVIDIA's OpenCL driver ships with the GPU driver but is not always registered: if nothing in
# /etc/OpenCL/vendors names it and OCL_ICD_VENDORS is unset, register the libnvidia-opencl.so.1 that
# ldconfig knows in a folder of this run's own (the ICD loader itself, libOpenCL.so.1, must be on
# LD_LIBRARY_PATH or installed).
if command -v nvidia-smi >/dev/null && [ -z "${OCL_ICD_VENDORS:-}" ] && ! grep -qs nvidia /etc/OpenCL/vendors/*.icd; then
    nvidia_icd=$(ldconfig -p 2>/dev/null | sed -nE 's/.*libnvidia-opencl\.so\.1 .*=> (.*)/\1/p' | head -1)
    if [ -n "$nvidia_icd" ]; then
        mkdir -p "$out/vendors" && echo "$nvidia_icd" >"$out/vendors/nvidia.icd"
        export OCL_ICD_VENDORS="$out/vendors"
        say "registered $nvidia_icd for this run (OCL_ICD_VENDORS=$OCL_ICD_VENDORS)"
    fi
fi

# 3. Devices and the conformance battery.
say "== devices"
listing=$("$binary" devices 2>&1); echo "$listing" | tee -a "$log"
if [ -z "$device" ]; then
    device=$(sed -nE 's/^auto -> (opencl:[0-9]+\.[0-9]+).*/\1/p' <<<"$listing")
    [ -n "$device" ] || { fail "no GPU or accelerator OpenCL device (name one with --device)"; device=cpu; }
fi
note "device: $device $(grep -E "^  $device " <<<"$listing" | sed -E "s/^  $device +//")"
say "== conformance"
check_size=()
[ "$size" = small ] && check_size=(--size small)
if step "$binary" devices --check "${check_size[@]}"; then
    note "conformance: every engine PASS"
else
    fail "conformance: $(grep -cE '^(cpu|opencl:[0-9.]+) +FAIL' "$log") engine(s) FAIL (see the log)"
fi

# 4. bench: the device against the CPU engine and memset.
say "== bench"
if [ "$size" = small ]; then bench=(--elements 65536 --repeats 1 --orthogonal-size 64); else bench=(--elements 268435456 --repeats 3); fi
if step "$binary" bench --device "$device" "${bench[@]}" --distributions uniform,normal,truncated_normal --json >"$out/bench.json"; then
    while read -r row; do note "bench: $row"; done < <(python3 - "$out/bench.json" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
for r in rows:
    print(f"{r['engine']}: {r['distribution']} {r['elements']} elements, {r['gbps']:.3f} GB/s ({r['seconds']:.4f} s), "
          f"x cpu {r['ratio_cpu']:.2f}, memset {r['memset_gbps']:.1f} GB/s")
PY
    )
else
    fail "bench on $device"
fi

# 5. init of the 1.1B layout on the device and on the CPU engine, and cmp.
say "== init"
config="$out/config.json"
if [ "$size" = small ]; then
    layout='"hidden_size": 64, "intermediate_size": 176, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 1000'
else
    layout='"hidden_size": 2048, "intermediate_size": 5632, "num_hidden_layers": 22, "num_attention_heads": 32, "num_key_value_heads": 4, "vocab_size": 32000'
fi
echo "{\"model_type\": \"llama\", $layout, \"tie_word_embeddings\": false}" >"$config"
init_ok=1
for engine in "$device" cpu; do
    file="$out/model-${engine//:/-}.safetensors"
    if step "$binary" init "$config" --dtype "$dtype" --device "$engine" --output "$file" --force --quiet; then
        note "init --device $engine: $(grep -E "^(wrote|[0-9]+ tensors)" "$log" | tail -1)"
    else
        fail "init --device $engine"; init_ok=0
    fi
done
if ((init_ok)); then
    if step cmp "$out/model-${device//:/-}.safetensors" "$out/model-cpu.safetensors"; then
        note "cmp: the $device and CPU engine files are identical ($(stat -c %s "$out/model-cpu.safetensors") bytes)"
    else
        fail "cmp: the $device and CPU engine files differ"
    fi
fi
rm -f "$out"/model-*.safetensors

say "== summary"
printf '%s\n' "${summary[@]}" | tee -a "$log"
say "log: $log"
exit $failed
