#!/usr/bin/env python3
"""TensorSeed's Python package against transformers' own initialization, on the same machine in the same run.

    python3 Benchmarks/python/bench_hf.py [--dtype f32|bf16] [--layers 22] [--repeat 3] [--output /tmp/bench-hf]

A Llama-shaped model of 1.1B parameters (TinyLlama-1.1B's shape: hidden 2048, intermediate 5632, 22 layers,
32 heads, 4 key-value heads, vocabulary 32000):

  init       tensorseed.hf.init_(model) of a model already allocated on CPU (meta, then to_empty)
             vs transformers' AutoModelForCausalLM.from_config(config) (allocation + its own init)
             and vs transformers' initialize_weights() alone on the same allocated model
  save       tensorseed.hf.save_pretrained(config, folder) (streamed: two 64 MiB buffers; every file fsync'd, the
             default) vs from_config(config) + model.save_pretrained(folder) + an fsync of each file it wrote;
             and, like for like with transformers' own save_pretrained (which leaves its files to the page cache),
             save_pretrained(..., fsync=False) vs from_config(config) + model.save_pretrained(folder);
             and with via_transformers=True (allocate, init_, transformers' save_pretrained, fsync)

Before each save case, untimed, os.sync() empties the page cache of earlier cases' dirty data.

Each case runs in its own process (so that its peak resident memory, from getrusage, is its own); the best of
--repeat runs is reported, with the host's CPU model and thread count. Do not record numbers while other heavy
jobs share the machine.
"""
import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))

CASES = ["tensorseed_init", "transformers_from_config", "transformers_initialize_weights",
         "tensorseed_save_pretrained", "transformers_from_config_save_pretrained_fsync",
         "tensorseed_save_pretrained_no_fsync", "transformers_from_config_save_pretrained",
         "tensorseed_save_pretrained_via_transformers"]
#: (ours, theirs) pairs whose ratio is printed: the same work, the same durability.
PAIRS = [("tensorseed_init", "transformers_from_config"), ("tensorseed_init", "transformers_initialize_weights"),
         ("tensorseed_save_pretrained", "transformers_from_config_save_pretrained_fsync"),
         ("tensorseed_save_pretrained_no_fsync", "transformers_from_config_save_pretrained"),
         ("tensorseed_save_pretrained_via_transformers", "transformers_from_config_save_pretrained_fsync")]


def llama_config(layers, dtype):
    import transformers
    return transformers.LlamaConfig(hidden_size=2048, intermediate_size=5632, num_hidden_layers=layers, num_attention_heads=32,
                                    num_key_value_heads=4, vocab_size=32000, max_position_embeddings=2048,
                                    tie_word_embeddings=False, dtype=dtype)


def run_case(case, layers, dtype_name, output):
    """One measurement in this process: prints a JSON line {case, seconds, peak_rss_bytes, parameters}."""
    import warnings
    warnings.filterwarnings("ignore")
    import torch
    import transformers
    import tensorseed.hf as hf

    transformers.logging.set_verbosity_error()
    dtype = {"f32": torch.float32, "bf16": torch.bfloat16}[dtype_name]
    config = llama_config(layers, dtype)
    folder = Path(output) / case
    shutil.rmtree(folder, ignore_errors=True)
    if case in ("tensorseed_init", "transformers_initialize_weights"):
        model = hf.build_meta(config, dtype=dtype).to_empty(device="cpu")
        model.tie_weights()
        start = time.perf_counter()
        if case == "tensorseed_init":
            hf.init_(model, seed=0)
        else:
            for module in model.modules():  # built on meta, so transformers' init has not run: run it now
                module.__dict__.pop("_is_hf_initialized", None)
            model.initialize_weights()
        seconds = time.perf_counter() - start
    elif case == "transformers_from_config":
        start = time.perf_counter()
        model = transformers.AutoModelForCausalLM.from_config(config, dtype=dtype)
        seconds = time.perf_counter() - start
    elif case.startswith("tensorseed_save_pretrained"):
        os.sync()
        start = time.perf_counter()
        hf.save_pretrained(config, folder, seed=0, dtype=dtype, via_transformers=case.endswith("via_transformers"),
                           fsync=not case.endswith("no_fsync"))
        seconds = time.perf_counter() - start
        model = None
    elif case.startswith("transformers_from_config_save_pretrained"):
        os.sync()
        start = time.perf_counter()
        model = transformers.AutoModelForCausalLM.from_config(config, dtype=dtype)
        model.save_pretrained(folder)
        if case.endswith("fsync"):
            hf._fsync_files(folder)
        seconds = time.perf_counter() - start
    else:
        raise SystemExit(f"unknown case {case}")
    parameters = sum(p.numel() for p in model.parameters()) if model is not None else None
    shutil.rmtree(folder, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"case": case, "seconds": seconds, "peak_rss_bytes": peak, "parameters": parameters}))


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dtype", choices=["f32", "bf16"], default="f32")
    parser.add_argument("--layers", type=int, default=22, help="decoder layers (22: 1.1B parameters)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", default="/tmp/tensorseed-bench-hf", help="scratch folder for the saved checkpoints")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        return run_case(args.case, args.layers, args.dtype, args.output)
    import torch
    print(f"host: {cpu_model()}, {os.cpu_count()} logical CPUs, torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"dtype {args.dtype}, {args.layers} layers")
    print(f"command: {' '.join([sys.executable] + sys.argv)}")
    best = {}
    for case in args.cases.split(","):
        for _ in range(args.repeat):
            run = subprocess.run([sys.executable, __file__, "--case", case, "--layers", str(args.layers), "--dtype", args.dtype,
                                  "--output", args.output], capture_output=True, text=True)
            if run.returncode != 0:
                print(f"{case}: failed: {run.stderr.strip().splitlines()[-1:]}")
                break
            row = json.loads(run.stdout.strip().splitlines()[-1])
            if case not in best or row["seconds"] < best[case]["seconds"]:
                best[case] = row
        if case in best:
            row = best[case]
            params = f", {row['parameters'] / 1e9:.2f}B parameters" if row["parameters"] else ""
            print(f"{case:45s} {row['seconds']:8.2f} s   peak RSS {row['peak_rss_bytes'] / 2**30:6.2f} GiB{params}")
    for ours, theirs in PAIRS:
        if ours in best and theirs in best:
            print(f"{ours} vs {theirs}: {best[theirs]['seconds'] / best[ours]['seconds']:.2f}x")


if __name__ == "__main__":
    main()
