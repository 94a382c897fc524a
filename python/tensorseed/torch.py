"""TensorSeed for any ``torch.nn.Module``: its own init choices as a spec, and filled in place.

    import tensorseed.torch
    model = MyModel()
    tensorseed.torch.init_(model, seed=0)     # every parameter and buffer, the same bits as `tensorseed init`
    spec = tensorseed.torch.spec(model)       # the CLI's tensor-list spec (dict; json.dump it)

``spec`` runs every submodule's own ``reset_parameters()`` (or ``_reset_parameters()``), children before parents
as construction does, on meta copies of its tensors, recording the init calls (see ``tensorseed._record``).
"""
try:
    import torch as _torch
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError("tensorseed.torch needs PyTorch: pip install torch") from error

import warnings
from contextlib import contextmanager

from . import _args
from ._fill import fill_, storage_type
from ._native import TensorSeedError
from ._record import Recording, normalize_rules, recording

__all__ = ["record", "spec", "init_", "spec_from_recording", "UncoveredError"]

_TYPE_NAMES = {_torch.float32: "f32", _torch.float16: "f16", _torch.bfloat16: "bf16", _torch.float64: "f64"}


@contextmanager
def _meta_tensors(module):
    """Swaps every parameter and buffer of ``module`` for a meta tensor of the same shape and dtype (shared ones stay
    shared), restoring the originals on exit. Nothing is copied or written."""
    swapped, memo = [], {}
    for mod in module.modules():
        for table in (mod._parameters, mod._buffers):
            for key, tensor in list(table.items()):
                if tensor is None or tensor.device.type == "meta":
                    continue
                meta = memo.get(id(tensor))
                if meta is None:
                    meta = _torch.empty_like(tensor, device="meta")
                    if isinstance(tensor, _torch.nn.Parameter):
                        meta = _torch.nn.Parameter(meta, requires_grad=tensor.requires_grad)
                    memo[id(tensor)] = meta
                swapped.append((table, key, tensor))
                table[key] = meta
    try:
        yield
    finally:
        for table, key, tensor in reversed(swapped):
            table[key] = tensor


def _post_order(module, seen=None):
    """Submodules, each once, children before their parent (the order their constructors run ``reset_parameters``)."""
    seen = set() if seen is None else seen
    if id(module) in seen:
        return
    seen.add(id(module))
    for child in module.children():
        yield from _post_order(child, seen)
    yield module


def _reset(module, rec):
    prefixes = {}
    for name, mod in module.named_modules(remove_duplicate=False):
        prefixes.setdefault(id(mod), name)
    for mod in _post_order(module):
        rec.module = prefixes.get(id(mod))
        reset = getattr(mod, "reset_parameters", None) or getattr(mod, "_reset_parameters", None)
        if callable(reset):
            try:
                reset()
            except Exception as error:
                raise TensorSeedError(f"{type(mod).__name__}.{reset.__name__}() failed on the meta device: {error}") from error


def record(module, *, rules=None):
    """The ``Recording`` of a module's init: ``.covered`` and ``.uncovered`` entries by state-dict name.

    ``module`` is a module (its submodules' ``reset_parameters()`` are replayed on meta copies of its tensors) or a
    function that builds one (``lambda: GPT(config)``: it runs on the meta device while every init call is recorded,
    which also sees what constructors do outside ``reset_parameters()``, such as ``self.apply(self._init_weights)``
    or ``nn.Parameter(torch.zeros(...))``). ``rules`` (``{pattern: scheme}`` or the spec's rule list) gives a scheme
    to tensors no init call touched.
    """
    if isinstance(module, _torch.nn.Module):
        _warn_constructor_init(module)
        with _meta_tensors(module), recording(module) as rec:
            rec.owner_wins()
            _reset(module, rec)
    elif callable(module):
        rec, _ = _constructed(module)
    else:
        raise TypeError(f"expected an nn.Module or a function that builds one, got {type(module).__name__}")
    rec.apply_rules(normalize_rules(rules))
    return rec


def _warn_constructor_init(module):
    """Warns when a module's class initializes outside ``reset_parameters()`` (an ``_init_weights`` or ``init_weights``
    method, transformers' models): replaying ``reset_parameters()`` would not see it."""
    for mod in module.modules():
        cls = type(mod)
        if cls.__module__.startswith("torch."):
            continue
        own = [name for klass in cls.__mro__ if not klass.__module__.startswith("torch.")
               for name in ("_init_weights", "init_weights") if name in vars(klass)]
        if own:
            hint = ("use tensorseed.hf for transformers models" if cls.__module__.startswith("transformers.")
                    else "pass the function that builds it: spec(lambda: Model(...)), init_(model, seed=..., build=...)")
            warnings.warn(f"tensorseed.torch: {cls.__name__} has its own {own[0]}(), which replaying reset_parameters() "
                          f"does not run; {hint}", stacklevel=3)
            return


