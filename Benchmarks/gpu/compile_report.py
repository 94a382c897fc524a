#!/usr/bin/env python3
"""What GPU compilers make of kernels/tensorseed.cl, offline, without a GPU: for every kernel and both
layouts (-DTS_LANES=8, the vector layout; -DTS_LANES=1, the GPU layout):

- AMD gfx906 (Debian clang-15 + libclc-15): NumVgprs, ScratchSize (bytes per work-item), Occupancy (waves
  per SIMD, of 10), read from the assembly's comments;
- NVIDIA sm_90, H100/H200 (only when PyPI's `triton` wheel, which ships ptxas and cuobjdump, is installed,
  or $PTXAS names ptxas): registers and spill bytes from `ptxas -v`, and SASS instructions per element
  on the full-group path (sass_paths.py).

The pipeline is a driver's: the OpenCL C compiled to LLVM IR (every function inlined, as AMD's and NVIDIA's
OpenCL compilers do), linked with libclc's built-ins, optimized (opt -O3), then code generation (llc; ptxas).
For the instruction counts the constant-trip loops (Philox's ten rounds) are also fully unrolled, so that
the loop body is straight-line code whose instructions can be counted on one path.

    python3 Benchmarks/gpu/compile_report.py            # the tables
    python3 Benchmarks/gpu/compile_report.py --check    # CI: exit 1 if the GPU layout spills to scratch
                                                        # or its occupancy is below --min-occupancy (8),
                                                        # or a helper has no out-of-line definition
    python3 Benchmarks/gpu/compile_report.py --markdown # the tables for BENCHMARKS.md

--check applies to the GPU layout only, and only when the kernel source reads TS_LANES (before the GPU
layout exists, both "layouts" are the same code: the report says so and the check passes).
"""
import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sass_paths  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LAYOUTS = ((8, "vector8"), (1, "scalar"))
AMD_LIBCLC = "/usr/lib/clc/gfx906-amdgcn--.bc"
NVPTX_LIBCLC = "/usr/lib/clc/nvptx64--nvidiacl.bc"
TOOLS = ("clang-15", "llvm-link-15", "opt-15", "llc-15")
# Every function inlined, as the GPU drivers do (the kernels' C99 `inline` functions have no out-of-line
# definition to call otherwise).
INLINE_ALL = ["-mllvm", "-inline-threshold=100000"]
# A driver that inlines nothing: `always_inline` read as `noinline`. Every helper must then still be defined in
# the program (`static inline`; a C99 `inline` definition without `static` is no external definition).
NO_INLINING = ["-Dalways_inline=noinline"]


def run(command):
    r = subprocess.run(command, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}:\n{r.stderr.strip()}")
    return r.stdout


def llvm_module(source, lanes, target, libclc, folder, unroll=False, inline=True):
    """The optimized, linked LLVM bitcode of the kernels for one target and layout."""
    tag = f"{target.split('-')[0]}-{lanes}{'-unrolled' if unroll else ''}{'' if inline else '-plain'}"
    ir, linked, optimized = (os.path.join(folder, f"{tag}.{ext}") for ext in ("bc", "linked.bc", "opt.bc"))
    run(["clang-15", "-cl-std=CL1.2", "-Xclang", "-finclude-default-header", "-target", target]
        + (["-mcpu=gfx906"] if target.startswith("amdgcn") else []) + (INLINE_ALL if inline else NO_INLINING)
        + ["-emit-llvm", "-c", f"-DTS_LANES={lanes}", source, "-o", ir])
    run(["llvm-link-15", ir, libclc, "-o", linked])
    run(["opt-15", "-O3"] + (["-unroll-threshold=100000"] if unroll else []) + [linked, "-o", optimized])
    return optimized


def undefined_functions(module):
    """Functions the module calls but does not define (intrinsics aside)."""
    text = run(["llvm-dis-15", module, "-o", "-"])
    return sorted(set(re.findall(r"^declare [^@]*@([A-Za-z_][\w.]*)\(", text, re.M)) - {""}
                  - {n for n in re.findall(r"^declare [^@]*@(llvm\.[\w.]+)\(", text, re.M)})


