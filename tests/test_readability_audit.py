"""The readability audit (benchmarks/readability_audit.py) on a tiny stories JSONL written for it.

``tests/data/readability/stories.jsonl`` holds four story records (the shape ``khulasa stories`` writes)
with one summary sentence or timeline entry per check, a speaker named right before an elided one, and
a story inside the held-out dates, which is counted but never printed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import readability_audit as ra

FIXTURE = Path(__file__).parent / "data" / "readability" / "stories.jsonl"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "putin-erdogan"


@pytest.fixture(scope="module")
def records():
    return list(ra.read_stories(FIXTURE))


def test_audit_counts_every_check_over_sentences_and_entries(records):
    result = ra.audit(records)
    assert (result.stories, result.sentences, result.entries) == (4, 10, 6)
    assert dict(result.sentence_fails) == {
        "dateline": 1,
        "hashtag": 1,  # the named hashtag (وسم #كن_رجلا) is no mark
        "boilerplate": 2,  # the app promotion and the held-out story's read-also line
        "unnamed_speaker": 2,
        "pronoun_opening": 1,
        "speaker_or_pronoun": 3,
        "speaker_unresolved": 2,  # وأضاف right after "وقال وزير الإسكان" is resolved
    }
    assert dict(result.entry_fails) == {"coarse_date": 2, "before_story": 1, "long_entry": 1, "deictic_date": 2}
    assert result.share("dateline") == pytest.approx(0.1)
    assert result.share("coarse_date") == pytest.approx(2 / 6)
    assert dict(result.rules) == {"agency-bracket": 1, "app-promo": 1, "read-also": 1}


def test_table_and_json_report_the_same_counts(records, capsys):
    table = ra.format_table(ra.audit(records))
    assert "| dateline or agency tag | 1 | 10.00 % |" in table
    assert "| dated before the story's first article | 1 | 16.67 % |" in table
    assert ra.main(["--stories", str(FIXTURE), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary_sentences"] == 10
    assert out["sentences"]["hashtag"] == {"count": 1, "share": 0.1}
    assert out["timeline"]["deictic_date"]["count"] == 2
    assert out["stories_seconds"] is None


def test_samples_are_seeded_flagged_and_leave_out_the_held_out_dates(records):
    text = ra.sample_summaries(records, 20, seed=3, window=ra._window(ra.HELD_OUT))
    assert text == ra.sample_summaries(records, 20, seed=3, window=ra._window(ra.HELD_OUT))
    assert text.count("**") == 2 * 3  # three stories: the held-out one is left out
    assert "الفترة المحجوبة" not in text
    assert "⚑ dateline" in text and "⚑ unnamed_speaker" in text and "⚑ pronoun_opening" in text
    examples = ra.flagged_examples(records, 5, seed=3, window=ra._window(ra.HELD_OUT))
    assert "## boilerplate (web furniture, byline, caption): 1 outside the excluded dates" in examples
    assert "خبر آخر" not in examples


@pytest.mark.parametrize(
    ("sentence", "unnamed"),
    [
        ('وأضاف: "الخطة جاهزة".', True),
        ("وأكدت أن المشروع سيبدأ قريبا.", True),
        ("وقال في بيان إن الوزارة ستراجع القرار.", True),
        ("وقال الخميس إن الوزارة ستراجع القرار.", True),
        ("وقالت لوكالة رويترز إن الحادث وقع ليلا.", True),
        ("وقال لـCNN إن الحادث وقع ليلا.", True),
        ("وأشار إلى أن الأسعار سترتفع.", True),
        ("وتابع", True),
        ("وقال الرئيس إن الخطة جاهزة.", False),
        ("وقال لافروف إن الخطة جاهزة.", False),
        ("وقال الخميس وزير الخارجية إن الخطة جاهزة.", False),
        ("وأضاف الرئيس بوتين، قائلا: «نعم».", False),
        ("أعلنت الحكومة خطة جديدة.", False),
    ],
)
def test_the_speaker_rule(sentence, unnamed):
    assert ra.unnamed_speaker(sentence) is unnamed


@pytest.mark.parametrize(
    ("sentence", "pronoun"),
    [
        ("وهو بهذا المعنى مختلف عن كل ما سبق.", True),
        ("وهي ليست المرة الأولى.", True),
        ("هم ضد أي تغيير.", True),
        ("وهناك من يرى غير ذلك.", False),
        ("وهولندا من الدول المؤسسة.", False),
    ],
)
def test_the_pronoun_rule(sentence, pronoun):
    assert ra.pronoun_opening(sentence) is pronoun


def test_timeline_periods_end_at_their_precision():
    story_start = "2018-03-15"
    assert ra.timeline_checks({"date": "2018-03-01", "granularity": "month", "expression": "مارس", "text": "x"},
                              story_start) == {"coarse_date"}
    assert ra.timeline_checks({"date": "2018-02-01", "granularity": "month", "expression": "فبراير", "text": "x"},
                              story_start) == {"coarse_date", "before_story"}
    assert ra.timeline_checks({"date": "2018-03-10", "end_date": "2018-03-20", "granularity": "day",
                               "expression": "من 10 إلى 20 مارس", "text": "x"}, story_start) == set()
    assert ra.timeline_checks({"date": "2018-03-15", "granularity": "day", "expression": "مساء اليوم", "text": "x"},
                              None) == {"deictic_date"}


def test_the_audit_runs_khulasa_stories_itself(tmp_path, capsys):
    keep = tmp_path / "stories.jsonl"
    assert ra.main(["--corpus", str(EXAMPLE), "--workers", "1", "--keep", str(keep), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stories"] == len(keep.read_text(encoding="utf-8").splitlines()) == 1  # two meetings: two events
    assert out["summary_sentences"] > 0 and out["stories_seconds"] > 0


def test_a_story_tree_record_is_audited_on_its_background_and_its_event_lines():
    """With events, ``timeline`` is one line per event and the dated entries are ``background``: the
    dated checks read ``background``, and event lines are counted apart (long ones too).  Before, the
    dated checks read the event lines, which have no dates' precision, and found nothing to flag."""
    coarse = {"date": "2017-01-01", "granularity": "year", "expression": "عام 2017", "text": "نص", "sources": []}
    record = {
        "first_date": "2018-03-01",
        "summary": {"sentences": []},
        "events": [{"event_id": "e1"}, {"event_id": "e2"}],
        "timeline": [{"event_id": "e1", "date": "2018-03-01", "text": "س" * 250, "sources": []},
                     {"event_id": "e2", "date": "2018-03-02", "text": "قصير", "sources": []}],
        "background": [coarse],
    }
    result = ra.audit([record])
    assert (result.entries, result.event_lines, result.long_event_lines) == (1, 2, 1)
    assert dict(result.entry_fails) == {"coarse_date": 1, "before_story": 1}
    assert "event timeline lines (story trees): 2, longer than 200 characters 1 (50.00 %)" in ra.format_table(result)
