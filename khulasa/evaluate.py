"""ROUGE for Arabic summaries (Lin, 2004, "ROUGE: A Package for Automatic Evaluation of Summaries").

ROUGE-1 and ROUGE-2 come from Google's ``rouge-score`` package, fed by ``ArabicTokenizer`` (its
``Tokenizer`` interface): the text is put in Khulasa's matching form (``khulasa.text.normalize``: diacritics,
tatweel, invisible marks removed; alef forms, hamza seats, alef maqsura and ta marbuta folded) and split
on anything that is not a letter or a digit; optionally each token is stemmed (``khulasa.text.normalize.stem``,
Snowball Arabic).  ROUGE-L is the same sentence-level LCS score as ``rouge-score``'s ``rougeL``, but the
LCS length is computed bit-parallel (Allison & Dix, 1986; Hyyrö, 2004) because the package's pure-Python
table is too slow for a whole corpus; ``tests/test_evaluate.py`` checks both give the same numbers.

Several references: every score (recall, precision, F) is the mean over the references; ``best`` also
keeps rouge-score's ``score_multi`` choice (the reference with the highest F, per ROUGE type).  Corpus
scores are the mean over items (macro average).  Word budgets count words as
``khulasa.text.normalize.count_words`` does (``cut_words``), the unit of ``SummaryOptions.words``.

Running a whole evaluation (datasets x systems -> ``Report``) is ``run``; ``khulasa eval`` is its CLI.
The repository's quality gate (pinned data, floors) is not the library's: ``tests/quality_gate.py``.
"""

from __future__ import annotations

import json
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from rouge_score import rouge_scorer, scoring, tokenizers

from khulasa import baselines
from khulasa.datasets import EvalItem
from khulasa.errors import InvalidOptionsError, KhulasaError
from khulasa.models import Article
from khulasa.options import MAX_SENTENCES, MAX_WORDS, SummaryOptions, whole
from khulasa.text.normalize import (
    count_words,
    fold_digits,
    normalize,
    remove_invisible,
    remove_tatweel,
    stem,
    strip_diacritics,
    word_spans,
)

log = logging.getLogger(__name__)

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


class Score(NamedTuple):
    """One ROUGE score, field for field rouge-score's ``scoring.Score`` (which is untyped)."""

    precision: float
    recall: float
    fmeasure: float


Scores = Mapping[str, Score]

# A word for ROUGE: a run of letters and/or digits in any script (the underscore is a \w but no letter).
_WORD = re.compile(r"[^\W_]+")


# --- tokenizer and text helpers -----------------------------------------------------------------


class ArabicTokenizer(tokenizers.Tokenizer):
    """rouge-score ``Tokenizer``: matching-form tokens split on every non-letter, non-digit character.

    Marks are removed before splitting (a kasra must not cut a word in two); each token is then
    folded with ``normalize`` or, with ``stem=True``, stemmed with ``stem`` (which wants the unfolded
    token: Snowball reads ``ة`` as a suffix, not ``ه``).  Latin text is case-folded, so on plain
    lowercase ASCII this splits exactly like rouge-score's default tokenizer.
    """

    def __init__(self, stem: bool = False) -> None:
        self.stem = stem

    def tokenize(self, text: str) -> list[str]:
        light = unicodedata.normalize("NFKC", text.casefold())
        light = remove_invisible(remove_tatweel(strip_diacritics(fold_digits(light))))
        fold = stem if self.stem else normalize
        return [t for t in map(fold, _WORD.findall(light)) if t]

    def __repr__(self) -> str:
        return f"ArabicTokenizer(stem={self.stem})"


