"""The pass/fail tally the small CLI checks share: `check(ok, what)` records one check, and `report(name)`
prints 'NAME: N passed, M failed' and returns the exit status."""


class Tally:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAILED: {what}")

    def report(self, name):
        print(f"{name}: {self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0


def safetensors_parts(path):
    """The parsed JSON header and the data section of a safetensors file (parsed by hand: no package needed)."""
    import json
    import struct
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8:8 + length]), data[8 + length:]


def safetensors_tensors(path):
    """Each tensor's raw bytes by name."""
    header, body = safetensors_parts(path)
    return {name: body[e["data_offsets"][0]:e["data_offsets"][1]] for name, e in header.items() if name != "__metadata__"}
