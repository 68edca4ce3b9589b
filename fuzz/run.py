"""Fuzz job: generated inputs through every stage that eats outside data (not part of ``pytest``).

    python fuzz/run.py --n 100000                 # 100k inputs over all targets: ~20 min on one core
    python fuzz/run.py --n 2000 --target ingest   # one target
    python fuzz/run.py --list

Each target is a hypothesis property run with ``max_examples`` = its share of ``--n`` (weights below).
Only the documented exceptions may escape (``UnreadableFileError`` from decoding, ``NoArabicTextError``
and ``NoInputError`` from summarizing, ``InvalidOptionsError`` from building options; the service
answers a documented status in its error shape); the invariants of TESTING.md are checked on every
input.  The generators include what issue 11 found by hand: dates no ``datetime`` can hold (RFC 2822,
ISO and numeric years of up to 15 digits), lone surrogates in every field, NaN/Infinity/huge option
values, text laced with NULs at any density, and directories nested up to 1,200 levels.  An unexpected exception does not stop the run:
it is recorded by signature (type and innermost Khulasa frame) with the shortest input seen, printed at
the end, and the job exits 1.  Counts and crashes are appended as one JSON line to ``--log`` (default
``fuzz/results.jsonl``), which TESTING.md quotes.  Hypothesis draws new inputs on every run (no seed,
no example database), so each run explores further.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khulasa import dates as date_tagger  # noqa: E402
from khulasa import ingest, segment  # noqa: E402
from khulasa.errors import (  # noqa: E402
    InvalidOptionsError,
    NoArabicTextError,
    NoInputError,
    UnreadableFileError,
)
from khulasa.ingest import records, source, walk  # noqa: E402
from khulasa.ingest import sidecars as ingest_sidecars  # noqa: E402
from khulasa.models import Article  # noqa: E402
from khulasa.options import SummaryOptions  # noqa: E402
from khulasa.text import normalize  # noqa: E402

# --- alphabets: what real news text and real breakage are made of -----------------------------------------

ARABIC_WORDS = (
    "افتتح وزير الثقافة اليوم معرض الكتاب في دورته العاشرة بمشاركة دار نشر وقال الرئيس إن المحادثات "
    "تناولت التعاون الاقتصادي بين البلدين أمس الأحد 12 أكتوبر تشرين الأول 2016 الماضي المقبل موسكو أنقرة "
    "بوتين أردوغان الشهر الأسبوع يناير كانون الثاني فبراير عام ٢٠١٨ سوف يعقد قمة الثلاثاء ذاته مايو "
    "الإثنين غدا بعد غد من إلى حتى وأضاف أن الجانبين وقعا اتفاقيات الطاقة والنقل"
).split()
ODD = [
    "\u0640", "\u064b", "\u0650", "\u0651", "\u0652", "\u200b", "\u200f", "\u202e", "\ufeff", "\u00a0",
    "\x00", "\x07", "\r", "\r\n", "\n\n\n", "\u2028", "&amp;", "&#1575;", "&", "&nbsp;", "<script>",
    "</TEXT>", "<DOC>", "<P>", "؟", "!", "…", "،", ".", "«", "»", '"', "(", ")", "3.5", "U.S.", "د.",
    "١٢", "\t", "  ", "ـ", "ﻻ", "ﷲ", "\ud7ff", "😀", "A", "é",
]
SURROGATES = ["\ud83d", "\ude00", "\udc00", "\udfff", "\ud800", "\ud83d\ude00", "\ude00\ud83d"]
"""Lone UTF-16 halves: a cut emoji, JSON's "\\ud83d".  ``st.text()`` never makes them."""
surrogate_char = st.integers(0xD800, 0xDFFF).map(chr)
tokens = st.sampled_from(ARABIC_WORDS) | st.sampled_from(ODD) | st.text(max_size=3) | st.sampled_from(SURROGATES)
news_text = st.lists(tokens, max_size=60).map(lambda ws: " ".join(ws))
any_text = st.text(max_size=200) | news_text | st.text(st.characters() | surrogate_char, max_size=40)

