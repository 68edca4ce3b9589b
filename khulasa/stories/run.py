"""A stories run's state, shared by every engine: what it reads, where it writes, how far it got.

- ``Inputs`` and ``RunOutput``: what an engine reads (files, ``-``, or a directory to follow) and where
  it writes (a work directory, to resume or not, and a sink for each record as it is written).
- ``RunState``: the work directory's ``state.json`` (engine, inputs, options, phase), opened fresh or,
  to resume, checked against the run asked for; written atomically (``khulasa.atomic``) on every change.
  The files of the work directory, its lock and its removal are ``khulasa.stories.workdir``.
- ``story_line`` / ``record_line``: THE story record and its JSONL encoding, the per-story function every
  engine runs (in its own process, a worker or a Spark executor); ``StoryWriter`` appends the lines,
  ``ClosedStories`` counts closed stories and, on a resumed run, skips the ones already written.
- ``RunReport``, the ``Progress`` protocol and ``NoProgress``.
"""

from __future__ import annotations

import collections
import json
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from khulasa.atomic import write_atomically
from khulasa.errors import InvalidOptionsError, StoryRunError
from khulasa.ingest import IngestReport
from khulasa.models import Article, Summary
from khulasa.stories import spool
from khulasa.stories.cluster import Assignment
from khulasa.stories.options import EARLIER_DEFAULTS, StoryOptions
from khulasa.stories.story import make_story
from khulasa.stories.workdir import DATA_FILES, STATE_FILE, STORIES_FILE

STATE_VERSION = 1
PHASES = ("reading", "clustering", "done", "running", "streaming")
"""``state.json``'s phases: the embedded engine's three, the Spark engine's ``running`` and a stream's."""
SYNC_EVERY_SECONDS = 2.0
MAX_ISSUES = 1000
"""Issues inside inputs kept in the report (the count is always complete)."""
REPORT_ISSUES = 10

RESUME_HINT = "add --resume to continue it, or delete that directory to start over"
STREAM_HINT = ("a run that reads stdin or --watch cannot be resumed: delete that directory to start over"
               " (a run over files can be continued with --resume and the same inputs)")


# --- what a run reads and where it writes ------------------------------------------------------------


@dataclass(frozen=True)
class Inputs:
    """What a run reads: files, directories, archives and ``-`` (stdin), or a directory to follow."""

    paths: tuple[str, ...] = ()
    watch: str | None = None
    """A directory whose new JSONL files are read as they arrive (then ``paths`` is empty)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "paths", tuple(self.paths))
        if not self.paths and not self.watch:
            raise InvalidOptionsError("inputs", [], "nothing to read",
                                      hint="give files, directories, '-' or --watch DIR")
        if self.watch and self.paths:
            raise InvalidOptionsError("watch", self.watch, "give inputs or --watch DIR, not both")

    @property
    def stdin(self) -> bool:
        return "-" in self.paths


@dataclass(frozen=True)
class RunOutput:
    """Where a run writes: its work directory (state, spool, ``stories.jsonl``), whether to continue the
    run saved there, and ``on_story``, which gets each record's JSONL line as it is written.  ``update``:
    the directory of story trees a ``--watch`` continues and saves after each batch (``stories.update``)."""

    workdir: Path
    resume: bool = False
    on_story: Callable[[str], None] | None = None
    update: Path | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "workdir", Path(self.workdir))
        if self.update is not None:
            object.__setattr__(self, "update", Path(self.update))


# --- progress and the report ---------------------------------------------------------------------------


class Progress(Protocol):
    """Where an engine reports progress (the CLI shows a rich bar; ``NoProgress`` shows nothing)."""

    def phase(self, name: str, total: int | None = None) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class NoProgress:
    """Progress that shows nothing (a context manager, like the CLI's bar)."""

    def __enter__(self) -> NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@dataclass
class RunReport:
    """What a run did: articles read and skipped (from ingest), duplicates, stories found and written."""

    engine: str = "embedded"
    articles: int = 0
    duplicates: int = 0
    stories: int = 0
    written: int = 0
    singletons: int = 0
    largest: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)
    ingest: str = ""
    issues: list[str] = field(default_factory=list)
    """Problems inside inputs that were read (a malformed JSONL line, a document without text); the
    first ``MAX_ISSUES`` of ``n_issues``."""
    n_issues: int = 0
    seconds: float = 0.0
    read_seconds: float = 0.0
    summarize_seconds: float = 0.0
    resumed: bool = False
    stopped_by: str = ""
    """The signal that ended a stream (its open stories were then closed and written), if any."""

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "articles": self.articles,
            "skipped": len(self.skipped),
            "skipped_inputs": self.skipped,
            "duplicates": self.duplicates,
            "stories": self.stories,
            "stories_written": self.written,
            "singletons": self.singletons,
            "largest_story": self.largest,
            "ingest": self.ingest,
            "issues": self.n_issues,
            "input_issues": self.issues,
            "seconds": round(self.seconds, 2),
            "read_seconds": round(self.read_seconds, 2),
            "summarize_seconds": round(self.summarize_seconds, 2),
            "articles_per_second": round(self.articles_per_second, 1),
            "resumed": self.resumed,
            "stopped_by": self.stopped_by or None,
        }

    def lines(self) -> list[str]:
        """The final report as a few human lines (for stderr and ``report.txt``)."""
        out = [
            f"articles read: {self.articles}",
            f"inputs skipped: {len(self.skipped)}",
        ]
        reasons = collections.Counter(s.get("reason") or "unknown" for s in self.skipped)
        out += [f"  {n} {reason}" for reason, n in reasons.most_common()]
        if self.n_issues:
            out.append(f"issues inside inputs: {self.n_issues}")
            out += [f"  {issue}" for issue in self.issues[:REPORT_ISSUES]]
            if self.n_issues > REPORT_ISSUES:
                out.append(f"  ... and {self.n_issues - REPORT_ISSUES} more (in report.json)")
        out += [
            f"duplicates: {self.duplicates}",
            f"stories: {self.stories} ({self.singletons} with one article, largest {self.largest})",
            f"stories written: {self.written}",
            f"time: {self.seconds:.1f} s ({self.articles_per_second:.0f} articles/s, {self.engine} engine"
            + (", resumed" if self.resumed else "")
            + ")",
        ]
        if self.stopped_by:
            out.append(f"stopped by {self.stopped_by}: the open stories were closed and written")
        return out

    def count(self, assignment: Assignment) -> None:
        size = len(assignment.members)
        self.stories += 1
        self.singletons += size == 1
        self.largest = max(self.largest, size)
        self.duplicates += sum(1 for m in assignment.members if m.duplicate_of)

    def record_ingest(self, ingest: IngestReport) -> None:
        """Copy what ingest found (skipped inputs, issues inside inputs) into the report."""
        self.skipped = skipped_inputs(ingest)
        self.ingest = ingest.summary()
        self.issues = ingest.issues[:MAX_ISSUES]
        self.n_issues = len(ingest.issues)


