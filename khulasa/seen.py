"""``SeenSet``: the strings met so far in a stream that may never end, in flat memory.

Up to ``in_memory`` strings live in a Python set; beyond that they go to a private SQLite table in a
temporary file (deleted when the set is closed or collected).  A lookup there costs a few microseconds,
which only streams of more than ``in_memory`` items pay.
"""

from __future__ import annotations

import sqlite3

IN_MEMORY = 100_000
"""Strings kept in memory (about 10 MB of short ids) before the rest go to disk."""
CACHE_KIB = 1024
"""SQLite's page cache for the strings on disk."""


class SeenSet:
    """``in`` and ``add`` of a ``set[str]``, memory bounded by ``in_memory`` entries."""

    def __init__(self, in_memory: int = IN_MEMORY) -> None:
        self._limit = in_memory
        self._memory: set[str] = set()
        self._disk: sqlite3.Connection | None = None

    def __contains__(self, item: object) -> bool:
        if item in self._memory:
            return True
        return self._disk is not None and self._disk.execute(
            "SELECT 1 FROM seen WHERE item = ?", (item,)).fetchone() is not None

    def add(self, item: str) -> None:
        if len(self._memory) < self._limit:
            self._memory.add(item)
            return
        if self._disk is None:
            self._disk = sqlite3.connect("", isolation_level=None)  # "": a temporary file
            self._disk.execute("PRAGMA journal_mode=OFF")  # nothing to recover: it dies with us
            self._disk.execute("PRAGMA synchronous=OFF")
            self._disk.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # its page cache: the memory it adds
            self._disk.execute("CREATE TABLE seen (item TEXT PRIMARY KEY) WITHOUT ROWID")
        self._disk.execute("INSERT OR IGNORE INTO seen VALUES (?)", (item,))

    def close(self) -> None:
        if self._disk is not None:
            self._disk.close()
            self._disk = None