big_year = st.integers(-10**15, 10**15) | st.sampled_from([0, 1, 9999, 10000, 99999999999, 2**31, 2**63])
rfc_2822_date = st.builds(
    lambda day, d, month, year, clock, zone: f"{day}, {d} {month} {year} {clock} {zone}",
    st.sampled_from(["Mon", "Tue", "Fri", "xyz", ""]), st.integers(-5, 10**12),
    st.sampled_from(["Jan", "Feb", "Dec", "Foo"]), big_year,
    st.sampled_from(["01:44:01", "99:99:99", "0:0", "24:00:00", ""]),
    st.sampled_from(["GMT", "UT", "EST", "+0400", "-2359", "+9999", "+99999999999", "-0000", "Z", ""]),
)
iso_date = st.builds(lambda y, m, d, rest: f"{y:04d}-{m:02d}-{d:02d}{rest}", st.integers(0, 10**15),
                     st.integers(0, 99), st.integers(0, 99),
                     st.sampled_from(["", "T00:00:00", " 08:00", "T23:59:59+99:99", "Z", "x"]))
numeric_date = st.builds(lambda a, b, y: f"{a}/{b}/{y}", st.integers(0, 99), st.integers(0, 99), big_year) | \
    big_year.map(str) | big_year | st.floats()
date_value = (st.sampled_from(["2016-10-10", "Tue, 20 Feb 2018 01:44:01 GMT", "x", ""]) | rfc_2822_date
              | iso_date | numeric_date)
"""What a ``date`` field, a TREC ``<TIME>`` or a sidecar date may hold, huge years included."""
arabic_sentence = st.lists(st.sampled_from(ARABIC_WORDS), min_size=3, max_size=14).map(
    lambda ws: " ".join(ws) + "."
)
article_text = st.lists(arabic_sentence | news_text, min_size=1, max_size=6).map("\n".join)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1256", "iso8859_6"]


