#!/usr/bin/env python3
"""Tensor names are bytes (SPEC.md section 3): "é" (C3 A9) and "e" + U+0301 (65 CC 81) are two tensors to
init, verify, --like, sharded sets and the stream (as to safetensors and PyTorch), and a name, spec,
header or argument that is not valid UTF-8 is refused with one line, never repaired.

    python3 Tests/reference/check_names.py .build/release/tensorseed
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tensorseed_ref as ref  # noqa: E402
from check_support import Tally, safetensors_tensors  # noqa: E402

COMPOSED, DECOMPOSED = "caf\u00e9.weight", "cafe\u0301.weight"


def run(*args):
    return subprocess.run([a if isinstance(a, bytes) else str(a) for a in args], capture_output=True)


def tensors(path):
    return {name: np.frombuffer(data, dtype="<f4") for name, data in safetensors_tensors(path).items()}


def one_line_refusal(t, r, what):
    err = r.stderr.decode("utf-8", "replace").strip()
    t.check(r.returncode != 0 and len(err.splitlines()) == 1 and "UTF-8" in err, f"{what}: want one line about UTF-8, got {r.returncode}: {err}")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed"
    t = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "names.json")
        schemes = [{"name": "normal"}, {"name": "orthogonal"}]
        listed = [{"name": name + suffix, "shape": [6, 4], "scheme": scheme}
                  for suffix, scheme in zip(("", ".q"), schemes) for name in (COMPOSED, DECOMPOSED)]
        with open(spec, "w", encoding="utf-8") as f:
            json.dump({"seed": 3, "tensors": listed}, f)        # \u escapes: the JSON reader decodes them exactly
        out = os.path.join(tmp, "names.safetensors")
        r = run(binary, "init", spec, "--output", out, "--quiet")
        t.check(r.returncode == 0, f"init accepts canonically equivalent but different names as two tensors: {r.stderr.decode()}")
        if r.returncode == 0:
            got = tensors(out)
            t.check(sorted(got) == sorted(x["name"] for x in listed), f"the file holds all four names as given: {sorted(got)}")
            for x in listed:
                want = ref.tensor(3, x["name"], x["shape"], x["scheme"])
                t.check(x["name"] in got and np.array_equal(got[x["name"]].view(np.uint32), want.view(np.uint32)),
                        f"{x['name']!r} ({x['scheme']['name']}) is the stream of its own bytes")
            r = run(binary, "verify", out)
            t.check(r.returncode == 0 and sum(line.startswith("OK") for line in r.stdout.decode().splitlines()) == 4, f"verify: {r.stdout.decode()} {r.stderr.decode()}")
            like = os.path.join(tmp, "like.safetensors")
            r = run(binary, "init", "--like", out, "--output", like, "--quiet")
            t.check(r.returncode == 0 and sorted(tensors(like)) == sorted(got), f"--like keeps both names: {r.stderr.decode()}")
            folder = os.path.join(tmp, "set")
            os.mkdir(folder)
            index = os.path.join(folder, "model.safetensors.index.json")
            r = run(binary, "init", spec, "--output", index, "--max-shard-size", "100", "--quiet")
            ok = r.returncode == 0 and run(binary, "verify", index).returncode == 0
            if ok:
                with open(index, encoding="utf-8") as f:
                    ok = sorted(json.load(f)["weight_map"]) == sorted(got)
            t.check(ok, f"a sharded set keeps both names in its index and verifies: {r.stderr.decode()}")
        with open(spec, "w", encoding="utf-8") as f:
            json.dump({"tensors": [{"name": COMPOSED, "shape": [2], "scheme": {"name": "zeros"}}] * 2}, f)
        r = run(binary, "init", spec, "--dry-run")
        t.check(r.returncode != 0 and b"duplicate" in r.stderr, f"byte-equal names are still duplicates: {r.stderr.decode()}")

        # Not UTF-8: argv, a spec, a header.
        one_line_refusal(t, run(binary, "sample", "--name", b"w\xff", "--count", "1", "--throughput-elements", "0"), "sample --name with byte 0xFF")
        one_line_refusal(t, run(binary, "init", "--output", os.path.join(tmp, "x").encode() + b"\xc3.safetensors"), "init --output with a truncated UTF-8 sequence")
        bad_spec = os.path.join(tmp, "bad.json")
        with open(bad_spec, "wb") as f:
            f.write(b'{"tensors": [{"name": "w\xed\xa0\x80", "shape": [2], "scheme": {"name": "zeros"}}]}')     # an encoded surrogate
        one_line_refusal(t, run(binary, "init", bad_spec, "--dry-run"), "a spec whose name is not UTF-8")
        if os.path.exists(out):
            with open(out, "rb") as f:
                data = f.read()
            (n,) = struct.unpack("<Q", data[:8])
            patched = data[:8] + data[8:8 + n].replace("caf\u00e9".encode(), b"caf\xff\xff", 1) + data[8 + n:]
            bad = os.path.join(tmp, "bad.safetensors")
            with open(bad, "wb") as f:
                f.write(patched)
            one_line_refusal(t, run(binary, "verify", bad), "a header whose name is not UTF-8")
    return t.report("names as bytes")


if __name__ == "__main__":
    sys.exit(main())
