"""Mine the story trees' spelling-variant table (``khulasa/data/story_trees_variants.tsv``) from ANT.

Arabic news spells foreign names several ways (ترامب/ترمب, بوتين/بوتن, أمريكا/أميركا, جوارديولا/غوارديولا,
الإنجليزي/الإنكليزي), and each outlet keeps its own spelling, so two reports of one happening share the
name but not the term.  Worse, the stemmer can cut the variants differently (``بوتين`` -> ``بوت`` but
``بوتن`` -> ``وتن``).  ``khulasa.stories.trees`` folds such variants into one key before weighing them
(``khulasa.stories.trees.variants``); this script finds them statistically, with no list of names:

1. **Candidates by skeleton.**  Every word of the archive (title and text) is folded
   (``khulasa.text.normalize.normalize``), its leading article dropped (with a clitic: ``والامريكي`` ->
   ``امريكي``), and reduced to a *skeleton*: its first letter, then its other letters without long
   vowels and hamza carriers (ا و ي ء ئ ؤ), with the letters that transliterate *g* (غ ق ك ج) made one.
   Words of 4+ letters with the same skeleton (of 3+ letters) whose stems differ make a candidate:
   the stem of the less frequent form -> a stem of a more frequent one.  The minor stem must come from
   such words for at least ``--own`` of its occurrences (a stem that is also another word's is left
   alone), and both must be *name-like*: written with the article ``ال`` in at most ``--names`` of
   their occurrences (ترامب, never الترامب; this keeps inflected common words out).
2. **Kept if they behave as one name spelled by different outlets.**  Two spellings of one name are
   *used instead of each other*: they seldom appear in the same article (at most ``--together`` of the
   rarer's articles have both), their outlets differ (the total-variation distance between the
   outlets of their articles is at least ``--outlets``: each outlet keeps its house spelling), and
   they appear among the same words (the cosine of their positive-PMI co-occurrence vectors over the
   archive is at least ``--context``).  Both are in at least ``--min-df`` articles.  A minor stem
   keeps its best major (by context); chains go to their end.
3. **Entity keys** (folded names, ``e:`` keys): for each kept pair, the most frequent bare form of
   the minor stem -> that of the major stem.

With the defaults this keeps 11 pairs, all spellings of names (ترمب -> ترامب, بوتن -> بوتين, انكلترا ->
انجلترا, تشلسي, نتانياهو, دانيالز, غندوغان, بواتنغ, توخيل, مارغوري).  ``--outlets`` is 0.65: at 0.5 it
also kept Arabic words that are not variants (اشعر/اشعار 0.63, تحميل/تحمل 0.60, اقرا/اجري 0.56,
كتبها/كتابها 0.57-0.63): words every outlet writes differ in outlet mix only by topic, while a house
spelling is mostly one outlet's (ترمب 0.95, بوتن 0.83).  Names of 0.5-0.65 are left out with them
(اتليتكو, ديمبيلي, هكتور, جيرمان).

**Held out: nothing of it is read.**  The span 2018-06-10..2018-06-20 and the articles of the held-out
topic sets are dropped before counting, as for the document-frequency prior.  The table holds stems and
folded words with the two statistics, no text; ``t`` lines fold terms, ``e`` lines entity keys.

    python benchmarks/stories_trees_variants.py [--corpus ANT.tar.gz] [--cache DIR] [--out PATH] [--show]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import stories_quality  # noqa: E402

from khulasa.stories.trees.variants import VARIANTS_FORMAT  # noqa: E402
from khulasa.text.normalize import STOPWORDS, normalize  # noqa: E402
from khulasa.text.normalize import terms as stemmed_terms  # noqa: E402

OUT = ROOT / "khulasa" / "data" / "story_trees_variants.tsv"
VOWELS = frozenset("اويءئؤ")
G_LETTERS = str.maketrans({"غ": "ج", "ق": "ج", "ك": "ج"})
MIN_WORD = 4
MIN_SKELETON = 3


_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال")


def bare(word: str) -> str:
    """A folded word without a leading article (with its clitic: ``والامريكي`` -> ``امريكي``)."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_WORD:
            return word[len(prefix) :]
    return word


