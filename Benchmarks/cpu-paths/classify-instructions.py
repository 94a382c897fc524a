#!/usr/bin/env python3
"""Instructions per 32-element group by class, from count-instructions' traces (TRACE_DIR) and its disassembly.

    python3 Benchmarks/cpu-paths/classify-instructions.py /tmp/count-instructions /tmp/traces

Classes by the Zen 4 pipes they use (instructions.md): MUL (vmulps, vpmuludq: 1 zmm per cycle), ADD (float adds,
min/max, compares, conversions, shifts: 1 zmm per cycle), int (other vector logic and arithmetic, any pipe),
shuffle, mem (loads, stores, broadcasts from memory, register moves), mask (k registers), scalar.
A trace covers one call of 272 groups (count-instructions' LARGE).
"""
import collections
import re
import subprocess
import sys

GROUPS = 272
FILLS = ["uniform", "normal", "truncated normal, torch", "truncated normal, timm"]


def disassembly(binary):
    text = subprocess.run(["objdump", "-d", "--no-show-raw-insn", binary], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in text.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(\S+)\s*(.*)", line)
        if m:
            found[int(m.group(1), 16)] = (m.group(2), m.group(3))
    return found


def kind(op, args):
    if op.startswith("k"):
        return "mask"
    if not op.startswith("v"):
        return "scalar"
    if re.match(r"vmov(up|ap|dq)|v(p)?broadcast", op) and ("(" in args or op.startswith("vmov")):
        return "mem"
    if op in ("vmulps", "vpmuludq", "vprolq"):
        return "MUL"
    if op in ("vaddps", "vsubps", "vmaxps", "vminps") or op.startswith(("vcvt", "vcmp")) or re.match(r"vps(rl|ll|ra)", op):
        return "ADD"
    if op.startswith(("vperm", "vinsert", "vextract", "vpmov", "vpunpck", "vshuf")):
        return "shuffle"
    return "int"


def main():
    binary, folder = sys.argv[1], sys.argv[2]
    code = disassembly(binary)
    for path, name in ((1, "avx2"), (2, "avx512")):
        for fill, title in enumerate(FILLS):
            try:
                lines = open(f"{folder}/trace-{path}-{fill}.txt").read().split()
            except FileNotFoundError:
                continue
            counts = collections.Counter(kind(*code.get(int(a, 16), ("?", ""))) for a in lines)
            alu = sum(counts[k] for k in ("MUL", "ADD", "int", "shuffle"))
            per = {k: v / GROUPS for k, v in counts.items()}
            print(f"{name:6} {title:24} total {len(lines) / GROUPS:6.1f}  MUL {per.get('MUL', 0):5.1f}  ADD {per.get('ADD', 0):5.1f}"
                  f"  int {per.get('int', 0):5.1f}  shuffle {per.get('shuffle', 0):4.1f}  mem {per.get('mem', 0):5.1f}"
                  f"  mask {per.get('mask', 0):4.1f}  scalar {per.get('scalar', 0):4.1f}  vector ALU {alu / GROUPS:6.1f}")


if __name__ == "__main__":
    main()
