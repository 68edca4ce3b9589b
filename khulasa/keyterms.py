"""The story's key people, places, organisations and phrases, ranked by how widely and early they are reported.

Candidates are n-grams (1-3 words) bounded by stopwords and punctuation, as in RAKE (Rose et al.,
"Automatic keyword extraction from individual documents", 2010); they are ranked by document frequency
across the cluster and by first position, two of the statistical features of YAKE! (Campos et al.,
Information Sciences 2020), with no trained model.  Kinds follow rule-based Arabic NER (Shaalan & Raza,
"NERA: Named entity recognition for Arabic", JASIST 2009): a gazetteer of people, places, organisations
and fixed phrases, organisation and place head words (``وزارة``, ``محافظة``) and person names found after
title cues (``الرئيس الروسي فلاديمير بوتين``; Arabic has no capital letters, so cues and repetition
stand in).

Words are grouped by a key: the folded form (``khulasa.text.normalize``) with a conjunction or preposition
(``و ف ب ل ك``) split off when the rest of the word also occurs in the cluster (``باسطنبول`` ->
``اسطنبول``) and the article ``ال`` folded away (``الهجوم`` = ``هجوم``, ``وروسيا`` = ``روسيا``); the most
frequent written form is displayed.  A multi-word name of the gazetteer (``الولايات المتحدة``,
``وقف إطلاق النار``) is read as one word, so none of its parts becomes a term from it.
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
from khulasa.text.chars import MARKS
from khulasa.text.normalize import STOPWORDS, normalize
from khulasa.text.verbs import is_verb

MAX_N = 3
POSITION_WEIGHT = 0.5
"""How much a term that first appears at the end of articles loses against one in their leads."""
LENGTH_BONUS = 0.15
"""Per extra word: a longer term with the same support is more specific."""
KIND_BONUS = 1.5
"""People, places and organisations are what a reader scans key terms for."""
NAME_MAX_WORDS = 3
assert NAME_MAX_WORDS <= MAX_N

KINDS = ("person", "place", "organisation", "phrase")
"""The kinds of key terms (``KeyTerm.kind``)."""
_NAMED = frozenset(KINDS[:3])

# A word: letters/digits with the marks and tatweel that may sit inside it.  "_" is neither word nor
# break: it joins the words of a hashtag (#محمد_بن_سلمان), read as spaces.
_MARKS = MARKS
_WORD = re.compile(rf"(?:[^\W_]+|[{_MARKS}])++")
# What separates runs of words: anything but space and word characters (punctuation, symbols).
_BREAK = re.compile(rf"[^\w\s{_MARKS}]++")
_WORD_OR_BREAK = re.compile(f"{_WORD.pattern}|{_BREAK.pattern}")
_MARK_CHARS = re.compile(f"[{_MARKS}]")
_DIGITS = re.compile(r"\d")
_CLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
_CLITICS_BY_LETTER = {c[0]: tuple(k for k in _CLITICS if k[0] == c[0]) for c in _CLITICS}
MIN_STEM = 3
"""A split-off clitic must leave at least this many letters (``بحث`` is not ``ب`` + ``حث``)."""
MIN_UNDEFINED = 3
"""The article ``ال`` is folded away only when this many letters are left (``الله`` stays)."""
SHARED_TOKENS = 1 << 18
"""Words whose key does not depend on the cluster are kept across clusters, up to this many."""


_NISBA = ("ي", "يه", "يين", "يون")
"""Folded endings of nisba adjectives (``الروسي``, ``التركية``)."""


def fold_article(word: str, keep: Collection[str] = ()) -> str:
    """A folded word without its article: ``الهجوم`` -> ``هجوم``.

    ``الله`` is kept (too short), and so is the article of a word whose bare form is in ``keep``: the
    places whose name ends like an adjective (``السورية`` is "the Syrian", not ``سورية``; ``المالي`` is
    "financial", not Mali).
    """
    if word.startswith("ال") and len(word) >= 2 + MIN_UNDEFINED and word[2:] not in keep:
        return word[2:]
    return word


def _key_of(written: str, keep: Collection[str]) -> str:
    """The grouping key of a word as written: folded, without its article.  Only a written ``ال`` is the
    article (``إليزابيث`` folds to ``اليزابيث`` and keeps it)."""
    word = normalize(written)
    return fold_article(word, keep) if written.startswith("ال") else word


@dataclass(frozen=True)
class Gazetteer:
    """Keys (``name_key``) of the entries of ``data/keyterms_gazetteer_ar.txt`` by section."""

    places: frozenset[str]
    place_words: frozenset[str]
    orgs: frozenset[str]
    org_words: frozenset[str]
    titles: frozenset[str]
    generic: frozenset[str]
    people: frozenset[str] = frozenset()
    phrases: frozenset[str] = frozenset()
    not_alone: frozenset[str] = frozenset()
    first_names: frozenset[str] = frozenset()
    keep_article: frozenset[str] = frozenset()
    """Bare place names that end like a nisba adjective: their article is not folded (``fold_article``)."""

    def name_key(self, text: str) -> str:
        """The grouping key of a name or phrase: folded, each word without its article."""
        return " ".join(_key_of(w, self.keep_article) for w in text.split())

    @functools.cached_property
    def longest_title(self) -> int:
        return max((len(t.split()) for t in self.titles), default=1)

    @functools.cached_property
    def kinds(self) -> dict[str, str]:
        """Entry -> kind; an entry in two sections takes the first of person, organisation, place, phrase."""
        table: dict[str, str] = {}
        for kind, names in (
            ("phrase", self.phrases),
            ("place", self.places),
            ("organisation", self.orgs),
            ("person", self.people),
        ):
            table.update(dict.fromkeys(names, kind))
        return table

    @functools.cached_property
    def multiword(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """First word -> the multi-word entries it opens (as word tuples), longest first."""
        table: dict[str, list[tuple[str, ...]]] = {}
        for name in self.kinds:
            words = tuple(name.split())
            if len(words) > 1:
                table.setdefault(words[0], []).append(words)
        return {first: tuple(sorted(v, key=len, reverse=True)) for first, v in table.items()}

    @functools.cached_property
    def tokens(self) -> dict[tuple[str, str], tuple[str, str, bool, bool, bool]]:
        """``(folded, surface)`` -> token (see ``_Analyzer.token``) of words whose key does not depend on
        the cluster (filled by ``key_terms``)."""
        return {}


_SECTIONS = (
    "place",
    "place_word",
    "org",
    "org_word",
    "title",
    "generic",
    "person",
    "phrase",
    "not_alone",
    "first_name",
)


def load_gazetteer(text: str | None = None) -> Gazetteer:
    """Parse a gazetteer (the packaged one by default): ``[section]`` lines, then one entry a line."""
    if text is None:
        text = resources.files("khulasa").joinpath("data/keyterms_gazetteer_ar.txt").read_text("utf-8")
    sections: dict[str, set[str]] = {k: set() for k in _SECTIONS}
    current: set[str] | None = None
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            if line[1:-1] not in sections:
                raise ValueError(
                    f"gazetteer line {n}: unknown section {line}; sections: {', '.join(_SECTIONS)}"
                )
            current = sections[line[1:-1]]
        elif current is not None:
            current.add(" ".join(line.split()))
    keep = frozenset(
        normalize(p)
        for p in sections["place"]
        if " " not in p and not p.startswith("ال") and normalize(p).endswith(_NISBA)
    )
    folded = {
        name: frozenset(" ".join(_key_of(w, keep) for w in entry.split()) for entry in entries)
        for name, entries in sections.items()
    }
    return Gazetteer(
        places=folded["place"],
        place_words=folded["place_word"],
        orgs=folded["org"],
        org_words=folded["org_word"],
        titles=folded["title"],
        generic=folded["generic"],
        people=folded["person"],
        phrases=folded["phrase"],
        not_alone=folded["not_alone"],
        first_names=folded["first_name"],
        keep_article=keep,
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
    """Split a leading و/ف/ب/ل/ك when the rest occurs on its own in the cluster (with or without ال)."""
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
_COMMA = ("،", "")
"""A comma: a break too, but a title may stand before it (``وزيرة الداخلية، أمبر رود``)."""


@functools.lru_cache(maxsize=1 << 18)
def _word(written: str) -> tuple[str, str]:
    """``(folded, surface)`` of a word as matched, or ``_GAP``/``_COMMA`` for punctuation: pure, so cached."""
    if not (written[0].isalnum() or _MARK_CHARS.match(written)):
        return _COMMA if written in ("،", ",") else _GAP
    surface = written.replace("\u0640", "")
    return normalize(surface), surface


def _words(text: str) -> list[tuple[str, str]]:
    """The words of a text as ``(folded, surface)`` pairs, with ``_GAP`` where punctuation separates them."""
    return list(map(_word, _WORD_OR_BREAK.findall(text)))


@dataclass
class _Tokens:
    """Words of a block of sentences: grouping keys, displayed forms, which words break terms (every
    ``_GAP`` does) and which carried the article ``ال``."""

    keys: list[str]
    surfaces: list[str]
    blocked: list[bool]
    definite: list[bool]


def _is_adjective(word: str, key: str, places: frozenset[str]) -> bool:
    """A nisba adjective or demonym (``الروسي``, ``التركية``, ``روسية``): never a key term alone.

    ``word`` is folded with its article, if any (the clitics split off); ``key`` its grouping key.
    """
    if key in places:
        return False
    if word.startswith("ال") and len(word) >= 5 and word.endswith(_NISBA):
        return True
    for ending in ("يين", "يون", "يه", "ي"):
        if key.endswith(ending) and len(key) > len(ending) + 1:
            base = key[: -len(ending)]
            if any(c in places for c in (base + "يا", base + "ا", base)):
                return True
    return False


class _Analyzer:
    """Tokens of every sentence, with breaks, title cues and name spans marked."""

    def __init__(self, sentences: Sequence[Sentence], gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.raw = {id(s): _words(s.text) for s in sentences}
        words = set(chain.from_iterable(self.raw.values()))
        words.update((_GAP, _COMMA))
        plains = {plain for plain, _ in words}
        self.known = plains | {fold_article(p, gazetteer.keep_article) for p in plains}
        # A word's token depends only on the word and the cluster: once each (and most words have no
        # clitic to split: those only once per process).
        shared = gazetteer.tokens
        common = words & shared.keys()
        self._tokens = dict(zip(common, map(shared.__getitem__, common), strict=True))
        for word in words - common:
            self._tokens[word] = self.token(*word)
        self.adjectives = frozenset(t[0] for t in self._tokens.values() if t[4])
        """Keys that some word of the cluster uses as an adjective."""
        self._title_words = frozenset(t.split()[0] for t in gazetteer.titles if t)

    def token(self, plain: str, surface: str) -> tuple[str, str, bool, bool, bool]:
        """``(key, shown, is_break, definite, adjective)`` of a word."""
        if plain in STOPWORDS or plain[:1] not in _CLITICS_BY_LETTER:
            # no clitic to split: the same in every cluster
            shared = self.gaz.tokens
            if len(shared) >= SHARED_TOKENS:
                shared.clear()
            found = shared[plain, surface] = self._token(plain, plain, surface)
            return found
        bare, shown = _split_clitic(plain, surface, self.known)
        return self._token(plain, bare, shown)

    def _token(self, plain: str, bare: str, shown: str) -> tuple[str, str, bool, bool, bool]:
        article = shown.startswith("ال")
        key = fold_article(bare, self.gaz.keep_article) if article else bare
        is_break = (
            plain in STOPWORDS
            or bare in STOPWORDS
            or key in STOPWORDS
            or len(key) < 2
            or _DIGITS.search(key) is not None
            or key in self.gaz.generic
            or (plain[:1] in "وف" and plain[1:] in self.gaz.generic)  # ونقل when نقل is not in the cluster
        )
        return key, shown, is_break, article, _is_adjective(bare, key, self.gaz.places)

    def tokens(self, words: list[tuple[str, str]], where: list[tuple[int, float]]) -> _Tokens:
        """Tokens of words of the cluster (or ``_GAP``), a gazetteer name joined into one (``where``
        is shortened to match)."""
        if not words:
            return _Tokens([], [], [], [])
        keys, shown, blocked, definite, _ = map(list, zip(*map(self._tokens.__getitem__, words), strict=True))
        starts = self.gaz.multiword
        if starts.keys().isdisjoint(keys):
            return _Tokens(keys, shown, blocked, definite)
        i = 0
        while i < len(keys):
            for name in starts.get(keys[i], ()):
                n = len(name)
                if tuple(keys[i : i + n]) == name:
                    keys[i : i + n] = [" ".join(name)]
                    shown[i : i + n] = [" ".join(shown[i : i + n])]
                    blocked[i : i + n] = [False]
                    definite[i : i + n] = [definite[i]]
                    where[i : i + n] = [where[i]]
                    break
            i += 1
        return _Tokens(keys, shown, blocked, definite)

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


def _words_of(gram: tuple[str, ...]) -> tuple[str, ...]:
    """The words of a gram (a joined gazetteer name is one token of several words)."""
    return tuple(chain.from_iterable(k.split(" ") for k in gram))


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
    contains a chosen name or longer term (``فلاديمير بوتين`` after ``بوتين``).
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
        tokens = analyzer.tokens(words, where)
        grams, shown, starts = _count_block(tokens, where, analyzer, tally)
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
    candidates, weak = _candidates(tally, min_articles, in_blocks, analyzer)
    return _select(candidates, weak, n_articles, order, gazetteer, limit)


def _not_alone(key: str, analyzer: _Analyzer) -> bool:
    """Words that are no key term on their own: short ones, adjectives, verbs, head words, parts of names."""
    gaz = analyzer.gaz
    return (
        len(key) < 3
        or key in gaz.place_words
        or key in gaz.org_words
        or key in gaz.not_alone
        or (key in analyzer.adjectives and key not in gaz.kinds)
        or (is_verb(key) and "ال" + key not in analyzer.known)  # قتل is a verb unless القتل is there too
    )


def _candidates(
    tally: _Tally, min_articles: int, in_blocks: bool, analyzer: _Analyzer
) -> tuple[dict[tuple[str, ...], _Stats], set[tuple[str, ...]]]:
    """Terms mentioned at least twice, in at least ``min_articles`` articles, that may stand alone; and
    the full names of people mentioned less, kept (as the second value) for their surnames to join."""
    out: dict[tuple[str, ...], _Stats] = {}
    weak: set[tuple[str, ...]] = set()
    spread = tally.spread
    people = analyzer.gaz.people
    evidence = tally.actor_evidence
    for gram, count in tally.counts.items():
        if count < 2 or spread[gram] < min_articles:
            # a full name: a joined name of the gazetteer, or words found after a title
            if (len(gram) == 1 and " " in gram[0] and gram[0] in people) or (
                len(gram) > 1 and gram in evidence
            ):
                weak.add(gram)
            else:
                continue
        elif len(gram) == 1 and _not_alone(gram[0], analyzer):
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
    return out, weak


def _names_after_titles(tokens: _Tokens, blocked: list[bool], analyzer: _Analyzer) -> list[tuple[int, int]]:
    """Spans of person names after title cues; the title and its completing words get ``blocked``.

    The title and the words with ``ال`` that complete it (الرئيس الروسي, رئيس الوزراء التركي) are no
    term.  After them (and after one comma at most) comes the name: a person of the gazetteer, or up
    to ``NAME_MAX_WORDS`` words without ``ال`` up to a stopword or punctuation, of which the last may
    carry ``ال`` when the first is a given name (عادل الجبير).  A place or organisation of the gazetteer
    there completes the title (مدرب مانشستر سيتي); a title without ``ال`` and without completion
    (مدرب, وزير) is followed by what it is the title of, not by a name, unless a given name or a known
    person comes next.
    """
    gaz = analyzer.gaz
    keys, definite = tokens.keys, tokens.definite
    size = len(keys)
    names: list[tuple[int, int]] = []
    i = 0
    while i < size:
        n = analyzer.title_at(keys, i)
        if not n:
            i += 1
            continue
        j = i + n
        while (
            j < size
            and j - i < n + 3
            and not blocked[j]
            and (definite[j] or gaz.kinds.get(keys[j], "person") != "person")
        ):
            j += 1
        for k in range(i, j):
            blocked[k] = True
        start = j + 1 if j < size and keys[j] == _COMMA[0] else j
        span = _name_at(tokens, blocked, start, analyzer)
        if span and (
            j > i + n
            or definite[i + n - 1]
            or keys[start] in gaz.first_names
            or gaz.kinds.get(keys[start]) == "person"
        ):
            names.append(span)
        i = max(j, i + 1)
    return names


def _name_at(tokens: _Tokens, blocked: list[bool], start: int, analyzer: _Analyzer) -> tuple[int, int] | None:
    """The span of the name that starts at ``start`` (see ``_names_after_titles``), if any.

    A word the cluster also writes with ``ال`` is a common noun, not a name (``قمة`` beside ``القمة``),
    and so is one that ends in ``ة`` (``مأدبة``, ``تسمية``), unless it is a given name (``سعيد``,
    ``فاطمة``); a name does not open with ``و`` and a verb prefix (``وتقاضت``, ``ونقل``).
    """
    gaz = analyzer.gaz
    keys, definite = tokens.keys, tokens.definite
    size = len(keys)
    if start >= size or blocked[start] or definite[start] or analyzer.title_at(keys, start):
        return None
    if gaz.kinds.get(keys[start]) == "person":
        return start, start + 1
    if keys[start][:2] in _VERB_OPENINGS:
        return None
    end = start
    while (
        end < size and end - start < NAME_MAX_WORDS and not blocked[end] and not analyzer.title_at(keys, end)
    ):
        if definite[end]:
            if end > start and keys[start] in gaz.first_names:
                end += 1
            break
        if keys[end] not in gaz.first_names and (
            "ال" + keys[end] in analyzer.known or tokens.surfaces[end].endswith("ة")
        ):
            break
        end += 1
    return (start, end) if end > start else None


_VERB_OPENINGS = frozenset(("وت", "ون"))
"""``و`` and a verb prefix: how a clause opens (``وتقاضت``, ``ونقل``), not how a name does (``وي`` and
``وا`` open names too: ``ويليام``, ``وائل``)."""


def _count_block(
    tokens: _Tokens, where: list[tuple[int, float]], analyzer: _Analyzer, tally: _Tally
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]], list[tuple[int, float]]]:
    """The n-grams of a block of words, their written forms and the ``where`` of their first word;
    counts the name and place evidence."""
    gaz = analyzer.gaz
    keys, surfaces = tokens.keys, tokens.surfaces
    blocked = list(tokens.blocked)
    size = len(keys)
    names = _names_after_titles(tokens, blocked, analyzer) if analyzer.has_title(keys) else []

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
        tally.actor_evidence[tuple(keys[start:end])] += 1
        if end - start > 1:
            tally.actor_evidence[keys[end - 1],] += 1
    # What follows مدينة / محافظة / ميناء is a place's name.
    for i in range(size - 1 if not gaz.place_words.isdisjoint(keys) else 0):
        if keys[i] in gaz.place_words and not blocked[i + 1]:
            for end in range(i + 2, min(i + 3, size) + 1):
                if blocked[end - 1]:
                    break
                tally.place_evidence[tuple(keys[i + 1 : end])] += 1
    return grams, shown, starts


def _kind(gram: tuple[str, ...], entry: _Stats, gaz: Gazetteer) -> str:
    """The gazetteer's kind for a known name; else place/organisation by head word, person after titles."""
    text = " ".join(gram)
    known = gaz.kinds.get(text)
    if known is not None:
        return known
    head = gram[0].split(" ", 1)[0]
    multi = len(gram) > 1 or " " in gram[0]
    evidence = entry.place_evidence
    if (multi and head in gaz.place_words) or (
        evidence > entry.actor_evidence and evidence * 4 >= entry.count
    ):
        return "place"
    if multi and head in gaz.org_words:
        return "organisation"
    if entry.actor_evidence > 0:
        return "person"
    return "phrase"