def amd_figures(source, lanes, folder):
    """{kernel: {NumVgprs, ScratchSize, Occupancy}} for gfx906."""
    module = llvm_module(source, lanes, "amdgcn---", AMD_LIBCLC, folder)
    assembly = run(["llc-15", "-mtriple=amdgcn---", "-mcpu=gfx906", module, "-o", "-"])
    figures, kernel = {}, None
    for line in assembly.splitlines():
        m = re.match(r"^(\w+):\s+; @", line)
        if m:
            kernel = m.group(1)
        m = re.match(r"^; (NumVgprs|ScratchSize|Occupancy): (\d+)", line)
        if m and kernel:
            figures.setdefault(kernel, {})[m.group(1)] = int(m.group(2))
    return figures


def nvidia_tools():
    """(ptxas, cuobjdump) from $PTXAS or the triton wheel, or None."""
    if os.environ.get("PTXAS"):
        ptxas = os.environ["PTXAS"]
        return ptxas, os.path.join(os.path.dirname(ptxas), "cuobjdump")
    spec = importlib.util.find_spec("triton")
    if spec and spec.submodule_search_locations:
        folder = os.path.join(spec.submodule_search_locations[0], "backends", "nvidia", "bin")
        if os.path.exists(os.path.join(folder, "ptxas")):
            return os.path.join(folder, "ptxas"), os.path.join(folder, "cuobjdump")
    return None


def nvidia_figures(source, lanes, folder, ptxas, cuobjdump):
    """{kernel: {registers, spills, registers_unrolled, per_element, opcodes, note}} for sm_90."""
    figures = {}
    for unroll in (False, True):
        module = llvm_module(source, lanes, "nvptx64--nvidiacl", NVPTX_LIBCLC, folder, unroll=unroll)
        ptx = module.replace(".opt.bc", ".ptx")
        cubin = module.replace(".opt.bc", ".cubin")
        run(["llc-15", "-mtriple=nvptx64--nvidiacl", "-mcpu=sm_80", "-mattr=+ptx75", module, "-o", ptx])
        log = subprocess.run([ptxas, "-arch=sm_90", "-v", ptx, "-o", cubin], capture_output=True, text=True)
        if log.returncode != 0:
            raise RuntimeError(f"ptxas: {log.stderr.strip()}")
        kernel = None
        for line in log.stderr.splitlines():
            m = re.search(r"Compiling entry function '(\w+)'", line)
            if m:
                kernel = m.group(1)
            m = re.search(r"(\d+) bytes spill stores, (\d+) bytes spill loads", line)
            if m and kernel and not unroll:
                figures.setdefault(kernel, {})["spills"] = int(m.group(1)) + int(m.group(2))
            m = re.search(r"Used (\d+) registers", line)
            if m and kernel:
                figures.setdefault(kernel, {})["registers_unrolled" if unroll else "registers"] = int(m.group(1))
        if unroll:
            sass = run([cuobjdump, "-sass", cubin])
            for name, instructions in sass_paths.functions(sass).items():
                path = sass_paths.full_group_path(instructions, 4 * lanes)
                if path and name in figures:
                    total, opcodes, note = path
                    figures[name].update(per_element=total / (4 * lanes), opcodes=opcodes, note=note,
                                         elements=4 * lanes)
    return figures


