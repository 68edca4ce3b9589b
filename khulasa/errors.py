"""Khulasa's exceptions: each carries the bad value, a fix, and the CLI exit code it maps to.

Exit codes (documented in the README): 1 internal error, 2 bad usage or options, 3 no readable input,
4 an unreadable file, 5 no Arabic text, 6 cannot write the output, 7 an interrupted or failed batch
run (see ``khulasa stories``), 8 an output that would replace or delete what Khulasa did not write.  The HTTP service maps the same classes to its one error shape.
"""

from __future__ import annotations

from collections.abc import Sequence


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
        super().__init__(f"cannot read {path}: {reason}{tried}")
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
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path
        self.reason = reason


class OutputRefusedError(KhulasaError):
    """Writing the output would replace or delete something Khulasa did not write (a directory that is
    not one of its sites, an input); nothing was changed."""

    exit_code = 8
    code = "output_refused"

    def __init__(self, path: str, reason: str, *, hint: str | None = None) -> None:
        super().__init__(f"refusing to write {path}: {reason}", hint=hint)
        self.path = path
        self.reason = reason


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
