#!/usr/bin/env python3
"""The ranks of one `tensorseed init` job write the same sharded set as one process, file for file (cmp):
under `mpirun` (Open MPI) and with the Slurm (tasks and array tasks), MPICH and torchrun variables set by hand
for 1, 2, 5, 8 ranks and more ranks than shards; `--dry-run` and `verify --rank` split the set the same way;
a rank killed with SIGKILL mid-shard leaves nothing a rerun takes for complete, and the rerun completes the set
identically; a damaged shard is written again; wrong or inconsistent ranks and sizes and a second job into the
same folder give one line and change nothing; `--tensor-parallel R/N` and `--slice` write exactly the parts of the
whole tensors (torch.chunk's), which verify alone; `--tensor-parallel N` under a launcher of another world size is
refused by every rank alike.

Usage: check_ranks.py path/to/tensorseed
"""
import filecmp
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_support import Tally  # noqa: E402

# A small Llama (bf16, about 0.4 MB): 12 shards of at most 40 kB, the embedding alone in one larger.
CONFIG = {"model_type": "llama", "vocab_size": 512, "hidden_size": 64, "intermediate_size": 172, "num_hidden_layers": 3,
          "num_attention_heads": 4, "num_key_value_heads": 2, "torch_dtype": "bfloat16"}
SHARD = "40KB"
# Slow enough to stop mid-shard: orthogonal matrices (a QR each), one shard per tensor.
SLOW = {"seed": 9, "dtype": "f32", "tensors": [{"name": f"w{i}", "shape": [640, 640]} for i in range(6)],
        "rules": [{"pattern": "*", "scheme": {"name": "orthogonal"}}]}
