"""The embedded engine: stories on one machine, in bounded memory, resumable (``EmbeddedEngine``).

Files and directories are read in two passes (``StoryRun``); stdin and a followed directory are read
as a stream (``khulasa.stories.engines.watch``); ``build_stories`` groups a list of articles in memory.

Two passes over a spool on disk, so memory holds only compact per-article keys and the open stories:

1. **Read**: stream the inputs (``khulasa.ingest.iter_articles``); for each article compute its
   features (``khulasa.stories.features``), append the article and its features to two record files
   and count document frequencies (the IDF of pass 2; not for a clusterer that counts its own:
   ``cluster.needs_frequencies``).
2. **Cluster and summarize**: read the features back in clustering order (date, id) — so the result
   does not depend on the order of the inputs — and feed the online clusterer; each story it closes is
   summarized right away (its articles read back from the spool) and appended to ``stories.jsonl``.

With ``workers > 1`` one process pool serves both passes: it computes the features of pass 1 (chunks
of pickled articles in, pickled features and document frequencies out) and the summaries of pass 2
(spool offsets in, encoded JSONL lines out), so the main process only reads, spools, clusters and
writes.  Output order and content do not depend on the number of workers.

Everything lives in a work directory.  ``state.json`` (``khulasa.stories.run.RunState``) records the
inputs, the options and the phase; the record files and ``stories.jsonl`` are append-only and synced at
checkpoints.  Resuming re-reads the inputs, skipping the articles already spooled (their ids must match:
ingest order is deterministic), re-runs the clustering (deterministic and cheap) and skips the stories
already written, so every input is accounted for exactly once.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import os
import pickle
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from khulasa.errors import StoryRunError
from khulasa.ingest import IngestReport, iter_articles
from khulasa.models import Article
from khulasa.stories import spool
from khulasa.stories.cluster import (
    Assignment,
    ClosedEvent,
    DocumentFrequencies,
    cluster_all,
    needs_frequencies,
    needs_signals,
    new_clusterer,
)
from khulasa.stories.engines.watch import stream_inputs, watch_directory
from khulasa.stories.features import extract, features_payloads, with_effective_dates
from khulasa.stories.options import StoryOptions
from khulasa.stories.process import FEATURE_CHUNK, STORY_CHUNK_ARTICLES, worker_pool
from khulasa.stories.run import (
    SYNC_EVERY_SECONDS,
    ClosedStories,
    Inputs,
    NoProgress,
    Progress,
    RunOutput,
    RunReport,
    RunState,
    StoryWriter,
    story_line,
)
from khulasa.stories.story import Story, detached, event_summary, event_summary_members, make_story
from khulasa.stories.workdir import ARTICLES_FILE, FEATURES_FILE, state_lock

RESUME_KEYS = frozenset({"articles", "skipped", "ingest", "issues", "n_issues"})
"""What ``state.json`` holds once the articles are read."""


class EmbeddedEngine:
    """The ``embedded`` engine: this machine, ``workers`` processes.  Files are read in two passes
    (``StoryRun``, resumable); stdin and ``Inputs.watch`` are read as a stream (``engines.watch``):
    ``poll_seconds`` is how often a followed directory is listed, ``idle_stop`` ends the run after that
    long without a new file (None: until SIGINT/SIGTERM)."""

    name = "embedded"

    def __init__(self, workers: int = 1, *, poll_seconds: float = 2.0, idle_stop: float | None = None) -> None:
        self.workers = workers
        self.poll_seconds = poll_seconds
        self.idle_stop = idle_stop

    def run(self, inputs: Inputs, options: StoryOptions, output: RunOutput,
            progress: Progress | None = None) -> RunReport:
        if inputs.watch is not None:
            return watch_directory(inputs.watch, options, output.workdir, progress=progress,
                                   on_story=output.on_story, poll_seconds=self.poll_seconds,
                                   idle_stop=self.idle_stop, workers=self.workers, update=output.update)
        if inputs.stdin:  # stdin may never end: stream it, writing stories as they close
            return stream_inputs(inputs.paths, options, output.workdir, progress=progress,
                                 on_story=output.on_story, workers=self.workers)
        return StoryRun(inputs.paths, options, output.workdir, resume=output.resume, progress=progress,
                        on_story=output.on_story, workers=self.workers).run()


# --- in memory -------------------------------------------------------------------------------------


def build_stories(articles: Iterable[Article], options: StoryOptions | None = None) -> list[Story]:
    """Group articles into stories and summarize each, in memory (for modest inputs and the HTTP API).

    Stories come in the order they close (roughly by date); those smaller than ``options.min_size``
    are left out.  For a corpus, use ``run`` (streams through a spool on disk) or the CLI.
    """
    options = options or StoryOptions()
    arts = list(articles)
    signals = needs_signals(options)
    feats = [extract(article, seq, date, signals=signals) for seq, article, date in with_effective_dates(arts)]
    frequencies = DocumentFrequencies()
    if needs_frequencies(options):
        for f in feats:
            frequencies.add(f.terms)
    stories = []
    for assignment in cluster_all(feats, options, frequencies):
        if len(assignment.members) >= options.min_size:
            stories.append(make_story(assignment, [arts[s] for s in assignment.seqs], options))
    return stories


# --- on disk, resumable ------------------------------------------------------------------------------


class StoryRun:
    """One resumable run in ``workdir``; ``run()`` does both passes and returns the report.

    ``on_story`` gets each newly written story's JSONL line (to stream it to stdout).  ``workers > 1``
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
        on_story: Callable[[str], None] | None = None,
        workers: int = 1,
    ) -> None:
        self.inputs = list(inputs)
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
        self._count_terms = needs_frequencies(options)
        """Whether pass 1 counts document frequencies (the clusterer reads them)."""
        self._pool: ProcessPoolExecutor | None = None

    def run(self) -> RunReport:
        started = time.monotonic()
        with state_lock(self.workdir):
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

    def _run(self, state: RunState, started: float) -> None:
        if state.phase == "reading":
            ingest = self._read()
            self.report.read_seconds = time.monotonic() - started
            self.report.record_ingest(ingest)
            state.save(phase="clustering", articles=len(self._keys), skipped=self.report.skipped,
                       ingest=self.report.ingest, issues=self.report.issues, n_issues=self.report.n_issues)
        else:
            self._reload_spool(expected=state.values["articles"])
        self.report.articles = len(self._keys)
        self.report.skipped = state.values["skipped"]
        self.report.ingest = state.values["ingest"]
        self.report.issues = state.values["issues"]
        self.report.n_issues = state.values["n_issues"]
        self._cluster_and_summarize(state)
        self.report.seconds = time.monotonic() - started
        state.finish(self.report)

    def _open_state(self) -> RunState:
        state = RunState.open(self.workdir, engine="embedded", inputs=self.inputs, options=self.options,
                              phase="reading", resume=self.resume)
        if state.phase != "reading" and not state.values.keys() >= RESUME_KEYS:
            raise StoryRunError(f"the saved state {state.path} is incomplete",
                                hint=f"delete {self.workdir} to start over")
        if state.phase == "reading" and state.resumed:
            state.refuse_to_reread_stdin()  # the spool does not hold all of it yet
        return state

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
            if self._count_terms:
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
        signals = needs_signals(self.options)
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
                    f = extract(article, seq, date, signals=signals)
                    if self._count_terms:
                        self._frequencies.add(f.terms)
                    self._store(payload, spool.dumps(f), f.order_key)
                    continue
                # Features are computed in the pool, in chunks; they are stored in input order.
                chunk.append((seq, payload, date))
                if len(chunk) >= FEATURE_CHUNK:
                    pending.append(([p for _, p, _ in chunk], self._pool.submit(
                        features_payloads, chunk, signals, self._count_terms)))
                    chunk = []
                    while len(pending) > 2 * self.workers:
                        self._store_chunk(*pending.popleft())
            if chunk and self._pool is not None:
                pending.append(([p for _, p, _ in chunk], self._pool.submit(
                    features_payloads, chunk, signals, self._count_terms)))
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
        if self._count_terms:
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

    def _cluster_and_summarize(self, state: RunState) -> None:
        written = state.written_stories()
        self.report.written = len(written)
        order = sorted(range(len(self._keys)), key=self._keys.__getitem__)
        features = spool.RecordReader(self.workdir / FEATURES_FILE)
        articles_path = self.workdir / ARTICLES_FILE
        articles = spool.RecordReader(articles_path)
        writer = state.writer(self.on_story, self.report)
        summarizer = _Summarizer(self.options, self._pool, self.workers, writer, self.report, articles_path)
        self.progress.phase("clustering", len(order))
        clusterer = new_clusterer(self.options, self._frequencies)

        def summarize(assignment: Assignment, _: int) -> None:
            if self._pool is None:
                members = [articles.read(self._article_offsets[seq]) for seq in assignment.seqs]
                summarizer.summarize(assignment, members)
            else:
                summarizer.submit(assignment, [self._article_offsets[seq] for seq in assignment.seqs])

        def early_events(events: list[ClosedEvent]) -> list[tuple[str, list[int]]]:
            """The events the pool summarizes before their story closes: those whose story will surely
            be written (an event of ``min_size`` articles makes its story big enough) and is not
            written yet (on a resume; the rest are summarized with their story)."""
            if closed.n < len(written):
                return []
            offsets = self._article_offsets
            return [
                (e.event_id, [offsets[e.members[i].seq] for i in event_summary_members(e.members)])
                for e in events if len(e.members) >= self.options.min_size
            ]

        closed = ClosedStories(written, self.options.min_size, self.report, summarize)
        try:
            for i in order:
                done = clusterer.add(features.read(self._feature_offsets[i]))
                if self._pool is not None:
                    summarizer.submit_events(early_events(clusterer.closed_events()))
                closed.place(done)
                self.progress.advance()
            closed.place(clusterer.finish())
            summarizer.drain()
        finally:
            summarizer.close()
            writer.close()
            features.close()
            articles.close()


