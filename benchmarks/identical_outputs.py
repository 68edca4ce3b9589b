"""Byte-identical outputs across a refactoring: run one checkout's CLI and HTTP API over a fixed set of
inputs, or compare two checkouts' outputs file by file.

What is produced (everything through public entry points that a refactoring must keep: the CLI's
``main(argv)`` and the HTTP app), each into its own file under ``OUT``:

- the example cluster (``examples/putin-erdogan``) at 60, 120 and 300 words in all four formats, plain
  and with ``--timeline --key-terms``;
- every EASC article (``../shared/data/easc``, 153 articles) summarized alone, JSON;
- ``khulasa stories`` JSONL and HTML on the first N ANT articles (``../shared/data/ant-corpus-v2.1.tar.gz``,
  default 4,000), with the embedded engine (1 and 2 workers) and, with ``--spark``, the Spark engine;
- ``POST /v1/summarize`` JSON (and ``?format=html``) for the example cluster, when the ``[serve]`` extra
  is installed.

Run reports (``report.json``, ``report.txt``) hold timings and are left out of the comparison.

    python benchmarks/identical_outputs.py run OUT [--repo DIR] [--ant-articles 4000] [--spark] [--data DIR]
    python benchmarks/identical_outputs.py compare OUT_A OUT_B
    python benchmarks/identical_outputs.py check REV [--spark] [--data DIR]   # REV's outputs vs the working tree's

``--data`` is the benchmark data directory (default ``../shared/data`` beside the checkout; a
``git worktree`` elsewhere names it).

``check`` makes a temporary ``git worktree`` of REV, runs both trees with this interpreter (the
dependencies are shared; each tree's own ``khulasa`` package is first on ``sys.path``) and compares.
Exit status 0 when every file is identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared/data from the main checkout; from a worktree under ../wt/NAME it is one level further up.
DATA = next((d for d in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data") if d.exists()),
            ROOT.parent / "shared" / "data")
EXAMPLE = "examples/putin-erdogan"
FORMATS = {"text": "txt", "markdown": "md", "json": "json", "html": "html"}
VOLATILE = frozenset({"report.json", "report.txt"})
"""Run reports: they hold timings."""

# The driver runs inside the checked-out tree (its ``khulasa`` first on sys.path) and uses only the
# CLI's ``main(argv)`` and the HTTP app factory, which every layout of the package keeps.
DRIVER = r"""
import contextlib, io, json, os, sys
repo, out, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sys.path.insert(0, repo)
os.chdir(repo)
from khulasa.cli import main
import khulasa
assert os.path.dirname(os.path.abspath(khulasa.__file__)) == os.path.join(os.path.abspath(repo), "khulasa"), khulasa.__file__

def cli(argv, name=None):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(argv)
    if name is not None:
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            f.write(buffer.getvalue())
    with open(os.path.join(out, "exit-codes.txt"), "a", encoding="utf-8") as f:
        f.write(f"{code} {' '.join(argv).replace(out, 'OUT')}\n")

for words in (60, 120, 300):
    for fmt, ext in spec["formats"].items():
        cli(["summarize", spec["example"], "--words", str(words), "-f", fmt], f"example-{words}.{ext}")
        cli(["summarize", spec["example"], "--words", str(words), "-f", fmt, "--timeline", "--key-terms"],
            f"example-{words}-extras.{ext}")
for i, path in enumerate(spec["easc"]):
    cli(["summarize", path, "-f", "json", "-o", os.path.join(out, f"easc-{i:03d}.json")])
if spec["ant"]:
    for engine, workers in spec["engines"]:
        tag = f"{engine}-{workers}"
        extra = ["--workers", str(workers)] if engine == "embedded" else []
        cli(["stories", spec["ant"], "--engine", engine, "-q", *extra, "-o", os.path.join(out, f"stories-{tag}.jsonl")])
        cli(["stories", spec["ant"], "--engine", engine, "-q", *extra, "-f", "html", "-o", os.path.join(out, f"site-{tag}")])
try:
    from fastapi.testclient import TestClient
except ImportError:
    TestClient = None
if TestClient is not None:
    from khulasa.serve.app import create_app
    client = TestClient(create_app())
    articles = []
    for a in khulasa.load([spec["example"]]):
        articles.append({"id": a.id, "text": a.text, "source": a.source, "title": a.title,
                         "date": a.date.isoformat() if a.date else None, "url": a.url})
    for query, name in (("", "http-summarize.json"), ("?format=html", "http-summarize.html")):
        response = client.post("/v1/summarize" + query, json={"articles": articles, "options": {"words": 120}})
        with open(os.path.join(out, name), "wb") as f:
            f.write(f"{response.status_code}\n".encode() + response.content)
