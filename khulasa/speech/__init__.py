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

The package: ``lexicon`` (reporting words, word classes, tokens), ``values`` (``SpeakerMention``,
``Frame``, ``Opening``), ``speakers`` (speaker phrases), ``clauses`` (quoted spans and clause ends),
``sentence`` (frame finding in one sentence), ``frames`` (``find_frames``, ``opening``).  Every public
name is importable from ``khulasa.speech`` as before the split.
"""

from __future__ import annotations

from khulasa.speech.frames import (
    SPLIT_MIN_WORDS,
    find_frames,
    opening,
    speaker_status,
)
from khulasa.speech.lexicon import (
    ADJUNCTS,
    ANONYMOUS,
    ANONYMOUS_REF,
    AUXILIARIES,
    BODIES,
    CLAUSE_ENDS,
    COMPLEMENTIZERS,
    CONNECTORS,
    DOCUMENTS,
    EPITHETS,
    LEXICON,
    MAX_COLON_GAP,
    MAX_GAP,
    MAX_SPEAKER_TOKENS,
    MIN_FRAGMENT_WORDS,
    OPENING_STATUSES,
    ORGS,
    PLACES,
    PRONOUNS,
    ROLES,
    SPEAKER_KINDS,
    SPEAKER_STOPWORDS,
    SPEECH_NOUNS,
    WORDS,
    ReportingForm,
)
from khulasa.speech.speakers import (
    parse_speaker,
    role_head,
    strip_conj,
    token_class,
)
from khulasa.speech.values import (
    Frame,
    Opening,
    SpeakerMention,
)
from khulasa.text.fold import Folded, fold, key

__all__ = [
    "ADJUNCTS",
    "ANONYMOUS",
    "ANONYMOUS_REF",
    "AUXILIARIES",
    "BODIES",
    "CLAUSE_ENDS",
    "COMPLEMENTIZERS",
    "CONNECTORS",
    "DOCUMENTS",
    "EPITHETS",
    "LEXICON",
    "MAX_COLON_GAP",
    "MAX_GAP",
    "MAX_SPEAKER_TOKENS",
    "MIN_FRAGMENT_WORDS",
    "OPENING_STATUSES",
    "ORGS",
    "PLACES",
    "PRONOUNS",
    "ROLES",
    "SPEAKER_KINDS",
    "SPEAKER_STOPWORDS",
    "SPEECH_NOUNS",
    "SPLIT_MIN_WORDS",
    "WORDS",
    "Folded",
    "Frame",
    "Opening",
    "ReportingForm",
    "SpeakerMention",
    "find_frames",
    "fold",
    "key",
    "opening",
    "parse_speaker",
    "role_head",
    "speaker_status",
    "strip_conj",
    "token_class",
]
