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
   ``khulasa.stories.engine.story_record`` (summary, timeline, actors), the most expensive step.
5. **Driver**: write the records in the embedded engine's order to ``stories.jsonl``.

Same input, same options -> byte-identical records (the tests check it).  ``run_watch`` follows a
directory of JSONL files with Structured Streaming: each micro-batch (``foreachBatch``) feeds the
incremental ``StoryStream`` on the driver and the stories that close are summarized on executors.

PySpark is an extra (``pip install 'khulasa[spark]'``), imported lazily with an install hint.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import math
import os
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from khulasa.errors import require
from khulasa.ingest import IngestReport, iter_articles, iter_jsonl_bytes
from khulasa.models import Article
from khulasa.stories import spool
from khulasa.stories.cluster import Assignment, DocumentFrequencies, Member, StoryClusterer
from khulasa.stories.engine import (
    STATE_FILE,
    STATE_VERSION,
    STORIES_FILE,
    ClosedStories,
    NoProgress,
    Progress,
    RunReport,
    StoryRunError,
    StoryWriter,
    read_state,
    record_ingest,
    story_record,
)
from khulasa.stories.features import ArticleFeatures, extract, with_effective_dates
from khulasa.stories.options import StoryOptions
from khulasa.stories.shipping import Shipping, cluster_errors, resolve_master
from khulasa.stories.stream import GracefulStop, StoryStream

logger = logging.getLogger(__name__)

CHUNK_ARTICLES = 2000
ARTICLE_SCHEMA = (
    "seq long, id string, text string, source string, title string, date date, eff_date date, "
    "url string, path string, extra string"
)
FEATURE_SCHEMA = (
    "seq long, id string, date date, dated boolean, terms array<string>, weights array<double>, "
    "signature binary"
)
MEMBER_SCHEMA = "seq long, story_id string, rank long, position long, duplicate_of string, similarity double"
RECORD_SCHEMA = "rank long, story_id string, record string"
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


# --- rows <-> values ---------------------------------------------------------------------------------


def _none(value: Any) -> Any:
    """pandas gives NaN or NaT for a missing value; the data model says None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        import pandas as pd

        if value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover - pandas comes with the extra
        pass
    return value


def _date(value: Any) -> dt.date | None:
    value = _none(value)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return value.to_pydatetime().date()  # a pandas Timestamp


def article_row(seq: int, article: Article, eff_date: dt.date | None) -> dict[str, Any]:
    return {
        "seq": seq,
        "id": article.id,
        "text": article.text,
        "source": article.source,
        "title": article.title,
        "date": article.date,
        "eff_date": eff_date,
        "url": article.url,
        "path": article.path,
        "extra": json.dumps(dict(article.extra), ensure_ascii=False, default=str),
    }


def row_article(row: Any) -> Article:
    extra = _none(row["extra"])
    return Article(
        id=row["id"],
        text=row["text"],
        source=_none(row["source"]),
        title=_none(row["title"]),
        date=_date(row["date"]),
        url=_none(row["url"]),
        path=_none(row["path"]),
        extra=json.loads(extra) if extra else {},
    )


def _features_of_batches(batches: Iterable[Any]) -> Iterator[Any]:
    """``mapInPandas``: article rows -> feature rows (runs on executors)."""
    import pandas as pd

    for pdf in batches:
        rows = []
        for row in pdf.to_dict("records"):
            f = extract(row_article(row), int(row["seq"]), _date(row["eff_date"]))
            rows.append(
                {
                    "seq": f.seq,
                    "id": f.id,
                    "date": f.date,
                    "dated": f.dated,
                    "terms": list(f.terms),
                    "weights": list(f.weights),
                    "signature": f.signature,
                }
            )
        yield pd.DataFrame(rows, columns=["seq", "id", "date", "dated", "terms", "weights", "signature"])


def _row_features(row: Any) -> ArticleFeatures:
    return ArticleFeatures(
        seq=int(row["seq"]),
        id=row["id"],
        date=_date(row["date"]),
        dated=bool(row["dated"]),
        terms=tuple(row["terms"]),
        weights=tuple(float(w) for w in row["weights"]),
        signature=bytes(row["signature"]),
    )


def _story_records(options: StoryOptions) -> Callable[[Any], Any]:
    """``applyInPandas``: one story's member rows joined with their articles -> its record (executors)."""

    def records(pdf: Any) -> Any:
        import pandas as pd

        rows = sorted(pdf.to_dict("records"), key=lambda r: int(r["position"]))
        members = tuple(
            Member(
                id=r["id"],
                seq=int(r["seq"]),
                date=_date(r["date"]),
                similarity=float(r["similarity"]),
                duplicate_of=_none(r["duplicate_of"]),
            )
            for r in rows
        )
        rank = int(rows[0]["rank"])
        assignment = Assignment(rows[0]["story_id"], rank, members)
        record = story_record(assignment, [row_article(r) for r in rows], options)
        line = json.dumps(record, ensure_ascii=False, allow_nan=False)
        return pd.DataFrame([{"rank": rank, "story_id": assignment.story_id, "record": line}])

    return records