@st.composite
def encoded_bytes(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(st.binary(max_size=300))
    text = draw(any_text)
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if kind == 2 and data:  # corrupt a few bytes
        raw = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        data = bytes(raw)
    return data


@st.composite
def nul_laced_bytes(draw: st.DrawFn) -> bytes:
    """UTF-8 text with NULs at a density from 0.1 % to 90 %: between characters, inside a multi-byte
    sequence, or padding fixed-width records (a bad export)."""
    text = draw(article_text | any_text)
    data = text.encode("utf-8", errors="replace")
    density = draw(st.sampled_from([0.001, 0.01, 0.02, 0.1, 0.3, 0.5, 0.9]))
    how = draw(st.sampled_from(["anywhere", "boundaries", "padding"]))
    if how == "padding":
        width = draw(st.integers(1, 600))
        return b"\n".join(line.ljust(width, b"\x00") for line in data.split(b"\n"))
    rng = draw(st.randoms(use_true_random=False))
    out = bytearray()
    for char in text:
        piece = char.encode("utf-8", errors="replace")
        if how == "anywhere" and len(piece) > 1 and rng.random() < density:
            cut = rng.randrange(1, len(piece))
            piece = piece[:cut] + b"\x00" + piece[cut:]
        out += piece
        if rng.random() < density:
            out += b"\x00" * rng.randint(1, 3)
    return bytes(out)


@st.composite
def file_content(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file name and bytes shaped like one of the input formats, often broken."""
    text = draw(article_text)
    fmt = draw(st.sampled_from(["txt", "json", "jsonl", "trec", "html", "none"]))
    if fmt == "json":
        record = draw(st.dictionaries(st.sampled_from(["id", "text", "date", "source", "title", "url", "x"])
                                      | any_text,
                                      st.none() | st.integers() | any_text | st.just(text) | date_value
                                      | st.lists(any_text, max_size=3)
                                      | st.dictionaries(any_text, any_text | st.lists(any_text), max_size=2),
                                      max_size=6))
        # ensure_ascii writes a lone surrogate as "\ud83d" (what a cut emoji looks like in real JSON);
        # without it, the encoding below replaces it.
        body = json.dumps(draw(st.sampled_from([record, [record, text], {"articles": [record]}])),
                          ensure_ascii=draw(st.booleans()))
    elif fmt == "jsonl":
        lines = [json.dumps({"id": draw(any_text), "text": t, "date": draw(date_value), "source": draw(any_text)})
                 for t in draw(st.lists(article_text, max_size=3))]
        lines += draw(st.lists(st.sampled_from(["{", "[1]", "null", "{\"text\": 3}", "[" * 3000, ""]), max_size=3))
        body = "\n".join(draw(st.permutations(lines)))
    elif fmt == "trec":
        tags = ["<DOC>", "</DOC>", "<DOCNO>d</DOCNO>", "<TEXT>", "</TEXT>", "</TEX>", "<TIME>x</TIME>",
                "<TITLE>", "<ABSTRACT>", "<P>", "<DOC id=\"x\">", "<HEADLINE>"]
        time_tag = date_value.map(lambda d: f"<TIME>{d}</TIME>")
        parts = draw(st.lists(st.sampled_from(tags) | st.just(text) | time_tag, min_size=1, max_size=10))
        body = "".join(parts)
    elif fmt == "html":
        body = draw(st.sampled_from([
            f"<html><body><article><p>{text}</p></article></body></html>",
            f"<html><head><script>{text}</script><style>p{{}}</style></head></html>",
            f"<!doctype html><p>{text}",
        ]))
    else:
        body = text
    name = f"f.{fmt}" if fmt != "none" else draw(st.sampled_from(["noext", "f.xml", "f.csv", "f.md"]))
    data = body.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1256"])), errors="replace")
    return name, data


sidecars = st.none() | st.dictionaries(
    st.sampled_from(["f", "d", "0", "x"]) | any_text,
    st.dictionaries(st.sampled_from(["date", "source", "title", "url", "note"]) | any_text,
                    date_value | any_text | st.lists(any_text, max_size=2), max_size=3),
    max_size=3,
)
"""A ``metadata.json``'s content, keyed by file stem or article id."""


def assert_encodable(article: Article) -> None:
    """Every field that a renderer or the run's state writes must encode (no lone surrogates)."""
    fields = [article.id, article.text, article.source, article.title, article.url, article.path]
    json.dumps([fields, dict(article.extra)], ensure_ascii=False, default=str).encode("utf-8")


# --- targets: each returns a hypothesis-wrapped function that counts its runs -------------------------------

COUNTS: dict[str, int] = {}
CRASHES: dict[tuple[str, str], dict[str, object]] = {}
"""(target, signature) -> the shortest failing input seen, its error and how often the signature came up."""


def guarded(name: str, check: Callable[..., None]) -> Callable[[tuple[object, ...]], None]:
    """Run ``check`` on one input; record an unexpected exception by its signature instead of stopping.

    A fuzzer that stopped at the first crash would hide the next ones; hypothesis' shrinking is traded for
    "shortest input seen per signature" (the signature is the exception type and the innermost frame).
    """

    def run(args: tuple[object, ...]) -> None:
        COUNTS[name] = COUNTS.get(name, 0) + 1
        hypothesis_limit = sys.getrecursionlimit()
        try:
            sys.setrecursionlimit(USER_RECURSION_LIMIT)
            check(*args)
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            ours = [f for f in frames if "/khulasa/" in f.filename or f.filename.endswith("run.py")]
            frame = (ours or frames)[-1]
            signature = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
            shown = repr(args)
            seen = CRASHES.setdefault((name, signature), {"count": 0, "input": shown, "error": str(exc)[:300]})
            seen["count"] = int(seen["count"]) + 1  # type: ignore[call-overload]
            if len(shown) < len(str(seen["input"])):
                seen["input"], seen["error"] = shown, str(exc)[:300]
        finally:
            sys.setrecursionlimit(hypothesis_limit)

    return run


USER_RECURSION_LIMIT = sys.getrecursionlimit()
"""The limit ``khulasa`` runs with.  Hypothesis raises it by about 2,000 frames for its own use, which hid
the RecursionError of a 1,000-level directory: every check runs under the user's limit."""


def fuzz(name: str, n: int, *strategies: st.SearchStrategy) -> Callable[[Callable[..., None]], Callable[[], None]]:
    """Decorator: ``check`` run on ``n`` inputs drawn from ``strategies``, unexpected errors recorded."""

    def decorate(check: Callable[..., None]) -> Callable[[], None]:
        return settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))(
            given(st.tuples(*strategies))(guarded(name, check))
        )

    return decorate


