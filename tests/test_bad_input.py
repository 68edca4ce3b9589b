"""Bad input, end to end: every file in ``tests/data/bad/`` (and the big or special ones made here at test
time) gives a correct result or one clear error line with the README's exit code — never a traceback,
never a hang — and batch runs report every input with its fate.

The CLI cases run as real processes with a timeout, several at a time (a hang fails the test instead of
stalling it).  We run as root, so an unreadable file is simulated by making ``open`` fail.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

import khulasa
from khulasa.errors import InvalidOptionsError, UnreadableFileError
from khulasa.ingest import IngestReport
from khulasa.ingest import source as ingest_source
from khulasa.models import Article
from khulasa.options import SummaryOptions
from khulasa.segment import segment

BAD = Path(__file__).parent / "data" / "bad"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
TIMEOUT = 60
ARABIC = (
    "افتتح وزير الثقافة اليوم معرض الكتاب في دورته العاشرة بمشاركة 400 دار نشر من عشرين دولة.\n"
    "ويستمر المعرض عشرة أيام في القاهرة ويضم ندوات وأمسيات شعرية.\n"
    "وقال الوزير إن الدخول مجاني لطلاب المدارس والجامعات طوال أيام المعرض.\n"
)

# file -> (exit code, a phrase the error line or the output must hold).  Exit codes: README's table.
EXPECTED: dict[str, tuple[int, str]] = {
    "empty.txt": (3, "skipped 1 empty"),
    "whitespace-only.txt": (3, "skipped 1 empty"),
    "binary-bytes.txt": (4, "binary data"),
    "nul-inside-text.txt": (0, "افتتح وزير الثقافة"),
    "utf16-bom.txt": (0, "افتتح وزير الثقافة"),
    "utf16le-no-bom.txt": (0, "افتتح وزير الثقافة"),
    "cp1256-no-bom.txt": (0, "افتتح وزير الثقافة"),
    "utf8-bom-crlf.txt": (0, "افتتح وزير الثقافة"),
    "scripts-only.html": (3, "no main text"),
    "english.txt": (5, "no Arabic text"),
    "french.txt": (5, "no Arabic text"),
    "fully-diacritized.txt": (0, "اِفْتَتَحَ وَزِيرُ الثَّقَافَةِ"),
    "no-punctuation.txt": (0, "افتتح وزير الثقافة اليوم"),  # one 200-word sentence, cut to the budget
    "one-sentence.txt": (0, "افتتح وزير الثقافة اليوم معرض الكتاب"),
    "malformed-lines.jsonl": (0, "افتتح وزير الثقافة"),
    "truncated.json": (4, "invalid JSON at line 1"),
    "broken-tags.trec": (0, "افتتح وزير الثقافة"),
    "gigaword-attributes.sgml": (0, "وقع الرئيسان الروسي"),
    # Issue 11: one bad record never stops a run.
    "huge-year-date.json": (0, "افتتح وزير الثقافة"),  # dates no datetime can hold: exit 1 OverflowError
    "huge-year-time.trec": (0, "افتتح وزير الثقافة"),
    "lone-surrogates.json": (0, "افتتح وزير الثقافة"),  # "\ud83d" in every field: exit 1 UnicodeEncodeError
    "nul-laced.txt": (0, "افتتح وزير الثقافة"),  # NULs between characters, inside sequences, padding: exit 4
    "nul-in-sequences.txt": (0, "افتتح وزير الثقافة"),
    "nul-padded-records.jsonl": (0, "افتتح وزير الثقافة"),
}


class Child:
    """``khulasa ARGS`` in a child process forked from this one (see ``start_cli``)."""

    def __init__(self, args: tuple[str, ...], cwd: Path | None) -> None:
        import tempfile

        self.args = args
        self.out = tempfile.TemporaryFile()  # noqa: SIM115 - closed in wait()
        self.err = tempfile.TemporaryFile()  # noqa: SIM115 - closed in wait()
        self.pid = os.fork()
        if self.pid == 0:
            self._run_child(cwd)

    def _run_child(self, cwd: Path | None) -> None:
        import traceback

        from khulasa.cli import main

        code = 99
        try:
            os.chdir(cwd or ROOT)
            os.dup2(self.out.fileno(), 1)
            os.dup2(self.err.fileno(), 2)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
            sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115
            logging.root.handlers.clear()  # pytest's capture handlers: main installs its own
            try:
                code = main(list(self.args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 2
            except BaseException:
                traceback.print_exc()  # what the interpreter would print: the tests look for it
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)  # never return into pytest

    def kill(self) -> None:
        import signal

        os.kill(self.pid, signal.SIGKILL)

    def wait(self, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
        """Wait for the exit (SIGKILL and ``TimeoutExpired`` at ``timeout``); its code, stdout, stderr."""
        deadline = time.monotonic() + timeout
        while True:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                self.kill()
                os.waitpid(self.pid, 0)
                raise subprocess.TimeoutExpired(["khulasa", *self.args], timeout)
            time.sleep(0.005)
        streams = []
        for f in (self.out, self.err):
            f.seek(0)
            streams.append(f.read().decode("utf-8"))
            f.close()
        return subprocess.CompletedProcess(["khulasa", *self.args], os.waitstatus_to_exitcode(status), *streams)


def start_cli(*args: str, cwd: Path | None = None) -> Child:
    """Start ``khulasa ARGS`` in a forked child: a real process (its own stdout/stderr and exit code, a
    traceback printed if anything escapes ``main`` as ``python -m khulasa`` would, killable) without
    paying the interpreter's and numpy's start-up for each of dozens of cases.  Monkeypatches made
    before the call are inherited, which is how faults are injected.
    ``test_the_real_entry_point_behaves_like_the_forked_one`` checks the two agree.
    """
    return Child(args, cwd)


def run_cli(*args: str, cwd: Path | None = None, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    return start_cli(*args, cwd=cwd).wait(timeout)


def assert_clean_outcome(result: subprocess.CompletedProcess[str], code: int, phrase: str) -> None:
    """Exit code as documented; no traceback; on failure the last stderr line is the one error line."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, (result.returncode, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("khulasa: error:")]
    if code:
        assert len(errors) == 1 and result.stderr.splitlines()[-1] == errors[0]
        assert phrase in errors[0]
        assert result.stdout == ""
    else:
        assert not errors
        assert phrase in result.stdout + result.stderr


