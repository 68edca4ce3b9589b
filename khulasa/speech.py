"""Arabic reported speech: who says what, with which verb, in a sentence of news.

One definition shared by quote extraction (``khulasa.quotes``) and by readability checks (a sentence that
opens with ``وأضاف أن`` or ``وهو`` needs its speaker from an earlier sentence).  Rule-based, in the manner
of quotation extraction for news (Pouliquen, Steinberger & Best, "Automatic detection of quotations in
multilingual news", RANLP 2007; Krestel, Bergler & Witte, "Minding the source", LREC 2008):

* a **frame** is a reporting word -- a verb of saying (``قال، أكد، أضاف، نفى`` in any person, gender or
  tense, with ``و``/``ف``), its participle (``مضيفا، مشيرا``) or an attribution (``بحسب، وفقا لـ``) --
  listed in ``data/reporting_verbs_ar.tsv`` with a generation rule for the regular forms;
* after the verb come the speaker phrase and adjuncts, then the **marker** that opens the content: a
  complementizer (``أن، إن، بأن، أنه، إلى أن``...), a colon or a quotation mark.  A verb with a noun
  complement (``أعلن انسحاب بلاده``) reports no content and is no quote, but still names a speaker;
* the content runs to the end of the clause: the sentence end, or a comma before a new reporting word
  (``، مضيفا أن``) or attribution (``، بحسب``); quoted content runs to its closing mark;
* the speaker phrase is split into a role or description (``الرئيس التركي``) and a name
  (``رجب طيب أردوغان``) with the word lists of ``data/speaker_words_ar.txt`` and the keyterms gazetteer;
  a missing subject is *elided* (``وأضاف أن``), a pronoun (``وهو``) is a *pronoun*.

Matching runs on a folded copy of the text (alef, hamza seats, ``ى``, ``ة`` folded one to one; marks and
tatweel removed with an offset map), so every offset returned indexes the text given.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources

from khulasa.keyterms import GAZETTEER
from khulasa.text.fold import Folded, fold, key
from khulasa.text.normalize import STOPWORDS, stem
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

# --- folding: khulasa.text.fold (``fold``, ``key``, ``Folded``) --------------------------------


# --- lexicon ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportingForm:
    """One written form of a reporting word (folded, with its conjunction if any)."""

    lemma: str
    role: str
    """``"verb"``, ``"participle"`` or ``"attribution"``."""
    feminine: bool
    flags: frozenset[str]
    """From the lexicon: ``continue``, ``object``, ``transfer``, ``colon_only``, ``noun``; and
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
            entries += [(fold(w), fem, "participle") for w, fem in _inflect(participle, "participle")]
        for form, fem, role in entries:
            for prefix in ("", "و", "ف"):
                key = prefix + form
                if key not in lexicon or (not prefix and lexicon[key].prefixed):
                    lexicon[key] = ReportingForm(fold(lemma), role, fem, flagset, bool(prefix))
    for form in impersonal:
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
ANONYMOUS_REF = frozenset("ال" + w for w in ANONYMOUS)
SPEAKER_STOPWORDS = frozenset(w for w in STOPWORDS if w not in _NOT_STOPWORDS)
DOCUMENTS = WORDS["document"]
PRONOUNS = WORDS["pronoun"]
ADJUNCTS = WORDS["adjunct"]
SPEECH_NOUNS = WORDS["speech_noun"]
AUXILIARIES = WORDS["aux"]
CONNECTORS = WORDS["connector"]
EPITHETS = WORDS["epithet"]
CLAUSE_ENDS = frozenset(fold(w) for w in WORDS["clause_end"])
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


@functools.lru_cache(maxsize=1024)
def _cue_pattern(forms: frozenset[str] = frozenset()) -> re.Pattern[str]:
    """A regex for the given reporting forms (default: all), as whole words.  A trie-shaped
    alternation fails at the first letter on most positions."""
    return re.compile(r"\b(?:" + alternation(forms or LEXICON) + r")\b")


_CUE = _cue_pattern()
_FORMS = frozenset(LEXICON)


# --- values ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpeakerMention:
    """The speaker phrase after (or before) a reporting word, split into description and name.

    ``text[start:end]`` is the phrase as written; ``name`` the person's or body's name in it
    (``رجب طيب أردوغان``), ``description`` the role or description (``الرئيس التركي``).  ``kind``:
    ``name`` (a name, with or without a role), ``role`` (a role only: ``الرئيس الروسي``), ``body``
    (``وزارة الخارجية الروسية``), ``document`` (``البيان``), ``anonymous`` (``مصادر تركية``),
    ``anonymous_ref`` (``المصدر``: an unnamed source named before), ``pronoun``.
    """

    text: str
    start: int
    end: int
    kind: str
    name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Frame:
    """One reporting frame: a reporting word, its speaker and the content it reports.

    ``verb`` is the reporting word as written without its conjunction, at ``verb_start:verb_end``.
    ``role``: ``verb``, ``participle`` or ``attribution``.  ``speaker`` is ``None`` when no subject is
    written (``وأضاف أن``, ``مضيفا أن``): it is the previous speaker.  ``marker`` opens the content:
    the complementizer as written, ``":"``, the opening quotation mark, or ``""`` for an attribution.
    ``content_start:content_end`` is the content (``-1`` when the verb reports no content: a noun
    complement such as ``أعلن انسحاب بلاده``; the frame still names a speaker).  ``kind`` is
    ``direct`` (the content is quoted words, or follows a colon) or ``indirect``.  ``region`` is the
    span after the verb where a subject stands (for a frame without content: to find a known name).
    """

    verb: str
    lemma: str
    role: str
    verb_start: int
    verb_end: int
    feminine: bool
    speaker: SpeakerMention | None
    marker: str
    content_start: int
    content_end: int
    kind: str
    flags: frozenset[str]
    region: tuple[int, int]
    speaker_sure: bool = True
    """For a frame without content, whether ``speaker`` surely is the subject (the phrase ends where an
    adjunct, comma or dash begins, and is a short name or a role with its adjectives), not a subject run
    into a noun complement (``وأكد توافق موقفي روسيا وتركيا``)."""

    @property
    def is_quote(self) -> bool:
        return self.content_start >= 0

    @property
    def continues(self) -> bool:
        """A verb that continues an earlier statement (``أضاف``, ``تابع``)."""
        return "continue" in self.flags


