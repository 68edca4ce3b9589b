"""Append-only record files: what lets a long run stream, spill and resume.

A record file holds length-prefixed, CRC-checked pickles.  Writers append and ``sync`` (flush +
``fsync``) at checkpoints; readers stop at the first torn or corrupt record, so a file cut short by a
crash is simply shorter — ``truncate_to_valid`` then cuts it back to its last whole record before
appending resumes.  Only files this process wrote are read back (pickle is not for untrusted data).
"""

from __future__ import annotations

import os
import pickle
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

_HEADER = struct.Struct("<II")  # payload length, CRC-32 of the payload


def dumps(value: Any) -> bytes:
    """A record's payload: the value pickled."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class RecordWriter:
    """Append records to a file; ``append`` returns the record's offset for random reads later."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: BinaryIO = open(path, "ab")  # noqa: SIM115 - closed in close()
        self.offset = self._file.tell()

    def append(self, value: Any) -> int:
        return self.append_payload(dumps(value))

    def append_payload(self, payload: bytes) -> int:
        """Append a value already pickled by ``dumps`` (e.g. in another process)."""
        offset = self.offset
        self._file.write(_HEADER.pack(len(payload), zlib.crc32(payload)))
        self._file.write(payload)
        self.offset += _HEADER.size + len(payload)
        return offset

    def flush(self) -> None:
        self._file.flush()

    def sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if not self._file.closed:
            self.sync()
            self._file.close()


class RecordReader:
    """Random and sequential reads of a record file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed in close()

    def read(self, offset: int) -> Any:
        return pickle.loads(self.read_payload(offset))

    def read_payload(self, offset: int) -> bytes:
        """The record at ``offset``, still pickled (to copy it to another record file)."""
        self._file.seek(offset)
        length, crc = _HEADER.unpack(self._file.read(_HEADER.size))
        payload = self._file.read(length)
        if len(payload) != length or zlib.crc32(payload) != crc:
            raise OSError(f"{self.path}: corrupt record at offset {offset}")
        return payload

    def close(self) -> None:
        self._file.close()


def scan(path: Path, *, values: bool = True) -> Iterator[tuple[int, int, Any]]:
    """``(start, end, value)`` of every whole, valid record; stops at the first torn or corrupt one.

    With ``values=False`` records are checked but not unpickled (``value`` is ``None``).
    """
    if not path.exists():
        return
    with open(path, "rb") as f:
        offset = 0
        while True:
            header = f.read(_HEADER.size)
            if len(header) < _HEADER.size:
                return
            length, crc = _HEADER.unpack(header)
            payload = f.read(length)
            if len(payload) < length or zlib.crc32(payload) != crc:
                return
            end = offset + _HEADER.size + length
            yield offset, end, pickle.loads(payload) if values else None
            offset = end


def truncate_to_valid(path: Path, end: int) -> None:
    """Cut a record file back to ``end`` (the end of its last valid record)."""
    if path.exists() and path.stat().st_size != end:
        with open(path, "r+b") as f:
            f.truncate(end)
