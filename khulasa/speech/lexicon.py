"""The lexicon of Arabic reported speech: reporting words (``data/reporting_verbs_ar.tsv`` and a
generation rule for regular forms), the word classes of speaker phrases (``data/speaker_words_ar.txt``
and the keyterms gazetteer), and the tokens and marks frames are read with."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from khulasa.keyterms import GAZETTEER
from khulasa.text.fold import fold, key
from khulasa.text.normalize import STOPWORDS
from khulasa.text.patterns import alternation

MAX_GAP = 20
"""Tokens allowed between a reporting verb and the marker of its content (subject and adjuncts)."""
MAX_COLON_GAP = 45
"""... and before ``: "`` (a colon then a quotation mark), which no other construction has."""
MIN_FRAGMENT_WORDS = 3
"""Quoted words with no colon or complementizer before them are a quote from this many words on
(shorter ones are scare quotes and names: ``وصفه بالـ"كارثي"``)."""
MAX_SPEAKER_TOKENS = 10

SPEAKER_KINDS = ("name", "role", "body", "document", "anonymous", "anonymous_ref", "pronoun")
OPENING_STATUSES = ("named", "role", "anonymous", "elided", "pronoun", "unclear", "none")


@dataclass(frozen=True)
class ReportingForm:
    """One written form of a reporting word (folded, with its conjunction if any)."""

    lemma: str
    role: str
    """``"verb"``, ``"participle"`` or ``"attribution"``."""
    feminine: bool
    flags: frozenset[str]
    """From the lexicon: ``continue``, ``object``, ``transfer``, ``colon_only``, ``noun``, ``stance``, ``clitic``; and
    ``impersonal`` when the form without a subject is the outlet speaking (``يذكر أن``)."""
    prefixed: bool
    """Written with a leading ``و``/``ف`` (a new clause)."""


def _inflect(cell: str, kind: str) -> list[tuple[str, bool]]:
    """``(form, feminine)`` of a lexicon cell: listed forms, or the regular rule on a single base."""
    words = [] if cell.strip() in ("", "-") else cell.split()
    if len(words) > 1:
        return [(w, w.endswith(("ت", "تا", "ة")) or (kind == "present" and w.startswith("ت"))) for w in words]
    if not words:
        return []
    base = words[0]
    if kind == "past":
        stem = base[:-1] if base.endswith(("ى", "ا")) else base
        return [
            (base, False),
            (stem + "ت", True),
            (stem + "وا", False),
            (base + "ا", False),
            (stem + "تا", True),
        ]
    if kind == "present":
        return [(base, False), ("ت" + base[1:], True), (base + "ون", False), (base + "ان", False)]
    stem = base[:-1] if base.endswith("ا") else base
    return [(base, False), (stem + "ة", True), (stem + "ين", False), (stem + "ان", False)]


def _attach(form: str, suffix: str) -> str:
    """A verb form with an object pronoun: a final ``ى`` is written ``ا`` before it (``سماه``)."""
    return (form[:-1] + "ا" if form.endswith("ى") else form) + suffix


def _load_lexicon() -> dict[str, ReportingForm]:
    raw = resources.files("khulasa").joinpath("data/reporting_verbs_ar.tsv").read_text(encoding="utf-8")
    lexicon: dict[str, ReportingForm] = {}
    impersonal: set[str] = set()
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = (line.split("\t") + [""] * 6)[:6]
        lemma, cls, past, present, participle, flags = (c.strip() for c in cells)
        if cls == "impersonal":
            impersonal.update(fold(w) for cell in (past, present) for w in cell.split() if w != "-")
            continue
        flagset = frozenset(flags.split())
        if cls == "attrib":
            entries = [(fold(w), False, "attribution") for w in past.split() if w != "-"]
        else:
            entries = [
                (fold(w), fem, "verb") for w, fem in _inflect(past, "past") + _inflect(present, "present")
            ]
            if "clitic" in flagset:
                # وصفته، اعتبرها، هدده: the object pronoun attached to the verb
                entries += [
                    (fold(_attach(w, suffix)), fem, "verb")
                    for w, fem in _inflect(past, "past") + _inflect(present, "present")
                    if not w.endswith("ا")
                    for suffix in ("ه", "ها", "هم")
                ]
            entries += [(fold(w), fem, "participle") for w, fem in _inflect(participle, "participle")]
        for form, fem, role in entries:
            for prefix in ("", "و", "ف"):
                key = prefix + form
                if key not in lexicon or (not prefix and lexicon[key].prefixed):
                    lexicon[key] = ReportingForm(fold(lemma), role, fem, flagset, bool(prefix))
    for form in sorted(impersonal):  # sorted: ``و`` + a form and a form written with ``و`` meet
        for prefix in ("", "و", "ف"):
            key = prefix + form
            old = lexicon.get(key)
            lexicon[key] = (
                ReportingForm(old.lemma, old.role, old.feminine, old.flags | {"impersonal"}, old.prefixed)
                if old is not None
                else ReportingForm(form, "verb", False, frozenset({"impersonal"}), bool(prefix))
            )
    return lexicon


