"""The embedded engine: streaming through a spool, the same stories as in memory, and resuming killed runs."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

import khulasa
from khulasa.stories import StoryOptions, StoryRun, StoryRunError, build_stories
from khulasa.stories.engines import embedded as engine_module
from khulasa.stories.engines.watch import StoryStream, watch_directory
from khulasa.stories.workdir import STATE_FILE, STORIES_FILE

DATA = Path(__file__).parent / "data" / "stories"
STREAM = DATA / "stream.jsonl"
FAST = StoryOptions(timeline=False, key_terms=False)


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write_corpus(path: Path, weeks: int) -> Path:
    """The fixture stream repeated ``weeks`` times, three weeks apart (new ids): many stories."""
    records = [json.loads(line) for line in lines(STREAM)]
    with open(path, "w", encoding="utf-8") as f:
        for k in range(weeks):
            for r in records:
                date = dt.date.fromisoformat(r["date"]) + dt.timedelta(days=21 * k)
                f.write(json.dumps({**r, "id": f"{r['id']}-w{k}", "date": date.isoformat()}, ensure_ascii=False))
                f.write("\n")
    return path


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> list[str]:
    work = tmp_path_factory.mktemp("full")
    StoryRun([str(STREAM)], FAST, work).run()
    return lines(work / STORIES_FILE)


def test_engine_writes_the_same_records_as_build_stories(tmp_path, uninterrupted):
    expected = [
        json.dumps(s.to_dict(), ensure_ascii=False)
        for s in build_stories(khulasa.load([str(STREAM)]), FAST)
    ]
    assert uninterrupted == expected


def test_report_counts_articles_duplicates_and_stories(tmp_path):
    report = StoryRun([str(STREAM), str(ROOT / "examples" / "putin-erdogan")], FAST, tmp_path).run()
    assert report.articles == 20
    assert report.duplicates == 1
    assert report.stories == report.written == 6  # the stream's five stories and the example's one
    assert report.skipped == [
        {"path": str(ROOT / "examples" / "putin-erdogan" / "metadata.json"), "reason": "metadata sidecar",
         "detail": "fields merged into the articles of its directory"}
    ]
    assert any(line == "duplicates: 1" for line in report.lines())


def test_workers_do_not_change_the_records(tmp_path, uninterrupted):
    StoryRun([str(STREAM)], FAST, tmp_path, workers=2).run()
    assert lines(tmp_path / STORIES_FILE) == uninterrupted


def test_workers_do_not_change_records_with_timeline_and_actors(tmp_path):
    inputs = [str(STREAM), str(ROOT / "examples" / "putin-erdogan")]
    StoryRun(inputs, StoryOptions(), tmp_path / "one").run()
    streamed: list[str] = []
    StoryRun(inputs, StoryOptions(), tmp_path / "two", workers=2, on_story=streamed.append).run()
    expected = lines(tmp_path / "one" / STORIES_FILE)
    assert lines(tmp_path / "two" / STORIES_FILE) == expected
    assert streamed == expected


def test_a_left_over_run_is_not_overwritten_without_resume(tmp_path):
    StoryRun([str(STREAM)], FAST, tmp_path).run()
    with pytest.raises(StoryRunError, match="--resume"):
        StoryRun([str(STREAM)], FAST, tmp_path).run()


def test_resume_refuses_other_options(tmp_path):
    StoryRun([str(STREAM)], FAST, tmp_path).run()
    with pytest.raises(StoryRunError, match="options"):
        StoryRun([str(STREAM)], StoryOptions(window_days=9), tmp_path, resume=True).run()


def test_resume_after_a_crash_while_reading(tmp_path, monkeypatch, uninterrupted):
    real = engine_module.iter_articles

    def failing(paths, report=None):
        for n, a in enumerate(real(paths, report=report)):
            if n == 7:
                raise RuntimeError("disk on fire")
            yield a

    monkeypatch.setattr(engine_module, "iter_articles", failing)
    with pytest.raises(RuntimeError):
        StoryRun([str(STREAM)], FAST, tmp_path).run()
    assert json.loads((tmp_path / STATE_FILE).read_text())["phase"] == "reading"
    monkeypatch.setattr(engine_module, "iter_articles", real)
    report = StoryRun([str(STREAM)], FAST, tmp_path, resume=True).run()
    assert lines(tmp_path / STORIES_FILE) == uninterrupted
    assert report.articles == 15 and report.resumed


def test_resume_after_a_crash_while_summarizing(tmp_path, monkeypatch, uninterrupted):
    real = engine_module.story_line
    calls = []

    def failing(*args):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("out of memory")
        return real(*args)

    monkeypatch.setattr(engine_module, "story_line", failing)
    with pytest.raises(RuntimeError):
        StoryRun([str(STREAM)], FAST, tmp_path).run()
    assert len(lines(tmp_path / STORIES_FILE)) == 3
    monkeypatch.setattr(engine_module, "story_line", real)
    report = StoryRun([str(STREAM)], FAST, tmp_path, resume=True).run()
    assert lines(tmp_path / STORIES_FILE) == uninterrupted
    assert report.written == len(uninterrupted)


def test_resume_cuts_a_torn_story_line_and_rewrites_it(tmp_path, uninterrupted):
    StoryRun([str(STREAM)], FAST, tmp_path).run()
    state = json.loads((tmp_path / STATE_FILE).read_text())
    (tmp_path / STATE_FILE).write_text(json.dumps({**state, "phase": "clustering"}))
    torn = "\n".join(uninterrupted[:2]) + "\n" + uninterrupted[2][:50]
    (tmp_path / STORIES_FILE).write_text(torn, encoding="utf-8")
    StoryRun([str(STREAM)], FAST, tmp_path, resume=True).run()
    assert lines(tmp_path / STORIES_FILE) == uninterrupted


def test_resume_notices_changed_input(tmp_path, monkeypatch):
    real = engine_module.iter_articles

    def failing(paths, report=None):
        for n, a in enumerate(real(paths, report=report)):
            if n == 5:
                raise RuntimeError("stop")
            yield a

    monkeypatch.setattr(engine_module, "iter_articles", failing)
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(STREAM.read_text(encoding="utf-8"), encoding="utf-8")
    work = tmp_path / "work"
    with pytest.raises(RuntimeError):
        StoryRun([str(corpus)], FAST, work).run()
    monkeypatch.setattr(engine_module, "iter_articles", real)
    corpus.write_text("\n".join(reversed(lines(STREAM))) + "\n", encoding="utf-8")
    with pytest.raises(StoryRunError, match="input changed"):
        StoryRun([str(corpus)], FAST, work, resume=True).run()


@pytest.mark.slow
def test_resume_after_sigkill_gives_the_uninterrupted_output(tmp_path):
    corpus = write_corpus(tmp_path / "corpus.jsonl", weeks=6)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    full = tmp_path / "full.jsonl"
    subprocess.run([sys.executable, "-m", "khulasa", "stories", str(corpus), "-o", str(full), "-q"],
                   check=True, env=env, cwd=tmp_path)
    out = tmp_path / "out.jsonl"
    state = Path(f"{out}.state")
    proc = subprocess.Popen([sys.executable, "-m", "khulasa", "stories", str(corpus), "-o", str(out), "-q"],
                            env=env, cwd=tmp_path)
    # the run writes its stories file as soon as clustering starts and fills it in one burst at the end
    # (~10-30 ms here): kill once the file exists, a window of ~0.25 s, not once it holds lines, which
    # a loaded machine's poll can miss
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if (state / STORIES_FILE).exists():
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists() and state.exists()
    resumed = subprocess.run(
        [sys.executable, "-m", "khulasa", "stories", str(corpus), "-o", str(out), "--resume"],
        env=env, cwd=tmp_path, capture_output=True, text=True,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed" in resumed.stderr
    assert out.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")
    assert not state.exists()


# --- streams ---------------------------------------------------------------------------------------


def test_stream_in_one_batch_equals_the_batch_engine(tmp_path, uninterrupted):
    stream = StoryStream(FAST, tmp_path)
    stream.add_batch(khulasa.load([str(STREAM)]))
    report = stream.finish()
    assert lines(tmp_path / STORIES_FILE) == uninterrupted
    assert report.articles == 15


def test_stream_in_time_ordered_batches_finds_the_labelled_stories(tmp_path):
    articles = sorted(khulasa.load([str(STREAM)]), key=lambda a: (a.date, a.id))
    stream = StoryStream(FAST, tmp_path)
    written_early = stream.add_batch(articles[:9])  # March
    stream.add_batch(articles[9:])  # June
    stream.finish()
    records = [json.loads(line) for line in lines(tmp_path / STORIES_FILE)]
    assert written_early == 0
    labels = json.loads((DATA / "truth.json").read_text(encoding="utf-8"))
    events = [e for r in records for e in r["events"]]
    for e in events:
        assert len({labels[a] for a in e["articles"]}) == 1
    assert len(events) == len(set(labels.values()))


def test_watch_directory_reads_new_files_and_stops_when_idle(tmp_path):
    watched = tmp_path / "in"
    watched.mkdir()
    (watched / "a.jsonl").write_text(STREAM.read_text(encoding="utf-8"), encoding="utf-8")
    (watched / "notes.txt").write_text("ignored", encoding="utf-8")
    records = []
    report = watch_directory(str(watched), FAST, tmp_path / "work", on_story=records.append,
                             poll_seconds=0.05, idle_stop=0.2)
    assert report.articles == 15
    assert len(records) == report.written == 5
