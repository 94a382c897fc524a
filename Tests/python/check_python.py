#!/usr/bin/env python3
"""Checks of the C ABI and the Python package (python/) against the CLI and against torch / transformers.

    python3 Tests/python/check_python.py .build/release/tensorseed

- the C ABI: `fill_` of numpy arrays equals `tensorseed init` of the same spec byte for byte in f32/f16/bf16/f64,
  any element range alone equals that slice, errors come back as one line (bad scheme, dtype, range, device, null
  pointers, a small error buffer) and never crash;
- `pip install ./python` (the build hook copies the library in) gives a package that fills;
- torch modules (Linear, Conv1d/2d/3d, ConvTranspose1d/2d, Embedding with padding_idx, LayerNorm, RMSNorm,
  BatchNorm2d, GRU, LSTM, MultiheadAttention, a user-defined module with tied and untouched tensors):
  the recorded schemes are torch's formulas (uniform bounds recomputed here as torch computes them, and the
  resolved float32 bound compared), `init_` bytes equal `tensorseed init` of `spec`, in f32, f16, bf16, f64,
  and on non-contiguous tensors; untouched tensors are an error naming them, or take a user rule;
- transformers (when installed): every CausalLM architecture of the auto mapping built from its default
  config on meta — `hf.spec` coverage printed (covered / total tensors, and why each other is not);
  small instances of a dozen architectures: per-tensor constants equal and mean/std within sampling error of
  transformers' own `from_config` init; `hf.save_pretrained` loads with `from_pretrained` with no missing or
  unexpected keys, equals `tensorseed init` of `hf.spec`, and the loss on random tokens is near ln(vocab);
- wrong input and failures (hardening_checks.py): argument types and ranges, an earlier set replaced whole, a set
  written all or nothing (a failing engine, a full tmpfs), folders removed on failure, `python3 -m tensorseed.hf`'s
  one-line errors, `--spec` never clobbering, `--rule`, and SIGTERM / SIGHUP / SIGINT mid-write;
- `tensorseed init config.json` of an architecture the CLI does not model names the Python command.
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings

os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))
sys.path.insert(0, str(REPO / "Tests" / "reference"))

import numpy as np  # noqa: E402
from check_support import Tally  # noqa: E402

import tensorseed  # noqa: E402
from tensorseed import _native  # noqa: E402
import hardening_checks  # noqa: E402  (this folder: the checks against wrong input and failures)

CLI = sys.argv[1] if len(sys.argv) > 1 else str(REPO / ".build" / "release" / "tensorseed")
tally = Tally()
check = tally.check
WORK = Path(tempfile.mkdtemp(prefix="tensorseed-python-"))


def cli_init(spec, name):
    """`tensorseed init spec.json --output NAME.safetensors`; the tensors loaded as numpy arrays (raw bytes kept)."""
    import ml_dtypes  # noqa: F401  (numpy's bfloat16)
    from safetensors.numpy import load_file

    spec_path = WORK / f"{name}.json"
    spec_path.write_text(json.dumps(spec))
    out = WORK / f"{name}.safetensors"
    run = subprocess.run([CLI, "init", str(spec_path), "--output", str(out), "--force", "--quiet"], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"tensorseed init {spec_path}: {run.stderr.strip()}")
    return load_file(str(out))


def raw(value):
    """Bytes of a numpy array or torch tensor, row-major."""
    if hasattr(value, "detach"):
        import torch
        t = value.detach().cpu().contiguous().reshape(-1)
        return t.view(torch.uint8).numpy().tobytes() if t.numel() else b""
    return np.ascontiguousarray(value).tobytes()


# ---------------------------------------------------------------------------------------------- the C ABI
def check_abi():
    import ml_dtypes

    schemes = [
        ("a.normal", [33, 17], {"name": "normal", "mean": 0.5, "std": 0.02}),
        ("b.uniform", [1000], {"name": "uniform", "a": -0.1, "b": 0.3}),
        ("c.kaiming", [8, 3, 5, 5], {"name": "kaiming_uniform", "a": math.sqrt(5)}),
        ("d.trunc", [4097], {"name": "trunc_normal", "std": 0.02, "a": -0.04, "b": 0.04}),
        ("e.orth", [12, 20], {"name": "orthogonal", "gain": 2.0}),
        ("f.emb", [10, 6], {"name": "embedding", "padding_idx": 3, "std": 0.5}),
        ("g.const", [7], {"name": "constant", "val": 0.1}),
        ("h.eye", [5, 7], {"name": "eye"}),
        ("i.dirac", [4, 2, 3, 3], {"name": "dirac", "groups": 2}),
        ("j.scalar", [], {"name": "normal"}),
    ]
    numpy_types = {"f32": np.float32, "f16": np.float16, "bf16": ml_dtypes.bfloat16, "f64": np.float64}
    for dtype, np_type in numpy_types.items():
        spec = {"seed": 77, "tensors": [{"name": n, "shape": s, "dtype": dtype, "scheme": sc} for n, s, sc in schemes]}
        written = cli_init(spec, f"abi-{dtype}")
        for name, shape, scheme in schemes:
            mine = np.empty(shape, np_type)
            tensorseed.fill_(mine, name=name, scheme=scheme, seed=77)
            check(raw(mine) == raw(written[name]), f"fill_ {name} {dtype} equals tensorseed init")
            # A strided (non-contiguous) target gets the same values.
            if len(shape) == 2:
                strided = np.empty(shape[::-1], np_type).T
                tensorseed.fill_(strided, name=name, scheme=scheme, seed=77)
                check(raw(strided) == raw(written[name]), f"fill_ of a transposed array {name} {dtype}")
    # Any range alone equals that slice of the whole.
    whole = np.empty(4097, np.float32)
    tensorseed.fill_(whole, name="d.trunc", scheme=schemes[3][2], seed=77)
    for offset, count in [(0, 1), (5, 1000), (4000, 97), (4096, 1), (1234, 0)]:
        part = np.empty(count, np.float32)
        _native.fill_buffer(part.ctypes.data, part.nbytes, seed=77, name="d.trunc", shape=[4097], scheme=schemes[3][2],
                            dtype="f32", offset=offset, count=count)
        check(raw(part) == raw(whole[offset:offset + count]), f"range [{offset}, +{count}) equals the slice")
    # Errors: one line, the right code, nothing written beyond.
    def error_of(**kwargs):
        args = dict(seed=1, name="w", shape=[4], scheme={"name": "normal"}, dtype="f32", offset=0, count=4)
        args.update(kwargs)
        buffer = np.zeros(8, np.float32)
        try:
            _native.fill_buffer(buffer.ctypes.data, 16, **args)
        except (tensorseed.TensorSeedError, ValueError) as error:  # ValueError: the arguments' own checks (_args)
            check(not buffer.any(), f"nothing written on error {kwargs}")
            return str(error)
        return None
    cases = [
        ({"scheme": {"name": "normal", "sd": 1}}, "sd"),
        ({"scheme": "{\"name\": "}, "scheme"),
        ({"scheme": {"name": "kaiming_uniform"}, "shape": [4]}, "kaiming"),
        ({"dtype": "int8"}, "int8"),
        ({"offset": 3, "count": 2}, "outside"),
        ({"count": 5, "shape": [5]}, "smaller"),
        ({"engine": "opencl:99.0"}, "opencl:99.0"),
        ({"engine": "gpu"}, "gpu"),
        ({"shape": [-1]}, "shape"),
        ({"name": b"\xff\xfe"}, "UTF-8"),
    ]
    for kwargs, word in cases:
        message = error_of(**kwargs)
        check(message is not None and word in message and "\n" not in message, f"error for {kwargs} names {word!r}: {message!r}")
    # Null pointers and a tiny error buffer, straight through ctypes.
    import ctypes
    lib = _native._load()
    small = ctypes.create_string_buffer(8)
    status = lib.tensorseed_fill(1, None, 3, None, 0, b"{}", 2, b"f32", 0, 1, None, None, 4, small, 8)
    check(status == 1 and len(small.value) == 7, f"null name: status {status}, message truncated to 7 bytes {small.value!r}")
    status = lib.tensorseed_fill(1, b"w", 1, None, 0, b'{"name":"zeros"}', 16, None, 0, 1, None, None, 4, None, 0)
    check(status == 1, "null dtype and no error buffer: status 1, no crash")
    status = lib.tensorseed_fill(1, b"w", 1, None, 0, b'{"name":"zeros"}', 16, b"f32", 0, 1, None, None, 4, None, 0)
    check(status == 1, "null buffer: status 1")
    recipe = tensorseed.recipe([256, 784], {"name": "kaiming_uniform", "a": math.sqrt(5)})
    check(recipe["kind"] == "uniform" and recipe["high"] == float(np.float32(1 / math.sqrt(784))),
          f"recipe of Linear's kaiming_uniform(a=√5) is U(±1/√fan_in): {recipe}")


C_PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "tensorseed.h"
int main(void) {
    float values[6];
    char error[256];
    const int64_t shape[2] = {2, 3};
    const char *scheme = "{\"name\": \"normal\", \"std\": 0.02}";
    if (tensorseed_abi_version() != TENSORSEED_ABI_VERSION) return 3;
    int32_t status = tensorseed_fill(42, "fc.weight", 9, shape, 2, scheme, strlen(scheme), "f32", 0, 6, "cpu",
                                     values, sizeof values, error, sizeof error);
    if (status != TENSORSEED_OK) { fprintf(stderr, "%s\n", error); return 1; }
    for (int i = 0; i < 6; i++) { unsigned char *b = (unsigned char *)&values[i]; printf("%02x%02x%02x%02x", b[0], b[1], b[2], b[3]); }
    status = tensorseed_fill(42, "fc.weight", 9, shape, 2, "{}", 2, "f32", 0, 6, "cpu", values, sizeof values, error, sizeof error);
    printf("\n%d %s\n", status, error);
    return 0;
}
"""


