"""Streaming safetensors output: each tensor generated chunk by chunk into a reusable buffer and written, so memory
stays at two chunks whatever the model's size; a sharded set with ``model.safetensors.index.json`` as transformers'
``save_pretrained`` names it. Format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
JSON (padded with spaces to a multiple of 8) mapping each name to ``{"dtype", "shape", "data_offsets"}`` plus
``"__metadata__"``, then the data. ``SetLayout`` says which files a set has and their sizes before anything is
written (for the free-space check); ``write_set`` writes them into a staging folder (``_staging.StagedFolder`` moves
them into place together); with ``fsync`` (the default, as the CLI does) each is on disk when it is complete, written
back chunk by chunk while the next chunks are generated (``_Writeback``).
"""
import ctypes
import json
import os
import re
import struct
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import _staging
from ._native import fill_buffer

#: Element sizes and safetensors names of the storage types the library writes.
_FLOAT_TYPES = {"f32": ("F32", 4), "f16": ("F16", 2), "bf16": ("BF16", 2), "f64": ("F64", 8)}
#: Bytes generated per chunk (two chunks are in memory: one being written while the next is generated).
CHUNK_BYTES = 64 << 20


def parse_size(size):
    """``"5GB"`` (10⁹), ``"5GiB"`` (2³⁰), ``"500MB"``, or an int of bytes, as transformers' ``max_shard_size`` reads them."""
    if isinstance(size, int):
        return size
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(I?)B\s*", str(size).upper())
    if not match:
        raise ValueError(f"max_shard_size {size!r}: use bytes or a size like 5GB")
    number, prefix, binary = match.groups()
    power = " KMGT".index(prefix or " ")
    return int(float(number) * (1024 if binary else 1000) ** power)


class Item:
    """One tensor to write: name, shape, the library's dtype name (or an integer constant's numpy dtype), scheme."""

    def __init__(self, name, shape, dtype, scheme=None, constant=None):
        self.name, self.shape, self.dtype, self.scheme, self.constant = name, list(shape), dtype, scheme, constant
        count = 1
        for d in self.shape:
            count *= d
        self.count = count
        if dtype in _FLOAT_TYPES:
            self.st_dtype, self.size = _FLOAT_TYPES[dtype]
        else:
            import numpy as np
            self.numpy_type = np.dtype(dtype)
            self.st_dtype, self.size = {"i": "I", "u": "U"}[self.numpy_type.kind] + str(8 * self.numpy_type.itemsize), self.numpy_type.itemsize

    @property
    def nbytes(self):
        return self.count * self.size


def _header(items, metadata):
    header, offset = {}, 0
    for item in items:
        header[item.name] = {"dtype": item.st_dtype, "shape": item.shape, "data_offsets": [offset, offset + item.nbytes]}
        offset += item.nbytes
    header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text


