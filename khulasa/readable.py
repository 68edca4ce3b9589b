"""A summary a reader can read without stumbling (issue 14): who speaks, what opens, what is shown.

Rules on top of selection, keeping every summary sentence's span an exact copy of its sources (the two
display edits, a hashtag mark removed and a speaker's name inserted, are listed on the sentence):

* **The speaker is never lost.**  A sentence whose subject is left in the sentence before it -- an elided
  speaker (``وأضاف أن``, ``وأكدت:``, ``وتابع:``) or a bare pronoun (``وهو ...``), as
  ``khulasa.speech.opening`` reads it -- is shown only *with* that sentence or given the speaker's
  name (next rule).  First, a unit (a group of
  near-identical sentences) is shown by a member that reads on its own when it has one (another outlet
  names the speaker: ``وقال الوزير إن ...`` for ``وأضاف أن ...``).  Otherwise the unit is a *pair* with
  the sentence right before it in its article: selected together, both counted in the word budget, shown
  adjacent (that sentence first).  A unit whose previous sentence is missing, not a candidate or needs
  an antecedent itself, is not selected; under a sentence budget no pair is formed (one unit must cost
  one sentence there) and such units are not selected either, unless named.  We never rewrite a
  pronoun into a name.
* **A pure reporting frame is given its speaker's name** (``name_speaker``), before pairing (after
  another outlet's wording that names the speaker): when a
  sentence opens with only a conjunction, a reporting verb and its marker (``وأضاف أن``, ``وتابعت:``,
  ``وأشار إلى أن``) and the article's sentence before it names that verb's speaker (the last speaker
  of its reporting frames, a name, a body or a role, of the verb's gender; through up to
  ``NAME_LOOKBACK`` such pure frames in a row), the sentence is shown alone with the name inserted
  after the verb (``وأضاف بوتين أن``).  That is the one rewrite: the summary sentence lists it
  (``edits`` holds ``"speaker"``, ``inserted`` the name with its offsets in the text shown and its
  exact span in the article), its sources keep the exact span, and every renderer marks the name.
  No name is shown where the summary gives it right before (``named_before``); the name's words count
  in the word budget only where it is shown (``unshown_names``, ``shown_words``: the pipeline selects
  once more without a name it did not show).
  Pronoun subjects (``وهو ...``) and other frames (``وقال في بيان إن``) are paired as above.
* **A summary opens with the scene.**  The first sentence never continues a quote or needs an antecedent
  (``can_open``, also for story titles), and preferably it is an article's lead that is not reported
  speech (``sets_scene``): the first article group (the summary sentences of one anchor article, in
  article order) that opens with such a sentence goes first (else one opening with a lead that can
  open, else with a sentence that sets the scene, else with a lead, else with one that can open); the
  other groups keep their order.  A sentence that answers the one before it (``لكن``, ``إلا أن``,
  ``ومع ذلك``) can not open.  An
  article's first sentence never needs an antecedent (its writer meant it to be read first).
* **Hashtag marks are not shown.**  ``display`` gives a sentence as shown: ``#مشاري_الذايدي`` ->
  ``مشاري الذايدي``.  When that differs from the source span, the summary sentence lists the edit
  (``edits == ("unhashtag",)``, ``"edits": ["unhashtag"]`` in JSON) and its sources keep the exact span.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse

from khulasa import speech
from khulasa.models import Article, InfoUnit, Insertion, Sentence, SourceSpan
from khulasa.text import rules as _rules
from khulasa.text.normalize import count_words
from khulasa.text.rules import UNHASHTAG as UNHASHTAG
from khulasa.text.rules import display as display

SPEAKER = "speaker"
"""The edit that inserts a speaker's name into a pure reporting frame (``name_speaker``)."""
EDITS = (*_rules.EDITS, SPEAKER)
"""The display edits a summary sentence may list: its text then differs from its source span."""
NAME_LOOKBACK = 3
"""How many sentences back a pure reporting frame's speaker may be named, through pure frames only
(``وقال بوتين إن ...``، ``وأضاف أن ...``، ``وتابع: ...``: the third is still Putin)."""
_NAMED_KINDS = ("name", "body", "role")
_CONJUNCTIONS = ("", "و", "ف")
_PURE_TAIL = re.compile(r"\s*(?:(:)|(?:الى\s+)?([^\W\d_]+))")


