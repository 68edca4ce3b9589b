"""Peak memory of ``khulasa stories`` on the ANT archive: from the archive path and from stdin.

Reads ../shared/data/ant-corpus-v2.1.tar.gz (30.5k articles; not part of the repo).  Each run is the
real command line in a child process; this script samples the resident memory of its whole process
tree (the main process and its workers, read from /proc every 0.1 s) and reports the peak of the sum,
the main process's own peak (VmHWM) and the largest worker's.  Runs:

- ``archive``: ``khulasa stories ANT.tar.gz -o out.jsonl`` (the two-pass engine);
- ``stdin``: ``python memory_stories.py --emit-jsonl ANT.tar.gz | khulasa stories - -o out.jsonl`` (the
  archive converted to JSONL on the fly and piped in: the streaming engine);
- both again on an archive of the first ``--small`` members, to see how memory grows with the input;
- ``stdin-twice``: the archive piped in twice (the second time a year later, new ids): the vocabulary
  stops growing halfway, so the peaks of the two halves show what grows with the number of articles.

    python benchmarks/memory_stories.py [--corpus ANT.tar.gz] [--small 5000] [--workers N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz"
SAMPLE_SECONDS = 0.1
RUNS = ("archive-small", "archive", "stdin-small", "stdin", "stdin-twice")


def emit_jsonl(archive: str, repeat: int) -> None:
    """Write the articles of ``archive`` to stdout as JSONL, one at a time (the generator of the stdin
    runs); ``repeat`` times, each time a year later with new ids (the same words: the vocabulary stops
    growing, so what still grows is what grows with the number of articles)."""
    sys.path.insert(0, str(ROOT))
    import datetime as dt

    from khulasa.ingest import iter_articles

    out = sys.stdout
    for k in range(repeat):
        for a in iter_articles([archive]):
            date = a.date + dt.timedelta(days=365 * k) if a.date else None
            record = {"id": f"{a.id}-{k}" if k else a.id, "source": a.source, "title": a.title,
                      "date": date.isoformat() if date else None, "url": a.url, "text": a.text}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()


def prefix_archive(source: Path, members: int, target: Path) -> Path:
    """An archive of the first ``members`` files of ``source``."""
    with tarfile.open(source, "r|*") as src, tarfile.open(target, "w:gz") as dst:
        n = 0
        for info in src:
            if info.isfile():
                dst.addfile(info, src.extractfile(info))
                n += 1
                if n >= members:
                    break
    return target


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += parents.get(p, [])
    return out


def _status_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples the RSS of a process tree until the root exits."""

    def __init__(self, root: subprocess.Popen[bytes]) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_kib = 0
        self.hwm: dict[int, int] = {}
        self.series: list[tuple[float, int]] = []

    def run(self) -> None:
        started = time.monotonic()
        while self.root.poll() is None:
            total = 0
            for pid in _tree(self.root.pid):
                total += _status_kib(pid, "VmRSS")
                self.hwm[pid] = max(self.hwm.get(pid, 0), _status_kib(pid, "VmHWM"))
            self.peak_kib = max(self.peak_kib, total)
            self.series.append((round(time.monotonic() - started, 1), total))
            time.sleep(SAMPLE_SECONDS)


def measure(name: str, archive: Path, stdin: bool, workers: int | None, work: Path, repeat: int = 1) -> dict:
    out = work / f"{name}.jsonl"
    cmd = [sys.executable, "-m", "khulasa", "stories", "-" if stdin else str(archive), "-o", str(out), "-q"]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    print(f"{name}: {' '.join(cmd[2:])}{' (stdin: the archive as JSONL)' if stdin else ''}", file=sys.stderr,
          flush=True)
    feeder = None
    started = time.monotonic()
    if stdin:
        feeder = subprocess.Popen([sys.executable, __file__, "--emit-jsonl", str(archive), "--repeat", str(repeat)],
                                  stdout=subprocess.PIPE, env=env)
    proc = subprocess.Popen(cmd, stdin=feeder.stdout if feeder else subprocess.DEVNULL, env=env, cwd=work)
    if feeder is not None and feeder.stdout is not None:
        feeder.stdout.close()  # ours: the child has its own copy
    sampler = TreeSampler(proc)
    sampler.start()
    code = proc.wait()
    sampler.join()
    if feeder is not None:
        feeder.wait()
    seconds = time.monotonic() - started
    if code != 0:
        raise SystemExit(f"{name}: exit {code}")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    peaks = sorted(((pid, kib) for pid, kib in sampler.hwm.items() if pid != proc.pid), key=lambda x: -x[1])
    series = sampler.series
    quarter = [series[min(len(series) - 1, int(len(series) * q))][1] for q in (0.25, 0.5, 0.75)] if series else []
    half = len(series) // 2
    return {
        "command": " ".join(["khulasa", *cmd[3:]]) + (f" < archive as JSONL x{repeat}" if stdin else ""),
        "articles": sum(r["n_articles"] for r in records),
        "stories": len(records),
        "seconds": round(seconds, 1),
        "peak_tree_mb": round(sampler.peak_kib / 1024, 1),
        "peak_main_mb": round(sampler.hwm.get(proc.pid, 0) / 1024, 1),
        "peak_largest_worker_mb": round(peaks[0][1] / 1024, 1) if peaks else 0.0,
        "workers_seen": len(peaks),
        "tree_mb_at_25_50_75_percent_of_the_run": [round(k / 1024, 1) for k in quarter],
        "peak_tree_mb_first_and_second_half_of_the_run": [
            round(max((k for _, k in series[:half]), default=0) / 1024, 1),
            round(max((k for _, k in series[half:]), default=0) / 1024, 1),
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help=f"the archive (default {CORPUS})")
    parser.add_argument("--small", type=int, default=5000, help="members in the small archive (default 5000)")
    parser.add_argument("--workers", type=int, help="--workers of the runs (default: khulasa's, the cores)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--runs", default=",".join(RUNS), help=f"which runs (default all: {','.join(RUNS)})")
    parser.add_argument("--emit-jsonl", metavar="ARCHIVE", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.emit_jsonl:
        emit_jsonl(args.emit_jsonl, args.repeat)
        return 0
    results: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_before": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory(prefix="khulasa-memory-") as tmp:
        work = Path(tmp)
        small = prefix_archive(args.corpus, args.small, work / f"ant-first-{args.small}.tar.gz")
        plans = {"archive-small": (small, False, 1), "archive": (args.corpus, False, 1),
                 "stdin-small": (small, True, 1), "stdin": (args.corpus, True, 1),
                 "stdin-twice": (args.corpus, True, 2)}
        for name in args.runs.split(","):
            archive, stdin, repeat = plans[name]
            results[name] = measure(name, archive, stdin, args.workers, work, repeat)
    results["load_average_after"] = os.getloadavg()
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{results['date']}; {results['machine']}; load {results['load_average_before']} -> "
          f"{results['load_average_after']}")
    for name in args.runs.split(","):
        r = results[name]
        print(f"{name:14} {r['articles']:6} articles {r['stories']:5} stories {r['seconds']:7} s  "
              f"peak tree {r['peak_tree_mb']} MB (main {r['peak_main_mb']}, largest worker "
              f"{r['peak_largest_worker_mb']}, {r['workers_seen']} workers); tree at 25/50/75 %: "
              f"{r['tree_mb_at_25_50_75_percent_of_the_run']}; peak in each half: "
              f"{r['peak_tree_mb_first_and_second_half_of_the_run']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
