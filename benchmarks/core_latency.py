"""Warm latency of ``khulasa.summarize`` against sumy 0.13 LexRank on the same sentences, same run.

Reads ``../shared/data/easc`` (EASC, not shipped with Khulasa): the first newspaper articles (Alrai and
Alwatan, per ``SOURCES.CSV``) in sorted order until about 3,300 words, as one 10-article cluster.
Both systems get a 120-word budget; sumy is given Khulasa's sentences (``khulasa.eval.baselines``: its time
includes Khulasa's segmentation, normalization and stemming of the articles), so neither side reads files.  Timings are medians of warm runs, the two systems
taking turns.

    python benchmarks/core_latency.py [--data ../shared/data/easc] [--repeat 30]
    python benchmarks/core_latency.py --against ea97115 [--repeat 30]

``--repeat`` is the number of rounds; each round runs Khulasa 5 times and LexRank once.  With
``--against REV`` it compares Khulasa alone, old code (``git archive REV``) against this checkout, in
the same run: the two take turns in child processes (``--repeat`` turns each, 20 summaries per turn
after 3 to warm up, the two codes starting turns alternately), and the table gives the median over all
their warm summaries.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import statistics
import time
from pathlib import Path

import khulasa
from khulasa.options import SummaryOptions

ROOT = Path(__file__).resolve().parent.parent


def news_cluster(easc: Path, n_articles: int = 10) -> list[khulasa.Article]:
    with open(easc / "SOURCES.CSV", encoding="utf-8-sig") as fh:
        news = {
            row["Article"].strip().lower()
            for row in csv.DictReader(fh)
            if "newspaper" in (row["Source Name"] or "").lower()
        }
    chosen = []
    for path in sorted((easc / "EASC-UTF-8" / "Articles").glob("*/*")):
        name = path.stem.replace("(", "").replace(")", "").strip().lower()
        if name in news:
            chosen.extend(khulasa.load([str(path)]))
        if len(chosen) == n_articles:
            break
    return chosen


def interleaved_ms(fns: list, repeats: list[int], rounds: int) -> list[tuple[float, float]]:
    """Median wall and CPU milliseconds of warm runs of each function.

    The functions take turns in ``rounds`` rounds (``repeats[i]`` runs of function ``i`` per round), so
    a burst of load on this shared machine hits every system alike; CPU time is steadier than wall.
    """
    for fn in fns:
        fn()  # warm: imports, caches
    wall: list[list[float]] = [[] for _ in fns]
    cpu: list[list[float]] = [[] for _ in fns]
    for _ in range(rounds):
        for k, fn in enumerate(fns):
            for _ in range(repeats[k]):
                start, start_cpu = time.perf_counter(), time.process_time()
                fn()
                wall[k].append((time.perf_counter() - start) * 1000)
                cpu[k].append((time.process_time() - start_cpu) * 1000)
    return [(statistics.median(w), statistics.median(c)) for w, c in zip(wall, cpu, strict=True)]


OPTIONS = SummaryOptions(words=120)
"""The budget both systems get."""


def arguments(description: str | None) -> argparse.ArgumentParser:
    """A command line with ``--data``, the EASC directory the cluster comes from."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "easc"))
    return parser


def against(revision: str, data: str, turns: int) -> None:
    """Old code against new, alternating child processes that each time 5 warm summaries."""
    import json
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory(prefix="khulasa-latency-") as tmp:
        old = Path(tmp)
        archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        times: dict[str, list[list[float]]] = {"old": [], "new": []}
        for turn in range(turns):
            codes = [("old", old), ("new", ROOT)]
            for name, code in codes if turn % 2 == 0 else codes[::-1]:  # neither always goes first
                out = subprocess.run(
                    [sys.executable, __file__, "--data", data, "--child"], env={**os.environ, "PYTHONPATH": str(code)},
                    capture_output=True, text=True, check=True,
                ).stdout
                times[name].append(json.loads(out))
    print(f"date: {time.strftime('%Y-%m-%d')}; {turns} turns each, {CHILD_RUNS} warm summaries per turn")
    print("| code | warm median wall (ms) | warm median CPU (ms) |\n|---|---:|---:|")
    for name, label in (("old", f"old ({revision})"), ("new", "new")):
        wall = statistics.median(w for turn in times[name] for w in turn[0])
        cpu = statistics.median(c for turn in times[name] for c in turn[1])
        print(f"| {label} | {wall:.1f} | {cpu:.1f} |")


CHILD_RUNS = 20


def child(data: str) -> None:
    """One turn of ``--against``: ``CHILD_RUNS`` warm summaries, their wall and CPU milliseconds as JSON."""
    import json

    articles = news_cluster(Path(data))
    for _ in range(3):
        khulasa.summarize(articles, options=OPTIONS)  # warm
    wall, cpu = [], []
    for _ in range(CHILD_RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        khulasa.summarize(articles, options=OPTIONS)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(json.dumps([wall, cpu]))


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--against", metavar="REV", help="compare Khulasa with the code of git revision REV")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.data)
    if args.against:
        return against(args.against, args.data, args.repeat)
    from khulasa.eval import baselines  # here: --against children run this file on older code

    articles = news_cluster(Path(args.data))
    n_words = sum(len(a.text.split()) for a in articles)
    n_sentences = len(baselines.candidates(articles))
    lexrank = baselines.get("lexrank")
    ours, theirs = interleaved_ms(
        [lambda: khulasa.summarize(articles, options=OPTIONS), lambda: lexrank(articles, OPTIONS)],
        repeats=[5, 1],
        rounds=args.repeat,
    )
    with open("/proc/cpuinfo") as fh:
        cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "?")
    print(
        f"date: {time.strftime('%Y-%m-%d')}; machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"
    )
    print(
        f"cluster: {len(articles)} EASC newspaper articles, {n_words} words, {n_sentences} candidate sentences"
    )
    print("| system | warm median wall (ms) | warm median CPU (ms) |\n|---|---:|---:|")
    print(f"| khulasa.summarize (120 words) | {ours[0]:.1f} | {ours[1]:.1f} |")
    print(f"| sumy 0.13 LexRank, same sentences (120 words) | {theirs[0]:.1f} | {theirs[1]:.1f} |")
    print(f"speed-up: {theirs[0] / ours[0]:.1f}x wall, {theirs[1] / ours[1]:.1f}x CPU")


if __name__ == "__main__":
    main()
