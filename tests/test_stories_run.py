"""What every stories engine shares: the engine registry, the run's inputs and outputs, ``state.json``,
the one record encoding and its writer (``khulasa.stories.run``, ``khulasa.stories.engines``)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import ClassVar

import pytest

import khulasa
from khulasa.errors import InvalidOptionsError, StoryRunError
from khulasa.stories import StoryOptions, StoryRun, engines
from khulasa.stories.cluster import Assignment, StoryClusterer
from khulasa.stories.engines.embedded import EmbeddedEngine
from khulasa.stories.features import ArticleFeatures
from khulasa.stories.options import CLUSTERERS
from khulasa.stories.run import (
    Inputs,
    NoProgress,
    RunOutput,
    RunReport,
    RunState,
    StoryWriter,
    record_line,
)
from khulasa.stories.workdir import ARTICLES_FILE, STATE_FILE, STORIES_FILE

DATA = Path(__file__).parent / "data" / "stories"
STREAM = DATA / "stream.jsonl"
FAST = StoryOptions(timeline=False, key_terms=False)
FLAT = StoryOptions(timeline=False, key_terms=False, clusterer="flat")


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


# --- the registry --------------------------------------------------------------------------------------


def test_an_unknown_engine_is_refused_with_the_valid_names():
    with pytest.raises(InvalidOptionsError) as caught:
        engines.get("hadoop")
    assert caught.value.field == "engine" and caught.value.hint == "valid engines: embedded, spark"


def test_every_registered_engine_is_built_from_the_same_settings_and_names_itself():
    settings = engines.EngineSettings(workers=2, master="local[1]")
    for name in engines.ENGINES:
        engine = engines.get(name, settings)
        assert engine.name == name and callable(engine.run)
    embedded = engines.get("embedded", settings)
    assert isinstance(embedded, EmbeddedEngine) and embedded.workers == 2


@pytest.mark.parametrize("workers", [0, -1, True, 1.5])
def test_engine_settings_refuse_a_worker_count_that_is_not_a_positive_whole_number(workers):
    with pytest.raises(InvalidOptionsError, match="workers"):
        engines.EngineSettings(workers=workers)


def test_the_embedded_engine_through_the_protocol_writes_what_story_run_writes(tmp_path):
    StoryRun([str(STREAM)], FAST, tmp_path / "direct").run()
    streamed: list[str] = []
    report = engines.get("embedded").run(Inputs((str(STREAM),)), FAST, RunOutput(tmp_path / "engine",
                                                                                 on_story=streamed.append),
                                         NoProgress())
    expected = lines(tmp_path / "direct" / STORIES_FILE)
    assert lines(tmp_path / "engine" / STORIES_FILE) == streamed == expected
    assert report.engine == "embedded" and report.written == len(expected)


def test_the_embedded_engine_follows_a_directory_given_as_inputs_watch(tmp_path):
    watched = tmp_path / "in"
    watched.mkdir()
    (watched / "a.jsonl").write_bytes(STREAM.read_bytes())
    engine = EmbeddedEngine(poll_seconds=0.05, idle_stop=0.2)
    report = engine.run(Inputs(watch=str(watched)), FAST, RunOutput(tmp_path / "work"), NoProgress())
    assert report.articles == 15 and report.written == 5  # the six happenings: five stories (tree records)
    assert json.loads((tmp_path / "work" / STATE_FILE).read_text())["stream"] is True


# --- inputs and outputs ----------------------------------------------------------------------------------


def test_inputs_need_something_to_read_and_not_both_kinds():
    with pytest.raises(InvalidOptionsError, match="nothing to read"):
        Inputs()
    with pytest.raises(InvalidOptionsError, match="not both"):
        Inputs(("a.jsonl",), watch="in")
    assert Inputs(["a.jsonl", "-"]).paths == ("a.jsonl", "-") and Inputs(["-"]).stdin
    assert not Inputs(watch="in").stdin


def test_no_progress_is_a_context_manager_that_shows_nothing(capsys):
    with NoProgress() as progress:
        progress.phase("reading", 3)
        progress.advance(3)
    assert capsys.readouterr() == ("", "")


# --- state.json ---------------------------------------------------------------------------------------------


def test_a_fresh_state_names_its_engine_and_absolute_inputs_and_clears_earlier_records(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in (STORIES_FILE, ARTICLES_FILE):
        (tmp_path / name).write_text("left over", encoding="utf-8")
    state = RunState.open(tmp_path, engine="spark", inputs=["in.jsonl", "-"], options=FAST, phase="running")
    saved = json.loads((tmp_path / STATE_FILE).read_text(encoding="utf-8"))
    assert saved == {"version": 1, "engine": "spark", "inputs": [str(tmp_path / "in.jsonl"), "-"],
                     "options": FAST.to_dict(), "phase": "running"}
    assert not (tmp_path / STORIES_FILE).exists() and not (tmp_path / ARTICLES_FILE).exists()
    assert not state.resumed and state.written_stories() == []


def test_the_state_file_honours_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        RunState.open(tmp_path, engine="embedded", inputs=["a"], options=FAST, phase="reading")
    finally:
        os.umask(old)
    assert (tmp_path / STATE_FILE).stat().st_mode & 0o777 == 0o640  # mkstemp's 0600 before


def test_a_run_saved_by_one_engine_is_not_resumed_by_another(tmp_path):
    RunState.open(tmp_path, engine="spark", inputs=[str(STREAM)], options=FAST, phase="running")
    with pytest.raises(StoryRunError, match="used other engine"):
        StoryRun([str(STREAM)], FAST, tmp_path, resume=True).run()


def test_a_state_without_an_engine_was_written_by_the_embedded_engine(tmp_path):
    state = {"version": 1, "inputs": [str(STREAM)], "options": FAST.to_dict(), "phase": "reading"}
    (tmp_path / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    resumed = RunState.open(tmp_path, engine="embedded", inputs=[str(STREAM)], options=FAST, phase="reading",
                            resume=True)
    assert resumed.resumed and resumed.values["engine"] == "embedded"


def test_a_state_saved_before_an_option_existed_resumes_with_its_default(tmp_path):
    """A run saved before ``clusterer`` existed ran the flat clusterer, the default then (not the trees,
    the default now: ``EARLIER_DEFAULTS``); resuming it with the trees would be another clustering."""
    saved = {k: v for k, v in FLAT.to_dict().items() if k != "clusterer"}
    state = {"version": 1, "engine": "embedded", "inputs": [str(STREAM)], "options": saved, "phase": "reading"}
    (tmp_path / STATE_FILE).write_text(json.dumps(state), encoding="utf-8")
    with pytest.raises(StoryRunError, match="other options"):
        RunState.open(tmp_path, engine="embedded", inputs=[str(STREAM)], options=FAST, phase="reading", resume=True)
    resumed = RunState.open(tmp_path, engine="embedded", inputs=[str(STREAM)], options=FLAT, phase="reading",
                            resume=True)
    assert resumed.resumed and resumed.values["options"]["clusterer"] == "flat"


def test_another_runs_state_is_refused_without_resume_and_always_by_a_stream(tmp_path):
    RunState.open(tmp_path, engine="embedded", inputs=["a"], options=FAST, phase="reading")
    with pytest.raises(StoryRunError) as plain:
        RunState.open(tmp_path, engine="embedded", inputs=["a"], options=FAST, phase="reading")
    assert "--resume" in str(plain.value.hint)
    with pytest.raises(StoryRunError) as stream:
        RunState.open(tmp_path, engine="embedded", inputs=["a"], options=FAST, phase="streaming", stream=True,
                      resume=True)
    assert "cannot be resumed" in str(stream.value.hint)


def test_a_run_that_read_stdin_is_not_read_again(tmp_path):
    RunState.open(tmp_path, engine="spark", inputs=["-"], options=FAST, phase="running")
    state = RunState.open(tmp_path, engine="spark", inputs=["-"], options=FAST, phase="running", resume=True)
    with pytest.raises(StoryRunError, match="read stdin"):
        state.refuse_to_reread_stdin()


def test_written_stories_cuts_a_torn_last_line(tmp_path):
    state = RunState.open(tmp_path, engine="embedded", inputs=["a"], options=FAST, phase="reading")
    whole = [record_line({"story_id": "s-1"}), record_line({"story_id": "s-2"})]
    (tmp_path / STORIES_FILE).write_text("\n".join(whole) + '\n{"story_id": "s-', encoding="utf-8")
    assert state.written_stories() == ["s-1", "s-2"]
    assert lines(tmp_path / STORIES_FILE) == whole


# --- the clusterer every engine runs ------------------------------------------------------------------------


def test_an_unknown_clusterer_is_refused_with_the_valid_names():
    with pytest.raises(InvalidOptionsError) as caught:
        StoryOptions(clusterer="nope")
    assert caught.value.field == "clusterer" and "flat" in str(caught.value.hint)


class CountingClusterer(StoryClusterer):
    """The flat clusterer, counting the articles it is given (a second clusterer in the registry)."""

    added: ClassVar[list[str]] = []

    def add(self, f: ArticleFeatures) -> list[Assignment]:
        CountingClusterer.added.append(f.id)
        return super().add(f)


@pytest.mark.parametrize("engine", ["embedded", "stream"])
def test_every_engine_runs_the_clusterer_the_options_name(tmp_path, monkeypatch, engine):
    monkeypatch.setitem(CLUSTERERS, "counting", f"{__name__}:CountingClusterer")
    monkeypatch.setattr(CountingClusterer, "added", [])
    options = StoryOptions(timeline=False, key_terms=False, clusterer="counting")
    expected = lines(_run(tmp_path / "flat", FLAT, engine))
    assert lines(_run(tmp_path / "counting", options, engine)) == expected
    assert len(CountingClusterer.added) == 15  # the articles of the stream


def _run(workdir: Path, options: StoryOptions, engine: str) -> Path:
    workdir.mkdir()
    if engine == "stream":  # stdin and --watch: the embedded engine's stream mode
        from khulasa.stories.engines.watch import StoryStream

        stream = StoryStream(options, workdir)
        stream.add_batch(khulasa.load([str(STREAM)]))
        stream.finish()
    else:
        engines.get(engine).run(Inputs((str(STREAM),)), options, RunOutput(workdir), NoProgress())
    return workdir / STORIES_FILE


# --- the record -------------------------------------------------------------------------------------------


def test_the_record_encoding_keeps_arabic_and_refuses_nan():
    assert record_line({"title": "قمة", "n": 1.5}) == '{"title": "قمة", "n": 1.5}'
    with pytest.raises(ValueError):
        record_line({"similarity": math.nan})


def test_the_writer_hands_on_each_line_as_written_and_counts_it(tmp_path):
    seen: list[str] = []
    report = RunReport()
    writer = StoryWriter(tmp_path / STORIES_FILE, seen.append, report)
    writer.write(record_line({"story_id": "s-1"}))
    writer.close()
    assert seen == lines(tmp_path / STORIES_FILE) == ['{"story_id": "s-1"}'] and report.written == 1
