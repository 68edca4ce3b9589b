"""``khulasa eval DATASET [--systems ...] [--budget ...] [--limit N] [--format markdown|json] [-o FILE]``."""

from __future__ import annotations

import argparse
import sys

DEFAULT_BUDGETS = {"easc": "ref", "ant-bbc": "1s"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "eval",
        help="score Khulasa and baselines with Arabic ROUGE",
        description=(
            "Summarize every item of a dataset with each system and report ROUGE-1/2/L (recall, precision, "
            "F, mean over references, then over items) and seconds. DATASET is easc, ant-bbc (read from "
            "--data-root) or a folder with inputs/<cluster>/ and references/<cluster>/. See docs/eval.md."
        ),
    )
    parser.add_argument("dataset", metavar="DATASET", help="easc, ant-bbc, or a generic evaluation folder")
    parser.add_argument(
        "--data-root", metavar="PATH", help="where easc/ and ant-corpus-v2.1.tar.gz are (default ../shared/data)"
    )
    parser.add_argument(
        "--systems",
        default="khulasa,lead,random",
        help="comma-separated: khulasa, lead, random[:SEED], lexrank, textrank, lsa, luhn, sumbasic, kl, "
        "or 'all' (sumy methods need the [bench] extra; default %(default)s)",
    )
    parser.add_argument(
        "--budget",
        help="'ref' (each item's mean reference length in words), N or Nw (words), Ns (sentences); "
        "default: ref for easc and folders, 1s for ant-bbc",
    )
    parser.add_argument("--limit", type=int, metavar="N", help="a deterministic sample of N items")
    parser.add_argument("--stem", action="store_true", help="stem tokens before ROUGE (Snowball Arabic)")
    parser.add_argument(
        "--format", "-f", choices=("markdown", "json"), default="markdown", help="output format (default markdown)"
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write here (atomically) instead of stdout")
    parser.set_defaults(func=run)


def parse_systems(text: str) -> list[str]:
    from khulasa.eval.systems import SYSTEM_NAMES, get_system

    names = list(SYSTEM_NAMES) if text.strip() == "all" else [s.strip() for s in text.split(",") if s.strip()]
    for name in names:
        get_system(name)  # an unknown name fails here, listing the valid ones
    return names


def run(args: argparse.Namespace) -> int:
    from khulasa.atomic import write_atomically
    from khulasa.errors import InvalidOptionsError
    from khulasa.eval import datasets
    from khulasa.eval import report as evaluate

    if args.limit is not None and args.limit < 1:
        raise InvalidOptionsError("limit", args.limit, "must be at least 1")
    systems = parse_systems(args.systems)
    budget = evaluate.parse_budget(args.budget or DEFAULT_BUDGETS.get(args.dataset, "ref"))
    items = datasets.load_dataset(args.dataset, args.data_root, limit=args.limit)
    command = f"khulasa eval {args.dataset} --systems {','.join(systems)} --budget {budget}"
    command += f" --data-root {args.data_root}" if args.data_root else ""
    command += f" --limit {args.limit}" if args.limit else ""
    command += " --stem" if args.stem else ""
    report = evaluate.run(args.dataset, items, systems, budget, stem=args.stem, extra={"command": command})
    content = report.render(args.format)
    if args.output:
        write_atomically(args.output, content)
    else:
        sys.stdout.write(content)
        sys.stdout.flush()
    return 0
