"""``fill_``: a numpy array or torch tensor filled in place by the library, the same bits as ``tensorseed init``."""
import sys

from . import _args
from ._native import fill_buffer

# Storage types the library writes, by numpy dtype name and torch dtype name.
_NUMPY_TYPES = {"float32": "f32", "float16": "f16", "bfloat16": "bf16", "float64": "f64"}
_TORCH_TYPES = {"torch.float32": "f32", "torch.float16": "f16", "torch.bfloat16": "bf16", "torch.float64": "f64"}
#: Elements per staging chunk when a CUDA tensor is filled through pinned host memory (64 Mi elements).
_STAGING_ELEMENTS = 1 << 26


def storage_type(tensor_or_array):
    """The library's dtype name ("f32", "f16", "bf16", "f64") for a tensor or array; TypeError for others."""
    if _is_torch(tensor_or_array):
        key, known = str(tensor_or_array.dtype), _TORCH_TYPES
    else:
        key, known = str(tensor_or_array.dtype), _NUMPY_TYPES
    if key not in known:
        raise TypeError(f"tensorseed fills float32, float16, bfloat16 and float64 tensors, not {key}")
    return known[key]


def _is_torch(value):
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def fill_(tensor, *, name, scheme, seed, engine="cpu"):
    """Fills ``tensor`` (a torch tensor or numpy array) in place with tensor ``name`` of its shape, by ``scheme``.

    ``scheme`` is a spec scheme object (``{"name": "kaiming_uniform", "a": 2.23606797749979}``) or its JSON text;
    ``engine`` is "cpu", "auto" or "opencl:P.D" (the bits are the same on every engine). Element i of the tensor in
    row-major order equals element i of what ``tensorseed init`` writes for ``{"name": name, "shape": ..., "scheme":
    scheme}`` at ``seed`` in this dtype. ``seed`` is an int in 0...2^64-1 and ``name`` a str (or its UTF-8 bytes):
    anything else is a TypeError or ValueError. Non-contiguous tensors are filled through a contiguous staging copy; CUDA
    (or other device) tensors through a pinned host buffer, chunk by chunk. Returns ``tensor``.
    """
    _args.seed(seed)
    _args.name(name)
    _args.text(engine, "engine")
    if _is_torch(tensor):
        _fill_torch(tensor, name=name, scheme=scheme, seed=seed, engine=engine)
    else:
        _fill_numpy(tensor, name=name, scheme=scheme, seed=seed, engine=engine)
    return tensor


def _fill_numpy(array, *, name, scheme, seed, engine):
    import numpy as np

    if not isinstance(array, np.ndarray):
        raise TypeError(f"fill_ takes a torch tensor or a numpy array, got {type(array).__name__}")
    dtype = storage_type(array)
    if not array.flags.writeable:
        raise ValueError(f"fill_: the array for {name!r} is read-only")
    target = array if array.flags.c_contiguous and array.dtype.isnative else np.empty(array.shape, array.dtype.newbyteorder("="))
    fill_buffer(target.ctypes.data, target.nbytes, seed=seed, name=name, shape=array.shape, scheme=scheme,
                dtype=dtype, engine=engine)
    if target is not array:
        array[...] = target


def _fill_torch(tensor, *, name, scheme, seed, engine):
    import torch

    dtype = storage_type(tensor)
    if tensor.device.type == "meta":
        raise ValueError(f"fill_: tensor {name!r} is on the meta device (it has no memory to fill)")
    shape = tuple(tensor.shape)
    with torch.no_grad():
        if tensor.device.type == "cpu" and tensor.is_contiguous():
            fill_buffer(tensor.data_ptr(), tensor.numel() * tensor.element_size(), seed=seed, name=name, shape=shape,
                        scheme=scheme, dtype=dtype, engine=engine)
            return
        if tensor.device.type == "cpu":
            staging = torch.empty(shape, dtype=tensor.dtype)
            fill_buffer(staging.data_ptr(), staging.numel() * staging.element_size(), seed=seed, name=name, shape=shape,
                        scheme=scheme, dtype=dtype, engine=engine)
            tensor.copy_(staging)
            return
        # Another device: a pinned host chunk at a time into the flat tensor (a contiguous staging copy on the
        # device first when the tensor itself is not contiguous).
        target = tensor if tensor.is_contiguous() else torch.empty(shape, dtype=tensor.dtype, device=tensor.device)
        fill_through_host(target, name=name, scheme=scheme, seed=seed, engine=engine)
        if target is not tensor:
            tensor.copy_(target)


def fill_through_host(tensor, *, name, scheme, seed, engine="cpu", chunk=_STAGING_ELEMENTS):
    """Fills a contiguous tensor on any device by ``chunk`` elements at a time, each generated into a host buffer
    (pinned where CUDA is available, so the copy to the device is a DMA) and copied over."""
    import torch

    dtype = storage_type(tensor)
    flat = tensor.view(-1)
    total = flat.numel()
    chunk = min(total, chunk)
    if not chunk:
        return
    pinned = torch.empty(chunk, dtype=tensor.dtype, pin_memory=torch.cuda.is_available())
    for start in range(0, total, chunk):
        n = min(chunk, total - start)
        fill_buffer(pinned.data_ptr(), n * pinned.element_size(), seed=seed, name=name, shape=tuple(tensor.shape),
                    scheme=scheme, dtype=dtype, offset=start, count=n, engine=engine)
        flat[start:start + n].copy_(pinned[:n])
