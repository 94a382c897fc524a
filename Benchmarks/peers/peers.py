#!/usr/bin/env python3
"""TensorSeed's CPU engine against numpy, torch and JAX on this machine.

Every row fills 2^26 float32 values (by default) and keeps the best of
--repeats timed runs after one untimed warm-up. numpy, torch and the fill
rows write into one buffer that was allocated and written beforehand, so
page faults are not timed; TensorSeed's `bench` command does the same.
JAX cannot write into an existing array, so its rows include allocating
the output (see the footnote in the printed table).

The orthogonal rows (TensorSeed and torch.nn.init.orthogonal_) time one
n x n float32 matrix, best of --orthogonal-repeats; --orthogonal-size 0
leaves them out.

Usage (from anywhere):
    python3 Benchmarks/peers/peers.py [--elements N] [--repeats R]
                                      [--orthogonal-size N] [--orthogonal-repeats R]
                                      [--tensorseed PATH] [--markdown]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRATCH = ".build-bench"
BUILD_COMMAND = ["swift", "build", "-c", "release", "--product", "tensorseed", "--scratch-path", SCRATCH]
# TensorSeed's raw streams: the fill rows compare their GB/s with the memory write bandwidth.
DISTRIBUTIONS = ("uniform", "normal", "truncated_normal")
# `tensorseed bench` rows of --elements values: the streams and the kaiming_normal scheme on an
# (elements / 1024) x 1024 weight (torch's row: kaiming_normal_(buf.view(-1, 1024))).
ELEMENT_ROWS = DISTRIBUTIONS + ("kaiming_normal",)
KAIMING_COLUMNS = 1024
# Peer rows compared with another TensorSeed row where the binary has no row of their own name
# (binaries before `bench` had kaiming_normal): torch's kaiming_normal_ is a scaled normal.
COUNTERPART = {"kaiming_normal": "normal"}


class BenchError(Exception):
    """A failure that is reported as one line, not as a traceback."""


@dataclass
class Row:
    implementation: str
    distribution: str
    seconds: float | None = None      # best of the repeats
    note: str = ""                    # why there is no measurement
    kind: str = "peer"                # "peer", "tensorseed" or "bandwidth"
    elements: int | None = None       # float32 values per call, where not the report's (orthogonal: n * n)

    def gbps(self, elements: int) -> float | None:
        return None if self.seconds is None else (self.elements or elements) * 4 / self.seconds / 1e9

    def gsamples(self, elements: int) -> float | None:
        return None if self.seconds is None else (self.elements or elements) / self.seconds / 1e9


@dataclass
class Report:
    elements: int
    repeats: int
    orthogonal_size: int = 0          # n of the n x n orthogonal rows; 0: no orthogonal rows
    orthogonal_repeats: int = 1
    rows: list[Row] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)   # "torch: not installed"
    versions: dict[str, str] = field(default_factory=dict)
    footnotes: list[str] = field(default_factory=list)
    machine: str = ""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def best_time(run: Callable[[], object], repeats: int) -> float:
    """Best wall-clock seconds of `repeats` calls, after one untimed warm-up."""
    run()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def short_error(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(error).__name__}: {first}"[:160]


# --------------------------------------------------------------------------- peers

def measure_in_place(report: Report, peer: str, name: str, fill_name: str,
                     make_buffer: Callable[[], object], calls: Callable[[object], dict[str, Callable[[], object]]]
                     ) -> None:
    """Rows for a peer that writes into one already-touched buffer: uniform, normal and a fill."""
    try:
        buf = make_buffer()
        for label, call in calls(buf).items():
            log(f"{peer}: {label}")
            if label == "fill":
                report.rows.append(Row(fill_name, "fill", best_time(call, report.repeats), kind="bandwidth"))
            else:
                report.rows.append(Row(name, label, best_time(call, report.repeats)))
        del buf
    except Exception as error:  # noqa: BLE001 - reported as a row
        report.rows.append(Row(name, "-", note=f"error: {short_error(error)}"))


def measure_numpy(report: Report) -> None:
    try:
        import numpy as np
    except ImportError:
        report.skipped.append("numpy: not installed")
        return
    report.versions["numpy"] = np.__version__
    rng = np.random.default_rng()
    measure_in_place(
        report, "numpy", f"numpy {np.__version__} default_rng (PCG64)", f"numpy {np.__version__} buf.fill(1.0)",
        lambda: np.ones(report.elements, dtype=np.float32),            # allocated and touched
        lambda buf: {"uniform": lambda: rng.random(out=buf, dtype=np.float32),
                     "normal": lambda: rng.standard_normal(out=buf, dtype=np.float32),
                     "fill": lambda: buf.fill(1.0)})


def measure_torch(report: Report) -> None:
    try:
        import torch
    except ImportError:
        report.skipped.append("torch: not installed")
        return
    threads = torch.get_num_threads()
    report.versions["torch"] = f"{torch.__version__} ({threads} thread{'s' if threads != 1 else ''})"
    version = torch.__version__.split("+")[0]

    def calls(buf) -> dict[str, Callable[[], object]]:
        rows = {"uniform": lambda: buf.uniform_(), "normal": lambda: buf.normal_(),
                "truncated_normal": lambda: torch.nn.init.trunc_normal_(buf),          # mean 0, std 1, [-2, 2]
                "kaiming_normal": lambda: torch.nn.init.kaiming_normal_(buf.view(-1, KAIMING_COLUMNS)),
                "fill": lambda: buf.fill_(1.0)}
        return {label: call for label, call in rows.items() if label in element_rows(report) + ("fill",)}

    measure_in_place(
        report, "torch", f"torch {version} CPU ({threads} thr.)", f"torch {version} buf.fill_(1.0)",
        lambda: torch.ones(report.elements, dtype=torch.float32, device="cpu"),   # allocated and touched
        calls)
    measure_torch_orthogonal(report, torch, f"torch {version} CPU ({threads} thr.)")


def measure_torch_orthogonal(report: Report, torch, name: str) -> None:
    """torch.nn.init.orthogonal_ of one already-touched n x n float32 tensor (LAPACK QR)."""
    n = report.orthogonal_size
    if not n:
        return
    try:
        buf = torch.ones(n, n, dtype=torch.float32, device="cpu")
        log(f"torch: orthogonal {n}x{n}")
        seconds = best_time(lambda: torch.nn.init.orthogonal_(buf), report.orthogonal_repeats)
        report.rows.append(Row(name, "orthogonal", seconds, elements=n * n))
    except Exception as error:  # noqa: BLE001 - reported as a row
        report.rows.append(Row(name, "orthogonal", note=f"error: {short_error(error)}"))


def element_rows(report: Report) -> tuple[str, ...]:
    """The rows of --elements values: kaiming_normal only where its (elements / 1024) x 1024 weight exists."""
    return ELEMENT_ROWS if report.elements % KAIMING_COLUMNS == 0 else DISTRIBUTIONS


def measure_jax(report: Report) -> None:
    # The comparison is CPU against CPU, even where jax could see a GPU.
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        report.skipped.append("jax: not installed")
        return
    n, r = report.elements, report.repeats
    report.versions["jax"] = jax.__version__
    try:
        impl = str(jax.config.jax_default_prng_impl)
    except AttributeError:
        impl = "threefry2x32"
    name = f"jax {jax.__version__} ({impl}) ¹"
    try:
        device = jax.devices()[0]
        report.versions["jax"] += f" ({device.platform})"
        keys = iter(jax.random.split(jax.random.key(0), 2 * (r + 1)))

        def normal() -> None:
            jax.random.normal(next(keys), (n,), dtype=jnp.float32).block_until_ready()

        def uniform() -> None:
            jax.random.uniform(next(keys), (n,), dtype=jnp.float32).block_until_ready()

        log("jax: uniform")
        report.rows.append(Row(name, "uniform", best_time(uniform, r)))
        log("jax: normal")
        report.rows.append(Row(name, "normal", best_time(normal, r)))
        report.footnotes.append(
            "¹ JAX arrays are immutable, so `jax.random.normal/uniform(key, (n,), dtype=jnp.float32)` cannot write "
            "into an already-touched buffer: each timed call also allocates (and page-faults) a fresh output. "
            "Timed with `.block_until_ready()`; the first call (compilation) is not timed."
        )
    except Exception as error:  # noqa: BLE001
        report.rows.append(Row(name, "-", note=f"error: {short_error(error)}"))


# --------------------------------------------------------------------------- TensorSeed

def build_tensorseed() -> Path:
    log(f"building TensorSeed: (cd {REPO_ROOT} && {shlex.join(BUILD_COMMAND)})")
    try:
        result = subprocess.run(BUILD_COMMAND, cwd=REPO_ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
    except FileNotFoundError:
        raise BenchError("`swift` is not on PATH; build tensorseed yourself and pass --tensorseed PATH") from None
    if result.returncode != 0:
        tail = "\n".join(result.stdout.strip().splitlines()[-15:])
        raise BenchError(f"swift build failed (exit {result.returncode}):\n{tail}")
    return REPO_ROOT / SCRATCH / "release" / "tensorseed"


def measure_tensorseed(report: Report, binary: Path) -> None:
    if not binary.is_file() or not os.access(binary, os.X_OK):
        raise BenchError(f"{binary} is not an executable file")
    help_text = bench_help(binary)
    # This comparison is about the CPU engine, even where a GPU exists (older binaries had no --device).
    device = ["--device", "cpu"] if "--device" in help_text else []
    # Older binaries lack some rows; ask only for those this one lists.
    names = [name for name in element_rows(report) if name in help_text] or list(DISTRIBUTIONS)
    rows: list[Row] = []
    memset_row: list[Row] = []
    for obj in run_bench(binary, ["--elements", str(report.elements), "--repeats", str(report.repeats),
                                  "--distributions", ",".join(names)] + device):
        if int(obj.get("elements", report.elements)) != report.elements:
            raise BenchError(f"tensorseed bench measured {obj['elements']} elements, not {report.elements}")
        rows.append(Row(f"TensorSeed {obj['engine']} (Philox4x32-10)", obj["distribution"], obj["seconds"],
                        kind="tensorseed"))
        memset = obj.get("memset_gbps")
        if isinstance(memset, (int, float)) and memset > 0 and not memset_row:
            memset_row.append(Row("tensorseed bench: memset", "fill", report.elements * 4 / memset / 1e9,
                                  kind="bandwidth"))
    if not rows:
        raise BenchError("tensorseed bench printed no JSON rows for the CPU engine")
    rows += measure_tensorseed_orthogonal(report, binary, "--orthogonal-size" in help_text, device)
    shown = os.path.relpath(binary, REPO_ROOT) if binary.resolve().is_relative_to(REPO_ROOT) else str(binary)
    report.versions["tensorseed"] = f"{git_revision()} ({shown})"
    report.rows[:0] = rows + memset_row


def measure_tensorseed_orthogonal(report: Report, binary: Path, supported: bool, device: list[str]) -> list[Row]:
    """TensorSeed's orthogonal row: `tensorseed bench --distributions orthogonal` for one n x n matrix."""
    n = report.orthogonal_size
    if not n:
        return []
    name = "TensorSeed cpu (Philox4x32-10)"
    if not supported:
        return [Row(name, "orthogonal", note="this tensorseed bench has no orthogonal row", kind="tensorseed")]
    try:
        # --elements only sizes the memset that bench measures alongside; it is not used here.
        objects = run_bench(binary, ["--distributions", "orthogonal", "--orthogonal-size", str(n), "--elements",
                                     str(n * n), "--repeats", str(report.orthogonal_repeats)] + device)
    except BenchError as error:
        return [Row(name, "orthogonal", note=f"error: {str(error).splitlines()[0]}"[:160], kind="tensorseed")]
    rows = [Row(f"TensorSeed {obj['engine']} (Philox4x32-10)", "orthogonal", obj["seconds"], kind="tensorseed",
                elements=n * n) for obj in objects if obj.get("shape", [n, n]) == [n, n]]
    return rows or [Row(name, "orthogonal", note=f"tensorseed bench printed no {n}x{n} orthogonal row", kind="tensorseed")]


