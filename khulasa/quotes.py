"""Who said what in a story: every statement attributed to a speaker, merged across outlets.

Built on the reporting frames of ``khulasa.speech``:

1. **Mentions, article by article.**  Each frame with content is a quote mention: ``direct`` (quoted
   words, or words after a colon) or ``indirect`` (``قال إن ...``).  Words after a colon run on through
   the paragraph's following sentences that have no frame of their own; a sentence that opens with a
   quotation mark right after a direct quote continues it (no verb of its own).
2. **Speakers resolved in reading order** (a small salience model in the spirit of Lappin & Leass, 1994):
   an elided or pronoun speaker (``وأضاف أن``, ``مضيفا أن``) is the last speaker of the article, the
   one of the same gender as the verb when there is one; a bare role (``قال الرئيس الروسي``) is the
   person the story names with that role (``الرئيس الروسي فلاديمير بوتين``), else the last speaker who
   held it; ``المصدر`` is the last unnamed source.  Verbs with a noun complement (``أعلن بوتين رفع
   الحظر``) report no quote but still set the speaker when they name a known person.
3. **Speakers grouped across the story**: a name joins the one longer name that contains its words
   (``بوتين`` -> ``فلاديمير بوتين``); the group is shown by its fullest name.
4. **Statements merged across outlets** like information units are (``khulasa.dedup``): the set cosine
   of the contents' stemmed terms (or the containment of a short report in a longer one), between
   mentions of the same speaker group, leader clustering in reading order so that A~B~C never chains.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from khulasa import speech
from khulasa.models import Article, Quote, QuoteSource, Sentence, Speaker
from khulasa.segment import segment
from khulasa.text.fold import Folded, fold, key
from khulasa.text.normalize import word_terms

MERGE_THRESHOLD = 0.45
"""Set cosine of two contents' terms from which they are one statement (same speaker group)."""
CROSS_SPEAKER_THRESHOLD = 0.85
"""... whoever the speakers (one outlet's speaker resolved otherwise: the words are the same)."""
CONTAINMENT_THRESHOLD = 0.8
"""... or the share of the shorter content's terms found in the longer one, for contents of at least
``CONTAINMENT_MIN_TERMS`` terms (one outlet quotes a part of what another reports in full)."""
CONTAINMENT_MIN_TERMS = 5
UNKNOWN_MERGE_THRESHOLD = 0.7
"""Cosine needed to merge a mention whose speaker is unknown with one whose speaker is known."""
CROSS_OUTLET_THRESHOLD = 0.3
"""Weighted cosine from which two reports of one speaker group in different articles are one statement."""
CROSS_OUTLET_ANY_THRESHOLD = 0.5
"""... whoever the speakers."""
KINDS = ("direct", "indirect")


@dataclass(frozen=True)
class Quotes:
    """The quotes of a story and its speakers (most quoted first)."""

    quotes: tuple[Quote, ...]
    speakers: tuple[Speaker, ...]

    def by_speaker(self, name: str) -> Quotes:
        """The quotes of the speakers that ``name`` designates: every word of it is in one of the
        speaker's names or roles (``بوتين``, ``فلاديمير بوتين``, ``الرئيس الروسي``), or sounds like
        the words of a name (``ترمب`` for ``ترامب``)."""
        wanted, sounds = _tokens(name), set(_skeletons(name))
        ids = {
            s.id
            for s in self.speakers
            if wanted
            and (
                any(wanted <= _tokens(alias) for alias in (s.name, *s.aliases))
                or any(sounds <= set(_skeletons(n)) for n in (s.name, *s.aliases) if _named(n))
            )
        }
        return Quotes(
            tuple(q for q in self.quotes if q.speaker_id in ids),
            tuple(s for s in self.speakers if s.id in ids),
        )


# --- per article -----------------------------------------------------------------------------------


@dataclass
class _Mention:
    article: Article
    sentence: int
    paragraph: int
    start: int
    end: int
    kind: str
    verb: str | None
    mention: str | None
    entity: str | None
    """Resolved speaker: a name or description as written, before grouping across the story."""
    anonymous: bool
    named: bool
    """The speaker is a name (a person or body), not a description."""
    order: tuple = ()
    terms: frozenset[str] = field(default_factory=frozenset)


@dataclass
class _Entry:
    """One speaker in an article's history: who, as written, and the gender of its verb."""

    name: str
    anonymous: bool
    feminine: bool | None
    """The gender of the verb that named it (``None``: not known)."""
    descriptions: set[str]
    named: bool = True


@functools.lru_cache(maxsize=1 << 14)
def _tokens(text: str) -> frozenset[str]:
    words = (w[2:] if w.startswith("ال") and len(w) > 4 else w for w in key(fold(text)).split())
    return frozenset(w for w in words if w[:1].isalpha())


_LONG_VOWELS = str.maketrans(dict.fromkeys("اوي"))


def _skeleton(word: str) -> str:
    """A name word without its long vowels after the first letter: transliterations of one foreign name
    differ mostly there (``ترامب``/``ترمب``, ``توسك``/``تسك``, ``بوتين``/``بوتن``, ``ديمتري``/``ديميتري``)."""
    return word[:1] + word[1:].translate(_LONG_VOWELS)


