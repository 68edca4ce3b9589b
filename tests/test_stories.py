"""Stories: options, duplicate folding, time-aware clustering, the per-story record."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import EXAMPLE_DIR, article
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import khulasa
from khulasa.errors import InvalidOptionsError
from khulasa.stories import StoryOptions, build_stories
from khulasa.stories.cluster import (
    CENTROID_TERMS,
    DocumentFrequencies,
    StoryClusterer,
    cluster_all,
    story_id_for,
)
from khulasa.stories.features import NUM_PERM, extract, minhash_signature, with_effective_dates
from khulasa.stories.story import lead_summary

DATA = Path(__file__).parent / "data" / "stories"


def load_stream() -> list[khulasa.Article]:
    return khulasa.load([str(DATA / "stream.jsonl")])


def truth() -> dict[str, str]:
    return json.loads((DATA / "truth.json").read_text(encoding="utf-8"))


def groups(stories) -> set[frozenset[str]]:
    return {frozenset(a.id for a in s.articles) for s in stories}


def true_groups(ids) -> set[frozenset[str]]:
    labels = truth()
    by_label: dict[str, set[str]] = {}
    for i in ids:
        by_label.setdefault(labels[i], set()).add(i)
    return {frozenset(g) for g in by_label.values()}


FLAT = StoryOptions(clusterer="flat")
"""The one-level clusterer (``--clusterer flat``): the tests of its own mechanisms (time window, max_size,
centroids) name it; the default is the story trees (tests/test_story_trees.py)."""


def assignments(articles, options=None):
    """The flat clusterer's assignments (``options`` must name it: the trees need event signals)."""
    options = options or FLAT
    feats = [extract(a, seq, d) for seq, a, d in with_effective_dates(articles)]
    frequencies = DocumentFrequencies()
    for f in feats:
        frequencies.add(f.terms)
    return list(cluster_all(feats, options, frequencies))


@pytest.fixture(scope="module")
def stream_stories():
    return build_stories(load_stream())


@pytest.fixture(scope="module")
def flat_stream_stories():
    return build_stories(load_stream(), FLAT)


# --- options ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value",
    [("window_days", -1), ("threshold", 0.0), ("threshold", 1.5), ("duplicate_threshold", True),
     ("min_size", 0), ("max_size", 0), ("words", 0), ("singletons", "none"), ("timeline", "yes")],
)
def test_invalid_story_option_names_the_field(field, value):
    with pytest.raises(InvalidOptionsError) as err:
        StoryOptions(**{field: value})
    assert err.value.field == field


def test_max_size_below_min_size_is_refused():
    with pytest.raises(InvalidOptionsError, match="min_size"):
        StoryOptions(min_size=5, max_size=2)


def test_unknown_story_option_lists_the_valid_ones():
    with pytest.raises(InvalidOptionsError, match="window_days"):
        StoryOptions.from_mapping({"window": 3})


def test_story_options_round_trip_through_a_mapping():
    options = StoryOptions(window_days=5, threshold=0.4, singletons="full")
    assert StoryOptions.from_mapping(options.to_dict()) == options


# --- clustering ------------------------------------------------------------------------------------


def test_example_cluster_with_dates_gives_one_story_of_two_meetings_each_with_its_own_summary():
    (story,) = build_stories(khulasa.load([str(EXAMPLE_DIR)]))
    assert [{a.id for a in e.articles} for e in story.events] == [
        {"000_2233f3e5f8537144", "001_fcede7f96388c4fa", "003_4f8fa452f22a0a4f"},
        {"002_595e9640f37d9b41", "004_cc10def44ff410f9"},
    ]
    assert [(e.first_date, e.last_date) for e in story.events] == [
        (dt.date(2016, 10, 10), dt.date(2016, 10, 10)), (dt.date(2017, 3, 10), dt.date(2017, 3, 10))]
    istanbul, moscow = ({s.article_id for s in e.summary.sentences} for e in story.events)
    assert istanbul and moscow
    assert istanbul <= {a.id for a in story.events[0].articles}
    assert moscow <= {a.id for a in story.events[1].articles}


