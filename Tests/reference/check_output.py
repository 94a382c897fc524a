#!/usr/bin/env python3
"""What `tensorseed init` and `generate` leave on disk when things go wrong: nothing is lost, nothing is left behind.

    python3 Tests/reference/check_output.py .build/release/tensorseed

- no clobbering: `generate` keeps an existing file without --force (as `init` does), and replaces it with it;
  a dangling symbolic link is refused without --force for both; a directory is refused up front, even with
  --force, before anything is generated;
- a failed move: when a rename fails part-way through the final moves (a bind-mounted weights file), the earlier
  set's files already replaced are put back exactly and the message names the file whose move failed;
- races: a writer paused after its up-front check while another writes the same path (single file, sharded
  folder) fails with one line when it resumes, keeps the winner's file and leaves no temporary file; four
  writers started together: exactly one wins;
- signals: SIGHUP mid-write exits 129 and leaves nothing; `nohup` (SIGHUP ignored) keeps writing; SIGKILL
  mid-write leaves a temporary file that `init --clean`, or the next write to the folder, removes saying so,
  while a live (stopped) writer's temporary file and files of other hosts are kept;
- special files: a FIFO, a character device, a socket, a symbolic link to a directory or to a FIFO at the output is
  refused in one line by init and generate, with --force too, and left as it was; init writes into a symbolic link to a
  directory as into a folder, generate refuses to replace it; --force replaces a link to a regular file itself, but
  never a link into /proc (as /dev/stdout is), nor a relative one (as /etc/mtab is) or a link to such a link;
- output paths: an empty --output is refused up front, as is a generate --output ending in '/' (a folder: a file
  name is needed); generate creates missing folders (and removes them when the
  write fails); a file in the way of a folder is named with the path given, never the temporary file; an index name
  without --max-shard-size writes NAME.safetensors alone, as with it, and says so;
- names: a 247-byte output name (and a 255-byte one, and multi-byte ones) writes; a sharded set whose
  shard names would exceed 255 bytes is refused up front naming the shard; the temporary names of a
  set with 240-byte shard names stay within 255 bytes and distinct;
(A sharded set larger than the disk: check_safetensors.py's full-disk checks on a small tmpfs, where mounting is
allowed, and OutputSafetyTests with a mocked free space everywhere.)
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_support import Tally, default_signals, signal_mid_write  # noqa: E402

BIG = {"seed": 3, "dtype": "f32", "tensors": [{"name": f"t{i}", "shape": [4096, 1024]} for i in range(6)],
       "rules": [{"pattern": "*", "scheme": {"name": "normal", "std": 0.02}}]}


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def temporaries(folder):
    return sorted(f for f in os.listdir(folder) if ".tensorseed-" in f and f.endswith(".tmp")) if os.path.isdir(folder) else []


def wait_for_temporary(folder, p, timeout=30):
    """Waits until `p` has created a temporary file in `folder`; returns its name (None on timeout or exit)."""
    deadline = time.time() + timeout
    while time.time() < deadline and p.poll() is None:
        found = temporaries(folder)
        if found:
            return found[0]
        time.sleep(0.005)
    return None


def file_seed(path):
    """The tensorseed.seed recorded in a safetensors file's header."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        return json.loads(f.read(n))["__metadata__"]["tensorseed.seed"]


def error_lines(stderr):
    return [line for line in stderr.strip().splitlines() if not line.startswith("engine:")]


