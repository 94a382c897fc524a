#!/usr/bin/env bash
# End-to-end `tensorseed init` of a ~1.1B-parameter model (the TinyLlama-1.1B layout: Llama, 22 layers,
# hidden 2048, MLP 5632, 4 KV heads, vocabulary 32000), against the disk's own sequential write speed
# measured by `dd` in the same run, into the same folder, with the same byte count, fsync included in both:
# once through the page cache as init writes (`conv=fsync`), once with direct I/O (`oflag=direct`), which
# bypasses the page cache and is the higher ceiling on some virtual disks.
#
#   Benchmarks/init/init-vs-dd.sh [BINARY] [FOLDER] [DTYPE]
#
# BINARY defaults to .build/release/tensorseed, FOLDER to a new folder under the current directory's
# file system (not /tmp, which may be a tmpfs), DTYPE to bf16. Prints one line per measurement and the ratio.
set -euo pipefail
binary=${1:-.build/release/tensorseed}
folder=${2:-$(mktemp -d "$PWD/.init-bench.XXXXXX")}
dtype=${3:-bf16}
mkdir -p "$folder"
trap 'rm -rf "$folder"' EXIT
spec="$folder/tinyllama-1.1b.json"
python3 - "$spec" "$dtype" <<'PY'
import json, sys
d, layers, hidden, kv, vocab = 2048, 22, 5632, 4 * 64, 32000
w = {"name": "normal", "std": 0.02}
t = [{"name": "model.embed_tokens.weight", "shape": [vocab, d], "scheme": w}]
for i in range(layers):
    p = f"model.layers.{i}."
    t += [{"name": p + "self_attn.q_proj.weight", "shape": [d, d], "scheme": w},
          {"name": p + "self_attn.k_proj.weight", "shape": [kv, d], "scheme": w},
          {"name": p + "self_attn.v_proj.weight", "shape": [kv, d], "scheme": w},
          {"name": p + "self_attn.o_proj.weight", "shape": [d, d], "scheme": w},
          {"name": p + "mlp.gate_proj.weight", "shape": [hidden, d], "scheme": w},
          {"name": p + "mlp.up_proj.weight", "shape": [hidden, d], "scheme": w},
          {"name": p + "mlp.down_proj.weight", "shape": [d, hidden], "scheme": w},
          {"name": p + "input_layernorm.weight", "shape": [d], "scheme": {"name": "ones"}},
          {"name": p + "post_attention_layernorm.weight", "shape": [d], "scheme": {"name": "ones"}}]
t += [{"name": "model.norm.weight", "shape": [d], "scheme": {"name": "ones"}},
      {"name": "lm_head.weight", "shape": [vocab, d], "scheme": w}]
json.dump({"seed": 0, "dtype": sys.argv[2], "tensors": t}, open(sys.argv[1], "w"))
PY
model="$folder/model.safetensors"
# Warm-up so that neither run pays for first-touch costs the other does not.
"$binary" init --preset mlp-mnist --output "$folder/warm.safetensors" --quiet --force >/dev/null
line=$("$binary" init "$spec" --output "$model" --force --quiet --device cpu)
bytes=$(stat -c %s "$model")
rm -f "$model"
sync
blocks=$(( (bytes + (64 << 20) - 1) / (64 << 20) ))
dd_out=$(dd if=/dev/zero of="$folder/dd.bin" bs=64M count=$blocks conv=fsync 2>&1 | tail -1)
dd_bytes=$(( blocks * (64 << 20) ))
dd_seconds=$(sed -E 's/.*, ([0-9.]+) s, .*/\1/' <<<"$dd_out")
rm -f "$folder/dd.bin"
sync
direct_out=$(dd if=/dev/zero of="$folder/dd.bin" bs=64M count=$blocks oflag=direct conv=fsync 2>&1 | tail -1)
direct_seconds=$(sed -E 's/.*, ([0-9.]+) s, .*/\1/' <<<"$direct_out")
rm -f "$folder/dd.bin"
sync
line=$("$binary" init "$spec" --output "$model" --force --quiet --device cpu)
seconds=$(sed -E 's/.* in ([0-9.]+) s, .*/\1/' <<<"$line")
echo "machine:  $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(df -h "$folder" | tail -1 | awk '{print $1}')"
echo "init:     $line"
echo "dd:       $dd_out"
echo "dd direct: $direct_out"
python3 - "$bytes" "$seconds" "$dd_bytes" "$dd_seconds" "$direct_seconds" <<'PY'
import sys
b, s, db, ds, dds = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
init, dd, direct = b / s / 1e9, db / ds / 1e9, db / dds / 1e9
print(f"init {init:.3f} GB/s, dd {dd:.3f} GB/s: init reaches {100 * init / dd:.0f} % of dd; "
      f"dd oflag=direct {direct:.3f} GB/s: {100 * init / direct:.0f} % of it")
PY