LEXICON = _load_lexicon()
"""Folded reporting form (with ``و``/``ف`` when written so) -> its ``ReportingForm``."""


def _load_words() -> dict[str, frozenset[str]]:
    raw = resources.files("khulasa").joinpath("data/speaker_words_ar.txt").read_text(encoding="utf-8")
    sections: dict[str, set[str]] = {}
    current: set[str] | None = None
    for line in raw.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], set())
        elif current is not None:
            current.add(fold(line))
    # Every list is looked up by ``key`` except the adjuncts, where ``على`` must not be ``علي``.
    return {k: frozenset(v if k == "adjunct" else map(key, v)) for k, v in sections.items()}


WORDS = _load_words()
ROLES = WORDS["role"] | frozenset(t.split()[0] for t in GAZETTEER.titles)
BODIES = WORDS["body"] | frozenset(w.split()[0] for w in GAZETTEER.org_words)
_NOT_STOPWORDS = frozenset({"علي"})
"""Names that the matching form folds onto a stopword (``علي`` = ``على``)."""
PLACES = GAZETTEER.places | GAZETTEER.place_words
ORGS = GAZETTEER.orgs
ANONYMOUS = WORDS["anonymous"]
ANONYMOUS_REF = frozenset("ال" + w for w in ANONYMOUS) - frozenset(map(key, WORDS["adjunct"]))
"""``المصدر``, ``الرجل``: an unnamed source named before (not ``الأحد``, Sunday)."""
SPEAKER_STOPWORDS = frozenset(w for w in STOPWORDS if w not in _NOT_STOPWORDS)
DOCUMENTS = WORDS["document"]
PRONOUNS = WORDS["pronoun"]
ADJUNCTS = WORDS["adjunct"]
SPEECH_NOUNS = WORDS["speech_noun"]
AUXILIARIES = WORDS["aux"]
CONNECTORS = WORDS["connector"]
EPITHETS = WORDS["epithet"]
CLAUSE_ENDS = frozenset(fold(w) for w in WORDS["clause_end"])
ADDRESSEES = WORDS["addressee"]
"""After a role, a ``ل``-word of these is the addressee (``لوكالة رويترز``), any other its complement."""
ROLE_ADJECTIVES = WORDS["role_adjective"]
"""Adjunct words that are an adjective right after a role (``الأمين العام``) ..."""
YEAR_ADJECTIVES = WORDS["year_adjective"]
"""... unless one of these follows (``الرئيس العام الماضي``: last year)."""
ANAPHORS = WORDS["anaphor"]
"""``ذلك``/``بذلك`` right after a reporting verb: the speaker follows (``صرح بذلك الوزير فلان``)."""
ANAPHOR_GAP = WORDS["anaphor_gap"]
"""Words between such an anaphor and the speaker (``اليوم``, ``للصحفيين``), ``MAX_ANAPHOR_GAP`` at most."""
MAX_ANAPHOR_GAP = 2
_CONNECTIVES = frozenset(fold(w) for w in "حيث كما إذ و ثم".split())

