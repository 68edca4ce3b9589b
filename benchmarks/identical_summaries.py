"""Render the summaries that must not change when the core changes, one file per case, for ``diff -r``.

In-process and quick (seconds), for the core's own refactorings; ``identical_outputs.py`` covers more
(the CLI, ``stories``, the HTTP API) through each checkout's entry points.

Cases: the example cluster (``examples/putin-erdogan``) at 60, 120 and 300 words in all four formats
(and with ``timeline`` and ``key_terms`` in markdown, json and html), and every EASC article alone at
60 and 120 words and at 3 sentences (JSON: sentences, offsets, scores, stats).  EASC is read from
``../shared/data/easc`` (not shipped).  Run it with the old code and the new code and compare:

    PYTHONPATH=/path/to/old/checkout python benchmarks/identical_summaries.py --out /tmp/old
    python benchmarks/identical_summaries.py --out /tmp/new
    diff -r /tmp/old /tmp/new && echo identical

The code measured is whichever ``khulasa`` Python imports (``PYTHONPATH`` first).
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import khulasa
from khulasa import render
from khulasa.options import SummaryOptions

ROOT = Path(__file__).resolve().parent.parent
EXTENSIONS = {"text": "txt", "markdown": "md", "json": "json", "html": "html"}


def cases(easc: Path) -> list[tuple[str, list[khulasa.Article], SummaryOptions, str]]:
    example = khulasa.load([str(ROOT / "examples" / "putin-erdogan")])
    out = []
    for words in (60, 120, 300):
        for fmt in EXTENSIONS:
            out.append((f"example-{words}w", example, SummaryOptions(words=words), fmt))
            if fmt != "text":
                extras = SummaryOptions(words=words, timeline=True, key_terms=True)
                out.append((f"example-{words}w-timeline-keyterms", example, extras, fmt))
    paths = sorted((easc / "EASC-UTF-8" / "Articles").glob("*/*"))
    if not paths:
        raise SystemExit(f"no EASC articles under {easc} (give --data)")
    for path in paths:
        article = khulasa.load([str(path)])
        name = "easc-" + "".join(c if c.isalnum() else "_" for c in path.stem)
        for options in (SummaryOptions(words=60), SummaryOptions(words=120), SummaryOptions(sentences=3)):
            budget = f"{options.words}w" if options.sentences is None else f"{options.sentences}s"
            out.append((f"{name}-{budget}", article, options, "json"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "easc"))
    parser.add_argument("--out", required=True, help="directory to write the outputs and MANIFEST to")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, articles, options, fmt in cases(Path(args.data)):
        content = render.render(khulasa.summarize(articles, options=options), fmt)
        path = out / f"{name}.{EXTENSIONS[fmt]}"
        path.write_text(content, encoding="utf-8")
        manifest.append(f"{hashlib.sha256(content.encode('utf-8')).hexdigest()}  {path.name}")
    (out / "MANIFEST").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    print(f"{len(manifest)} outputs written to {out} (khulasa from {Path(khulasa.__file__).parent})")


if __name__ == "__main__":
    main()
