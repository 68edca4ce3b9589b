"""The line rules' hits (``khulasa.text.rules.article_hits``) of this checkout against those of a git revision.

Reads every article of the ANT corpus archive and of EASC (``../shared/data``, not shipped with Khulasa),
runs ``article_hits`` of both codes on each text (the old code from ``git archive REV``, in a child
process) and reports the texts whose hits differ (by article id, never their text) and the time each code
spent in ``article_hits``.  A change that only makes the rules faster must report 0 differences.

    python benchmarks/rules_check.py --against 2da946a [--data ../shared/data] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def corpus_texts(data: Path, limit: int | None) -> list[tuple[str, str]]:
    """``(id, text)`` of every ANT article and EASC text (articles and their human summaries) under ``data``."""
    from khulasa.ingest import iter_articles

    texts: list[tuple[str, str]] = []
    sources = [data / "ant-corpus-v2.1.tar.gz", data / "easc" / "EASC-UTF-8"]
    for source in sources:
        if not source.exists():
            print(f"not found, left out: {source}", file=sys.stderr)
            continue
        for article in iter_articles(str(source)):
            texts.append((f"{source.name}:{article.id}", article.text))
            if limit is not None and len(texts) >= limit:
                return texts
    return texts


def hits_of(texts_file: Path, out_file: Path) -> float:
    """Run the importable ``article_hits`` on every text of ``texts_file``; its hits to ``out_file``, one
    JSON list a line; returns the seconds spent inside ``article_hits``."""
    from khulasa.text.rules import article_hits

    spent = 0.0
    with open(texts_file, encoding="utf-8") as src, open(out_file, "w", encoding="utf-8") as out:
        for line in src:
            text = json.loads(line)[1]
            start = time.perf_counter()
            hits = article_hits(text)
            spent += time.perf_counter() - start
            out.write(json.dumps([[h.start, h.end, h.kind, h.rule] for h in hits]) + "\n")
    return spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", default="HEAD", help="the git revision to compare with")
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N texts")
    parser.add_argument("--child", nargs=2, metavar=("TEXTS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(hits_of(Path(args.child[0]), Path(args.child[1]))))
        return 0
    with tempfile.TemporaryDirectory(prefix="khulasa-rules-check-") as tmp:
        work = Path(tmp)
        texts = corpus_texts(Path(args.data), args.limit)
        texts_file = work / "texts.jsonl"
        with open(texts_file, "w", encoding="utf-8") as fh:
            for item in texts:
                fh.write(json.dumps(item, ensure_ascii=False) + "\n")
        old = work / "old"
        old.mkdir()
        archive = subprocess.run(["git", "archive", args.against], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        spent = {}
        for name, code in (("old", old), ("new", ROOT)):
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(texts_file), str(work / f"{name}.jsonl")],
                env={**os.environ, "PYTHONPATH": str(code)}, capture_output=True, text=True, check=True,
            ).stdout
            spent[name] = json.loads(out)
        differ, n_hits = [], 0
        with open(work / "old.jsonl", encoding="utf-8") as a, open(work / "new.jsonl", encoding="utf-8") as b:
            for (text_id, _), x, y in zip(texts, a, b, strict=True):
                n_hits += len(json.loads(y))
                if x != y:
                    differ.append(text_id)
    print(f"date: {time.strftime('%Y-%m-%d %H:%M')}; {len(texts)} texts, {n_hits} hits (new code)")
    print(f"article_hits time: old ({args.against}) {spent['old']:.2f} s, new {spent['new']:.2f} s")
    print(f"texts whose hits differ: {len(differ)}")
    for text_id in differ[:20]:
        print(f"  {text_id}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