@functools.lru_cache(maxsize=1 << 14)
def _skeletons(text: str) -> tuple[str, ...]:
    words = (w[2:] if w.startswith("ال") and len(w) > 4 else w for w in key(fold(text)).split())
    return tuple(_skeleton(w) for w in words if w[:1].isalpha())


@functools.lru_cache(maxsize=1 << 14)
def _named(text: str) -> bool:
    """A name (``دونالد ترامب``), not a role or body (``الرئيس الأمريكي``): matched by its sounds."""
    return all(speech.token_class(w) in "NC" for w in fold(text).split())


def _near(a: str, b: str) -> bool:
    """At most one letter substituted, inserted or deleted (``دومالد``/``دونالد``)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _typo_of(name: tuple[str, ...], group: tuple[str, ...]) -> bool:
    """Whether a name (as skeletons) designates the person of a longer or equal name although not all its
    words are among the group's: word for word, they differ by a typo at most (same last name)."""
    return (
        len(name) == len(group) > 1
        and name[-1] == group[-1]
        and all(_near(x, y) for x, y in zip(name, group, strict=True))
    )


def _without_conj(text: str) -> str:
    """``text`` without the ``و``/``ف`` its first word takes as a conjunction (``speech.strip_conj``
    decides, on the folded word: ``والرئيس`` loses it, ``ولي العهد`` and ``وزير الخارجية`` do not), or
    with the article back where ``ل`` took it (``للرئيس``: ``الرئيس``)."""
    first, sep, rest = text.partition(" ")
    folded = fold(first)
    if folded.startswith("لل") and _role_word(folded) != folded:
        return "ال" + first[2:] + sep + rest  # للرئيس التركي: الرئيس التركي
    return first[1:] + sep + rest if speech.strip_conj(folded) != folded else text


class _Story:
    """Names and roles seen anywhere in the story, for resolving roles and checking names."""

    def __init__(self, folded: Mapping[str, Folded]) -> None:
        self.folded = folded
        self.roles: dict[str, Counter[str]] = {}
        self.written: dict[str, str] = {}
        """Role key -> the role as first written (``الرئيس الروسي``)."""
        self.frame_names: Counter[str] = Counter()
        """Folded names that are the explicit subject of a quote frame somewhere in the story."""
        self.name_tokens: set[str] = set()
        self._searched: set[str] = set()
        self._counts: dict[str, int] = {}
        self._fuller: dict[str, str] = {}

    def add(self, description: str | None, name: str | None) -> None:
        if description and name:
            role = _role_key(description)
            self.roles.setdefault(role, Counter())[name] += 1
            self.written.setdefault(role, _without_conj(description))

    def add_frame_name(self, name: str) -> None:
        folded = fold(name)
        self.frame_names[folded] += 1
        self.name_tokens.update(folded.split())

    def count(self, folded: str) -> int:
        """Occurrences of a folded phrase as whole words in the story."""
        if folded not in self._counts:
            self._counts[folded] = sum(len(_occurrences(ft.folded, folded)) for ft in self.folded.values())
        return self._counts[folded]

    def trim(self, name: str) -> str:
        """A name without words that ran into it (``ترامب بتوضيح تعليقاته``): when the whole is written
        once in the story, the longest first part that is a speaker's name elsewhere."""
        words = name.split()
        if len(words) < 2 or self.count(fold(name)) > 1:
            return name
        for n in range(len(words) - 1, 0, -1):
            if self.frame_names.get(fold(" ".join(words[:n])), 0):
                return " ".join(words[:n])
        return name

    def name_for(self, description: str) -> str | None:
        """The person the story names right after this role (``الرئيس الروسي فلاديمير بوتين``): a
        name seen twice so, the name of a speaker of a quote elsewhere, or one of name words only (not
        ``انسحاب الولايات المتحدة`` after ``أعلن الرئيس الأمريكي``)."""
        role = _role_key(description)
        if role not in self._searched:
            self._searched.add(role)
            # للرئيس التركي: ل before the article takes its alef
            after_li = "لل" + role[2:] if role.startswith("ال") else None
            # الكورى الجنوبى: a final ي written ى, as some outlets type it
            typed = _FINAL_YA.sub("ى", role)
            for ft in self.folded.values():
                forms = (role, typed) if typed != role and "ى" in ft.folded else (role,)
                found = [(at, "") for form in forms for at in _occurrences(ft.folded, form, prefixes="وفبل")]
                if after_li is not None:
                    found = sorted(found + [(at, "ال") for at in _occurrences(ft.folded, after_li, prefixes="وف")])
                for at, article in found:
                    before = _apposed_before(ft, at) if _comma_before(ft.folded, at) else None
                    if before is not None:
                        # حمد بن جاسم، رئيس الوزراء القطري السابق: the name, then its role after a comma
                        self.roles.setdefault(role, Counter())[before] += 1
                        self.written.setdefault(role, _without_conj(ft.text[ft.start(at) : ft.end(at + len(role))]))
                        continue
                    end = at + len(role)  # (the two forms are as long)
                    comma = _APPOSITION.match(ft.folded, end)
                    tail = _FOLLOWING.match(ft.folded, comma.end() if comma else end)
                    if tail is None:
                        continue
                    # للرئيس التركي رجب طيب أردوغان: read as الرئيس التركي رجب طيب أردوغان; رئيس الوزراء
                    # اللبناني، سعد الحريري،: the name in apposition after a comma, read without it
                    start = ft.start(at + 2) if article else ft.start(at)
                    written = ft.text[start : ft.end(end)]
                    if comma is not None:
                        after = ft.folded[tail.end() : tail.end() + 2].strip()[:1]
                        if after.isalpha():
                            continue  # a name in apposition ends at a comma or the sentence's end
                    written += ft.text[ft.end(comma.end() if comma else end) : ft.end(tail.end())]
                    sp = speech.parse_speaker(article + written)
                    if sp is None or sp.kind != "name" or not sp.name or not sp.description:
                        continue
                    if comma is not None:
                        name_at = ft.folded.find(fold(sp.name), end)
                        if name_at != _skip(ft.folded, comma.end()):
                            continue
                        if ft.folded[name_at + len(fold(sp.name)) :].lstrip()[:1] not in ("،", ",", ".", ""):
                            continue  # الرئيس الأمريكي، دونالد ترامب وافق: the name in apposition is closed by a comma
                    if key(_role_key(sp.description)) == key(role):
                        # الرئيس الأمريكي دونالد ترامب وافق على …: a verb that ran into the name once is cut
                        # off where the story names a speaker so
                        self.roles.setdefault(role, Counter())[self.trim(sp.name)] += 1
                        self.written.setdefault(role, _without_conj(sp.description))
        names = self.roles.get(role)
        if not names:
            return None
        toks = {n: _tokens(n) for n in names}
        # a list in the order the story gives the names (not a set: which of two tied names wins must
        # not depend on the hash seed, and Spark executors and workers each have their own)
        known = [
            n
            for n in names
            if names[n] >= 2
            or any(t in self.name_tokens for t in fold(n).split())
            or all(speech.token_class(t) in "NC" for t in fold(n).split())
        ]
        if not known:
            return None
        # the fullest of the names most often given with this role (``أردوغان`` counts for
        # ``رجب طيب أردوغان``); ties: the name the story gives first
        support = {n: sum(c for m, c in names.items() if toks[m] <= toks[n]) for n in known}
        return max(known, key=lambda n: (support[n], len(toks[n])))

    def fuller(self, name: str) -> str:
        """The longest form of a name written in the story: name words right before it in an apposition
        to a role (``الرئيس الروسي فلاديمير بوتين`` for ``بوتين``), the most frequent."""
        if name in self._fuller:
            return self._fuller[name]
        folded = fold(name)
        found: Counter[str] = Counter()
        if all(speech.token_class(w) in "NCA" for w in folded.split()):  # not a place or a body
            for ft in self.folded.values():
                for at in _occurrences(ft.folded, folded):
                    before = list(_WORD.finditer(ft.folded, max(0, at - 80), at))[-7:]
                    words = [w.group() for w in before]
                    n = 0
                    while n < len(words) and _is_name_word(words[-1 - n]):
                        n += 1
                        if words[-n][0] in "وف":
                            n -= 1  # بوتين ورجب طيب أردوغان: another name begins
                            break
                    if n == 0 or n == len(words) or not _after_role(words[: len(words) - n]):
                        continue
                    found[ft.text[ft.start(before[-n].start()) : ft.end(at + len(folded))]] += 1
        self._fuller[name] = max(found, key=lambda n: (found[n], len(n))) if found else name
        return self._fuller[name]


