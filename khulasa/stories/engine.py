"""The embedded engine: stories from a stream of articles on one machine, in bounded memory, resumable.

Two passes over a spool on disk, so memory holds only compact per-article keys and the open stories:

1. **Read**: stream the inputs (``khulasa.ingest.iter_articles``); for each article compute its
   features (``khulasa.stories.features``), append the article and its features to two record files
   and count document frequencies (the IDF of pass 2).
2. **Cluster and summarize**: read the features back in clustering order (date, id) — so the result
   does not depend on the order of the inputs — and feed the online clusterer; each story it closes is
   summarized right away (its articles read back from the spool) and appended to ``stories.jsonl``.

With ``workers > 1`` one process pool serves both passes: it computes the features of pass 1 (chunks
of pickled articles in, pickled features and document frequencies out) and the summaries of pass 2
(spool offsets in, encoded JSONL lines out), so the main process only reads, spools, clusters and
writes.  Output order and content do not depend on the number of workers.

Everything lives in a work directory.  ``state.json`` (written atomically) records the inputs, the
options and the phase; the record files and ``stories.jsonl`` are append-only and synced at
checkpoints.  Resuming re-reads the inputs, skipping the articles already spooled (their ids must match:
ingest order is deterministic), re-runs the clustering (deterministic and cheap) and skips the stories
already written, so every input is accounted for exactly once.
"""

from __future__ import annotations

import collections
import ctypes
import datetime as dt
import functools
import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from khulasa.errors import StoryRunError
from khulasa.ingest import IngestReport, iter_articles
from khulasa.models import Article
from khulasa.stories import spool
from khulasa.stories.cluster import Assignment, DocumentFrequencies, StoryClusterer
from khulasa.stories.features import ArticleFeatures, extract, features_payloads, with_effective_dates
from khulasa.stories.options import StoryOptions
from khulasa.stories.story import Story, make_story

STATE_VERSION = 1
PHASES = ("reading", "clustering", "done", "running", "streaming")
"""``state.json``'s phases: the embedded engine's three, the Spark engine's ``running`` and a stream's."""
RESUME_KEYS = frozenset({"articles", "skipped", "ingest", "issues", "n_issues"})
"""What ``state.json`` holds once the articles are read."""
STORIES_FILE = "stories.jsonl"
STATE_FILE = "state.json"
ARTICLES_FILE = "articles.rec"
FEATURES_FILE = "features.rec"
SYNC_EVERY_SECONDS = 2.0
FEATURE_CHUNK = 64
"""Articles per feature task of the worker pool (amortizes the hand-over between processes)."""
STORY_CHUNK_ARTICLES = 40
"""A summary task of the worker pool takes closed stories until it holds this many articles."""
MAX_ISSUES = 1000
"""Issues inside inputs kept in the report (the count is always complete)."""
REPORT_ISSUES = 10


class Progress(Protocol):
    """Where the engine reports progress (the CLI shows a rich bar; the default shows nothing)."""

    def phase(self, name: str, total: int | None = None) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class NoProgress:
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


def record_ingest(report: RunReport, ingest: IngestReport) -> None:
    """Copy what ingest found (skipped inputs, issues inside inputs) into the run's report."""
    report.skipped = skipped_inputs(ingest)
    report.ingest = ingest.summary()
    report.issues = ingest.issues[:MAX_ISSUES]
    report.n_issues = len(ingest.issues)


def skipped_inputs(report: IngestReport) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in (("path", r.path), ("reason", r.reason), ("detail", r.detail)) if v}
        for r in report.skipped
    ]


# --- in memory -------------------------------------------------------------------------------------


def build_stories(articles: Iterable[Article], options: StoryOptions | None = None) -> list[Story]:
    """Group articles into stories and summarize each, in memory (for modest inputs and the HTTP API).

    Stories come in the order they close (roughly by date); those smaller than ``options.min_size``
    are left out.  For a corpus, use ``run`` (streams through a spool on disk) or the CLI.
    """
    options = options or StoryOptions()
    arts = list(articles)
    feats = [extract(article, seq, date) for seq, article, date in with_effective_dates(arts)]
    frequencies = DocumentFrequencies()
    for f in feats:
        frequencies.add(f.terms)
    stories = []
    for assignment in cluster_all(feats, options, frequencies):
        if len(assignment.members) >= options.min_size:
            stories.append(make_story(assignment, [arts[s] for s in assignment.seqs], options))
    return stories


