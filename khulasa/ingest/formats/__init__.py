"""Input formats: a ``Parser`` per format, in a registry by name, and ``format_of``, which picks one for a
file from its extension and, where the extension does not tell, its content.

A new input format is a module here with a ``Parser`` (``parse_x(text, item, issues)`` yielding articles,
each built through ``khulasa.ingest.records``), registered in ``PARSERS`` under its name; ``format_of``
maps its extensions to that name and says where content sniffing ranks it.
"""

from __future__ import annotations

from khulasa.ingest.formats.base import FormatError, Parser
from khulasa.ingest.formats.html import parse_html
from khulasa.ingest.formats.json import JSONL_SUFFIXES, is_single_json, parse_json, parse_jsonl
from khulasa.ingest.formats.text import parse_text
from khulasa.ingest.formats.trec import TREC_HEAD, parse_trec
from khulasa.ingest.source import suffix_of

__all__ = ["PARSERS", "FormatError", "Parser", "format_of"]

PARSERS: dict[str, Parser] = {
    "text": parse_text,
    "json": parse_json,
    "jsonl": parse_jsonl,
    "trec": parse_trec,
    "html": parse_html,
}
"""Every input format by name (``InputRecord.format``)."""


def format_of(name: str, text: str) -> str | None:
    """The name of the format of a file called ``name`` holding ``text``; ``None`` for XML we do not read."""
    suffix = suffix_of(name)
    head = text[:512].lstrip("\ufeff \t\n").lower()
    if suffix == ".json":
        return "json"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".trec", ".sgml", ".sgm") or TREC_HEAD.match(head):
        return "trec"
    if suffix == ".xml":
        return None  # any other XML is not an article format we know
    if suffix in (".txt", ".text", ".md"):
        return "text"
    # unknown or no extension, or stdin: sniff the content
    if head.startswith(("{", "[")):
        return "json" if head.startswith("[") or is_single_json(text) else "jsonl"
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    return "text"