@functools.lru_cache(maxsize=2)
def _spooled_articles(path: str, pid: int) -> spool.RecordReader:
    """A worker's reader of the run's article spool (complete and unchanging in pass 2); by process, so
    that a forked worker never shares its parent's file position."""
    return spool.RecordReader(Path(path))


StoryTask = tuple[Assignment, list[int], dict[str, bytes]]
"""A closed story for a worker: its assignment, its articles' offsets in the spool and the summaries of
its events that were made when they closed (``detached`` and pickled)."""


def _story_lines(path: str, stories: list[StoryTask], options: StoryOptions) -> list[str]:
    """In a worker: read each story's articles from the spool and return its JSONL line."""
    articles = _spooled_articles(path, os.getpid())
    return [
        story_line(assignment, [articles.read(o) for o in offsets], options,
                   {event_id: pickle.loads(summary) for event_id, summary in made.items()})
        for assignment, offsets, made in stories
    ]


def _event_summaries(path: str, events: list[list[int]], options: StoryOptions) -> list[bytes]:
    """In a worker: each event's summary (``story.event_summary``) from the articles at its offsets,
    pickled without its articles (``detached``: the story's worker puts them back).  Pickled, a summary
    is a few hundred bytes to keep until its story closes, and is not unpickled in between."""
    articles = _spooled_articles(path, os.getpid())
    return [pickle.dumps(detached(event_summary([articles.read(o) for o in offsets], options)),
                         protocol=pickle.HIGHEST_PROTOCOL) for offsets in events]


