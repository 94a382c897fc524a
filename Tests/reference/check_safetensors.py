#!/usr/bin/env python3
"""Interop and CLI checks of `tensorseed init` / `tensorseed verify` with the PyPI `safetensors` package.

    python3 Tests/reference/check_safetensors.py .build/release/tensorseed

- a file written by `tensorseed init` loads with `safetensors.numpy.load_file`, with the spec's names,
  shapes and dtypes; F32 values equal `tensorseed generate` bit for bit, F16 values equal those rounded
  to nearest even by numpy; constant schemes give their constants;
- `tensorseed verify` passes on it and fails (naming the tensor) after one flipped byte;
- an existing file is not overwritten without --force; SIGINT mid-write exits 130 and leaves no file;
- `init --max-shard-size`: the shards load through `model.safetensors.index.json` with `safetensors.safe_open`,
  values equal the single-file write's bit for bit, `total_size` and names as transformers writes them;
  `verify INDEX` (and `--engines all`) passes; SIGINT mid-way through a sharded write leaves nothing;
- `.npy`: `init` of a one-tensor spec and `generate --output x.npy` load with `numpy.load`, equal
  TensorSeed's own values, and their headers are the bytes `numpy.save` writes; bf16 is refused;
- BF16 loads (numpy's bfloat16 from ml_dtypes) and equals ml_dtypes' RNE rounding of the float32 values;
- a full file system (2 MiB tmpfs) leaves nothing; --force over a set of another shard count leaves only the new set;
- 400 malformed specs (JSON, YAML, layer list, config.json) through `init --dry-run` exit 0 or with one error line;
- peak resident memory of init and verify of a 1.34 GB model stays under a quarter of the 1 GiB budget.
"""
import io
import json
import shutil
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_support import default_signals, signal_mid_write  # noqa: E402
from safetensors import safe_open
from safetensors.numpy import load_file

SPEC = {
    "seed": 42,
    "dtype": "f32",
    "tensors": [
        {"name": "layer1.weight", "shape": [96, 80], "scheme": {"name": "normal", "mean": 0.0, "std": 0.02}},
        {"name": "layer1.bias", "shape": [96]},
        {"name": "layer2.weight", "shape": [33, 96], "dtype": "f16", "scheme": {"name": "uniform", "a": -0.25, "b": 0.5}},
        {"name": "layer2.norm.weight", "shape": [33], "dtype": "f16"},
        {"name": "head", "shape": [7, 33]},
    ],
    "rules": [
        {"pattern": "*.bias", "scheme": {"name": "zeros"}},
        {"pattern": "*norm*.weight", "scheme": {"name": "ones"}},
        {"pattern": "*", "scheme": {"name": "normal", "std": 1.0}},
    ],
}