_WORD = re.compile(r"[^\W\d_]+")
_FOLLOWING = re.compile(r"(?:\s+[^\W\d_]+(?:-[^\W\d_]+)?){1,5}")
_APPOSITION = re.compile(r"\s*[،,]")
_FINAL_YA = re.compile(r"ي\b")
_RELATIVE_WORDS = frozenset(fold(w) for w in "الذي التي الذين اللواتي".split())
_BACK_REFERENCES = frozenset(fold(w) for w in "المسؤول المسؤولة المسئول المصدر".split())
_LATTER = frozenset(fold(w) for w in "الأخير الأخيرة".split())
"""``قال الأخير``: the latter, the last person or body named."""


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _comma_before(f: str, at: int) -> bool:
    k = at - 1
    while k >= 0 and f[k] == " ":
        k -= 1
    return k >= 0 and f[k] in "،,"


def _apposed_before(ft: Folded, at: int) -> str | None:
    """The name right before ``، `` + a role at ``at`` (``حمد بن جاسم، رئيس الوزراء``): two to four name
    words, not the end of a longer phrase (a definite word or a role before them), as written."""
    f = ft.folded
    k = at
    while k > 0 and f[k - 1].isspace():
        k -= 1
    if k == 0 or f[k - 1] not in "،,":
        return None
    words = list(_WORD.finditer(f, max(0, k - 80), k - 1))
    if words and words[-1].end() < len(f[: k - 1].rstrip()):
        return None  # a digit or a mark before the comma
    n = 0
    while n < len(words) and n < 4 and _is_name_word(words[-1 - n].group()):
        n += 1
    if n < 2 or (
        n < len(words)
        and speech.token_class(words[-1 - n].group()) not in "RSA"
        and words[-1 - n].group() not in speech.LEXICON
    ):
        return None
    first = words[-n]
    if first.group()[0] in "وف" and speech.token_class(first.group()[1:]) in "NC":
        return None  # ورجب طيب أردوغان: the conjunction opens another name
    return ft.text[ft.start(first.start()) : ft.end(words[-1].end())]


