"""A multi-document dev check built from the ANT corpus: other outlets' coverage vs BBC's own abstract.

Reads ``../shared/data/ant-corpus-v2.1.tar.gz`` (not shipped with Khulasa), without what is held out
(the span 2018-06-10..20 and the held-out topic sets: ``stories_quality.outside_held_out``).  Articles of the news
categories of all five outlets are clustered into stories with Khulasa's own story clusterer; every
story holding a BBC article and at least ``--min-others`` articles from at least two other outlets
becomes an item: the input is the *other* outlets' articles (so the reference is not one of the
inputs), the reference is the BBC abstract (one human-written sentence), the budget is the
abstract's length in words.  This is the only multi-document setting with a human reference we
can build from the dev data; it rewards picking what several outlets agree is the key fact.

    python benchmarks/multidoc_dev.py [--systems khulasa,lead,lexrank] [--variants ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stories_quality import outside_held_out
from tune import VARIANTS, patched

from khulasa.eval.datasets import EvalItem
from khulasa.eval.report import evaluate_system, parse_budget
from khulasa.eval.rouge import Rouge
from khulasa.ingest import iter_articles
from khulasa.stories.cluster import DocumentFrequencies, cluster_all
from khulasa.stories.features import extract, with_effective_dates
from khulasa.stories.options import StoryOptions
from khulasa.text.normalize import count_words

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ("middleEast", "internationalNews")


def build_items(archive: Path, min_others: int) -> list[EvalItem]:
    articles = [
        a
        for a in outside_held_out(list(iter_articles([str(archive)])))
        if (a.extra or {}).get("category") in CATEGORIES
    ]
    feats = [extract(a, seq, date) for seq, a, date in with_effective_dates(articles)]
    frequencies = DocumentFrequencies()
    for f in feats:
        frequencies.add(f.terms)
    items = []
    for assignment in cluster_all(feats, StoryOptions(clusterer="flat"), frequencies):  # the items as built
        members = [articles[s] for s in assignment.seqs]
        bbc = [a for a in members if a.source == "BBC" and (a.extra or {}).get("abstract")]
        others = [a for a in members if a.source != "BBC"]
        if bbc and len(others) >= min_others and len({a.source for a in others}) >= 2:
            items.append(EvalItem(id=bbc[0].id, articles=others, references=[bbc[0].extra["abstract"]]))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz"))
    parser.add_argument("--min-others", type=int, default=3)
    parser.add_argument("--systems", default="lead,lexrank")
    parser.add_argument("--variants", default="current")
    args = parser.parse_args()
    start = time.perf_counter()
    items = build_items(Path(args.data), args.min_others)
    words = sum(count_words(i.references[0]) for i in items) / max(len(items), 1)
    n_articles = sum(len(i.articles) for i in items) / max(len(items), 1)
    print(
        f"{len(items)} stories, {n_articles:.1f} articles each, reference {words:.0f} words "
        f"(built in {time.perf_counter() - start:.0f}s)",
        flush=True,
    )
    rouge = Rouge()
    budget = parse_budget("ref")
    for name in [s for s in args.systems.split(",") if s]:
        result, _ = evaluate_system(name, items, budget, rouge)
        print(f"{name:28s} R2F={result.mean['rouge2'].fmeasure:.4f} R1F={result.mean['rouge1'].fmeasure:.4f}")
    for variant in args.variants.split(","):
        with patched(VARIANTS[variant]):
            result, _ = evaluate_system("khulasa", items, budget, rouge)
        print(
            f"khulasa[{variant}]".ljust(28)
            + f" R2F={result.mean['rouge2'].fmeasure:.4f} R1F={result.mean['rouge1'].fmeasure:.4f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