def _member_rows(assignment: Assignment, rank: int) -> list[dict[str, Any]]:
    return [
        {
            "seq": m.seq,
            "story_id": assignment.story_id,
            "rank": rank,
            "position": position,
            "duplicate_of": m.duplicate_of,
            "similarity": m.similarity,
        }
        for position, m in enumerate(assignment.members)
    ]


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
    on_story: Callable[[dict[str, Any]], None] | None = None,
    shipping: Shipping | None = None,
) -> RunReport:
    """Stories of ``inputs`` on Spark, written to ``workdir/stories.jsonl``; the same records as
    ``StoryRun`` (embedded).  ``resume`` re-reads and re-clusters, and summarizes only the stories
    not written yet."""
    _pyspark()
    workdir = Path(workdir)
    with spool.state_lock(workdir), cluster_errors():
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
    on_story: Callable[[dict[str, Any]], None] | None,
) -> RunReport:
    import pandas as pd
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    started = time.monotonic()
    written = _open_state(workdir, inputs, options, resume)
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
    record_ingest(report, ingest)

    try:
        # 2. executors: features and document frequencies
        features = articles.mapInPandas(_features_of_batches, FEATURE_SCHEMA).persist(
            StorageLevel.MEMORY_AND_DISK
        )
        frequencies = DocumentFrequencies()
        counts = features.select(F.explode("terms").alias("term")).groupBy("term").count().collect()
        frequencies.merge({r["term"]: int(r["count"]) for r in counts}, features.count())
        report.articles = frequencies.n

        # 3. driver: online clustering in date order
        progress.phase("clustering", frequencies.n)
        clusterer = StoryClusterer(options, frequencies)
        members: list[dict[str, Any]] = []
        closed = ClosedStories(
            written, options.min_size, report, lambda story, n: members.extend(_member_rows(story, n))
        )
        ordered = features.orderBy(F.col("date").asc_nulls_first(), F.col("id"), F.col("seq"))
        for row in ordered.toLocalIterator(prefetchPartitions=True):
            closed.place(clusterer.add(_row_features(row)))
            progress.advance()
        closed.place(clusterer.finish())
        features.unpersist()

        # 4. executors: the per-story function; 5. driver: write in order
        report.written = len(written)
        writer = StoryWriter(open(workdir / STORIES_FILE, "a", encoding="utf-8"), on_story, report)  # noqa: SIM115
        try:
            if members:
                progress.phase("summarizing", closed.n - len(written))
                plan = spark.createDataFrame(pd.DataFrame(members), schema=MEMBER_SCHEMA)
                joined = plan.join(articles.drop("eff_date"), on="seq")
                records = joined.groupBy("story_id").applyInPandas(_story_records(options), RECORD_SCHEMA)
                for row in records.orderBy("rank").toLocalIterator(prefetchPartitions=True):
                    writer.write_line(row["record"])
                    progress.advance()
        finally:
            writer.close()
    finally:
        articles.unpersist()
    report.seconds = time.monotonic() - started
    spool.write_json_atomically(workdir / STATE_FILE, {**_state(inputs, options), "phase": "done",
                                                       "report": report.to_dict()})
    return report


def _state(inputs: Sequence[str], options: StoryOptions) -> dict[str, Any]:
    return {
        "version": STATE_VERSION,
        "engine": "spark",
        "inputs": [i if i == "-" else os.path.abspath(i) for i in inputs],
        "options": options.to_dict(),
    }


