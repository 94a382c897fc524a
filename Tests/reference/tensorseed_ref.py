#!/usr/bin/env python3
"""An independent reimplementation of TensorSeed, SPEC.md version 1, in numpy: the stream, every scheme, storage types.

Written from SPEC.md alone (scalar-per-element definitions, vectorized over elements with
numpy float32, whose +, -, * are correctly rounded and never fused). Used by the test suite
to check that the Swift engines and SPEC.md agree, and by anyone who wants to reproduce
TensorSeed values without Swift.

    python3 tensorseed_ref.py --seed 42 --name w --offset 0 --count 8 --distribution normal
"""
import argparse
import math
import sys
from fractions import Fraction

import numpy as np

F = np.float32
M0, M1 = 0xD2511F53, 0xCD9E8D57          # Philox4x32 round multipliers (Random123)
W0, W1 = 0x9E3779B9, 0xBB67AE85          # Philox4x32 Weyl key increments (Random123)
MASK32 = np.uint64(0xFFFFFFFF)


def fnv1a64(name) -> int:
    """SPEC 3: FNV-1a 64 over the name's bytes (a str is taken as its UTF-8 bytes)."""
    h = 0xCBF29CE484222325
    for b in (name.encode("utf-8") if isinstance(name, str) else name):
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


PROBE = None   # if set, called with every float32 intermediate of sections 6-7 (check_subnormals.py)


def _p(x):
    if PROBE is not None:
        PROBE(x)
    return x


def horner(coefficients, x):
    p = np.full_like(x, coefficients[-1])
    for c in reversed(coefficients[:-1]):
        p = _p(_p(p * x) + c)
    return p


def deterministic_log(u):
    bits = u.view(np.uint32)
    mantissa = bits & np.uint32(0x7FFFFF)
    above = mantissa > np.uint32(0x3504F3)
    m = (mantissa | np.where(above, np.uint32(0x3F000000), np.uint32(0x3F800000))).view(F)
    e = ((bits >> np.uint32(23)).astype(np.int32) - 127 + above.astype(np.int32)).astype(F)
    f = _p(m - F(1))
    log1p = _p(f + _p(_p(f * f) * horner(LOG_Q, f)))
    return _p(_p(e * LN2_HI) + _p(_p(e * LN2_LO) + log1p))


def deterministic_sqrt(s):
    y = _p((np.uint32(0x5F3759DF) - (s.view(np.uint32) >> np.uint32(1))).view(F))
    h = _p(s * F(0.5))
    y = _p(y * _p(F(1.5) - _p(_p(h * y) * y)))
    y = _p(y * _p(F(1.5) - _p(_p(h * y) * y)))
    r = _p(s * y)
    r = _p(r + _p(_p(y * F(0.5)) * _p(s - _p(r * r))))
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
    w = -deterministic_log(_p(_p(F(1) - x) * _p(F(1) + x)))
    central, tail = w < F(5), w >= F(5)
    t = _p(w - F(2.5))
    p = np.full_like(x, ERFINV_CENTRAL[0])
    for c in ERFINV_CENTRAL[1:]:
        p = _p(c + _p(p * t))
    t = np.where(tail, deterministic_sqrt(np.where(tail, w, F(25))) - F(3), F(1))   # the tail branch, where it is taken
    q = np.full_like(x, ERFINV_TAIL[0])
    for c in ERFINV_TAIL[1:]:
        q = _p(c + _p(q * t))
    return _p((np.where(central, p, q) * x).astype(F))


def truncated_standard(w, erf_low, erf_width):
    """SPEC 7 up to z: sqrt(2) * erfinv of u * erfWidth + erfLow, clamped."""
    y = clamp_between(_p(_p(uniform_closed_open(w) * erf_width) + erf_low), -ERF_LIMIT, ERF_LIMIT)
    return _p(deterministic_erfinv(y) * SQRT2)


def truncated_normal(w, mean, std, low, high):
    scale = float(std) * 2.0 ** 0.5
    erf_low = F(host_erf((float(low) - float(mean)) / scale))
    erf_width = F(host_erf((float(high) - float(mean)) / scale)) - erf_low
    z = truncated_standard(w, erf_low, erf_width)
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


# --- Section 8: schemes (float64 parameter arithmetic, then float() once) -------------------------------

SQRT2_64, SQRT3_64 = math.sqrt(2.0), math.sqrt(3.0)
JAX_TRUNCATED_STDDEV = 0.87962566103423978            # SPEC 8.3: std of N(0, 1) truncated to [-2, 2]


class Refused(ValueError):
    """A scheme SPEC.md section 8 (or 7.1) refuses for this shape."""


