"""Streaming safetensors output: each tensor generated chunk by chunk into a reusable buffer and written, so memory
stays at two chunks whatever the model's size; a sharded set with ``model.safetensors.index.json`` as transformers'
``save_pretrained`` names it. Format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
JSON (padded with spaces to a multiple of 8) mapping each name to ``{"dtype", "shape", "data_offsets"}`` plus
``"__metadata__"``, then the data. Files are written under temporary names and renamed when complete; with
``fsync`` (the default, as the CLI does) each is on disk before its rename, written back chunk by chunk while the next
chunks are generated (``_Writeback``).
"""
import ctypes
import json
import os
import re
import struct
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

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


def _write_file(path, items, seed, engine, metadata, fsync=True):
    import numpy as np

    buffers = [np.empty(CHUNK_BYTES, np.uint8), np.empty(CHUNK_BYTES, np.uint8)]
    turn = [0]

    def next_buffer():
        turn[0] ^= 1
        return buffers[turn[0]]

    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(temporary, "wb") as file, ThreadPoolExecutor(1) as writer:
            file.write(_header(items, metadata))
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
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_folder(folder, items, *, seed, engine="cpu", max_shard_size="50GB", metadata=None, fsync=True):
    """Writes ``items`` to ``folder/model.safetensors`` or, past ``max_shard_size``, to
    ``model-0000i-of-0000n.safetensors`` shards and ``model.safetensors.index.json``. Returns the files written.
    ``fsync=False`` leaves the data in the page cache for the system to write later, as transformers'
    ``save_pretrained`` does (faster; a power loss may then leave a renamed but incomplete file)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    limit = parse_size(max_shard_size)
    shards, current, size = [], [], 0
    for item in items:
        if current and size + item.nbytes > limit:
            shards.append(current)
            current, size = [], 0
        current.append(item)
        size += item.nbytes
    shards.append(current)
    metadata = {"format": "pt", **(metadata or {})}
    if len(shards) == 1:
        names = ["model.safetensors"]
    else:
        names = [f"model-{i + 1:05d}-of-{len(shards):05d}.safetensors" for i in range(len(shards))]
    for name, shard in zip(names, shards):
        _write_file(folder / name, shard, seed, engine, metadata, fsync=fsync)
    written = [folder / n for n in names]
    if len(shards) > 1:
        index = {"metadata": {"total_size": sum(i.nbytes for i in items)},
                 "weight_map": {item.name: name for name, shard in zip(names, shards) for item in shard}}
        temporary = folder / ".model.safetensors.index.json.tmp"
        temporary.write_text(json.dumps(index, indent=2, sort_keys=True) + "\n")
        os.replace(temporary, folder / "model.safetensors.index.json")
        written.append(folder / "model.safetensors.index.json")
    return written
