"""Tests for khulasa.ingest: encodings, formats, directories, archives, stdin, the report and clean_text.

Fixtures are made in tmp_path from the strings below (no binary files are committed).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import logging
import os
import sys
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import khulasa
from khulasa.errors import NoInputError, UnreadableFileError, printable
from khulasa.ingest import (
    IngestReport,
    iter_articles,
    load,
    parse_date,
    read_bytes_as_text,
    records,
    source,
)
from khulasa.ingest import decode as ingest_decode
from khulasa.text.clean import clean_text

SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)

PARAGRAPH = (
    "أعلنت قمة تركية روسية عقدت في إسطنبول على هامش مؤتمر الطاقة العالمي عن تفعيل التنسيق العسكري "
    "والاستخباراتي بين أنقرة وموسكو. وعقد الرئيس التركي رجب طيب أردوغان لقاءً ثنائياً مع نظيره الروسي "
    "فلاديمير بوتين، واستمر ساعة وأربعين دقيقة، بعيداً عن عدسات وسائل الإعلام."
)
SECOND = "وقال الرئيس الروسي إن بلاده مستعدة لمواصلة التعاون في المجال العسكري التقني."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def trec(docno: str, text: str, *, title: str = "عنوان", time: str = "Tue, 20 Feb 2018 01:44:01 GMT") -> str:
    return (
        f"<DOC>\n<DOCNO>{docno}</DOCNO>\n<URL>https://example.com/{docno}</URL>\n<SRC>skynews</SRC>\n"
        f"<CAT>sport</CAT>\n<TITLE>{title}</TITLE>\n<TIME>{time}</TIME>\n<AUTHOR>دبي - وكالات</AUTHOR>\n"
        f"<ABSTRACT>\n{text[:40]}\n</ABSTRACT>\n<TEXT>\n{text}\n</TEXT>\n</DOC>\n"
    )


def set_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# ------------------------------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (PARAGRAPH.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + PARAGRAPH.encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + PARAGRAPH.encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + PARAGRAPH.encode("utf-16-be"), "utf-16-be"),
        (PARAGRAPH.encode("cp1256"), "cp1256"),
        (PARAGRAPH.replace("ً", "").encode("iso8859_6"), "iso8859-6"),
        (PARAGRAPH.encode("utf-16-le"), "utf-16-le"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp1256", "iso-8859-6", "utf-16-le-no-bom"],
)
def test_every_supported_encoding_decodes_to_the_same_arabic_text(encoded: bytes, encoding: str) -> None:
    text, found = read_bytes_as_text(encoded, name="x.txt")
    expected = PARAGRAPH.replace("ً", "") if encoding == "iso8859-6" else PARAGRAPH
    assert (text, found) == (expected, encoding)


def test_crlf_and_bare_cr_line_ends_become_lf() -> None:
    text, _ = read_bytes_as_text(f"{PARAGRAPH}\r\n\r\n{SECOND}\r{SECOND}".encode("cp1256"), name="x")
    assert text == f"{PARAGRAPH}\n\n{SECOND}\n{SECOND}"


def test_a_cp1256_file_reads_like_its_utf8_copy(tmp_path: Path) -> None:
    write(tmp_path / "legacy" / "a.txt", f"{PARAGRAPH}\r\n{SECOND}".encode("cp1256"))
    write(tmp_path / "modern" / "a.txt", f"{PARAGRAPH}\n{SECOND}")
    report = IngestReport()
    [legacy] = load([tmp_path / "legacy"], report=report)
    [modern] = load([tmp_path / "modern"])
    assert legacy.text == modern.text
    assert report.read[0].encoding == "cp1256"


def test_files_in_every_encoding_load_to_the_same_article(tmp_path: Path) -> None:
    text = f"{PARAGRAPH}\r\n{SECOND}\n{SECOND}\r{PARAGRAPH}"  # mixed line ends, as in EASC
    write(tmp_path / "utf8.txt", text.encode("utf-8"))
    write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + text.encode("utf-8"))
    write(tmp_path / "le.txt", b"\xff\xfe" + text.encode("utf-16-le"))
    write(tmp_path / "be.txt", b"\xfe\xff" + text.encode("utf-16-be"))
    write(tmp_path / "cp.txt", text.encode("cp1256"))
    report = IngestReport()
    articles = load([tmp_path], report=report)
    assert {a.text for a in articles} == {f"{PARAGRAPH}\n{SECOND}\n{SECOND}\n{PARAGRAPH}"}
    assert {r.path.rsplit("/", 1)[1]: r.encoding for r in report.read} == {
        "be.txt": "utf-16-be", "bom.txt": "utf-8-sig", "cp.txt": "cp1256", "le.txt": "utf-16-le",
        "utf8.txt": "utf-8",
    }


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary"),
        (bytes(range(256)) * 4, "binary"),
        ("Un résumé en français, pas en arabe.".encode("latin-1"), "not UTF-8"),
    ],
    ids=["png", "all-bytes", "latin-1-french"],
)
def test_undecodable_bytes_raise_with_the_encodings_tried(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFileError) as error:
        read_bytes_as_text(data, name="bad.bin")
    assert reason in error.value.reason
    assert "utf-8" in error.value.encodings_tried
    assert error.value.path == "bad.bin"


def _laced(text: str, every: int = 1) -> bytes:
    """UTF-8 with a NUL after every ``every``-th character (at character boundaries)."""
    return "".join(c + ("\x00" if i % every == 0 else "") for i, c in enumerate(text)).encode()


def _cut(text: str, every: int) -> bytes:
    """UTF-8 with a NUL inside every ``every``-th two-byte character's sequence."""
    out = bytearray()
    for i, c in enumerate(text):
        b = c.encode()
        out += b[:1] + b"\x00" + b[1:] if len(b) == 2 and i % every == 0 else b
    return bytes(out)


