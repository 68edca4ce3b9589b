"""Reading articles: files, directories, archives and stdin -> cleaned ``Article`` values.

Formats are chosen by extension, with content sniffing for ``.txt`` (TREC ``<DOC>`` files such as the ANT
corpus use it), unknown extensions, extension-less files and stdin:

- plain text: one article, id = file name without extension;
- JSON (an object, a list, or ``{"articles": [...]}``) and JSONL (one object per line);
- TREC-style ``<DOC>`` files (the layout of TREC/CLEF collections and the ANT corpus, Chouigui et al. 2021),
  parsed tolerantly with a tag scanner since they are not well-formed XML;
- HTML: main text and metadata via trafilatura (Barbaresi 2021), no network;
- ``.tar(.gz|.bz2|.xz)``/``.tgz``/``.zip`` archives, streamed member by member.

Bytes become text with ``read_bytes_as_text`` (strict UTF-8, byte-order marks, then the legacy Arabic code
pages checked for Arabic letters; stray NULs dropped) and text becomes ``Article.text`` with ``clean_text``;
every later offset refers to that cleaned text.  A ``metadata.json`` in a directory is a sidecar that gives
fields to the articles of its directory.  ``IngestReport`` records the fate of every input.

One bad record never stops a run: an unreadable date is dropped with an issue in the report, a lone
surrogate in any field becomes U+FFFD (``encodable``), and paths are shown through ``errors.printable``.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import email.utils
import itertools
import json
import logging
import os
import re
import stat
import sys
import tarfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from khulasa.errors import NoInputError, UnreadableFileError, printable
from khulasa.models import Article
from khulasa.seen import SeenSet
from khulasa.text.chars import ARABIC_LETTERS
from khulasa.text.clean import clean_text, encodable, single_line

__all__ = [
    "IngestReport",
    "InputRecord",
    "clean_text",
    "encodable",
    "iter_articles",
    "load",
    "parse_date",
    "read_bytes_as_text",
]

logger = logging.getLogger(__name__)

SIDECAR_NAME = "metadata.json"
MAX_FILE_BYTES = 64 * 1024 * 1024
"""Larger inputs are refused: no news article is that long, and a zip bomb should not fill memory.
JSONL files and JSONL on stdin are streamed instead, with no limit (but this one on a line)."""
_TOO_LARGE = f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB"

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".zip")
_BINARY_SUFFIX_LIST = """
.png .jpg .jpeg .gif .bmp .tif .tiff .webp .ico .svg .heic .pdf .doc .docx .xlsx .ppt .pptx .odt .ods .odp
.epub .rtf .mp3 .mp4 .m4a .wav .ogg .flac .avi .mov .mkv .webm .exe .dll .so .dylib .bin .pyc .class
.jar .whl .gz .bz2 .xz .zst .7z .rar .woff .woff2 .ttf .otf .db .sqlite .parquet .pkl .npy .npz
"""
BINARY_SUFFIXES = frozenset(_BINARY_SUFFIX_LIST.split())
DOC_FILE_NAME = re.compile(r"(?i)^(readme|licen[cs]e|copying|copyright|changelog|authors)([._-].*)?$")
"""A corpus's own documentation, skipped when met in a directory or archive (read when named)."""
TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".xls"})
TEXT_KEYS = ("text", "body", "content")
ARTICLE_KEYS = frozenset({"id", "source", "title", "date", "url", *TEXT_KEYS})
SIDECAR_FIELDS = ("date", "source", "title", "url")


# --------------------------------------------------------------------------------------------- report


@dataclass
class InputRecord:
    """The fate of one input: ``status`` is ``"read"`` (with ``articles``) or ``"skipped"`` (with ``reason``).

    ``path`` is as shown to people (``errors.printable``: terminal controls and undecodable bytes escaped).

    ``reason`` is a short category (``"hidden file"``, ``"binary data"``...), ``detail`` the specifics;
    ``issues`` lists problems inside a file that was read (a malformed JSONL line, a document without text).
    """

    path: str
    status: str
    articles: int = 0
    format: str | None = None
    encoding: str | None = None
    reason: str | None = None
    detail: str | None = None
    issues: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v not in (None, [])}


@dataclass
class IngestReport:
    """What ``iter_articles``/``load`` did with every input: read (n articles) or skipped (why)."""

    inputs: list[InputRecord] = field(default_factory=list)

    def add(self, record: InputRecord) -> None:
        self.inputs.append(record)

    @property
    def n_articles(self) -> int:
        return sum(r.articles for r in self.inputs)

    @property
    def read(self) -> list[InputRecord]:
        return [r for r in self.inputs if r.status == "read"]

    @property
    def skipped(self) -> list[InputRecord]:
        return [r for r in self.inputs if r.status == "skipped"]

    @property
    def issues(self) -> list[str]:
        return [f"{r.path}: {issue}" for r in self.inputs for issue in r.issues]

    def summary(self) -> str:
        """One line, e.g. ``read 5 articles from 5 inputs; skipped 2 (1 hidden file, 1 metadata sidecar)``."""
        read, skipped = self.read, self.skipped
        line = f"read {_plural(self.n_articles, 'article')} from {_plural(len(read), 'input')}"
        if skipped:
            reasons = Counter(r.reason or "unknown" for r in skipped)
            detail = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
            line += f"; skipped {len(skipped)} ({detail})"
        n_issues = sum(len(r.issues) for r in self.inputs)
        if n_issues:
            line += f"; {_plural(n_issues, 'issue')} inside files"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.n_articles,
            "read": len(self.read),
            "skipped": len(self.skipped),
            "summary": self.summary(),
            "inputs": [r.to_dict() for r in self.inputs],
        }


class _CountingReport(IngestReport):
    """Used when the caller wants no report: keeps counts, not one record per file (streaming memory)."""

    def __init__(self) -> None:
        super().__init__()
        self._articles = 0
        self._skipped: Counter[str] = Counter()

    def add(self, record: InputRecord) -> None:
        self._articles += record.articles
        if record.status == "skipped":
            self._skipped[record.reason or "unknown"] += 1

    @property
    def n_articles(self) -> int:
        return self._articles

    def summary(self) -> str:
        reasons = ", ".join(f"{n} {reason}" for reason, n in self._skipped.most_common())
        return f"read {_plural(self._articles, 'article')}" + (f"; skipped {reasons}" if reasons else "")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# ------------------------------------------------------------------------------------------- decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
