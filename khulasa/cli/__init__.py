"""``khulasa`` command line: a thin layer over the library.

Each verb lives in its own module (``summarize``, ``stories``, ``eval``, ``serve``) with
``register(subparsers)`` that adds its parser and sets ``func``.  Library errors become one line on
stderr and the exit code documented in ``khulasa.errors``; logs go to stderr, results to stdout or ``-o``.
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys
import traceback
from collections.abc import Sequence

from khulasa import __version__
from khulasa.errors import KhulasaError, OutputError

VERBS = ("summarize", "stories", "eval", "serve")


def build_parser() -> argparse.ArgumentParser:
    from khulasa.cli import eval as eval_cmd
    from khulasa.cli import serve, stories, summarize

    parser = argparse.ArgumentParser(
        prog="khulasa",
        description="Attributed Arabic multi-document news summaries.",
    )
    parser.add_argument("--version", action="version", version=f"khulasa {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging on stderr")
    sub = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for module in (summarize, stories, eval_cmd, serve):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
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
