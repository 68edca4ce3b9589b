"""Readable outlet names for the HTML site, from the editable map ``khulasa/data/outlets.tsv``.

Records keep the raw outlet id (``skynews``); only the pages show a name (سكاي نيوز عربية).  Ids match
case-insensitively (``BBC`` and ``bbc`` are one outlet); an id that is not in the map is shown as it is.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType

OUTLETS_FILE = "data/outlets.tsv"


def parse_outlet_map(text: str, *, where: str = OUTLETS_FILE) -> Mapping[str, str]:
    """``id<TAB>name`` lines (``#`` comments and blank lines skipped) as a read-only mapping keyed by
    the lower-cased id.  A line without both fields, or an id given twice, is a ``ValueError`` naming the
    line: a typo in the map must not silently show the wrong name."""
    names: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        if len(fields) != 2 or not all(fields):
            raise ValueError(f"{where}:{number}: expected 'id<TAB>name', got {line!r}")
        key = fields[0].casefold()
        if key in names:
            raise ValueError(f"{where}:{number}: outlet id {fields[0]!r} is given twice")
        names[key] = fields[1]
    return MappingProxyType(names)


@functools.lru_cache(maxsize=1)
def outlet_map() -> Mapping[str, str]:
    """The packaged map (read once)."""
    text = resources.files("khulasa").joinpath(OUTLETS_FILE).read_text(encoding="utf-8")
    return parse_outlet_map(text)


def outlet_name(outlet: str | None, names: Mapping[str, str] | None = None) -> str:
    """The display name of ``outlet``: its name in the map, else the id itself ("" for none)."""
    if not outlet:
        return ""
    table = outlet_map() if names is None else names
    return table.get(outlet.strip().casefold(), outlet)


def outlet_slug(outlet: str) -> str:
    """A file name stem for an outlet's pages: its ASCII letters and digits (for a readable URL) and a
    hash of the exact id (so two ids never share a page, whatever characters they hold)."""
    readable = "".join(c for c in outlet.casefold() if c.isascii() and c.isalnum())[:24]
    digest = hashlib.sha1(outlet.encode("utf-8")).hexdigest()[:8]
    return f"{readable}-{digest}" if readable else f"o-{digest}"
