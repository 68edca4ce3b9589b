"""What may open a title: never a sentence whose first words point back to an earlier one.

News reports chain quotes: ``وأضاف الرئيس ...`` ("and the president added"), ``وتابعت ...``, ``كما أكد
...``.  Such a sentence read alone does not say who speaks or of what; as the title of a story or an
event it reads as a fragment.  ``dangling_opening`` recognizes them (folded as ``khulasa.text.normalize``
folds), and ``khulasa.stories.story.title_of`` passes them over.
"""

from __future__ import annotations

from khulasa.readable import can_open
from khulasa.text.normalize import normalize

_REPORTING = frozenset(normalize(w) for w in (
    "أضاف", "تابع", "أكد", "قال", "أشار", "أوضح", "لفت", "شدد", "اعتبر", "أردف", "استطرد", "ختم", "زاد",
    "بين", "نوه", "ذكر", "مضى", "استدرك", "أعرب", "رأى", "أفاد", "نقل", "كشف", "أعلن",
))
_CONTINUING = frozenset(normalize(w) for w in ("أضاف", "تابع", "أردف", "استطرد", "مضى", "استدرك", "ختم", "زاد"))


def dangling_opening(text: str) -> bool:
    """Whether ``text`` opens with a reporting verb that refers back to an earlier sentence: ``وأضاف``,
    ``وتابعت``, ``كما أكد``, ``فيما أشار``, or a verb that only continues (``أضاف``, ``استطرد``).  Such a
    sentence cannot be a title: whose words they are is said before it."""
    words = normalize(text).split()[:2]
    if not words:
        return False
    first = words[0]
    if first in ("كما", "فيما", "بينما") and len(words) > 1:
        return _reporting_form(words[1]) is not None
    verb = _reporting_form(first[1:]) if first[:1] in ("و", "ف") else None
    if verb is not None:
        return True
    return _reporting_form(first) in _CONTINUING


def _reporting_form(word: str) -> str | None:
    """The reporting verb ``word`` is (its past, with a feminine or plural ending), or None."""
    for ending in ("", "ت", "وا", "ا"):
        if ending and not word.endswith(ending):
            continue
        stem = word[: len(word) - len(ending)] if ending else word
        if stem in _REPORTING:
            return stem
    return None


def can_title(text: str) -> bool:
    """Whether ``text`` may title a story or an event: it can open a summary (``readable.can_open``: no
    elided speaker, no bare pronoun, no quote continuation) and opens with no dangling reporting verb."""
    return can_open(text) and not dangling_opening(text)
