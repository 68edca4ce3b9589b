"""Identical quotes and outlet comparison across a speed-up: one checkout's summaries with
``--quotes --compare`` (and without them) over a fixed set of clusters, or two checkouts compared.

The clusters (benchmark data, not shipped with Khulasa):

- the example cluster (``examples/putin-erdogan``);
- every EASC article alone (153), the 10-article EASC newspaper cluster of ``core_latency.py`` and each
  EASC category (``Art and Music``, ``politics``...) as one cluster of its first 10 articles;
- the labelled ANT event clusters of ``benchmarks/data/stories_dev`` (``devsets.dev_events``: 246
  events of 2 to 20 news articles).

For each cluster, the JSON summary (``khulasa.render.json``) at 120 words: plain (the flags off),
with ``quotes`` and ``compare`` (quotes, speakers, coverage, exclusive, disagreements), and with
``speaker`` set to the most quoted speaker's name (the speaker focus).

    python benchmarks/quotes_identical.py run OUT.jsonl [--repo DIR] [--data DIR]
    python benchmarks/quotes_identical.py compare A.jsonl B.jsonl
    python benchmarks/quotes_identical.py check REV [--data DIR]   # REV's outputs vs the working tree's
    python benchmarks/quotes_identical.py seeds [--seeds 1 3] [--data DIR]  # this tree under two hash seeds

``check`` makes a temporary ``git worktree`` of REV, runs this script in both trees with this
interpreter (each tree's ``khulasa`` first on ``sys.path``) and compares.  Exit status 0 when every
output is identical, 1 otherwise.

``run`` runs with ``PYTHONHASHSEED=--seed`` (0 unless told; it starts itself again when the variable
differs) so that two revisions are compared under the same seed.  Outputs must not depend on the
seed (Spark executors and worker processes each have their own): ``seeds`` runs this tree under two
seeds and compares (at 2da946a speaker grouping in one of the 246 ANT events depended on it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = next(
    (d for d in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data") if d.exists()),
    ROOT.parent / "shared" / "data",
)


def _clusters(data: Path) -> Iterator[tuple[str, list]]:
    import khulasa

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import devsets
    from core_latency import news_cluster

    yield "example", khulasa.load([str(ROOT / "examples" / "putin-erdogan")])
    easc = data / "easc"
    if easc.exists():
        paths = sorted((easc / "EASC-UTF-8" / "Articles").glob("*/*"))
        categories: dict[str, list] = defaultdict(list)
        for path in paths:
            articles = khulasa.load([str(path)])
            yield f"easc/{path.parent.name}", articles
            categories[path.stem.split("(")[0].strip().lower()].extend(articles)
        yield "easc-news-10", news_cluster(easc)
        for name, articles in sorted(categories.items()):
            yield f"easc-category/{name}", articles[:10]
    corpus = data / "ant-corpus-v2.1.tar.gz"
    if corpus.exists():
        events = devsets.dev_events(2)
        found = devsets.load_articles({i for ids in events.values() for i in ids}, corpus)
        for event, ids in events.items():
            yield f"ant/{event}", [found[i] for i in ids if i in found]


def run(out: Path, data: Path) -> None:
    import dataclasses

    import khulasa
    from khulasa.errors import KhulasaError
    from khulasa.render.json import to_json

    base = khulasa.SummaryOptions(words=120)
    wired = dataclasses.replace(base, quotes=True, compare=True)
    n = 0
    start = time.perf_counter()
    with out.open("w", encoding="utf-8") as fh:
        for name, articles in _clusters(data):
            record: dict = {"cluster": name}
            try:
                record["plain"] = to_json(khulasa.summarize(articles, options=base), indent=None)
                summary = khulasa.summarize(articles, options=wired)
                record["quotes+compare"] = to_json(summary, indent=None)
                if summary.speakers:
                    focused = dataclasses.replace(wired, speaker=summary.speakers[0].name)
                    record["speaker"] = to_json(khulasa.summarize(articles, options=focused), indent=None)
            except KhulasaError as e:
                record["error"] = f"{type(e).__name__}: {e}"
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    print(f"{n} clusters -> {out} ({time.perf_counter() - start:.1f} s)")


def compare(a: Path, b: Path) -> int:
    left = a.read_text(encoding="utf-8").splitlines()
    right = b.read_text(encoding="utf-8").splitlines()
    differ = 0
    for x, y in zip(left, right, strict=False):
        if x != y:
            differ += 1
            rx, ry = json.loads(x), json.loads(y)
            keys = [k for k in sorted(set(rx) | set(ry)) if rx.get(k) != ry.get(k)]
            print(f"differs: {rx.get('cluster')} ({', '.join(keys)})")
    if len(left) != len(right):
        print(f"cluster counts differ: {len(left)} vs {len(right)}")
        differ += 1
    outputs = sum(len(json.loads(x)) - 1 for x in left)
    print(f"{len(left)} clusters, {outputs} outputs: {'identical' if not differ else f'{differ} differ'}")
    return 1 if differ else 0


def seeds(first: int, second: int, data: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="khulasa-quotes-") as tmp:
        outs = []
        for seed in (first, second):
            out = Path(tmp) / f"seed-{seed}.jsonl"
            subprocess.run(
                [sys.executable, __file__, "run", str(out), "--data", str(data), "--seed", str(seed)],
                check=True,
            )
            outs.append(out)
        return compare(*outs)


def check(rev: str, data: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="khulasa-quotes-") as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), rev], check=True)
        try:
            outs = []
            for repo, name in ((old, "old.jsonl"), (ROOT, "new.jsonl")):
                out = Path(tmp) / name
                subprocess.run(
                    [sys.executable, __file__, "run", str(out), "--repo", str(repo), "--data", str(data)],
                    check=True,
                )
                outs.append(out)
            return compare(*outs)
        finally:
            with contextlib.suppress(subprocess.CalledProcessError):
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run")
    p_run.add_argument("out", type=Path)
    p_run.add_argument("--repo", type=Path, default=ROOT)
    p_run.add_argument("--data", type=Path, default=DATA)
    p_run.add_argument("--seed", type=int, default=0, help="PYTHONHASHSEED of the run (default 0)")
    p_cmp = sub.add_parser("compare")
    p_cmp.add_argument("a", type=Path)
    p_cmp.add_argument("b", type=Path)
    p_chk = sub.add_parser("check")
    p_chk.add_argument("rev")
    p_chk.add_argument("--data", type=Path, default=DATA)
    p_seeds = sub.add_parser("seeds")
    p_seeds.add_argument("--seeds", type=int, nargs=2, default=[1, 3])
    p_seeds.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    if args.command == "run":
        if os.environ.get("PYTHONHASHSEED") != str(args.seed):
            env = {**os.environ, "PYTHONHASHSEED": str(args.seed)}
            sys.exit(subprocess.run([sys.executable, *sys.argv], env=env, check=False).returncode)
        sys.path.insert(0, str(args.repo.resolve()))
        import khulasa

        assert Path(khulasa.__file__).resolve().parent == args.repo.resolve() / "khulasa", khulasa.__file__
        run(args.out, args.data.resolve())
    elif args.command == "compare":
        sys.exit(compare(args.a, args.b))
    elif args.command == "seeds":
        sys.exit(seeds(*args.seeds, args.data.resolve()))
    else:
        sys.exit(check(args.rev, args.data.resolve()))


if __name__ == "__main__":
    main()
