#!/usr/bin/env python3
"""`tensorseed init CONFIG --output DIR/` writes a folder that transformers loads as it is, as save_pretrained writes it.

    python3 Tests/reference/check_hf_folder.py .build/release/tensorseed

- with and without --max-shard-size: model.safetensors, or the shards and model.safetensors.index.json, beside
  config.json and generation_config.json; missing folders are created (and removed again when the write fails);
- config.json is the input config with `dtype` and `torch_dtype` set to the storage type written (--dtype bf16
  loads as bfloat16) and `architectures` named; transformers' AutoConfig reads it back with the input's sizes;
- generation_config.json holds the token ids GenerationConfig.from_model_config derives from the config (ids given as
  null in config.json stay unset, as transformers leaves them); a token id that is neither null nor an integer (eos: or
  a list of integers) is refused in one line naming the field, as transformers' config classes refuse it;
- with torch (CPU wheel): AutoModelForCausalLM.from_pretrained loads every tensor (no missing, unexpected or
  re-initialized weight), its parameters equal the files' bit for bit, in the written dtype, and it runs;
- README's Hugging Face folder example (the sh and python blocks after `<!-- hf-folder-example -->`) runs as written.
Without transformers (TENSORSEED_NEED_TORCH=1 installs it) the JSON files are checked by hand; without torch
the from_pretrained checks are skipped with a message.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import ml_dtypes  # noqa: F401  (gives numpy the bfloat16 that BF16 tensors load as)
import numpy as np
from safetensors.numpy import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_support import Tally  # noqa: E402

try:
    import transformers  # noqa: F401
    from transformers import AutoConfig, GenerationConfig
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
except ImportError:
    transformers = None
try:
    import torch
except ImportError:
    torch = None

LLAMA = {"model_type": "llama", "vocab_size": 96, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 2, "pad_token_id": 0, "eos_token_id": [2, 5], "rms_norm_eps": 1e-06,
         "torch_dtype": "float32"}
GPT2 = {"model_type": "gpt2", "vocab_size": 80, "n_embd": 32, "n_layer": 2, "n_head": 4, "n_positions": 16}
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def weights(folder):
    """Every tensor of the folder's safetensors files, by name (numpy; bf16 via ml_dtypes)."""
    out = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".safetensors"):
            out.update(load_file(os.path.join(folder, name)))
    return out


def check_folder(binary, tmp, check, config, extra, want_files, dtype):
    cfgdir = os.path.join(tmp, "cfgdir")
    os.makedirs(cfgdir, exist_ok=True)
    with open(os.path.join(cfgdir, "config.json"), "w") as f:
        json.dump(config, f)
    out = os.path.join(tmp, "deep", "out")
    what = f"{config['model_type']} {' '.join(extra) or '(one file)'}"
    r = run([binary, "init", cfgdir + "/", "--output", out + "/", "--device", "cpu", "--quiet", "--seed", "5", *extra])
    listing = sorted(os.listdir(out)) if os.path.isdir(out) else []
    check(r.returncode == 0 and listing == want_files(listing) and "with config.json and generation_config.json" in r.stdout,
          f"{what}: a missing folder is created and holds {listing} ({r.stdout.strip()} {r.stderr.strip()})")
    if r.returncode != 0:
        return
    saved = json.load(open(os.path.join(out, "config.json")))
    check(saved["dtype"] == dtype and saved["torch_dtype"] == dtype and saved["architectures"]
          and all(saved[k] == v for k, v in config.items() if k != "torch_dtype"),
          f"{what}: config.json is the input with dtype/torch_dtype {dtype} and architectures {saved.get('architectures')}")
    generation = json.load(open(os.path.join(out, "generation_config.json")))
    tensors = weights(out)
    check(tensors and all(str(a.dtype) == dtype for a in tensors.values()), f"{what}: every tensor is {dtype}")
    if transformers is None:
        check(not os.environ.get("CI"), "transformers is installed (CI must not skip the loader check)")
        print("skip  transformers is not installed: config.json and generation_config.json checked as JSON only")
        return
    loaded = AutoConfig.from_pretrained(out)
    check(str(loaded.dtype).replace("torch.", "") == dtype and loaded.model_type == config["model_type"],
          f"{what}: AutoConfig reads config.json, dtype {loaded.dtype}")
    derived = GenerationConfig.from_model_config(loaded)
    read = GenerationConfig.from_pretrained(out)
    ids = ("bos_token_id", "eos_token_id", "pad_token_id")
    check(all(getattr(read, k) == getattr(derived, k) for k in ids) and generation["_from_model_config"] is True,
          f"{what}: generation_config.json has the token ids transformers derives ({ {k: getattr(read, k) for k in ids} })")
    if torch is None:
        check(not os.environ.get("CI"), "torch is installed (CI must not skip from_pretrained)")
        print("skip  torch is not installed: from_pretrained not run (TENSORSEED_NEED_TORCH=1 installs the CPU wheel)")
        return
    from transformers import AutoModelForCausalLM
    model, info = AutoModelForCausalLM.from_pretrained(out, output_loading_info=True)
    problems = {k: v for k, v in info.items() if v}
    state = model.state_dict()
    # float16 and bfloat16 widen to float32 exactly: equal values are equal stored values.
    same = all(name in state and np.array_equal(state[name].float().numpy(), a.astype(np.float32)) for name, a in tensors.items())
    logits = model(torch.tensor([[1, 2, 3]])).logits
    check(not problems and str(model.dtype) == f"torch.{dtype}" and same and logits.shape == (1, 3, config["vocab_size"])
          and bool(torch.isfinite(logits.float()).all()),
          f"{what}: from_pretrained loads every tensor as written ({model.dtype}; loading info {problems}; equal {same})")


