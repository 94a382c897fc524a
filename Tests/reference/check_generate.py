#!/usr/bin/env python3
"""`tensorseed generate` streams any --count through a bounded buffer: its output equals the same range on
standard output and split across calls; a count larger than the disk fails at once with one line and leaves
nothing; Ctrl-C mid-write exits 130 and leaves nothing.

    python3 Tests/reference/check_generate.py .build/release/tensorseed
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_support import Tally, default_signals  # noqa: E402


def main():
    tally = Tally()
    check = tally.check
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed"
    base = [binary, "generate", "--device", "cpu", "--seed", "9", "--name", "g"]
    with tempfile.TemporaryDirectory(dir=os.getcwd()) as tmp:
        # 3 chunks of 2^22 and a partial one, against standard output and two half ranges.
        count = 3 * (1 << 22) + 12345
        whole = os.path.join(tmp, "whole.f32")
        subprocess.run(base + ["--count", str(count), "--output", whole], check=True, capture_output=True)
        stdout = subprocess.run(base + ["--count", str(count), "--output", "-"], check=True, capture_output=True).stdout
        halves = b""
        for offset, n in ((0, count // 2), (count // 2, count - count // 2)):
            part = os.path.join(tmp, f"part{offset}.f32")
            subprocess.run(base + ["--offset", str(offset), "--count", str(n), "--output", part], check=True, capture_output=True)
            halves += open(part, "rb").read()
        data = open(whole, "rb").read()
        check(len(data) == 4 * count, f"{count} elements give {4 * count} bytes (got {len(data)})")
        check(data == stdout, "the file equals standard output")
        check(data == halves, "the file equals its two halves generated apart")

        # More than the disk holds: refused before writing.
        huge = os.path.join(tmp, "huge.f32")
        before = sorted(os.listdir(tmp))
        r = subprocess.run(base + ["--count", str(1 << 50), "--output", huge], capture_output=True, text=True, timeout=60)
        lines = [l for l in r.stderr.splitlines() if not l.startswith("engine:")]
        check(r.returncode != 0 and len(lines) == 1 and "no space left" in lines[0] and sorted(os.listdir(tmp)) == before,
              f"a count larger than the disk: one line, nothing left (exit {r.returncode}: {r.stderr!r})")

        # Ctrl-C mid-write.
        big = os.path.join(tmp, "big.f32")
        p = subprocess.Popen(base + ["--count", str(1 << 31), "--output", big], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=default_signals)
        time.sleep(0.7)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=120)
        left = sorted(set(os.listdir(tmp)) - set(before))
        check(p.returncode == 130 and not left and "interrupted" in err,
              f"SIGINT mid-write: exit 130, nothing left (exit {p.returncode}, left {left}, {err.strip()!r})")
    return tally.report("generate")


if __name__ == "__main__":
    sys.exit(main())