def test_flat_example_cluster_with_dates_gives_two_stories():
    stories = build_stories(khulasa.load([str(EXAMPLE_DIR)]), FLAT)
    assert groups(stories) == {
        frozenset({"000_2233f3e5f8537144", "001_fcede7f96388c4fa", "003_4f8fa452f22a0a4f"}),
        frozenset({"002_595e9640f37d9b41", "004_cc10def44ff410f9"}),
    }


def test_example_stories_carry_the_dates_of_both_meetings_in_their_timelines():
    stories = build_stories(khulasa.load([str(EXAMPLE_DIR)]))
    dates = {e.date.isoformat() for s in stories for e in s.timeline}
    assert {"2015-11-24", "2016-06-27", "2016-08-09", "2016-10-10", "2017-03-10"} <= dates
    assert any(e.date <= dt.date(2016, 10, 10) <= (e.end_date or e.date) for s in stories for e in s.timeline)


def test_fixture_stream_is_split_into_its_labelled_happenings_as_events(stream_stories):
    assert {frozenset(a.id for a in e.articles) for s in stream_stories for e in s.events} == true_groups(truth())


def test_flat_fixture_stream_is_split_into_its_labelled_stories(flat_stream_stories):
    assert groups(flat_stream_stories) == true_groups(truth())


def test_same_actors_months_apart_are_two_events_of_one_story(stream_stories):
    (opec,) = [s for s in stream_stories if any(a.id.startswith("opec") for a in s.articles)]
    assert [e.first_date.month for e in opec.events] == [3, 6]


def test_flat_same_actors_months_apart_are_different_stories(flat_stream_stories):
    opec = [s for s in flat_stream_stories if any(a.id.startswith("opec") for a in s.articles)]
    assert len(opec) == 2
    assert {s.first_date.month for s in opec} == {3, 6}


def test_undated_articles_still_cluster_on_content():
    undated = [dataclasses.replace(a, date=None) for a in load_stream()]
    found = {frozenset(m.id for m in a.members) for a in assignments(undated)}
    # without dates the two OPEC meetings may merge; every other story must be found as labelled
    expected = {g for g in true_groups(truth()) if not any(i.startswith("opec") for i in g)}
    assert expected <= found


def test_syndicated_copy_joins_the_story_of_its_original_marked_as_a_copy(stream_stories):
    quake = next(s for s in stream_stories if any(a.id == "quake-1" for a in s.articles))
    copy = next(a for a in quake.articles if a.id == "quake-1-copy")
    assert copy.duplicate_of == "quake-1"
    assert copy.similarity >= StoryOptions().duplicate_threshold
    assert quake.n_duplicates == 1
    assert {a.id for a in quake.articles} >= {"quake-1", "quake-1-copy"}


def test_a_copy_does_not_move_the_story_centroid():
    feats = [extract(a, seq, d) for seq, a, d in with_effective_dates(load_stream())]
    frequencies = DocumentFrequencies()  # the same IDF for both runs
    for f in feats:
        frequencies.add(f.terms)
    with_copy = list(cluster_all(feats, FLAT, frequencies))
    without = list(cluster_all([f for f in feats if f.id != "quake-1-copy"], FLAT, frequencies))
    sims = {m.id: m.similarity for a in with_copy for m in a.members}
    assert all(sims[m.id] == m.similarity for a in without for m in a.members)


def test_article_published_after_the_window_starts_a_new_story():
    text = "قررت منظمة أوبك في فيينا زيادة إنتاج النفط وارتفعت أسعار خام برنت بعد القرار."
    arts = [article(text, "a", source="x", date="2018-03-01"), article(text + " تحديث", "b", source="y", date="2018-03-09")]
    assert len(assignments(arts, StoryOptions(clusterer="flat", window_days=3, duplicate_threshold=1.0))) == 2
    assert len(assignments(arts, StoryOptions(clusterer="flat", window_days=10, duplicate_threshold=1.0))) == 1


