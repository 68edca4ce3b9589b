"""Precision of the outlet disagreements reported on real multi-outlet ANT events (issue 15).

``disagreements_quality.py`` measures recall on sets chosen for their values (39 sets of a few
articles each).  Here the input is whole events as a reader meets them: every event of the labelled
story-tree windows (``stories_dev/*.jsonl``, all outside the held-out 2018-06-10..20) that at least
``--min-outlets`` outlets report, summarized the way ``summarize --compare`` does (``pipeline.analyze``,
then ``compare.disagreements`` over its sentences and units).  Number-heavy stories (a strike with
missiles launched and intercepted, a toll beside an old disaster's toll) are where two values of
different facts get paired.

Labels (``data/disagreements_precision.jsonl``, ids and judgements only, no corpus text): one line per
value a reported disagreement showed, ``{"event", "id", "start", "end", "fact"}``; ``fact`` names what
the value states (``gaza-dead-2018-08-08``, ``missiles-launched``...), so two values with one ``fact``
are the same fact; ``not-a-value:...`` marks a number that states no fact (a year, a distance, an age,
a model name).  ``value`` is given where the value was read wrong (``الأربعاء`` resolved to another
week): readings of one fact whose labelled values are equal are one value, a false alarm.  A value is matched to a reported one by article and overlapping span, so the labels
stay fixed when the code changes.  ``pass`` is 1 for values labelled before the code was changed, 2
for values first reported after it (labelled by the same rules, and counted separately).

A reported disagreement is
* **right** when all its values state one fact and its readings are that fact's different values;
* **partly right** when two readings or more hold values of one fact, beside a value of another fact;
* **wrong** otherwise (no two readings state one fact: the call-out pairs different facts; or the
  readings are one value read two ways).
Precision = right / reported (strict) and (right + partly) / reported (lenient).

    python benchmarks/disagreements_precision.py [--archive ../shared/data/ant-corpus-v2.1.tar.gz]
        [--labels benchmarks/data/disagreements_precision.jsonl] [--min-outlets 3]
    python benchmarks/disagreements_precision.py --show      # every reported value with its sentence
        (to the terminal, for labelling; unlabelled values marked ``?``)
    python benchmarks/disagreements_precision.py --full-parse-check
        # the disagreements of every event of >= 2 outlets and of the 39 sets of disagreements_dev.jsonl
        # are the same when numbers are parsed in the whole text (compare reads them only near class
        # words: numbers.parse_numbers(near=))
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khulasa import compare, pipeline  # noqa: E402
from khulasa.ingest import iter_articles  # noqa: E402
from khulasa.models import Article, Disagreement  # noqa: E402

DEFAULT_LABELS = ROOT / "benchmarks" / "data" / "disagreements_precision.jsonl"
DEFAULT_ARCHIVE = ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz"
WINDOWS = ROOT / "benchmarks" / "data" / "stories_dev"
HELD_OUT = (dt.date(2018, 6, 10), dt.date(2018, 6, 20))


def events(min_outlets: int) -> dict[str, list[str]]:
    """Event -> its article ids (in file order), for the events ``min_outlets`` outlets report."""
    ids: dict[str, list[str]] = defaultdict(list)
    outlets: dict[str, set[str]] = defaultdict(set)
    for path in sorted(glob.glob(str(WINDOWS / "*.jsonl"))):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                day = dt.date.fromisoformat(row["date"])
                if HELD_OUT[0] <= day <= HELD_OUT[1]:
                    continue
                ids[row["event"]].append(row["id"])
                outlets[row["event"]].add(row["outlet"])
    return {e: v for e, v in sorted(ids.items()) if len(outlets[e]) >= min_outlets}


def reported(arts: list[Article]) -> tuple[Disagreement, ...]:
    """What ``summarize --compare`` shows as "outlets differ" for these articles."""
    analysis = pipeline.analyze(arts)
    return compare.disagreements(analysis.articles, analysis.sentences, analysis.units)


def judge(d: Disagreement, labels: list[list[dict | None]]) -> str:
    """``right``, ``partly`` or ``wrong`` (see the module docstring); ``unlabelled`` when a value has no label."""
    if any(row is None for r in labels for row in r):
        return "unlabelled"
    # per reading, its facts with the value each states (the labelled value, else the reading's own)
    per_reading = [{(row["fact"], row.get("value", f"reading {k}")) for row in r if row} for k, r in enumerate(labels)]
    facts = {f for r in per_reading for f, _ in r}
    shared = [
        f
        for f in facts
        if len({v for r in per_reading for g, v in r if g == f}) >= 2
        and sum(any(g == f for g, _ in r) for r in per_reading) >= 2
    ]
    if len(facts) == 1 and shared:
        return "right"
    return "partly" if shared else "wrong"


def full_parse_check(archive: Path) -> None:
    """Disagreements with numbers parsed near class words only (as ``compare`` does) and in the whole
    text: the same on every labelled event of two outlets or more and on the 39 labelled sets."""
    from khulasa import numbers

    sets = [json.loads(line) for line in (ROOT / "benchmarks" / "data" / "disagreements_dev.jsonl").open()]
    groups_ids = list(events(2).values()) + [list(dict.fromkeys(s["ids"])) for s in sets]
    wanted = {i for ids in groups_ids for i in ids}
    articles = {a.id: a for a in iter_articles([str(archive)]) if a.id in wanted}
    groups = [g for g in ([articles[i] for i in ids if i in articles] for ids in groups_ids) if len(g) > 1]
    parse = numbers.parse_numbers
    near = [reported(g) for g in groups]
    numbers.parse_numbers = lambda text, near=None: parse(text)  # type: ignore[assignment]
    try:
        full = [reported(g) for g in groups]
    finally:
        numbers.parse_numbers = parse
    same = sum(a == b for a, b in zip(near, full, strict=True))
    print(f"{same}/{len(groups)} article groups give the same disagreements ({sum(map(len, near))} in all)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--min-outlets", type=int, default=3)
    parser.add_argument("--show", action="store_true", help="print every reported value with its sentence")
    parser.add_argument("--full-parse-check", action="store_true")
    args = parser.parse_args()
    if args.full_parse_check:
        full_parse_check(args.archive)
        return
    chosen = events(args.min_outlets)
    wanted = {i for v in chosen.values() for i in v}
    articles = {a.id: a for a in iter_articles([str(args.archive)]) if a.id in wanted}
    labels: dict[str, list[dict]] = defaultdict(list)
    if args.labels.exists():
        with args.labels.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    labels[row["id"]].append(row)

    def label(article_id: str, start: int, end: int) -> dict | None:
        for row in labels.get(article_id, ()):
            if row["start"] < end and start < row["end"]:
                return row
        return None

    counts = {"right": 0, "partly": 0, "wrong": 0, "unlabelled": 0}
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    second_pass = 0
    n_events = n_articles = 0
    elapsed = 0.0
    for event, ids in chosen.items():
        arts = [articles[i] for i in ids if i in articles]
        if len(arts) < 2:
            continue
        n_events += 1
        n_articles += len(arts)
        t0 = time.perf_counter()
        found = reported(arts)
        elapsed += time.perf_counter() - t0
        for d in found:
            rows = []
            for r in d.readings:
                found_rows = []
                for s in r.sources:
                    row = label(s.article_id, s.start, s.end)
                    found_rows.append(row)
                    second_pass += row is not None and row.get("pass", 1) == 2
                rows.append(found_rows)
            verdict = judge(d, rows)
            counts[verdict] += 1
            by_kind[d.kind][0] += verdict == "right"
            by_kind[d.kind][1] += 1
            if args.show:
                print(f"\n== {event} | {d.kind} {d.fact} | {verdict}")
                by_id = {a.id: a for a in arts}
                for k, r in enumerate(d.readings):
                    for s, row in zip(r.sources, rows[k], strict=True):
                        f = None if row is None else row["fact"]
                        text = by_id[s.article_id].text
                        sentence = text[s.sentence_start : s.sentence_end].replace("\n", " ")
                        lo = max(0, s.start - s.sentence_start - 160)
                        hi = s.end - s.sentence_start + 120
                        print(
                            f"  [{k}] {f or '?'}\t{s.article_id}\t{s.start}\t{s.end}\t{text[s.start : s.end]!r}"
                            f"\n       …{sentence[lo:hi]}…"
                        )
    n = sum(counts.values())
    print(
        f"date: {time.strftime('%Y-%m-%d')}; events with >= {args.min_outlets} outlets: {n_events} "
        f"({n_articles} articles); labels: {args.labels.name}; disagreements {elapsed:.1f} s"
    )
    print("| reported disagreements | right | partly right | wrong | unlabelled | precision (strict) | precision (lenient) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    judged = n - counts["unlabelled"]
    strict = counts["right"] / judged if judged else float("nan")
    lenient = (counts["right"] + counts["partly"]) / judged if judged else float("nan")
    print(
        f"| {n} | {counts['right']} | {counts['partly']} | {counts['wrong']} | {counts['unlabelled']} "
        f"| {strict:.2f} | {lenient:.2f} |"
    )
    print("by kind (right / reported): " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(by_kind.items())))
    if second_pass:
        print(f"values matched to second-pass labels (first reported after the code changed): {second_pass}")


if __name__ == "__main__":
    main()
