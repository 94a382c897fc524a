"""TensorSeed for transformers: the schemes an architecture's own ``_init_weights`` chooses, as a spec or in place.

    import tensorseed.hf
    tensorseed.hf.save_pretrained("Qwen/Qwen3-0.6B/config.json", "fresh/", seed=0)   # safetensors + config.json
    spec = tensorseed.hf.spec(config)          # the CLI's tensor-list spec; `tensorseed init spec.json` writes the same bits
    tensorseed.hf.init_(model, seed=0)         # a model already built, filled in place

The model is built on the meta device and ``PreTrainedModel.initialize_weights()`` (which applies ``_init_weights``
to every submodule) runs while its init calls are recorded (``tensorseed._record``): transformers' own helpers
(``transformers.initialization``) end in torch's init functions, which the recorder replaces, so the flags they
check (``_is_hf_initialized``) keep their meaning.
"""
try:
    import torch
    import transformers
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError("tensorseed.hf needs PyTorch and transformers: pip install torch transformers") from error

import json
import os
import re
import stat
from pathlib import Path

from . import _args, _native, _staging
from ._native import TensorSeedError
from ._record import normalize_rules, recording
from ._spec import spec_text
from .torch import UncoveredError, _spec_dtype, check_shapes, fill_from_recording, spec_from_recording

__all__ = ["config_of", "build_meta", "record", "spec", "init_", "save_pretrained"]


def _one_line(error):
    """An exception's message on one line (transformers' validation errors span several), at most 300 characters."""
    text = " ".join(line.strip() for line in str(error).splitlines() if line.strip()) or type(error).__name__
    return text if len(text) <= 300 else text[:299] + "…"


def _is_regular(path):
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def config_of(config):
    """A ``PretrainedConfig`` from a config, a model type (``"llama"``), a config.json path or a folder holding one.
    A file that is not a valid config of its model type is a TensorSeedError naming it, on one line."""
    if isinstance(config, transformers.PretrainedConfig):
        return config
    if isinstance(config, (str, os.PathLike)):
        path = Path(config)
        if path.is_dir():
            path = path / "config.json"
            if not os.path.exists(path):
                raise TensorSeedError(f"{config}: the folder holds no config.json")
        if os.path.exists(path) and not path.is_dir() and not _is_regular(path):
            raise TensorSeedError(f"{path}: not a regular file (a FIFO, a device...); give a config.json file")
        if path.is_file():
            return _config_file(path)
        if isinstance(config, str) and config in transformers.CONFIG_MAPPING:
            try:
                return transformers.AutoConfig.for_model(config)
            except Exception as error:
                raise TensorSeedError(f"{config}: transformers cannot make its default config: {_one_line(error)}") from error
        if isinstance(config, str) and re.fullmatch(r"[\w.-]+/[\w.-]+", config) and not config.endswith(".json") \
                and not path.exists():
            try:  # a Hub id such as Qwen/Qwen3-0.6B (or one in the local cache)
                return transformers.AutoConfig.from_pretrained(config)
            except (OSError, ValueError) as error:
                raise TensorSeedError(f"{config}: neither a config.json, a folder holding one, a model type transformers "
                                      f"knows, nor a Hub model id it could read ({str(error).splitlines()[0]})") from None
        if not path.exists() and (str(config).endswith(".json") or os.sep in str(config)):
            raise TensorSeedError(f"{config}: no such file or folder")
        raise TensorSeedError(f"{config}: neither a config.json, a folder holding one, nor a model type transformers knows")
    if isinstance(config, torch.nn.Module):
        raise TypeError(f"tensorseed.hf takes a transformers PreTrainedModel or config, not a {type(config).__name__}; "
                        "for any torch module use tensorseed.torch")
    raise TypeError(f"expected a transformers config, model type or config.json path, got {type(config).__name__}")


