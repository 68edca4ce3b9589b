"""Warm latency of ``khulasa.summarize`` against sumy 0.13 LexRank on the same sentences, same run.

Reads ``../shared/data/easc`` (EASC, not shipped with Khulasa): the first newspaper articles (Alrai and
Alwatan, per ``SOURCES.CSV``) in sorted order until about 3,300 words, as one 10-article cluster.
Both systems get a 120-word budget; sumy is given Khulasa's sentences (``khulasa.baselines``), so the
time compared is ranking + selection, not reading.  Timings are medians of repeated warm runs.

    python benchmarks/core_latency.py [--data ../shared/data/easc] [--repeat 30]
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
from khulasa import baselines
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


def median_ms(fn, repeat: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of warm runs (CPU time is steadier on a shared machine)."""
    fn()  # warm: imports, caches
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "easc"))
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    articles = news_cluster(Path(args.data))
    options = SummaryOptions(words=120)
    n_words = sum(len(a.text.split()) for a in articles)
    n_sentences = len(baselines.candidates(articles))
    lexrank = baselines.get("lexrank")
    ours = median_ms(lambda: khulasa.summarize(articles, options=options), args.repeat)
    theirs = median_ms(lambda: lexrank(articles, options), max(3, args.repeat // 5))
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
