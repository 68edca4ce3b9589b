"""How often the update summaries change with the unit rule: REV's checkout vs the working tree.

The first N ANT articles (default 5,000) are split at their median date and run as two
``khulasa stories --clusterer trees --update DIR`` runs, by REV's khulasa and by the working tree's;
the records are compared: every field but ``update_summary`` must be the same, and the script counts
the update summaries (and their sentences) that differ, and the short sentences (``dedup.is_short``)
among the working tree's update-summary sentences.  The articles are written to a temporary directory
and removed (never committed).

    python benchmarks/update_units.py REV [--corpus ../shared/data/ant-corpus-v2.1.tar.gz] [--articles 5000]
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = next((d / "ant-corpus-v2.1.tar.gz" for d in (ROOT.parent / "shared" / "data",
                                                       ROOT.parent.parent / "shared" / "data") if d.exists()),
              ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz")
RUNS = r"""
import sys
repo, out, first, second = sys.argv[1:5]
sys.path.insert(0, repo)
from khulasa.cli import main
for name, path in (("a", first), ("b", second)):
    assert main(["stories", path, "--clusterer", "trees", "--update", f"{out}/state",
                 "-o", f"{out}/{name}.jsonl", "-q"]) == 0
"""


def split(corpus: str, n: int, out: Path) -> tuple[Path, Path]:
    from khulasa.ingest import iter_articles

    articles = list(itertools.islice(iter_articles([corpus]), n))
    dates = sorted(a.date.isoformat() for a in articles if a.date)
    cut = dates[len(dates) // 2]
    first, second = out / "a.jsonl", out / "b.jsonl"
    for path, later in ((first, False), (second, True)):
        with open(path, "w", encoding="utf-8") as f:
            for a in articles:
                if (a.date is not None and a.date.isoformat() >= cut) == later:
                    row = {"id": a.id, "text": a.text, "source": a.source, "title": a.title,
                           "date": a.date.isoformat() if a.date else None, "url": a.url}
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return first, second


def sentences(record: dict) -> list[str]:
    return [s["text"] for s in (record.get("update_summary") or {"sentences": []})["sentences"]]


def main() -> int:
    from khulasa.dedup import UnitForm, is_short

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("rev")
    p.add_argument("--corpus", default=str(CORPUS))
    p.add_argument("--articles", type=int, default=5000)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="khulasa-update-units-") as tmp:
        work = Path(tmp)
        first, second = split(args.corpus, args.articles, work)
        base = work / "base"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), args.rev], cwd=ROOT, check=True)
        try:
            for repo, out in ((base, work / "old"), (ROOT, work / "new")):
                out.mkdir()
                subprocess.run([sys.executable, "-c", RUNS, str(repo), str(out), str(first), str(second)],
                               cwd=tmp, check=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=True)
        ok = True
        for name in ("a", "b"):
            old, new = ([json.loads(x) for x in (work / d / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
                        for d in ("old", "new"))
            same = [{k: v for k, v in r.items() if k != "update_summary"} for r in old] == [
                {k: v for k, v in r.items() if k != "update_summary"} for r in new]
            ok &= same
            changed = [(o, n) for o, n in zip(old, new, strict=True) if sentences(o) != sentences(n)]
            texts = [t for r in new for t in sentences(r)]
            short = sum(is_short(len(UnitForm.of(t).terms)) for t in texts)
            print(json.dumps({"run": name, "records": len(new), "other_fields_identical": same,
                              "with_update_summary": sum(1 for r in new if sentences(r)),
                              "update_summaries_changed": len(changed),
                              "sentences_added": sum(len(set(sentences(n)) - set(sentences(o))) for o, n in changed),
                              "sentences_removed": sum(len(set(sentences(o)) - set(sentences(n))) for o, n in changed),
                              "update_sentences": len(texts), "short_update_sentences": short}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