class _Summarizer:
    """Summarizes closed stories in order, in this process or in the pool (bounded queue: memory stays flat).

    The pool's workers read the stories' articles from the spool themselves and return encoded lines,
    so this process (which also clusters) only hands over offsets and writes lines.  An event that
    closes while its story stays open (``Clusterer.closed_events``) is summarized in the pool at once
    (``submit_events``); its story, once closed, waits until its events' summaries are back and takes
    them along (``make_story``'s ``event_summaries``): the trees' stories close late, their events
    early, so the pool works while the clustering goes on instead of after it.
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
        self.lines: collections.deque[Future[list[str]]] = collections.deque()
        """The stories' tasks, in the order their lines are written."""
        self.inflight: collections.deque[Future[Any]] = collections.deque()
        """Every task handed to the pool, in order: at most ``limit`` of them are unfinished."""
        self.limit = 4 * workers
        self.batch: list[StoryTask] = []
        self.batch_articles = 0
        self.waiting: collections.deque[tuple[Assignment, list[int], list[str]]] = collections.deque()
        """Closed stories waiting for their events' summaries (their ids), in order."""
        self.event_tasks: collections.deque[tuple[Future[list[bytes]], list[str]]] = collections.deque()
        """The pool's event tasks not collected yet, in order, with their events' ids."""
        self.in_pool: set[str] = set()
        """Events in ``event_tasks``."""
        self.made: dict[str, bytes] = {}
        """Event id -> its summary from the pool, until its story takes it."""
        self.event_batch: list[tuple[str, list[int]]] = []
        self.event_batch_articles = 0

    def summarize(self, assignment: Assignment, articles: list[Article]) -> None:
        """Summarize in this process and write the record."""
        started = time.monotonic()
        line = story_line(assignment, articles, self.options)
        self.report.summarize_seconds += time.monotonic() - started
        self.writer.write(line)

    def submit_events(self, events: list[tuple[str, list[int]]]) -> None:
        """Queue closed events for the pool: each its id and the offsets of the articles its summary is
        made from (``story.event_summary_members``)."""
        for event_id, offsets in events:
            self.event_batch.append((event_id, offsets))
            self.event_batch_articles += len(offsets)
        if self.event_batch_articles >= STORY_CHUNK_ARTICLES:
            self._flush_events()
            self._keep_up()

    def submit(self, assignment: Assignment, offsets: list[int]) -> None:
        """Queue a story for the pool (its articles' offsets in the spool); it goes once its events'
        summaries queued by ``submit_events`` are made."""
        ids = [e.event_id for e in assignment.events]
        if self.event_batch and not {queued for queued, _ in self.event_batch}.isdisjoint(ids):
            self._flush_events()  # this story needs them now
        self.waiting.append((assignment, offsets, [i for i in ids if i in self.in_pool or i in self.made]))
        self._release()
        self._keep_up()

    def _collect(self, wait: bool = False) -> None:
        """Keep the summaries of the finished event tasks (of all, with ``wait``), in order."""
        while self.event_tasks and (wait or self.event_tasks[0][0].done()):
            future, ids = self.event_tasks.popleft()
            self.made.update(zip(ids, future.result(), strict=True))
            self.in_pool.difference_update(ids)

    def _release(self, wait: bool = False) -> None:
        """Move the waiting stories whose events are summarized (all of them with ``wait``), in order,
        to the pool's next story task."""
        self._collect(wait)
        made = self.made
        while self.waiting:
            assignment, offsets, ids = self.waiting[0]
            if not all(i in made for i in ids):
                return
            self.waiting.popleft()
            self.batch.append((assignment, offsets, {i: made.pop(i) for i in ids}))
            self.batch_articles += len(offsets)
            if self.batch_articles >= STORY_CHUNK_ARTICLES:
                self._flush()

    def _keep_up(self) -> None:
        """Wait while more than ``limit`` tasks are unfinished; write the lines that are ready."""
        started = time.monotonic()
        while len(self.inflight) > self.limit:
            self.inflight.popleft().result()
        self.report.summarize_seconds += time.monotonic() - started  # time waiting for the pool
        self._release()
        while self.lines and self.lines[0].done():
            self._write(self.lines.popleft())

    def _flush_events(self) -> None:
        if self.event_batch and self.pool is not None:
            future = self.pool.submit(_event_summaries, self.articles_path, [o for _, o in self.event_batch],
                                      self.options)
            ids = [event_id for event_id, _ in self.event_batch]
            self.inflight.append(future)
            self.event_tasks.append((future, ids))
            self.in_pool.update(ids)
        self.event_batch, self.event_batch_articles = [], 0

    def _flush(self) -> None:
        if self.batch and self.pool is not None:
            future = self.pool.submit(_story_lines, self.articles_path, self.batch, self.options)
            self.lines.append(future)
            self.inflight.append(future)
        self.batch, self.batch_articles = [], 0

    def _write(self, future: Future[list[str]]) -> None:
        for line in future.result():
            self.writer.write(line)

    def drain(self) -> None:
        started = time.monotonic()
        self._flush_events()
        self._release(wait=True)
        self._flush()
        while self.lines:
            self._write(self.lines.popleft())
        self.report.summarize_seconds += time.monotonic() - started

    def close(self) -> None:
        for future in (*self.inflight, *self.lines):
            future.cancel()
        self.inflight.clear()
        self.lines.clear()
        self.event_tasks.clear()