def target_decode(n: int) -> Callable[[], None]:
    @fuzz("decode", n,
          encoded_bytes() | nul_laced_bytes())
    def check(data: bytes) -> None:
        try:
            text, encoding = ingest.read_bytes_as_text(data, name="f")
        except UnreadableFileError:
            # Refused: then the bytes without their NULs must not be plain UTF-8 text (a bad export).
            try:
                rest = data.replace(b"\x00", b"").decode("utf-8")
            except UnicodeDecodeError:
                return
            controls = sum(1 for c in rest if (c < " " and c not in "\t\n\v\f\r") or c == "\x7f")
            assert b"\x00" not in data or controls > max(2, len(rest) // 100), "text with NULs refused"
            return
        assert "\r" not in text and "\x00" not in text and isinstance(encoding, str)

    return check


def target_clean(n: int) -> Callable[[], None]:
    @fuzz("clean", n,
          any_text)
    def check(text: str) -> None:
        once = ingest.clean_text(text)
        assert ingest.clean_text(once) == once
        assert "\x00" not in once and "\r" not in once

    return check


def target_ingest(n: int) -> Callable[[], None]:
    """Any bytes under any name: articles or a recorded skip; named files may raise UnreadableFileError."""

    @fuzz("ingest", n,
          file_content() | st.tuples(st.sampled_from(["f.txt", "f.json", "f.jsonl", "f"]),
                                     encoded_bytes() | nul_laced_bytes()),
           st.booleans(), sidecars)
    def check(named: tuple[str, bytes], explicit: bool, sidecar: dict[str, Any] | None) -> None:
        name, data = named
        report = ingest.IngestReport()
        ctx = source.Context(report)
        if sidecar is not None:  # parsed as a metadata.json file is
            sidecar = ingest_sidecars.parse_sidecar(json.dumps(sidecar).encode(), "metadata.json", ctx)
            report.inputs.clear()
        try:
            articles = list(walk.parse_item(source.Item(name, name, explicit, sidecar or {}), data, ctx))
        except UnreadableFileError:
            assert explicit
            return
        assert len(report.inputs) == 1  # every input has exactly one fate
        record = report.inputs[0]
        assert record.status == ("read" if articles else "skipped")
        assert record.articles == len(articles)
        for a in articles:
            assert a.text and a.text == ingest.clean_text(a.text)
            assert a.id and isinstance(a.id, str)
            assert a.date is None or isinstance(a.date, dt.date)
            assert_encodable(a)
        json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")

    return check


def target_dates(n: int) -> Callable[[], None]:
    dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1))

    @fuzz("dates", n,
          any_text | news_text | date_value.map(str), st.none() | dates,
           st.none() | st.integers() | st.text(max_size=30) | dates | st.floats() | date_value
           | st.datetimes() | st.binary(max_size=10) | st.lists(date_value, max_size=2))
    def check(text: str, published: dt.date | None, raw: object) -> None:
        value = ingest.parse_date(raw)
        assert value is None or isinstance(value, dt.date)
        for m in date_tagger.parse_dates(text, published):
            assert text[m.start : m.end] == m.expression
            assert m.granularity in date_tagger.GRANULARITIES
            assert m.end_date is None or m.end_date >= m.date

    return check


def target_normalize(n: int) -> Callable[[], None]:
    @fuzz("normalize", n,
          any_text)
    def check(text: str) -> None:
        once = normalize.normalize(text)
        assert normalize.normalize(once) == once
        normalize.tokenize(text)
        normalize.terms(text)

    return check


def target_segment(n: int) -> Callable[[], None]:
    @fuzz("segment", n,
          article_text | any_text)
    def check(text: str) -> None:
        cleaned = ingest.clean_text(text)
        if not cleaned:
            return
        article = Article(id="a", text=cleaned)
        previous_end = 0
        for s in segment.segment(article):
            assert cleaned[s.start : s.end] == s.text and s.text.strip()
            assert s.start >= previous_end
            previous_end = s.end

    return check


