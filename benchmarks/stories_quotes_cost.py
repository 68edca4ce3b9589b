"""What who said what and the outlet comparison cost ``khulasa stories``: the embedded engine on the first
5,000 ANT articles with and without ``--quotes --compare``, in one run.

Each measurement is a fresh child process (``StoryRun``, ``--clusterer trees``, 2 workers by default),
the two kinds alternating ``--runs`` times, so both see the same machine load.  Reported per kind: wall
seconds, CPU seconds of the main process and of the workers, articles per second, stories, and the size
of ``stories.jsonl``; then the CPU and wall ratio of quotes+compare to the plain run.  A figure such as
``1,867.5`` stops ``--compare`` today (``_mixed_separators_workaround``): this script reads it.

    python benchmarks/stories_quotes_cost.py [--corpus ANT.tar.gz] [--limit 5000] [--workers 2] [--runs 1] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# ../shared/data from the main checkout; from a worktree under ../wt/NAME one level further up
CORPUS = next((p for p in (b / "shared" / "data" / "ant-corpus-v2.1.tar.gz" for b in (ROOT.parent, ROOT.parent.parent))
               if p.exists()), ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz")
KINDS = {"plain": {}, "quotes+compare": {"quotes": True, "compare": True}}


def child(kind: str, corpus: str, limit: int, workers: int, clusterer: str) -> dict[str, object]:
    from khulasa.stories import StoryOptions, StoryRun
    from khulasa.stories.engines import embedded as engine

    read = engine.iter_articles
    engine.iter_articles = lambda paths, report=None: itertools.islice(read(paths, report=report), limit)
    options = StoryOptions.from_mapping({"clusterer": clusterer, **KINDS[kind]})
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        report = StoryRun([corpus], options, Path(work), workers=workers).run()
        size = os.path.getsize(Path(work) / "stories.jsonl")
    seconds = time.perf_counter() - started
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "articles": report.articles,
        "stories": report.stories,
        "seconds": round(seconds, 1),
        "articles_per_s": round(report.articles / seconds, 1),
        "cpu_main_s": round(own.ru_utime + own.ru_stime, 1),
        "cpu_workers_s": round(kids.ru_utime + kids.ru_stime, 1),
        "stories_jsonl_mb": round(size / 1e6, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=5000, help="the first N articles (default 5000)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clusterer", default="trees")
    parser.add_argument("--runs", type=int, default=1, help="alternating runs of each kind (default 1)")
    parser.add_argument("--child", choices=tuple(KINDS), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, str(args.corpus), args.limit, args.workers, args.clusterer)))
        return 0
    results: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_before": os.getloadavg(),
        "limit": args.limit, "workers": args.workers, "clusterer": args.clusterer,
    }
    runs: dict[str, list[dict]] = {k: [] for k in KINDS}
    for _ in range(args.runs):
        for kind in KINDS:
            print(f"running {kind} ...", file=sys.stderr, flush=True)
            cmd = [sys.executable, __file__, "--child", kind, "--corpus", str(args.corpus), "--limit",
                   str(args.limit), "--workers", str(args.workers), "--clusterer", args.clusterer]
            done = subprocess.run(cmd, check=True, capture_output=True, text=True)
            runs[kind].append(json.loads(done.stdout.strip().splitlines()[-1]))
    results["load_average_after"] = os.getloadavg()
    results["runs"] = runs

    def cpu(r: dict) -> float:
        return r["cpu_main_s"] + r["cpu_workers_s"]

    base, full = runs["plain"], runs["quotes+compare"]
    results["cpu_ratio"] = round(statistics.median(cpu(r) for r in full) / statistics.median(cpu(r) for r in base), 3)
    results["wall_ratio"] = round(statistics.median(r["seconds"] for r in full)
                                  / statistics.median(r["seconds"] for r in base), 3)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for kind, rs in runs.items():
            for r in rs:
                print(f"{kind:15s}: {r['articles']} articles, {r['stories']} stories in {r['seconds']} s "
                      f"({r['articles_per_s']}/s), CPU {r['cpu_main_s']} + workers {r['cpu_workers_s']} s, "
                      f"stories.jsonl {r['stories_jsonl_mb']} MB")
        print(f"quotes+compare / plain: CPU x{results['cpu_ratio']}, wall x{results['wall_ratio']}")
        print(f"load average before/after: {results['load_average_before']} / {results['load_average_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
