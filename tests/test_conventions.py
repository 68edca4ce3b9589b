"""What a new user expects of the command line and the library, in real ``khulasa`` processes.

Common options on every verb, before or after it; out-of-range options are exit 2 with one line;
``--timeline``/``--key-terms`` are never dropped silently; words are counted one way everywhere; a
many-stories input says so; the package ships its type marker and only the dependencies it uses.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import khulasa
from khulasa import __version__
from tests.conftest import EXAMPLE_DIR, ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
ARABIC = (
    "افتتح وزير الثقافة اليوم معرض الكتاب في دورته العاشرة بمشاركة 400 دار نشر من عشرين دولة.\n"
    "ويستمر المعرض عشرة أيام في القاهرة ويضم ندوات وأمسيات شعرية.\n"
    "وقال الوزير إن الدخول مجاني لطلاب المدارس والجامعات طوال أيام المعرض.\n"
)


def khulasa_cli(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "khulasa", *args], input=stdin if stdin is not None else "",
        capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=timeout, check=False,
    )


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("khulasa: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


# --- out-of-range options: exit 2, one line naming the option ---------------------------------------------


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("stories", str(EXAMPLE_DIR), "--window-days", "99999999999"), "window_days"),
        (("stories", str(EXAMPLE_DIR), "--threshold", "nan"), "threshold"),
        (("stories", str(EXAMPLE_DIR), "--threshold", "inf"), "threshold"),
        (("summarize", str(EXAMPLE_DIR), "--words", "99999999999"), "words"),
        (("summarize", str(EXAMPLE_DIR), "--sentences", "99999999999"), "sentences"),
    ],
)
def test_out_of_range_options_are_exit_2_with_one_line(args, field):
    proc = khulasa_cli(*args)
    assert proc.returncode == 2
    assert f"{field}=" in one_error_line(proc)


# --- common options on every verb, before and after it ---------------------------------------------------


def test_version_with_capital_v_and_long_form_before_or_after_the_verb():
    for args in (("-V",), ("--version",), ("summarize", "-V")):
        proc = khulasa_cli(*args)
        assert (proc.returncode, proc.stdout.strip()) == (0, f"khulasa {__version__}")


def test_verbose_and_quiet_work_after_every_verb():
    from khulasa.cli import build_parser

    parser = build_parser()
    for verb, rest in (("summarize", ["x"]), ("stories", ["x"]), ("eval", ["easc"]), ("serve", [])):
        args = parser.parse_args([verb, *rest, "-v", "-v"])
        assert args.verbose + args.verbose_after == 2
        assert parser.parse_args([verb, *rest, "--quiet"]).quiet is True
        assert parser.parse_args(["-q", verb, *rest]).quiet is True
        assert parser.parse_args([verb, *rest]).quiet is False
    both = parser.parse_args(["-v", "summarize", "x", "-v"])
    assert both.verbose + both.verbose_after == 2


def test_quiet_silences_warnings_and_verbose_after_the_verb_shows_info():
    # many unrelated articles: a warning that they are many stories
    jsonl = "".join(json.dumps({"id": a.id, "text": a.text}, ensure_ascii=False) + "\n"
                    for a in _unrelated_articles(40))
    loud = khulasa_cli("summarize", "-", stdin=jsonl)
    assert loud.returncode == 0 and "WARNING" in loud.stderr and "khulasa stories" in loud.stderr
    for args in (("summarize", "-", "-q"), ("-q", "summarize", "-"), ("summarize", "--quiet", "-")):
        quiet = khulasa_cli(*args, stdin=jsonl)
        assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, loud.stdout, "")
    verbose = khulasa_cli("summarize", "-", "-v", stdin=jsonl)
    assert verbose.returncode == 0 and verbose.stdout == loud.stdout and "WARNING" in verbose.stderr
    both = khulasa_cli("summarize", "-", "-q", "-v", stdin=jsonl)
    assert both.returncode == 2 and "not both" in one_error_line(both)


def test_stories_takes_the_shared_quiet_before_or_after_the_verb(tmp_path):
    for n, args in enumerate((("stories", "-q"), ("-q", "stories"))):
        out = tmp_path / f"s{n}.jsonl"
        proc = khulasa_cli(*args, str(EXAMPLE_DIR), "-o", str(out))
        assert (proc.returncode, proc.stderr) == (0, "")
        assert out.read_text(encoding="utf-8").count("\n") >= 1
    loud = khulasa_cli("stories", str(EXAMPLE_DIR), "-o", str(tmp_path / "loud.jsonl"))
    assert loud.returncode == 0 and "khulasa: " in loud.stderr  # the final report


# --- --timeline and --key-terms in text: a section each, never dropped -----------------------------------


def test_timeline_and_key_terms_print_sections_in_text():
    from khulasa.render.labels import KEY_TERMS_HEADING, TIMELINE_HEADING

    plain = khulasa_cli("summarize", str(EXAMPLE_DIR))
    both = khulasa_cli("summarize", str(EXAMPLE_DIR), "--timeline", "--key-terms")
    assert plain.returncode == both.returncode == 0
    assert both.stdout.startswith(plain.stdout)  # the sentences first, unchanged
    rest = both.stdout[len(plain.stdout) :]
    assert rest.startswith("\n")  # a blank line before each section
    timeline, key_terms = (section.splitlines() for section in rest[1:].split("\n\n"))
    assert timeline[0] == TIMELINE_HEADING and len(timeline) > 3
    assert all(line[:4].isdigit() and ": " in line for line in timeline[1:])
    assert key_terms[0] == KEY_TERMS_HEADING and len(key_terms) > 3
    assert "فلاديمير بوتين (شخص)" in key_terms
    only_terms = khulasa_cli("summarize", str(EXAMPLE_DIR), "--key-terms", "-f", "text")
    assert TIMELINE_HEADING not in only_terms.stdout and KEY_TERMS_HEADING in only_terms.stdout


# --- one word count everywhere ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["ب" * 2_000_000, "-".join(["كلمة"] * 400_000)])
def test_a_giant_word_or_a_hyphen_joined_text_stays_within_the_word_budget(text):
    from khulasa.text.normalize import MAX_WORD_CHARS, count_words

    proc = khulasa_cli("summarize", "-", "--words", "120", stdin=text)
    assert proc.returncode == 0, proc.stderr
    assert count_words(proc.stdout) <= 120
    assert len(proc.stdout) <= 120 * (MAX_WORD_CHARS + 1)  # was 4 MB


def test_the_service_counts_words_as_the_budget_does():
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from khulasa.serve.app import create_app
    from khulasa.serve.settings import ServeSettings

    client = TestClient(create_app(ServeSettings(max_words=1000)))
    response = client.post("/v1/summarize", json={"articles": [{"text": "ب" * 100_000}]})
    assert response.status_code == 413
    assert response.json()["error"]["details"] == {"limit": 1000, "words": 2000}


# --- many stories in one input: a warning that points to `khulasa stories` -------------------------------


def _unrelated_articles(n: int) -> list[khulasa.Article]:
    import random

    rng = random.Random(7)
    letters = "بتثجحخدذرزسشصضطظعغقمنهي"
    articles = []
    for i in range(n):
        words = ["".join(rng.choice(letters) for _ in range(5)) for _ in range(12)]  # its own vocabulary
        sentences = [" ".join(rng.sample(words, 8)) + "." for _ in range(4)]
        articles.append(khulasa.Article(id=f"a{i}", text="\n".join(sentences)))
    return articles


def test_many_unrelated_articles_log_one_warning_that_points_to_stories(caplog):
    with caplog.at_level("WARNING", logger="khulasa"):
        khulasa.summarize(_unrelated_articles(40))
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "many stories" in warnings[0] and "khulasa stories" in warnings[0]


def test_one_story_and_small_inputs_do_not_warn(caplog):
    with caplog.at_level("WARNING", logger="khulasa"):
        khulasa.summarize(khulasa.load([str(EXAMPLE_DIR)]))
        khulasa.summarize(_unrelated_articles(10))  # too few articles to tell
    assert not [r for r in caplog.records if r.levelname == "WARNING"]


# --- the library as a user meets it -----------------------------------------------------------------------


def test_plain_strings_are_articles_named_article_1_and_up():
    text = ARABIC.splitlines()
    summary = khulasa.summarize([text[0], text[1] + "\n" + text[2]], sentences=3)
    assert [a.id for a in summary.articles] == ["article-1", "article-2"]
    assert {sp.article_id for s in summary.sentences for sp in s.sources} == {"article-1", "article-2"}
    with pytest.raises(khulasa.InvalidOptionsError, match="list of articles"):
        khulasa.summarize(ARABIC)  # type: ignore[arg-type]  # one string is not a list of articles


def test_article_dates_are_parsed_at_construction_or_refused():
    import datetime as dt

    assert khulasa.Article(id="a", text="x", date="2016-10-10").date == dt.date(2016, 10, 10)
    assert khulasa.Article(id="a", text="x", date="2016-10-10T23:30:00+03:00").date == dt.date(2016, 10, 10)
    assert khulasa.Article(id="a", text="x", date=dt.datetime(2016, 10, 10, 9)).date == dt.date(2016, 10, 10)
    for bad in ("10/10/2016", "2016-02-30", "yesterday", 20161010):
        with pytest.raises(khulasa.InvalidOptionsError, match="date="):
            khulasa.Article(id="a", text="x", date=bad)  # type: ignore[arg-type]
    with pytest.raises(khulasa.InvalidOptionsError, match="text="):
        khulasa.Article(id="a", text=None)  # type: ignore[arg-type]
    # a parsed date orders like any other
    articles = [khulasa.Article(id="b", text=ARABIC, date="2016-10-11"),
                khulasa.Article(id="a", text=ARABIC, date=dt.date(2016, 10, 10))]
    assert khulasa.summarize(articles, sentences=1).sentences[0].article_id == "a"


def test_the_package_ships_its_type_marker():
    from importlib import resources

    assert resources.files("khulasa").joinpath("py.typed").is_file()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in project["tool"]["setuptools"]["package-data"]["khulasa"]


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_declared_dependencies_are_the_ones_the_package_imports():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = " ".join(project["dependencies"]).lower()
    assert "dateparser" not in declared and "scikit-learn" not in declared
    assert any(d.startswith("scikit-learn") for d in project["optional-dependencies"]["bench"])
    imported = set().union(*(_imported_modules(p) for p in (ROOT / "khulasa").rglob("*.py")))
    assert not imported & {"dateparser", "sklearn"}
    benchmarks = set().union(*(_imported_modules(p) for p in (ROOT / "benchmarks").glob("*.py")))
    assert "sklearn" in benchmarks  # what the bench extra is for


def test_story_records_follow_the_published_schema(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry, Resource

    schema_dir = ROOT / "khulasa" / "schema"
    summary = json.loads((schema_dir / "summary.schema.json").read_text(encoding="utf-8"))
    story = json.loads((schema_dir / "story.schema.json").read_text(encoding="utf-8"))
    registry = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in (summary, story)])
    jsonschema.Draft202012Validator.check_schema(story)
    validator = jsonschema.Draft202012Validator(story, registry=registry)
    lone = tmp_path / "lone.txt"
    lone.write_text(ARABIC, encoding="utf-8")  # a one-article story besides the example's
    out = tmp_path / "stories.jsonl"
    proc = khulasa_cli("stories", str(EXAMPLE_DIR), str(lone), "-o", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 2 and {r["n_articles"] for r in records} >= {1}
    for record in records:
        validator.validate(record)
    broken = dict(records[0], n_articles="3")
    assert not validator.is_valid(broken)
    del broken["n_articles"]
    assert not validator.is_valid(broken)
