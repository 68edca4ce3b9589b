"""How often an "only in X" claim is true: ``compare.exclusive``'s check against other outlets' wordings.

``benchmarks/data/exclusive_claims.jsonl`` holds 78 claims of ANT story records (``khulasa stories DIR
--compare`` at 0f9efd2, 40 sampled at random from the exclusives of each of two spans that are neither
dev windows nor held out: 2018-02-20..23 and 2018-10-01..05), each labelled by hand after reading the
other outlets' articles of its record: ``only`` (no other outlet of the record reports it) or
``elsewhere`` (another outlet reports the same in other words); two claims that could not be decided
were left out.  Stored: the claim's sentence (article id, offsets, its first three words to check the
offsets), its outlet and the ids of its record's articles; no other text.

For every claim the sentence's terms are looked up in the record's articles (``compare.Elsewhere``, as
``compare.exclusive`` does with a summary's articles) and the claim is kept when the largest share
another outlet's sentence carries is under ``--threshold`` (``compare.EXCLUSIVE_OVERLAP``).  Reported per
span: claims kept, true claims kept, and the share of kept claims that are true, against keeping every
claim (before the check).  The threshold was chosen on the February span; October checks it.

    python benchmarks/exclusive_quality.py --corpus ../shared/data/ant-corpus-v2.1.tar.gz [--threshold X]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import khulasa
from khulasa import compare
from khulasa.segment import segment

CLAIMS = Path(__file__).with_name("data") / "exclusive_claims.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path("../shared/data/ant-corpus-v2.1.tar.gz"))
    parser.add_argument("--claims", type=Path, default=CLAIMS)
    parser.add_argument("--threshold", type=float, default=compare.EXCLUSIVE_OVERLAP)
    args = parser.parse_args()
    claims = [json.loads(line) for line in args.claims.read_text(encoding="utf-8").splitlines() if line]
    wanted = {i for c in claims for i in c["articles"]}
    articles = {a.id: a for a in khulasa.load([str(args.corpus)]) if a.id in wanted}
    sentences = {i: list(segment(a)) for i, a in articles.items()}
    spans: dict[str, dict[str, int]] = {}
    for c in claims:
        text = articles[c["article_id"]].text[c["start"] : c["end"]]
        if " ".join(text.split()[:3]) != c["prefix"]:
            raise SystemExit(f"offsets do not match the archive: {c['article_id']} {c['start']}")
        record = [articles[i] for i in c["articles"]]
        own = next(s for s in sentences[c["article_id"]] if s.start <= c["start"] < s.end)
        elsewhere = compare.Elsewhere(
            (s for a in record for s in sentences[a.id]), {a.id: a.outlet for a in record}, own.terms
        )
        kept = elsewhere.share(own.terms, c["outlet"]) < args.threshold
        true = c["label"] == "only"
        row = spans.setdefault(c["span"], dict.fromkeys(("claims", "true", "kept", "kept_true"), 0))
        row["claims"] += 1
        row["true"] += true
        row["kept"] += kept
        row["kept_true"] += kept and true
    print(f"threshold {args.threshold}")
    print("| span | claims | true before | kept | true kept | true share before | true share kept |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for span, r in sorted(spans.items()):
        before = r["true"] / r["claims"]
        after = r["kept_true"] / r["kept"] if r["kept"] else float("nan")
        print(
            f"| {span} | {r['claims']} | {r['true']} | {r['kept']} | {r['kept_true']} | "
            f"{before:.2f} | {after:.2f} |"
        )


if __name__ == "__main__":
    main()
