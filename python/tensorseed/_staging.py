"""Output written all or nothing, as the CLI's writer does (Sources/TensorSeed/Writers/StagedOutput.swift,
Interruption.swift, FreeSpace.swift, Sources/tensorseed/OutputLocation.swift).

``StagedFolder``: a folder's files (a safetensors set, config.json ...) are written into a hidden staging folder
inside it, ``.tensorseed-staging.tensorseed-HOST-PID-START-RANDOM.tmp`` (``_owner``), and moved onto their final names together at the end (weights
after their companions, an index last); only then are the files of an earlier set that the new one does not
replace removed (index first). An earlier file about to be replaced is first kept under a hidden temporary name
(a hard link, or the file moved there where the file system has none), so that when a move fails part-way the files
already replaced are put back exactly as they were. The free space is checked before anything is written. On any failure the staging
folder, and every folder this write created, are removed, and an earlier set stays as it was. Staging folders that
dead processes of this host left (SIGKILL, no handler ran) are removed before a write into the folder starts.

``StagedFile``: one file (a spec) under a unique temporary name beside it, moved into place at the end; an
existing file is replaced only with ``force``, and never a directory or anything else that is not a regular file.

SIGTERM and SIGHUP (Slurm's time limit and ``scancel``, a closed terminal), where the process has them at their
default action, remove the temporary files and the folders this write created, and the process then ends by the
signal's default action, as it would have without TensorSeed (a shell reports 128 + the signal). SIGINT, Python's
``KeyboardInterrupt``, removes them too and unwinds as usual. A signal that arrives while the files are being moved
into place waits until they all are, so a set is never left half new, half old (SIGINT then raises
``InterruptedAfterWrite``, a ``KeyboardInterrupt`` that says the set is complete). A signal the process ignores
(``nohup``) or handles itself stays so. Handlers can only be installed from the main thread: a write from another
thread cleans up on errors and ``KeyboardInterrupt`` only.
"""
import errno
import os
import re
import secrets
import shutil
import signal
import stat
import threading
from pathlib import Path

from . import _owner

#: Signals whose default action ends the process, handled during a write (SIGHUP does not exist on Windows).
TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))

#: Called with the signal number after the clean-up and before the process ends by a signal that interrupted a
#: write (the command line prints its one line here); not for a signal that waited until the files were in place.
on_signal = None


def statvfs_available(folder):
    """(bytes an unprivileged process may still write in the file system of ``folder``, its block size), or None
    where that cannot be told (no statvfs, a file system that reports no size)."""
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):
        return None
    if info.f_blocks == 0:
        return None
    return info.f_bavail * info.f_frsize, max(info.f_frsize, 1)


#: The free-space reading (tests put a stand-in here).
available = statvfs_available