def check_missing_folder_removed(binary, tmp, check):
    """A write that fails leaves no folder it created."""
    cfgdir = os.path.join(tmp, "cfg")
    os.makedirs(cfgdir)
    with open(os.path.join(cfgdir, "config.json"), "w") as f:
        json.dump(LLAMA, f)
    out = os.path.join(tmp, "a", "b")
    r = run([binary, "init", cfgdir, "--output", out + "/", "--device", "opencl:9.0", "--quiet"])
    check(r.returncode == 1 and not os.path.exists(os.path.join(tmp, "a")), f"a failed write removes the folders it created ({r.stderr.strip()})")
    r = run([binary, "init", cfgdir, "--output", os.path.join(out, "model.safetensors"), "--max-shard-size", "20KB", "--device", "cpu", "--quiet"])
    check(r.returncode == 0 and "model.safetensors.index.json" in os.listdir(out),
          f"--output DIR/model.safetensors --max-shard-size creates a missing DIR ({r.stderr.strip()})")


def check_null_token_ids(binary, tmp, check):
    """Token ids given as null in config.json stay unset in generation_config.json, as GenerationConfig.from_model_config
    leaves them (the config class's default applies only to an absent field). The token ids are compared with the file
    transformers' GenerationConfig.save_pretrained writes (which also holds use_cache and output_* flags, not written here)."""
    for base, nulls in ((LLAMA, ("bos_token_id", "eos_token_id", "pad_token_id")), (GPT2, ("bos_token_id", "eos_token_id")),
                        (LLAMA, ("eos_token_id",))):
        config = {k: v for k, v in base.items() if k != "pad_token_id"}
        config.update({k: None for k in nulls})
        what = f"{config['model_type']} with null {', '.join(nulls)}"
        cfgdir = os.path.join(tmp, "null-" + "-".join(nulls) + config["model_type"])
        os.makedirs(cfgdir)
        with open(os.path.join(cfgdir, "config.json"), "w") as f:
            json.dump(config, f)
        out = cfgdir + "-out"
        r = run([binary, "init", cfgdir + "/", "--output", out + "/", "--device", "cpu", "--quiet"])
        generation = json.load(open(os.path.join(out, "generation_config.json"))) if r.returncode == 0 else {}
        check(r.returncode == 0 and not any(k in generation for k in nulls), f"{what}: none of them in generation_config.json ({generation}, {r.stderr.strip()})")
        if transformers is None:
            continue
        saved = os.path.join(tmp, "saved-" + os.path.basename(cfgdir))
        GenerationConfig.from_model_config(AutoConfig.from_pretrained(cfgdir)).save_pretrained(saved)
        derived = json.load(open(os.path.join(saved, "generation_config.json")))
        ids = ("bos_token_id", "eos_token_id", "pad_token_id")
        ours, theirs = ({k: written[k] for k in ids if k in written} for written in (generation, derived))
        check(ours == theirs, f"{what}: generation_config.json has the token ids transformers writes ({ours} vs {theirs})")


