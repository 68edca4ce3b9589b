"""Bytes to text: byte-order marks, strict UTF-8, BOM-less UTF-16, then the legacy Arabic code pages
(checked for Arabic letters); stray NULs dropped; binary data refused.  Also the same, a line at a time,
for streams (JSONL files and stdin).

``read_bytes_as_text`` decodes a whole blob; ``detect_encoding`` settles the encoding of a stream on its
first block and ``decoded_lines`` decodes the rest line by line, in bounded memory.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from khulasa.errors import UnreadableFileError
from khulasa.text.chars import ARABIC_LETTERS

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Larger inputs are refused: no news article is that long, and a zip bomb should not fill memory.
JSONL files and JSONL on stdin are streamed instead, with no limit (but this one on a line)."""
MAX_LINE_BYTES = MAX_FILE_BYTES
"""A longer line of a stream is skipped (and reported) without being held in memory."""

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
    between or inside characters) are dropped when the rest is UTF-8 text; ``decode`` also says how many.
    Binary data raises ``UnreadableFileError``.
    """
    text, encoding, _ = decode(data, name)
    return text, encoding


def decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """``read_bytes_as_text`` with the notes for the report (NULs dropped)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            label = encoding.replace("-sig", "")
            body, notes = data[len(bom) :], []
            if label == "utf-8" and b"\x00" in body:  # stray NULs, even inside a character's bytes
                notes.append(nul_note(body.count(b"\x00"), "bytes"))
                body = body.replace(b"\x00", b"")
            try:
                text = body.decode(label)
            except UnicodeDecodeError as exc:
                at = "" if notes else f" (byte {exc.start + len(bom)})"
                raise UnreadableFileError(name, f"invalid {label} after its byte-order mark{at}", [label]) from exc
            if "\x00" in text:
                notes.append(nul_note(text.count("\x00"), "characters"))
                text = text.replace("\x00", "")
            _refuse_binary(text, name, [label])
            return _NEWLINES.sub("\n", text), encoding, notes
    if b"\x00" not in data:
        return (*_decode_without_bom(data, name), [])
    # NUL bytes: BOM-less UTF-16 (Arabic in UTF-16 is even valid UTF-8, full of NULs), UTF-8 text with
    # stray NULs, or binary data.
    tried = ["utf-8", "utf-16-le", "utf-16-be"]
    for encoding in ("utf-16-le", "utf-16-be"):
        decoded = try_decode(data, encoding)
        if decoded is not None and not _CONTROL.search(decoded) and _mostly_arabic(decoded):
            return _NEWLINES.sub("\n", decoded), encoding, []
    # Dropped wherever they are (between characters or inside a UTF-8 sequence); what is left must be
    # UTF-8 text.  No legacy code page here: almost any bytes decode as cp1256, binaries' too.
    decoded = try_decode(data.replace(b"\x00", b""), "utf-8")
    if decoded is None:
        raise UnreadableFileError(name, "binary data (NUL bytes, and the rest is not UTF-8)", tried)
    if _too_many_controls(decoded):
        raise UnreadableFileError(name, "binary data (NUL bytes and control characters)", tried)
    return _NEWLINES.sub("\n", decoded), "utf-8", [nul_note(data.count(b"\x00"), "bytes")]


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
        decoded = try_decode(data, encoding)
        if decoded is not None and _mostly_arabic(decoded):
            return _NEWLINES.sub("\n", decoded), codecs.lookup(encoding).name
    raise UnreadableFileError(name, "not UTF-8, and not Arabic text in cp1256 or ISO-8859-6", tried)


def nul_note(n: int, unit: str) -> str:
    return f"dropped {n} stray NUL {unit if n != 1 else unit[:-1]}"


def _refuse_binary(text: str, name: str, tried: list[str]) -> None:
    if _too_many_controls(text):
        raise UnreadableFileError(name, "binary data (control characters)", tried)


def _too_many_controls(text: str) -> bool:
    return bool(_CONTROL.search(text)) and len(_CONTROL.findall(text)) > max(2, len(text) // 100)


def try_decode(data: bytes, encoding: str) -> str | None:
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


STREAM_BLOCK = 1 << 16
"""Bytes read at a time from a JSONL file or stdin."""
PROBE_BYTES = 1 << 16
"""Bytes the encoding (and, on stdin, the format) are detected on."""
ASCII_COMPATIBLE = frozenset({"utf-8", "utf-8-sig", "cp1256", "iso8859-6"})
_LINE_BREAK_BYTES = re.compile(rb"\r\n?|\n")
_LINE_BREAK_TEXT = re.compile(r"\r\n?|\n")


def read_blocks(f: IO[bytes]) -> Iterator[bytes]:
    """What arrives, a block at a time (``read1``: a pipe gives what it has rather than waiting)."""
    read = getattr(f, "read1", f.read)
    while block := read(STREAM_BLOCK):
        yield block


def probe(blocks: Iterator[bytes]) -> tuple[bytes, bool]:
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


def detect_encoding(probe: bytes, at_end: bool, name: str) -> tuple[str, str]:
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
            if try_decode(line, "utf-8") is None:
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


def decoded_lines(chunks: Iterable[bytes], encoding: str) -> Iterator[tuple[int, str | None, str, int]]:
    """``(line number, text, encoding, NULs dropped)`` of each line, split as ``read_bytes_as_text`` ends
    lines (CRLF, CR, LF); ``None`` for a line too long or not in the encoding.  Stray NULs are dropped (and
    counted), as ``decode`` drops them from a whole file.  In an ASCII-compatible encoding a bad line is
    only that line; in UTF-16/32 the rest of the input is lost with it (one last ``None``)."""
    if encoding in ASCII_COMPATIBLE:
        # Plain ASCII so far proves nothing: the first line that is not UTF-8 may say it is cp1256.
        settled = encoding != "utf-8"
        for lineno, raw in enumerate(_split_lines(chunks, _LINE_BREAK_BYTES, b""), start=1):
            if raw is None:
                yield lineno, None, encoding, 0
                continue
            nuls = raw.count(b"\x00")
            if nuls:
                raw = raw.replace(b"\x00", b"")
            text = try_decode(raw, encoding)
            if text is None and not settled:
                encoding = _legacy_encoding_of(raw) or encoding
                text = try_decode(raw, encoding)
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
    return encoding if encoding in ASCII_COMPATIBLE and encoding != "utf-8" else None


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
