#!/usr/bin/env python3
"""`tensorseed devices --check`, the conformance command, on this machine's two OpenCL implementations seen
in one process (PoCL and the Oclgrind simulator, listed together through OCL_ICD_VENDORS, as a machine with
two vendors' drivers lists them): PASS for the CPU engine, PoCL and Oclgrind with exit status 0; FAIL, with
the first differing element, a reproducer that shows the difference when pasted, and exit status 1, for a
device made to flip one bit by the test hook TENSORSEED_TEST_FLIP_BIT; `--device auto` never picks the
simulator; `generate --dtype` writes the storage types as NumPy rounds them.

    python3 Tests/reference/check_conformance.py .build/release/tensorseed
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_support import Tally  # noqa: E402

POCL_ICD = "/etc/OpenCL/vendors/pocl.icd"
OCLGRIND_ICD_LIBRARY = "/usr/lib/oclgrind/liboclgrind-rt-icd.so"


def vendors_folder(tmp):
    """A folder with PoCL's .icd file and one naming Oclgrind's ICD library: both platforms in one process,
    without registering the simulator in /etc/OpenCL/vendors."""
    folder = os.path.join(tmp, "vendors")
    os.makedirs(folder)
    shutil.copy(POCL_ICD, folder)
    with open(os.path.join(folder, "oclgrind.icd"), "w") as f:
        f.write(OCLGRIND_ICD_LIBRARY + "\n")
    return folder


def listed_devices(listing):
    """{identifier: (platform line, device line)} from `tensorseed devices`."""
    devices, platform = {}, ""
    for line in listing.splitlines():
        if line.startswith("platform "):
            platform = line
        m = re.match(r"\s+(opencl:\d+\.\d+)\s+(.*)", line)
        if m:
            devices[m.group(1)] = (platform, m.group(2))
    return devices


def rows(output):
    """{engine: row text} of the check table."""
    return {m.group(1): m.group(2) for m in re.finditer(r"^(cpu|opencl:\d+\.\d+)\s+((?:PASS|FAIL).*)$", output, re.M)}


def main():
    tally = Tally()
    check = tally.check
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed")
    for path, what in ((POCL_ICD, "PoCL (Debian pocl-opencl-icd)"), (OCLGRIND_ICD_LIBRARY, "Oclgrind (Debian oclgrind)")):
        if not os.path.exists(path):
            check(False, f"{what} is not installed ({path}); scripts/ensure-deps.sh installs it")
            return tally.report("conformance")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, OCL_ICD_VENDORS=vendors_folder(tmp))
        env.pop("TENSORSEED_OPENCL_LIBRARY", None)
        env.pop("TENSORSEED_TEST_FLIP_BIT", None)

        listing = subprocess.run([binary, "devices"], env=env, capture_output=True, text=True, timeout=120).stdout
        devices = listed_devices(listing)
        pocl = next((d for d, (p, _) in devices.items() if "Portable Computing Language" in p), None)
        oclgrind = next((d for d, (p, _) in devices.items() if "Oclgrind" in p), None)
        check(pocl and oclgrind, f"both PoCL and Oclgrind are listed:\n{listing}")
        if not (pocl and oclgrind):
            return tally.report("conformance")
        check("simulator" in devices[oclgrind][1] and "<- auto" not in devices[oclgrind][1],
              f"Oclgrind (GPU+CPU+accelerator by its own account) is marked a simulator and not picked by auto:\n{listing}")
        check("auto -> cpu" in listing, f"auto falls back to the CPU engine with only PoCL and a simulator:\n{listing}")

        # The battery on every engine: full size for the CPU engine and PoCL, small for the simulator.
        start = time.monotonic()
        r = subprocess.run([binary, "devices", "--check"], env=env, capture_output=True, text=True, timeout=1200)
        seconds = time.monotonic() - start
        print(r.stdout[r.stdout.find("\ncpu "):].strip())
        print(f"(devices --check: {seconds:.1f} s)")
        table = rows(r.stdout)
        for engine, what in (("cpu", "the CPU engine"), (pocl, "PoCL"), (oclgrind, "Oclgrind")):
            check(table.get(engine, "").startswith("PASS"), f"{what} ({engine}) passes the battery: {table.get(engine)!r}")
        check(r.returncode == 0, f"exit status 0 when every engine passes (got {r.returncode}; {r.stderr.strip()!r})")
        check("small battery" in table.get(oclgrind, ""), f"the simulator gets the small battery: {table.get(oclgrind)!r}")
        # Every instruction-set path of the CPU engine this processor has is a row of its own (issue 13).
        flags = open("/proc/cpuinfo").read()
        paths = ["baseline"] + (["avx2"] if " avx2" in flags and " fma" in flags else []) \
            + (["avx512"] if all(f" avx512{x}" in flags for x in ("f", "bw", "dq", "vl")) else [])
        path_rows = dict(re.findall(r"^cpu:(\w+)\s+((?:PASS|FAIL).*)$", r.stdout, re.M))
        for path in paths:
            check(path_rows.get(path, "").startswith("PASS"), f"the CPU engine's {path} path passes: {path_rows.get(path)!r}")
        hooked = dict(env, TENSORSEED_TEST_FLIP_BIT=f"cpu:{paths[-1]}")
        r = subprocess.run([binary, "devices", "--check", "--size", "small", "--device", f"cpu:{paths[-1]}", "--device", "cpu:baseline"],
                           env=hooked, capture_output=True, text=True, timeout=600)
        path_rows = dict(re.findall(r"^cpu:(\w+)\s+((?:PASS|FAIL).*)$", r.stdout, re.M))
        if paths[-1] != "baseline":
            check(r.returncode == 1 and path_rows.get(paths[-1], "").startswith("FAIL") and path_rows.get("baseline", "").startswith("PASS"),
                  f"a path with a flipped bit fails on its own row (exit {r.returncode}):\n{r.stdout}")

        # The test hook: PoCL flips bit 0 of element 7 of every stream.
        hooked = dict(env, TENSORSEED_TEST_FLIP_BIT=pocl)
        r = subprocess.run([binary, "devices", "--check", "--size", "small", "--device", "cpu", "--device", pocl],
                           env=hooked, capture_output=True, text=True, timeout=600)
        table = rows(r.stdout)
        check(r.returncode == 1, f"exit status 1 with a failing device (got {r.returncode})")
        check(table.get("cpu", "").startswith("PASS"), f"the CPU engine still passes: {table.get('cpu')!r}")
        check(table.get(pocl, "").startswith("FAIL"), f"the device with a flipped bit fails: {table.get(pocl)!r}")
        m = re.search(r"element (\d+): expected 0x([0-9a-f]+), actual 0x([0-9a-f]+)", r.stdout)
        check(m and m.group(1) == "7" and int(m.group(2), 16) ^ int(m.group(3), 16) == 1,
              f"the FAIL row names element 7 and bits one apart:\n{r.stdout}")
        commands = [line.strip() for line in r.stdout.splitlines() if line.strip().startswith(("tensorseed ", "cmp "))]
        check(len(commands) == 3, f"a reproducer of two generate commands and a cmp:\n{r.stdout}")
        work = os.path.join(tmp, "reproduce")
        os.makedirs(work)
        outputs = []
        for command in commands:
            words = shlex.split(command.split("#")[0])
            target = None
            if ">" in words:   # tensorseed generate ... --output - > FILE
                words, target = words[:words.index(">")], words[words.index(">") + 1]
            if words[0] == "tensorseed":
                words[0] = binary
            if target:
                with open(os.path.join(work, target), "wb") as f:
                    outputs.append(subprocess.run(words, env=hooked, cwd=work, stdout=f, stderr=subprocess.PIPE, timeout=120))
            else:
                outputs.append(subprocess.run(words, env=hooked, cwd=work, capture_output=True, text=True, timeout=120))
        check(all(o.returncode == 0 for o in outputs[:2]), f"the generate commands run: {[o.stderr for o in outputs[:2]]}")
        stated = re.search(r"first difference at byte (\d+)", r.stdout)
        check(len(outputs) == 3 and outputs[2].returncode == 1 and stated and f"byte {stated.group(1)}," in outputs[2].stdout,
              f"pasted, cmp shows the difference at the stated byte: {outputs[-1].stdout!r}, {stated and stated.group(0)}")

        # An engine that does not exist is a FAIL row, not a crash.
        r = subprocess.run([binary, "devices", "--check", "--device", "opencl:9.0"], env=env, capture_output=True, text=True,
                           timeout=120)
        check(r.returncode == 1 and rows(r.stdout).get("opencl:9.0", "").startswith("FAIL  cannot use opencl:9.0"),
              f"a missing device: a FAIL row and exit status 1 ({r.returncode}: {r.stdout[-300:]!r})")

        # generate --dtype: float16 and float64 as NumPy converts the float32 values; bfloat16 round to nearest even.
        base = [binary, "generate", "--device", "cpu", "--seed", "3", "--name", "d", "--offset", "29", "--count", "4099",
                "--distribution", "normal", "--std=300"]
        files = {}
        for dtype in ("f32", "f16", "bf16", "f64"):
            files[dtype] = os.path.join(tmp, f"d.{dtype}")
            subprocess.run(base + ["--dtype", dtype, "--output", files[dtype]], check=True, capture_output=True, timeout=120)
        f32 = np.fromfile(files["f32"], dtype="<f4")
        check(np.array_equal(np.fromfile(files["f64"], dtype="<f8"), f32.astype(np.float64)), "--dtype f64 is float32 widened")
        check(np.array_equal(np.fromfile(files["f16"], dtype="<u2"), f32.astype(np.float16).view(np.uint16)),
              "--dtype f16 is NumPy's float32 -> float16 rounding")
        b = f32.view(np.uint32).astype(np.uint64)
        bf16 = ((b + 0x7FFF + ((b >> 16) & 1)) >> 16).astype(np.uint16)
        check(np.array_equal(np.fromfile(files["bf16"], dtype="<u2"), bf16), "--dtype bf16 rounds to nearest even")
        r = subprocess.run(base + ["--dtype", "bf16", "--output", os.path.join(tmp, "x.npy")], capture_output=True, text=True)
        check(r.returncode != 0 and "NumPy has no bfloat16" in r.stderr and not os.path.exists(os.path.join(tmp, "x.npy")),
              f"--dtype bf16 to .npy is refused with a reason: {r.stderr.strip()!r}")
        # Benchmarks/gpu/run.sh end to end on PoCL (alone, as the GPU run would see one vendor), small size:
        # devices, the conformance battery, bench, init on the device and the CPU engine, cmp.
        pocl_only = os.path.join(tmp, "pocl-only")
        os.makedirs(pocl_only)
        shutil.copy(POCL_ICD, pocl_only)
        script = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                              "Benchmarks", "gpu", "run.sh")
        out = os.path.join(tmp, "gpu-run")
        r = subprocess.run(["bash", script, "--binary", binary, "--device", "opencl:0.0", "--size", "small", "--out", out],
                           env=dict(env, OCL_ICD_VENDORS=pocl_only), capture_output=True, text=True, timeout=900)
        tail = r.stdout[r.stdout.rfind("== summary"):]
        check(r.returncode == 0 and "conformance: every engine PASS" in tail and "files are identical" in tail
              and tail.count("bench: ") >= 6 and os.path.exists(os.path.join(out, "run.log")),
              f"Benchmarks/gpu/run.sh --size small runs end to end on PoCL (exit {r.returncode}):\n{tail or r.stdout[-2000:]}{r.stderr[-1000:]}")
    return tally.report("conformance")


if __name__ == "__main__":
    sys.exit(main())