def check_space(folder, sizes, what):
    """Raises OSError(ENOSPC) naming ``what`` when files of ``sizes`` bytes (each rounded up to whole blocks) need
    more than the free space of the file system holding ``folder``."""
    reading = available(folder)
    if reading is None:
        return
    free, block = reading
    needed = sum(-(-size // block) * block for size in sizes)
    if needed > free:
        raise OSError(errno.ENOSPC, f"no space left on the device for {what}: {needed} bytes needed, {free} available; "
                                    "nothing was written")


def no_space(error, what, nbytes):
    """``error`` (from a write) as the OSError to raise: a full disk names ``what`` and the bytes it needs."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return OSError(errno.ENOSPC, f"no space left on the device for {what} ({nbytes} bytes needed); nothing was written")
    return error


class _Signals:
    """The handlers of TERMINATING and SIGINT while writes are active (installed by the first, restored by the last)."""

    def __init__(self):
        self.lock = threading.RLock()
        self.active = []          # the writes to clean up on a signal
        self.previous = {}        # signal -> the handler replaced
        self.moving = 0           # writes now moving their files into place
        self.pending = None       # a signal that arrived meanwhile

    def enter(self, job):
        with self.lock:
            self.active.append(job)
            if len(self.active) == 1 and threading.current_thread() is threading.main_thread():
                for number in TERMINATING + (signal.SIGINT,):
                    current = signal.getsignal(number)
                    wanted = signal.default_int_handler if number == signal.SIGINT else signal.SIG_DFL
                    if current is wanted:
                        self.previous[number] = current
                        signal.signal(number, self.handle)

    def leave(self, job):
        with self.lock:
            if job in self.active:
                self.active.remove(job)
            if not self.active:
                self.restore()

    def restore(self):
        for number, handler in self.previous.items():
            signal.signal(number, handler)
        self.previous = {}

    def handle(self, number, frame):
        if self.moving:
            self.pending = number  # acted on once the files are in place (see moved())
            return
        self.act(number, interrupted=True)

    def act(self, number, interrupted):
        """Removes what the active writes wrote, then raises KeyboardInterrupt (SIGINT) or ends the process by the
        signal's default action (``interrupted``: a write was cut short, rather than complete when the signal was
        acted on)."""
        for job in list(self.active):
            job.discard()
        if number == signal.SIGINT:
            raise KeyboardInterrupt if interrupted else InterruptedAfterWrite
        self.restore()
        if on_signal is not None and interrupted:
            on_signal(number)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {number})
        signal.raise_signal(number)  # delivered to this thread before it returns: the process ends here
        os._exit(128 + number)       # pragma: no cover - only if the signal did not end it

    def moving_files(self):
        with self.lock:
            self.moving += 1

    def moved(self, complete):
        """The end of a write's moves (``complete``: all its files are in place); a signal that arrived meanwhile is
        acted on now, as cutting the write short only if it is not complete."""
        with self.lock:
            self.moving -= 1
            number, self.pending = (self.pending, None) if not self.moving else (None, self.pending)
        if number is not None:
            self.act(number, interrupted=not complete)


class InterruptedAfterWrite(KeyboardInterrupt):
    """SIGINT that arrived while the files were being moved into place, raised once they all were: unlike a plain
    ``KeyboardInterrupt`` from a write, the new set is complete."""


_signals = _Signals()


def _missing_folders(folder):
    """The folders to create for ``folder``, outermost first (none when it exists)."""
    missing = []
    path = Path(os.path.abspath(folder))
    while not os.path.lexists(path):
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    return missing[::-1]


def _is_regular(path):
    """Whether ``path`` is a regular file or a symbolic link to one."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


#: Folders of the kernel's files (a process's descriptors, devices' settings): never written, nor a symbolic link
#: into them replaced (``/proc/self/fd/1`` is the terminal or a pipe; as root, /dev/stdout would be destroyed), as the
#: CLI refuses them (Sources/tensorseed/OutputLocation.swift).
KERNEL_FOLDERS = ("/proc", "/sys")


def _in_kernel_folder(path):
    """The kernel folder that the absolute ``path`` lies in, or None."""
    return next((top for top in KERNEL_FOLDERS if path == top or path.startswith(top + "/")), None)


def _kernel_link(path):
    """(kernel folder, what points there) when ``path``, a symbolic link (or a chain of them, relative or absolute),
    points into /proc or /sys, or resolves to a path there; None otherwise."""
    current = os.path.abspath(path)
    for _ in range(40):  # Linux's MAXSYMLINKS: a longer chain (or a loop) is left to realpath
        if not os.path.islink(current):
            break
        try:
            text = os.readlink(current)
        except OSError:
            break
        current = os.path.normpath(os.path.join(os.path.dirname(current), text))
        top = _in_kernel_folder(current)
        if top is not None:
            return top, text
    real = os.path.realpath(path)
    top = _in_kernel_folder(real)
    return (top, real) if top is not None else None


def check_target(path, *, force):
    """Raises unless ``path`` may be written: a directory or other non-regular file (a FIFO, a device) never is,
    nor a path that is, or a symbolic link that points (also through a chain of links), into /proc or /sys; an
    existing file only with ``force``; a dangling symbolic link counts as existing."""
    into = _kernel_link(path)
    if into is not None:
        kind = "a symbolic link into" if os.path.islink(path) else "in"
        raise OSError(errno.EINVAL, f"{path} is {kind} {into[0]} ({into[1]}); nothing was written")
    if not os.path.lexists(path):
        return
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, f"{path} is a directory; nothing was written (give a file name, or "
                                              "remove the directory)")
    if os.path.exists(path) and not _is_regular(path):
        raise OSError(errno.EINVAL, f"{path} is not a regular file (a FIFO, a device...); nothing was written")
    if not force:
        raise FileExistsError(errno.EEXIST, f"{path} already exists (use --force to overwrite it)")