@dataclass(frozen=True)
class Opening:
    """How a sentence opens, for readability: who is its speaker, as far as the sentence says.

    ``status``: ``named`` (a reporting verb with a named speaker or body), ``role`` (a role or document
    only: ``وقال الرئيس``), ``anonymous``, ``elided`` (a reporting verb without subject: ``وأضاف أن``,
    ``وأشار إلى أن``, ``وتابع:``), ``pronoun`` (``وهو ...``, ``وهي ...``), ``unclear`` (a reporting verb
    whose subject cannot be told from its object: ``وأكد توافق موقفي...``), ``none`` (no reporting
    opening).  ``continuation``: the sentence continues an earlier statement (``وأضاف``, ``وتابع``, or
    an opening quotation mark) and reads wrongly on its own.
    """

    status: str
    continuation: bool
    frame: Frame | None = None

    @property
    def needs_antecedent(self) -> bool:
        """Its speaker is in an earlier sentence: the reader needs that sentence or the name."""
        return self.status in ("elided", "pronoun") or (
            self.frame is not None
            and self.frame.speaker is not None
            and self.frame.speaker.kind == "anonymous_ref"
        )


# --- speaker phrases -------------------------------------------------------------------------------


def _strip_conj(word: str) -> str:
    k = key(word[1:])
    return (
        word[1:] if len(word) > 3 and word[0] in "وف" and (k in ROLES or k in BODIES or k in PLACES) else word
    )


@functools.lru_cache(maxsize=1 << 16)
def _token_class(word: str) -> str:
    """``R`` role, ``B`` body, ``D`` document, ``P`` place, ``C`` name connector, ``A`` definite word,
    ``S`` stopword, ``N`` any other word (name-like)."""
    if word in ADJUNCTS:
        return "S"
    word = key(word)
    if word.startswith("لل") and ("ال" + word[2:] in ROLES or "ال" + word[2:] in BODIES):
        word = "ال" + word[2:]  # للرئيس التركي: the role after ل
    if word in ROLES:
        return "R"
    if word in BODIES:
        return "B"
    if word in DOCUMENTS:
        return "D"
    if word in PLACES or word in ORGS:
        return "P"
    if word in CONNECTORS:
        return "C"
    if (word.startswith(("ال", "لل")) and len(word) > 3) or (
        word.startswith(_CLITIC_ARTICLE) and len(word) > 5
    ):
        return "A"
    if word in SPEAKER_STOPWORDS or len(word) < 2 or not _LETTERS.match(word):
        return "S"
    return "N"


_CLITIC_ARTICLE = ("وال", "فال", "بال", "كال", "ولل", "فلل")


def _name_run(classes: Sequence[str]) -> int:
    """Index where the trailing name of a phrase starts (``len`` when there is none): a run of name
    words and connectors, with definite words only after them (``بشار الأسد``, ``عبد الفتاح السيسي``)."""
    start = len(classes)
    for i in range(len(classes) - 1, -1, -1):
        c = classes[i]
        if c in "NC" or (c == "A" and any(x in "NC" for x in classes[:i])):
            start = i
            continue
        break
    while start < len(classes) and classes[start] == "A":
        start += 1  # a run opens with a name word, not a definite one
    return start


def _class_at(ft: Folded, word: str, at: int) -> str:
    """``_token_class`` of a word of the text: a word written with hamza on its alef (``ألكسندر``,
    ``إلهام``) does not begin with the article, though its folded form does."""
    cls = _token_class(_strip_conj(word))
    if cls == "A" and ft.text[ft.start(at) : ft.start(at) + 1] in "أإآ":
        return "N"
    return cls


def _ends_phrase(ft: Folded, w: str, words: Sequence[tuple[str, int, int]]) -> bool:
    """Whether the word ``w`` ends a speaker phrase that holds ``words`` so far."""
    if w in ADJUNCTS or w in _RELATIVES or w in COMPLEMENTIZERS or w in LEXICON or len(w) < 2:
        return True
    if w.startswith(("بال", "كال")) and len(w) > 4 and key(w) not in ROLES:
        return True  # بالرد، بالمسؤولية: a prepositional complement
    k = key(w)
    for suffix in ("ه", "ها", "هم"):
        base = k[: -len(suffix)]
        if k.endswith(suffix) and (
            base in SPEECH_NOUNS or (base.endswith("ت") and base[:-1] + "ه" in SPEECH_NOUNS)
        ):
            return True  # كلمته، بيانها
    if words and _token_class(w) == "S":
        return True  # المصدر ذاته، البيان واشنطن ب
    prev = _token_class(words[-1][0]) if words else ""
    return _addressee(ft, w, prev)


