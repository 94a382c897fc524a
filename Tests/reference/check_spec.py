#!/usr/bin/env python3
"""SPEC.md's own known answers, computed by tensorseed_ref.py (written from SPEC.md alone): the Random123
Philox4x32-10 vectors of section 2 (and that the fixture file holds them), and section 11's orthogonal
test vector (digest and elements) through section 8.7's blocked QR.

    python3 Tests/reference/check_spec.py
"""
import os
import re
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, HERE)
import tensorseed_ref as ref  # noqa: E402
from check_support import Tally  # noqa: E402


def digest(data):
    """SPEC.md section 10's fnv1a64w digest."""
    h = 0xCBF29CE484222325
    padded = data + b"\0" * (-len(data) % 8)
    for word in list(np.frombuffer(padded, dtype="<u8")) + [len(data)]:
        h = ((h ^ int(word)) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"fnv1a64w:{h:016x}"


def main():
    tally = Tally()
    with open(os.path.join(ROOT, "SPEC.md"), encoding="utf-8") as f:
        spec = f.read()
    with open(os.path.join(ROOT, "Tests", "TensorSeedTests", "Fixtures", "philox4x32_kat.txt")) as f:
        fixture = f.read()
    rows = re.findall(r"^\| ((?:[0-9a-f]{8} ){3}[0-9a-f]{8}) \| ([0-9a-f]{8} [0-9a-f]{8}) \| ((?:[0-9a-f]{8} ){3}[0-9a-f]{8}) \|$", spec, re.M)
    tally.check(len(rows) >= 3, f"SPEC.md section 2 lists Random123's three 10-round vectors (found {len(rows)})")
    for counter, key, output in rows:
        c, k = [int(x, 16) for x in counter.split()], [int(x, 16) for x in key.split()]
        got = " ".join(f"{int(x[0]) if np.ndim(x) else int(x):08x}" for x in ref.philox4x32(*[[v] for v in c], *k))
        tally.check(got == output, f"Philox4x32-10({counter}; {key}) = {got}, SPEC.md says {output}")
        tally.check(f"philox4x32 10 {counter} {key} {output}" in fixture, f"the fixture lacks SPEC.md's vector {counter}")
    stated = re.search(r"orthogonal \(gain 1\), shape \[100, 70\].*?digest `(fnv1a64w:[0-9a-f]{16})`", spec, re.S)
    tally.check(stated is not None, "SPEC.md section 11 states the orthogonal vector's digest")
    values = ref.tensor(0, "w", [100, 70], {"name": "orthogonal"})
    if stated:
        tally.check(digest(values.astype("<f4").tobytes()) == stated.group(1), f"orthogonal [100, 70] digest {digest(values.tobytes())}")
    table = spec[spec.index("orthogonal (gain 1), shape [100, 70]"):]
    for index, bits in re.findall(r"^\| (\d+) \| `0x([0-9a-f]{8})` \|", table, re.M)[:16]:
        tally.check(int(values.view(np.uint32)[int(index)]) == int(bits, 16), f"orthogonal element {index}")
    return tally.report("SPEC.md known answers")


if __name__ == "__main__":
    sys.exit(main())