def _config_file(path):
    """The config of a config.json file: its model_type must be one transformers knows and its fields valid."""
    try:
        with open(path) as file:
            fields = json.load(file)
    except (OSError, ValueError) as error:
        raise TensorSeedError(f"{path}: not readable as JSON ({_one_line(error)})") from None
    if not isinstance(fields, dict) or "model_type" not in fields:
        raise TensorSeedError(f"{path}: no \"model_type\" field, so not a transformers config.json")
    model_type = fields["model_type"]
    if not isinstance(model_type, str) or model_type not in transformers.CONFIG_MAPPING:
        raise TensorSeedError(f"{path}: model_type {model_type!r} is not one transformers {transformers.__version__} "
                              "knows (see transformers.CONFIG_MAPPING for the names)")
    try:
        return transformers.AutoConfig.from_pretrained(str(path))
    except Exception as error:  # transformers' and huggingface_hub's validation errors: the file's content
        raise TensorSeedError(f"{path}: not a valid {model_type} config: {_one_line(error)}") from error


def _model_class(config, model_class):
    if model_class is not None:
        return model_class
    for auto in (transformers.AutoModelForCausalLM, transformers.AutoModel):
        if type(config) in auto._model_mapping:
            return auto
    raise TensorSeedError(f"no transformers model class for {type(config).__name__}; pass model_class=")


def build_meta(config, *, model_class=None, dtype=None):
    """The model of ``config`` (``AutoModelForCausalLM`` where it has one, else ``AutoModel``) on the meta device."""
    model, _ = _build_recorded(config_of(config), model_class, dtype, source=config)
    return model


def _build_recorded(config, model_class, dtype, source=None):
    """The model on the meta device, and the recording of the init calls its constructors made (torch modules'
    ``reset_parameters()``, transformers' own layers such as ``Conv1D``), which ``_init_weights`` then overrides."""
    dtype = _args.dtype(dtype)
    auto = _model_class(config, model_class)
    kwargs = {} if dtype is None else {"dtype": dtype}
    try:
        with recording(None) as constructed, torch.device("meta"):
            if hasattr(auto, "from_config"):
                model = auto.from_config(config, **kwargs)
            else:
                model = auto._from_config(config, **kwargs)
    except TensorSeedError:
        raise
    except Exception as error:  # a config transformers accepts but its model cannot take (negative sizes ...)
        where = f"{source}: " if isinstance(source, (str, os.PathLike)) else ""
        raise TensorSeedError(f"{where}the {type(config).__name__} does not build a model: {_one_line(error)}") from error
    return model, constructed


def record(config_or_model, *, model_class=None, dtype=None, rules=None):
    """The ``Recording`` of the architecture's init, as ``from_config`` runs it: its constructors, then
    ``initialize_weights()``; yields covered and uncovered state-dict tensors. A model is re-built from its config
    on the meta device (its own tensors are not touched). Tied tensors are listed once, under the name
    ``save_pretrained`` keeps (the tie's source). Returns (recording, meta model)."""
    rules = normalize_rules(rules)  # checked before the model is built
    if isinstance(config_or_model, transformers.PreTrainedModel):
        given = config_or_model
        model, constructed = _build_recorded(given.config, model_class or type(given), dtype or given.dtype)
    else:
        model, constructed = _build_recorded(config_of(config_or_model), model_class, dtype, source=config_or_model)
    with recording(model, constructed) as rec:
        model.initialize_weights()
    _keep_saved_names(model, rec)
    rec.apply_rules(rules)
    return rec, model


def _keep_saved_names(model, rec):
    """Renames an entry listed under a tie's target (``lm_head.weight``) to the source that transformers saves."""
    tied = getattr(model, "all_tied_weights_keys", None) or {}
    for target, source in tied.items():
        entry = rec.entries.get(target)
        if entry is not None and source in entry.aliases:
            entry.aliases.remove(source)
            entry.aliases.append(target)
            entry.name = source
            rec.entries = {(source if k == target else k): v for k, v in rec.entries.items()}