def skeleton(word: str) -> str | None:
    """The word's skeleton (see the module doc), or ``None`` for a word too short to fold safely."""
    word = bare(word)
    if len(word) < MIN_WORD or not word.isalpha() or word.isascii():
        return None
    word = word.translate(G_LETTERS)
    out = word[0] + "".join(c for c in word[1:] if c not in VOWELS)
    return out if len(out) >= MIN_SKELETON else None


def analyse(articles) -> tuple[int, Counter, dict, list[set[str]], Counter]:
    """Document frequency of each stem, (skeleton, stem) -> bare folded word counts, each article's stems,
    and per stem how many of its words (per article) carry the article ``ال``."""
    word_cache: dict[str, tuple[str, str | None, str | None, bool]] = {}
    articled: Counter[str] = Counter()
    df: Counter[str] = Counter()
    forms: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    docs: list[set[str]] = []
    for a in articles:
        stems: set[str] = set()
        for raw in set(f"{a.title}\n{a.text}".split()):
            entry = word_cache.get(raw)
            if entry is None:
                folded = "".join(c for c in normalize(raw) if c.isalpha())
                stems_of = stemmed_terms(raw)
                stem = stems_of[0] if len(stems_of) == 1 else None
                skel = skeleton(folded) if stem and folded not in STOPWORDS else None
                entry = (bare(folded), stem, skel, bare(folded) != folded)
                if len(word_cache) < 2_000_000:
                    word_cache[raw] = entry
            folded, stem, skel, with_article = entry
            if stem is None:
                continue
            stems.add(stem)
            if skel is not None:
                forms[(skel, stem)][folded] += 1
                articled[stem] += with_article
        df.update(stems)
        docs.append(stems)
    return len(articles), df, forms, docs, articled


def outlet(article_id: str) -> str:
    """The outlet of an ANT id (its prefix: ``AL-``, ``SK-``...)."""
    return article_id.split("-", 1)[0]


