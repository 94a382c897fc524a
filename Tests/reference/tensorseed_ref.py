#!/usr/bin/env python3
"""An independent reimplementation of the TensorSeed stream, SPEC.md version 1, in numpy.

Written from SPEC.md alone (scalar-per-element definitions, vectorized over elements with
numpy float32, whose +, -, * are correctly rounded and never fused). Used by the test suite
to check that the Swift engines and SPEC.md agree, and by anyone who wants to reproduce
TensorSeed values without Swift.

    python3 tensorseed_ref.py --seed 42 --name w --offset 0 --count 8 --distribution normal
"""
import argparse
import sys

import numpy as np

F = np.float32
M0, M1 = 0xD2511F53, 0xCD9E8D57          # Philox4x32 round multipliers (Random123)
W0, W1 = 0x9E3779B9, 0xBB67AE85          # Philox4x32 Weyl key increments (Random123)
MASK32 = np.uint64(0xFFFFFFFF)


def fnv1a64(name: str) -> int:
    h = 0xCBF29CE484222325
    for b in name.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def philox4x32(c0, c1, c2, c3, k0, k1, rounds=10):
    """Philox4x32-R on uint64 arrays holding 32-bit words."""
    x = [np.asarray(v, dtype=np.uint64) & MASK32 for v in (c0, c1, c2, c3)]
    k0, k1 = int(k0), int(k1)
    for r in range(rounds):
        if r:
            k0, k1 = (k0 + W0) & 0xFFFFFFFF, (k1 + W1) & 0xFFFFFFFF
        p0 = x[0] * np.uint64(M0)
        p1 = x[2] * np.uint64(M1)
        x = [((p1 >> np.uint64(32)) ^ x[1] ^ np.uint64(k0)) & MASK32, p1 & MASK32,
             ((p0 >> np.uint64(32)) ^ x[3] ^ np.uint64(k1)) & MASK32, p0 & MASK32]
    return x


def words(seed, stream, blocks):
    blocks = np.asarray(blocks, dtype=np.uint64)
    return philox4x32(blocks & MASK32, blocks >> np.uint64(32),
                      np.full_like(blocks, stream & 0xFFFFFFFF), np.full_like(blocks, stream >> 32),
                      seed & 0xFFFFFFFF, seed >> 32)


def f32hex(h):
    return F(float.fromhex(h))


LN2_HI, LN2_LO = f32hex("0x1.62e300p-1"), f32hex("0x1.2fefa2p-17")
LOG_Q = [f32hex(h) for h in ("-0x1p-1", "0x1.55554ep-2", "-0x1.fffff4p-3", "0x1.99a136p-3", "-0x1.555f60p-3",
                             "0x1.237dfcp-3", "-0x1.fc0442p-4", "0x1.e2dfa4p-4", "-0x1.dd7416p-4", "0x1.1c57dap-4")]
SIN_S = [f32hex(h) for h in ("-0x1.4abbcep-4", "0x1.466bbcp-9", "-0x1.32cb0ep-15", "0x1.4be288p-22")]
COS_C = [f32hex(h) for h in ("-0x1.3bd3ccp-2", "0x1.03c1f0p-6", "-0x1.55d3bcp-12", "0x1.e1e858p-19", "-0x1.a1089cp-26")]
QPI_HI, QPI_LO = F(0.75), f32hex("0x1.21fb54p-5")


def horner(coefficients, x):
    p = np.full_like(x, coefficients[-1])
    for c in reversed(coefficients[:-1]):
        p = p * x + c
    return p


def deterministic_log(u):
    bits = u.view(np.uint32)
    mantissa = bits & np.uint32(0x7FFFFF)
    above = mantissa > np.uint32(0x3504F3)
    m = (mantissa | np.where(above, np.uint32(0x3F000000), np.uint32(0x3F800000))).view(F)
    e = ((bits >> np.uint32(23)).astype(np.int32) - 127 + above.astype(np.int32)).astype(F)
    f = m - F(1)
    log1p = f + (f * f) * horner(LOG_Q, f)
    return e * LN2_HI + (e * LN2_LO + log1p)


def deterministic_sqrt(s):
    y = (np.uint32(0x5F3759DF) - (s.view(np.uint32) >> np.uint32(1))).view(F)
    h = s * F(0.5)
    y = y * (F(1.5) - (h * y) * y)
    y = y * (F(1.5) - (h * y) * y)
    r = s * y
    r = r + (y * F(0.5)) * (s - r * r)
    return np.where(s == 0, F(0), r).astype(F)


def sin_cos_eighth_turn(t):
    z = t * t
    sin = t * QPI_HI + t * (QPI_LO + z * horner(SIN_S, z))
    cos = F(1) + z * horner(COS_C, z)
    return sin, cos


def uniform_closed_open(w):
    return (w >> np.uint64(8)).astype(F) * F(2.0 ** -24)