@pytest.mark.parametrize(
    ("data", "nuls", "encoding"),
    [
        (_laced(PARAGRAPH), len(PARAGRAPH), "utf-8"),  # 36 % of the bytes
        (_laced(PARAGRAPH, every=20), len(range(0, len(PARAGRAPH), 20)), "utf-8"),  # 2.7 %: over the old 1 %
        (_cut(PARAGRAPH, every=3), sum(1 for i, c in enumerate(PARAGRAPH) if i % 3 == 0 and len(c.encode()) == 2),
         "utf-8"),
        (PARAGRAPH.encode().ljust(4096, b"\x00"), 4096 - len(PARAGRAPH.encode()), "utf-8"),  # a padded record
        (b"\xef\xbb\xbf" + _laced(PARAGRAPH, every=5), len(range(0, len(PARAGRAPH), 5)), "utf-8-sig"),
        (b"\xef\xbb\xbf" + _cut(PARAGRAPH, every=3),
         sum(1 for i, c in enumerate(PARAGRAPH) if i % 3 == 0 and len(c.encode()) == 2), "utf-8-sig"),
        (b"\xff\xfe" + "\x00".join(PARAGRAPH.split(" ", 3)).encode("utf-16-le"), 3, "utf-16-le"),
    ],
    ids=["between-every-character", "every-20th-character", "inside-utf8-sequences", "nul-padded-record",
         "utf8-bom", "utf8-bom-inside-sequences", "utf16-bom-nul-characters"],
)
def test_stray_nuls_are_dropped_with_a_note_when_the_rest_is_text(data: bytes, nuls: int, encoding: str) -> None:
    """A bad export (NULs between characters, inside a UTF-8 sequence, padding records) was refused as binary
    above 1 % of NULs; now it is read, and the report says how many NULs were dropped."""
    text, found, notes = ingest_decode.decode(data, "export.txt")
    expected = PARAGRAPH if encoding != "utf-16-le" else PARAGRAPH.replace(" ", "", 3)
    assert (text, found) == (expected, encoding)
    unit = "characters" if encoding == "utf-16-le" else "bytes"  # in UTF-16, NULs are found after decoding
    assert notes == [f"dropped {nuls} stray NUL {unit}"]
    assert read_bytes_as_text(data, name="export.txt") == (text, found)


def test_a_file_with_stray_nuls_is_read_and_the_nuls_are_an_issue_in_the_report(tmp_path: Path) -> None:
    write(tmp_path / "export.txt", _laced(PARAGRAPH, every=10))
    report = IngestReport()
    [article] = load([tmp_path], report=report)
    assert article.text == PARAGRAPH
    assert report.issues == [f"{tmp_path / 'export.txt'}: dropped {len(range(0, len(PARAGRAPH), 10))} stray NUL bytes"]


def test_utf16_without_a_bom_is_still_utf16_not_utf8_with_nuls() -> None:
    for encoding in ("utf-16-le", "utf-16-be"):
        text, found, notes = ingest_decode.decode(f"{PARAGRAPH}\n{SECOND}".encode(encoding), "x.txt")
        assert (text, found, notes) == (f"{PARAGRAPH}\n{SECOND}", encoding, [])


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + bytes((x * 7 + y * 13) % 256 for x in range(64 * 3)) for y in range(64))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def _pdf() -> bytes:
    import zlib

    stream = zlib.compress(("BT /F1 12 Tf (" + PARAGRAPH + ") Tj ET").encode())
    return (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length " + str(len(stream)).encode()
            + b" /Filter /FlateDecode >>\nstream\n" + stream + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", PARAGRAPH * 5)
        archive.writestr("b.txt", SECOND)
    return buffer.getvalue()


def _sqlite(tmp: Path) -> bytes:
    import sqlite3

    path = tmp / "news.db"
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("create table news (id integer, text text)")
        db.executemany("insert into news values (?, ?)", [(i, PARAGRAPH) for i in range(20)])
        db.commit()
    return path.read_bytes()


def test_real_binaries_are_still_refused_now_that_nuls_can_be_dropped(tmp_path: Path) -> None:
    """Measured on 1,080 files of this machine (ELF, PNG, JPEG, GIF, PDF, zip/whl/jar, gzip, pickles, npy,
    .pyc, .so, fonts, .mo, SQLite): all refused before and after.  Here: one of each kind, made or found."""
    import gzip
    import pickle

    binaries = {
        "elf": Path(sys.executable).resolve().read_bytes()[:200_000],
        "png": _png(),
        "pdf": _pdf(),
        "zip": _zip(),
        "gzip": gzip.compress((PARAGRAPH * 20).encode()),
        "sqlite": _sqlite(tmp_path),
        **{f"pickle-{protocol}": pickle.dumps({"text": PARAGRAPH, "n": [1, 2, 300_000]}, protocol=protocol)
           for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1)},
    }
    for kind, data in binaries.items():
        assert b"\x00" in data, kind
        with pytest.raises(UnreadableFileError, match="binary data"):
            read_bytes_as_text(data, name=kind)