LEGACY_ARABIC_ENCODINGS = ("cp1256", "iso8859_6")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")
_ARABIC_LETTER = re.compile(f"[{ARABIC_LETTERS}]")
_NEWLINES = re.compile(r"\r\n?")


def read_bytes_as_text(data: bytes, *, name: str) -> tuple[str, str]:
    """Decode ``data`` and normalize line ends to LF; return ``(text, encoding)``.

    Order: a byte-order mark (UTF-8, UTF-16/32), strict UTF-8, BOM-less UTF-16, then cp1256 / ISO-8859-6
    as judged by charset-normalizer.  A legacy decoding is accepted only if the text is mostly Arabic
    letters, so a wrong guess fails loudly.  Stray NUL bytes (a bad export: NUL-padded records, NULs
    between or inside characters) are dropped when the rest is UTF-8 text; ``_decode`` also says how many.
    Binary data raises ``UnreadableFileError``.
    """
    text, encoding, _ = _decode(data, name)
    return text, encoding


def _decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """``read_bytes_as_text`` with the notes for the report (NULs dropped)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            label = encoding.replace("-sig", "")
            body, notes = data[len(bom) :], []
            if label == "utf-8" and b"\x00" in body:  # stray NULs, even inside a character's bytes
                notes.append(_nul_note(body.count(b"\x00"), "bytes"))
                body = body.replace(b"\x00", b"")
            try:
                text = body.decode(label)
            except UnicodeDecodeError as exc:
                at = "" if notes else f" (byte {exc.start + len(bom)})"
                raise UnreadableFileError(name, f"invalid {label} after its byte-order mark{at}", [label]) from exc
            if "\x00" in text:
                notes.append(_nul_note(text.count("\x00"), "characters"))
                text = text.replace("\x00", "")
            _refuse_binary(text, name, [label])
            return _NEWLINES.sub("\n", text), encoding, notes
    if b"\x00" not in data:
        return (*_decode_without_bom(data, name), [])
    # NUL bytes: BOM-less UTF-16 (Arabic in UTF-16 is even valid UTF-8, full of NULs), UTF-8 text with
    # stray NULs, or binary data.
    tried = ["utf-8", "utf-16-le", "utf-16-be"]
    for encoding in ("utf-16-le", "utf-16-be"):
        decoded = _try_decode(data, encoding)
        if decoded is not None and not _CONTROL.search(decoded) and _mostly_arabic(decoded):
            return _NEWLINES.sub("\n", decoded), encoding, []
    # Dropped wherever they are (between characters or inside a UTF-8 sequence); what is left must be
    # UTF-8 text.  No legacy code page here: almost any bytes decode as cp1256, binaries' too.
    decoded = _try_decode(data.replace(b"\x00", b""), "utf-8")
    if decoded is None:
        raise UnreadableFileError(name, "binary data (NUL bytes, and the rest is not UTF-8)", tried)
    if _too_many_controls(decoded):
        raise UnreadableFileError(name, "binary data (NUL bytes and control characters)", tried)
    return _NEWLINES.sub("\n", decoded), "utf-8", [_nul_note(data.count(b"\x00"), "bytes")]


def _decode_without_bom(data: bytes, name: str) -> tuple[str, str]:
    tried = ["utf-8"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _refuse_binary(text, name, tried)
        return _NEWLINES.sub("\n", text), "utf-8"
    if len(_CONTROL_BYTES.findall(data)) > max(2, len(data) // 100):
        raise UnreadableFileError(name, "binary data (control bytes)", tried)
    tried += ["cp1256", "iso8859-6"]
    for encoding in _legacy_candidates(data):
        decoded = _try_decode(data, encoding)
        if decoded is not None and _mostly_arabic(decoded):
            return _NEWLINES.sub("\n", decoded), codecs.lookup(encoding).name
    raise UnreadableFileError(name, "not UTF-8, and not Arabic text in cp1256 or ISO-8859-6", tried)


def _nul_note(n: int, unit: str) -> str:
    return f"dropped {n} stray NUL {unit if n != 1 else unit[:-1]}"


def _refuse_binary(text: str, name: str, tried: list[str]) -> None:
    if _too_many_controls(text):
        raise UnreadableFileError(name, "binary data (control characters)", tried)


def _too_many_controls(text: str) -> bool:
    return bool(_CONTROL.search(text)) and len(_CONTROL.findall(text)) > max(2, len(text) // 100)


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _legacy_candidates(data: bytes) -> list[str]:
    """charset-normalizer's choice among the Arabic code pages first, then the others as fallbacks."""
    import charset_normalizer

    best = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_ARABIC_ENCODINGS)).best()
    first = [best.encoding] if best is not None else []
    return first + [e for e in LEGACY_ARABIC_ENCODINGS if e not in first]


def _mostly_arabic(text: str) -> bool:
    """At least one Arabic letter, and Arabic letters make at least half of all letters."""
    arabic = len(_ARABIC_LETTER.findall(text))
    if arabic == 0:
        return False
    letters = sum(1 for c in text if c.isalpha())
    return arabic * 2 >= letters


# ---------------------------------------------------------------------------------------------- dates


EARLIEST_DATE = dt.date(1000, 1, 1)
LATEST_DATE = dt.date(8999, 12, 31)
"""Publication dates outside these are placeholders (``0001-01-01``, ``9999-12-31``), not dates: read as
unreadable.  The margin to ``datetime``'s own range keeps the date arithmetic of later stages (story
windows, relative dates in the timeline) from overflowing."""


def parse_date(value: object) -> dt.date | None:
    """A ``date`` from ISO ``YYYY-MM-DD``, an ISO datetime, RFC 2822 (``Tue, 20 Feb 2018 01:44:01 GMT``),
    or a ``date``/``datetime``; ``None`` when it cannot be read.  The date is the one written, in the
    writer's time zone (not converted to UTC).  Never raises: a date no ``datetime`` can hold (year
    99999999999, an offset of a billion hours), one outside ``EARLIEST_DATE``..``LATEST_DATE`` and a
    value of any other type are ``None``.
    """
    date = _read_date(value)
    return date if date is not None and EARLIEST_DATE <= date <= LATEST_DATE else None


def _read_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.match(r"\d{4}-\d{2}-\d{2}(?:$|[T ])", text):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):  # OverflowError: a year past C's int
        return None