def _chunks(item, seed, engine, next_buffer):
    """Yields the item's data chunk by chunk, each generated into the buffer ``next_buffer()`` gives (alternating
    over the whole file, so that the chunk being written is never the one being generated)."""
    if item.scheme is None:  # an integer constant
        import numpy as np
        yield np.full(item.count, item.constant, item.numpy_type).tobytes()
        return
    per_chunk = max(1, CHUNK_BYTES // item.size)
    for start in range(0, item.count, per_chunk):
        n = min(per_chunk, item.count - start)
        buffer = next_buffer()
        fill_buffer(buffer.ctypes.data, n * item.size, seed=seed, name=item.name, shape=item.shape, scheme=item.scheme,
                    dtype=item.dtype, offset=start, count=n, engine=engine)
        yield memoryview(buffer)[: n * item.size]


class _Writeback:
    """Disk writes that overlap generation and a page cache that stays small, as the CLI's writer does
    (Sources/TensorSeed/Writers/FileWriteback.swift): after each chunk is written its writeback is started, and the
    chunk two before is waited for and dropped from the page cache, so about three chunks are ever dirty and the
    pages of written chunks are reused. Linux's ``sync_file_range(2)`` does this (through ctypes: Python's ``os``
    lacks it); elsewhere only ``posix_fadvise(POSIX_FADV_DONTNEED)``. Advice only: errors are ignored and the final
    ``fsync`` reports any write error."""

    #: SYNC_FILE_RANGE_WAIT_BEFORE, _WRITE, _WAIT_AFTER (linux/fs.h; stable kernel ABI).
    WAIT_BEFORE, WRITE, WAIT_AFTER = 1, 2, 4

    def __init__(self, fd):
        self.fd, self.in_flight = fd, []
        self.sync_file_range = None
        if sys.platform.startswith("linux"):
            try:
                function = ctypes.CDLL(None, use_errno=True).sync_file_range
                function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
                function.restype = ctypes.c_int
                self.sync_file_range = function
            except (AttributeError, OSError):
                pass

    def written(self, offset, length):
        if self.sync_file_range is not None:
            self.sync_file_range(self.fd, offset, length, self.WRITE)
        self.in_flight.append((offset, length))
        if len(self.in_flight) > 2:
            offset, length = self.in_flight.pop(0)
            if self.sync_file_range is not None:
                self.sync_file_range(self.fd, offset, length, self.WAIT_BEFORE | self.WRITE | self.WAIT_AFTER)
            if hasattr(os, "posix_fadvise"):
                try:
                    os.posix_fadvise(self.fd, offset, length, os.POSIX_FADV_DONTNEED)
                except OSError:
                    pass


def _write_file(path, items, seed, engine, metadata, fsync=True, shown=None):
    """Writes the safetensors file ``path`` (``shown``: the name errors give, its final path)."""
    import numpy as np

    buffers = [np.empty(CHUNK_BYTES, np.uint8), np.empty(CHUNK_BYTES, np.uint8)]
    turn = [0]

    def next_buffer():
        turn[0] ^= 1
        return buffers[turn[0]]

    header = _header(items, metadata)
    size = len(header) + sum(item.nbytes for item in items)
    try:
        with open(path, "xb") as file, ThreadPoolExecutor(1) as writer:
            file.write(header)
            file.flush()
            fd, position = file.fileno(), file.tell()
            writeback = _Writeback(fd) if fsync else None

            def write(data):
                nonlocal position
                done = 0
                while done < len(data):  # unbuffered, at the file's end
                    done += os.write(fd, data[done:])
                if writeback is not None:
                    writeback.written(position, done)
                position += done

            pending = None
            for item in items:
                for data in _chunks(item, seed, engine, next_buffer):
                    # The library releases the GIL while it generates the next chunk into the other buffer.
                    if pending is not None:
                        pending.result()
                    pending = writer.submit(write, data)
            if pending is not None:
                pending.result()
            if fsync:
                os.fsync(fd)
    except OSError as error:
        raise _staging.no_space(error, shown or path, size) from None


class SetLayout:
    """The files of a set: ``model.safetensors`` or, past ``max_shard_size``, ``model-0000i-of-0000n.safetensors``
    shards (packed greedily in order, as transformers does) and ``model.safetensors.index.json``."""

    INDEX = "model.safetensors.index.json"

    def __init__(self, items, *, max_shard_size="50GB", metadata=None):
        limit = parse_size(max_shard_size)
        shards, current, size = [], [], 0
        for item in items:
            if current and size + item.nbytes > limit:
                shards.append(current)
                current, size = [], 0
            current.append(item)
            size += item.nbytes
        shards.append(current)
        self.metadata = {"format": "pt", **(metadata or {})}
        if len(shards) == 1:
            names = ["model.safetensors"]
        else:
            names = [f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors" for i in range(len(shards))]
        self.shards = list(zip(names, shards))
        self.index = None
        if len(shards) > 1:
            index = {"metadata": {"total_size": sum(i.nbytes for i in items)},
                     "weight_map": {item.name: name for name, shard in self.shards for item in shard}}
            self.index = (json.dumps(index, indent=2, sort_keys=True) + "\n").encode()

    @property
    def names(self):
        """The file names in the order they are written and moved into place (the index last)."""
        return [name for name, _ in self.shards] + ([self.INDEX] if self.index is not None else [])

    @property
    def sizes(self):
        """The size in bytes of each file of ``names``."""
        sizes = [len(_header(shard, self.metadata)) + sum(i.nbytes for i in shard) for _, shard in self.shards]
        return sizes + ([len(self.index)] if self.index is not None else [])

    def describe(self, folder):
        """``folder/model.safetensors``, or ``folder/model.safetensors.index.json and its N shards``."""
        if self.index is None:
            return str(Path(folder) / "model.safetensors")
        return f"{Path(folder) / self.INDEX} and its {len(self.shards)} shards"


def write_set(layout, staging, *, seed, engine="cpu", fsync=True, folder=None):
    """Writes ``layout``'s files into the folder ``staging`` (errors name them in ``folder``, their final place)."""
    folder = Path(folder or staging)
    for name, shard in layout.shards:
        _write_file(Path(staging) / name, shard, seed, engine, layout.metadata, fsync=fsync, shown=folder / name)
    if layout.index is not None:
        try:
            with open(Path(staging) / layout.INDEX, "xb") as file:
                file.write(layout.index)
                file.flush()
                if fsync:
                    os.fsync(file.fileno())
        except OSError as error:
            raise _staging.no_space(error, folder / layout.INDEX, len(layout.index)) from None


#: A file of a safetensors set as transformers names it (``model.safetensors``, its index, its shards), by the
#: base name ``model``: what a new set's save removes when the new set does not replace it.
_SET_FILE = re.compile(r"model(\.safetensors|\.safetensors\.index\.json|-\d{5}-of-\d{5}\.safetensors)")


def stale_files(folder, keeping):
    """The names of files in ``folder`` that belong to a safetensors set named ``model`` (single file, index, shards
    of any count) and are not in ``keeping``: an earlier save's set, which a new set must replace whole. Only regular
    files (and symbolic links) are listed; anything else stays."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return []
    keep = set(keeping)
    return sorted(n for n in entries if n not in keep and _SET_FILE.fullmatch(n)
                  and (os.path.islink(Path(folder) / n) or os.path.isfile(Path(folder) / n)))
