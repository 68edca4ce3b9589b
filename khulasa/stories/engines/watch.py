"""Stories from an unbounded stream, batch by batch (stdin, ``--watch DIR``, and Spark's ``foreachBatch``).

``StoryStream`` is the incremental engine the embedded engine runs on stdin (``stream_inputs``) and on
a followed directory (``watch_directory``), and the Spark engine's watch mode on its driver.

A stream has no first pass, so IDF is learned incrementally: each batch's document frequencies are
counted before the batch is clustered (Yang, Pierce & Carbonell 1998 do the same for on-line event
detection).  Within a batch articles are clustered in date order; the clusterer's state carries over
from batch to batch, stories close when the stream's clock passes their window, and closed stories
are summarized and written at once.  Articles wait in a spool on disk until their story closes (the
spool is compacted as it fills with articles of closed stories), so memory and disk hold only the open
stories.  When a whole input arrives as one batch the result is the same as the batch engines'.

A stream ends at the end of its input, or when asked: SIGINT or SIGTERM (``process.GracefulStop``) stops
it between batches, and the open stories are closed and written like at the end of the input.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from khulasa.errors import KhulasaError, NoInputError, UnreadableFileError
from khulasa.ingest import IngestReport, InputRecord, iter_articles
from khulasa.models import Article
from khulasa.stories import spool
from khulasa.stories.cluster import (
    Assignment,
    DocumentFrequencies,
    needs_frequencies,
    needs_signals,
    new_clusterer,
)
from khulasa.stories.features import ArticleFeatures, extract
from khulasa.stories.options import StoryOptions
from khulasa.stories.process import (
    FEATURE_CHUNK,
    STORY_CHUNK_ARTICLES,
    GracefulStop,
    StopRequested,
    optional_pool,
)
from khulasa.stories.run import NoProgress, Progress, RunReport, RunState, story_line
from khulasa.stories.update import UpdateStream
from khulasa.stories.workdir import ARTICLES_FILE, state_lock

logger = logging.getLogger(__name__)

STREAM_BATCH = 1000
"""Articles of stdin clustered together: stories are written after each batch (and at the end).  A
count, not a time, so the same bytes give the same stories however fast they arrive."""
COMPACT_BYTES = 64 * 1024 * 1024
"""The article spool is rewritten with only the open stories' articles once it is this large and at
least three quarters of it belong to closed stories."""

VOCABULARY_LIMIT = 500_000
"""Terms whose document frequency a stream keeps (``DocumentFrequencies.prune``).  A term costs about
170 bytes (its string 79 on average on ANT, its slots in the counts and the IDF table), so about 85 MB
at most; the whole ANT corpus (30,523 articles) has 62,766 terms."""

Summarize = Callable[[list[tuple[Assignment, list[Article]]]], list[str]]
"""Turns closed stories (with their articles) into JSONL lines, in order (Spark runs them on executors)."""


def summarize_here(stories: list[tuple[Assignment, list[Article]]], options: StoryOptions) -> list[str]:
    return [story_line(a, arts, options) for a, arts in stories]


def summarize_in_pool(pool: ProcessPoolExecutor, options: StoryOptions) -> Summarize:
    """Summaries computed by a worker pool, in tasks of at least ``STORY_CHUNK_ARTICLES`` articles."""

    def summarize(stories: list[tuple[Assignment, list[Article]]]) -> list[str]:
        tasks: list[list[tuple[Assignment, list[Article]]]] = [[]]
        size = 0
        for story in stories:
            if size >= STORY_CHUNK_ARTICLES:
                tasks.append([])
                size = 0
            tasks[-1].append(story)
            size += len(story[1])
        try:
            futures = [pool.submit(summarize_here, task, options) for task in tasks if task]
            return [line for future in futures for line in future.result()]
        except BrokenProcessPool:  # a worker was killed (e.g. SIGTERM to the whole group): go on here
            logger.warning("the worker pool is gone: summarizing in the main process")
            return summarize_here(stories, options)

    return summarize


def _features(chunk: list[tuple[int, Article, dt.date | None]], signals: bool = False) -> list[ArticleFeatures]:
    return [extract(article, seq, date, signals=signals) for seq, article, date in chunk]


class StoryStream:
    """Incremental stories: ``add_batch`` clusters a batch and writes the stories that closed; ``finish``
    closes the rest.  Records go to ``workdir/stories.jsonl`` (and their lines to ``on_story``).

    ``workdir`` must not hold another run's state (a stream cannot be resumed: its input is gone).
    With a ``pool``, features and summaries are computed there (the records do not change).
    """

    def __init__(
        self,
        options: StoryOptions,
        workdir: Path,
        *,
        on_story: Callable[[str], None] | None = None,
        summarize: Summarize | None = None,
        engine: str = "embedded",
        pool: ProcessPoolExecutor | None = None,
        inputs: Sequence[str] = (),
    ) -> None:
        self.options = options
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._state = RunState.open(self.workdir, engine=engine, inputs=inputs, options=options,
                                    phase="streaming", stream=True)
        self.report = RunReport(engine=engine)
        self.frequencies = DocumentFrequencies()
        self.clusterer = new_clusterer(options, self.frequencies)
        self._signals = needs_signals(options)
        self._count_terms = needs_frequencies(options)
        self._pool = pool
        if summarize is None:
            summarize = summarize_in_pool(pool, options) if pool is not None else (
                lambda stories: summarize_here(stories, options))
        self._summarize = summarize
        self._articles = spool.RecordWriter(self.workdir / ARTICLES_FILE)
        self._reader: spool.RecordReader | None = None
        self._offsets: dict[int, tuple[int, int]] = {}
        """Spool offset and size of each article whose story is still open."""
        self._live_bytes = 0
        self._writer = self._state.writer(on_story, self.report)
        self._seq = 0
        self._last_date: dt.date | None = None
        self._started = time.monotonic()

    def add_batch(self, articles: Sequence[Article], features: Sequence[ArticleFeatures] | None = None) -> int:
        """Cluster one batch (features may come precomputed, e.g. from executors); return stories written."""
        if features is None:
            features = self.features_of(articles)
        for article, f in zip(articles, features, strict=True):
            offset = self._articles.append(article)
            size = self._articles.offset - offset
            self._offsets[f.seq] = (offset, size)
            self._live_bytes += size
            if self._count_terms:
                self.frequencies.add(f.terms)
        self._articles.flush()
        self.report.articles += len(articles)
        closed: list[Assignment] = []
        for f in sorted(features, key=lambda f: f.order_key):
            closed += self.clusterer.add(f)
        written = self._write(closed)
        self._compact_if_worth_it()
        self.frequencies.prune(VOCABULARY_LIMIT)
        return written

    def features_of(self, articles: Sequence[Article]) -> list[ArticleFeatures]:
        """Features in arrival order, numbering articles on from the previous batch."""
        dated = []
        for article in articles:
            if article.date is not None:
                self._last_date = article.date
            dated.append((self._seq, article, self._last_date))
            self._seq += 1
        signals = self._signals
        if self._pool is None or len(dated) <= FEATURE_CHUNK:
            return _features(dated, signals)
        chunks = [dated[i : i + FEATURE_CHUNK] for i in range(0, len(dated), FEATURE_CHUNK)]
        try:
            return [f for chunk in self._pool.map(_features, chunks, [signals] * len(chunks)) for f in chunk]
        except BrokenProcessPool:
            logger.warning("the worker pool is gone: computing features in the main process")
            self._pool = None
            return _features(dated, signals)

    @property
    def n_open(self) -> int:
        """Stories still open."""
        return self.clusterer.n_open

    def next_seqs(self, n: int) -> range:
        """Reserve ``n`` arrival numbers (for features computed elsewhere)."""
        seqs = range(self._seq, self._seq + n)
        self._seq += n
        return seqs

    def finish(self) -> RunReport:
        self._write(self.clusterer.finish())
        self._articles.close()
        if self._reader is not None:
            self._reader.close()
        self._writer.close()
        self.report.seconds = time.monotonic() - self._started
        self._state.finish(self.report)
        return self.report

    def _write(self, closed: list[Assignment]) -> int:
        todo = []
        for assignment in closed:
            self.report.count(assignment)
            if len(assignment.members) >= self.options.min_size:
                todo.append(assignment)
            else:
                for seq in assignment.seqs:
                    self._forget(seq)
        if not todo:
            return 0
        self._articles.flush()
        if self._reader is None:
            self._reader = spool.RecordReader(self.workdir / ARTICLES_FILE)
        reader = self._reader
        batch: list[tuple[Assignment, list[Article]]] = []
        size = 0
        for n, assignment in enumerate(todo, start=1):  # in parts: at most a batch of articles in memory
            batch.append((assignment, [reader.read(self._forget(s)) for s in assignment.seqs]))
            size += len(assignment.seqs)
            if size >= STREAM_BATCH or n == len(todo):
                for line in self._summarize(batch):
                    self._writer.write(line)
                batch, size = [], 0
        return len(todo)

    def _forget(self, seq: int) -> int:
        """The spool offset of an article whose story closed (it is no longer counted as live)."""
        offset, size = self._offsets.pop(seq)
        self._live_bytes -= size
        return offset

    def _compact_if_worth_it(self) -> None:
        """Rewrite the spool with only the open stories' articles, so a stream without end does not fill
        the disk."""
        if self._articles.offset < COMPACT_BYTES or self._live_bytes * 4 > self._articles.offset:
            return
        self._articles.close()
        if self._reader is not None:
            self._reader.close()
        old = self.workdir / ARTICLES_FILE
        new = self.workdir / f"{ARTICLES_FILE}.new"
        reader, writer = spool.RecordReader(old), spool.RecordWriter(new)
        try:
            for seq, (offset, size) in sorted(self._offsets.items(), key=lambda item: item[1][0]):
                self._offsets[seq] = (writer.append_payload(reader.read_payload(offset)), size)
        finally:
            reader.close()
            writer.close()
        os.replace(new, old)
        self._articles = spool.RecordWriter(old)
        self._reader = spool.RecordReader(old)


# --- inputs read as a stream (stdin) ---------------------------------------------------------------------


def stream_inputs(
    inputs: Sequence[str],
    options: StoryOptions,
    workdir: Path,
    *,
    progress: Progress | None = None,
    on_story: Callable[[str], None] | None = None,
    workers: int = 1,
    batch: int = STREAM_BATCH,
) -> RunReport:
    """Stories of ``inputs`` (typically ``-``, stdin) read once, as a stream: every ``batch`` articles
    are clustered and the stories that closed are written, so output starts while input still arrives
    and memory does not grow with the input.  SIGINT/SIGTERM end it like the end of the input."""
    progress = progress or NoProgress()
    progress.phase("reading", None)
    ingest = IngestReport()
    with state_lock(workdir), GracefulStop() as stop, optional_pool(workers) as pool:
        stream = StoryStream(options, workdir, on_story=on_story, pool=pool, inputs=inputs)
        articles = iter_articles(list(inputs), report=ingest)
        done = False
        while not done and not stop.requested:
            chunk: list[Article] = []
            try:
                with stop.interruptible():
                    for article in articles:
                        chunk.append(article)
                        if len(chunk) >= batch:
                            break
                    else:
                        done = True
            except StopRequested:
                pass
            if chunk:
                stream.add_batch(chunk)
                progress.advance(len(chunk))
        report = stream.finish()
    report.record_ingest(ingest)
    report.stopped_by = stop.signal_name
    return report


# --- following a directory ---------------------------------------------------------------------------------


def read_batch(path: str, ingest: IngestReport) -> list[Article]:
    """The articles of one file that arrived in a watched directory; a file that cannot be read is
    skipped and recorded in ``ingest`` (one bad file never stops the stream)."""
    try:
        return list(iter_articles([path], report=ingest))
    except NoInputError as exc:
        if not any(r.path == path for r in ingest.inputs[-1:]):  # gone before it was read
            ingest.add(InputRecord(path, "skipped", reason="cannot open", detail=exc.message))
    except UnreadableFileError as exc:
        reason = "binary data" if exc.reason.startswith("binary") else "cannot read"
        ingest.add(InputRecord(path, "skipped", reason=reason, detail=exc.reason))
        logger.warning("skipped %s: %s", path, exc.reason)
    except KhulasaError as exc:
        ingest.add(InputRecord(path, "skipped", reason="cannot read", detail=str(exc)))
        logger.warning("skipped %s: %s", path, exc)
    except Exception as exc:  # a bug on one file must not lose the open stories of the whole stream
        detail = f"{type(exc).__name__}: {exc}"
        ingest.add(InputRecord(path, "skipped", reason="internal error", detail=detail))
        logger.warning("skipped %s: internal error (%s); this is a bug, please report it", path, detail,
                       exc_info=logger.isEnabledFor(logging.DEBUG))
    return []


def watch_directory(
    directory: str,
    options: StoryOptions,
    workdir: Path,
    *,
    progress: Progress | None = None,
    on_story: Callable[[str], None] | None = None,
    poll_seconds: float = 2.0,
    idle_stop: float | None = None,
    workers: int = 1,
    update: Path | None = None,
) -> RunReport:
    """Follow ``directory``: every new ``*.jsonl`` file is one batch.  Stops on SIGINT or SIGTERM (or
    after ``idle_stop`` seconds without a new file), then closes and writes the open stories.

    With ``update`` (a ``--update`` directory) every file is an update run of the story trees saved
    there (``stories.update.UpdateStream``): the stories it changes are written with ``new_events`` and
    ``update_summary``, the trees are saved after it, and files added before (by an earlier watch) are
    skipped.

    Writers should move finished files into the directory (a rename), never write them in place.  A
    file that cannot be read is skipped and named in the report.
    """
    progress = progress or NoProgress()
    progress.phase("watching", None)
    ingest = IngestReport()
    watched = [os.path.abspath(directory)]
    with state_lock(workdir), update_lock(update), GracefulStop() as stop, optional_pool(workers) as pool:
        stream: StoryStream | UpdateStream
        if update is None:
            stream = StoryStream(options, workdir, on_story=on_story, pool=pool, inputs=watched)
        else:
            stream = UpdateStream(options, workdir, update, on_story=on_story, inputs=watched)
        seen: set[str] = set()
        last_new = time.monotonic()
        while not stop.requested:
            new = [n for n in _jsonl_names(directory) if n not in seen]
            for name in new:
                if stop.requested:
                    break
                seen.add(name)
                path = os.path.join(directory, name)
                if isinstance(stream, UpdateStream):
                    if not stream.done(path):
                        articles = read_batch(path, ingest)
                        stream.add_batch(articles, path)
                        progress.advance(len(articles))
                    continue
                articles = read_batch(path, ingest)
                if articles:
                    stream.add_batch(articles)
                    progress.advance(len(articles))
                    logger.info("%s: %d articles, %d stories open", name, len(articles), stream.n_open)
            if new:
                last_new = time.monotonic()
            elif idle_stop is not None and time.monotonic() - last_new > idle_stop:
                break
            stop.sleep(poll_seconds)
        report = stream.finish()
    report.record_ingest(ingest)
    report.stopped_by = stop.signal_name
    return report


@contextlib.contextmanager
def update_lock(update: Path | None) -> Iterator[None]:
    """The lock of a ``--update`` directory (``workdir.state_lock``) for the block; nothing without one."""
    if update is None:
        yield
        return
    with state_lock(update):
        yield


def _jsonl_names(directory: str) -> Iterable[str]:
    try:
        names = os.listdir(directory)
    except OSError as exc:
        logger.warning("cannot list %s: %s", directory, exc.strerror or exc)
        return []
    return sorted(n for n in names if n.endswith((".jsonl", ".ndjson")) and not n.startswith("."))
