"""Clustering quality of ``khulasa stories`` on the ANT corpus (reads ../shared/data/ant-corpus-v2.1.tar.gz).

Two labelled check sets, both built from the corpus by the rules below (article ids only are kept in
``benchmarks/stories_topics.json``; no corpus text is copied):

1. **Pairwise check set, whole corpus, with dates.**  Positive pairs: syndicated copies and re-posts,
   i.e. two articles published at most 2 days apart whose word 5-gram shingle sets (normalized tokens)
   have exact Jaccard >= 0.6 (candidates from a separate MinHash LSH with 128 permutations, then exact
   Jaccard).  Negative pairs: a seeded random sample of article pairs published 60 days apart or more
   whose TF-IDF cosine is below 0.1 (months apart, different topics).  Reported: pairwise precision and
   recall of "same story".
2. **Topic sets without dates.**  Clearly distinct news events picked by title keywords and date range,
   vetted by reading every title (excluded ids listed in the JSON).  Dates are removed, so only content
   can group them.  ``dev`` topics were used to choose the defaults; ``heldout`` topics (plus the
   example cluster ``examples/putin-erdogan`` as one topic) were not.  Reported: B-cubed precision,
   recall and F1 (Bagga & Baldwin 1998) and pairwise precision/recall.

    python benchmarks/stories_quality.py [--threshold X] [--window-days N] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import sys
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khulasa.ingest import iter_articles  # noqa: E402
from khulasa.normalize import tokenize  # noqa: E402
from khulasa.stories import StoryOptions  # noqa: E402
from khulasa.stories.cluster import DocumentFrequencies  # noqa: E402
from khulasa.stories.engine import cluster_all  # noqa: E402
from khulasa.stories.features import extract, with_effective_dates  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz"
EXAMPLE = ROOT / "examples" / "putin-erdogan"
TOPICS = Path(__file__).with_name("stories_topics.json")


# --- metrics --------------------------------------------------------------------------------------


def bcubed(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall, F1 over the items of ``truth`` (clusters restricted to them)."""
    items = [i for i in truth if i in predicted]
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_true: dict[str, set[str]] = defaultdict(set)
    for i in items:
        by_pred[predicted[i]].add(i)
        by_true[truth[i]].add(i)
    p = r = 0.0
    for i in items:
        same_pred = by_pred[predicted[i]]
        same_true = by_true[truth[i]]
        both = len(same_pred & same_true)
        p += both / len(same_pred)
        r += both / len(same_true)
    p, r = p / len(items), r / len(items)
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def pairwise(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float]:
    items = [i for i in truth if i in predicted]
    tp = fp = fn = 0
    for a, b in combinations(items, 2):
        same_pred = predicted[a] == predicted[b]
        same_true = truth[a] == truth[b]
        tp += same_pred and same_true
        fp += same_pred and not same_true
        fn += same_true and not same_pred
    return tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0


# --- clustering -------------------------------------------------------------------------------------


def cluster(articles, options: StoryOptions) -> dict[str, str]:
    feats = [extract(a, seq, d) for seq, a, d in with_effective_dates(articles)]
    frequencies = DocumentFrequencies()
    for f in feats:
        frequencies.add(f.terms)
    return {m.id: a.story_id for a in cluster_all(feats, options, frequencies) for m in a.members}


def topic_articles(articles, spec: dict) -> dict[str, str]:
    """Article id -> topic for the topics of ``spec`` (keywords in the title, date range, exclusions)."""
    labels = {}
    for a in articles:
        if not a.title or a.date is None:
            continue
        for name, t in spec.items():
            if a.id in t.get("exclude", ()):
                continue
            if t["from"] <= a.date.isoformat() <= t["to"] and any(k in a.title for k in t["title_any"]):
                labels[a.id] = name
    return labels


