"""Stories from an unbounded stream, batch by batch (``--watch DIR``, and Spark's ``foreachBatch``).

A stream has no first pass, so IDF is learned incrementally: each batch's document frequencies are
counted before the batch is clustered (Yang, Pierce & Carbonell 1998 do the same for on-line event
detection).  Within a batch articles are clustered in date order; the clusterer's state carries over
from batch to batch, stories close when the stream's clock passes their window, and closed stories
are summarized and written at once.  Articles wait in a spool on disk until their story closes, so
memory holds only the open stories.  When a whole input arrives as one batch the result is the same as
the batch engines'.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from khulasa.errors import NoInputError
from khulasa.ingest import IngestReport, iter_articles
from khulasa.models import Article
from khulasa.stories import spool
from khulasa.stories.cluster import Assignment, DocumentFrequencies, StoryClusterer
from khulasa.stories.engine import (
    ARTICLES_FILE,
    STORIES_FILE,
    NoProgress,
    Progress,
    RunReport,
    StoryWriter,
    record_ingest,
    story_record,
)
from khulasa.stories.features import ArticleFeatures, extract
from khulasa.stories.options import StoryOptions

logger = logging.getLogger(__name__)

Summarize = Callable[[list[tuple[Assignment, list[Article]]]], list[dict[str, Any]]]
"""Turns closed stories (with their articles) into records, in order (Spark runs them on executors)."""


def summarize_here(stories: list[tuple[Assignment, list[Article]]], options: StoryOptions) -> list[dict[str, Any]]:
    return [story_record(a, arts, options) for a, arts in stories]


class StoryStream:
    """Incremental stories: ``add_batch`` clusters a batch and writes the stories that closed; ``finish``
    closes the rest.  Records go to ``workdir/stories.jsonl`` (and to ``on_story``)."""

    def __init__(
        self,
        options: StoryOptions,
        workdir: Path,
        *,
        on_story: Callable[[dict[str, Any]], None] | None = None,
        summarize: Summarize | None = None,
        engine: str = "embedded",
    ) -> None:
        self.options = options
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        for name in (STORIES_FILE, ARTICLES_FILE):
            (self.workdir / name).unlink(missing_ok=True)
        self.report = RunReport(engine=engine)
        self.frequencies = DocumentFrequencies()
        self.clusterer = StoryClusterer(options, self.frequencies)
        self._summarize = summarize or (lambda stories: summarize_here(stories, options))
        self._articles = spool.RecordWriter(self.workdir / ARTICLES_FILE)
        self._reader: spool.RecordReader | None = None
        self._offsets: dict[int, int] = {}
        self._writer = StoryWriter(
            open(self.workdir / STORIES_FILE, "a", encoding="utf-8"),  # noqa: SIM115 - closed in finish()
            on_story,
            self.report,
        )
        self._seq = 0
        self._last_date: dt.date | None = None
        self._started = time.monotonic()

    def add_batch(self, articles: Sequence[Article], features: Sequence[ArticleFeatures] | None = None) -> int:
        """Cluster one batch (features may come precomputed, e.g. from executors); return stories written."""
        if features is None:
            features = self.features_of(articles)
        for article, f in zip(articles, features, strict=True):
            self._offsets[f.seq] = self._articles.append(article)
            self.frequencies.add(f.terms)
        self._articles.flush()
        self.report.articles += len(articles)
        closed: list[Assignment] = []
        for f in sorted(features, key=lambda f: f.order_key):
            closed += self.clusterer.add(f)
        return self._write(closed)

    def features_of(self, articles: Sequence[Article]) -> list[ArticleFeatures]:
        """Features in arrival order, numbering articles on from the previous batch."""
        out = []
        for article in articles:
            if article.date is not None:
                self._last_date = article.date
            out.append(extract(article, self._seq, self._last_date))
            self._seq += 1
        return out

    def next_seqs(self, n: int) -> range:
        """Reserve ``n`` arrival numbers (for features computed elsewhere)."""
        seqs = range(self._seq, self._seq + n)
        self._seq += n
        return seqs

    def finish(self) -> RunReport:
        written = self._write(self.clusterer.finish())
        del written
        self._articles.close()
        if self._reader is not None:
            self._reader.close()
        self._writer.close()
        self.report.seconds = time.monotonic() - self._started
        return self.report

    def _write(self, closed: list[Assignment]) -> int:
        todo = []
        for assignment in closed:
            self.report.count(assignment)
            if len(assignment.members) >= self.options.min_size:
                todo.append(assignment)
        if not todo:
            return 0
        self._articles.flush()
        if self._reader is None:
            self._reader = spool.RecordReader(self.workdir / ARTICLES_FILE)
        batch = [(a, [self._reader.read(self._offsets.pop(s)) for s in a.seqs]) for a in todo]
        for record in self._summarize(batch):
            self._writer.write(record)
        return len(todo)


def watch_directory(
    directory: str,
    options: StoryOptions,
    workdir: Path,
    *,
    progress: Progress | None = None,
    on_story: Callable[[dict[str, Any]], None] | None = None,
    poll_seconds: float = 2.0,
    idle_stop: float | None = None,
) -> RunReport:
    """Follow ``directory``: every new ``*.jsonl`` file is one batch.  Stops on Ctrl-C (or after
    ``idle_stop`` seconds without a new file), then closes and writes the open stories.

    Writers should move finished files into the directory (a rename), never write them in place.
    """
    progress = progress or NoProgress()
    progress.phase("watching", None)
    stream = StoryStream(options, workdir, on_story=on_story)
    seen: set[str] = set()
    ingest = IngestReport()
    last_new = time.monotonic()
    try:
        while True:
            names = sorted(
                n for n in os.listdir(directory) if n.endswith((".jsonl", ".ndjson")) and not n.startswith(".")
            )
            new = [n for n in names if n not in seen]
            for name in new:
                seen.add(name)
                try:
                    articles = list(iter_articles([os.path.join(directory, name)], report=ingest))
                except NoInputError:
                    continue  # an empty file: recorded in the report
                stream.add_batch(articles)
                progress.advance(len(articles))
                logger.info("%s: %d articles, %d stories open", name, len(articles), stream.clusterer.n_open)
            if new:
                last_new = time.monotonic()
            elif idle_stop is not None and time.monotonic() - last_new > idle_stop:
                break
            time.sleep(poll_seconds)
    except KeyboardInterrupt:
        logger.warning("stopping: closing the open stories")
    report = stream.finish()
    record_ingest(report, ingest)
    return report
