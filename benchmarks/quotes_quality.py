"""Quote extraction quality on the labelled ANT dev set (issue 15), with a baseline in the same run.

Reads the labels (``quotes.jsonl``: one ANT article a line, every quote with its content span, speaker,
kind, verb and statement group; see ``guidelines.md`` next to it) and the articles from the ANT archive
(not shipped with Khulasa).  The articles of one happening (``event``) are one story: ``khulasa.quotes``
runs on each story, and every source of every quote is a predicted quote of its article.

Metrics (guidelines section 6):
- content precision / recall: a predicted quote matches a gold quote of the same article when their spans
  share at least 50 % of the longer one; matched one to one, greedily by overlap;
- speaker accuracy on matched quotes: the predicted speaker, normalized (alef/ya/ta marbuta folded, no
  ``ال``), equals the gold speaker, is its last name word(s), or lies inside the gold mention; an
  anonymous gold quote also needs the prediction to be anonymous;
- merging: of the statement groups reported by two or more articles, the share whose gold quotes are all
  matched and all sit in one predicted quote ("groups all merged", strict: one missed or paraphrased
  report fails the group); merge recall: of the pairs of matched gold quotes of one group in different
  articles, the share that sit in one predicted quote; merge precision: of the pairs of matched sources
  in one predicted quote from different articles, the share whose gold quotes are in the same group.

Baseline: a reporting-verb regex (the common verbs with و/ف, then within five words إن/أن/بأن or ``:``),
content to the end of the sentence, speaker = the words between the verb and the complementizer (the
"next noun phrase", at most three words).

    python benchmarks/quotes_quality.py [--labels benchmarks/data/quotes_dev/quotes.jsonl]
        [--archive ../shared/data/ant-corpus-v2.1.tar.gz] [--errors N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khulasa.ingest import iter_articles  # noqa: E402
from khulasa.models import Article  # noqa: E402
from khulasa.quotes import extract_quotes  # noqa: E402
from khulasa.segment import segment  # noqa: E402
from khulasa.text.normalize import normalize  # noqa: E402

DEFAULT_LABELS = ROOT / "benchmarks" / "data" / "quotes_dev" / "quotes.jsonl"
DEFAULT_ARCHIVE = ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz"
ATTRIBUTIONS = {"بحسب", "حسب", "حسبما", "وفق", "وفقا", "وفقاً"}


@dataclass(frozen=True)
class Pred:
    article_id: str
    start: int
    end: int
    speaker: str | None
    anonymous: bool
    quote: int
    """Predicted statement id (sources of one quote share it)."""


def read_labels(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_articles(archive: Path, ids: set[str]) -> dict[str, Article]:
    out = {}
    for a in iter_articles([str(archive)]):
        if a.id in ids:
            out[a.id] = a
            if len(out) == len(ids):
                break
    return out


# --- systems --------------------------------------------------------------------------------------


def khulasa_quotes(stories: dict[str, list[Article]]) -> list[Pred]:
    preds = []
    offset = 0
    for story in stories.values():
        result = extract_quotes(story)
        for q in result.quotes:
            for s in q.sources:
                preds.append(Pred(s.article_id, s.start, s.end, s.speaker, q.anonymous, offset + q.id))
        offset += len(result.quotes)
    return preds


_BASE_VERBS = "قال|قالت|أكد|أكدت|أضاف|أضافت|أعلن|أعلنت|أوضح|أوضحت|أشار|أشارت|تابع|صرح|ذكر|ذكرت|نفى|حذر|اعتبر"
_BASELINE = re.compile(
    rf"(?<!\w)[وف]?(?:{_BASE_VERBS})(?!\w)((?:\s+\S+){{0,5}}?)\s*(?:(?:إلى|على)\s+)?(?:إن|أن|بأن|أنه|إنه|:)"
)


def baseline(stories: dict[str, list[Article]]) -> list[Pred]:
    preds = []
    n = 0
    for story in stories.values():
        for a in story:
            for s in segment(a):
                for m in _BASELINE.finditer(s.text):
                    words = m.group(1).split()[:3]
                    start = s.start + m.end()
                    while start < s.end and not a.text[start].isalnum():
                        start += 1
                    end = s.end
                    while end > start and not a.text[end - 1].isalnum():
                        end -= 1
                    if end > start:
                        preds.append(Pred(a.id, start, end, " ".join(words) or None, False, n))
                        n += 1
    return preds


# --- scoring --------------------------------------------------------------------------------------


def fold_name(text: str | None) -> str:
    words = normalize((text or "").replace("#", " ").replace("_", " ")).split()
    return " ".join(w[2:] if w.startswith("ال") and len(w) > 3 else w for w in words)


def speaker_ok(pred: Pred, gold: dict, text: str) -> bool:
    p = fold_name(pred.speaker)
    if not p:
        return False
    if gold["anonymous"] and not pred.anonymous:
        return False
    g = fold_name(gold["speaker"])
    if p == g or (" " + g).endswith(" " + p):
        return True
    if gold.get("speaker_start") is not None:
        mention = fold_name(text[gold["speaker_start"] : gold["speaker_end"]])
        return bool(p) and (" " + p + " ") in (" " + mention + " ")
    return False


def match(preds: Sequence[Pred], golds: Sequence[dict]) -> list[tuple[int, int]]:
    """One-to-one pairs (pred index, gold index) with overlap >= 50 % of the longer span, greedy."""
    cands = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            overlap = min(p.end, g["end"]) - max(p.start, g["start"])
            if overlap > 0 and overlap / max(p.end - p.start, g["end"] - g["start"]) >= 0.5:
                cands.append((overlap, i, j))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in sorted(cands, reverse=True):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


@dataclass
class Scores:
    n_pred: int
    n_gold: int
    matched: int
    speaker_right: int
    groups_multi: int
    groups_merged: int
    merged_pairs: int
    merged_pairs_right: int
    pairs_same: int
    """Pairs of matched gold quotes of one statement group in different articles."""
    pairs_same_merged: int
    errors: list[str]

    def row(self, name: str) -> str:
        p = self.matched / self.n_pred if self.n_pred else 0.0
        r = self.matched / self.n_gold if self.n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        sp = self.speaker_right / self.matched if self.matched else 0.0
        merge = (
            f"{self.groups_merged}/{self.groups_multi} = {self.groups_merged / self.groups_multi:.2f}"
            if self.groups_multi
            else "-"
        )
        mp = (
            f"{self.merged_pairs_right / self.merged_pairs:.2f} ({self.merged_pairs})"
            if self.merged_pairs
            else "-"
        )
        mr = f"{self.pairs_same_merged / self.pairs_same:.2f} ({self.pairs_same})" if self.pairs_same else "-"
        return (
            f"| {name} | {self.n_pred} | {self.n_gold} | {self.matched} | {p:.3f} | {r:.3f} | {f:.3f} | "
            f"{sp:.3f} | {merge} | {mr} | {mp} |"
        )


def score(
    preds: Sequence[Pred], labels: Sequence[dict], texts: dict[str, str], skip: Iterable[str] = ()
) -> Scores:
    skip = set(skip)
    by_article: dict[str, list[Pred]] = defaultdict(list)
    for p in preds:
        by_article[p.article_id].append(p)
    n_gold = matched = speaker_right = 0
    n_pred = 0
    gold_to_pred: dict[tuple[str, int], Pred] = {}
    group_of: dict[tuple[str, int], str] = {}
    errors = []
    for line in labels:
        aid = line["id"]
        golds = [g for g in line["quotes"] if (g.get("verb") or "") not in skip]
        mine = by_article.get(aid, [])
        if skip:  # predictions matching a skipped gold quote are neither right nor wrong
            all_golds = line["quotes"]
            skipped = [g for g in all_golds if (g.get("verb") or "") in skip]
            hit = {i for i, _ in match(mine, skipped)}
            mine = [p for i, p in enumerate(mine) if i not in hit]
        n_gold += len(golds)
        n_pred += len(mine)
        pairs = match(mine, golds)
        matched += len(pairs)
        text = texts[aid]
        got_p = {i for i, _ in pairs}
        got_g = {j for _, j in pairs}
        for i, j in pairs:
            ok = speaker_ok(mine[i], golds[j], text)
            speaker_right += ok
            gold_to_pred[(aid, j)] = mine[i]
            group_of[(aid, j)] = golds[j]["group"]
            if not ok:
                errors.append(
                    f"SPEAKER {aid}: pred {mine[i].speaker!r} gold {golds[j]['speaker']!r} | {text[golds[j]['start'] : golds[j]['end']][:60]}"
                )
        for i, p in enumerate(mine):
            if i not in got_p:
                errors.append(f"FP {aid} {p.start}-{p.end}: {text[p.start : p.end][:90]}")
        for j, g in enumerate(golds):
            if j not in got_g:
                errors.append(
                    f"FN {aid} {g['start']}-{g['end']} [{g['kind']} {g['verb']}]: {text[g['start'] : g['end']][:90]}"
                )
    # merging
    members: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for line in labels:
        for j, g in enumerate(q for q in line["quotes"] if (q.get("verb") or "") not in skip):
            members[g["group"]].append((line["id"], j))
    groups_multi = groups_merged = 0
    for _group, keys in members.items():
        if len({a for a, _ in keys}) < 2:
            continue
        groups_multi += 1
        got = [gold_to_pred.get(k) for k in keys]
        if all(p is not None for p in got) and len({p.quote for p in got if p is not None}) == 1:
            groups_merged += 1
    by_quote: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for k, p in gold_to_pred.items():
        by_quote[p.quote].append(k)
    pairs_same = pairs_same_merged = 0
    keys_of_group: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for k in gold_to_pred:
        keys_of_group[group_of[k]].append(k)
    for keys in keys_of_group.values():
        for x in range(len(keys)):
            for y in range(x + 1, len(keys)):
                if keys[x][0] != keys[y][0]:
                    pairs_same += 1
                    pairs_same_merged += gold_to_pred[keys[x]].quote == gold_to_pred[keys[y]].quote
    merged_pairs = merged_right = 0
    for keys in by_quote.values():
        for x in range(len(keys)):
            for y in range(x + 1, len(keys)):
                if keys[x][0] != keys[y][0]:
                    merged_pairs += 1
                    merged_right += group_of[keys[x]] == group_of[keys[y]]
    return Scores(
        n_pred,
        n_gold,
        matched,
        speaker_right,
        groups_multi,
        groups_merged,
        merged_pairs,
        merged_right,
        pairs_same,
        pairs_same_merged,
        errors,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of each kind")
    args = parser.parse_args()
    labels = read_labels(args.labels)
    articles = load_articles(args.archive, {line["id"] for line in labels})
    stories: dict[str, list[Article]] = defaultdict(list)
    for line in labels:
        stories[line.get("event", line["id"])].append(articles[line["id"]])
    texts = {aid: a.text for aid, a in articles.items()}
    start = time.perf_counter()
    ours = khulasa_quotes(stories)
    elapsed = time.perf_counter() - start
    base = baseline(stories)
    print(
        f"date: {time.strftime('%Y-%m-%d')}; labels: {args.labels.name} ({len(labels)} articles, "
        f"{sum(len(line['quotes']) for line in labels)} quotes, {len(stories)} stories); "
        f"khulasa.quotes: {elapsed * 1000:.0f} ms for all stories"
    )
    print(
        "| system | predicted | gold | matched | content P | content R | F1 | speaker acc. | groups all merged "
        "| merge recall (pairs) | merge precision (pairs) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, preds in (("khulasa.quotes", ours), ("baseline: verb regex + next words", base)):
        result = score(preds, labels, texts)
        print(result.row(name))
        without = score(preds, labels, texts, skip=ATTRIBUTIONS)
        print(without.row(name + ", attribution quotes left out"))
        if args.errors and name == "khulasa.quotes":
            errs = result.errors
            for kind in ("FP", "FN", "SPEAKER"):
                chosen = [e for e in errs if e.startswith(kind)][: args.errors]
                print("\n".join(chosen), file=sys.stderr)


if __name__ == "__main__":
    main()
