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
from pathlib import Path

from ._native import TensorSeedError
from ._record import normalize_rules, recording
from ._spec import spec_text
from .torch import _spec_dtype, check_shapes, fill_from_recording, spec_from_recording

__all__ = ["config_of", "build_meta", "record", "spec", "init_", "save_pretrained"]


def config_of(config):
    """A ``PretrainedConfig`` from a config, a model type (``"llama"``), a config.json path or a folder holding one."""
    if isinstance(config, transformers.PretrainedConfig):
        return config
    if isinstance(config, (str, os.PathLike)):
        path = Path(config)
        if path.is_dir():
            path = path / "config.json"
            if not path.is_file():
                raise TensorSeedError(f"{config}: the folder holds no config.json")
        if path.is_file():
            try:
                with open(path) as file:
                    fields = json.load(file)
            except (OSError, ValueError) as error:
                raise TensorSeedError(f"{path}: not readable as JSON ({error})") from None
            if not isinstance(fields, dict) or "model_type" not in fields:
                raise TensorSeedError(f"{path}: no \"model_type\" field, so not a transformers config.json")
            return transformers.AutoConfig.from_pretrained(str(path))
        if isinstance(config, str) and config in transformers.CONFIG_MAPPING:
            return transformers.AutoConfig.for_model(config)
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
    raise TypeError(f"expected a transformers config, model type or config.json path, got {type(config).__name__}")


def _model_class(config, model_class):
    if model_class is not None:
        return model_class
    for auto in (transformers.AutoModelForCausalLM, transformers.AutoModel):
        if type(config) in auto._model_mapping:
            return auto
    raise TensorSeedError(f"no transformers model class for {type(config).__name__}; pass model_class=")


def build_meta(config, *, model_class=None, dtype=None):
    """The model of ``config`` (``AutoModelForCausalLM`` where it has one, else ``AutoModel``) on the meta device."""
    model, _ = _build_recorded(config_of(config), model_class, dtype)
    return model


def _build_recorded(config, model_class, dtype):
    """The model on the meta device, and the recording of the init calls its constructors made (torch modules'
    ``reset_parameters()``, transformers' own layers such as ``Conv1D``), which ``_init_weights`` then overrides."""
    auto = _model_class(config, model_class)
    kwargs = {} if dtype is None else {"dtype": dtype}
    with recording(None) as constructed, torch.device("meta"):
        if hasattr(auto, "from_config"):
            model = auto.from_config(config, **kwargs)
        else:
            model = auto._from_config(config, **kwargs)
    return model, constructed


def record(config_or_model, *, model_class=None, dtype=None, rules=None):
    """The ``Recording`` of the architecture's init, as ``from_config`` runs it: its constructors, then
    ``initialize_weights()``; yields covered and uncovered state-dict tensors. A model is re-built from its config
    on the meta device (its own tensors are not touched). Tied tensors are listed once, under the name
    ``save_pretrained`` keeps (the tie's source). Returns (recording, meta model)."""
    if isinstance(config_or_model, transformers.PreTrainedModel):
        given = config_or_model
        model, constructed = _build_recorded(given.config, model_class or type(given), dtype or given.dtype)
    else:
        model, constructed = _build_recorded(config_of(config_or_model), model_class, dtype)
    with recording(model, constructed) as rec:
        model.initialize_weights()
    _keep_saved_names(model, rec)
    rec.apply_rules(normalize_rules(rules))
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
    rec, model = record(config_or_model, model_class=model_class, dtype=dtype, rules=rules)
    return spec_from_recording(rec, seed=seed, what=type(model).__name__)


def init_(model, *, seed, rules=None, engine="cpu"):
    """Fills a built transformers model in place by its architecture's own init schemes, bit-identical to
    ``tensorseed init`` of ``spec(model, seed=seed)``. Returns ``model``."""
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
    With ``fsync`` (the default, as ``tensorseed init``) every file is on disk when this returns; ``fsync=False``
    leaves the data to the page cache, as transformers' ``save_pretrained`` does. Returns the folder."""
    from ._safetensors import Item, write_folder

    config = config_of(config)
    rec, model = record(config, model_class=model_class, dtype=dtype, rules=rules)
    spec_from_recording(rec, seed=seed, what=type(model).__name__)  # raises before anything is allocated or written
    if via_transformers:
        model = model.to_empty(device="cpu")
        model.tie_weights()
        fill_from_recording(model, rec, seed=seed, engine=engine)
        model.save_pretrained(folder, max_shard_size=max_shard_size)
        if fsync:
            _fsync_files(folder)
        return folder
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
    write_folder(folder, items, seed=seed, engine=engine, max_shard_size=max_shard_size,
                 metadata={"tensorseed.seed": str(int(seed))}, fsync=fsync)
    model.config.dtype = model.dtype
    model.config.save_pretrained(folder)
    if model.can_generate() and getattr(model, "generation_config", None) is not None:
        model.generation_config.save_pretrained(folder)
    if fsync:
        _fsync_files(folder)  # config.json and generation_config.json (the safetensors are on disk already)
    return folder


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
    names for architectures it does not model itself."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python3 -m tensorseed.hf",
                                     description="A fresh checkpoint (or a tensorseed spec) of any transformers architecture, "
                                                 "initialized by its own _init_weights schemes, reproducibly.")
    parser.add_argument("config", help="config.json, a folder holding one, or a model type (llama, gemma, ...)")
    parser.add_argument("--output", help="folder to write with save_pretrained (safetensors + config.json)")
    parser.add_argument("--spec", help="write the tensor-list spec here instead (for `tensorseed init SPEC --output ...`)")
    parser.add_argument("--seed", type=int, default=0, help="the seed (default 0)")
    parser.add_argument("--dtype", choices=["f32", "f16", "bf16", "f64"], help="storage type (default: the model's, float32)")
    parser.add_argument("--no-fsync", action="store_true",
                        help="leave the files to the page cache instead of waiting until they are on disk "
                             "(as transformers' save_pretrained does)")
    args = parser.parse_args(argv)
    if bool(args.output) == bool(args.spec):
        parser.error("give exactly one of --output DIR/ or --spec spec.json")
    dtype = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16, "f64": torch.float64}.get(args.dtype)
    try:
        if args.spec:
            tmp = Path(args.spec + ".tmp")
            tmp.write_text(spec_text(spec(args.config, seed=args.seed, dtype=dtype)))
            os.replace(tmp, args.spec)
        else:
            save_pretrained(args.config, args.output, seed=args.seed, dtype=dtype, fsync=not args.no_fsync)
    except (TensorSeedError, OSError, ValueError) as error:
        print(f"tensorseed.hf: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