def test_surrogates_in_every_field_of_a_json_record_are_replaced(tmp_path: Path) -> None:
    record = {"id": "a\ud83d", "source": "s\ud83d", "title": "t\udc00", "url": "u\ud83d", "text": PARAGRAPH + "\ud83d",
              "tags": ["\ud83d", {"k\ud83d": ["\udfff"]}], "x\ud83d": "\ud83d\ude00"}
    write(tmp_path / "a.json", json.dumps(record))  # ASCII escapes: valid JSON, valid UTF-8
    write(tmp_path / "metadata.json", json.dumps({"a\ud83d": {"note": "\ud83d", "title": "\ud83d"}}))
    [article] = load([tmp_path / "a.json"])
    assert (article.id, article.source, article.url) == ("a\ufffd", "s\ufffd", "u\ufffd")
    assert article.title == "\ufffd"  # the sidecar's, keyed by the id as read
    assert article.text == PARAGRAPH + "\ufffd"
    assert article.extra == {"tags": ["\ufffd", {"k\ufffd": ["\ufffd"]}], "x\ufffd": "\U0001f600", "note": "\ufffd"}
    json.dumps([article.id, article.title, article.source, article.url, article.text, dict(article.extra)],
               ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2016-10-10", dt.date(2016, 10, 10)),
        ("2016-10-10T23:30:00Z", dt.date(2016, 10, 10)),
        ("2016-10-10 08:00", dt.date(2016, 10, 10)),
        ("Tue, 20 Feb 2018 01:44:01 GMT", dt.date(2018, 2, 20)),
        ("Sun, 15 Jul 2018 23:56:56 +0400", dt.date(2018, 7, 15)),
        (dt.datetime(2017, 3, 10, 9, 0), dt.date(2017, 3, 10)),
        (dt.date(2017, 3, 10), dt.date(2017, 3, 10)),
        ("2016-13-45", None),
        ("yesterday", None),
        ("", None),
        (20161010, None),
        (None, None),
    ],
)
def test_parse_date_reads_iso_and_rfc_2822_dates(value: object, date: dt.date | None) -> None:
    assert parse_date(value) == date


HUGE_DATES = [
    "Tue, 20 Feb 99999999999 01:44:01 GMT",  # OverflowError in datetime(): exit 1 / HTTP 500 before
    "20 Feb 99999999999",
    "Tue, 20 Feb 2018 01:44:01 +99999999999",  # an offset of a billion hours
    "Tue, 20 Feb 2018 99:99:99 GMT",
    "99999999999-02-20",
    "9999999-12-31T00:00:00",
    "10000-01-01",
    "0000-00-00",
    "0001-01-01",  # placeholders, and no room left for a story window or a relative date in the timeline
    "9999-12-31T23:59:59",
    dt.date.min,
    dt.datetime.max,
    "Mon, 01 Jan 0999 00:00:00 GMT",
    "99999999999",
    99999999999,
    float("inf"),
    float("nan"),
    10**400,
    b"2016-10-10",
    ["2016-10-10"],
    {"date": "2016-10-10"},
]


@pytest.mark.parametrize("value", HUGE_DATES, ids=[repr(v)[:40] for v in HUGE_DATES])
def test_a_date_no_datetime_can_hold_is_none_not_an_overflow(value: object) -> None:
    assert parse_date(value) is None


def test_dates_at_the_ends_of_the_range_ingest_accepts_are_read() -> None:
    assert parse_date("1000-01-01") == records.EARLIEST_DATE
    assert parse_date("Sun, 31 Dec 8999 23:59:59 +0000") == records.LATEST_DATE


RFC_2822 = st.builds(
    lambda day, d, month, year, h, m, s, tz: f"{day}, {d} {month} {year} {h}:{m}:{s} {tz}",
    st.sampled_from(["Mon", "Tue", "xyz", ""]), st.integers(-10, 10**12), st.sampled_from(["Feb", "Dec", "Foo"]),
    st.integers(-10**15, 10**15), st.integers(-5, 10**6), st.integers(0, 99), st.integers(0, 99),
    st.sampled_from(["GMT", "UT", "EST", "+0400", "-2359", "+99999999999", "-0000", "Z", ""]),
)
ISO = st.builds(lambda y, m, d, rest: f"{y:04d}-{m:02d}-{d:02d}{rest}", st.integers(0, 10**12), st.integers(0, 99),
                st.integers(0, 99), st.sampled_from(["", "T00:00:00", " 08:00", "T99:99:99+99:99", "x"]))
ANY_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.binary(max_size=20) | st.dates() | st.datetimes()
    | st.text(st.characters() | SURROGATE, max_size=40) | RFC_2822 | ISO,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=5,
)


@given(ANY_VALUE)
def test_parse_date_never_raises(value: object) -> None:
    date = parse_date(value)
    assert date is None or isinstance(date, dt.date)


def test_unreadable_dates_are_dropped_with_an_issue_on_every_path_that_reads_them(tmp_path: Path) -> None:
    """JSON, JSONL, a TREC <TIME>, the metadata.json sidecar and an HTML page's metadata."""
    huge = "Tue, 20 Feb 99999999999 01:44:01 GMT"
    write(tmp_path / "a.json", json.dumps({"id": "json", "text": PARAGRAPH, "date": huge}))
    write(tmp_path / "b.jsonl", json.dumps({"id": "jsonl", "text": PARAGRAPH, "date": huge}) + "\n")
    write(tmp_path / "c.trec", trec("trec", PARAGRAPH, time=huge))
    write(tmp_path / "side" / "d.txt", PARAGRAPH)
    write(tmp_path / "side" / "metadata.json", json.dumps({"d": {"date": huge}}))
    write(tmp_path / "e.html", HTML_PAGE.replace("2016-10-10", "99999999999-10-10"))
    report = IngestReport()
    articles = {a.id: a for a in load([tmp_path], report=report)}
    assert sorted(articles) == ["d", "e", "json", "jsonl", "trec"]
    assert all(a.date is None for a in articles.values())
    assert [i.split(": ", 1)[1] for i in report.issues] == [
        f"item 1: unreadable date {huge!r}, ignored", f"line 1: unreadable date {huge!r}, ignored",
        f"doc 'trec': unreadable TIME {huge!r}", f"metadata.json: unreadable date {huge!r} for 'd'",
    ]  # the HTML page's bad date is dropped by trafilatura itself


# ---------------------------------------------------------------------------------------- plain text


