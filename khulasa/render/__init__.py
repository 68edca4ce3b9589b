"""Output formats of a ``Summary``: text, Markdown with source footnotes, JSON, a standalone HTML page.

``render(summary, fmt)`` looks the name up in ``FORMATS``; its output always ends with a newline, ready
for stdout or a file.  Every format is a pure function of the ``Summary``: the same summary renders to
the same bytes.  ``to_dict``/``to_json`` build the one JSON document (``khulasa.render.json``) that
``--format json`` and the HTTP service publish.  A new format is a module here with a
``(Summary) -> str`` function, registered in ``FORMATS``.
"""

from __future__ import annotations

from collections.abc import Callable

from khulasa.errors import InvalidOptionsError
from khulasa.models import Summary
from khulasa.render.html import to_html
from khulasa.render.json import to_dict, to_json
from khulasa.render.markdown import to_markdown
from khulasa.render.text import to_text

__all__ = ["FORMATS", "Renderer", "render", "to_dict", "to_html", "to_json", "to_markdown", "to_text"]

Renderer = Callable[[Summary], str]
"""A format: the summary in, the document out (ending with a newline)."""


def _json_document(summary: Summary) -> str:
    return to_json(summary) + "\n"


FORMATS: dict[str, Renderer] = {
    "text": to_text,
    "markdown": to_markdown,
    "json": _json_document,
    "html": to_html,
}
"""Output format name -> renderer; every renderer's output ends with a newline."""


def render(summary: Summary, fmt: str) -> str:
    """Render in the named format; an unknown name raises ``InvalidOptionsError`` listing the valid ones."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise InvalidOptionsError(
            "format", fmt, "unknown output format", hint=f"valid formats: {', '.join(FORMATS)}"
        ) from None
    return renderer(summary)