# ----------------------------------------------------------------------------------------- the walk


@dataclass(frozen=True)
class _Item:
    """One byte blob to parse: a file, an archive member or stdin."""

    path: str  # the real path or "archive:member"; shown (and kept as Article.path) through printable()
    name: str  # file name, for the extension and the default id
    explicit: bool  # named by the caller: failures raise instead of being skipped
    sidecar: Mapping[str, Mapping[str, Any]]


class _Context:
    """State of one ``iter_articles`` call: the report, ids seen, real paths visited, sidecars read."""

    def __init__(self, report: IngestReport) -> None:
        self.report = report
        self.ids = SeenSet()  # flat memory on an endless stream
        self.visited: set[str] = set()
        self.sidecars: dict[str, Mapping[str, Mapping[str, Any]]] = {}

    def skip(self, path: str, reason: str, detail: str | None = None, *, quiet: bool = False) -> None:
        path, detail = printable(path), printable(detail) if detail is not None else None
        self.report.add(InputRecord(path, "skipped", reason=reason, detail=detail))
        log = logger.debug if quiet else logger.warning
        log("skipped %s: %s%s", path, reason, f" ({detail})" if detail else "")

    def unique_id(self, article_id: str, issues: list[str]) -> str:
        if article_id not in self.ids:
            self.ids.add(article_id)
            return article_id
        n = 2
        while f"{article_id}#{n}" in self.ids:
            n += 1
        new_id = f"{article_id}#{n}"
        self.ids.add(new_id)
        issues.append(f"duplicate id {article_id!r} renamed {new_id!r}")
        return new_id


def load(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
         report: IngestReport | None = None) -> list[Article]:
    """Read every article under ``paths`` (files, directories, archives, ``-`` for stdin).

    Raises ``NoInputError`` when nothing readable was found and ``UnreadableFileError`` when a path named
    explicitly does not exist or cannot be read; files met while walking a directory are skipped and
    recorded in ``report``.
    """
    return list(iter_articles(paths, report=report))


def iter_articles(paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *,
                  report: IngestReport | None = None) -> Iterator[Article]:
    """The streaming form of ``load``: yields articles as they are read, in a deterministic order
    (paths in the given order, directories sorted by path, archives in member order).
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    ctx = _Context(report if report is not None else _CountingReport())
    n_inputs = 0
    for raw in paths:
        n_inputs += 1
        path = os.fspath(raw)
        if path == "-":
            yield from _read_stdin(ctx)
        elif os.path.isdir(path):
            yield from _walk(path, ctx)
        elif os.path.exists(path):
            yield from _read_path(path, ctx, explicit=True)
        else:
            raise UnreadableFileError(path, "no such file or directory")
    if ctx.report.n_articles == 0:
        if n_inputs == 0:
            raise NoInputError("no input given", hint="give files, directories, archives or - for stdin")
        raise NoInputError(f"no articles found ({ctx.report.summary()})",
                           hint="Khulasa reads .txt, .json, .jsonl, TREC <DOC>, .html and archives of them")


def _walk(top: str, ctx: _Context) -> Iterator[Article]:
    """Every file under ``top`` in sorted path order, depth first.  Iterative (a stack of open directory
    listings), so a corpus nested a thousand levels deep is read, not a RecursionError."""
    stack: list[tuple[str, str, Iterator[os.DirEntry[str]]]] = []  # (path, real path, entries left)
    ancestors: set[str] = set()  # real paths of the directories on the stack: a link back to one is a loop
    _enter(top, os.path.realpath(top), ctx, stack, ancestors)
    while stack:
        directory, real, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            ancestors.discard(real)
            continue
        path = os.path.join(directory, entry.name)
        if entry.name.startswith("."):
            ctx.skip(path, "hidden file", quiet=True)
        elif _is_dir(entry):
            _enter(path, _real_path(entry, path, real), ctx, stack, ancestors)
        elif entry.name == SIDECAR_NAME:
            _sidecar_for(directory, ctx, real)
            ctx.skip(path, "metadata sidecar", "fields merged into the articles of its directory", quiet=True)
        elif DOC_FILE_NAME.match(entry.name):
            ctx.skip(path, "documentation file", quiet=True)
        else:
            yield from _read_path(path, ctx, explicit=False, real=_real_path(entry, path, real),
                                  directory_real=real)


def _enter(directory: str, real: str, ctx: _Context, stack: list[tuple[str, str, Iterator[os.DirEntry[str]]]],
           ancestors: set[str]) -> None:
    """Push ``directory``'s entries in walk order, or record why it is not read (a loop, a directory
    already read, one that cannot be listed)."""
    if real in ancestors:
        ctx.skip(directory, "symlink loop", f"links back to {real}")
        return
    if real in ctx.visited:
        ctx.skip(directory, "already read", f"same directory as {real}", quiet=True)
        return
    ctx.visited.add(real)
    try:
        entries = list(os.scandir(directory))
    except OSError as exc:
        ctx.skip(directory, "cannot list directory", exc.strerror or str(exc))
        return
    # Sort as full paths would sort: a directory's name compares as "name/".
    entries.sort(key=lambda e: e.name + "/" if _is_dir(e) else e.name)
    stack.append((directory, real, iter(entries)))
    ancestors.add(real)


def _real_path(entry: os.DirEntry[str], path: str, directory_real: str) -> str:
    """``os.path.realpath(path)``; for an entry that is not a link, its directory's real path plus its name
    (resolving every level again would cost depth² system calls in a deep tree)."""
    try:
        if not entry.is_symlink():
            return os.path.join(directory_real, entry.name)
    except OSError:
        pass
    return os.path.realpath(path)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows symlinks; loops are caught by the visited set
    except OSError:
        return False


def _read_path(path: str, ctx: _Context, *, explicit: bool, real: str | None = None,
               directory_real: str | None = None) -> Iterator[Article]:
    """Read one file or archive; ``real`` and ``directory_real`` are the real paths when the walk knows them."""
    name = os.path.basename(path)
    lower = name.lower()
    if name == SIDECAR_NAME:
        _sidecar_for(os.path.dirname(path) or ".", ctx)
        ctx.skip(path, "metadata sidecar", "fields merged into the articles of its directory", quiet=True)
        return
    real = real or os.path.realpath(path)
    if real in ctx.visited:
        ctx.skip(path, "already read", f"same file as {real}", quiet=True)
        return
    ctx.visited.add(real)
    kind = _special_file_kind(path)
    if kind is not None and not explicit:
        # Opening a FIFO blocks until someone writes to it, a device may never end: never in a walk.
        # Named on the command line it is read, as `khulasa summarize <(curl ...)` needs.
        ctx.skip(path, "not a regular file", kind)
        return
    if lower.endswith(ARCHIVE_SUFFIXES):
        yield from _read_archive(path, ctx, explicit=explicit)
        return
    suffix = _suffix(name)
    if suffix in BINARY_SUFFIXES or suffix in TABLE_SUFFIXES:
        reason = "unsupported format" if suffix in TABLE_SUFFIXES else "binary file type"
        detail = "convert tables to JSONL" if suffix in TABLE_SUFFIXES else suffix
        if explicit:
            raise UnreadableFileError(path, f"{reason} ({detail})")
        ctx.skip(path, reason, detail, quiet=True)
        return
    if suffix in JSONL_SUFFIXES:  # streamed line by line: no size limit
        yield from _read_jsonl_path(path, ctx, explicit=explicit)
        return
    try:
        data = _read_file(path)
    except OSError as exc:
        if explicit:
            raise UnreadableFileError(path, exc.strerror or str(exc)) from exc
        ctx.skip(path, "cannot open", exc.strerror or str(exc))
        return
    sidecar = _sidecar_for(os.path.dirname(path) or ".", ctx, directory_real)
    yield from _parse_item(_Item(path, name, explicit, sidecar), data, ctx)


def _special_file_kind(path: str) -> str | None:
    """``"fifo"``, ``"socket"``, ``"device"`` for what is not a regular file; None for files and errors."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # opening it will say why
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device"


