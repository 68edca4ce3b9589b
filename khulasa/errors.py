"""Khulasa's exceptions: each carries the bad value, a fix, and the CLI exit code it maps to.

``EXIT_CODES`` is the table of every exit code the CLI uses; the README's table is the same (a test checks
the two agree).  The HTTP service maps the same classes to its one error shape.  ``printable`` is how a
file or archive member name is shown anywhere (messages, logs, reports): never raw terminal controls.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType

EXIT_CODES: Mapping[int, str] = MappingProxyType({
    0: "success",
    1: "internal error (a bug: please report it)",
    2: "bad usage or options (e.g. `--words 0`, both `--words` and `--sentences`), or a feature whose extra "
       "is not installed",
    3: "no readable input (no files, empty directories, every file skipped)",
    4: "a path named on the command line is missing or cannot be read or decoded (the message names it)",
    5: "no Arabic text in the input",
    6: "the output cannot be written",
    7: "a `khulasa stories` run cannot start or resume from its saved state (an earlier run's state without "
       "`--resume`, other inputs or options, an unreadable state, another run using it)",
    8: "refused: the output would replace or delete what Khulasa did not write (a non-empty directory that is "
       "not a Khulasa site, an input, the current directory); nothing was changed",
    130: "interrupted (Ctrl-C)",
})
"""Every exit code of the ``khulasa`` command and what it means, as the README's table lists them."""

_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f"  # C0 controls (ESC starts terminal sequences), DEL, C1 controls (CSI is \x9b)
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidi marks, embeddings, overrides, isolates
    "\u2028\u2029"  # line and paragraph separators
    "\ud800-\udfff]"  # lone surrogates: bytes of a file name that were not UTF-8 (surrogateescape)
)


def printable(name: str) -> str:
    """``name`` (a path, an archive member) safe to show on a terminal or in a log or report.

    Control characters, bidi controls and line separators become escapes (``\\x1b``, ``\\u202e``); a
    byte of the name that was not UTF-8 (which Python keeps as a lone surrogate) becomes ``\\xNN``.
    Everything else, Arabic included, is kept.  Idempotent: the escapes are plain ASCII.
    """
    return _UNPRINTABLE.sub(_escape, name)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape form of the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class KhulasaError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with, ``code`` a stable machine name."""

    exit_code = 1
    code = "internal_error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InvalidOptionsError(KhulasaError, ValueError):
    """An option is out of range or two options conflict."""

    exit_code = 2
    code = "invalid_options"

    def __init__(self, field: str, value: object, message: str, *, hint: str | None = None) -> None:
        super().__init__(f"{field}={value!r}: {message}", hint=hint)
        self.field = field
        self.value = value


class InvalidRecordError(KhulasaError, ValueError):
    """A record read strictly (``khulasa.ingest.records``, the HTTP service's articles) is wrong: ``index``
    is its place in the request, ``field`` the field at fault (``id``, ``text``, ``date``)."""

    exit_code = 2
    code = "invalid_record"

    def __init__(self, index: int, field: str, message: str) -> None:
        super().__init__(f"record {index}: {field}: {message}")
        self.index = index
        self.field = field
        self.reason = message


class NoInputError(KhulasaError):
    """Nothing readable was given: no paths, empty directories, or every file skipped."""

    exit_code = 3
    code = "no_input"


class UnreadableFileError(KhulasaError):
    """A file exists but cannot be read or decoded."""

    exit_code = 4
    code = "unreadable_file"

    def __init__(self, path: str, reason: str, encodings_tried: Sequence[str] = ()) -> None:
        tried = f"; encodings tried: {', '.join(encodings_tried)}" if encodings_tried else ""
        super().__init__(f"cannot read {printable(path)}: {printable(reason)}{tried}")
        self.path = path
        self.reason = reason
        self.encodings_tried = tuple(encodings_tried)


class NoArabicTextError(KhulasaError):
    """The input has no Arabic sentences to summarize."""

    exit_code = 5
    code = "no_arabic_text"

    def __init__(self, n_articles: int) -> None:
        super().__init__(
            f"no Arabic text found in {n_articles} article(s)",
            hint="Khulasa summarizes Arabic; check the file encoding or the input paths",
        )
        self.n_articles = n_articles


class OutputError(KhulasaError):
    """The output file or directory cannot be written."""

    exit_code = 6
    code = "output_error"

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"cannot write {printable(path)}: {printable(reason)}")
        self.path = path
        self.reason = reason


class OutputRefusedError(KhulasaError):
    """Writing the output would replace or delete something Khulasa did not write (a directory that is
    not one of its sites, an input); nothing was changed."""

    exit_code = 8
    code = "output_refused"

    def __init__(self, path: str, reason: str, *, hint: str | None = None) -> None:
        super().__init__(f"refusing to write {printable(path)}: {printable(reason)}", hint=hint)
        self.path = path
        self.reason = reason


class StoryRunError(KhulasaError):
    """A stories run cannot start or continue: a saved run that does not match or cannot be read, an
    input that changed, another run holding its state."""

    exit_code = 7
    code = "story_run_error"


class MissingExtraError(KhulasaError, ImportError):
    """An optional part was used without its extra installed."""

    exit_code = 2
    code = "missing_extra"

    def __init__(self, feature: str, extra: str, module: str) -> None:
        super().__init__(
            f"{feature} needs the '{module}' package",
            hint=f"install it with: pip install 'khulasa[{extra}]'",
        )
        self.extra = extra


def require(module: str, *, feature: str, extra: str) -> object:
    """Import an optional dependency or raise ``MissingExtraError`` with the install hint."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(feature, extra, module) from exc
