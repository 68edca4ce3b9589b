"""Readability audit of story summaries and timelines (issue 14, "Measure it").

Runs ``khulasa stories`` (default options, embedded engine, ``--workers 2``) over a corpus — by default
the whole ANT archive in ../shared/data (not part of the repo) — or reads an existing stories JSONL
(``--stories FILE``), and reports, over every summary sentence of every story, the share that

* carries a **dateline** or agency tag (``دبي، الإمارات العربية المتحدة (CNN)-- ``, ``- رويترز``),
* carries a **hashtag** mark (``#مشاري_الذايدي``; a hashtag the sentence talks about, ``وسم #كن_رجلا``,
  is not a mark),
* is **boilerplate**: web furniture (read-also, share, click-here, promotions, disclaimers), a byline
  or a photo caption/credit,
* opens with a **reporting verb with no named subject** (``وأضاف: "..."``, ``وأكدت أن ...``) or a
  **bare pronoun** (``وهو ...``, ``وهي ...``),

and over every timeline entry the share with a year- or month-only date, dated before its story's
first article, longer than 200 characters, or dated by a bare deictic word (``اليوم``, ``أمس``).

Datelines, hashtags and boilerplate are detected with ``khulasa.text.rules`` — the same rule tables the
pipeline cleans with, so the audit and the cleaning share one definition.  The speaker rule is a small
one of this script's own (``unnamed_speaker``), kept independent of ``khulasa.speech``, which the
pipeline uses to keep a sentence with the one that names its speaker (docs/readable.md): a second
opinion, not the pipeline checking itself.  ``speaker_unresolved`` is the share issue 14's target is
about: flagged sentences not right after their article's previous sentence in the summary.

    python benchmarks/readability_audit.py                        # runs khulasa stories on ANT
    python benchmarks/readability_audit.py --stories stories.jsonl --sample 20 --examples 10
    python benchmarks/readability_audit.py --stories stories.jsonl --json

``--sample N`` prints N random summaries (seeded) for BENCHMARKS.md and ``--examples N`` N random
flagged sentences per check, to read the checks' precision.  Both leave out stories that touch
``--exclude`` (default 2018-06-10:2018-06-20, the held-out ANT dates), so nobody reads held-out text;
the counts cover every story.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# ../shared/data from the main checkout; from a worktree under ../wt/NAME it is one level further up.
_CANDIDATES = [base / "shared" / "data" / "ant-corpus-v2.1.tar.gz" for base in (ROOT.parent, ROOT.parent.parent)]
CORPUS = next((c for c in _CANDIDATES if c.exists()), _CANDIDATES[0])
HELD_OUT = "2018-06-10:2018-06-20"
LONG_ENTRY = 200

sys.path.insert(0, str(ROOT))
from khulasa.text.rules import find_hashtags, sentence_hits  # noqa: E402

SENTENCE_CHECKS = ("dateline", "hashtag", "boilerplate", "unnamed_speaker", "pronoun_opening")
TIMELINE_CHECKS = ("coarse_date", "before_story", "long_entry", "deictic_date")
LABELS = {
    "dateline": "dateline or agency tag",
    "hashtag": "hashtag mark",
    "boilerplate": "boilerplate (web furniture, byline, caption)",
    "unnamed_speaker": "reporting verb with no named subject",
    "pronoun_opening": "bare-pronoun opening",
    "speaker_or_pronoun": "reporting verb / pronoun with no named subject (either)",
    "speaker_unresolved": "  of which not right after its article's previous sentence",
    "coarse_date": "year- or month-only date",
    "before_story": "dated before the story's first article",
    "long_entry": f"entry longer than {LONG_ENTRY} characters",
    "deictic_date": "dated by a bare deictic word (اليوم, أمس, ...)",
}

# --- the speaker rule (this script's own, independent of khulasa.speech) ------------------------------

# Reporting verbs in the third person past, as they open a sentence that continues someone's words.
_REPORTING = (
    "قال قالت قالوا أضاف أضافت أضافوا تابع تابعت أكد أكدت أكدوا أوضح أوضحت أشار أشارت لفت لفتت "
    "اعتبر اعتبرت رأى رأت شدد شددت أردف أردفت استطرد استطردت مضى مضت ختم ختمت نوه نوهت بين بينت "
    "ذكر ذكرت زاد زادت أعرب أعربت أفاد أفادت كشف كشفت أعلن أعلنت استدرك استدركت تساءل تساءلت "
    "أكمل أكملت واصل واصلت يقول تقول يضيف تضيف"
).split()
# What may follow the verb when its subject is not named: a quote, a colon, a complementizer, a
# preposition, a circumstantial participle, or a time word (then look at the next word).
_NO_SUBJECT = (
    "أن إن بأن ان بان أنه إنه أنها إنها أنهم إنهم بأنه بأنها إلى الى قائلا قائلة قائلين مضيفا مضيفة "
    "موضحا موضحة مشيرا مشيرة في خلال عبر لدى عن أيضا كذلك بدوره بدورها من"
).split()
# The addressee after the verb (وقال لوكالة ..., لـCNN, للصحفيين): still no subject.  Other words in ل
# are left alone: names begin with it too (لافروف).
_ADDRESSEE = (
    "ل لوكالة لصحيفة لقناة لموقع لشبكة لتلفزيون لإذاعة لمجلة لوسائل لي لنا له لها لهم"
).split()
_TIME_WORDS = (
    "اليوم أمس الأمس غدا الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد يوم مساء صباح ليلة "
    "الليلة لاحقا حينها"
).split()
_MARKS = re.compile("[\u064b-\u0652\u0640]")  # diacritics and tatweel (لـCNN -> ل)
_PRONOUN = re.compile(r"^[\"«“(]*[وف]?(?:هو|هي|هم|هما|هن)(?=$|[\s،,.:])")
_WORD = re.compile(r"[^\W\d_]+|[\"«“:،,]")


def _fold(word: str) -> str:
    return _MARKS.sub("", word).translate(str.maketrans("أإآ", "ااا"))


_REPORTING_F = frozenset(_fold(w) for w in _REPORTING)
_NO_SUBJECT_F = frozenset(_fold(w) for w in _NO_SUBJECT)
_TIME_F = frozenset(_fold(w) for w in _TIME_WORDS)
_ADDRESSEE_F = frozenset(_fold(w) for w in _ADDRESSEE)


def unnamed_speaker(sentence: str) -> bool:
    """Whether the sentence opens with a reporting verb whose subject is not named (``وأضاف: ...``,
    ``وأكدت أن ...``, ``وقال في بيان إن ...``); ``وقال الرئيس ...`` names it."""
    tokens = [_fold(t) for t in _WORD.findall(sentence[:200])]
    if not tokens:
        return False
    verb = tokens[0]
    if verb not in _REPORTING_F and not (verb[:1] in "وف" and verb[1:] in _REPORTING_F):
        return False
    for token in tokens[1:]:
        if token in _TIME_F:
            continue
        return (
            token in ':"«“،,'
            or token in _NO_SUBJECT_F
            or token in _ADDRESSEE_F
            or token.startswith("لل")
            or (token[:1] == "ل" and token[1:].isascii())  # لـCNN
        )
    return True  # the verb ends the sentence


def pronoun_opening(sentence: str) -> bool:
    """Whether the sentence opens with a bare personal pronoun (``وهو بهذا المعنى ...``, ``وهي ليست``)."""
    return _PRONOUN.match(sentence) is not None


# --- checks ------------------------------------------------------------------------------------------


def sentence_checks(text: str, *, first: bool = False) -> set[str]:
    """The checks a summary sentence fails; ``first``: it opens its article (a ``Name:`` byline counts)."""
    failed = set()
    for hit in sentence_hits(text, first=first):
        failed.add("dateline" if hit.kind == "dateline" else "boilerplate")
    if any(not tag.named for tag in find_hashtags(text)):
        failed.add("hashtag")
    if unnamed_speaker(text):
        failed.add("unnamed_speaker")
    if pronoun_opening(text):
        failed.add("pronoun_opening")
    return failed


_DEICTIC = re.compile(
    r"^(?:(?:صباح|مساء|ظهر|ليلة|فجر|عصر)\s+)?(?:اليوم|أمس|الأمس|امس|غدا|غداً|الليلة|البارحة|الآن)$"
)


def _period_end(entry: dict) -> dt.date:
    if entry.get("end_date"):
        return dt.date.fromisoformat(entry["end_date"])
    d = dt.date.fromisoformat(entry["date"])
    if entry.get("granularity") == "year":
        return d.replace(month=12, day=31)
    if entry.get("granularity") == "month":
        return d.replace(day=calendar.monthrange(d.year, d.month)[1])
    return d


def timeline_checks(entry: dict, first_date: str | None) -> set[str]:
    """The checks a timeline entry fails, given its story's first publication date."""
    failed = set()
    if entry.get("granularity") in ("year", "month"):
        failed.add("coarse_date")
    if first_date and _period_end(entry) < dt.date.fromisoformat(first_date):
        failed.add("before_story")
    if len(entry.get("text", "")) > LONG_ENTRY:
        failed.add("long_entry")
    if _DEICTIC.match(entry.get("expression", "").strip()):
        failed.add("deictic_date")
    return failed


