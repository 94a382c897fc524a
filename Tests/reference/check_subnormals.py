#!/usr/bin/env python3
"""SPEC.md 7.1's claim, checked on the reference (written from SPEC.md): when erfLow is 0 or at least 2^-102
and erfWidth 0 or at least 2^-78 in magnitude, no float32 intermediate of the truncated normal before
`z × std + mean` is subnormal (so a device that flushes subnormals gives the same bits), for the uniforms u where it matters (all 2^24
of them at the limits); and parameters beyond the rule do make subnormals (the rule is needed; it is a
simple sufficient condition, so some parameters just beyond it would still be safe).

    python3 Tests/reference/check_subnormals.py
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tensorseed_ref as ref  # noqa: E402
from check_support import Tally  # noqa: E402

F = np.float32
SMALLEST_NORMAL = F(2.0 ** -126)


class SubnormalCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, x):
        a = np.abs(np.asarray(x, dtype=F))
        self.count += int(np.count_nonzero((a > 0) & (a < SMALLEST_NORMAL)))


def subnormals(erf_low, erf_width, words):
    counter = SubnormalCounter()
    ref.PROBE = counter
    try:
        with np.errstate(all="ignore"):
            ref.truncated_standard(words, F(erf_low), F(erf_width))
    finally:
        ref.PROBE = None
    return counter.count


def main():
    tally = Tally()
    # The uniforms u of section 4 (u = k · 2^-24): the 2^16 smallest and largest (where products are smallest
    # and the logarithm's argument is nearest 0), and every 61st of the rest; all 2^24 for the tightest case.
    k = np.unique(np.concatenate([np.arange(1 << 16), np.arange(0, 1 << 24, 61), np.arange((1 << 24) - (1 << 16), 1 << 24)]))
    some_u = k.astype(np.uint64) << np.uint64(8)
    every_u = np.arange(1 << 24, dtype=np.uint64) << np.uint64(8)
    low_limit, width_limit = 2.0 ** -102, 2.0 ** -78
    accepted_lows = [0.0, low_limit, -low_limit, 1.5 * low_limit, -1.5 * low_limit, -F(0.3), -F(0.5), F(0.7), -F(1 - 2 ** -24)]
    accepted_widths = [0.0, width_limit, 1.7 * width_limit, 2.0 ** -40, F(0.6), F(1.0), F(2 - 2 ** -23)]
    for erf_low in accepted_lows:
        for erf_width in accepted_widths:
            found = subnormals(erf_low, erf_width, some_u)
            tally.check(found == 0, f"erfLow {erf_low!r}, erfWidth {erf_width!r} (accepted by SPEC.md 7.1): {found} subnormal intermediates")
    for erf_low, erf_width in [(-1.5 * low_limit, width_limit)]:
        found = subnormals(erf_low, erf_width, every_u)
        tally.check(found == 0, f"erfLow {erf_low!r}, erfWidth {erf_width!r}, every u: {found} subnormal intermediates")
    for erf_low, erf_width in [(0.0, 2.0 ** -110), (-(2.0 ** -130), F(0.5)), (-1e-36, 2e-36), (0.0, 1.6e-35)]:
        found = subnormals(erf_low, erf_width, every_u)
        tally.check(found > 0, f"erfLow {erf_low!r}, erfWidth {erf_width!r} (refused by SPEC.md 7.1) made no subnormal")
    return tally.report("truncated normal subnormal rule (SPEC.md 7.1)")


if __name__ == "__main__":
    sys.exit(main())