def cut_words(text: str, n: int) -> str:
    """The first ``n`` words of ``text`` as ``count_words`` counts them (joined by single spaces)."""
    if n < 0:
        raise InvalidOptionsError("words", n, "a word budget cannot be negative")
    if n == 0:
        return ""
    for k, (_, end) in enumerate(word_spans(text), start=1):
        if k == n:
            return " ".join(text[:end].split())
    return " ".join(text.split())


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of two token sequences, bit-parallel.

    Hyyrö's formulation of Allison & Dix: one machine word (here a Python int of ``len(a)`` bits) per
    column of the DP table, so the cost is O(len(b)) big-int operations instead of a Python loop over
    every cell.  The number of zero bits left in ``v`` is the LCS length.
    """
    if not a or not b:
        return 0
    masks: dict[str, int] = {}
    for i, token in enumerate(a):
        masks[token] = masks.get(token, 0) | (1 << i)
    full = (1 << len(a)) - 1
    v = full
    for token in b:
        m = masks.get(token, 0)
        if m:
            u = v & m
            v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


def _lcs_score(reference: Sequence[str], candidate: Sequence[str]) -> Score:
    lcs = lcs_length(reference, candidate)
    if lcs == 0:
        return Score(precision=0.0, recall=0.0, fmeasure=0.0)
    precision = lcs / len(candidate)
    recall = lcs / len(reference)
    return Score(precision=precision, recall=recall, fmeasure=scoring.fmeasure(precision, recall))


# --- scoring ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemScores:
    """ROUGE of one candidate against its references.

    ``mean``: each of recall, precision, F averaged over the references (Khulasa's reported number).
    ``best``: per ROUGE type, the reference with the highest F (rouge-score's ``score_multi``).
    """

    mean: Scores
    best: Scores
    per_reference: tuple[Scores, ...]


class Rouge:
    """ROUGE-1, ROUGE-2 and ROUGE-L of a candidate against one or more references."""

    def __init__(self, stem: bool = False) -> None:
        self.tokenizer = ArabicTokenizer(stem=stem)
        self._ngrams = rouge_scorer.RougeScorer(["rouge1", "rouge2"], tokenizer=self.tokenizer)

    def score_one(self, candidate: str, reference: str) -> dict[str, Score]:
        scores = {k: Score(*v) for k, v in self._ngrams.score(reference, candidate).items()}
        scores["rougeL"] = _lcs_score(self.tokenizer.tokenize(reference), self.tokenizer.tokenize(candidate))
        return scores

    def score(self, candidate: str, references: Sequence[str]) -> ItemScores:
        if not references:
            raise InvalidOptionsError("references", references, "at least one reference is needed")
        per_reference = tuple(self.score_one(candidate, ref) for ref in references)
        best = {k: max(per_reference, key=lambda s: s[k].fmeasure)[k] for k in ROUGE_TYPES}
        return ItemScores(mean=average(per_reference), best=best, per_reference=per_reference)


def average(scores: Iterable[Scores]) -> dict[str, Score]:
    """Mean recall, precision and F per ROUGE type (F is the mean of the F's, as rouge-score does)."""
    items = list(scores)
    if not items:
        return {k: Score(0.0, 0.0, 0.0) for k in ROUGE_TYPES}
    n = len(items)
    return {
        k: Score(
            precision=sum(s[k].precision for s in items) / n,
            recall=sum(s[k].recall for s in items) / n,
            fmeasure=sum(s[k].fmeasure for s in items) / n,
        )
        for k in ROUGE_TYPES
    }


def flatten(scores: Scores) -> dict[str, float]:
    """``{"rouge1_r": ..., "rouge1_p": ..., "rouge1_f": ..., ...}`` (the floors' and JSON's keys)."""
    out = {}
    for k in ROUGE_TYPES:
        out[f"{k}_r"] = scores[k].recall
        out[f"{k}_p"] = scores[k].precision
        out[f"{k}_f"] = scores[k].fmeasure
    return out


# --- budgets ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """How long each candidate may be.

    ``kind``: ``"ref"`` (words = the mean length of the item's references, rounded), ``"words"`` or
    ``"sentences"``.  Candidates under a word budget are cut to it before scoring (a no-op for systems
    that keep to it); sentence budgets are not cut.
    """

    kind: str
    value: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("ref", "words", "sentences"):
            raise InvalidOptionsError("budget", self.kind, "unknown kind", hint="use ref, N, Nw or Ns")
        if self.kind != "ref":
            whole("budget", self.value, minimum=1, maximum=MAX_WORDS if self.kind == "words" else MAX_SENTENCES)

    def options(self, item: EvalItem) -> SummaryOptions:
        if self.kind == "sentences":
            return SummaryOptions(sentences=self.value)
        if self.kind == "words":
            return SummaryOptions(words=self.value)
        mean = sum(count_words(r) for r in item.references) / len(item.references)
        return SummaryOptions(words=min(MAX_WORDS, max(1, round(mean))))

    def describe(self) -> str:
        if self.kind == "ref":
            return "words = mean reference length of each item (rounded); candidate cut to it"
        if self.kind == "words":
            return f"{self.value} words; candidate cut to it"
        return f"{self.value} sentence(s)"

    def __str__(self) -> str:
        return {"ref": "ref", "words": f"{self.value}w", "sentences": f"{self.value}s"}[self.kind]


def parse_budget(text: str) -> Budget:
    """``ref``, ``120`` or ``120w`` (words), ``1s`` (sentences)."""
    match = re.fullmatch(r"\s*(?:(ref)|(\d+)\s*(w|words?|s|sentences?)?)\s*", text.lower())
    if not match:
        raise InvalidOptionsError(
            "budget", text, "not a budget", hint="use 'ref' (mean reference length), '120' / '120w' or '1s'"
        )
    if match.group(1):
        return Budget("ref")
    unit = match.group(3) or "w"
    return Budget("sentences" if unit.startswith("s") else "words", int(match.group(2)))


# --- systems ----------------------------------------------------------------------------------------

System = Callable[[Sequence[Article], SummaryOptions], str]
"""A summarizer under evaluation: articles and a budget in, summary text out."""


def _khulasa(articles: Sequence[Article], options: SummaryOptions) -> str:
    from khulasa.pipeline import summarize

    return summarize(articles, options=options).text


def get_system(name: str) -> System:
    """``khulasa``, a baseline (``lead``, ``random``, ``lexrank``, ...), or ``random:SEED``."""
    if name == "khulasa":
        return _khulasa
    return baselines.get(name)


SYSTEM_NAMES = ("khulasa", *baselines.NAMES)
DEFAULT_SYSTEMS = ("khulasa", "lead", "random")


# --- a whole evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SystemResult:
    """One system's corpus scores (macro average over items)."""

    name: str
    mean: Scores
    best: Scores
    seconds: float
    n_items: int
    n_failed: int = 0
    mean_words: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.name,
            "items": self.n_items,
            "failed": self.n_failed,
            "mean_words": round(self.mean_words, 2),
            "seconds": round(self.seconds, 3),
            "scores": {k: round(v, 5) for k, v in flatten(self.mean).items()},
            "best_reference": {k: round(v, 5) for k, v in flatten(self.best).items()},
        }


@dataclass(frozen=True)
class Report:
    dataset: str
    budget: Budget
    n_items: int
    n_references: float
    stem: bool
    results: tuple[SystemResult, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "items": self.n_items,
            "references_per_item": round(self.n_references, 2),
            "budget": str(self.budget),
            "budget_rule": self.budget.describe(),
            "selection_rule": baselines.SELECTION_RULE,
            "tokenizer": repr(ArabicTokenizer(self.stem)),
            "multi_reference": "scores: mean over references; best_reference: max-F reference per type",
            **dict(self.extra),
            "systems": [r.to_dict() for r in self.results],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_markdown(self) -> str:
        lines = [
            f"**{self.dataset}**: {self.n_items} items, {self.n_references:.2g} reference(s) each; "
            f"budget: {self.budget.describe()}.",
            f"ROUGE with {ArabicTokenizer(self.stem)!r}; scores are the mean over references, then over "
            "items.",
            f"Baselines select sentences the same way: {baselines.SELECTION_RULE}.",
            "",
            "| system | R-1 R | R-1 P | R-1 F | R-2 R | R-2 P | R-2 F | R-L R | R-L P | R-L F | words | seconds |",
            "|---|" + "---:|" * 11,
        ]
        for r in self.results:
            cells = []
            for k in ROUGE_TYPES:
                s = r.mean[k]
                cells += [f"{s.recall:.4f}", f"{s.precision:.4f}", f"{s.fmeasure:.4f}"]
            failed = f" ({r.n_failed} failed)" if r.n_failed else ""
            lines.append(
                f"| {r.name}{failed} | " + " | ".join(cells) + f" | {r.mean_words:.1f} | {r.seconds:.2f} |"
            )
        return "\n".join(lines) + "\n"

    def render(self, fmt: str) -> str:
        return self.to_json() if fmt == "json" else self.to_markdown()


def evaluate_system(
    name: str, items: Sequence[EvalItem], budget: Budget, rouge: Rouge
) -> tuple[SystemResult, list[ItemScores]]:
    """Summarize every item with one system and score it; time only the summarizing."""
    system = get_system(name)
    seconds = 0.0
    failed = 0
    words = 0
    per_item = []
    for item in items:
        options = budget.options(item)
        start = time.perf_counter()
        try:
            candidate = system(item.articles, options)
        except KhulasaError as exc:
            log.warning("%s failed on %s: %s", name, item.id, exc)
            candidate, failed = "", failed + 1
        seconds += time.perf_counter() - start
        if options.words is not None:
            candidate = cut_words(candidate, options.words)
        words += count_words(candidate)
        per_item.append(rouge.score(candidate, item.references))
    result = SystemResult(
        name=name,
        mean=average(s.mean for s in per_item),
        best=average(s.best for s in per_item),
        seconds=seconds,
        n_items=len(items),
        n_failed=failed,
        mean_words=words / len(items) if items else 0.0,
    )
    return result, per_item


def run(
    dataset: str,
    items: Sequence[EvalItem],
    systems: Sequence[str],
    budget: Budget,
    *,
    stem: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> Report:
    """Score every system on every item; systems are checked before any work starts."""
    for name in systems:
        get_system(name)
    rouge = Rouge(stem=stem)
    results = []
    for name in systems:
        log.info("evaluating %s on %d items", name, len(items))
        result, _ = evaluate_system(name, items, budget, rouge)
        results.append(result)
    n_refs = sum(len(i.references) for i in items) / len(items) if items else 0.0
    return Report(dataset, budget, len(items), n_refs, stem, tuple(results), extra or {})
