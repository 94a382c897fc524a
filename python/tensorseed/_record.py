"""Recording which initialization a module's own code chooses, on the meta device (no memory touched).

The recorder replaces torch's init functions (``torch.nn.init.*``, every module-level binding of them, and
transformers' ``TORCH_INIT_FUNCTIONS``) with functions that note (tensor, scheme), and runs a
``TorchFunctionMode`` that sees plain tensor methods (``fill_``, ``zero_``, ``normal_``, ``copy_`` ...) and the views
they act on (``weight[padding_idx]``, ``.data``). Each tensor is mapped back to its state-dict name by identity.
The last whole-tensor write wins, as it does in torch; ``normal_`` followed by zeroing one row is torch's
``nn.Embedding`` with ``padding_idx``; any other partial or unknown write leaves the tensor uncovered, with a reason.
"""
import fnmatch
import inspect
import math
import sys
from contextlib import contextmanager

import torch
from torch.overrides import TorchFunctionMode

#: torch.nn.init functions and how their arguments become the spec's scheme fields (SchemeJSON.swift).
INIT_FUNCTIONS = {
    "uniform_": lambda p: {"name": "uniform", "a": p["a"], "b": p["b"]},
    "normal_": lambda p: {"name": "normal", "mean": p["mean"], "std": p["std"]},
    "trunc_normal_": lambda p: {"name": "trunc_normal", "mean": p["mean"], "std": p["std"], "a": p["a"], "b": p["b"]},
    "constant_": lambda p: {"name": "constant", "val": p["val"]},
    "ones_": lambda p: {"name": "ones"},
    "zeros_": lambda p: {"name": "zeros"},
    "eye_": lambda p: {"name": "eye"},
    "dirac_": lambda p: {"name": "dirac", "groups": p["groups"]},
    "xavier_uniform_": lambda p: {"name": "xavier_uniform", "gain": p["gain"]},
    "xavier_normal_": lambda p: {"name": "xavier_normal", "gain": p["gain"]},
    "kaiming_uniform_": lambda p: {"name": "kaiming_uniform", "a": p["a"], "mode": p["mode"], "nonlinearity": p["nonlinearity"]},
    "kaiming_normal_": lambda p: {"name": "kaiming_normal", "a": p["a"], "mode": p["mode"], "nonlinearity": p["nonlinearity"]},
    "orthogonal_": lambda p: {"name": "orthogonal", "gain": p["gain"]},
    "sparse_": lambda p: {"name": "sparse", "sparsity": p["sparsity"], "std": p["std"]},
}

#: Functions that make a tensor already filled with a constant.
_CREATIONS = {"zeros", "ones", "full", "zeros_like", "ones_like", "full_like"}

#: In-place tensor methods that change flags, not values.
_NOT_WRITES = {"requires_grad_", "share_memory_", "pin_memory_", "retain_grad_"}

#: Tensor methods that return a view of the whole tensor (same elements, same order).
_WHOLE_VIEWS = {"detach", "view", "view_as", "reshape", "flatten", "contiguous", "squeeze", "unsqueeze", "expand_as"}