def _occurrences(text: str, phrase: str, prefixes: str = "") -> list[int]:
    """Start positions of ``phrase`` as whole words in ``text`` (a one-letter clitic from ``prefixes``
    may stand before it); found with ``str.find``, which is much faster than a regex scan."""
    out = []
    at = text.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        before = text[at - 1] if at else " "
        if before in prefixes and before:
            before = text[at - 2] if at > 1 else " "
        if not before.isalpha() and not (end < len(text) and text[end].isalpha()):
            out.append(at)
        at = text.find(phrase, end)
    return out


def _after_role(before: Sequence[str]) -> bool:
    """Whether the words before a name end with a role and its adjectives (``الرئيس الروسي``)."""
    classes = [speech.token_class(w) for w in before]
    while classes and classes[-1] == "A":
        classes.pop()
    return bool(classes) and classes[-1] == "R"


def _is_name_word(word: str) -> bool:
    return speech.token_class(word) in "NC" and word not in speech.LEXICON


@functools.lru_cache(maxsize=1 << 14)
def _role_key(description: str) -> str:
    """The folded role without the conjunction or the preposition ل on its first word (``والرئيس
    التركي``, ``للرئيس التركي``: ``الرئيس التركي``)."""
    return " ".join(_role_word(w) if i == 0 else w for i, w in enumerate(fold(description).split()))


def _role_word(word: str) -> str:
    """The first word of a role as a key: ``الرئيس`` for ``والرئيس`` and ``للرئيس``."""
    if word.startswith("لل") and speech.token_class(word) in "RB":
        return "ال" + word[2:]  # للرئيس: its class is the role's
    return speech.strip_conj(word)


def _entry_of(
    sp: speech.SpeakerMention, feminine: bool | None, story: _Story, history: Sequence[_Entry]
) -> _Entry | None:
    """The speaker a phrase designates, as an entry (a role resolved to the person the story names)."""
    if sp.kind == "pronoun":
        return None
    if sp.kind == "name" and sp.name:
        return _Entry(story.trim(sp.name), False, feminine, _roles(sp), True)
    if sp.kind == "body" and sp.name:
        return _Entry(sp.name, False, feminine, set(), True)
    if sp.kind == "anonymous":
        return _Entry(sp.description or sp.text, True, feminine, set(), False)
    if sp.kind == "anonymous_ref":
        for entry in reversed(history):
            if entry.anonymous:
                return entry
        # no unnamed source before: ``المسؤول``/``المصدر`` is the last speaker named (المسؤول الأمريكي
        # after the envoy, المصدر ذاته after the agency); التقارير, المصادر refer to no one named
        if fold(sp.text).split()[0] in _BACK_REFERENCES:
            for entry in reversed(history):
                if entry.named and (feminine is None or _agrees(entry, feminine)):
                    return entry
        return _Entry(sp.description or sp.text, True, feminine, set(), False)
    description = sp.description or sp.text
    role = _role_key(description)
    for entry in reversed(history):
        if role in entry.descriptions:
            return entry
    if sp.kind == "role":
        # a bare title (``الرئيس``, ``الوزير``, ``وزير الخارجية``): the latest person of the article whose
        # fuller role it shortens (``الرئيس الروسي``, ``وزير الخارجية الروسي``), the verb's gender agreeing
        for entry in reversed(history):
            if entry.named and any(_shortens(role, d) for d in entry.descriptions) and (
                feminine is None or _agrees(entry, feminine)
            ):
                return entry
    named = story.name_for(description)
    if named is not None:
        return _Entry(named, False, feminine, {role}, True)
    if sp.kind == "document":
        for entry in reversed(history):
            if not entry.anonymous:
                return entry
    return _Entry(description, False, feminine, set(), False)