def test_every_bad_file_in_the_fixture_set_has_a_documented_case():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)


def test_every_bad_file_gives_a_result_or_one_clear_error_line():
    files = sorted(EXPECTED)
    results = {f: run_cli("summarize", str(BAD / f), "--words", "60") for f in files}
    for name, (code, phrase) in EXPECTED.items():
        assert_clean_outcome(results[name], code, phrase)
    # Third-party log noise stays out of the user's way: ingest's own line says why the page was skipped.
    assert results["scripts-only.html"].stderr.splitlines() == [
        f"khulasa: WARNING: skipped {BAD / 'scripts-only.html'}: no main text (the HTML has only scripts, "
        "styles or boilerplate)",
        "khulasa: error: no articles found (read 0 articles; skipped 1 no main text) (Khulasa reads .txt, "
        ".json, .jsonl, TREC <DOC>, .html and archives of them)",
    ]
    # What is printed is the input's own text: decoded right, BOM and CR gone, diacritics kept.
    for name in ("utf16-bom.txt", "utf16le-no-bom.txt", "cp1256-no-bom.txt", "utf8-bom-crlf.txt"):
        assert results[name].stdout == results["nul-inside-text.txt"].stdout
        assert "\r" not in results[name].stdout and "\ufeff" not in results[name].stdout
    assert results["one-sentence.txt"].stdout == (BAD / "one-sentence.txt").read_text(encoding="utf-8") + "\n"
    # NULs dropped with a warning; the text is the same as the clean file's.
    for name, nuls in [("nul-laced.txt", 220), ("nul-in-sequences.txt", 28), ("nul-padded-records.jsonl", 1052)]:
        assert f"khulasa: WARNING: {BAD / name}: dropped {nuls} stray NUL bytes" in results[name].stderr.splitlines()
    for name in ("nul-laced.txt", "nul-in-sequences.txt"):
        assert results[name].stdout == results["nul-inside-text.txt"].stdout
    # Dates no datetime can hold are dropped with a warning, as any unreadable date.
    assert results["huge-year-date.json"].stderr.count("unreadable date") == 6  # 0001-01-01, 9999-12-31 too
    assert "unreadable TIME 'Tue, 20 Feb 99999999999 01:44:01 GMT'" in results["huge-year-time.trec"].stderr


