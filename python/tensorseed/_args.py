"""Checks of the public API's arguments, shared by every entry point (``fill_``, ``recipe``, ``tensorseed.torch``,
``tensorseed.hf``): a wrong type or an out-of-range value is a TypeError or ValueError naming the argument, before
anything is generated or written, never a silent conversion (``seed=1.9`` read as 1, ``name=5`` as five NUL bytes,
a dimension of 2^64 + 4 wrapped to 4 by ctypes, ``"44"`` read as the shape [4, 4])."""
import operator
from collections.abc import Mapping, Set

#: Seeds are unsigned 64-bit (SPEC.md: the Philox key is the seed's two 32-bit halves).
SEED_LIMIT = 1 << 64
#: Dimensions and element counts are signed 64-bit in the C ABI (``int64_t`` shape, tensorseed.h).
DIMENSION_LIMIT = 1 << 63


def _integer(value, what):
    """``value`` as a Python int: ints and numpy / torch integer scalars (``__index__``), not bools, floats or text."""
    if isinstance(value, bool) or (type(value).__name__ in ("bool_", "bool") and not isinstance(value, int)) \
            or "bool" in str(getattr(value, "dtype", "")):  # numpy / torch bool scalars and 0-d tensors
        raise TypeError(f"{what} must be an integer, not a bool ({value!r})")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an integer, not {type(value).__name__} ({value!r})") from None


def seed(value):
    """The seed as an int in 0...2^64-1; TypeError for a float, bool, str..., ValueError out of range."""
    number = _integer(value, "seed")
    if not 0 <= number < SEED_LIMIT:
        raise ValueError(f"seed must be in 0...2^64-1, got {number}")
    return number


def name(value):
    """A tensor name: str, or bytes (the library checks that they are UTF-8, SPEC.md section 2)."""
    if isinstance(value, str):
        return value.encode("utf-8", errors="surrogatepass")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"name must be a str (the tensor's name), not {type(value).__name__} ({value!r})")


def shape(value, what="shape"):
    """A shape as a tuple of ints, each in 0...2^63-1: a list, tuple, ``torch.Size`` or 1-D integer array."""
    if isinstance(value, (str, bytes, bytearray, Mapping, Set)) or not hasattr(value, "__iter__") \
            or getattr(value, "ndim", 1) == 0:  # a 0-d array or tensor has __iter__ but cannot be iterated
        raise TypeError(f"{what} must be a sequence of integers such as [4096, 1024], not {type(value).__name__} ({value!r})")
    dims = tuple(_integer(d, f"{what} dimension") for d in value)
    for d in dims:
        if not 0 <= d < DIMENSION_LIMIT:
            raise ValueError(f"{what} {list(dims)}: dimension {d} is outside 0...2^63-1")
    return dims


def count(value, what):
    """An element offset or count: an int in 0...2^63-1 (the C ABI's uint64 range, kept to what int64 shapes hold)."""
    number = _integer(value, what)
    if not 0 <= number < DIMENSION_LIMIT:
        raise ValueError(f"{what} must be in 0...2^63-1, got {number}")
    return number


def text(value, what):
    """A short text argument (``engine``): a str."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__} ({value!r})")
    return value


def shard_size(value):
    """``max_shard_size``: a positive int of bytes or a size text such as ``"5GB"`` / ``"10KB"`` (transformers'
    spelling); TypeError for a bool, float..., ValueError for a size of zero or less (the CLI refuses those too)."""
    if isinstance(value, str):
        from ._safetensors import parse_size
        number = parse_size(value)
    else:
        number = _integer(value, "max_shard_size")
    if number <= 0:
        raise ValueError(f"max_shard_size must be more than 0 bytes, got {value!r}")
    return number


#: The storage types the command line's --dtype names, and torch's names of them.
DTYPE_NAMES = {"f32": "float32", "f16": "float16", "bf16": "bfloat16", "f64": "float64",
               "float32": "float32", "float16": "float16", "bfloat16": "bfloat16", "float64": "float64"}


def dtype(value):
    """A model's storage type: None (the model's own), a floating ``torch.dtype``, or a name (``"bf16"`` as the
    command line's --dtype, or torch's ``"bfloat16"``) as the torch.dtype; TypeError / ValueError naming dtype else."""
    import torch
    if value is None:
        return None
    if isinstance(value, torch.dtype):
        if not value.is_floating_point:
            raise ValueError(f"dtype must be a floating type (f32, f16, bf16, f64), not {value}")
        return value
    if isinstance(value, str):
        if value not in DTYPE_NAMES:
            raise ValueError(f"dtype {value!r} is not one of {', '.join(DTYPE_NAMES)}")
        return getattr(torch, DTYPE_NAMES[value])
    raise TypeError(f"dtype must be a torch.dtype or one of {', '.join(DTYPE_NAMES)}, not {type(value).__name__} ({value!r})")
