"""SASS (NVIDIA machine code, as `cuobjdump -sass` prints it) of one kernel, cut into basic blocks, and the
instructions one work-item issues on the full-group path of its grid-stride loop: the shortest path through
one iteration of the loop that stores at least 4 bytes per element for `elements` elements without any
16-bit store (float32 storage, every element of the group written). Predicated-off instructions count, as
they are issued. Used by compile_report.py.
"""
import re
from collections import Counter

INSTRUCTION = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(@!?U?P[T0-9]+\s+)?([A-Z][A-Z0-9_.]*)([^;]*);")
BRANCH_TARGET = re.compile(r"0x([0-9a-f]+)")


def functions(sass):
    """{name: [(address, predicated, opcode, operands)]} of a `cuobjdump -sass` listing."""
    result, current = {}, None
    for line in sass.splitlines():
        m = re.search(r"Function : (\S+)", line)
        if m:
            current = result.setdefault(m.group(1), [])
            continue
        m = INSTRUCTION.search(line)
        if m and current is not None:
            current.append((int(m.group(1), 16), bool(m.group(2)), m.group(3), m.group(4).strip()))
    return result


def store_bytes(opcode):
    """Bytes one store instruction writes (0 for other instructions)."""
    if not re.match(r"(STG|ST|STS|STL)(\.|$)", opcode):
        return 0
    for suffix, size in ((".128", 16), (".64", 8), (".U16", 2), (".S16", 2), (".16", 2), (".U8", 1), (".S8", 1)):
        if suffix in opcode:
            return size
    return 4


def blocks(instructions):
    """Basic blocks: [(first index, last index)] and edges {block: [successor blocks]}; back edges separately."""
    by_address = {a: i for i, (a, _, _, _) in enumerate(instructions)}
    leaders = {0}
    for i, (_, predicated, op, operands) in enumerate(instructions):
        if op.startswith(("BRA", "EXIT", "RET", "BRX", "JMP")):
            if i + 1 < len(instructions):
                leaders.add(i + 1)
            if op.startswith(("BRA", "JMP")):
                m = BRANCH_TARGET.search(operands)
                if m and int(m.group(1), 16) in by_address:
                    leaders.add(by_address[int(m.group(1), 16)])
    starts = sorted(leaders)
    spans = [(s, (starts[k + 1] if k + 1 < len(starts) else len(instructions)) - 1) for k, s in enumerate(starts)]
    block_of = {s: k for k, (s, _) in enumerate(spans)}
    edges, back = {}, []
    for k, (s, e) in enumerate(spans):
        _, predicated, op, operands = instructions[e]
        successors = []
        falls_through = not (op.startswith(("BRA", "JMP", "EXIT", "RET", "BRX")) and not predicated)
        if op.startswith(("BRA", "JMP")):
            m = BRANCH_TARGET.search(operands)
            if m and int(m.group(1), 16) in by_address:
                successors.append(block_of[by_address[int(m.group(1), 16)]])
        if falls_through and k + 1 < len(spans):
            successors.append(k + 1)
        edges[k] = [t for t in successors if t > k]
        back += [(k, t) for t in successors if t <= k]
    return spans, edges, back


def full_group_path(instructions, elements):
    """(instructions per work-item iteration, counts by full opcode name, note) on the full float32 path, or None."""
    spans, edges, back = blocks(instructions)
    need = 4 * elements

    def block_stores(k):
        s, e = spans[k]
        sizes = [store_bytes(op) for _, _, op, _ in instructions[s:e + 1]]
        return sum(sizes), any(size == 2 for size in sizes)

    # The grid-stride loop: the widest back edge whose body stores; else the whole kernel (entry to EXIT).
    loops = [(latch, header) for latch, header in back if any(block_stores(k)[0] for k in range(header, latch + 1))]
    note = ""
    if loops:
        latch, header = max(loops, key=lambda lh: lh[0] - lh[1])
        start, terminals = header, {latch}
        inner = [(l, h) for l, h in back if header <= h and l <= latch and (l, h) != (latch, header)]
        if inner:
            note = f"{len(inner)} inner loop(s) counted once"
    else:
        start = 0
        terminals = {k for k, (s, e) in enumerate(spans)
                     if instructions[e][2].startswith("EXIT") and not instructions[e][1]}
    # Shortest path by instructions, with stored bytes (capped at `need`) as part of the state.
    best = {(start, 0): (0, None)}
    for k in range(start, len(spans)):
        for (block, stored), (cost, _) in sorted(((key, v) for key, v in best.items() if key[0] == k)):
            bytes_here, sixteen = block_stores(k)
            if sixteen:
                continue
            s, e = spans[k]
            length = sum(1 for _, _, op, _ in instructions[s:e + 1] if op != "NOP")
            total, now = cost + length, min(need, stored + bytes_here)
            if k in terminals and now >= need:
                best.setdefault(("end", 0), (float("inf"), None))
                if total < best[("end", 0)][0]:
                    best[("end", 0)] = (total, (k, stored))
            for t in edges[k]:
                if t in terminals or t <= max(terminals):
                    key = (t, now)
                    if key not in best or total < best[key][0]:
                        best[key] = (total, (k, stored))
    if ("end", 0) not in best:
        return None
    total, previous = best[("end", 0)]
    # Walk back for the opcode counts.
    path, state = [], previous
    while state is not None:
        path.append(state[0])
        state = best[state][1] if state in best else None
    opcodes = Counter()
    for k in path:
        s, e = spans[k]
        opcodes.update(op for _, _, op, _ in instructions[s:e + 1] if op != "NOP")
    return total, opcodes, note