def cluster_all(
    features: Iterable[ArticleFeatures], options: StoryOptions, frequencies: DocumentFrequencies
) -> Iterator[Assignment]:
    """Cluster features (any order; sorted here) and yield every story as it closes."""
    clusterer = StoryClusterer(options, frequencies)
    for f in sorted(features, key=lambda f: f.order_key):
        yield from clusterer.add(f)
    yield from clusterer.finish()


# --- on disk, resumable ------------------------------------------------------------------------------


class StoryRun:
    """One resumable run in ``workdir``; ``run()`` does both passes and returns the report.

    ``on_story`` gets each newly written story record (to stream it to stdout).  ``workers > 1``
    computes features and summaries in that many processes (output order and content are unchanged).
    """

    def __init__(
        self,
        inputs: Sequence[str],
        options: StoryOptions,
        workdir: Path,
        *,
        resume: bool = False,
        progress: Progress | None = None,
        on_story: Callable[[dict[str, Any]], None] | None = None,
        workers: int = 1,
    ) -> None:
        self.inputs = [i if i == "-" else os.path.abspath(i) for i in inputs]
        self.options = options
        self.workdir = Path(workdir)
        self.resume = resume
        self.progress = progress or NoProgress()
        self.on_story = on_story
        self.workers = max(1, workers)
        self.report = RunReport(resumed=resume)
        # compact per-article state of pass 1
        self._keys: list[tuple[int, str, int]] = []
        self._article_offsets: list[int] = []
        self._feature_offsets: list[int] = []
        self._frequencies = DocumentFrequencies()
        self._pool: ProcessPoolExecutor | None = None

    @property
    def stories_path(self) -> Path:
        return self.workdir / STORIES_FILE

    def run(self) -> RunReport:
        started = time.monotonic()
        with spool.state_lock(self.workdir):
            state = self._open_state()
            # One pool for both passes: features of pass 1, summaries of pass 2.
            self._pool = worker_pool(self.workers) if self.workers > 1 else None
            try:
                self._run(state, started)
            finally:
                if self._pool is not None:
                    self._pool.shutdown(wait=True, cancel_futures=True)
                    self._pool = None
        return self.report

    def _run(self, state: dict[str, Any], started: float) -> None:
        if state["phase"] == "reading":
            ingest = self._read()
            self.report.read_seconds = time.monotonic() - started
            state.update(
                phase="clustering",
                articles=len(self._keys),
                skipped=skipped_inputs(ingest),
                ingest=ingest.summary(),
                issues=ingest.issues[:MAX_ISSUES],
                n_issues=len(ingest.issues),
            )
            spool.write_json_atomically(self.workdir / STATE_FILE, state)
        else:
            self._reload_spool(expected=state["articles"])
        self.report.articles = len(self._keys)
        self.report.skipped = state["skipped"]
        self.report.ingest = state["ingest"]
        self.report.issues = state["issues"]
        self.report.n_issues = state["n_issues"]
        self._cluster_and_summarize()
        self.report.seconds = time.monotonic() - started
        state.update(phase="done", report=self.report.to_dict())
        spool.write_json_atomically(self.workdir / STATE_FILE, state)

    # --- state ------------------------------------------------------------------------------------

    def _open_state(self) -> dict[str, Any]:
        path = self.workdir / STATE_FILE
        fresh = {
            "version": STATE_VERSION,
            "inputs": self.inputs,
            "options": self.options.to_dict(),
            "phase": "reading",
        }
        if not path.exists():
            self._clear()
            spool.write_json_atomically(path, fresh)
            return fresh
        if not self.resume:
            raise StoryRunError(
                f"an earlier run left its state in {self.workdir}",
                hint="add --resume to continue it, or delete that directory to start over",
            )
        state = read_state(path, self.workdir)
        for key in ("version", "inputs", "options"):
            if state.get(key) != fresh[key]:
                raise StoryRunError(
                    f"the run saved in {self.workdir} used other {key}: cannot resume it with these",
                    hint="give the same inputs and options, or delete that directory to start over",
                )
        if state["phase"] != "reading" and not state.keys() >= RESUME_KEYS:
            raise StoryRunError(f"the saved state {path} is incomplete", hint=f"delete {self.workdir} to start over")
        if state["phase"] == "reading" and "-" in self.inputs:
            raise StoryRunError("cannot resume a run that was still reading stdin", hint="start it over")
        return state

    def _clear(self) -> None:
        for name in (STORIES_FILE, ARTICLES_FILE, FEATURES_FILE):
            (self.workdir / name).unlink(missing_ok=True)

    # --- pass 1: read -----------------------------------------------------------------------------

    def _reload_spool(self, expected: int | None = None) -> list[str]:
        """Rebuild the in-memory keys from the spool, cutting both files back to their common whole records.

        Returns the ids of the spooled articles, in arrival order.
        """
        articles_path, features_path = self.workdir / ARTICLES_FILE, self.workdir / FEATURES_FILE
        article_ends: list[int] = []
        for start, end, _ in spool.scan(articles_path, values=False):
            self._article_offsets.append(start)
            article_ends.append(end)
        ids: list[str] = []
        features_end = 0
        for start, end, f in spool.scan(features_path):
            if len(ids) == len(article_ends):
                break
            self._feature_offsets.append(start)
            self._keys.append(f.order_key)
            self._frequencies.add(f.terms)
            ids.append(f.id)
            features_end = end
        n = len(ids)
        if expected is not None and n != expected:
            raise StoryRunError(
                f"the spool in {self.workdir} holds {n} articles, not {expected}",
                hint="delete that directory to start over",
            )
        del self._article_offsets[n:]
        spool.truncate_to_valid(features_path, features_end)
        spool.truncate_to_valid(articles_path, article_ends[n - 1] if n else 0)
        return ids

    def _read(self) -> IngestReport:
        done_ids = self._reload_spool() if self.resume else []
        n_done = len(done_ids)
        self.progress.phase("reading", None)
        self.progress.advance(n_done)
        self._articles_out = spool.RecordWriter(self.workdir / ARTICLES_FILE)
        self._features_out = spool.RecordWriter(self.workdir / FEATURES_FILE)
        self._last_sync = time.monotonic()
        ingest = IngestReport()
        chunk: list[tuple[int, bytes, dt.date | None]] = []
        pending: collections.deque[tuple[list[bytes], Future[tuple[list[tuple[bytes, Any]], Counter[str]]]]]
        pending = collections.deque()
        try:
            for seq, article, date in with_effective_dates(iter_articles(self.inputs, report=ingest)):
                if seq < n_done:
                    if article.id != done_ids[seq]:
                        raise StoryRunError(
                            f"input changed since the interrupted run: article {seq} is {article.id!r}, "
                            f"was {done_ids[seq]!r}",
                            hint="delete the state directory to start over",
                        )
                    continue
                payload = spool.dumps(article)
                if self._pool is None:
                    f = extract(article, seq, date)
                    self._frequencies.add(f.terms)
                    self._store(payload, spool.dumps(f), f.order_key)
                    continue
                # Features are computed in the pool, in chunks; they are stored in input order.
                chunk.append((seq, payload, date))
                if len(chunk) >= FEATURE_CHUNK:
                    pending.append(([p for _, p, _ in chunk], self._pool.submit(features_payloads, chunk)))
                    chunk = []
                    while len(pending) > 2 * self.workers:
                        self._store_chunk(*pending.popleft())
            if chunk and self._pool is not None:
                pending.append(([p for _, p, _ in chunk], self._pool.submit(features_payloads, chunk)))
            while pending:
                self._store_chunk(*pending.popleft())
        finally:
            for future in pending:
                future[1].cancel()
            self._articles_out.close()
            self._features_out.close()
        return ingest

    def _store_chunk(
        self, articles: list[bytes], future: Future[tuple[list[tuple[bytes, Any]], Counter[str]]]
    ) -> None:
        features, frequencies = future.result()
        self._frequencies.merge(frequencies, len(features))
        for payload, (feature_payload, order_key) in zip(articles, features, strict=True):
            self._store(payload, feature_payload, order_key)

    def _store(self, article: bytes, features: bytes, order_key: tuple[int, str, int]) -> None:
        """Append one article and its features (pickled) to the spool; sync at intervals."""
        self._article_offsets.append(self._articles_out.append_payload(article))
        self._feature_offsets.append(self._features_out.append_payload(features))
        self._keys.append(order_key)
        self.progress.advance()
        if time.monotonic() - self._last_sync > SYNC_EVERY_SECONDS:
            # articles first: a feature record never points past the articles on disk
            self._articles_out.sync()
            self._features_out.sync()
            self._last_sync = time.monotonic()

    # --- pass 2: cluster and summarize ------------------------------------------------------------

    def _cluster_and_summarize(self) -> None:
        written, end = spool.valid_jsonl_prefix(self.stories_path, "story_id")
        if end != (self.stories_path.stat().st_size if self.stories_path.exists() else 0):
            spool.truncate_to_valid(self.stories_path, end)
        self.report.written = len(written)
        order = sorted(range(len(self._keys)), key=self._keys.__getitem__)
        features = spool.RecordReader(self.workdir / FEATURES_FILE)
        articles_path = self.workdir / ARTICLES_FILE
        articles = spool.RecordReader(articles_path)
        out = open(self.stories_path, "a", encoding="utf-8")  # noqa: SIM115 - closed below
        writer = StoryWriter(out, self.on_story, self.report)
        summarizer = _Summarizer(self.options, self._pool, self.workers, writer, self.report, articles_path)
        self.progress.phase("clustering", len(order))
        clusterer = StoryClusterer(self.options, self._frequencies)

        def summarize(assignment: Assignment, _: int) -> None:
            if self._pool is None:
                members = [articles.read(self._article_offsets[seq]) for seq in assignment.seqs]
                summarizer.summarize(assignment, members)
            else:
                summarizer.submit(assignment, [self._article_offsets[seq] for seq in assignment.seqs])

        closed = ClosedStories(written, self.options.min_size, self.report, summarize)
        try:
            for i in order:
                closed.place(clusterer.add(features.read(self._feature_offsets[i])))
                self.progress.advance()
            closed.place(clusterer.finish())
            summarizer.drain()
        finally:
            summarizer.close()
            writer.close()
            features.close()
            articles.close()