def topic_scores(articles, labels: dict[str, str], options: StoryOptions) -> dict[str, float]:
    undated = [dataclasses.replace(a, date=None) for a in articles if a.id in labels]
    predicted = cluster(undated, options)
    p, r, f = bcubed(predicted, labels)
    pp, pr = pairwise(predicted, labels)
    n_clusters = len({predicted[i] for i in labels})
    return {"articles": len(undated), "topics": len(set(labels.values())), "clusters": n_clusters,
            "bcubed_p": p, "bcubed_r": r, "bcubed_f1": f, "pair_p": pp, "pair_r": pr}


# --- pairwise check set on the whole corpus --------------------------------------------------------


def shingles(text: str, n: int = 5) -> set[str]:
    tokens = tokenize(text)
    return {" ".join(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))}


def check_pairs(articles, seed: int = 7, n_negative: int = 20000):
    """Positive (copy) pairs and negative (months apart, different topic) pairs of article ids."""
    from datasketch import MinHash, MinHashLSH
    from sklearn.feature_extraction.text import TfidfVectorizer

    sets = {a.id: shingles(a.text) for a in articles}
    date = {a.id: a.date for a in articles}
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    sigs = {}
    for a in articles:
        m = MinHash(num_perm=128, seed=3)
        m.update_batch([s.encode("utf-8") for s in sets[a.id]])
        sigs[a.id] = m
        lsh.insert(a.id, m)
    positives = set()
    for a in articles:
        for b in lsh.query(sigs[a.id]):
            if b <= a.id or date[a.id] is None or date[b] is None:
                continue
            if abs((date[a.id] - date[b]).days) > 2:
                continue
            jaccard = len(sets[a.id] & sets[b]) / len(sets[a.id] | sets[b])
            if jaccard >= 0.6:
                positives.add((a.id, b))
    rng = random.Random(seed)
    dated = [a for a in articles if a.date is not None]
    candidates = []
    while len(candidates) < 3 * n_negative:
        x, y = rng.sample(dated, 2)
        if abs((x.date - y.date).days) >= 60:
            candidates.append((x, y))
    vectorizer = TfidfVectorizer(analyzer=lambda t: tokenize(t), min_df=2)
    matrix = vectorizer.fit_transform(a.text for a in dated)
    row = {a.id: i for i, a in enumerate(dated)}
    negatives = set()
    for x, y in candidates:
        if (matrix[row[x.id]].multiply(matrix[row[y.id]])).sum() < 0.1:
            negatives.add((min(x.id, y.id), max(x.id, y.id)))
        if len(negatives) >= n_negative:
            break
    return positives, negatives


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=float, default=StoryOptions().threshold)
    parser.add_argument("--window-days", type=int, default=StoryOptions().window_days)
    parser.add_argument("--skip-pairs", action="store_true", help="only the topic sets")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    options = StoryOptions(threshold=args.threshold, window_days=args.window_days)
    print(f"reading {CORPUS}", file=sys.stderr)
    started = time.monotonic()
    articles = list(iter_articles([str(CORPUS)]))
    example = list(iter_articles([str(EXAMPLE)]))
    spec = json.loads(TOPICS.read_text(encoding="utf-8"))
    results: dict[str, object] = {"options": options.to_dict(), "date": dt.date.today().isoformat()}
    for split in ("dev", "heldout"):
        labels = topic_articles(articles, spec[split])
        pool = [a for a in articles if a.id in labels]
        if split == "heldout":
            labels.update({a.id: "putin-erdogan" for a in example})
            pool += example
        results[split] = topic_scores(pool, labels, options)
        results[split]["per_topic"] = dict(Counter(labels.values()))
    if not args.skip_pairs:
        positives, negatives = check_pairs(articles)
        predicted = cluster(articles, options)
        tp = sum(predicted[a] == predicted[b] for a, b in positives)
        fp = sum(predicted[a] == predicted[b] for a, b in negatives)
        results["pairs"] = {
            "positive_pairs": len(positives),
            "negative_pairs": len(negatives),
            "together_positive": tp,
            "together_negative": fp,
            "precision": tp / (tp + fp) if tp + fp else 1.0,
            "recall": tp / len(positives) if positives else 1.0,
        }
    results["seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for key, value in results.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