def needs_antecedent(text: str) -> bool:
    """Whether the sentence's speaker or subject is in the sentence before it (``وأضاف أن``,
    ``وأكدت:``, ``وهو ...``, ``وقال المصدر``).

    An elided speaker counts only when the verb reports content (a complementizer, a colon or a
    quotation follows): a verb without subject and without content is a passive or an impersonal form
    (``كُتبت هذه المختارات``, ``يُعتبر من أبرز ...``), whose subject follows it."""
    o = speech.opening(text)
    if o.status == "elided":
        return o.frame is not None and o.frame.is_quote
    return o.needs_antecedent


def pure_frame(text: str) -> speech.Frame | None:
    """The frame of a sentence that opens with a pure reporting frame -- a conjunction at most, a
    reporting verb, no subject, then its marker ``أن/إن/بأن...`` (``إلى أن`` too) or a colon
    (``وأضاف أن``, ``وتابعت:``) -- else ``None``.  Only such a sentence is given its speaker's name."""
    o = speech.opening(text)
    f = o.frame
    if o.status != "elided" or f is None or not f.is_quote or f.role != "verb":
        return None
    if text[: f.verb_start].strip() not in _CONJUNCTIONS:
        return None
    tail = _PURE_TAIL.match(speech.fold(text[f.verb_end : f.verb_end + 40]))
    if tail is None or not (tail.group(1) or tail.group(2) in speech.COMPLEMENTIZERS):
        return None
    return f


@dataclass(frozen=True)
class Naming:
    """A speaker's name to insert into a sentence's pure reporting frame: ``at`` is the offset in the
    sentence's text right after the verb; ``name`` is written as in the article, at
    ``start:end`` of ``article_id``'s text."""

    at: int
    name: str
    article_id: str
    start: int
    end: int


def name_speaker(s: Sentence, before: Mapping[int, Sentence]) -> Naming | None:
    """The name to give ``s``'s pure reporting frame (``pure_frame``) from the sentences before it in
    its article (``before``: index -> sentence), or ``None``: the last speaker of the previous
    sentence's reporting frames (a frame without a subject, ``مضيفا أن``, goes on with it), when that
    is a name, a body or a role and its verb has the gender of ``s``'s; when the previous sentence has
    no speaker of its own and is a pure frame of the same gender, the one before it, up to
    ``NAME_LOOKBACK`` sentences back.  A speaker that is not surely the frame's subject (a frame
    without content: ``وصرح فلان للتلفزيون "..."``) counts when an earlier sentence of the article
    writes the same name.  Anything else -- an unnamed source, no frame -- names no one."""
    frame = pure_frame(s.text)
    if frame is None:
        return None
    index = s.index
    for _ in range(NAME_LOOKBACK):
        prev = before.get(index - 1)
        if prev is None:
            return None
        for f in reversed(speech.find_frames(prev.text)):
            sp = f.speaker
            if sp is None or sp.kind == "pronoun":
                continue  # مضيفا أن: the speaker goes on
            if sp.kind not in _NAMED_KINDS or f.feminine != frame.feminine:
                return None
            name = _shown_name(sp)
            if name is None or not (f.is_quote or f.speaker_sure or _named_earlier(name, prev.index, before)):
                return None
            at = prev.text.find(name, sp.start)
            if at < 0 or at > sp.end:
                return None
            return Naming(frame.verb_end, name, s.article_id, prev.start + at, prev.start + at + len(name))
        again = pure_frame(prev.text)
        if again is None or again.feminine != frame.feminine:
            return None
        index -= 1
    return None


def _named_earlier(name: str, index: int, before: Mapping[int, Sentence]) -> bool:
    """Whether an article sentence before ``index`` writes ``name``: a frame whose subject is not
    surely its speaker (``وصرح جيلا بيجواشفيلي للتلفزيون "..."``) names one the article knows."""
    folded = speech.fold(name)
    return any(i < index and folded in speech.fold(s.text) for i, s in before.items())


def _shown_name(sp: speech.SpeakerMention) -> str | None:
    """What to call a speaker: a body's name, a person's name when it reads as one (it opens with a
    name word, not a preposition on a role or body: ``لوزارة الصحة`` is no name), else the role
    without its complements (``المتحدث الرسمي`` of ``المتحدث الرسمي لوزارة الصحة``: the article named
    it whole just before, and every word shown counts in the budget), else nothing."""
    if sp.kind == "body":
        return sp.name
    if sp.kind == "name" and sp.name:
        words = speech.fold(sp.name).split()
        first = words[0]
        opens = speech.token_class(first) in "NC" and not (
            first[0] in "لب" and speech.token_class(first[1:]) in "RBDP"
        )
        if opens and all(speech.token_class(w) in "NCA" for w in words):
            return sp.name
    return speech.role_head(sp.description) if sp.description else None


