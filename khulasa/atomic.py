"""Output files: a regular file is replaced atomically; anything else is written through, never replaced.

A regular file (new, or existing) is written as a temporary file beside it, synced, and renamed over
it: a reader (or a crash) sees the old file or the new one, never a torn one, and a failed write leaves
no temporary file behind.  It ends up with the mode a plain ``open(path, "w")`` gives: an existing file
keeps its mode (and its owner, where we may set it), a new one gets ``0o666 & ~umask``.

What is not a regular file is written *through*: a symbolic link is followed to its target (which is
then replaced atomically; the link stays), and a device, a FIFO or a process's descriptor
(``/dev/stdout``, ``/proc/self/fd/N``) is opened and written in place (appending, never truncating) —
renaming a file over ``/dev/null`` would destroy it.  Errors become ``OutputError`` naming the target.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import threading
from collections.abc import Callable
from typing import IO

from khulasa.errors import OutputError

MAX_SYMLINKS = 40
"""Links followed before giving up (the kernel's own limit for a path)."""
_DESCRIPTOR = re.compile(r"^/(?:proc/[^/]+(?:/task/[^/]+)?|dev)/fd/\d+$")
_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux ``/proc``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:  # elsewhere: set and restore (a thread creating a file meanwhile would see 0o022)
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def new_file_mode() -> int:
    return 0o666 & ~current_umask()


def new_directory_mode() -> int:
    return 0o777 & ~current_umask()


def resolve_output(target: str | os.PathLike[str]) -> tuple[str, bool]:
    """Where writing ``target`` really goes: ``(path, False)`` for a regular or new file, its symbolic
    links followed (a dangling link gives its target's path); ``(target, True)`` for what must be
    written in place: a device, FIFO, socket, directory (which then fails) or a process's descriptor."""
    given = os.fspath(target)
    path = given
    for _ in range(MAX_SYMLINKS):
        try:
            st = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return path, False  # a new file
        except OSError as exc:
            raise OutputError(given, exc.strerror or str(exc)) from exc
        if stat.S_ISREG(st.st_mode):
            return path, False
        if not stat.S_ISLNK(st.st_mode):
            return given, True
        if _DESCRIPTOR.match(path):
            return given, True  # /proc/self/fd/1 "links" to a pipe or a terminal: write into the descriptor
        # Not normalized: ".." after a linked directory must go up from where the link points.
        path = os.path.join(os.path.dirname(path), os.readlink(path))
    raise OutputError(given, "too many levels of symbolic links")


def write_atomically(target: str | os.PathLike[str], content: str | Callable[[IO[str]], None]) -> None:
    """Write ``content`` (a string, or a function that writes to the open file) to ``target``: atomically
    for a regular file, in place for a device or FIFO (see the module docstring)."""
    path, in_place = resolve_output(target)
    if in_place:
        _write_in_place(os.fspath(target), content)
    else:
        _replace(path, os.fspath(target), content)


def _write(fh: IO[str], content: str | Callable[[IO[str]], None]) -> None:
    if isinstance(content, str):
        fh.write(content)
    else:
        content(fh)
    fh.flush()


def _write_in_place(target: str, content: str | Callable[[IO[str]], None]) -> None:
    try:
        with open(target, "a", encoding="utf-8") as fh:
            _write(fh, content)
    except OSError as exc:
        raise OutputError(target, exc.strerror or str(exc)) from exc


def _replace(path: str, shown: str, content: str | Callable[[IO[str]], None]) -> None:
    directory, name = os.path.split(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=directory or ".", prefix=f".{name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(shown, exc.strerror or str(exc)) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            _take_mode(fh.fileno(), path)
            _write(fh, content)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(shown, exc.strerror or str(exc)) from exc
        raise


def _take_mode(fd: int, path: str) -> None:
    """Give the temporary file (0600 from ``mkstemp``) the mode, and if we may the owner, that the file
    it replaces has; a new file gets ``0o666 & ~umask``."""
    try:
        old = os.stat(path)
    except FileNotFoundError:
        os.fchmod(fd, new_file_mode())
        return
    if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(PermissionError):  # else the file becomes ours, with its old mode
            os.fchown(fd, old.st_uid, old.st_gid)
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
