"""The Spark engine gives the embedded engine's stories (batch and ``--watch``).  Needs the [spark] extra
and Java; CI runs these (``pytest -m spark``).  One local[2] session for the whole module."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLE_DIR

from khulasa.cli import main
from khulasa.stories import StoryOptions, StoryRun, engines
from khulasa.stories.run import Inputs, NoProgress, RunOutput, RunState
from khulasa.stories.workdir import STATE_FILE, STORIES_FILE

pytestmark = pytest.mark.spark

DATA = Path(__file__).parent / "data" / "stories"
STREAM = DATA / "stream.jsonl"
INPUTS = [str(STREAM), str(EXAMPLE_DIR)]
JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@pytest.fixture(scope="session")
def spark():
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("khulasa-tests")
        .config("spark.driver.extraJavaOptions", JVM)
        .config("spark.executor.extraJavaOptions", JVM)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    yield session
    session.stop()


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> list[str]:
    work = tmp_path_factory.mktemp("embedded")
    engines.get("embedded").run(Inputs(tuple(INPUTS)), StoryOptions(), RunOutput(work), NoProgress())
    return lines(work / STORIES_FILE)


def test_spark_batch_gives_the_embedded_records_byte_for_byte(spark, tmp_path, embedded):
    from khulasa.stories.engines.spark import SparkEngine

    engine = SparkEngine(session=spark)
    report = engine.run(Inputs(tuple(INPUTS)), StoryOptions(), RunOutput(tmp_path), NoProgress())
    assert lines(tmp_path / STORIES_FILE) == embedded
    assert (report.articles, report.duplicates, report.stories, report.written) == (20, 1, 6, 6)  # tree records
    assert report.skipped[0]["reason"] == "metadata sidecar"
    assert report.engine == "spark"


def test_spark_resume_summarizes_only_the_missing_stories(spark, tmp_path, embedded, monkeypatch):
    from khulasa.stories.engines import spark as spark_engine

    RunState.open(tmp_path, engine="spark", inputs=INPUTS, options=StoryOptions(), phase="running")
    (tmp_path / STORIES_FILE).write_text("\n".join(embedded[:3]) + "\n" + embedded[3][:40], encoding="utf-8")
    report = spark_engine.run_batch(INPUTS, StoryOptions(), tmp_path, spark=spark, resume=True)
    assert lines(tmp_path / STORIES_FILE) == embedded
    assert report.resumed and json.loads((tmp_path / STATE_FILE).read_text())["phase"] == "done"


def test_cli_spark_engine_writes_the_same_jsonl(spark, tmp_path, embedded, capsys):
    out = tmp_path / "stories.jsonl"
    assert main(["stories", *INPUTS, "--engine", "spark", "-o", str(out)]) == 0
    assert lines(out) == embedded
    assert "spark engine" in capsys.readouterr().err


def test_watch_with_every_file_present_equals_the_batch_engines(spark, tmp_path):
    from khulasa.stories.engines import spark as spark_engine

    watched = tmp_path / "in"
    watched.mkdir()
    shutil.copy(STREAM, watched / "a.jsonl")
    expected_dir = tmp_path / "embedded"
    StoryRun([str(STREAM)], StoryOptions(), expected_dir).run()
    records = []
    report = spark_engine.run_watch(str(watched), StoryOptions(), tmp_path / "work", spark=spark,
                                    available_now=True, on_story=records.append)
    assert lines(tmp_path / "work" / STORIES_FILE) == lines(expected_dir / STORIES_FILE)
    assert report.articles == 15 and len(records) == 5  # six happenings, five stories


def test_watch_in_time_ordered_micro_batches_finds_the_labelled_stories(spark, tmp_path):
    from khulasa.stories.engines import spark as spark_engine

    watched = tmp_path / "in"
    watched.mkdir()
    records = sorted((json.loads(line) for line in lines(STREAM)), key=lambda r: (r["date"], r["id"]))
    for name, part in (("1-march.jsonl", records[:9]), ("2-june.jsonl", records[9:])):
        (watched / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part),
                                    encoding="utf-8")
    options = StoryOptions(timeline=False, key_terms=False)
    spark_engine.run_watch(str(watched), options, tmp_path / "work", spark=spark, available_now=True,
                           max_files_per_trigger=1)
    labels = json.loads((DATA / "truth.json").read_text(encoding="utf-8"))
    stories = [json.loads(line) for line in lines(tmp_path / "work" / STORIES_FILE)]
    assert sorted(sorted(e["articles"]) for s in stories for e in s["events"]) == sorted(  # each happening an event
        sorted(i for i in labels if labels[i] == label) for label in set(labels.values())
    )


def write_watched_files(watched: Path) -> list[str]:
    """A binary file, a malformed one (with one good line) and a good one; returns the good ids."""
    good = lines(STREAM)
    (watched / "a-binary.jsonl").write_bytes(b"\x00\x01\xff" * 2000)
    (watched / "b-malformed.jsonl").write_text("\n".join(["{oops", good[0], "[1]"]) + "\n", encoding="utf-8")
    (watched / "c-good.jsonl").write_text("\n".join(good[1:]) + "\n", encoding="utf-8")
    return sorted(json.loads(line)["id"] for line in good)


def test_watch_skips_a_bad_file_and_keeps_the_rest_of_its_micro_batch(spark, tmp_path):
    from khulasa.stories.engines import spark as spark_engine

    watched = tmp_path / "in"
    watched.mkdir()
    expected = write_watched_files(watched)
    report = spark_engine.run_watch(str(watched), StoryOptions(timeline=False, key_terms=False), tmp_path / "w",
                                    spark=spark, available_now=True)
    stories = [json.loads(line) for line in lines(tmp_path / "w" / STORIES_FILE)]
    assert sorted(a["id"] for s in stories for a in s["articles"]) == expected
    assert [(Path(s["path"]).name, s["reason"]) for s in report.skipped] == [("a-binary.jsonl", "binary data")]
    assert report.n_issues == 2 and "b-malformed.jsonl: line 1: invalid JSON" in report.issues[0]


def test_watch_closes_and_writes_the_open_stories_on_sigterm(spark, tmp_path):
    import signal
    import threading

    from khulasa.stories.engines import spark as spark_engine

    watched = tmp_path / "in"
    watched.mkdir()
    expected = write_watched_files(watched)

    class Counting:
        articles = 0

        def phase(self, name: str, total: int | None = None) -> None:
            pass

        def advance(self, n: int = 1) -> None:
            self.articles += n

    progress = Counting()
    sent = threading.Event()

    def stop_when_read() -> None:
        for _ in range(2400):  # every article read, and our handler (not the default: it would kill pytest)
            if progress.articles == len(expected) and getattr(signal.getsignal(signal.SIGTERM), "__self__", None):
                os.kill(os.getpid(), signal.SIGTERM)
                sent.set()
                return
            threading.Event().wait(0.05)

    threading.Thread(target=stop_when_read, daemon=True).start()
    report = spark_engine.run_watch(str(watched), StoryOptions(timeline=False, key_terms=False), tmp_path / "w",
                                    spark=spark, progress=progress, trigger_seconds=0.5)
    assert sent.is_set() and report.stopped_by == "SIGTERM"
    stories = [json.loads(line) for line in lines(tmp_path / "w" / STORIES_FILE)]
    assert sorted(a["id"] for s in stories for a in s["articles"]) == expected
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # restored


@pytest.mark.parametrize("voices", [False, True], ids=["plain", "quotes-compare"])
def test_spark_batch_gives_the_embedded_story_trees_byte_for_byte(spark, tmp_path, voices):
    """The trees clusterer: event signals computed on executors, events carried in the member rows; with
    ``--quotes --compare`` the stories' and events' quotes and comparison too."""
    from khulasa.stories.engines.spark import SparkEngine

    options = StoryOptions(clusterer="trees", quotes=voices, compare=voices)
    inputs = Inputs((str(Path(__file__).parent / "data" / "story_trees" / "four_days.jsonl"), str(EXAMPLE_DIR)))
    engines.get("embedded").run(inputs, options, RunOutput(tmp_path / "embedded"), NoProgress())
    SparkEngine(session=spark).run(inputs, options, RunOutput(tmp_path / "spark"), NoProgress())
    expected = lines(tmp_path / "embedded" / STORIES_FILE)
    assert any('"events"' in line for line in expected)
    assert all(('"speakers"' in line and '"comparison"' in line) is voices for line in expected)
    assert lines(tmp_path / "spark" / STORIES_FILE) == expected


def test_watch_with_story_trees_in_daily_files_gives_the_batch_trees_and_what_is_new(spark, tmp_path):
    """A stream of daily files through the trees keeps the batch run's ids and events (the trees count
    their own document frequencies as articles arrive) and marks what is new with --since."""
    from khulasa.stories.engines import spark as spark_engine

    four_days = Path(__file__).parent / "data" / "story_trees" / "four_days.jsonl"
    watched = tmp_path / "in"
    watched.mkdir()
    rows = [json.loads(line) for line in lines(four_days)]
    for k, day in enumerate(sorted({r["date"] for r in rows})):  # a day a file, arriving in date order
        path = watched / f"{day}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows if r["date"] == day),
                        encoding="utf-8")
        os.utime(path, (1_600_000_000 + 60 * k, 1_600_000_000 + 60 * k))
    options = StoryOptions(clusterer="trees", since="2021-03-03")
    engines.get("embedded").run(Inputs((str(four_days),)), options, RunOutput(tmp_path / "batch"), NoProgress())
    spark_engine.run_watch(str(watched), options, tmp_path / "work", spark=spark, available_now=True,
                           max_files_per_trigger=1)
    expected = lines(tmp_path / "batch" / STORIES_FILE)
    assert lines(tmp_path / "work" / STORIES_FILE) == expected
    cup = next(json.loads(x) for x in expected if '"cup-kw-om-1"' in x)
    assert len(cup["events"]) == 2 and cup["new_events"] == [cup["events"][1]["event_id"]]


def _spark_watch_update(spark, watched: Path, workdir: Path, state: Path, **kwargs) -> list[str]:
    from khulasa.stories.engines import spark as spark_engine

    spark_engine.run_watch(str(watched), StoryOptions(clusterer="trees"), workdir, spark=spark, available_now=True,
                           update=state, **kwargs)
    return lines(workdir / STORIES_FILE)


def test_watch_with_update_gives_the_embedded_watch_records_byte_for_byte(spark, tmp_path):
    """Two files of a window, one micro-batch: each file is an update run, as in the embedded watch."""
    from test_watch_update import split_four_days
    from test_watch_update import watch as embedded_watch

    watched = tmp_path / "in"
    for k, path in enumerate(split_four_days(watched)):
        os.utime(path, (1_600_000_000 + 60 * k, 1_600_000_000 + 60 * k))
    expected = embedded_watch(watched, tmp_path / "embedded", tmp_path / "embedded-state")
    assert any('"update_summary": {' in line for line in expected)
    assert _spark_watch_update(spark, watched, tmp_path / "spark", tmp_path / "spark-state") == expected
    saved = [json.loads((tmp_path / f"{n}-state" / "trees.json").read_text()) for n in ("embedded", "spark")]
    assert saved[0] == saved[1]


def test_a_restarted_spark_watch_with_update_continues_the_ids(spark, tmp_path):
    """A watch stopped after the first file and started again over the same state: the first file is
    not added twice, and the records are the embedded watch's."""
    from test_watch_update import split_four_days
    from test_watch_update import watch as embedded_watch

    files = split_four_days(tmp_path / "files")
    expected = embedded_watch(tmp_path / "files", tmp_path / "embedded", tmp_path / "embedded-state")
    watched = tmp_path / "in"
    watched.mkdir()
    state = tmp_path / "state"
    shutil.copy(files[0], watched / files[0].name)
    before = _spark_watch_update(spark, watched, tmp_path / "w1", state)
    shutil.copy(files[1], watched / files[1].name)
    after = _spark_watch_update(spark, watched, tmp_path / "w2", state, max_files_per_trigger=1)
    assert before + after == expected