def mine(articles, min_df: int, own: float, together: float, context: float, spread: float,
         names: float) -> list[dict]:
    """Every candidate pair with its statistics; ``keep`` marks the chosen ones (the best major per minor)."""
    n, df, forms, docs, articled = analyse(articles)
    outlets = [outlet(a.id) for a in articles]
    by_skeleton: dict[str, dict[str, int]] = defaultdict(dict)
    stem_total: Counter[str] = Counter()
    for (skel, stem), words in forms.items():
        by_skeleton[skel][stem] = sum(words.values())
        stem_total[stem] += sum(words.values())
    shared: Counter[tuple[str, str]] = Counter()
    skeleton_of: dict[tuple[str, str], str] = {}
    best_count: Counter[tuple[str, str]] = Counter()
    for skel, stems in by_skeleton.items():
        ranked = sorted(stems, key=lambda s: (-df[s], s))
        for i, minor in enumerate(ranked[1:], 1):
            if df[minor] < min_df:
                continue
            for major in ranked[:i]:
                shared[(minor, major)] += stems[minor]
                if stems[minor] > best_count[(minor, major)]:
                    best_count[(minor, major)] = stems[minor]
                    skeleton_of[(minor, major)] = skel

    def name_like(stem: str) -> bool:
        """Seldom written with the article (names are: ترامب, not الترامب)."""
        return articled[stem] <= names * stem_total[stem]

    candidates = [
        (skeleton_of[(a, b)], a, b) for (a, b), c in shared.items()
        if c >= own * stem_total[a] and name_like(a) and name_like(b)
    ]
    wanted = {s for _, a, b in candidates for s in (a, b)}
    pairs = {(a, b) for _, a, b in candidates}
    partners: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        partners[a].add(b)
    cooc: dict[str, Counter[str]] = {s: Counter() for s in wanted}
    by_outlet: dict[str, Counter[str]] = {s: Counter() for s in wanted}
    both: Counter[tuple[str, str]] = Counter()
    for stems, source in zip(docs, outlets, strict=True):
        present = stems & wanted
        if not present:
            continue
        context_terms = [t for t in stems if df[t] >= 5]
        for s in present:
            cooc[s].update(context_terms)
            by_outlet[s][source] += 1
            for b in partners.get(s, ()):
                if b in present:
                    both[(s, b)] += 1

    def ppmi(s: str) -> dict[str, float]:
        """Positive pointwise mutual information of ``s`` with the words of its articles."""
        out = {}
        for t, c in cooc[s].items():
            value = math.log(c * n / (df[s] * df[t]))
            if value > 0:
                out[t] = value
        return out

    vectors = {s: ppmi(s) for s in wanted}
    rows = []
    for skel, minor, major in candidates:
        x, y = vectors[minor], vectors[major]
        keys = (x.keys() & y.keys()) - {minor, major}  # a word's own forms say nothing of its context
        dot = sum(x[t] * y[t] for t in keys)
        nx = math.sqrt(sum(v * v for t, v in x.items() if t not in (minor, major)))
        ny = math.sqrt(sum(v * v for t, v in y.items() if t not in (minor, major)))
        cos = dot / (nx * ny) if nx and ny else 0.0
        share = both[(minor, major)] / min(df[minor], df[major])
        ox, oy = by_outlet[minor], by_outlet[major]
        tv = 0.5 * sum(abs(ox[o] / df[minor] - oy[o] / df[major]) for o in ox.keys() | oy.keys())
        rows.append({"skeleton": skel, "minor": minor, "major": major,
                     "minor_word": forms[(skel, minor)].most_common(1)[0][0],
                     "major_word": forms[(skel, major)].most_common(1)[0][0],
                     "df_minor": df[minor], "df_major": df[major], "together": round(share, 3),
                     "context": round(cos, 3), "outlets": round(tv, 3),
                     "house": round(max(ox.values()) / df[minor], 3) if ox else 0.0,
                     "articled": [round(articled[s] / stem_total[s], 3) for s in (minor, major)],
                     "keep": cos >= context and share <= together and tv >= spread})
    best: dict[str, dict] = {}
    for r in rows:
        if r["keep"] and (r["minor"] not in best or r["context"] > best[r["minor"]]["context"]):
            best[r["minor"]] = r
    for r in rows:
        r["keep"] = best.get(r["minor"]) is r
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=stories_quality.CORPUS)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "khulasa-bench")
    parser.add_argument("--min-df", type=int, default=10)
    parser.add_argument("--own", type=float, default=0.8)
    parser.add_argument("--together", type=float, default=0.15)
    parser.add_argument("--context", type=float, default=0.3)
    parser.add_argument("--outlets", type=float, default=0.65)
    parser.add_argument("--names", type=float, default=0.2)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--show", action="store_true", help="print every candidate with its statistics")
    args = parser.parse_args()
    stories_quality.use_corpus(args.corpus)
    started = time.monotonic()
    articles = stories_quality.corpus_articles(args.cache)
    kept = stories_quality.outside_held_out(articles)
    rows = mine(kept, args.min_df, args.own, args.together, args.context, args.outlets, args.names)
    if args.show:
        for r in sorted(rows, key=lambda r: -r["context"]):
            print(json.dumps(r, ensure_ascii=False))
    chosen = sorted((r for r in rows if r["keep"]), key=lambda r: r["minor"])
    target = {r["minor"]: r["major"] for r in chosen}
    for r in chosen:  # a chain (a -> b -> c) goes to its end; majors are more frequent, so it ends
        while r["major"] in target:
            r["major"] = target[r["major"]]
    lines = [f"# {VARIANTS_FORMAT}", "# kind\tfrom\tto\tdf_from\tdf_to\ttogether\tcontext\toutlets"]
    entity: dict[str, tuple[str, dict]] = {}
    for r in chosen:
        lines.append(f"t\t{r['minor']}\t{r['major']}\t{r['df_minor']}\t{r['df_major']}\t{r['together']}\t{r['context']}\t{r['outlets']}")
        if r["minor_word"] != r["major_word"]:
            entity.setdefault(r["minor_word"], (r["major_word"], r))
    for word, (target, r) in sorted(entity.items()):
        lines.append(f"e\t{word}\t{target}\t{r['df_minor']}\t{r['df_major']}\t{r['together']}\t{r['context']}\t{r['outlets']}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps({"articles_read": len(articles), "articles_counted": len(kept), "candidates": len(rows),
                      "kept": len(chosen), "entity_lines": len(entity),
                      "seconds": round(time.monotonic() - started, 1)}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
