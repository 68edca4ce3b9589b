"""``khulasa summarize PATH... [--words N | --sentences N] [--format F] [-o FILE]``."""

from __future__ import annotations

import argparse
import logging
import sys

from khulasa.atomic import write_atomically
from khulasa.render import FORMATS, render


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "summarize",
        help="summarize one story told by several articles",
        description=(
            "Summarize Arabic news articles about one story. PATH may be files (.txt, .json, .jsonl, "
            "TREC <DOC>, .html), directories (read recursively) or '-' for stdin."
        ),
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="input files or directories, '-' for stdin")
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--words", type=int, help="word budget (default 120)")
    budget.add_argument("--sentences", type=int, help="sentence budget")
    parser.add_argument(
        "--format", "-f", choices=list(FORMATS), default="text", help="output format (default text)"
    )
    parser.add_argument("--timeline", action="store_true", help="add the story's dated events")
    parser.add_argument("--key-terms", action="store_true", help="add key actors, places and phrases")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (atomically) instead of stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import khulasa
    from khulasa.options import SummaryOptions

    options = SummaryOptions(
        words=args.words, sentences=args.sentences, timeline=args.timeline, key_terms=args.key_terms
    )
    articles = khulasa.load(args.paths)
    summary = khulasa.summarize(articles, options=options)
    if not summary.sentences:
        # Not an error (the budget is respected), but an empty stdout must not look like success.
        logging.getLogger("khulasa").warning(
            "the summary is empty: no sentence of the input fits in %s; try a larger --words or --sentences 1",
            f"{options.words} words" if options.words else f"{options.sentences} sentences",
        )
    content = render(summary, args.format)
    if args.output:
        write_atomically(args.output, content)
    else:
        sys.stdout.write(content)
        sys.stdout.flush()
    return 0
