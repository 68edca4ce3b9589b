"""``clean_text``: the text every later stage sees (``Article.text``), and ``encodable`` for the fields
kept beside it.

Cleaning decodes HTML entities, drops invisible and control characters (``khulasa.text.chars``), turns
every space into a space and every line end into LF, removes kashida between letters and collapses
blank runs.  It never raises and is idempotent, so a text read twice, or through another door (a file,
the HTTP service), is the same text and every offset into it stays valid.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import Any

from khulasa.text.chars import ARABIC_LETTERS, CONTROLS, DIACRITICS, INVISIBLE, LINE_BREAKS, SPACES, TATWEEL

_INVISIBLE = "".join(INVISIBLE)
# Regexes rather than str.translate: translate with a dict is slow on non-ASCII text.
_DROP = re.compile(f"[{re.escape(_INVISIBLE + CONTROLS)}]+")
_TO_SPACE = re.compile(f"[{re.escape(SPACES)}]")
_TO_NEWLINE = re.compile(f"\r\n|[{re.escape(LINE_BREAKS)}]")
_SURROGATES = "\ud800-\udfff"  # lone UTF-16 halves (a cut emoji, "\\ud83d" in JSON): no encoding can write them
_SURROGATE = re.compile(f"[{_SURROGATES}]")
_ODD_CHAR = re.compile(f"[{re.escape(_INVISIBLE + CONTROLS + SPACES + LINE_BREAKS)}{_SURROGATES}]")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LATIN_ALNUM = re.compile(r"[A-Za-z0-9]")
_KASHIDA = re.compile(f"(?<=[{ARABIC_LETTERS}{''.join(DIACRITICS)}]){TATWEEL}+(?=[{ARABIC_LETTERS}])")
_SPACE_RUN = re.compile(r" {2,}")
_LINE_EDGES = re.compile(r" +\n *|\n +")
_BLANK_RUN = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """The text every later stage sees (``Article.text``); idempotent and never raises.

    Replaces lone surrogates with U+FFFD (a pair of halves becomes its character), so every later stage
    and every output format sees encodable text.
    Decodes HTML entities (``&amp;``, ``&#1575;``), drops stray ``&`` (kept inside ``AT&T``,
    ``Dolce&Gabbana``, ``S & P``), zero-width and bidi marks, NUL and control characters; NBSP and other
    spaces become a space, CRLF/CR an LF; removes tatweel used as kashida between two Arabic letters
    (``فـي`` -> ``في``, but ``الـ23`` stays); collapses runs of spaces, strips lines and leaves at most one
    blank line between paragraphs.
    """
    # Each pass can expose new work (an entity that decodes to a zero-width mark, marks hiding an entity),
    # so repeat to a fixed point; every change shortens the text or makes it plainer, so this ends.
    while True:
        cleaned = _clean_once(text)
        if cleaned == text:
            return cleaned
        text = cleaned


def _clean_once(text: str) -> str:
    # The substring tests are cheap scans that skip most substitutions on already clean text.
    if _ODD_CHAR.search(text):
        text = _replace_surrogates(text)
        text = _TO_NEWLINE.sub("\n", text)
        text = _DROP.sub("", text)
        text = _TO_SPACE.sub(" ", text)
    if "&" in text:
        text = _decode_entities(text)
        text = _drop_stray_ampersands(text)
    if TATWEEL in text:
        text = _KASHIDA.sub("", text)
    if "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _LINE_EDGES.sub("\n", text)
    if "\n\n\n" in text:
        text = _BLANK_RUN.sub("\n\n", text)
    return text.strip(" \n")


def encodable(value: Any) -> Any:
    """``value`` with every lone surrogate replaced by U+FFFD, in strings nested in dicts and lists too
    (keys included): what ingest does to ids and to the fields it keeps in ``Article.extra``.

    A high half followed by a low half becomes the character they encode.  Containers are copied, never
    changed; the walk is iterative, since parsed JSON can nest deeper than Python's stack.
    """
    if isinstance(value, str):
        return _replace_surrogates(value)
    if not isinstance(value, dict | list):
        return value
    root = _copy_container(value)
    stack: list[dict[Any, Any] | list[Any]] = [root]
    while stack:
        container = stack.pop()
        keys: Iterable[Any] = list(container) if isinstance(container, dict) else range(len(container))
        for key in keys:
            item = container[key]
            if isinstance(item, str):
                container[key] = _replace_surrogates(item)
            elif isinstance(item, dict | list):
                container[key] = copy = _copy_container(item)
                stack.append(copy)
    return root


def _copy_container(value: dict[Any, Any] | list[Any]) -> dict[Any, Any] | list[Any]:
    if isinstance(value, list):
        return list(value)
    return {(_replace_surrogates(k) if isinstance(k, str) else k): v for k, v in value.items()}


def _replace_surrogates(text: str) -> str:
    if not _SURROGATE.search(text):
        return text
    # UTF-16 code units again, then decoded: pairs join, a lone half becomes U+FFFD.
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _decode_entities(text: str) -> str:
    # Only entities with their ';': html.unescape alone would also turn "&not" in "&nothing" into "¬".
    while True:
        decoded = _ENTITY.sub(lambda m: html.unescape(m.group()), text)
        if decoded == text:
            return text
        text = decoded


def _drop_stray_ampersands(text: str) -> str:
    """Keep ``&`` joining two words (``AT&T``, ``لايف&ستايل``) or between Latin words (``S & P``)."""
    kept: list[str] = []
    start = 0
    for i in _find_all(text, "&"):
        before = text[i - 1] if i > 0 else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if before.isalnum() and after.isalnum():
            continue
        left, right = text[:i].rstrip(" "), text[i + 1 :].lstrip(" ")
        if left and right and _LATIN_ALNUM.match(left[-1]) and _LATIN_ALNUM.match(right[0]):
            continue
        kept.append(text[start:i])
        start = i + 1
    kept.append(text[start:])
    return "".join(kept)


def _find_all(text: str, char: str) -> Iterator[int]:
    i = text.find(char)
    while i != -1:
        yield i
        i = text.find(char, i + 1)


def single_line(text: str) -> str:
    """``clean_text`` on one line: a metadata field (title, source, URL) as every reader keeps it."""
    return " ".join(clean_text(text).split())
