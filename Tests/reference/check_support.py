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


def signal_mid_write(start, folder, sig, attempts=5, timeout=30):
    """Starts a writer with `start()` (a Popen), waits until a temporary file of ours appears in `folder`, stops the
    writer and, if it is still writing (running, its temporary file still there), sends `sig` (delivered on SIGCONT), so
    that the signal always arrives mid-write however fast the machine is. A writer that finished before it could be
    stopped (exited, or past its final rename) is started again (`start` removes what the earlier run left), up to
    `attempts` times. Returns the Popen."""
    import os
    import signal
    import time
    for _ in range(attempts):
        p = start()
        deadline = time.time() + timeout
        while time.time() < deadline and p.poll() is None:
            if os.path.isdir(folder) and any(".tensorseed-" in f for f in os.listdir(folder)):
                break
            time.sleep(0.002)
        p.send_signal(signal.SIGSTOP)
        time.sleep(0.05)
        # Stopped mid-write only if its temporary file is still there: a writer stopped after its final rename (still
        # running, printing its summary) has finished, and is let go and started again like one that exited.
        if p.poll() is None and any(".tensorseed-" in f for f in os.listdir(folder)):
            p.send_signal(sig)
            p.send_signal(signal.SIGCONT)
            return p
        p.send_signal(signal.SIGCONT)
        p.communicate()
    return p


def default_signals():
    """A `preexec_fn` for a writer a check will interrupt: SIGINT, SIGHUP and SIGTERM at their default actions, which
    the writer then replaces with its handlers. Without it a check run under `nohup` (SIGHUP ignored) or as a shell's
    background job (SIGINT ignored) would start writers that rightly keep ignoring the signal it sends."""
    import signal
    for number in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)