def test_a_story_closes_at_max_size():
    arts = load_stream()
    sizes = [len(a.members) for a in assignments(arts, StoryOptions(clusterer="flat", max_size=2))]
    assert max(sizes) == 2


def test_min_size_leaves_out_small_stories():
    stories = build_stories(load_stream(), StoryOptions(min_size=3, timeline=False, key_terms=False))
    assert stories and all(len(s.articles) >= 3 for s in stories)


def test_story_id_is_a_hash_of_the_first_article_id(stream_stories):
    for s in stream_stories:
        assert s.story_id == story_id_for(s.articles[0].id)


def test_clustering_does_not_depend_on_input_order():
    stream = load_stream()
    forward = assignments(stream)
    backward = assignments(list(reversed(stream)))
    assert [(a.story_id, [m.id for m in a.members]) for a in forward] == [
        (a.story_id, [m.id for m in a.members]) for a in backward
    ]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.permutations(list(range(15))))
def test_any_input_order_gives_the_same_stories(order):
    stream = load_stream()
    shuffled = [stream[i] for i in order]
    assert {frozenset(m.id for m in a.members) for a in assignments(shuffled)} == groups_of_stream()


def groups_of_stream() -> set[frozenset[str]]:
    return true_groups(truth())


def test_every_article_is_in_exactly_one_story():
    stream = load_stream()
    ids = [m.id for a in assignments(stream) for m in a.members]
    assert sorted(ids) == sorted(a.id for a in stream)


def test_closed_stories_leave_the_index_and_centroids_stay_compact():
    stream = load_stream()
    feats = [extract(a, seq, d) for seq, a, d in with_effective_dates(stream)]
    frequencies = DocumentFrequencies()
    for f in feats:
        frequencies.add(f.terms)
    clusterer = StoryClusterer(FLAT, frequencies)
    for f in sorted(feats, key=lambda f: f.order_key):
        clusterer.add(f)
        assert all(len(s.centroid) <= CENTROID_TERMS for s in clusterer._open.values())
    # the June articles closed every March story (window of 3 days)
    assert clusterer.n_open <= 3
    clusterer.finish()
    assert clusterer.n_open == 0 and not clusterer._index


def test_minhash_signature_is_pinned_and_deterministic():
    signature = minhash_signature(["رييس", "روسي", "بوتين", "زيار"])
    assert len(signature) == 4 * NUM_PERM
    assert signature == minhash_signature(["رييس", "روسي", "بوتين", "زيار"])
    assert signature != minhash_signature(["رييس", "روسي", "بوتين", "انقره"])


def test_undated_article_takes_the_date_of_the_article_before_it():
    arts = [article("نص", "a", date="2018-03-01"), article("نص", "b"), article("نص", "c", date="2018-03-05")]
    assert [d for _, _, d in with_effective_dates(arts)] == [
        dt.date(2018, 3, 1), dt.date(2018, 3, 1), dt.date(2018, 3, 5)
    ]
    f = extract(arts[1], 1, dt.date(2018, 3, 1))
    assert f.date == dt.date(2018, 3, 1) and not f.dated


# --- stories and records ---------------------------------------------------------------------------


def test_no_articles_give_no_stories():
    assert build_stories([]) == []


def test_article_without_arabic_text_is_a_story_with_an_empty_summary():
    stories = build_stories([article("Only English text here.", "en", date="2018-01-01")])
    assert len(stories) == 1
    assert stories[0].summary.sentences == ()
    assert stories[0].to_dict()["summary"]["sentences"] == []