def test_the_real_entry_point_behaves_like_the_forked_one():
    """The matrix above runs forked children; the installed command must give the same bytes and codes."""
    for name in ("truncated.json", "cp1256-no-bom.txt"):
        real = subprocess.run([sys.executable, "-m", "khulasa", "summarize", str(BAD / name), "--words", "60"],
                              capture_output=True, text=True, timeout=TIMEOUT, env=ENV, cwd=ROOT)
        forked = run_cli("summarize", str(BAD / name), "--words", "60")
        assert (real.returncode, real.stdout, real.stderr) == (forked.returncode, forked.stdout, forked.stderr)


def test_generated_bad_inputs_give_a_clear_error_or_a_result(tmp_path):
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "huge-int.json").write_text('{"id": ' + "7" * 5000 + ', "text": "نص"}')
    (tmp_path / "deep-line.jsonl").write_text("[" * 100_000 + "\n" + json.dumps({"text": ARABIC}) + "\n")
    (tmp_path / "empty.json").write_text("  \n")
    (tmp_path / "only-metadata").mkdir()
    (tmp_path / "only-metadata" / "metadata.json").write_text("{}")
    cases = {
        "deep.json": (4, "invalid JSON: nested too deeply"),
        "huge-int.json": (4, "invalid JSON: Exceeds the limit (4300 digits)"),
        "deep-line.jsonl": (0, "افتتح وزير الثقافة"),
        "empty.json": (3, "skipped 1 empty"),  # as empty as an empty .txt, not "invalid JSON"
        "only-metadata": (3, "no articles found"),
        "does-not-exist.txt": (4, "cannot read does-not-exist.txt: no such file or directory"),  # was 3
    }
    results = [run_cli("summarize", f, cwd=tmp_path) for f in cases]
    for result, (code, phrase) in zip(results, cases.values(), strict=True):
        assert_clean_outcome(result, code, phrase)


