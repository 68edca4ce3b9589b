"""Arabic orthographic normalization, tokenization, stopwords and stemming: the matching form.

Small named ``str -> str`` folds over character tables kept as data (in the manner of CAMeL Tools'
normalizers, Obeid et al., LREC 2020); ``normalize`` composes them.  Display text is never changed:
stages keep the raw sentence and match on this folded form.

Stemming uses the Snowball Arabic stemmer (PyStemmer) for suffixes, on a *light* form of each token
(diacritics, tatweel and invisible marks removed, but ``ة``/``ى``/hamza seats kept, because Snowball
recognises suffixes by them); the stem is then folded like every other matching form.  Prefixes are
decided here, because Snowball's choices split one noun into several stems (``والرئيس`` kept its ``و``,
``وزير`` lost its root ``و`` while ``الوزير`` kept it): the article with its clitics is removed first and
the rest goes down Snowball's noun path; for a bare word a leading ``و``/``ف``, then ``ب``/``ل``/``ك``,
is a clitic unless the word is listed in ``data/stem_keep_ar.txt``.  Measured on Arabic news vocabulary
(pairs such as ``X``/``الX``/``والX``/``Xات``), this agrees on 0.95 of pairs against 0.69 for Snowball
alone.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib import resources
from itertools import chain
from typing import Any

import Stemmer

from khulasa.text.chars import (
    ALEF_FOLDS,
    ALEF_MAQSURA_FOLDS,
    ARABIC_LETTERS,
    DIACRITICS,
    DIGIT_FOLDS,
    HAMZA_FOLDS,
    INVISIBLE,
    LETTER_VARIANT_FOLDS,
    TA_MARBUTA_FOLDS,
    TATWEEL,
)

# --- character tables: khulasa.text.chars ---------------------------------------------------------

_STRIP_DIACRITICS = str.maketrans(dict.fromkeys(DIACRITICS, None))
_REMOVE_TATWEEL = str.maketrans({TATWEEL: None})
_REMOVE_INVISIBLE = str.maketrans(dict.fromkeys(INVISIBLE, None))
_FOLD_ALEF = str.maketrans(ALEF_FOLDS)
_FOLD_HAMZA = str.maketrans(HAMZA_FOLDS)
_FOLD_ALEF_MAQSURA = str.maketrans(ALEF_MAQSURA_FOLDS)
_FOLD_TA_MARBUTA = str.maketrans(TA_MARBUTA_FOLDS)
_FOLD_DIGITS = str.maketrans(DIGIT_FOLDS)

# What Snowball sees (the "light" form): marks gone, digits and letter variants folded, but the letters
# that carry suffix information (ة ى and hamza seats) kept.  Built from a regex deletion and a guarded
# translate, because str.translate with a table is ~10x slower than a regex scan on Arabic text.
_MARKS = re.compile("[" + "".join(DIACRITICS) + TATWEEL + "".join(INVISIBLE) + "]+")
_DIGITS_AND_VARIANTS = str.maketrans({**DIGIT_FOLDS, **LETTER_VARIANT_FOLDS})
_HAS_DIGIT_OR_VARIANT = re.compile("[" + "".join(DIGIT_FOLDS) + "".join(LETTER_VARIANT_FOLDS) + "]")
# The rest of the matching form's folds, applied after the light form.
_REST_FOLDS = {**ALEF_FOLDS, **HAMZA_FOLDS, **ALEF_MAQSURA_FOLDS, **TA_MARBUTA_FOLDS}
_FOLD_REST = str.maketrans(_REST_FOLDS)

# A token: a number (3.5, 1,000, 2015) or a run of letters/digits (بوتين, g20).
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+")
_ARABIC_LETTER = re.compile(f"[{ARABIC_LETTERS}]")
_LETTER = re.compile(r"[^\W\d_]")


# --- named folds ---------------------------------------------------------------------------------


def strip_diacritics(text: str) -> str:
    """Remove harakat, tanwin, shadda, sukun, superscript alef and Quranic marks."""
    return text.translate(_STRIP_DIACRITICS)


def remove_tatweel(text: str) -> str:
    """Remove the kashida ``ـ`` used to stretch words (``فـي`` -> ``في``)."""
    return text.translate(_REMOVE_TATWEEL)


def remove_invisible(text: str) -> str:
    """Remove zero-width characters, soft hyphens and bidi control marks."""
    return text.translate(_REMOVE_INVISIBLE)


def fold_alef(text: str) -> str:
    """``أ إ آ ٱ`` -> ``ا``."""
    return text.translate(_FOLD_ALEF)


def fold_hamza(text: str) -> str:
    """``ؤ`` -> ``و`` and ``ئ`` -> ``ي`` (the seat letter); a bare ``ء`` is kept."""
    return text.translate(_FOLD_HAMZA)


def fold_alef_maqsura(text: str) -> str:
    """``ى`` -> ``ي`` (``على``/``علي`` are written both ways in news text)."""
    return text.translate(_FOLD_ALEF_MAQSURA)


def fold_ta_marbuta(text: str) -> str:
    """``ة`` -> ``ه``."""
    return text.translate(_FOLD_TA_MARBUTA)


def fold_digits(text: str) -> str:
    """Arabic-Indic ``٠-٩`` and Persian ``۰-۹`` digits -> ``0-9``; ``٫`` -> ``.``, ``٬`` -> ``,``."""
    return text.translate(_FOLD_DIGITS)


def normalize(text: str) -> str:
    """The matching form: NFKC, Latin case-folded, marks removed, all folds, whitespace collapsed.

    Idempotent: ``normalize(normalize(t)) == normalize(t)``.
    """
    return " ".join(_fold_rest(_light(text)).split())


def _light(text: str) -> str:
    if text.isascii():
        return text.lower()
    # NFKC turns presentation forms (ﻻ, ﷲ) and styled letters into plain ones; casefold can leave
    # sequences that NFKC composes again.  Both are skipped when the quick check says they can be.
    text = text.replace("\xa0", " ")
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = _MARKS.sub("", text)
    if _HAS_DIGIT_OR_VARIANT.search(text):
        text = text.translate(_DIGITS_AND_VARIANTS)
    return text


def _fold_rest(text: str) -> str:
    for old, new in _REST_FOLDS.items():
        if old in text:
            text = text.replace(old, new)
    return text


def tokenize(text: str) -> list[str]:
    """Normalized tokens: runs of letters/digits; numbers keep their ``.``/``,`` (``3.5``, ``1,000``).

    Everything else (punctuation, ``%``, ``-``, ``/``) separates tokens: ``سو-24`` -> ``سو``, ``24``.
    """
    return _TOKEN.findall(normalize(text))


# --- stopwords -----------------------------------------------------------------------------------

# Clitics that attach in front of a function word: conjunctions, prepositions and their pairs.
_CLITICS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
# Content words that merely look like clitic + stopword (ولي العهد = crown prince, not و + لي).
_NOT_STOPWORDS = frozenset({"ولي", "فتحت", "كلم"})


def _load_stopwords() -> tuple[frozenset[str], frozenset[str]]:
    raw = resources.files("khulasa").joinpath("data/stopwords_ar.txt").read_text(encoding="utf-8")
    base = {normalize(line.split("#", 1)[0]) for line in raw.splitlines()}
    base.discard("")
    expanded = set(base)
    for word in base:
        if not word.isascii():
            expanded.update(clitic + word for clitic in _CLITICS)
    return frozenset(base), frozenset(expanded - _NOT_STOPWORDS)


BASE_STOPWORDS, STOPWORDS = _load_stopwords()
"""``BASE_STOPWORDS``: the list in ``data/stopwords_ar.txt``, normalized.  ``STOPWORDS``: the same with
attached conjunctions/prepositions (``وقال``, ``فإن``, ``بين``, ``ولكن``), all in normalized form."""


# --- stemming ------------------------------------------------------------------------------------

_STEMMER = Stemmer.Stemmer("arabic")
# Conjunction, preposition and article in front of a noun: وال, فال, بال, كال, وبال, ال, لل, ولل.
_ARTICLE = re.compile(r"^[وف]?(?:[بك]?ال|لل)(?=..)")


def _load_keep() -> frozenset[str]:
    raw = resources.files("khulasa").joinpath("data/stem_keep_ar.txt").read_text(encoding="utf-8")
    return frozenset(w for w in (line.split("#", 1)[0].strip() for line in raw.splitlines()) if w)


KEEP_FIRST_LETTER = _load_keep()
"""Noun stems whose first letter (و ف ب ك ل) is part of the word: وزير, فريق, بيان, لجنة."""


def _noun_stem(word: str) -> str:
    """Snowball's noun path, as if the word carried the article: no clitic or verb-suffix stripping."""
    if len(word) < 3:
        return word
    out = _STEMMER.stemWord("ال" + word)
    return out[2:] if out.startswith("ال") else out