def fans_torch(shape):
    """SPEC 8.1, torch: receptive = product of d2 ... in float64, left to right."""
    if len(shape) < 2:
        raise Refused("fans need >= 2 dimensions")
    receptive = 1.0
    for d in shape[2:]:
        receptive = receptive * float(d)
    return float(shape[1]) * receptive, float(shape[0]) * receptive


def fans_jax(shape, in_axis=(-2,), out_axis=(-1,), batch_axis=()):
    """SPEC 8.1, JAX."""
    if len(shape) < 2:
        raise Refused("fans need >= 2 dimensions")

    def size(axes):
        total = 1.0
        for a in ([axes] if isinstance(axes, int) else axes):
            a = a + len(shape) if a < 0 else a
            if not 0 <= a < len(shape):
                raise Refused("axis out of range")
            total = total * float(shape[a])
        return total
    total = 1.0
    for d in shape:
        total = total * float(d)
    n_in, n_out, n_batch = size(in_axis), size(out_axis), size(batch_axis)
    receptive = ((total / n_in) / n_out) / n_batch
    return n_in * receptive, n_out * receptive


def fan_of(mode, fan_in, fan_out):
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]


def gain(nonlinearity, slope):
    """SPEC 8.2 (torch calculate_gain)."""
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                        "conv_transpose3d", "sigmoid"):
        return 1.0
    return {"tanh": lambda: 5.0 / 3, "relu": lambda: math.sqrt(2.0), "selu": lambda: 3.0 / 4,
            "leaky_relu": lambda: math.sqrt(2.0 / (1 + slope * slope))}[nonlinearity]()


def symmetric_uniform(bound):
    """SPEC 8.3: the float64 bound must be finite and positive; uniform(-float(bound), float(bound))."""
    if not (math.isfinite(bound) and bound > 0):
        raise Refused("bound not finite and positive")
    b = F(bound)
    return ("uniform", -b, b)


def recipe(scheme, shape):
    """SPEC 8.3-8.7: a scheme object (dict, SPEC field names and defaults) and a shape -> a recipe tuple."""
    s = dict(scheme)
    name = s.pop("name")
    get = lambda *keys, default=None: next((s[k] for k in keys if k in s), default)
    if name == "uniform":
        return ("uniform", F(get("a", "low", default=0.0)), F(get("b", "high", default=1.0)))
    if name == "normal":
        return ("normal", F(get("mean", default=0.0)), F(get("std", default=1.0)))
    if name == "trunc_normal":
        return truncated_recipe(F(get("mean", default=0.0)), F(get("std", default=1.0)),
                                F(get("a", default=-2.0)), F(get("b", default=2.0)))
    if name in ("constant", "zeros", "ones"):
        return ("constant", {"constant": lambda: F(get("val", "value")), "zeros": lambda: F(0), "ones": lambda: F(1)}[name]())
    if name == "eye":
        return ("eye", shape[0], shape[1])
    if name == "dirac":
        return ("dirac", tuple(shape), int(get("groups", default=1)))
    if name == "embedding":
        p = get("padding_idx")
        return ("embedding", None if p is None else int(p), F(get("std", default=1.0)))
    if name == "sparse":
        return ("sparse", math.ceil(get("sparsity") * float(shape[0])), F(get("std", default=0.01)))
    if name == "orthogonal":
        return ("orthogonal", float(get("gain", default=1.0)))
    if name in ("xavier_uniform", "xavier_normal"):
        fan_in, fan_out = fans_torch(shape)
        std = get("gain", default=1.0) * math.sqrt(2 / (fan_in + fan_out))
        return symmetric_uniform(SQRT3_64 * std) if name == "xavier_uniform" else ("normal", F(0), F(std))
    if name in ("kaiming_uniform", "kaiming_normal"):
        fan = fan_of(get("mode", default="fan_in"), *fans_torch(shape))
        std = gain(get("nonlinearity", default="leaky_relu"), get("a", default=0.0)) / math.sqrt(fan)
        return symmetric_uniform(SQRT3_64 * std) if name == "kaiming_uniform" else ("normal", F(0), F(std))
    if name in ("lecun_uniform", "lecun_normal"):
        s = {"scale": 1.0, "mode": "fan_in", "distribution": "uniform" if name == "lecun_uniform" else "truncated_normal"}
        get = lambda *keys, default=None: next((s[k] for k in keys if k in s), default)
    elif name != "variance_scaling":
        raise Refused(f"unknown scheme {name}")
    fan = fan_of(get("mode", default="fan_in"),
                 *fans_jax(shape, get("in_axis", default=[-2]), get("out_axis", default=[-1]), get("batch_axis", default=[])))
    v = get("scale") / fan
    distribution = get("distribution", default="truncated_normal")
    if distribution == "normal":
        return ("normal", F(0), F(math.sqrt(v)))
    if distribution == "uniform":
        b = F(math.sqrt(3 * v))
        return ("uniform", -b, b)
    std = math.sqrt(v) / JAX_TRUNCATED_STDDEV
    return truncated_recipe(F(0), F(std), F(-2 * std), F(2 * std))


