"""Who said what and the outlet comparison in story records (``khulasa stories --quotes --compare``):
the story's quotes, speakers and comparison are the summary's own (same function, same JSON), each event
takes its part by article, records without the options are unchanged, every engine writes the same
bytes, and the records follow the schema.

Fixtures: ``examples/putin-erdogan`` (one story, two events: Istanbul 2016 and Moscow 2017), the
story-trees fixture ``tests/data/story_trees/four_days.jsonl``, and a constructed story of three outlets
whose death toll rose during the day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import EXAMPLE_DIR
from test_story_tree_engines import run

import khulasa
from khulasa.models import Article
from khulasa.options import SummaryOptions
from khulasa.render.json import to_dict
from khulasa.stories import StoryOptions, build_stories
from khulasa.stories.cluster import Assignment, Member, StoryEvent
from khulasa.stories.story import VOICES, make_story

FOUR_DAYS = Path(__file__).parent / "data" / "story_trees" / "four_days.jsonl"
VOICED = StoryOptions(clusterer="trees", quotes=True, compare=True)
PLAIN = StoryOptions(clusterer="trees")
TOLL = [
    ("g1", "الف", "2018-05-14", "وقتل 25 فلسطينيا برصاص الجيش الإسرائيلي على حدود غزة. وقال المتحدث باسم وزارة "
     "الصحة أشرف القدرة إن المستشفيات تعاني نقصا حادا في الأدوية."),
    ("g2", "باء", "2018-05-14", "أدت المواجهات على حدود غزة إلى مقتل 40 فلسطينيا برصاص الجيش الإسرائيلي. "
     "وقال أشرف القدرة: «المستشفيات تعاني نقصا حادا في الأدوية». وأعلن الجيش أنه رد على محاولات اجتياز السياج."),
    ("g3", "جيم", "2018-05-15", "وقتل 58 فلسطينيا برصاص الجيش الإسرائيلي على حدود غزة في يومين "
     "من المواجهات. وقال المتحدث أشرف القدرة إن الجرحى تجاوزوا ألفي جريح."),
]


def toll_story(options: StoryOptions = VOICED) -> dict:
    """The constructed story as two events: the first report (g1) and the later ones (g2, g3)."""
    articles = [Article(id=i, text=t, source=s, date=dt.date.fromisoformat(d)) for i, s, d, t in TOLL]
    members = tuple(Member(a.id, n, a.date, 1.0) for n, a in enumerate(articles))
    events = (StoryEvent("e-0000000000000001", (0,)), StoryEvent("e-0000000000000002", (1, 2)))
    return make_story(Assignment("s-0000000000000001", 0, members, events), articles, options).to_dict()


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> list[str]:
    return run(tmp_path_factory.mktemp("voiced"), VOICED, str(FOUR_DAYS), str(EXAMPLE_DIR))


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> list[str]:
    return run(tmp_path_factory.mktemp("plain"), PLAIN, str(FOUR_DAYS), str(EXAMPLE_DIR))


def example(lines_: list[str]) -> dict:
    return next(r for r in map(json.loads, lines_) if any(a["id"].startswith("000_") for a in r["articles"]))


def without_voices(record: dict) -> dict:
    """The record as it would be without --quotes --compare: their keys and option values taken out."""
    out = {k: v for k, v in record.items() if k not in VOICES}
    out["summary"] = {**record["summary"],
                      "options": {k: v for k, v in record["summary"]["options"].items() if k not in ("quotes", "compare")}}
    if "events" in record:
        out["events"] = [{k: v for k, v in e.items() if k not in VOICES} for e in record["events"]]
    return out


# --- the options ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["quotes", "compare"])
def test_the_switches_are_validated_once_at_construction(name):
    with pytest.raises(khulasa.InvalidOptionsError):
        StoryOptions(**{name: "yes"})
    assert getattr(StoryOptions(**{name: True}).summary_options(), name) is True


def test_the_cli_flags_reach_the_options():
    import argparse

    from khulasa.cli import stories as cli

    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["stories", "x", "--quotes", "--compare", "--clusterer", "trees"])
    options = cli.story_options(args)
    assert (options.quotes, options.compare) == (True, True)
    plain_args = parser.parse_args(["stories", "x"])
    assert (cli.story_options(plain_args).quotes, cli.story_options(plain_args).compare) == (False, False)


# --- records ---------------------------------------------------------------------------------------------


def test_without_the_options_records_are_unchanged_and_the_options_only_add(records, plain):
    assert all(not set(VOICES) & set(json.loads(x)) for x in plain)
    assert all(not set(VOICES) & set(e) for x in plain for e in json.loads(x).get("events", []))
    assert all('"quotes"' not in x and '"compare"' not in x for x in plain)
    assert [without_voices(json.loads(x)) for x in records] == [json.loads(x) for x in plain]


def test_the_story_quotes_and_comparison_are_the_summarys_own(records):
    """The same articles and options through ``khulasa.summarize`` give the record's values, byte for byte."""
    record = example(records)
    articles = [a for a in khulasa.load([str(EXAMPLE_DIR)])]
    options = SummaryOptions.from_mapping(record["summary"]["options"])
    doc = to_dict(khulasa.summarize(articles, options=options))
    assert {k: record[k] for k in VOICES} == {k: doc[k] for k in VOICES}
    assert [s["name"] for s in record["speakers"][:2]] == ["فلاديمير بوتين", "رجب طيب أردوغان"]
    assert record["comparison"]["exclusive"]  # five outlets: what only one of them carries