def _key(stem: str) -> str:
    """A stem folded, without a final ا (tanwin, ``سوريا``) and then a final relative ي (``سوري``)."""
    stem = stem.translate(_FOLD_REST)
    if len(stem) >= 4 and stem.endswith("ه"):
        stem = stem[:-1]  # ة written as ه (القمه), which Snowball does not take for a suffix
    if len(stem) >= 4 and stem.endswith("ا"):
        stem = stem[:-1]
    return stem[:-1] if len(stem) >= 4 and stem.endswith("ي") else stem


def _keeps_first_letter(word: str) -> bool:
    return _key(_noun_stem(word)) in KEEP_FIRST_LETTER


def _bare_stem(word: str) -> str:
    """Stem of a word without the article.

    A leading conjunction (و ف) and then preposition (ب ل ك) is a clitic unless the word is listed as
    keeping it; Snowball then stems the rest both as a verb and as a noun, and the shorter of the two
    wins when one extends the other (محادثا/محادث, سوري/سوريا, كتاب/كتابه).
    """
    if len(word) >= 4 and word[0] in "وف" and not _keeps_first_letter(word):
        word = word[1:]
    if len(word) >= 4 and word[0] in "بلك" and not word.startswith("لل") and not _keeps_first_letter(word):
        word = word[1:]
    noun = _noun_stem(word)
    verb = _STEMMER.stemWord(word)
    if verb[:1].translate(_FOLD_REST) != word[:1].translate(_FOLD_REST):
        out = noun  # Snowball stripped another "prefix" that belongs to the word: بوتين -> وتين
    else:
        out = verb if noun.startswith(verb) else noun
    return out if len(out) >= 2 else word


