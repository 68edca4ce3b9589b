"""The Spark engine: the same stories as the embedded engine, with the heavy work on executors.

What runs where (the clustering is online and sequential by nature, so it stays on the driver):

1. **Driver**: read the inputs with ``khulasa.ingest`` (archives, TREC files and stdin are not
   splittable) and hand them to Spark in Arrow chunks, so the driver never holds the corpus.
2. **Executors** (``mapInPandas``): per-article features — stemmed term weights and MinHash signature
   (``khulasa.stories.features``), the costly per-article step; document frequencies by a
   ``groupBy`` on exploded terms.
3. **Driver**: stream the features back in clustering order (``orderBy(date, id, seq)`` +
   ``toLocalIterator``, one partition at a time) through ``StoryClusterer`` — the very object the
   embedded engine uses — which yields story assignments (compact: ids and numbers, no text).
4. **Executors** (``groupBy(story_id).applyInPandas``): the per-story function
   ``khulasa.stories.run.story_line`` (summary, timeline, actors), the most expensive step.
5. **Driver**: write the records in the embedded engine's order to ``stories.jsonl``.

Same input, same options -> byte-identical records (the tests check it).  ``run_watch`` follows a
directory of JSONL files with Structured Streaming: each micro-batch (``foreachBatch``) feeds the
incremental ``StoryStream`` (``engines.watch``) on the driver and the stories that close are summarized
on executors; with ``--update STATE`` each file is an update run of the saved story trees, by the
embedded engine's own ``stories.update.UpdateStream`` on the driver.  ``SparkEngine`` is the engine
the registry names ``spark``.

PySpark is an extra (``pip install 'khulasa[spark]'``), imported lazily with an install hint.
"""

from __future__ import annotations

import functools
import logging
import os
import time
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from khulasa.errors import require
from khulasa.ingest import IngestReport, iter_articles, iter_jsonl_bytes
from khulasa.models import Article
from khulasa.stories.cluster import Assignment, DocumentFrequencies, needs_signals, new_clusterer
from khulasa.stories.engines.spark_rows import (
    ARTICLE_SCHEMA,
    EARLIER_SCHEMA,
    FEATURE_SCHEMA,
    MEMBER_SCHEMA,
    RECORD_SCHEMA,
    article_row,
    earlier_columns,
    event_columns,
    features_of_batches,
    member_rows,
    row_features,
    story_records,
)
from khulasa.stories.engines.watch import StoryStream, update_lock
from khulasa.stories.features import with_effective_dates
from khulasa.stories.options import StoryOptions
from khulasa.stories.process import GracefulStop
from khulasa.stories.run import (
    ClosedStories,
    Inputs,
    NoProgress,
    Progress,
    RunOutput,
    RunReport,
    RunState,
)
from khulasa.stories.shipping import Shipping, cluster_errors, resolve_master
from khulasa.stories.story import Earlier
from khulasa.stories.update import UpdateStream, check_update_options
from khulasa.stories.workdir import state_lock

logger = logging.getLogger(__name__)

CHUNK_ARTICLES = 2000
JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


def _pyspark() -> Any:
    """``pyspark.sql``, or ``MissingExtraError`` with the install hint (checked before any other import)."""
    require("pandas", feature="the Spark engine", extra="spark")
    require("pyarrow", feature="the Spark engine", extra="spark")
    return require("pyspark.sql", feature="the Spark engine", extra="spark")


def session(master: str | None = None, shipping: Shipping | None = None) -> Any:
    """The active SparkSession, or a new one (``master`` > spark-submit's > ``local[*]``) with khulasa
    and its dependencies shipped to the executors as ``shipping`` says (``khulasa.stories.shipping``)."""
    sql = _pyspark()
    active = sql.SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    master = resolve_master(master)
    builder = sql.SparkSession.builder.appName("khulasa-stories").master(master)
    builder = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
    return (shipping or Shipping()).start(builder, master)


