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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources

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

# A word: letters/digits with the marks and tatweel that may sit inside it.
_WORD = re.compile(r"(?:[^\W_]|[\u0610-\u061a\u064b-\u065f\u0670\u0640])+")
_DIGITS = re.compile(r"\d")
_CLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
MIN_STEM = 3
"""A split-off clitic must leave at least this many letters (``بحث`` is not ``ب`` + ``حث``)."""


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


@dataclass(frozen=True)
class _Token:
    key: str
    """Folded, with a split-off clitic removed."""
    surface: str
    """As written, with the same clitic removed."""
    plain: str
    """Folded, as written (clitic kept): what stopword lists hold."""


@dataclass
class _Stats:
    articles: dict[str, float] = field(default_factory=dict)
    """Article id -> first relative position (0 = lead, 1 = end)."""
    count: int = 0
    surfaces: Counter[str] = field(default_factory=Counter)
    actor_evidence: int = 0
    place_evidence: int = 0


def _drop_letters(surface: str, n: int) -> str:
    """``surface`` without its first ``n`` letters (and the marks that sit on them)."""
    i = letters = 0
    while i < len(surface) and letters < n:
        letters += surface[i].isalpha()
        i += 1
    while i < len(surface) and not surface[i].isalpha():
        i += 1
    return surface[i:]


def _split_clitic(plain: str, surface: str, known: Counter[str]) -> tuple[str, str]:
    """Split a leading و/ف/ب/ل/ك when the rest occurs on its own in the cluster."""
    for clitic in _CLITICS:
        if not plain.startswith(clitic) or len(plain) - len(clitic) < MIN_STEM:
            continue
        rest = plain[len(clitic) :]
        if clitic.endswith("ل") and rest.startswith("ل") and "ا" + rest in known:
            # للرئيس = ل + الرئيس (the alef of the article is not written)
            return "ا" + rest, "ا" + _drop_letters(surface, len(clitic))
        if rest in known:
            return rest, _drop_letters(surface, len(clitic))
    return plain, surface


def _segments(text: str) -> list[list[tuple[str, str]]]:
    """Runs of words not separated by punctuation: ``(folded, surface)`` pairs."""
    runs: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    last_end = 0
    for m in _WORD.finditer(text):
        if current and text[last_end : m.start()].strip():
            runs.append(current)
            current = []
        surface = m.group().replace("\u0640", "")
        current.append((normalize(surface), surface))
        last_end = m.end()
    if current:
        runs.append(current)
    return runs


class _Analyzer:
    """Tokens of every sentence, with breaks, title cues and name spans marked."""

    def __init__(self, sentences: Sequence[Sentence], gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer
        self.raw = {id(s): _segments(s.text) for s in sentences}
        self.known: Counter[str] = Counter(p for runs in self.raw.values() for run in runs for p, _ in run)

    def runs(self, sentence: Sentence) -> list[list[_Token]]:
        out = []
        for run in self.raw[id(sentence)]:
            tokens = []
            for plain, surface in run:
                key, shown = (
                    (plain, surface) if plain in STOPWORDS else _split_clitic(plain, surface, self.known)
                )
                tokens.append(_Token(key, shown, plain))
            out.append(tokens)
        return out

    def is_break(self, token: _Token) -> bool:
        """Stopwords, numbers, one-letter words, generic news words: no key term spans them."""
        key = token.key
        return (
            token.plain in STOPWORDS
            or key in STOPWORDS
            or len(key) < 2
            or _DIGITS.search(key) is not None
            or key in self.gaz.generic
        )

    def title_at(self, run: list[_Token], i: int) -> int:
        """Number of words of a title cue starting at ``i`` (0 when there is none)."""
        for n in range(min(self.gaz.longest_title, len(run) - i), 0, -1):
            if " ".join(t.key for t in run[i : i + n]) in self.gaz.titles:
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
    stats: dict[tuple[str, ...], _Stats] = {}
    for s in sorted(sentences, key=lambda s: (order.get(s.article_id, len(order)), s.index)):
        position = s.index / length[s.article_id]
        for run in analyzer.runs(s):
            _count_run(run, s.article_id, position, analyzer, stats)
    return _select(stats, n_articles, order, gazetteer, limit)


def _count_run(
    run: list[_Token],
    article_id: str,
    position: float,
    analyzer: _Analyzer,
    stats: dict[tuple[str, ...], _Stats],
) -> None:
    gaz = analyzer.gaz
    blocked = [analyzer.is_break(t) for t in run]
    names: list[tuple[int, int]] = []
    i = 0
    while i < len(run):
        n = analyzer.title_at(run, i)
        if not n:
            i += 1
            continue
        # The title and the words that complete it (الرئيس الروسي, رئيس الوزراء التركي) are no term;
        # the words after them, up to a stopword or punctuation, are a person's name.
        j = i + n
        while j < len(run) and j - i < n + 3 and run[j].key.startswith("ال") and not blocked[j]:
            j += 1
        for k in range(i, j):
            blocked[k] = True
        end = j
        while (
            end < len(run)
            and end - j < NAME_MAX_WORDS
            and not blocked[end]
            and not analyzer.title_at(run, end)
        ):
            end += 1
        if end > j and not run[j].key.startswith("ال"):
            names.append((j, end))
        i = max(j, i + 1)

    keys = [t.key for t in run]
    for start in range(len(run)):
        for end in range(start + 1, min(start + MAX_N, len(run)) + 1):
            if blocked[end - 1]:
                break
            gram = tuple(keys[start:end])
            entry = stats.setdefault(gram, _Stats())
            entry.count += 1
            entry.articles.setdefault(article_id, position)
            entry.surfaces[" ".join(t.surface for t in run[start:end])] += 1
    for start, end in names:
        for gram in {tuple(keys[start:end]), (keys[end - 1],)}:
            if gram in stats:
                stats[gram].actor_evidence += 1
    # What follows مدينة / محافظة / ميناء is a place's name.
    for i in range(len(run) - 1):
        if keys[i] in gaz.place_words and not blocked[i + 1]:
            for end in range(i + 2, min(i + 3, len(run)) + 1):
                if blocked[end - 1]:
                    break
                stats[tuple(keys[i + 1 : end])].place_evidence += 1


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
    stats: dict[tuple[str, ...], _Stats],
    n_articles: int,
    order: dict[str, int],
    gaz: Gazetteer,
    limit: int,
) -> tuple[KeyTerm, ...]:
    min_articles = 2 if n_articles > 1 else 1
    candidates = {
        gram: e
        for gram, e in stats.items()
        if len(e.articles) >= min_articles
        and e.count >= 2
        and not (len(gram) == 1 and _not_alone(gram[0], gaz))
    }
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
                text=e.surfaces.most_common(1)[0][0],
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
