"""What makes two reports the same event, per article: the lead's words, title words, named actors and
places, figures.

Two reports of one happening share its *who, where and when* more reliably than their wording: the
same actors and places, the same figures (a score, a toll, an amount), headline words, and what the
lead says (news puts the happening first: the "inverted pyramid").  Story Forest (Liu et al., "Growing
Story Forest Online from Massive Breaking News", CIKM 2017; "Story Forest: Extracting Events and
Telling Stories from Breaking News", TKDD 2020) builds its events on keywords and named entities;
Miranda et al. ("Multilingual Clustering of Streaming News", EMNLP 2018) compare a document with a
cluster on several representations at once (body and title TF-IDF, named entities, time).  This module
extracts those representations once per article, small, plain and picklable, so they can be computed
anywhere (an executor of the Spark engine, a worker process of the embedded one); the clusterer
``khulasa.stories.trees`` weighs them (the time comes from the publication date, in the features).

What is read: the headline (the title, or the first sentence of an article without one) and the lead
(the first ``LEAD_CHARS`` characters of the text).

- ``lead_terms`` / ``lead_weights``: stemmed content terms of the lead (``khulasa.text.normalize.terms``)
  and their weights ``1 + ln tf``, headline occurrences counted twice: the event-level vector.
- ``title``: the headline's distinct stemmed terms.
- ``entities``: folded names, by rule-based Arabic NER in the manner of NERA (Shaalan & Raza, JASIST
  2009) with the gazetteer of ``khulasa.keyterms`` (``data/keyterms_gazetteer_ar.txt``): places and
  organizations of the gazetteer (a leading و/ف/ب/ل/ك split off: ``بموسكو`` -> ``موسكو``); a
  nationality adjective as its country (``الرئيس الروسي`` -> ``روسيا``); the words of the name after a
  title cue (``نظيره التركي رجب طيب أردوغان`` -> ``رجب``, ``طيب``, ``اردوغان``: where a name ends is a
  guess, and a common word caught after it weighs little by its IDF); the words before a colon that
  opens a title (``رونالدو: ...``, a quote's speaker); the name after a place or organization head
  word (``مدينة الحديدة`` -> ``الحديده``, ``حركة حماس`` -> ``حركه حماس``); capitalized Latin words.
- ``numbers``: figures of two digits or more (years left out) and match scores (``4-2``, order-free).

Dates mentioned in the lead (``khulasa.timeline.parse_dates``) were tried as a fourth kind and left
out: on the dev windows they changed no score and cost 0.7 ms an article (docs/story-trees.md).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

from khulasa.keyterms import GAZETTEER, Gazetteer
from khulasa.models import Article
from khulasa.text.normalize import STOPWORDS, normalize
from khulasa.text.normalize import terms as stemmed_terms

LEAD_CHARS = 600
"""Characters of the text read after the title (about the first two sentences)."""
MAX_NAME_WORDS = 3
"""Words of a person's name after a title cue."""
MAX_ADJECTIVES = 3
"""Words that complete a title before the name (``الرئيس الروسي``, ``وزير الخارجية الأمريكي``)."""
MAX_PHRASE_WORDS = 4
"""Longest gazetteer entry looked up, in words."""
HEADLINE_WORDS = 25
"""Words of the first sentence that stand in for a missing title."""
YEARS = range(1950, 2050)
"""Four-digit numbers read as years: every report of a year has them, so they say nothing."""

_CLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
_TOKEN = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*|[^\w\s]")
_SCORE = re.compile(r"(?<![\d.,])(\d{1,2}) ?[-–:] ?(\d{1,2})(?![\d.,])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")
_LATIN_COMMON = frozenset({"The", "And", "For", "With", "From", "This", "That", "News", "Video", "Live"})
_NISBA_ENDINGS = ("يين", "يون", "يه", "ي")
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s|\n")


