"""Where the bytes come from: paths, directories (walked iteratively, in sorted order), archives
(streamed member by member) and stdin; each blob is decoded, its format picked, parsed, given its
sidecar's fields and a unique id, and recorded in the report (``parse_item``)."""

from __future__ import annotations

import dataclasses
import itertools
import logging
import os
import re
import stat
import sys
import tarfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

from khulasa.errors import NoInputError, UnreadableFileError, printable
from khulasa.ingest import decode as decoding
from khulasa.ingest import source
from khulasa.ingest.decode import decode, detect_encoding, probe, read_blocks
from khulasa.ingest.formats import PARSERS, FormatError, format_of
from khulasa.ingest.formats.json import JSONL_SUFFIXES, looks_like_jsonl, stream_jsonl
from khulasa.ingest.report import CountingReport, IngestReport, InputRecord
from khulasa.ingest.sidecars import SIDECAR_NAME, apply_sidecar, parse_sidecar, sidecar_for
from khulasa.ingest.source import TOO_LARGE, Context, Item, stem_of, suffix_of
from khulasa.models import Article

logger = logging.getLogger("khulasa.ingest")

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
    ctx = Context(report if report is not None else CountingReport())
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


def _walk(top: str, ctx: Context) -> Iterator[Article]:
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
            sidecar_for(directory, ctx, real)
            ctx.skip(path, "metadata sidecar", "fields merged into the articles of its directory", quiet=True)
        elif DOC_FILE_NAME.match(entry.name):
            ctx.skip(path, "documentation file", quiet=True)
        else:
            yield from _read_path(path, ctx, explicit=False, real=_real_path(entry, path, real),
                                  directory_real=real)


