#!/usr/bin/env python3
"""Cross-checks `tensorseed generate` (the Swift CPU engine) against tensorseed_ref.py (numpy, from SPEC.md).

    python3 Tests/reference/check_cli.py .build/release/tensorseed
"""
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tensorseed_ref as ref  # noqa: E402

CASES = [  # seed, name, offset, count, distribution, (a, b)
    (0, "w", 0, 1000, "normal", (0.0, 1.0)),
    (42, "w", 1000003, 4099, "uniform", (0.0, 1.0)),
    (2**64 - 1, "model.layers.0.self_attn.q_proj.weight", 2**40 + 5, 777, "normal", (0.5, 0.02)),
    (123456789, "caf\u00e9 \u2603", 31, 65, "uniform", (-0.25, 0.75)),
    (7, "", 2**64 - 100, 100, "normal", (0.0, 1.0)),
    (1, "big", 12345, 300001, "normal", (0.0, 1.0)),
    (1, "big", 12345, 300001, "uniform", (0.0, 1.0)),
    (5, "trunc", 3, 70001, "truncated_normal", (0.0, 1.0), (-2.0, 2.0)),
    (6, "trunc.shifted", 2**33, 1001, "truncated_normal", (0.5, 0.02), (0.47, 0.6)),
]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed"
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed, name, offset, count, dist, (a, b), *bounds in CASES:
            out = os.path.join(tmp, "x.f32")
            params = [f"--mean={a}", f"--std={b}"] if dist != "uniform" else [f"--low={a}", f"--high={b}"]
            if bounds:
                params += [f"--low={bounds[0][0]}", f"--high={bounds[0][1]}"]
            subprocess.run([binary, "generate", "--seed", str(seed), "--name", name, "--offset", str(offset),
                            "--count", str(count), "--distribution", dist, *params, "--output", out, "--force"], check=True)
            got = np.fromfile(out, dtype="<u4")
            with np.errstate(over="ignore"):
                low, high = bounds[0] if bounds else (None, None)
                want = ref.generate(seed, name, offset, count, dist, a, b, low, high).view(np.uint32)
            if got.shape == want.shape and np.array_equal(got, want):
                passed += 1
            else:
                failed += 1
                bad = np.nonzero(got != want)[0] if got.shape == want.shape else [0]
                print(f"MISMATCH seed={seed} name={name!r} offset={offset} {dist}: first differing index {offset + int(bad[0])}")
    print(f"reference: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