def _phrase(
    ft: Folded, toks: Sequence[tuple[str, int, int]], verb_flags: frozenset[str]
) -> SpeakerMention | None:
    """Parse speaker tokens ``(folded, start, end)`` (folded offsets) into a ``SpeakerMention``."""
    words: list[tuple[str, int, int]] = []
    i = 2 if len(toks) > 2 and toks[0][0] == "كل" and toks[1][0] == "من" else 0  # كل من ألمانيا وفرنسا
    while i < len(toks) and len(words) < MAX_SPEAKER_TOKENS:
        w = toks[i][0]
        if _ends_phrase(ft, w, words):
            # ``مراسل الجزيرة في إسطنبول عامر لافي``: a place qualifies the role, then comes the name
            j = i + 2
            if w in ("في", "لدى") and words and j < len(toks) and _token_class(toks[i + 1][0]) in "PAB":
                k = j
                while k < len(toks) and k < j + 4 and _token_class(toks[k][0]) in "NCAP":
                    k += 1
                while k > j and _token_class(toks[k - 1][0]) != "N":
                    k -= 1
                if k > j:
                    words.extend(toks[i:k])
            break
        words.append(toks[i])
        i += 1
    if not words:
        return None
    if "object" in verb_flags and len(words) > 1:
        # واتهم ترامب إيران بأنها / ووصف البيان الهجوم بأنه: the object follows the subject
        if _token_class(words[-1][0]) == "P":
            words = words[:-1]
        head = _token_class(words[0][0])
        if head in "RBD":
            n = 1
            while n < len(words) and _token_class(words[n][0]) == "A" and _is_nisba(words[n][0]):
                n += 1
            words = words[:n]
    classes = [_class_at(ft, w, at) for w, at, _ in words]
    if classes[0] in "RBD":
        # الرئيس الفرنسي إيمانويل ماكرون نظيره الأمريكي: a second role after the name is another person
        k = 1
        while k < len(classes) and classes[k] not in "NC":
            k += 1
        while k < len(classes) and classes[k] in "NC":
            k += 1
        if k < len(classes) and classes[k] == "R" and any(c in "NC" for c in classes[:k]):
            words, classes = words[:k], classes[:k]
    first = key(words[0][0])
    start, end = ft.start(words[0][1]), ft.end(words[-1][2])
    text = ft.text[start:end]

    def span(a: int, b: int) -> str:
        return ft.text[ft.start(words[a][1]) : ft.end(words[b - 1][2])]

    if len(words) == 1 and first in PRONOUNS:
        return SpeakerMention(text, start, end, "pronoun")
    if first in ANONYMOUS:
        return SpeakerMention(text, start, end, "anonymous", description=text)
    if first in ANONYMOUS_REF and len(words) <= 2:
        return SpeakerMention(text, start, end, "anonymous_ref", description=text)
    head = classes[0]
    if head == "B" or (head == "A" and _token_class(first[2:]) == "B"):
        # a body by its full name, without epithets: وكالة أنباء الأناضول (الرسمية)
        n = len(words)
        while n > 1 and key(words[n - 1][0]) in EPITHETS:
            n -= 1
        return SpeakerMention(text, start, end, "body", name=span(0, n), description=None)
    if (
        head == "D"
        and len(words) > 1
        and (classes[1] in "BNP" or (classes[1] == "A" and not _is_nisba(words[1][0])))
    ):
        # بيان الإليزيه، بيان وزارة الخارجية: the issuer speaks
        return SpeakerMention(text, start, end, "body", name=span(1, len(words)), description=span(0, 1))
    if head == "P":
        n = 1
        while n < len(words) and classes[n] == "P":
            n += 1
        if n < len(words):
            return SpeakerMention(
                text, start, end, "name", name=span(0, n)
            )  # السعودية التعرض له: the country
    if head in "NC":
        lead = 0
        while lead < len(classes) and classes[lead] in "NC":
            lead += 1
        if lead < len(classes) and classes[lead] == "R":
            # ماريا زاخاروفا المتحدثة باسم الخارجية: the name, then its role
            return SpeakerMention(
                text, start, end, "name", name=span(0, lead), description=span(lead, len(words))
            )
    run = _name_run(classes)
    if all(c == "P" for c in classes):
        run = 0  # روسيا، موسكو: the place speaks as a body
    if run < len(words):
        return SpeakerMention(
            text, start, end, "name", name=span(run, len(words)), description=span(0, run) if run else None
        )
    if head == "R":
        return SpeakerMention(text, start, end, "role", description=text)
    if head == "D":
        return SpeakerMention(text, start, end, "document", description=text)
    if head == "S":
        return None
    return SpeakerMention(text, start, end, "name", name=text)


def _is_nisba(word: str) -> bool:
    """A relative adjective (``الروسي``, ``الأمريكية``, ``التركيين``), not a name (``الإليزيه``)."""
    k = key(word)
    return (
        k.endswith(("ي", "يه", "يون", "يين", "يان")) and k not in BODIES and k not in ORGS and k not in PLACES
    )


def parse_speaker(text: str) -> SpeakerMention | None:
    """A speaker phrase on its own (``الرئيس الروسي فلاديمير بوتين``), split into role and name."""
    ft = Folded(text)
    return _phrase(ft, [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(ft.folded)], frozenset())


def _addressee(ft: Folded, word: str, prev: str) -> bool:
    """``لأردوغان``, ``للصحفيين``, ``لوكالة``: the person or body spoken to, not part of the speaker.

    After a role or a definite word a ل-word is a genitive (``الأمين العام للأمم المتحدة``); a name that
    starts with ل (``لافروف``) is no addressee either: its remainder is no word of the text."""
    if not word.startswith("ل") or len(word) < 4 or prev in ("R", "A", "B", "D"):
        return False
    rest = word[1:]
    if word.startswith("لل") or _token_class(rest) in "RBDP" or key(rest) in SPEECH_NOUNS:
        return True
    words = ft.words
    return rest in words or "و" + rest in words or "ف" + rest in words or "ب" + rest in words


def token_class(word: str) -> str:
    """The class of a folded word in a speaker phrase: ``R`` role, ``B`` body, ``D`` document, ``P``
    place, ``C`` name connector (``بن``), ``A`` definite word, ``S`` stopword or adjunct, ``N`` other."""
    return _token_class(word)


