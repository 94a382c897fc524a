#!/usr/bin/env python3
"""Builds the torch modules that TensorSeed layer-list specs describe and prints their parameters.

Each layer is built from the shape torch itself computes: a batch of one zero sample is run through
the layers built so far, and the next layer's in_features / in_channels / input_size is read from
that tensor's shape. So the printed names and shapes come from torch's own shape arithmetic,
independent of TensorSeed's inference. After torch.manual_seed(0) every parameter holds the
module's reset_parameters() values; their min and max are printed as well, and the rows
of a matrix that are all zero (an embedding's padding_idx).

Usage (from the repository root):
    python3 Tests/reference/torch_layer_shapes.py > Tests/TensorSeedTests/Fixtures/torch_layer_shapes.txt
"""
import collections
import json
import sys

import torch
from torch import nn

SPECS = [
    "examples/lenet.json",
    "Tests/TensorSeedTests/Fixtures/layer_specs/mlp.json",
    "Tests/TensorSeedTests/Fixtures/layer_specs/tokens.json",
    "Tests/TensorSeedTests/Fixtures/layer_specs/conv1d.json",
    "Tests/TensorSeedTests/Fixtures/layer_specs/conv2d.json",
    "Tests/TensorSeedTests/Fixtures/layer_specs/conv3d.json",
]


def has_bias(layer):
    """A spec's "bias" is true/false, or a scheme object (which means a bias)."""
    value = layer.get("bias", True)
    return value if isinstance(value, bool) else True


def sample_dim(d):
    """A per-sample dimension (batch not counted) as torch counts it with the batch first."""
    return d + 1 if d >= 0 else d


def make_layer(layer, x):
    """The torch module for one spec layer, given the batched input x it will see."""
    kind = layer["type"]
    if kind == "linear":
        return nn.Linear(x.shape[-1], layer["out_features"], bias=has_bias(layer))
    if kind in ("conv1d", "conv2d", "conv3d"):
        conv = {"conv1d": nn.Conv1d, "conv2d": nn.Conv2d, "conv3d": nn.Conv3d}[kind]
        return conv(x.shape[1], layer["out_channels"], layer["kernel_size"], stride=layer.get("stride", 1),
                    padding=layer.get("padding", 0), dilation=layer.get("dilation", 1),
                    groups=layer.get("groups", 1), bias=has_bias(layer))
    if kind == "embedding":
        return nn.Embedding(layer["num_embeddings"], layer["embedding_dim"], padding_idx=layer.get("padding_idx"))
    if kind in ("layernorm", "rmsnorm"):
        shape = layer.get("normalized_shape", x.shape[-1])
        affine = layer.get("elementwise_affine", True)
        if kind == "layernorm":
            return nn.LayerNorm(shape, elementwise_affine=affine, bias=has_bias(layer))
        return nn.RMSNorm(shape, elementwise_affine=affine)
    if kind in ("rnn", "lstm", "gru"):
        recurrent = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        return recurrent(x.shape[-1], layer["hidden_size"], num_layers=layer.get("num_layers", 1),
                         bias=has_bias(layer), batch_first=True, bidirectional=layer.get("bidirectional", False))
    if kind == "flatten":
        return nn.Flatten(sample_dim(layer.get("start_dim", 0)), sample_dim(layer.get("end_dim", -1)))
    if kind.startswith("maxpool") or kind.startswith("avgpool"):
        n = kind[-2]
        pool = getattr(nn, ("MaxPool" if kind.startswith("max") else "AvgPool") + n + "d")
        extra = {"dilation": layer.get("dilation", 1)} if kind.startswith("max") else {}
        return pool(layer["kernel_size"], stride=layer.get("stride"), padding=layer.get("padding", 0), **extra)
    if kind == "dropout":
        return nn.Dropout(layer.get("p", 0.5))
    simple = {"relu": nn.ReLU, "gelu": nn.GELU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "identity": nn.Identity}
    return simple[kind]()


def main():
    print("# Parameters of torch modules built from TensorSeed layer-list specs: name shape min max [zero_rows=i,j: all-zero rows of a matrix]")
    print("# produced by: python3 Tests/reference/torch_layer_shapes.py > Tests/TensorSeedTests/Fixtures/torch_layer_shapes.txt")
    print(f"# torch {torch.__version__}, python {sys.version.split()[0]}; torch.manual_seed(0) before each model")
    for path in SPECS:
        with open(path) as f:
            spec = json.load(f)
        torch.manual_seed(0)
        dtype = torch.long if spec.get("input_dtype") == "int" else torch.float32
        x = torch.zeros([1] + spec["input"], dtype=dtype)
        modules = collections.OrderedDict()
        for index, layer in enumerate(spec["layers"]):
            module = make_layer(layer, x)
            modules[layer.get("name", str(index))] = module
            with torch.no_grad():
                x = module(x)
            if isinstance(x, tuple):  # recurrent layers return (output, state)
                x = x[0]
        print(f"spec {path}")
        for name, p in nn.Sequential(modules).named_parameters():
            shape = ",".join(str(d) for d in p.shape)
            zero_rows = [str(r) for r in range(p.shape[0]) if p.dim() == 2 and not p[r].any()]
            rows = f" zero_rows={','.join(zero_rows)}" if zero_rows else ""
            print(f"{name} {shape} {p.min().item()!r} {p.max().item()!r}{rows}")
        print(f"output {','.join(str(d) for d in x.shape[1:])}")


if __name__ == "__main__":
    main()