class SparkEngine:
    """The ``spark`` engine: the embedded engine's records with the heavy work on Spark executors.

    ``master`` (default: spark-submit's or ``local[*]``) or an active ``session``.  Files are read as one
    batch (``run_batch``, resumable); ``Inputs.watch`` is followed with Structured Streaming
    (``run_watch``: ``available_now`` processes what is there and stops, otherwise a micro-batch every
    ``trigger_seconds`` until SIGINT/SIGTERM, at most ``max_files_per_trigger`` files each).
    """

    name = "spark"

    def __init__(self, master: str | None = None, *, session: Any = None, available_now: bool = False,
                 trigger_seconds: float = 5.0, max_files_per_trigger: int | None = None,
                 shipping: Shipping | None = None) -> None:
        self.master = master
        self.shipping = shipping
        self.session = session
        self.available_now = available_now
        self.trigger_seconds = trigger_seconds
        self.max_files_per_trigger = max_files_per_trigger

    def run(self, inputs: Inputs, options: StoryOptions, output: RunOutput,
            progress: Progress | None = None) -> RunReport:
        if inputs.watch is not None:
            return run_watch(inputs.watch, options, output.workdir, master=self.master, spark=self.session,
                             progress=progress, on_story=output.on_story, available_now=self.available_now,
                             trigger_seconds=self.trigger_seconds,
                             max_files_per_trigger=self.max_files_per_trigger, shipping=self.shipping,
                             update=output.update)
        return run_batch(inputs.paths, options, output.workdir, resume=output.resume, master=self.master,
                         spark=self.session, progress=progress, on_story=output.on_story, shipping=self.shipping)


# --- batch ------------------------------------------------------------------------------------------


def run_batch(
    inputs: Sequence[str],
    options: StoryOptions,
    workdir: Path,
    *,
    resume: bool = False,
    master: str | None = None,
    spark: Any = None,
    progress: Progress | None = None,
    on_story: Callable[[str], None] | None = None,
    shipping: Shipping | None = None,
) -> RunReport:
    """Stories of ``inputs`` on Spark, written to ``workdir/stories.jsonl``; the same records as
    ``StoryRun`` (embedded).  ``resume`` re-reads and re-clusters, and summarizes only the stories
    not written yet."""
    _pyspark()
    workdir = Path(workdir)
    with state_lock(workdir), cluster_errors():
        return _run_batch(inputs, options, workdir, resume=resume, spark=spark or session(master, shipping),
                          progress=progress or NoProgress(), on_story=on_story)


def _run_batch(
    inputs: Sequence[str],
    options: StoryOptions,
    workdir: Path,
    *,
    resume: bool,
    spark: Any,
    progress: Progress,
    on_story: Callable[[str], None] | None,
) -> RunReport:
    import pandas as pd
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    started = time.monotonic()
    state = RunState.open(workdir, engine="spark", inputs=inputs, options=options, phase="running", resume=resume)
    if state.resumed:
        state.refuse_to_reread_stdin()
    written = state.written_stories()
    report = RunReport(engine="spark", resumed=resume)

    # 1. driver: ingest -> Arrow chunks
    progress.phase("reading", None)
    ingest = IngestReport()
    frames = []
    chunk: list[dict[str, Any]] = []
    for seq, article, date in with_effective_dates(iter_articles(list(inputs), report=ingest)):
        chunk.append(article_row(seq, article, date))
        if len(chunk) >= CHUNK_ARTICLES:
            frames.append(spark.createDataFrame(pd.DataFrame(chunk), schema=ARTICLE_SCHEMA))
            progress.advance(len(chunk))
            chunk = []
    if chunk:
        frames.append(spark.createDataFrame(pd.DataFrame(chunk), schema=ARTICLE_SCHEMA))
        progress.advance(len(chunk))
    articles = functools.reduce(lambda a, b: a.unionByName(b), frames)
    parallelism = spark.sparkContext.defaultParallelism
    articles = articles.repartition(max(2, parallelism)).persist(StorageLevel.MEMORY_AND_DISK)
    report.record_ingest(ingest)

    try:
        # 2. executors: features and document frequencies
        extract = functools.partial(features_of_batches, signals=needs_signals(options))
        features = articles.mapInPandas(extract, FEATURE_SCHEMA).persist(
            StorageLevel.MEMORY_AND_DISK
        )
        frequencies = DocumentFrequencies()
        counts = features.select(F.explode("terms").alias("term")).groupBy("term").count().collect()
        frequencies.merge({r["term"]: int(r["count"]) for r in counts}, features.count())
        report.articles = frequencies.n

        # 3. driver: online clustering in date order
        progress.phase("clustering", frequencies.n)
        clusterer = new_clusterer(options, frequencies)
        members: list[dict[str, Any]] = []
        closed = ClosedStories(
            written, options.min_size, report, lambda story, n: members.extend(member_rows(story, n))
        )
        ordered = features.orderBy(F.col("date").asc_nulls_first(), F.col("id"), F.col("seq"))
        for row in ordered.toLocalIterator(prefetchPartitions=True):
            closed.place(clusterer.add(row_features(row)))
            progress.advance()
        closed.place(clusterer.finish())
        features.unpersist()

        # 4. executors: the per-story function; 5. driver: write in order
        report.written = len(written)
        writer = state.writer(on_story, report)
        try:
            if members:
                progress.phase("summarizing", closed.n - len(written))
                plan = spark.createDataFrame(pd.DataFrame(members), schema=MEMBER_SCHEMA)
                joined = plan.join(articles.drop("eff_date"), on="seq")
                records = joined.groupBy("story_id").applyInPandas(story_records(options), RECORD_SCHEMA)
                for row in records.orderBy("rank").toLocalIterator(prefetchPartitions=True):
                    writer.write(row["record"])
                    progress.advance()
        finally:
            writer.close()
    finally:
        articles.unpersist()
    report.seconds = time.monotonic() - started
    state.finish(report)
    return report


