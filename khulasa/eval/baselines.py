"""Baseline summarizers for evaluation: lead, random, and sumy's extractive methods.

Every baseline sees the same candidates as Khulasa (``candidates``: the non-heading sentences of
``khulasa.segment.segment`` that have a token) and fills a budget with the same rule (``fill``):
ranked sentences are taken in rank order; one that would exceed the word budget is skipped and the
next one is tried, so a long top sentence does not leave the summary empty; a sentence budget takes
the first N.  The chosen sentences are then shown in document order (article order, then position).

* ``lead``: document order; for several articles, round-robin (every article's first sentence, then
  every second sentence, ...).
* ``random``: a seeded shuffle per item (``random:SEED``; the item's sentences seed it too, so it is
  deterministic and independent of the order items are scored in).
* sumy 0.13 (``[bench]`` extra, imported lazily): LexRank (Erkan & Radev, 2004), TextRank (Mihalcea &
  Tarau, 2004), LSA (Steinberger & Ježek, 2004), Luhn (1958), SumBasic (Nenkova & Vanderwende, 2005),
  KL-Sum (Haghighi & Vanderwende, 2009).  sumy is given our sentences as an ``ObjectDocumentModel``
  (its own Arabic sentence splitter is not used), our tokens (``khulasa.text.normalize.tokenize``), our
  stopwords (``STOPWORDS``) and our stemmer (``khulasa.text.normalize.stem``, fed the unfolded token as
  Khulasa's own terms are).  sumy's KL-Sum does not stem; it is left as written.  The full ranking is
  read from each method's ratings, so every method fills the budget with the same rule.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from khulasa.errors import InvalidOptionsError, require
from khulasa.models import Article, Sentence
from khulasa.options import SummaryOptions
from khulasa.segment import segment
from khulasa.text.normalize import (
    STOPWORDS,
    fold_digits,
    normalize,
    remove_invisible,
    remove_tatweel,
    stem,
    strip_diacritics,
    word_tokens,
)

SELECTION_RULE = (
    "take ranked sentences in rank order, skipping any that would exceed the word budget; "
    "show them in document order"
)
SUMY_METHODS = ("lexrank", "textrank", "lsa", "luhn", "sumbasic", "kl")
NAMES = ("lead", "random", *SUMY_METHODS)

Ranker = Callable[[Sequence[Sentence]], list[int]]
"""Ranks candidate sentences: returns their indices, best first (a permutation)."""


# --- candidates and the shared selection rule -----------------------------------------------------


def candidates(articles: Sequence[Article]) -> list[Sentence]:
    """The sentences every system may choose: non-headings with at least one token, in input order."""
    return [s for a in articles for s in segment(a) if not s.is_heading and word_tokens(s.text.split())]


def fill(sentences: Sequence[Sentence], ranking: Sequence[int], options: SummaryOptions) -> list[Sentence]:
    """Take sentences in rank order within the budget (see the module docstring); document order out."""
    chosen: list[int] = []
    if options.sentences is not None:
        chosen = list(ranking[: options.sentences])
    else:
        budget = options.words or 0
        used = 0
        for i in ranking:
            n = sentences[i].n_words
            if used + n <= budget:
                chosen.append(i)
                used += n
            if used >= budget:
                break
    return [sentences[i] for i in sorted(chosen)]


def summarize_with(ranker: Ranker, articles: Sequence[Article], options: SummaryOptions) -> str:
    sentences = candidates(articles)
    if not sentences:
        return ""
    return "\n".join(s.text for s in fill(sentences, ranker(sentences), options))


# --- lead and random --------------------------------------------------------------------------------


def rank_lead(sentences: Sequence[Sentence]) -> list[int]:
    """Document order; across articles round-robin by position within each article."""
    position: dict[str, int] = {}
    keys = []
    for i, s in enumerate(sentences):
        nth = position.get(s.article_id, 0)
        position[s.article_id] = nth + 1
        keys.append((nth, i))
    return [i for _, i in sorted(keys)]


def rank_random(sentences: Sequence[Sentence], seed: int = 0) -> list[int]:
    """A shuffle seeded by ``seed`` and the sentences themselves (stable across runs and item order)."""
    digest = hashlib.sha256(f"{seed}\0".encode() + "\0".join(s.text for s in sentences).encode()).digest()
    order = list(range(len(sentences)))
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(order)
    return order


# --- sumy ------------------------------------------------------------------------------------------

# normalize.tokenize's token shape (numbers keep their separators), applied to the light form.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+")


class _SumyWords:
    """sumy's tokenizer (``to_words``) and stemmer for one document, over Khulasa's tokens.

    Words are given folded (as ``normalize.tokenize`` makes them, so our ``STOPWORDS`` match); the
    stemmer looks up the unfolded form the word came from, since Snowball needs ``ة`` and ``ى``.
    """

    def __init__(self) -> None:
        self._light: dict[str, str] = {}

    def to_words(self, text: str) -> tuple[str, ...]:
        light = unicodedata.normalize("NFKC", text.casefold())
        light = remove_invisible(remove_tatweel(strip_diacritics(fold_digits(light))))
        words = []
        for token in _TOKEN.findall(light):
            folded = normalize(token)
            self._light.setdefault(folded, token)
            words.append(folded)
        return tuple(words)

    def stem(self, word: str) -> str:
        return stem(self._light.get(word, word))


def _sumy_classes() -> dict[str, Any]:
    require("sumy", feature="the sumy baselines", extra="bench")
    from sumy.summarizers.kl import KLSummarizer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.sum_basic import SumBasicSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    return {
        "lexrank": LexRankSummarizer,
        "textrank": TextRankSummarizer,
        "lsa": LsaSummarizer,
        "luhn": LuhnSummarizer,
        "sumbasic": SumBasicSummarizer,
        "kl": KLSummarizer,
    }


def _full_ranking(sentences: Sequence[Any], count: Any, rating: Any, *args: Any, **kwargs: Any) -> list[int]:
    """Replaces sumy's ``_get_best_sentences``: every sentence's index, best rating first.

    Same sort as sumy's (a stable sort on rating, descending), so its top N is our first N.
    """
    rate = (lambda s: rating[s]) if isinstance(rating, dict) else (lambda s: rating(s, *args, **kwargs))
    rated = [(rate(s), i) for i, s in enumerate(sentences)]
    return [i for _, i in sorted(rated, key=lambda r: r[0], reverse=True)]


def sumy_ranker(method: str) -> Ranker:
    """A ``Ranker`` running one of sumy's summarizers on our sentences."""
    require("sumy", feature=f"the {method} baseline", extra="bench")
    classes = _sumy_classes()
    if method not in classes:
        raise InvalidOptionsError("method", method, "unknown sumy method", hint=f"use one of {SUMY_METHODS}")
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence

    ranking_class = type(f"Ranking{classes[method].__name__}", (classes[method],),
                         {"_get_best_sentences": staticmethod(_full_ranking)})

    def rank(sentences: Sequence[Sentence]) -> list[int]:
        words = _SumyWords()
        paragraphs: list[list[Any]] = []
        last = None
        for s in sentences:
            if (s.article_id, s.paragraph) != last:
                paragraphs.append([])
                last = (s.article_id, s.paragraph)
            paragraphs[-1].append(SumySentence(s.text, words))
        document = ObjectDocumentModel([Paragraph(p) for p in paragraphs])
        summarizer = ranking_class(words.stem)
        summarizer.stop_words = STOPWORDS
        ranking = summarizer(document, len(sentences))
        return list(ranking)

    return rank


# --- registry ---------------------------------------------------------------------------------------


def get(name: str) -> Callable[[Sequence[Article], SummaryOptions], str]:
    """A baseline by name: ``lead``, ``random`` or ``random:SEED``, or a sumy method."""
    base, _, arg = name.partition(":")
    if base == "random":
        if arg and not arg.isdigit():
            raise InvalidOptionsError("system", name, "the seed must be a whole number", hint="e.g. random:1")
        seed = int(arg or 0)
        return lambda articles, options: summarize_with(lambda s: rank_random(s, seed), articles, options)
    if arg:
        raise InvalidOptionsError("system", name, "only random takes a ':SEED'")
    if base == "lead":
        return lambda articles, options: summarize_with(rank_lead, articles, options)
    if base in SUMY_METHODS:
        ranker = sumy_ranker(base)
        return lambda articles, options: summarize_with(ranker, articles, options)
    raise InvalidOptionsError(
        "system", name, "unknown system", hint=f"valid systems: khulasa, {', '.join(NAMES)}, random:SEED"
    )