def _open_state(workdir: Path, inputs: Sequence[str], options: StoryOptions, resume: bool) -> list[str]:
    """Check or create the run's state; return the ids of the stories already written."""
    path = workdir / STATE_FILE
    fresh = {**_state(inputs, options), "phase": "running"}
    stories = workdir / STORIES_FILE
    if path.exists():
        if not resume:
            raise StoryRunError(
                f"an earlier run left its state in {workdir}",
                hint="add --resume to continue it, or delete that directory to start over",
            )
        state = read_state(path, workdir)
        for key in ("version", "engine", "inputs", "options"):
            if state.get(key) != fresh[key]:
                raise StoryRunError(
                    f"the run saved in {workdir} used other {key}: cannot resume it with these",
                    hint="give the same inputs, options and engine, or delete that directory",
                )
        if "-" in fresh["inputs"]:
            raise StoryRunError("cannot resume a run that read stdin", hint="start it over")
        written, end = spool.valid_jsonl_prefix(stories, "story_id")
        spool.truncate_to_valid(stories, end)
        return written
    stories.unlink(missing_ok=True)
    spool.write_json_atomically(path, fresh)
    return []


# --- streaming ---------------------------------------------------------------------------------------


def _summarize_on_spark(spark: Any, stories: list[tuple[Assignment, list[Article]]],
                        options: StoryOptions) -> list[str]:
    """Summarize closed stories on executors (the watch mode's articles live in the driver's spool)."""
    import pandas as pd

    rows = []
    for k, (assignment, articles) in enumerate(stories):
        for position, (m, article) in enumerate(zip(assignment.members, articles, strict=True)):
            row = article_row(m.seq, article, None)
            row.update(story_id=assignment.story_id, rank=k, position=position,
                       duplicate_of=m.duplicate_of, similarity=m.similarity)
            rows.append(row)
    schema = f"{ARTICLE_SCHEMA}, story_id string, rank long, position long, duplicate_of string, similarity double"
    frame = spark.createDataFrame(pd.DataFrame(rows), schema=schema)
    out = frame.groupBy("story_id").applyInPandas(_story_records(options), RECORD_SCHEMA).collect()
    return [r["record"] for r in sorted(out, key=lambda r: r["rank"])]


def run_watch(
    directory: str,
    options: StoryOptions,
    workdir: Path,
    *,
    master: str | None = None,
    spark: Any = None,
    progress: Progress | None = None,
    on_story: Callable[[dict[str, Any]], None] | None = None,
    available_now: bool = False,
    trigger_seconds: float = 5.0,
    max_files_per_trigger: int | None = None,
    shipping: Shipping | None = None,
) -> RunReport:
    """Follow ``directory`` (JSONL files, moved in when complete) with Structured Streaming.

    Each micro-batch's lines are parsed by ``khulasa.ingest`` on the driver and clustered by the
    incremental ``StoryStream``; closed stories are summarized on executors.  ``available_now``
    processes what is there and stops; otherwise it runs until Ctrl-C.  Open stories are closed and
    written at the end.
    """
    _pyspark()
    workdir = Path(workdir)
    with spool.state_lock(workdir), GracefulStop() as stop, cluster_errors():
        return _run_watch(directory, options, workdir, spark=spark or session(master, shipping),
                          progress=progress or NoProgress(), on_story=on_story, stop=stop,
                          available_now=available_now, trigger_seconds=trigger_seconds,
                          max_files_per_trigger=max_files_per_trigger)


def _run_watch(
    directory: str,
    options: StoryOptions,
    workdir: Path,
    *,
    spark: Any,
    progress: Progress,
    on_story: Callable[[dict[str, Any]], None] | None,
    stop: GracefulStop,
    available_now: bool,
    trigger_seconds: float,
    max_files_per_trigger: int | None,
) -> RunReport:
    from pyspark.sql import functions as F

    stream = StoryStream(
        options, workdir, on_story=on_story, engine="spark", inputs=[os.path.abspath(directory)],
        summarize=lambda stories: _summarize_on_spark(spark, stories, options),
    )
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
    record_ingest(report, ingest)
    report.stopped_by = stop.signal_name
    return report


WATCH_WAIT_SECONDS = 1.0


def _file_articles(uri: str, data: bytes, ingest: IngestReport) -> list[Article]:
    """The articles of one watched file's lines (a bad file is skipped and recorded, never raised)."""
    parsed = urllib.parse.urlparse(uri)
    path = urllib.parse.unquote(parsed.path) if parsed.scheme in ("file", "") else uri
    try:
        return list(iter_jsonl_bytes([data], path=path, report=ingest))
    except Exception as exc:  # a bug on one file must not lose the open stories of the whole stream
        logger.warning("skipped %s: internal error (%s: %s)", path, type(exc).__name__, exc)
        return []