# --- streaming ---------------------------------------------------------------------------------------


def _summarize_on_spark(spark: Any, stories: Sequence[tuple[Assignment, list[Article], Earlier | None]],
                        options: StoryOptions) -> list[str]:
    """Summarize closed stories on executors (the watch mode's articles live in the driver's spool);
    a story's ``Earlier`` (an update) travels on its first row (``spark_rows.earlier_columns``)."""
    import pandas as pd

    rows = []
    for k, (assignment, articles, earlier) in enumerate(stories):
        members = zip(assignment.members, articles, event_columns(assignment), strict=True)
        for position, (m, article, (event, event_id)) in enumerate(members):
            row = article_row(m.seq, article, None)
            row.update(story_id=assignment.story_id, rank=k, position=position,
                       duplicate_of=m.duplicate_of, similarity=m.similarity, event=event, event_id=event_id,
                       **earlier_columns(earlier if position == 0 else None))
            rows.append(row)
    schema = (f"{ARTICLE_SCHEMA}, story_id string, rank long, position long, duplicate_of string, "
              f"similarity double, event long, event_id string, {EARLIER_SCHEMA}")
    frame = spark.createDataFrame(pd.DataFrame(rows), schema=schema)
    out = frame.groupBy("story_id").applyInPandas(story_records(options), RECORD_SCHEMA).collect()
    return [r["record"] for r in sorted(out, key=lambda r: r["rank"])]


def run_watch(
    directory: str,
    options: StoryOptions,
    workdir: Path,
    *,
    master: str | None = None,
    spark: Any = None,
    progress: Progress | None = None,
    on_story: Callable[[str], None] | None = None,
    available_now: bool = False,
    trigger_seconds: float = 5.0,
    max_files_per_trigger: int | None = None,
    shipping: Shipping | None = None,
    update: Path | None = None,
) -> RunReport:
    """Follow ``directory`` (JSONL files, moved in when complete) with Structured Streaming.

    Each micro-batch's lines are parsed by ``khulasa.ingest`` on the driver and clustered by the
    incremental ``StoryStream``; closed stories are summarized on executors.  ``available_now``
    processes what is there and stops; otherwise it runs until Ctrl-C.  Open stories are closed and
    written at the end.

    With ``update`` (a ``--update`` directory), each file of a micro-batch, in name order, is an update
    run of the story trees saved there: the driver runs the embedded engine's ``UpdateStream``, which
    writes the changed stories (summarized on executors) and saves the trees after each file; files
    added before (by an earlier watch or run) are skipped.  The records are the embedded watch's.
    """
    _pyspark()
    if update is not None:
        check_update_options(options)  # before a session is started
    workdir = Path(workdir)
    with state_lock(workdir), update_lock(update), GracefulStop() as stop, cluster_errors():
        return _run_watch(directory, options, workdir, spark=spark or session(master, shipping),
                          progress=progress or NoProgress(), on_story=on_story, stop=stop,
                          available_now=available_now, trigger_seconds=trigger_seconds,
                          max_files_per_trigger=max_files_per_trigger, update=update)