def _enter(directory: str, real: str, ctx: Context, stack: list[tuple[str, str, Iterator[os.DirEntry[str]]]],
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


def _read_path(path: str, ctx: Context, *, explicit: bool, real: str | None = None,
               directory_real: str | None = None) -> Iterator[Article]:
    """Read one file or archive; ``real`` and ``directory_real`` are the real paths when the walk knows them."""
    name = os.path.basename(path)
    lower = name.lower()
    if name == SIDECAR_NAME:
        sidecar_for(os.path.dirname(path) or ".", ctx)
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
    suffix = suffix_of(name)
    if suffix in BINARY_SUFFIXES or suffix in TABLE_SUFFIXES:
        reason = "unsupported format" if suffix in TABLE_SUFFIXES else "binary file type"
        detail = "convert tables to JSONL" if suffix in TABLE_SUFFIXES else suffix
        if explicit:
            raise UnreadableFileError(path, f"{reason} ({detail})")
        ctx.skip(path, reason, detail, quiet=True)
        return
    if suffix in JSONL_SUFFIXES:  # streamed line by line: no size limit
        yield from read_jsonl_path(path, ctx, explicit=explicit)
        return
    try:
        data = source.read_file(path)  # through the module: tests replace it
    except OSError as exc:
        if explicit:
            raise UnreadableFileError(path, exc.strerror or str(exc)) from exc
        ctx.skip(path, "cannot open", exc.strerror or str(exc))
        return
    sidecar = sidecar_for(os.path.dirname(path) or ".", ctx, directory_real)
    yield from parse_item(Item(path, name, explicit, sidecar), data, ctx)


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


def _read_stdin(ctx: Context) -> Iterator[Article]:
    """JSONL on stdin is streamed (articles come as their lines arrive, in bounded memory, without end);
    any other format is read whole, up to ``MAX_FILE_BYTES``."""
    stream: IO[Any] | None = sys.stdin
    if stream is None:  # a process started without standard input
        raise NoInputError("no standard input to read from '-'", hint="pipe articles in or give paths")
    item = Item("-", "stdin", True, {})
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # a text stream (no bytes to detect an encoding on)
        text = stream.read(decoding.MAX_FILE_BYTES + 1)
        if len(text) > decoding.MAX_FILE_BYTES:
            raise UnreadableFileError("-", TOO_LARGE)
        yield from parse_item(item, text.encode("utf-8"), ctx)
        return
    blocks = read_blocks(buffer)
    first, at_end = probe(blocks)
    encoding, text = detect_encoding(first, at_end, "-")
    if looks_like_jsonl(text, at_end):
        yield from stream_jsonl(item, encoding, first, blocks, ctx)
        return
    data = bytearray(first)
    for block in itertools.chain([b""], blocks):
        data += block
        if len(data) > decoding.MAX_FILE_BYTES:
            raise UnreadableFileError("-", f"{TOO_LARGE} (only JSONL, one article a line, is streamed)")
    yield from parse_item(item, bytes(data), ctx)


def read_jsonl_path(path: str, ctx: Context, *, explicit: bool) -> Iterator[Article]:
    name = os.path.basename(path)
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed below (a generator: not a with across yields)
    except OSError as exc:
        if explicit:
            raise UnreadableFileError(path, exc.strerror or str(exc)) from exc
        ctx.skip(path, "cannot open", exc.strerror or str(exc))
        return
    try:
        blocks = read_blocks(f)
        try:
            first, at_end = probe(blocks)
            encoding, _ = detect_encoding(first, at_end, path)
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
        item = Item(path, name, explicit, sidecar_for(os.path.dirname(path) or ".", ctx))
        yield from stream_jsonl(item, encoding, first, blocks, ctx)
    finally:
        f.close()


def _read_archive(path: str, ctx: Context, *, explicit: bool) -> Iterator[Article]:
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
                    ctx.skip(shown, "too large", f"over {decoding.MAX_FILE_BYTES // (1024 * 1024)} MiB")
                elif name == SIDECAR_NAME:
                    sidecars[folder] = parse_sidecar(data, shown, ctx)
                    ctx.skip(shown, "metadata sidecar", "fields merged into the articles of its folder",
                             quiet=True)
                elif DOC_FILE_NAME.match(name):
                    ctx.skip(shown, "documentation file", quiet=True)
                elif name.lower().endswith(ARCHIVE_SUFFIXES):
                    ctx.skip(shown, "nested archive", "extract it first")
                elif suffix_of(name) in BINARY_SUFFIXES:
                    ctx.skip(shown, "binary file type", suffix_of(name), quiet=True)
                elif suffix_of(name) in TABLE_SUFFIXES:
                    ctx.skip(shown, "unsupported format", "convert tables to JSONL")
                else:
                    item = Item(shown, name, False, sidecars.get(folder, {}))
                    for article in parse_item(item, data, ctx, record_reads=False, parent=record):
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
                data = None if info.size > decoding.MAX_FILE_BYTES or extracted is None else extracted.read()
                yield info.name.removeprefix("./"), data
            # Stream mode keeps every TarInfo otherwise: memory would grow with the corpus.
            tar.members = []  # type: ignore[attr-defined]


def _zip_members(f: IO[bytes]) -> Iterator[tuple[str, bytes | None]]:
    with zipfile.ZipFile(f) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        # A zip has its directory up front, so sidecars can be read before the articles they describe.
        infos.sort(key=lambda i: i.filename.rpartition("/")[2] != SIDECAR_NAME)
        for info in infos:
            yield info.filename, None if info.file_size > decoding.MAX_FILE_BYTES else archive.read(info)


def parse_item(item: Item, data: bytes, ctx: Context, *, record_reads: bool = True,
                parent: InputRecord | None = None) -> Iterator[Article]:
    """Decode, pick the format, parse, clean, apply the sidecar and record the outcome."""
    try:
        text, encoding, notes = decode(data, item.path)
    except UnreadableFileError as exc:
        if item.explicit:
            raise
        reason = "binary data" if exc.reason.startswith("binary") else "cannot decode"
        ctx.skip(item.path, reason, exc.reason)
        return
    if not text.strip():  # an empty .json is as empty as an empty .txt, not invalid JSON
        ctx.skip(item.path, "empty", quiet=True)
        return
    fmt = format_of(item.name, text)
    if fmt is None:
        if item.explicit:
            raise UnreadableFileError(item.path, f"unsupported format ({suffix_of(item.name)})")
        ctx.skip(item.path, "unsupported format", suffix_of(item.name))
        return
    issues = notes
    try:
        articles = list(PARSERS[fmt](text, item, issues))
    except FormatError as exc:
        if item.explicit and exc.fatal:
            raise UnreadableFileError(item.path, str(exc), [encoding]) from exc
        ctx.skip(item.path, exc.reason, str(exc))
        return
    stem = stem_of(item.name)
    results = []
    for article in articles:
        article = apply_sidecar(article, stem, item.sidecar, issues)
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
