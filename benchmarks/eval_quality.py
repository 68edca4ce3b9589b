"""Summary quality of Khulasa against baselines on EASC and ANT-BBC.

Prints the results page on stdout; ``--write`` replaces the tracked ``benchmarks/RESULTS-quality.md``
with it and ``-o FILE`` writes it to FILE (nothing tracked is overwritten unless asked).

Reads the data from ../shared/data (never copied into the repository):
  ../shared/data/easc/EASC-UTF-8        153 articles x 5 human extractive summaries (budget: mean ref length)
  ../shared/data/ant-corpus-v2.1.tar.gz BBC Arabic part, BBC's one-sentence abstract (budget: 1 sentence)

    python benchmarks/eval_quality.py                    # EASC all, ANT-BBC sample of 500, to stdout
    python benchmarks/eval_quality.py --write            # the same, into benchmarks/RESULTS-quality.md
    python benchmarks/eval_quality.py --ant-limit 0      # ANT-BBC all (~2,800 articles; slow with KL)

Systems: khulasa, lead, random with seeds 0-2 (for the spread), and sumy's six methods ([bench] extra).
Also times ``khulasa eval easc`` with its default systems (no sumy) end to end: the target is <= 60 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from khulasa.eval import baselines, datasets  # noqa: E402
from khulasa.eval import report as evaluate  # noqa: E402

RESULTS = REPO / "benchmarks" / "RESULTS-quality.md"
SYSTEMS = ("khulasa", "lead", "random:0", "random:1", "random:2", *baselines.SUMY_METHODS)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def r2f(result: evaluate.SystemResult) -> float:
    return result.mean["rouge2"].fmeasure


def spread(report: evaluate.Report) -> str:
    randoms = [r2f(r) for r in report.results if r.name.startswith("random")]
    if len(randoms) < 2:
        return ""
    return (
        f"Random over {len(randoms)} seeds: ROUGE-2 F mean {statistics.mean(randoms):.4f}, "
        f"standard deviation {statistics.stdev(randoms):.4f} (min {min(randoms):.4f}, max {max(randoms):.4f})."
    )


def by_name(report: evaluate.Report) -> dict[str, evaluate.SystemResult]:
    return {r.name: r for r in report.results}


def easc_verdict(report: evaluate.Report) -> str:
    results = by_name(report)
    sumy = [results[m] for m in baselines.SUMY_METHODS if m in results]
    if "khulasa" not in results or not sumy:
        return ""
    best = max(sumy, key=r2f)
    target = 1.10 * r2f(best)
    ours = r2f(results["khulasa"])
    status = "met" if ours >= target else "NOT met"
    return (
        f"Target ROUGE-2 F >= 1.10 x best sumy method ({best.name} {r2f(best):.4f}) = {target:.4f}: "
        f"Khulasa {ours:.4f}, {status} (ratio {ours / r2f(best):.3f})."
    )


def ant_verdict(report: evaluate.Report) -> str:
    results = by_name(report)
    if "khulasa" not in results or "lead" not in results:
        return ""
    ours, lead = r2f(results["khulasa"]), r2f(results["lead"])
    status = "met" if ours >= lead else "NOT met"
    return f"Target ROUGE-2 F >= lead-1 ({lead:.4f}): Khulasa {ours:.4f}, {status}."


def time_cli_easc(data_root: str) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "khulasa", "eval", "easc", "--data-root", data_root, "--format", "json"],
        cwd=REPO, capture_output=True, text=True, check=False,
    )
    return time.perf_counter() - start, proc.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-root", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--ant-limit", type=int, default=500, help="ANT-BBC sample size; 0 for all")
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--write", action="store_true", help=f"write the page to {RESULTS.relative_to(REPO)}")
    target.add_argument("-o", "--output", metavar="FILE", help="write the page to FILE (default: stdout)")
    args = parser.parse_args(argv)
    output = RESULTS if args.write else Path(args.output) if args.output else None
    systems = [s for s in args.systems.split(",") if s]
    root = Path(args.data_root)

    sections = []
    started = time.perf_counter()
    easc_items = datasets.load_dataset("easc", root)
    easc = evaluate.run("easc", easc_items, systems, evaluate.Budget("ref"))
    print(easc.to_markdown(), file=sys.stderr)
    sections.append(("EASC (all 153 articles, 5 references each)", easc, easc_verdict(easc)))

    limit = args.ant_limit or None
    t0 = time.perf_counter()
    ant_items = datasets.load_dataset("ant-bbc", root, limit=limit)
    load_seconds = time.perf_counter() - t0
    ant = evaluate.run("ant-bbc", ant_items, systems, evaluate.Budget("sentences", 1))
    print(ant.to_markdown(), file=sys.stderr)
    what = f"a deterministic sample of {len(ant_items)}" if limit else f"all {len(ant_items)}"
    sections.append((f"ANT-BBC ({what} BBC articles; reading the archive took {load_seconds:.1f} s)", ant,
                     ant_verdict(ant)))

    cli_seconds, cli_code = time_cli_easc(str(root))
    total = time.perf_counter() - started

    command = "python benchmarks/eval_quality.py --write" + (
        f" --ant-limit {args.ant_limit}" if args.ant_limit != 500 else ""
    )
    lines = [
        "# Summary quality: Khulasa and baselines (ROUGE, Arabic tokenizer)",
        "",
        f"- Command: `{command}` (data read from `../shared/data`, never copied into the repository)",
        f"- Date: {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}",
        f"- Machine: {os.cpu_count()} cores (`nproc` {os.cpu_count()}), {cpu_model()}, Python "
        f"{platform.python_version()}; the cores were shared with other work, so seconds are indicative",
        f"- Whole run: {total:.0f} s.  `khulasa eval easc` (khulasa, lead, random; no sumy) end to end: "
        f"{cli_seconds:.1f} s (exit {cli_code}; target <= 60 s)",
        "- How: see docs/eval.md (tokenizer, budgets, multi-reference averaging, the selection rule).",
        "  Seconds are summarizing time only (not reading, not scoring).",
        "",
    ]
    for title, report, verdict in sections:
        lines += [f"## {title}", "", report.to_markdown().rstrip(), ""]
        for extra in (spread(report), verdict):
            if extra:
                lines += [extra, ""]
    page = "\n".join(lines)
    if output is None:
        sys.stdout.write(page)
    else:
        output.write_text(page, encoding="utf-8")
        print(f"wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
