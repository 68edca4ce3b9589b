"""Check the labelled ANT dev windows (``ant-YYYY-MM-DD_DD.jsonl``) against the archive.

Each file holds one line per article of its window: ``{"id", "date", "outlet", "event", "story", "kind"}``.
Checked: the fields and their forms; each id once; each event in exactly one story and of one kind; every
date inside the window named by the file and outside the held-out span 2018-06-10..2018-06-20; and, against
the archive, that each id exists with that date and outlet and that every article of the window is labelled.

    python benchmarks/data/stories_dev/check.py [--corpus ANT.tar.gz] [--stats] [FILE.jsonl | DIR ...]

A directory stands for its window files (``ant-*.jsonl``), e.g. ``benchmarks/data/stories_check``.

Exit status 0 when every file passes, 1 otherwise (one line per problem on stderr), 2 without the archive.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

from khulasa.ingest import iter_articles  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "ant-corpus-v2.1.tar.gz"
HELD_OUT = (dt.date(2018, 6, 10), dt.date(2018, 6, 20))
FIELDS = ("id", "date", "outlet", "event", "story", "kind")
KINDS = ("news", "non-news")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EVENT = re.compile(r"^(\d{4}-\d{2}-\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")
WINDOW = re.compile(r"^ant-(\d{4})-(\d{2})-(\d{2})_(\d{2})$")


def window_of(path: Path) -> tuple[dt.date, dt.date]:
    m = WINDOW.match(path.stem)
    if not m:
        raise ValueError(f"{path.name}: window files are named ant-YYYY-MM-DD_DD.jsonl")
    year, month, first, last = (int(g) for g in m.groups())
    return dt.date(year, month, first), dt.date(year, month, last)


def read_rows(path: Path, problems: list[str]) -> list[dict[str, str]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{n}: not JSON ({exc.msg})")
            continue
        if not isinstance(row, dict) or tuple(sorted(row)) != tuple(sorted(FIELDS)):
            problems.append(f"{path.name}:{n}: fields must be exactly {', '.join(FIELDS)}")
            continue
        rows.append(row)
    return rows


def check_labels(path: Path, rows: list[dict[str, str]], problems: list[str]) -> None:
    first, last = window_of(path)
    if not (last < HELD_OUT[0] or first > HELD_OUT[1]):
        problems.append(f"{path.name}: window {first}..{last} touches the held-out span")
    seen: Counter[str] = Counter(r["id"] for r in rows)
    problems += [f"{path.name}: {i} labelled {c} times" for i, c in seen.items() if c > 1]
    story_of: dict[str, set[str]] = defaultdict(set)
    kind_of: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        story_of[r["event"]].add(r["story"])
        kind_of[r["event"]].add(r["kind"])
        date = dt.date.fromisoformat(r["date"])
        if not first <= date <= last:
            problems.append(f"{path.name}: {r['id']} dated {date}, outside {first}..{last}")
        if not r["id"].endswith(date.strftime("-%Y%m%d")):
            problems.append(f"{path.name}: {r['id']} does not carry its date {date}")
        if r["kind"] not in KINDS:
            problems.append(f"{path.name}: {r['id']} kind {r['kind']!r} is not one of {KINDS}")
        if not EVENT.match(r["event"]):
            problems.append(f"{path.name}: event {r['event']!r} is not YYYY-MM-DD-slug")
        if not SLUG.match(r["story"]):
            problems.append(f"{path.name}: story {r['story']!r} is not a slug")
    problems += [f"{path.name}: event {e} is in several stories {sorted(s)}" for e, s in story_of.items() if len(s) > 1]
    problems += [f"{path.name}: event {e} has several kinds" for e, k in kind_of.items() if len(k) > 1]


def check_against_archive(files: dict[Path, list[dict[str, str]]], corpus: Path, problems: list[str]) -> None:
    windows = {path: window_of(path) for path in files}
    in_window: dict[Path, dict[str, tuple[str, str]]] = {path: {} for path in files}
    known: dict[str, tuple[str, str]] = {}
    for a in iter_articles(str(corpus)):
        if a.date is None:
            continue
        known[a.id] = (a.date.isoformat(), a.source)
        for path, (first, last) in windows.items():
            if first <= a.date <= last:
                in_window[path][a.id] = known[a.id]
    for path, rows in files.items():
        labelled = {r["id"] for r in rows}
        for r in rows:
            if r["id"] not in known:
                problems.append(f"{path.name}: {r['id']} is not in the archive")
            elif known[r["id"]] != (r["date"], r["outlet"]):
                problems.append(f"{path.name}: {r['id']} is {known[r['id']]} in the archive, labelled "
                                f"{(r['date'], r['outlet'])}")
        missing = sorted(set(in_window[path]) - labelled)
        if missing:
            problems.append(f"{path.name}: {len(missing)} articles of the window are not labelled: "
                            f"{', '.join(missing[:10])}{' ...' if len(missing) > 10 else ''}")


def stats(path: Path, rows: list[dict[str, str]]) -> str:
    events = Counter(r["event"] for r in rows)
    stories = Counter(r["story"] for r in rows)
    outlets = Counter(r["outlet"] for r in rows)
    categories = Counter(r["id"].split("-")[1] for r in rows)
    first, last = window_of(path)
    return (f"| {path.stem} | {first}..{last} | {len(rows)} | {len(events)} | "
            f"{sum(c == 1 for c in events.values())} | {len(stories)} | {sum(c == 1 for c in stories.values())} | "
            f"{sum(r['kind'] == 'non-news' for r in rows)} | {max(events.values())} | {max(stories.values())} | "
            f"{', '.join(f'{k} {v}' for k, v in sorted(outlets.items()))} | "
            f"{', '.join(f'{k} {v}' for k, v in sorted(categories.items()))} |")


def window_files(paths: list[Path]) -> list[Path]:
    """``paths`` with each directory replaced by its window files (``ant-*.jsonl``, sorted)."""
    return [f for p in paths for f in (sorted(p.glob("ant-*.jsonl")) if p.is_dir() else [p])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path,
                        help="window files or directories of them (default: all in this directory)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help=f"the ANT archive (default {CORPUS})")
    parser.add_argument("--stats", action="store_true", help="print a Markdown table of counts per window")
    args = parser.parse_args(argv)
    if not args.corpus.is_file():
        print(f"check: no archive at {args.corpus} (give --corpus)", file=sys.stderr)
        return 2
    paths = window_files(args.files or [HERE])
    problems: list[str] = []
    files = {}
    for path in paths:
        rows = read_rows(path, problems)
        check_labels(path, rows, problems)
        files[path] = rows
    check_against_archive(files, args.corpus, problems)
    if args.stats:
        print("| window | dates | articles | events | singleton events | stories | singleton stories | "
              "non-news | largest event | largest story | outlets | categories |")
        print("|---|---|---|---|---|---|---|---|---|---|---|---|")
        for path, rows in files.items():
            print(stats(path, rows))
    for p in problems:
        print(f"check: {p}", file=sys.stderr)
    print(f"check: {sum(len(r) for r in files.values())} labels in {len(files)} files, "
          f"{len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
