"""check_python.py's checks of the Python package against wrong input and failures (the hostile tryout of
2026-11-29): argument types and ranges of every entry point.

Each function takes the tally's `check`, the scratch folder and the CLI binary."""
import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Tests" / "reference"))
from check_support import default_signals, signal_mid_write  # noqa: E402

#: A llama small enough to write in milliseconds (the tryout's config).
TINY_LLAMA = {"model_type": "llama", "vocab_size": 64, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 2,
              "num_attention_heads": 4, "num_key_value_heads": 2, "pad_token_id": 0, "bos_token_id": 1, "eos_token_id": 2}


def raises(kind, call, *words):
    """Whether ``call()`` raises ``kind`` with every word in its message; (ok, message)."""
    try:
        call()
    except kind as error:
        return all(w in str(error) for w in words), f"{type(error).__name__}: {error}"
    except Exception as error:  # noqa: BLE001 - reported as the wrong kind
        return False, f"{type(error).__name__}: {error}"
    return False, "no exception"


def arguments(check):
    """Item 7: seed, name and shape of fill_ and recipe are checked, never converted."""
    import numpy as np
    import tensorseed

    normal = {"name": "normal", "std": 0.02}

    def fill(**kwargs):
        return lambda: tensorseed.fill_(np.empty(3, np.float32), scheme=normal, **kwargs)

    for seed, kind in ((1.9, TypeError), (True, TypeError), ("12", TypeError), (None, TypeError), (-1, ValueError),
                       (2 ** 64, ValueError), (np.float64(3.0), TypeError)):
        ok, message = raises(kind, fill(name="w", seed=seed), "seed")
        check(ok, f"fill_(seed={seed!r}) is a {kind.__name__} naming the seed: {message}")
    for name in (5, None, 1.5, ["w"]):
        ok, message = raises(TypeError, fill(name=name, seed=0), "name")
        check(ok, f"fill_(name={name!r}) is a TypeError naming the name: {message}")
    a, b = np.empty(3, np.float32), np.empty(3, np.float32)
    tensorseed.fill_(a, name="w", scheme=normal, seed=np.uint64(2 ** 64 - 1))
    tensorseed.fill_(b, name="w", scheme=normal, seed=2 ** 64 - 1)
    check(a.tobytes() == b.tobytes(), "a numpy integer seed (uint64 2^64-1) is the same seed as the int")
    kaiming = {"name": "kaiming_uniform"}
    for shape, kind in (([2 ** 64 + 4, 4], ValueError), ([2 ** 63, 4], ValueError), ([-1, 4], ValueError),
                        ("44", TypeError), (b"44", TypeError), (4, TypeError), ([4.0, 4], TypeError), ([True, 4], TypeError),
                        ({4: 4}, TypeError)):
        ok, message = raises(kind, lambda: tensorseed.recipe(shape, kaiming), "shape")
        check(ok, f"recipe({shape!r}) is a {kind.__name__} naming the shape: {message}")
    check(tensorseed.recipe((np.int64(4), 4), kaiming) == tensorseed.recipe([4, 4], kaiming),
          "numpy integer dimensions are dimensions")


def torch_arguments(check):
    """Item 7 for tensorseed.torch: a non-integral seed is refused before anything is written."""
    import torch
    import tensorseed
    import tensorseed.torch as tst

    linear = torch.nn.Linear(3, 2)
    before = linear.weight.detach().clone()
    for seed in (0.5, True, "1"):
        ok, message = raises(TypeError, lambda: tst.init_(linear, seed=seed), "seed")
        check(ok and torch.equal(before, linear.weight), f"tensorseed.torch.init_(seed={seed!r}): {message}")
        ok, message = raises(TypeError, lambda: tst.spec(linear, seed=seed), "seed")
        check(ok, f"tensorseed.torch.spec(seed={seed!r}): {message}")
    check(tensorseed.recipe(torch.Size([4, 4]), {"name": "kaiming_uniform"})["kind"] == "uniform", "a torch.Size is a shape")