def show(item: Shown, articles: Mapping[str, Article]) -> tuple[str, tuple[str, ...], tuple[Insertion, ...]]:
    """The text shown for ``item``, its edits (``EDITS``) and the words inserted (``Insertion``):
    hashtag marks removed (``display``) and, when it is given its speaker's name, the name after the
    verb."""
    s, naming = item.sentence, item.naming
    if naming is None:
        text, edits = display(s.text)
        return text, edits, ()
    head = s.text[: naming.at]  # a conjunction and a verb: nothing display changes
    text, edits = display(head + " " + naming.name + s.text[naming.at :])
    start = len(head) + 1
    source = SourceSpan(naming.article_id, articles[naming.article_id].outlet, naming.start, naming.end)
    return text, (*edits, SPEAKER), (Insertion(start, start + len(naming.name), naming.name, source),)


def can_open(text: str) -> bool:
    """Whether the sentence may open a summary or title a story: it needs no antecedent, does not
    continue a quote (``وأضاف الرئيس بوتين، قائلا: «...»``, a sentence opening with a quotation mark)
    and does not answer the sentence before it (``لكن``, ``إلا أن``, ``ومع ذلك``: ``rules.answers_before``)."""
    return not (needs_antecedent(text) or speech.opening(text).continuation or _rules.answers_before(text))


def sets_scene(text: str) -> bool:
    """A sentence that can open and is not reported speech (no reporting verb opens it)."""
    o = speech.opening(text)
    return o.status == "none" and not o.continuation and not _rules.answers_before(text)


@dataclass(frozen=True)
class Readability:
    """What the selector may choose so that every shown sentence can be read where it stands.

    ``units`` are the input units with readable representatives where a member reads on its own;
    ``antecedent`` maps a dependent unit to the sentence shown before it; ``allowed`` are the units
    the selector may choose (a dependent unit only with a pair)."""

    units: tuple[InfoUnit, ...]
    antecedent: dict[int, tuple[int, Sentence]]
    """Dependent unit id -> (the unit id of the sentence before it, that sentence)."""
    allowed: tuple[int, ...]
    leads: frozenset[tuple[str, int]] = frozenset()
    """(article id, index) of each article's first candidate sentence."""
    names: Mapping[tuple[str, int], Naming] = field(default_factory=dict)
    """(article id, index) of a shown sentence -> the speaker's name given to its pure frame."""

    def is_lead(self, s: Sentence) -> bool:
        return (s.article_id, s.index) in self.leads


def plan(units: Sequence[InfoUnit], *, pairs: bool = True) -> Readability:
    """Readable representatives, pairs and the units that may be chosen (see the module doc).

    ``units[i].id == i``; ``pairs``: whether a dependent unit may be shown with its antecedent (not
    under a sentence budget).  An article's first candidate sentence never needs an antecedent: its
    writer meant it to be read first, and a reporting verb without subject there is impersonal or
    passive (``كُشف عن أن``, ``أُعلن في بريطانيا عن``), not an elided speaker."""
    where: dict[tuple[str, int], tuple[int, Sentence]] = {
        (s.article_id, s.index): (u.id, s) for u in units for s in u.sentences
    }
    leads = _leads(units)

    def needs(s: Sentence) -> bool:
        return (s.article_id, s.index) not in leads and needs_antecedent(s.text)

    by_article: dict[str, dict[int, Sentence]] = {}
    for (article_id, index), (_, s) in where.items():
        by_article.setdefault(article_id, {})[index] = s
    out: list[InfoUnit] = []
    antecedent: dict[int, tuple[int, Sentence]] = {}
    allowed: list[int] = []
    names: dict[tuple[str, int], Naming] = {}
    for unit in units:
        rep = unit.representative
        if not needs(rep):
            out.append(unit)
            allowed.append(unit.id)
            continue
        standing = next((s for s in unit.sentences if not needs(s)), None)
        if standing is not None:
            out.append(replace(unit, representative=standing))
            allowed.append(unit.id)
            continue
        named = next(
            (
                (s, n)
                for s in (rep, *(m for m in unit.sentences if m is not rep))
                if (n := name_speaker(s, by_article[s.article_id])) is not None
            ),
            None,
        )
        if named is not None:
            out.append(replace(unit, representative=named[0]))
            names[(named[0].article_id, named[0].index)] = named[1]
            allowed.append(unit.id)
            continue
        out.append(unit)
        before = where.get((rep.article_id, rep.index - 1))
        if pairs and before is not None and before[0] != unit.id and not needs(before[1]):
            antecedent[unit.id] = before
            allowed.append(unit.id)
    return Readability(tuple(out), antecedent, tuple(allowed), frozenset(leads), names)


