"""``khulasa stories INPUT... [-o OUT] [--format jsonl|html|text] [--engine embedded|spark] [--resume] [--watch DIR]``.

``--spark-env ARCHIVE`` / ``--spark-zip`` say what the Spark engine ships to a cluster's executors
(``khulasa.stories.shipping``).

Groups a stream of articles into stories and writes one summary (with timeline and actors) per story.
With ``-o`` the run keeps its state in ``OUT.state/`` until it succeeds, so ``--resume`` can continue a
killed run; the output appears atomically at the end.  Without ``-o``, JSONL streams to stdout as
stories close.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from khulasa.errors import InvalidOptionsError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from khulasa.stories.engines import ENGINES
    from khulasa.stories.options import CLUSTERERS, SINGLETON_MODES, StoryOptions
    from khulasa.stories.output import FORMATS

    defaults = StoryOptions()
    parser = sub.add_parser(
        "stories",
        help="group a news stream into stories, each with a summary, timeline and actors",
        description=(
            "Find the stories in many Arabic news articles (directories, .tar.gz/.zip archives, JSONL, "
            "TREC files or '-' for stdin): copies are folded, articles are grouped into events inside "
            "stories, and each story gets an attributed summary, a timeline of its events and its key actors."
        ),
    )
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help="files, directories, archives, '-' for stdin")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="write here atomically (a directory for --format html); default stdout")
    parser.add_argument("--format", "-f", choices=FORMATS, default="jsonl", help="output format (default jsonl)")
    parser.add_argument("--engine", choices=tuple(ENGINES), default="embedded",
                        help="embedded (default, this machine) or spark (needs the [spark] extra)")
    parser.add_argument("--window-days", type=int, default=defaults.window_days, metavar="N",
                        help=f"flat clusterer: a story closes after N days without news (default {defaults.window_days})")
    parser.add_argument("--threshold", type=float, default=defaults.threshold, metavar="X",
                        help=f"flat clusterer: cosine similarity to join a story, 0-1 (default {defaults.threshold})")
    parser.add_argument("--min-size", type=int, default=defaults.min_size, metavar="N",
                        help="write only stories with at least N articles (default 1)")
    parser.add_argument("--max-size", type=int, default=defaults.max_size, metavar="N",
                        help=f"flat clusterer: close a story at N articles (default {defaults.max_size})")
    parser.add_argument("--words", type=int, default=defaults.words, metavar="N",
                        help=f"summary length per story in words (default {defaults.words})")
    parser.add_argument("--summary-articles", type=int, default=defaults.summary_articles, metavar="N",
                        help=f"summarize a story from at most N of its articles (default {defaults.summary_articles})")
    parser.add_argument("--singletons", choices=SINGLETON_MODES, default=defaults.singletons,
                        help="summary of one-article stories: its lead (default) or the full summarizer")
    parser.add_argument("--clusterer", choices=tuple(CLUSTERERS), default=defaults.clusterer,
                        help=f"how articles are grouped, in every engine: trees (events inside stories) or flat (one level; "
                             f"default {defaults.clusterer})")
    parser.add_argument("--event-words", type=int, default=defaults.event_words, metavar="N",
                        help=f"summary length per event in words (default {defaults.event_words})")
    parser.add_argument("--since", metavar="DATE",
                        help="say in every record what is new from DATE (YYYY-MM-DD) on: new_events and an "
                             "update_summary of what the articles from then on add")
    parser.add_argument("--update", metavar="DIR",
                        help="add the inputs to the stories saved in DIR by earlier --update runs (started there "
                             "when DIR is new; the trees clusterer): writes the stories that changed, each with "
                             "new_events and an update_summary of what its new articles add; with --watch, "
                             "each new file is an update run and DIR is saved after it (both engines)")
    parser.add_argument("--quotes", action="store_true",
                        help="who said what: each story (and event) gets its quotes with speakers and sources")
    parser.add_argument("--compare", action="store_true",
                        help="outlet comparison per story and event: coverage, what only one outlet carries, "
                             "figures the outlets give differently")
    parser.add_argument("--no-timeline", action="store_true", help="leave out the timelines")
    parser.add_argument("--no-actors", action="store_true", help="leave out the key actors, places and phrases")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run with the same -o")
    parser.add_argument("--state-dir", metavar="DIR", help="where the run keeps its state (default OUT.state)")
    parser.add_argument("--watch", metavar="DIR",
                        help="follow a directory: new JSONL files are clustered as they arrive (Ctrl-C or SIGTERM "
                             "closes and writes the open stories)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="compute features and summaries in N processes (embedded engine; default: the "
                             f"usable cores, here {usable_cores()}; 1 for one process)")
    parser.add_argument("--spark-master", metavar="URL", help="Spark master (default: spark-submit's or local[*])")
    parser.add_argument("--spark-env", metavar="ARCHIVE",
                        help="a packed environment (venv-pack/conda-pack .tar.gz, .tgz or .zip) whose Python "
                             "the Spark executors run; default: the nodes' PYSPARK_PYTHON (docs/stories.md)")
    parser.add_argument("--spark-zip", choices=("auto", "always", "never"), default="auto",
                        help="ship this khulasa to the executors as a zip: auto (default) when the master is "
                             "not local")
    parser.set_defaults(func=run)


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the machine's count)."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13
    if count is not None:
        n = count()
    elif hasattr(os, "sched_getaffinity"):
        n = len(os.sched_getaffinity(0))
    else:
        n = os.cpu_count()
    return max(1, n or 1)


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
        clusterer=args.clusterer,
        event_words=args.event_words,
        since=args.since,
        timeline=not args.no_timeline,
        key_terms=not args.no_actors,
        quotes=args.quotes,
        compare=args.compare,
    )


def run(args: argparse.Namespace) -> int:
    from khulasa.stories import engines
    from khulasa.stories.run import Inputs, RunOutput
    from khulasa.stories.workdir import remove_state, state_lock

    options = story_options(args)
    if args.format == "html" and not args.output:
        raise InvalidOptionsError("format", "html", "an HTML site is a directory", hint="give -o DIR")
    inputs = Inputs(tuple(args.inputs), watch=args.watch)
    if args.resume and not (args.output or args.state_dir):
        raise InvalidOptionsError("resume", True, "a run to resume is found by its output",
                                  hint="give the same -o OUT (or --state-dir) as the interrupted run")
    if args.resume and (inputs.watch or inputs.stdin):
        raise InvalidOptionsError("resume", True, "a run that reads stdin or --watch cannot be resumed",
                                  hint="its input is gone: start it over")
    if args.update and args.resume:
        raise InvalidOptionsError("update", args.update, "an update run cannot be resumed",
                                  hint="run it again: the saved stories are only changed by a run that succeeds")
    if args.update and args.engine != "embedded" and not inputs.watch:
        raise InvalidOptionsError("update", args.update, "an update run over files runs on the embedded engine",
                                  hint="leave out --engine, or follow a directory with --watch DIR")
    settings = engines.EngineSettings(workers=usable_cores() if args.workers is None else args.workers,
                                      master=args.spark_master, shipping=_shipping(args))
    engine = engines.get(args.engine, settings)
    target = os.path.abspath(args.output) if args.output else None
    workdir = Path(os.path.abspath(args.state_dir)) if args.state_dir else Path(f"{target}.state") if target else None
    _refuse_unsafe_paths(args, target, workdir)
    temporary = workdir is None
    if workdir is None:
        workdir = Path(tempfile.mkdtemp(prefix="khulasa-stories-"))
    on_story = _print_line if args.format == "jsonl" and not args.output else None
    update = Path(os.path.abspath(args.update)) if args.update else None
    output = RunOutput(workdir, resume=args.resume, on_story=on_story, update=update if inputs.watch else None)
    try:
        # Held until the state is removed: no other run may take the directory over before that.
        with state_lock(workdir):
            with _progress(args) as progress:
                if update is not None and not inputs.watch:
                    from khulasa.stories.update import run_update

                    report = run_update(inputs, options, output, update, progress)
                else:
                    report = engine.run(inputs, options, output, progress)
            _publish(args, workdir, report)
            remove_state(workdir)
    finally:
        if temporary:
            remove_state(workdir)
    if not args.quiet:
        for line in report.lines():
            print(f"khulasa: {line}", file=sys.stderr)
    return 0


def _shipping(args: argparse.Namespace) -> Any:
    """What the Spark engine ships to the executors (None for the embedded engine), checked before any
    state is written."""
    if args.engine != "spark":
        if args.spark_env:
            raise InvalidOptionsError("spark_env", args.spark_env, "ships an environment to Spark executors",
                                      hint="add --engine spark")
        return None
    from khulasa.stories.shipping import Shipping

    return Shipping(env=args.spark_env, zip=args.spark_zip)


def _refuse_unsafe_paths(args: argparse.Namespace, target: str | None, workdir: Path | None) -> None:
    """Before anything is written: never replace or delete what we did not write.

    ``-o`` and the state directory must not be an input, inside one or hold one, nor inside each other;
    a site replaces only a previous site; the state directory holds nothing but a run's state.
    """
    from khulasa.errors import OutputError, OutputRefusedError
    from khulasa.stories import output
    from khulasa.stories.workdir import is_state_dir

    sources = [p for p in [*args.inputs, args.watch] if p and p != "-"]
    places = [(args.update, os.path.abspath(args.update), "the --update directory")] if args.update else []
    if target:
        places.append((args.output, target, "it"))
    if workdir is not None:
        places.append((args.state_dir or str(workdir), str(workdir), "its state directory"))
    for shown, path, what in places:
        real = Path(os.path.realpath(path))
        for source in sources:
            relation = _relation(real, Path(os.path.realpath(source)))
            if relation:
                raise OutputRefusedError(shown, f"{what} {relation} the input {source}",
                                         hint="write the output outside the inputs")
    if target and workdir and _relation(Path(os.path.realpath(target)), Path(os.path.realpath(workdir))):
        raise OutputRefusedError(args.output, f"it and the state directory {workdir} overlap",
                                 hint="give another --state-dir")
    if workdir is not None and not is_state_dir(workdir):
        raise OutputRefusedError(str(workdir), "the state directory holds files that are not a khulasa run's state",
                                 hint="give a new or empty --state-dir: it is deleted when the run ends")
    if target is None:
        return
    if args.format == "html":
        output.check_site_target(Path(os.path.realpath(target)), shown=args.output)
    elif os.path.isdir(target):
        raise OutputError(args.output, "is a directory (a site needs -f html)")


def _relation(path: Path, other: Path) -> str | None:
    """How ``path`` and ``other`` (both resolved) overlap, in words; None when they do not."""
    if path == other:
        return "is"
    if other in path.parents:
        return "is inside"
    if path in other.parents:
        return "holds"
    return None


def _print_line(line: str) -> None:
    """A story record on stdout, as it is written (the run's JSONL line)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _publish(args: argparse.Namespace, workdir: Path, report: Any) -> None:
    from khulasa.stories import output
    from khulasa.stories.workdir import STORIES_FILE

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


def _progress(args: argparse.Namespace) -> Any:
    from khulasa.stories.run import NoProgress

    if args.quiet or not sys.stderr.isatty():
        return NoProgress()
    return _RichProgress()