COMPLEMENTIZERS = frozenset(
    pre + "ان" + suffix for pre in ("", "ب") for suffix in ("", "ه", "ها", "هم", "هما", "هن", "نا", "ني", "ي")
)
"""``أن/إن/بأن`` with an attached pronoun (``أنه``, ``إننا``), folded (``أنّ`` loses its shadda)."""
_GOVERNORS = frozenset(
    fold(w)
    for w in "بعد قبل منذ دون بدون يجب يمكن ينبغي لابد بد عسى حتى كي لكي مجرد بمجرد رغم برغم يريد تريد "
    "أراد أرادت يحاول تحاول يستطيع أجل شأن".split()
)
"""Words before ``أن`` that make it theirs (``بعد أن``, ``يجب أن``): no complementizer of speech."""
_RELATIVES = frozenset(fold(w) for w in "الذي التي الذين اللذين اللتين اللواتي اللاتي".split())
_RESTARTERS = frozenset(fold(w) for w in "فإن فان وإن فانه فانها".split())
_PREVERBAL_STOPS = frozenset(
    fold(w) for w in "و ف كان كانت وكان وكانت فكان لكن ولكن أما وأما بينما فيما كما غير بيد إذ حيث ثم".split()
)
"""Words that open the clause of a verb whose subject stands before it."""
_TRANSFER_PRONOUNS = frozenset(fold(w) for w in "عنه عنها عنهم عنهما إليه إليها إليهم".split())
_AS_SAID = frozenset(fold(w) for w in "كما حسبما مثلما وفقما".split())
_PREPOSITIONS = frozenset(fold(w) for w in "من عن إلى الى ب ل".split())
_TRANSPARENT = frozenset(
    k for k, v in LEXICON.items() if v.lemma == fold("قال") and v.role == "participle" and not v.prefixed
) | frozenset(fold(w) for w in "قوله قولها قولهم قولهما بالقول".split())
"""``قائلا``: after ``وأضاف الرئيس بوتين، قائلا:`` the frame goes on."""
_LEADERS = frozenset(fold(w) for w in "و ف ثم كما فيما بينما لكن ولكن إلا أن".split())
_OPENERS = frozenset(
    prefix + fold(w)
    for w in "من جهته|من جهتها|من جانبه|من جانبها|من ناحيته|بدوره|بدورها|في المقابل|في السياق|إلى ذلك|"
    "الى ذلك|في غضون ذلك".split("|")
    for prefix in ("", "و")
)
"""Openers before a reporting verb that say nothing of who speaks."""
_QUOTE_OPEN = '«“„‹"'
_QUOTE_CLOSE = {"«": "»", "“": "”", "„": "”", "‹": "›", '"': '"'}
_OPENING = re.compile("[" + re.escape(_QUOTE_OPEN) + "]")
_STOPS = frozenset(".!?؟؛;…")
_COLON_QUOTE = re.compile(":\\s*[" + re.escape(_QUOTE_OPEN) + "]")
_CLAUSE_PUNCT = re.compile("[،,\\-–—]")
_COMMAS = frozenset("،,")
_DASHES = frozenset("-–—")

_TOKEN = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*|[^\w\s]")
_LETTERS = re.compile(r"[^\W\d_]")


def _cue_pattern(forms: frozenset[str] = frozenset()) -> re.Pattern[str]:
    """A regex for the given reporting forms (default: all), as whole words.  A trie-shaped
    alternation fails at the first letter on most positions."""
    return re.compile(r"\b(?:" + alternation(forms or LEXICON) + r")\b")


_CUE = _cue_pattern()


def whole_word_spans(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of every whole-word occurrence of ``words`` in ``text``, in text order: where
    ``\\b(?:words)\\b`` matches (no letter, digit or ``_`` on either side).  ``words`` are the few forms
    a text holds (``Folded.words`` intersected with a lexicon): a ``str.find`` loop per form costs a
    fraction of one regex scan of the text with their alternation, whose ``\\b`` is tried everywhere."""
    out: list[tuple[int, int]] = []
    n = len(text)
    for w in words:
        size = len(w)
        at = text.find(w)
        while at >= 0:
            end = at + size
            if (at == 0 or not _is_word_char(text[at - 1])) and (end == n or not _is_word_char(text[end])):
                out.append((at, end))
            at = text.find(w, at + 1)
    out.sort()
    return out


def _is_word_char(c: str) -> bool:
    """What ``\\w`` matches (``re`` on ``str``): a letter, a digit or ``_``."""
    return c.isalnum() or c == "_"
_FORMS = frozenset(LEXICON)