def honours_lanes(source, folder):
    """Whether -DTS_LANES changes the compiled code (the source reads TS_LANES)."""
    text = open(source).read()
    if "TS_LANES" not in text:
        return False
    a = run(["llvm-dis-15", llvm_module(source, 8, "amdgcn---", AMD_LIBCLC, folder), "-o", "-"])
    b = run(["llvm-dis-15", llvm_module(source, 1, "amdgcn---", AMD_LIBCLC, folder), "-o", "-"])
    strip = lambda s: re.sub(r"^(; ModuleID|source_filename).*$", "", s, flags=re.M)  # noqa: E731
    return strip(a) != strip(b)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kernel", default=os.path.join(ROOT, "kernels", "tensorseed.cl"))
    parser.add_argument("--check", action="store_true", help="exit 1 if the GPU layout uses scratch or its occupancy is low, or if a helper "
                        "has no out-of-line definition (C99 `inline` without `static`)")
    parser.add_argument("--min-occupancy", type=int, default=int(os.environ.get("TS_GPU_MIN_OCCUPANCY", "8")),
                        help="lowest gfx906 occupancy (waves per SIMD, of 10) the GPU layout may have (default 8, "
                        "or $TS_GPU_MIN_OCCUPANCY)")
    parser.add_argument("--no-nvidia", action="store_true", help="skip the NVIDIA figures even if ptxas is found")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    args = parser.parse_args()

    missing = [t for t in TOOLS + ("llvm-dis-15",) if not shutil.which(t)]
    missing += [f for f in (AMD_LIBCLC, NVPTX_LIBCLC) if not os.path.exists(f)]
    if missing:
        print(f"compile report: missing {', '.join(missing)} (Debian clang-15, llvm-15, libclc-15; scripts/ensure-deps.sh "
              "installs them)", file=sys.stderr)
        return 1
    source = os.path.abspath(args.kernel)
    failures = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            layered = honours_lanes(source, folder)
            layouts = LAYOUTS if layered else LAYOUTS[:1]
            amd = {lanes: amd_figures(source, lanes, folder) for lanes, _ in layouts}
            plain = undefined_functions(llvm_module(source, 8, "amdgcn---", AMD_LIBCLC, folder, inline=False))
        except RuntimeError as error:
            print(f"compile report: the kernels do not compile for gfx906: {error}", file=sys.stderr)
            return 1
        tools = None if args.no_nvidia else nvidia_tools()
        nvidia = {}
        if tools:
            try:
                nvidia = {lanes: nvidia_figures(source, lanes, folder, *tools) for lanes, _ in layouts}
            except RuntimeError as error:
                print(f"compile report: NVIDIA figures unavailable: {error}", file=sys.stderr)

    name = os.path.relpath(source, ROOT)
    if not layered:
        print(f"{name} does not read TS_LANES: only the vector8 layout exists (both builds are the same code); "
              "the GPU-layout check (no scratch, occupancy) is not applied")
    bar = "|" if args.markdown else ""
    header = ["kernel", "layout", "gfx906 VGPRs", "scratch B", "occupancy /10"]
    if nvidia:
        header += ["sm_90 regs", "spill B", "SASS instr/element", "regs unrolled"]
    lines = [header]
    for lanes, layout in layouts:
        for kernel in sorted(amd[lanes]):
            f = amd[lanes][kernel]
            row = [kernel, f"{layout} (TS_LANES={lanes})", str(f.get("NumVgprs")), str(f.get("ScratchSize")),
                   str(f.get("Occupancy"))]
            n = nvidia.get(lanes, {}).get(kernel)
            if nvidia:
                row += ([str(n.get("registers")), str(n.get("spills")), f"{n['per_element']:.1f}" if "per_element" in n else "?",
                         str(n.get("registers_unrolled"))] if n else ["?"] * 4)
            lines.append(row)
            if lanes == 1 and args.check:
                if f.get("ScratchSize", 1) > 0:
                    failures.append(f"{kernel} (scalar layout) uses {f.get('ScratchSize')} bytes of scratch per work-item on gfx906")
                if f.get("Occupancy", 0) < args.min_occupancy:
                    failures.append(f"{kernel} (scalar layout) has occupancy {f.get('Occupancy')} on gfx906 (< {args.min_occupancy})")
    widths = [max(len(r[c]) for r in lines) for c in range(len(header))]
    for k, row in enumerate(lines):
        print(bar + bar.join(f" {cell.ljust(widths[c])} " if bar else cell.ljust(widths[c] + 2) for c, cell in enumerate(row)) + bar)
        if k == 0 and bar:
            print(bar + bar.join("-" * (w + 2) for w in widths) + bar)
    if nvidia:
        print("\nSASS instructions per element on the full-group path (float32, every element of the group stored), "
              "by opcode (the most frequent):")
        for lanes, layout in layouts:
            for kernel, f in sorted(nvidia[lanes].items()):
                if "opcodes" in f:
                    stems = Counter()
                    for op, count in f["opcodes"].items():
                        stems[op.split(".")[0]] += count
                    common = ", ".join(f"{op} {count / f['elements']:.1f}" for op, count in stems.most_common(9))
                    print(f"  {kernel} {layout}: {f['per_element']:.1f} = {common}" + (f" ({f['note']})" if f["note"] else ""))
    elif not args.no_nvidia:
        print("(NVIDIA figures: install PyPI's triton wheel, which ships ptxas and cuobjdump, or set PTXAS)")
    if plain:
        print(f"note: without inlining, the code calls functions it never defines: {', '.join(plain)} "
              "(C99 `inline` emits no out-of-line definition; `static inline` would): a driver that does not inline "
              "them cannot link the program")
        if args.check:
            failures.append(f"helpers without an out-of-line definition (make them `static inline`): {', '.join(plain)}")
    for failure in failures:
        print(f"FAIL: {failure}")
    if args.check:
        print("gpu compile check: " + ("FAIL" if failures else "pass")
              + ("" if layered else " (vector8 layout only; nothing to gate yet)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