def check_c_program():
    """The header compiles and links against the library from plain C, and the values equal fill_'s."""
    import shutil as sh
    compiler = sh.which("cc") or sh.which("clang") or sh.which("gcc")
    if compiler is None:
        print("check_python: no C compiler; skipping the C program check")
        return
    source, program = WORK / "fill.c", WORK / "fill"
    source.write_text(C_PROGRAM)
    library = _native.library_path()
    build = subprocess.run([compiler, "-std=c99", "-Wall", "-Werror", "-I", str(REPO / "Sources" / "TensorSeedC" / "include"),
                            str(source), "-o", str(program), "-L", str(library.parent), "-lTensorSeedC",
                            f"-Wl,-rpath,{library.parent}"], capture_output=True, text=True)
    check(build.returncode == 0, f"a C program compiles against tensorseed.h and links: {build.stderr[-400:]}")
    if build.returncode:
        return
    run = subprocess.run([str(program)], capture_output=True, text=True)
    expected = np.empty((2, 3), np.float32)
    tensorseed.fill_(expected, name="fc.weight", scheme={"name": "normal", "std": 0.02}, seed=42)
    lines = run.stdout.splitlines()
    check(run.returncode == 0 and lines[0] == expected.tobytes().hex(), f"the C program's values equal fill_'s: {run.stdout} {run.stderr}")
    check(len(lines) > 1 and lines[1].startswith("2 ") and "scheme.name" in lines[1], f"the C program gets the error text: {lines[1:]}")


