"""End to end, flat clusters against story trees: the embedded engine on the ANT archive, both in one run.

``StoryRun`` with ``--workers 2`` and default options, once with ``--clusterer flat`` and once with
``--clusterer trees`` (event signals in the workers, the trees in pass 2, each story summarized with
its events), on the first 5,000 articles and on the whole archive, flat and trees alternating.  Each
run is a fresh child process; each reports its CPU (main process and workers, and per article), the
time the main process waited for the pool's summaries, and the load average as it ended.

    python benchmarks/stories_trees_e2e.py [--corpus ANT.tar.gz] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khulasa.stories import StoryOptions, StoryRun  # noqa: E402
from khulasa.stories.engines import embedded as engine  # noqa: E402

# ../shared/data from the main checkout; from a worktree under ../wt/NAME one level further up
CORPUS = next((p for p in (b / "shared" / "data" / "ant-corpus-v2.1.tar.gz" for b in (ROOT.parent, ROOT.parent.parent))
               if p.exists()), ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz")


def child(kind: str, corpus: str, limit: int | None) -> dict[str, object]:
    if limit:
        read = engine.iter_articles
        engine.iter_articles = lambda paths, report=None: itertools.islice(read(paths, report=report), limit)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as work:
        report = StoryRun([corpus], StoryOptions(clusterer=kind), Path(work), workers=2).run()
    seconds = time.monotonic() - started
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "articles": report.articles,
        "stories": report.stories,
        "seconds": round(seconds, 1),
        "articles_per_s": round(report.articles / seconds, 1),
        "read_s": round(report.read_seconds, 1),
        "summary_wait_s": round(report.summarize_seconds, 1),  # pass 2: the main process waiting for the pool
        "cpu_main_s": round(own.ru_utime + own.ru_stime, 1),
        "cpu_workers_s": round(workers.ru_utime + workers.ru_stime, 1),
        "peak_main_mb": round(own.ru_maxrss / 1024, 1),
        "peak_worker_mb": round(workers.ru_maxrss / 1024, 1),
        "cpu_ms_per_article": round(1000 * (own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime)
                                    / max(1, report.articles), 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--child", choices=("flat", "trees"), help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, str(args.corpus), args.limit)))
        return 0
    results: dict[str, object] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    # flat and trees alternate, each size in turn: on a shared machine both see about the same load
    for limit in ([args.limit] if args.limit else [5000, None]):
        for kind in ("flat", "trees"):
            # the children run in the temporary directory: give them the corpus' absolute path
            command = [sys.executable, __file__, "--child", kind, "--corpus", str(args.corpus.resolve())]
            command += ["--limit", str(limit)] if limit else []
            done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=tempfile.gettempdir())
            results[f"{kind}_{limit or 'all'}"] = json.loads(done.stdout)
    for kind in ("flat", "trees") if not args.limit else ():
        small, full = results[f"{kind}_5000"], results[f"{kind}_all"]
        results[f"{kind}_5k_to_all_time_ratio"] = round(full["seconds"] / small["seconds"], 2)  # type: ignore[index]
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key, value in results.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
