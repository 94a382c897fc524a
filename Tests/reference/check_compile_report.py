#!/usr/bin/env python3
"""The offline GPU compile check (Benchmarks/gpu/compile_report.py --check): it passes on kernels/tensorseed.cl
and prints its gfx906 figures; on a kernel whose GPU layout (-DTS_LANES=1) needs scratch memory it fails and
names the kernel; on a kernel that does not read TS_LANES it says so and gates nothing; on a helper that is
C99 `inline` without `static` (no definition for a driver that does not inline) it fails and names it.

    python3 Tests/reference/check_compile_report.py
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_support import Tally  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPORT = os.path.join(ROOT, "Benchmarks", "gpu", "compile_report.py")

# A kernel per layout: the scalar one indexes a private array by a run-time value, which puts the array in
# scratch memory; the vector one does not.
SCRATCH_KERNEL = """
__kernel void fill_uniform(__global uint *out, uint n) {
#if TS_LANES == 1
    uint table[256];
    for (uint i = 0; i < 256; i++) table[i] = i * n;
    out[get_global_id(0)] = table[(get_global_id(0) * n) & 255];
#else
    out[get_global_id(0)] = n;
#endif
}
"""
PLAIN_KERNEL = """
__kernel void fill_uniform(__global uint *out, uint n) { out[get_global_id(0)] = n; }
"""
# A helper as C99 `inline` (no `static`): a driver that does not inline it finds no definition to call.
HELPER_KERNEL = """
%s __attribute__((always_inline)) uint twice(uint x) { return 2u * x; }
__kernel void fill_uniform(__global uint *out, uint n) { out[get_global_id(0)] = twice(n); }
"""


def report(*arguments):
    return subprocess.run([sys.executable, REPORT, "--check", "--no-nvidia", *arguments], capture_output=True, text=True,
                          timeout=600)


def main():
    tally = Tally()
    check = tally.check
    r = report()
    print(r.stdout.strip())
    check(r.returncode == 0 and "gpu compile check: pass" in r.stdout,
          f"kernels/tensorseed.cl passes the compile check (exit {r.returncode}): {r.stderr.strip()}")
    check("fill_normal" in r.stdout and "occupancy" in r.stdout, "the figures of every kernel are printed")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = os.path.join(tmp, "scratch.cl")
        with open(scratch, "w") as f:
            f.write(SCRATCH_KERNEL)
        r = report("--kernel", scratch)
        check(r.returncode == 1 and "FAIL: fill_uniform (scalar layout) uses" in r.stdout and "scratch" in r.stdout,
              f"a GPU layout that needs scratch fails the check (exit {r.returncode}):\n{r.stdout}{r.stderr}")
        r = report("--kernel", scratch, "--min-occupancy", "11")
        check(r.returncode == 1 and "occupancy" in r.stdout.split("FAIL:", 1)[-1],
              f"an occupancy below --min-occupancy fails the check:\n{r.stdout}{r.stderr}")
        plain = os.path.join(tmp, "plain.cl")
        with open(plain, "w") as f:
            f.write(PLAIN_KERNEL)
        r = report("--kernel", plain, "--min-occupancy", "11")
        check(r.returncode == 0 and "does not read TS_LANES" in r.stdout,
              f"a kernel without TS_LANES is reported as one layout and not gated (exit {r.returncode}):\n{r.stdout}")
        for qualifiers, fails in (("inline", True), ("static inline", False)):
            helper = os.path.join(tmp, "helper.cl")
            with open(helper, "w") as f:
                f.write(HELPER_KERNEL % qualifiers)
            r = report("--kernel", helper)
            failed = r.returncode == 1 and "FAIL: helpers without an out-of-line definition" in r.stdout and "twice" in r.stdout
            check(failed if fails else r.returncode == 0,
                  f"a `{qualifiers}` helper {'fails' if fails else 'passes'} the check (exit {r.returncode}):\n{r.stdout}{r.stderr}")
    return tally.report("compile report")


if __name__ == "__main__":
    sys.exit(main())
