"""Timelines a reader can trust (issue 14 item 4): the old timeline code and the new, in one run.

Runs ``extract_timeline`` of ``khulasa/timeline.py`` at ``--baseline`` (default ``main``) and of the
working tree on the pipeline's units (``khulasa.pipeline.analyze``) of every labelled event cluster of
the ANT dev windows (``benchmarks/data/stories_dev``; news items, events of at least ``--min-articles``
articles, big ones cut to their first 20; none near the held-out 2018-06-10..20), and reports per
version:

* entries per cluster, and how many have more than one source (merged across articles);
* entries dated before the cluster's first article (the end of the date's period before its first
  publication date, as ``readability_audit.py`` counts it), and among the new code's entries how many it
  marks ``background`` and how many of its story entries (not background) are dated before (a day at
  most ``BACKGROUND_MARGIN_DAYS`` before the first article belongs to the story) and of those the day
  before;
* entries longer than 200 characters and the median length;
* entries dated by a bare deictic word (``اليوم``, ``أمس``, as ``readability_audit.py`` counts them);
* that every new entry's text is ``article.text[start:end]`` of its first source;
* CPU per cluster (``time.process_time``, best of ``--repeat`` passes).

    python benchmarks/timeline_quality.py [--baseline main] [--min-articles 2] [--show N] [--json]
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path

from devsets import CORPUS, dev_events, load_articles, module_at

from khulasa import timeline
from khulasa.pipeline import analyze

LONG = 200
_DEICTIC = re.compile(
    r"^(?:(?:صباح|مساء|ظهر|ليلة|فجر|عصر)\s+)?(?:اليوم|أمس|الأمس|امس|غدا|غداً|الليلة|البارحة|الآن)$"
)


def _period_end(e) -> dt.date:
    if e.end_date:
        return e.end_date
    if e.granularity == "year":
        return e.date.replace(month=12, day=31)
    if e.granularity == "month":
        return e.date.replace(day=calendar.monthrange(e.date.year, e.date.month)[1])
    return e.date


def measure(events, first_dates, articles, new: bool) -> dict:
    entries = [e for cluster, es in events.items() for e in es]
    before = [e for cluster, es in events.items() for e in es if _period_end(e) < first_dates[cluster]]
    out = {
        "clusters": len(events),
        "entries": len(entries),
        "entries_per_cluster": len(entries) / len(events),
        "multi_source": sum(len({s.article_id for s in e.sources}) > 1 for e in entries) / len(entries),
        "before_story": len(before) / len(entries),
        "long": sum(len(e.text) > LONG for e in entries) / len(entries),
        "median_chars": statistics.median(len(e.text) for e in entries),
        "deictic": sum(bool(_DEICTIC.match(e.expression.strip())) for e in entries) / len(entries),
        "coarse": sum(e.granularity != "day" for e in entries) / len(entries),
    }
    if new:
        story = [e for e in entries if not e.background]
        out["background"] = 1 - len(story) / len(entries)
        days_before = [
            (first_dates[c] - _period_end(e)).days for c, es in events.items() for e in es if not e.background
        ]
        out["story_entries_before_story"] = sum(d > 0 for d in days_before) / max(1, len(story))
        out["story_entries_day_before"] = sum(d == 1 for d in days_before) / max(1, len(story))
        out["offsets_exact"] = all(
            articles[e.sources[0].article_id].text[e.sources[0].start : e.sources[0].end] == e.text
            or any(articles[s.article_id].text[s.start : s.end] == e.text for s in e.sources)
            for e in entries
        )
    return out


def run(extract, analyses, repeat):
    best = float("inf")
    result = {}
    for _ in range(repeat):
        start = time.process_time()
        for cluster, a in analyses.items():
            result[cluster] = extract(a.articles, a.units)
        best = min(best, time.process_time() - start)
    return result, best / len(analyses)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default="main")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--min-articles", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--show", type=int, default=0, help="print the old and new timelines of N random clusters"
    )
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    clusters = dev_events(args.min_articles)
    articles = load_articles([i for ids in clusters.values() for i in ids], args.corpus)
    analyses = {c: analyze([articles[i] for i in ids if i in articles]) for c, ids in clusters.items()}
    first_dates = {c: min(a.date for a in analyses[c].articles if a.date) for c in clusters}
    old = module_at(args.baseline, "khulasa/timeline.py", "khulasa_baseline_timeline")
    results = {}
    timelines = {}
    for name, extract, new in (
        (f"old ({args.baseline})", old.extract_timeline, False),
        ("new", timeline.extract_timeline, True),
    ):
        events, cpu = run(extract, analyses, args.repeat)
        timelines[name] = events
        results[name] = {"cpu_ms_per_cluster": cpu * 1000, **measure(events, first_dates, articles, new)}
    report = {
        "clusters": len(clusters),
        "articles": sum(len(a.articles) for a in analyses.values()),
        "machine": f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}",
        "date": time.strftime("%Y-%m-%d"),
        "results": results,
    }
    if args.show:
        for cluster in random.Random(args.seed).sample(sorted(clusters), args.show):
            print(f"== {cluster} (first article {first_dates[cluster]})")
            for name, events in timelines.items():
                print(f"  -- {name}")
                for e in events[cluster]:
                    flag = "BG " if getattr(e, "background", False) else "   "
                    print(
                        f"   {flag}{e.date} {e.granularity[0]} [{e.expression}] ({len(e.sources)}) {e.text}"
                    )
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return 0
    print(
        f"{report['clusters']} clusters, {report['articles']} articles; {report['machine']}, {report['date']}"
    )
    keys = [
        ("entries_per_cluster", "entries/cluster", "{:.2f}"),
        ("multi_source", "with >1 article", "{:.1%}"),
        ("before_story", "dated before the story", "{:.1%}"),
        ("background", "marked background", "{:.1%}"),
        ("story_entries_before_story", "story entries dated before (by design: up to 4 days)", "{:.1%}"),
        ("story_entries_day_before", "… of which the day before", "{:.1%}"),
        ("long", f"> {LONG} chars", "{:.1%}"),
        ("median_chars", "median chars", "{:.0f}"),
        ("deictic", "bare deictic date", "{:.1%}"),
        ("coarse", "year/month precision", "{:.1%}"),
        ("cpu_ms_per_cluster", "CPU ms/cluster", "{:.2f}"),
    ]
    print("| | " + " | ".join(results) + " |")
    print("|---|" + "---:|" * len(results))
    for key, label, fmt in keys:
        cells = [fmt.format(r[key]) if key in r else "—" for r in results.values()]
        print(f"| {label} | " + " | ".join(cells) + " |")
    print(f"new entries' text == article.text[start:end]: {results['new']['offsets_exact']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
