"""The story's key actors, places and phrases, ranked by how many outlets report them and how early.

Candidates are n-grams (1-3 words) bounded by stopwords and punctuation, as in RAKE (Rose et al.,
"Automatic keyword extraction from individual documents", 2010); they are ranked by document frequency
across the cluster and by first position, two of the statistical features of YAKE! (Campos et al.,
Information Sciences 2020), with no trained model.  Kinds follow rule-based Arabic NER (Shaalan & Raza,
"NERA: Named entity recognition for Arabic", JASIST 2009): a gazetteer of places and organizations,
organization head words (``وزارة``, ``حركة``) and person names found after title cues
(``الرئيس الروسي فلاديمير بوتين``; Arabic has no capital letters, so cues and repetition stand in).

Words are matched in their folded form (``khulasa.normalize``) with a conjunction or preposition
(``و ف ب ل ك``) split off when the rest of the word also occurs in the cluster (``باسطنبول`` ->
``اسطنبول``); the most frequent written form is displayed.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from itertools import chain, compress, groupby, pairwise
from operator import and_, itemgetter, not_

from khulasa.errors import InvalidOptionsError
from khulasa.models import Article, InfoUnit, KeyTerm, Sentence
from khulasa.normalize import STOPWORDS, normalize

MAX_N = 3
POSITION_WEIGHT = 0.5
"""How much a term that first appears at the end of articles loses against one in their leads."""
LENGTH_BONUS = 0.15
"""Per extra word: a longer term with the same support is more specific."""
KIND_BONUS = 1.5
"""Actors and places are what a reader scans key terms for."""
NAME_MAX_WORDS = 3
assert NAME_MAX_WORDS <= MAX_N

# A word: letters/digits with the marks and tatweel that may sit inside it.
_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u0640"
_WORD = re.compile(rf"(?:[^\W_]+|[{_MARKS}])++")
# What separates runs of words: anything but space and word characters (punctuation, symbols, "_").
_BREAK = re.compile(rf"(?:_|[^\w\s{_MARKS}])++")
_WORD_OR_BREAK = re.compile(f"{_WORD.pattern}|{_BREAK.pattern}")
_MARK_CHARS = re.compile(f"[{_MARKS}]")
_DIGITS = re.compile(r"\d")
_CLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
_CLITICS_BY_LETTER = {c[0]: tuple(k for k in _CLITICS if k[0] == c[0]) for c in _CLITICS}
MIN_STEM = 3
"""A split-off clitic must leave at least this many letters (``بحث`` is not ``ب`` + ``حث``)."""
SHARED_TOKENS = 1 << 18
"""Words whose key does not depend on the cluster are kept across clusters, up to this many."""


@dataclass(frozen=True)
class Gazetteer:
    """Folded entries of ``data/keyterms_gazetteer_ar.txt`` by section."""

    places: frozenset[str]
    place_words: frozenset[str]
    orgs: frozenset[str]
    org_words: frozenset[str]
    titles: frozenset[str]
    generic: frozenset[str]

    @functools.cached_property
    def longest_title(self) -> int:
        return max((len(t.split()) for t in self.titles), default=1)

    @functools.cached_property
    def tokens(self) -> dict[tuple[str, str], tuple[str, str, bool]]:
        """``(folded, surface)`` -> ``(key, shown, is_break)`` of words whose key does not depend on the
        cluster (filled by ``key_terms``)."""
        return {}


def load_gazetteer(text: str | None = None) -> Gazetteer:
    """Parse a gazetteer (the packaged one by default): ``[section]`` lines, then one entry a line."""
    if text is None:
        text = resources.files("khulasa").joinpath("data/keyterms_gazetteer_ar.txt").read_text("utf-8")
    names = ("place", "place_word", "org", "org_word", "title", "generic")
    sections: dict[str, set[str]] = {k: set() for k in names}
    current: set[str] | None = None
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], set())
        elif current is not None:
            current.add(normalize(line))
    return Gazetteer(
        places=frozenset(sections["place"]),
        place_words=frozenset(sections["place_word"]),
        orgs=frozenset(sections["org"]),
        org_words=frozenset(sections["org_word"]),
        titles=frozenset(sections["title"]),
        generic=frozenset(sections["generic"]),
    )


GAZETTEER = load_gazetteer()


@dataclass
class _Stats:
    """What ranks a candidate term."""

    articles: dict[str, float] = field(default_factory=dict)
    """Article id -> first relative position (0 = lead, 1 = end), in reading order."""
    count: int = 0
    surfaces: dict[tuple[str, ...], int] = field(default_factory=dict)
    """Written forms (word tuples) -> mentions, in reading order."""
    actor_evidence: int = 0
    place_evidence: int = 0


@dataclass
class _Tally:
    """Every n-gram of a cluster, counted in bulk (most occur once: ``_Stats`` are made for candidates)."""

    counts: Counter[tuple[str, ...]] = field(default_factory=Counter)
    shown: Counter[tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=Counter)
    """``(gram, written form)`` -> mentions."""
    firsts: dict[str, dict[tuple[str, ...], tuple[int, float]]] = field(default_factory=dict)
    """Article id -> gram -> (reading rank of the first sentence with it, its relative position)."""
    spread: Counter[tuple[str, ...]] = field(default_factory=Counter)
    """Gram -> number of articles that use it."""
    actor_evidence: Counter[tuple[str, ...]] = field(default_factory=Counter)
    place_evidence: Counter[tuple[str, ...]] = field(default_factory=Counter)


def _drop_letters(surface: str, n: int) -> str:
    """``surface`` without its first ``n`` letters (and the marks that sit on them)."""
    i = letters = 0
    while i < len(surface) and letters < n:
        letters += surface[i].isalpha()
        i += 1
    while i < len(surface) and not surface[i].isalpha():
        i += 1
    return surface[i:]


def _split_clitic(plain: str, surface: str, known: Collection[str]) -> tuple[str, str]:
    """Split a leading و/ف/ب/ل/ك when the rest occurs on its own in the cluster."""
    for clitic in _CLITICS_BY_LETTER.get(plain[:1], ()):
        if not plain.startswith(clitic) or len(plain) - len(clitic) < MIN_STEM:
            continue
        rest = plain[len(clitic) :]
        if clitic.endswith("ل") and rest.startswith("ل") and "ا" + rest in known:
            # للرئيس = ل + الرئيس (the alef of the article is not written)
            return "ا" + rest, "ا" + _drop_letters(surface, len(clitic))
        if rest in known:
            return rest, _drop_letters(surface, len(clitic))
    return plain, surface


_GAP = ("", "")
"""Stands for punctuation between two runs of words: a word that is always a break."""


@functools.lru_cache(maxsize=1 << 18)
def _word(written: str) -> tuple[str, str]:
    """``(folded, surface)`` of a word as matched, or ``_GAP`` for punctuation: a pure function, so cached."""
    if not (written[0].isalnum() or _MARK_CHARS.match(written)):
        return _GAP
    surface = written.replace("\u0640", "")
    return normalize(surface), surface


def _words(text: str) -> list[tuple[str, str]]:
    """The words of a text as ``(folded, surface)`` pairs, with ``_GAP`` where punctuation separates them."""
    return list(map(_word, _WORD_OR_BREAK.findall(text)))


@dataclass
class _Tokens:
    """Words of a block of sentences: matching keys (clitic split off), displayed forms, and which
    words break terms (every ``_GAP`` does)."""

    keys: tuple[str, ...]
    surfaces: tuple[str, ...]
    blocked: tuple[bool, ...]


class _Analyzer:
    """Tokens of every sentence, with breaks, title cues and name spans marked."""

    def __init__(self, sentences: Sequence[Sentence], gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.raw = {id(s): _words(s.text) for s in sentences}
        words = set(chain.from_iterable(self.raw.values()))
        words.add(_GAP)
        self.known = {plain for plain, _ in words}
        # A word's key, shown form and break flag depend only on the word and the cluster: once each
        # (and most words have no clitic to split: those only once per process).
        shared = gazetteer.tokens
        common = words & shared.keys()
        self._tokens = dict(zip(common, map(shared.__getitem__, common), strict=True))
        for word in words - common:
            self._tokens[word] = self.token(*word)
        self._title_words = frozenset(t.split()[0] for t in gazetteer.titles if t)

    def token(self, plain: str, surface: str) -> tuple[str, str, bool]:
        """``(key, shown, is_break)`` of a word."""
        if plain in STOPWORDS or plain[:1] not in _CLITICS_BY_LETTER:
            # no clitic to split: the same in every cluster
            shared = self.gaz.tokens
            if len(shared) >= SHARED_TOKENS:
                shared.clear()
            found = shared[plain, surface] = (plain, surface, self.is_break(plain, plain))
            return found
        key, shown = _split_clitic(plain, surface, self.known)
        return key, shown, self.is_break(plain, key)

    def tokens(self, words: list[tuple[str, str]]) -> _Tokens:
        """Keys, shown forms and breaks of words of the cluster (or ``_GAP``)."""
        tokens = list(map(self._tokens.__getitem__, words))
        if not tokens:
            return _Tokens((), (), ())
        keys, shown, blocked = zip(*tokens, strict=True)
        return _Tokens(keys, shown, blocked)

    def is_break(self, plain: str, key: str) -> bool:
        """Stopwords, numbers, one-letter words, generic news words: no key term spans them."""
        return (
            plain in STOPWORDS
            or key in STOPWORDS
            or len(key) < 2
            or _DIGITS.search(key) is not None
            or key in self.gaz.generic
        )

    def has_title(self, keys: Sequence[str]) -> bool:
        return not self._title_words.isdisjoint(keys)

    def title_at(self, keys: Sequence[str], i: int) -> int:
        """Number of words of a title cue starting at ``i`` (0 when there is none)."""
        if keys[i] not in self._title_words:
            return 0
        for n in range(min(self.gaz.longest_title, len(keys) - i), 0, -1):
            if " ".join(keys[i : i + n]) in self.gaz.titles:
                return n
        return 0


def _is_adjective(key: str, places: frozenset[str]) -> bool:
    """A nisba adjective or demonym (``الروسي``, ``التركية``, ``روسية``): never a key term alone."""
    if key in places:
        return False
    if key.startswith("ال") and len(key) >= 5 and key.endswith(("ي", "يه", "يين", "يون")):
        return True
    stem = key[2:] if key.startswith("ال") else key
    for ending in ("يين", "يون", "يه", "ي"):
        if stem.endswith(ending) and len(stem) > len(ending) + 1:
            base = stem[: -len(ending)]
            if any(c in places for c in (base + "يا", base + "ا", base, "ال" + base)):
                return True
    return False


def _not_alone(key: str, gaz: Gazetteer) -> bool:
    """Words that are no key term on their own: short ones, adjectives, name head words."""
    return len(key) < 3 or key in gaz.place_words or key in gaz.org_words or _is_adjective(key, gaz.places)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def key_terms(
    articles: Sequence[Article],
    units: Sequence[InfoUnit],
    *,
    limit: int = 15,
    gazetteer: Gazetteer = GAZETTEER,
) -> tuple[KeyTerm, ...]:
    """The ``limit`` best key terms of a cluster, best first.

    Score = (share of articles) x (1 - 0.5 x mean first position) x (1 + ln(count)/4) x length and
    kind bonuses.  A term needs two articles (or two mentions when there is one article).  A term
    inside a longer one with the same articles is dropped for it (but a place name is kept for
    ``مدينة`` + name).  Skipped while choosing: a phrase inside a chosen term, and a term that
    contains a chosen actor, place or longer term (``فلاديمير بوتين`` after ``بوتين``).
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise InvalidOptionsError("limit", limit, "must be a whole number of at least 0")
    sentences = list({(s.article_id, s.index, s.start): s for u in units for s in u.sentences}.values())
    if limit == 0 or not sentences:
        return ()
    order = {a.id: i for i, a in enumerate(articles)}
    n_articles = len({s.article_id for s in sentences} | set(order))
    length: dict[str, int] = {}
    for s in sentences:
        length[s.article_id] = max(length.get(s.article_id, 0), s.index + 1)

    analyzer = _Analyzer(sentences, gazetteer)
    tally = _Tally()
    reading = sorted(sentences, key=lambda s: (order.get(s.article_id, len(order)), s.index))
    # Sentences are counted a block at a time: consecutive sentences of one article (the whole article
    # unless some articles are not in ``articles``), joined by a break.
    ranked = enumerate(reading)
    for article_id, block in groupby(ranked, key=lambda rs: rs[1].article_id):
        words: list[tuple[str, str]] = []
        where: list[tuple[int, float]] = []  # of every word: its sentence's reading rank and position
        for rank, s in block:
            words.append(_GAP)
            words += analyzer.raw[id(s)]
            where += [(rank, s.index / length[article_id])] * (len(words) - len(where))
        grams, shown, starts = _count_block(analyzer.tokens(words), where, analyzer, tally)
        tally.counts.update(grams)
        tally.shown.update(zip(grams, shown, strict=True))
        # the first mention of each gram: the earliest one wins
        first = dict(zip(reversed(grams), reversed(starts), strict=True))
        earlier = tally.firsts.get(article_id)
        if earlier:
            tally.spread.update(first.keys() - earlier.keys())
            first.update(earlier)
        else:
            tally.spread.update(first.keys())
        tally.firsts[article_id] = first
    # Articles are read one after the other unless some are not in ``articles`` (then by sentence index).
    in_blocks = len({s.article_id for s in reading}) == 1 + sum(
        a.article_id != b.article_id for a, b in pairwise(reading)
    )
    min_articles = 2 if n_articles > 1 else 1
    return _select(_candidates(tally, min_articles, in_blocks, gazetteer), n_articles, order, gazetteer, limit)


