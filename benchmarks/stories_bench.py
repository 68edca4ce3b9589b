"""Throughput and memory of ``khulasa stories`` (embedded engine) on the ANT corpus.

Reads ../shared/data/ant-corpus-v2.1.tar.gz (30.5k articles; not part of the repo).  Each measurement
runs in a fresh child process, one after the other in the same invocation, so peak memory (max RSS) is
its own:

- ``floor``: just read the archive and tokenize every text (``khulasa.text.normalize.tokenize``);
- ``cluster``: the embedded engine without the per-story summaries (read, features, spool, duplicates,
  clustering, a record of ids per story): the engine's own cost;
- ``stories``: the whole embedded run, end to end (read, features, spool, cluster, summarize every
  story with timeline and actors, write JSONL), like ``khulasa stories ANT -o out.jsonl --workers N``
  (with ``N > 1`` the workers compute the features of pass 1 and the summaries of pass 2);
- the same on the first 5,000 articles, for the 5k -> 30k time ratio.

    python benchmarks/stories_bench.py [--workers N] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz"


def _limited(limit: int | None):
    """Make the engine read only the first ``limit`` articles (a prefix of the archive)."""
    from khulasa.stories.engines import embedded as engine

    if limit:
        real = engine.iter_articles
        engine.iter_articles = lambda paths, report=None: itertools.islice(real(paths, report=report), limit)


def child(kind: str, limit: int | None, workers: int, options: dict) -> dict:
    sys.path.insert(0, str(ROOT))
    started = time.monotonic()
    if kind == "floor":
        from khulasa.ingest import iter_articles
        from khulasa.text.normalize import tokenize

        n = tokens = 0
        for article in itertools.islice(iter_articles([str(CORPUS)]), limit):
            tokens += len(tokenize(article.text))
            n += 1
        out = {"articles": n, "tokens": tokens}
    else:
        from khulasa.stories import StoryOptions, StoryRun
        from khulasa.stories.engines import embedded as engine
        from khulasa.stories.run import record_line

        _limited(limit)
        if kind == "cluster":
            engine.story_line = lambda a, arts, o: record_line(
                {"story_id": a.story_id, "articles": [m.id for m in a.members]})
        with tempfile.TemporaryDirectory() as work:
            report = StoryRun([str(CORPUS)], StoryOptions.from_mapping(options), Path(work),
                              workers=workers).run()
            out = report.to_dict()
            out["stories_file_mb"] = round(os.path.getsize(Path(work) / "stories.jsonl") / 1e6, 1)
            del out["skipped_inputs"]
    seconds = time.monotonic() - started
    out["seconds"] = round(seconds, 2)
    out["articles_per_second"] = round(out["articles"] / seconds, 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["peak_rss_workers_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    out["cpu_seconds"] = round(own.ru_utime + own.ru_stime, 1)
    out["cpu_seconds_workers"] = round(workers.ru_utime + workers.ru_stime, 1)
    return out


def run_child(kind: str, limit: int | None, workers: int, options: dict) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--workers", str(workers), "--options", json.dumps(options)]
    if limit:
        cmd += ["--limit", str(limit)]
    print(f"running {kind} (limit={limit or 'all'}, workers={workers}) ...", file=sys.stderr, flush=True)
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--small", type=int, default=5000, help="the small run of the ratio (default 5000)")
    parser.add_argument("--options", default="{}", help="StoryOptions as JSON")
    parser.add_argument("--child", choices=("floor", "cluster", "stories"), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    options = json.loads(args.options)
    if args.child:
        print(json.dumps(child(args.child, args.limit, args.workers, options)))
        return 0
    print(f"reading {CORPUS}", file=sys.stderr)
    results = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_before": os.getloadavg(),
        "options": options,
        "workers": args.workers,
        "floor": run_child("floor", args.limit, 1, options),
        "cluster": run_child("cluster", args.limit, 1, options),
        "stories": run_child("stories", args.limit, args.workers, options),
        "small": run_child("stories", args.small, args.workers, options),
        "load_average_after": os.getloadavg(),
    }
    results["cluster_ratio_to_floor"] = round(
        results["floor"]["articles_per_second"] / results["cluster"]["articles_per_second"], 2
    )
    results["ratio_to_floor"] = round(
        results["floor"]["articles_per_second"] / results["stories"]["articles_per_second"], 2
    )
    results["time_ratio_small_to_full"] = round(results["stories"]["seconds"] / results["small"]["seconds"], 2)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        f, c, s, m = results["floor"], results["cluster"], results["stories"], results["small"]
        print(f"floor   : {f['articles']} articles in {f['seconds']} s = {f['articles_per_second']}/s, "
              f"peak {f['peak_rss_mb']} MB")
        print(f"cluster : {c['articles']} articles in {c['seconds']} s = {c['articles_per_second']}/s, "
              f"peak {c['peak_rss_mb']} MB; {c['stories']} stories")
        print(f"stories : {s['articles']} articles in {s['seconds']} s = {s['articles_per_second']}/s, "
              f"peak {s['peak_rss_mb']} MB (+workers {s['peak_rss_workers_mb']} MB); "
              f"{s['stories']} stories, {s['duplicates']} duplicates; read+features {s['read_seconds']} s, "
              f"waiting for summaries {s['summarize_seconds']} s; CPU {s['cpu_seconds']} s "
              f"+ workers {s['cpu_seconds_workers']} s")
        print(f"small   : {m['articles']} articles in {m['seconds']} s = {m['articles_per_second']}/s")
        print(f"floor/stories speed ratio: {results['ratio_to_floor']}; "
              f"time ratio {s['articles']}/{m['articles']} articles: {results['time_ratio_small_to_full']}")
        print(f"load average before/after: {results['load_average_before']} / {results['load_average_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
