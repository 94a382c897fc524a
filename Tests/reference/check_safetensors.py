#!/usr/bin/env python3
"""Interop and CLI checks of `tensorseed init` / `tensorseed verify` with the PyPI `safetensors` package.

    python3 Tests/reference/check_safetensors.py .build/release/tensorseed

- a file written by `tensorseed init` loads with `safetensors.numpy.load_file`, with the spec's names,
  shapes and dtypes; F32 values equal `tensorseed generate` bit for bit, F16 values equal those rounded
  to nearest even by numpy; constant schemes give their constants;
- `tensorseed verify` passes on it and fails (naming the tensor) after one flipped byte;
- an existing file is not overwritten without --force; SIGINT mid-write exits 130 and leaves no file.
"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
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
                     "--device", "cpu", "--output", raw], check=True)
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
        p = subprocess.Popen([binary, "init", "--preset", "gpt2-small", "--output", big, "--device", "cpu", "--chunk-mib", "4"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.4)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate()
        left = sorted(os.listdir(tmp))
        check(p.returncode == 130 and "interrupted" in err and left == ["model.safetensors", "raw.f32", "spec.json"],
              f"SIGINT mid-write: exit {p.returncode}, no file left ({left})")

    print(f"{'FAILED' if failures else 'passed'}: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