def truncated_parameters(mean, std, low, high):
    """SPEC 7: erfLow and erfWidth, float32, from the float32 parameters."""
    scale = float(std) * SQRT2_64
    erf_low = F(host_erf((float(low) - float(mean)) / scale))
    return erf_low, F(host_erf((float(high) - float(mean)) / scale)) - erf_low


def truncated_recipe(mean, std, low, high):
    """SPEC 7.1: refused unless erfLow and erfWidth are 0 or at least 2^-102 and 2^-78 in magnitude."""
    erf_low, erf_width = truncated_parameters(mean, std, low, high)
    if not (erf_low == 0 or abs(erf_low) >= 2.0 ** -102) or not (erf_width == 0 or abs(erf_width) >= 2.0 ** -78):
        raise Refused("truncated normal parameters would make subnormal intermediates (SPEC 7.1)")
    return ("truncated_normal", mean, std, low, high)


def stream_values(seed, name, count, distribution, a, b, low=None, high=None):
    with np.errstate(over="ignore"):
        return generate(seed, name, 0, count, distribution, a, b, low, high)


def tensor(seed, name, shape, scheme):
    """SPEC 8: the float32 elements of tensor `name` (str or UTF-8 bytes) of `shape` made by `scheme`, row-major."""
    count = int(np.prod(shape, dtype=object)) if shape else 1
    if count == 0:
        return np.zeros(0, dtype=F)
    r = recipe(scheme, shape)
    kind = r[0]
    if kind in ("uniform", "normal"):
        return stream_values(seed, name, count, kind, r[1], r[2])
    if kind == "truncated_normal":
        return stream_values(seed, name, count, kind, r[1], r[2], r[3], r[4])
    if kind == "constant":
        return np.full(count, r[1], dtype=F)
    if kind == "eye":
        i = np.arange(count)
        return np.where(i // r[2] == i % r[2], F(1), F(0)).astype(F)
    if kind == "dirac":
        shape, groups = r[1], r[2]
        out = np.zeros(shape, dtype=F)
        o = shape[0] // groups
        centre = tuple(d // 2 for d in shape[2:])
        for g in range(groups):
            for d in range(min(o, shape[1])):
                out[(g * o + d, d) + centre] = 1
        return out.reshape(-1)
    if kind == "embedding":
        values = stream_values(seed, name, count, "normal", F(0), r[2])
        if r[1] is not None:
            p = r[1] + shape[0] if r[1] < 0 else r[1]
            values[p * shape[1]:(p + 1) * shape[1]] = F(0)
        return values
    if kind == "sparse":
        rows, columns = shape
        values = stream_values(seed, name, count, "normal", F(0), r[2]).reshape(rows, columns)
        key_name = (name.encode("utf-8") if isinstance(name, str) else name) + b"\x00sparsity"
        keys = stream_values(seed, key_name, count, "uniform", F(0), F(1)).reshape(rows, columns)
        for c in range(columns):
            order = sorted(range(rows), key=lambda row: (keys[row, c], row))
            for row in order[:r[1]]:
                values[row, c] = F(0)
        return values.reshape(-1)
    if kind == "orthogonal":
        rows = shape[0]
        columns = count // rows
        a = [float(x) for x in stream_values(seed, name, rows * columns, "normal", F(0), F(1))]
        tall = rows >= columns
        m, n = (rows, columns) if tall else (columns, rows)
        b = [[a[i * columns + k] if tall else a[k * columns + i] for k in range(n)] for i in range(m)]
        q = householder_q(b, m, n)
        g = r[1]
        return np.array([F(g * (q[i][k] if tall else q[k][i])) for i in range(rows) for k in range(columns)], dtype=F)
    raise Refused(kind)


# --- SPEC 8.7: the blocked Householder QR, float64 with fused chains -------------------------------------

def fma(x, y, z):
    """IEEE 754 fusedMultiplyAdd: x*y + z rounded once (exact rational arithmetic, then one RNE)."""
    if x == 0 or y == 0:
        product_negative = (math.copysign(1, x) * math.copysign(1, y)) < 0
        if z == 0:
            return -0.0 if product_negative and math.copysign(1, z) < 0 else 0.0
        return z
    exact = Fraction(x) * Fraction(y) + Fraction(z)
    return 0.0 if exact == 0 else float(exact)


def chain(pairs):
    """SPEC 8.7 chain: s = +0; s = fma(x_k, y_k, s) in order."""
    s = 0.0
    for x, y in pairs:
        s = fma(x, y, s)
    return s


PANEL = 64


def householder_q(b, m, n):
    """Q (m x n, as rows of floats) of the blocked QR of b (m x n, m >= n), R's diagonal made positive."""
    sign, beta, panels = [1] * n, [0.0] * n, []
    for p0 in range(0, n, PANEL):
        w = min(PANEL, n - p0)
        for k in range(p0, p0 + w):
            s = chain((b[i][k], b[i][k]) for i in range(k, m))
            norm, x0 = math.sqrt(s), b[k][k]
            alpha = -norm if x0 >= 0 else norm
            sign[k] = -1 if alpha < 0 else 1
            b[k][k] = x0 - alpha
            v = [b[i][k] for i in range(k, m)]
            beta[k] = 0.0 if s == 0 else 1 / fma(abs(x0), norm, s)
            for j in range(k + 1, p0 + w):
                d = chain((v[i], b[k + i][j]) for i in range(m - k))
                t = -(beta[k] * d)
                for i in range(m - k):
                    b[k + i][j] = fma(t, v[i], b[k + i][j])
        mm = m - p0
        V = [[b[p0 + i][p0 + q] if i >= q else 0.0 for q in range(w)] for i in range(mm)]
        G = [[chain((V[i][x], V[i][y]) for i in range(mm)) for y in range(w)] for x in range(w)]
        T = [[0.0] * w for _ in range(w)]
        for j in range(w):
            T[j][j] = beta[p0 + j]
            for i in range(j):
                T[i][j] = -(beta[p0 + j] * chain((T[i][l], G[l][j]) for l in range(i, j)))
        panels.append((p0, w, V, T))
        columns = range(p0 + w, n)
        Y = [[chain((V[i][q], T[x][q]) for q in range(w)) for x in range(w)] for i in range(mm)]
        W = {(x, j): chain((V[i][x], b[p0 + i][j]) for i in range(mm)) for x in range(w) for j in columns}
        for i in range(mm):
            for j in columns:
                b[p0 + i][j] = b[p0 + i][j] - chain((Y[i][x], W[x, j]) for x in range(w))
    q = [[1.0 if i == j else 0.0 for j in range(n)] for i in range(m)]
    for p0, w, V, T in reversed(panels):
        mm = m - p0
        columns = range(p0, n)
        Y = [[chain((V[i][k], T[k][x]) for k in range(w)) for x in range(w)] for i in range(mm)]
        W = {(x, j): chain((V[i][x], q[p0 + i][j]) for i in range(mm)) for x in range(w) for j in columns}
        for i in range(mm):
            for j in columns:
                q[p0 + i][j] = q[p0 + i][j] - chain((Y[i][x], W[x, j]) for x in range(w))
    for j in range(n):
        if sign[j] < 0:
            for i in range(m):
                q[i][j] = -q[i][j]
    return q


# --- SPEC 9: storage types ------------------------------------------------------------------------------

def stored_bytes(values, dtype):
    """The little-endian bytes of float32 `values` stored as dtype F32, F64, BF16 or F16 (SPEC 9)."""
    values = np.asarray(values, dtype=F)
    if dtype == "F32":
        return values.astype("<f4").tobytes()
    if dtype == "F64":
        return values.astype("<f8").tobytes()
    b = values.view(np.uint32).astype(np.uint64)
    if dtype == "BF16":
        nan = (b & 0x7FFFFFFF) > 0x7F800000
        h = np.where(nan, (b >> 16) | 0x0040, (b + 0x7FFF + ((b >> 16) & 1)) >> 16)
        return (h & 0xFFFF).astype("<u2").tobytes()
    sign = (b >> 16) & 0x8000
    a = b & 0x7FFFFFFF
    e = a >> 23
    m = (a & 0x7FFFFF) | 0x800000
    s = np.clip(126 - e.astype(np.int64), 1, 63).astype(np.uint64)
    sub = (m + (np.uint64(1) << (s - 1)) - 1 + ((m >> s) & 1)) >> s
    r = a - np.minimum(a, np.uint64(0x38000000))
    normal = (r + 0x0FFF + ((r >> 13) & 1)) >> 13
    h = np.select([a > 0x7F800000, a >= 0x477FF000, a < 0x33000000, a < 0x38800000],
                  [0x7E00 | ((a >> 13) & 0x3FF), np.uint64(0x7C00), np.uint64(0), sub], normal)
    return ((sign | h) & 0xFFFF).astype("<u2").tobytes()


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
