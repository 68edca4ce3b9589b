"""A stories run's work directory: the files a run keeps there, its lock, and removing them.

``state_lock`` makes the directory one run's own while it runs (an ``flock`` the kernel drops when the
process dies, however it dies), so two runs never append to one spool.  ``is_state_dir`` and
``remove_state`` never touch a file a run did not write: a state directory given by mistake (a home
directory, an input) is refused, not emptied.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from khulasa.errors import OutputError, StoryRunError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: runs are not locked
    fcntl = None  # type: ignore[assignment]

STATE_FILE = "state.json"
STORIES_FILE = "stories.jsonl"
ARTICLES_FILE = "articles.rec"
FEATURES_FILE = "features.rec"
LOCK_FILE = "lock"
DATA_FILES = (STORIES_FILE, ARTICLES_FILE, FEATURES_FILE)
"""What a fresh run removes: an earlier run's records."""
STATE_NAMES = frozenset({STATE_FILE, *DATA_FILES, LOCK_FILE, "checkpoint"})
"""What a run keeps in its state directory (the Spark watch mode's checkpoint is a directory)."""


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
    return name in STATE_NAMES or (name.startswith(f".{STATE_FILE}.") and name.endswith(".tmp"))


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