def _bare(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


@functools.lru_cache(maxsize=1 << 14)
def _shortens(role: str, description: str) -> bool:
    """Whether the role key ``role`` is a shorter form of ``description``'s: the same head word (with or
    without ``ال``) and only words of it (``الرييس`` of ``الرييس الروسي``, ``الوزير`` of ``وزير الخارجية``)."""
    have, full = [_bare(w) for w in role.split()], [_bare(w) for w in description.split()]
    return bool(have) and len(have) < len(full) and have[0] == full[0] and set(have) <= set(full)


def _roles(sp: speech.SpeakerMention) -> set[str]:
    return {_role_key(sp.description)} if sp.description else set()


def _agrees(entry: _Entry, feminine: bool) -> bool:
    return entry.feminine is None or entry.feminine == feminine


_HEAD = re.compile(r"(?<![^\W\d_])(?:[وفب]|لل|ل(?=ا))?([^\W\d_]+)")


class _Article:
    """Speaker resolution inside one article, in reading order."""

    def __init__(self, article: Article, ft: Folded, story: _Story) -> None:
        self.article, self.ft, self.story = article, ft, story
        self.history: list[_Entry] = []
        self._phrases: dict[tuple[int, int], speech.SpeakerMention | None] = {}
        """Speaker phrases parsed at ``(start, end)``: consecutive elided frames look back over the same
        sentences."""

    def speaker(self, frame: speech.Frame, window: tuple[int, int]) -> tuple[_Entry | None, str | None]:
        """The speaker of a quote frame and the phrase that names it there.  An elided or pronoun
        speaker is the latest speaker whose verb agreed in gender, else the latest person or body
        mentioned before the verb in ``window`` (this sentence and the one before) that agrees."""
        sp = frame.speaker
        if sp is not None and sp.kind == "name" and fold(sp.text) in _LATTER:
            # حيث قال الأخير: the last person or body named before the verb, not the last speaker
            mention = self._mention(window[0], frame.verb_start, frame.feminine)
            if mention is not None:
                return mention, sp.text
        elif sp is not None and sp.kind != "pronoun":
            # an attribution (بحسب المصدر) says nothing of its source's gender
            feminine = None if frame.role == "attribution" else frame.feminine
            return _entry_of(sp, feminine, self.story, self.history), sp.text
        recent = self.history[-3:]
        # the verb's gender told first (a feminine verb: the speaker whose verb was feminine, before one
        # whose gender no verb told, as an attribution's source), then one of unknown gender
        for entry in [e for e in reversed(recent) if e.feminine == frame.feminine] + [
            e for e in reversed(recent) if e.feminine is None
        ]:
            return entry, sp.text if sp else None
        mention = self._mention(window[0], frame.verb_start, frame.feminine)
        if mention is not None:
            return mention, sp.text if sp else None
        return (self.history[-1] if self.history else None), sp.text if sp else None

    def _mention(self, lo: int, hi: int, feminine: bool) -> _Entry | None:
        """The latest person or body mentioned in ``text[lo:hi]`` whose gender agrees: a role or body
        phrase (``الخارجية الروسية``, ``للرئيس التركي``) or a known speaker's name."""
        ft = self.ft
        flo, fhi = ft.index(lo), ft.index(hi)
        best: _Entry | None = None
        for m in _HEAD.finditer(ft.folded, flo, fhi):
            word = m.group(1)
            cls = speech.token_class(word)
            if cls not in "RB" and word not in self.story.name_tokens:
                continue
            span = (ft.start(m.start(1)), ft.end(min(fhi, m.end() + 80)))
            if span not in self._phrases:
                # للرئيس التركي: the role with its article (الرئيس التركي), as the story names it elsewhere
                article = "ال" if m.start(1) - m.start() == 2 else ""
                self._phrases[span] = speech.parse_speaker(article + ft.text[span[0] : span[1]])
            sp = self._phrases[span]
            if sp is None or sp.kind == "pronoun":
                continue
            entry = _entry_of(sp, None, self.story, self.history)
            if entry is None:
                continue
            fem = key(word).endswith("ه") if cls in "RB" else None
            if fem is None or fem == feminine:
                best = _Entry(entry.name, entry.anonymous, fem, entry.descriptions, entry.named)
        return best

    def push(self, entry: _Entry) -> None:
        """Make ``entry`` the latest speaker (merged with the same speaker just before).  A name
        that shortens an earlier speaker's (``بوريطة`` after ``وزير الخارجية ناصر بوريطة``) takes that
        speaker's roles: a bare role later (``الوزير``) is this latest mention of the person."""
        history = self.history
        if entry.named and not entry.anonymous and not entry.descriptions:
            own = _tokens(entry.name)
            fuller = next(
                (e for e in reversed(history) if e.named and own and own < _tokens(e.name) and e.descriptions),
                None,
            )
            if fuller is not None:
                entry = _Entry(entry.name, False, entry.feminine, set(fuller.descriptions), True)
        if history and history[-1].name == entry.name:
            last = history[-1]
            feminine = entry.feminine if entry.feminine is not None else last.feminine
            history[-1] = _Entry(
                last.name, last.anonymous, feminine, last.descriptions | entry.descriptions, last.named
            )
        else:
            history.append(entry)

    def known(self, frame: speech.Frame) -> _Entry | None:
        """The speaker a frame without content surely names: a role, body or unnamed source with only
        adjectives, or a name the story knows as a speaker at the phrase's start (``وأعلن بوتين رفع
        الحظر``: ``بوتين``, not ``بوتين رفع الحظر``)."""
        sp = frame.speaker
        if sp is None or sp.kind in ("pronoun", "anonymous_ref"):
            return None
        if sp.kind != "name":
            return _entry_of(sp, frame.feminine, self.story, self.history) if frame.speaker_sure else None
        written = (sp.name or sp.text).split()
        n = 0
        while n < len(written) and fold(written[n]) in self.story.name_tokens:
            n += 1
        if n == 0:
            if not self._apposed(sp):
                return None
            n = len(written)
        return _Entry(" ".join(written[:n]), False, frame.feminine, _roles(sp), True)

    def _apposed(self, sp: speech.SpeakerMention) -> bool:
        """A name whose bounds an apposition makes sure: after its role and a comma (``المتحدث باسم
        الكرملين، دميتري بيسكوف``), or before a comma and a role or relative clause (``منال الشريف، التي
        تقيم …``, ``وليد البخاري، القائم بأعمال …``); not ``انتقد ترامب الاتفاق، قائلا``."""
        text = self.article.text
        at = sp.end
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text) or text[at] not in "،,":
            return False  # the name's end is sure only at a comma
        if sp.description and any(c in sp.text for c in "،,"):
            return True
        nxt = _WORD.search(text, at + 1, at + 40)
        if nxt is None or text[at + 1 : nxt.start()].strip():
            return False
        word = fold(nxt.group())
        return speech.token_class(word) == "R" or word in _RELATIVE_WORDS