def test_a_text_file_is_one_article_named_after_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "خبر-1.txt", f"{PARAGRAPH}\n\n{SECOND}\n")
    [article] = load([path])
    assert article.id == "خبر-1"
    assert article.text == f"{PARAGRAPH}\n\n{SECOND}"
    assert article.path == str(path)
    assert (article.source, article.title, article.date) == (None, None, None)


def test_a_single_path_string_is_accepted(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", PARAGRAPH)
    assert [a.id for a in load(str(tmp_path))] == ["a"]


def test_an_extensionless_file_is_sniffed(tmp_path: Path) -> None:
    write(tmp_path / "D0101.M.250.A.1.A", PARAGRAPH.encode("cp1256"))
    write(tmp_path / "records", json.dumps({"id": "j", "text": SECOND}, ensure_ascii=False))
    write(tmp_path / "corpus", trec("T-1", PARAGRAPH))
    articles = {a.id: a for a in load([tmp_path])}
    assert articles["D0101.M.250.A.1"].text == PARAGRAPH
    assert articles["j"].text == SECOND
    assert articles["T-1"].source == "skynews"


# ---------------------------------------------------------------------------------------- JSON, JSONL


def test_json_object_list_and_articles_wrapper(tmp_path: Path) -> None:
    write(tmp_path / "one.json", json.dumps({"id": "x", "text": PARAGRAPH, "lang": "ar"}))
    write(tmp_path / "many.json", json.dumps([{"body": PARAGRAPH}, {"content": SECOND, "id": 7}]))
    write(tmp_path / "wrapped.json", json.dumps({"articles": [{"text": SECOND, "source": "BBC"}]}))
    articles = load([tmp_path])
    assert [a.id for a in articles] == ["many-1", "7", "x", "wrapped-1"]
    assert articles[0].text == PARAGRAPH and articles[1].text == SECOND
    assert articles[2].extra == {"lang": "ar"}
    assert articles[3].source == "BBC"


def test_json_fields_are_read_and_unknown_ones_kept_in_extra(tmp_path: Path) -> None:
    record = {
        "id": "n1", "source": " الجزيرة ", "title": "قمة\nإسطنبول", "date": "2016-10-10T09:00:00+03:00",
        "url": "https://example.com/1", "text": PARAGRAPH, "author": "نصر", "tags": ["روسيا", "تركيا"],
    }
    [article] = load([write(tmp_path / "a.json", json.dumps(record, ensure_ascii=False))])
    assert (article.id, article.source, article.title) == ("n1", "الجزيرة", "قمة إسطنبول")
    assert article.date == dt.date(2016, 10, 10)
    assert article.url == "https://example.com/1"
    assert article.extra == {"author": "نصر", "tags": ["روسيا", "تركيا"]}


def test_jsonl_keeps_good_lines_and_reports_malformed_ones(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": PARAGRAPH}),
        '{"id": "b", "text": "broken',
        "",
        json.dumps({"id": "c", "title": "no text"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": SECOND, "date": "soon"}),
    ]
    report = IngestReport()
    articles = load([write(tmp_path / "feed.jsonl", "\n".join(lines))], report=report)
    assert [a.id for a in articles] == ["a", "feed-5"]
    [record] = report.read
    assert record.articles == 2 and record.format == "jsonl"
    issues = " | ".join(record.issues)
    assert "line 2: invalid JSON" in issues
    assert "line 4: no text field" in issues
    assert "line 5: expected an object" in issues
    assert "line 6: unreadable date 'soon'" in issues


def test_invalid_json_named_explicitly_raises_but_is_skipped_in_a_directory(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", '{"text": "نص",')
    write(tmp_path / "good.txt", PARAGRAPH)
    with pytest.raises(UnreadableFileError, match="invalid JSON at line 1"):
        load([bad])
    report = IngestReport()
    assert [a.id for a in load([tmp_path], report=report)] == ["good"]
    assert [(r.path, r.reason) for r in report.skipped] == [(str(bad), "invalid JSON")]


# ---------------------------------------------------------------------------------------------- TREC


def test_trec_file_with_several_docs_and_raw_ampersands(tmp_path: Path) -> None:
    content = trec("SK-sport-1-20180220", f"{PARAGRAPH}\nشركة AT&T و S&P 500 &مؤشر", title="عنوان & آخر")
    content += trec("SK-sport-2-20180715", SECOND, time="Sun, 15 Jul 2018 23:56:56 +0400")
    [first, second] = load([write(tmp_path / "docs.txt", content)])
    assert first.id == "SK-sport-1-20180220"
    assert first.source == "skynews"
    assert first.title == "عنوان آخر"
    assert first.url == "https://example.com/SK-sport-1-20180220"
    assert first.date == dt.date(2018, 2, 20)
    assert first.text == f"{PARAGRAPH}\nشركة AT&T و S&P 500 مؤشر"
    assert first.extra["category"] == "sport"
    assert first.extra["author"] == "دبي - وكالات"
    assert first.extra["abstract"] == PARAGRAPH[:40].strip()
    assert second.date == dt.date(2018, 7, 15)


def test_broken_trec_tags_keep_what_is_recoverable(tmp_path: Path) -> None:
    content = (
        "<DOC>\n<DOCNO>A-1</DOCNO>\n<TITLE>عنوان بلا إغلاق\n<TEXT>\n" + PARAGRAPH + "\n</DOC>\n"  # no </TITLE>, </TEXT>
        "<DOC>\n<DOCNO>A-2</DOCNO>\n<TEXT>\n" + SECOND + "\n"  # no </TEXT>, no </DOC>
        "<DOC>\n<DOCNO>A-3</DOCNO>\n<TEXT>\n\n</TEXT>\n</DOC>\n"  # empty text
        "<DOCNO>A-4</DOCNO><TEXT>" + SECOND + "</TEXT>\n"  # no <DOC>
        "<DOC><TEXT>" + PARAGRAPH + "</TEXT></DOC>"  # no DOCNO
        "<DOC><DOCNO>A-6</DOCNO><TEXT>" + SECOND + "</TEX>\n</DOC>"  # misspelt closing tag
    )
    report = IngestReport()
    articles = load([write(tmp_path / "broken.trec", content)], report=report)
    assert [(a.id, a.text) for a in articles] == [
        ("A-1", PARAGRAPH), ("A-2", SECOND), ("A-4", SECOND), ("broken-5", PARAGRAPH),
        ("A-6", SECOND),
    ]
    assert articles[0].title == "عنوان بلا إغلاق"
    assert any("'A-3': no text" in issue for issue in report.issues)


def test_trec_paragraph_tags_become_paragraph_breaks(tmp_path: Path) -> None:
    content = f"<DOC><DOCNO>P</DOCNO><TEXT><P>{PARAGRAPH}</P><P>{SECOND}</P></TEXT></DOC>"
    [article] = load([write(tmp_path / "p.sgml", content)])
    assert article.text == f"{PARAGRAPH}\n\n{SECOND}"


# ---------------------------------------------------------------------------------------------- HTML

HTML_PAGE = f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>قمة تركية روسية | وكالة الأنباء</title>
<meta property="og:site_name" content="وكالة الأنباء">
<meta property="article:published_time" content="2016-10-10T12:00:00+03:00">
<link rel="canonical" href="https://example.com/news/1"></head>
<body><nav><a href="/">الرئيسية</a> <a href="/sport">رياضة</a></nav><script>var tracker = 1;</script>
<article><h1>قمة تركية روسية</h1><p>{PARAGRAPH}</p><p>{SECOND}</p></article>
<footer>جميع الحقوق محفوظة</footer></body></html>"""


def test_html_main_text_and_metadata_come_from_trafilatura(tmp_path: Path) -> None:
    [article] = load([write(tmp_path / "page.html", HTML_PAGE)])
    assert article.id == "page"
    assert PARAGRAPH in article.text and SECOND in article.text
    assert "tracker" not in article.text and "الرئيسية" not in article.text
    assert article.title == "قمة تركية روسية"
    assert article.source == "وكالة الأنباء"
    assert article.date == dt.date(2016, 10, 10)
    assert article.url == "https://example.com/news/1"


def test_html_with_only_scripts_is_skipped_with_a_reason(tmp_path: Path) -> None:
    page = write(tmp_path / "empty.htm", "<html><head><style>p{}</style></head><body><script>go()</script></body></html>")
    write(tmp_path / "real.txt", PARAGRAPH)
    report = IngestReport()
    assert [a.id for a in load([tmp_path], report=report)] == ["real"]
    [skipped] = report.skipped
    assert (skipped.path, skipped.reason) == (str(page), "no main text")
    with pytest.raises(NoInputError):
        load([page])


# --------------------------------------------------------------------------------------------- stdin


@pytest.mark.parametrize(
    ("data", "ids"),
    [
        (PARAGRAPH.encode("utf-8"), ["stdin"]),
        (PARAGRAPH.encode("cp1256"), ["stdin"]),
        ("\n".join(json.dumps({"id": i, "text": SECOND}) for i in ("s1", "s2")).encode(), ["s1", "s2"]),
        (json.dumps([{"text": PARAGRAPH}]).encode(), ["stdin-1"]),
        ((trec("T-1", PARAGRAPH) + trec("T-2", SECOND)).encode(), ["T-1", "T-2"]),
    ],
    ids=["text", "cp1256-text", "jsonl", "json", "trec"],
)
def test_stdin_content_is_sniffed(monkeypatch: pytest.MonkeyPatch, data: bytes, ids: list[str]) -> None:
    set_stdin(monkeypatch, data)
    articles = load(["-"])
    assert [a.id for a in articles] == ids
    assert all(a.path == "-" for a in articles)


def test_stdin_without_a_byte_buffer_is_read_as_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PARAGRAPH))
    assert [a.text for a in load("-")] == [PARAGRAPH]


def test_empty_or_missing_stdin_is_no_input(monkeypatch: pytest.MonkeyPatch) -> None:
    set_stdin(monkeypatch, b"  \n")
    with pytest.raises(NoInputError):
        load(["-"])
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(NoInputError, match="no standard input"):
        load(["-"])


def test_undecodable_stdin_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    set_stdin(monkeypatch, b"\x00\x01\x02\x03" * 10)
    with pytest.raises(UnreadableFileError, match="binary"):
        load(["-"])


# ------------------------------------------------------------------------------------------ archives


def make_tar(path: Path, members: dict[str, bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def make_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


ARCHIVE_MEMBERS = {
    "corpus/BBC/b.txt": trec("BB-1", PARAGRAPH).encode(),
    "corpus/BBC/a.txt": trec("BB-2", SECOND).encode(),
    "corpus/.DS_Store": b"\x00\x01",
    "corpus/README.md": b"About this corpus",
    "corpus/cp.txt": SECOND.encode("cp1256"),
    "corpus/photo.png": b"\x89PNG\r\n",
    "corpus/inner.zip": b"PK\x03\x04",
}


@pytest.mark.parametrize("maker", [make_tar, make_zip], ids=["tar.gz", "zip"])
def test_archives_are_streamed_in_member_order(
    tmp_path: Path, maker: Callable[[Path, dict[str, bytes]], Path]
) -> None:
    suffix = ".tar.gz" if maker is make_tar else ".zip"
    archive = maker(tmp_path / f"corpus{suffix}", ARCHIVE_MEMBERS)
    report = IngestReport()
    articles = load([archive], report=report)
    assert [a.id for a in articles] == ["BB-1", "BB-2", "cp"]
    assert articles[2].text == SECOND
    assert articles[0].path == f"{archive}:corpus/BBC/b.txt"
    archive_record = next(r for r in report.read if r.path == str(archive))
    assert archive_record.articles == 3
    reasons = {r.path.rsplit("/", 1)[-1]: r.reason for r in report.skipped}
    assert reasons == {
        ".DS_Store": "hidden file", "README.md": "documentation file", "photo.png": "binary file type",
        "inner.zip": "nested archive",
    }


def test_a_tgz_found_in_a_directory_is_read(tmp_path: Path) -> None:
    make_tar(tmp_path / "in" / "batch.tgz", {"x.txt": PARAGRAPH.encode()})
    assert [a.id for a in load([tmp_path / "in"])] == ["x"]


def test_zip_sidecar_applies_to_its_folder(tmp_path: Path) -> None:
    members = {
        "story/a.txt": PARAGRAPH.encode(),
        "story/metadata.json": json.dumps({"a": {"date": "2016-10-10", "source": "وكالة"}}).encode(),
    }
    [article] = load([make_zip(tmp_path / "s.zip", members)])
    assert (article.date, article.source) == (dt.date(2016, 10, 10), "وكالة")


def test_a_corrupt_archive_named_explicitly_raises(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.tar.gz", b"\x1f\x8b\x08\x00garbage-not-gzip")
    with pytest.raises(UnreadableFileError, match="archive"):
        load([bad])


# --------------------------------------------------------------------------------- directories, sidecar


def test_khulasa_load_is_ingest_load() -> None:
    assert khulasa.load is load


def test_the_example_cluster_loads_five_dated_articles_without_stray_ampersands(example_dir: Path) -> None:
    articles = khulasa.load([example_dir])
    assert [a.id for a in articles] == sorted(p.stem for p in example_dir.glob("*.txt"))
    dates = json.loads((example_dir / "metadata.json").read_text())
    assert {a.id: a.date.isoformat() for a in articles if a.date} == {k: v["date"] for k, v in dates.items()}
    assert all("&" not in a.text for a in articles)
    assert "لكبرى الشركات العالمية.\n" in articles[3].text
    assert "الرئيس الروسي بعد قمته" in articles[3].text


def test_the_sidecar_applies_to_files_named_one_by_one(example_dir: Path) -> None:
    articles = load(sorted(example_dir.glob("*.txt")))
    assert all(a.date is not None for a in articles)


def test_sidecar_keys_match_stems_or_ids_and_bad_dates_are_reported(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", PARAGRAPH)
    write(tmp_path / "feed.jsonl", json.dumps({"id": "n7", "text": SECOND, "source": "old"}))
    write(tmp_path / "b.txt", SECOND)
    write(tmp_path / "metadata.json", json.dumps({
        "a": {"date": "2016-10-10T08:00:00", "title": "قمة", "section": "world"},
        "n7": {"source": "BBC", "url": "https://example.com/7"},
        "b": {"date": "not a date"},
    }))
    report = IngestReport()
    articles = {a.id: a for a in load([tmp_path], report=report)}
    assert (articles["a"].date, articles["a"].title) == (dt.date(2016, 10, 10), "قمة")
    assert articles["a"].extra == {"section": "world"}
    assert (articles["n7"].source, articles["n7"].url) == ("BBC", "https://example.com/7")
    assert articles["b"].date is None
    assert any("unreadable date 'not a date'" in issue for issue in report.issues)
    assert "metadata sidecar" in [r.reason for r in report.skipped]


def test_walk_order_is_sorted_by_path_and_skips_what_is_not_an_article(tmp_path: Path) -> None:
    for name in ["b/2.txt", "b/1.txt", "a-z.txt", "a/9.txt", "c.txt"]:
        write(tmp_path / name, PARAGRAPH + name)
    write(tmp_path / ".hidden.txt", PARAGRAPH)
    write(tmp_path / ".git" / "config.txt", PARAGRAPH)
    write(tmp_path / "figure.pdf", b"%PDF-1.4")
    write(tmp_path / "table.csv", "id,text\n1,نص\n")
    write(tmp_path / "LICENSE", "MIT")
    report = IngestReport()
    assert [a.id for a in load([tmp_path], report=report)] == ["a-z", "9", "1", "2", "c"]
    reasons = {Path(r.path).name: r.reason for r in report.skipped}
    assert reasons == {
        ".hidden.txt": "hidden file", ".git": "hidden file", "figure.pdf": "binary file type",
        "table.csv": "unsupported format", "LICENSE": "documentation file",
    }


@contextlib.contextmanager
def nested(top: Path, depth: int, file: str, content: str) -> Iterator[Path]:
    """``top/d/d/.../d/file``, ``depth`` levels, removed afterwards.  ``os.makedirs`` and ``shutil.rmtree``
    (pytest's clean-up of tmp_path too) recurse once per level: 1,000 levels are a RecursionError."""
    top.mkdir()
    fd = os.open(top, os.O_RDONLY)
    fds = [fd]
    try:
        for _ in range(depth):
            os.mkdir("d", dir_fd=fd)
            fd = os.open("d", os.O_RDONLY, dir_fd=fd)
            fds.append(fd)
        out = os.open(file, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, content.encode())
        os.close(out)
        yield top
    finally:
        os.unlink(file, dir_fd=fds[-1])
        for parent in reversed(fds[:-1]):
            os.rmdir("d", dir_fd=parent)
        for each in fds:
            os.close(each)
        top.rmdir()


def test_a_directory_nested_1000_levels_deep_is_read_not_a_recursion_error(tmp_path: Path) -> None:
    report = IngestReport()
    with nested(tmp_path / "deep", 1000, "a.txt", PARAGRAPH) as deep:
        [article] = load([deep], report=report)
    assert article.text == PARAGRAPH
    assert report.inputs[0].path.endswith("/deep" + "/d" * 1000 + "/a.txt")


def test_the_walk_order_and_report_are_those_of_the_recursive_walk(tmp_path: Path) -> None:
    """The expected list is what the recursive walk gave on this tree (sidecars, loops, repeats, links)."""
    root = tmp_path / "t"
    for name in ["b/2.txt", "b/1.txt", "a-z.txt", "a/9.txt", "a/x/y/z.txt", "a/x/w.txt", "c.txt", "b.d/e.txt"]:
        write(root / name, PARAGRAPH + name)
    write(root / "b" / "sub" / "f.json", json.dumps({"id": "fj", "text": PARAGRAPH}))
    write(root / "a" / "metadata.json", json.dumps({"9": {"date": "2016-10-10"}}))
    write(root / ".hidden" / "h.txt", PARAGRAPH)
    write(root / "README.md", "docs")
    os.symlink(root / "a", root / "b" / "link-to-a")
    os.symlink(root, root / "a" / "x" / "loop")
    os.symlink(root / "missing", root / "dangling")
    os.symlink(root / "c.txt", root / "b" / "same.txt")
    os.symlink(root / "b", root / "z-link-to-b")
    report = IngestReport()
    assert [a.id for a in load([root], report=report)] == ["a-z", "9", "w", "z", "e", "1", "2", "same", "fj"]
    fates = [(os.path.relpath(r.path, root), r.status, r.reason, (r.detail or "").replace(str(root), "ROOT"))
             for r in report.inputs]
    assert fates == [
        (".hidden", "skipped", "hidden file", ""),
        ("README.md", "skipped", "documentation file", ""),
        ("a-z.txt", "read", None, ""),
        ("a/9.txt", "read", None, ""),
        ("a/metadata.json", "skipped", "metadata sidecar", "fields merged into the articles of its directory"),
        ("a/x/loop", "skipped", "symlink loop", "links back to ROOT"),
        ("a/x/w.txt", "read", None, ""),
        ("a/x/y/z.txt", "read", None, ""),
        ("b.d/e.txt", "read", None, ""),
        ("b/1.txt", "read", None, ""),
        ("b/2.txt", "read", None, ""),
        ("b/link-to-a", "skipped", "already read", "same directory as ROOT/a"),
        ("b/same.txt", "read", None, ""),
        ("b/sub/f.json", "read", None, ""),
        ("c.txt", "skipped", "already read", "same file as ROOT/c.txt"),
        ("dangling", "skipped", "cannot open", "No such file or directory"),
        ("z-link-to-b", "skipped", "already read", "same directory as ROOT/b"),
    ]


def test_symlink_loops_do_not_hang(tmp_path: Path) -> None:
    write(tmp_path / "d" / "a.txt", PARAGRAPH)
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    os.symlink(tmp_path / "d" / "a.txt", tmp_path / "d" / "same.txt")
    report = IngestReport()
    assert [a.id for a in load([tmp_path / "d"], report=report)] == ["a"]
    assert {r.reason for r in report.skipped} == {"symlink loop", "already read"}


def test_unreadable_files_are_skipped_in_a_walk_but_raise_when_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    locked = write(tmp_path / "locked.txt", PARAGRAPH)
    write(tmp_path / "open.txt", SECOND)
    real_read = source.read_file

    def read(path: str) -> bytes:
        if path == str(locked):
            raise PermissionError(13, "Permission denied", path)
        return real_read(path)

    monkeypatch.setattr(source, "read_file", read)
    report = IngestReport()
    with caplog.at_level(logging.WARNING, logger="khulasa.ingest"):
        assert [a.id for a in load([tmp_path], report=report)] == ["open"]
    assert [(r.reason, r.detail) for r in report.skipped] == [("cannot open", "Permission denied")]
    assert "locked.txt" in caplog.text
    with pytest.raises(UnreadableFileError, match="Permission denied"):
        load([locked])


def test_binary_content_behind_a_text_extension_is_skipped_in_a_walk(tmp_path: Path) -> None:
    write(tmp_path / "fake.txt", b"\x00\x01\x02binary\x00" * 20)
    write(tmp_path / "real.txt", PARAGRAPH)
    report = IngestReport()
    assert [a.id for a in load([tmp_path], report=report)] == ["real"]
    assert [r.reason for r in report.skipped] == ["binary data"]
    with pytest.raises(UnreadableFileError, match="binary data"):
        load([tmp_path / "fake.txt"])


def test_duplicate_ids_are_made_unique_and_reported(tmp_path: Path) -> None:
    write(tmp_path / "x" / "same.txt", PARAGRAPH)
    write(tmp_path / "y" / "same.txt", SECOND)
    report = IngestReport()
    assert [a.id for a in load([tmp_path], report=report)] == ["same", "same#2"]
    assert any("duplicate id 'same'" in issue for issue in report.issues)



@pytest.mark.parametrize("raw_id", ["\f", "  ", "\u200f", "", None])
def test_an_id_that_cleans_to_nothing_falls_back_to_the_file_and_line(tmp_path: Path, raw_id: str | None) -> None:
    """A JSONL id of only spaces or controls was kept as the empty string (found by the fuzz job)."""
    write(tmp_path / "feed.jsonl", json.dumps({"id": raw_id, "text": PARAGRAPH}) + "\n")
    [article] = load([tmp_path / "feed.jsonl"])
    assert article.id == "feed-1"


# ------------------------------------------------------------------------------- names shown to people

UNSAFE = "\x1b\x07\x9b\x00\r\n\u202e\u2066\u200f\u2028"


@given(st.text(st.characters() | SURROGATE | st.sampled_from(UNSAFE)))
def test_printable_names_hold_no_terminal_control_and_are_idempotent(name: str) -> None:
    shown = printable(name)
    assert not any(c in shown for c in UNSAFE) and not any(0xD800 <= ord(c) <= 0xDFFF for c in shown)
    assert printable(shown) == shown
    shown.encode("utf-8")


def test_printable_keeps_arabic_and_escapes_controls_bidi_and_undecodable_bytes() -> None:
    assert printable("أخبار/خبر 1.txt") == "أخبار/خبر 1.txt"
    assert printable("a\x1b]0;owned\x07\x1b[31m.txt") == "a\\x1b]0;owned\\x07\\x1b[31m.txt"
    assert printable("\u202etxt.exe\x9b2J") == "\\u202etxt.exe\\x9b2J"
    assert printable(os.fsdecode(b"caf\xe9\n.txt")) == "caf\\xe9\\x0a.txt"


def test_terminal_escapes_in_file_and_member_names_are_escaped_in_logs_reports_and_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A file or member name is shown through one helper everywhere: warnings, report lines, errors."""
    corpus = tmp_path / "corpus"
    write(corpus / "\x1b]0;owned\x07\x1b[31mred.txt", b"\x00\x01\x02binary\x00" * 20)
    write(corpus / "\u202ename.txt", PARAGRAPH)
    write(corpus / "nul\x9b.txt", _laced(SECOND, every=10))
    (corpus / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"\x89PNG\x00\x01\x02" * 30)
    make_tar(corpus / "a.tar.gz", {"x/\x1b[2Jwipe.txt": b"\x00\x01\x02binary\x00" * 20,
                                   "x/\x1b[1mbold.jsonl": b'{"text": 3}\n' + json.dumps({"text": SECOND}).encode()})
    report = IngestReport()
    with caplog.at_level(logging.WARNING, logger="khulasa.ingest"):
        articles = load([corpus], report=report)
    shown = caplog.text + json.dumps(report.to_dict(), ensure_ascii=False) + "".join(a.path or "" for a in articles)
    assert not any(c in shown for c in "\x1b\x07\x9b\u202e") and "\\udc" not in shown
    shown.encode("utf-8")  # the undecodable byte of café is \xe9, not a surrogate
    for escaped in ["\\x1b]0;owned\\x07\\x1b[31mred.txt", "\\u202ename.txt", "nul\\x9b.txt", "caf\\xe9.txt",
                    "a.tar.gz:x/\\x1b[2Jwipe.txt", "\\x1b[1mbold.jsonl: line 1: no text field"]:
        assert escaped in shown, escaped
    with pytest.raises(UnreadableFileError) as error:
        load([corpus / "\x1b]0;owned\x07\x1b[31mred.txt"])
    assert "\x1b" not in str(error.value) and "\\x1b]0;owned" in str(error.value)
    with pytest.raises(UnreadableFileError) as missing:
        load([tmp_path / "\x1b[31mmissing.txt"])
    assert str(missing.value) == f"cannot read {tmp_path}/\\x1b[31mmissing.txt: no such file or directory"


# ------------------------------------------------------------------------------------ nothing to read


def test_no_input_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write(tmp_path / "blank" / "a.txt", "\n \n")
    write(tmp_path / "blank" / ".b.txt", PARAGRAPH)
    with pytest.raises(NoInputError, match="no input given"):
        load([])
    with pytest.raises(UnreadableFileError, match="no such file") as missing:  # exit 4, as the README says
        load([tmp_path / "missing.txt"])
    assert missing.value.exit_code == 4 and missing.value.path == str(tmp_path / "missing.txt")
    with pytest.raises(NoInputError, match="no articles found"):
        load([tmp_path / "empty"])
    with pytest.raises(NoInputError, match=r"1 empty, 1 hidden file|1 hidden file, 1 empty"):
        load([tmp_path / "blank"], report=IngestReport())


def test_unsupported_file_named_explicitly_raises(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="binary file type"):
        load([write(tmp_path / "scan.pdf", b"%PDF")])


# ----------------------------------------------------------------------------------- streaming, report


def test_iter_articles_yields_before_reading_the_rest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(5):
        write(tmp_path / f"{i}.txt", PARAGRAPH)
    opened: list[str] = []
    real_read = source.read_file

    def read(path: str) -> bytes:
        opened.append(path)
        return real_read(path)

    monkeypatch.setattr(source, "read_file", read)
    stream = iter_articles([tmp_path])
    assert next(stream).id == "0"
    assert len(opened) == 1


def test_report_summary_and_dict(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", PARAGRAPH)
    write(tmp_path / "b.jsonl", json.dumps({"text": SECOND}) + "\n{oops\n")
    write(tmp_path / ".c.txt", PARAGRAPH)
    report = IngestReport()
    load([tmp_path], report=report)
    assert report.summary() == "read 2 articles from 2 inputs; skipped 1 (1 hidden file); 1 issue inside files"
    data = report.to_dict()
    assert (data["articles"], data["read"], data["skipped"]) == (2, 2, 1)
    assert next(r for r in data["inputs"] if r["path"].endswith("b.jsonl")) == {
        "path": str(tmp_path / "b.jsonl"), "status": "read", "articles": 1, "format": "jsonl",
        "encoding": "utf-8", "issues": ["line 2: invalid JSON (Expecting property name enclosed in double quotes), skipped"],
    }
    json.dumps(data)  # JSON-serializable for batch reports


def test_articles_are_cleaned_and_carry_offsets_into_clean_text(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", f"\ufeff  فـي\u00a0{PARAGRAPH}&\r\n\r\n\r\n\r\n{SECOND}\u200f  ")
    [article] = load([tmp_path])
    assert article.text == f"في {PARAGRAPH}\n\n{SECOND}"
    assert article.text == clean_text(article.text)