def check_clobber(binary, tmp, check):
    gen = [binary, "generate", "--device", "cpu", "--count", "100"]
    out = os.path.join(tmp, "x.f32")
    with open(out, "w") as f:
        f.write("keep me")
    r = run(gen + ["--output", out])
    check(r.returncode == 1 and "already exists" in r.stderr and "--force" in r.stderr and open(out).read() == "keep me",
          f"generate keeps an existing file without --force ({r.stderr.strip()})")
    r = run(gen + ["--output", out, "--force"])
    check(r.returncode == 0 and os.path.getsize(out) == 400 and temporaries(tmp) == [], "generate --force replaces it")

    for command in (gen, [binary, "init", "--device", "cpu", "--quiet"]):
        link = os.path.join(tmp, "dangling.out")
        os.symlink(os.path.join(tmp, "nowhere"), link)
        r = run(command + ["--output", link])
        check(r.returncode == 1 and "symbolic link" in r.stderr and os.path.islink(link) and not os.path.exists(os.path.join(tmp, "nowhere")),
              f"{command[1]}: a dangling symbolic link at the output is kept without --force ({r.stderr.strip()})")
        r = run(command + ["--output", link, "--force"])
        check(r.returncode == 0 and not os.path.islink(link) and os.path.isfile(link), f"{command[1]} --force replaces the link itself")
        os.remove(link)

    # A directory at the output: refused before generating (2^31 values would take many seconds), even with --force.
    folder = os.path.join(tmp, "taken.f32")
    os.mkdir(folder)
    start = time.time()
    r = run([binary, "generate", "--device", "cpu", "--count", str(1 << 31), "--output", folder, "--force"])
    check(r.returncode == 1 and "is a directory" in r.stderr and time.time() - start < 5 and os.listdir(folder) == [] and temporaries(tmp) == [],
          f"generate --force onto a directory: refused up front ({r.stderr.strip()}, {time.time() - start:.1f} s)")
    spec = os.path.join(tmp, "one.json")
    with open(spec, "w") as f:
        json.dump({"tensors": [{"name": "w", "shape": [1 << 15, 1 << 15], "scheme": {"name": "normal"}}]}, f)
    npy = os.path.join(tmp, "taken.npy")
    os.mkdir(npy)
    start = time.time()
    r = run([binary, "init", spec, "--output", npy, "--force", "--device", "cpu", "--quiet"])
    check(r.returncode == 1 and "is a directory" in r.stderr and time.time() - start < 5 and temporaries(tmp) == [],
          f"init --force onto a directory named .npy: refused up front ({r.stderr.strip()}, {time.time() - start:.1f} s)")


