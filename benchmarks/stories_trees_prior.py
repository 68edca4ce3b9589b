"""Build the story trees' document-frequency prior (``khulasa/data/story_trees_df.tsv.gz``) from ANT.

``khulasa.stories.trees`` weighs terms and names by IDF.  Counted over the run's own articles only,
IDF says nothing on a small input (five articles about one meeting: every word is in one to five of
them), so the clusterer tops the run's document frequencies up with this table to
``TreeOptions.prior_articles`` articles (``m = max(0, prior_articles - n)`` pseudo-articles): a small
run gets the IDF of Arabic news at large, and from its ``prior_articles``-th article on a run uses its
own counts alone (``khulasa.stories.trees.frequencies``).

**Held out: nothing of it is counted.**  The span 2018-06-10..2018-06-20 (``stories_quality.HELD_OUT``)
and the articles of the held-out topic sets are dropped before counting (below); the table is the
same for every run and was not tuned on anything held out.

What is counted, per article, exactly the keys the clusterer counts: the distinct stemmed terms of the
article (``features.extract``) and its entity (``e:``) and figure (``n:``) keys (``signals``), spelling
variants folded (``khulasa.stories.trees.variants``: rebuild the prior after the variant table).  Read:
the ANT archive (``../shared/data/ant-corpus-v2.1.tar.gz``) without the held-out span 2018-06-10..20
and without the articles of the held-out topic sets of ``benchmarks/stories_topics.json``.  Kept: the
keys in at least ``--min-df`` articles (a rarer key is rare under the prior anyway: it gets the
highest IDF), as ``key<TAB>df`` lines sorted by key, after two header lines: the format version and the
number of articles counted.  No text: stems and folded names with counts.

    python benchmarks/stories_trees_prior.py [--corpus ANT.tar.gz] [--cache DIR] [--min-df N] [--out PATH]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import stories_quality  # noqa: E402

from khulasa.stories.features import extract  # noqa: E402
from khulasa.stories.signals import extract_signals  # noqa: E402
from khulasa.stories.trees import PRIOR_FORMAT, signal_keys  # noqa: E402
from khulasa.stories.trees.variants import fold as fold_variants  # noqa: E402

OUT = ROOT / "khulasa" / "data" / "story_trees_df.tsv.gz"


def count(articles) -> tuple[int, Counter[str]]:
    """Articles counted and the document frequency of every key."""
    frequencies: Counter[str] = Counter()
    for seq, article in enumerate(articles):
        f, s = fold_variants(extract(article, seq), extract_signals(article))
        frequencies.update(f.terms)
        frequencies.update(signal_keys(s))
    return len(articles), frequencies


def write(path: Path, n: int, frequencies: Counter[str], min_df: int) -> int:
    kept = sorted((k, v) for k, v in frequencies.items() if v >= min_df)
    lines = [f"# {PRIOR_FORMAT}", f"# articles\t{n}", *(f"{k}\t{v}" for k, v in kept)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(data)  # mtime 0 and no name: the same counts give the same bytes
    return len(kept)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=stories_quality.CORPUS)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "khulasa-bench")
    parser.add_argument("--min-df", type=int, default=5)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    stories_quality.use_corpus(args.corpus)
    started = time.monotonic()
    articles = stories_quality.corpus_articles(args.cache)
    kept = stories_quality.outside_held_out(articles)
    n, frequencies = count(kept)
    keys = write(args.out, n, frequencies, args.min_df)
    print(json.dumps({"articles_read": len(articles), "articles_counted": n, "keys": len(frequencies),
                      "keys_kept": keys, "min_df": args.min_df, "bytes": args.out.stat().st_size,
                      "seconds": round(time.monotonic() - started, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
