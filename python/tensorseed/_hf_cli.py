"""``python3 -m tensorseed.hf``: a fresh checkpoint (``--output DIR/``) or a spec (``--spec FILE``) of any
transformers architecture. A mistake in what the user gave (the config, a path, the seed, the library) is one line
``tensorseed.hf: WHAT: WHY`` on stderr and exit status 1; argument syntax errors are argparse's (status 2); SIGINT,
SIGTERM and SIGHUP leave nothing behind (``tensorseed._staging``) and end the process as the signal does (130, 143,
129 in a shell)."""
import argparse
import json
import os
import signal
import sys

from . import _args, _staging
from ._native import TensorSeedError

EPILOG = """examples:
  python3 -m tensorseed.hf Qwen/Qwen3-0.6B/config.json --output fresh/ --seed 0
  python3 -m tensorseed.hf llama --spec llama.json && tensorseed init llama.json --output fresh/
  python3 -m tensorseed.hf mamba/ --output fresh/ --rule '*.A_log={"name": "normal", "std": 0.5}' --rule '*.dt_proj.bias=zeros'

--output writes what transformers' save_pretrained writes (model.safetensors or shards with
model.safetensors.index.json, config.json, generation_config.json), all or nothing: an earlier
set's weight files in the folder are replaced, and nothing else there is touched. Tensors whose
values the architecture computes (Mamba's A_log, RWKV's decays) have no scheme TensorSeed can
reproduce: --rule gives them one (the first pattern that matches the whole state-dict name wins;
* and ? as in file names)."""


def _rule(text):
    """``PATTERN=SCHEME``: SCHEME is a JSON scheme object or the name of a scheme without parameters."""
    pattern, equals, scheme = text.partition("=")
    if not equals or not pattern:
        raise argparse.ArgumentTypeError(f"{text!r}: use PATTERN=SCHEME, e.g. '*.A_log={{\"name\": \"zeros\"}}' or '*.D=ones'")
    scheme = scheme.strip()
    if scheme.startswith("{"):
        try:
            value = json.loads(scheme)
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"{text!r}: the scheme is not valid JSON ({error})") from None
        if not isinstance(value, dict) or not isinstance(value.get("name"), str):
            raise argparse.ArgumentTypeError(f"{text!r}: the scheme needs a \"name\"")
        return pattern, value
    if not scheme:
        raise argparse.ArgumentTypeError(f"{text!r}: no scheme after '='")
    return pattern, {"name": scheme}


def parser():
    p = argparse.ArgumentParser(prog="python3 -m tensorseed.hf", epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                description="A fresh checkpoint (or a tensorseed spec) of any transformers architecture, "
                                            "initialized by its own _init_weights schemes, reproducibly.")
    p.add_argument("config", help="config.json, a folder holding one, or a model type (llama, gemma, ...)")
    p.add_argument("--output", metavar="DIR/", help="folder to write with save_pretrained (safetensors + config.json); "
                                                    "created when missing")
    p.add_argument("--spec", metavar="FILE", help="write the tensor-list spec here instead (for `tensorseed init FILE "
                                                  "--output ...`); - writes it to stdout")
    p.add_argument("--force", action="store_true", help="replace an existing --spec FILE")
    p.add_argument("--seed", type=int, default=0, help="the seed, 0...2^64-1 (default 0)")
    p.add_argument("--dtype", choices=["f32", "f16", "bf16", "f64"], help="storage type (default: the model's, float32)")
    p.add_argument("--rule", action="append", type=_rule, default=[], metavar="PATTERN=SCHEME",
                   help="a scheme for tensors the architecture's init does not cover, e.g. '*.A_log={\"name\": \"zeros\"}' "
                        "or '*.dt_proj.bias=zeros' (repeatable)")
    p.add_argument("--no-fsync", action="store_true",
                   help="leave the files to the page cache instead of waiting until they are on disk "
                        "(as transformers' save_pretrained does)")
    return p


def describe(error):
    """An error as the text after ``tensorseed.hf: ``: OSErrors as ``PATH: why``, ours as they are."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.filename}: {error.strerror}" if error.filename else error.strerror
    return str(error)


def main(argv=None):
    import torch
    import transformers

    from . import hf
    from .torch import UncoveredError

    args = parser().parse_args(argv)
    if bool(args.output) == bool(args.spec):
        parser().error("give exactly one of --output DIR/ or --spec FILE")
    # transformers' own warnings about the config would surround the one line an error gets (its errors are that line).
    transformers.logging.set_verbosity_error()
    dtype = {"f32": torch.float32, "f16": torch.float16, "bf16": torch.bfloat16, "f64": torch.float64}.get(args.dtype)
    target = args.output or args.spec
    _staging.on_signal = lambda number: print(f"tensorseed.hf: interrupted by signal {number} while writing {target}; "
                                              "nothing was written", file=sys.stderr, flush=True)
    rules = dict(args.rule) or None
    try:
        seed = _args.seed(args.seed)
        if args.spec:
            _write_spec(hf, args, seed, dtype, rules)
        else:
            hf.save_pretrained(args.config, args.output, seed=seed, dtype=dtype, rules=rules, fsync=not args.no_fsync)
    except UncoveredError as error:
        print(f"tensorseed.hf: {args.config}: {error.listing()}; give them a scheme with --rule PATTERN=SCHEME "
              "(see --help)", file=sys.stderr)
        return 1
    except (TensorSeedError, OSError, ValueError) as error:
        print(f"tensorseed.hf: {describe(error)}", file=sys.stderr)
        return 1
    except _staging.InterruptedAfterWrite:
        print(f"tensorseed.hf: interrupted by signal {int(signal.SIGINT)} after {target} was written completely",
              file=sys.stderr)
        return 128 + int(signal.SIGINT)
    except KeyboardInterrupt:
        print(f"tensorseed.hf: interrupted by signal {int(signal.SIGINT)} while writing {target}; nothing was written",
              file=sys.stderr)
        return 128 + int(signal.SIGINT)
    finally:
        _staging.on_signal = None
    return 0


def _write_spec(hf, args, seed, dtype, rules):
    """The spec as JSON text to stdout (``-``) or to a file, written whole or not at all."""
    if args.spec != "-":
        _staging.check_file_name(args.spec)  # before the model is built
        _staging.check_target(args.spec, force=args.force)
    text = hf.spec_text(hf.spec(args.config, seed=seed, dtype=dtype, rules=rules))
    if args.spec == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    with _staging.StagedFile(args.spec, force=args.force, fsync=not args.no_fsync) as staged:
        staged.write(text.encode())
        staged.commit()


if __name__ == "__main__":  # pragma: no cover - run as python3 -m tensorseed.hf
    raise SystemExit(main())