def target_summarize(n: int) -> Callable[[], None]:
    import khulasa
    from khulasa import render

    metadata = st.builds(
        lambda known, unknown: {**unknown, **known},
        st.fixed_dictionaries({}, optional={"id": any_text, "source": any_text, "title": any_text, "url": any_text,
                                            "date": date_value, "tags": st.lists(any_text, max_size=2)}),
        st.dictionaries(any_text.filter(lambda k: k not in records.ARTICLE_KEYS),
                        any_text | st.lists(any_text, max_size=2), max_size=2),
    )

    @fuzz("summarize", n,
          st.lists(article_text, min_size=1, max_size=5),
           st.one_of(st.builds(lambda w: SummaryOptions(words=w), st.integers(1, 200)),
                     st.builds(lambda s: SummaryOptions(sentences=s), st.integers(1, 8))),
           st.booleans(), st.none() | st.lists(metadata, min_size=5, max_size=5))
    def check(texts: list[str], options: SummaryOptions, extras: bool, fields: list[dict[str, Any]] | None) -> None:
        if fields is None:
            articles = [Article(id=f"a{i}", text=ingest.clean_text(t) or "x", source=f"s{i % 2}",
                                date=dt.date(2016, 10, 10 + i)) for i, t in enumerate(texts)]
        else:  # as read from a .json file: metadata of any kind (lone surrogates, impossible dates)
            records = [{**fields[i], "text": t} for i, t in enumerate(texts)]
            data = json.dumps(records).encode()
            articles = list(walk.parse_item(source.Item("f.json", "f.json", False, {}), data,
                                               source.Context(ingest.IngestReport())))
            if not articles:
                return
        if extras:
            options = SummaryOptions(words=options.words, sentences=options.sentences, timeline=True,
                                     key_terms=True)
        try:
            summary = khulasa.summarize(articles, options=options)
        except (NoArabicTextError, NoInputError):
            return
        by_id = {a.id: a for a in articles}
        for s in summary.sentences:
            assert s.sources, "a summary sentence without a source"
            for span in s.sources:
                assert by_id[span.article_id].text[span.start : span.end].strip()
            # The displayed sentence is one of the spans in its article (an article may hold two rewrites).
            assert any(by_id[s.article_id].text[span.start : span.end] == s.text
                       for span in s.sources if span.article_id == s.article_id)
        if options.words is not None:
            assert summary.n_words <= options.words
        else:
            assert len(summary.sentences) <= (options.sentences or 0)
        for fmt in render.FORMATS:
            render.render(summary, fmt).encode("utf-8")  # what writing it does
        if len(texts) <= 2:  # determinism, on a sample: the same input gives the same bytes
            again = khulasa.summarize(articles, options=options)
            assert render.to_json(again) == render.to_json(summary)

    return check


EXTREMES = [math.nan, math.inf, -math.inf, 1e308, -1e308, 99999999999, 10**20, -10**20, 2**63, -1, 0, 0.0,
            5e-324, 1e-300]
huge_numbers = st.sampled_from(EXTREMES) | st.integers(-10**30, 10**30) | st.floats()
"""Option values past any sensible range: NaN, infinities, more days than a date can hold."""
OPTION_NAMES = ["words", "sentences", "timeline", "key_terms", "redundancy", "window_days", "max_days", "threshold",
                "duplicate_threshold", "min_size", "max_size", "idle_articles", "summary_articles", "singletons", "x"]


def target_options(n: int) -> Callable[[], None]:
    """Any values for ``SummaryOptions`` and ``StoryOptions`` fields: refused at construction
    (``InvalidOptionsError``), or options a summary or a stories run then works with, on articles dated
    at the ends of the range ingest accepts."""
    import khulasa
    from khulasa import render
    from khulasa.stories import StoryOptions, build_stories

    sentence = "افتتح وزير الثقافة اليوم معرض الكتاب في دورته العاشرة بمشاركة دار نشر. "
    # Mostly one or two fields, mostly extreme: an extreme value is only found if the others are valid.
    values = st.one_of(st.sampled_from(EXTREMES), st.sampled_from(EXTREMES), st.sampled_from(EXTREMES),
                       huge_numbers, st.none() | st.booleans() | st.text(max_size=5) | st.sampled_from(["lead", "full"]))

    @fuzz("options", n,
          st.dictionaries(st.sampled_from(OPTION_NAMES), values, max_size=2), st.booleans(),
           st.sampled_from([dt.date(2016, 10, 10), records.EARLIEST_DATE, records.LATEST_DATE, None]))
    def check(fields: dict[str, Any], stories: bool, date: dt.date | None) -> None:
        articles = [Article(id=f"a{i}", text=sentence * (i + 1), source=f"s{i}", date=date) for i in range(3)]
        try:
            if stories:
                options = StoryOptions.from_mapping(fields)
                for story in build_stories(articles, options):
                    json.dumps(story.to_dict(), allow_nan=False).encode("utf-8")
            else:
                summary_options = SummaryOptions.from_mapping(fields)
                render.to_json(khulasa.summarize(articles, options=summary_options))
        except (InvalidOptionsError, NoArabicTextError):
            return

    return check