def test_a_fifo_a_symlink_loop_and_a_dangling_link_in_a_directory_do_not_hang_the_walk(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text(ARABIC, encoding="utf-8")
    os.mkfifo(corpus / "pipe.txt")  # opening it would block forever: nobody writes to it
    os.symlink(corpus, corpus / "sub" / "loop")
    os.symlink(corpus / "missing.txt", corpus / "dangling.txt")
    result = run_cli("summarize", str(corpus), "--words", "60")
    assert_clean_outcome(result, 0, "افتتح وزير الثقافة")
    for name, reason in [("pipe.txt", "not a regular file (fifo)"), ("loop", "symlink loop"),
                         ("dangling.txt", "cannot open")]:
        assert any(name in line and reason in line for line in result.stderr.splitlines()), (name, result.stderr)


def test_ingest_report_lists_every_input_of_a_bad_directory_with_its_fate(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in BAD.iterdir():
        (corpus / f.name).write_bytes(f.read_bytes())
    locked = corpus / "locked.txt"
    locked.write_text(ARABIC, encoding="utf-8")
    os.mkfifo(corpus / "pipe.txt")
    real_read = ingest_source.read_file

    def read(path: str) -> bytes:  # root ignores chmod 000, so the refusal is simulated
        if path == str(locked):
            raise PermissionError(13, "Permission denied", path)
        return real_read(path)

    monkeypatch.setattr(ingest_source, "read_file", read)
    report = IngestReport()
    articles = khulasa.load([corpus], report=report)
    fates = {Path(r.path).name: r for r in report.inputs}
    assert set(fates) == {p.name for p in corpus.iterdir()}
    assert {name: r.reason for name, r in fates.items() if r.status == "skipped"} == {
        "binary-bytes.txt": "binary data", "empty.txt": "empty", "whitespace-only.txt": "empty",
        "scripts-only.html": "no main text", "truncated.json": "invalid JSON", "locked.txt": "cannot open",
        "pipe.txt": "not a regular file",
    }
    assert sum(r.articles for r in report.read) == len(articles) == report.n_articles
    assert [i.split(": ", 1)[1] for i in fates["malformed-lines.jsonl"].issues] == [
        "invalid JSON (Unterminated string starting at), skipped", "invalid JSON (Expecting value), skipped",
        "expected an object, got list, skipped", "no text field (text/body/content), skipped",
        "unreadable date 'yesterday-ish', ignored", "invalid JSON (nested too deeply), skipped",
    ]
    assert {a.id for a in articles if a.path and a.path.endswith("malformed-lines.jsonl")} == {
        "good-1", "bad-date", "good-2"}
    with pytest.raises(UnreadableFileError, match="Permission denied"):
        khulasa.load([locked])


HUGE_DATE = "Tue, 20 Feb 99999999999 01:44:01 GMT"


def bad_records_corpus(root: Path) -> Path:
    """Good articles among bad records: dates no datetime can hold and lone surrogates, in every place
    they can come from (JSON, JSONL, TREC <TIME>, metadata.json)."""
    corpus = root / "corpus"
    corpus.mkdir()
    for name in ("huge-year-date.json", "huge-year-time.trec", "lone-surrogates.json", "one-sentence.txt"):
        (corpus / name).write_bytes((BAD / name).read_bytes())
    (corpus / "dated").mkdir()
    (corpus / "dated" / "a.txt").write_text(ARABIC, encoding="utf-8")
    (corpus / "dated" / "metadata.json").write_text(json.dumps({"a": {"date": HUGE_DATE, "note": "\ud83d"}}))
    lines = [{"id": "ok", "text": ARABIC, "date": "2016-10-10"},
             {"id": "bad\ud83d", "text": ARABIC + "\ud83d", "date": HUGE_DATE, "source": "\udc00", "x": ["\ud83d"]}]
    (corpus / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines), encoding="ascii")
    return corpus


def test_bad_dates_and_lone_surrogates_never_stop_a_run_in_any_format(tmp_path):
    """Before: OverflowError (exit 1) for a year past 9999..., UnicodeEncodeError (exit 1) in every format."""
    corpus = bad_records_corpus(tmp_path)
    runs = {fmt: start_cli("summarize", str(corpus), "-f", fmt, "-o", str(tmp_path / f"summary.{fmt}"),
                           "--timeline", "--key-terms")
            for fmt in ("text", "markdown", "json", "html")}
    runs |= {f"stories-{fmt}": start_cli("stories", str(corpus), "-f", fmt, "-o", str(tmp_path / f"stories-{fmt}"),
                                         "-q")
             for fmt in ("jsonl", "html", "text")}
    results = {name: child.wait() for name, child in runs.items()}
    for result in results.values():
        assert_clean_outcome(result, 0, "")
    warnings = results["json"].stderr
    assert warnings.count("unreadable date") == 9 and "unreadable TIME" in warnings
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    ids = {a["id"] for a in summary["articles"]}
    assert {"cut-\ufffd", "bad\ufffd", "huge-rfc", "huge-time", "a", "ok"} <= ids
    assert all(a["date"] is None for a in summary["articles"] if a["id"] not in ("ok", "one-sentence"))
    for path in tmp_path.glob("summary.*"):
        path.read_text(encoding="utf-8")  # valid UTF-8: the surrogates became U+FFFD
    report = json.loads((tmp_path / "stories-html" / "report.json").read_text(encoding="utf-8"))
    assert report["articles"] == len(summary["articles"])
    assert sum("unreadable date" in issue for issue in report["input_issues"]) == 9
    records = [json.loads(line) for line in (tmp_path / "stories-jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(r["n_articles"] for r in records) == report["articles"]


def test_bad_records_never_stop_a_watched_directory(tmp_path):
    from khulasa.stories import StoryOptions
    from khulasa.stories.engines.watch import watch_directory

    corpus = bad_records_corpus(tmp_path)
    watched = tmp_path / "in"
    watched.mkdir()
    (watched / "feed.jsonl").write_bytes((corpus / "feed.jsonl").read_bytes())
    written: list[str] = []
    report = watch_directory(str(watched), StoryOptions(), tmp_path / "work", on_story=written.append,
                             poll_seconds=0.05, idle_stop=0.2)
    assert report.articles == 2 and sum(json.loads(line)["n_articles"] for line in written) == 2
    "".join(written).encode("utf-8")
    assert any("unreadable date" in issue for issue in report.issues)


@pytest.mark.spark
def test_bad_records_never_stop_a_spark_run_and_give_the_embedded_stories(tmp_path):
    corpus = bad_records_corpus(tmp_path)
    env = {**ENV, "SPARK_LOCAL_IP": "127.0.0.1"}
    outputs = {}
    for engine in ("embedded", "spark"):
        out = tmp_path / f"{engine}.jsonl"
        result = subprocess.run([sys.executable, "-m", "khulasa", "stories", str(corpus), "--engine", engine,
                                 "-o", str(out), "-q"], capture_output=True, text=True, timeout=300, env=env, cwd=ROOT)
        assert result.returncode == 0, result.stderr[-2000:]
        outputs[engine] = out.read_text(encoding="utf-8")
    assert outputs["spark"] == outputs["embedded"] and "\ufffd" in outputs["spark"]


def test_a_directory_nested_1000_levels_deep_is_read_by_summarize_and_stories(tmp_path):
    from test_ingest import nested

    with nested(tmp_path / "deep", 1000, "a.txt", ARABIC) as deep:
        results = [run_cli("summarize", str(deep), "--words", "60"),
                   run_cli("stories", str(deep), "-f", "text", "-q")]
    for result in results:
        assert_clean_outcome(result, 0, "افتتح وزير الثقافة")  # was exit 1: RecursionError


def test_terminal_escapes_in_file_and_member_names_are_never_printed_raw(tmp_path):
    import tarfile

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "\x1b]0;owned\x07\x1b[2J.txt").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    (corpus / "\u202eevil\x9b31m.jsonl").write_text(json.dumps({"text": ARABIC}) + "\n[]\n", encoding="utf-8")
    (corpus / os.fsdecode(b"caf\xe9\x1b.txt")).write_bytes(b"\x89PNG\x00\x01\x02" * 30)  # not UTF-8: a surrogate
    with tarfile.open(corpus / "a.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("\x1b[31mred.bin.txt")
        data = b"\x00\x01\x02binary\x00" * 20
        info.size = len(data)
        import io

        tar.addfile(info, io.BytesIO(data))
    results = [run_cli("-v", "summarize", str(corpus), "--words", "60"),
               run_cli("summarize", str(corpus / "\x1b]0;owned\x07\x1b[2J.txt")),
               run_cli("summarize", str(tmp_path / "\x1b[31mmissing.txt")),
               run_cli("stories", str(corpus), "-f", "html", "-o", str(tmp_path / "site"))]
    assert [r.returncode for r in results] == [0, 4, 4, 0]
    stderr = "".join(r.stderr for r in results)
    report = (tmp_path / "site" / "report.json").read_text(encoding="utf-8")
    for shown in (stderr, report):
        assert not any(c in shown for c in "\x1b\x07\x9b\u202e"), shown
    for name in ("\\x1b]0;owned\\x07\\x1b[2J.txt", "\\u202eevil\\x9b31m.jsonl: line 2", "caf\\xe9\\x1b.txt",
                 "a.tar.gz:\\x1b[31mred.bin.txt", "\\x1b[31mmissing.txt: no such file or directory"):
        assert name in stderr, name
    assert "\\\\x1b]0;owned" in report  # JSON escapes the backslash of the escape


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("CI") != "true",
                    reason="installs the package into a fresh venv (about a minute); runs in CI (CI=true)")
def test_the_plain_package_reads_every_input_kind_in_a_fresh_venv(tmp_path):
    """``pip install .`` without extras, then the installed ``khulasa`` on every input kind.  HTML was exit 1
    (ImportError: trafilatura needs lxml_html_clean, which only the dev extra pulled in)."""
    import io
    import shutil
    import tarfile
    import zipfile

    source = tmp_path / "src"
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copy(ROOT / "README.md", source)
    shutil.copytree(ROOT / "khulasa", source / "khulasa", ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(source)], capture_output=True,
                             text=True, timeout=900)
    assert install.returncode == 0, install.stderr[-3000:]
    data = tmp_path / "inputs"
    data.mkdir()
    trec = f"<DOC>\n<DOCNO>t1</DOCNO>\n<TIME>Tue, 20 Feb 2018 01:44:01 GMT</TIME>\n<TEXT>\n{ARABIC}</TEXT>\n</DOC>\n"
    files = {
        "a.txt": ARABIC.encode(), "a.json": json.dumps({"id": "j", "text": ARABIC}).encode(),
        "a.jsonl": (json.dumps({"id": "l", "text": ARABIC}) + "\n").encode(), "a.trec": trec.encode(),
        "a.html": f"<html><head><title>خبر</title></head><body><article><p>{ARABIC}</p></article></body></html>".encode(),
        "cp1256.txt": ARABIC.encode("cp1256"), "utf16.txt": ARABIC.encode("utf-16"),
    }
    for name, content in files.items():
        (data / name).write_bytes(content)
    with tarfile.open(data / "a.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("corpus/a.txt")
        info.size = len(files["a.txt"])
        tar.addfile(info, io.BytesIO(files["a.txt"]))
    with zipfile.ZipFile(data / "a.zip", "w") as archive:
        archive.writestr("corpus/a.trec", trec)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    command = [str(venv / "bin" / "khulasa"), "summarize", "--words", "60"]
    runs = {name: subprocess.Popen([*command, str(data / name)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   cwd=tmp_path, env=env)
            for name in [*files, "a.tar.gz", "a.zip"]}
    runs["stdin"] = subprocess.Popen([*command, "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    for name, process in runs.items():
        out, err = process.communicate(ARABIC.encode() if name == "stdin" else None, timeout=300)
        assert process.returncode == 0, (name, err.decode()[-2000:])
        assert "افتتح وزير الثقافة" in out.decode("utf-8"), name
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import khulasa; print(khulasa.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, check=True)
    assert where.stdout.startswith(str(venv))  # the installed package, not this checkout


def test_the_readme_exit_code_table_is_the_one_in_errors_py():
    """Every code the CLI uses is in ``errors.EXIT_CODES`` and the README lists exactly those (7 and 130
    were missing; a missing path said 3 where the README says 4)."""
    import ast
    import importlib
    import pkgutil
    import re

    from khulasa.errors import EXIT_CODES, KhulasaError

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    rows = dict(re.findall(r"^\| (\d+) \| (.+) \|$", table, re.M))
    assert {int(code): meaning for code, meaning in rows.items()} == dict(EXIT_CODES)
    for module in pkgutil.walk_packages(khulasa.__path__, "khulasa."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    classes, todo = set(), [KhulasaError]
    while todo:
        cls = todo.pop()
        classes.add(cls)
        todo.extend(cls.__subclasses__())
    assert {cls.exit_code for cls in classes} | {0, 1, 130} == set(EXIT_CODES)
    returned = set()
    for source in (ROOT / "khulasa" / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Constant) and \
                    isinstance(node.value.value, int):
                returned.add(node.value.value)
    assert returned <= set(EXIT_CODES), returned - set(EXIT_CODES)
    from khulasa.errors import StoryRunError

    assert all(issubclass(c, StoryRunError) for c in classes if c.exit_code == 7)


def test_broken_trec_tags_keep_every_document_with_text():
    report = IngestReport()
    articles = khulasa.load([BAD / "broken-tags.trec"], report=report)
    assert [a.id for a in articles] == ["ok-1", "no-close-2", "broken-tags-4"]
    assert all(a.text.startswith("افتتح وزير الثقافة") and "<" not in a.text for a in articles)
    assert report.inputs[0].issues == ["doc 'empty-3': no text"]


def test_trec_documents_with_attributes_are_read_like_arabic_gigaword(tmp_path):
    """``<DOC id="..." type="story">`` was not a tag: under .txt the file was one article full of tags."""
    sniffed = tmp_path / "gigaword.txt"
    sniffed.write_bytes((BAD / "gigaword-attributes.sgml").read_bytes())
    for path in (BAD / "gigaword-attributes.sgml", sniffed):
        articles = khulasa.load([path])
        assert [a.id for a in articles] == ["AFP_ARB_20161010.0001", "docno-wins"]
        assert articles[0].title == "بوتين وأردوغان يوقعان اتفاق السيل التركي"
        assert all("<" not in a.text and "إسطنبول 10-10" not in a.text for a in articles)


def test_a_10_mb_single_line_is_read_and_split_in_bounded_time(tmp_path):
    sentence = "قال الوزير إن المعرض يستمر عشرة أيام في القاهرة بمشاركة دور نشر عربية. "
    big = tmp_path / "one-line.txt"
    big.write_text(sentence * (10 * 1024 * 1024 // len(sentence.encode())), encoding="utf-8")
    assert big.stat().st_size > 10_000_000 and b"\n" not in big.read_bytes()
    started = time.monotonic()
    [article] = khulasa.load([big])
    sentences = segment(article)
    assert time.monotonic() - started < 30
    assert len(sentences) > 50_000
    assert all(article.text[s.start : s.end] == s.text for s in sentences[:: len(sentences) // 50])


def test_one_sentence_repeated_3000_times_summarizes_in_seconds(tmp_path):
    """Found by hardening: repeated sentences used to make similarity quadratic (a 10 MB line of them
    died with MemoryError); identical sentences now share one similarity row."""
    text = tmp_path / "repeated.txt"
    text.write_text("افتتح وزير الثقافة اليوم معرض الكتاب في دورته العاشرة بمشاركة 400 دار نشر. " * 3000,
                    encoding="utf-8")
    try:
        result = run_cli("summarize", str(text), timeout=4)
    except subprocess.TimeoutExpired:
        pytest.fail("3,000 repeated sentences took more than 4 s")
    assert result.returncode == 0


def test_text_without_punctuation_still_gives_a_summary_within_the_budget():
    [article] = khulasa.load([BAD / "no-punctuation.txt"])
    summary = khulasa.summarize([article], words=120)
    assert summary.sentences and summary.n_words <= 120


def test_300_identical_copies_are_one_story_with_every_copy_as_a_source(tmp_path):
    corpus = tmp_path / "copies"
    corpus.mkdir()
    for i in range(300):
        (corpus / f"copy-{i:03}.txt").write_text(ARABIC, encoding="utf-8")
    articles = khulasa.load([corpus])
    summary = khulasa.summarize(articles, words=60)
    assert len(articles) == 300 and summary.sentences
    [group] = summary.duplicates
    assert group.kept == "copy-000" and len(group.duplicates) == 299
    for sentence in summary.sentences:
        assert len(sentence.sources) == 300
        assert len({s.article_id for s in sentence.sources}) == 300


def test_a_one_word_article_is_not_a_crash():
    """Found by the fuzz job: a cluster whose only sentence has one content term."""
    summary = khulasa.summarize([Article(id="a", text="افتتح")], words=5)
    assert [s.text for s in summary.sentences] in ([], ["افتتح"])


def test_a_redundancy_of_the_wrong_type_is_an_options_error():
    """Found by the fuzz job through the HTTP API (now typed there); the library still raises TypeError."""
    with pytest.raises(InvalidOptionsError, match="redundancy"):
        SummaryOptions(redundancy="x")  # type: ignore[arg-type]


def test_a_bug_is_one_line_and_exit_1_and_its_traceback_is_shown_only_with_v(monkeypatch):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something inside broke\nsecond line")

    monkeypatch.setattr(khulasa, "summarize", broken)
    result = run_cli("summarize", str(BAD / "one-sentence.txt"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("khulasa: error: internal error (RuntimeError: something inside broke); this is a "
                             "bug, please report it with the output of -v\n")
    verbose = run_cli("-v", "summarize", str(BAD / "one-sentence.txt"))
    assert verbose.returncode == 1 and "Traceback" in verbose.stderr and "RuntimeError" in verbose.stderr


def test_a_one_word_article_is_one_clear_line_from_the_cli_even_while_the_bug_lasts(tmp_path):
    (tmp_path / "one-word.txt").write_text("افتتح", encoding="utf-8")
    result = run_cli("summarize", str(tmp_path / "one-word.txt"))
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1)
    if result.returncode == 1:
        assert result.stderr.count("\n") == 1 and "internal error (IndexError" in result.stderr


def test_stories_report_lists_every_input_with_its_fate(tmp_path):
    site = tmp_path / "site"
    result = run_cli("stories", str(BAD), "-f", "html", "-o", str(site), "-q")
    assert_clean_outcome(result, 0, "")
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    skipped = {Path(s["path"]).name: s["reason"] for s in report["skipped_inputs"]}
    assert skipped == {"binary-bytes.txt": "binary data", "empty.txt": "empty", "whitespace-only.txt": "empty",
                       "scripts-only.html": "no main text", "truncated.json": "invalid JSON"}
    read = {p.name for p in BAD.iterdir()} - set(skipped)
    assert report["articles"] == len(khulasa.load(sorted(str(BAD / name) for name in read)))


def test_stories_report_names_the_lines_it_dropped_inside_files(tmp_path):
    site = tmp_path / "site"
    run_cli("stories", str(BAD / "malformed-lines.jsonl"), "-f", "html", "-o", str(site), "-q")
    report = json.dumps(json.loads((site / "report.json").read_text(encoding="utf-8")), ensure_ascii=False)
    assert "line 3" in report and "line 9" in report
