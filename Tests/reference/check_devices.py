#!/usr/bin/env python3
"""The same bits from the CLI on every OpenCL device `tensorseed devices` lists (PoCL and Oclgrind in CI):

- `generate --seed 42 --name layers.0.w --offset 12345 --count 4099` for each distribution (normal, uniform,
  truncated_normal), against `--device cpu`, byte for byte;
- `init` of that tensor (12345 + 4099 elements, the same three distributions as schemes) in every storage type
  (f32, f16, bf16, f64), against `--device cpu`, whole files; the f32 file's elements from 12345 on equal `generate`.

Devices named by TENSORSEED_REQUIRE_DEVICES (comma- or space-separated words matched against the platform and
device names; `pocl oclgrind` when CI=true and it is unset) must be listed. scripts/test.sh lists both through
OCL_ICD_VENDORS (scripts/opencl-vendors.sh).

    python3 Tests/reference/check_devices.py .build/release/tensorseed
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_support import Tally  # noqa: E402

SEED, NAME, OFFSET, COUNT = 42, "layers.0.w", 12345, 4099
# generate's --distribution, and the init scheme with generate's default parameters.
DISTRIBUTIONS = [
    ("normal", {"name": "normal", "mean": 0, "std": 1}),
    ("uniform", {"name": "uniform", "a": 0, "b": 1}),
    ("truncated_normal", {"name": "trunc_normal", "mean": 0, "std": 1, "a": -2, "b": 2}),
]
DTYPES = {"f32": 4, "f16": 2, "bf16": 2, "f64": 8}


def devices(binary):
    """[(identifier, device name, 'platform name device name')] from `tensorseed devices`."""
    out = subprocess.run([binary, "devices"], capture_output=True, text=True).stdout
    found, platform = [], ""
    for line in out.splitlines():
        m = re.match(r"platform \d+: (.*)", line)
        if m:
            platform = m.group(1)
        m = re.match(r"\s+(opencl:\d+\.\d+)\s+(.*?)\s+\[", line)
        if m:
            found.append((m.group(1), m.group(2), f"{platform} {m.group(2)}"))
    return found


def required_names():
    names = os.environ.get("TENSORSEED_REQUIRE_DEVICES")
    if names is None:
        return ["pocl", "oclgrind"] if os.environ.get("CI") == "true" else []
    return [w for w in re.split(r"[,\s]+", names.lower()) if w]


def difference(device, cpu, width, first):
    """None when equal; else how many elements differ, the first, and the OR of the differences."""
    if device == cpu:
        return None
    if len(device) != len(cpu):
        return f"{len(device)} bytes on the device, {len(cpu)} on the CPU"
    n, bits, first_diff = 0, 0, None
    for i in range(0, len(cpu), width):
        d = int.from_bytes(device[i:i + width], "little") ^ int.from_bytes(cpu[i:i + width], "little")
        if d:
            n += 1
            bits |= d
            if first_diff is None:
                first_diff = i // width
    j = first_diff * width
    return (f"{n} of {len(cpu) // width} elements differ; first element {first + first_diff}: "
            f"{device[j:j + width][::-1].hex()} on the device, {cpu[j:j + width][::-1].hex()} on the CPU; "
            f"differing bits {bits:#x}")


def tensor_data(path):
    """The data bytes of the one tensor of a safetensors file."""
    raw = open(path, "rb").read()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + size])
    begin, end = header[NAME]["data_offsets"]
    return raw[8 + size + begin:8 + size + end]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed"
    tally = Tally()
    check = tally.check
    listed = devices(binary)
    for word in required_names():
        check(any(word in label.lower() for _, _, label in listed),
              f"required device '{word}' is not listed by 'tensorseed devices' (found: {'; '.join(label for _, _, label in listed) or 'none'})")
    with tempfile.TemporaryDirectory(dir=os.getcwd()) as tmp:
        def run(args):
            r = subprocess.run([binary] + args, capture_output=True, text=True)
            return r.returncode == 0, r.stderr.strip()

        def generate(device, distribution):
            path = os.path.join(tmp, f"g-{device}-{distribution}.f32")
            ok, err = run(["generate", "--device", device, "--no-self-check", "--seed", str(SEED), "--name", NAME,
                           "--offset", str(OFFSET), "--count", str(COUNT), "--distribution", distribution, "--output", path])
            return (open(path, "rb").read(), "") if ok else (None, err)

        def init(device, scheme, dtype):
            spec = os.path.join(tmp, f"spec-{scheme['name']}-{dtype}.json")
            with open(spec, "w") as f:
                json.dump({"seed": SEED, "dtype": dtype, "tensors": [{"name": NAME, "shape": [OFFSET + COUNT], "scheme": scheme}]}, f)
            path = os.path.join(tmp, f"i-{device}-{scheme['name']}-{dtype}.safetensors")
            ok, err = run(["init", spec, "--device", device, "--no-self-check", "--quiet", "--output", path])
            return (open(path, "rb").read(), path) if ok else (None, err)

        cpu_generated = {d: generate("cpu", d)[0] for d, _ in DISTRIBUTIONS}
        cpu_files = {(s["name"], t): init("cpu", s, t) for _, s in DISTRIBUTIONS for t in DTYPES}
        for identifier, label, _ in listed:
            for distribution, scheme in DISTRIBUTIONS:
                data, err = generate(identifier, distribution)
                what = f"{identifier} ({label}): generate --distribution {distribution}"
                check(data is not None, f"{what} failed: {err}")
                if data is not None:
                    diff = difference(data, cpu_generated[distribution], 4, OFFSET)
                    check(diff is None, f"{what}: {diff}")
                for dtype, width in DTYPES.items():
                    data, path = init(identifier, scheme, dtype)
                    what = f"{identifier} ({label}): init {scheme['name']} --dtype {dtype}"
                    check(data is not None, f"{what} failed: {path}")
                    expected, expected_path = cpu_files[(scheme["name"], dtype)]
                    if data is not None:
                        same = data == expected
                        check(same, same or f"{what}: {difference(tensor_data(path), tensor_data(expected_path), width, 0)}")
        # The two commands agree with each other: init's f32 tensor from element 12345 on is generate's output.
        for distribution, scheme in DISTRIBUTIONS:
            _, path = cpu_files[(scheme["name"], "f32")]
            check(tensor_data(path)[4 * OFFSET:] == cpu_generated[distribution],
                  f"cpu: init {scheme['name']} f32 elements {OFFSET}.. differ from generate --distribution {distribution}")
    print(f"devices: {', '.join(f'{i} ({label})' for i, label, _ in listed) or 'no OpenCL device'}")
    return tally.report("devices")


if __name__ == "__main__":
    sys.exit(main())