def read_state(path: Path, workdir: Path) -> dict[str, Any]:
    """A run's ``state.json``, or ``StoryRunError`` (exit 7) naming it when it is unreadable."""
    try:
        state = spool.read_json(path)
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


class StoryWriter:
    """Appends story records to ``stories.jsonl``: one flushed line each, fsync'd at intervals."""

    def __init__(self, out: TextIO, on_story: Callable[[dict[str, Any]], None] | None, report: RunReport):
        self.out = out
        self.on_story = on_story
        self.report = report
        self._last_sync = time.monotonic()

    def write(self, record: dict[str, Any]) -> None:
        self.write_line(record_line(record), record)

    def write_line(self, line: str, record: dict[str, Any] | None = None) -> None:
        """Append a record already encoded by ``record_line`` (``record`` is parsed from it if needed)."""
        self.out.write(line + "\n")
        self.out.flush()
        if time.monotonic() - self._last_sync > SYNC_EVERY_SECONDS:
            os.fsync(self.out.fileno())
            self._last_sync = time.monotonic()
        self.report.written += 1
        if self.on_story is not None:
            self.on_story(record if record is not None else json.loads(line))

    def close(self) -> None:
        if not self.out.closed:
            self.out.flush()
            os.fsync(self.out.fileno())
            self.out.close()