#: The errors of ``os.link`` that mean the file system (or the folder) has no hard links, rather than a wrong path.
NO_HARD_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, getattr(errno, "EOPNOTSUPP", errno.EPERM),
                 getattr(errno, "ENOTSUP", errno.EPERM), getattr(errno, "ENOSYS", errno.EPERM)}

#: Linux's NAME_MAX: the most bytes of one path component on ext4, XFS, Btrfs, tmpfs and NFS (TemporaryName.swift).
NAME_MAX = 255


def _prefix(text, size):
    """The longest prefix of ``text`` of at most ``size`` UTF-8 bytes that ends at a character boundary."""
    data = text.encode("utf-8", errors="surrogateescape")[:size]
    return data.decode("utf-8", errors="ignore").encode("utf-8", errors="surrogateescape").decode("utf-8", errors="surrogateescape")


def check_file_name(path):
    """Raises unless ``path`` (as given, a str or bytes) can name a file: not one ending in a slash, which names a
    folder (``sp/`` would otherwise be written as a file ``sp``)."""
    text = os.fsdecode(path)
    if text.endswith("/") or (os.altsep and text.endswith(os.altsep)):
        raise IsADirectoryError(errno.EISDIR, f"{text} names a folder; give a file name (nothing was written)")


def check_folder_name(folder):
    """Raises ValueError for an empty output folder ('' would write into the current folder; the CLI refuses it)."""
    if os.fspath(folder) in ("", b""):
        raise ValueError("the output folder is empty ''; give a folder name (\".\" for the current folder)")


def _unique(folder, stem):
    """``.STEM.tensorseed-OWNER-RANDOM.tmp`` in ``folder``, within NAME_MAX bytes: a STEM too long for the decoration
    is cut at a character boundary and followed by ``~`` and 8 hex digits of its FNV-1a (the CLI's rule,
    TemporaryName.swift), so that files whose names differ only near their ends keep distinct temporary names."""
    decoration = f".tensorseed-{_owner.current()}-{secrets.token_hex(4)}.tmp"
    room = NAME_MAX - 1 - len(decoration.encode())
    if len(os.fsencode(stem)) > room:
        digest = _owner._hex8(stem)
        stem = _prefix(stem, room - 1 - len(digest)) + "~" + digest
    return Path(folder) / f".{stem}{decoration}"


#: A staging folder's name (``_unique(folder, "tensorseed-staging")``), its owner in group 1.
_STAGING_NAME = re.compile(r"\.tensorseed-staging\.tensorseed-(" + _owner.PATTERN.replace("(", "(?:") + r")-[0-9a-f]{8}\.tmp")


#: A kept earlier file's name (``_unique(folder, NAME)``, see ``_keep_earlier``): NAME in group 1, its owner in group 2.
_KEPT_NAME = re.compile(r"\.(.+)\.tensorseed-(" + _owner.PATTERN.replace("(", "(?:") + r")-[0-9a-f]{8}\.tmp")


def _remove_stale_kept(folder, name):
    """Removes ``name`` in ``folder`` when it is a kept earlier file of a dead process of this host (SIGKILL during a
    commit) whose final file is there again: the same file (its hard link) or the new one that replaced it. One
    whose final file is missing is left alone (it may be the only copy), as is anything not a regular file."""
    match = _KEPT_NAME.fullmatch(name)
    path = Path(folder) / name
    if (match and _owner.is_dead(match.group(2)) and not path.is_symlink() and path.is_file()
            and os.path.lexists(Path(folder) / match.group(1))):
        _remove(path)
        return True
    return False


