"""Who wrote a staging folder, so that a later write can remove those of dead processes (SIGKILL, an out-of-memory
kill, a power cut: no handler runs), as the CLI does for its temporary files (Sources/TensorSeed/Writers/
TemporaryName.swift, StaleTemporaries.swift). The owner is ``HOST-PID-START``: HOST the low 32 bits of the FNV-1a
64-bit hash of the host name, PID the process, START that of the boot id, ":" and the process's start time in clock
ticks (``/proc/PID/stat`` field 22), each 8 hex digits, as the CLI writes them. A pid reused by a later process has
another start; a folder of another host (a shared network file system) is never judged here.
"""
import os
import re
import socket

#: FNV-1a 64-bit offset basis and prime (Fowler–Noll–Vo, IETF draft-eastlake-fnv, section 2; StreamID.swift).
FNV_OFFSET_BASIS, FNV_PRIME = 0xCBF29CE484222325, 0x00000100000001B3

#: An owner as it appears in a name: HOST-PID-START.
PATTERN = r"([0-9a-f]{8})-([1-9][0-9]*)-([0-9a-f]{8})"


def _hex8(text):
    """The low 32 bits of the FNV-1a 64-bit hash of ``text``'s UTF-8 bytes, as 8 lowercase hex digits."""
    value = FNV_OFFSET_BASIS
    for byte in text.encode():
        value = ((value ^ byte) * FNV_PRIME) & 0xFFFFFFFFFFFFFFFF
    return f"{value & 0xFFFFFFFF:08x}"


def _start(pid):
    """The START tag of process ``pid``, or None where /proc cannot tell it."""
    try:
        with open(f"/proc/{pid}/stat") as file:
            fields = file.read().rpartition(")")[2].split()
        with open("/proc/sys/kernel/random/boot_id") as file:
            boot = file.read().strip()
    except OSError:
        return None
    return _hex8(f"{boot}:{fields[19]}") if len(fields) > 19 else None


def current():
    """This process's owner tag ``HOST-PID-START``."""
    return f"{_hex8(socket.gethostname())}-{os.getpid()}-{_start(os.getpid()) or '00000000'}"


def is_dead(tag):
    """Whether the owner ``HOST-PID-START`` is a process of this host that no longer runs: no process has the pid,
    or the one that has it started at another time. False for other hosts and whenever unsure."""
    match = re.fullmatch(PATTERN, tag)
    if match is None or match.group(1) != _hex8(socket.gethostname()):
        return False
    pid = int(match.group(2))
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists, not ours to signal
        pass
    now = _start(pid)
    return now is not None and now != match.group(3)
