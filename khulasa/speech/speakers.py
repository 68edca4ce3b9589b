"""Speaker phrases: the words after (or before) a reporting word split into a role or description and
a name (``الرئيس التركي`` / ``رجب طيب أردوغان``), with word classes from the lexicon."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from khulasa.speech.lexicon import (
    _COMMAS,
    _LETTERS,
    _RELATIVES,
    _TOKEN,
    ADDRESSEES,
    ADJUNCTS,
    ANONYMOUS,
    ANONYMOUS_REF,
    BODIES,
    COMPLEMENTIZERS,
    CONNECTORS,
    DOCUMENTS,
    EPITHETS,
    LEXICON,
    MAX_SPEAKER_TOKENS,
    ORGS,
    PLACES,
    PRONOUNS,
    ROLE_ADJECTIVES,
    ROLES,
    SPEAKER_STOPWORDS,
    SPEECH_NOUNS,
    YEAR_ADJECTIVES,
)
from khulasa.speech.values import (
    SpeakerMention,
)
from khulasa.text.fold import Folded, fold, key


@functools.lru_cache(maxsize=1 << 16)
def strip_conj(word: str) -> str:
    """A folded word without its leading ``و``/``ف`` when what follows is a role, a body or a place
    (``والوزير`` → ``الوزير``, ``ووزير`` → ``وزير``); a word that begins with the letter itself stays
    whole (``وزير``, ``ولي``, ``وفد``)."""
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
    cls = _conj_class(word)
    if cls == "A":
        start = ft.start(at)
        if ft.text[start : start + 1] in "أإآ":
            return "N"
    return cls


@functools.lru_cache(maxsize=1 << 16)
def _conj_class(word: str) -> str:
    """``_token_class`` of a word without a conjunction that ran into a role, body or place."""
    return _token_class(strip_conj(word))


@functools.lru_cache(maxsize=1 << 16)
def _word_ends_phrase(w: str) -> bool:
    """Whether the word ``w`` ends a speaker phrase whatever comes before it."""
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
    return False


def _role_adjective(w: str, prev: str, nxt: str = "") -> bool:
    """An adjunct word that is an adjective of the role before it (``العام`` in ``الأمين العام``, not
    in ``الرئيس العام الماضي``); ``nxt``: the word after it."""
    return prev == "R" and key(w) in ROLE_ADJECTIVES and key(nxt) not in YEAR_ADJECTIVES and not nxt[:1].isdigit()


def _ends_phrase(ft: Folded, w: str, words: Sequence[tuple[str, int, int]], nxt: str) -> bool:
    """Whether the word ``w`` (``nxt`` after it) ends a speaker phrase that holds ``words`` so far."""
    prev = _conj_class(words[-1][0]) if words else ""
    if _role_adjective(w, prev, nxt):
        return False
    if _word_ends_phrase(w):
        return True
    if words and _token_class(w) == "S":
        return True  # المصدر ذاته، البيان واشنطن ب
    if len(words) > 1 and _role_adjective(words[-1][0], _conj_class(words[-2][0])):
        prev = "A"
    return _addressee(ft, w, prev)


def _phrase(
    ft: Folded, toks: Sequence[tuple[str, int, int]], verb_flags: frozenset[str]
) -> SpeakerMention | None:
    """Parse speaker tokens ``(folded, start, end)`` (folded offsets) into a ``SpeakerMention``."""
    words: list[tuple[str, int, int]] = []
    i = 2 if len(toks) > 2 and toks[0][0] == "كل" and toks[1][0] == "من" else 0  # كل من ألمانيا وفرنسا
    while i < len(toks) and len(words) < MAX_SPEAKER_TOKENS:
        w = toks[i][0]
        if w == "-" and words and _glued(ft.folded, toks[i][1]):
            i += 1  # تشونغ يوي-يونغ: a hyphen inside a name
            continue
        if _ends_phrase(ft, w, words, toks[i + 1][0] if i + 1 < len(toks) else ""):
            # ``مراسل الجزيرة في إسطنبول عامر لافي``: a place qualifies the role, then comes the name
            j = i + 2
            # ``المبعوث الأممي إلى اليمن مارتن غريفيث``: so does the country an envoy is sent to
            opens = w in ("في", "لدى") or (w == "الى" and bool(words) and _conj_class(words[0][0]) == "R")
            if opens and words and j < len(toks) and _token_class(toks[i + 1][0]) in "PAB":
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
    if classes[0] == "R" and _unnamed_role(words):
        # قال خبير، نقلت عن متحدث أمني: an indefinite role with only indefinite adjectives names no one
        start, end = _offsets(ft, words[0][1], words[-1][2])
        text = ft.text[start:end]
        return SpeakerMention(text, start, end, "anonymous", description=text)
    if classes[0] == "R":
        classes, cut = _complemented(words, classes)
        words, classes = words[:cut], classes[:cut]
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
    unmarked = len(ft.folded) == len(ft.text)  # no marks removed: folded offsets are the text's
    start, end = (words[0][1], words[-1][2]) if unmarked else (ft.start(words[0][1]), ft.end(words[-1][2]))
    text = ft.text[start:end]

    def span(a: int, b: int) -> str:
        if unmarked:
            written = ft.text[words[a][1] : words[b - 1][2]]
        else:
            written = ft.text[ft.start(words[a][1]) : ft.end(words[b - 1][2])]
        if any(q in written for q in _QUOTE_MARKS):
            # وكالة الأنباء الروسية "سبوتنيك": the name without the quotation marks around a part of it
            written = " ".join(written.translate(_NO_QUOTE_MARKS).split())
        return written

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


def _glued(f: str, at: int) -> bool:
    """Whether the mark at ``at`` joins two letters with no space (``يوي-يونغ``, ``جي-إن``)."""
    return 0 < at < len(f) - 1 and f[at - 1].isalpha() and f[at + 1].isalpha()


def _offsets(ft: Folded, a: int, b: int) -> tuple[int, int]:
    return (a, b) if len(ft.folded) == len(ft.text) else (ft.start(a), ft.end(b))


def _unnamed_role(words: Sequence[tuple[str, int, int]]) -> bool:
    """``خبير``, ``متحدث أمني``, ``صحافي``: a role without the article, alone or with indefinite relative
    adjectives only (not ``وزير الخارجية``, ``متحدث باسم الجيش``, ``الرئيس``)."""
    head = key(strip_conj(words[0][0]))
    if head.startswith("ال") or head.startswith("لل"):
        return False
    return all(
        not key(w).startswith("ال") and _is_nisba(w) and _token_class(w) not in "RBP" for w, _, _ in words[1:]
    )


def _complemented(words: Sequence[tuple[str, int, int]], classes: Sequence[str]) -> tuple[list[str], int]:
    """``classes`` of a phrase that opens with a role, its adjectives and ``ل``-complements marked ``G``
    (``الأمين العام لحلف الناتو``, ``المفوض السامي لحقوق الإنسان``, ``المدير العام للوكالة الدولية
    للطاقة الذرية``): they belong to the role, and the name is what follows them.  Also where the phrase
    ends: a definite word after a complement opens an apposition of its own (``المتحدث الرسمي لوزارة
    الصحة المشرف العام على البرنامج``).

    A complement is a ``ل``-word and, unless that word is definite (``للأمم``, ``لسوريا``), the one word
    that completes it (``لحلف الناتو``, ``لحقوق الإنسان``, ``لوزارة الصحة``, ``لحلف شمال``); then its
    adjectives (``الأطلسي``, ``الدولية``, ``المتحدة``)."""
    out = list(classes)
    n = len(out)
    k = 1
    while k < n and (out[k] == "A" or key(words[k][0]) in ROLE_ADJECTIVES):
        out[k] = "A"
        k += 1
    complemented = False
    while k < n and words[k][0].startswith("ل") and len(words[k][0]) > 3 and out[k] != "C":
        w = words[k][0]
        out[k] = "G"
        k += 1
        complemented = True
        if not (w.startswith("لل") or _token_class(w[1:]) == "P") and k < n and out[k] in "ANP":
            out[k] = "G"
            k += 1
        while k < n and out[k] == "A" and (_is_nisba(words[k][0]) or key(words[k][0]).endswith("ه")):
            out[k] = "G"
            k += 1
    return out, (k if complemented and k < n and out[k] == "A" else n)


_QUOTE_MARKS = "«»“”„‹›\""
_NO_QUOTE_MARKS = str.maketrans("", "", _QUOTE_MARKS)


@functools.lru_cache(maxsize=1 << 16)
def _is_nisba(word: str) -> bool:
    """A relative adjective (``الروسي``, ``الأمريكية``, ``التركيين``), not a name (``الإليزيه``)."""
    k = key(word)
    return (
        k.endswith(("ي", "يه", "يون", "يين", "يان")) and k not in BODIES and k not in ORGS and k not in PLACES
    )


@functools.lru_cache(maxsize=1 << 14)
def parse_speaker(text: str) -> SpeakerMention | None:
    """A speaker phrase on its own (``الرئيس الروسي فلاديمير بوتين``), split into role and name (a
    frozen value, cached: a story's roles and names are read again at each of their mentions)."""
    ft = Folded(text)
    return _phrase(ft, [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(ft.folded)], frozenset())


def role_head(description: str) -> str:
    """A role without its ``ل``-complement or ``إلى``-country, as written: ``المتحدث الرسمي`` for
    ``المتحدث الرسمي لوزارة الصحة``, ``الأمين العام`` for ``الأمين العام لحلف الناتو``; any other
    phrase as it is (``المتحدث باسم الجيش``)."""
    ft = Folded(description)
    toks = list(_TOKEN.finditer(ft.folded))
    if not toks or _conj_class(toks[0].group()) != "R":
        return description
    k = 1
    while k < len(toks) and not toks[k].group().startswith("ل") and (
        _token_class(toks[k].group()) in "AR" or key(toks[k].group()) in ROLE_ADJECTIVES
    ):
        k += 1  # الأمين العام المساعد
    if k == len(toks) or not (toks[k].group() == "الى" or (toks[k].group().startswith("ل") and len(toks[k].group()) > 3)):
        return description
    return description[: ft.end(toks[k - 1].end())]


def _addressee(ft: Folded, word: str, prev: str) -> bool:
    """``لأردوغان``, ``للصحفيين``, ``لوكالة``: the person or body spoken to, not part of the speaker.

    After a role, a body or a definite word a ل-word is a genitive (``الأمين العام للأمم المتحدة``)
    unless it heads a medium or a counterpart (``ADDRESSEES``: ``المتحدث باسم الجيش لوكالة رويترز``); a
    name that starts with ل (``لافروف``) is no addressee either: its remainder is no word of the text."""
    if not word.startswith("ل") or len(word) < 4:
        return False
    rest = word[1:]
    bare = "ال" + word[2:] if word.startswith("لل") else rest
    if _is_addressee_head(key(bare)) or _is_addressee_head(key(rest)):
        # لوكالة رويترز، للصحفيين، لإذاعة …، لصحيفتين، لقناتي: spoken to, after a role or a name
        return True
    if prev in ("R", "A", "B", "D"):
        return False  # لحلف الناتو، للأمم المتحدة: the role's complement
    if word.startswith("لل") or _token_class(rest) in "RBDP" or key(rest) in SPEECH_NOUNS:
        return True
    words = ft.words
    return rest in words or "و" + rest in words or "ف" + rest in words or "ب" + rest in words


def _spoken_to(word: str) -> bool:
    """A folded ``ل``-word whose head is a medium or counterpart spoken to (``للصحفيين``, ``لوكالة``)."""
    if not word.startswith("ل") or len(word) < 4:
        return False
    bare = "ال" + word[2:] if word.startswith("لل") else word[1:]
    return _is_addressee_head(key(bare)) or _is_addressee_head(key(word[1:]))


def _is_addressee_head(k: str) -> bool:
    """A head of ``ADDRESSEES`` (keyed), or its dual (``صحيفتين``, ``قناتي``: ``صحيفه``, ``قناه``)."""
    if k in ADDRESSEES:
        return True
    for suffix in ("تين", "تان", "تي"):
        if k.endswith(suffix) and len(k) > len(suffix) + 1 and k[: -len(suffix)] + "ه" in ADDRESSEES:
            return True
    return False


def token_class(word: str) -> str:
    """The class of a folded word in a speaker phrase: ``R`` role, ``B`` body, ``D`` document, ``P``
    place, ``C`` name connector (``بن``), ``A`` definite word, ``S`` stopword or adjunct, ``N`` other."""
    return _token_class(word)


def _short_phrase(sp: SpeakerMention) -> bool:
    """A name of at most three words, or a role/body with only adjectives after its head."""
    if sp.kind == "name":
        return len((sp.name or "").split()) <= 3 and len((sp.description or "").split()) <= 4
    if sp.kind in ("role", "body", "document"):
        words = fold(sp.text).split()
        return len(words) <= 4 and all(_token_class(w) == "A" for w in words[1:])
    return sp.kind == "anonymous" and len(sp.text.split()) <= 4


def _until_comma(region: Sequence[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The tokens of ``region`` from its first non-comma up to the next comma."""
    n = len(region)
    a = 0
    while a < n and region[a][0] in _COMMAS:
        a += 1
    b = a
    while b < n and region[b][0] not in _COMMAS:
        b += 1
    return list(region[a:b])


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
