"""Verbs of news reports in their common inflections, folded: how to tell that a clause reports an event.

``data/verbs_ar.txt`` lists about 200 verbs (the past and the present, third person masculine singular:
``قتل يقتل``) and the irregular forms the rules get wrong (``قالت``, ``دعت``).  Each is expanded by
rule, as light stemmers of Arabic strip affixes (Larkey, Ballesteros & Connell, "Light stemming for
Arabic information retrieval", 2007), but in the other direction: the past takes the subject endings
(``قتلت``, ``قتلوا``), the present its person prefixes, endings and the future ``س`` (``تقتل``,
``يقتلون``, ``سيقتل``), and both the conjunctions ``و``/``ف`` (``وقتل``).  Forms are folded as
``khulasa.text.normalize.normalize`` folds, so a word is looked up by its folded form.

An unvocalized past form may also be a noun (``قتل`` is "he killed" and "killing"): callers decide what
that means for them.
"""

from __future__ import annotations

import functools
from importlib import resources

from khulasa.text.normalize import normalize

PAST_ENDINGS = ("", "ت", "وا", "ا", "تا", "ن")
PRESENT_PREFIXES = ("ي", "ت", "ن", "ا")
PRESENT_ENDINGS = ("", "ون", "ان", "ن", "ين", "وا", "ا")
CONJUNCTIONS = ("", "و", "ف")
PRESENT_LEADS = ("", "س", "ل")
"""Before a present form: the future ``س`` (``سيقتل``) or ``ل`` of purpose (``ليقتل``)."""


def _expand(past: str, present: str, extra: list[str]) -> set[str]:
    forms = {past + e for e in PAST_ENDINGS}
    stem = present[1:]
    forms.update(
        lead + p + stem + e for lead in PRESENT_LEADS for p in PRESENT_PREFIXES for e in PRESENT_ENDINGS
    )
    if stem[-1:] in ("ي", "و"):  # a weak last letter drops before a plural ending: يلتقي -> يلتقون
        forms.update(
            lead + p + stem[:-1] + e
            for lead in PRESENT_LEADS
            for p in PRESENT_PREFIXES
            for e in ("ون", "ين", "وا")
        )
    forms.update(extra)
    return {c + f for c in CONJUNCTIONS for f in forms}


@functools.cache
def verb_forms() -> frozenset[str]:
    """Every folded form of every verb of ``data/verbs_ar.txt`` (read and expanded on first use)."""
    raw = resources.files("khulasa").joinpath("data/verbs_ar.txt").read_text(encoding="utf-8")
    forms: set[str] = set()
    for n, line in enumerate(raw.splitlines(), 1):
        words = [normalize(w) for w in line.split("#", 1)[0].split()]
        if not words:
            continue
        if len(words) < 2:
            raise ValueError(f"verbs_ar.txt line {n}: give the past and the present ({line!r})")
        forms |= _expand(words[0], words[1], words[2:])
    return frozenset(forms)


def is_verb(folded: str) -> bool:
    """Whether a folded word is a form of a listed verb (``وأعلنت``, ``سيلتقي``, ``قالوا``)."""
    return folded in verb_forms()


# The shapes of verbs the list may miss, for a test that should rather keep than lose a verb: the
# past with a subject ending (أظهرت, شجبوا), the present of the third person (يشجب, يعترفون), the future
# (سيشجب), and the auxiliaries of the passive (تم, يتم).
_NOT_PRESENT = frozenset(
    {"يوم", "يوما", "يومي", "يونيو", "يونيه", "يوليو", "يوليه", "يناير", "يورو", "يمين", "يسار"}
)


def looks_like_verb(folded: str) -> bool:
    """Whether a folded word is a listed verb or has the shape of one (``أظهرت``, ``يعترفون``,
    ``سيشجب``): a test that errs on the side of a verb (``بيروت`` passes too)."""
    if is_verb(folded):
        return True
    word = folded[1:] if folded[:1] in "وف" and len(folded) > 3 else folded
    if word.startswith("ال") or not 3 <= len(word) <= 8:
        return False
    if word.endswith("وا") or (word.endswith("ت") and not word.endswith(("ات", "وت"))):
        return True
    if word.startswith(("سي", "ست")) and len(word) >= 5:
        return True
    return word[0] == "ي" and word not in _NOT_PRESENT and (len(word) <= 6 or word.endswith(("ون", "ان")))