def record_line(record: dict[str, Any]) -> str:
    """A story record as its JSONL line (without the newline)."""
    return json.dumps(record, ensure_ascii=False, allow_nan=False)


def story_record(assignment: Assignment, articles: list[Article], options: StoryOptions) -> dict[str, Any]:
    """The per-story function both engines run: the story's JSONL record."""
    return make_story(assignment, articles, options).to_dict()


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes that end when this process ends, even by SIGKILL."""
    return ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(os.getpid(),))


PARENT_CHECK_SECONDS = 1.0
PR_SET_PDEATHSIG = 1


def _init_worker(main_pid: int) -> None:
    """In a worker: die with the parent.  On Linux the kernel sends SIGKILL when the parent dies
    (``prctl(PR_SET_PDEATHSIG)``); elsewhere, and as a fallback, a thread checks the parent every second."""
    _spooled_articles.cache_clear()
    # Ctrl-C reaches the whole process group: the main process decides what it means (a stream closes
    # its open stories, which may still need us).  SIGTERM ends a worker, as the pool expects (a handler
    # the main process had set is not ours).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if parent != main_pid and not _alive(main_pid):
        os._exit(1)  # the main process died before the death signal was armed
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True, name="khulasa-parent-watch").start()


def _exit_when_orphaned(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@functools.lru_cache(maxsize=2)
def _spooled_articles(path: str) -> spool.RecordReader:
    """A worker's reader of the run's article spool (complete and unchanging in pass 2)."""
    return spool.RecordReader(Path(path))


def _story_lines(path: str, stories: list[tuple[Assignment, list[int]]], options: StoryOptions) -> list[str]:
    """In a worker: read each story's articles from the spool and return its JSONL line."""
    articles = _spooled_articles(path)
    return [
        record_line(story_record(assignment, [articles.read(o) for o in offsets], options))
        for assignment, offsets in stories
    ]


