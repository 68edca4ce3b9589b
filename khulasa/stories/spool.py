"""Append-only record files and the run's state: what lets a long run stream, spill and resume.

A record file holds length-prefixed, CRC-checked pickles.  Writers append and ``sync`` (flush +
``fsync``) at checkpoints; readers stop at the first torn or corrupt record, so a file cut short by a
crash is simply shorter — ``truncate_to_valid`` then cuts it back to its last whole record before
appending resumes.  Only files this process wrote are read back (pickle is not for untrusted data).

``state_lock`` makes a run's state directory its own while it runs (an ``flock`` the kernel drops when
the process dies, however it dies), so two runs never append to one spool.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import struct
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from khulasa.errors import OutputError, StoryRunError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: runs are not locked
    fcntl = None  # type: ignore[assignment]

LOCK_FILE = "lock"
STATE_NAMES = frozenset({"state.json", "stories.jsonl", "articles.rec", "features.rec", LOCK_FILE, "checkpoint"})
"""What a run keeps in its state directory (the Spark watch mode's checkpoint is a directory)."""

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


def write_json_atomically(path: Path, value: Any) -> None:
    """Write JSON via a synced temporary file and a rename: the file is always old or new, never torn."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(value, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def valid_jsonl_prefix(path: Path, key: str) -> tuple[list[Any], int]:
    """``record[key]`` of the whole JSONL lines that parse, and the bytes they span (not a torn tail)."""
    values: list[Any] = []
    end = 0
    if not path.exists():
        return values, end
    with open(path, "rb") as f:
        for raw in f:
            if not raw.endswith(b"\n"):
                break
            try:
                record = json.loads(raw)
            except ValueError:
                break
            values.append(record.get(key) if isinstance(record, dict) else None)
            end += len(raw)
    return values, end


# --- the state directory --------------------------------------------------------------------------


_held: dict[str, tuple[int, int, int]] = {}
"""Locks this process holds: real path of the state directory -> (pid, fd, depth)."""


@contextlib.contextmanager
def state_lock(workdir: Path) -> Iterator[None]:
    """Create ``workdir`` if needed and hold its lock for the block; re-entrant within a process.

    Raises ``StoryRunError`` (exit 7) when another process holds it, and ``OutputError`` (exit 6) when
    the directory or its lock file cannot be created.
    """
    try:
        workdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(str(workdir), exc.strerror or str(exc)) from exc
    key = os.path.realpath(workdir)
    held = _held.get(key)
    if held is not None and held[0] == os.getpid():  # a forked child does not inherit a hold
        _held[key] = (held[0], held[1], held[2] + 1)
        try:
            yield
        finally:
            pid, fd, depth = _held[key]
            _held[key] = (pid, fd, depth - 1)
        return
    fd = _acquire(workdir)
    _held[key] = (os.getpid(), fd, 1)
    try:
        yield
    finally:
        del _held[key]
        os.close(fd)  # releases the lock (and the kernel does it if we die before)


def _acquire(workdir: Path) -> int:
    path = workdir / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise OutputError(str(path), exc.strerror or str(exc)) from exc
    if fcntl is None:
        return fd
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip()
        os.close(fd)
        raise StoryRunError(
            f"another khulasa stories run{f' (pid {holder})' if holder.isdigit() else ''} is using {workdir}",
            hint="wait for it to end, or give another -o or --state-dir",
        ) from None
    except OSError as exc:
        os.close(fd)
        raise OutputError(str(path), exc.strerror or str(exc)) from exc
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
    return fd


def is_state_dir(workdir: Path) -> bool:
    """Whether ``workdir`` is missing, empty, or holds only what a run keeps there."""
    try:
        names = os.listdir(workdir)
    except FileNotFoundError:
        return True
    except NotADirectoryError:
        return False
    return all(_is_state_name(n) for n in names)


def _is_state_name(name: str) -> bool:
    return name in STATE_NAMES or (name.startswith(".state.json.") and name.endswith(".tmp"))


def remove_state(workdir: Path) -> None:
    """Delete what a run keeps in ``workdir``, then the directory if nothing else is left in it."""
    try:
        names = os.listdir(workdir)
    except OSError:
        return
    for name in names:
        if not _is_state_name(name):
            continue
        path = workdir / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        workdir.rmdir()