def _article_mentions(
    article: Article,
    candidates: Sequence[Sentence],
    frames: Sequence[speech.Frame],
    ft: Folded,
    story: _Story,
) -> list[_Mention]:
    by_sentence: dict[int, list[speech.Frame]] = {}
    k = 0
    for frame in frames:
        while k + 1 < len(candidates) and frame.verb_start >= candidates[k].end:
            k += 1
        by_sentence.setdefault(k, []).append(frame)
    state = _Article(article, ft, story)
    out: list[_Mention] = []
    for i, s in enumerate(candidates):
        sentence_frames = by_sentence.get(i, [])
        if not sentence_frames:
            cont = _continuation(article, s, out, candidates, i)
            if cont is not None:
                out.append(cont)
            continue
        window = (candidates[i - 1].start if i else s.start, s.end)
        for frame in sentence_frames:
            if not frame.is_quote:
                known = state.known(frame)
                if known is not None:
                    state.push(known)
                continue
            entry, mention = state.speaker(frame, window)
            end = frame.content_end
            if frame.kind == "direct" and i + 1 < len(candidates) and candidates[i + 1].paragraph == s.paragraph:
                # "… تصريحاته. يجب أن يبدأ …،" منتقدا: the quotation closes in the next sentence
                end = _closed_later(article.text, frame, s, candidates[i + 1]) or end
            if frame.kind == "direct" and frame.marker == ":" and end == _trimmed_end(article.text, s.end):
                # words after a colon run on through the paragraph's sentences that have no frame
                j = i + 1
                while j < len(candidates) and candidates[j].paragraph == s.paragraph and j not in by_sentence:
                    end = _trimmed_end(article.text, candidates[j].end)
                    j += 1
            out.append(
                _Mention(
                    article,
                    s.index,
                    s.paragraph,
                    frame.content_start,
                    end,
                    frame.kind,
                    frame.verb,
                    mention,
                    entry.name if entry else None,
                    entry.anonymous if entry else False,
                    entry.named if entry else False,
                )
            )
            if entry is not None:
                explicit = frame.speaker is not None and frame.speaker.kind != "pronoun"
                state.push(
                    entry if explicit else _Entry(entry.name, entry.anonymous, None, set(), entry.named)
                )
    return out


_MARK_PAIRS = {'"': '"', "«": "»", "“": "”"}


def _closed_later(text: str, frame: speech.Frame, s: Sentence, nxt: Sentence) -> int | None:
    """The end of quoted words that the sentence splitter cut: the content opens with a quotation mark
    not closed before the sentence's end, and the next sentence closes it (a mark glued to the word
    before it) before opening any other; the content then runs to that mark."""
    k = frame.content_start - 1
    while k > s.start and text[k].isspace():
        k -= 1
    close = _MARK_PAIRS.get(text[k]) if k >= s.start else None
    if close is None or close in text[frame.content_start : s.end]:
        return None
    at = text.find(close, nxt.start, nxt.end)
    if at <= nxt.start or text[at - 1].isspace() or any(m in text[nxt.start : at] for m in _MARK_PAIRS):
        return None
    return _trimmed_end(text, at)


def _trimmed_end(text: str, end: int) -> int:
    while end > 0 and not text[end - 1].isalnum():
        end -= 1
    return end


_OPENING_QUOTE = re.compile(r"^\s*[وف]?\s*[«“\"„]")


def _continuation(
    article: Article, s: Sentence, out: Sequence[_Mention], candidates: Sequence[Sentence], i: int
) -> _Mention | None:
    """A sentence that opens with a quotation mark, right after a direct quote, continues it."""
    if not out or out[-1].kind != "direct" or i == 0 or out[-1].sentence != candidates[i - 1].index:
        return None
    if not _OPENING_QUOTE.match(s.text):
        return None
    start = s.start
    while start < s.end and not s.text[start - s.start].isalnum():
        start += 1
    end = _trimmed_end(article.text, s.end)
    if end - start < 10:
        return None
    prev = out[-1]
    return _Mention(
        article,
        s.index,
        s.paragraph,
        start,
        end,
        "direct",
        None,
        None,
        prev.entity,
        prev.anonymous,
        prev.named,
    )


# --- across the story ------------------------------------------------------------------------------


