#!/usr/bin/env python3
"""The OpenCL ICD loader is opened at run time, not linked: without it the binary still starts, `--device auto`
falls back to the CPU engine with the same bits, and `--device opencl:P.D` fails with one line naming the loader.

    python3 Tests/reference/check_loader.py .build/release/tensorseed
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_support import Tally  # noqa: E402


def main():
    tally = Tally()
    check = tally.check
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed"
    if sys.platform.startswith("linux"):
        linked = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
        check("libOpenCL" not in linked, f"the binary does not link libOpenCL (ldd: {linked.strip()!r})")
    missing = dict(os.environ, TENSORSEED_OPENCL_LIBRARY="/nonexistent/libOpenCL.so.1")
    sample = [binary, "sample", "--seed", "3", "--count", "16"]
    cpu = subprocess.run(sample + ["--device", "cpu"], capture_output=True, text=True)
    auto = subprocess.run(sample + ["--device", "auto"], capture_output=True, text=True, env=missing)
    check(auto.returncode == 0, f"--device auto without a loader exits 0 (got {auto.returncode}: {auto.stderr.strip()!r})")
    values = lambda out: [line for line in out.splitlines() if line.strip().startswith("[")]
    check(values(auto.stdout) == values(cpu.stdout) and len(values(cpu.stdout)) == 16,
          "--device auto without a loader gives the CPU engine's values")
    explicit = subprocess.run(sample + ["--device", "opencl:0.0"], capture_output=True, text=True, env=missing)
    lines = explicit.stderr.strip().splitlines()
    check(explicit.returncode != 0 and len(lines) == 1 and "ICD loader" in lines[0] and "Traceback" not in explicit.stderr,
          f"--device opencl:0.0 without a loader: one error line naming the loader (got {explicit.returncode}: {explicit.stderr!r})")
    return tally.report("loader")


if __name__ == "__main__":
    sys.exit(main())