class _Summarizer:
    """Summarizes closed stories in order, in this process or in the pool (bounded queue: memory stays flat).

    The pool's workers read the stories' articles from the spool themselves and return encoded lines,
    so this process (which also clusters) only hands over offsets and writes lines.
    """

    def __init__(
        self,
        options: StoryOptions,
        pool: ProcessPoolExecutor | None,
        workers: int,
        writer: StoryWriter,
        report: RunReport,
        articles_path: Path,
    ) -> None:
        self.options = options
        self.writer = writer
        self.report = report
        self.pool = pool
        self.articles_path = str(articles_path)
        self.pending: collections.deque[Future[list[str]]] = collections.deque()
        self.limit = 4 * workers
        self.batch: list[tuple[Assignment, list[int]]] = []
        self.batch_articles = 0

    def summarize(self, assignment: Assignment, articles: list[Article]) -> None:
        """Summarize in this process and write the record."""
        started = time.monotonic()
        record = story_record(assignment, articles, self.options)
        self.report.summarize_seconds += time.monotonic() - started
        self.writer.write(record)

    def submit(self, assignment: Assignment, offsets: list[int]) -> None:
        """Queue a story for the pool (its articles' offsets in the spool)."""
        self.batch.append((assignment, offsets))
        self.batch_articles += len(offsets)
        if self.batch_articles < STORY_CHUNK_ARTICLES:
            return
        started = time.monotonic()
        self._flush()
        while len(self.pending) >= self.limit:
            self._write(self.pending.popleft())
        self.report.summarize_seconds += time.monotonic() - started  # time waiting for the pool

    def _flush(self) -> None:
        if self.batch and self.pool is not None:
            self.pending.append(self.pool.submit(_story_lines, self.articles_path, self.batch, self.options))
        self.batch, self.batch_articles = [], 0

    def _write(self, future: Future[list[str]]) -> None:
        for line in future.result():
            self.writer.write_line(line)

    def drain(self) -> None:
        started = time.monotonic()
        self._flush()
        while self.pending:
            self._write(self.pending.popleft())
        self.report.summarize_seconds += time.monotonic() - started

    def close(self) -> None:
        for future in self.pending:
            future.cancel()
        self.pending.clear()
