"""What the speech tagger returns: speaker mentions, reporting frames and sentence openings."""

from __future__ import annotations

from dataclasses import dataclass


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