def _constructed(build):
    """(recording, meta module) of ``build()`` run on the meta device with every init call recorded."""
    with recording(None) as constructed, _torch.device("meta"):
        module = build()
    if not isinstance(module, _torch.nn.Module):
        raise TypeError(f"the build function returned {type(module).__name__}, not an nn.Module")
    return Recording(module, constructed), module


class UncoveredError(TensorSeedError):
    """Tensors no init call touched (and no rule covers): ``.uncovered`` maps each name to its ``Entry`` (``.reason``).
    ``listing()`` names them; the message ends with how the Python API covers them (``rules=``)."""

    #: How a caller of the Python API gives such tensors a scheme.
    API_HINT = "give them a scheme with rules={'pattern': {'name': ...}}"

    def __init__(self, what, uncovered):
        self.what, self.uncovered = what, dict(uncovered)
        super().__init__(f"{self.listing()}; {self.API_HINT}")

    def listing(self):
        """``N tensor(s) of the MODEL have no recorded init — name: reason; ...`` (the first eight)."""
        items = list(self.uncovered.items())
        listed = "; ".join(f"{name}: {e.reason}" for name, e in items[:8])
        more = f" (and {len(items) - 8} more)" if len(items) > 8 else ""
        return f"{len(items)} tensor(s) of the {self.what} have no recorded init — {listed}{more}"


def _spec_dtype(entry):
    return _TYPE_NAMES.get(entry.dtype)


def spec_from_recording(rec, *, seed=0, what="module"):
    """The CLI's tensor-list spec of a recording; raises TensorSeedError naming every uncovered tensor.

    Integer buffers (BatchNorm's ``num_batches_tracked``) are left out: the spec's dtypes are floating point;
    ``init_`` sets them to their recorded constant."""
    seed = _args.seed(seed)
    uncovered = rec.uncovered
    if uncovered:
        raise UncoveredError(what, uncovered)
    tensors = []
    for entry in rec.entries.values():
        dtype = _spec_dtype(entry)
        if dtype is None:
            continue
        tensors.append({"name": entry.name, "shape": list(entry.shape), "dtype": dtype, "scheme": entry.scheme})
    return {"seed": seed, "tensors": tensors}


def spec(module, *, seed=0, rules=None):
    """The CLI's tensor-list spec (a dict) of ``module`` (or of what a build function makes, see ``record``):
    state-dict names, shapes, dtypes and the schemes its own init code chose. ``tensorseed init spec.json`` of it
    gives the same bits as ``init_(module, seed)``."""
    _args.seed(seed)
    return spec_from_recording(record(module, rules=rules), seed=seed, what=_label(module))


def _label(module):
    return type(module).__name__ if isinstance(module, _torch.nn.Module) else getattr(module, "__name__", "module")


def fill_from_recording(module, rec, *, seed, engine="cpu"):
    """Fills ``module``'s tensors by the recording's schemes (each shared tensor once)."""
    tensors = module.state_dict(keep_vars=True)
    with _torch.no_grad():
        for entry in rec.entries.values():
            tensor = tensors[entry.name]
            if _spec_dtype(entry) is not None:
                fill_(tensor, name=entry.name, scheme=entry.scheme, seed=seed, engine=engine)
            else:
                _fill_integer(tensor, entry)
    return module


def _fill_integer(tensor, entry):
    scheme = entry.scheme
    value = {"zeros": 0, "ones": 1}.get(scheme["name"], scheme.get("val"))
    if value is None or tensor.dtype.is_floating_point or value != int(value):
        raise TensorSeedError(f"{entry.name} ({tensor.dtype}) cannot take {scheme}")
    tensor.fill_(int(value))


def init_(module, *, seed, rules=None, engine="cpu", build=None):
    """Fills every parameter and buffer of ``module`` in place by the schemes its own ``reset_parameters()`` chooses,
    bit-identical to ``tensorseed init`` of ``spec(module, seed=seed)``; with ``build`` (the function that builds
    such a module, e.g. ``lambda: GPT(config)``), by the schemes its construction chooses, ``spec(build)``. Raises
    before writing anything when a tensor has no recorded init and no rule. Returns ``module``."""
    _args.seed(seed)
    if not isinstance(module, _torch.nn.Module):
        raise TypeError(f"init_ takes the torch module to fill, not {type(module).__name__}")
    rec = record(module if build is None else build, rules=rules)
    spec_from_recording(rec, seed=seed, what=type(module).__name__)  # raises before any write if something is uncovered
    check_shapes(module, rec)
    return fill_from_recording(module, rec, seed=seed, engine=engine)


def check_shapes(module, rec):
    """Raises unless ``module`` has every recorded tensor with the recorded shape (a recording of another build)."""
    tensors = module.state_dict(keep_vars=True)
    for entry in rec.entries.values():
        tensor = tensors.get(entry.name)
        if tensor is None or tuple(tensor.shape) != entry.shape:
            found = tuple(tensor.shape) if tensor is not None else "missing"
            raise TensorSeedError(f"{entry.name}: the module's tensor is {found}, the recorded init is for {entry.shape}; "
                                  "was the module built differently or changed after it was built?")
