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
from khulasa import ingest
from khulasa.errors import InvalidOptionsError, UnreadableFileError
from khulasa.ingest import IngestReport
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
        "does-not-exist.txt": (3, "no such file or directory"),
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
    real_read = ingest._read_file

    def read(path: str) -> bytes:  # root ignores chmod 000, so the refusal is simulated
        if path == str(locked):
            raise PermissionError(13, "Permission denied", path)
        return real_read(path)

    monkeypatch.setattr(ingest, "_read_file", read)
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
    assert {a.id for a in articles if a.path and a.path.endswith(".jsonl")} == {"good-1", "bad-date", "good-2"}
    with pytest.raises(UnreadableFileError, match="Permission denied"):
        khulasa.load([locked])


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
