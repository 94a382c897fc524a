#!/usr/bin/env bash
# One sharded set written by 1, 2 and 4 ranks of one `tensorseed init` job (started side by side with
# --rank/--world-size, as a launcher starts them), against `dd` writing the same byte count into the same
# folder in the same run (fsync included in both). Reports the wall time of each job, the bytes/s of each
# rank and of the job in total, and checks that every job's files are cmp-identical to the one-rank set.
#
#   Benchmarks/ranks/ranks-vs-dd.sh [BINARY] [FOLDER] [CONFIG] [SHARD]
#
# BINARY defaults to .build/release/tensorseed, FOLDER to a new folder on the current directory's file system
# (not /tmp, which may be a tmpfs), CONFIG to a Llama config of about 1.1B parameters (the TinyLlama-1.1B
# layout, 2.2 GB of bf16), SHARD to 200MB. On one machine the ranks share its cores and its disk, so this
# measures how far one node's disk and CPUs take several ranks; across nodes of a shared file system each rank
# brings its own (see BENCHMARKS.md for the arithmetic).
set -euo pipefail
binary=$(realpath "${1:-.build/release/tensorseed}")
folder=${2:-$(mktemp -d "$PWD/.ranks-bench.XXXXXX")}
config=${3:-}
shard=${4:-200MB}
mkdir -p "$folder"
trap 'rm -rf "$folder"' EXIT
if [ -z "$config" ]; then
    config="$folder/config.json"
    cat >"$config" <<'JSON'
{"model_type": "llama", "vocab_size": 32000, "hidden_size": 2048, "intermediate_size": 5632, "num_hidden_layers": 22,
 "num_attention_heads": 32, "num_key_value_heads": 4, "torch_dtype": "bfloat16"}
JSON
fi
now() { date +%s.%N; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(df -h "$folder" | tail -1 | awk '{print $1}'), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$binary" init --preset mlp-mnist --output "$folder/warm.safetensors" --quiet --force >/dev/null
for n in 1 2 4; do
    out="$folder/ranks-$n"
    sync
    start=$(now)
    pids=()
    for ((r = 0; r < n; r++)); do
        "$binary" init "$config" --max-shard-size "$shard" --output "$out/" --rank $r --world-size $n --device cpu --quiet \
            >"$folder/rank-$n-$r.log" 2>&1 &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    seconds=$(python3 -c "print($(now) - $start)")
    bytes=$(du -cb "$out"/model-*.safetensors | tail -1 | cut -f1)
    python3 - "$n" "$bytes" "$seconds" "$folder" <<'PY'
import re, sys
n, total, seconds, folder = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
per = []
for r in range(n):
    text = open(f"{folder}/rank-{n}-{r}.log").read()
    m = re.search(r"\((\d+) bytes in ([0-9.]+) s", text)
    per.append(f"rank {r}: {int(m.group(1)) / 1e9:.2f} GB at {int(m.group(1)) / float(m.group(2)) / 1e9:.3f} GB/s" if m else f"rank {r}: ?")
print(f"{n} rank(s): {total / 1e9:.2f} GB in {seconds:.2f} s, {total / seconds / 1e9:.3f} GB/s in total; " + "; ".join(per))
PY
    if [ "$n" -gt 1 ]; then
        for f in "$folder/ranks-1"/*; do cmp -s "$f" "$out/$(basename "$f")" || { echo "DIFFERS: $(basename "$f") with $n ranks"; exit 1; }; done
        rm -rf "$out"
    fi
done
bytes=$(du -cb "$folder/ranks-1"/model-*.safetensors | tail -1 | cut -f1)
rm -rf "$folder/ranks-1"
sync
blocks=$(( (bytes + (64 << 20) - 1) / (64 << 20) ))
dd_out=$(dd if=/dev/zero of="$folder/dd.bin" bs=64M count=$blocks conv=fsync 2>&1 | tail -1)
echo "dd (the same bytes, conv=fsync): $dd_out"
rm -f "$folder/dd.bin"
echo "every job's files are cmp-identical to the one-rank set"
