"""End to end with the story trees, before they are integrated: the embedded engine with the trees swapped in.

Until the engines run ``khulasa.stories.trees`` (after the redesign of issue 12), this measures what
they will cost: ``StoryRun`` with ``--workers 2`` on the ANT archive, once as it is (flat clusters) and
once with (1) the features of pass 1 carrying the event signals (computed in the workers) and (2)
pass 2 feeding ``TreeClusterer`` and summarizing each closed story tree as one story (its
``assignment()``, the record as today: no per-event summaries yet).  Each run is a fresh child process;
the swap is done by replacing ``extract`` and ``new_clusterer`` in the embedded engine's module, in
that process only.
Delete this script once the engine runs the trees.

    python benchmarks/stories_trees_e2e.py [--corpus ANT.tar.gz] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khulasa.stories import StoryOptions, StoryRun  # noqa: E402
from khulasa.stories import features as features_module  # noqa: E402
from khulasa.stories.engines import embedded as engine  # noqa: E402
from khulasa.stories.signals import EventSignals, extract_signals  # noqa: E402
from khulasa.stories.trees import TreeClusterer  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz"
PLAIN_EXTRACT = features_module.extract


@dataclasses.dataclass(frozen=True)
class WithSignals(features_module.ArticleFeatures):
    """Features that carry the event signals (module level: the workers unpickle them)."""

    signals: EventSignals | None = None


def extract_with_signals(article, seq, date=None) -> WithSignals:
    f = PLAIN_EXTRACT(article, seq, date)
    fields = {n.name: getattr(f, n.name) for n in dataclasses.fields(features_module.ArticleFeatures)}
    return WithSignals(**fields, signals=extract_signals(article))


class Trees:
    """The ``cluster.Clusterer`` protocol over ``TreeClusterer``: closed trees as flat assignments."""

    def __init__(self, options, frequencies) -> None:
        self.trees = TreeClusterer()

    def add(self, f):
        return [t.assignment() for t in self.trees.add(f, f.signals)]

    def finish(self):
        return [t.assignment() for t in self.trees.finish()]


def child(kind: str, corpus: str, limit: int | None) -> dict[str, object]:
    if limit:
        read = engine.iter_articles
        engine.iter_articles = lambda paths, report=None: itertools.islice(read(paths, report=report), limit)
    if kind == "trees":
        features_module.extract = extract_with_signals  # the workers' features_payloads (forked after this)
        engine.extract = extract_with_signals
        engine.new_clusterer = Trees
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as work:
        report = StoryRun([corpus], StoryOptions(), Path(work), workers=2).run()
    seconds = time.monotonic() - started
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "articles": report.articles,
        "stories": report.stories,
        "seconds": round(seconds, 1),
        "articles_per_s": round(report.articles / seconds, 1),
        "cpu_main_s": round(own.ru_utime + own.ru_stime, 1),
        "cpu_workers_s": round(workers.ru_utime + workers.ru_stime, 1),
        "peak_main_mb": round(own.ru_maxrss / 1024, 1),
        "peak_worker_mb": round(workers.ru_maxrss / 1024, 1),
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
    for kind in ("flat", "trees"):
        for limit in ([args.limit] if args.limit else [5000, None]):
            command = [sys.executable, __file__, "--child", kind, "--corpus", str(args.corpus)]
            command += ["--limit", str(limit)] if limit else []
            done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=tempfile.gettempdir())
            results[f"{kind}_{limit or 'all'}"] = json.loads(done.stdout)
        if not args.limit:
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