def spec(config_or_model, *, seed=0, model_class=None, dtype=None, rules=None):
    """The CLI's tensor-list spec (a dict) of a transformers architecture, with the schemes its ``_init_weights``
    chooses; ``tensorseed init spec.json --output DIR/`` writes the tensors ``save_pretrained`` would."""
    seed = _args.seed(seed)
    rec, model = record(config_or_model, model_class=model_class, dtype=dtype, rules=rules)
    return spec_from_recording(rec, seed=seed, what=type(model).__name__)


def init_(model, *, seed, rules=None, engine="cpu"):
    """Fills a built transformers model in place by its architecture's own init schemes, bit-identical to
    ``tensorseed init`` of ``spec(model, seed=seed)``. Returns ``model``."""
    seed = _args.seed(seed)
    if not isinstance(model, transformers.PreTrainedModel):
        raise TypeError(f"hf.init_ takes a transformers PreTrainedModel (what from_config or from_pretrained builds), "
                        f"not a {type(model).__name__}; for any torch module use tensorseed.torch.init_")
    rec, _ = record(model, rules=rules)
    spec_from_recording(rec, seed=seed, what=type(model).__name__)
    check_shapes(model, rec)
    return fill_from_recording(model, rec, seed=seed, engine=engine)


def save_pretrained(config, folder, *, seed, model_class=None, dtype=None, rules=None, engine="cpu",
                    max_shard_size="50GB", via_transformers=False, fsync=True):
    """Writes a freshly initialized checkpoint of ``config`` to ``folder`` (safetensors, config.json and, for
    generative models, generation_config.json), loadable by ``from_pretrained`` with no missing or unexpected keys.

    The tensors are streamed: each is generated chunk by chunk and written (two 64 MiB buffers, whatever the model's
    size), under the state-dict names the model loads, tied tensors once; past ``max_shard_size`` (transformers'
    spelling, default "50GB") a sharded set with ``model.safetensors.index.json``. The data equal ``tensorseed init``
    of ``spec(config)``. ``via_transformers=True`` instead allocates the model, fills it with ``init_`` and calls
    transformers' own ``save_pretrained`` (its file layout, e.g. MoE experts split as in the original checkpoints).

    The folder's files are written all or nothing (``tensorseed._staging``): into a hidden staging folder first, after
    a free-space check, then moved into place together (the index last); the files of an earlier save that the new
    set does not replace (``model.safetensors``, ``model.safetensors.index.json``, ``model-*-of-*.safetensors``) are
    removed then, as transformers' ``save_pretrained`` and ``tensorseed init --force`` do, and nothing else is. On an
    error, or SIGINT, SIGTERM or SIGHUP, nothing is left: an earlier set stays as it was, and folders this call
    created are removed. With ``fsync`` (the default, as ``tensorseed init``) every file is on disk when this returns;
    ``fsync=False`` leaves the data to the page cache, as transformers' ``save_pretrained`` does. Returns the folder."""
    seed = _args.seed(seed)
    _args.shard_size(max_shard_size)
    _staging.check_folder_name(folder)
    _native._load()  # a missing or wrong library is an error before anything is built or written
    rec, model = record(config, model_class=model_class, dtype=dtype, rules=rules)
    spec_from_recording(rec, seed=seed, what=type(model).__name__)  # raises before anything is allocated or written
    with _staging.StagedFolder(folder, fsync=fsync) as staged:
        if via_transformers:
            names = _write_via_transformers(model, rec, staged, seed=seed, engine=engine, max_shard_size=max_shard_size,
                                            fsync=fsync)
        else:
            names = _write_streamed(model, rec, staged, seed=seed, engine=engine, max_shard_size=max_shard_size,
                                    fsync=fsync)
        from ._safetensors import stale_files
        staged.commit(names, stale=stale_files(folder, names))
    return folder


#: Room counted for config.json and generation_config.json in the free-space check (a few KB each in practice).
_COMPANION_BYTES = [16 << 10, 16 << 10]