def _read_file(path: str) -> bytes:
    with open(path, "rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise OSError(0, _TOO_LARGE)
    return data


def _read_stdin(ctx: _Context) -> Iterator[Article]:
    """JSONL on stdin is streamed (articles come as their lines arrive, in bounded memory, without end);
    any other format is read whole, up to ``MAX_FILE_BYTES``."""
    stream: IO[Any] | None = sys.stdin
    if stream is None:  # a process started without standard input
        raise NoInputError("no standard input to read from '-'", hint="pipe articles in or give paths")
    item = _Item("-", "stdin", True, {})
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # a text stream (no bytes to detect an encoding on)
        text = stream.read(MAX_FILE_BYTES + 1)
        if len(text) > MAX_FILE_BYTES:
            raise UnreadableFileError("-", _TOO_LARGE)
        yield from _parse_item(item, text.encode("utf-8"), ctx)
        return
    blocks = _blocks(buffer)
    probe, at_end = _probe(blocks)
    encoding, text = _detect_encoding(probe, at_end, "-")
    if _looks_like_jsonl(text, at_end):
        yield from _stream_jsonl(item, encoding, probe, blocks, ctx)
        return
    data = bytearray(probe)
    for block in itertools.chain([b""], blocks):
        data += block
        if len(data) > MAX_FILE_BYTES:
            raise UnreadableFileError("-", f"{_TOO_LARGE} (only JSONL, one article a line, is streamed)")
    yield from _parse_item(item, bytes(data), ctx)


def _suffix(name: str) -> str:
    """``".txt"`` for ``a.b.TXT``; ``""`` without an extension (string ops: this runs per archive member)."""
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _stem(name: str) -> str:
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


# -------------------------------------------------------------------------------------------- archives


def _read_archive(path: str, ctx: _Context, *, explicit: bool) -> Iterator[Article]:
    record = InputRecord(printable(path), "read", format="archive")
    members = 0
    try:
        with open(path, "rb") as f:
            reader = _zip_members(f) if path.lower().endswith(".zip") else _tar_members(f)
            sidecars: dict[str, dict[str, Mapping[str, Any]]] = {}
            for member, data in reader:
                members += 1
                shown = f"{path}:{member}"
                parts = member.split("/")
                folder, name = member.rpartition("/")[0], parts[-1]
                if any(p.startswith(".") or p == "__MACOSX" for p in parts):
                    ctx.skip(shown, "hidden file", quiet=True)
                elif data is None:
                    ctx.skip(shown, "too large", f"over {MAX_FILE_BYTES // (1024 * 1024)} MiB")
                elif name == SIDECAR_NAME:
                    sidecars[folder] = _parse_sidecar(data, shown, ctx)
                    ctx.skip(shown, "metadata sidecar", "fields merged into the articles of its folder",
                             quiet=True)
                elif DOC_FILE_NAME.match(name):
                    ctx.skip(shown, "documentation file", quiet=True)
                elif name.lower().endswith(ARCHIVE_SUFFIXES):
                    ctx.skip(shown, "nested archive", "extract it first")
                elif _suffix(name) in BINARY_SUFFIXES:
                    ctx.skip(shown, "binary file type", _suffix(name), quiet=True)
                elif _suffix(name) in TABLE_SUFFIXES:
                    ctx.skip(shown, "unsupported format", "convert tables to JSONL")
                else:
                    item = _Item(shown, name, False, sidecars.get(folder, {}))
                    for article in _parse_item(item, data, ctx, record_reads=False, parent=record):
                        record.articles += 1
                        yield article
    except (OSError, EOFError, tarfile.TarError, zipfile.BadZipFile) as exc:
        if explicit:
            raise UnreadableFileError(path, f"corrupt or unreadable archive after {members} members: {exc}") \
                from exc
        record.status, record.reason, record.detail = "skipped", "corrupt archive", printable(str(exc))
        logger.warning("stopped reading %s after %d members: %s", record.path, members, record.detail)
    record.detail = record.detail or f"{members} members"
    ctx.report.add(record)


def _tar_members(f: IO[bytes]) -> Iterator[tuple[str, bytes | None]]:
    with tarfile.open(fileobj=f, mode="r|*") as tar:
        for info in tar:
            if info.isfile():
                extracted = tar.extractfile(info)
                data = None if info.size > MAX_FILE_BYTES or extracted is None else extracted.read()
                yield info.name.removeprefix("./"), data
            # Stream mode keeps every TarInfo otherwise: memory would grow with the corpus.
            tar.members = []  # type: ignore[attr-defined]


def _zip_members(f: IO[bytes]) -> Iterator[tuple[str, bytes | None]]:
    with zipfile.ZipFile(f) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        # A zip has its directory up front, so sidecars can be read before the articles they describe.
        infos.sort(key=lambda i: i.filename.rpartition("/")[2] != SIDECAR_NAME)
        for info in infos:
            yield info.filename, None if info.file_size > MAX_FILE_BYTES else archive.read(info)


# --------------------------------------------------------------------------------------------- sidecar


def _sidecar_for(directory: str, ctx: _Context, real: str | None = None) -> Mapping[str, Mapping[str, Any]]:
    real = real or os.path.realpath(directory)
    if real not in ctx.sidecars:
        path = os.path.join(directory, SIDECAR_NAME)
        ctx.sidecars[real] = {}
        if os.path.isfile(path):
            try:
                ctx.sidecars[real] = _parse_sidecar(_read_file(path), path, ctx)
            except OSError as exc:
                ctx.skip(path, "cannot open", exc.strerror or str(exc))
    return ctx.sidecars[real]


def _parse_sidecar(data: bytes, path: str, ctx: _Context) -> dict[str, Mapping[str, Any]]:
    try:
        text, _ = read_bytes_as_text(data, name=path)
        value = json.loads(text)
    except (UnreadableFileError, ValueError, RecursionError) as exc:
        ctx.skip(path, "invalid metadata sidecar", str(exc))
        return {}
    if not isinstance(value, dict):
        ctx.skip(path, "invalid metadata sidecar", "expected an object keyed by file stem or article id")
        return {}
    return {encodable(str(k)): v for k, v in value.items() if isinstance(v, dict)}  # keys match ids as read


def _apply_sidecar(article: Article, stem: str, sidecar: Mapping[str, Mapping[str, Any]],
                   issues: list[str]) -> Article:
    """Sidecar fields override the file's own: the sidecar is where a user corrects or adds metadata."""
    for key in dict.fromkeys((stem, article.id)):
        entry = sidecar.get(key)
        if not entry:
            continue
        changes: dict[str, Any] = {}
        extra = dict(article.extra)
        for name, value in entry.items():
            if name == "date":
                date = parse_date(value)
                if date is None:
                    issues.append(f"metadata.json: unreadable date {value!r} for {key!r}")
                else:
                    changes["date"] = date
            elif name in SIDECAR_FIELDS and value is not None:
                changes[name] = single_line(str(value))
            elif name not in SIDECAR_FIELDS:
                extra[encodable(name)] = encodable(value)
        article = dataclasses.replace(article, **changes, extra=extra)
    return article


# ---------------------------------------------------------------------------------------------- parsing


def _parse_item(item: _Item, data: bytes, ctx: _Context, *, record_reads: bool = True,
                parent: InputRecord | None = None) -> Iterator[Article]:
    """Decode, pick the format, parse, clean, apply the sidecar and record the outcome."""
    try:
        text, encoding, notes = _decode(data, item.path)
    except UnreadableFileError as exc:
        if item.explicit:
            raise
        reason = "binary data" if exc.reason.startswith("binary") else "cannot decode"
        ctx.skip(item.path, reason, exc.reason)
        return
    if not text.strip():  # an empty .json is as empty as an empty .txt, not invalid JSON
        ctx.skip(item.path, "empty", quiet=True)
        return
    fmt = _format_of(item.name, text)
    if fmt is None:
        if item.explicit:
            raise UnreadableFileError(item.path, f"unsupported format ({_suffix(item.name)})")
        ctx.skip(item.path, "unsupported format", _suffix(item.name))
        return
    issues = notes
    try:
        articles = list(_PARSERS[fmt](text, item, issues))
    except _FormatError as exc:
        if item.explicit and exc.fatal:
            raise UnreadableFileError(item.path, str(exc), [encoding]) from exc
        ctx.skip(item.path, exc.reason, str(exc))
        return
    stem = _stem(item.name)
    results = []
    for article in articles:
        article = _apply_sidecar(article, stem, item.sidecar, issues)
        results.append(dataclasses.replace(article, id=ctx.unique_id(article.id, issues)))
    if not results:
        reason = "empty" if not text.strip() else "no articles"
        ctx.skip(item.path, reason, "; ".join(issues) or None, quiet=reason == "empty")
        return
    shown = printable(item.path)
    for issue in issues:
        logger.warning("%s: %s", shown, issue)
    if record_reads:
        ctx.report.add(InputRecord(shown, "read", len(results), fmt, encoding, issues=issues))
    elif parent is not None:
        parent.issues.extend(f"{printable(item.name)}: {issue}" for issue in issues)
    yield from results


class _FormatError(ValueError):
    """The content does not parse as its format, or holds no article (``fatal=False``: skip, never raise)."""

    def __init__(self, reason: str, detail: str, *, fatal: bool = True) -> None:
        super().__init__(detail)
        self.reason = reason
        self.fatal = fatal


def _format_of(name: str, text: str) -> str | None:
    suffix = _suffix(name)
    head = text[:512].lstrip("\ufeff \t\n").lower()
    if suffix == ".json":
        return "json"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    if suffix in (".trec", ".sgml", ".sgm") or _TREC_HEAD.match(head):
        return "trec"
    if suffix == ".xml":
        return None  # any other XML is not an article format we know
    if suffix in (".txt", ".text", ".md"):
        return "text"
    # unknown or no extension, or stdin: sniff the content
    if head.startswith(("{", "[")):
        return "json" if head.startswith("[") or _is_single_json(text) else "jsonl"
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    return "text"


def _is_single_json(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _make_article(item: _Item, issues: list[str], *, id: str, text: str, where: str = "",
                  **fields: Any) -> Article | None:
    cleaned = clean_text(text)
    if not cleaned:
        issues.append(f"{where or 'article'} {id!r}: no text")
        return None
    return Article(id=id, text=cleaned, path=printable(item.path), **fields)


def _parse_text(text: str, item: _Item, issues: list[str]) -> Iterator[Article]:
    stem = _stem(item.name)
    article = _make_article(item, [], id=stem, text=text)
    if article is not None:
        yield article


def _parse_json(text: str, item: _Item, issues: list[str]) -> Iterator[Article]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # several objects, one per line: JSONL under a .json name
            yield from _parse_jsonl(text, item, issues)
            return
        detail = f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise _FormatError("invalid JSON", detail) from exc
    except (ValueError, RecursionError) as exc:  # nested too deeply, or an integer of thousands of digits
        raise _FormatError("invalid JSON", f"invalid JSON: {_json_limit(exc)}") from exc
    if isinstance(value, dict) and isinstance(value.get("articles"), list):
        value = value["articles"]
    records = value if isinstance(value, list) else [value]
    for n, record in enumerate(records, start=1):
        article = _from_record(record, item, issues, n, f"item {n}")
        if article is not None:
            yield article


def _json_limit(exc: Exception) -> str:
    """What Python's JSON parser refused beyond syntax errors, in words."""
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc).split(";")[0]


def _parse_jsonl(text: str, item: _Item, issues: list[str]) -> Iterator[Article]:
    n = 0
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        n += 1
        article = _jsonl_line(line, lineno, n, item, issues)
        if article is not None:
            yield article


def _jsonl_line(line: str, lineno: int, n: int, item: _Item, issues: list[str]) -> Article | None:
    """The article of JSONL line ``lineno``, the ``n``-th that is not blank (its default id)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        issues.append(f"line {lineno}: invalid JSON ({exc.msg}), skipped")
        return None
    except (ValueError, RecursionError) as exc:
        issues.append(f"line {lineno}: invalid JSON ({_json_limit(exc)}), skipped")
        return None
    return _from_record(record, item, issues, n, f"line {lineno}")


def _from_record(record: object, item: _Item, issues: list[str], n: int, where: str) -> Article | None:
    if not isinstance(record, dict):
        issues.append(f"{where}: expected an object, got {type(record).__name__}, skipped")
        return None
    body = next((record[k] for k in TEXT_KEYS if record.get(k) is not None), None)
    if isinstance(body, list) and all(isinstance(p, str) for p in body):
        body = "\n\n".join(body)  # a list of paragraphs
    if not isinstance(body, str):
        issues.append(f"{where}: no text field ({'/'.join(TEXT_KEYS)}), skipped")
        return None
    raw_id = record.get("id")
    article_id = encodable(str(raw_id).strip()) if raw_id is not None else ""
    if not _single_line(article_id):  # no visible character: the id is missing
        article_id = f"{_stem(item.name)}-{n}"
    date = parse_date(record.get("date"))
    if record.get("date") not in (None, "") and date is None:
        issues.append(f"{where}: unreadable date {record['date']!r}, ignored")
    used = next(k for k in TEXT_KEYS if record.get(k) is not None)
    extra = encodable({k: v for k, v in record.items() if k not in ARTICLE_KEYS or (k in TEXT_KEYS and k != used)})
    return _make_article(
        item, issues, id=article_id, text=body, where=where,
        source=_optional(record.get("source")), title=_optional(record.get("title")),
        date=date, url=_optional(record.get("url")), extra=extra,
    )


def _optional(value: object) -> str | None:
    if value is None:
        return None
    text = single_line(str(value))
    return text or None


# TREC: a tag scanner rather than an XML parser, since the files are not XML (raw "&", missing closers).
_TREC_FIELDS = {
    "DOCNO": "id", "DOCID": "id", "URL": "url", "SRC": "source", "SOURCE": "source", "CAT": "category",
    "TITLE": "title", "HEADLINE": "title", "HL": "title", "TIME": "time", "DATE": "time",
    "DATE_TIME": "time", "AUTHOR": "author", "BYLINE": "author", "ABSTRACT": "abstract", "TEXT": "text",
}
# Attributes are allowed: Arabic Gigaword opens documents with <DOC id="AFP_ARB_..." type="story" >.
_TREC_TAG = re.compile(
    r"<(/?)(DOC|" + "|".join(sorted(_TREC_FIELDS, key=len, reverse=True)) + r")(\s[^<>]*)?>", re.I
)
_TREC_HEAD = re.compile(r"<doc[\s>]")
_TREC_DOC_ID = re.compile(r"""\bid\s*=\s*["']?([^"'\s>]+)""", re.I)
_TREC_PARAGRAPH = re.compile(r"</?P>", re.I)
_TREC_LEFTOVER_TAG = re.compile(r"</?[A-Z][A-Z_]{1,11}>")  # a misspelt tag such as </TEX>


def _parse_trec(text: str, item: _Item, issues: list[str]) -> Iterator[Article]:
    for n, doc in enumerate(_trec_docs(text), start=1):
        article_id = (single_line(doc.get("id", "")) or single_line(doc.get("attribute_id", ""))
                      or f"{_stem(item.name)}-{n}")  # <DOCNO>, else <DOC id="...">
        body = _TREC_LEFTOVER_TAG.sub("", _TREC_PARAGRAPH.sub("\n\n", doc.get("text", "")))
        time = single_line(doc.get("time", ""))
        date = parse_date(time)
        if time and date is None:
            issues.append(f"doc {article_id!r}: unreadable TIME {time!r}")
        extra = {k: single_line(doc[k]) for k in ("category", "author", "time") if doc.get(k)}
        extra["abstract"] = clean_text(doc.get("abstract", ""))  # BBC's is a reference summary: keep lines
        article = _make_article(
            item, issues, id=article_id, text=body, where="doc",
            source=_optional(doc.get("source")), title=_optional(doc.get("title")),
            date=date, url=_optional(doc.get("url")), extra={k: v for k, v in extra.items() if v},
        )
        if article is not None:
            yield article


def _trec_docs(text: str) -> Iterator[dict[str, str]]:
    """Field dicts of each ``<DOC>``: a field runs to its closing tag or to the next known tag."""
    doc: dict[str, str] | None = None
    current: str | None = None
    start = 0
    for match in _TREC_TAG.finditer(text):
        if current is not None and doc is not None:
            value = text[start : match.start()]
            doc[current] = f"{doc[current]}\n\n{value}" if current in doc else value
        current = None
        closing, tag = match.group(1), match.group(2).upper()
        if tag == "DOC":
            if doc:
                yield doc
            doc = None if closing else {}
            attribute_id = _TREC_DOC_ID.search(match.group(3) or "")
            if doc is not None and attribute_id:
                doc["attribute_id"] = attribute_id.group(1)
        elif not closing:
            if doc is None:
                doc = {}  # a field outside any <DOC>: the opening tag is missing, keep what follows
            current, start = _TREC_FIELDS[tag], match.end()
    if current is not None and doc is not None:
        value = text[start:]
        doc[current] = f"{doc[current]}\n\n{value}" if current in doc else value
    if doc:
        yield doc


def _parse_html(text: str, item: _Item, issues: list[str]) -> Iterator[Article]:
    import trafilatura

    extracted = trafilatura.extract(
        text, output_format="json", with_metadata=True, include_comments=False, include_tables=False,
        deduplicate=False, url=None,
    )
    if not extracted:
        raise _FormatError("no main text", "the HTML has only scripts, styles or boilerplate", fatal=False)
    meta = json.loads(extracted)
    # trafilatura's JSON names the site "source-hostname" and the canonical URL "source".
    extra = encodable({k: meta[k] for k in ("author", "hostname", "excerpt", "categories", "tags") if meta.get(k)})
    article = _make_article(
        item, issues, id=_stem(item.name), text=meta.get("text") or "",
        source=_optional(meta.get("source-hostname") or meta.get("sitename") or meta.get("hostname")),
        title=_optional(meta.get("title")), date=parse_date(meta.get("date")),  # trafilatura's: YYYY-MM-DD
        url=_optional(meta.get("source") or meta.get("url")), extra=extra,
    )
    if article is None:
        raise _FormatError("no main text", "the HTML has only scripts, styles or boilerplate", fatal=False)
    yield article


_PARSERS: dict[str, Callable[[str, _Item, list[str]], Iterator[Article]]] = {
    "text": _parse_text,
    "json": _parse_json,
    "jsonl": _parse_jsonl,
    "trec": _parse_trec,
    "html": _parse_html,
}


# ------------------------------------------------------------------------------------- streamed JSONL

JSONL_SUFFIXES = (".jsonl", ".ndjson")
STREAM_BLOCK = 1 << 16
"""Bytes read at a time from a JSONL file or stdin."""
PROBE_BYTES = 1 << 16
"""Bytes the encoding (and, on stdin, the format) are detected on."""
MAX_LINE_BYTES = MAX_FILE_BYTES
"""A longer JSONL line is skipped (and reported) without being held in memory."""
MAX_ISSUES_PER_INPUT = 1000
"""Issues kept per streamed input; later ones are counted in one last line."""
_ASCII_COMPATIBLE = frozenset({"utf-8", "utf-8-sig", "cp1256", "iso8859-6"})
_LINE_BREAK_BYTES = re.compile(rb"\r\n?|\n")
_LINE_BREAK_TEXT = re.compile(r"\r\n?|\n")


def _blocks(f: IO[bytes]) -> Iterator[bytes]:
    """What arrives, a block at a time (``read1``: a pipe gives what it has rather than waiting)."""
    read = getattr(f, "read1", f.read)
    while block := read(STREAM_BLOCK):
        yield block


def _probe(blocks: Iterator[bytes]) -> tuple[bytes, bool]:
    """The first ``PROBE_BYTES`` and at least one whole line (or all, if less), and whether that is
    the end."""
    data = bytearray()
    line_ended = False
    for block in blocks:
        data += block
        line_ended = line_ended or b"\n" in block or b"\r" in block
        if len(data) >= PROBE_BYTES and (line_ended or len(data) > MAX_LINE_BYTES):
            return bytes(data), False
    return bytes(data), True


def _detect_encoding(probe: bytes, at_end: bool, name: str) -> tuple[str, str]:
    """``read_bytes_as_text`` on the probe cut at a character boundary: ``(encoding, decoded probe)``.
    Binary data raises ``UnreadableFileError`` as for a whole file."""
    sample = probe
    if not at_end:
        if b"\x00" in probe[:4096]:  # UTF-16 or UTF-32: whole code units
            sample = probe[: len(probe) // 4 * 4]
        elif (cut := probe.rfind(b"\n")) >= 0:
            sample = probe[: cut + 1]
        else:
            sample = probe[: _utf8_boundary(probe)]
    text, encoding = read_bytes_as_text(sample, name=name)
    if encoding in LEGACY_ARABIC_ENCODINGS and _mostly_utf8_lines(sample):
        return "utf-8", text  # a few bad lines in UTF-8 JSONL: they are skipped, not the file
    return encoding, text


def _mostly_utf8_lines(data: bytes) -> bool:
    """Most lines that are not plain ASCII are valid UTF-8."""
    valid = invalid = 0
    for line in data.split(b"\n"):
        if not line.isascii():
            if _try_decode(line, "utf-8") is None:
                invalid += 1
            else:
                valid += 1
    return valid > invalid


def _utf8_boundary(data: bytes) -> int:
    """The length of ``data`` without a UTF-8 sequence cut at its end."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return len(data)
        if byte >= 0xC0:  # the lead byte of the last sequence
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return len(data) if back >= need else len(data) - back
    return len(data)


def _looks_like_jsonl(text: str, at_end: bool) -> bool:
    """Stdin sniffing: one JSON object per line (else the input is read whole, as one document)."""
    if not text.lstrip("\ufeff \t\n").startswith("{"):
        return False
    if at_end and _is_single_json(text):
        return False  # one object, maybe {"articles": [...]}: the JSON reader's
    for line in itertools.islice((line for line in text.split("\n") if line.strip()), 5):
        try:
            value = json.loads(line.lstrip("\ufeff"))
        except (ValueError, RecursionError):
            continue
        return isinstance(value, dict) and not isinstance(value.get("articles"), list)
    return False


def _read_jsonl_path(path: str, ctx: _Context, *, explicit: bool) -> Iterator[Article]:
    name = os.path.basename(path)
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below (a generator: not a with across yields)
    except OSError as exc:
        if explicit:
            raise UnreadableFileError(path, exc.strerror or str(exc)) from exc
        ctx.skip(path, "cannot open", exc.strerror or str(exc))
        return
    try:
        blocks = _blocks(f)
        try:
            probe, at_end = _probe(blocks)
            encoding, _ = _detect_encoding(probe, at_end, path)
        except UnreadableFileError as exc:
            if explicit:
                raise
            ctx.skip(path, "binary data" if exc.reason.startswith("binary") else "cannot decode", exc.reason)
            return
        except OSError as exc:
            if explicit:
                raise UnreadableFileError(path, exc.strerror or str(exc)) from exc
            ctx.skip(path, "cannot open", exc.strerror or str(exc))
            return
        item = _Item(path, name, explicit, _sidecar_for(os.path.dirname(path) or ".", ctx))
        yield from _stream_jsonl(item, encoding, probe, blocks, ctx)
    finally:
        f.close()


def iter_jsonl_bytes(chunks: Iterable[bytes], *, path: str, report: IngestReport | None = None) -> Iterator[Article]:
    """Articles of JSONL arriving as byte chunks (e.g. the lines of one file from a Spark stream),
    recorded in ``report`` under ``path`` like a file in a directory: skipped, never raised, when bad."""
    ctx = _Context(report if report is not None else _CountingReport())
    blocks = iter(chunks)
    probe, at_end = _probe(blocks)
    try:
        encoding, _ = _detect_encoding(probe, at_end, path)
    except UnreadableFileError as exc:
        ctx.skip(path, "binary data" if exc.reason.startswith("binary") else "cannot decode", exc.reason)
        return
    yield from _stream_jsonl(_Item(path, os.path.basename(path), False, {}), encoding, probe, blocks, ctx)


def _stream_jsonl(item: _Item, encoding: str, first: bytes, rest: Iterator[bytes], ctx: _Context) -> Iterator[Article]:
    """``_parse_item`` for JSONL, a line at a time: bad lines are reported and skipped, good ones yielded
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

    stem = _stem(item.name)
    n = articles = 0
    blank = True
    lines = _decoded_lines(itertools.chain([first], rest), encoding)
    for lineno, line, encoding, line_nuls in lines:  # the encoding may be settled on the way
        nuls += line_nuls
        if line is not None and not line.strip():
            continue
        blank = False
        n += 1
        if line is None:
            issue(f"line {lineno}: longer than {MAX_LINE_BYTES // (1024 * 1024)} MiB or not {encoding}, skipped")
            continue
        found: list[str] = []
        article = _jsonl_line(line, lineno, n, item, found)
        if article is not None:
            article = _apply_sidecar(article, stem, item.sidecar, found)
            article = dataclasses.replace(article, id=ctx.unique_id(article.id, found))
        for text in found:
            issue(text)
        if article is not None:
            articles += 1
            yield article
    if dropped:
        issues.append(f"... and {dropped} more issues")
    if nuls:  # a bad export (NUL-padded records): dropped, as a whole file's would be (``_decode``)
        note = _nul_note(nuls, "bytes" if encoding in _ASCII_COMPATIBLE else "characters")
        logger.warning("%s: %s", shown, note)
        issues.insert(0, note)
    if articles:
        ctx.report.add(InputRecord(shown, "read", articles, "jsonl", encoding, issues=issues))
    elif blank:
        ctx.skip(item.path, "empty", quiet=True)
    else:
        ctx.skip(item.path, "no articles", "; ".join(issues) or None)


def _decoded_lines(chunks: Iterable[bytes], encoding: str) -> Iterator[tuple[int, str | None, str, int]]:
    """``(line number, text, encoding, NULs dropped)`` of each line, split as ``read_bytes_as_text`` ends
    lines (CRLF, CR, LF); ``None`` for a line too long or not in the encoding.  Stray NULs are dropped (and
    counted), as ``_decode`` drops them from a whole file.  In an ASCII-compatible encoding a bad line is
    only that line; in UTF-16/32 the rest of the input is lost with it (one last ``None``)."""
    if encoding in _ASCII_COMPATIBLE:
        # Plain ASCII so far proves nothing: the first line that is not UTF-8 may say it is cp1256.
        settled = encoding != "utf-8"
        for lineno, raw in enumerate(_split_lines(chunks, _LINE_BREAK_BYTES, b""), start=1):
            if raw is None:
                yield lineno, None, encoding, 0
                continue
            nuls = raw.count(b"\x00")
            if nuls:
                raw = raw.replace(b"\x00", b"")
            text = _try_decode(raw, encoding)
            if text is None and not settled:
                encoding = _legacy_encoding_of(raw) or encoding
                text = _try_decode(raw, encoding)
            settled = settled or not raw.isascii()
            yield lineno, text, encoding, nuls
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    lineno = 0
    try:
        texts = itertools.chain((decoder.decode(c) for c in chunks), [decoder.decode(b"", final=True)])
        for lineno, line in enumerate(_split_lines(texts, _LINE_BREAK_TEXT, ""), start=1):
            if line is None:
                yield lineno, None, encoding, 0
                continue
            if lineno == 1:
                line = line.removeprefix("\ufeff")
            nuls = line.count("\x00")
            yield lineno, line.replace("\x00", "") if nuls else line, encoding, nuls
    except UnicodeDecodeError:
        yield lineno + 1, None, encoding, 0


def _legacy_encoding_of(line: bytes) -> str | None:
    """The Arabic code page of a line that is not UTF-8, if ``read_bytes_as_text`` finds one."""
    try:
        _, encoding = read_bytes_as_text(line, name="a line")
    except UnreadableFileError:
        return None
    return encoding if encoding in _ASCII_COMPATIBLE and encoding != "utf-8" else None


def _split_lines(chunks: Iterable[Any], breaks: re.Pattern[Any], empty: Any) -> Iterator[Any]:
    """Lines of a stream of ``bytes`` or ``str`` chunks, holding at most ``MAX_LINE_BYTES`` of a line:
    a longer line is ``None``.  A CR at the end of a chunk ends its line; an LF that follows it in the
    next chunk belongs to it."""
    cr, lf = (b"\r", b"\n") if isinstance(empty, bytes) else ("\r", "\n")
    parts: list[Any] = []
    size = 0
    too_long = after_cr = False
    for chunk in chunks:
        if not chunk:  # (an incremental decoder's output between two halves of a character)
            continue
        if after_cr and chunk[:1] == lf:
            chunk = chunk[1:]
        start = 0
        for match in breaks.finditer(chunk):
            if too_long or size + match.start() - start > MAX_LINE_BYTES:
                yield None
            else:
                parts.append(chunk[start : match.start()])
                yield empty.join(parts)
            parts, size, too_long = [], 0, False
            start = match.end()
        after_cr = chunk[-1:] == cr
        if not too_long:
            tail = chunk[start:]
            size += len(tail)
            if size > MAX_LINE_BYTES:
                parts, too_long = [], True
            else:
                parts.append(tail)
    if too_long:
        yield None
    elif any(parts):
        yield empty.join(parts)