def check_token_id_types(binary, tmp, check):
    """A bos, eos or pad token id that is not null or an integer (eos: or a list of integers), as the config classes of
    transformers 5.24 declare them, is refused in one line naming the file and the field, and nothing is written;
    where transformers is installed, AutoConfig is confirmed to refuse each of them too (so the folder would not load)."""
    bad = [("eos_token_id", "2"), ("bos_token_id", 1.5), ("eos_token_id", [2, "3"]), ("pad_token_id", True), ("bos_token_id", [1, 2])]
    for base in (LLAMA, GPT2):
        for field, value in bad:
            cfgdir = os.path.join(tmp, f"{base['model_type']}-{field}-{len(os.listdir(tmp))}")
            os.makedirs(cfgdir)
            with open(os.path.join(cfgdir, "config.json"), "w") as f:
                json.dump(dict(base, **{field: value}), f)
            out = cfgdir + "-out"
            r = run([binary, "init", cfgdir + "/", "--output", out + "/", "--device", "cpu", "--quiet"])
            lines = [line for line in r.stderr.splitlines() if line.startswith("tensorseed: error")]
            check(r.returncode == 1 and len(lines) == 1 and f'"{field}"' in lines[0] and "config.json" in lines[0]
                  and not os.path.exists(out),
                  f"{base['model_type']} with {field} {json.dumps(value)}: refused in one line, nothing written ({r.stderr.strip()})")
            if transformers is not None:
                try:
                    AutoConfig.from_pretrained(cfgdir)
                    loads = True
                except Exception:  # noqa: BLE001  (transformers' strict dataclass validation error)
                    loads = False
                check(not loads, f"{base['model_type']} with {field} {json.dumps(value)}: transformers refuses it as well")


def check_readme_example(binary, tmp, check):
    """Runs README's example blocks as written, `tensorseed` being the binary under test, in a folder whose cfgdir/ holds a config."""
    text = open(os.path.join(ROOT, "README.md")).read()
    at = text.find("<!-- hf-folder-example -->")
    blocks = re.findall(r"```(sh|python)\n(.*?)```", text[at:], re.S)[:2] if at >= 0 else []
    check(len(blocks) == 2 and blocks[0][0] == "sh" and blocks[1][0] == "python" and "cfgdir/ --output out/" in blocks[0][1]
          and 'from_pretrained("out")' in blocks[1][1], "README shows `init cfgdir/ --output out/` and then from_pretrained(\"out\")")
    if len(blocks) != 2:
        return
    os.makedirs(os.path.join(tmp, "cfgdir"))
    with open(os.path.join(tmp, "cfgdir", "config.json"), "w") as f:
        json.dump(LLAMA, f)
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    os.symlink(os.path.abspath(binary), os.path.join(bindir, "tensorseed"))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])
    r = subprocess.run(["bash", "-euo", "pipefail", "-c", blocks[0][1]], cwd=tmp, env=env, capture_output=True, text=True)
    check(r.returncode == 0 and os.path.exists(os.path.join(tmp, "out", "config.json")), f"README's sh block runs ({r.stdout.strip()} {r.stderr.strip()})")
    if transformers is None or torch is None:
        print("skip  README's python block: transformers and torch are not installed")
        return
    r = subprocess.run([sys.executable, "-c", blocks[1][1]], cwd=tmp, env=env, capture_output=True, text=True)
    check(r.returncode == 0, f"README's python block runs as written ({r.stdout.strip()[-300:]} {r.stderr.strip()[-500:]})")


def main():
    tally = Tally()
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed"
    binary = os.path.abspath(binary) if os.sep in binary else shutil.which(binary)
    one = lambda listing: ["config.json", "generation_config.json", "model.safetensors"]  # noqa: E731
    sharded = lambda listing: ["config.json", "generation_config.json"] + sorted(  # noqa: E731
        f for f in listing if re.fullmatch(r"model-\d{5}-of-\d{5}\.safetensors", f)) + ["model.safetensors.index.json"]
    cases = [(LLAMA, [], one, "float32"), (LLAMA, ["--max-shard-size", "20KB", "--dtype", "bf16"], sharded, "bfloat16"),
             (GPT2, [], one, "float32"), (GPT2, ["--dtype", "f16", "--max-shard-size", "10KB"], sharded, "float16")]
    for config, extra, want, dtype in cases:
        with tempfile.TemporaryDirectory() as tmp:
            check_folder(binary, tmp, tally.check, config, extra, want, dtype)
    for part in (check_missing_folder_removed, check_null_token_ids, check_token_id_types, check_readme_example):
        with tempfile.TemporaryDirectory() as tmp:
            part(binary, tmp, tally.check)
    return tally.report("hf-folder")


if __name__ == "__main__":
    sys.exit(main())