def _candidates(
    tally: _Tally, min_articles: int, in_blocks: bool, gaz: Gazetteer
) -> dict[tuple[str, ...], _Stats]:
    """Terms mentioned at least twice, in at least ``min_articles`` articles, that may stand alone."""
    out: dict[tuple[str, ...], _Stats] = {}
    spread = tally.spread
    for gram, count in tally.counts.items():
        if count < 2 or spread[gram] < min_articles or (len(gram) == 1 and _not_alone(gram[0], gaz)):
            continue
        seen = [(f[gram], article_id) for article_id, f in tally.firsts.items() if gram in f]
        if not in_blocks:
            seen.sort(key=lambda x: x[0][0])  # the order the articles first mention it
        out[gram] = _Stats(
            articles={article_id: position for (_, position), article_id in seen},
            count=count,
            actor_evidence=tally.actor_evidence[gram],
            place_evidence=tally.place_evidence[gram],
        )
    for (gram, written), n in tally.shown.items():
        if gram in out:
            out[gram].surfaces[written] = n
    return out


def _count_block(
    tokens: _Tokens, where: list[tuple[int, float]], analyzer: _Analyzer, tally: _Tally
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], list[tuple[int, float]]]:
    """The n-grams of a block of words, their written forms and the ``where`` of their first word;
    counts the name and place evidence."""
    gaz = analyzer.gaz
    keys, surfaces = tokens.keys, tokens.surfaces
    blocked = list(tokens.blocked)
    size = len(keys)
    names: list[tuple[int, int]] = []
    i = 0 if analyzer.has_title(keys) else size
    while i < size:
        n = analyzer.title_at(keys, i)
        if not n:
            i += 1
            continue
        # The title and the words that complete it (الرئيس الروسي, رئيس الوزراء التركي) are no term;
        # the words after them, up to a stopword or punctuation, are a person's name.
        j = i + n
        while j < size and j - i < n + 3 and keys[j].startswith("ال") and not blocked[j]:
            j += 1
        for k in range(i, j):
            blocked[k] = True
        end = j
        while end < size and end - j < NAME_MAX_WORDS and not blocked[end] and not analyzer.title_at(keys, end):
            end += 1
        if end > j and not keys[j].startswith("ال"):
            names.append((j, end))
        i = max(j, i + 1)

    # Every 1..MAX_N consecutive words without a break, by length then position.
    grams: list[tuple[str, ...]] = []
    shown: list[tuple[str, ...]] = []
    starts: list[tuple[int, float]] = []
    free = list(map(not_, blocked))
    free_n = free
    for n in range(1, MAX_N + 1):
        if n > 1:
            free_n = list(map(and_, free_n, free[n - 1 :]))
        grams += compress(zip(*(keys[o:] for o in range(n)), strict=False), free_n)
        shown += compress(zip(*(surfaces[o:] for o in range(n)), strict=False), free_n)
        starts += compress(where, free_n)
    # A name is at most NAME_MAX_WORDS <= MAX_N unbroken words: both grams were just counted.
    for start, end in names:
        for gram in {tuple(keys[start:end]), (keys[end - 1],)}:
            tally.actor_evidence[gram] += 1
    # What follows مدينة / محافظة / ميناء is a place's name.
    for i in range(size - 1 if not gaz.place_words.isdisjoint(keys) else 0):
        if keys[i] in gaz.place_words and not blocked[i + 1]:
            for end in range(i + 2, min(i + 3, size) + 1):
                if blocked[end - 1]:
                    break
                tally.place_evidence[tuple(keys[i + 1 : end])] += 1
    return grams, shown, starts


