#!/usr/bin/env python3
"""Facts from Hugging Face transformers for `tensorseed init config.json`: the tensors save_pretrained writes.

    python3 Tests/reference/hf_layouts.py > Tests/TensorSeedTests/Fixtures/hf_layouts.txt

For every tiny config in Tests/TensorSeedTests/Fixtures/hf_configs/ this builds the model with
`AutoModelForCausalLM.from_config` (in the config's dtype, float32 if it names none), lets transformers
initialize it (`_init_weights`), calls `save_pretrained` into a temporary folder, and prints one line per
tensor of the saved safetensors header(s):

    CONFIG NAME DTYPE SHAPE INIT

SHAPE is comma-separated; INIT is `zeros` or `ones` when every element is that constant, otherwise
`std=<sample standard deviation>` (the tests compare it loosely with TensorSeed's normal std).
The suite reads the output as a fixture and does not need transformers.
"""
import glob
import json
import os
import struct
import sys
import tempfile

import torch
import transformers
from transformers import AutoConfig, AutoModelForCausalLM

HERE = os.path.dirname(os.path.abspath(__file__))
CONFIGS = os.path.join(HERE, "..", "TensorSeedTests", "Fixtures", "hf_configs")


def header(path):
    """The JSON header of a safetensors file: 8-byte little-endian length, then that many bytes."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(length))


def saved_files(folder):
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            return [os.path.join(folder, name) for name in sorted(set(json.load(f)["weight_map"].values()))]
    return [os.path.join(folder, "model.safetensors")]


def init_kind(tensor):
    values = tensor.detach().to(torch.float64)
    if bool((values == 0).all()):
        return "zeros"
    if bool((values == 1).all()):
        return "ones"
    return "std=%.6f" % values.std().item()


def main():
    print("# Tensors save_pretrained writes for the tiny configs in Fixtures/hf_configs: CONFIG NAME DTYPE SHAPE INIT")
    print("# produced by: python3 Tests/reference/hf_layouts.py > Tests/TensorSeedTests/Fixtures/hf_layouts.txt")
    print("# transformers %s, torch %s, python %s" % (transformers.__version__, torch.__version__, sys.version.split()[0]))
    for path in sorted(glob.glob(os.path.join(CONFIGS, "*.json"))):
        name = os.path.basename(path)
        with open(path) as f:
            fields = json.load(f)
        torch.manual_seed(0)
        config = AutoConfig.for_model(**fields)
        dtype = getattr(config, "dtype", None) or torch.float32
        if isinstance(dtype, str):
            dtype = getattr(torch, dtype)
        model = AutoModelForCausalLM.from_config(config, dtype=dtype)
        state = model.state_dict()
        with tempfile.TemporaryDirectory() as folder:
            model.save_pretrained(folder)
            for file in saved_files(folder):
                entries = header(file)
                entries.pop("__metadata__", None)
                for tensor, entry in sorted(entries.items(), key=lambda item: item[1]["data_offsets"]):
                    shape = ",".join(str(d) for d in entry["shape"])
                    print(name, tensor, entry["dtype"], shape, init_kind(state[tensor]))


if __name__ == "__main__":
    main()
