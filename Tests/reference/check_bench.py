#!/usr/bin/env python3
"""Checks `tensorseed bench` argument validation and the shape of its rows (never its speed), and that
Benchmarks/peers/peers.py reads them.

    python3 Tests/reference/check_bench.py .build/release/tensorseed
"""
import json
import math
import os
import re
import subprocess
import sys

ROWS = ["uniform", "normal", "truncated_normal", "kaiming_normal", "orthogonal"]
PEERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Benchmarks", "peers", "peers.py")

# Arguments that must be refused, and a piece of the one error line that says why.
REFUSED = [
    (["--distributions", "uniform,bogus"], "unknown distribution 'bogus' in --distributions (use " + ", ".join(ROWS) + ")"),
    (["--distributions", "uniform,,normal"], "unknown distribution ''"),
    (["--distributions", ""], "--distributions is empty"),
    (["--distributions", "kaiming_normal", "--elements", "1000"], "--elements must be a multiple of 1024 for kaiming_normal"),
    (["--elements", "1000"], "--elements must be a multiple of 1024 for kaiming_normal"),   # the default list has it
    (["--orthogonal-size", "0"], "--orthogonal-size must be > 0"),
    (["--orthogonal-size=-4"], "--orthogonal-size must be > 0"),
    (["--orthogonal-size", "4294967296"], "--orthogonal-size must be > 0"),   # its square's bytes overflow
    (["--repeats", "0"], "--repeats must be > 0"),
    # More than any test machine's memory: refused up front instead of an allocation crash.
    (["--distributions", "orthogonal", "--orthogonal-size", "1000000"], "the measurement needs more than this machine's"),
    (["--distributions", "uniform", "--elements", "1000000000000"], "the measurement needs more than this machine's"),
]

SMOKE = ["--device", "cpu", "--elements", "2048", "--repeats", "1", "--orthogonal-size", "16", "--threads", "1"]


def bench(binary, arguments):
    return subprocess.run([binary, "bench", *arguments], capture_output=True, text=True, timeout=300)


def check_refused(binary):
    failures = []
    for arguments, reason in REFUSED:
        result = bench(binary, arguments)
        first = result.stderr.strip().splitlines()[0] if result.stderr.strip() else ""
        if result.returncode == 0 or not first.startswith("Error: ") or reason not in first:
            failures.append(f"bench {arguments}: exit {result.returncode}, first error line {first!r}; wanted {reason!r}")
    return failures


def check_json_rows(binary):
    result = bench(binary, SMOKE + ["--json"])
    if result.returncode != 0:
        return [f"bench --json exited {result.returncode}: {result.stderr.strip()}"]
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    failures = []
    if [row["distribution"] for row in rows] != ROWS:
        failures.append(f"bench --json rows {[row['distribution'] for row in rows]}, wanted {ROWS}")
    shapes = {"uniform": [2048], "normal": [2048], "truncated_normal": [2048], "kaiming_normal": [2, 1024],
              "orthogonal": [16, 16]}
    for row in rows:
        want = shapes.get(row["distribution"])
        if row.get("shape") != want or row.get("elements") != math.prod(want or [0]):
            failures.append(f"{row['distribution']}: shape {row.get('shape')}, elements {row.get('elements')}; wanted {want}")
        numbers = [row.get(key) for key in ("seconds", "gbps", "gsamples_per_s", "ratio_cpu", "memset_gbps")]
        if not all(isinstance(x, (int, float)) and math.isfinite(x) and x > 0 for x in numbers):
            failures.append(f"{row['distribution']}: not positive finite numbers: {row}")
    return failures


def check_table(binary):
    result = bench(binary, SMOKE + ["--distributions", "kaiming_normal,orthogonal"])
    lines = result.stdout.splitlines()
    header = next((line for line in lines if line.startswith("engine / device")), "")
    body = [line.split() for line in lines if line.startswith("cpu")]
    if result.returncode != 0 or "shape" not in header or "seconds" not in header:
        return [f"bench table: exit {result.returncode}, header {header!r}"]
    cells = [(words[3], words[4]) for words in body]   # "cpu (1 thread)" is three words
    if cells != [("kaiming_normal", "2x1024"), ("orthogonal", "16x16")]:
        return [f"bench table rows {cells}"]
    return []


def check_peers(binary):
    result = subprocess.run([sys.executable, PEERS, "--tensorseed", binary, "--elements", "2048", "--repeats", "1",
                             "--orthogonal-size", "16", "--orthogonal-repeats", "1"],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        return [f"peers.py exited {result.returncode}: {result.stderr.strip().splitlines()[-1:]}"]
    cells = [re.split(r"\s{2,}", line) for line in result.stdout.splitlines() if line.startswith("TensorSeed cpu")]
    found = {row[1] for row in cells if len(row) > 1}
    missing = set(ROWS) - found
    return [f"peers.py table has no TensorSeed row for {sorted(missing)}"] if missing else []


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed"
    failures, passed = [], 0
    for check in (check_refused, check_json_rows, check_table, check_peers):
        found = check(binary)
        failures += found
        passed += not found
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"bench: {passed} of 4 checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