def test_each_event_takes_the_story_quotes_of_its_articles(records):
    for record in map(json.loads, records):
        story_quotes = {q["id"]: q for q in record["quotes"]}
        seen = set()
        for event in record.get("events", []):
            mine = set(event["articles"])
            for q in event["quotes"]:
                whole = story_quotes[q["id"]]
                assert q["sources"] == [s for s in whole["sources"] if s["article_id"] in mine]
                assert (q["speaker"], q["speaker_id"]) == (whole["speaker"], whole["speaker_id"])
                seen.add(q["id"])
            expected = [q["id"] for q in record["quotes"] if any(s["article_id"] in mine for s in q["sources"])]
            assert [q["id"] for q in event["quotes"]] == expected
            counts = {}
            for q in event["quotes"]:
                if q["speaker_id"] is not None:
                    counts[q["speaker_id"]] = counts.get(q["speaker_id"], 0) + 1
            assert {s["id"]: s["n_quotes"] for s in event["speakers"]} == counts
            assert [s["n_quotes"] for s in event["speakers"]] == sorted(counts.values(), reverse=True)
            assert [r["text"] for r in event["comparison"]["coverage"]] == [s["text"] for s in event["summary"]["sentences"]]
        assert seen <= set(story_quotes)


def test_an_event_quote_shows_its_first_report_in_the_event():
    record = toll_story()
    first, second = record["events"]
    text = {i: t for i, _, _, t in TOLL}
    (hospitals,) = [q for q in record["quotes"] if "المستشفيات" in q["text"]]
    assert [s["article_id"] for s in hospitals["sources"]] == ["g1", "g2"]  # one statement, two outlets
    (mine,) = [q for q in second["quotes"] if q["id"] == hospitals["id"]]
    (src,) = mine["sources"]
    assert src["article_id"] == "g2" and mine["text"] == text["g2"][src["start"]:src["end"]]
    assert mine["kind"] == "direct" and hospitals["kind"] == "indirect"  # g2 quotes it, g1 reports it
    assert [q["id"] for q in first["quotes"]] == [hospitals["id"]]
    assert {q["speaker"] for q in second["quotes"]} == {"أشرف القدرة", "الجيش"}