def check_pip_install():
    target = WORK / "site"
    try:  # build with the setuptools here when there is one (no download); else pip fetches it for the build
        import setuptools  # noqa: F401
        isolation = ["--no-build-isolation"]
    except ImportError:
        isolation = []
    run = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", *isolation,
                          "--target", str(target), str(REPO / "python")], capture_output=True, text=True)
    check(run.returncode == 0, f"pip install ./python: {run.stderr.strip()[-500:]}")
    if run.returncode:
        return
    code = ("import numpy, tensorseed; a = numpy.empty(3, numpy.float32); "
            "tensorseed.fill_(a, name='w', scheme={'name': 'normal'}, seed=1); print(tensorseed.library_path()); print(a.tobytes().hex())")
    env = dict(os.environ, PYTHONPATH=str(target))
    env.pop("TENSORSEED_LIBRARY", None)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=WORK, env=env)
    expected = np.empty(3, np.float32)
    tensorseed.fill_(expected, name="w", scheme={"name": "normal"}, seed=1)
    lines = run.stdout.split()
    check(run.returncode == 0 and lines[0].startswith(str(target)) and lines[1] == expected.tobytes().hex(),
          f"the installed package loads its own copy of the library and fills: {run.stdout} {run.stderr[-300:]}")
    # Without torch (and transformers): the package fills numpy arrays; tensorseed.torch and .hf say what they need.
    code = ("import sys; sys.modules['torch'] = None; sys.modules['transformers'] = None\n"
            "import numpy, tensorseed\n"
            "a = numpy.empty(3, numpy.float32); tensorseed.fill_(a, name='w', scheme={'name': 'ones'}, seed=1); print(a.tolist())\n"
            "for name in ('tensorseed.torch', 'tensorseed.hf'):\n"
            "    try:\n"
            "        __import__(name)\n"
            "    except ImportError as error:\n"
            "        print(name, '|', error)\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=WORK, env=env)
    lines = run.stdout.splitlines()
    check(run.returncode == 0 and lines[0] == "[1.0, 1.0, 1.0]" and "pip install torch" in lines[1]
          and lines[2].startswith("tensorseed.hf |") and "transformers" in lines[2],
          f"without torch: numpy fills, and tensorseed.torch / tensorseed.hf name what they need: {run.stdout} {run.stderr[-300:]}")


# ---------------------------------------------------------------------------------------------- torch
def torch_bound(fan_in):
    """torch's bias bound in Linear/Conv reset_parameters: 1/√fan_in (float64)."""
    return 1 / math.sqrt(fan_in) if fan_in > 0 else 0


def kaiming_bound(a, fan):
    """torch.nn.init.kaiming_uniform_'s bound, computed as torch computes it."""
    import torch
    gain = torch.nn.init.calculate_gain("leaky_relu", a)
    return math.sqrt(3.0) * (gain / math.sqrt(fan))


def check_torch():
    import torch
    import tensorseed.torch as tst

    class Block(torch.nn.Module):
        """A user's own module: its own reset_parameters, a tied weight, a buffer set by a plain tensor op."""

        def __init__(self):
            super().__init__()
            self.embed = torch.nn.Embedding(11, 6)
            self.proj = torch.nn.Linear(6, 11, bias=False)
            self.proj.weight = self.embed.weight  # tied
            self.gate = torch.nn.Parameter(torch.empty(6, 6))
            self.scale = torch.nn.Parameter(torch.empty(6))
            self.register_buffer("offset", torch.empty(6))
            self.reset_parameters()

        def reset_parameters(self):
            torch.nn.init.orthogonal_(self.gate, gain=0.5)
            torch.nn.init.trunc_normal_(self.scale, std=0.02, a=-0.04, b=0.04)
            with torch.no_grad():
                self.offset.fill_(0.25)

    def fans(weight_shape):
        receptive = math.prod(weight_shape[2:]) if len(weight_shape) > 2 else 1
        return weight_shape[1] * receptive

    linear_like = lambda m: {  # noqa: E731  weight kaiming_uniform(a=√5), bias U(±1/√fan_in)
        "weight": {"name": "kaiming_uniform", "a": math.sqrt(5), "mode": "fan_in", "nonlinearity": "leaky_relu"},
        "bias": {"name": "uniform", "a": -torch_bound(fans(m.weight.shape)), "b": torch_bound(fans(m.weight.shape))},
    }
    rnn = lambda m: {n: {"name": "uniform", "a": -1 / math.sqrt(m.hidden_size), "b": 1 / math.sqrt(m.hidden_size)}  # noqa: E731
                     for n, _ in m.named_parameters()}
    norm = lambda m: {"weight": {"name": "ones"}, "bias": {"name": "zeros"}}  # noqa: E731
    modules = {
        "Linear": (torch.nn.Linear(20, 7), linear_like),
        "Conv1d": (torch.nn.Conv1d(4, 6, 3), linear_like),
        "Conv2d": (torch.nn.Conv2d(3, 8, (3, 5), groups=1), linear_like),
        "Conv3d": (torch.nn.Conv3d(4, 4, 2, groups=2), linear_like),
        "ConvTranspose1d": (torch.nn.ConvTranspose1d(4, 6, 3), linear_like),
        "ConvTranspose2d": (torch.nn.ConvTranspose2d(4, 6, 3, groups=2), linear_like),
        "Embedding": (torch.nn.Embedding(30, 8, padding_idx=4), lambda m: {"weight": {"name": "embedding", "padding_idx": 4, "std": 1.0}}),
        "Embedding-neg": (torch.nn.Embedding(30, 8, padding_idx=-1), lambda m: {"weight": {"name": "embedding", "padding_idx": 29, "std": 1.0}}),
        "LayerNorm": (torch.nn.LayerNorm(10), norm),
        "RMSNorm": (torch.nn.RMSNorm(10), lambda m: {"weight": {"name": "ones"}}),
        "BatchNorm2d": (torch.nn.BatchNorm2d(5), lambda m: {**norm(m), "running_mean": {"name": "zeros"}, "running_var": {"name": "ones"},
                                                            "num_batches_tracked": {"name": "zeros"}}),
        "GRU": (torch.nn.GRU(6, 9, num_layers=2), rnn),
        "LSTM": (torch.nn.LSTM(6, 9, bidirectional=True), rnn),
        "MultiheadAttention": (torch.nn.MultiheadAttention(16, 4, bias=True, add_bias_kv=True), lambda m: {
            "in_proj_weight": {"name": "xavier_uniform", "gain": 1.0}, "in_proj_bias": {"name": "constant", "val": 0.0},
            "bias_k": {"name": "xavier_normal", "gain": 1.0}, "bias_v": {"name": "xavier_normal", "gain": 1.0},
            "out_proj.weight": linear_like(m.out_proj)["weight"], "out_proj.bias": {"name": "constant", "val": 0.0}}),
        "Block": (Block(), lambda m: {"embed.weight": {"name": "normal", "mean": 0.0, "std": 1.0},
                                      "gate": {"name": "orthogonal", "gain": 0.5},
                                      "scale": {"name": "trunc_normal", "mean": 0.0, "std": 0.02, "a": -0.04, "b": 0.04},
                                      "offset": {"name": "constant", "val": 0.25}}),
    }
    for label, (module, expected_of) in modules.items():
        expected = expected_of(module)
        rec = tst.record(module)
        recorded = {name: entry.scheme for name, entry in rec.entries.items()}
        check(recorded == expected, f"{label}: recorded schemes {recorded} != torch's {expected}")
        for name, scheme in recorded.items():
            if scheme and scheme["name"] == "kaiming_uniform":
                shape = rec.entries[name].shape
                bound = kaiming_bound(scheme["a"], fans(shape))
                got = tensorseed.recipe(shape, scheme)["high"]
                check(got == float(np.float32(bound)), f"{label}.{name}: kaiming bound {got} == float32(torch's {bound})")
        if label == "Block":
            check(rec.entries["embed.weight"].aliases == ["proj.weight"], f"tied weight listed once: {rec.entries['embed.weight']}")
        before = {k: v.clone() for k, v in module.state_dict().items()}
        spec = tst.spec(module, seed=5)
        check({k: v for k, v in module.state_dict().items() if not torch.equal(v, before[k])} == {}, f"{label}: spec leaves the module alone")
        written = cli_init(spec, f"torch-{label}")
        for dtype in (torch.float32, torch.float16, torch.bfloat16, torch.float64):
            m = module.to(dtype)
            tst.init_(m, seed=5)
            typed = cli_init(tst.spec(m, seed=5), f"torch-{label}-{dtype}") if dtype != torch.float32 else written
            aliases = {a for e in tst.record(m).entries.values() for a in e.aliases}
            for name, tensor in m.state_dict().items():
                if name in aliases:
                    continue
                if name in typed:
                    check(raw(tensor) == raw(typed[name]), f"{label} {dtype}: init_ {name} equals tensorseed init")
                    # The same values whatever the dtype path: f32 filled then converted by torch (RNE).
                    if dtype != torch.float32:
                        f32 = torch.from_numpy(np.array(written[name], copy=True)).to(dtype)
                        check(raw(tensor) == raw(f32), f"{label}: {dtype} equals the f32 values converted ({name})")
                elif not tensor.dtype.is_floating_point:
                    check(int(tensor) == 0, f"{label}: integer buffer {name} set to its constant")
                else:
                    check(False, f"{label}: {name} is missing from the spec")
            module.to(torch.float32)
    # Non-contiguous parameters (a transposed view as the parameter): same bytes as contiguous.
    lin = torch.nn.Linear(5, 9)
    lin.weight = torch.nn.Parameter(torch.empty(5, 9).t())
    tst.init_(lin, seed=5)
    written = cli_init(tst.spec(lin, seed=5), "torch-noncontiguous")
    check(raw(lin.weight) == raw(written["weight"]), "non-contiguous parameter equals tensorseed init")
    # The chunked host-buffer path that CUDA tensors take (run here on a CPU tensor, 1000-element chunks).
    from tensorseed._fill import fill_through_host
    for dtype in (torch.float32, torch.bfloat16):
        chunked = torch.empty(37, 101, dtype=dtype)
        fill_through_host(chunked, name="w.chunked", scheme={"name": "normal", "std": 0.5}, seed=9, chunk=1000)
        whole = torch.empty(37, 101, dtype=dtype)
        tensorseed.fill_(whole, name="w.chunked", scheme={"name": "normal", "std": 0.5}, seed=9)
        check(raw(chunked) == raw(whole), f"chunked host-buffer fill equals the direct fill ({dtype})")
    if torch.cuda.is_available():
        on_gpu = torch.empty(37, 101, device="cuda").t()
        tensorseed.fill_(on_gpu, name="w.chunked", scheme={"name": "normal", "std": 0.5}, seed=9)
        expected = torch.empty(101, 37)
        tensorseed.fill_(expected, name="w.chunked", scheme={"name": "normal", "std": 0.5}, seed=9)
        check(raw(on_gpu) == raw(expected), "a non-contiguous CUDA tensor equals the CPU fill")
    # A module that initializes in its constructor (nanoGPT style: self.apply(self._init_weights), a zero-made
    # position table given trunc_normal_, the head tied to the embedding): recorded from its build function.
    class TinyGPT(torch.nn.Module):
        def __init__(self, vocab=50, width=16):
            super().__init__()
            self.wte = torch.nn.Embedding(vocab, width)
            self.pos = torch.nn.Parameter(torch.zeros(1, 8, width))
            self.mix = torch.nn.Linear(width, width)
            self.norm = torch.nn.LayerNorm(width)
            self.head = torch.nn.Linear(width, vocab, bias=False)
            self.head.weight = self.wte.weight
            self.bias_free = torch.nn.Parameter(torch.ones(width))
            self.apply(self._init_weights)
            torch.nn.init.trunc_normal_(self.pos, std=0.02)

        def _init_weights(self, module):
            if isinstance(module, torch.nn.Linear):
                torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
                if module.bias is not None:
                    torch.nn.init.zeros_(module.bias)
            elif isinstance(module, torch.nn.Embedding):
                torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    expected = {"wte.weight": {"name": "normal", "mean": 0.0, "std": 0.02},
                "pos": {"name": "trunc_normal", "mean": 0.0, "std": 0.02, "a": -2.0, "b": 2.0},
                "mix.weight": {"name": "normal", "mean": 0.0, "std": 0.02}, "mix.bias": {"name": "zeros"},
                "norm.weight": {"name": "ones"}, "norm.bias": {"name": "zeros"}, "bias_free": {"name": "ones"}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tst.record(TinyGPT(), rules={"*": {"name": "zeros"}})
    check(any("_init_weights" in str(w.message) and "build" in str(w.message) for w in caught),
          f"replaying an instance that has its own init method warns: {[str(w.message) for w in caught]}")
    rec = tst.record(TinyGPT)
    recorded = {name: entry.scheme for name, entry in rec.entries.items()}
    check(recorded == expected, f"TinyGPT from its build function: {recorded}")
    gpt = TinyGPT()
    tst.init_(gpt, seed=8, build=TinyGPT)
    written = cli_init(tst.spec(TinyGPT, seed=8), "torch-tinygpt")
    check(all(raw(gpt.state_dict()[k]) == raw(v) for k, v in written.items()) and gpt.head.weight is gpt.wte.weight,
          "init_(build=...) equals tensorseed init of spec(build), the tie kept")
    try:
        tst.init_(torch.nn.Linear(3, 4), seed=1, build=lambda: torch.nn.Linear(4, 3))
        check(False, "a build of other shapes must be refused")
    except tensorseed.TensorSeedError as error:
        check("weight" in str(error), f"a build of other shapes is refused: {error}")
    # A module imported while a recording runs, binding init functions by name, gets torch's own back afterwards.
    from tensorseed._record import recording
    module_file = WORK / "late_import_module.py"
    module_file.write_text("from torch.nn.init import normal_, zeros_\n")
    sys.path.insert(0, str(WORK))
    with recording(torch.nn.Linear(2, 2)):
        import late_import_module
    sys.path.remove(str(WORK))
    check(late_import_module.normal_ is torch.nn.init.normal_ and late_import_module.zeros_ is torch.nn.init.zeros_,
          "init functions bound by a module imported during a recording are torch's again afterwards")
    # Untouched tensors: an error naming them, or a user rule.
    class Raw(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(3, 3)
            self.free = torch.nn.Parameter(torch.randn(4))
    try:
        tst.spec(Raw())
        check(False, "an untouched parameter must be an error")
    except tensorseed.TensorSeedError as error:
        check("free" in str(error) and "no init call touched it" in str(error), f"error names the untouched tensor: {error}")
    m = Raw()
    before = m.lin.weight.detach().clone()
    try:
        tst.init_(m, seed=1)
    except tensorseed.TensorSeedError:
        pass
    check(torch.equal(before, m.lin.weight), "init_ writes nothing when a tensor is uncovered")
    spec = tst.spec(m, rules={"free": {"name": "normal", "std": 0.1}})
    check([t for t in spec["tensors"] if t["name"] == "free"] == [{"name": "free", "shape": [4], "dtype": "f32", "scheme": {"name": "normal", "std": 0.1}}], "a rule covers it")


# ---------------------------------------------------------------------------------------------- transformers
#: Size fields set small for the statistics checks (those a config has).
SMALL = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
             head_dim=16, vocab_size=512, max_position_embeddings=128, n_embd=64, n_layer=2, n_head=4, n_positions=128,
             num_local_experts=4, num_experts=4, num_experts_per_tok=2, moe_intermediate_size=64, rotary_dim=8)
STATS_ARCHITECTURES = ["llama", "gemma", "gemma2", "phi3", "qwen2", "qwen3", "mixtral", "gpt_neox", "olmo", "olmo2",
                       "mistral", "gpt2", "starcoder2", "stablelm", "granite", "phi", "openai-gpt", "bloom"]


def small_config(model_type):
    import transformers
    base = transformers.AutoConfig.for_model(model_type)
    fields = {k: v for k, v in SMALL.items() if hasattr(base, k)}
    if model_type == "phi":
        fields.pop("head_dim", None)
    vocab = fields.get("vocab_size", SMALL["vocab_size"])
    for k, key in enumerate(("pad_token_id", "bos_token_id", "eos_token_id")):  # token ids inside the small vocabulary
        value = getattr(base, key, None)
        if isinstance(value, int) and value >= vocab or isinstance(value, list):
            fields[key] = k
    return transformers.AutoConfig.for_model(model_type, **fields)


def hf_coverage():
    import transformers
    import tensorseed.hf as hf
    from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES

    built = covered_archs = tensors = covered = 0
    lines = []
    for model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES:
        try:
            config = transformers.AutoConfig.for_model(model_type)
            model = hf.build_meta(config, model_class=transformers.AutoModelForCausalLM)
        except Exception as error:
            lines.append(f"  {model_type}: does not build from its default config on meta ({type(error).__name__}: {str(error).splitlines()[0][:120]})")
            continue
        built += 1
        try:
            rec, _ = hf.record(model)
        except Exception as error:
            check(False, f"hf.record({model_type}) raised {type(error).__name__}: {error}")
            continue
        uncovered = rec.uncovered
        tensors += len(rec.entries)
        covered += len(rec.entries) - len(uncovered)
        covered_archs += not uncovered
        if uncovered:
            reasons = {}
            for name, entry in uncovered.items():
                key = entry.reason.replace(name, "<tensor>")
                reasons.setdefault(key, []).append(name)
            text = "; ".join(f"{len(v)}× {k} (e.g. {v[0]})" for k, v in reasons.items())
            lines.append(f"  {model_type}: {len(rec.entries) - len(uncovered)}/{len(rec.entries)} covered — {text}")
    total = len(MODEL_FOR_CAUSAL_LM_MAPPING_NAMES)
    print(f"hf.spec coverage: {built} of {total} CausalLM architectures build from their default config on meta; "
          f"{covered_archs} of them fully covered; tensors {covered}/{tensors} covered")
    print("\n".join(lines))
    check(built > 0 and covered_archs >= 0.8 * built, f"at least 80% of the architectures that build are fully covered ({covered_archs}/{built})")


def hf_statistics():
    import torch
    import transformers
    import tensorseed.hf as hf

    for model_type in STATS_ARCHITECTURES:
        try:
            compare_with_transformers(model_type)
        except Exception as error:
            check(False, f"{model_type}: statistics check raised {type(error).__name__}: {error}")


def compare_with_transformers(model_type):
    import torch
    import transformers
    import tensorseed.hf as hf

    if True:
        config = small_config(model_type)
        torch.manual_seed(0)
        reference = transformers.AutoModelForCausalLM.from_config(config)  # transformers' own init, on CPU
        ours = transformers.AutoModelForCausalLM.from_config(config)
        hf.init_(ours, seed=3)
        theirs = reference.state_dict()
        bad = []
        for name, tensor in ours.state_dict().items():
            a, b = tensor.double().reshape(-1), theirs[name].double().reshape(-1)
            if not tensor.dtype.is_floating_point:
                if not torch.equal(tensor, theirs[name]):
                    bad.append(f"{name} integer values differ")
                continue
            if torch.equal(b, b[:1].expand_as(b)) or a.numel() < 2:  # constant in transformers' init: equal exactly
                if not torch.equal(a, b):
                    bad.append(f"{name}: constant {b[0].item()} vs ours {a[:3].tolist()}")
                continue
            n = a.numel()
            sa, sb = a.std().item(), b.std().item()
            if abs(a.mean().item() - b.mean().item()) > 6 * max(sa, sb) / math.sqrt(n) + 1e-12:
                bad.append(f"{name}: mean {a.mean().item():.3g} vs {b.mean().item():.3g}")
            if abs(sa - sb) > 6 * max(sa, sb) * math.sqrt(2 / n) + 1e-12:  # sd of a sample std ≈ σ/√(2n), loosened
                bad.append(f"{name}: std {sa:.4g} vs {sb:.4g} (n={n})")
        check(not bad, f"{model_type}: transformers' own init vs hf.init_: {bad[:5]}")


def hf_save_and_load():
    import torch
    import transformers
    import tensorseed.hf as hf
    from safetensors.torch import load_file

    for model_type in ("llama", "qwen3", "mixtral", "gpt2", "gemma"):
        try:
            save_and_load(model_type)
        except Exception as error:
            check(False, f"{model_type}: save/load check raised {type(error).__name__}: {error}")


def save_and_load(model_type):
    import torch
    import transformers
    import tensorseed.hf as hf
    from safetensors import safe_open

    config = small_config(model_type)
    vocab = config.vocab_size
    tokens = torch.randint(0, vocab, (2, 32), generator=torch.Generator().manual_seed(0))
    states = {}
    for way, kwargs in (("streamed", {}), ("sharded", {"max_shard_size": "100KB"}), ("via-transformers", {"via_transformers": True}),
                        ("no-fsync", {"fsync": False})):
        folder = WORK / f"hf-{model_type}-{way}"
        from tensorseed import _safetensors
        chunk = _safetensors.CHUNK_BYTES
        if way == "sharded":  # small chunks: many per tensor, the two buffers alternating across tensors and files
            _safetensors.CHUNK_BYTES = 4000
        synced, real_fsync = [], os.fsync
        os.fsync = lambda fd: (synced.append(os.readlink(f"/proc/self/fd/{fd}")), real_fsync(fd))
        try:
            hf.save_pretrained(config, folder, seed=11, **kwargs)
        finally:
            _safetensors.CHUNK_BYTES = chunk
            os.fsync = real_fsync
        on_disk = {Path(p).name for p in synced}
        expected = set() if way == "no-fsync" else {p.name for p in folder.iterdir() if p.is_file()}
        check(expected <= on_disk and (way != "no-fsync" or not on_disk),
              f"{model_type} {way}: fsync of {sorted(expected - on_disk) or sorted(on_disk) if way == 'no-fsync' else 'every file'}")
        check((folder / "config.json").is_file(), f"{model_type} {way}: config.json written")
        written = json.loads((folder / "config.json").read_text()) if (folder / "config.json").is_file() else {}
        want = [transformers.AutoModelForCausalLM._model_mapping[type(config)].__name__]
        check(written.get("architectures") == want,   # as transformers' save_pretrained names it (vLLM needs it)
              f"{model_type} {way}: config.json architectures {written.get('architectures')} (want {want})")
        check(not [p for p in folder.iterdir() if p.name.startswith(".")], f"{model_type} {way}: no temporary file left")
        model, info = transformers.AutoModelForCausalLM.from_pretrained(folder, output_loading_info=True)
        check(not info["missing_keys"] and not info["unexpected_keys"] and not info.get("mismatched_keys"),
              f"{model_type} {way}: from_pretrained loading info {info}")
        with torch.no_grad():
            loss = model(input_ids=tokens, labels=tokens).loss.item()
        check(abs(loss - math.log(vocab)) < 0.15 * math.log(vocab), f"{model_type} {way}: loss {loss:.3f} near ln({vocab}) = {math.log(vocab):.3f}")
        states[way] = model.state_dict()
        if way not in ("via-transformers", "no-fsync"):
            files = sorted(folder.glob("*.safetensors"))
            check((way == "sharded") == (len(files) > 1 and (folder / "model.safetensors.index.json").is_file()),
                  f"{model_type} {way}: {len(files)} file(s)")
            saved = {}
            for path in files:
                with safe_open(str(path), "pt") as file:
                    check(file.metadata().get("format") == "pt", f"{model_type} {way}: metadata format pt")
                    saved.update({k: file.get_tensor(k) for k in file.keys()})
            written = cli_init(hf.spec(config, seed=11), f"hf-{model_type}")
            same = set(saved) == set(written) and all(raw(saved[k]) == raw(written[k]) for k in saved)
            check(same, f"{model_type} {way}: files equal `tensorseed init` of hf.spec ({sorted(set(saved) ^ set(written))[:4]})")
    loaded = [states[w] for w in states]
    check(all(loaded[0].keys() == s.keys() and all(torch.equal(loaded[0][k], s[k]) for k in s) for s in loaded[1:]),
          f"{model_type}: the streamed, sharded and transformers-saved checkpoints load to the same model")


def hf_command():
    """`python3 -m tensorseed.hf`: --spec writes a spec the CLI plans; a bad argument is one line, exit status 1."""
    config = small_config("qwen3")
    folder = WORK / "qwen3-config"
    config.save_pretrained(folder)
    env = dict(os.environ, PYTHONPATH=str(REPO / "python"))
    spec_path = WORK / "qwen3-spec.json"
    run = subprocess.run([sys.executable, "-m", "tensorseed.hf", str(folder / "config.json"), "--spec", str(spec_path), "--seed", "4"],
                         capture_output=True, text=True, env=env)
    check(run.returncode == 0 and spec_path.is_file(), f"python3 -m tensorseed.hf --spec: {run.stderr[-300:]}")
    if run.returncode == 0:
        plan = subprocess.run([CLI, "init", str(spec_path), "--dry-run"], capture_output=True, text=True)
        check(plan.returncode == 0 and "model.embed_tokens.weight" in plan.stdout, f"the CLI plans the written spec: {plan.stderr}")
    for bad in (str(WORK / "missing.json"),):
        run = subprocess.run([sys.executable, "-m", "tensorseed.hf", bad, "--output", str(WORK / "never")],
                             capture_output=True, text=True, env=env)
        lines = run.stderr.strip().splitlines()
        check(run.returncode == 1 and len(lines) == 1 and lines[0].startswith("tensorseed.hf: ") and not (WORK / "never").exists(),
              f"python3 -m tensorseed.hf {bad}: one error line, nothing written: {run.stderr!r}")


def check_cli_pointer():
    config = WORK / "gemma-config.json"
    config.write_text(json.dumps({"model_type": "gemma", "hidden_size": 64, "vocab_size": 100}))
    run = subprocess.run([CLI, "init", str(config), "--dry-run"], capture_output=True, text=True)
    lines = run.stderr.strip().splitlines()
    check(run.returncode != 0 and len(lines) == 1 and "tensorseed.hf" in lines[0],
          f"init of an unmodelled config names the Python command in one line: {run.stderr!r}")


def main():
    started = time.time()
    check_abi()
    hardening_checks.arguments(check)
    check_c_program()
    check_pip_install()
    try:
        import torch  # noqa: F401
    except ImportError:
        print("check_python: torch is not installed; skipping the torch and transformers checks "
              "(scripts/ensure-deps.sh installs them with TENSORSEED_NEED_TORCH=1)")
    else:
        check_torch()
        hardening_checks.torch_arguments(check)
        try:
            import transformers
        except ImportError:
            print("check_python: transformers is not installed; skipping its checks")
        else:
            warnings.filterwarnings("ignore")
            transformers.logging.set_verbosity_error()
            transformers.utils.logging.disable_progress_bar()
            hf_coverage()
            hf_statistics()
            hf_save_and_load()
            hf_command()
            env = dict(os.environ, PYTHONPATH=str(REPO / "python"))
            for part in ("hf_api", "hf_full_disk"):
                getattr(hardening_checks, part)(check, WORK / part)
            hardening_checks.hf_command(check, WORK / "command", env)
            hardening_checks.hf_signals(check, WORK / "signals", env)
            hardening_checks.signal_during_moves(check, env)
            hardening_checks.spec_targets(check, WORK / "spec-targets", env)
            hardening_checks.rollback_keeps_earlier(check, WORK / "rollback", env)
            hardening_checks.arguments_second(check, WORK / "arguments-second", env)
    check_cli_pointer()
    print(f"check_python: {time.time() - started:.0f} s")
    return tally.report("check_python")


if __name__ == "__main__":
    sys.exit(main())