LAUNCHER_VARIABLES = ["OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMI_SIZE", "RANK", "WORLD_SIZE", "SLURM_PROCID",
                      "SLURM_NTASKS", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT"]
BASE_ENV = {k: v for k, v in os.environ.items() if k not in LAUNCHER_VARIABLES}
LAUNCHERS = {
    "slurm": lambda r, n: {"SLURM_PROCID": str(r), "SLURM_NTASKS": str(n), "SLURM_JOB_ID": "77"},
    "mpich": lambda r, n: {"PMI_RANK": str(r), "PMI_SIZE": str(n)},
    "torchrun": lambda r, n: {"RANK": str(r), "WORLD_SIZE": str(n), "LOCAL_RANK": str(r), "MASTER_ADDR": "127.0.0.1"},
}


def run(args, env=None):
    return subprocess.run(args, capture_output=True, text=True, env=env or BASE_ENV)


def error_lines(stderr):
    return [line for line in stderr.strip().splitlines() if not line.startswith("engine:")]


def snapshot(folder):
    """Every entry of `folder` (hidden ones too) with a hash of its bytes; {} if there is no folder."""
    if not os.path.isdir(folder):
        return {}
    return {name: hashlib.sha256(open(os.path.join(folder, name), "rb").read()).hexdigest() for name in sorted(os.listdir(folder))}


def same_set(reference, folder):
    """None if `folder` holds exactly `reference`'s files with the same bytes, else what differs."""
    want, got = sorted(os.listdir(reference)), sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    if want != got:
        return f"files {got} instead of {want}"
    for name in want:
        if not filecmp.cmp(os.path.join(reference, name), os.path.join(folder, name), shallow=False):
            return f"{name} differs"
    return None


def init_args(binary, spec, folder, *extra):
    return [binary, "init", spec, "--seed", "5", "--max-shard-size", SHARD, "--output", folder + "/", "--device", "cpu", "--threads", "1",
            "--quiet", *extra]


def run_ranks(binary, spec, folder, n, env_of, together=True):
    """Runs ranks 0..n-1 (all at once, or one after another as array tasks); returns their results."""
    if not together:
        return [run(init_args(binary, spec, folder), {**BASE_ENV, **env_of(r, n)}) for r in range(n)]
    procs = [subprocess.Popen(init_args(binary, spec, folder), env={**BASE_ENV, **env_of(r, n)}, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for r in range(n)]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return results


def check_launchers(binary, tmp, check, spec, reference):
    shards = len([f for f in os.listdir(reference) if f.startswith("model-")])
    array = lambda r, n: {"SLURM_ARRAY_TASK_ID": str(r + 3), "SLURM_ARRAY_TASK_MIN": "3", "SLURM_ARRAY_TASK_COUNT": str(n)}
    source = {"slurm": "SLURM_PROCID", "mpich": "PMI_RANK", "torchrun": "RANK=", "slurm-array": "SLURM_ARRAY_TASK_ID"}
    for launcher, env_of in [*LAUNCHERS.items(), ("slurm-array", array)]:
        for n in (1, 2, 5, 8, shards + 4):
            folder = os.path.join(tmp, f"{launcher}-{n}")
            results = run_ranks(binary, spec, folder, n, env_of, together=launcher != "slurm-array")
            firsts = [r.stdout.splitlines()[0] if r.stdout else "" for r in results]
            lines_ok = all(f.startswith(f"tensorseed: rank {i} of {n} (from ") and source[launcher] in f for i, f in enumerate(firsts))
            codes = [r.returncode for r in results]
            differs = same_set(reference, folder)
            check(codes == [0] * n and lines_ok and differs is None,
                  f"{launcher}, {n} ranks{' (array tasks one after another)' if launcher == 'slurm-array' else ''}: the one-process set, "
                  f"file for file ({differs}; exits {codes}; first lines {firsts[:2]}; {[error_lines(r.stderr) for r in results if r.returncode][:1]})")
            shutil.rmtree(folder, ignore_errors=True)


def check_mpirun(binary, tmp, check, spec, reference):
    mpirun = shutil.which("mpirun")
    check(mpirun is not None, "mpirun (Debian openmpi-bin) is installed")
    if mpirun is None:
        return
    folder = os.path.join(tmp, "mpirun")
    r = run([mpirun, "--allow-run-as-root", "--oversubscribe", "-np", "3", *init_args(binary, spec, folder)])
    lines = sorted(line for line in r.stdout.splitlines() if line.startswith("tensorseed: rank"))
    differs = same_set(reference, folder)
    check(r.returncode == 0 and differs is None and len(lines) == 3 and all("OMPI_COMM_WORLD_RANK" in line for line in lines),
          f"mpirun -np 3: the one-process set, file for file ({differs}; exit {r.returncode}; {lines}; {r.stderr.strip()[-300:]!r})")
    # verify --rank I --world-size 3: each rank's files, together every shard once.
    verified = []
    for rank in range(3):
        v = run([binary, "verify", os.path.join(folder, "model.safetensors.index.json"), "--rank", str(rank), "--world-size", "3", "--quiet"])
        verified += [line.split(":")[0] for line in v.stdout.splitlines() if "tensors OK" in line]
        check(v.returncode == 0, f"verify --rank {rank} --world-size 3 passes ({v.stdout.strip()[-200:]!r})")
    shards = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.startswith("model-"))
    check(sorted(verified) == shards, f"verify --rank: the three ranks check every shard once ({len(verified)} of {len(shards)})")
    # --dry-run: the same assignment, nothing written.
    d = run(init_args(binary, spec, os.path.join(tmp, "dry"), "--dry-run", "--rank", "0", "--world-size", "3"))
    listed = sorted(f for line in d.stdout.splitlines() if line.startswith("rank ") for f in line.split(": ")[-1].split() if f.startswith("model-"))
    check(d.returncode == 0 and listed == sorted(map(os.path.basename, shards)) and not os.path.exists(os.path.join(tmp, "dry"))
          and "rank 0 (this one)" in d.stdout, f"--dry-run lists every shard once over the 3 ranks, writes nothing ({d.stdout[-300:]!r})")
    shutil.rmtree(folder)


def temporaries(folder):
    return sorted(f for f in os.listdir(folder) if ".tensorseed-" in f and f.endswith(".tmp")) if os.path.isdir(folder) else []


def check_kill_and_resume(binary, tmp, check):
    spec = os.path.join(tmp, "slow.json")
    with open(spec, "w") as f:
        json.dump(SLOW, f)
    args = lambda folder, *extra: [binary, "init", spec, "--max-shard-size", "1MB", "--output", folder + "/", "--device", "cpu",
                                   "--threads", "1", "--quiet", *extra]
    reference = os.path.join(tmp, "slow-one")
    r = run(args(reference))
    check(r.returncode == 0, f"one process writes the slow set ({r.stderr.strip()!r})")
    folder = os.path.join(tmp, "slow-ranks")
    # Rank 0 of 2 owns three shards: stop it once one is in place and the next is half written, then SIGKILL it.
    p = subprocess.Popen(args(folder, "--rank", "0", "--world-size", "2"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=BASE_ENV)
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None:
        names = os.listdir(folder) if os.path.isdir(folder) else []
        if temporaries(folder) and any(n.startswith("model-") for n in names):
            break
        time.sleep(0.002)
    p.send_signal(signal.SIGSTOP)
    left_temporaries = temporaries(folder)
    p.kill()
    p.wait()
    finals = sorted(f for f in os.listdir(folder) if f.startswith("model-"))
    check(p.returncode == -signal.SIGKILL and left_temporaries and 1 <= len(finals) < 3,
          f"SIGKILL mid-shard: one shard in place, the next only as a temporary file ({finals}, {left_temporaries}, exit {p.returncode})")
    verified = [run([binary, "verify", "--quiet", os.path.join(folder, f)]).returncode for f in finals]
    check(verified == [0] * len(finals), f"every shard in place after SIGKILL verifies ({verified})")
    r1 = run(args(folder, "--rank", "1", "--world-size", "2"))
    check(r1.returncode == 0 and "other ranks' shards are still missing" in r1.stdout and "model.safetensors.index.json" not in os.listdir(folder),
          f"rank 1 completes its part; no index while rank 0's shards are missing ({r1.stdout.strip()!r})")
    r0 = run(args(folder, "--rank", "0", "--world-size", "2"))
    differs = same_set(reference, folder)
    check(r0.returncode == 0 and f"kept {len(finals)} complete" in r0.stdout and "the set is complete" in r0.stdout and differs is None,
          f"the rerun keeps the complete shard(s), redoes the rest, removes the dead temporary and completes the set identically "
          f"({differs}; {r0.stdout.strip()!r}; {r0.stderr.strip()!r})")
    # A damaged shard (one byte changed, same size) of a complete set: the rerun of its rank writes it again.
    victim = os.path.join(folder, sorted(f for f in os.listdir(folder) if f.startswith("model-"))[1])
    with open(victim, "r+b") as f:
        f.seek(-3, os.SEEK_END)
        byte = f.read(1)
        f.seek(-3, os.SEEK_END)
        f.write(bytes([byte[0] ^ 0x40]))
    outs = [run(args(folder, "--rank", str(rank), "--world-size", "2")) for rank in (0, 1)]
    redone = [o for o in outs if "was damaged" in o.stdout]
    differs = same_set(reference, folder)
    check(all(o.returncode == 0 for o in outs) and len(redone) == 1 and differs is None,
          f"a damaged shard is found by its digest and written again; the set is identical again ({differs}; {[o.stdout for o in outs]})")
    # A complete set: rerunning every rank writes nothing.
    before = {f: os.stat(os.path.join(folder, f)).st_mtime_ns for f in os.listdir(folder)}
    outs = [run(args(folder, "--rank", str(rank), "--world-size", "2")) for rank in (0, 1)]
    after = {f: os.stat(os.path.join(folder, f)).st_mtime_ns for f in os.listdir(folder)}
    check(all(o.returncode == 0 and "wrote 0 of" in o.stdout for o in outs) and before == after,
          f"rerunning a complete job keeps every file ({[o.stdout.strip() for o in outs]})")


def check_wrong(binary, tmp, check, spec, reference):
    def refused(what, args, env, folder, needle):
        before = snapshot(folder)
        r = run(args, {**BASE_ENV, **env})
        lines = error_lines(r.stderr)
        check(r.returncode != 0 and len(lines) == 1 and needle in lines[0] and snapshot(folder) == before,
              f"{what}: one line naming it, nothing changed (exit {r.returncode}, {lines})")

    fresh = os.path.join(tmp, "fresh")
    refused("rank >= world size", init_args(binary, spec, fresh, "--rank", "3", "--world-size", "3"), {}, fresh, "not below the world size 3")
    refused("RANK >= WORLD_SIZE (torchrun)", init_args(binary, spec, fresh), {"RANK": "2", "WORLD_SIZE": "2"}, fresh, "RANK=2, WORLD_SIZE=2")
    refused("SLURM_PROCID without SLURM_NTASKS", init_args(binary, spec, fresh), {"SLURM_PROCID": "1"}, fresh, "SLURM_NTASKS")
    refused("a rank that is not a number", init_args(binary, spec, fresh), {"PMI_RANK": "one", "PMI_SIZE": "2"}, fresh, "PMI_RANK='one'")
    refused("--rank without --world-size", init_args(binary, spec, fresh, "--rank", "1"), {}, fresh, "together")
    single = [binary, "init", spec, "--output", os.path.join(fresh, "m.safetensors"), "--quiet"]
    refused("ranks without a sharded output", single, {"OMPI_COMM_WORLD_RANK": "1", "OMPI_COMM_WORLD_SIZE": "2"}, fresh, "--max-shard-size")
    check(not os.path.exists(fresh), "no folder is created by a refused rank")

    folder = os.path.join(tmp, "job")
    r = run(init_args(binary, spec, folder, "--rank", "0", "--world-size", "3"))
    check(r.returncode == 0 and any(f.endswith(".tensorseed-job") for f in os.listdir(folder)),
          f"rank 0 of 3 alone: its shards and the job file ({sorted(os.listdir(folder))})")
    refused("a rank of the same job with another world size", init_args(binary, spec, folder, "--rank", "1", "--world-size", "2"), {}, folder,
            "disagree on the world size")
    other = [a if a != "5" else "6" for a in init_args(binary, spec, folder, "--rank", "1", "--world-size", "3")]
    refused("a second job (another seed) into the folder", other, {}, folder, "another job")
    for rank in (1, 2):
        run(init_args(binary, spec, folder, "--rank", str(rank), "--world-size", "3"))
    check(not any(f.startswith(".") for f in os.listdir(folder)) and "model.safetensors.index.json" in os.listdir(folder),
          f"the completed set has its index and no job file ({sorted(os.listdir(folder))})")
    other = [a if a != "5" else "6" for a in init_args(binary, spec, folder, "--rank", "0", "--world-size", "3")]
    refused("a second job into a completed set", other, {}, folder, "is not shard")

    # A job that is gone, resumed with another world size once its job file is removed (as the refusal says): its complete
    # shards are kept and the set is the one-process set.
    folder = os.path.join(tmp, "regrown")
    run(init_args(binary, spec, folder, "--rank", "0", "--world-size", "3"))
    job = [f for f in os.listdir(folder) if f.endswith(".tensorseed-job")]
    refused("the same job resumed with another world size", init_args(binary, spec, folder, "--rank", "0", "--world-size", "2"), {}, folder,
            "remove the file to go on with 2 ranks")
    for f in job:
        os.remove(os.path.join(folder, f))
    outs = [run(init_args(binary, spec, folder, "--rank", str(rank), "--world-size", "2")) for rank in (0, 1)]
    differs = same_set(reference, folder)
    check(all(o.returncode == 0 for o in outs) and any("kept" in o.stdout for o in outs) and differs is None,
          f"resumed with 2 ranks after removing the job file: complete shards kept, the one-process set ({differs}, {[o.stdout for o in outs]})")
    smaller = [a if a != SHARD else "30KB" for a in init_args(binary, spec, folder, "--rank", "0", "--world-size", "3")]
    refused("a job with another shard size into a completed set", smaller, {}, folder, "another set")


WIDTH = {"F64": "<u8", "F32": "<u4", "F16": "<u2", "BF16": "<u2"}
GPT2 = {"model_type": "gpt2", "vocab_size": 81, "n_embd": 32, "n_layer": 2, "n_head": 4, "n_positions": 16}


def tensors(path):
    """Every tensor of a safetensors file as unsigned integers of its element width (bit patterns), and the metadata."""
    import numpy as np
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    return {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype=WIDTH[v["dtype"]]).reshape(v["shape"])
            for k, v in header.items()}, meta


def chunk(array, dim, rank, parts):
    """torch.chunk's part `rank` of `parts` along `dim` (what DTensor's Shard(dim) holds)."""
    size = array.shape[dim]
    step = -(-size // parts)
    index = [slice(None)] * array.ndim
    index[dim] = slice(min(size, rank * step), min(size, (rank + 1) * step))
    return array[tuple(index)]


def check_tensor_parallel(binary, tmp, check):
    """--tensor-parallel R/N: each rank's file holds exactly torch.chunk's part of each split tensor of the whole model
    (Llama and GPT-2 rules, even and uneven sizes), the rest whole; each file verifies alone; --slice cuts a given range."""
    for name, config, expected_split in (("llama", CONFIG, {"q_proj.weight": 0, "o_proj.weight": 1, "down_proj.weight": 1, "embed_tokens.weight": 0}),
                                         ("gpt2", GPT2, {"c_attn.weight": 1, "c_attn.bias": 0, "c_proj.weight": 0, "wte.weight": 0})):
        spec = os.path.join(tmp, f"tp-{name}.json")
        with open(spec, "w") as f:
            json.dump(config, f)
        whole_path = os.path.join(tmp, f"tp-{name}-whole.safetensors")
        r = run([binary, "init", spec, "--seed", "4", "--dtype", "f16" if name == "gpt2" else "bf16", "--output", whole_path, "--quiet"])
        whole, _ = tensors(whole_path)
        for parts in (2, 3):
            folder = os.path.join(tmp, f"tp-{name}-{parts}")
            problems, sliced = [], set()
            for rank in range(parts):
                r = run([binary, "init", spec, "--seed", "4", "--dtype", "f16" if name == "gpt2" else "bf16", "--tensor-parallel", f"{rank}/{parts}",
                         "--output", folder + "/", "--quiet"])
                path = os.path.join(folder, f"model-tp{rank:05d}-of-{parts:05d}.safetensors")
                if r.returncode != 0 or not os.path.exists(path):
                    problems.append(f"rank {rank}: exit {r.returncode} {r.stderr.strip()!r}")
                    continue
                got, meta = tensors(path)
                for key, full in whole.items():
                    dim = next((json.loads(meta[f"tensorseed.slice.{key}"])["dim"] for _ in [0] if f"tensorseed.slice.{key}" in meta), None)
                    want = full if dim is None else chunk(full, dim, rank, parts)
                    if dim is not None:
                        sliced.add((key.split(".", key.count(".") - 1)[-1], dim))
                    if key not in got or got[key].shape != want.shape or got[key].tobytes() != want.tobytes():
                        problems.append(f"rank {rank}: {key}")
                v = run([binary, "verify", "--quiet", path])
                if v.returncode != 0:
                    problems.append(f"rank {rank}: verify {v.stdout.strip()[-200:]!r}")
            splits = {k: d for k, d in sliced}
            wrong_rules = {k: (splits.get(k), d) for k, d in expected_split.items() if splits.get(k) != d}
            check(not problems and not wrong_rules, f"--tensor-parallel r/{parts} ({name} rules): every rank's slices are its torch.chunk part "
                                                    f"of the whole tensors, byte for byte, and verify alone ({problems[:3]}, rules {wrong_rules})")
    spec = os.path.join(tmp, "tp-llama.json")
    path = os.path.join(tmp, "cut.safetensors")
    r = run([binary, "init", spec, "--seed", "4", "--dtype", "bf16", "--slice", "*.o_proj.weight=1:5:37", "--slice", "lm_head.weight=0:100:",
             "--output", path, "--quiet"])
    whole, _ = tensors(os.path.join(tmp, "tp-llama-whole.safetensors"))
    got, _ = tensors(path) if r.returncode == 0 else ({}, {})
    ok = r.returncode == 0 and all(got[k].tobytes() == (w[:, 5:37] if k.endswith("o_proj.weight") else w[100:] if k == "lm_head.weight" else w).tobytes()
                                   for k, w in whole.items())
    check(ok and run([binary, "verify", "--quiet", path]).returncode == 0, f"--slice PATTERN=DIM:START:END cuts those ranges exactly ({r.stderr.strip()!r})")
    # The same cut from a spec file: a tensor's "slice" field (every scheme family: uniform, normal, orthogonal, eye).
    schemes = [{"name": "kaiming_uniform", "a": 2.23606797749979, "nonlinearity": "leaky_relu"}, {"name": "normal", "std": 0.02},
               {"name": "orthogonal"}, {"name": "eye"}, {"name": "trunc_normal", "std": 0.02}]
    whole_spec = {"seed": 9, "dtype": "f16", "tensors": [{"name": f"t{i}", "shape": [24, 40], "scheme": sc} for i, sc in enumerate(schemes)]}
    cuts = [(1, 3, 29), (0, 5, 24), (1, 0, 17), (0, 2, 9), (1, 39, 40)]
    sliced_spec = json.loads(json.dumps(whole_spec))
    for t, (dim, start, end) in zip(sliced_spec["tensors"], cuts):
        t["slice"] = {"dim": dim, "start": start, "end": end}
    paths = []
    for label, content in (("whole", whole_spec), ("sliced", sliced_spec)):
        spec_path, out = os.path.join(tmp, f"slice-{label}.json"), os.path.join(tmp, f"slice-{label}.safetensors")
        with open(spec_path, "w") as f:
            json.dump(content, f)
        r = run([binary, "init", spec_path, "--output", out, "--quiet"])
        paths.append(out if r.returncode == 0 else None)
    whole, _ = tensors(paths[0]) if paths[0] else ({}, {})
    got, _ = tensors(paths[1]) if paths[1] else ({}, {})
    ok = bool(whole) and bool(got) and all(
        got[f"t{i}"].tobytes() == (whole[f"t{i}"][:, s:e] if d == 1 else whole[f"t{i}"][s:e]).tobytes() for i, (d, s, e) in enumerate(cuts))
    check(ok and run([binary, "verify", "--quiet", paths[1]]).returncode == 0,
          "a spec's \"slice\" field writes exactly that part of the whole tensor (uniform, normal, orthogonal, eye, truncated normal) and verifies")
    r = run([binary, "init", spec, "--tensor-parallel", "3/3", "--output", os.path.join(tmp, "no.safetensors")])
    check(r.returncode != 0 and len(error_lines(r.stderr)) == 1 and not os.path.exists(os.path.join(tmp, "no.safetensors")),
          f"--tensor-parallel 3/3 is refused with one line ({r.stderr.strip()!r})")
    # --tensor-parallel N under a launcher whose world size is not N: every rank refuses alike (none writes), as with the flags.
    for launcher, rank_name, size_name in (("torchrun", "RANK", "WORLD_SIZE"), ("Slurm", "SLURM_PROCID", "SLURM_NTASKS")):
        folder = os.path.join(tmp, f"tp2-{launcher}")
        results = [run([binary, "init", spec, "--tensor-parallel", "2", "--output", folder + "/", "--quiet"],
                       env=dict(BASE_ENV, **{rank_name: str(rank), size_name: "4"})) for rank in range(4)]
        lines = [error_lines(r.stderr) for r in results]
        check(all(r.returncode == 1 for r in results) and all(len(ls) == 1 and "the tensor-parallel group has 2 ranks" in ls[0]
                                                              and f"{size_name}=4" in ls[0] for ls in lines)
              and not os.path.exists(folder),
              f"--tensor-parallel 2 with {size_name}=4 ({launcher}): each of the 4 ranks refuses in one line, nothing written "
              f"({[r.returncode for r in results]}, {lines[1]})")
    folder = os.path.join(tmp, "tp2-fits")
    results = [run([binary, "init", spec, "--tensor-parallel", "2", "--output", folder + "/", "--quiet"],
                   env=dict(BASE_ENV, RANK=str(rank), WORLD_SIZE="2")) for rank in range(2)]
    check(all(r.returncode == 0 for r in results) and os.path.isdir(folder)
          and sorted(os.listdir(folder)) == ["model-tp00000-of-00002.safetensors", "model-tp00001-of-00002.safetensors"],
          f"--tensor-parallel 2 with WORLD_SIZE=2: both ranks write their files ({[r.stderr.strip() for r in results]})")


def main():
    binary = os.path.abspath(sys.argv[1])
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "config.json")
        with open(config, "w") as f:
            json.dump(CONFIG, f)
        reference = os.path.join(tmp, "one")
        r = run(init_args(binary, config, reference))
        tally.check(r.returncode == 0 and r.stdout.startswith("wrote"), f"one process writes the reference set ({r.stdout.strip()!r} {r.stderr.strip()!r})")
        check_mpirun(binary, tmp, tally.check, config, reference)
        check_launchers(binary, tmp, tally.check, config, reference)
        check_kill_and_resume(binary, tmp, tally.check)
        check_wrong(binary, tmp, tally.check, config, reference)
        check_tensor_parallel(binary, tmp, tally.check)
    return tally.report("check_ranks")


if __name__ == "__main__":
    sys.exit(main())