def _group_speakers(mentions: Sequence[_Mention], story: _Story) -> tuple[dict[str, int], list[list[str]]]:
    """Speaker as written -> group id: a name joins the one longer name that holds all its words."""
    counts = Counter(m.entity for m in mentions if m.entity is not None)
    anonymous = {m.entity for m in mentions if m.entity is not None and m.anonymous}
    for m in mentions:
        if m.entity is not None and m.named:
            counts.setdefault(story.fuller(m.entity), 0)
    names = sorted(counts, key=lambda n: (-len(_tokens(n)), -counts[n], n))
    groups: list[list[str]] = []
    group_keys: list[tuple[str, ...]] = []
    group_sets: list[frozenset[str]] = []  # the groups' skeletons as sets, made once
    group_of: dict[str, int] = {}
    for name in names:
        keys = _skeletons(name)
        if name in anonymous:
            hits = [g for g, gk in enumerate(group_keys) if gk == keys]
        elif keys:
            own = frozenset(keys)
            # the same person: all the name's words among a group's, or a typo of them
            hits = [
                g
                for g, gk in enumerate(group_keys)
                if (own <= group_sets[g] or _typo_of(keys, gk))
                and groups[g][0] not in anonymous
                and not _named_in_body(name, groups[g][0])
            ]
        else:
            hits = []
        if len(hits) == 1:
            group_of[name] = hits[0]
            groups[hits[0]].append(name)
        else:
            group_of[name] = len(groups)
            groups.append([name])
            group_keys.append(keys)
            group_sets.append(frozenset(keys))
    return group_of, groups


@functools.lru_cache(maxsize=1 << 14)
def _named_in_body(name: str, full: str) -> bool:
    """Whether ``name`` is only named in the body ``full`` (``الإمارات`` in ``وكالة أنباء الإمارات``,
    ``روسيا`` in ``سفارة روسيا في لندن``): a place, or the one last word of a body of three words or
    more; it is not that body (``الخارجية`` in ``وزارة الخارجية`` is)."""
    words, fuller = fold(name).split(), fold(full).split()
    if not words or not fuller or speech.token_class(speech.strip_conj(fuller[0])) not in "BD":
        return False
    if all(speech.token_class(w) == "P" for w in words):
        return True
    return len(words) == 1 and len(fuller) >= 3 and fuller[-1] == words[0]


def _merge(mentions: Sequence[_Mention], group_of: Mapping[str, int]) -> list[list[int]]:
    """Clusters of mention indices that report one statement.

    In reading order, a mention joins the cluster holding its most similar earlier mention: the same
    speaker group and a set cosine of at least ``MERGE_THRESHOLD`` (or a short report contained in a
    longer one); any speakers at ``CROSS_SPEAKER_THRESHOLD`` (the same words, one outlet's speaker
    resolved otherwise); an unknown speaker at ``UNKNOWN_MERGE_THRESHOLD``.  Reports in different
    articles are also compared on a cosine weighted by the terms' inverse frequency among the story's
    mentions (outlets reword a statement but keep its rare words): ``CROSS_OUTLET_THRESHOLD`` within
    one speaker group, ``CROSS_OUTLET_ANY_THRESHOLD`` whoever the speakers.
    """
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].order)
    n = len(mentions)
    neighbours: dict[int, dict[int, float]] = {}
    if n > 1:
        # all pairs at once: shared terms (plain and weighted) as products of the mention x term matrix
        vocab: dict[str, int] = {}
        # terms in sorted order, not the frozenset's (hash) order: the weighted products are float sums
        rows = [[vocab.setdefault(t, len(vocab)) for t in sorted(m.terms)] for m in mentions]
        x = np.zeros((n, max(1, len(vocab))))
        x[np.repeat(np.arange(n), [len(row) for row in rows]), [t for row in rows for t in row]] = 1.0
        shared = x @ x.T
        sizes = np.diag(shared).copy()
        # inverse mention frequency in the story: the story's own topic words (``روسيا``, ``سوريا``)
        # say little of which statement a report is
        xw = x * np.log((n + 1) / np.maximum(x.sum(axis=0), 1.0))
        wshared = xw @ xw.T
        norms = np.sqrt(np.diag(wshared))
        with np.errstate(divide="ignore", invalid="ignore"):
            cos = shared / np.sqrt(np.outer(sizes, sizes))
            small = np.minimum.outer(sizes, sizes)
            part = shared / small
            wcos = wshared / np.outer(norms, norms)
        groups = np.array([group_of.get(m.entity or "", -1) for m in mentions])
        article_ids = [m.article.id for m in mentions]
        codes = {a: k for k, a in enumerate(dict.fromkeys(article_ids))}
        arts = np.array([codes[a] for a in article_ids])
        same = (groups[:, None] == groups[None, :]) & (groups[:, None] >= 0)
        unknown = (groups[:, None] < 0) | (groups[None, :] < 0)
        cross = (arts[:, None] != arts[None, :]) & (norms[:, None] > 0) & (norms[None, :] > 0)
        wcos = np.where(cross, wcos, 0.0)
        contained = (small >= CONTAINMENT_MIN_TERMS) & (part >= CONTAINMENT_THRESHOLD)
        link = (shared > 0) & (
            (same & ((cos >= MERGE_THRESHOLD) | contained | (wcos >= CROSS_OUTLET_THRESHOLD)))
            | (wcos >= CROSS_OUTLET_ANY_THRESHOLD)
            | (unknown & (cos >= UNKNOWN_MERGE_THRESHOLD))
            | (cos >= CROSS_SPEAKER_THRESHOLD)
        )
        np.fill_diagonal(link, False)
        sim = np.maximum(cos, part)
        for i, j in zip(*np.nonzero(link), strict=True):
            neighbours.setdefault(int(i), {})[int(j)] = float(sim[i, j])
    cluster_of: dict[int, int] = {}
    clusters: list[list[int]] = []
    for i in order:
        near = [(sim, -cluster_of[j]) for j, sim in neighbours.get(i, {}).items() if j in cluster_of]
        if near:
            c = -max(near)[1]  # most similar earlier mention; ties: the earlier cluster
        else:
            c = len(clusters)
            clusters.append([])
        cluster_of[i] = c
        clusters[c].append(i)
    return clusters