@dataclass
class Audit:
    """Counts over all stories: ``sentences``/``entries`` and how many fail each check."""

    stories: int = 0
    sentences: int = 0
    entries: int = 0
    sentence_fails: Counter[str] = field(default_factory=Counter)
    entry_fails: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    event_lines: int = 0
    """Lines of a story tree's event timeline (its events' first sentences); the dated entries above
    are then the record's ``background``."""
    long_event_lines: int = 0

    def share(self, check: str) -> float:
        if check in self.entry_fails or check in TIMELINE_CHECKS:
            return self.entry_fails[check] / self.entries if self.entries else 0.0
        return self.sentence_fails[check] / self.sentences if self.sentences else 0.0

    def to_dict(self) -> dict:
        return {
            "stories": self.stories,
            "summary_sentences": self.sentences,
            "timeline_entries": self.entries,
            "sentences": {k: {"count": self.sentence_fails[k], "share": round(self.share(k), 5)}
                          for k in (*SENTENCE_CHECKS, "speaker_or_pronoun", "speaker_unresolved")},
            "timeline": {k: {"count": self.entry_fails[k], "share": round(self.share(k), 5)} for k in TIMELINE_CHECKS},
            "rules": dict(self.rules.most_common()),
            "event_lines": {"count": self.event_lines, "long": self.long_event_lines},
        }


