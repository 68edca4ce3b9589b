"""The character tables of Arabic news text, as data: the one place each is written.

Every stage that asks "is this an Arabic letter?", "is this mark invisible?", "which spaces become a
space?" reads the answer here, so cleaning (``khulasa.text.clean``), the matching form
(``khulasa.text.normalize``), decoding (``khulasa.ingest.decode``), sentence splitting and the rule
tables never disagree.  Ranges are written as the body of a regex character class (``"\\u0620-\\u063f"``);
``re.escape`` is not needed on them.
"""

from __future__ import annotations

# --- letters ------------------------------------------------------------------------------------------

ARABIC_LETTERS = (
    "\u0620-\u063f\u0641-\u064a"  # hamza .. ghain, the Keheh/Farsi-yeh variants, feh .. yeh (not tatweel)
    "\u066e\u066f"  # dotless beh and qaf
    "\u0671-\u06d3\u06d5"  # alef wasla .. yeh barree with hamza, ae
    "\u06ee\u06ef\u06fa-\u06fc\u06ff"  # dal/reh with inverted v, sheen/dad/ghain with dot below, heh with v
    "\ufb50-\ufdfb\ufe70-\ufefc"  # presentation forms (NFKC gives the plain letter)
)
"""Every Arabic-script letter (Unicode category Lo in the Arabic block and the presentation forms):
marks, digits, punctuation and tatweel are not letters."""

# --- marks --------------------------------------------------------------------------------------------

DIACRITICS = (
    [chr(c) for c in range(0x064B, 0x0660)]  # tanwin, harakat, shadda, sukun, hamza/madda marks
    + ["\u0670"]  # superscript (dagger) alef
    + [chr(c) for c in range(0x0610, 0x061B)]  # Quranic honorifics and small marks
    + [chr(c) for c in range(0x06D6, 0x06DD)]  # Quranic annotation signs
    + [chr(c) for c in range(0x06DF, 0x06E9)]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
)
TATWEEL = "\u0640"
"""The kashida ``ـ`` that stretches a word (``فـي``)."""
MARKS = "".join(DIACRITICS) + TATWEEL
"""Diacritics and tatweel: what the plain views of a text (rules, speech, key terms) leave out."""

INVISIBLE = (
    ["\u00ad", "\u061c", "\u180e", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)]  # bidi embeddings and overrides
    + [chr(c) for c in range(0x2066, 0x206A)]  # bidi isolates
)
"""Soft hyphen, Arabic letter mark, zero-width characters, bidi marks, embeddings, overrides and isolates."""

# --- white space and controls -------------------------------------------------------------------------

SPACES = "\t\v\f\u00a0\u1680\u202f\u205f\u3000" + "".join(chr(c) for c in range(0x2000, 0x200B))
"""Spaces other than U+0020 (tab, NBSP, the typographic spaces): each becomes a plain space."""
LINE_BREAKS = "\r\x85\u2028\u2029"
"""Line ends other than LF: each becomes LF."""
CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0)] if c != 0x85)
"""C0 and C1 control characters but tab, line ends and the spaces above: dropped from text."""

# --- digits and letter shapes (one character to one character) ----------------------------------------

DIGIT_FOLDS = {
    **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic
    **{chr(0x06F0 + i): str(i) for i in range(10)},  # Extended (Persian/Urdu)
    "٫": ".",  # Arabic decimal separator
    "٬": ",",  # Arabic thousands separator
}
ALEF_FOLDS = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا"}
# Hamza on a seat is folded to the seat letter (as Snowball's own post-normalization does), so that
# common spellings meet: رئيس/رييس, مؤتمر/موتمر.  A bare hamza ء is kept: it is a letter of its own.
HAMZA_FOLDS = {"ؤ": "و", "ئ": "ي"}
ALEF_MAQSURA_FOLDS = {"ى": "ي"}
TA_MARBUTA_FOLDS = {"ة": "ه"}
# Persian/Urdu letter shapes that Arabic web text sometimes carries (typed on a Persian keyboard).
LETTER_VARIANT_FOLDS = {"ک": "ك", "ی": "ي", "ې": "ي", "ہ": "ه", "ە": "ه", "ۀ": "ه"}
