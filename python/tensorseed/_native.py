"""Loading libTensorSeedC (the C ABI, Sources/TensorSeedC/include/tensorseed.h) and calling it through ctypes.

The library is looked for, in order: the file named by ``TENSORSEED_LIBRARY``; the package folder (where
``pip install`` copies it); the repository's ``.build/release`` (a source checkout after
``swift build -c release --product TensorSeedC``).
"""
import ctypes
import json
import os
import sys
import threading
from pathlib import Path

from . import _args

__all__ = ["TensorSeedError", "library_path", "fill_buffer", "recipe"]

_NAMES = {"darwin": "libTensorSeedC.dylib", "win32": "TensorSeedC.dll"}
_LIBRARY_NAME = _NAMES.get(sys.platform, "libTensorSeedC.so")
#: The ABI version this module speaks (TENSORSEED_ABI_VERSION in tensorseed.h).
ABI_VERSION = 1
_ERROR_CAPACITY = 1024


class TensorSeedError(RuntimeError):
    """A failure reported by the library (bad scheme, range, device...) or while finding it."""


def _candidates():
    env = os.environ.get("TENSORSEED_LIBRARY")
    if env:
        yield Path(env), "TENSORSEED_LIBRARY"
        return
    here = Path(__file__).resolve().parent
    yield here / _LIBRARY_NAME, "the package folder"
    for parent in here.parents:
        if (parent / "Package.swift").is_file():
            yield parent / ".build" / "release" / _LIBRARY_NAME, "the repository's .build/release"
            break


def library_path():
    """The path of the library that will be (or was) loaded; raises TensorSeedError when there is none."""
    tried = []
    for path, where in _candidates():
        if path.is_file() or (where == "TENSORSEED_LIBRARY" and _on_search_path(path)):
            return path
        tried.append(f"{path} ({where})")
    raise TensorSeedError(
        "libTensorSeedC not found; build it with `swift build -c release --product TensorSeedC` and "
        "`pip install ./python`, or set TENSORSEED_LIBRARY. Tried: " + "; ".join(tried))


def _on_search_path(path):
    """Whether ``path`` is a bare library name (``libm.so.6``, no folder) that the dynamic loader finds on its search
    path (a library that loads but is not ours is then named as such, not as missing)."""
    if os.sep in str(path) or (os.altsep and os.altsep in str(path)):
        return False
    try:
        ctypes.CDLL(str(path))
    except OSError:
        return False
    return True


#: The functions of the C ABI that this module calls (tensorseed.h).
_SYMBOLS = ("tensorseed_abi_version", "tensorseed_fill", "tensorseed_recipe")

_lock = threading.Lock()
_library = None


def _load():
    global _library
    with _lock:
        if _library is None:
            path = library_path()
            try:
                lib = ctypes.CDLL(str(path))
            except OSError as error:
                raise TensorSeedError(f"cannot load {path}: {error}") from None
            missing = next((name for name in _SYMBOLS if not hasattr(lib, name)), None)
            if missing is not None:
                raise TensorSeedError(f"{path} is not libTensorSeedC (missing symbol {missing}); unset "
                                      "TENSORSEED_LIBRARY or point it at libTensorSeedC")
            try:
                lib.tensorseed_abi_version.restype = ctypes.c_int32
                lib.tensorseed_fill.restype = ctypes.c_int32
                lib.tensorseed_recipe.restype = ctypes.c_int32
            except AttributeError as error:
                raise TensorSeedError(f"{path} is not libTensorSeedC ({str(error).splitlines()[0]}); unset "
                                      "TENSORSEED_LIBRARY or point it at libTensorSeedC") from None
            lib.tensorseed_abi_version.argtypes = []
            if lib.tensorseed_abi_version() != ABI_VERSION:
                raise TensorSeedError(f"{path} speaks ABI {lib.tensorseed_abi_version()}, this package {ABI_VERSION}")
            size_t, c_char_p, void_p = ctypes.c_size_t, ctypes.c_char_p, ctypes.c_void_p
            lib.tensorseed_fill.restype = ctypes.c_int32
            lib.tensorseed_fill.argtypes = [ctypes.c_uint64, c_char_p, size_t, ctypes.POINTER(ctypes.c_int64), size_t,
                                            c_char_p, size_t, c_char_p, ctypes.c_uint64, ctypes.c_uint64, c_char_p,
                                            void_p, size_t, ctypes.c_char_p, size_t]
            lib.tensorseed_recipe.restype = ctypes.c_int32
            lib.tensorseed_recipe.argtypes = [ctypes.POINTER(ctypes.c_int64), size_t, c_char_p, size_t,
                                              c_char_p, size_t, c_char_p, size_t]
            _library = lib
    return _library


def scheme_json(scheme):
    """The scheme as the JSON text the library parses: a dict (``{"name": "normal", "std": 0.02}``) or JSON text."""
    if isinstance(scheme, (bytes, bytearray)):
        return bytes(scheme)
    if isinstance(scheme, str):
        return scheme.encode()
    if not isinstance(scheme, dict):
        raise TypeError(f"scheme must be a dict like {{'name': 'normal', 'std': 0.02}} or JSON text, got {type(scheme).__name__}")
    return json.dumps(scheme, allow_nan=False).encode()


def _shape(dims):
    return (ctypes.c_int64 * max(len(dims), 1))(*dims), len(dims)


def fill_buffer(address, nbytes, *, seed, name, shape, scheme, dtype, offset=0, count=None, engine="cpu"):
    """Fills ``nbytes`` at ``address`` with elements [offset, offset + count) of tensor ``name`` (library call)."""
    seed, name_bytes, shape = _args.seed(seed), _args.name(name), _args.shape(shape)
    offset, engine = _args.count(offset, "offset"), _args.text(engine, "engine")
    if count is None:
        count = 1
        for d in shape:
            count *= d
        if offset > count:
            raise ValueError(f"offset {offset} is beyond the {count} elements of shape {list(shape)}")
        count -= offset
    count = _args.count(count, "count")
    scheme_bytes = scheme_json(scheme)
    lib = _load()
    dims, rank = _shape(shape)
    error = ctypes.create_string_buffer(_ERROR_CAPACITY)
    status = lib.tensorseed_fill(seed, name_bytes, len(name_bytes), dims, rank, scheme_bytes, len(scheme_bytes),
                                 dtype.encode(), offset, count, engine.encode(), ctypes.c_void_p(address), int(nbytes),
                                 error, _ERROR_CAPACITY)
    if status != 0:
        raise TensorSeedError(error.value.decode(errors="replace"))


def recipe(shape, scheme):
    """The resolved recipe of ``scheme`` for ``shape``, as a dict (e.g. uniform bounds as float32 in ``low_bits``)."""
    dims, rank = _shape(_args.shape(shape))
    scheme_bytes = scheme_json(scheme)
    lib = _load()
    out = ctypes.create_string_buffer(4096)
    error = ctypes.create_string_buffer(_ERROR_CAPACITY)
    status = lib.tensorseed_recipe(dims, rank, scheme_bytes, len(scheme_bytes), out, len(out), error, _ERROR_CAPACITY)
    if status != 0:
        raise TensorSeedError(error.value.decode(errors="replace"))
    return json.loads(out.value.decode())
