"""What quotes and outlet comparison add to ``khulasa.summarize``: warm latency, same run, same cluster.

The cluster is the 10-article EASC newspaper cluster of ``core_latency.py`` (EASC is not shipped with
Khulasa).  Two systems take turns, ``--repeat`` rounds of ``--runs`` runs each:

* ``summarize``: ``khulasa.summarize`` at 120 words (the core latency benchmark);
* ``summarize + quotes + compare``: ``khulasa.summarize`` with ``SummaryOptions(quotes=True,
  compare=True)``, the integrated path (``khulasa.voices``: quotes and disagreements over the pipeline's
  own sentences and units, one folded copy of each article shared, coverage and exclusives of the
  summary).

Medians of wall and CPU milliseconds; the added share is (with - without) / without.  A per-stage
table (CPU medians of the stages alone) shows where the time goes.

    python benchmarks/quotes_cost.py [--data ../shared/data/easc] [--repeat 20] [--runs 5] [--baseline REV]

With ``--baseline REV`` the package as it is at REV (``git archive``, imported beside this checkout's
as ``khulasa_base``: its own imports renamed so) takes turns with this checkout in the same process,
four systems in every round, and the table gives both checkouts' costs.

With ``--baseline`` the stage table also times ``compare.disagreements`` of the baseline package, in
turns with this checkout's.
The stage table also splits ``extract_quotes`` (folding the articles, their word sets, the reporting
frames of their sentences, the rest given the folded texts) and, for comparison, times what one token
array per article would cost to make (the speech tokens of every article with their offsets, one
``finditer`` pass each), which frame finding today reads only after each reporting word.

Another copy of the package (a build of it, for example) is timed with ``PYTHONPATH=DIR``: the first
line says which package was imported.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import os
import platform
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent))

from core_latency import OPTIONS, arguments, interleaved_ms, news_cluster

import khulasa
from khulasa import compare, pipeline, quotes, speech
from khulasa.speech import sentence
from khulasa.speech.lexicon import _TOKEN
from khulasa.text.fold import Folded

ROOT = Path(__file__).resolve().parent.parent


def package_at(revision: str) -> ModuleType:
    """The ``khulasa`` package as it is at ``revision``, imported as ``khulasa_base`` (every
    ``khulasa`` import in its sources renamed), beside this checkout's ``khulasa``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "khulasa"], check=True, capture_output=True
    ).stdout
    tmp = Path(tempfile.mkdtemp(prefix="khulasa-base-"))
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(tmp, filter="data")
    (tmp / "khulasa").rename(tmp / "khulasa_base")
    for path in (tmp / "khulasa_base").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\bkhulasa\b(?=[.\s\"])", "khulasa_base", source), encoding="utf-8")
    sys.path.insert(0, str(tmp))
    return importlib.import_module("khulasa_base")


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", metavar="REV", help="also time the package at this git revision")
    args = parser.parse_args()
    articles = news_cluster(Path(args.data))
    wired = dataclasses.replace(OPTIONS, quotes=True, compare=True)
    systems = [("this checkout", khulasa, articles, OPTIONS, wired)]
    if args.baseline:
        base = package_at(args.baseline)
        base_articles = [base.Article(**dataclasses.asdict(a)) for a in articles]
        base_plain = base.SummaryOptions(words=OPTIONS.words)
        base_wired = dataclasses.replace(base_plain, quotes=True, compare=True)
        systems.insert(0, (args.baseline, base, base_articles, base_plain, base_wired))
    fns = [
        (lambda pkg=pkg, arts=arts, opts=opts: pkg.summarize(arts, options=opts))
        for _, pkg, arts, plain, ext in systems
        for opts in (plain, ext)
    ]
    made = [fn() for fn in fns]  # both checkouts give the same summaries
    for k in range(2, len(fns), 2):
        assert [s.text for s in made[k].sentences] == [s.text for s in made[0].sentences]
        assert [q.text for q in made[k + 1].quotes] == [q.text for q in made[1].quotes]
    timed = interleaved_ms(fns, repeats=[args.runs] * len(fns), rounds=args.repeat)
    analysis = pipeline.analyze(articles)
    summary = khulasa.summarize(articles, options=OPTIONS)
    folded = {a.id: Folded(a.text) for a in analysis.articles}
    for ft in folded.values():
        ft.words  # noqa: B018 (made once, as extract_quotes does)
    spans = {
        a.id: [(s.start, s.end) for s in analysis.sentences if s.article_id == a.id and not s.is_heading]
        for a in analysis.articles
    }
    stages = {
        "quotes.extract_quotes": lambda: quotes.extract_quotes(analysis.articles, analysis.sentences),
        "  folding the articles (text.fold.Folded)": lambda: [Folded(a.text) for a in analysis.articles],
        "  folding + word sets (Folded(text).words)": lambda: [
            Folded(a.text).words for a in analysis.articles
        ],
        "  reporting frames (speech.find_frames, folded texts given)": lambda: [
            speech.find_frames(folded[a.id], spans[a.id]) for a in analysis.articles
        ],
        "  extract_quotes, folded texts given": lambda: quotes.extract_quotes(
            analysis.articles, analysis.sentences, folded=dict(folded)
        ),
        "  (for comparison: one token array per article, tokens and offsets)": lambda: [
            [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(ft.folded)] for ft in folded.values()
        ],
        "compare.disagreements": lambda: compare.disagreements(
            analysis.articles, analysis.sentences, analysis.units
        ),
        "compare.coverage + exclusive (the pipeline's sentences given)": lambda: (
            compare.coverage(summary),
            compare.exclusive(summary, analysis.sentences),
        ),
    }
    paired: dict[str, str] = {}
    if args.baseline:
        # the same stage of the baseline package (its own analysis of the cluster), timed in turns with
        # this checkout's: one call of each in every round
        base_analysis = base.pipeline.analyze(base_articles)
        stages[f"compare.disagreements, {args.baseline}"] = lambda: base.compare.disagreements(
            base_analysis.articles, base_analysis.sentences, base_analysis.units
        )
        base_folded = {a.id: base.text.fold.Folded(a.text) for a in base_analysis.articles}
        for ft in base_folded.values():
            ft.words  # noqa: B018
        stages["  disagreements, folded texts given (as in summarize)"] = lambda: compare.disagreements(
            analysis.articles, analysis.sentences, analysis.units, folded=folded
        )
        stages[f"  disagreements, folded texts given, {args.baseline}"] = lambda: base.compare.disagreements(
            base_analysis.articles, base_analysis.sentences, base_analysis.units, folded=base_folded
        )
        paired = {
            "compare.disagreements": f"compare.disagreements, {args.baseline}",
            "  disagreements, folded texts given (as in summarize)": (
                f"  disagreements, folded texts given, {args.baseline}"
            ),
        }
    stage_cpu = {}
    for name in stages:
        if name in stage_cpu:
            continue
        together = [name, *([paired[name]] if name in paired else [])]
        for each in together:
            stages[each]()
        times: dict[str, list[float]] = {each: [] for each in together}
        for _ in range(args.repeat * args.runs):
            for each in together:
                start = time.process_time()
                stages[each]()
                times[each].append((time.process_time() - start) * 1000)
        for each in together:
            stage_cpu[each] = statistics.median(times[each])
    found = quotes.extract_quotes(analysis.articles, analysis.sentences)
    with open("/proc/cpuinfo") as fh:
        cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "?")
    print(
        f"date: {time.strftime('%Y-%m-%d')}; machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"
    )
    print(f"package: {Path(khulasa.__file__).parent} (speech.sentence from {Path(sentence.__file__).name})")
    print(
        f"cluster: {len(articles)} EASC newspaper articles, {sum(len(a.text.split()) for a in articles)} words; "
        f"{len(found.quotes)} quotes, {len(found.speakers)} speakers; {args.repeat} rounds x {args.runs} runs"
    )
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}")
    print("| system | warm median wall (ms) | warm median CPU (ms) |\n|---|---:|---:|")
    for k, (name, *_) in enumerate(systems):
        (pw, pc), (ew, ec) = timed[2 * k], timed[2 * k + 1]
        print(f"| summarize (120 words), {name} | {pw:.1f} | {pc:.1f} |")
        print(f"| summarize + quotes + compare, {name} | {ew:.1f} | {ec:.1f} |")
    for k, (name, *_) in enumerate(systems):
        (pw, pc), (ew, ec) = timed[2 * k], timed[2 * k + 1]
        print(
            f"added, {name}: +{ew - pw:.1f} ms = {100 * (ew - pw) / pw:.0f} % wall, "
            f"+{ec - pc:.1f} ms = {100 * (ec - pc) / pc:.0f} % CPU (target: at most 30 %)"
        )
    print("| stage alone | median CPU (ms) |\n|---|---:|")
    for name, ms in stage_cpu.items():
        print(f"| {name} | {ms:.2f} |")


if __name__ == "__main__":
    main()
