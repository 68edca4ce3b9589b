"""``khulasa summarize PATH... [--words N | --sentences N] [--format F] [--quotes] [--compare] [--query TEXT]
[--speaker NAME] [--outlet NAME] [-o FILE]``."""

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
    who = parser.add_argument_group("who said what, how outlets differ, focus (docs/quotes.md)")
    who.add_argument("--quotes", action="store_true", help="add who said what: quotes, their speakers and sources")
    who.add_argument(
        "--compare",
        action="store_true",
        help="add the outlet comparison: outlets per sentence, what only one outlet carries, differing figures",
    )
    who.add_argument("--query", metavar="TEXT", help="focus the summary on a question or topic")
    who.add_argument(
        "--speaker", metavar="NAME", help="focus on what NAME said (with --quotes: list only NAME's quotes)"
    )
    who.add_argument("--outlet", metavar="NAME", help="focus on what the outlet NAME reports")
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (atomically) instead of stdout")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import khulasa
    from khulasa.options import SummaryOptions

    options = SummaryOptions(
        words=args.words,
        sentences=args.sentences,
        timeline=args.timeline,
        key_terms=args.key_terms,
        quotes=args.quotes,
        compare=args.compare,
        query=args.query,
        speaker=args.speaker,
        outlet=args.outlet,
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
