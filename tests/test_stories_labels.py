"""The labelled ANT windows of the stories benchmark: the out-of-sample check window is well formed and
apart from everything fitted or held out (labels only; the archive is never needed here)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "benchmarks" / "data" / "stories_dev"
CHECK = ROOT / "benchmarks" / "data" / "stories_check"
TOPICS = ROOT / "benchmarks" / "stories_topics.json"


def load_check_script():
    spec = importlib.util.spec_from_file_location("stories_labels_check", DEV / "check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_check_window_labels_pass_the_label_checks():
    check = load_check_script()
    paths = check.window_files([CHECK])
    assert [p.name for p in paths] == ["ant-2018-10-15_17.jsonl"]
    problems: list[str] = []
    labels = check.read_rows(paths[0], problems)
    check.check_labels(paths[0], labels, problems)
    assert problems == []
    assert len(labels) == 371
    assert {r["kind"] for r in labels} == {"news", "non-news"}


def test_a_directory_stands_for_its_window_files(tmp_path):
    check = load_check_script()
    for name in ("ant-2018-10-15_17.jsonl", "ant-2018-03-07_09.jsonl", "README.md"):
        (tmp_path / name).write_text("", encoding="utf-8")
    single = tmp_path / "elsewhere.jsonl"
    assert check.window_files([tmp_path, single]) == [
        tmp_path / "ant-2018-03-07_09.jsonl", tmp_path / "ant-2018-10-15_17.jsonl", single]


def test_check_window_is_apart_from_the_dev_windows_and_everything_held_out():
    check = load_check_script()
    dev = {p: rows(p) for p in sorted(DEV.glob("ant-*.jsonl"))}
    checked = {p: rows(p) for p in sorted(CHECK.glob("ant-*.jsonl"))}
    assert len(dev) == 4 and len(checked) == 1
    dev_ids = {r["id"] for labels in dev.values() for r in labels}
    heldout = json.loads(TOPICS.read_text(encoding="utf-8"))["heldout"]
    for path, labels in checked.items():
        first, last = check.window_of(path)
        assert not dev_ids & {r["id"] for r in labels}
        for dev_path in dev:
            dev_first, dev_last = check.window_of(dev_path)
            assert last < dev_first or first > dev_last, dev_path.name
        assert last < check.HELD_OUT[0] or first > check.HELD_OUT[1]
        for name, topic in heldout.items():
            span = dt.date.fromisoformat(topic["from"]), dt.date.fromisoformat(topic["to"])
            assert last < span[0] or first > span[1], name