def _leads(units: Sequence[InfoUnit]) -> set[tuple[str, int]]:
    """(article id, index) of each article's first candidate sentence."""
    first: dict[str, int] = {}
    for u in units:
        for s in u.sentences:
            if s.index < first.get(s.article_id, s.index + 1):
                first[s.article_id] = s.index
    return set(first.items())


@dataclass(frozen=True)
class Problem:
    """The selection program over ``ready.allowed``: row ``k`` is unit ``ids[k]``, a pair counting the
    words, salience and concepts of both its sentences."""

    ids: np.ndarray
    scores: np.ndarray
    lengths: np.ndarray
    occurrences: sparse.csr_matrix

    def pair_conflicts(self, ready: Readability, conflicts: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
        """Local conflicts: ``conflicts`` (local rows), plus a pair against its antecedent's unit and
        against whatever conflicts with that unit."""
        local = {int(g): k for k, g in enumerate(self.ids)}
        out = set(conflicts)
        by_row: dict[int, set[int]] = {}
        for i, j in conflicts:
            by_row.setdefault(i, set()).add(j)
            by_row.setdefault(j, set()).add(i)
        sharing: dict[int, list[int]] = {}
        for dep, (ante, _) in ready.antecedent.items():
            if dep in local:
                sharing.setdefault(ante, []).append(local[dep])
        for deps in sharing.values():  # two pairs would show the same antecedent twice
            out.update((min(x, y), max(x, y)) for x in deps for y in deps if x != y)
        for dep, (ante, _) in ready.antecedent.items():
            k = local.get(dep)
            a = local.get(ante)
            if k is None or a is None:
                continue
            out.add((min(k, a), max(k, a)))
            out.update((min(k, x), max(k, x)) for x in by_row.get(a, ()) if x != k)
        return sorted(out)


def problem(
    ready: Readability,
    scores: np.ndarray,
    lengths: np.ndarray,
    occurrences: sparse.csr_matrix | np.ndarray,
    *,
    unnamed: frozenset[int] = frozenset(),
) -> Problem:
    """The selection program of ``ready`` (see ``Problem``): a unit given a speaker's name counts the
    name's words too, unless it is in ``unnamed`` (units whose name a selection showed no need for:
    ``unshown_names``)."""
    ids = np.array(ready.allowed, dtype=np.int64)
    extra = np.zeros(len(ids))  # the words of a speaker's name given to a unit's sentence
    # row k picks unit ids[k] and, for a pair, its antecedent's unit: built as CSR directly, each
    # row's columns in increasing order (the arrays a COO build would give, without the conversion)
    indices: list[int] = []
    indptr = [0]
    for k, unit in enumerate(ready.allowed):
        if ready.names and unit not in unnamed:
            extra[k] = name_cost(ready, unit)
        pair = ready.antecedent.get(unit)
        if pair is None:
            indices.append(unit)
        else:
            indices.extend(sorted((unit, pair[0])))
        indptr.append(len(indices))
    index_dtype = np.int32 if max(len(indices), len(scores)) < np.iinfo(np.int32).max else np.int64
    pick = sparse.csr_matrix(
        (np.ones(len(indices)), np.array(indices, dtype=index_dtype), np.array(indptr, dtype=index_dtype)),
        shape=(len(ids), len(scores)),
    )
    occ = sparse.csr_matrix(occurrences)
    return Problem(
        ids=ids,
        scores=pick @ np.asarray(scores, dtype=np.float64),
        lengths=(pick @ np.asarray(lengths, dtype=np.float64) + extra).astype(np.asarray(lengths).dtype),
        occurrences=sparse.csr_matrix(pick @ occ),
    )


@dataclass(frozen=True)
class Shown:
    """One sentence of the summary in reading order: the unit it stands for and the sentence shown."""

    unit: InfoUnit
    sentence: Sentence
    naming: Naming | None = None
    """The speaker's name given to the sentence (``name_speaker``): not when the sentence before it in
    its article is shown right before it (then the summary names the speaker as the source does)."""


def arrange(
    ordered: Sequence[InfoUnit], ready: Readability, rank: dict[str, tuple[dt.date, int]]
) -> list[Shown]:
    """The summary in reading order: ``ordered`` (chosen units in ``khulasa.order``'s order) with each
    pair's antecedent right before its dependent, and the first article group that opens with a lead
    that sets the scene moved to the front (else: a lead that ``can_open``, a scene, a lead, a sentence
    that ``can_open``).  A lead that reports speech goes before a later sentence that sets the scene:
    its writer meant it to be read first, while a sentence from inside an article often leans on the
    one before it (``ولم تتمكن رويترز من معرفة مصير بقية التلميذات``)."""
    units = {u.id: u for u in ready.units}
    shown: list[Shown] = []
    for unit in ordered:
        pair = ready.antecedent.get(unit.id)
        if pair is not None:
            shown.append(Shown(units[pair[0]], pair[1]))
        shown.append(Shown(unit, unit.representative))
    groups: list[list[Shown]] = []
    for item in shown:
        article = _anchor_article(item, rank)
        if groups and (_anchor_article(groups[-1][0], rank) == article or _is_pair_tail(item, groups[-1][-1], ready)):
            groups[-1].append(item)
        else:
            groups.append([item])
    tests = (
        lambda s: ready.is_lead(s) and sets_scene(s.text),
        lambda s: ready.is_lead(s) and can_open(s.text),
        lambda s: sets_scene(s.text),
        ready.is_lead,
        lambda s: can_open(s.text),
    )
    for test in tests:
        first = next((k for k, g in enumerate(groups) if test(g[0].sentence)), None)
        if first is not None:
            groups.insert(0, groups.pop(first))
            break
    out = [item for g in groups for item in g]
    for k, item in enumerate(out):
        s = item.sentence
        naming = ready.names.get((s.article_id, s.index))
        if naming is not None and not named_before(out[k - 1].sentence if k else None, s, naming):
            out[k] = replace(item, naming=naming)
    return out


def named_before(before: Sentence | None, s: Sentence, naming: Naming) -> bool:
    """Whether the summary names ``s``'s speaker right before it, so that ``naming`` is not shown: the
    sentence shown before ``s`` is its article's sentence before it (the source's own wording), or an
    earlier sentence of the same article whose last speaker is surely the one ``naming`` gives
    (``أكد رئيس مجلس الأمن جيلا بيجواشفيلي أن ...`` then ``وأضاف أنه ...``: the reader knows who adds)."""
    if before is None or before.article_id != s.article_id or before.index >= s.index:
        return False
    return before.index == s.index - 1 or _last_speaker(before.text) == speech.fold(naming.name)


def _last_speaker(text: str) -> str | None:
    """The folded name of the last speaker ``text``'s reporting frames surely name (as ``name_speaker``
    shows it), else ``None``."""
    for f in reversed(speech.find_frames(text)):
        sp = f.speaker
        if sp is None or sp.kind == "pronoun":
            continue
        if sp.kind not in _NAMED_KINDS or not (f.is_quote or f.speaker_sure):
            return None
        name = _shown_name(sp)
        return None if name is None else speech.fold(name)
    return None


def name_cost(ready: Readability, unit: int) -> int:
    """The words of the speaker's name ``ready`` gives unit ``unit``'s representative (0: none)."""
    rep = ready.units[unit].representative
    naming = ready.names.get((rep.article_id, rep.index))
    return 0 if naming is None else count_words(naming.name)


def unshown_names(shown: Sequence[Shown], ready: Readability) -> frozenset[int]:
    """The units of ``shown`` given a speaker's name (``ready.names``) that ``arrange`` does not show,
    because the sentence shown before names the speaker (``named_before``)."""
    return frozenset(
        item.unit.id for item in shown if item.naming is None and item.sentence is item.unit.representative
        and name_cost(ready, item.unit.id)
    )


def shown_words(shown: Sequence[Shown]) -> int:
    """The words a reader reads in ``shown``: each sentence's and each inserted name's."""
    return sum(item.sentence.n_words + (count_words(item.naming.name) if item.naming else 0) for item in shown)


def _anchor_article(item: Shown, rank: dict[str, tuple[dt.date, int]]) -> str:
    s = min(item.unit.sentences, key=lambda s: (rank.get(s.article_id, (dt.date.max, 1 << 30)), s.index))
    return s.article_id


def _is_pair_tail(item: Shown, previous: Shown, ready: Readability) -> bool:
    pair = ready.antecedent.get(item.unit.id)
    return pair is not None and pair[1] is previous.sentence
