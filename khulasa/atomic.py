"""Atomic file output: write a temporary file beside the target, sync it, rename it over the target.

A reader (or a crash) sees the old file or the new one, never a torn one, and a failed write leaves no
temporary file behind.  Errors become ``OutputError`` naming the target.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from khulasa.errors import OutputError


def write_atomically(target: str | os.PathLike[str], content: str | Callable[[IO[str]], None]) -> None:
    """Write ``content`` (a string, or a function that writes to the open file) to ``target`` atomically."""
    path = Path(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(str(target), exc.strerror or str(exc)) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            if isinstance(content, str):
                fh.write(content)
            else:
                content(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(str(target), exc.strerror or str(exc)) from exc
        raise