def _number(value):
    """A scheme parameter as a plain Python number (a 0-d tensor or numpy scalar given to an init function too)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, str)):
        return value
    if isinstance(value, torch.Tensor) and value.numel() == 1 and value.device.type != "meta":
        return value.item()
    try:
        return float(value)
    except (TypeError, ValueError):
        raise _Unsupported(f"parameter {value!r} is not a number") from None


class _Unsupported(Exception):
    pass


def _clean(scheme):
    """Scheme fields as JSON-ready numbers; NaN or infinite values are unsupported."""
    out = {}
    for key, value in scheme.items():
        value = _number(value)
        if isinstance(value, float) and not math.isfinite(value):
            raise _Unsupported(f"{scheme['name']} with {key}={value}")
        out[key] = value
    return out


class Entry:
    """One state-dict tensor: its name, shape, dtype, the scheme recorded for it (or why there is none), its aliases."""

    def __init__(self, name, tensor):
        self.name = name
        self.shape = tuple(tensor.shape)
        self.dtype = tensor.dtype
        self.aliases = []
        self.scheme = None
        self.reason = "no init call touched it"
        self.calls = []
        #: Set for tied tensors when the owner wins: the prefix of the module holding the kept name.
        self.owner = None

    def __repr__(self):
        return f"Entry({self.name!r}, {self.shape}, {self.dtype}, {self.scheme or self.reason})"

    def whole(self, scheme, call, module=None):
        self.calls.append(call)
        if self.owner is not None and module is not None and module != self.owner and self.scheme is not None:
            return  # a tied tensor keeps the init of the module that owns the kept name (see Recording.owner_wins)
        try:
            self.scheme, self.reason = _clean(scheme), None
        except _Unsupported as error:
            self.scheme, self.reason = None, str(error)

    def partial(self, index, op, value, call):
        """A write to ``tensor[index]``: only zeroing one row after N(0, std) is understood (Embedding's padding row)."""
        self.calls.append(call)
        s = self.scheme
        if op == "zero" and isinstance(index, int) and value == 0 and len(self.shape) == 2 and s is not None:
            row = index if index >= 0 else index + self.shape[0]
            if s["name"] == "normal" and s["mean"] == 0:
                self.scheme = {"name": "embedding", "padding_idx": row, "std": s["std"]}
                return
            if s["name"] == "embedding" and s["padding_idx"] == row or s["name"] == "zeros":
                return
        self.scheme, self.reason = None, f"{call} wrote part of it, after {s['name'] if s else 'nothing'}"

    def unsupported(self, call):
        self.calls.append(call)
        self.scheme, self.reason = None, f"{call} (not an init scheme TensorSeed knows)"


class Recording:
    """What a module's init code did: an ``Entry`` per state-dict tensor (tied ones once, under the first name)."""

    def __init__(self, module, constructed=None):
        """Entries for ``module``'s state dict; with ``module`` None, every tensor written to gets an entry (keyed by
        identity), which is how a model's construction is recorded before it has names. ``constructed`` is such a
        recording of the module's construction: its writes are the starting point of each tensor."""
        self.entries = {}
        self._by_id = {}
        self._views = {}  # id(view) -> (entry, index or None); the views are kept alive in _keep
        self._keep = []
        self._capture_all = module is None
        self._by_storage = {}  # storage -> entry of a tensor made by a creation op (torch.zeros ...), capture mode only
        #: The prefix of the module whose init code runs now (set by the caller; None when unknown).
        self.module = None
        if module is None:
            return
        for name, tensor in module.state_dict(keep_vars=True).items():
            entry = self._by_id.get(id(tensor))
            if entry is None:
                entry = self._by_id[id(tensor)] = self.entries[name] = Entry(name, tensor)
                before = constructed.constructed_entry(tensor) if constructed is not None else None
                if before is not None:
                    entry.scheme, entry.reason, entry.calls = before.scheme, before.reason, list(before.calls)
            else:
                entry.aliases.append(name)

    def created(self, tensor, scheme, call):
        """A tensor made already filled (``torch.zeros``, ``ones``, ``full``): a ``Parameter`` wrapping it later is a
        new object over the same storage, so it is found by its storage (meta tensors have one, without memory)."""
        entry = Entry(f"<tensor {id(tensor):x}>", tensor)
        entry.whole(scheme, call)
        self._by_storage[tensor.untyped_storage()._cdata] = entry
        self._keep.append(tensor)

    def constructed_entry(self, tensor):
        """The entry a construction recording has for ``tensor``: by identity, else by the storage it owns whole."""
        entry = self._by_id.get(id(tensor))
        if entry is None and tensor.storage_offset() == 0 and tensor.is_contiguous():
            storage = tensor.untyped_storage()
            if storage.nbytes() == tensor.numel() * tensor.element_size():
                entry = self._by_storage.get(storage._cdata)
        return entry

    def owner_wins(self):
        """For tied tensors, keep the init of the module that owns the kept name, ignoring what the other modules
        sharing it write. That is torch's order when modules are built first and tied afterwards (a user's
        ``proj.weight = embed.weight``); transformers ties first and initializes after, where the last write wins."""
        for entry in self.entries.values():
            if entry.aliases:
                entry.owner = entry.name.rpartition(".")[0]

    def target(self, tensor, create=False):
        """(entry, index) for a tracked tensor or a view of one; index None is the whole tensor. ``create``: a tensor
        about to be written gets an entry when every tensor is recorded (construction)."""
        entry = self._by_id.get(id(tensor))
        if entry is not None:
            return entry, None
        view = self._views.get(id(tensor))
        if view is not None:
            return view
        if create and self._capture_all and isinstance(tensor, torch.Tensor):
            entry = self._by_id[id(tensor)] = Entry(f"<tensor {id(tensor):x}>", tensor)
            self._keep.append(tensor)
            return entry, None
        return None, None

    def track_view(self, view, source, index):
        entry, base_index = self.target(source)
        if entry is None or not isinstance(view, torch.Tensor):
            return
        if base_index is not None:
            index = ("nested", base_index, index)
        self._views[id(view)] = (entry, index)
        self._keep.append(view)

    @property
    def covered(self):
        return {name: e for name, e in self.entries.items() if e.scheme is not None}

    @property
    def uncovered(self):
        return {name: e for name, e in self.entries.items() if e.scheme is None}

    def apply_rules(self, rules):
        """Gives each uncovered tensor the scheme of the first rule whose pattern (fnmatch: ``*``, ``?``) matches."""
        for entry in self.uncovered.values():
            for pattern, scheme in rules:
                if fnmatch.fnmatchcase(entry.name, pattern):
                    entry.scheme, entry.reason = dict(scheme), None
                    break


def normalize_rules(rules):
    """``{pattern: scheme}`` or the spec's ``[{"pattern": ..., "scheme": ...}]`` as a list of (pattern, scheme); a
    scheme is a dict with a "name", or the bare name of a scheme without parameters (``"zeros"``, as the command
    line's ``--rule '*.D=ones'``). TypeError naming ``rules`` for anything else."""
    if rules is None:
        return []
    usage = 'rules must be {pattern: scheme} such as {"*.A_log": {"name": "normal", "std": 0.5}, "*.D": "ones"}'
    if isinstance(rules, dict):
        pairs = list(rules.items())
    elif isinstance(rules, (list, tuple)) and all(isinstance(r, dict) and set(r) >= {"pattern", "scheme"} for r in rules):
        pairs = [(rule["pattern"], rule["scheme"]) for rule in rules]
    else:
        raise TypeError(f"{usage}, or the spec's list of {{\"pattern\": ..., \"scheme\": ...}}; got {type(rules).__name__} ({rules!r})")
    out = []
    for pattern, scheme in pairs:
        if not isinstance(pattern, str) or not pattern:
            raise TypeError(f"{usage}: pattern {pattern!r} is not a non-empty str")
        if isinstance(scheme, str) and scheme:
            scheme = {"name": scheme}
        if not isinstance(scheme, dict) or not isinstance(scheme.get("name"), str):
            raise TypeError(f"{usage}: the scheme of {pattern!r} ({scheme!r}) is neither a scheme's name nor a dict with a \"name\"")
        out.append((pattern, scheme))
    return out


def _original_init_functions():
    """name -> torch's own function (transformers keeps them in TORCH_INIT_FUNCTIONS before it patches torch)."""
    hf = sys.modules.get("transformers.initialization")
    if hf is not None and hasattr(hf, "TORCH_INIT_FUNCTIONS"):
        functions = dict(hf.TORCH_INIT_FUNCTIONS)
    else:
        functions = {name: getattr(torch.nn.init, name) for name in INIT_FUNCTIONS}
    # A recorder (of a recording running now) stands for the function it replaced.
    return {name: _unwrap(f) for name, f in functions.items()}


def _unwrap(function):
    while getattr(function, "__tensorseed_recorder__", False):
        function = function.__wrapped__
    return function


def _bindings():
    """(module namespace, name, value) for every module-level name of an init function (``normal_`` ...)."""
    for mod in list(sys.modules.values()):
        namespace = getattr(mod, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for fname in INIT_FUNCTIONS:
            value = namespace.get(fname)
            if value is not None:
                yield namespace, fname, value


def _restore_everywhere(recorders):
    """Puts the original back wherever one of ``recorders`` is bound: the places patched, and modules imported while
    recording (``from torch.nn.init import normal_`` in a module loaded then bound the recorder), and transformers'
    TORCH_INIT_FUNCTIONS (filled from torch's attributes when transformers.initialization is first imported)."""
    back = {id(recorder): original for original, recorder in recorders.items()}
    for namespace, fname, value in _bindings():
        if id(value) in back:
            namespace[fname] = back[id(value)]
    hf = sys.modules.get("transformers.initialization")
    table = getattr(hf, "TORCH_INIT_FUNCTIONS", None) if hf is not None else None
    if isinstance(table, dict):
        for fname, value in list(table.items()):
            if id(value) in back:
                table[fname] = back[id(value)]


class _Mode(TorchFunctionMode):
    """Sees plain tensor methods on tracked tensors and their views."""

    def __init__(self, recording, recorders):
        super().__init__()
        self.recording = recording
        self.recorders = recorders  # original init function -> its recorder

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        recorder = self.recorders.get(func)
        if recorder is not None:  # an init function reached through torch's own dispatch (an unpatched binding)
            return recorder(*args, **kwargs)
        name = getattr(func, "__name__", "")
        if name == "__get__":
            name = getattr(getattr(func, "__self__", None), "__name__", name)
        result = func(*args, **kwargs)
        if self.recording._capture_all and name in _CREATIONS and isinstance(result, torch.Tensor):
            self._creation(name, args, kwargs, result)
        if not args or not isinstance(args[0], torch.Tensor):
            return result
        writes = name.endswith("_") and not name.startswith("_") and name not in _NOT_WRITES
        entry, index = self.recording.target(args[0], create=writes)
        if entry is None:
            return result
        if name in ("data",) or name in _WHOLE_VIEWS:
            same = isinstance(result, torch.Tensor) and tuple(result.shape) == entry.shape
            self.recording.track_view(result, args[0], None if same else ("reshaped",))
        elif name == "__getitem__":
            key = args[1] if len(args) > 1 else None
            self.recording.track_view(result, args[0], key if isinstance(key, int) else ("slice", repr(key)))
        elif writes:
            self._write(self.recording, entry, index, name, args, kwargs)
        return result

    def _creation(self, name, args, kwargs, result):
        if name in ("zeros", "zeros_like"):
            scheme = {"name": "zeros"}
        elif name in ("ones", "ones_like"):
            scheme = {"name": "ones"}
        else:
            value = kwargs.get("fill_value", args[1] if len(args) > 1 else None)
            try:
                scheme = {"name": "constant", "val": _number(value)}
            except _Unsupported:
                return
        self.recording.created(result, scheme, f"torch.{name}")

    @staticmethod
    def _write(recording_, entry, index, name, args, kwargs):
        call = f"{name} on {entry.name}" + ("" if index is None else f"[{index!r}]")
        scheme = None
        if name == "zero_":
            scheme = {"name": "zeros"}
        elif name == "fill_":
            value = args[1] if len(args) > 1 else kwargs.get("value")
            try:
                value = _number(value)
            except _Unsupported:
                return entry.unsupported(call)
            scheme = {"name": "zeros"} if value == 0 else {"name": "ones"} if value == 1 else {"name": "constant", "val": value}
        elif name == "normal_":
            p = inspect.signature(lambda mean=0.0, std=1.0, generator=None: None).bind(*args[1:], **kwargs).arguments
            scheme = {"name": "normal", "mean": p.get("mean", 0.0), "std": p.get("std", 1.0)}
        elif name == "uniform_":
            p = dict(zip(("from", "to"), args[1:3]), **kwargs)
            scheme = {"name": "uniform", "a": p.get("from", 0.0), "b": p.get("to", 1.0)}
        if scheme is None:
            if name == "copy_" and index is None and len(args) > 1:
                return _Mode._copy(entry, args[1], call)
            return entry.unsupported(call)
        if index is None:
            entry.whole(scheme, call, recording_.module)
        else:
            entry.partial(index, "zero" if scheme["name"] == "zeros" else name, 0 if scheme["name"] == "zeros" else None, call)

    @staticmethod
    def _copy(entry, source, call):
        """``copy_`` of known values: a constant source is that constant; computed values are uncovered."""
        if isinstance(source, (int, float)):
            return entry.whole({"name": "constant", "val": source}, call)
        if isinstance(source, torch.Tensor) and source.device.type != "meta" and source.numel() > 0:
            first = source.reshape(-1)[0]
            if bool((source == first).all()):
                return entry.whole({"name": "constant", "val": first.item()}, call)
        entry.unsupported(call + " of computed values")


@contextmanager
def recording(module, constructed=None):
    """Within the block, init calls on ``module``'s tensors are recorded (not executed); yields the ``Recording``.
    With ``module`` None, writes to any tensor are recorded (a model being constructed); ``constructed`` is such a
    recording, whose writes each tensor starts from."""
    rec = Recording(module, constructed)
    originals = _original_init_functions()
    recorders = {}

    def make_recorder(fname, original):
        signature = inspect.signature(original)
        to_scheme = INIT_FUNCTIONS[fname]

        def recorder(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            params = dict(bound.arguments)
            tensor = params.pop("tensor")
            entry, index = rec.target(tensor, create=True)
            if entry is None:
                return tensor
            call = f"torch.nn.init.{fname} on {entry.name}"
            try:
                scheme = to_scheme(params)
            except KeyError as missing:
                entry.unsupported(f"{call} without {missing}")
                return tensor
            if index is None:
                entry.whole(scheme, call, rec.module)
            elif scheme["name"] == "zeros" or scheme["name"] == "constant" and scheme["val"] == 0:
                entry.partial(index, "zero", 0, call)
            else:
                entry.partial(index, fname, None, call)
            return tensor

        recorder.__name__ = fname
        recorder.__wrapped__ = original
        recorder.__tensorseed_recorder__ = True
        return recorder

    for fname, original in originals.items():
        if fname in INIT_FUNCTIONS:
            recorders[original] = make_recorder(fname, original)
    patched = []
    by_id = {id(original): recorder for original, recorder in recorders.items()}
    for namespace, fname, value in list(_bindings()):
        if id(value) in by_id:
            patched.append((namespace, fname, value))
            namespace[fname] = by_id[id(value)]
    hf = sys.modules.get("transformers.initialization")
    table = getattr(hf, "TORCH_INIT_FUNCTIONS", None) if hf is not None else None
    saved_table = dict(table) if table is not None else None
    if table is not None:
        for fname, original in list(table.items()):
            if original in recorders:
                table[fname] = recorders[original]
    try:
        with torch.no_grad(), _Mode(rec, recorders):
            yield rec
    finally:
        for namespace, fname, value in reversed(patched):
            namespace[fname] = value
        if table is not None:
            table.clear()
            table.update(saved_table)
        _restore_everywhere(recorders)
