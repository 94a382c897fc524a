#!/usr/bin/env python3
"""Adversarial CLI checks: bad input gets one clear error line (exit 1, never a crash, a hang or a file) or a
correct result.

    python3 Tests/reference/check_hardening.py .build/release/tensorseed

- crafted safetensors headers (shape x dtype size beyond 64 bits, offsets, header lengths) to `verify` and
  `init --like`: exit 1 with one line naming the file, never a trap (exit 132);
- a tensor named `__metadata__`, a header over safetensors' 100 MB (one 36 MB name, 450,000 tensors): refused
  at plan time (with `--dry-run` too) with the limit in the message, nothing written; with `--max-shard-size`
  the 450,000 tensors plan;
- non-finite weights: constant inf, normal mean/std 1e39, uniform bounds whose difference overflows float32, a
  config's initializer_range 1e39, gain/a inf: refused naming the parameter, nothing written;
- `verify --engines ''` / `,,,` and a file without tensors: exit non-zero (a verify that checked nothing fails);
- FIFOs, directories and symlinks to them as files to verify, `--like` headers, specs, configs, indexes:
  refused at once saying what they are (a FIFO used to hang `verify`);
- a tensor name holding a newline and an escape sequence cannot forge `verify`'s `OK` line;
- messages: overflowing shape against field "shape", truncated normal low >= high, generate --count 2^61,
  a note (init, generate) for a truncated normal whose far-tail bounds allow few values (exactly as many as written),
  negative numbers, a TENSORSEED_OPENCL_LIBRARY without OpenCL;
- option values: negative, huge or out-of-range numbers (--max-shard-size, --rank, --world-size, --count, --threads) and
  conflicting --tensor-parallel/--rank/--world-size get a reason, never "Missing value";
- a mistyped subcommand says so and suggests the close one; `help bogus` fails;
- pad_token_id >= vocab_size names the file and the field; an index whose tensorseed metadata is missing or differs
  from its shards' says which (never "is nothing"); kaiming, variance_scaling and lecun messages list each
  scheme's modes and name the scheme written;
- TENSORSEED_TEST_FLIP_BIT never reaches init or verify, and generate warns while it is set;
- in a combined log (2>&1) the rank line comes before the error;
- planning is bounded: a 200 MB spec, num_hidden_layers 100000000, an LSTM of 10^8 layers fail in one line
  within seconds.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

from check_support import Tally

TIMEOUT = 60


def run(args, env=None, timeout=TIMEOUT):
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", "", ""


def write_safetensors(path, header, data=b"", length=None):
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text) if length is None else length) + text + data)
    return path


def one_error_line(result, *needles):
    """Exit 1, nothing on stdout but what verify prints, and stderr one `tensorseed: error:` line holding the needles."""
    code, _, err = result
    lines = err.strip().splitlines()
    return code == 1 and len(lines) == 1 and lines[0].startswith("tensorseed: error: ") and all(n in lines[0] for n in needles)


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed")
    tally = Tally()
    check = tally.check
    with tempfile.TemporaryDirectory(prefix="tensorseed-hardening-") as tmp:
        def path(name):
            return os.path.join(tmp, name)

        def spec_file(name, spec):
            with open(path(name), "w") as f:
                json.dump(spec, f)
            return path(name)

        def init(spec_path, out="out.safetensors", *extra):
            return run([binary, "init", spec_path, "--output", path(out), "--device", "cpu", "--quiet", *extra])

        meta = {"tensorseed.spec_version": "1", "tensorseed.seed": "0"}

        # Crafted headers: every size checked, no trap.
        crafted = {
            "f32-2^61": ({"w": {"dtype": "F32", "shape": [2**61], "data_offsets": [0, 0]}}, "more than 2^63 - 1 bytes"),
            "bf16-2^62": ({"w": {"dtype": "BF16", "shape": [2**62], "data_offsets": [0, 0]}}, "more than 2^63 - 1 bytes"),
            "elements": ({"w": {"dtype": "F32", "shape": [2**40, 2**40], "data_offsets": [0, 0]}}, "more than 2^63 - 1 elements"),
            "i64-elements": ({"w": {"dtype": "I64", "shape": [2**32, 2**32, 2**32], "data_offsets": [0, 0]}}, "more than 2^63 - 1 elements"),
            "end-max": ({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 2**63 - 1]}}, "bytes for shape"),
            "neg-dim": ({"w": {"dtype": "F32", "shape": [-1, 4], "data_offsets": [0, 0]}}, "not a list of integers >= 0"),
            "begin-after-end": ({"w": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}}, "bad dtype, shape or data_offsets"),
        }
        for name, (header, needle) in crafted.items():
            header = dict(header, __metadata__=meta)
            f = write_safetensors(path(name + ".safetensors"), header)
            for args in (["verify", f], ["init", "--like", f, "--dry-run"]):
                result = run([binary, *args])
                check(one_error_line(result, f, needle), f"{args[0]} of a header with {name}: {result}")
        for name, length, needle in (("len-huge", 2**64 - 1, "is not plausible"), ("len-over", 100_000_001, "1 to 100000000 bytes"),
                                     ("len-long", 4096, "shorter than the 4096-byte header")):
            f = write_safetensors(path(name + ".safetensors"), {"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4, length)
            for args in (["verify", f], ["init", "--like", f, "--dry-run"]):
                result = run([binary, *args])
                check(one_error_line(result, f, needle), f"{args[0]} of a header length {length}: {result}")

        # Reserved names and the header limit, at plan time.
        for extra in ([], ["--dry-run"]):
            result = init(spec_file("reserved.json", {"tensors": [{"name": "__metadata__", "shape": [2], "scheme": {"name": "zeros"}}]}),
                          "reserved.safetensors", *extra)
            check(one_error_line(result, "\"__metadata__\" is reserved") and not os.path.exists(path("reserved.safetensors")),
                  f"a tensor named __metadata__ {extra}: {result}")
        long_spec = spec_file("long.json", {"tensors": [{"name": "a" * 36_000_000, "shape": [2], "scheme": {"name": "zeros"}}]})
        for extra in ([], ["--dry-run"]):
            result = init(long_spec, "long.safetensors", *extra)
            check(one_error_line(result, "over safetensors' limit of 100000000 bytes", "the longest name 36000000 bytes")
                  and len(result[2]) < 1000 and not os.path.exists(path("long.safetensors")), f"a 36 MB name {extra}: {result[0]} {result[2][:300]}")
        many = spec_file("many.json", {"tensors": [{"name": f"t{i}", "shape": [1]} for i in range(450_000)],
                                       "rules": [{"pattern": "*", "scheme": {"name": "zeros"}}]})
        result = init(many, "many.safetensors", "--dry-run")
        check(one_error_line(result, "over safetensors' limit of 100000000 bytes", "(450000 tensors"), f"450,000 tensors in one file: {result[0]} {result[2][:300]}")
        result = init(many, "many/", "--dry-run", "--max-shard-size", "400KB")
        check(result[0] == 0 and "450000 tensors" in result[1].splitlines()[-1], f"450,000 tensors in shards of 400 KB: {result[0]} {result[2][:300]}")

        # Non-finite weights.
        bad_schemes = {
            "constant inf": ({"name": "constant", "val": "inf"}, "val = inf is invalid, it must be finite in float32"),
            "normal mean 1e39": ({"name": "normal", "mean": 1e39}, "mean = 1e+39 is invalid"),
            "normal std 1e39": ({"name": "normal", "std": 1e39}, "std = 1e+39 is invalid"),
            "normal std 1e38": ({"name": "normal", "std": 1e38}, "overflows float32"),
            "uniform overflow": ({"name": "uniform", "a": -3e38, "b": 3e38}, "high - low = 6.0000000109955115e+38 overflows float32"),
            "xavier gain inf": ({"name": "xavier_uniform", "gain": "inf"}, "gain = inf is invalid"),
            "kaiming a nan": ({"name": "kaiming_normal", "a": "nan"}, "a = nan is invalid"),
            "orthogonal gain 1e39": ({"name": "orthogonal", "gain": 1e39}, "gain = 1e+39 is invalid"),
        }
        for what, (scheme, needle) in bad_schemes.items():
            result = init(spec_file("bad.json", {"tensors": [{"name": "w", "shape": [4, 4], "scheme": scheme}]}), "bad.safetensors")
            check(one_error_line(result, needle) and "the fan of shape" not in result[2] and not os.path.exists(path("bad.safetensors")),
                  f"{what}: {result}")
        config = spec_file("config.json", {"model_type": "gpt2", "n_layer": 1, "n_embd": 8, "n_head": 2, "vocab_size": 16,
                                           "n_positions": 4, "initializer_range": 1e39})
        result = init(config, "cfg.safetensors")
        check(one_error_line(result, "initializer_range", "1e+39") and not os.path.exists(path("cfg.safetensors")), f"initializer_range 1e39: {result}")

        # A verify that checked nothing fails.
        good = spec_file("good.json", {"tensors": [{"name": "w", "shape": [3], "scheme": {"name": "normal"}}]})
        check(init(good, "good.safetensors")[0] == 0, "init of a small spec")
        for engines in ("", ",,,", "cpu,"):
            code, out, err = run([binary, "verify", path("good.safetensors"), "--engines", engines])
            check(code not in (0, "timeout") and "--engines" in err, f"verify --engines '{engines}': {code} {out} {err}")
        check(run([binary, "verify", path("good.safetensors"), "--engines", "cpu"])[0] == 0, "verify --engines cpu passes")
        check(init(spec_file("empty.json", {"tensors": []}), "empty.safetensors")[0] == 0, "init of an empty spec")
        code, out, _ = run([binary, "verify", path("empty.safetensors")])
        check(code == 1 and "nothing was verified" in out, f"verify of a file without tensors: {code} {out}")

        # Only regular files are read.
        os.mkfifo(path("fifo.safetensors"))
        os.mkdir(path("dir.safetensors"))
        os.symlink(path("fifo.safetensors"), path("to-fifo.safetensors"))
        os.symlink(path("dir.safetensors"), path("to-dir.safetensors"))
        for name, what in (("fifo", "is a FIFO (named pipe), not a regular file"), ("dir", "is a directory, not a regular file"),
                           ("to-fifo", "is a FIFO"), ("to-dir", "is a directory")):
            f = path(name + ".safetensors")
            # As a file to verify, a --like header, a spec, and a rules spec beside --like.
            for args in (["verify", f], ["init", "--like", f, "--dry-run"], ["init", f, "--dry-run"],
                         ["init", f, "--like", path("good.safetensors"), "--dry-run"]):
                start = time.monotonic()
                result = run([binary, *args], timeout=20)
                check(one_error_line(result, f, what) and time.monotonic() - start < 20, f"{' '.join(args[:2])} of {name}: {result}")
        os.mkfifo(path("fifo.safetensors.index.json"))
        for args in (["verify", path("fifo.safetensors.index.json")], ["init", "--like", path("fifo.safetensors.index.json"), "--dry-run"]):
            result = run([binary, *args], timeout=20)
            check(one_error_line(result, "is a FIFO"), f"{args[0]} of a FIFO index: {result}")

        # Names cannot forge lines.
        forged = spec_file("forged.json", {"tensors": [{"name": "a\nOK        b\x1b[2J\u202e", "shape": [3], "scheme": {"name": "ones"}},
                                                     {"name": "c", "shape": [2], "scheme": {"name": "zeros"}}]})
        check(init(forged, "forged.safetensors")[0] == 0, "init of a spec with a control character in a name")
        code, out, _ = run([binary, "verify", path("forged.safetensors")])
        lines = out.splitlines()
        check(code == 0 and len(lines) == 3 and lines[0] == "OK        a\\nOK        b\\u{001B}[2J\\u{202E}" and lines[1] == "OK        c"
              and not any(l == "OK        b" for l in lines) and "\x1b" not in out, f"verify prints names escaped: {lines}")
        code, out, _ = run([binary, "init", forged, "--dry-run"])
        check(code == 0 and len(out.splitlines()) == 3 and "\x1b" not in out, f"--dry-run prints names escaped: {out!r}")
        code, _, err = run([binary, "init", "--preset", "x\ny\x1b[1m"])
        check(code == 64 and "'x\\ny\\u{001B}[1m'" in err and "\x1b" not in err, f"an argument's value is printed escaped: {err!r}")

        # Messages.
        result = init(spec_file("shape.json", {"tensors": [{"name": "w", "shape": [2**61], "scheme": {"name": "normal"}}]}), "s.safetensors")
        check(one_error_line(result, "field \"shape\" [2305843009213693952] of F32 is more than 2^63 - 1 bytes"), f"overflowing shape: {result}")
        code, _, err = run([binary, "generate", "--count", "2", "--distribution", "truncated_normal", "--low", "2", "--high", "1", "--output", "-"])
        check(code == 64 and "low must be below high" in err and "finite for uniform" not in err, f"truncated normal low >= high: {err}")
        # Truncated normals whose bounds lie far in one tail can take few values (SPEC.md 7's float32 inverse CDF):
        # init and generate say so, with the exact bound (the files hold that many distinct values), and say nothing
        # for everyday bounds.
        tails = [("single", 0.01, -2, -0.06, "can take a single value", 1), ("few", 1, 5, 6, "can take at most 10 distinct values", 10),
                 ("timm", 0.02, -2, 2, None, None), ("torch", 1, -2, 2, None, None),
                 ("narrow", 1, 0.5, 0.5001, None, None)]   # 2364 values, as fine as float32 is there: no note
        spec = {"tensors": [{"name": n, "shape": [4096], "scheme": {"name": "trunc_normal", "std": s, "a": a, "b": b}} for n, s, a, b, _, _ in tails]}
        code, _, err = init(spec_file("tails.json", spec), "tails.safetensors")
        notes = [line for line in err.splitlines() if "truncated normal" in line]
        from safetensors.numpy import load_file
        written = load_file(path("tails.safetensors")) if code == 0 else {}
        for n, _, _, _, needle, distinct in tails:
            mine = [line for line in notes if f"tensor '{n}'" in line]
            if needle is None:
                check(code == 0 and not mine, f"no note for everyday truncated normal bounds ({n}): {mine}")
            else:
                check(code == 0 and len(mine) == 1 and needle in mine[0] and mine[0].startswith("tensorseed: note: ")
                      and len(set(written[n].tolist())) == distinct, f"init notes the far-tail truncated normal {n}: {code} {mine}")
        code, _, err = run([binary, "generate", "--count", "1000", "--distribution", "truncated_normal", "--low", "5", "--high", "6", "--output", path("tail.f32")])
        check(code == 0 and "can take at most 10 distinct values" in err, f"generate notes a far-tail truncated normal: {code} {err}")
        code, _, err = run([binary, "generate", "--count", str(2**61), "--output", path("g.f32")])
        check(code == 64 and "is too large" in err and "bytes needed" not in err and not os.path.exists(path("g.f32")), f"generate --count 2^61: {err}")
        code, _, err = run([binary, "generate", "--count", "-1", "--output", path("g.f32")])
        check(code == 64 and "--count must be >= 0 (got -1)" in err and "Missing value" not in err, f"generate --count -1: {err}")
        code, _, err = run([binary, "generate", "--count", "2", "--seed", "-1", "--output", "-"])
        check(code == 64 and "must be an integer in 0...18446744073709551615" in err, f"generate --seed -1: {err}")
        code, out, err = run([binary, "sample", "--count", "2", "--distribution", "uniform", "--low", "-1", "--high", "-0.5", "--throughput-elements", "0"])
        check(code == 0 and "uniform(low: -1.0, high: -0.5)" in out, f"sample --low -1 (a negative value): {code} {out} {err}")
        env = dict(os.environ, TENSORSEED_OPENCL_LIBRARY="libm.so.6")
        code, out, err = run([binary, "devices"], env=env)
        check("has no clGetPlatformIDs: it is not an OpenCL ICD loader or driver" in out + err and "no OpenCL driver (ICD) is installed" not in out + err,
              f"TENSORSEED_OPENCL_LIBRARY without OpenCL: {out} {err}")

        # Option values: a negative, huge or out-of-range number gets its reason, never "Missing value".
        for args, needle in ((["init", good, "--max-shard-size", "-5", "--output", path("n/")], "'-5' is not a size > 0"),
                             (["init", good, "--rank", "-1", "--world-size", "2", "--dry-run"], "--rank must be >= 0 (got -1)"),
                             (["init", good, "--rank", "0", "--world-size", "-2", "--dry-run"], "--world-size must be >= 1 (got -2)"),
                             (["init", good, "--tensor-parallel", "-1/2", "--dry-run"], "--tensor-parallel '-1/2' is not R/N"),
                             (["generate", "--count", "18446744073709551615", "--output", path("c.f32")], "beyond a signed 64-bit integer"),
                             (["init", good, "--threads", "100000", "--dry-run"], "--threads must be at most 4096 (got 100000)"),
                             (["generate", "--count", "4", "--threads", "100000", "--output", path("t.f32")], "--threads must be at most 4096"),
                             (["init", good, "--tensor-parallel", "1/2", "--rank", "0", "--world-size", "2", "--dry-run"], "gives the rank itself"),
                             (["init", good, "--tensor-parallel", "4", "--rank", "0", "--world-size", "2", "--dry-run"],
                              "the tensor-parallel group has 4 ranks")):
            code, out, err = run([binary, *args])
            check(code in (1, 64) and needle in err and "Missing value" not in err and out == "", f"{' '.join(args[:1] + args[2:])}: {code} {err.strip()}")

        # A mistyped subcommand is named as such; `help` of a word that is no subcommand fails.
        code, _, err = run([binary, "verfy", path("good.safetensors")])
        check(code == 64 and "'verfy' is not a tensorseed subcommand; did you mean 'verify'?" in err and "Usage: tensorseed sample" not in err,
              f"tensorseed verfy: {code} {err.strip()}")
        code, _, err = run([binary, "frobnicate"])
        check(code == 64 and "'frobnicate' is not a tensorseed subcommand (subcommands: sample, generate, init, verify" in err,
              f"tensorseed frobnicate: {code} {err.strip()}")
        code, _, err = run([binary, "help", "bogus"])
        check(code == 64 and "'bogus' is not a tensorseed subcommand" in err, f"tensorseed help bogus: {code} {err.strip()}")
        code, out, _ = run([binary, "help", "verify"])
        check(code == 0 and "USAGE: tensorseed verify" in out, f"tensorseed help verify: {code} {out[:100]!r}")

        # Config fields out of range are named with the file.
        pad = spec_file("pad.json", {"model_type": "llama", "vocab_size": 64, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                                     "num_attention_heads": 4, "pad_token_id": 64})
        result = init(pad, "pad.safetensors")
        check(one_error_line(result, f'{pad}: field "pad_token_id" 64 must be below vocab_size 64'), f"pad_token_id >= vocab_size: {result}")

        # An index whose tensorseed metadata differs from its shards' says which side lacks the key or what each records.
        sharded = spec_file("sharded.json", {"seed": 0, "tensors": [{"name": f"w{i}", "shape": [64, 64], "scheme": {"name": "normal", "std": 0.02}}
                                                                      for i in range(3)]})
        code, _, err = run([binary, "init", sharded, "--output", path("set") + "/", "--max-shard-size", "20KB", "--device", "cpu", "--quiet"])
        index = path("set/model.safetensors.index.json")
        original = json.load(open(index)) if code == 0 else {"metadata": {}, "weight_map": {}}
        for edit, needle in ((lambda m: m.pop("tensorseed.seed"), 'metadata tensorseed.seed is missing from the index but shard model-00001-of-'),
                             (lambda m: m.update({"tensorseed.seed": "5"}), 'metadata tensorseed.seed is "5" in the index but shard model-00001-of-')):
            edited = json.loads(json.dumps(original))
            edit(edited["metadata"])
            with open(index, "w") as f:
                json.dump(edited, f)
            result = run([binary, "verify", index])
            check(code == 0 and one_error_line(result, index, needle, 'records "0"') and "nothing" not in result[2],
                  f"verify of an index with {edited['metadata']}: {result}")

        # kaiming, variance_scaling and lecun messages: the modes each takes, the scheme written, no "nan".
        for scheme, shape, needle in (({"name": "kaiming_uniform", "mode": "fan_avg"}, [4, 4], "must be fan_in or fan_out for kaiming_uniform, got 'fan_avg'"),
                                      ({"name": "kaiming_normal", "mode": "bogus"}, [4, 4], "must be fan_in or fan_out for kaiming_normal, got 'bogus'"),
                                      ({"name": "variance_scaling", "scale": 1, "mode": "bogus"}, [4, 4],
                                       "must be fan_in, fan_out or fan_avg for variance_scaling, got 'bogus'"),
                                      ({"name": "lecun_normal"}, [4], "lecun_normal needs a tensor with at least 2 dimensions")):
            result = init(spec_file("k.json", {"tensors": [{"name": "w", "shape": shape, "scheme": scheme}]}), "k.safetensors", "--dry-run")
            check(one_error_line(result, needle) and "= nan" not in result[2] and "variance_scaling" not in result[2].replace("for variance_scaling", ""),
                  f"{scheme}: {result}")

        # The test hook never reaches init or verify (a stray variable cannot make a model that fails to verify);
        # generate, whose commands reproduce a device check, honours it and says so on stderr every time.
        hooked = dict(os.environ, TENSORSEED_TEST_FLIP_BIT="cpu")
        eight = spec_file("eight.json", {"tensors": [{"name": "w", "shape": [4, 8], "scheme": {"name": "normal", "std": 0.02}}]})
        code, _, err = run([binary, "init", eight, "--output", path("hooked.safetensors"), "--device", "cpu", "--quiet"], env=hooked)
        v = run([binary, "verify", path("hooked.safetensors")])
        check(code == 0 and v[0] == 0 and "MISMATCH" not in v[1], f"init under TENSORSEED_TEST_FLIP_BIT writes a model that verifies: {v}")
        p = subprocess.run([binary, "generate", "--device", "cpu", "--count", "8", "--output", "-"], capture_output=True, env=hooked)
        clean = subprocess.run([binary, "generate", "--device", "cpu", "--count", "8", "--output", "-"], capture_output=True)
        check(b"warning: TENSORSEED_TEST_FLIP_BIT=cpu is set" in p.stderr and p.stdout[28] ^ clean.stdout[28] == 1,
              f"generate under the hook flips element 7 and warns: {p.stderr!r}")

        # Progress lines come before the error in a combined log (stdout is a pipe: block-buffered).
        env = dict(os.environ, RANK="1", WORLD_SIZE="2")
        p = subprocess.run([binary, "init", good, "--output", path("ranked.safetensors"), "--device", "cpu"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = p.stdout.splitlines()
        first_error = next((i for i, line in enumerate(lines) if "error:" in line), None)
        check(p.returncode == 1 and lines and lines[0].startswith("tensorseed: rank 1 of 2") and first_error == 1,
              f"RANK=1 WORLD_SIZE=2 init 2>&1: the rank line, then the error ({lines})")

        # Planning is bounded.
        with open(path("huge.json"), "wb") as f:
            f.truncate(200_000_000)
        start = time.monotonic()
        result = init(path("huge.json"), "huge.safetensors", "--dry-run")
        check(one_error_line(result, "over the limit of 100000000 bytes") and time.monotonic() - start < 10, f"a 200 MB spec: {result}")
        layers = spec_file("layers.json", {"model_type": "llama", "num_hidden_layers": 100_000_000, "hidden_size": 64,
                                           "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 100})
        lstm = spec_file("lstm.json", {"input": [5, 8], "layers": [{"type": "lstm", "hidden_size": 4, "num_layers": 100_000_000}]})
        for what, f in (("num_hidden_layers 1e8", layers), ("an LSTM of 1e8 layers", lstm)):
            start = time.monotonic()
            result = init(f, "layers.safetensors", "--dry-run")
            check(one_error_line(result, "more than TensorSeed's limit of 1000000 tensors") and time.monotonic() - start < 10, f"{what}: {result}")
    return tally.report("check_hardening")


if __name__ == "__main__":
    sys.exit(main())
