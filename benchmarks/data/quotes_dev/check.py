"""Check the issue-15 dev labels against the ANT archive.

Files checked: ``quotes.jsonl`` (next to this file) and ``../disagreements_dev.jsonl``. The script reads
the archive the way Khulasa does (``khulasa.ingest.iter_articles``), so offsets are checked against
``Article.text``. For every labelled article it verifies that:
- the id exists in the archive;
- neither its publication date nor the date in its id falls in the held-out span 2018-06-10..2018-06-20;
- every span (quote content, speaker mention, disagreement value) lies inside the text and does not start or
  end on whitespace;
- the stored 3-word prefix matches the text at the offsets;
- outlet, date and publication dates agree with the archive, and the label values are well formed.

    python benchmarks/data/quotes_dev/check.py [ARCHIVE] [--quotes PATH]

``--quotes PATH`` checks another quotes file of the same format alone (the check set:
``benchmarks/data/quotes_check/quotes.jsonl``); without it, ``quotes.jsonl`` here and the disagreements.

ARCHIVE defaults to ``../shared/data/ant-corpus-v2.1.tar.gz`` relative to the repository. Exit status 0
when everything checks, 1 with one line per problem otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from khulasa.ingest import iter_articles  # noqa: E402

QUOTES = HERE / "quotes.jsonl"
DISAGREEMENTS = HERE.parent / "disagreements_dev.jsonl"
DEFAULT_ARCHIVE = ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz"
HELD_OUT = (dt.date(2018, 6, 10), dt.date(2018, 6, 20))

QUOTE_KEYS = {"start", "end", "kind", "verb", "speaker", "speaker_start", "speaker_end", "anonymous", "group",
              "speaker_key", "prefix"}
KINDS = {"direct", "indirect"}
FACT_KINDS = {"count", "amount", "date", "place"}
WHY_POSITIVE = {"changed over time", "outlets disagree"}
WHY_NEGATIVE = {"same number written two ways", "same date written two ways", "same place written two ways",
                "different facts", "consistent approximation", "consistent bound"}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def held_out(day: dt.date) -> bool:
    return HELD_OUT[0] <= day <= HELD_OUT[1]


def id_date(article_id: str) -> dt.date | None:
    """The date in an ANT id (``AL-culture-590-20180715`` -> 2018-07-15)."""
    stem = article_id.rsplit("-", 1)[-1]
    try:
        return dt.datetime.strptime(stem, "%Y%m%d").date()
    except ValueError:
        return None


def load_texts(archive: Path, wanted: set[str]) -> dict[str, tuple[str, str | None, dt.date | None]]:
    """``id -> (text, source, date)`` for the wanted ids, read as Khulasa reads them."""
    found: dict[str, tuple[str, str | None, dt.date | None]] = {}
    for article in iter_articles([str(archive)]):
        if article.id in wanted:
            found[article.id] = (article.text, article.source, article.date)
    return found


class Checker:
    def __init__(self, articles: dict[str, tuple[str, str | None, dt.date | None]]) -> None:
        self.articles = articles
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def article(self, where: str, article_id: str) -> tuple[str, str | None, dt.date | None] | None:
        if article_id not in self.articles:
            self.fail(where, f"id {article_id!r} not in the archive")
            return None
        entry = self.articles[article_id]
        day = entry[2]
        if day is None:
            self.fail(where, f"{article_id}: no publication date")
        elif held_out(day):
            self.fail(where, f"{article_id}: published {day}, inside the held-out span")
        stem_day = id_date(article_id)
        if stem_day is not None and held_out(stem_day):
            self.fail(where, f"{article_id}: id date {stem_day} inside the held-out span")
        return entry

    def span(self, where: str, text: str, start: object, end: object) -> str | None:
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
            self.fail(where, f"offsets must be integers, got {start!r}, {end!r}")
            return None
        if not 0 <= start < end <= len(text):
            self.fail(where, f"span {start}:{end} outside the text (length {len(text)})")
            return None
        piece = text[start:end]
        if piece != piece.strip():
            self.fail(where, f"span {start}:{end} starts or ends on whitespace")
        return piece

    def quotes(self, lines: Iterable[dict[str, Any]]) -> int:
        seen: set[str] = set()
        n = 0
        for lineno, line in enumerate(lines, start=1):
            where = f"quotes.jsonl:{lineno}"
            article_id = line.get("id")
            if not isinstance(article_id, str):
                self.fail(where, "no id")
                continue
            if article_id in seen:
                self.fail(where, f"{article_id} listed twice")
            seen.add(article_id)
            entry = self.article(where, article_id)
            if entry is None:
                continue
            text, source, day = entry
            if line.get("outlet") != source:
                self.fail(where, f"outlet {line.get('outlet')!r} but the archive says {source!r}")
            if day is not None and line.get("date") != day.isoformat():
                self.fail(where, f"date {line.get('date')!r} but the archive says {day}")
            previous = -1
            for i, quote in enumerate(line.get("quotes", [])):
                n += 1
                qwhere = f"{where} quote {i}"
                if set(quote) != QUOTE_KEYS:
                    self.fail(qwhere, f"keys {sorted(set(quote) ^ QUOTE_KEYS)} missing or unexpected")
                    continue
                piece = self.span(qwhere, text, quote["start"], quote["end"])
                if piece is not None:
                    words = piece.split()[:3]
                    if quote["prefix"] != " ".join(words):
                        self.fail(qwhere, "prefix does not match the text at the offsets")
                    if quote["start"] < previous:
                        self.fail(qwhere, "quotes are not in text order")
                    previous = quote["start"]
                if len(str(quote["prefix"]).split()) > 3:
                    self.fail(qwhere, "prefix longer than 3 words (no corpus text in the repository)")
                if quote["kind"] not in KINDS:
                    self.fail(qwhere, f"kind {quote['kind']!r}")
                if quote["verb"] is not None and not (isinstance(quote["verb"], str) and quote["verb"]):
                    self.fail(qwhere, f"verb {quote['verb']!r}")
                for key in ("speaker", "speaker_key", "group"):
                    if not (isinstance(quote[key], str) and quote[key].strip()):
                        self.fail(qwhere, f"{key} {quote[key]!r}")
                if not isinstance(quote["anonymous"], bool):
                    self.fail(qwhere, f"anonymous {quote['anonymous']!r} is not a boolean")
                if (quote["speaker_start"] is None) != (quote["speaker_end"] is None):
                    self.fail(qwhere, "speaker_start and speaker_end must both be null or both be set")
                elif quote["speaker_start"] is not None:
                    self.span(qwhere + " speaker", text, quote["speaker_start"], quote["speaker_end"])
        return n

    def disagreements(self, lines: Iterable[dict[str, Any]]) -> int:
        n = 0
        for lineno, line in enumerate(lines, start=1):
            n += 1
            where = f"disagreements_dev.jsonl:{lineno}"
            kind, why, disagree = line.get("kind"), line.get("why"), line.get("disagree")
            if kind not in FACT_KINDS:
                self.fail(where, f"kind {kind!r}")
            if not isinstance(disagree, bool):
                self.fail(where, f"disagree {disagree!r} is not a boolean")
            elif why not in (WHY_POSITIVE if disagree else WHY_NEGATIVE):
                self.fail(where, f"why {why!r} for disagree={disagree}")
            if not (isinstance(line.get("fact"), str) and line["fact"].strip()):
                self.fail(where, "no fact")
            values = line.get("values", [])
            if len(values) < 2:
                self.fail(where, "fewer than two values")
            ids = line.get("ids", [])
            if sorted(set(ids)) != sorted({v.get("id") for v in values}):
                self.fail(where, "ids do not list exactly the ids of the values")
            for i, value in enumerate(values):
                vwhere = f"{where} value {i}"
                entry = self.article(vwhere, str(value.get("id")))
                if entry is None:
                    continue
                text, _source, day = entry
                self.span(vwhere, text, value.get("start"), value.get("end"))
                if day is not None and value.get("published") != day.isoformat():
                    self.fail(vwhere, f"published {value.get('published')!r} but the archive says {day}")
                self.value(vwhere, kind, value.get("value"))
        return n

    def value(self, where: str, kind: object, value: object) -> None:
        if kind == "date":
            try:
                dt.date.fromisoformat(str(value))
            except ValueError:
                self.fail(where, f"date value {value!r} is not an ISO date")
        elif kind in ("count", "amount"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.fail(where, f"{kind} value {value!r} is not a number")
        elif kind == "place" and not (isinstance(value, str) and value.strip()):
            self.fail(where, f"place value {value!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", nargs="?", default=str(DEFAULT_ARCHIVE),
                        help="the ANT archive (default: ../shared/data/ant-corpus-v2.1.tar.gz next to the repository)")
    parser.add_argument("--quotes", type=Path, default=None,
                        help="check this quotes file alone (default: quotes.jsonl here and ../disagreements_dev.jsonl)")
    args = parser.parse_args(argv)
    logging.getLogger("khulasa").setLevel(logging.ERROR)  # the archive's two empty documents are expected
    archive = Path(args.archive)
    if not archive.is_file():
        print(f"check.py: error: no archive at {archive}; give its path as the first argument", file=sys.stderr)
        return 2
    quotes = read_jsonl(args.quotes or QUOTES)
    disagreements = read_jsonl(DISAGREEMENTS) if args.quotes is None else []
    wanted = {line["id"] for line in quotes if isinstance(line.get("id"), str)}
    wanted |= {str(v.get("id")) for line in disagreements for v in line.get("values", [])}
    checker = Checker(load_texts(archive, wanted))
    n_quotes = checker.quotes(quotes)
    n_sets = checker.disagreements(disagreements)
    for problem in checker.problems:
        print(problem)
    status = "FAILED" if checker.problems else "ok"
    print(f"{status}: {len(quotes)} articles, {n_quotes} quotes, {n_sets} disagreement sets, "
          f"{len(wanted)} ids checked against {archive.name}, {len(checker.problems)} problems")
    return 1 if checker.problems else 0


if __name__ == "__main__":
    sys.exit(main())