MAX_STEM_CHARS = 64
"""Longer letter runs are no Arabic word: they are their own (folded) stem, and are never cached."""


def _stem_light(token: str) -> str:
    if len(token) > MAX_STEM_CHARS:
        return token.translate(_FOLD_REST)
    return _stem_light_cached(token)


@functools.lru_cache(maxsize=1 << 20)
def _stem_light_cached(token: str) -> str:
    article = _ARTICLE.match(token)
    if article is None:
        return _key(_bare_stem(token))
    rest = token[article.end() :]
    out = _key(_noun_stem(rest))
    # Snowball can leave a single letter (البيان -> ب): keep the word itself then.
    return out if len(out) >= 2 else _key(rest)


def stem(token: str) -> str:
    """The stem of one token, in matching form (``والرئيس``, ``الرئيس``, ``رئيس`` -> ``رييس``).

    Best given the unfolded token (as ``terms`` does): Snowball reads ``ة`` as a suffix but not ``ه``.
    Numbers and Latin words are returned normalized, unstemmed.
    """
    light = _light(token)
    if not light or light.isascii():
        return light.translate(_FOLD_REST)
    return _stem_light(light)


def is_stopword(token: str) -> bool:
    """Whether a token (any form) is a function word, possibly with an attached clitic."""
    return normalize(token) in STOPWORDS


class TokenCache(dict[str, Any]):
    """token -> value, computed on first use; cleared when large (values never change).

    ``map(cache.__getitem__, tokens)`` looks a whole sentence up at C speed.  Tokens longer than
    ``MAX_KEY_CHARS`` are computed every time, never kept, so the cache's memory stays bounded by its
    ``limit`` whatever the input (a 5,000-letter "word" is no token worth remembering)."""

    MAX_KEY_CHARS = MAX_STEM_CHARS

    def __init__(self, compute: Callable[[str], Any], limit: int = 1 << 21) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, token: str) -> Any:
        value = self._compute(token)
        if len(token) <= self.MAX_KEY_CHARS:
            if len(self) >= self._limit:
                self.clear()
            self[token] = value
        return value


def _term_of(light: str) -> str:
    folded = light.translate(_FOLD_REST)
    if folded in STOPWORDS or len(folded) < 2:
        return ""
    # one string object per term (``sys.intern``), so the per-call term tables find equal terms by identity
    return sys.intern(folded if light.isascii() else _stem_light(light))


_FOLDED = TokenCache(lambda light: light.translate(_FOLD_REST))
_TERM = TokenCache(_term_of)


def terms(text: str) -> list[str]:
    """Stemmed content terms in order: stopwords and 1-character tokens removed."""
    return list(filter(None, map(_TERM.__getitem__, _TOKEN.findall(_light(text)))))


# Tokens never cross whitespace and every fold maps a whitespace-separated word on its own, so the
# analysis of a text is the concatenation of its words' analyses, and news repeats its words: each
# distinct word is analyzed once (a smaller cache: words outnumber tokens).
_WORD_TOKENS = TokenCache(lambda word: tuple(map(_FOLDED.__getitem__, _TOKEN.findall(_light(word)))), 1 << 17)
_WORD_TERMS = TokenCache(lambda word: tuple(terms(word)), 1 << 17)