def test_story_record_has_the_documented_fields(stream_stories):
    record = stream_stories[0].to_dict()
    assert set(record) >= {
        "story_id", "title", "first_date", "last_date", "n_articles", "n_duplicates", "outlets",
        "articles", "summary", "timeline", "actors",
    }
    assert record["timeline"] and record["actors"]
    assert "timeline" not in record["summary"] and "key_terms" not in record["summary"]
    assert record["summary"]["sentences"]
    assert all(set(a) >= {"id", "source", "date", "duplicate_of"} for a in record["articles"])
    json.dumps(record, allow_nan=False)


def test_record_leaves_out_article_texts_unless_asked(stream_stories):
    story = stream_stories[0]
    assert all("text" not in a for a in story.to_dict()["summary"]["articles"])
    assert all(a["text"] for a in story.to_dict(include_text=True)["summary"]["articles"])


def test_every_summary_sentence_is_attributed_to_articles_of_its_story(stream_stories):
    for story in stream_stories:
        ids = {a.id for a in story.articles}
        for s in story.summary.sentences:
            assert s.sources and {sp.article_id for sp in s.sources} <= ids


def test_story_lists_outlets_by_number_of_articles(stream_stories):
    quake = next(s for s in stream_stories if any(a.id == "quake-1" for a in s.articles))
    assert set(quake.outlets) == {"وكالة الشرق", "صحيفة النهار", "إذاعة المتوسط", "موقع الخليج"}


def test_singleton_lead_summary_is_the_first_sentences_within_the_budget():
    lone = next(a for a in load_stream() if a.id == "lone-1")
    summary = lead_summary(lone, StoryOptions(words=30).summary_options())
    assert summary.n_words <= 30
    assert summary.sentences[0].text == lone.text.split("\n")[0]
    for s in summary.sentences:
        src = s.sources[0]
        assert lone.text[src.start : src.end] == s.text


def test_singletons_can_use_the_full_summarizer():
    lone = [a for a in load_stream() if a.id == "lone-1"]
    stories = build_stories(lone, StoryOptions(singletons="full", words=30))
    assert stories[0].summary.sentences and stories[0].summary.n_words <= 30


def test_story_summary_respects_the_word_budget():
    """With events, a story's budget grows by ``words / 4`` per event after the first (``story_words``);
    each event's summary keeps ``event_words``."""
    from khulasa.stories.story import story_words

    options = StoryOptions(words=40, event_words=20, timeline=False, key_terms=False)
    stories = build_stories(load_stream(), options)
    assert any(len(s.events) > 1 for s in stories)
    assert all(s.summary.n_words <= story_words(options, len(s.events)) for s in stories)
    assert all(e.summary.n_words <= 20 for s in stories for e in s.events)


def test_flat_story_summary_respects_the_word_budget():
    stories = build_stories(load_stream(), StoryOptions(clusterer="flat", words=40, timeline=False, key_terms=False))
    assert all(s.summary.n_words <= 40 for s in stories)


def test_stories_are_the_same_on_every_run():
    first = [s.to_dict() for s in build_stories(khulasa.load([str(EXAMPLE_DIR)]))]
    second = [s.to_dict() for s in build_stories(khulasa.load([str(EXAMPLE_DIR)]))]
    assert json.dumps(first, ensure_ascii=False) == json.dumps(second, ensure_ascii=False)


def test_a_large_story_is_summarized_from_its_most_central_articles_and_their_copies():
    from khulasa.stories.cluster import Assignment, Member
    from khulasa.stories.story import summary_members

    members = (
        Member("a", 0, None, 1.0),
        Member("b", 1, None, 0.3),
        Member("a2", 2, None, 0.9, duplicate_of="a"),
        Member("c", 3, None, 0.8),
        Member("d", 4, None, 0.5),
        Member("c2", 5, None, 0.95, duplicate_of="c"),
    )
    assert summary_members(Assignment("s", 0, members), limit=2) == [0, 2, 3, 5]
    assert summary_members(Assignment("s", 0, members), limit=10) == [0, 1, 2, 3, 4, 5]