def box_muller_radius(w):
    u = (w + np.uint64(1)).astype(F) * F(2.0 ** -32)     # RNE(w + 1) * 2^-32, in (0, 1]
    return deterministic_sqrt(deterministic_log(u) * F(-2))


def box_muller_angle(w):
    a = w >> np.uint64(8)
    octant = a >> np.uint64(21)
    position = a & np.uint64(0x1FFFFF)
    odd = (octant & np.uint64(1)) == 1
    t = np.where(odd, np.uint64(0x200000) - position, position).astype(F) * F(2.0 ** -21)
    sin_t, cos_t = sin_cos_eighth_turn(t)
    sin_psi = np.where(odd, -sin_t, sin_t)
    k = ((octant + np.uint64(1)) >> np.uint64(1)) & np.uint64(3)
    cos = np.choose(k.astype(np.int64), [cos_t, -sin_psi, -cos_t, sin_psi])
    sin = np.choose(k.astype(np.int64), [sin_psi, cos_t, -sin_psi, -cos_t])
    return cos.astype(F), sin.astype(F)


ERFINV_CENTRAL = [F(c) for c in (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)]
ERFINV_TAIL = [F(c) for c in (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                               -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)]
ERF_LIMIT, SQRT2 = f32hex("0x1.fffffep-1"), f32hex("0x1.6a09e6p+0")


def host_erf(x):
    """SPEC section 7 HostErf.erf, float64."""
    if x != x:
        return x
    if x >= 3.92:
        return 1.0
    if x <= -3.92:
        return -1.0
    x2, power, total, n = x * x, x, x, 0.0
    while True:
        n += 1
        power = (-power * x2) / n
        nxt = total + power / (2 * n + 1)
        if nxt == total:
            break
        total = nxt
    return 1.1283791670955126 * total


def clamp_between(x, a, b):
    x = np.where(x < a, F(a), x)
    return np.where(x > b, F(b), x).astype(F)


def deterministic_erfinv(x):
    w = -deterministic_log((F(1) - x) * (F(1) + x))
    t = w - F(2.5)
    p = np.full_like(x, ERFINV_CENTRAL[0])
    for c in ERFINV_CENTRAL[1:]:
        p = c + p * t
    t = deterministic_sqrt(np.maximum(w, F(0))) - F(3)
    q = np.full_like(x, ERFINV_TAIL[0])
    for c in ERFINV_TAIL[1:]:
        q = c + q * t
    return (np.where(w < F(5), p, q) * x).astype(F)


def truncated_normal(w, mean, std, low, high):
    scale = float(std) * 2.0 ** 0.5
    erf_low = F(host_erf((float(low) - float(mean)) / scale))
    erf_width = F(host_erf((float(high) - float(mean)) / scale)) - erf_low
    y = clamp_between(uniform_closed_open(w) * erf_width + erf_low, -ERF_LIMIT, ERF_LIMIT)
    z = deterministic_erfinv(y) * SQRT2
    return clamp_between(z * F(std) + F(mean), F(low), F(high))


def generate(seed, name, offset, count, distribution="normal", a=None, b=None, low=None, high=None):
    """Elements [offset, offset + count) as float32; (a, b) = (low, high) or (mean, std)."""
    stream = fnv1a64(name)
    index = np.arange(count, dtype=np.uint64) + np.uint64(offset)
    block, j = index >> np.uint64(2), (index & np.uint64(3)).astype(np.int64)
    w = words(seed, stream, block)
    pick = lambda arrays: np.choose(j, arrays)
    if distribution == "truncated_normal":
        return truncated_normal(pick(w), F(0 if a is None else a), F(1 if b is None else b),
                                F(-2 if low is None else low), F(2 if high is None else high))
    if distribution == "uniform":
        low, high = F(0 if a is None else a), F(1 if b is None else b)
        return uniform_closed_open(pick(w)) * (high - low) + low
    mean, std = F(0 if a is None else a), F(1 if b is None else b)
    radius = box_muller_radius(np.where(j < 2, w[0], w[2]))
    cos, sin = box_muller_angle(np.where(j < 2, w[1], w[3]))
    z = radius * np.where(j % 2 == 0, cos, sin)
    return z * std + mean


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--name", default="w")
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--count", type=int, default=8)
    p.add_argument("--distribution", choices=["normal", "uniform", "truncated_normal"], default="normal")
    p.add_argument("--output", help="write raw float32 here instead of printing")
    args = p.parse_args()
    with np.errstate(over="ignore"):
        values = generate(args.seed, args.name, args.offset, args.count, args.distribution)
    if args.output:
        values.astype("<f4").tofile(args.output)
    else:
        for i, v in enumerate(values):
            print(f"[{args.offset + i}] 0x{int(v.view(np.uint32)):08x} {float(v)!r}")


if __name__ == "__main__":
    sys.exit(main())