def word_tokens(words: Iterable[str]) -> tuple[str, ...]:
    """``tokenize(text)`` as a tuple, from the text's whitespace-separated words (``text.split()``)."""
    return tuple(chain.from_iterable(map(_WORD_TOKENS.__getitem__, words)))


def word_terms(words: Iterable[str]) -> tuple[str, ...]:
    """``terms(text)`` as a tuple, from the text's whitespace-separated words (``text.split()``)."""
    return tuple(chain.from_iterable(map(_WORD_TERMS.__getitem__, words)))


# --- counting words (the unit of every word budget) ------------------------------------------------

MAX_WORD_CHARS = 50
"""A whitespace-separated run longer than this counts as one word per ``MAX_WORD_CHARS`` characters
begun.  No word of the news we measured is that long (EASC: 30 characters at most, 6,519 ANT articles:
47, a URL); a 2M-letter "word" or a text joined with ``-`` or ``_`` cannot pass for one word."""

_RUN = re.compile(r"\S+")


def count_words_of(words: Sequence[str]) -> int:
    """``count_words`` of a text, given its whitespace-separated runs (``text.split()``)."""
    n = len(words)
    if n and max(map(len, words)) > MAX_WORD_CHARS:
        n += sum((len(w) - 1) // MAX_WORD_CHARS for w in words if len(w) > MAX_WORD_CHARS)
    return n


def count_words(text: str) -> int:
    """Words as every word budget counts them (``SummaryOptions.words``, ``Sentence.n_words``,
    ``Summary.n_words``, evaluation budgets, the service's ``max_words``): whitespace-separated runs,
    a run longer than ``MAX_WORD_CHARS`` counting once per ``MAX_WORD_CHARS`` characters begun."""
    return count_words_of(text.split())


def word_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each word of ``text[start:end]`` as ``count_words`` counts them, in text
    offsets: a long run yields one span per ``MAX_WORD_CHARS`` characters."""
    for m in _RUN.finditer(text, start, len(text) if end is None else end):
        a, b = m.span()
        while b - a > MAX_WORD_CHARS:
            yield a, a + MAX_WORD_CHARS
            a += MAX_WORD_CHARS
        yield a, b


# --- script detection ----------------------------------------------------------------------------


def arabic_letter_count(text: str) -> int:
    """Number of Arabic-script letters (presentation forms included, marks and digits not)."""
    return _ARABIC_LETTER.subn("", text)[1]


def is_arabic(text: str, min_share: float = 0.4) -> bool:
    """Whether at least ``min_share`` of the letters in ``text`` are Arabic (and there are some)."""
    arabic = arabic_letter_count(text)
    if arabic == 0:
        return False
    letters = _LETTER.subn("", text)[1]
    return arabic >= min_share * letters


# Per word: its Arabic tokens, plus above bit 32 its tokens that are not numbers, plus above bit 64 the
# words it counts for beyond one (``count_words``): all three counts of a text sum to one int.
_WORD_SCRIPT_SHIFT = 32
_WORD_EXTRA_SHIFT = 64
_MASK32 = (1 << 32) - 1


def _word_script(word: str) -> int:
    value = sum(
        (_ARABIC_LETTER.match(token) is not None)
        + ((not token[0].isdigit()) << _WORD_SCRIPT_SHIFT)
        for token in _WORD_TOKENS[word]
    )
    if len(word) > MAX_WORD_CHARS:
        value += ((len(word) - 1) // MAX_WORD_CHARS) << _WORD_EXTRA_SHIFT
    return value


_WORD_SCRIPT = TokenCache(_word_script, 1 << 17)


def mostly_arabic(words: Iterable[str], min_share: float = 0.4) -> bool:
    """Whether at least ``min_share`` of the tokens that are not numbers are Arabic (and some are),
    given the text's whitespace-separated words: an English quotation in an Arabic article is not."""
    return script_and_words(list(words), min_share)[0]


def script_and_words(words: Sequence[str], min_share: float = 0.4) -> tuple[bool, int]:
    """``(mostly_arabic(words, min_share), count_words_of(words))`` from one pass over the per-word cache
    (the sentence splitter needs both for every sentence)."""
    counts = sum(map(_WORD_SCRIPT.__getitem__, words))
    arabic = counts & _MASK32
    return (
        arabic > 0 and arabic >= min_share * ((counts >> _WORD_SCRIPT_SHIFT) & _MASK32),
        len(words) + (counts >> _WORD_EXTRA_SHIFT),
    )