# name -> (generate arguments) for the random tensors
RANDOM = {
    "layer1.weight": ["--distribution", "normal", "--mean=0", "--std=0.02"],
    "layer2.weight": ["--distribution", "uniform", "--low=-0.25", "--high=0.5"],
    "head": ["--distribution", "normal", "--mean=0", "--std=1"],
}


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def init_spec(binary, spec, spec_path, out):
    """Saves `spec` (a dict) as JSON at spec_path and runs `tensorseed init` of it to `out` on the CPU engine."""
    with open(spec_path, "w") as f:
        json.dump(spec, f)
    return run([binary, "init", spec_path, "--output", out, "--device", "cpu", "--quiet"])


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed"
    failures = []

    def check(condition, what):
        print(("ok    " if condition else "FAIL  ") + what)
        if not condition:
            failures.append(what)

    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "spec.json")
        with open(spec, "w") as f:
            json.dump(SPEC, f)
        out = os.path.join(tmp, "model.safetensors")
        r = run([binary, "init", spec, "--output", out, "--device", "cpu", "--quiet"])
        check(r.returncode == 0 and "5 tensors" in r.stdout, f"init writes the spec ({r.stdout.strip()} {r.stderr.strip()})")

        tensors = load_file(out)
        check(sorted(tensors) == sorted(t["name"] for t in SPEC["tensors"]), "safetensors.numpy loads every tensor")
        for t in SPEC["tensors"]:
            a = tensors[t["name"]]
            want_dtype = np.float16 if t.get("dtype") == "f16" else np.float32
            check(a.shape == tuple(t["shape"]) and a.dtype == want_dtype, f"{t['name']}: shape {a.shape}, dtype {a.dtype}")
            if t["name"] in RANDOM:
                raw = os.path.join(tmp, "raw.f32")
                count = int(np.prod(t["shape"]))
                run([binary, "generate", "--seed", "42", "--name", t["name"], "--count", str(count), *RANDOM[t["name"]],
                     "--device", "cpu", "--output", raw, "--force"], check=True)
                ref = np.fromfile(raw, dtype="<f4").reshape(t["shape"])
                if want_dtype == np.float32:
                    same = np.array_equal(a.view(np.uint32), ref.view(np.uint32))
                else:
                    same = np.array_equal(a.view(np.uint16), ref.astype(np.float16).view(np.uint16))
                check(same, f"{t['name']}: values equal tensorseed generate bit for bit ({a.dtype})")
        check(np.all(tensors["layer1.bias"] == 0), "layer1.bias is zeros (rule *.bias)")
        check(np.all(tensors["layer2.norm.weight"] == 1), "layer2.norm.weight is ones (rule *norm*.weight)")

        r = run([binary, "verify", out])
        check(r.returncode == 0 and "all 5 tensors OK" in r.stdout, "verify passes")

        with open(out, "r+b") as f:
            n = int.from_bytes(f.read(8), "little")
            header = json.loads(f.read(n))
            begin = header["head"]["data_offsets"][0]
            f.seek(8 + n + begin + 4 * 5)
            b = f.read(1)
            f.seek(8 + n + begin + 4 * 5)
            f.write(bytes([b[0] ^ 1]))
        r = run([binary, "verify", out])
        check(r.returncode != 0 and "MISMATCH  head: first differing element 5" in r.stdout, "verify reports the flipped byte")

        before = os.path.getmtime(out)
        r = run([binary, "init", "--output", out, "--quiet"])
        check(r.returncode != 0 and "already exists" in r.stderr and os.path.getmtime(out) == before,
              "an existing file is not overwritten without --force")

        r = run([binary, "init", "--output", out, "--quiet", "--force", "--device", "cpu"])
        check(r.returncode == 0 and run([binary, "verify", out]).returncode == 0, "--force overwrites (default preset)")

        big = os.path.join(tmp, "big.safetensors")
        def start():
            if os.path.exists(big):
                os.remove(big)   # a run that finished before it could be interrupted (signal_mid_write repeats it)
            return subprocess.Popen([binary, "init", "--preset", "gpt2-small", "--output", big, "--device", "cpu", "--chunk-mib", "4"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_signals)
        p = signal_mid_write(start, tmp, signal.SIGINT)
        _, err = p.communicate()
        left = sorted(os.listdir(tmp))
        check(p.returncode == 130 and "interrupted" in err and left == ["model.safetensors", "raw.f32", "spec.json"],
              f"SIGINT mid-write: exit {p.returncode}, no file left ({left})")

    with tempfile.TemporaryDirectory() as tmp:
        check_sharded(binary, tmp, check)
    with tempfile.TemporaryDirectory() as tmp:
        check_npy(binary, tmp, check)
    with tempfile.TemporaryDirectory() as tmp:
        check_full_disk(binary, tmp, check)
    with tempfile.TemporaryDirectory() as tmp:
        check_spec_fuzz(binary, tmp, check)
    with tempfile.TemporaryDirectory() as tmp:
        check_bfloat16(binary, tmp, check)
    with tempfile.TemporaryDirectory() as tmp:
        check_memory(binary, tmp, check)

    print(f"{'FAILED' if failures else 'passed'}: {len(failures)} failure(s)")
    return 1 if failures else 0


def check_sharded(binary, tmp, check):
    spec = os.path.join(tmp, "spec.json")
    with open(spec, "w") as f:
        json.dump(SPEC, f)
    single = os.path.join(tmp, "single.safetensors")
    run([binary, "init", spec, "--output", single, "--device", "cpu", "--quiet"], check=True)
    reference = load_file(single)
    sizes = {name: a.nbytes for name, a in reference.items()}

    folder = os.path.join(tmp, "sharded")
    r = run([binary, "init", spec, "--output", folder + "/", "--max-shard-size", "20KB", "--device", "cpu", "--quiet"])
    check(r.returncode == 0 and "shards and the index" in r.stdout, f"init --max-shard-size 20KB ({r.stdout.strip()} {r.stderr.strip()})")
    with open(os.path.join(folder, "model.safetensors.index.json")) as f:
        index = json.load(f)
    shards = sorted(set(index["weight_map"].values()))
    n = len(shards)
    check(n > 1 and shards == [f"model-{i:05d}-of-{n:05d}.safetensors" for i in range(1, n + 1)]
          and sorted(os.listdir(folder)) == shards + ["model.safetensors.index.json"], f"shard names as transformers writes them: {shards}")
    check(index["metadata"]["total_size"] == sum(sizes.values()), f"metadata.total_size = {sum(sizes.values())}")
    check(sorted(index["weight_map"]) == sorted(reference), "weight_map names every tensor")
    loaded = {}
    for shard in shards:
        with safe_open(os.path.join(folder, shard), framework="numpy") as f:
            names = list(f.keys())
            check(all(index["weight_map"][k] == shard for k in names), f"{shard} holds what weight_map says")
            check(sum(sizes[k] for k in names) <= 20_000 or len(names) == 1, f"{shard}: at most 20 KB of data or one tensor")
            for k in names:
                loaded[k] = f.get_tensor(k)
    same = sorted(loaded) == sorted(reference) and all(
        loaded[k].dtype == reference[k].dtype and np.array_equal(loaded[k].view(np.uint8), reference[k].view(np.uint8)) for k in reference)
    check(same, "tensors loaded through the index equal the single file's bit for bit")

    index_path = os.path.join(folder, "model.safetensors.index.json")
    r = run([binary, "verify", "--quiet", index_path])
    check(r.returncode == 0 and r.stdout.count("tensors OK") == n, f"verify INDEX verifies all {n} shards")
    r = run([binary, "verify", "--quiet", "--engines", "all", index_path])
    check(r.returncode == 0 and "engines agree" in r.stdout, f"verify --engines all INDEX ({r.stdout.splitlines()[0] if r.stdout else r.stderr.strip()})")
    r = run([binary, "verify", os.path.join(folder, shards[-1])])
    check(r.returncode == 0, "verify on one shard alone")

    r = run([binary, "init", spec, "--output", index_path, "--max-shard-size", "20KB", "--device", "cpu", "--quiet"])
    check(r.returncode != 0 and "already exists" in r.stderr, "an existing sharded set is not overwritten without --force")

    # Rewriting with another shard count: without --force, the earlier set counts as an existing file; with
    # --force, its shards that the new set does not reuse are removed (as save_pretrained does), for more
    # shards (2 -> 4), fewer (4 -> 2) and one (2 -> model.safetensors, no index).
    def listing():
        return sorted(os.listdir(folder))

    def shard_files():
        with open(index_path) as f:
            return sorted(set(json.load(f)["weight_map"].values()))

    r = run([binary, "init", spec, "--output", folder + "/", "--max-shard-size", "5KB", "--device", "cpu", "--quiet"])
    check(r.returncode != 0 and "already exists" in r.stderr and listing() == shards + ["model.safetensors.index.json"],
          f"a set of another shard count is not replaced without --force ({r.stderr.strip()})")
    for size, count in (("5KB", 4), ("20KB", 2)):
        r = run([binary, "init", spec, "--output", folder + "/", "--max-shard-size", size, "--device", "cpu", "--quiet", "--force"])
        now = shard_files()
        check(r.returncode == 0 and len(now) == count and listing() == now + ["model.safetensors.index.json"] and "removed" in r.stdout
              and run([binary, "verify", index_path]).returncode == 0,
              f"--force, {size}: only the new {count} shards and the index are left: {listing()} ({r.stdout.strip()})")
    r = run([binary, "init", spec, "--output", folder + "/", "--max-shard-size", "10GB", "--device", "cpu", "--quiet", "--force"])
    check(r.returncode == 0 and listing() == ["model.safetensors"],
          f"--force, one shard: model.safetensors alone replaces the set: {listing()}")

    big = os.path.join(tmp, "big")
    p = subprocess.Popen([binary, "init", "--preset", "gpt2-small", "--output", big + "/", "--max-shard-size", "100MB", "--device", "cpu",
                          "--chunk-mib", "4"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_signals)
    # Interrupt once shard 1 is complete (still temporary) and shard 2 is being written.
    deadline = time.time() + 20
    while time.time() < deadline and not any(".model-00002-of-" in f for f in (os.listdir(big) if os.path.exists(big) else [])):
        time.sleep(0.01)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate()
    check(p.returncode == 130 and "interrupted" in err and not os.path.exists(big),
          f"SIGINT while shard 2 of 5 is written: exit {p.returncode}, nothing left ({os.listdir(big) if os.path.exists(big) else 'no folder'})")


def check_spec_fuzz(binary, tmp, check, mutants=400):
    """Malformed specs through the CLI (`init --dry-run`): exit 0, or exit 1 with exactly one line on stderr
    starting "tensorseed: error:"; never a crash (signal, Swift "Fatal error", stack dump). The in-process
    SpecFuzzTests cover many more mutants; this checks what the user sees."""
    import random
    seeds = {
        "spec.json": json.dumps(SPEC, indent=1),
        "spec.yaml": "seed: 2\ntensors:\n  - {name: w, shape: [4, 3], scheme: {name: orthogonal}}\n  - name: b\n    shape: [4]\n"
                     "rules:\n  - {pattern: '*', scheme: {name: zeros}}\n",
        "layers.json": json.dumps({"input": [3, 16, 16], "layers": [{"type": "conv2d", "out_channels": 8, "kernel_size": 3},
                                                                   {"type": "flatten"}, {"type": "linear", "out_features": 10}]}),
        "config.json": json.dumps({"model_type": "llama", "vocab_size": 64, "hidden_size": 16, "intermediate_size": 32,
                                   "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "pad_token_id": 0}),
    }
    pieces = ["{", "}", "[", "]", ",", ":", '"', "-1", "0", "1e999", "null", "true", "nan", "\n", "&a", "*a", "- ", "#",
              "[" * 300, "99999999999999999999", '"model_type"', "\u00e9", "\x00"]
    rng = random.Random(20261125)
    bad = []
    for i in range(mutants):
        name = list(seeds)[i % len(seeds)]
        text = list(seeds[name])
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            kind = rng.randrange(4)
            if kind == 0 and text:
                del text[at:at + rng.randint(1, 8)]
            elif kind == 1:
                text[at:at] = list(rng.choice(pieces))
            elif kind == 2 and at < len(text):
                text[at] = chr(rng.randrange(32, 127))
            else:
                del text[at:]
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8", errors="surrogatepass") as f:
            f.write("".join(text))
        r = run([binary, "init", path, "--dry-run", "--quiet"])
        lines = r.stderr.strip().splitlines()
        fine = r.returncode == 0 or (r.returncode == 1 and len(lines) == 1 and lines[0].startswith("tensorseed: error: "))
        if not fine:
            bad.append((name, r.returncode, r.stderr.strip()[:300], "".join(text)[:300]))
    check(not bad, f"{mutants} malformed specs through init --dry-run: exit 0 or one error line, no crash "
                   f"({len(bad)} bad{': ' + repr(bad[0]) if bad else ''})")


def check_bfloat16(binary, tmp, check):
    """BF16 tensors load through safetensors.numpy (with ml_dtypes, which gives numpy a bfloat16) and equal
    TensorSeed's float32 values rounded to bfloat16 by ml_dtypes (round to nearest even), bit for bit."""
    import ml_dtypes
    spec = {"seed": 11, "dtype": "bf16", "tensors": [
        {"name": "wide", "shape": [300, 257], "scheme": {"name": "normal", "mean": 0.0, "std": 1e30}},
        {"name": "small", "shape": [1001], "scheme": {"name": "uniform", "a": -1e-38, "b": 1e-38}},
        {"name": "plain", "shape": [64, 33], "scheme": {"name": "trunc_normal", "mean": 0.0, "std": 0.02, "a": -0.04, "b": 0.04}}]}
    args = {"wide": ["--distribution", "normal", "--mean=0", "--std=1e30"],
            "small": ["--distribution", "uniform", "--low=-1e-38", "--high=1e-38"],
            "plain": ["--distribution", "truncated_normal", "--mean=0", "--std=0.02", "--low=-0.04", "--high=0.04"]}
    out = os.path.join(tmp, "bf16.safetensors")
    r = init_spec(binary, spec, os.path.join(tmp, "bf16.json"), out)
    check(r.returncode == 0, f"init of a bf16 spec ({r.stderr.strip()})")
    tensors = load_file(out)
    for t in spec["tensors"]:
        a = tensors[t["name"]]
        raw = os.path.join(tmp, "raw.f32")
        count = int(np.prod(t["shape"]))
        r = run([binary, "generate", "--seed", "11", "--name", t["name"], "--count", str(count), *args[t["name"]],
                 "--device", "cpu", "--output", raw, "--force"])
        ref = np.fromfile(raw, dtype="<f4").reshape(t["shape"]) if r.returncode == 0 else np.zeros(0)
        same = a.dtype == ml_dtypes.bfloat16 and a.shape == tuple(t["shape"]) and \
            np.array_equal(a.view(np.uint16), ref.astype(ml_dtypes.bfloat16).view(np.uint16))
        check(same, f"{t['name']}: BF16 equals ml_dtypes' rounding of tensorseed generate's float32, bit for bit{'' if r.returncode == 0 else ' (' + r.stderr.strip() + ')'}")


# The memory budget README states for `init` and `verify`: resident memory stays under 1 GiB whatever the
# model size. The check writes a model larger than the budget and holds the process to a quarter of it.
MEMORY_BUDGET = 1 << 30


def peak_rss(args):
    """Runs args; returns (exit status, stdout+stderr, peak resident set size in bytes) of that process alone."""
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, out, usage.ru_maxrss * 1024    # ru_maxrss is in KiB on Linux


def check_memory(binary, tmp, check):
    """init and verify of a 1.3 GB model (larger than the 1 GiB budget) stay far below the budget."""
    tensors = [{"name": f"layers.{i}.weight", "shape": [8192, 4096], "scheme": {"name": "normal", "std": 0.02}} for i in range(9)]
    tensors.append({"name": "head.weight", "shape": [8192, 8192], "dtype": "bf16", "scheme": {"name": "kaiming_uniform"}})
    spec = os.path.join(tmp, "big.json")
    with open(spec, "w") as f:
        json.dump({"seed": 3, "dtype": "f32", "tensors": tensors}, f)
    model_bytes = 9 * 8192 * 4096 * 4 + 8192 * 8192 * 2
    free = shutil.disk_usage(tmp).free
    check(free > model_bytes + (256 << 20), f"{tmp} has room for the {model_bytes} byte model (free: {free})")
    out = os.path.join(tmp, "big.safetensors")
    status, text, rss = peak_rss([binary, "init", spec, "--output", out, "--device", "cpu", "--quiet"])
    size = os.path.getsize(out) if os.path.exists(out) else 0
    check(status == 0 and size > model_bytes > MEMORY_BUDGET and rss < MEMORY_BUDGET // 4,
          f"init of a {size / 1e9:.2f} GB model: peak resident memory {rss / 2**20:.0f} MiB "
          f"(budget {MEMORY_BUDGET >> 20} MiB, held to a quarter) {text.strip()}")
    status, text, rss = peak_rss([binary, "verify", out, "--device", "cpu"])
    check(status == 0 and rss < MEMORY_BUDGET // 4,
          f"verify of the same file: peak resident memory {rss / 2**20:.0f} MiB ({text.strip().splitlines()[-1] if text.strip() else ''})")


def check_npy(binary, tmp, check):
    one = {"seed": 5, "tensors": [{"name": "proj.weight", "shape": [48, 40], "dtype": "f16",
                                   "scheme": {"name": "normal", "mean": 0.0, "std": 0.02}}]}
    spec = os.path.join(tmp, "one.json")
    out = os.path.join(tmp, "w.npy")
    r = init_spec(binary, one, spec, out)
    check(r.returncode == 0, f"init one-tensor spec --output w.npy ({r.stderr.strip()})")
    a = np.load(out)
    raw = os.path.join(tmp, "raw.f32")
    run([binary, "generate", "--seed", "5", "--name", "proj.weight", "--count", str(48 * 40), "--distribution", "normal",
         "--mean=0", "--std=0.02", "--device", "cpu", "--output", raw, "--force"], check=True)
    ref = np.fromfile(raw, dtype="<f4").reshape(48, 40).astype(np.float16)
    check(a.dtype == np.dtype("<f2") and a.shape == (48, 40) and np.array_equal(a.view(np.uint16), ref.view(np.uint16)),
          "numpy.load of init's .npy: shape, <f2, values equal tensorseed generate rounded to f16")
    with open(out, "rb") as f:
        data = f.read()
    buffer = io.BytesIO()
    np.save(buffer, a)
    check(data == buffer.getvalue(), "init's .npy is byte for byte what numpy.save writes")

    gen = os.path.join(tmp, "g.npy")
    run([binary, "generate", "--seed", "42", "--name", "w", "--count", "1000", "--offset", "7", "--device", "cpu", "--output", gen], check=True)
    g = np.load(gen)
    raw = os.path.join(tmp, "g.f32")
    run([binary, "generate", "--seed", "42", "--name", "w", "--count", "1000", "--offset", "7", "--device", "cpu", "--output", raw, "--force"], check=True)
    buffer = io.BytesIO()
    np.save(buffer, np.fromfile(raw, dtype="<f4"))
    with open(gen, "rb") as f:
        check(g.dtype == np.dtype("<f4") and g.shape == (1000,) and f.read() == buffer.getvalue(),
              "generate --output g.npy: numpy.load gives the raw values; bytes equal numpy.save's")

    one["tensors"][0]["dtype"] = "bf16"
    with open(spec, "w") as f:
        json.dump(one, f)
    r = run([binary, "init", spec, "--output", os.path.join(tmp, "b.npy"), "--device", "cpu", "--quiet"])
    check(r.returncode != 0 and "bfloat16" in r.stderr and "safetensors" in r.stderr and not os.path.exists(os.path.join(tmp, "b.npy")),
          "bf16 to .npy is refused, suggesting safetensors")


def check_full_disk(binary, tmp, check):
    """A 2 MiB tmpfs: a model that cannot fit, and a sharded set whose later shards cannot, leave nothing behind."""
    disk = os.path.join(tmp, "disk")
    os.mkdir(disk)
    if run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk]).returncode != 0:
        print("skip  full-disk checks: cannot mount a tmpfs here (needs root)")
        return
    try:
        out = os.path.join(disk, "g.safetensors")
        r = run([binary, "init", "--preset", "gpt2-small", "--output", out, "--device", "cpu", "--quiet"])
        check(r.returncode != 0 and "no space" in r.stderr and os.listdir(disk) == [] and len(r.stderr.strip().splitlines()) == 1,
              f"full disk: one clear line, nothing left ({r.stderr.strip()}; left {os.listdir(disk)})")
        # Five 600 kB tensors, one per 1 MB shard: the first three shards would fit in 2 MiB, the fourth not.
        # The whole set's size is checked before anything is written, and the message names it.
        spec = os.path.join(tmp, "five.json")
        with open(spec, "w") as f:
            json.dump({"seed": 1, "dtype": "f32", "tensors": [{"name": f"t{i}", "shape": [150000]} for i in range(5)],
                       "rules": [{"pattern": "*", "scheme": {"name": "normal", "std": 0.02}}]}, f)
        out = os.path.join(disk, "model.safetensors")
        r = run([binary, "init", spec, "--max-shard-size", "1MB", "--output", out, "--device", "cpu", "--quiet"])
        total = re.search(r"(\d+) bytes needed", r.stderr)
        check(r.returncode != 0 and "no space" in r.stderr and "5 shards" in r.stderr and total and int(total.group(1)) > 5 * 600000
              and len(r.stderr.strip().splitlines()) == 1 and os.listdir(disk) == [],
              f"a set of 5 shards larger than the disk: refused up front naming its total ({r.stderr.strip()}; left {os.listdir(disk)})")
    finally:
        run(["umount", disk])


if __name__ == "__main__":
    sys.exit(main())