@dataclass(frozen=True)
class EventSignals:
    """An article's event signals (see the module doc); the term and key fields are sorted and distinct,
    ``lead_weights`` go with ``lead_terms``."""

    title: tuple[str, ...]
    entities: tuple[str, ...]
    numbers: tuple[str, ...]
    lead_terms: tuple[str, ...]
    lead_weights: tuple[float, ...]


class _Names:
    """Gazetteer lookups on folded words (cached per word: news repeats its names)."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz
        self.phrases = gaz.places | gaz.orgs | gaz.people
        self.first_words = frozenset(p.split()[0] for p in self.phrases)
        self.heads = gaz.place_words | gaz.org_words
        self.titles = gaz.titles
        self.title_words = frozenset(t.split()[0] for t in gaz.titles)
        self.longest_title = max((len(t.split()) for t in gaz.titles), default=1)
        self.starts = self.first_words | self.title_words | self.heads

    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019 - one instance per gazetteer, kept for the process
    def variants(self, word: str) -> tuple[str, ...]:
        """The word, then the word without a leading clitic (``للرئيس`` -> ``الرئيس``)."""
        out = [word]
        for clitic in _CLITICS:
            if word.startswith(clitic) and len(word) - len(clitic) >= 3:
                rest = word[len(clitic) :]
                out.append("ا" + rest if clitic.endswith("ل") and rest.startswith("ل") else rest)
        # The gazetteer keys its entries without the article (``name_key``): الرئيس is found as رئيس.
        out += [key for key in map(self.gaz.name_key, out) if key not in out]
        return tuple(dict.fromkeys(out))

    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019
    def active(self, word: str) -> bool:
        """Whether a word can start a name, a title cue or a head word, or is a nationality: most words
        cannot, and are passed over at once."""
        return any(v in self.starts for v in self.variants(word)) or self.nationality(word) is not None

    @functools.lru_cache(maxsize=1 << 16)  # noqa: B019
    def nationality(self, word: str) -> str | None:
        """The country of a nationality adjective (``الروسي``, ``والتركية`` folded), else ``None``."""
        for variant in self.variants(word):
            stem = variant[2:] if variant.startswith("ال") else variant
            for ending in _NISBA_ENDINGS:
                if stem.endswith(ending) and len(stem) > len(ending) + 2:
                    base = stem[: -len(ending)]
                    for place in (base + "يا", base + "ا", "ال" + base, base):
                        if place in self.gaz.places:
                            return place
        return None


@functools.lru_cache(maxsize=4)
def _names(gaz: Gazetteer) -> _Names:
    return _Names(gaz)


def _tokens(text: str) -> list[str | None]:
    """Folded words of a text, ``None`` where punctuation or a symbol separates them."""
    folded = normalize(text.replace("_", " ").replace("#", " "))
    return [t if t[0].isalnum() else None for t in _TOKEN.findall(folded)]


def _is_name_word(word: str | None) -> bool:
    return word is not None and word not in STOPWORDS and not word[0].isdigit() and len(word) >= 2


def _phrase_at(words: list[str | None], i: int, names: _Names) -> tuple[int, str] | None:
    """The longest gazetteer place or organization starting at ``i``: (its length in words, key)."""
    first = words[i]
    assert first is not None
    for variant in names.variants(first):
        if variant not in names.first_words:
            continue
        for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
            rest = words[i + 1 : i + n]
            if None in rest:
                continue
            phrase = " ".join([variant, *rest])  # type: ignore[list-item]
            if phrase in names.phrases:
                return n, phrase
    return None


def _title_at(words: list[str | None], i: int, names: _Names) -> int:
    """Words of a title cue starting at ``i`` (0 when there is none)."""
    for variant in names.variants(words[i] or ""):
        if variant not in names.title_words:
            continue
        for n in range(min(names.longest_title, len(words) - i), 0, -1):
            rest = words[i + 1 : i + n]
            if None not in rest and " ".join([variant, *rest]) in names.titles:  # type: ignore[list-item]
                return n
    return 0


def entities(text: str, gazetteer: Gazetteer = GAZETTEER) -> set[str]:
    """Folded names of actors and places in a text (see the module doc)."""
    names = _names(gazetteer)
    words = _tokens(text)
    found: set[str] = set()
    i, n = 0, len(words)
    active = names.active
    while i < n:
        word = words[i]
        if word is None or not active(word):
            i += 1
            continue
        phrase = _phrase_at(words, i, names)
        if phrase is not None:
            found.add(phrase[1])
            i += phrase[0]
            continue
        cue = _title_at(words, i, names)
        if cue:
            j = i + cue
            while j < n and j - i - cue < MAX_ADJECTIVES and (w := words[j]) is not None and w.startswith("ال"):
                country = names.nationality(w)
                if country is not None:
                    found.add(country)
                j += 1
            k = j
            while k < n and k - j < MAX_NAME_WORDS and _is_name_word(words[k]) and not words[k].startswith("ال"):  # type: ignore[union-attr]
                if _title_at(words, k, names):
                    break
                found.add(words[k])  # type: ignore[arg-type]
                k += 1
            i = max(k, i + 1)
            continue
        head = next((v for v in names.variants(word) if v in names.heads), None)
        if head is not None and i + 1 < n and _is_name_word(words[i + 1]):
            name = words[i + 1]
            assert name is not None
            if not (names.nationality(name) or name in gazetteer.generic):
                found.add(name if head in gazetteer.place_words else f"{head} {name}")
                i += 2
                continue
        country = names.nationality(word)
        if country is not None:
            found.add(country)
        i += 1
    found.update(m.lower() for m in _LATIN_NAME.findall(text) if m not in _LATIN_COMMON)
    return found


def speaker(title: str, gazetteer: Gazetteer = GAZETTEER) -> set[str]:
    """The words before a colon that opens a title (``ستوريدج: أريد ...``): a quote's speaker."""
    head, colon, _ = title.partition(":")
    words = _tokens(head)
    if not colon or not 0 < len(words) <= MAX_NAME_WORDS:
        return set()
    names = _names(gazetteer)
    return {
        w
        for w in words
        if w is not None and _is_name_word(w) and w not in names.title_words and w not in gazetteer.generic
    }


