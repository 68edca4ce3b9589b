"""khulasa.ingest.records: the one reader of records (JSON/JSONL files and the HTTP service, strictly)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from khulasa import load
from khulasa.errors import InvalidRecordError
from khulasa.ingest.records import from_record, strict_articles

TEXT = "أعلنت قمة تركية روسية عقدت في إسطنبول عن تفعيل التنسيق العسكري بين أنقرة وموسكو."


def test_a_file_and_the_strict_reader_build_the_same_article(tmp_path: Path) -> None:
    record = {"id": " a1 ", "text": TEXT, "source": " الجزيرة\n نت ", "date": "2016-10-10", "lang": "ar",
              "body": "kept in extra"}
    (tmp_path / "feed.json").write_text(json.dumps([record]), encoding="utf-8")
    [from_file] = load([tmp_path / "feed.json"])
    [strict] = strict_articles([record])
    assert strict.path is None and from_file.path is not None
    assert (strict.id, strict.text, strict.source, strict.date, strict.extra) == \
        (from_file.id, from_file.text, from_file.source, from_file.date, from_file.extra)
    assert (strict.id, strict.source, strict.date) == ("a1", "الجزيرة نت", dt.date(2016, 10, 10))
    assert strict.extra == {"lang": "ar", "body": "kept in extra"}


@pytest.mark.parametrize(
    ("records", "index", "field", "reason"),
    [
        ([{"id": "  ", "text": TEXT}], 0, "id", "empty id"),
        ([{"id": "x", "text": TEXT}, {"id": "x", "text": ""}], 1, "id", "duplicate id"),  # the id is first
        ([{"text": TEXT}, {"id": "article-1", "text": TEXT}], 1, "id", "duplicate id"),  # a default id counts
        ([{"text": "\u200f \n\t"}], 0, "text", "no text once cleaned"),
        ([{"text": TEXT, "date": "yesterday"}], 0, "date", "cannot read 'yesterday' as a date; use YYYY-MM-DD"),
    ],
    ids=["empty-id", "repeated-id", "repeated-default-id", "no-text", "bad-date"],
)
def test_the_strict_reader_refuses_what_a_file_reader_skips(records: list[dict[str, object]], index: int,
                                                            field: str, reason: str) -> None:
    with pytest.raises(InvalidRecordError) as caught:
        strict_articles(records)
    assert (caught.value.index, caught.value.field, caught.value.reason) == (index, field, reason)
    issues: list[str] = []
    lenient = [from_record(r, issues, default_id=f"f-{n}", where=f"item {n}") for n, r in enumerate(records, 1)]
    assert all(a is not None for a in lenient) or issues  # lenient: skipped or dropped, with an issue


def test_the_lenient_reader_reports_an_unreadable_date_before_a_missing_text() -> None:
    issues: list[str] = []
    assert from_record({"id": "a", "text": " ", "date": "x"}, issues, default_id="f-1", where="line 1") is None
    assert issues == ["line 1: unreadable date 'x', ignored", "line 1 'a': no text"]