def _run_watch(
    directory: str,
    options: StoryOptions,
    workdir: Path,
    *,
    spark: Any,
    progress: Progress,
    on_story: Callable[[str], None] | None,
    stop: GracefulStop,
    available_now: bool,
    trigger_seconds: float,
    max_files_per_trigger: int | None,
    update: Path | None = None,
) -> RunReport:
    from pyspark.sql import functions as F

    watched = [os.path.abspath(directory)]
    stream: StoryStream | UpdateStream
    if update is None:
        stream = StoryStream(
            options, workdir, on_story=on_story, engine="spark", inputs=watched,
            summarize=lambda stories: _summarize_on_spark(spark, [(a, arts, None) for a, arts in stories], options),
        )
    else:
        stream = UpdateStream(options, workdir, update, on_story=on_story, engine="spark", inputs=watched,
                              summarize=lambda stories: _summarize_on_spark(spark, stories, options))
    ingest = IngestReport()
    progress.phase("watching", None)
    reader = spark.readStream.format("text").option("pathGlobFilter", "*.jsonl")
    if max_files_per_trigger is not None:
        reader = reader.option("maxFilesPerTrigger", max_files_per_trigger)
    lines = reader.load(str(directory)).withColumn("file", F.input_file_name())

    def handle(batch: Any, batch_id: int) -> None:
        by_file: dict[str, list[str]] = {}
        for row in batch.collect():
            by_file.setdefault(row["file"], []).append(row["value"])
        articles: list[Article] = []
        for name in sorted(by_file):  # each file on its own: a bad one is skipped, not its batch
            data = "".join(value + "\n" for value in by_file[name]).encode("utf-8", "surrogatepass")
            if isinstance(stream, UpdateStream):  # each file an update run, as in the embedded watch
                path = _file_path(name)
                if not stream.done(path):
                    added = _file_articles(name, data, ingest)
                    stream.add_batch(added, path)
                    progress.advance(len(added))
                continue
            articles += _file_articles(name, data, ingest)
        if articles:
            stream.add_batch(articles)
            progress.advance(len(articles))

    writer = lines.writeStream.foreachBatch(handle).option(
        "checkpointLocation", str(workdir / "checkpoint")
    )
    writer = writer.trigger(availableNow=True) if available_now else writer.trigger(
        processingTime=f"{trigger_seconds} seconds"
    )
    query = writer.start()
    try:
        # In short waits, so that SIGINT/SIGTERM (which only set stop.requested here) end it promptly.
        while not stop.requested and not query.awaitTermination(WATCH_WAIT_SECONDS):
            pass
    finally:
        query.stop()
    report = stream.finish()
    report.record_ingest(ingest)
    report.stopped_by = stop.signal_name
    return report


WATCH_WAIT_SECONDS = 1.0


def _file_path(uri: str) -> str:
    """A local path for Spark's ``input_file_name`` (a ``file:`` URI); other URIs as they are."""
    parsed = urllib.parse.urlparse(uri)
    return urllib.parse.unquote(parsed.path) if parsed.scheme in ("file", "") else uri


def _file_articles(uri: str, data: bytes, ingest: IngestReport) -> list[Article]:
    """The articles of one watched file's lines (a bad file is skipped and recorded, never raised)."""
    path = _file_path(uri)
    try:
        return list(iter_jsonl_bytes([data], path=path, report=ingest))
    except Exception as exc:  # a bug on one file must not lose the open stories of the whole stream
        logger.warning("skipped %s: internal error (%s: %s)", path, type(exc).__name__, exc)
        return []