def run_bench(binary: Path, arguments: list[str]) -> list[dict]:
    """The JSON rows of the CPU engine that `tensorseed bench --json ARGUMENTS` prints."""
    command = [str(binary), "bench", "--json"] + arguments
    log(f"tensorseed: {shlex.join(command)}")
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        message = (result.stderr.strip() or result.stdout.strip()).splitlines()
        first_error = next((line for line in message if line.startswith("Error")), message[-1] if message else "")
        raise BenchError(f"tensorseed bench exited {result.returncode}: {first_error}")
    objects = []
    for line in result.stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            obj = json.loads(line)
            obj["engine"], obj["distribution"], obj["seconds"] = (str(obj["engine"]), str(obj["distribution"]),
                                                                 float(obj["seconds"]))
        except (ValueError, KeyError, TypeError) as error:
            raise BenchError(f"cannot read tensorseed bench output line {line!r}: {error}") from None
        if obj["engine"].startswith("cpu"):
            objects.append(obj)
    return objects


def bench_help(binary: Path) -> str:
    try:
        return subprocess.run([str(binary), "bench", "--help"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def git_revision() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + ("+uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"


# --------------------------------------------------------------------------- output

def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    logical = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = logical
    cores = f"{logical} logical cores" + (f", {usable} usable" if usable != logical else "")
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kib = int(f.readline().split()[1])
            memory = f", {kib / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    try:
        load = f", 1-minute load average {os.getloadavg()[0]:.2f} before measuring"
    except OSError:
        load = ""
    return f"{model}, {cores}{memory}, {platform.system()} {platform.release()}{load}"


def fmt(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def table_rows(report: Report) -> list[list[str]]:
    n = report.elements
    ts = {row.distribution: row.gbps(n) for row in report.rows if row.kind == "tensorseed"}
    bandwidth = max((row.gbps(n) for row in report.rows if row.kind == "bandwidth" and row.seconds),
                    default=None)
    out = []
    for row in report.rows:
        gbps = row.gbps(n)
        if row.seconds is None:
            ratio = row.note
        elif row.kind == "bandwidth":
            parts = [f"{d} {ts[d] / gbps:.3f}" for d in DISTRIBUTIONS if ts.get(d)]
            ratio = ("TensorSeed ÷ this: " + ", ".join(parts)) if parts else "n/a"
            if gbps == bandwidth:
                ratio += " (best fill)"
        elif ts.get(counterpart(row.distribution, ts)):
            ratio = f"{gbps / ts[counterpart(row.distribution, ts)]:.2f}"
        else:
            ratio = "n/a"
        out.append([row.implementation, row.distribution, fmt(row.seconds, 6), fmt(gbps), fmt(row.gsamples(n), 3), ratio])
    return out


def counterpart(distribution: str, tensorseed: dict[str, float | None]) -> str:
    """The TensorSeed row a peer's row is compared with: the one of the same name, else COUNTERPART's."""
    return distribution if distribution in tensorseed else COUNTERPART.get(distribution, distribution)


HEADER = ["implementation", "distribution", "seconds", "GB/s", "Gsamples/s", "÷ TensorSeed"]


def render(report: Report, command: str, markdown: bool) -> str:
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    versions = ", ".join(f"{k} {v}" for k, v in report.versions.items()) or "none"
    rows = table_rows(report)
    caption = (f"{report.elements} float32 ({report.elements * 4 / 2**20:.3g} MiB) per fill into an already-touched "
               f"buffer, best of {report.repeats}. GB/s = 4 bytes × elements / seconds / 1e9. "
               "÷ TensorSeed = this row's GB/s ÷ TensorSeed's for the same distribution (above 1: faster than "
               "TensorSeed); for the fill rows (memory write bandwidth) it is TensorSeed's GB/s ÷ the fill's.")
    if "kaiming_normal" in element_rows(report):
        caption += (f" kaiming_normal: fan_in, relu on an (elements / {KAIMING_COLUMNS}) × {KAIMING_COLUMNS} weight "
                    "(TensorSeed through its scheme API, torch `kaiming_normal_`).")
    if report.orthogonal_size:
        n = report.orthogonal_size
        caption += (f" orthogonal: one {n} × {n} float32 matrix ({n * n * 4 / 2**20:.3g} MiB) per call, best of "
                    f"{report.orthogonal_repeats}; TensorSeed: `tensorseed bench --distributions orthogonal` (normals "
                    "from the CPU engine, float64 Householder QR on the host), torch: `torch.nn.init.orthogonal_` "
                    "(LAPACK QR).")
    lines: list[str] = []
    if markdown:
        lines += [f"- Machine: {report.machine}",
                  f"- Date: {now}",
                  f"- Versions: Python {platform.python_version()}, {versions}",
                  f"- Command: `{command}`", ""]
        lines.append("| " + " | ".join(HEADER) + " |")
        lines.append("| " + " | ".join(["---", "---", "---:", "---:", "---:", "---"]) + " |")
        for cells in rows:
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines += ["", caption]
        for note in report.footnotes:
            lines += ["", note]
        if report.skipped:
            lines.append("")
            lines += [f"- {skip}" for skip in report.skipped]
    else:
        lines += [f"machine:  {report.machine}",
                  f"date:     {now}",
                  f"versions: Python {platform.python_version()}, {versions}",
                  f"command:  {command}", ""]
        widths = [max(len(r[i]) for r in rows + [HEADER]) for i in range(len(HEADER))]
        right = {2, 3, 4}
        for cells in [HEADER] + rows:
            lines.append("  ".join(c.rjust(w) if i in right else c.ljust(w)
                                   for i, (c, w) in enumerate(zip(cells, widths))).rstrip())
        lines += ["", caption] + report.footnotes
        if report.skipped:
            lines += [""] + report.skipped
    return "\n".join(lines)


# --------------------------------------------------------------------------- main

def integer(text: str, minimum: int) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"must be >= {minimum}: {text}")
    return value


def positive(text: str) -> int:
    return integer(text, 1)


def non_negative(text: str) -> int:
    return integer(text, 0)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description="Compare TensorSeed's CPU engine with numpy, torch and JAX random generation and with the "
                    "machine's memory write bandwidth (float32 output, already-touched buffer, best of N).")
    parser.add_argument("--elements", type=positive, default=1 << 26, help="float32 values per fill (default 2^26)")
    parser.add_argument("--repeats", type=positive, default=5, help="timed runs per row; the best is kept (default 5)")
    parser.add_argument("--orthogonal-size", type=non_negative, default=4096, metavar="N",
                        help="n of the orthogonal rows' n x n float32 matrix (default 4096; 0: no orthogonal rows)")
    parser.add_argument("--orthogonal-repeats", type=positive, default=2, metavar="R",
                        help="timed runs of the orthogonal rows; the best is kept (default 2)")
    parser.add_argument("--tensorseed", type=Path, metavar="PATH",
                        help=f"tensorseed binary (default: build it with `{shlex.join(BUILD_COMMAND)}` in the "
                             f"repository root and use {SCRATCH}/release/tensorseed)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table for BENCHMARKS.md")
    args = parser.parse_args(argv)
    command = shlex.join(["python3", os.path.relpath(__file__, REPO_ROOT)] + argv)

    report = Report(args.elements, args.repeats, args.orthogonal_size, args.orthogonal_repeats)
    if args.elements % KAIMING_COLUMNS:
        report.skipped.append(f"kaiming_normal: not measured (--elements is not a multiple of {KAIMING_COLUMNS})")
    try:
        binary = args.tensorseed if args.tensorseed else build_tensorseed()
        report.machine = machine()
        measure_tensorseed(report, binary)
    except BenchError as error:
        report.machine = report.machine or machine()
        log(f"error: TensorSeed: {error}")
        report.skipped.append(f"TensorSeed: not measured ({str(error).splitlines()[0]})")
    for measure in (measure_numpy, measure_torch, measure_jax):
        measure(report)
    for skip in report.skipped:
        log(skip)
    if not any(row.seconds for row in report.rows):
        log("error: nothing could be measured")
        return 1
    print(render(report, command, args.markdown))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)
    except MemoryError:
        log("error: out of memory; try a smaller --elements")
        sys.exit(1)