def extract_quotes(
    articles: Iterable[Article],
    sentences: Iterable[Sentence] | None = None,
    *,
    folded: dict[str, Folded] | None = None,
) -> Quotes:
    """Every quote of a story (a set of articles on one story), merged across outlets.

    ``sentences`` may pass the articles' sentences when the caller has segmented them already
    (``pipeline.analyze``); otherwise each article is segmented here.  ``folded`` may pass (and
    receives) the articles' folded texts, article id -> ``Folded``, to share with
    ``compare.disagreements``.
    """
    arts = tuple(articles)
    by_article: dict[str, list[Sentence]] = {a.id: [] for a in arts}
    if sentences is None:
        for a in arts:
            by_article[a.id] = list(segment(a))
    else:
        for s in sentences:
            if s.article_id in by_article:
                by_article[s.article_id].append(s)
    if folded is None:
        folded = {}
    for a in arts:
        if a.id not in folded:
            folded[a.id] = Folded(a.text)
    story = _Story(folded)
    found = {}
    for a in arts:
        candidates = [s for s in by_article[a.id] if not s.is_heading]
        frames = speech.find_frames(folded[a.id], [(s.start, s.end) for s in candidates])
        found[a.id] = (candidates, frames)
        for frame in frames:
            sp = frame.speaker
            if frame.is_quote and sp is not None and sp.kind == "name" and sp.name:
                story.add_frame_name(sp.name)
                story.add(sp.description, sp.name)
    rank = {a.id: (a.date or dt.date.max, i) for i, a in enumerate(arts)}
    mentions: list[_Mention] = []
    for a in arts:
        for m in _article_mentions(a, *found[a.id], folded[a.id], story):
            m.order = (*rank[a.id], m.start)
            m.terms = frozenset(word_terms(a.text[m.start : m.end].split()))
            mentions.append(m)
    group_of, groups = _group_speakers(mentions, story)
    display = [_display_name(g, mentions, story) for g in groups]
    clusters = _merge(mentions, group_of)
    quotes = []
    for qid, cluster in enumerate(sorted(clusters, key=lambda c: mentions[c[0]].order)):
        members = sorted(cluster, key=lambda i: mentions[i].order)
        lead = mentions[members[0]]
        gid = next((group_of[m.entity] for m in (mentions[i] for i in members) if m.entity in group_of), None)
        sources = tuple(_source(mentions[i], group_of, groups, story) for i in members)
        quotes.append(
            Quote(
                id=qid,
                speaker=display[gid] if gid is not None else None,
                speaker_id=gid,
                anonymous=lead.anonymous,
                text=lead.article.text[lead.start : lead.end],
                verb=next((mentions[i].verb for i in members if mentions[i].verb), None),
                kind=lead.kind,
                sources=sources,
            )
        )
    by_group: dict[int, list[Quote]] = {}
    for q in quotes:
        if q.speaker_id is not None:
            by_group.setdefault(q.speaker_id, []).append(q)
    anonymous = {group_of[m.entity] for m in mentions if m.anonymous and m.entity in group_of}
    speakers = []
    for gid, names in enumerate(groups):
        mine = by_group.get(gid)
        if not mine:
            continue
        speakers.append(
            Speaker(
                id=gid,
                name=display[gid],
                aliases=tuple(dict.fromkeys([*names, *_descriptions(names, story)])),
                anonymous=gid in anonymous,
                n_quotes=len(mine),
                articles=tuple(dict.fromkeys(a for q in mine for a in q.articles)),
            )
        )
    speakers.sort(key=lambda s: (-s.n_quotes, s.id))
    return Quotes(tuple(quotes), tuple(speakers))


def _display_name(names: Sequence[str], mentions: Sequence[_Mention], story: _Story) -> str:
    """The fullest name: most words, then the most frequent spelling."""
    counts = Counter(m.entity for m in mentions if m.entity in names)
    return max(names, key=lambda n: (len(_tokens(n)), counts[n], -names.index(n)))


def _descriptions(names: Sequence[str], story: _Story) -> list[str]:
    return [story.written[role] for role, counter in story.roles.items() if any(n in counter for n in names)]


def _source(
    m: _Mention, group_of: Mapping[str, int], groups: Sequence[Sequence[str]], story: _Story
) -> QuoteSource:
    speaker = m.entity
    if speaker is not None and speaker in group_of:
        folded = story.folded[m.article.id].folded
        present = [n for n in groups[group_of[speaker]] if fold(n) in folded]
        if present:
            speaker = max(present, key=lambda n: len(_tokens(n)))
    return QuoteSource(
        article_id=m.article.id,
        source=m.article.outlet,
        start=m.start,
        end=m.end,
        kind=m.kind,
        verb=m.verb,
        speaker=speaker,
        mention=m.mention,
        sentence_index=m.sentence,
        date=m.article.date,
    )


def filter_speaker(quotes: Quotes, name: str) -> Quotes:
    """``quotes.by_speaker(name)``: what one speaker said (``--speaker NAME``)."""
    return quotes.by_speaker(name)