def numbers(text: str) -> set[str]:
    """Figures of two digits or more (not years) and match scores (``2-4`` for 4-2 and 2-4)."""
    folded = normalize(text)
    found = set()
    for a, b in _SCORE.findall(folded):
        x, y = sorted((int(a), int(b)))
        found.add(f"{x}-{y}")
    for number in _NUMBER.findall(folded):
        digits = number.replace(",", "")
        if len(digits) < 2 or (len(digits) == 4 and digits.isdigit() and int(digits) in YEARS):
            continue
        found.add(digits)
    return found


def lead_text(article: Article) -> str:
    """The first ``LEAD_CHARS`` characters of the text, cut at a space."""
    text = article.text[:LEAD_CHARS]
    if len(article.text) > LEAD_CHARS and " " in text:
        text = text[: text.rindex(" ")]
    return text


def headline(article: Article) -> str:
    """The title, or for an article without one its first sentence (at most ``HEADLINE_WORDS`` words):
    news opens with what a headline would say."""
    if article.title:
        return article.title
    first = _SENTENCE_END.split(article.text.lstrip(), maxsplit=1)[0]
    return " ".join(first.split()[:HEADLINE_WORDS])


def extract_signals(article: Article) -> EventSignals:
    """An article's event signals (see the module doc)."""
    body = lead_text(article)
    text = f"{article.title}\n{body}" if article.title else body
    head = stemmed_terms(headline(article))
    counts = Counter(stemmed_terms(body))
    counts.update(head * 2)
    ordered = sorted(counts)
    return EventSignals(
        title=tuple(sorted(set(head))),
        entities=tuple(sorted(entities(text) | (speaker(article.title) if article.title else set()))),
        numbers=tuple(sorted(numbers(text))),
        lead_terms=tuple(ordered),
        lead_weights=tuple(1.0 + math.log(counts[t]) for t in ordered),
    )
