"""Where ``khulasa.summarize`` spends its time: each stage timed inside real calls.

Reads ``../shared/data/easc`` (not shipped with Khulasa): the cluster of ``core_latency.py``.  The
functions the pipeline calls are wrapped with timers and ``khulasa.summarize`` runs as usual, so each
stage sees the CPU caches that a real call leaves it (timed alone, with warm caches, stages run up to
twice as fast).  Prints each stage's fastest time over the runs, and the fastest whole call.

    python benchmarks/core_stages.py [--data ../shared/data/easc] [--runs 300]
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core_latency import OPTIONS, arguments, news_cluster

import khulasa
from khulasa import dedup, order, pipeline, readable, score, select

# (label, object holding the function, attribute name) in pipeline order
STAGES = [
    ("segmentation (splitting, terms, script test)", pipeline, "segment"),
    ("term ids", dedup.TermIds, "of"),
    ("grouping into units", dedup, "group_sentences"),
    ("duplicate articles", dedup, "duplicate_articles"),
    ("unit member table", score.UnitMembers, "of"),
    ("salience", score, "score_units"),
    ("concepts", score, "concepts"),
    ("readable plan (antecedents, speaker names)", readable, "plan"),
    ("readable selection program", readable, "problem"),
    ("redundancy pairs", dedup, "few_similar_pairs"),
    ("selection", select, "choose"),
    ("order", order, "order_units"),
]


def _timed(fn: Callable[..., Any], spent: dict[str, float], label: str) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[label] += time.perf_counter() - start

    return timed


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    articles = news_cluster(Path(args.data))
    spent: dict[str, float] = defaultdict(float)
    for label, owner, name in STAGES:
        wrapped = _timed(getattr(owner, name), spent, label)
        setattr(owner, name, staticmethod(wrapped) if isinstance(owner, type) else wrapped)
    for _ in range(5):
        khulasa.summarize(articles, options=OPTIONS)  # warm
    best: dict[str, float] = defaultdict(lambda: float("inf"))
    for _ in range(args.runs):
        spent.clear()
        start = time.perf_counter()
        khulasa.summarize(articles, options=OPTIONS)
        total = time.perf_counter() - start
        best["whole call"] = min(best["whole call"], total)
        best["everything else"] = min(best["everything else"], total - sum(spent.values()))
        for label, value in spent.items():
            best[label] = min(best[label], value)
    print(f"fastest of {args.runs} calls, ms (each stage timed inside the whole call)\n| stage | ms |\n|---|---:|")
    for label in [*(label for label, _, _ in STAGES), "everything else", "whole call"]:
        print(f"| {label} | {best[label] * 1000:.2f} |")


if __name__ == "__main__":
    main()