def skipped_inputs(report: IngestReport) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in (("path", r.path), ("reason", r.reason), ("detail", r.detail)) if v}
        for r in report.skipped
    ]


# --- the story record -----------------------------------------------------------------------------------


def story_line(
    assignment: Assignment, articles: Sequence[Article], options: StoryOptions,
    event_summaries: Mapping[str, Summary] | None = None,
) -> str:
    """The per-story function every engine runs: the story's summary, timeline and actors as its JSONL
    line (without the newline).  ``event_summaries``: events' summaries made earlier (``make_story``)."""
    return record_line(make_story(assignment, articles, options, event_summaries=event_summaries).to_dict())


def record_line(record: dict[str, Any]) -> str:
    """A story record as its JSONL line (without the newline): the one encoding of every engine."""
    return json.dumps(record, ensure_ascii=False, allow_nan=False)


class StoryWriter:
    """Appends story lines to ``stories.jsonl``: one flushed line each, fsync'd at intervals; ``on_story``
    gets each line as written (to stream it to stdout)."""

    def __init__(self, path: Path, on_story: Callable[[str], None] | None, report: RunReport) -> None:
        self.out = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.on_story = on_story
        self.report = report
        self._last_sync = time.monotonic()

    def write(self, line: str) -> None:
        """Append a line encoded by ``record_line``."""
        self.out.write(line + "\n")
        self.out.flush()
        if time.monotonic() - self._last_sync > SYNC_EVERY_SECONDS:
            os.fsync(self.out.fileno())
            self._last_sync = time.monotonic()
        self.report.written += 1
        if self.on_story is not None:
            self.on_story(line)

    def close(self) -> None:
        if not self.out.closed:
            self.out.flush()
            os.fsync(self.out.fileno())
            self.out.close()


class ClosedStories:
    """Stories as the clusterer closes them: counted, and on a resumed run checked against the stories
    already written (clustering is deterministic, so they must come back in the same order).

    ``new`` gets each closed story of at least ``min_size`` articles that is not written yet, with its
    number among those stories.
    """

    def __init__(
        self,
        written: Sequence[str],
        min_size: int,
        report: RunReport,
        new: Callable[[Assignment, int], None],
    ) -> None:
        self.written = written
        self.min_size = min_size
        self.report = report
        self.new = new
        self.n = 0
        """Stories of at least ``min_size`` articles closed so far."""

    def place(self, closed: Iterable[Assignment]) -> None:
        for assignment in closed:
            self.report.count(assignment)
            if len(assignment.members) < self.min_size:
                continue
            if self.n < len(self.written):
                if self.written[self.n] != assignment.story_id:
                    raise StoryRunError(
                        f"story {self.n} was {self.written[self.n]}, is now {assignment.story_id}",
                        hint="the saved run does not match; delete the state directory to start over",
                    )
            else:
                self.new(assignment, self.n)
            self.n += 1


