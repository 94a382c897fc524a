#!/usr/bin/env python3
"""TensorSeed's kernels under Oclgrind's checkers, through the engine itself.

Each test of OclgrindCheckTests runs in a process of its own, with Oclgrind's runtime loaded directly
(TENSORSEED_OPENCL_LIBRARY: the COpenCL shim dlopens it, so the `oclgrind` wrapper's LD_PRELOAD is not needed)
and the checkers switched on by the variables the runtime reads: OCLGRIND_CHECK_API (API misuse),
OCLGRIND_UNINITIALIZED, OCLGRIND_DATA_RACES; out-of-bounds accesses are always checked. Kernel reports go to
OCLGRIND_LOG; API reports are written to standard error (the runtime ignores OCLGRIND_LOG), so both are read.

- testEveryKernelUnderTheCheckers, once per kernel layout (TENSORSEED_OPENCL_LAYOUT): zero reports.
- each planted fault: its checker's report; and, for the checkers a variable switches on, no such report
  without the variable, which shows that the variable (not something else) is what switched it on.

    python3 Tests/oclgrind/check_oclgrind.py .build/release/TensorSeedPackageTests.xctest   # the built test bundle (Linux)
    python3 Tests/oclgrind/check_oclgrind.py swift test --skip-build --disable-swift-testing  # or any test command
"""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from check_support import Tally  # noqa: E402

RUNTIME = os.environ.get("TENSORSEED_OCLGRIND_RUNTIME", "/usr/lib/oclgrind/liboclgrind-rt.so")
CHECKERS = {"OCLGRIND_CHECK_API": "1", "OCLGRIND_UNINITIALIZED": "1", "OCLGRIND_DATA_RACES": "1"}
LAYOUTS = ["vector8", "scalar"]
MARKER = "oclgrind-check: ran"
# (test, fault, what its report must contain, the variable that switches its checker on or None if always on)
PLANTED = [
    ("testPlantedReadPastTheRange", "a read one element past the range", r"Invalid read of size 4 at global memory", None),
    ("testPlantedUninitializedRead", "an uninitialized value", r"Uninitialized value written to global memory", "OCLGRIND_UNINITIALIZED"),
    ("testPlantedDataRace", "a data race", r"Write-write data race at global memory", "OCLGRIND_DATA_RACES"),
    ("testPlantedAPIMisuse", "an API misuse", r"Function: clSetKernelArg\s+Error:\s+CL_INVALID_ARG_INDEX", "OCLGRIND_CHECK_API"),
]


def reports(log, output):
    """Everything Oclgrind reported: the log file's text and the runtime's blocks in the process output
    (a line starting 'Oclgrind - ' or 'Oclgrind: ' and the indented lines after it)."""
    found = [log.strip()] if log.strip() else []
    block = None
    for line in output.splitlines():
        if line.startswith(("Oclgrind - ", "Oclgrind: ")):
            block = [line]
            found.append(block)
        elif block is not None and line.startswith("\t"):
            block.append(line)
        else:
            block = None
    return "\n".join(f if isinstance(f, str) else "\n".join(f) for f in found)


def run(command, test, tmp, extra=None, without=None):
    """Runs one test in its own process; returns (exit status, output, reports, seconds)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OCLGRIND_")}
    env.update(CHECKERS)
    env.pop(without, None)
    log = os.path.join(tmp, f"{test}-{len(os.listdir(tmp))}.log")
    env.update({"TENSORSEED_OCLGRIND_CHECK": "1", "TENSORSEED_OPENCL_LIBRARY": RUNTIME, "OCLGRIND_LOG": log}, **(extra or {}))
    start = time.monotonic()
    if len(command) == 1 and command[0].endswith(".xctest"):   # the test bundle itself (Linux): no package loading
        argv = command + [f"TensorSeedTests.OclgrindCheckTests/{test}"]
    else:
        argv = command + ["--filter", f"OclgrindCheckTests/{test}$"]
    r = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    seconds = time.monotonic() - start
    text = open(log, encoding="utf-8", errors="replace").read() if os.path.exists(log) else ""
    output = r.stdout + r.stderr
    return r.returncode, output, reports(text, output), seconds


def shorten(text, lines=30):
    parts = text.splitlines()
    return "\n".join(parts[:lines] + ([f"... ({len(parts) - lines} more lines)"] if len(parts) > lines else []))


def main():
    command = sys.argv[1:] or ["swift", "test", "--skip-build", "--disable-swift-testing"]
    if not os.path.exists(RUNTIME):
        print(f"oclgrind: the runtime {RUNTIME} is missing (Debian package oclgrind; scripts/ensure-deps.sh installs it)")
        return 1
    tally = Tally()
    check = tally.check
    with tempfile.TemporaryDirectory() as tmp:
        for layout in LAYOUTS:
            status, output, found, seconds = run(command, "testEveryKernelUnderTheCheckers", tmp, {"TENSORSEED_OPENCL_LAYOUT": layout})
            runs = [line for line in output.splitlines() if line.startswith(MARKER)]
            check(status == 0 and runs and all("Oclgrind" in line for line in runs),
                  f"layout {layout}: the kernels ran on Oclgrind and the test passed (exit {status}, {len(runs)} runs)\n{shorten(output)}")
            check(not found, f"layout {layout}: Oclgrind reported on the kernels:\n{shorten(found)}")
            print(f"layout {layout}: {len(runs)} kernel runs under --check-api --uninitialized --data-races and bounds checks, "
                  f"{'no' if not found else 'some'} reports ({seconds:.1f} s)")
        for test, fault, pattern, variable in PLANTED:
            status, output, found, seconds = run(command, test, tmp)
            check(status == 0 and MARKER in output, f"{test} ran and passed (exit {status})\n{shorten(output)}")
            check(re.search(pattern, found), f"{fault}: Oclgrind did not report /{pattern}/; it reported:\n{shorten(found)}")
            print(f"{fault}: {'caught' if re.search(pattern, found) else 'MISSED'} ({seconds:.1f} s)")
            if variable:
                status, output, found, _ = run(command, test, tmp, without=variable)
                check(status == 0 and MARKER in output and not re.search(pattern, found),
                      f"{fault} without {variable}: expected no /{pattern}/ report (exit {status})\n{shorten(found)}")
    return tally.report("oclgrind checkers")


if __name__ == "__main__":
    sys.exit(main())
