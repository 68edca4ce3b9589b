"""Key actors against hand labels (issue 14 item 5): the key terms of the old code and of the new, in one run.

Labels: ``benchmarks/data/actors_dev.jsonl`` — 34 event clusters of the ANT dev windows (ids from
``benchmarks/data/stories_dev``, none near the held-out 2018-06-10..20), each with the people, places and
organisations a reader would name after reading its titles and leads (``actors``, with the spellings
and short forms a term may take) and other names a reader would accept as key terms but not ask for
(``also``: competitions, products, minor figures).  Ids and labels only; no corpus text.

For every cluster both versions run ``key_terms`` on the pipeline's units (``khulasa.pipeline.analyze``);
the old one is ``khulasa/keyterms.py`` and its gazetteer at ``--baseline`` (default ``main``).  Reported
at k = 10 and 15:

* **recall** — share of labelled actors named by a term among the top k;
* **precision** — share of the top k terms that name a labelled actor or an ``also`` name; and the same
  over the terms given as people/places/organisations (old: actor/place), the list a reader scans;
* **kind accuracy** — terms that name an actor with the labelled kind (old: ``actor`` counts as right for
  a person or an organisation, so the old figure is generous);
* **fragments** — one-word terms that are a part of a multi-word name of the labels (``الولايات``, ``وقف``)
  or that occur in the cluster inside one fixed word pair at least 80 % of the time; **generic** — one-word
  terms that name nothing labelled and occur in at least 10 % of the 1,777 dev articles (news vocabulary, not
  a topic: ``استخدام``, ``إطار``);
* **CPU** of ``key_terms`` per cluster (``time.process_time``, best of ``--repeat`` passes), over the
  labelled clusters and over every dev event of two or more news articles (246).

A term names a label when its words, or its last words, match one of the label's forms after folding
(``khulasa.text.normalize.normalize``, the article ``ال`` dropped from each word and one leading ``و ب ل ف``
from the first): ``حركة حماس`` names ``حماس``, ``دونالد ترامب وقع`` names nothing.

    python benchmarks/actors_quality.py [--baseline main] [--repeat 3] [--show] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections import Counter
from pathlib import Path

from devsets import CORPUS, ROOT, dev_events, file_at, load_articles, module_at

from khulasa import keyterms
from khulasa.models import KeyTerm
from khulasa.pipeline import analyze
from khulasa.text.normalize import normalize, tokenize

LABELS = ROOT / "benchmarks" / "data" / "actors_dev.jsonl"
KS = (10, 15)
GENERIC_DF = 0.10
FIXED_PAIR = 0.8
MARKS = {"ok": "", "fragment": " ✗fragment", "generic": " ✗generic", "other": " ✗"}
OLD_KINDS = {"actor": ("person", "organisation"), "place": ("place",)}


def _fold_word(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


def forms(text: str) -> set[tuple[str, ...]]:
    """The folded word tuples a written name may stand for (with and without a leading clitic)."""
    words = normalize(text).split()
    if not words:
        return set()
    out = {tuple(map(_fold_word, words))}
    if words[0][:1] in "وبلف" and len(words[0]) > 3:
        out.add(tuple(map(_fold_word, [words[0][1:], *words[1:]])))
    return out


class Labels:
    """One event's labels: each actor's forms, and the forms of the ``also`` names."""

    def __init__(self, record: dict) -> None:
        self.event = record["event"]
        self.articles = record["articles"]
        self.actors = [
            (a["name"], a["kind"], set().union(*(forms(x) for x in [a["name"], *a["aliases"]])))
            for a in record["actors"]
        ]
        self.also = set().union(*(forms(x) for x in record["also"])) if record["also"] else set()

    def actor_of(self, term: str) -> tuple[str, str] | None:
        found = forms(term)
        for name, kind, names in self.actors:
            if _matches(found, names):
                return name, kind
        return None

    def accepted(self, term: str) -> bool:
        return self.actor_of(term) is not None or _matches(forms(term), self.also)


def _matches(found: set[tuple[str, ...]], names: set[tuple[str, ...]]) -> bool:
    """A term names a label when it is one of its forms or ends with one (حركة حماس, قوات التحالف)."""
    return any(f[len(f) - n :] in names for f in found for n in range(1, len(f) + 1))


def fixed_pair_words(texts: list[str]) -> set[str]:
    """Folded words that occur inside one same word pair (with the word before or after) >= 80 % of the
    time."""
    counts: Counter[str] = Counter()
    pairs: Counter[tuple[str, str, int]] = Counter()
    for text in texts:
        words = [_fold_word(w) for w in tokenize(text)]
        for i, w in enumerate(words):
            counts[w] += 1
            if i + 1 < len(words):
                pairs[w, words[i + 1], 1] += 1
            if i:
                pairs[w, words[i - 1], -1] += 1
    return {w for (w, _, _), n in pairs.items() if counts[w] >= 3 and n >= FIXED_PAIR * counts[w]}


def run_version(find, analyses, repeat):
    """Top terms and CPU per cluster (best of ``repeat`` passes) of one version."""
    terms: dict[str, tuple[KeyTerm, ...]] = {}
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for event, a in analyses.items():
            terms[event] = find(a.articles, a.units)
        best = min(best, time.process_time() - start)
    return terms, best / len(analyses)


def classify(e: Labels, text: str, part_words: set[str], fixed: set[str], generic_words: set[str]) -> str:
    """``ok`` (names a label or an accepted name), ``fragment``, ``generic`` or ``other``."""
    if e.accepted(text):
        return "ok"
    words = normalize(text).split()
    if len(words) == 1:
        word = _fold_word(words[0])
        if word in part_words or word in fixed:
            return "fragment"
        if word in generic_words:
            return "generic"
    return "other"


def score(version_terms, events, part_words, fixed, generic_words, named_kinds):
    out = {}
    for k in KS:
        hits = total = named_hits = named_total = kind_right = kind_total = fragments = generic = 0
        recalled = actors = 0
        for e in events:
            top = version_terms[e.event][:k]
            found = set()
            for t in top:
                total += 1
                actor = e.actor_of(t.text)
                verdict = classify(e, t.text, part_words, fixed[e.event], generic_words)
                ok = verdict == "ok"
                hits += ok
                if t.kind in named_kinds:
                    named_total += 1
                    named_hits += ok
                if actor is not None:
                    found.add(actor[0])
                    kind_total += 1
                    kind_right += actor[1] in named_kinds.get(t.kind, ())
                fragments += verdict == "fragment"
                generic += verdict == "generic"
            recalled += len(found)
            actors += len(e.actors)
        out[k] = {
            "recall": recalled / actors,
            "precision": hits / total if total else 0.0,
            "named_precision": named_hits / named_total if named_total else 0.0,
            "named_terms": named_total,
            "kind_accuracy": kind_right / kind_total if kind_total else 0.0,
            "fragment_share": fragments / total if total else 0.0,
            "generic_share": generic / total if total else 0.0,
            "terms": total,
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default="main", help="git revision of the old code (default main)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--show", action="store_true", help="print each cluster's terms, old and new")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    events = [Labels(json.loads(line)) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    all_dev = [i for ids in dev_events(min_articles=1).values() for i in ids]
    articles = load_articles(all_dev, args.corpus)
    labelled_clusters = {e.event: analyze([articles[i] for i in e.articles if i in articles]) for e in events}
    multi = {c: analyze([articles[i] for i in ids if i in articles]) for c, ids in dev_events(2).items()}
    missing = sorted({i for e in events for i in e.articles} - articles.keys())
    if missing:
        print(f"missing articles: {missing[:5]}", file=sys.stderr)
    df: Counter[str] = Counter()
    for a in articles.values():
        df.update({_fold_word(w) for w in tokenize(a.text)})
    generic_words = {w for w, n in df.items() if n >= GENERIC_DF * len(articles)}
    labelled = set().union(*(names for e in events for _, _, names in e.actors), *(e.also for e in events))
    named_words = {w for name in labelled if len(name) == 1 for w in name}
    generic_words -= named_words
    part_words = {w for name in labelled if len(name) > 1 for w in name} - named_words
    fixed = {
        e.event: fixed_pair_words([articles[i].text for i in e.articles if i in articles]) - named_words
        for e in events
    }

    old = module_at(args.baseline, "khulasa/keyterms.py", "khulasa_baseline_keyterms")
    old_gazetteer = old.load_gazetteer(file_at(args.baseline, "khulasa/data/keyterms_gazetteer_ar.txt"))
    versions = {
        f"old ({args.baseline})": (
            lambda arts, units: old.key_terms(arts, units, gazetteer=old_gazetteer),
            {"actor": OLD_KINDS["actor"], "place": OLD_KINDS["place"]},
        ),
        "new": (keyterms.key_terms, {k: (k,) for k in ("person", "place", "organisation")}),
    }
    results = {}
    shown = {}
    for name, (find, kinds) in versions.items():
        terms, cpu = run_version(find, labelled_clusters, args.repeat)
        _, cpu_all = run_version(find, multi, args.repeat)
        shown[name] = terms
        results[name] = {
            "cpu_ms_per_cluster": cpu * 1000,
            "cpu_ms_per_dev_event": cpu_all * 1000,
            **score(terms, events, part_words, fixed, generic_words, kinds),
        }

    report = {
        "clusters": len(events),
        "actors": sum(len(e.actors) for e in events),
        "articles": sum(len(e.articles) for e in events),
        "machine": f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}",
        "date": time.strftime("%Y-%m-%d"),
        "results": results,
    }
    if args.show:
        for e in events:
            print(f"== {e.event} ({len(e.articles)} articles)")
            for name in versions:
                terms = shown[name][e.event][:15]
                marks = [
                    t.text
                    + "/"
                    + t.kind
                    + MARKS[classify(e, t.text, part_words, fixed[e.event], generic_words)]
                    for t in terms
                ]
                print(f"  {name}: " + "، ".join(marks))
            named = {e.actor_of(t.text) for t in shown["new"][e.event][:15]}
            print("  new misses: " + "، ".join(n for n, k, _ in e.actors if (n, k) not in named))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print(
        f"{report['clusters']} clusters, {report['actors']} labelled actors, {report['articles']} articles; "
        f"{report['machine']}, {report['date']}"
    )
    print(
        "| version | k | recall | precision | precision (people/places/orgs) | kind accuracy | fragments "
        "| generic | CPU ms/cluster |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        for k in KS:
            s = r[k]
            print(
                f"| {name} | {k} | {s['recall']:.3f} | {s['precision']:.3f} | {s['named_precision']:.3f} "
                f"({s['named_terms']}) | {s['kind_accuracy']:.3f} | {s['fragment_share']:.1%} | "
                f"{s['generic_share']:.1%} | {r['cpu_ms_per_cluster']:.2f} |"
            )
    print()
    for name, r in results.items():
        print(f"{name}: key_terms CPU {r['cpu_ms_per_dev_event']:.2f} ms per dev event of 2+ articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
