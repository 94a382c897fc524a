#!/usr/bin/env python3
"""Every scheme of SPEC.md section 8, in every storage type, written by `tensorseed init` and made by
tensorseed_ref.py (numpy, written from SPEC.md alone), compared byte for byte: the test that SPEC.md is
whole. Also checks that both refuse what SPEC.md refuses (the truncated normal's rule, 7.1).

    python3 Tests/reference/check_schemes.py .build/release/tensorseed
"""
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tensorseed_ref as ref  # noqa: E402
from check_support import Tally, safetensors_tensors  # noqa: E402

SCHEMES = [  # (name, shape, scheme)
    ("uniform", [7, 5], {"name": "uniform"}),
    ("uniform.shifted", [33], {"name": "uniform", "a": -3.0, "b": 5.5}),
    ("uniform.low_high", [3, 3], {"name": "uniform", "low": 0.1, "high": 0.3}),
    ("normal", [9, 4], {"name": "normal"}),
    ("normal.small", [101], {"name": "normal", "mean": 0.5, "std": 0.02}),
    ("normal.zero_std", [5], {"name": "normal", "std": 0.0}),
    ("trunc_normal", [8, 8], {"name": "trunc_normal"}),
    ("trunc_normal.shifted", [77], {"name": "trunc_normal", "mean": 0.5, "std": 0.02, "a": 0.47, "b": 0.6}),
    ("trunc_normal.tail", [40], {"name": "trunc_normal", "mean": 0.0, "std": 1.0, "a": 3.0, "b": 4.5}),
    ("trunc_normal.wide", [40], {"name": "trunc_normal", "std": 1e20, "a": -1.0, "b": 1.0}),
    ("constant", [3, 2], {"name": "constant", "val": 3.14159}),
    ("constant.negzero", [4], {"name": "constant", "val": -0.0}),
    ("constant.tiny", [4], {"name": "constant", "value": 1e-40}),
    ("constant.big", [4], {"name": "constant", "val": 70000.0}),
    ("zeros", [2, 3], {"name": "zeros"}),
    ("ones", [2, 3], {"name": "ones"}),
    ("eye", [5, 7], {"name": "eye"}),
    ("eye.tall", [6, 2], {"name": "eye"}),
    ("dirac", [4, 2, 3], {"name": "dirac", "groups": 2}),
    ("dirac.3d", [3, 5, 3, 2, 3], {"name": "dirac"}),
    ("embedding", [10, 4], {"name": "embedding"}),
    ("embedding.padding", [10, 4], {"name": "embedding", "padding_idx": -1, "std": 0.02}),
    ("embedding.padding0", [6, 3], {"name": "embedding", "padding_idx": 0}),
    ("sparse", [10, 6], {"name": "sparse", "sparsity": 0.3}),
    ("sparse.std", [7, 9], {"name": "sparse", "sparsity": 0.5, "std": 1.5}),
    ("orthogonal", [6, 4], {"name": "orthogonal"}),
    ("orthogonal.wide", [3, 8], {"name": "orthogonal", "gain": 1.4142135623730951}),
    ("orthogonal.3d", [4, 2, 3], {"name": "orthogonal", "gain": 0.3}),
    ("xavier_uniform", [30, 20, 3, 3], {"name": "xavier_uniform", "gain": 2.0}),
    ("xavier_uniform.default", [17, 9], {"name": "xavier_uniform"}),
    ("xavier_normal", [17, 9], {"name": "xavier_normal", "gain": 1.6666666666666667}),
    ("kaiming_uniform.linear_default", [64, 33], {"name": "kaiming_uniform", "a": math.sqrt(5.0)}),
    ("kaiming_uniform.conv", [8, 3, 5, 5], {"name": "kaiming_uniform", "a": math.sqrt(5.0), "mode": "fan_in"}),
    ("kaiming_uniform.relu", [12, 7], {"name": "kaiming_uniform", "nonlinearity": "relu", "mode": "fan_out"}),
    ("kaiming_uniform.leaky", [12, 7], {"name": "kaiming_uniform", "a": 0.2, "nonlinearity": "leaky_relu"}),
    ("kaiming_normal", [12, 7, 2], {"name": "kaiming_normal"}),
    ("kaiming_normal.tanh", [12, 7], {"name": "kaiming_normal", "nonlinearity": "tanh", "mode": "fan_out"}),
    ("kaiming_normal.selu", [12, 7], {"name": "kaiming_normal", "nonlinearity": "selu"}),
    ("kaiming_normal.sigmoid", [5, 6], {"name": "kaiming_normal", "nonlinearity": "sigmoid"}),
    ("kaiming_normal.conv_transpose2d", [5, 6], {"name": "kaiming_normal", "nonlinearity": "conv_transpose2d"}),
    ("lecun_uniform", [11, 13], {"name": "lecun_uniform"}),
    ("lecun_normal", [11, 13], {"name": "lecun_normal"}),
    ("variance_scaling.normal.fan_avg", [6, 10], {"name": "variance_scaling", "scale": 2.0, "mode": "fan_avg", "distribution": "normal"}),
    ("variance_scaling.uniform.fan_out", [6, 10], {"name": "variance_scaling", "scale": 0.5, "mode": "fan_out", "distribution": "uniform"}),
    ("variance_scaling.truncated", [6, 10, 3], {"name": "variance_scaling", "scale": 1.0}),
    ("variance_scaling.axes", [3, 4, 5, 2], {"name": "variance_scaling", "scale": 3.0, "mode": "fan_in", "distribution": "normal",
                                            "in_axis": [0, -1], "out_axis": 1, "batch_axis": [2]}),
    ("empty", [0, 5], {"name": "xavier_uniform"}),
    ("caf\u00e9.w", [5], {"name": "normal"}),
]
DTYPES = ["F32", "F16", "BF16", "F64"]
SPEC_DTYPE = {"F32": "f32", "F16": "f16", "BF16": "bf16", "F64": "f64"}


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed"
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in (12345, 2**64 - 1):
            tensors = [{"name": f"{name}.{dtype}", "shape": shape, "dtype": SPEC_DTYPE[dtype], "scheme": scheme}
                       for name, shape, scheme in SCHEMES for dtype in DTYPES]
            spec, out = os.path.join(tmp, "spec.json"), os.path.join(tmp, f"all-{seed}.safetensors")
            with open(spec, "w", encoding="utf-8") as f:
                json.dump({"seed": seed, "tensors": tensors}, f, ensure_ascii=False)
            run = subprocess.run([binary, "init", spec, "--output", out, "--quiet"], capture_output=True, text=True)
            tally.check(run.returncode == 0, f"init of every scheme (seed {seed}) failed: {run.stderr.strip()}")
            if run.returncode != 0:
                continue
            written = safetensors_tensors(out)
            for t in tensors:
                dtype = t["name"].rsplit(".", 1)[1]
                with np.errstate(over="ignore"):
                    want = ref.stored_bytes(ref.tensor(seed, t["name"], t["shape"], t["scheme"]), dtype)
                got = written.get(t["name"])
                ok = got == want
                if not ok and got is not None and len(got) == len(want):
                    size = len(want) // max(1, int(np.prod(t["shape"])))
                    first = next(i for i in range(0, len(want), size) if got[i:i + size] != want[i:i + size]) // size
                    tally.check(False, f"seed {seed} {t['name']} {t['shape']} {t['scheme']}: first differing element {first}")
                else:
                    tally.check(ok, f"seed {seed} {t['name']} {t['shape']} {t['scheme']}: " + ("missing" if got is None else "sizes differ"))
        # SPEC.md 7.1: both refuse a truncated normal whose parameters would make subnormal intermediates.
        for scheme in ({"name": "trunc_normal", "std": 1e35, "a": -1.0, "b": 1.0},
                       {"name": "trunc_normal", "mean": 0.0, "std": 1.0, "a": 1e-33, "b": 2.0},
                       {"name": "trunc_normal", "std": 1e30, "a": 0.0, "b": 1.0}):
            refused = False
            try:
                ref.recipe(scheme, [4, 4])
            except ref.Refused:
                refused = True
            tally.check(refused, f"the reference accepts {scheme}, which SPEC.md 7.1 refuses")
            spec, out = os.path.join(tmp, "refused.json"), os.path.join(tmp, "refused.out")
            with open(spec, "w") as f:
                json.dump({"tensors": [{"name": "w", "shape": [4, 4], "scheme": scheme}]}, f)
            run = subprocess.run([binary, "init", spec, "--output", out, "--quiet"], capture_output=True, text=True)
            lines = run.stderr.strip().splitlines()
            tally.check(run.returncode != 0 and len(lines) == 1 and "subnormal" in run.stderr and not os.path.exists(out),
                        f"init of {scheme} should fail with one line about subnormals (SPEC.md 7.1); got {run.returncode}: {run.stderr.strip()}")
            run = subprocess.run([binary, "generate", "--distribution", "truncated_normal", f"--mean={scheme.get('mean', 0.0)}",
                                  f"--std={scheme['std']}", f"--low={scheme['a']}", f"--high={scheme['b']}", "--count", "4",
                                  "--output", out], capture_output=True, text=True)
            tally.check(run.returncode != 0 and "subnormal" in run.stderr and not os.path.exists(out),
                        f"generate of {scheme} should fail about subnormals (SPEC.md 7.1); got {run.returncode}: {run.stderr.strip()}")
    return tally.report("schemes against the SPEC.md reference")


if __name__ == "__main__":
    sys.exit(main())