def check_special_files(binary, tmp, check):
    """Only a regular file (or a symbolic link to one or to nothing) is ever replaced: a FIFO, a character device, a
    socket, a directory or a symbolic link to one at the output is refused in one line, even with --force, by init and
    generate alike, and is still there afterwards. Only nodes made here, in the temporary folder: never a system file."""
    import socket
    import stat
    spec = os.path.join(tmp, "one.json")
    with open(spec, "w") as f:
        json.dump({"seed": 1, "tensors": [{"name": "w", "shape": [4, 8], "scheme": {"name": "normal", "std": 0.02}}]}, f)
    nodes = {}
    nodes["fifo"] = os.path.join(tmp, "p.safetensors")
    os.mkfifo(nodes["fifo"])
    try:
        nodes["device"] = os.path.join(tmp, "mynull.safetensors")
        os.mknod(nodes["device"], 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        del nodes["device"]
        print("skip  a character device at the output: mknod needs root here")
    nodes["socket"] = os.path.join(tmp, "s.safetensors")
    server = socket.socket(socket.AF_UNIX)
    server.bind(nodes["socket"])
    os.mkdir(os.path.join(tmp, "realdir"))
    nodes["link to a directory"] = os.path.join(tmp, "dl.safetensors")
    os.symlink(os.path.join(tmp, "realdir"), nodes["link to a directory"])
    nodes["link to a FIFO"] = os.path.join(tmp, "lf.safetensors")
    os.symlink(nodes["fifo"], nodes["link to a FIFO"])
    kinds = {"fifo": "is a FIFO (named pipe), not a regular file", "device": "is a character device, not a regular file",
             "socket": "is a socket, not a regular file", "link to a directory": "is a symbolic link to a directory, not a regular file",
             "link to a FIFO": "is a symbolic link to a FIFO (named pipe)"}
    before = {n: os.lstat(p) for n, p in nodes.items()}
    for what, node in nodes.items():
        for command in ([binary, "init", spec, "--device", "cpu", "--quiet"], [binary, "generate", "--device", "cpu", "--count", "4"],
                        [binary, "init", spec, "--device", "cpu", "--quiet", "--max-shard-size", "5GB"]):
            for force in ([], ["--force"]):
                r = run(command + ["--output", node] + force, timeout=20)
                lines = error_lines(r.stderr)
                after = os.lstat(node)
                check(r.returncode == 1 and len(lines) == 1 and node in lines[0] and kinds[what] in lines[0]
                      and (after.st_mode, after.st_ino) == (before[what].st_mode, before[what].st_ino) and temporaries(tmp) == [],
                      f"{command[1]} {' '.join(command[5:] if command[1] == 'init' else [])} --output {what} {' '.join(force)}: "
                      f"refused in one line, left as it was (exit {r.returncode}, {lines})")
    server.close()
    # The two commands see a symbolic link to a directory alike, as a directory: generate refuses to replace it with a
    # file (above); init without a file name extension writes into it, as into any folder.
    link = os.path.join(tmp, "dl")
    os.symlink(os.path.join(tmp, "realdir"), link)
    r = run([binary, "generate", "--device", "cpu", "--count", "2", "--output", link, "--force"])
    check(r.returncode == 1 and "symbolic link to a directory" in r.stderr and os.path.islink(link),
          f"generate --force onto a symbolic link to a directory: refused, the link kept ({r.stderr.strip()})")
    r = run([binary, "init", spec, "--device", "cpu", "--quiet", "--output", link])
    check(r.returncode == 0 and os.path.islink(link) and os.listdir(os.path.join(tmp, "realdir")) == ["model.safetensors"],
          f"init --output to a symbolic link to a directory writes into it ({r.stderr.strip()})")
    # A symbolic link to a regular file: --force replaces the link itself, never its target.
    target = os.path.join(tmp, "target.txt")
    with open(target, "w") as f:
        f.write("keep me")
    for command in ([binary, "init", spec, "--device", "cpu", "--quiet"], [binary, "generate", "--device", "cpu", "--count", "4"]):
        link = os.path.join(tmp, "to-file.out")
        os.symlink(target, link)
        r = run(command + ["--output", link])
        check(r.returncode == 1 and "already exists" in r.stderr and os.path.islink(link), f"{command[1]}: a link to a file is kept without --force")
        r = run(command + ["--output", link, "--force"])
        check(r.returncode == 0 and not os.path.islink(link) and os.path.isfile(link) and open(target).read() == "keep me",
              f"{command[1]} --force replaces a link to a file itself, and keeps its target ({r.stderr.strip()})")
        os.remove(link)
    # A symbolic link into /proc, as /dev/stdout is, is never replaced, even when it leads to a regular file (here this
    # process's standard output, redirected to a file; the link is made here, never a system one).
    link = os.path.join(tmp, "stdout-link")
    os.symlink("/proc/self/fd/1", link)
    with open(os.path.join(tmp, "captured"), "wb") as captured:
        r = subprocess.run([binary, "generate", "--device", "cpu", "--count", "4", "--output", link, "--force"], stdout=captured,
                           stderr=subprocess.PIPE, text=True)
    check(r.returncode == 1 and "symbolic link into /proc" in r.stderr and os.readlink(link) == "/proc/self/fd/1",
          f"generate --force onto a link into /proc: refused, the link kept ({r.stderr.strip()})")
    # A relative link into /proc (Debian's /etc/mtab is ../proc/self/mounts) and a link to such a link are system files
    # too: the whole chain of links is followed (made here, in a folder of our own, never the system's).
    links = os.path.join(tmp, "links")
    os.makedirs(os.path.join(links, "a", "b"))
    mtab = os.path.join(links, "a", "b", "mtab")
    os.symlink("../" * (mtab.count("/") - 1) + "proc/self/mounts", mtab)
    chained = os.path.join(links, "chained")
    os.symlink(link, chained)
    for out, command in ((mtab, [binary, "init", spec, "--device", "cpu", "--quiet"]),
                         (chained, [binary, "generate", "--device", "cpu", "--count", "4"])):
        before = os.readlink(out)
        with open(os.path.join(tmp, "captured"), "wb") as captured:
            r = subprocess.run(command + ["--output", out, "--force"], stdout=captured, stderr=subprocess.PIPE, text=True)
        lines = error_lines(r.stderr)
        check(r.returncode == 1 and len(lines) == 1 and "symbolic link into /proc" in lines[0] and out in lines[0]
              and os.readlink(out) == before,
              f"{command[1]} --force onto {'a relative link' if out == mtab else 'a link to a link'} into /proc: refused, the link kept ({lines})")
    # Standard output still works.
    r = subprocess.run([binary, "generate", "--device", "cpu", "--count", "4", "--output", "-"], capture_output=True)
    check(r.returncode == 0 and len(r.stdout) == 16, f"generate --output - writes 16 bytes to standard output ({r.returncode}, {len(r.stdout)})")


def check_output_paths(binary, tmp, check):
    """Errors about the output name the path given (never the hidden temporary file); an empty --output is refused before
    anything is generated; generate creates missing folders as init does; a file in the way of a folder is named."""
    spec = os.path.join(tmp, "one.json")
    with open(spec, "w") as f:
        json.dump({"seed": 1, "tensors": [{"name": "w", "shape": [1 << 14, 1 << 14], "scheme": {"name": "normal", "std": 0.02}}]}, f)
    for command in ([binary, "init", spec, "--device", "cpu", "--quiet"], [binary, "generate", "--device", "cpu", "--count", str(1 << 30)]):
        start = time.time()
        r = run(command + ["--output", ""], cwd=tmp)
        check(r.returncode == 64 and "--output is empty" in r.stderr and time.time() - start < 5 and os.listdir(tmp) == ["one.json"],
              f"{command[1]} --output '': refused up front ({r.stderr.strip()}, {time.time() - start:.1f} s)")
    # A trailing slash names a folder: generate says a file name is needed (never "is a directory" of a path that does not exist).
    for name, exists in (("gen.f32/", False), ("somedir/", True)):
        if exists:
            os.makedirs(os.path.join(tmp, name))
        r = run([binary, "generate", "--device", "cpu", "--count", "4", "--output", name], cwd=tmp)
        check(r.returncode == 64 and f"--output {name} names a folder" in r.stderr and "file" in r.stderr and "is a directory" not in r.stderr
              and os.path.exists(os.path.join(tmp, name)) == exists,
              f"generate --output {name} ({'an existing folder' if exists else 'nothing there'}): a file name is needed ({r.stderr.strip()})")
        if exists:
            os.rmdir(os.path.join(tmp, name))
    out = os.path.join(tmp, "nodir", "sub", "x.f32")
    r = run([binary, "generate", "--device", "cpu", "--count", "4", "--output", out])
    check(r.returncode == 0 and os.path.getsize(out) == 16 if os.path.exists(out) else False,
          f"generate creates the missing folders of its output ({r.stderr.strip()})")
    long = os.path.join(tmp, "newdir", "sub", "n" * 300 + ".f32")
    r = run([binary, "generate", "--device", "cpu", "--count", "4", "--output", long])
    check(r.returncode == 1 and "more than the 255" in r.stderr and not os.path.exists(os.path.join(tmp, "newdir")),
          f"a generate that fails removes the folders it made ({r.stderr.strip()[-120:]})")
    blocker = os.path.join(tmp, "one.safetensors")
    with open(blocker, "w") as f:
        f.write("a file")
    for command, name in (([binary, "init", spec, "--device", "cpu", "--quiet"], "x.safetensors"),
                          ([binary, "generate", "--device", "cpu", "--count", "4"], "x.f32"),
                          ([binary, "init", spec, "--device", "cpu", "--quiet"], "sub/")):
        target = os.path.join(blocker, name)
        r = run(command + ["--output", target])
        lines = error_lines(r.stderr)
        check(r.returncode == 1 and len(lines) == 1 and target in lines[0] and f"{blocker} is a regular file, not a folder" in lines[0]
              and ".tmp" not in lines[0] and open(blocker).read() == "a file",
              f"{command[1]} --output {name} under a file: one line naming both ({lines})")
    # An index name without --max-shard-size: the same set as with it (one shard: NAME.safetensors, no index), said on stderr.
    small = os.path.join(tmp, "small.json")
    with open(small, "w") as f:
        json.dump({"seed": 1, "tensors": [{"name": "w", "shape": [4, 8], "scheme": {"name": "normal", "std": 0.02}}]}, f)
    listings = []
    for extra in ([], ["--max-shard-size", "5GB"]):
        folder = os.path.join(tmp, "q" + str(len(extra)))
        r = run([binary, "init", small, "--output", os.path.join(folder, "m.safetensors.index.json"), "--device", "cpu", "--quiet", *extra])
        listing = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
        listings.append(listing)
        v = run([binary, "verify", "--quiet", os.path.join(folder, "m.safetensors")])
        check(r.returncode == 0 and listing == ["m.safetensors"] and "with no index" in r.stderr and v.returncode == 0,
              f"init --output m.safetensors.index.json {' '.join(extra)}: m.safetensors alone, said so, and it verifies "
              f"({listing}, {r.stderr.strip()}, verify {v.returncode})")


def check_failed_move(binary, tmp, check):
    """A move that fails part-way through the final renames (here: the weights file is a bind mount, so renaming onto it
    fails with EBUSY after config.json and generation_config.json were moved) puts the earlier set's files back exactly
    (same inodes, same bytes), names the file whose move failed and leaves no temporary file. Needs permission to mount."""
    config = os.path.join(tmp, "cfg", "config.json")
    os.makedirs(os.path.dirname(config))
    with open(config, "w") as f:
        json.dump({"model_type": "llama", "vocab_size": 64, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 2,
                   "num_attention_heads": 4, "num_key_value_heads": 2, "bos_token_id": 1, "eos_token_id": 2}, f)
    out = os.path.join(tmp, "ms")
    r = run([binary, "init", os.path.dirname(config), "--output", out + "/", "--device", "cpu", "--quiet"])
    check(r.returncode == 0, f"init writes the first set ({r.stderr.strip()})")
    weights = os.path.join(out, "model.safetensors")
    other = os.path.join(tmp, "other.st")
    with open(other, "w") as f:
        f.write('{"old":1}')
    if subprocess.run(["mount", "--bind", other, weights], capture_output=True).returncode != 0:
        print("skipped: a move failing part-way (mount --bind is not permitted here)")
        return
    try:
        before = {name: (os.stat(os.path.join(out, name)).st_ino, open(os.path.join(out, name), "rb").read())
                  for name in ("config.json", "generation_config.json")}
        r = run([binary, "init", os.path.dirname(config), "--output", out + "/", "--device", "cpu", "--quiet", "--seed", "1", "--force"])
        after = {name: (os.stat(os.path.join(out, name)).st_ino, open(os.path.join(out, name), "rb").read())
                 for name in before if os.path.exists(os.path.join(out, name))}
        lines = error_lines(r.stderr)
        check(r.returncode == 1 and len(lines) == 1 and weights in lines[0] and "nothing was written" in lines[0],
              f"a move failing part-way: one line naming the file whose move failed ({lines})")
        check(after == before and sorted(os.listdir(out)) == ["config.json", "generation_config.json", "model.safetensors"],
              f"a move failing part-way: the earlier set's config.json and generation_config.json are back, unchanged, "
              f"and no temporary file is left ({sorted(os.listdir(out))}, {sorted(after)})")
    finally:
        subprocess.run(["umount", weights], capture_output=True)


def check_races(binary, tmp, check):
    spec = os.path.join(tmp, "big.json")
    with open(spec, "w") as f:
        json.dump(BIG, f)
    for what, output, extra in (("a single file", os.path.join(tmp, "race.safetensors"), []),
                                ("a sharded folder", os.path.join(tmp, "race") + "/", ["--max-shard-size", "40MB"])):
        folder = os.path.dirname(output) if not output.endswith("/") else output
        # The first writer passes its up-front check, is stopped mid-write; a second writes the path and wins.
        first = subprocess.Popen([binary, "init", spec, "--output", output, "--device", "cpu", "--quiet", "--seed", "1", *extra],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        began = wait_for_temporary(folder, first)
        first.send_signal(signal.SIGSTOP)
        second = run([binary, "init", spec, "--output", output, "--device", "cpu", "--quiet", "--seed", "2", *extra])
        first.send_signal(signal.SIGCONT)
        _, err = first.communicate(timeout=120)
        lines = error_lines(err)
        index = os.path.join(folder, "model.safetensors.index.json") if extra else output
        r = run([binary, "verify", "--quiet", index])
        seed = json.load(open(index))["metadata"]["tensorseed.seed"] if extra else file_seed(index)
        check(began is not None and second.returncode == 0 and first.returncode == 1 and len(lines) == 1
              and "created by another process" in lines[0] and r.returncode == 0 and temporaries(folder) == [] and seed == "2",
              f"{what}: a writer that resumes after another wrote the path fails with one line and keeps the winner's files "
              f"(first exit {first.returncode}: {err.strip()!r}; second exit {second.returncode}; verify {r.returncode}; "
              f"seed {seed}; left {temporaries(folder)})")

    # Four writers at once to one new path: exactly one wins; the others fail with one line; no temporary file is left.
    output = os.path.join(tmp, "four.safetensors")
    procs = [subprocess.Popen([binary, "init", spec, "--output", output, "--device", "cpu", "--quiet", "--seed", str(s)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for s in range(4)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    winners = [code for code, _ in results if code == 0]
    losers = [err for code, err in results if code != 0]
    check(len(winners) == 1 and all(len(error_lines(e)) == 1 and ("already exists" in e or "another process" in e) for e in losers)
          and temporaries(tmp) == [] and run([binary, "verify", "--quiet", output]).returncode == 0,
          f"four writers at once: exactly one wins ({[c for c, _ in results]}, {[e.strip() for e in losers]})")


def check_signals(binary, tmp, check):
    spec = os.path.join(tmp, "big.json")
    with open(spec, "w") as f:
        json.dump(BIG, f)
    out = os.path.join(tmp, "hup.safetensors")
    # The signal must arrive mid-write, however fast the machine (signal_mid_write).
    def start():
        if os.path.exists(out):
            os.remove(out)
        return subprocess.Popen([binary, "init", spec, "--output", out, "--device", "cpu", "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_signals)
    p = signal_mid_write(start, tmp, signal.SIGHUP)
    _, err = p.communicate(timeout=120)
    check(p.returncode == 129 and "interrupted by signal 1" in err and os.listdir(tmp) == ["big.json"],
          f"SIGHUP mid-write: exit 129, nothing left (exit {p.returncode}, {err.strip()!r}, {os.listdir(tmp)})")

    # Under nohup (SIGHUP ignored when the process starts) a closed terminal does not stop the write.
    if os.path.exists(out):  # left by a failed check above: not this check's concern
        os.remove(out)
    p = subprocess.Popen(["nohup", binary, "init", spec, "--output", out, "--device", "cpu", "--quiet"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp)
    wait_for_temporary(tmp, p)
    p.send_signal(signal.SIGHUP)
    p.communicate(timeout=300)
    check(p.returncode == 0 and run([binary, "verify", "--quiet", out]).returncode == 0, f"nohup: SIGHUP is ignored, the write completes (exit {p.returncode})")
    if os.path.exists(out):
        os.remove(out)
    if os.path.exists(os.path.join(tmp, "nohup.out")):
        os.remove(os.path.join(tmp, "nohup.out"))

    # SIGKILL cannot be caught: the temporary file stays until a later run removes it.
    folder = os.path.join(tmp, "killed")
    for cleaner in ("clean", "next write"):
        # A live writer (stopped, not dead), started first: its temporary file must never be taken for stale.
        live = subprocess.Popen([binary, "init", spec, "--output", os.path.join(folder, "live.safetensors"), "--device", "cpu", "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        live_temporary = wait_for_temporary(folder, live)
        live.send_signal(signal.SIGSTOP)
        p = subprocess.Popen([binary, "init", spec, "--output", folder + "/", "--device", "cpu", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.time() + 30
        while time.time() < deadline and len(temporaries(folder)) < 2:
            time.sleep(0.005)
        p.kill()
        p.wait()
        left = ([t for t in temporaries(folder) if t != live_temporary] or [None])[0]
        check(left is not None and live_temporary is not None, f"SIGKILL leaves the temporary file {left}")
        live_temporary = [live_temporary]
        os.makedirs(folder, exist_ok=True)
        other_host = ".model.safetensors.tensorseed-00000000-" + str(os.getpid()) + "-00000000.tmp"
        open(os.path.join(folder, other_host), "w").close()
        if cleaner == "clean":
            r = run([binary, "init", "--clean", "--output", folder + "/"])
        else:
            r = run([binary, "init", "--output", os.path.join(folder, "next.safetensors"), "--device", "cpu", "--quiet"])
        remaining = temporaries(folder)
        live.send_signal(signal.SIGCONT)
        live.terminate()
        live.wait()
        check(r.returncode == 0 and left in r.stderr and "no longer running" in r.stderr and str(p.pid) in r.stderr
              and left not in remaining and other_host in remaining and all(t in remaining for t in live_temporary) and len(live_temporary) == 1,
              f"{cleaner}: the dead process's temporary file is removed, saying so; the live one's and the other host's are kept "
              f"({r.stderr.strip()!r}, left {remaining})")
        for f in os.listdir(folder):
            os.remove(os.path.join(folder, f))
    r = run([binary, "init", "--clean", "--output", folder + "/"])
    check(r.returncode == 0 and "no stale temporary files" in r.stdout and r.stderr == "", f"init --clean with nothing to do says so ({r.stdout.strip()})")


def check_names(binary, tmp, check):
    for name in ("a" * (247 - len(".safetensors")) + ".safetensors", "b" * (255 - len(".safetensors")) + ".safetensors",
                 "é" * 100 + "x" * (247 - 200 - len(".safetensors")) + ".safetensors"):
        out = os.path.join(tmp, name)
        r = run([binary, "init", "--output", out, "--device", "cpu", "--quiet"])
        check(r.returncode == 0 and os.path.exists(out) and temporaries(tmp) == [],
              f"init --output with a {len(name.encode())}-byte name ({r.stderr.strip()})")
        os.remove(out)
        r = run([binary, "generate", "--device", "cpu", "--count", "10", "--output", out])
        check(r.returncode == 0 and os.path.getsize(out) == 40, f"generate --output with a {len(name.encode())}-byte name ({r.stderr.strip()})")
        os.remove(out)

    spec = os.path.join(tmp, "five.json")
    with open(spec, "w") as f:
        json.dump({"tensors": [{"name": f"t{i}", "shape": [1000]} for i in range(5)], "rules": [{"pattern": "*", "scheme": {"name": "zeros"}}]}, f)
    # Shard names add "-00001-of-00005" (15 bytes) to the stem: a 247-byte base name gives 262-byte shard names.
    base = "c" * (247 - len(".safetensors")) + ".safetensors"
    r = run([binary, "init", spec, "--output", os.path.join(tmp, base), "--max-shard-size", "4KB", "--device", "cpu", "--quiet"])
    check(r.returncode == 1 and "262 bytes" in r.stderr and "-00001-of-00005" in r.stderr and len(error_lines(r.stderr)) == 1
          and sorted(os.listdir(tmp)) == ["five.json"], f"shard names over 255 bytes: refused up front ({r.stderr.strip()[:120]}...)")
    # 240-byte shard names fit; their temporary names (cut and hashed) stay distinct and within 255 bytes.
    base = "d" * (240 - 15 - len(".safetensors")) + ".safetensors"
    folder = os.path.join(tmp, "long")
    p = subprocess.Popen([binary, "init", spec, "--output", os.path.join(folder, base), "--max-shard-size", "4KB", "--device", "cpu", "--quiet"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, err = p.communicate(timeout=60)
    index = os.path.join(folder, base + ".index.json")
    check(p.returncode == 0 and len(os.listdir(folder)) == 6 and max(len(f.encode()) for f in os.listdir(folder)) == 240
          and run([binary, "verify", "--quiet", index]).returncode == 0,
          f"a set with 240-byte shard names writes and verifies ({err.strip()})")


def main():
    tally = Tally()
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/tensorseed")
    for part in (check_clobber, check_special_files, check_output_paths, check_failed_move, check_races, check_signals, check_names):
        with tempfile.TemporaryDirectory() as tmp:
            part(binary, tmp, tally.check)
    return tally.report("output")


if __name__ == "__main__":
    sys.exit(main())