"""


def ant_jsonl(n: int, target: Path, data: Path = DATA) -> Path | None:
    """The first ``n`` ANT articles (archive order) as one TREC file per member, in a plain directory.

    The members are copied as they are (bytes), so both checkouts read the very same input with their
    own ingest.
    """
    archive = data / "ant-corpus-v2.1.tar.gz"
    if n <= 0 or not archive.exists():
        return None
    directory = target / "ant-input"
    if directory.exists():
        return directory
    directory.mkdir(parents=True)
    taken = 0
    with tarfile.open(archive, "r|gz") as tar:
        for info in tar:
            if not info.isfile() or not info.name.endswith(".txt") or "README" in info.name:
                continue
            data = tar.extractfile(info)
            if data is None:
                continue
            (directory / f"{taken:05d}-{Path(info.name).name}").write_bytes(data.read())
            taken += 1
            if taken >= n:
                break
    return directory


def easc_articles(data: Path = DATA) -> list[str]:
    articles = data / "easc" / "EASC-UTF-8" / "Articles"
    return [str(p) for p in sorted(articles.glob("*/*"))] if articles.exists() else []


def run(repo: Path, out: Path, *, ant_articles: int, spark: bool, shared: Path, data: Path = DATA) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if not data.exists():
        print(f"no benchmark data at {data}: EASC and ANT (stories) are left out", file=sys.stderr)
    ant = ant_jsonl(ant_articles, shared, data)
    engines = [("embedded", 1), ("embedded", 2)] + ([("spark", 0)] if spark else [])
    spec = {
        "formats": FORMATS,
        "example": EXAMPLE,
        "easc": easc_articles(data),
        "ant": str(ant) if ant else None,
        "engines": engines,
    }
    env = {**os.environ, "PYTHONPATH": str(repo), "SPARK_LOCAL_IP": "127.0.0.1"}
    subprocess.run(
        [sys.executable, "-c", DRIVER, str(repo), str(out.resolve()), json.dumps(spec)],
        check=True, env=env, cwd=repo,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def compare(a: Path, b: Path) -> list[str]:
    """Paths (relative) that differ or exist on one side only; run reports are skipped."""
    def files(root: Path) -> set[str]:
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name not in VOLATILE}

    left, right = files(a), files(b)
    problems = [f"only in {a}: {p}" for p in sorted(left - right)]
    problems += [f"only in {b}: {p}" for p in sorted(right - left)]
    for p in sorted(left & right):
        if not filecmp.cmp(a / p, b / p, shallow=False):
            problems.append(f"differs: {p} ({digest(a / p)} vs {digest(b / p)})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run")
    p_run.add_argument("out", type=Path)
    p_run.add_argument("--repo", type=Path, default=ROOT)
    p_cmp = sub.add_parser("compare")
    p_cmp.add_argument("a", type=Path)
    p_cmp.add_argument("b", type=Path)
    p_check = sub.add_parser("check")
    p_check.add_argument("rev")
    for p in (p_run, p_check):
        p.add_argument("--ant-articles", type=int, default=4000)
        p.add_argument("--spark", action="store_true", help="also the Spark engine (local[*])")
        p.add_argument("--data", type=Path, default=DATA, help="benchmark data (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.command == "compare":
        problems = compare(args.a, args.b)
    else:
        with tempfile.TemporaryDirectory(prefix="khulasa-identical-") as tmp:
            shared = Path(tmp)
            if args.command == "run":
                run(args.repo.resolve(), args.out, ant_articles=args.ant_articles, spark=args.spark, shared=shared,
                    data=args.data.resolve())
                return 0
            base = shared / "base"
            subprocess.run(["git", "worktree", "add", "--detach", str(base), args.rev], check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
            try:
                for name, repo in (("before", base), ("after", ROOT)):
                    print(f"running {name} ({repo})", file=sys.stderr)
                    run(repo, shared / name, ant_articles=args.ant_articles, spark=args.spark, shared=shared,
                        data=args.data.resolve())
                problems = compare(shared / "before", shared / "after")
                n = sum(1 for p in (shared / "after").rglob("*") if p.is_file() and p.name not in VOLATILE)
            finally:
                with contextlib.suppress(subprocess.CalledProcessError):
                    subprocess.run(["git", "worktree", "remove", "--force", str(base)], check=True, cwd=ROOT)
            print(f"compared {n} files")
    for line in problems:
        print(line)
    print("identical" if not problems else f"{len(problems)} differences")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
