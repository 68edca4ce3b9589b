"""``khulasa`` command line: a thin layer over the library.

Each verb lives in its own module (``summarize``, ``stories``, ``eval``, ``serve``) with
``register(subparsers)`` that adds its parser and sets ``func``.  Library errors become one line on
stderr and the exit code documented in ``khulasa.errors``; logs go to stderr, results to stdout or ``-o``.
Every verb's parser shares the common options (``-v``/``--verbose``, ``-q``/``--quiet``,
``-V``/``--version``), which work before or after the verb.
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from khulasa._version import __version__
from khulasa.errors import KhulasaError, OutputError

VERBS = ("summarize", "stories", "eval", "serve")


def common_options(*, after_verb: bool) -> argparse.ArgumentParser:
    """The parent parser of the common options, shared by the top level and every verb.

    Given after the verb, ``-v`` counts into ``verbose_after`` (a verb's parser starts a fresh
    namespace, which would otherwise overwrite the count given before the verb) and ``-q`` leaves
    ``quiet`` alone unless given; ``main`` adds the two counts.
    """
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("-V", "--version", action="version", version=f"khulasa {__version__}")
    group = parent.add_argument_group("logging")
    group.add_argument(
        "-v", "--verbose", action="count", dest="verbose_after" if after_verb else "verbose", default=0,
        help="more logging on stderr (-vv: debug, and a traceback for internal errors)",
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", default=argparse.SUPPRESS if after_verb else False,
        help="errors only on stderr: no warnings, progress or report",
    )
    return parent


class VerbParser(argparse.ArgumentParser):
    """The parser of one verb: its own options plus the common options."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["parents"] = [*kwargs.get("parents", ()), common_options(after_verb=True)]
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    from khulasa.cli import eval as eval_cmd
    from khulasa.cli import serve, stories, summarize

    parser = argparse.ArgumentParser(
        prog="khulasa",
        description="Attributed Arabic multi-document news summaries.",
        parents=[common_options(after_verb=False)],
    )
    sub = parser.add_subparsers(dest="verb", metavar="VERB", required=True, parser_class=VerbParser)
    for module in (summarize, stories, eval_cmd, serve):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.verbose += getattr(args, "verbose_after", 0)
    if args.quiet and args.verbose:
        print("khulasa: error: give -q (errors only) or -v (more logging), not both", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.ERROR if args.quiet else logging.WARNING - 10 * min(args.verbose, 2),
        format="khulasa: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    # trafilatura logs "discarding data: None" for every page without main text; ingest already says why.
    logging.getLogger("trafilatura").setLevel(logging.DEBUG if args.verbose >= 2 else logging.ERROR)
    try:
        return int(args.func(args) or 0)
    except KhulasaError as exc:
        print(f"khulasa: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("khulasa: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            return _internal_error(exc, args.verbose)
        # A full or read-only disk is the user's to fix, wherever the write happened (output, run state).
        error = OutputError(exc.filename or "the output", exc.strerror or str(exc))
        print(f"khulasa: error: {error}", file=sys.stderr)
        return error.exit_code
    except Exception as exc:
        return _internal_error(exc, args.verbose)


WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG})
"""OSErrors that only writing raises: they mean "cannot write the output" (exit 6), never a bug."""


def _internal_error(exc: BaseException, verbose: int) -> int:
    """A bug: one line on stderr (the traceback with -v), exit 1 — never a bare traceback."""
    if verbose:
        traceback.print_exception(exc, file=sys.stderr)
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    print(f"khulasa: error: internal error ({type(exc).__name__}{': ' + detail if detail else ''}); "
          "this is a bug, please report it with the output of -v", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