SCRATCH = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
"""Trees are made in memory where possible: a thousand mkdirs on a journaling disk take a second."""


def target_walk(n: int) -> Callable[[], None]:
    """Directory trees (nested up to 1,200 levels, links back up, hidden entries, sidecars, binaries)
    read by ``load``: articles in sorted path order or ``NoInputError``, one fate per entry."""
    sentence = "افتتح وزير الثقافة اليوم معرض الكتاب في دورته العاشرة. "
    contents = {"file": ("{level:04}.txt", sentence.encode()), "hidden": (".h.txt", sentence.encode()),
                "sidecar": ("metadata.json", b'{"%(level)04d": {"date": "Tue, 20 Feb 99999999999"}}'),
                "binary": ("b.txt", b"\x89PNG\x00\x01\x02" * 20),
                "nul-laced": ("n.txt", "\x00".join(sentence).encode())}

    @fuzz("walk", n,
          st.integers(0, 40) | st.integers(0, 40) | st.integers(0, 40) | st.integers(900, 1200),
           st.lists(st.sampled_from([*contents, "loop"]), min_size=1, max_size=5))
    def check(depth: int, kinds: list[str]) -> None:
        top = Path(tempfile.mkdtemp(prefix="khulasa-fuzz-walk-", dir=SCRATCH))
        try:
            fd = os.open(top, os.O_RDONLY)
            for level in range(depth + 1):
                kind = kinds[level % len(kinds)]
                if kind == "loop" and level % 40 == 0:
                    os.symlink("../" * min(level, 3) or ".", "up", dir_fd=fd)
                elif kind != "loop" and (level % 40 == 0 or level == depth):
                    name, content = contents[kind]
                    out = os.open(name.format(level=level), os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
                    os.write(out, content.replace(b"%(level)04d", b"%04d" % level))
                    os.close(out)
                if level < depth:
                    os.mkdir("d", dir_fd=fd)
                    inner = os.open("d", os.O_RDONLY, dir_fd=fd)
                    os.close(fd)
                    fd = inner
            os.close(fd)
            report = ingest.IngestReport()
            try:
                articles = ingest.load([str(top)], report=report)
            except NoInputError:
                articles = []
            paths = [str(a.path) for a in articles]
            assert paths == sorted(paths, key=lambda p: p.split("/")), "walk order"
            assert len({r.path for r in report.inputs}) == len(report.inputs), "one fate per entry"
            json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")
        finally:
            _remove_deep(top, depth)

    return check


def _remove_deep(top: Path, depth: int) -> None:
    """Remove ``top/d/d/...`` bottom up through directory descriptors: ``shutil.rmtree`` recurses once per
    level, and paths a thousand levels long cost the kernel a walk each."""
    fd = os.open(top, os.O_RDONLY)
    for _ in range(depth):
        try:
            inner = os.open("d", os.O_RDONLY | os.O_NOFOLLOW, dir_fd=fd)
        except FileNotFoundError:
            break
        os.close(fd)
        fd = inner
    while True:
        for name in os.listdir(fd):
            if name == "d":
                os.rmdir(name, dir_fd=fd)  # the level below, emptied already
            else:
                os.unlink(name, dir_fd=fd)
        if os.path.samestat(os.fstat(fd), os.stat(top)):
            os.close(fd)
            break
        parent = os.open("..", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = parent
    top.rmdir()


def target_serve(n: int) -> Callable[[], None]:
    """Any body, any content type, to either endpoint: a documented status, always in the error shape."""
    from fastapi.testclient import TestClient

    from khulasa.serve.app import create_app
    from khulasa.serve.settings import ServeSettings

    client = TestClient(create_app(ServeSettings(max_body_mb=0.05, max_articles=20, max_words=3000)))
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | any_text | huge_numbers,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
        max_leaves=12,
    )
    request = st.fixed_dictionaries({}, optional={
        "articles": st.lists(st.fixed_dictionaries({"text": article_text | any_text}, optional={
            "id": any_text | st.integers(), "date": date_value, "title": any_text, "url": any_text,
            "source": any_text | json_values, "tags": json_values, "x\ud83d": any_text}) | json_values, max_size=4),
        "options": st.dictionaries(st.sampled_from(OPTION_NAMES) | any_text, json_values | huge_numbers, max_size=3),
    })
    bodies = (request.map(lambda r: json.dumps(r).encode()) | encoded_bytes()
              | st.sampled_from([b"[" * 5000, b'{"articles": [' + b"0," * 30000 + b"0]}"]))
    documented = {200, 400, 404, 405, 413, 415, 422, 503}

    @fuzz("serve", n,
          bodies, st.sampled_from(["/v1/summarize", "/v1/stories", "/v1/summarize?format=html"]),
          st.sampled_from(["application/json", "text/plain", "application/x+json; charset=utf-8"]))
    def check(body: bytes, path: str, content_type: str) -> None:
        response = client.post(path, content=body, headers={"content-type": content_type})
        assert response.status_code in documented, (response.status_code, response.text[:300])
        if response.status_code != 200:
            error = response.json()["error"]
            assert set(error) == {"code", "message", "details"} and isinstance(error["details"], dict)

    return check


TARGETS: dict[str, tuple[Callable[[int], Callable[[], None]], float]] = {
    "decode": (target_decode, 0.17),
    "clean": (target_clean, 0.15),
    "ingest": (target_ingest, 0.17),
    "dates": (target_dates, 0.12),
    "normalize": (target_normalize, 0.10),
    "segment": (target_segment, 0.10),
    "summarize": (target_summarize, 0.09),
    "serve": (target_serve, 0.05),
    "options": (target_options, 0.045),
    "walk": (target_walk, 0.005),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="generated inputs in all (default %(default)s)")
    parser.add_argument("--target", action="append", choices=list(TARGETS), help="run only these targets")
    parser.add_argument("--list", action="store_true", help="list the targets and their weights")
    parser.add_argument("--log", default=str(ROOT / "fuzz" / "results.jsonl"), help="append the counts here")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # ingest logs every skipped input; the counts are what matter here
    if args.list:
        for name, (_, weight) in TARGETS.items():
            print(f"{name:10} {weight:.2f}")
        return 0
    chosen = args.target or list(TARGETS)
    total_weight = sum(TARGETS[name][1] for name in chosen)
    failures: dict[str, str] = {}
    started = time.monotonic()
    for name in chosen:
        build, weight = TARGETS[name]
        n = max(1, round(args.n * weight / total_weight))
        run = build(n)
        t0 = time.monotonic()
        try:
            run()
        except Exception:
            failures[name] = traceback.format_exc()
            print(f"FAIL {name}\n{failures[name]}", file=sys.stderr)
        crashes = sum(1 for target, _ in CRASHES if target == name)
        if crashes:
            failures.setdefault(name, f"{crashes} crash signatures")
        print(f"{name:10} {COUNTS.get(name, 0):>8} inputs  {time.monotonic() - t0:7.1f} s"
              f"  {crashes} crash signatures{'  (harness error)' if name in failures and not crashes else ''}",
              flush=True)
    for (name, signature), seen in sorted(CRASHES.items()):
        print(f"CRASH {name}: {signature} ({seen['count']} inputs): {seen['error']}\n    shortest input: "
              f"{str(seen['input'])[:500]}", file=sys.stderr)
    total = sum(COUNTS.values())
    print(f"{'total':10} {total:>8} inputs  {time.monotonic() - started:7.1f} s  {len(CRASHES)} crash signatures")
    record = {"date": dt.datetime.now().isoformat(timespec="seconds"), "n": args.n, "counts": COUNTS,
              "total": total, "seconds": round(time.monotonic() - started, 1),
              "crashes": [{"target": t, "signature": sig, "count": seen["count"], "error": seen["error"],
                           "input": str(seen["input"])[:2000]} for (t, sig), seen in sorted(CRASHES.items())]}
    with open(args.log, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