# --- state.json --------------------------------------------------------------------------------------------


class RunState:
    """A run's ``state.json``: its engine, inputs (absolute) and options, and how far it got (``phase``).

    ``open`` starts a fresh state, removing an earlier run's records, or with ``resume`` takes up the
    saved one once it is the same run: the same version, engine, inputs and options.
    """

    def __init__(self, workdir: Path, values: dict[str, Any], *, resumed: bool) -> None:
        self.workdir = workdir
        self.values = values
        self.resumed = resumed

    @classmethod
    def open(cls, workdir: Path, *, engine: str, inputs: Sequence[str], options: StoryOptions, phase: str,
             resume: bool = False, stream: bool = False) -> RunState:
        """The state of this run in ``workdir``; ``StoryRunError`` (exit 7) when another run's state is
        there (without ``resume``; always for a ``stream``, which cannot be resumed) or it does not match."""
        fresh: dict[str, Any] = {
            "version": STATE_VERSION,
            "engine": engine,
            "inputs": [i if i == "-" else os.path.abspath(i) for i in inputs],
            "options": options.to_dict(),
            "phase": phase,
        }
        if stream:
            fresh["stream"] = True
        path = workdir / STATE_FILE
        if not path.exists():
            for name in DATA_FILES:
                (workdir / name).unlink(missing_ok=True)
            state = cls(workdir, fresh, resumed=False)
            state.save()
            return state
        if stream or not resume:
            raise StoryRunError(f"an earlier run left its state in {workdir}",
                                hint=STREAM_HINT if stream else RESUME_HINT)
        saved = read_state(path, workdir)
        saved.setdefault("engine", "embedded")  # states written before every engine named itself
        if isinstance(saved.get("options"), dict):  # an option added since ran as its default then
            saved["options"] = {**StoryOptions().to_dict(), **EARLIER_DEFAULTS, **saved["options"]}
        for key in ("version", "engine", "inputs", "options"):
            if saved.get(key) != fresh[key]:
                raise StoryRunError(
                    f"the run saved in {workdir} used other {key}: cannot resume it with these",
                    hint="give the same inputs, options and engine, or delete that directory to start over",
                )
        return cls(workdir, saved, resumed=True)

    @property
    def path(self) -> Path:
        return self.workdir / STATE_FILE

    @property
    def phase(self) -> str:
        return str(self.values["phase"])

    def save(self, **changes: Any) -> None:
        """Update and write ``state.json`` atomically (a crash leaves the old state or the new one)."""
        self.values.update(changes)
        write_atomically(self.path, lambda f: json.dump(
            self.values, f, ensure_ascii=False, indent=1, sort_keys=True))

    def finish(self, report: RunReport) -> None:
        self.save(phase="done", report=report.to_dict())

    def refuse_to_reread_stdin(self) -> None:
        """A resumed run that must read its inputs again cannot when one was stdin (it is gone)."""
        if "-" in self.values["inputs"]:
            raise StoryRunError("cannot resume a run that read stdin: its input is gone", hint="start it over")

    def written_stories(self) -> list[str]:
        """The ids of the stories already in ``stories.jsonl``, after cutting off a torn last line (that
        story is written again)."""
        path = self.workdir / STORIES_FILE
        ids, end = _valid_jsonl_prefix(path, "story_id")
        spool.truncate_to_valid(path, end)
        return ids

    def writer(self, on_story: Callable[[str], None] | None, report: RunReport) -> StoryWriter:
        """A writer appending to this run's ``stories.jsonl``."""
        return StoryWriter(self.workdir / STORIES_FILE, on_story, report)


def read_state(path: Path, workdir: Path) -> dict[str, Any]:
    """A run's ``state.json``, or ``StoryRunError`` (exit 7) naming it when it is unreadable."""
    try:
        with open(path, encoding="utf-8") as f:
            state = json.load(f)
    except (OSError, ValueError) as exc:  # ValueError: invalid JSON or UTF-8
        raise StoryRunError(
            f"the saved state {path} is unreadable ({exc})",
            hint=f"delete {workdir} to start over",
        ) from exc
    if not isinstance(state, dict) or state.get("phase") not in PHASES:
        raise StoryRunError(
            f"the saved state {path} is not a khulasa stories state",
            hint=f"delete {workdir} to start over",
        )
    return state


def _valid_jsonl_prefix(path: Path, key: str) -> tuple[list[Any], int]:
    """``record[key]`` of the whole JSONL lines that parse, and the bytes they span (not a torn tail)."""
    values: list[Any] = []
    end = 0
    if not path.exists():
        return values, end
    with open(path, "rb") as f:
        for raw in f:
            if not raw.endswith(b"\n"):
                break
            try:
                record = json.loads(raw)
            except ValueError:
                break
            values.append(record.get(key) if isinstance(record, dict) else None)
            end += len(raw)
    return values, end