def _merge_surnames(
    candidates: dict[tuple[str, ...], _Stats], weak: set[tuple[str, ...]], kinds: dict[tuple[str, ...], str]
) -> dict[tuple[str, ...], _Stats]:
    """A person's full name and the surname used alone are one term, shown by the full name
    (``فلاديمير بوتين`` + ``بوتين``), unless two full names of the cluster share the surname.  A full
    name in ``weak`` (mentioned too little to be a term) stays only when a surname joined it."""
    fulls: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for gram in candidates:
        words = _words_of(gram)
        if kinds[gram] == "person" and len(words) > 1:
            fulls.setdefault(words[-1:], []).append(gram)
    merged = {g: e for g, e in candidates.items() if g not in weak}
    for surname, names in fulls.items():
        if len(names) != 1 or kinds.get(surname) not in ("person", "phrase") or surname not in merged:
            continue
        full, alone = candidates[names[0]], candidates[surname]
        positions = dict(full.articles)
        for article_id, position in alone.articles.items():
            positions[article_id] = min(position, positions.get(article_id, position))
        merged[names[0]] = _Stats(
            articles=positions,
            count=full.count + alone.count,
            surfaces=full.surfaces,
            actor_evidence=full.actor_evidence + alone.actor_evidence,
            place_evidence=full.place_evidence + alone.place_evidence,
        )
        del merged[surname]
    return merged


