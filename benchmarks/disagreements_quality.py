"""Outlet disagreements on real ANT article sets (issue 15), with a baseline in the same run.

Reads ``disagreements_dev.jsonl`` (one set of ANT articles a line: the values one fact is given with in
each article, their spans, and whether the set disagrees; see ``quotes_dev/README.md``) and the
articles from the ANT archive (not shipped with Khulasa).

Two measures:
1. end to end: ``compare.disagreements`` over the articles of each set.  A positive set is found when
   one reported disagreement has two labelled values on different sides; a negative set (the same
   number written two ways, different facts, consistent approximations) is a false alarm when one
   does.
2. values alone, on the labelled pairs (alignment given; places left out): two values of a set are told
   apart by ``khulasa.numbers`` intervals (values parsed from the labelled spans; dates by
   ``khulasa.timeline``) against the baseline, which compares the written strings.  A pair of an
   agreeing set whose values are one value (written two ways, a consistent approximation or bound)
   that is told apart is a false alarm; a pair of a disagreeing set with different labelled values
   that is told apart is a hit.

    python benchmarks/disagreements_quality.py [--labels benchmarks/data/disagreements_dev.jsonl]
        [--archive ../shared/data/ant-corpus-v2.1.tar.gz] [-v]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khulasa import compare  # noqa: E402
from khulasa.dates import parse_dates  # noqa: E402
from khulasa.ingest import iter_articles  # noqa: E402
from khulasa.numbers import parse_numbers  # noqa: E402

DEFAULT_LABELS = ROOT / "benchmarks" / "data" / "disagreements_dev.jsonl"
SAME_VALUE = {
    "same number written two ways",
    "same date written two ways",
    "consistent approximation",
    "consistent bound",
}
"""Agreeing sets whose values are one value (not different facts): telling them apart is a false alarm."""
DEFAULT_ARCHIVE = ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz"


def _interval(kind: str, text: str, published) -> tuple[float, float] | None:  # type: ignore[no-untyped-def]
    if kind == "date":
        found = parse_dates(text, published)
        return (found[0].date.toordinal(), found[0].date.toordinal()) if found else None
    if kind == "place":
        return None
    found = parse_numbers(text)
    return (found[0].low, found[0].high) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    with args.labels.open(encoding="utf-8") as fh:
        sets = [json.loads(line) for line in fh if line.strip()]
    ids = {i for s in sets for i in s["ids"]}
    articles = {a.id: a for a in iter_articles([str(args.archive)]) if a.id in ids}
    found_pos = n_pos = alarms_neg = n_neg = 0
    pairs = {"ours": [0, 0, 0, 0], "baseline": [0, 0, 0, 0]}  # hits, positive pairs, alarms, negative pairs
    start = time.perf_counter()
    for s in sets:
        arts = [articles[i] for i in dict.fromkeys(s["ids"])]
        gold = [(v["id"], v["start"], v["end"]) for v in s["values"]]
        hit = False
        for d in compare.disagreements(arts):
            sides = [
                {
                    g
                    for g in gold
                    for src in r.sources
                    if src.article_id == g[0] and src.start < g[2] and g[1] < src.end
                }
                for r in d.readings
            ]
            if sum(1 for side in sides if side) >= 2:
                hit = True
        if s["disagree"]:
            n_pos += 1
            found_pos += hit
        else:
            n_neg += 1
            alarms_neg += hit
        if args.verbose and hit != s["disagree"]:
            print(("missed: " if s["disagree"] else "false alarm: ") + s["fact"], file=sys.stderr)
        for a, b in combinations(s["values"], 2):
            if a["id"] == b["id"] or s["kind"] == "place":
                continue
            texts = [articles[v["id"]].text[v["start"] : v["end"]] for v in (a, b)]
            ours = [
                _interval(s["kind"], t, articles[v["id"]].date) for t, v in zip(texts, (a, b), strict=True)
            ]
            apart_ours = None not in ours and not (ours[0][0] <= ours[1][1] and ours[1][0] <= ours[0][1])  # type: ignore[index]
            apart_base = texts[0].strip("()") != texts[1].strip("()")
            positive = s["disagree"] and a["value"] != b["value"]
            same_value = not s["disagree"] and s.get("why") in SAME_VALUE
            for name, apart in (("ours", apart_ours), ("baseline", apart_base)):
                if positive:
                    pairs[name][0] += apart
                    pairs[name][1] += 1
                elif same_value:
                    pairs[name][2] += apart
                    pairs[name][3] += 1
    elapsed = time.perf_counter() - start
    print(
        f"date: {time.strftime('%Y-%m-%d')}; labels: {args.labels.name} ({n_pos} disagreeing sets, "
        f"{n_neg} agreeing sets, {sum(len(s['values']) for s in sets)} values); {elapsed:.1f} s"
    )
    print("| end to end (compare.disagreements) | sets |\n|---|---:|")
    print(f"| disagreeing sets found | {found_pos}/{n_pos} = {found_pos / n_pos:.2f} |")
    print(f"| agreeing sets flagged (false alarms) | {alarms_neg}/{n_neg} = {alarms_neg / n_neg:.2f} |")
    print(
        "| values of labelled pairs | pairs told apart, disagreeing sets | pairs told apart, one value written two ways (false alarms) |"
    )
    print("|---|---:|---:|")
    for name, label in (
        ("ours", "khulasa.numbers intervals"),
        ("baseline", "baseline: written strings differ"),
    ):
        h, p, fa, n = pairs[name]
        print(f"| {label} | {h}/{p} = {h / p:.2f} | {fa}/{n} = {fa / n:.2f} |")


if __name__ == "__main__":
    main()
