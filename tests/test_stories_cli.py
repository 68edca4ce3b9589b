"""``khulasa stories``: formats, atomic output, the final report, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLE_DIR

from khulasa.cli import main

DATA = Path(__file__).parent / "data" / "stories"
STREAM = str(DATA / "stream.jsonl")
FAST = ["--no-timeline", "--no-actors"]


def test_stories_has_help(capsys):
    with pytest.raises(SystemExit) as done:
        main(["stories", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--format", "--engine", "--window-days", "--resume", "--watch", "-q"):
        assert flag in out


def test_jsonl_streams_to_stdout_one_story_a_line(capsys):
    assert main(["stories", STREAM, *FAST]) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    # six labelled happenings: five stories, the two OPEC meetings months apart being one story's two events
    assert len(records) == 5
    assert sum(len(r["events"]) for r in records) == 6
    assert {a["id"] for r in records for a in r["articles"]} == {
        json.loads(line)["id"] for line in Path(STREAM).read_text(encoding="utf-8").splitlines()
    }
    assert "articles read: 15" in err and "duplicates: 1" in err and "stories: 5" in err


def test_output_file_is_written_and_the_state_removed(tmp_path, capsys):
    out = tmp_path / "stories.jsonl"
    assert main(["stories", STREAM, "-o", str(out), *FAST]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
    assert capsys.readouterr().out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stories.jsonl"]


def test_quiet_prints_no_report(capsys):
    assert main(["stories", STREAM, "-q", *FAST]) == 0
    assert capsys.readouterr().err == ""


def test_report_names_skipped_inputs_with_their_reason(capsys):
    assert main(["stories", str(EXAMPLE_DIR), "-f", "text", *FAST]) == 0
    err = capsys.readouterr().err
    assert "inputs skipped: 1" in err and "metadata sidecar" in err


def test_text_digest_lists_stories_largest_first(capsys):
    assert main(["stories", STREAM, "-f", "text", *FAST]) == 0
    out = capsys.readouterr().out
    headings = [line for line in out.splitlines() if line.startswith("== ")]
    assert len(headings) == 5
    assert "4 articles, 1 copies" in out.split("== 2.")[0]


def test_flat_clusterer_gives_the_six_labelled_stories_without_events(capsys):
    assert main(["stories", STREAM, "--clusterer", "flat", *FAST]) == 0
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 6 and not any("events" in r for r in records)
    assert "stories: 6" in err


def test_text_digest_of_undated_input_lists_its_events_without_a_date(tmp_path, capsys):
    """Undated articles give tree records whose event lines have no date: the digest once crashed on
    them (exit 1, ``fromisoformat`` of None)."""
    undated = tmp_path / "undated.jsonl"
    undated.write_text("".join(
        json.dumps({k: v for k, v in json.loads(line).items() if k != "date"}, ensure_ascii=False) + "\n"
        for line in Path(STREAM).read_text(encoding="utf-8").splitlines()), encoding="utf-8")
    assert main(["stories", str(undated), "-f", "text", *FAST]) == 0
    out = capsys.readouterr().out
    assert out.count("== ") >= 5 and "undated" in out


def test_html_site_has_an_index_a_page_per_story_and_the_report(tmp_path):
    site = tmp_path / "site"
    assert main(["stories", STREAM, "-f", "html", "-o", str(site), "-q"]) == 0
    pages = sorted((site / "stories").iterdir())
    assert len(pages) == 5
    index = (site / "index.html").read_text(encoding="utf-8")
    for page in pages:
        assert f'href="stories/{page.name}"' in index
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    assert report["articles"] == 15 and report["stories"] == 5
    assert "articles read: 15" in (site / "report.txt").read_text(encoding="utf-8")
    quake = next(p for p in pages if "quake-1-copy" in p.read_text(encoding="utf-8"))
    text = quake.read_text(encoding="utf-8")
    assert "الخط الزمني" in text and "كريت" in text


def test_html_replaces_an_old_site_whole(tmp_path):
    site = tmp_path / "site"
    assert main(["stories", STREAM, "-f", "html", "-o", str(site), "-q", *FAST]) == 0
    (site / "stale.html").write_text("old", encoding="utf-8")
    assert main(["stories", STREAM, "-f", "html", "-o", str(site), "-q", *FAST]) == 0
    assert not (site / "stale.html").exists() and (site / "index.html").exists()
    assert (site / ".khulasa-site").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no old copy, no state left


def test_html_escapes_article_text_and_refuses_script_urls(tmp_path):
    evil = tmp_path / "evil.jsonl"
    evil.write_text(
        json.dumps({
            "id": "x<1>", "source": "<b>outlet</b>", "title": "<script>alert(1)</script> عنوان",
            "url": "javascript:alert(1)", "date": "2018-01-01",
            "text": "قال المتحدث <img src=x onerror=alert(1)> إن الاجتماع انتهى بنجاح كبير.",
        }, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    assert main(["stories", str(evil), "-f", "html", "-o", str(site), "-q"]) == 0
    pages = [site / "index.html", *(site / "stories").iterdir()]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>" not in html and "<img" not in html and "<b>" not in html
        assert "javascript:" not in html
    assert "&lt;script&gt;" in (site / "index.html").read_text(encoding="utf-8")


def test_html_without_output_directory_is_a_usage_error(capsys):
    assert main(["stories", STREAM, "-f", "html"]) == 2
    assert "-o DIR" in capsys.readouterr().err


def test_resume_needs_an_output(capsys):
    assert main(["stories", STREAM, "--resume"]) == 2
    assert "-o OUT" in capsys.readouterr().err


def test_inputs_and_watch_together_are_refused(capsys, tmp_path):
    assert main(["stories", STREAM, "--watch", str(tmp_path)]) == 2


def test_bad_option_value_exits_2(capsys):
    assert main(["stories", STREAM, "--threshold", "2"]) == 2
    assert "threshold" in capsys.readouterr().err


def test_missing_input_exits_4(capsys, tmp_path):
    assert main(["stories", str(tmp_path / "nope")]) == 4  # as the README's table says (was 3)


def test_an_interrupted_run_is_kept_until_resumed(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    state = Path(f"{out}.state")
    state.mkdir()
    (state / "state.json").write_text(json.dumps({"version": 1, "inputs": [], "options": {}, "phase": "reading"}))
    assert main(["stories", STREAM, "-o", str(out), "-q"]) == 7
    assert "--resume" in capsys.readouterr().err
    assert state.exists() and not out.exists()


def test_unwritable_output_exits_6_and_leaves_nothing(tmp_path, capsys):
    target = tmp_path / "missing-dir" / "out.jsonl"
    assert main(["stories", STREAM, "-o", str(target), "-q", "--state-dir", str(tmp_path / "s"), *FAST]) == 6
    assert not target.exists()


def test_spark_engine_without_pyspark_gives_the_install_hint(monkeypatch, capsys):
    import sys

    for name in ("pyspark", "pyspark.sql"):
        monkeypatch.setitem(sys.modules, name, None)  # makes "import pyspark" fail
    assert main(["stories", STREAM, "--engine", "spark", "-q"]) == 2
    assert "pip install 'khulasa[spark]'" in capsys.readouterr().err


def test_report_names_the_problems_inside_inputs(tmp_path, capsys):
    feed = tmp_path / "feed.jsonl"
    good = Path(STREAM).read_text(encoding="utf-8").splitlines()
    feed.write_text("\n".join([good[0], "{not json", good[1]]) + "\n", encoding="utf-8")
    site = tmp_path / "site"
    assert main(["stories", str(feed), "-f", "html", "-o", str(site), *FAST]) == 0
    assert "issues inside inputs: 1" in capsys.readouterr().err
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    assert report["issues"] == 1 and "line 2: invalid JSON" in report["input_issues"][0]


def test_workers_default_to_the_usable_cores(monkeypatch, tmp_path):
    import os

    from khulasa.cli import stories as stories_cli
    from khulasa.stories.engines import embedded

    expected = os.process_cpu_count() if hasattr(os, "process_cpu_count") else len(os.sched_getaffinity(0))
    assert stories_cli.usable_cores() == expected
    monkeypatch.setattr(stories_cli, "usable_cores", lambda: 3)
    pools: list[int] = []
    real = embedded.worker_pool
    monkeypatch.setattr(embedded, "worker_pool", lambda n: pools.append(n) or real(2))
    assert main(["stories", STREAM, "-o", str(tmp_path / "default.jsonl"), "-q", *FAST]) == 0
    assert main(["stories", STREAM, "-o", str(tmp_path / "one.jsonl"), "--workers", "1", "-q", *FAST]) == 0
    assert pools == [3]  # the default run had a pool of the usable cores; --workers 1 none
    assert (tmp_path / "default.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    assert main(["stories", STREAM, "--workers", "0"]) == 2
