"""Clustering quality of ``khulasa stories`` on the ANT corpus (reads ../shared/data/ant-corpus-v2.1.tar.gz).

The flat engine (``khulasa.stories.cluster``, one level) and the story trees (``khulasa.stories.trees``,
events inside stories) are measured in the same run.  Three labelled check sets, all built from the
corpus (article ids and labels only are kept in the repository; no corpus text is copied):

0. **Dev windows, events and stories** (``benchmarks/data/stories_dev``: four windows of 3-4 days,
   every article labelled with an event and a story; see its README).  Each engine clusters all the
   articles of a window (with their dates, and again without them), and once more the archive from
   ``--context-days`` before the window to its end (as a run over the archive meets the window, with
   long-lived stories; the held-out span is left out), and is scored on the window's articles with
   B-cubed precision, recall and F1 at both levels.  The flat engine's stories are scored against both levels;
   the trees also without their document-frequency prior (``tree_no_prior_*``: the run's own IDF alone).
   The trees' weights were fitted on these windows: ``benchmarks/stories_trees_fit.py`` gives the
   leave-one-window-out scores.  The archive has no time of day, so the order within a day is
   arbitrary and alone moves a window's F1 by a few points: ``windows_order_averaged`` scores the trees
   on each dated window in the shipped order and ``--orders`` (5) seeded within-day shuffles, and
   reports per window the mean and the worst order, and the mean over windows (its ``min``: the worst
   order's mean).  Judge changes by it: differences under ~0.01 in one order are noise.

   **Check window, never fitted** (``benchmarks/data/stories_check``: 15-17 October 2018, labelled by the
   same guidelines; nothing was fitted or tuned on it).  Scored exactly as the dev windows (both engines,
   dated, undated and in a longer run; the trees order-averaged) and reported apart, under ``check``, as
   the out-of-sample estimate.  Do not choose anything by it.

1. **Pairwise check set, whole corpus, with dates.** (Flat clusters and tree stories.)  Positive pairs: syndicated copies and re-posts,
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

**Throughput** (``--throughput``): articles per CPU-second of each clusterer over the archive, its
per-article features included (the trees' event signals too), each in a fresh child process on the
first 5,000 articles and on all; reading the archive is not counted.  Memory (MB): after reading,
before clustering (articles read and features held) and after clustering (what clustering added).

Parsed articles of the dev windows and topic sets are cached in ``--cache`` (a temporary directory by
default, outside the repository), so a second run does not read the archive again.

    python benchmarks/stories_quality.py [--corpus ANT.tar.gz] [--skip-pairs] [--context-days N]
                                         [--orders N] [--throughput | --throughput-only] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import os
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khulasa.ingest import iter_articles  # noqa: E402
from khulasa.stories import StoryOptions  # noqa: E402
from khulasa.stories.cluster import DocumentFrequencies, StoryClusterer, cluster_all  # noqa: E402
from khulasa.stories.features import extract, with_effective_dates  # noqa: E402
from khulasa.stories.signals import extract_signals  # noqa: E402
from khulasa.stories.trees import TreeClusterer, TreeOptions  # noqa: E402
from khulasa.text.normalize import tokenize  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz"
EXAMPLE = ROOT / "examples" / "putin-erdogan"
TOPICS = Path(__file__).with_name("stories_topics.json")
DEV = Path(__file__).with_name("data") / "stories_dev"
CHECK = Path(__file__).with_name("data") / "stories_check"
"""Labelled windows nothing was fitted or tuned on (the out-of-sample check; see its README)."""
HELD_OUT = (dt.date(2018, 6, 10), dt.date(2018, 6, 20))
"""Never read for labels or tuning (see the dev windows' README)."""
NO_PRIOR = TreeOptions(prior_articles=0)
"""The trees without the shipped document-frequency prior (the run's own IDF alone), for comparison."""


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


def tree_features(articles) -> list:
    """``(ArticleFeatures, EventSignals)`` of articles, in clustering order."""
    pairs = [(extract(a, seq, d), extract_signals(a)) for seq, a, d in with_effective_dates(articles)]
    return sorted(pairs, key=lambda p: p[0].order_key)


def tree_cluster(pairs, options: TreeOptions | None = None, decide=None) -> tuple[dict[str, str], dict[str, str]]:
    """Article id -> event id and article id -> story id, from the story trees."""
    clusterer = TreeClusterer(options) if decide is None else TreeClusterer(options, decide)
    trees = []
    for f, s in pairs:
        trees += clusterer.add(f, s)
    trees += clusterer.finish()
    events = {m.id: e.event_id for t in trees for e in t.events for m in e.members}
    stories = {m.id: t.story_id for t in trees for e in t.events for m in e.members}
    return events, stories


# --- labelled dev windows --------------------------------------------------------------------------


def use_corpus(path: Path) -> None:
    """Read the archive at ``path`` (``--corpus``)."""
    global CORPUS
    CORPUS = path


def cached(cache: Path, name: str, make):
    """``make()``, pickled in ``cache`` under a name keyed by the archive's size and time (outside the repo)."""
    stat = CORPUS.stat()
    key = hashlib.sha1(f"{CORPUS}:{stat.st_size}:{stat.st_mtime_ns}:{name}".encode()).hexdigest()[:12]
    path = cache / f"{name}-{key}.pkl"
    if path.exists():
        with open(path, "rb") as f:
            return pickle.load(f)
    value = make()
    cache.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    return value


def corpus_articles(cache: Path):
    return cached(cache, "ant-articles", lambda: list(iter_articles([str(CORPUS)])))


def dev_windows(cache: Path, directory: Path = DEV) -> dict[str, tuple[list, dict[str, str], dict[str, str]]]:
    """Window name -> (every article dated in the window, id -> event label, id -> story label), for the
    labelled windows in ``directory`` (the dev windows by default, ``CHECK`` for the check window)."""

    def make():
        articles = corpus_articles(cache)
        out = {}
        for path in sorted(directory.glob("ant-*.jsonl")):
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            first = min(dt.date.fromisoformat(r["date"]) for r in rows)
            last = max(dt.date.fromisoformat(r["date"]) for r in rows)
            if first <= HELD_OUT[1] and last >= HELD_OUT[0]:
                raise SystemExit(f"{path.name} touches the held-out span {HELD_OUT[0]}..{HELD_OUT[1]}")
            window = [a for a in articles if a.date is not None and first <= a.date <= last]
            out[path.stem] = (window, {r["id"]: r["event"] for r in rows}, {r["id"]: r["story"] for r in rows})
        return out

    labels = hashlib.sha1(b"".join(p.read_bytes() for p in sorted(directory.glob("ant-*.jsonl")))).hexdigest()[:8]
    return cached(cache, f"{'dev' if directory == DEV else directory.name}-windows-{labels}", make)


def context_articles(cache: Path, windows, days: int) -> dict[str, list]:
    """Window name -> the archive's articles from ``days`` before the window to its end (held-out span
    left out): the window as a run over the archive meets it, long-lived stories included."""

    def make():
        articles = corpus_articles(cache)
        out = {}
        for name, (window, _, _) in windows.items():
            first = min(a.date for a in window) - dt.timedelta(days=days)
            last = max(a.date for a in window)
            out[name] = [
                a for a in articles
                if a.date is not None and first <= a.date <= last and not HELD_OUT[0] <= a.date <= HELD_OUT[1]
            ]
        return out

    return cached(cache, f"context-{days}-{'-'.join(sorted(windows))}", make)


ORDERS = 5
"""Seeded within-day orders the trees are also scored on (besides the shipped order): the archive has no
time of day, so the order within a day is arbitrary, and it alone moves a window's F1 by a few points."""


def within_day_shuffle(pairs, seed: int) -> list:
    """``pairs`` (in clustering order) reordered within each day by a seeded hash of the id."""
    return sorted(pairs, key=lambda p: (p[0].order_key[0], hashlib.sha1(f"{seed}:{p[0].id}".encode()).hexdigest()))


def order_averaged(windows, tree_options: TreeOptions | None = None, orders: int = ORDERS) -> dict[str, object]:
    """The trees' B-cubed P/R/F1 on each dated window, over the shipped order and ``orders`` seeded
    within-day shuffles: per window the mean and the minimum (by F1) over orders, then the mean over
    windows of the per-order means (``mean``) and its worst order (``min``)."""
    out: dict[str, object] = {"orders": orders + 1}
    per_order: dict[str, list[list[tuple[float, ...]]]] = {"events": [], "stories": []}
    for name, (articles, events, stories) in windows.items():
        pairs = tree_features(articles)
        scores: dict[str, list[tuple[float, ...]]] = {"events": [], "stories": []}
        for seed in range(orders + 1):
            ordered = pairs if seed == 0 else within_day_shuffle(pairs, seed)
            tree_events, tree_stories = tree_cluster(ordered, tree_options)
            scores["events"].append(bcubed(tree_events, events))
            scores["stories"].append(bcubed(tree_stories, stories))
        entry = {}
        for level, runs in scores.items():
            entry[level] = {"mean": [round(sum(r[i] for r in runs) / len(runs), 4) for i in range(3)],
                            "min": [round(v, 4) for v in min(runs, key=lambda r: r[2])],
                            "f1_per_order": [round(r[2], 4) for r in runs]}
            per_order[level].append(runs)
        out[name] = entry
    mean: dict[str, object] = {}
    for level, windows_runs in per_order.items():
        by_order = [[w[k] for w in windows_runs] for k in range(orders + 1)]
        order_means = [[sum(r[i] for r in runs) / len(runs) for i in range(3)] for runs in by_order]
        mean[level] = {"mean": [round(sum(m[i] for m in order_means) / len(order_means), 4) for i in range(3)],
                       "min": [round(v, 4) for v in min(order_means, key=lambda m: m[2])]}
    out["mean"] = mean
    return out


def score_windows(windows, options: StoryOptions, tree_options: TreeOptions | None = None,
                  context: dict[str, list] | None = None) -> dict[str, object]:
    """B-cubed P/R/F1 per window and their mean, for the flat engine and the trees: the window's articles
    dated, undated, and (``context``) within a longer run over the archive, scored on the window."""
    out: dict[str, object] = {}
    rows: dict[str, list[tuple[float, ...]]] = defaultdict(list)
    for name, (articles, events, stories) in windows.items():
        entry: dict[str, object] = {"articles": len(articles), "labelled": len(events)}
        runs = [("", articles), ("_undated", [dataclasses.replace(a, date=None) for a in articles])]
        if context is not None:
            runs.append(("_context", context[name]))
            entry["context_articles"] = len(context[name])
        for suffix, arts in runs:
            flat = cluster(arts, options)
            pairs = tree_features(arts)
            tree_events, tree_stories = tree_cluster(pairs, tree_options)
            bare_events, bare_stories = tree_cluster(pairs, NO_PRIOR)
            for key, predicted, truth in (
                ("flat_events", flat, events),
                ("flat_stories", flat, stories),
                ("tree_events", tree_events, events),
                ("tree_stories", tree_stories, stories),
                ("tree_no_prior_events", bare_events, events),
                ("tree_no_prior_stories", bare_stories, stories),
            ):
                scores = bcubed(predicted, truth)
                entry[key + suffix] = [round(v, 4) for v in scores]
                rows[key + suffix].append(scores)
        out[name] = entry
    out["mean"] = {k: [round(sum(v[i] for v in vs) / len(vs), 4) for i in range(3)] for k, vs in rows.items()}
    return out


# --- throughput ------------------------------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def throughput_child(kind: str, limit: int | None) -> dict[str, object]:
    """One measurement (in a fresh process): features (and signals) of the archive's first ``limit``
    articles, then clustering; reading is not timed."""
    import itertools

    articles = list(itertools.islice(iter_articles([str(CORPUS)]), limit))
    rss_articles = _rss_mb()
    started = time.process_time()
    feats = [extract(a, seq, d) for seq, a, d in with_effective_dates(articles)]
    signals = [extract_signals(a) for a in articles] if kind == "trees" else []
    features_seconds = time.process_time() - started
    del articles
    order = sorted(range(len(feats)), key=lambda i: feats[i].order_key)
    rss_before = _rss_mb()
    started = time.process_time()
    if kind == "flat":
        frequencies = DocumentFrequencies()
        for f in feats:
            frequencies.add(f.terms)
        clusterer = StoryClusterer(StoryOptions(clusterer="flat"), frequencies)
        n = sum(len(clusterer.add(feats[i])) for i in order) + len(clusterer.finish())
        events = None
    else:
        trees = TreeClusterer()
        closed = [t for i in order for t in trees.add(feats[i], signals[i])] + trees.finish()
        n, events = len(closed), sum(len(t.events) for t in closed)
    cluster_seconds = time.process_time() - started
    rss_after = _rss_mb()
    total = features_seconds + cluster_seconds
    return {
        "articles": len(feats),
        "stories": n,
        "events": events,
        "features_cpu_s": round(features_seconds, 2),
        "cluster_cpu_s": round(cluster_seconds, 2),
        "articles_per_cpu_s": round(len(feats) / total, 1),
        "cluster_articles_per_cpu_s": round(len(feats) / cluster_seconds, 1),
        "rss_articles_mb": round(rss_articles, 1),
        "rss_before_clustering_mb": round(rss_before, 1),
        "rss_after_clustering_mb": round(rss_after, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6, 1),
    }


def throughput() -> dict[str, object]:
    out: dict[str, object] = {}
    for kind in ("flat", "trees"):
        for limit in (5000, None):
            command = [sys.executable, __file__, "--child", kind, "--corpus", str(CORPUS)]
            command += ["--limit", str(limit)] if limit else []
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            out[f"{kind}_{limit or 'all'}"] = json.loads(done.stdout)
        small, full = out[f"{kind}_5000"], out[f"{kind}_all"]
        ratio = (full["features_cpu_s"] + full["cluster_cpu_s"]) / (small["features_cpu_s"] + small["cluster_cpu_s"])
        out[f"{kind}_5k_to_all_time_ratio"] = round(ratio, 2)
    return out


def outside_held_out(articles) -> list:
    """``articles`` without the held-out span (``HELD_OUT``) and the articles of the held-out topic sets:
    what a table built from the archive (the trees' document-frequency prior, their spelling variants)
    may count."""
    spec = json.loads(TOPICS.read_text(encoding="utf-8"))
    held_out_topics = set(topic_articles(articles, spec["heldout"]))
    first, last = HELD_OUT
    return [
        a for a in articles
        if a.id not in held_out_topics and not (a.date is not None and first <= a.date <= last)
    ]


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


def topic_scores(articles, labels: dict[str, str], options: StoryOptions) -> dict[str, object]:
    """Flat clusters and tree stories (and tree events, for reference) against the topics, without dates."""
    undated = [dataclasses.replace(a, date=None) for a in articles if a.id in labels]
    out: dict[str, object] = {"articles": len(undated), "topics": len(set(labels.values()))}
    pairs = tree_features(undated)
    tree_events, tree_stories = tree_cluster(pairs)
    _, bare_stories = tree_cluster(pairs, NO_PRIOR)
    for name, predicted in (("flat", cluster(undated, options)), ("tree_stories", tree_stories),
                            ("tree_events", tree_events), ("tree_no_prior_stories", bare_stories)):
        p, r, f = bcubed(predicted, labels)
        pp, pr = pairwise(predicted, labels)
        out[name] = {"clusters": len({predicted[i] for i in labels}), "bcubed_p": round(p, 4),
                     "bcubed_r": round(r, 4), "bcubed_f1": round(f, 4), "pair_p": round(pp, 4),
                     "pair_r": round(pr, 4)}
    return out


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
    parser.add_argument("--skip-pairs", action="store_true", help="no pairwise check set (the slowest part)")
    parser.add_argument("--throughput", action="store_true", help="also clustering throughput (child processes)")
    parser.add_argument("--throughput-only", action="store_true", help="only clustering throughput")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the ANT archive (default: %(default)s)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "khulasa-bench",
                        help="where parsed articles are cached (default: %(default)s)")
    parser.add_argument("--context-days", type=int, default=30,
                        help="also score each window inside a run from this many days before it (0: no)")
    parser.add_argument("--orders", type=int, default=ORDERS,
                        help="also score the trees on this many seeded within-day orders (0: no)")
    parser.add_argument("--child", choices=("flat", "trees"), help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    use_corpus(args.corpus)
    if args.child:
        print(json.dumps(throughput_child(args.child, args.limit)))
        return 0
    if args.throughput_only:
        print(json.dumps({"date": dt.date.today().isoformat(), "throughput": throughput()}, indent=2))
        return 0
    options = StoryOptions(clusterer="flat", threshold=args.threshold, window_days=args.window_days)
    print(f"reading {CORPUS}", file=sys.stderr)
    started = time.monotonic()
    articles = corpus_articles(args.cache)
    example = list(iter_articles([str(EXAMPLE)]))
    spec = json.loads(TOPICS.read_text(encoding="utf-8"))
    results: dict[str, object] = {"options": options.to_dict(), "tree_options": "TreeOptions() defaults",
                                  "date": dt.date.today().isoformat()}
    windows = dev_windows(args.cache)
    context = context_articles(args.cache, windows, args.context_days) if args.context_days else None
    results["windows"] = score_windows(windows, options, context=context)
    if args.orders:
        results["windows_order_averaged"] = order_averaged(windows, orders=args.orders)
    check = dev_windows(args.cache, CHECK)
    if check:
        check_context = context_articles(args.cache, check, args.context_days) if args.context_days else None
        results["check"] = {"label": "check (never fitted)",
                            "windows": score_windows(check, options, context=check_context)}
        if args.orders:
            results["check"]["windows_order_averaged"] = order_averaged(check, orders=args.orders)
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
        results["pairs"] = {"positive_pairs": len(positives), "negative_pairs": len(negatives)}
        _, tree_stories = tree_cluster(tree_features(articles))
        for name, predicted in (("flat", cluster(articles, options)), ("tree_stories", tree_stories)):
            tp = sum(predicted[a] == predicted[b] for a, b in positives)
            fp = sum(predicted[a] == predicted[b] for a, b in negatives)
            results["pairs"][name] = {
                "together_positive": tp,
                "together_negative": fp,
                "precision": tp / (tp + fp) if tp + fp else 1.0,
                "recall": tp / len(positives) if positives else 1.0,
            }
    if args.throughput:
        results["throughput"] = throughput()
    results["seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
    else:
        for key, value in results.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
