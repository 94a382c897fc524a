#!/usr/bin/env python3
"""`verify` trusts nothing it does not use (SPEC.md section 10): edits to recorded metadata that regeneration
would ignore are caught, an index must agree with its shards on seed and spec version, and tensor names
are bytes (canonically equivalent but different names are two tensors; invalid UTF-8 is refused).

    python3 Tests/reference/check_integrity.py .build/release/tensorseed
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_support import Tally, safetensors_parts as read  # noqa: E402


def run(*args):
    return subprocess.run([str(a) for a in args], capture_output=True)


def write(path, header, body):
    text = json.dumps(header, ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + body)


def edited(tmp, source, name, change):
    """A copy of `source` whose __metadata__ was changed by `change(metadata)`."""
    header, body = read(source)
    change(header["__metadata__"])
    path = os.path.join(tmp, name)
    write(path, header, body)
    return path


def scheme_edit(tensor, change):
    def edit(meta):
        value = json.loads(meta[f"tensorseed.scheme.{tensor}"])
        change(value)
        meta[f"tensorseed.scheme.{tensor}"] = json.dumps(value)
    return edit


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed"
    t = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "spec.json")
        with open(spec, "w") as f:
            json.dump({"seed": 7, "tensors": [
                {"name": "fc.weight", "shape": [16, 8], "scheme": {"name": "kaiming_uniform", "a": 2.23606797749979}},
                {"name": "fc.bias", "shape": [16], "scheme": {"name": "uniform", "a": -0.25, "b": 0.25}},
                {"name": "q.weight", "shape": [8, 8], "scheme": {"name": "orthogonal", "gain": 0.5}},
                {"name": "relu.weight", "shape": [8, 4], "scheme": {"name": "kaiming_normal", "nonlinearity": "relu", "a": 0}}]}, f)
        model = os.path.join(tmp, "model.safetensors")
        r = run(binary, "init", spec, "--output", model, "--quiet")
        t.check(r.returncode == 0 and run(binary, "verify", model).returncode == 0, f"init and verify: {r.stderr.decode()}")
        header, _ = read(model)
        kaiming = json.loads(header["__metadata__"]["tensorseed.scheme.fc.weight"])
        t.check("negative_slope" not in kaiming["scheme"], f"kaiming records no negative_slope (unused): {kaiming['scheme']}")
        relu = json.loads(header["__metadata__"]["tensorseed.scheme.relu.weight"])
        t.check("a" not in relu["scheme"], f"kaiming with relu records no a (unused): {relu['scheme']}")

        def refused(path, what, expect=None):
            r = run(binary, "verify", path)
            out = (r.stdout + r.stderr).decode()
            t.check(r.returncode != 0 and (expect is None or expect in out), f"verify accepted {what}: {out.strip()}")

        refused(edited(tmp, model, "slope.safetensors", scheme_edit("fc.weight", lambda v: v["scheme"].update(negative_slope=0.3))),
                "a kaiming scheme with a negative_slope it would ignore", "negative_slope")
        refused(edited(tmp, model, "a.safetensors", scheme_edit("relu.weight", lambda v: v["scheme"].update(a=0.7))),
                "kaiming with relu and an a it would ignore", "scheme.a")
        refused(edited(tmp, model, "high.safetensors", scheme_edit("fc.bias", lambda v: v["recipe"].update(high=0.75))),
                "a recipe whose decimal high disagrees with high_bits", "recipe.high")
        refused(edited(tmp, model, "gain.safetensors", scheme_edit("q.weight", lambda v: v["recipe"].update(gain=2.0))),
                "an orthogonal recipe whose decimal gain disagrees with gain_bits", "recipe.gain")
        refused(edited(tmp, model, "extra.safetensors", scheme_edit("fc.bias", lambda v: v["recipe"].update(note="x"))),
                "a recipe with a field regeneration ignores", "recipe.note")
        refused(edited(tmp, model, "wrapper.safetensors", scheme_edit("fc.bias", lambda v: v.update(comment="x"))),
                "scheme metadata with a member regeneration ignores", "comment")
        refused(edited(tmp, model, "stray.safetensors", lambda m: m.update({"tensorseed.scheme.ghost": m["tensorseed.scheme.fc.bias"]})),
                "metadata for a tensor the file does not hold", "ghost")
        refused(edited(tmp, model, "seed.safetensors", lambda m: m.update({"tensorseed.seed": "+7"})), "a seed written \"+7\"")
        legacy = edited(tmp, model, "legacy.safetensors", scheme_edit("fc.weight", lambda v: v["scheme"].update(negative_slope=0.01)))
        r = run(binary, "verify", legacy)
        t.check(r.returncode == 0, f"a file of an earlier build (kaiming with negative_slope 0.01 recorded) still verifies: {r.stdout.decode()}")
        with open(os.path.join(tmp, "slope.json"), "w") as f:
            json.dump({"tensors": [{"name": "w", "shape": [4, 4], "scheme": {"name": "kaiming_normal", "negative_slope": 0.2}}]}, f)
        r = run(binary, "init", os.path.join(tmp, "slope.json"), "--dry-run")
        t.check(r.returncode != 0 and b"negative_slope" in r.stderr and b"\"a\"" in r.stderr,
                f"a spec's kaiming negative_slope (which torch's kaiming does not have) is refused, pointing at a: {r.stderr.decode()}")

        # verify INDEX: the index's seed and spec version must be every shard's.
        folder = os.path.join(tmp, "set")
        os.mkdir(folder)
        index = os.path.join(folder, "model.safetensors.index.json")
        r = run(binary, "init", spec, "--output", index, "--max-shard-size", "600", "--quiet")
        t.check(r.returncode == 0 and run(binary, "verify", index).returncode == 0, f"a sharded set verifies: {r.stderr.decode()}")
        with open(index) as f:
            original = json.load(f)
        for key, value in (("tensorseed.seed", "8"), ("tensorseed.spec_version", "2")):
            changed = json.loads(json.dumps(original))
            changed["metadata"][key] = value
            with open(index, "w") as f:
                json.dump(changed, f)
            refused(index, f"an index whose {key} differs from its shards'", key)
        with open(index, "w") as f:
            json.dump(original, f)
        t.check(run(binary, "verify", index).returncode == 0, "the restored index verifies")
    return t.report("metadata integrity")


if __name__ == "__main__":
    sys.exit(main())
