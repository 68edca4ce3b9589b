"""``khulasa stories INPUT... [-o OUT] [--format jsonl|html|text] [--engine embedded|spark] [--resume] [--watch DIR]``.

Groups a stream of articles into stories and writes one summary (with timeline and actors) per story.
With ``-o`` the run keeps its state in ``OUT.state/`` until it succeeds, so ``--resume`` can continue a
killed run; the output appears atomically at the end.  Without ``-o``, JSONL streams to stdout as
stories close.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from khulasa.errors import InvalidOptionsError

ENGINES = ("embedded", "spark")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from khulasa.stories.options import SINGLETON_MODES, StoryOptions
    from khulasa.stories.output import FORMATS

    defaults = StoryOptions()
    parser = sub.add_parser(
        "stories",
        help="group a news stream into stories, each with a summary, timeline and actors",
        description=(
            "Find the stories in many Arabic news articles (directories, .tar.gz/.zip archives, JSONL, "
            "TREC files or '-' for stdin): copies are folded, articles are clustered in a time window, "
            "and each story gets an attributed summary, a timeline and its key actors."
        ),
    )
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help="files, directories, archives, '-' for stdin")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="write here atomically (a directory for --format html); default stdout")
    parser.add_argument("--format", "-f", choices=FORMATS, default="jsonl", help="output format (default jsonl)")
    parser.add_argument("--engine", choices=ENGINES, default="embedded",
                        help="embedded (default, this machine) or spark (needs the [spark] extra)")
    parser.add_argument("--window-days", type=int, default=defaults.window_days, metavar="N",
                        help=f"a story closes after N days without news (default {defaults.window_days})")
    parser.add_argument("--threshold", type=float, default=defaults.threshold, metavar="X",
                        help=f"cosine similarity to join a story, 0-1 (default {defaults.threshold})")
    parser.add_argument("--min-size", type=int, default=defaults.min_size, metavar="N",
                        help="write only stories with at least N articles (default 1)")
    parser.add_argument("--max-size", type=int, default=defaults.max_size, metavar="N",
                        help=f"close a story at N articles (default {defaults.max_size})")
    parser.add_argument("--words", type=int, default=defaults.words, metavar="N",
                        help=f"summary length per story in words (default {defaults.words})")
    parser.add_argument("--summary-articles", type=int, default=defaults.summary_articles, metavar="N",
                        help=f"summarize a story from at most N of its articles (default {defaults.summary_articles})")
    parser.add_argument("--singletons", choices=SINGLETON_MODES, default=defaults.singletons,
                        help="summary of one-article stories: its lead (default) or the full summarizer")
    parser.add_argument("--no-timeline", action="store_true", help="leave out the timelines")
    parser.add_argument("--no-actors", action="store_true", help="leave out the key actors, places and phrases")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run with the same -o")
    parser.add_argument("--state-dir", metavar="DIR", help="where the run keeps its state (default OUT.state)")
    parser.add_argument("--watch", metavar="DIR",
                        help="follow a directory: new JSONL files are clustered as they arrive (Ctrl-C stops)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="compute features and summaries in N processes (embedded engine; default 1)")
    parser.add_argument("--spark-master", metavar="URL", help="Spark master (default: spark-submit's or local[*])")
    parser.set_defaults(func=run)


def story_options(args: argparse.Namespace) -> Any:
    from khulasa.stories.options import StoryOptions

    return StoryOptions(
        window_days=args.window_days,
        threshold=args.threshold,
        min_size=args.min_size,
        max_size=args.max_size,
        words=args.words,
        summary_articles=args.summary_articles,
        singletons=args.singletons,
        timeline=not args.no_timeline,
        key_terms=not args.no_actors,
    )


def run(args: argparse.Namespace) -> int:
    from khulasa.stories.engine import StoryRun

    options = story_options(args)
    if args.format == "html" and not args.output:
        raise InvalidOptionsError("format", "html", "an HTML site is a directory", hint="give -o DIR")
    if not args.inputs and not args.watch:
        raise InvalidOptionsError("inputs", [], "nothing to read", hint="give files, directories, '-' or --watch DIR")
    if args.watch and args.inputs:
        raise InvalidOptionsError("watch", args.watch, "give inputs or --watch DIR, not both")
    if args.resume and not (args.output or args.state_dir):
        raise InvalidOptionsError("resume", True, "a run to resume is found by its output",
                                  hint="give the same -o OUT (or --state-dir) as the interrupted run")
    if args.workers < 1:
        raise InvalidOptionsError("workers", args.workers, "must be at least 1")
    temporary = not (args.output or args.state_dir)
    workdir = Path(args.state_dir or (f"{args.output}.state" if args.output else tempfile.mkdtemp(
        prefix="khulasa-stories-")))
    stream = args.format == "jsonl" and not args.output
    on_story = _print_record if stream else None
    progress = _progress(args)
    try:
        with progress:
            if args.watch:
                report = _watch(args, options, workdir, progress, on_story)
            elif args.engine == "spark":
                from khulasa import spark_engine

                report = spark_engine.run_batch(
                    args.inputs, options, workdir, resume=args.resume, master=args.spark_master,
                    progress=progress, on_story=on_story,
                )
            else:
                report = StoryRun(
                    args.inputs, options, workdir, resume=args.resume, progress=progress,
                    on_story=on_story, workers=args.workers,
                ).run()
        _publish(args, workdir, report)
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)
    if not args.quiet:
        for line in report.lines():
            print(f"khulasa: {line}", file=sys.stderr)
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _watch(args: argparse.Namespace, options: Any, workdir: Path, progress: Any, on_story: Any) -> Any:
    if args.engine == "spark":
        from khulasa import spark_engine

        return spark_engine.run_watch(args.watch, options, workdir, master=args.spark_master,
                                      progress=progress, on_story=on_story)
    from khulasa.stories.stream import watch_directory

    return watch_directory(args.watch, options, workdir, progress=progress, on_story=on_story)


def _print_record(record: dict[str, Any]) -> None:
    import json

    sys.stdout.write(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
    sys.stdout.flush()


def _publish(args: argparse.Namespace, workdir: Path, report: Any) -> None:
    from khulasa.stories import output
    from khulasa.stories.engine import STORIES_FILE

    stories = workdir / STORIES_FILE
    if not stories.exists():
        stories.touch()
    lines = report.lines()
    if args.format == "jsonl":
        if args.output:
            output.publish_jsonl(stories, args.output)
    elif args.format == "html":
        output.publish_html(stories, args.output, report.to_dict(), lines)
    else:
        text = output.publish_text(stories, args.output)
        if text is not None:
            sys.stdout.write(text)
            sys.stdout.flush()


class _RichProgress:
    """A rich progress bar on stderr with articles/s; ``phase`` starts a new task.

    Counts are handed to rich at most every ``REFRESH`` seconds: the engine reports every article.
    """

    REFRESH = 0.2

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} articles/s"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
        )
        self._task: Any = None
        self._pending = 0
        self._last = 0.0

    def __enter__(self) -> _RichProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._flush()
        self._progress.stop()

    def phase(self, name: str, total: int | None = None) -> None:
        self._flush()
        if self._task is not None:
            done = self._progress.tasks[-1].completed
            self._progress.update(self._task, total=done, completed=done)
            self._progress.stop_task(self._task)
        self._task = self._progress.add_task(name, total=total, rate="-")

    def advance(self, n: int = 1) -> None:
        self._pending += n
        now = time.monotonic()
        if now - self._last >= self.REFRESH:
            self._flush()
            self._last = now

    def _flush(self) -> None:
        if self._task is None or not self._pending:
            return
        self._progress.advance(self._task, self._pending)
        self._pending = 0
        speed = self._progress.tasks[-1].speed
        if speed:
            self._progress.update(self._task, rate=f"{speed:,.0f}")


class _QuietProgress:
    def __enter__(self) -> _QuietProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


def _progress(args: argparse.Namespace) -> Any:
    if args.quiet or not sys.stderr.isatty():
        return _QuietProgress()
    return _RichProgress()