def _select(
    candidates: dict[tuple[str, ...], _Stats],
    weak: set[tuple[str, ...]],
    n_articles: int,
    order: dict[str, int],
    gaz: Gazetteer,
    limit: int,
) -> tuple[KeyTerm, ...]:
    """Score the candidates and choose the ``limit`` best (see ``key_terms``)."""
    kinds = {gram: _kind(gram, e, gaz) for gram, e in candidates.items()}
    candidates = _merge_surnames(candidates, weak, kinds)
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
        words = _words_of(gram)
        spread = len(e.articles) / n_articles
        position = 1.0 - POSITION_WEIGHT * sum(e.articles.values()) / len(e.articles)
        score = spread * position * (1 + math.log(e.count) / 4) * (1 + LENGTH_BONUS * (len(words) - 1))
        if kind in _NAMED:
            score *= KIND_BONUS
        scored.append((score, gram, words, kind, e))
    scored.sort(key=lambda x: (-x[0], x[1]))

    chosen: list[tuple[tuple[str, ...], str]] = []
    out: list[KeyTerm] = []
    for score, _gram, words, kind, e in scored:
        if len(out) >= limit:
            break
        if any(_contains(words, g) for g, k in chosen if k in _NAMED or len(g) > 1) or (
            kind == "phrase" and any(_contains(g, words) for g, _ in chosen)
        ):
            continue
        chosen.append((words, kind))
        if kind == "person" and len(words) > 1:
            chosen.append((words[-1:], kind))  # the surname: ماي after تيريزا ماي, not برانسون يعيش
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
