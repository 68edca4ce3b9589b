"""What quotes and outlet comparison add to ``khulasa.summarize``: warm latency, same run, same cluster.

The cluster is the 10-article EASC newspaper cluster of ``core_latency.py`` (EASC is not shipped with
Khulasa).  Two systems take turns, ``--repeat`` rounds of ``--runs`` runs each:

* ``summarize``: ``khulasa.summarize`` at 120 words (the core latency benchmark);
* ``summarize + quotes + compare``: ``khulasa.summarize`` with ``SummaryOptions(quotes=True,
  compare=True)``, the integrated path (``khulasa.voices``: quotes and disagreements over the pipeline's
  own sentences and units, one folded copy of each article shared, coverage and exclusives of the
  summary).

Medians of wall and CPU milliseconds; the added share is (with - without) / without.  A per-stage
table (CPU medians of the stages alone) shows where the time goes.

    python benchmarks/quotes_cost.py [--data ../shared/data/easc] [--repeat 20] [--runs 5]
"""

from __future__ import annotations

import dataclasses
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from core_latency import OPTIONS, arguments, interleaved_ms, news_cluster

import khulasa
from khulasa import compare, pipeline, quotes


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    articles = news_cluster(Path(args.data))
    wired = dataclasses.replace(OPTIONS, quotes=True, compare=True)

    def plain() -> None:
        khulasa.summarize(articles, options=OPTIONS)

    def extended() -> None:
        khulasa.summarize(articles, options=wired)

    (base_wall, base_cpu), (ext_wall, ext_cpu) = interleaved_ms(
        [plain, extended], repeats=[args.runs, args.runs], rounds=args.repeat
    )
    analysis = pipeline.analyze(articles)
    summary = khulasa.summarize(articles, options=OPTIONS)
    stages = {
        "quotes.extract_quotes": lambda: quotes.extract_quotes(analysis.articles, analysis.sentences),
        "compare.disagreements": lambda: compare.disagreements(
            analysis.articles, analysis.sentences, analysis.units
        ),
        "compare.coverage + exclusive": lambda: (compare.coverage(summary), compare.exclusive(summary)),
    }
    stage_cpu = {}
    for name, fn in stages.items():
        fn()
        times = []
        for _ in range(args.repeat * args.runs):
            start = time.process_time()
            fn()
            times.append((time.process_time() - start) * 1000)
        stage_cpu[name] = statistics.median(times)
    found = quotes.extract_quotes(analysis.articles, analysis.sentences)
    with open("/proc/cpuinfo") as fh:
        cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "?")
    print(
        f"date: {time.strftime('%Y-%m-%d')}; machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"
    )
    print(
        f"cluster: {len(articles)} EASC newspaper articles, {sum(len(a.text.split()) for a in articles)} words; "
        f"{len(found.quotes)} quotes, {len(found.speakers)} speakers; {args.repeat} rounds x {args.runs} runs"
    )
    print("| system | warm median wall (ms) | warm median CPU (ms) |\n|---|---:|---:|")
    print(f"| summarize (120 words) | {base_wall:.1f} | {base_cpu:.1f} |")
    print(f"| summarize + quotes + compare | {ext_wall:.1f} | {ext_cpu:.1f} |")
    print(
        f"added: {100 * (ext_wall - base_wall) / base_wall:.0f} % wall, "
        f"{100 * (ext_cpu - base_cpu) / base_cpu:.0f} % CPU (target: at most 30 %)"
    )
    print("| stage alone | median CPU (ms) |\n|---|---:|")
    for name, ms in stage_cpu.items():
        print(f"| {name} | {ms:.2f} |")


if __name__ == "__main__":
    main()
