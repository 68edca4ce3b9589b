"""What in an article is not the sentence: datelines, agency tags, bylines, web boilerplate, captions.

News text on the web carries furniture that is not the story: a dateline and agency tag in front of the
first sentence (``دبي، الإمارات العربية المتحدة (CNN)-- ``), an agency signature after the last one
(``- رويترز``), a byline (``نصر المجالي:``), lines that are page furniture (``اقرأ أيضا: ...``,
``لمشاهدة التقرير اضغط هنا``, app and newsletter promotions, disclaimers), photo captions and credits,
and hashtag marks (``#مشاري_الذايدي``).  An extractive summary that copies them reads badly.  The rules
are data, in the manner of rule-based boilerplate removal for web corpora (jusText, Pomikálek 2011), but
at the level of Arabic lines and sentence edges:

* ``data/textrules_ar.tsv`` — one rule a line: id, kind (dateline/byline/boilerplate/caption), scope
  (lead, first, tail, line, last, block), a regex, the literals it needs (one of them is in every text
  it matches, or opens it: ``^x``, or ends it: ``x$``), an example that must fire it and a
  counterexample that must not (both tested);
* ``data/textrules_words_ar.txt`` — the word lists the rules share (agencies, photo credits, byline
  words, words that are never part of a name, words that name a hashtag).

Every function returns spans (``Hit``: offsets into the text it was given, and the rule that fired), so
a caller cuts a span off a sentence and keeps its offsets exact.  Nothing here rewrites text except
``unhashtag``, a cleaning transform for ingest (``#مشاري_الذايدي`` -> ``مشاري الذايدي``).

``article_hits`` searches an article once for every rule's needed literals (``str.find``, a C-level scan
per literal) and tries a rule only on the lines that hold one, or that open or end with one of its
``^x`` / ``x$`` literals (one trie regex at each line's start, one on the reversed text at its end):
most lines of most articles hold none, so a line costs two regex calls instead of every rule's regex;
the hits are those of every rule tried on every line (tested).

Rules are matched on a *plain* view of the text — diacritics and tatweel left out, offsets mapped back —
and each Arabic letter of a pattern matches its spelling variants (ا أ إ آ ٱ, ه ة, ي ى ئ, و ؤ), so a
rule written ``اقرأ أيضا`` also matches ``إقرأ أيضاً``.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources

from khulasa.text import chars
from khulasa.text.normalize import BASE_STOPWORDS, normalize
from khulasa.text.verbs import is_verb

KINDS = ("dateline", "byline", "boilerplate", "caption")
SCOPES = ("lead", "first", "tail", "line", "last", "block")
# Lines longer than this are paragraphs of running text: no line rule is tried on them.
MAX_LINE_CHARS = 400
# How far into a paragraph a lead may reach, and from its end a tail (signatures and credits are short).
EDGE_WINDOW = 240
TAIL_WINDOW = 120
# A block (a "read also:" header alone on its line) extends over at most this many headline-like lines.
BLOCK_MAX_LINES = 8
BLOCK_MAX_WORDS = 20

# --- the plain view ---------------------------------------------------------------------------------

MARKS = f"[{chars.MARKS}]"
_MARK_RUN = re.compile(MARKS + "+")
# One mark at a time: the same text out, and ``re`` scans for a one-character class about four times
# faster than for a run of them (``[...]+``); the runs are only needed for the offset map.
_MARK = re.compile(MARKS)


class _Plain:
    """``text`` without diacritics and tatweel, with the map from its offsets back to ``text``'s.

    Most news text has no marks at all: then the view is the text itself.  A plain offset maps to
    the original offset of the plain character there, so marks after a letter stay with that letter.
    The map is built on the first ``orig`` (most articles have no hit to map back).
    """

    __slots__ = ("_breaks", "_shifts", "_source", "text")

    def __init__(self, text: str) -> None:
        self._source = text
        self._breaks: list[int] | None = None  # plain offsets where a run of marks was taken out
        self._shifts: list[int] = []  # characters taken out up to and including that run
        self.text = _MARK.sub("", text)

    def _build(self) -> list[int]:
        breaks: list[int] = []
        removed = 0
        if self.text is not self._source:
            for m in _MARK_RUN.finditer(self._source):
                removed += m.end() - m.start()
                breaks.append(m.end() - removed)
                self._shifts.append(removed)
        self._breaks = breaks
        return breaks

    def orig(self, offset: int) -> int:
        breaks = self._breaks if self._breaks is not None else self._build()
        k = bisect_right(breaks, offset)
        return offset + (self._shifts[k - 1] if k else 0)


# --- pattern language -------------------------------------------------------------------------------

_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_CLASS = "[" + re.escape(_DASHES) + "]"
_VARIANT_GROUPS = ("اأإآٱ", "هة", "يىئ", "وؤ")
_VARIANTS = {ch: group for group in _VARIANT_GROUPS for ch in group}
_DIACRITIC = re.compile(MARKS)


_ARABIC_LETTER = re.compile(f"[{chars.ARABIC_LETTERS}]")


def _is_arabic_letter(ch: str) -> bool:
    return _ARABIC_LETTER.match(ch) is not None


def _class_body(body: str) -> str:
    """A character class's content with Arabic letters widened to their variants and a literal ``-``
    (first or last in the class) widened to every dash."""
    out = []
    for i, ch in enumerate(body):
        if _is_arabic_letter(ch):
            out.append(_VARIANTS.get(ch, ch))
        elif ch == "-" and (i == 0 or i == len(body) - 1 or (i == 1 and body[0] == "^")):
            out.append(re.escape(_DASHES))
        else:
            out.append(ch)
    return "".join(out)


def expand(pattern: str) -> str:
    """A rule pattern as a Python regex over the plain view (see the module docstring).

    Arabic letters become the class of their spelling variants, ``-`` any dash, a space ``\\s+``;
    diacritics in the pattern are dropped.  ``{MACRO}`` names are left for ``_substitute``.
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append("[" + _class_body(pattern[i + 1 : j]) + "]")
            i = j + 1
            continue
        if _is_arabic_letter(ch):
            variants = _VARIANTS.get(ch, ch)
            out.append(f"[{variants}]" if len(variants) > 1 else ch)
        elif ch == "-":
            out.append(_DASH_CLASS)
        elif ch == " ":
            out.append("(?:\\s+)")
        elif not _DIACRITIC.fullmatch(ch):
            out.append(ch)
        i += 1
    return "".join(out)