def dated_entries(record: dict) -> list[dict]:
    """A record's dated-expression timeline: ``timeline`` in a one-level record, ``background`` in a
    story tree's (whose ``timeline`` is one line per event)."""
    return (record.get("background") if "events" in record else record.get("timeline")) or []


def _opens_article(sentence: dict) -> bool:
    return any(source.get("start") == 0 for source in sentence.get("sources", ()))


def _follows_its_previous_sentence(sentence: dict, previous: dict | None) -> bool:
    """Whether the summary sentence before this one is the sentence before it in one of its articles
    (then the speaker is named right before: issue 14 item 2's "selected together")."""
    if previous is None:
        return False
    ends = {(s["article_id"], s["end"]) for s in previous.get("sources", ())}
    return any((s["article_id"], e) in ends for s in sentence.get("sources", ()) for e in range(s["start"] - 3, s["start"]))


def audit(records: Iterable[dict]) -> Audit:
    """Count every check over every summary sentence and timeline entry of ``records``."""
    result = Audit()
    for record in records:
        result.stories += 1
        previous = None
        for sentence in record["summary"]["sentences"]:
            result.sentences += 1
            failed = sentence_checks(sentence["text"], first=_opens_article(sentence))
            result.sentence_fails.update(failed)
            for hit in sentence_hits(sentence["text"], first=_opens_article(sentence)):
                result.rules[hit.rule] += 1
            if failed & {"unnamed_speaker", "pronoun_opening"}:
                result.sentence_fails["speaker_or_pronoun"] += 1
                if not _follows_its_previous_sentence(sentence, previous):
                    result.sentence_fails["speaker_unresolved"] += 1
            previous = sentence
        for entry in dated_entries(record):
            result.entries += 1
            result.entry_fails.update(timeline_checks(entry, record.get("first_date")))
        if "events" in record:
            for line in record.get("timeline") or ():
                result.event_lines += 1
                result.long_event_lines += len(line.get("text", "")) > LONG_ENTRY
    return result


def format_table(result: Audit) -> str:
    lines = [
        f"{result.stories} stories, {result.sentences} summary sentences, {result.entries} timeline entries",
        "",
        "| summary sentences | count | share |",
        "|---|---:|---:|",
    ]
    for k in (*SENTENCE_CHECKS, "speaker_or_pronoun", "speaker_unresolved"):
        lines.append(f"| {LABELS[k]} | {result.sentence_fails[k]} | {100 * result.share(k):.2f} % |")
    lines += ["", "| dated timeline entries | count | share |", "|---|---:|---:|"]
    for k in TIMELINE_CHECKS:
        lines.append(f"| {LABELS[k]} | {result.entry_fails[k]} | {100 * result.share(k):.2f} % |")
    if result.event_lines:
        share = 100 * result.long_event_lines / result.event_lines
        lines += ["", f"event timeline lines (story trees): {result.event_lines}, longer than {LONG_ENTRY} "
                      f"characters {result.long_event_lines} ({share:.2f} %)"]
    if result.rules:
        lines += ["", "rules that fired on summary sentences: "
                  + ", ".join(f"{rule} {n}" for rule, n in result.rules.most_common())]
    return "\n".join(lines)


# --- reading: samples and examples ---------------------------------------------------------------------


def _window(spec: str | None) -> tuple[str, str] | None:
    if not spec:
        return None
    start, _, end = spec.partition(":")
    dt.date.fromisoformat(start), dt.date.fromisoformat(end)  # validate
    return start, end


