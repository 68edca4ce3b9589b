"""``khulasa`` command line: a thin layer over the library.

Each verb lives in its own module (``summarize``, ``stories``, ``eval``, ``serve``) with
``register(subparsers)`` that adds its parser and sets ``func``.  Library errors become one line on
stderr and the exit code documented in ``khulasa.errors``; logs go to stderr, results to stdout or ``-o``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from khulasa import __version__
from khulasa.errors import KhulasaError

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


if __name__ == "__main__":
    sys.exit(main())