def _companions(model, staged, fsync):
    """config.json and, for generative models, generation_config.json, written into the staging folder as
    transformers writes them; returns their names."""
    model.config.dtype = model.dtype
    model.config.architectures = [type(model).__name__]  # as transformers' save_pretrained records it
    model.config.save_pretrained(staged.staging)
    if model.can_generate() and getattr(model, "generation_config", None) is not None:
        model.generation_config.save_pretrained(staged.staging)
    names = sorted(p.name for p in staged.staging.iterdir())
    if fsync:
        _fsync_files(staged.staging)
    return names


def _write_streamed(model, rec, staged, *, seed, engine, max_shard_size, fsync):
    """The tensors streamed into the staging folder (``_safetensors``), after the companions; returns every name in
    the order to move them into place (companions, shards, the index last)."""
    from ._safetensors import Item, SetLayout, write_set

    ignored = set(getattr(model, "_keys_to_ignore_on_save", None) or ())
    items = []
    for entry in rec.entries.values():
        if entry.name in ignored:
            continue
        storage = _spec_dtype(entry)
        if storage is not None:
            items.append(Item(entry.name, entry.shape, storage, entry.scheme))
        else:
            value = {"zeros": 0, "ones": 1}.get(entry.scheme["name"], entry.scheme.get("val"))
            items.append(Item(entry.name, entry.shape, str(entry.dtype).replace("torch.", ""), constant=value))
    layout = SetLayout(items, max_shard_size=max_shard_size, metadata={"tensorseed.seed": str(seed)})
    staged.check_targets(["config.json", "generation_config.json"] + layout.names)
    _staging.check_space(staged.folder, layout.sizes + _COMPANION_BYTES, layout.describe(staged.folder))
    try:
        companions = _companions(model, staged, fsync)
    except OSError as error:
        raise _staging.no_space(error, staged.folder / "config.json", sum(_COMPANION_BYTES)) from None
    write_set(layout, staged.staging, seed=seed, engine=engine, fsync=fsync, folder=staged.folder)
    return companions + layout.names


def _write_via_transformers(model, rec, staged, *, seed, engine, max_shard_size, fsync):
    """The model allocated, filled by ``init_``'s schemes and saved by transformers into the staging folder; returns
    its files in the order to move them into place (the weights after the rest, an index last)."""
    from ._safetensors import parse_size

    data = {t.untyped_storage()._cdata: t.numel() * t.element_size() for t in model.state_dict().values()}
    shards = 1 + sum(data.values()) // max(parse_size(max_shard_size), 1)
    _staging.check_space(staged.folder, [sum(data.values()) + shards * (64 << 10)] + _COMPANION_BYTES,
                         f"{staged.folder / 'model.safetensors'} (about {shards} file(s), headers estimated)")
    model = model.to_empty(device="cpu")
    model.tie_weights()
    fill_from_recording(model, rec, seed=seed, engine=engine)
    try:
        model.save_pretrained(staged.staging, max_shard_size=max_shard_size)
        if fsync:
            _fsync_files(staged.staging)
    except OSError as error:
        raise _staging.no_space(error, staged.folder, sum(data.values())) from None
    names = sorted(p.name for p in staged.staging.iterdir())
    staged.check_targets(names)
    weights = [n for n in names if n.endswith(".safetensors") or n.endswith(".index.json")]
    ordered = [n for n in names if n not in weights] + sorted(weights, key=lambda n: (n.endswith(".index.json"), n))
    return ordered


def _fsync_files(folder):
    """Puts every regular file directly in ``folder`` on disk (what transformers' ``save_pretrained`` wrote)."""
    for path in Path(folder).iterdir():
        if path.is_file() and not path.is_symlink():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def main(argv=None):
    """``python3 -m tensorseed.hf CONFIG --output DIR/ [--seed N]`` or ``--spec spec.json``: the command the CLI
    names for architectures it does not model itself (``tensorseed._hf_cli``). Returns the exit status."""
    from ._hf_cli import main as run
    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