def _alternation(entries: Iterable[str]) -> str:
    """One regex for a word list: longest entries first, each ending at a word end."""
    words = sorted({e for e in entries if e}, key=lambda e: (-len(e), e))
    parts = [expand(" ".join(re.escape(w) for w in entry.split())) for entry in words]
    return "(?:" + "|".join(parts) + ")(?![^\\W_])" if parts else "(?!)"


def _read_sections(name: str) -> dict[str, list[str]]:
    raw = resources.files("khulasa").joinpath(f"data/{name}").read_text(encoding="utf-8")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in raw.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return sections


_WORDS = _read_sections("textrules_words_ar.txt")
HASHTAG_WORDS = frozenset(w.lower() for w in _WORDS.get("hashtag_word", ()))
# Words that are never part of a name in a "Name:" byline: the stopwords and the [not_name] list.
_NOT_NAME = BASE_STOPWORDS | frozenset(normalize(w) for w in _WORDS.get("not_name", ()))

_ANSWER_OPENER = re.compile(
    "^[\\W_]*(?:[وف])?" + _alternation(_WORDS.get("answer_opener", ())) + "(?![^\\W_])"
)


def answers_before(text: str) -> bool:
    """Whether the sentence opens by answering the one before it (``لكن``, ``إلا أنه``, ``ومع ذلك``:
    the ``[answer_opener]`` words of ``data/textrules_words_ar.txt``, after ``و``/``ف`` or not)."""
    return _ANSWER_OPENER.match(text) is not None


# Words are possessive and places/names atomic: what follows them is a separator no word contains, so
# giving words back never helps a match, and not trying saves the backtracking.
_W = "[^\\W\\d_]++"
_PLACE = f"(?>{_W}(?:\\s+{_W}){{0,3}})"
_ARABIC_W = f"[{chars.ARABIC_LETTERS}]+"
_MACROS = {
    "W": _W,
    "PLACE": _PLACE,
    "PLACES": f"{_PLACE}(?:\\s*[،,]\\s*{_PLACE})?",
    "AGENCY": _alternation(_WORDS.get("agency", ())),
    "CREDIT": _alternation(_WORDS.get("credit", ())),
    "BYLINE": _alternation(_WORDS.get("byline", ())),
    "NAME": f"(?>{_W}\\.?(?:\\s+{_W}\\.?){{0,3}})",
    # checked by _is_name after the match (a regex of every stopword is slow to compile)
    "PERSON": f"(?P<person>{_ARABIC_W}(?:\\s+{_ARABIC_W}){{1,2}})(?![^\\W_])",
}
_MACROS["AGENCIES"] = f"{_MACROS['AGENCY']}(?:(?:\\s*[/،,]\\s*|\\s+و\\s*){_MACROS['AGENCY']})*"
_MACROS["CREDITS"] = f"{_MACROS['CREDIT']}(?:\\s*[/،,|]\\s*{_MACROS['CREDIT']})*"
_MACRO = re.compile(r"\{([A-Z]+)\}")


