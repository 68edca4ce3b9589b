"""Tests for khulasa.ingest: encodings, formats, directories, archives, stdin, the report and clean_text.

Fixtures are made in tmp_path from the strings below (no binary files are committed).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import sys
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import khulasa
from khulasa import ingest
from khulasa.errors import NoInputError, UnreadableFileError
from khulasa.ingest import IngestReport, clean_text, iter_articles, load, parse_date, read_bytes_as_text

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


# ------------------------------------------------------------------------------------------- cleaning


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("الأول/ أكتوبر.&", "الأول/ أكتوبر."),
        ("الرئيس الروسي &بعد قمته", "الرئيس الروسي بعد قمته"),
        ("قضينا يوماً &حافلًا", "قضينا يوماً حافلًا"),
        ("Tom &amp; Jerry &quot;قال&quot; &#1575;&#x644;", 'Tom & Jerry "قال" ال'),
        ("AT&T و S&P 500 و Dolce&Gabbana و Johnson & Johnson", "AT&T و S&P 500 و Dolce&Gabbana و Johnson & Johnson"),
        ("مجلة لايف&ستايل", "مجلة لايف&ستايل"),
        ("&amp;amp;lt;", "<"),
        ("&nothing here", "nothing here"),
        ("في\u200b الـ\u200f23 \u202bنص\u202c \u2067x\u2069 \ufeffبداية", "في الـ23 نص x بداية"),
        ("كلمة\u00a0أخرى\u2009و\u202fثالثة\tرابعة", "كلمة أخرى و ثالثة رابعة"),
        ("فـي الـ23 ألـ23 تركية ـ روسية جـــداً", "في الـ23 ألـ23 تركية ـ روسية جداً"),
        ("a\x00b\x07c\x1bd\x7fe\x9ff", "abcdef"),
        ("  سطر  \r\n\r\n\r\n\r\n  سطر   ثان  \r\n", "سطر\n\nسطر ثان"),
        ("أ\rب\u2028ج\x85د", "أ\nب\nج\nد"),
        ("فقرة\n\n\n\n\n\nفقرة", "فقرة\n\nفقرة"),
        ("\n\n  \n", ""),
    ],
    ids=[
        "stray-amp-at-line-end", "stray-amp-before-word", "stray-amp-tanwin", "entities",
        "latin-ampersands-kept", "arabic-joined-ampersand-kept", "double-escaped", "not-an-entity",
        "zero-width-and-bidi", "spaces", "kashida", "controls", "lines-and-blank-lines", "line-breaks",
        "blank-runs", "only-whitespace",
    ],
)
def test_clean_text_removes_artifacts_seen_in_real_articles(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@given(st.text())
def test_clean_text_is_idempotent_and_never_raises(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


ARTIFACTS = st.sampled_from(
    ["&", "&amp;", "&#1575;", "&#8203;", "\u200b", "\u200f", "\ufeff", "\u00a0", "\u0640", "\r\n", "\r",
     "\n\n\n", "  ", "\x00", "ف", "ي", " ", "2", "A", ";", "#", "amp", "\u202e"]
)


@given(st.lists(ARTIFACTS, max_size=30).map("".join))
def test_clean_text_is_idempotent_on_dense_artifacts(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert not any(c in once for c in "\r\x00\u200b\u200f\ufeff\u00a0\u202e")
    assert "\n\n\n" not in once and "  " not in once
    assert once == once.strip()


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
    real_read = ingest._read_file

    def read(path: str) -> bytes:
        if path == str(locked):
            raise PermissionError(13, "Permission denied", path)
        return real_read(path)

    monkeypatch.setattr(ingest, "_read_file", read)
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


# ------------------------------------------------------------------------------------ nothing to read


def test_no_input_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    write(tmp_path / "blank" / "a.txt", "\n \n")
    write(tmp_path / "blank" / ".b.txt", PARAGRAPH)
    with pytest.raises(NoInputError, match="no input given"):
        load([])
    with pytest.raises(NoInputError, match="no such file"):
        load([tmp_path / "missing.txt"])
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
    real_read = ingest._read_file

    def read(path: str) -> bytes:
        opened.append(path)
        return real_read(path)

    monkeypatch.setattr(ingest, "_read_file", read)
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