# --- frames ----------------------------------------------------------------------------------------


def _quote_spans(f: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Outermost quoted spans ``(open, close)`` in ``f[lo:hi]`` (``close`` the closing mark's position,
    ``hi`` when the quote is never closed)."""
    spans: list[tuple[int, int]] = []
    i = lo
    while True:
        m = _OPENING.search(f, i, hi)
        if m is None:
            return spans
        i, ch = m.start(), m.group()
        j = f.find(_QUOTE_CLOSE[ch], i + 1, hi)
        if ch == '"' and j < 0 and f.find('"', lo, i) >= 0:
            return spans  # a lone straight quote after balanced ones: a stray mark
        spans.append((i, j if j >= 0 else hi))
        i = (j if j >= 0 else hi) + 1


def _inside(spans: Sequence[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    k = bisect_right(spans, (pos, 1 << 60)) - 1
    if k >= 0 and spans[k][0] < pos < spans[k][1]:
        return spans[k]
    return None


def _clause_end(f: str, pos: int, hi: int, quotes: Sequence[tuple[int, int]]) -> int:
    """Where the content that starts at ``pos`` ends: before a comma or dash that opens a new reporting
    word or attribution, else at ``hi``.  Commas inside quotation marks do not count."""
    for m in _CLAUSE_PUNCT.finditer(f, pos, hi):
        if _inside(quotes, m.start()):
            continue
        nxt = _TOKEN.match(f, _skip_space(f, m.end(), hi), hi)
        if nxt is None:
            continue
        w1 = nxt.group()
        after = _TOKEN.match(f, _skip_space(f, nxt.end(), hi), hi)
        w2 = after.group() if after is not None else ""
        if (
            w1 in LEXICON
            or w1 in _TRANSPARENT
            or w1 in CLAUSE_ENDS
            or f"{w1} {w2}" in CLAUSE_ENDS
            or (w1 in _CONNECTIVES and w2 in LEXICON)
        ):
            return m.start()
    return hi


def _skip_space(f: str, pos: int, hi: int) -> int:
    while pos < hi and f[pos].isspace():
        pos += 1
    return pos


def _trim(f: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a content span to its first and last letter or digit (marks and punctuation out)."""
    while start < end and not f[start].isalnum():
        start += 1
    while end > start and not f[end - 1].isalnum():
        end -= 1
    return start, end


def _strip_complementizer(f: str, start: int, end: int) -> int:
    """Inside quotation marks a leading ``إن``/``أننا`` is still the complementizer: skip it."""
    m = _TOKEN.match(f, start, end)
    if m is not None and m.group() in COMPLEMENTIZERS:
        return _skip_space(f, m.end(), end)
    return start


def _words_in(f: str, start: int, end: int) -> int:
    return len(f[start:end].split())


class _Sentence:
    """Frame finding inside one sentence ``folded[lo:hi]``."""

    def __init__(self, ft: Folded, lo: int, hi: int) -> None:
        self.ft, self.f, self.lo, self.hi = ft, ft.folded, lo, hi
        self.quotes = _quote_spans(self.f, lo, hi)
        self.used_quotes: set[tuple[int, int]] = set()

    def frame(self, m: re.Match[str], prev_end: int) -> Frame | None:
        form = LEXICON[m.group()]
        if form.role == "attribution":
            return self._attribution(m, form, prev_end)
        f, hi = self.f, self.hi
        region: list[tuple[str, int, int]] = []
        marker = ""
        content = (-1, -1)
        kind = "indirect"
        relative = 0  # tokens of a relative clause after the subject (ترامب الذي كان يتحدث)
        colon_quote = _COLON_QUOTE.search(f, m.end(), hi) is not None
        toks = _TOKEN.finditer(f, m.end(), hi)
        for t in toks:
            w = t.group()
            if len(region) >= MAX_GAP and not (w == ":" or (w in _QUOTE_OPEN and region[-1][0] == ":")):
                if len(region) >= MAX_COLON_GAP or w in _STOPS or not colon_quote:
                    break
                region.append((w, t.start(), t.end()))
                continue
            if w in COMPLEMENTIZERS:
                if (region and region[-1][0] in _GOVERNORS) or relative:
                    break
                if "colon_only" in form.flags and not w.startswith("ب"):
                    break
                marker = w
                start = _skip_space(f, t.end(), hi)
                quote = next((q for q in self.quotes if q[0] == start), None)
                if quote is not None and self._whole_clause(quote):
                    if _words_in(f, quote[0] + 1, quote[1]) < MIN_FRAGMENT_WORDS:
                        break  # واصفا إياه بأنه "كارثي": a label, not a statement
                    content, kind = (_strip_complementizer(f, quote[0] + 1, quote[1]), quote[1]), "direct"
                    self.used_quotes.add(quote)
                else:
                    content = (start, _clause_end(f, start, hi, self.quotes))
                break
            if w == ":":
                marker = ":"
                start = _skip_space(f, t.end(), hi)
                quote = next((q for q in self.quotes if q[0] == start), None)
                if quote is not None:
                    content = (_strip_complementizer(f, quote[0] + 1, quote[1]), quote[1])
                    self.used_quotes.add(quote)
                elif len(region) >= MAX_GAP:
                    break
                else:
                    content = (start, _clause_end(f, start, hi, self.quotes))
                kind = "direct"
                break
            if w in _QUOTE_OPEN:
                quote = next((q for q in self.quotes if q[0] == t.start()), None)
                if quote is None:
                    continue
                if _words_in(f, quote[0] + 1, quote[1]) < MIN_FRAGMENT_WORDS:
                    for t2 in toks:  # a name in quotation marks: صحيفة "فاينانشل تايمز"، "واس"
                        if t2.start() >= quote[1]:
                            break
                        if not relative:
                            region.append((t2.group(), t2.start(), t2.end()))
                    continue
                if relative <= 8 and self._governs(region, form.flags, bool(relative)):
                    marker = w
                    content, kind = (_strip_complementizer(f, quote[0] + 1, quote[1]), quote[1]), "direct"
                    self.used_quotes.add(quote)
                break
            if w in _STOPS:
                break
            if w in _DASHES or w == "(":
                closer = ")" if w == "(" else None
                end = self._skip_parenthetical(t.end(), closer)
                if end < 0:
                    break
                for t2 in toks:
                    if t2.end() >= end:
                        break
                continue
            if w in _TRANSPARENT:
                region.append((w, t.start(), t.end()))
                continue
            if w in LEXICON:
                other = LEXICON[w]
                if other.prefixed or (region and region[-1][0] in _COMMAS) or "noun" not in other.flags:
                    break
            if relative or w in _RELATIVES:
                relative += 1  # read on for a quotation; the subject ended before the relative
                continue
            region.append((w, t.start(), t.end()))
        subject = _until_comma(region)
        speaker = self._speaker(m, form, region, subject)
        if content[0] < 0 and speaker is not None:
            content = self._as_attribution(m, prev_end)
        if content[0] < 0 and self._postposed(m) is not None:
            quote = self._postposed(m)
            assert quote is not None
            content, kind, marker = (quote[0] + 1, quote[1]), "direct", f[quote[0]]
            self.used_quotes.add(quote)
        if speaker is None and content[0] >= 0 and "impersonal" in form.flags and form.role == "verb":
            return None  # يذكر أن: the outlet speaking
        if content[0] >= 0:
            s, e = _trim(f, *content)
            content = (-1, -1) if e <= s else (s, e)
        reg_end = subject[-1][2] if subject else m.end()
        frame = self._make(m, form, speaker, marker, content, kind, (m.end(), reg_end))
        if content[0] < 0 and speaker is not None:
            end = self.ft.index(speaker.end)
            following = next((r[0] for r in region if r[1] >= end), None)
            sure = _short_phrase(speaker) and (
                following is None or following in ADJUNCTS or following in _COMMAS or following in _DASHES
            )
            if not sure:
                frame = replace(frame, speaker_sure=False)
        return frame

    def _speaker(
        self,
        m: re.Match[str],
        form: ReportingForm,
        region: Sequence[tuple[str, int, int]],
        subject: Sequence[tuple[str, int, int]],
    ) -> SpeakerMention | None:
        """The speaker phrase of a verb: after it (VSO, the common order), with a name in apposition
        after a comma (``وقال المتحدث باسم الكرملين، ديميتري بيسكوف، إن``), after ``عن`` for
        ``نقلت الوكالة عن مسؤول قوله``, or before the verb (``وكان السفير ... قد صرح``)."""
        ft = self.ft
        if "transfer" in form.flags:
            # نقلت الوكالة عن مسؤول قوله / ونسبت إنترفاكس إلى لافروف قوله / ونقلت عنه وكالة فارس قوله
            if any(r[0] in _TRANSFER_PRONOUNS for r in region):
                return None
            after = next((k for k, r in enumerate(region) if r[0] in ("عن", "الى")), -1)
            if after >= 0:
                return _phrase(ft, _until_comma(region[after + 1 :]), form.flags)
        speaker = _phrase(ft, subject, form.flags)
        if speaker is not None and speaker.kind in ("role", "body") and len(subject) < len(region):
            rest = _until_comma(region[len(subject) :])
            nxt = (
                region[len(subject) + len(rest) + 1][0] if len(subject) + len(rest) + 1 < len(region) else ""
            )
            named = _phrase(ft, rest, form.flags) if 0 < len(rest) <= 4 else None
            if (
                named is not None
                and named.kind == "name"
                and named.description is None
                and all(_token_class(w) in "NCA" for w, _, _ in rest)
                and (nxt in _COMMAS or nxt == "" or nxt in ADJUNCTS)
            ):
                start = speaker.start
                return SpeakerMention(
                    ft.text[start : named.end],
                    start,
                    named.end,
                    "name",
                    name=named.name,
                    description=speaker.description or speaker.name,
                )
        if speaker is None and form.role == "verb" and not form.prefixed:
            speaker = self._preverbal(m)
        elif speaker is None and form.role == "verb" and m.group()[0] == "ف":
            speaker = self._preverbal(m, after_amma=True)
        return speaker

    def _preverbal(self, m: re.Match[str], after_amma: bool = False) -> SpeakerMention | None:
        """A subject before the verb: ``وكان السفير الروسي ألكسندر ياكوفنكو قد صرح``, ``لكن السفير ...
        قال``, ``أما السفير الروسي فقال``, ``غير أن روسيا تنفي``."""
        toks = list(_TOKEN.finditer(self.f, self.lo, m.start()))
        k = len(toks)
        while k and toks[k - 1].group() in ("قد", "لقد"):
            k -= 1
        stop = k
        while stop and k - stop < MAX_SPEAKER_TOKENS:
            w = toks[stop - 1].group()
            if w in _PREVERBAL_STOPS or w in _COMMAS or w in _STOPS or w in _DASHES or w in LEXICON:
                break
            if (
                (w in ADJUNCTS and w not in ("في", "لدى"))
                or w in COMPLEMENTIZERS
                or w in _QUOTE_OPEN
                or w in _QUOTE_CLOSE.values()
            ):
                return None
            stop -= 1
        opener = toks[stop - 1].group() if stop else ""
        if after_amma != (opener in ("اما", "واما")) or stop == k:
            return None
        words = [(t.group(), t.start(), t.end()) for t in toks[stop:k]]
        sp = _phrase(self.ft, words, frozenset())
        if sp is None or sp.kind == "pronoun" or self.ft.index(sp.end) < words[-1][2]:
            return None
        return sp

    def _whole_clause(self, quote: tuple[int, int]) -> bool:
        """``أكد أن "..."``: the quotation is the whole content when a comma, a full stop or the clause's
        end follows its closing mark (``أن "لم تعد وسيطا" في الشرق الأوسط`` is a partly quoted clause)."""
        nxt = _skip_space(self.f, quote[1] + 1, self.hi)
        if nxt >= self.hi or self.f[nxt] in _COMMAS or self.f[nxt] in _STOPS or self.f[nxt] in _DASHES:
            return True
        return not _LETTERS.search(
            self.f, quote[1] + 1, _clause_end(self.f, quote[1] + 1, self.hi, self.quotes)
        )

    def _governs(
        self, region: Sequence[tuple[str, int, int]], flags: frozenset[str], relative: bool = False
    ) -> bool:
        """Whether quoted words after ``region`` are the verb's content: right after the verb and its
        subject (``وقال ترامب "..."``), or after one preposition (``حذر من "..."``, ``اتهمه بـ"..."``);
        not after a noun complement (``أعلن انسحابه من "الاتفاق النووي مع إيران"``)."""
        subject = _until_comma(region)
        sp = _phrase(self.ft, subject, flags)
        used = 0
        if sp is not None:
            end = self.ft.index(sp.end)
            used = sum(1 for r in subject if r[2] <= end)
        if relative or (region and region[-1][0] in _COMMAS):
            return True  # وقال نيوت غينغريتش، أحد مؤيدي ترامب، "..." / وقال ترامب الذي كان يتحدث "..."
        rest = [r[0] for r in region[used:] if r[0] not in _COMMAS]
        if not rest or (len(rest) == 1 and rest[0] in _PREPOSITIONS):
            return True  # حذر من "..."، عبرت عن "..."؛ not علق على "...": the quoted words are the topic
        # adjuncts before the quotation: وقال في كلمة متلفزة "..."، وكتب على تويتر "..."، وقال مخاطبا "..."
        # (not a name of a channel or body: في تصريحات، نقلتها شبكة "تي آر تي")
        return (
            (rest[0] in ADJUNCTS or rest[0] in _TRANSPARENT)
            and not any(r[0] in _COMMAS for r in region[used:])
            and _token_class(region[-1][0]) not in "BDR"
        )

    def _as_attribution(self, m: re.Match[str], prev_end: int) -> tuple[int, int]:
        """``…، كما قال المتحدث``: a verb after كما/حسبما/مثلما attributes the clause before it."""
        f = self.f
        before = list(_TOKEN.finditer(f, max(self.lo, m.start() - 12), m.start()))
        if not before or before[-1].group() not in _AS_SAID or LEXICON[m.group()].prefixed:
            return (-1, -1)
        end = before[-1].start()
        start = max(self.lo, prev_end)
        t = _TOKEN.match(f, _skip_space(f, start, self.hi), self.hi)
        if t is not None and t.group() in _LEADERS:
            start = t.end()
        s, e = _trim(f, start, end)
        return (s, e) if _words_in(f, s, e) >= 3 else (-1, -1)

    def _postposed(self, m: re.Match[str]) -> tuple[int, int] | None:
        """``"..."، قال المتحدث``: a quotation right before the verb, a comma between, is its content
        (``"..." وطالب ترامب`` starts a new clause instead)."""
        if LEXICON[m.group()].prefixed:
            return None
        k = m.start() - 1
        while k > self.lo and (self.f[k].isspace() or self.f[k] in _COMMAS):
            k -= 1
        for q in self.quotes:
            if q[1] == k and q not in self.used_quotes and _words_in(self.f, q[0] + 1, q[1]) >= 1:
                return q
        return None

    def _skip_parenthetical(self, pos: int, closer: str | None) -> int:
        """End of ``- في تصريحات لوكالة سبوتنيك -`` or ``(...)`` opened before ``pos`` (-1: none)."""
        limit = min(self.hi, pos + 200)
        if closer is not None:
            j = self.f.find(closer, pos, limit)
            return j + 1 if j >= 0 else -1
        for d in _DASHES:
            j = self.f.find(d, pos, limit)
            if j >= 0:
                return j + 1
        return -1

    def _attribution(self, m: re.Match[str], form: ReportingForm, prev_end: int) -> Frame | None:
        """``…، بحسب المرصد`` / ``وبحسب المرصد، فإن …`` / ``وفقا لمصادر …``."""
        f, lo, hi = self.f, self.lo, self.hi
        toks: list[tuple[str, int, int]] = []
        stop = hi
        for t in _TOKEN.finditer(f, m.end(), hi):
            w = t.group()
            if (
                w in _COMMAS
                or w in _DASHES
                or w in _STOPS
                or w in _RESTARTERS
                or w in _QUOTE_OPEN
                or w == "("
            ):
                stop = t.start()
                break
            if w in ("ل", "ما", "عن") and not toks:
                continue
            if w in LEXICON and LEXICON[w].role == "verb" and len(toks) == 0:
                continue  # بحسب ما قال / أفاد
            if w == "عن" or (w in LEXICON and LEXICON[w].role == "verb"):
                toks = []  # بحسب ما نقل مراسل الجزيرة عن مصادر تركية: the source follows عن
                continue
            if w.startswith("لل") or (w.startswith("ل") and len(w) > 3 and not toks):
                w = w[1:]
            toks.append((w, t.start(), t.end()))
            if len(toks) >= MAX_SPEAKER_TOKENS:
                stop = t.end()
                break
        speaker = _phrase(self.ft, toks, form.flags)
        if speaker is None or speaker.kind == "pronoun" or not _is_source(toks):
            return None
        lead = _TOKEN.match(f, _skip_space(f, lo, hi), hi)
        at_start = m.start() == lo or (
            lead is not None and lead.end() >= m.start() - 1 and lead.group() in _LEADERS
        )
        if at_start:
            start = _skip_space(f, stop, hi)
            while start < hi and (f[start] in _COMMAS or f[start] in _DASHES or f[start].isspace()):
                start += 1
            first = _TOKEN.match(f, start, hi)
            if first is not None and first.group() in _RESTARTERS:
                start = _skip_space(f, first.end(), hi)
            content = (start, _clause_end(f, start, hi, self.quotes))
        else:
            start = max(lo, prev_end)
            first = _TOKEN.match(f, _skip_space(f, start, hi), hi)
            if first is not None and first.group() in _LEADERS:
                start = first.end()
            elif (
                first is not None and first.group()[0] in "وف" and stem(first.group())[:1] != first.group()[0]
            ):
                start = first.start() + 1  # وقتل ...، بحسب: the conjunction is not the claim's
            end = m.start()
            if (
                f[m.start() - 1 : m.start()] in ("-", "–", "—")
                or f[m.start() - 2 : m.start()].strip() in _DASHES
            ):
                end = hi  # -بحسب ...- in the middle: the whole sentence is the claim
            content = (start, end)
        s, e = _trim(f, *content)
        if _words_in(f, s, e) < 3:
            return None
        return self._make(m, form, speaker, "", (s, e), "indirect", (m.end(), stop))

    def _make(
        self,
        m: re.Match[str],
        form: ReportingForm,
        speaker: SpeakerMention | None,
        marker: str,
        content: tuple[int, int],
        kind: str,
        region: tuple[int, int],
    ) -> Frame:
        ft = self.ft
        vs = m.start() + (1 if form.prefixed else 0)
        start, end = ft.start(vs), ft.end(m.end())
        cs, ce = (ft.start(content[0]), ft.end(content[1])) if content[0] >= 0 else (-1, -1)
        return Frame(
            verb=ft.text[start:end],
            lemma=form.lemma,
            role=form.role,
            verb_start=start,
            verb_end=end,
            feminine=form.feminine,
            speaker=speaker,
            marker=marker,
            content_start=cs,
            content_end=ce,
            kind=kind if cs >= 0 else "",
            flags=form.flags,
            region=(ft.start(region[0]), ft.end(region[1]) if region[1] > region[0] else ft.start(region[0])),
        )


def _short_phrase(sp: SpeakerMention) -> bool:
    """A name of at most three words, or a role/body with only adjectives after its head."""
    if sp.kind == "name":
        return len((sp.name or "").split()) <= 3 and len((sp.description or "").split()) <= 4
    if sp.kind in ("role", "body", "document"):
        words = fold(sp.text).split()
        return len(words) <= 4 and all(_token_class(w) == "A" for w in words[1:])
    return sp.kind == "anonymous" and len(sp.text.split()) <= 4


def _until_comma(region: Sequence[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for r in region:
        if r[0] in _COMMAS:
            if out:
                break
            continue
        out.append(r)
    return out


def _is_source(toks: Sequence[tuple[str, int, int]]) -> bool:
    """An attribution names a source (``بحسب المرصد``), not a measure (``حسب التوقيت المحلي``)."""
    if not toks:
        return False
    classes = [_token_class(w) for w, _, _ in toks]
    first = key(toks[0][0])
    if any(c in "NRBDP" for c in classes):
        return True
    bare = first[2:] if first.startswith("ال") else first
    return bare in BODIES or bare in DOCUMENTS or bare in ANONYMOUS or first in ORGS


def find_frames(text: str | Folded, spans: Iterable[tuple[int, int]] | None = None) -> tuple[Frame, ...]:
    """Every reporting frame in ``text``, sentence by sentence (``spans``: sentence offsets; default:
    the whole text as one sentence).  Frames come in text order; a frame whose verb stands inside
    another frame's content is nested speech and left out, unless it opens a new clause (``، وأعرب``
    or ``و``-prefixed), which then ends the earlier content.
    """
    ft = text if isinstance(text, Folded) else Folded(text)
    # the reporting words the text holds (a set intersection), then one scan of the text for those
    # only, then only the sentences that hold one
    present = ft.words & _FORMS
    if not present:
        return ()
    cues = list(_cue_pattern(frozenset(present)).finditer(ft.folded))
    starts = [m.start() for m in cues]
    out: list[Frame] = []
    for start, end in spans if spans is not None else [(0, len(ft.text))]:
        lo, hi = ft.index(start), ft.index(end)
        a, b = bisect_left(starts, lo), bisect_left(starts, hi)
        if a < b:
            out.extend(_sentence_frames(ft, lo, hi, [m for m in cues[a:b] if m.end() <= hi]))
    return tuple(out)


def _sentence_frames(ft: Folded, lo: int, hi: int, cues: Sequence[re.Match[str]]) -> list[Frame]:
    f = ft.folded
    sentence = _Sentence(ft, lo, hi)
    frames: list[Frame] = []
    prev_end = lo
    verbs_before = 0
    for m in cues:
        form = LEXICON[m.group()]
        if form.role == "attribution" and verbs_before and not _opens(f, lo, m.start()):
            continue  # قال الأسد إن "..."، بحسب سانا: the attribution only names the channel
        verbs_before += form.role != "attribution"
        if form.role == "participle" and form.feminine and f[lo : m.start()].rstrip()[-1:] not in _COMMAS:
            continue  # متابعة، مطالبة: a verbal noun unless a comma opens a participle clause
        if (
            frames
            and frames[-1].is_quote
            and frames[-1].verb_end <= ft.start(m.start()) < frames[-1].content_start
        ):
            continue  # قائلا in ``وأضاف الرئيس بوتين، قائلا:`` belongs to the frame before
        quote = _inside(sentence.quotes, m.start())
        if quote is not None and quote[1] < hi:
            continue  # a verb inside quoted words belongs to the speaker's own speech
        frame = sentence.frame(m, prev_end)
        if frame is None:
            continue
        if frames:
            last = frames[-1]
            if last.is_quote and last.content_start <= frame.verb_start < last.content_end:
                if not (LEXICON[m.group()].prefixed and frame.is_quote):
                    continue  # nested: قال إن روسيا أعلنت أن ...
                cut = ft.end(_trim(ft.folded, last.content_start, ft.index(frame.verb_start) - 1)[1])
                frames[-1] = _with_content(last, last.content_start, cut)
        frames.extend(_split_trailing_quote(sentence, frame))
        if frame.is_quote:
            prev_end = ft.index(frame.content_end)
    return frames


def _opens(f: str, lo: int, pos: int) -> bool:
    """Whether only conjunctions stand before ``pos`` in the sentence (``وبحسب المرصد، ...``)."""
    return all(t.group() in _LEADERS for t in _TOKEN.finditer(f, lo, pos))


SPLIT_MIN_WORDS = 5
"""Quoted words that end an indirect clause are a direct quote of their own from this many words on,
when they hold sentences of their own (a full stop inside): the speaker goes on speaking."""
_INNER_STOP = re.compile(r"[.!?؟]\s+\S")


def _split_trailing_quote(sentence: _Sentence, frame: Frame) -> list[Frame]:
    """``وأكد عباس أن الفلسطينيين لن يقبلوا بأي اقتراح أمريكي "لن نقبل منهم ..."``: the speaker's own
    words after the reported clause, with no verb of their own, are a second (direct) quote."""
    if frame.kind != "indirect" or not sentence.quotes:
        return [frame]
    ft, f = sentence.ft, sentence.f
    cs, ce = ft.index(frame.content_start), ft.index(frame.content_end)
    for q in sentence.quotes:
        if not (cs < q[0] < ce <= q[1] + 1) or _words_in(f, q[0] + 1, q[1]) < SPLIT_MIN_WORDS:
            continue
        if not _INNER_STOP.search(f, q[0] + 1, q[1]):
            continue  # أن الولايات المتحدة "أبعدت نفسها عن ...": the quoted words end the clause
        prev = f[cs : q[0]].split()
        if not f[q[0] - 1].isspace() or not prev or prev[-1] in _PREPOSITIONS or prev[-1] in COMPLEMENTIZERS:
            continue
        if _words_in(f, cs, q[0]) < 3:
            continue
        first_end = _trim(f, cs, q[0])[1]
        inner = _trim(f, q[0] + 1, q[1])
        return [
            _with_content(frame, frame.content_start, ft.end(first_end)),
            replace(frame, content_start=ft.start(inner[0]), content_end=ft.end(inner[1]), kind="direct"),
        ]
    return [frame]


def _with_content(frame: Frame, start: int, end: int) -> Frame:
    return replace(frame, content_start=start, content_end=end)


# --- openings (readability) ------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def opening(text: str) -> Opening:
    """How a sentence opens: a named, role, anonymous, elided or pronoun speaker, or no reporting
    opening.  ``وأضاف أن``, ``وأكدت:``, ``وتابع:`` and ``وأشار إلى أن`` are elided; ``وهو ما``,
    ``وهي ليست`` are pronouns; an opening quotation mark is a continuation of an earlier quote."""
    ft = Folded(text)
    f = ft.folded
    toks = list(_TOKEN.finditer(f, 0, min(len(f), 400)))
    if toks and toks[0].group() in _QUOTE_OPEN:
        return Opening("none", continuation=True)
    i = 0
    while i < len(toks):
        w = toks[i].group()
        pair = w + " " + toks[i + 1].group() if i + 1 < len(toks) else ""
        if w in _LEADERS or w in _COMMAS:
            i += 1
        elif pair in _OPENERS:
            i += 2  # ``ومن جهته قال``: the pronoun is the coming speaker's
        elif w in _OPENERS:
            i += 1
        else:
            break
    if i >= len(toks):
        return Opening("none", continuation=False)
    if key(toks[i].group()) in PRONOUNS:
        return Opening("pronoun", continuation=False)
    if toks[i].group() not in LEXICON:
        return Opening("none", continuation=False)
    form = LEXICON[toks[i].group()]
    if form.role == "attribution":
        return Opening("none", continuation=False)
    hi = len(f)
    sentence = _Sentence(ft, 0, hi)
    m = _CUE.match(f, toks[i].start(), hi)
    frame = sentence.frame(m, 0) if m is not None else None
    continuation = "continue" in form.flags
    if frame is None:
        return Opening("none", continuation=False)
    sp = frame.speaker
    if sp is None:
        region_first = _TOKEN.match(f, _skip_space(f, toks[i].end(), hi), hi)
        word = region_first.group() if region_first else ""
        if frame.is_quote or word in _COMMAS or key(word) in STOPWORDS or word in _DASHES or word == ":":
            return Opening("elided", continuation, frame)
        return Opening("unclear", continuation, frame)
    if sp.kind == "pronoun":
        return Opening("pronoun", continuation, frame)
    if sp.kind in ("anonymous", "anonymous_ref"):
        return Opening("anonymous", continuation, frame)
    if sp.kind in ("role", "document"):
        return Opening("role", continuation, frame)
    if not frame.is_quote and sp.kind == "name" and " " in (sp.name or "") and sp.description is None:
        return Opening("unclear", continuation, frame)  # وأكد توافق موقفي روسيا: subject or object?
    return Opening("named", continuation, frame)


def speaker_status(text: str) -> str:
    """``opening(text).status``: ``named``, ``role``, ``anonymous``, ``elided``, ``pronoun``,
    ``unclear`` or ``none``."""
    return opening(text).status