def _touches(record: dict, window: tuple[str, str] | None) -> bool:
    """Whether the story has an article dated inside ``window`` (or is undated: then we cannot tell)."""
    if window is None:
        return False
    dates = [a.get("date") for a in record.get("articles", ())]
    if not any(dates):
        return True
    return any(d and window[0] <= d <= window[1] for d in dates)


def sample_summaries(records: list[dict], n: int, seed: int, window: tuple[str, str] | None) -> str:
    """``n`` random summaries (seeded) as markdown, each sentence with its outlets and failed checks."""
    pool = [r for r in records if r["summary"]["sentences"] and not _touches(r, window)]
    chosen = sorted(random.Random(seed).sample(range(len(pool)), min(n, len(pool))))
    out = []
    for k, i in enumerate(chosen, 1):
        r = pool[i]
        outlets = ", ".join(r.get("outlets", ()))
        out.append(f"**{k}. {r['title']}** — {r['first_date']}..{r['last_date']}, {r['n_articles']} article(s), {outlets}")
        out.append("")
        for s in r["summary"]["sentences"]:
            failed = sorted(sentence_checks(s["text"], first=_opens_article(s)))
            sources = ", ".join(sorted({src.get("source") or src["article_id"] for src in s["sources"]}))
            flag = f" ⚑ {', '.join(failed)}" if failed else ""
            out.append(f"- {s['text']} [{sources}]{flag}")
        out.append("")
    return "\n".join(out)


def flagged_examples(records: list[dict], n: int, seed: int, window: tuple[str, str] | None) -> str:
    """``n`` random flagged sentences/entries per check, to read how precise each check is."""
    found: dict[str, list[str]] = {k: [] for k in (*SENTENCE_CHECKS, *TIMELINE_CHECKS)}
    for r in records:
        if _touches(r, window):
            continue
        for s in r["summary"]["sentences"]:
            for check in sentence_checks(s["text"], first=_opens_article(s)):
                found[check].append(s["text"])
        for e in dated_entries(r):
            for check in timeline_checks(e, r.get("first_date")):
                found[check].append(f"{e['date']} ({e['granularity']}, «{e['expression']}», story from "
                                    f"{r.get('first_date')}): {e['text'][:160]}")
    rng = random.Random(seed)
    out = []
    for check, items in found.items():
        out.append(f"## {LABELS[check]}: {len(items)} outside the excluded dates")
        out += [f"- {t}" for t in rng.sample(items, min(n, len(items)))]
        out.append("")
    return "\n".join(out)


# --- running -----------------------------------------------------------------------------------------


def read_stories(path: str | os.PathLike[str]) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def run_stories(corpus: Path, workers: int, out: Path) -> float:
    """``khulasa stories CORPUS -o OUT --workers N -q`` in a child process; its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "khulasa", "stories", str(corpus), "-o", str(out),
                    "--workers", str(workers), "-q"], check=True, cwd=ROOT)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", help="read this stories JSONL instead of running khulasa stories")
    parser.add_argument("--corpus", default=str(CORPUS), help="input of khulasa stories (default: ANT archive)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", help="keep the stories JSONL of the run here")
    parser.add_argument("--sample", type=int, default=0, help="print N random summaries")
    parser.add_argument("--examples", type=int, default=0, help="print N random flagged items per check")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--exclude", default=HELD_OUT, help="START:END dates left out of samples and examples")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args(argv)
    window = _window(args.exclude)

    seconds = None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.stories) if args.stories else Path(args.keep or Path(tmp) / "stories.jsonl")
        if not args.stories:
            try:
                seconds = run_stories(Path(args.corpus), args.workers, path)
            except subprocess.CalledProcessError as exc:
                print(f"readability_audit: khulasa stories failed (exit {exc.returncode})", file=sys.stderr)
                return exc.returncode
        records = list(read_stories(path))
    result = audit(records)
    if args.json:
        out = result.to_dict()
        out["stories_seconds"] = round(seconds, 1) if seconds is not None else None
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        where = args.stories or f"khulasa stories {args.corpus} --workers {args.workers}"
        print(f"# Readability audit: {where}")
        print(f"{dt.date.today()}, {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
              + (f", stories run {seconds:.0f} s" if seconds is not None else ""))
        print()
        print(format_table(result))
    if args.sample:
        print(f"\n# {args.sample} random summaries (seed {args.seed}, leaving out {args.exclude})\n")
        print(sample_summaries(records, args.sample, args.seed, window))
    if args.examples:
        print(f"\n# Flagged examples (seed {args.seed})\n")
        print(flagged_examples(records, args.examples, args.seed, window))
    return 0


if __name__ == "__main__":
    sys.exit(main())
