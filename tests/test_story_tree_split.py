"""Splitting a large, diffuse event when it closes (``khulasa.stories.trees.split``).

Fixtures written here: reports given as gists (terms and weights) for the split itself, and generated
Arabic reports of one case over three days (a strike on day 1, inspectors' arrival on day 3) fed to the
clusterer with every article forced into one event, as the online models make the giant events of the
dev windows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from types import SimpleNamespace

from khulasa.models import Article
from khulasa.stories.cluster import Member
from khulasa.stories.features import extract, with_effective_dates
from khulasa.stories.signals import EventSignals, extract_signals
from khulasa.stories.trees import EventAssignment, TreeClusterer, TreeOptions, event_id_for
from khulasa.stories.trees.split import MIN_ARTICLES, gist, place_parts, split, split_event

SPLIT = TreeOptions(split_events=True)
DAY = dt.date(2018, 4, 14)
CASE = ("سوري", "دوم", "e:سوريا")
"""Terms every report of the case carries (weigh nothing within the event)."""
STRIKE = ("ضرب", "صاروخ", "قصف", "مواقع", "e:واشنطن", "e:باريس", "e:لندن")
INSPECTORS = ("مفتش", "منظم", "حظر", "كيميائ", "e:لاهاي")
SUMMIT = ("قمه", "ترامب", "بوتين", "هلسنك", "e:فنلندا")


def _report(seq: int, day: int, words: tuple[str, ...], rng: random.Random, pool: tuple[str, ...]) -> tuple[Member, tuple]:
    """A member and its gist: the case's terms, the happening's, two words of ``pool`` (wording)."""
    terms = sorted({*CASE, *words, *rng.sample(pool, 2)})
    return Member(f"r{seq:03d}", seq, DAY + dt.timedelta(days=day), 1.0), (tuple(terms), tuple(1.0 for _ in terms))


def _event(groups: list[tuple[int, int, tuple[str, ...]]], seed: int = 1) -> tuple[list[Member], dict]:
    """Members in clustering order and their gists, from ``(count, day, words)`` groups."""
    rng = random.Random(seed)
    pool = tuple(f"كلم{i}" for i in range(12))
    members, gists, seq = [], {}, 0
    for count, day, words in groups:
        for _ in range(count):
            m, g = _report(seq, day, words, rng, pool)
            members.append(m)
            gists[seq] = g
            seq += 1
    return members, gists


def _idf(term: str) -> float:
    return 1.0 if term in CASE else 3.0


def test_a_distinct_later_happening_splits_off_and_the_main_one_stays_whole():
    members, gists = _event([(18, 0, STRIKE), (6, 2, INSPECTORS)])
    parts = split(members, gists, _idf)
    assert [[m.id for m in p] for p in parts] == [[m.id for m in members[:18]], [m.id for m in members[18:]]]


def test_a_one_happening_event_over_several_days_stays_whole():
    members, gists = _event([(10, 0, SUMMIT), (8, 1, SUMMIT), (6, 2, SUMMIT)])
    assert split(members, gists, _idf) == [members]


def test_a_distinct_group_of_the_first_day_stays_in_the_event():
    """The first day's reports are the event's own happening, however they differ in wording."""
    members, gists = _event([(18, 0, STRIKE), (6, 0, INSPECTORS)])
    assert split(members, gists, _idf) == [members]


def test_the_main_happening_is_the_busiest_day_not_the_first():
    """An event may begin before its main happening (threats before a strike): a distinct group of its
    first day splits off when another day is the busiest."""
    members, gists = _event([(6, 0, INSPECTORS), (5, 0, STRIKE), (14, 1, STRIKE)])
    parts = split(members, gists, _idf)
    assert [[m.id for m in p] for p in parts] == [[m.id for m in members[:6]], [m.id for m in members[6:]]]


def test_a_copy_goes_with_the_report_it_copies_and_small_events_are_never_split():
    members, gists = _event([(18, 0, STRIKE), (6, 2, INSPECTORS)])
    inspector = members[20]
    copy = Member("copy", 99, inspector.date, 0.9, duplicate_of=inspector.id)
    parts = split([*members, copy], gists, _idf)
    assert copy in parts[1] and copy not in parts[0]
    small = members[:10] + members[18:]
    assert len(small) < MIN_ARTICLES
    assert [e.members for e in split_event("e-x", small, gists, _idf, set())] == [tuple(small)]


def test_the_parts_keep_the_events_id_and_are_named_by_their_first_report():
    members, gists = _event([(18, 0, STRIKE), (6, 2, INSPECTORS)])
    used = {"e-main"}
    events = split_event("e-main", members, gists, _idf, used)
    assert [e.event_id for e in events] == ["e-main", event_id_for(members[18].id)]
    assert used == {"e-main", event_id_for(members[18].id)}
    assert split_event("e-main", members, gists, _idf, set()) == events  # the same input, the same parts


def test_the_parts_take_their_places_in_the_storys_time_order():
    """A part that began after the story's next event goes after it: a story's events stay in time order."""
    members, _ = _event([(3, 0, STRIKE), (2, 1, STRIKE), (2, 2, STRIKE)])
    first, later = EventAssignment("e-a", tuple(members[:3])), EventAssignment("e-c", tuple(members[5:]))
    between = EventAssignment("e-b", tuple(members[3:5]))
    entries: list[EventAssignment | int] = [0, between]
    place_parts(entries, 0, [first, later], {})
    assert entries == [first, between, later]
    entries = [0, 7]  # the next event still open (by number)
    place_parts(entries, 0, [first, later], {7: SimpleNamespace(members=members[3:5])})  # type: ignore[dict-item]
    assert entries == [first, 7, later]
    entries = [0, 7]
    place_parts(entries, 0, [first, between], {7: SimpleNamespace(members=members[5:])})  # type: ignore[dict-item]
    assert entries == [first, between, 7]


def test_the_gist_is_the_lead_title_and_entities():
    s = EventSignals(("قمه",), ("فنلندا",), ("12",), ("بوتين", "قمه"), (1.0, 2.0))
    assert gist(s) == (("e:فنلندا", "بوتين", "قمه"), (1.0, 1.0, 2.0))


# --- in the clusterer -------------------------------------------------------------------------------

STRIKE_TEXT = (
    "شنت الولايات المتحدة وبريطانيا وفرنسا ضربات صاروخية على مواقع عسكرية سورية فجر اليوم",
    "أعلن البنتاغون أن صواريخ توماهوك أصابت مركز البحوث العلمية في برزة قرب دمشق",
    "قالت وزارة الدفاع البريطانية إن طائرات تورنادو قصفت منشأة تخزين قرب حمص",
    "أكد الرئيس الفرنسي أن الضربات استهدفت قدرات النظام السوري على إنتاج الأسلحة",
    "ذكرت وسائل إعلام رسمية أن الدفاعات الجوية السورية تصدت لعدد من الصواريخ",
    "قال رئيس هيئة الأركان الأمريكية إن الضربة كانت محددة ومدروسة ولم تستهدف القوات الروسية",
)
INSPECTOR_TEXT = (
    "وصل مفتشو منظمة حظر الأسلحة الكيميائية إلى مدينة دوما لبدء التحقيق في الهجوم",
    "قالت منظمة حظر الأسلحة الكيميائية في لاهاي إن فريقها ينتظر إذن الدخول إلى الموقع",
    "اتهمت بريطانيا روسيا بعرقلة عمل المفتشين الدوليين في دوما وإخفاء الأدلة",
    "أكد مدير المنظمة أن المفتشين سيجمعون العينات من الموقع خلال أيام",
)


def _articles() -> list[Article]:
    """22 reports of a strike on day 1, then 6 of the inspectors on day 3 that recall the strike
    (sentences drawn at random)."""
    rng = random.Random(7)
    out = []
    for i in range(22):
        lead = [STRIKE_TEXT[0], *rng.sample(STRIKE_TEXT[1:], 2)]
        out.append(Article(f"strike-{i:02d}", ". ".join(lead) + ".", f"outlet{i % 4}", lead[0], DAY))
    for i in range(6):
        lead = [*rng.sample(INSPECTOR_TEXT, 2), STRIKE_TEXT[0]]  # the strike as background
        out.append(Article(f"inspectors-{i}", ". ".join(lead) + ".", f"outlet{i % 4}", lead[0],
                           DAY + dt.timedelta(days=2)))
    return out


def _one_event(kind, article_id, candidates):
    """Every report joins the open event (the online giant): the split alone separates them."""
    return max(candidates, key=lambda c: -c.number, default=None) if kind in ("event", "inside", "story") else None


def _run(pairs, clusterer: TreeClusterer) -> list:
    trees = [t for f, s in pairs for t in clusterer.add(f, s)]
    return trees + clusterer.finish()


def _pairs() -> list[tuple]:
    pairs = [(extract(a, seq, d), extract_signals(a)) for seq, a, d in with_effective_dates(_articles())]
    return sorted(pairs, key=lambda p: p[0].order_key)


def test_the_clusterer_splits_the_giant_when_it_closes_and_reports_the_parts_as_closed():
    pairs = _pairs()
    trees = _run(pairs, TreeClusterer(SPLIT, decide=_one_event))
    assert len(trees) == 1
    events = [{m.id for m in e.members} for e in trees[0].events]
    assert events == [{f"strike-{i:02d}" for i in range(22)}, {f"inspectors-{i}" for i in range(6)}]
    assert [e.event_id for e in trees[0].events] == [event_id_for("strike-00"), event_id_for("inspectors-0")]
    whole = _run(pairs, TreeClusterer(TreeOptions(split_events=False), decide=_one_event))
    assert [len(e.members) for e in whole[0].events] == [28]
    # an event closed while its story stays open is reported in its parts
    clusterer = TreeClusterer(SPLIT, decide=_one_event)
    for f, s in pairs:
        clusterer.add(f, s)
    f, s = pairs[-1]
    clusterer.add(dataclasses.replace(f, id="later", seq=999, date=DAY + dt.timedelta(days=9)), s)
    assert [e.event_id for e in clusterer.closed_events()] == [event_id_for("strike-00"), event_id_for("inspectors-0")]


def test_a_run_cut_in_two_and_continued_still_equals_one_run_with_the_split():
    pairs = _pairs()
    one = _run(pairs, TreeClusterer(SPLIT, decide=_one_event))
    cut = 20
    first = TreeClusterer(SPLIT, decide=_one_event)
    closed = [t for f, s in pairs[:cut] for t in first.add(f, s)]
    state = json.loads(json.dumps(first.state()))
    assert state["gists"]  # the open event's reports, for its split when it closes
    second = TreeClusterer.from_state(state, decide=_one_event)
    assert closed + _run(pairs[cut:], second) == one
