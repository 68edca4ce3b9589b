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
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rouge_score import rouge_scorer, scoring, tokenizers

from khulasa.errors import InvalidOptionsError
from khulasa.text.normalize import (
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


