"""Fuzz job: generated inputs through every stage that eats outside data (not part of ``pytest``).

    python fuzz/run.py --n 100000                 # 100k inputs over all targets: ~20 min on one core
    python fuzz/run.py --n 2000 --target ingest   # one target
    python fuzz/run.py --list

Each target is a hypothesis property run with ``max_examples`` = its share of ``--n`` (weights below).
Only the documented exceptions may escape (``UnreadableFileError`` from decoding, ``NoArabicTextError``
and ``NoInputError`` from summarizing; the service answers a documented status in its error shape); the
invariants of TESTING.md are checked on every input.  An unexpected exception does not stop the run:
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
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khulasa import ingest, normalize, segment, timeline  # noqa: E402
from khulasa.errors import NoArabicTextError, NoInputError, UnreadableFileError  # noqa: E402
from khulasa.models import Article  # noqa: E402
from khulasa.options import SummaryOptions  # noqa: E402

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
tokens = st.sampled_from(ARABIC_WORDS) | st.sampled_from(ODD) | st.text(max_size=3)
news_text = st.lists(tokens, max_size=60).map(lambda ws: " ".join(ws))
any_text = st.text(max_size=200) | news_text
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
def file_content(draw: st.DrawFn) -> tuple[str, bytes]:
    """A file name and bytes shaped like one of the input formats, often broken."""
    text = draw(article_text)
    fmt = draw(st.sampled_from(["txt", "json", "jsonl", "trec", "html", "none"]))
    if fmt == "json":
        record = draw(st.dictionaries(st.sampled_from(["id", "text", "date", "source", "title", "x"]),
                                      st.none() | st.integers() | any_text | st.just(text), max_size=5))
        body = json.dumps(draw(st.sampled_from([record, [record, text], {"articles": [record]}])),
                          ensure_ascii=draw(st.booleans()))
    elif fmt == "jsonl":
        lines = [json.dumps({"id": str(i), "text": t, "date": draw(st.sampled_from(["2016-10-10", "x", ""]))},
                            ensure_ascii=False) for i, t in enumerate(draw(st.lists(article_text, max_size=3)))]
        lines += draw(st.lists(st.sampled_from(["{", "[1]", "null", "{\"text\": 3}", "[" * 3000, ""]), max_size=3))
        body = "\n".join(draw(st.permutations(lines)))
    elif fmt == "trec":
        tags = ["<DOC>", "</DOC>", "<DOCNO>d</DOCNO>", "<TEXT>", "</TEXT>", "</TEX>", "<TIME>x</TIME>",
                "<TITLE>", "<ABSTRACT>", "<P>", "<DOC id=\"x\">", "<HEADLINE>"]
        parts = draw(st.lists(st.sampled_from(tags) | st.just(text), min_size=1, max_size=10))
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
        try:
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

    return run


def fuzz(name: str, n: int, *strategies: st.SearchStrategy) -> Callable[[Callable[..., None]], Callable[[], None]]:
    """Decorator: ``check`` run on ``n`` inputs drawn from ``strategies``, unexpected errors recorded."""

    def decorate(check: Callable[..., None]) -> Callable[[], None]:
        return settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))(
            given(st.tuples(*strategies))(guarded(name, check))
        )

    return decorate


def target_decode(n: int) -> Callable[[], None]:
    @fuzz("decode", n,
          encoded_bytes())
    def check(data: bytes) -> None:
        try:
            text, encoding = ingest.read_bytes_as_text(data, name="f")
        except UnreadableFileError:
            return
        assert "\r" not in text and isinstance(encoding, str)

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
          file_content() | st.tuples(st.sampled_from(["f.txt", "f.json", "f.jsonl", "f"]), encoded_bytes()),
           st.booleans())
    def check(named: tuple[str, bytes], explicit: bool) -> None:
        name, data = named
        report = ingest.IngestReport()
        ctx = ingest._Context(report)
        try:
            articles = list(ingest._parse_item(ingest._Item(name, name, explicit, {}), data, ctx))
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

    return check


def target_dates(n: int) -> Callable[[], None]:
    dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1))

    @fuzz("dates", n,
          any_text | news_text, st.none() | dates,
           st.none() | st.integers() | st.text(max_size=30) | dates | st.floats())
    def check(text: str, published: dt.date | None, raw: object) -> None:
        value = ingest.parse_date(raw)
        assert value is None or isinstance(value, dt.date)
        for m in timeline.parse_dates(text, published):
            assert text[m.start : m.end] == m.expression
            assert m.granularity in timeline.GRANULARITIES
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

    @fuzz("summarize", n,
          st.lists(article_text, min_size=1, max_size=5),
           st.one_of(st.builds(lambda w: SummaryOptions(words=w), st.integers(1, 200)),
                     st.builds(lambda s: SummaryOptions(sentences=s), st.integers(1, 8))),
           st.booleans())
    def check(texts: list[str], options: SummaryOptions, extras: bool) -> None:
        articles = [Article(id=f"a{i}", text=ingest.clean_text(t) or "x", source=f"s{i % 2}",
                            date=dt.date(2016, 10, 10 + i)) for i, t in enumerate(texts)]
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
            summary.render(fmt)
        if len(texts) <= 2:  # determinism, on a sample: the same input gives the same bytes
            again = khulasa.summarize(articles, options=options)
            assert again.to_json() == summary.to_json()

    return check


def target_serve(n: int) -> Callable[[], None]:
    """Any body, any content type, to either endpoint: a documented status, always in the error shape."""
    from fastapi.testclient import TestClient

    from khulasa.serve.app import create_app
    from khulasa.serve.settings import ServeSettings

    client = TestClient(create_app(ServeSettings(max_body_mb=0.05, max_articles=20, max_words=3000)))
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | any_text,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
        max_leaves=12,
    )
    request = st.fixed_dictionaries({}, optional={
        "articles": st.lists(st.fixed_dictionaries({"text": article_text | any_text}, optional={
            "id": any_text | st.integers(), "date": st.sampled_from(["2016-10-10", "x", "", "Tue, 20 Feb 2018"]),
            "source": any_text | json_values}) | json_values, max_size=4),
        "options": st.dictionaries(st.sampled_from(["words", "sentences", "timeline", "key_terms", "redundancy",
                                                    "window_days", "threshold", "x"]), json_values, max_size=3),
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
    "decode": (target_decode, 0.18),
    "clean": (target_clean, 0.18),
    "ingest": (target_ingest, 0.18),
    "dates": (target_dates, 0.12),
    "normalize": (target_normalize, 0.12),
    "segment": (target_segment, 0.12),
    "summarize": (target_summarize, 0.10),
    "serve": (target_serve, 0.05),
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
