"""JSON (an object, a list, or ``{"articles": [...]}``) and JSONL (one object a line), each record read
by ``khulasa.ingest.records``.  JSONL is also read as a stream (files, stdin, Spark's byte chunks): a line
at a time, in bounded memory, with bad lines reported and skipped."""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import os
from collections.abc import Iterable, Iterator

from khulasa.errors import UnreadableFileError, printable
from khulasa.ingest import decode as decoding
from khulasa.ingest.decode import (
    ASCII_COMPATIBLE,
    decoded_lines,
    detect_encoding,
    nul_note,
    probe,
)
from khulasa.ingest.formats.base import FormatError
from khulasa.ingest.records import from_record
from khulasa.ingest.report import CountingReport, IngestReport, InputRecord
from khulasa.ingest.sidecars import apply_sidecar
from khulasa.ingest.source import Context, Item, stem_of
from khulasa.models import Article

logger = logging.getLogger("khulasa.ingest")

JSONL_SUFFIXES = (".jsonl", ".ndjson")
"""Read as a stream, a line at a time (no size limit but ``MAX_LINE_BYTES`` on a line)."""


def parse_json(text: str, item: Item, issues: list[str]) -> Iterator[Article]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several objects, one per line: JSONL under a .json name
            yield from parse_jsonl(text, item, issues)
            return
        detail = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise FormatError("invalid JSON", detail) from exc
    except (ValueError, RecursionError) as exc:  # nested too deeply, or an integer of thousands of digits
        raise FormatError("invalid JSON", f"invalid JSON: {json_limit(exc)}") from exc
    if isinstance(value, dict) and isinstance(value.get("articles"), list):
        value = value["articles"]
    records = value if isinstance(value, list) else [value]
    for n, record in enumerate(records, start=1):
        article = from_record(record, issues, default_id=f"{stem_of(item.name)}-{n}", where=f"item {n}", path=item.path)
        if article is not None:
            yield article


def json_limit(exc: Exception) -> str:
    """What Python's JSON parser refused beyond syntax errors, in words."""
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(";")[0]


def parse_jsonl(text: str, item: Item, issues: list[str]) -> Iterator[Article]:
    n = 0
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        n += 1
        article = jsonl_line(line, lineno, n, item, issues)
        if article is not None:
            yield article


def jsonl_line(line: str, lineno: int, n: int, item: Item, issues: list[str]) -> Article | None:
    """The article of JSONL line ``lineno``, the ``n``-th that is not blank (its default id)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        issues.append(f"line {lineno}: invalid JSON ({exc.msg}), skipped")
        return None
    except (ValueError, RecursionError) as exc:
        issues.append(f"line {lineno}: invalid JSON ({json_limit(exc)}), skipped")
        return None
    return from_record(record, issues, default_id=f"{stem_of(item.name)}-{n}", where=f"line {lineno}",
                       path=item.path)


def is_single_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def looks_like_jsonl(text: str, at_end: bool) -> bool:
    """Stdin sniffing: one JSON object per line (else the input is read whole, as one document)."""
    if not text.lstrip("\ufeff \t\n").startswith("{"):
        return False
    if at_end and is_single_json(text):
        return False  # one object, maybe {"articles": [...]}: the JSON reader's
    for line in itertools.islice((line for line in text.split("\n") if line.strip()), 5):
        try:
            value = json.loads(line.lstrip("\ufeff"))
        except (ValueError, RecursionError):
            continue
        return isinstance(value, dict) and not isinstance(value.get("articles"), list)
    return False


MAX_ISSUES_PER_INPUT = 1000
"""Issues kept per streamed input; later ones are counted in one last line."""


def iter_jsonl_bytes(chunks: Iterable[bytes], *, path: str, report: IngestReport | None = None) -> Iterator[Article]:
    """Articles of JSONL arriving as byte chunks (e.g. the lines of one file from a Spark stream),
    recorded in ``report`` under ``path`` like a file in a directory: skipped, never raised, when bad."""
    ctx = Context(report if report is not None else CountingReport())
    blocks = iter(chunks)
    first, at_end = probe(blocks)
    try:
        encoding, _ = detect_encoding(first, at_end, path)
    except UnreadableFileError as exc:
        ctx.skip(path, "binary data" if exc.reason.startswith("binary") else "cannot decode", exc.reason)
        return
    yield from stream_jsonl(Item(path, os.path.basename(path), False, {}), encoding, first, blocks, ctx)


def stream_jsonl(item: Item, encoding: str, first: bytes, rest: Iterator[bytes], ctx: Context) -> Iterator[Article]:
    """``parse_item`` for JSONL, a line at a time: bad lines are reported and skipped, good ones yielded
    at once; the input is recorded when it ends."""
    issues: list[str] = []
    dropped = nuls = 0
    shown = printable(item.path)

    def issue(text: str) -> None:
        nonlocal dropped
        logger.warning("%s: %s", shown, text)
        if len(issues) < MAX_ISSUES_PER_INPUT:
            issues.append(text)
        else:
            dropped += 1

    stem = stem_of(item.name)
    n = articles = 0
    blank = True
    lines = decoded_lines(itertools.chain([first], rest), encoding)
    for lineno, line, encoding, line_nuls in lines:  # the encoding may be settled on the way
        nuls += line_nuls
        if line is not None and not line.strip():
            continue
        blank = False
        n += 1
        if line is None:
            issue(f"line {lineno}: longer than {decoding.MAX_LINE_BYTES // (1024 * 1024)} MiB or not {encoding}, skipped")
            continue
        found: list[str] = []
        article = jsonl_line(line, lineno, n, item, found)
        if article is not None:
            article = apply_sidecar(article, stem, item.sidecar, found)
            article = dataclasses.replace(article, id=ctx.unique_id(article.id, found))
        for text in found:
            issue(text)
        if article is not None:
            articles += 1
            yield article
    if dropped:
        issues.append(f"... and {dropped} more issues")
    if nuls:  # a bad export (NUL-padded records): dropped, as a whole file's would be (``decode``)
        note = nul_note(nuls, "bytes" if encoding in ASCII_COMPATIBLE else "characters")
        logger.warning("%s: %s", shown, note)
        issues.insert(0, note)
    if articles:
        ctx.report.add(InputRecord(shown, "read", articles, "jsonl", encoding, issues=issues))
    elif blank:
        ctx.skip(item.path, "empty", quiet=True)
    else:
        ctx.skip(item.path, "no articles", "; ".join(issues) or None)
