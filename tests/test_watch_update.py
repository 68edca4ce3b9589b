"""``--watch DIR --update STATE``: a followed directory continues the story trees saved in STATE, every
new file an update run.  The records are those of one ``--update`` run per file, byte for byte; the
trees are saved after each file, so a restarted watch (or a later ``--update`` run over files) goes on
with the same ids and never adds a file twice.  The Spark engine's watch gives the same records
(tests/test_spark_stories.py).

Fixture: ``tests/data/story_trees/four_days.jsonl`` split into days 1-2 and days 3-4.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from khulasa.cli import main
from khulasa.stories import StoryOptions
from khulasa.stories.engines.embedded import EmbeddedEngine
from khulasa.stories.run import Inputs, NoProgress, RunOutput
from khulasa.stories.update import UPDATE_FILE
from khulasa.stories.workdir import STORIES_FILE

FOUR_DAYS = Path(__file__).parent / "data" / "story_trees" / "four_days.jsonl"
TREES = StoryOptions(clusterer="trees")


def split_four_days(directory: Path) -> tuple[Path, Path]:
    """The labelled window in two files: days 1-2, then days 3-4."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = [json.loads(x) for x in FOUR_DAYS.read_text(encoding="utf-8").splitlines()]
    first, second = directory / "days-1-2.jsonl", directory / "days-3-4.jsonl"
    for path, keep in ((first, lambda d: d <= "2021-03-02"), (second, lambda d: d > "2021-03-02")):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows if keep(r["date"])),
                        encoding="utf-8")
    return first, second


def update_runs(tmp_path: Path, *inputs: Path) -> list[str]:
    """The records of one CLI ``--update`` run per input, in order, over one state directory."""
    state = tmp_path / "runs-state"
    out: list[str] = []
    for k, path in enumerate(inputs):
        target = tmp_path / f"run-{k}.jsonl"
        assert main(["stories", str(path), "--clusterer", "trees", "--update", str(state), "-o", str(target), "-q"]) == 0
        out += target.read_text(encoding="utf-8").splitlines()
    return out


def watch(watched: Path, workdir: Path, state: Path, on_story=None) -> list[str]:
    EmbeddedEngine(poll_seconds=0.05, idle_stop=0.2).run(
        Inputs(watch=str(watched)), TREES, RunOutput(workdir, on_story=on_story, update=state), NoProgress())
    return (workdir / STORIES_FILE).read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[Path, Path]:
    return split_four_days(tmp_path_factory.mktemp("split"))


@pytest.fixture(scope="module")
def expected(tmp_path_factory, files) -> list[str]:
    return update_runs(tmp_path_factory.mktemp("expected"), *files)


def test_a_watch_with_update_writes_the_records_of_one_update_run_per_file(tmp_path, files, expected):
    watched = tmp_path / "in"
    watched.mkdir()
    for path in files:
        shutil.copy(path, watched / path.name)
    state = tmp_path / "state"
    saved_files_at_write: list[list[str]] = []

    def on_story(line: str) -> None:
        saved = state / UPDATE_FILE
        saved_files_at_write.append(json.loads(saved.read_text())["files"] if saved.exists() else [])

    assert watch(watched, tmp_path / "work", state, on_story) == expected
    records = [json.loads(x) for x in expected]
    assert any(r["new_events"] and r["update_summary"] for r in records)
    # the trees are saved after each file: the second file's stories are written once the first is saved
    assert saved_files_at_write[0] == [] and saved_files_at_write[-1] == [str(watched / files[0].name)]
    assert json.loads((state / UPDATE_FILE).read_text())["files"] == [str(watched / p.name) for p in files]


def test_a_restarted_watch_keeps_the_ids_and_adds_no_file_twice(tmp_path, files, expected):
    watched = tmp_path / "in"
    watched.mkdir()
    state = tmp_path / "state"
    shutil.copy(files[0], watched / files[0].name)
    before = watch(watched, tmp_path / "work-1", state)
    shutil.copy(files[1], watched / files[1].name)
    after = watch(watched, tmp_path / "work-2", state)
    assert before + after == expected
    assert watch(watched, tmp_path / "work-3", state) == []  # nothing new: nothing written


def test_an_update_run_over_new_files_continues_a_watch(tmp_path, files, expected):
    watched = tmp_path / "in"
    watched.mkdir()
    state = tmp_path / "state"
    shutil.copy(files[0], watched / files[0].name)
    before = watch(watched, tmp_path / "work", state)
    out = tmp_path / "after.jsonl"
    assert main(["stories", str(files[1]), "--clusterer", "trees", "--update", str(state), "-o", str(out), "-q"]) == 0
    assert before + out.read_text(encoding="utf-8").splitlines() == expected


def test_watch_update_refuses_the_flat_clusterer_and_spark_update_needs_watch(tmp_path, files):
    watched = tmp_path / "in"
    watched.mkdir()
    state = tmp_path / "state"
    assert main(["stories", "--watch", str(watched), "--clusterer", "flat", "--update", str(state), "-q"]) == 2
    assert main(["stories", "--watch", str(watched), "--clusterer", "trees", "--update", str(state),
                 "--since", "2021-03-03", "-q"]) == 2
    assert main(["stories", str(files[0]), "--engine", "spark", "--clusterer", "trees", "--update", str(state),
                 "-q"]) == 2
    assert not (state / UPDATE_FILE).exists()
