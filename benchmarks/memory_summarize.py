"""Peak memory and time of ``khulasa summarize`` on the first 1,000 / 3,000 / 6,519 ANT articles, old code
against new code in the same run.

The articles are the first N that ``khulasa.load`` reads from ``../shared/data/ant-corpus-v2.1.tar.gz``
(not shipped), written to a temporary JSONL file.  Each run is ``python -m khulasa summarize FILE`` in a
child process started by a small launcher; its peak RSS comes from ``os.wait4``.  The old code is ``git archive OLD`` unpacked to a
temporary directory and put first on ``PYTHONPATH``; the new code is this checkout.  The runs take
turns (old, new) per size, under an address-space limit (``--limit-gb``, default 8) so that a
runaway run ends with a MemoryError instead of pressing the shared machine.

    python benchmarks/memory_summarize.py [--old ea97115] [--sizes 1000,3000,6519] [--limit-gb 8]

``ea97115`` is the last commit before the near-linear dedup (issue 11).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def write_jsonl(archive: Path, sizes: list[int], directory: Path) -> dict[int, Path]:
    sys.path.insert(0, str(REPO))
    import logging

    import khulasa

    logging.getLogger("khulasa").setLevel(logging.ERROR)  # the archive's two empty documents
    articles = khulasa.load([str(archive)])
    files = {}
    for n in sizes:
        path = directory / f"ant-{n}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for a in articles[:n]:
                record = {"id": a.id, "source": a.source, "title": a.title, "text": a.text,
                          "date": a.date.isoformat() if a.date else None}
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        files[n] = path
    return files


LAUNCHER = """
import os, resource, subprocess, sys
limit = int(sys.argv[1])
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
child = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, preexec_fn=cap)
_, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss, file=sys.stdout)
"""
"""Runs one summarize: a child's peak RSS counts its parent's at fork time (Linux keeps the high-water
mark across exec), so the run is started by this small launcher, not by the benchmark, which holds the
whole archive."""


def run(code: Path, path: Path, limit_bytes: int) -> tuple[int, float, float, str]:
    """Exit code, peak RSS (MiB), wall seconds and the last stderr line of one summarize run."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(limit_bytes), sys.executable, "-m", "khulasa", "summarize", str(path)],
        cwd=code.parent, env=env, capture_output=True, text=True, check=False,
    )
    seconds = time.perf_counter() - started
    status, peak_kib = map(int, proc.stdout.split())
    lines = proc.stderr.strip().splitlines()
    return status, peak_kib / 1024, seconds, lines[-1] if lines else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(REPO.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz"))
    parser.add_argument("--old", default="ea97115", help="git revision of the old code (default %(default)s)")
    parser.add_argument("--sizes", default="1000,3000,6519")
    parser.add_argument("--limit-gb", type=float, default=8.0, help="address-space limit of each run")
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",")]
    limit = int(args.limit_gb * 2**30)
    with tempfile.TemporaryDirectory(prefix="khulasa-memory-") as tmp:
        tmpdir = Path(tmp)
        old = tmpdir / "old"
        old.mkdir()
        archive = subprocess.run(["git", "archive", args.old], cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        files = write_jsonl(Path(args.data), sizes, tmpdir)
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "?")
        print(f"date: {time.strftime('%Y-%m-%d')}; machine: {os.cpu_count()} cores, {cpu}, Python "
              f"{platform.python_version()}; address-space limit {args.limit_gb:g} GiB per run")
        print("| articles | input (MiB of JSONL) | code | exit | peak RSS (MiB) | wall (s) |")
        print("|---:|---:|---|---:|---:|---:|")
        for n in sizes:
            size = files[n].stat().st_size / 2**20
            for name, code in ((f"old ({args.old})", old), ("new", REPO)):
                status, rss, seconds, last = run(code, files[n], limit)
                note = "" if status == 0 else f" ({last[:80]})"
                print(f"| {n:,} | {size:.1f} | {name} | {status}{note} | {rss:,.0f} | {seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