def _substitute(expanded: str, rule_id: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(1) not in _MACROS:
            raise ValueError(f"rule {rule_id!r}: unknown macro {m.group()}; known: {', '.join(sorted(_MACROS))}")
        return "(?:" + _MACROS[m.group(1)] + ")"

    return _MACRO.sub(one, expanded)


# --- rules -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One line of ``data/textrules_ar.tsv``; ``regex`` is compiled for the plain view."""

    id: str
    kind: str
    scope: str
    pattern: str
    example: str
    counterexample: str
    regex: re.Pattern[str] = field(compare=False, repr=False)
    needs: tuple[str, ...] = ()
    """The literals of the ``needs`` column (``*``: none); any text the rule fires on holds one of them."""
    needles: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    """The exact strings ``needs`` is checked with (``_needles``); empty (and no ``starts``/``ends``):
    the rule is tried everywhere."""
    starts: tuple[str, ...] = ()
    """The ``^literal`` needs: a text the rule fires on opens with one of them after non-word
    characters (a prefix: it may end inside a word)."""
    ends: tuple[str, ...] = ()
    """The ``literal$`` needs: a text the rule fires on ends with one of them, then only non-word
    characters (it may start inside a word)."""

    @property
    def gated(self) -> bool:
        """Whether the rule has ``needs`` (then it is tried only where one of them holds)."""
        return bool(self.needles or self.starts or self.ends)

    @property
    def anchored(self) -> bool:
        """A line rule whose pattern starts with ``^``: tried at the line start only."""
        return self.pattern.startswith("^")

    def find(self, line: str) -> re.Match[str] | None:
        """This line rule on a stripped plain line."""
        return self.regex.match(line) if self.anchored else self.regex.search(line)

    def fires(self, text: str) -> bool:
        """Whether this rule alone fires on ``text`` (a line, or a paragraph for lead/tail rules)."""
        plain = _Plain(text.strip()).text
        if self.scope in ("lead", "first"):
            m = self.regex.match(plain, 0, EDGE_WINDOW)
        elif self.scope == "tail":
            m = self.regex.search(plain, max(0, len(plain) - TAIL_WINDOW))
        else:
            m = self.find(plain)
        return _accepted(m)


@dataclass(frozen=True)
class Hit:
    """A span ``[start, end)`` of the text that rule ``rule`` (of kind ``kind``) says is not sentence."""

    start: int
    end: int
    kind: str
    rule: str


_DIACRITIC_ONLY = re.compile(MARKS + "+")
_CASE_UNSAFE = ("\u0130", "\u0131", "\u017f")  # İ (lower() gives two characters), ı ~ i, ſ ~ s
_MAX_SPELLINGS = 12
_LIST_MACROS = {"AGENCY": "agency", "CREDIT": "credit", "BYLINE": "byline"}


def _cased(text: str) -> bool:
    return text.lower() != text.upper()


def _spellings(word: str) -> list[str]:
    """Every string the letters of ``word`` match on the plain view (its variants and dashes)."""
    out = [""]
    for ch in word:
        if _DIACRITIC_ONLY.fullmatch(ch):
            continue
        choices = _DASHES if ch == "-" else _VARIANTS.get(ch, ch)
        out = [o + c for o in out for c in choices]
    return out


def _needles(literal: str) -> frozenset[str]:
    """The exact strings one of which every text matching ``literal`` contains: of its words the one
    with the fewest spellings (longest on a tie), or a run of 3+ letters that have no variants; when
    that is still more than ``_MAX_SPELLINGS`` strings, the longest run of letters without variants."""
    best: list[str] | None = None
    runs: list[str] = []
    for word in literal.split():
        word = word.lower() if _cased(word) else word
        options = [_spellings(word)]
        run = ""
        for ch in word + " ":
            if ch in _VARIANTS or ch == "-" or ch == " " or _DIACRITIC_ONLY.fullmatch(ch):
                if len(run) >= 3:
                    options.append([run])
                if run:
                    runs.append(run)
                run = ""
            else:
                run += ch
        for option in options:
            if best is None or (len(option), -len(option[0])) < (len(best), -len(best[0])):
                best = option
    if not best or not best[0]:
        raise ValueError(f"needs literal {literal!r} has no letters")
    if len(best) > _MAX_SPELLINGS and runs:
        best = [max(runs, key=len)]
    return frozenset(best)


@dataclass(frozen=True)
class _Needs:
    """A parsed ``needs`` cell: literals the text contains, opens with (``^x``) or ends with (``x$``)."""

    contains: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()
    ends: tuple[str, ...] = ()


def _parse_needs(cell: str, n: int, rule_id: str) -> _Needs:
    """The ``needs`` cell: ``*`` (no literal: the rule is tried on every line) or literals joined by
    ``|``; ``{AGENCY}``, ``{CREDIT}``, ``{BYLINE}`` stand for every entry of that word list; a literal
    written ``^x`` must open the text, ``x$`` end it (see the table's header)."""
    cell = cell.strip()
    if cell == "*":
        return _Needs()
    found: dict[str, list[str]] = {"contains": [], "starts": [], "ends": []}
    for part in cell.split("|"):
        part = part.strip()
        where = "contains"
        if part.startswith("^"):
            part, where = part[1:].strip(), "starts"
        elif part.endswith("$"):
            part, where = part[:-1].strip(), "ends"
        m = _MACRO.fullmatch(part)
        if m is not None:
            if m.group(1) not in _LIST_MACROS:
                raise ValueError(
                    f"textrules line {n} ({rule_id}): unknown needs macro {part}; known: "
                    + ", ".join("{" + k + "}" for k in _LIST_MACROS)
                )
            found[where].extend(_WORDS.get(_LIST_MACROS[m.group(1)], ()))
        elif part and _DIACRITIC_ONLY.sub("", part).strip():
            found[where].append(part)
        else:
            raise ValueError(f"textrules line {n} ({rule_id}): empty needs literal in {cell!r} (write * for none)")
    return _Needs(tuple(found["contains"]), tuple(found["starts"]), tuple(found["ends"]))


def load_rules(text: str | None = None) -> tuple[Rule, ...]:
    """The rules of ``data/textrules_ar.tsv`` (or of ``text`` in that format), compiled."""
    if text is None:
        text = resources.files("khulasa").joinpath("data/textrules_ar.tsv").read_text(encoding="utf-8")
    rules: list[Rule] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 7:
            raise ValueError(
                f"textrules line {n}: {len(cells)} cells, expected 7 (id kind scope pattern needs example counterexample)"
            )
        rule_id, kind, scope, pattern, needs_cell, example, counter = cells
        if kind not in KINDS or scope not in SCOPES:
            raise ValueError(f"textrules line {n}: kind {kind!r} / scope {scope!r}; kinds: {KINDS}, scopes: {SCOPES}")
        regex = _substitute(expand(pattern), rule_id)
        if scope == "tail":
            regex = f"(?:{regex})\\s*$"
        try:
            compiled = re.compile(regex, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"textrules line {n} ({rule_id}): bad pattern: {exc}") from exc
        needs = _parse_needs(needs_cell, n, rule_id)
        if (needs.ends and scope in ("lead", "first")) or (needs.starts and scope == "tail"):
            raise ValueError(
                f"textrules line {n} ({rule_id}): a {scope} rule cannot need a literal at the "
                + ("end (x$)" if needs.ends else "start (^x)")
            )
        needles = frozenset(x for literal in needs.contains for x in _needles(literal))
        rules.append(
            Rule(
                rule_id, kind, scope, pattern, example, counter, compiled, needs.contains, needles,
                needs.starts, needs.ends,
            )
        )
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise ValueError(f"textrules: duplicate rule ids {sorted({i for i in ids if ids.count(i) > 1})}")
    return tuple(rules)


def _is_name(words: str) -> bool:
    """Whether 2-3 words can be a person's name: no stopword or [not_name] word, the first without ال
    and no verb (``وقال أردوغان:`` opens a quote, not a byline)."""
    folded = [normalize(w) for w in words.split()]
    return (
        not folded[0].startswith("ال")
        and not is_verb(folded[0])
        and not any(w in _NOT_NAME for w in folded)
    )


def _accepted(m: re.Match[str] | None) -> bool:
    """A match that also passes the checks a regex cannot make cheaply ({PERSON})."""
    if m is None:
        return False
    person = m.groupdict().get("person")
    return person is None or _is_name(person)


RULES = load_rules()
_RULES_BY_ID = {rule.id: rule for rule in RULES}
_LEAD = tuple(r for r in RULES if r.scope == "lead")
_FIRST = tuple(r for r in RULES if r.scope == "first")
_LEAD_FIRST = (*_LEAD, *_FIRST)
_TAIL = tuple(r for r in RULES if r.scope == "tail")
_LINE = tuple(r for r in RULES if r.scope in ("line", "block"))
_LAST = tuple(r for r in RULES if r.scope == "last")
_TERMINAL = ".!:"

Probe = tuple[Rule, Callable[[str], "re.Match[str] | None"]]
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def _probes(rules: Iterable[Rule]) -> tuple[Probe, ...]:
    """Each line rule with the bound regex method ``Rule.find`` calls (the per-call lookups were a
    third of ``_line``'s time when every rule was tried on every line)."""
    return tuple((r, r.regex.match if r.anchored else r.regex.search) for r in rules)


_LINE_PROBES = _probes(_LINE)
_LINE_LAST_PROBES = _probes((*_LINE, *_LAST))
_ALNUM = re.compile(r"[^\W_]")

# --- matching on the plain view (offsets into the plain text) ----------------------------------------


def _lead(plain: str, start: int, end: int, rules: tuple[Rule, ...]) -> tuple[int, Rule] | None:
    stop = min(end, start + EDGE_WINDOW)
    for rule in rules:
        m = rule.regex.match(plain, start, stop)
        if m is not None and m.end() > start and _accepted(m):
            return m.end(), rule
    return None


def _tail(plain: str, start: int, end: int, rules: tuple[Rule, ...] = _TAIL) -> tuple[int, Rule] | None:
    lo = max(start, end - TAIL_WINDOW)
    for rule in rules:
        m = rule.regex.search(plain, lo, end)
        if m is not None and m.end() > m.start() and _accepted(m):
            return m.start(), rule
    return None


def _line(
    plain: str, start: int, end: int, probes: tuple[Probe, ...], first_leads: tuple[Rule, ...] | None
) -> Rule | None:
    """The rule that makes the stripped line ``plain[start:end]`` not sentence material: one of the
    line rules ``probes``, or (``first_leads``, on an article's first line) a lead that covers it all."""
    if end - start > MAX_LINE_CHARS:
        return None
    line = plain[start:end]
    for rule, probe in probes:
        m = probe(line)
        if m is not None and _accepted(m):
            return rule
    if first_leads is not None:
        lead = _lead(plain, start, end, first_leads)
        if lead is not None and lead[0] >= end:
            return lead[1]
    return None


# --- the literal prefilter (the ``needs`` column) ----------------------------------------------------
#
# A rule's ``needs`` literals are searched once per article, each with one C-level ``str.find`` per
# line it occurs on; a rule is then tried only on the lines that hold one of them.  A literal is
# checked as exact strings (``_needles``): the spellings its letters match (ا أ إ آ ٱ, ه ة, ي ى ئ,
# و ؤ; - any dash), or for a word with Latin letters its lower case, found in the lower-cased article
# (``_CASE_UNSAFE``: letters that Python's case-insensitive ``re`` matches to an ASCII letter but
# ``str.lower`` does not map to it; an article with one tries its Latin-literal rules on every line).

#
# A ``^x`` or ``x$`` literal (the line, or for a lead/tail rule the paragraph, opens or ends with it)
# is checked on each line with a trie regex of the literals: a match at the line start, or for ``x$``
# at the line end's place in the reversed text (the literals spelled backwards), so a rule whose only
# literals would be a long word list ({AGENCY}: 64 names, too many to search for) is still tried
# only on the few lines shaped like its matches.

_GATED = frozenset(r for r in RULES if r.gated)
_NEEDLES = tuple(sorted({x for r in _GATED for x in r.needles}))
# the gated rules as bits of an int (set operations on small ints, no hashing of rules per line)
_BIT = {r: 1 << k for k, r in enumerate(r for r in RULES if r in _GATED)}
_NEEDLE_RULES = {x: sum(_BIT[r] for r in _GATED if x in r.needles) for x in _NEEDLES}
# Reversed windows reach this far back from a line's end: a whole line a line rule is tried on, and
# the window a tail rule searches.
_EDGE_REACH = max(MAX_LINE_CHARS, TAIL_WINDOW)


def _units(literal: str, reverse: bool) -> list[str]:
    """``literal`` as pattern units, one a character (``expand``: its spelling variants; a space any
    run of spaces), spelled backwards with ``reverse``; ASCII units in lower case (matched in any)."""
    words = literal.split()
    if reverse:
        words = [w[::-1] for w in reversed(words)]
    units = []
    for ch in " ".join(words):
        if not _DIACRITIC.fullmatch(ch):
            unit = expand(" " if ch == " " else re.escape(ch))  # a space: any run of spaces
            units.append(unit.lower() if unit.isascii() else unit)
    return units


def _edge_regex(literals: Iterable[str], reverse: bool) -> re.Pattern[str]:
    """A regex for "after non-word characters, one of ``literals``" (a prefix: it may end inside a
    word; with ``reverse``: each literal spelled backwards, for the reversed text, so only non-word
    characters follow the literal, which may start inside a word, as the last name of ``{AGENCIES}``
    does after و).  Literals are matched as in patterns, as one trie (a regex alternation of 64
    names tries every name; a trie tries a letter once)."""
    root: dict[str, dict] = {}
    for literal in literals:
        node = root
        for unit in _units(literal, reverse):
            node = node.setdefault(unit, {})
        node[""] = {}

    def alternation(node: dict[str, dict]) -> str:
        parts = sorted((unit + alternation(child) if unit else "" for unit, child in node.items()), key=lambda p: not p)
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    return re.compile("\\W*" + alternation(root), re.IGNORECASE)


def _edge_checks(reverse: bool) -> tuple[tuple[re.Pattern[str], int], ...]:
    """One ``(regex, rule bits)`` for each distinct set of ``^x`` (or with ``reverse``, ``x$``) literals."""
    groups: dict[frozenset[str], int] = {}
    for rule in _GATED:
        literals = rule.ends if reverse else rule.starts
        if literals:
            groups[frozenset(literals)] = groups.get(frozenset(literals), 0) | _BIT[rule]
    return tuple((_edge_regex(lits, reverse), bits) for lits, bits in sorted(groups.items(), key=str))


_STARTS = _edge_checks(reverse=False)
_ENDS = _edge_checks(reverse=True)
# every ^x literal in one trie: where it fails, no _STARTS regex matches
_ANY_START = _edge_regex([x for r in _GATED for x in r.starts], reverse=False) if _STARTS else None


def _edge_bits(plain: str, backwards: str, start: int, end: int) -> int:
    """The gated rules whose ``^x`` / ``x$`` literals the line ``plain[start:end]`` opens or ends with
    (``backwards`` is ``plain`` reversed; a reversed window reaches ``_EDGE_REACH`` back)."""
    bits = 0
    if _ANY_START is not None and _ANY_START.match(plain, start, end) is not None:  # then which ones
        for regex, rule_bits in _STARTS:
            if regex.match(plain, start, end) is not None:
                bits |= rule_bits
    n = len(plain)
    for regex, rule_bits in _ENDS:
        if regex.match(backwards, n - end, n - max(start, end - _EDGE_REACH)) is not None:
            bits |= rule_bits
    return bits


_CASED_NEEDLES = frozenset(x for x in _NEEDLES if _cased(x))


def _ungated(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(r for r in rules if r not in _GATED)


_OPEN_LINE = _probes(_ungated(_LINE))
_OPEN_LINE_LAST = _probes(_ungated((*_LINE, *_LAST)))
_OPEN_LEAD = _ungated(_LEAD)
_OPEN_LEAD_FIRST = _ungated(_LEAD_FIRST)
_OPEN_TAIL = _ungated(_TAIL)


_PLAIN_SEARCH = tuple((x, _NEEDLE_RULES[x]) for x in _NEEDLES if x not in _CASED_NEEDLES)
_CASED_SEARCH = tuple((x, _NEEDLE_RULES[x]) for x in _NEEDLES if x in _CASED_NEEDLES)
_CASED_RULES = sum(_NEEDLE_RULES[x] for x in _CASED_NEEDLES)
# The characters whose lower case opens a cased needle: its first letter in both cases, and the
# Kelvin sign K for k (tested over all of Unicode, apart from _CASE_UNSAFE).  Where none is in the
# text, no cased needle is in the lower-cased text: most Arabic articles are never lower-cased (a
# ``str.find`` per character costs a tenth of ``str.lower``; a case-insensitive regex, more).
_LOWERS_TO = {"k": "\u212a"}
_CASED_FIRST = "".join(
    sorted({c for x in _CASED_NEEDLES for c in (x[0], x[0].upper(), _LOWERS_TO.get(x[0], x[0]))})
)


def _allowed(plain: str, lines: list[tuple[int, int]]) -> dict[int, int]:
    """For each line that holds a needle, the gated rules that may fire on it (``_BIT``s)."""
    starts = [s for s, _ in lines]
    out: dict[int, int] = {}
    searches: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    if not any(ch in plain for ch in _CASE_UNSAFE):
        # str.lower changes a text's length only for İ (_CASE_UNSAFE), so offsets agree
        if any(ch in plain for ch in _CASED_FIRST):
            searches = ((plain, _PLAIN_SEARCH), (plain.lower(), _CASED_SEARCH))
        else:
            searches = ((plain, _PLAIN_SEARCH),)
    else:  # a letter lower() does not map as re does: Latin-literal rules are tried on every line
        searches = ((plain, _PLAIN_SEARCH),)
        out = dict.fromkeys(range(len(lines)), _CASED_RULES)
    for haystack, needles in searches:
        for needle, bits in needles:
            at = haystack.find(needle)
            while at >= 0:
                i = bisect_right(starts, at) - 1
                out[i] = out.get(i, 0) | bits
                at = haystack.find(needle, lines[i][1])
    return out


@dataclass(frozen=True)
class _Tried:
    """The rules tried on one line, by scope, in table order."""

    line: tuple[Probe, ...]
    line_last: tuple[Probe, ...]
    lead: tuple[Rule, ...]
    lead_first: tuple[Rule, ...]
    tail: tuple[Rule, ...]

    def on_line(self, first: bool, last: bool) -> tuple[tuple[Probe, ...], tuple[Rule, ...] | None]:
        return (self.line_last if last else self.line), (self.lead_first if first else None)


_ALL = _Tried(_LINE_PROBES, _LINE_LAST_PROBES, _LEAD, _LEAD_FIRST, _TAIL)
_OPEN = _Tried(_OPEN_LINE, _OPEN_LINE_LAST, _OPEN_LEAD, _OPEN_LEAD_FIRST, _OPEN_TAIL)


# A line inside an article (neither first nor last) where no gated rule of its scopes holds a needle
# is tried with _OPEN and the rules its edges allow.  When _OPEN tries no lead or tail rule and no
# unanchored line rule there, two regex calls say whether anything can fire on such a line: _QUIET,
# the union of the anchored _OPEN line rules (if any) and one trie of every ^x literal, and the x$
# check.  Most lines cost just those two calls.
_MIDDLE = sum(_BIT[r] for r in _GATED if r.scope not in ("first", "last"))
_QUIET: Callable[[str], re.Match[str] | None] | None = None
if all(r.anchored for r, _ in _OPEN_LINE) and not _OPEN_LEAD and not _OPEN_TAIL and _ANY_START is not None:
    _OPEN_ANCHORED = [r for r, _ in _OPEN_LINE]
    _QUIET = re.compile(
        "|".join(
            [
                *("(?:" + _NAMED_GROUP.sub("(?:", r.regex.pattern) + ")" for r in _OPEN_ANCHORED),
                "(?:" + _ANY_START.pattern + ")",
            ]
        ),
        re.IGNORECASE,
    ).match


def _quiet(plain: str, backwards: str, start: int, end: int) -> bool:
    """Whether no rule of _OPEN and no rule gated by ^x / x$ literals can fire on the line (``_QUIET``)."""
    if _QUIET is None or _ANY_START is None:
        return False
    if _OPEN_LINE and end - start <= MAX_LINE_CHARS:
        if _QUIET(plain[start:end]) is not None:
            return False
    elif _ANY_START.match(plain, start, end) is not None:
        return False
    n = len(plain)
    for regex, _ in _ENDS:
        if regex.match(backwards, n - end, n - max(start, end - _EDGE_REACH)) is not None:
            return False
    return True


@functools.lru_cache(maxsize=1024)
def _tried(extra: int) -> _Tried:
    """The rules tried on a line where the gated rules ``extra`` (``_BIT``s) found a needle."""

    def keep(rules: Iterable[Rule]) -> tuple[Rule, ...]:
        return tuple(r for r in rules if r not in _GATED or _BIT[r] & extra)

    return _Tried(
        _probes(keep(_LINE)),
        _probes(keep((*_LINE, *_LAST))),
        keep(_LEAD),
        keep(_LEAD_FIRST),
        keep(_TAIL),
    )


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _edges(plain: str, start: int, end: int, first: bool, tried: _Tried) -> list[tuple[int, int, Rule]]:
    """Lead and tail hits of the paragraph ``plain[start:end]``, in plain offsets."""
    found = []
    leads = tried.lead_first if first else tried.lead
    lead = _lead(plain, start, end, leads) if leads else None
    if lead is not None:
        found.append((start, lead[0], lead[1]))
        start = lead[0]
    tail = _tail(plain, start, end, tried.tail) if tried.tail else None
    if tail is not None:
        found.append((tail[0], end, tail[1]))
    return found


def _hits(view: _Plain, found: Iterable[tuple[int, int, Rule]], offset: int = 0) -> list[Hit]:
    return [Hit(offset + view.orig(s), offset + view.orig(e), r.kind, r.id) for s, e, r in found]


# --- public API: spans in the caller's offsets -------------------------------------------------------


def lead_hit(text: str, start: int = 0, end: int | None = None, *, first: bool = False) -> Hit | None:
    """The dateline, agency tag or byline at the start of ``text[start:end]`` (a paragraph or a
    sentence), with the spaces after it; ``first``: it opens the article (a ``Name:`` byline counts)."""
    view = _Plain(text[start:end])
    s, e = _strip(view.text, 0, len(view.text))
    found = _lead(view.text, s, e, _LEAD_FIRST if first else _LEAD)
    return _hits(view, [(s, found[0], found[1])], start)[0] if found else None


def tail_hit(text: str, start: int = 0, end: int | None = None) -> Hit | None:
    """The agency signature or photo credit at the end of ``text[start:end]``, with the spaces before it."""
    view = _Plain(text[start:end])
    s, e = _strip(view.text, 0, len(view.text))
    found = _tail(view.text, s, e)
    return _hits(view, [(found[0], e, found[1])], start)[0] if found else None


def line_hit(line: str, *, first: bool = False, last: bool = False) -> Hit | None:
    """The rule that makes the whole ``line`` not sentence material, as a hit over the stripped line;
    ``first``/``last``: the line opens/closes its article."""
    view = _Plain(line)
    s, e = _strip(view.text, 0, len(view.text))
    rule = _line(view.text, s, e, *_ALL.on_line(first, last)) if s < e else None
    return _hits(view, [(s, e, rule)])[0] if rule else None


def _lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-blank line, stripped."""
    out = []
    at = 0
    for raw in text.splitlines(keepends=True):
        body = raw.strip()
        if body:
            start = at + len(raw) - len(raw.lstrip())
            out.append((start, start + len(body)))
        at += len(raw)
    return out


def _headline_like(line: str) -> bool:
    return line[-1] not in _TERMINAL and len(line.split()) <= BLOCK_MAX_WORDS


def article_hits(text: str) -> list[Hit]:
    """Every span of an article's text that is not sentence material, in text order.

    A furniture line is one hit over the whole line; another line may have a lead hit (at its start)
    and a tail hit (at its end).  ``first``/``last`` rules apply to the first/last non-blank line.  A
    block header alone on its line (``اقرأ أيضاً:``) also covers the headline-like lines after it.
    A rule with ``needs`` literals is tried only on the lines that hold one (one scan per article).
    """
    return _article_hits(text, prefilter=True)


def _article_hits(text: str, *, prefilter: bool) -> list[Hit]:
    """``article_hits``; without ``prefilter`` every rule is tried on every line (the reference the
    prefilter is tested against: the same hits on every text)."""
    view = _Plain(text)
    plain = view.text
    lines = _lines(plain)
    allowed = _allowed(plain, lines) if prefilter else {}
    backwards = plain[::-1] if prefilter and _ENDS else ""
    found: list[tuple[int, int, Rule]] = []
    block: Rule | None = None
    block_left = 0
    last = len(lines) - 1
    for i, (start, end) in enumerate(lines):
        if block is not None and block_left > 0 and _headline_like(plain[start:end]):
            found.append((start, end, block))
            block_left -= 1
            continue
        block = None
        if prefilter:
            extra = allowed.get(i, 0)
            if 0 < i < last and not extra & _MIDDLE and _quiet(plain, backwards, start, end):
                continue  # most lines: nothing can fire there
            extra |= _edge_bits(plain, backwards, start, end)
            tried = _tried(extra) if extra else _OPEN
        else:
            tried = _ALL
        # a last-line rule (a signature) needs a story before it: the only line of a text is its story
        rule = _line(plain, start, end, *tried.on_line(i == 0, 0 < i == len(lines) - 1))
        if rule is not None:
            found.append((start, end, rule))
            if rule.scope == "block":
                m = rule.find(plain[start:end])
                if m is not None and not _ALNUM.search(plain, start + m.end(), end):
                    block, block_left = rule, BLOCK_MAX_LINES
            continue
        found.extend(_edges(plain, start, end, i == 0, tried))
    return _hits(view, found)


def sentence_hits(sentence: str, *, first: bool = False) -> list[Hit]:
    """The hits of one sentence seen alone (a summary sentence): the whole sentence when it is a
    furniture line, else its lead and tail.  ``first``: it opens its article."""
    view = _Plain(sentence)
    s, e = _strip(view.text, 0, len(view.text))
    if s == e:
        return []
    rule = _line(view.text, s, e, *_ALL.on_line(first, False))
    return _hits(view, [(s, e, rule)] if rule else _edges(view.text, s, e, first, _ALL))


def trim(start: int, end: int, hits: Iterable[Hit]) -> tuple[int, int] | None:
    """The span ``[start, end)`` without the hits that cover its start or its end; ``None`` when they
    cover it all.  ``hits`` are in text order and do not overlap (as ``article_hits`` gives them)."""
    for hit in hits:
        if hit.end <= start or hit.start >= end:
            continue
        if hit.start <= start:
            start = max(start, hit.end)
        elif hit.end >= end:
            end = min(end, hit.start)
        if start >= end:
            return None
    return start, end


# --- hashtags --------------------------------------------------------------------------------------

_TAG_CHAR = f"(?:[^\\W_]|{MARKS})"
# #word, #word_word, also with a stray space next to an underscore (#وزير _الأوقاف); trailing _ kept out.
_HASHTAG = re.compile(f"#(?={_TAG_CHAR})(?P<body>{_TAG_CHAR}+(?:(?:_+ ?| _+){_TAG_CHAR}+)*)_*")
_LETTER = re.compile(r"[^\W\d_]")
_CLITICS = frozenset("وبلفك")
_OPENERS = "\"'«“‘(["
_PREVIOUS_WORD = re.compile(f"({_TAG_CHAR}+)[\\s\"'«“‘(:]*$")
_SPACE_RUN = re.compile(r"[_ ]+")


@dataclass(frozen=True)
class Hashtag:
    """A hashtag ``text[start:end]`` (with its ``#``); ``words`` its display form (``#مشاري_الذايدي`` ->
    ``مشاري الذايدي``); ``named``: the text talks about the hashtag itself (``أطلقوا وسم #كن_رجلا``,
    ``(#MeToo)``), so it stays as written; ``glued``: the ``#`` touches the word before it
    (``في#صنعاء``), so it becomes a space."""

    start: int
    end: int
    words: str
    named: bool
    glued: bool


def find_hashtags(text: str) -> list[Hashtag]:
    """The hashtags of ``text``: ``#`` followed by a word that has a letter (``#5``, ``رقم #5`` and
    ``C#`` are no hashtags), at the start of a word or after a one-letter clitic (``و#الكويت``)."""
    if "#" not in text:
        return []
    tags: list[Hashtag] = []
    for m in _HASHTAG.finditer(text):
        body = m.group("body")
        if not _LETTER.search(body):
            continue
        i = m.start()
        prev = text[i - 1] if i else " "
        glued = False
        if prev.isspace() or prev in _OPENERS or prev in ":،,؛;.!؟?-–—/»”)":
            pass
        elif prev == "\u0640" or (prev in _CLITICS and (i < 2 or not _is_word_char(text[i - 2]))):
            pass  # و#الكويت, بـ#الإرهاب: a clitic on the tag
        elif _is_arabic_letter(prev):
            glued = True  # في#صنعاء: a missing space
        else:
            continue  # C#, 50#, a URL fragment
        words = _SPACE_RUN.sub(" ", body).strip()
        # a hashtag right after a named one is named too (هاشتاغ #قرار_قضائي #فضل_شاكر_بريء)
        chained = bool(tags) and tags[-1].named and text[tags[-1].end : i].strip(" و،,") == ""
        named = chained or _is_named(text, i, m.end())
        tags.append(Hashtag(i, m.end(), words, named, glued))
    return tags


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or _DIACRITIC.fullmatch(ch) is not None


def _is_named(text: str, start: int, end: int) -> bool:
    """Whether the sentence names the hashtag: a hashtag word just before it, or it stands alone in
    brackets or quotes (``(#MeToo)``)."""
    before = text[max(0, start - 40) : start].replace("#", "").replace("_", " ")
    m = _PREVIOUS_WORD.search(before)
    if m is not None and m.group(1).lower() in HASHTAG_WORDS:
        return True
    opener = text[start - 1] if start else ""
    closer = text[end] if end < len(text) else ""
    return (opener, closer) in (("(", ")"), ("[", "]"))


def unhashtag(text: str) -> str:
    """``text`` with hashtag marks removed: ``#مشاري_الذايدي`` -> ``مشاري الذايدي``, ``#WiFi`` ->
    ``WiFi``, ``و#الكويت`` -> ``والكويت``, ``في#صنعاء`` -> ``في صنعاء``; named hashtags, ``#5``
    and ``C#`` are kept.  Idempotent.  For ingest's cleaning step (before offsets exist)."""
    # Removing one mark can expose another (#a_#b), so repeat to a fixed point; every pass that
    # changes the text removes a "#", so this ends.
    while True:
        tags = [t for t in find_hashtags(text) if not t.named]
        if not tags:
            return text
        out, at = [], 0
        for tag in tags:
            out.append(text[at : tag.start])
            if tag.glued:
                out.append(" ")
            out.append(tag.words)
            at = tag.end
        out.append(text[at:])
        text = "".join(out)


UNHASHTAG = "unhashtag"
EDITS = (UNHASHTAG,)
"""The display edits a summary sentence may list: its text then differs from its source span."""


def display(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` as shown to a reader and the edits made: hashtag marks removed (``#WiFi`` -> ``WiFi``;
    a hashtag the sentence talks about, ``وسم #كن_رجلا``, stays)."""
    if "#" not in text:
        return text, ()
    shown = unhashtag(text)
    return shown, ((UNHASHTAG,) if shown != text else ())