def test_a_rising_toll_is_a_disagreement_of_the_story_and_of_both_its_events():
    record = toll_story()
    (toll,) = [d for d in record["comparison"]["disagreements"] if d["kind"] == "count" and "58" in
               [r["text"] for r in d["readings"]]]
    assert [r["text"] for r in toll["readings"]][:3] == ["25", "40", "58"]
    for event in record["events"]:
        assert toll in event["comparison"]["disagreements"]  # whole: the figures before and after stay
    assert [e["comparison"]["outlets"] for e in record["events"]] == [["الف"], ["باء", "جيم"]]


def test_a_one_article_story_gets_quotes_from_its_lead_summary():
    options = StoryOptions(clusterer="flat", quotes=True, compare=True)
    (story,) = build_stories([Article(id=i, text=t, source=s) for i, s, _, t in TOLL[:1]], options)
    record = story.to_dict()
    assert record["summary"]["options"]["quotes"] is True
    assert record["speakers"][0]["name"] == "أشرف القدرة"
    assert record["comparison"]["exclusive"] == [] and record["comparison"]["outlets"] == ["الف"]


def test_a_story_without_arabic_text_still_has_the_keys():
    options = StoryOptions(quotes=True, compare=True)
    (story,) = build_stories([Article(id="x", text="only latin letters here", source="o")], options)
    record = story.to_dict()
    assert record["quotes"] == [] and record["speakers"] == [] and record["comparison"]["coverage"] == []


def test_a_figure_with_a_thousands_comma_and_a_decimal_point_does_not_stop_the_run():
    texts = ["بلغت الصادرات النفطية 1,867.5 مليون دولار في العام الماضي بحسب الوزارة.",
             "بلغت الصادرات النفطية 1,900 مليون دولار في العام الماضي بحسب الوزارة."]
    articles = [Article(id=f"n{i}", text=t, source=f"o{i}") for i, t in enumerate(texts)]
    members = tuple(Member(a.id, n, None, 1.0) for n, a in enumerate(articles))
    record = make_story(Assignment("s-0000000000000002", 0, members), articles,
                        StoryOptions(compare=True)).to_dict()
    assert record["comparison"]["disagreements"]


def test_records_with_quotes_and_comparison_follow_the_schema(records):
    from test_story_tree_engines import validator

    check = validator()
    for record in [*map(json.loads, records), toll_story()]:
        check.validate(record)


# --- engines -------------------------------------------------------------------------------------------


def test_two_workers_the_stream_and_memory_give_the_same_records(tmp_path, records):
    from test_story_tree_engines import assert_engines_agree

    assert_engines_agree(tmp_path, VOICED, records)


def test_the_update_summary_extracts_no_quotes(monkeypatch):
    """Events and update summaries reuse the story's extraction: ``extract_quotes`` runs once per story."""
    from khulasa import quotes

    calls = []
    real = quotes.extract_quotes
    monkeypatch.setattr(quotes, "extract_quotes", lambda *a, **k: calls.append(1) or real(*a, **k))
    record = toll_story(dataclasses.replace(VOICED, since="2018-05-15"))
    assert record["update_summary"] is not None and "quotes" not in record["update_summary"]
    assert len(calls) == 1


def test_http_stories_take_the_options_and_answer_the_engine_records():
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from khulasa.serve.app import create_app
    from khulasa.serve.settings import ServeSettings

    client = TestClient(create_app(ServeSettings()))
    articles = [{"id": i, "text": t, "source": s, "date": d} for i, s, d, t in TOLL]
    response = client.post("/v1/stories", json={"articles": articles, "options": VOICED.to_dict()})
    assert response.status_code == 200, response.text
    memory = build_stories([Article(id=i, text=t, source=s, date=dt.date.fromisoformat(d)) for i, s, d, t in TOLL],
                           VOICED)
    assert response.json() == [s.to_dict() for s in memory]
    assert all("speakers" in r and "comparison" in r for r in response.json())
    bad = client.post("/v1/stories", json={"articles": articles, "options": {"quotes": "yes"}})
    assert bad.status_code == 422 and "quotes" in bad.text