def _kind(gram: tuple[str, ...], entry: _Stats, gaz: Gazetteer) -> str:
    text = " ".join(gram)
    if text in gaz.orgs:
        return "actor"
    if text in gaz.places:
        return "place"
    if (len(gram) > 1 and gram[0] in gaz.place_words) or entry.place_evidence > entry.actor_evidence:
        return "place"
    if (len(gram) > 1 and gram[0] in gaz.org_words) or entry.actor_evidence > 0:
        return "actor"
    return "phrase"


def _select(
    candidates: dict[tuple[str, ...], _Stats],
    n_articles: int,
    order: dict[str, int],
    gaz: Gazetteer,
    limit: int,
) -> tuple[KeyTerm, ...]:
    """Score the candidates and choose the ``limit`` best (see ``key_terms``)."""
    kinds = {gram: _kind(gram, e, gaz) for gram, e in candidates.items()}
    # A term inside a longer one that every one of its articles shares is the longer one's part
    # (مؤتمر الطاقة in مؤتمر الطاقة العالمي), except that a name is not lost in a longer phrase
    # (أنقرة in زار بوتين أنقرة, when outlets copied the sentence) and a place's name is kept for its
    # head word's n-gram (الحديدة, not مدينة الحديدة).
    dropped = set()
    for gram, e in candidates.items():
        for n in range(1, len(gram)):
            for i in range(len(gram) - n + 1):
                sub = gram[i : i + n]
                if sub not in candidates or candidates[sub].articles.keys() != e.articles.keys():
                    continue
                if gram[0] in gaz.place_words and gram[1:] == sub:
                    dropped.add(gram)
                elif kinds[sub] == "phrase" or kinds[gram] != "phrase":
                    dropped.add(sub)
    scored = []
    for gram, e in candidates.items():
        if gram in dropped:
            continue
        kind = kinds[gram]
        spread = len(e.articles) / n_articles
        position = 1.0 - POSITION_WEIGHT * sum(e.articles.values()) / len(e.articles)
        score = spread * position * (1 + math.log(e.count) / 4) * (1 + LENGTH_BONUS * (len(gram) - 1))
        if kind != "phrase":
            score *= KIND_BONUS
        scored.append((score, gram, kind, e))
    scored.sort(key=lambda x: (-x[0], x[1]))

    chosen: list[tuple[tuple[str, ...], str]] = []
    out: list[KeyTerm] = []
    for score, gram, kind, e in scored:
        if len(out) >= limit:
            break
        if any(_contains(gram, g) for g, k in chosen if k != "phrase" or len(g) > 1) or (
            kind == "phrase" and any(_contains(g, gram) for g, _ in chosen)
        ):
            continue
        chosen.append((gram, kind))
        out.append(
            KeyTerm(
                text=" ".join(max(e.surfaces.items(), key=itemgetter(1))[0]),  # first most common
                kind=kind,
                score=round(score, 4),
                articles=tuple(sorted(e.articles, key=lambda a: order.get(a, len(order)))),
                count=e.count,
            )
        )
    return tuple(out)


def key_terms_for(articles: Iterable[Article], *, limit: int = 15) -> tuple[KeyTerm, ...]:
    """Key terms of articles on their own (each sentence its own unit)."""
    from khulasa.segment import segment

    arts = list(articles)
    sentences = [s for a in arts for s in segment(a) if not s.is_heading]
    units = [InfoUnit(id=i, representative=s, sentences=(s,)) for i, s in enumerate(sentences)]
    return key_terms(arts, units, limit=limit)