def remove_stale_staging(folder):
    """Removes the staging folders in ``folder`` whose process, on this host, no longer runs, and files such a
    process kept of an earlier set (``_remove_stale_kept``); returns their paths."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    removed = []
    for name in sorted(names):
        match = _STAGING_NAME.fullmatch(name)
        path = Path(folder) / name
        if match and _owner.is_dead(match.group(1)) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        elif not match and _remove_stale_kept(folder, name):
            removed.append(path)
    return removed


class _Staged:
    """What ``StagedFolder`` and ``StagedFile`` share: on entry ``_check()`` (nothing made yet), then, registered for
    the signals, ``_start()``; leaving without a commit ``discard()``s what was made."""

    committed = False

    def __enter__(self):
        self._check()
        _signals.enter(self)
        try:
            self._start()
        except BaseException:
            self.discard()
            _signals.leave(self)
            raise
        return self

    def __exit__(self, kind, value, traceback):
        self.discard()  # nothing once committed
        _signals.leave(self)
        return False


class StagedFolder(_Staged):
    """``with StagedFolder(folder) as staged:`` write files into ``staged.staging``, then ``staged.commit(names,
    stale)``; leaving the block without a commit removes what was written and the folders created for it."""

    def __init__(self, folder, *, fsync=True):
        self.given = os.fspath(folder)
        self.folder = Path(folder)
        self.fsync = fsync
        self.staging = None
        self.created = []

    def _check(self):
        check_folder_name(self.given)
        if os.path.lexists(self.folder) and not os.path.isdir(self.folder):
            raise NotADirectoryError(errno.ENOTDIR, f"{self.folder} is not a folder; nothing was written")

    def _start(self):
        for path in _missing_folders(self.folder):
            self.created.append(path)  # before mkdir: a signal right after it still finds it
            try:
                os.mkdir(path)
            except FileExistsError:  # made by another process meanwhile: not ours to remove
                self.created.pop()
        #: Staging folders of dead processes removed first.
        self.removed_stale = remove_stale_staging(self.folder)
        self.staging = _unique(self.folder, "tensorseed-staging")
        os.mkdir(self.staging)

    def path(self, name):
        """Where the file ``name`` is written before the commit."""
        return self.staging / name

    def check_targets(self, names):
        """Raises unless every ``name`` in the folder can be replaced (is absent or a regular file)."""
        for name in names:
            check_target(self.folder / name, force=True)

    def discard(self):
        """Removes the staging folder and the folders this write created (when empty); safe to call twice, and
        nothing once committed."""
        if self.committed:
            return
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
        for path in reversed(self.created):
            try:
                os.rmdir(path)
            except FileNotFoundError:
                continue
            except OSError:  # not empty: something else was put there meanwhile
                break

    def commit(self, names, stale=()):
        """Moves the staged ``names`` into the folder in this order, then removes the files ``stale`` names (those of
        an earlier set the new one does not replace; an index first). Returns the stale paths removed."""
        _signals.moving_files()
        try:
            moved, backups = [], {}
            try:
                for name in names:
                    failed = name
                    backup = _keep_earlier(self.folder / name)
                    if backup is not None:
                        backups[name] = backup
                    os.replace(self.staging / name, self.folder / name)
                    moved.append(name)
            except OSError as error:
                _roll_back(self.folder, moved, backups)
                raise OSError(error.errno, f"cannot move {self.folder / failed} into place: {error.strerror}; "
                                           "nothing was written") from None
            for backup in backups.values():
                _remove(backup)
            self.committed = True
            shutil.rmtree(self.staging, ignore_errors=True)
            removed = []
            for name in sorted(stale, key=lambda n: not n.endswith(".index.json")):
                try:
                    (self.folder / name).unlink()
                    removed.append(self.folder / name)
                except FileNotFoundError:
                    pass
            if self.fsync:
                _fsync_folder(self.folder)
            return removed
        finally:
            _signals.moved(self.committed)


def _keep_earlier(final):
    """Keeps the file at ``final`` (an earlier set's, about to be replaced) reachable under a unique temporary name
    beside it: a hard link, or where the file system has none, the file itself moved there. Returns that path, or
    None when there is nothing to keep (or it cannot be kept: the replace that follows then decides)."""
    if not os.path.lexists(final) or (os.path.isdir(final) and not os.path.islink(final)):
        return None
    backup = _unique(final.parent, final.name)
    try:
        os.link(final, backup, follow_symlinks=False)
        return backup
    except OSError as error:
        if error.errno not in NO_HARD_LINKS:
            return None
    try:
        os.rename(final, backup)
        return backup
    except OSError:
        return None


def _roll_back(folder, moved, backups):
    """Undoes a commit that failed part-way: the files ``moved`` into ``folder`` are removed, or, where they replaced
    an earlier file, that file (kept in ``backups``, name -> path) is moved back; every other backup is put back
    where its file is gone, else removed."""
    for name in moved:
        if name in backups:
            try:
                os.replace(backups.pop(name), folder / name)
                continue
            except OSError:
                pass
        (folder / name).unlink(missing_ok=True)
    for name, backup in backups.items():
        if os.path.lexists(folder / name):
            _remove(backup)
        else:
            try:
                os.replace(backup, folder / name)
            except OSError:
                _remove(backup)


def _remove(path):
    try:
        os.unlink(path)
    except OSError:
        pass


def _fsync_folder(folder):
    """Puts the folder's entries (the renames) on disk; ignored where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class StagedFile(_Staged):
    """``with StagedFile(path, force=...) as staged:`` write ``staged.fd``, then ``staged.commit()``. The path is
    checked on entry (``check_target``); the temporary file beside it is removed unless committed. Without ``force``
    the final move never replaces a file that another process created meanwhile."""

    def __init__(self, path, *, force=False, fsync=True):
        self.given = os.fspath(path)
        self.path = Path(path)
        self.force, self.fsync = force, fsync
        self.temporary = None
        self.fd = None

    def _check(self):
        check_file_name(self.given)
        check_target(self.path, force=self.force)
        if not self.path.parent.is_dir():
            raise FileNotFoundError(errno.ENOENT, f"cannot write {self.path}: no folder {self.path.parent}")

    def _start(self):
        self.temporary = _unique(self.path.parent, self.path.name)
        try:
            self.fd = os.open(self.temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o644)
        except OSError as error:  # named as the user gave it, not by the hidden temporary name
            raise type(error)(error.errno, f"cannot write {self.path}: {error.strerror}; nothing was written") from None

    def write(self, data):
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view):]
        except OSError as error:
            raise no_space(error, self.path, len(data)) from None

    def discard(self):
        """Closes and removes the temporary file (nothing once committed)."""
        if self.committed:
            return
        if self.fd is not None:
            try:
                os.close(self.fd)
            except OSError:
                pass
            self.fd = None
        if self.temporary is not None:
            try:
                os.unlink(self.temporary)
            except OSError:
                pass

    def _failed(self, error):
        """``error`` of the final move as the OSError to raise: naming the path as given, not the temporary file."""
        return type(error)(error.errno, f"cannot write {self.path}: {error.strerror}; nothing was written")

    def _replace(self):
        try:
            os.replace(self.temporary, self.path)
        except OSError as error:
            raise self._failed(error) from None

    def commit(self):
        """Syncs and moves the file into place."""
        if self.fsync:
            os.fsync(self.fd)
        os.close(self.fd)
        self.fd = None
        _signals.moving_files()
        try:
            if self.force:
                self._replace()
            else:
                try:
                    os.link(self.temporary, self.path)  # fails with EEXIST: never replaces a file made meanwhile
                except FileExistsError:
                    raise FileExistsError(errno.EEXIST, f"{self.path} was created by another process meanwhile; it was "
                                                        "kept and nothing was written") from None
                except OSError as error:
                    if error.errno not in NO_HARD_LINKS:
                        raise self._failed(error) from None
                    if os.path.lexists(self.path):
                        raise FileExistsError(errno.EEXIST, f"{self.path} already exists (use --force to overwrite it)") from None
                    self._replace()
                if os.path.lexists(self.temporary):
                    os.unlink(self.temporary)
            self.committed = True
            if self.fsync:
                _fsync_folder(self.path.parent)
        finally:
            _signals.moved(self.committed)
