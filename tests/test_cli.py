"""The command line: output formats, budgets, errors as one line with the documented exit code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from khulasa.cli import VERBS, build_parser, main
from tests.conftest import EXAMPLE_DIR, ROOT


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_summarize_prints_one_sentence_per_line(capsys):
    code, out, _ = run(capsys, "summarize", str(EXAMPLE_DIR), "--words", "120")
    assert code == 0
    lines = out.rstrip("\n").split("\n")
    assert 2 <= len(lines) <= 8
    assert sum(len(line.split()) for line in lines) <= 120
    assert all(re.search("[\u0600-\u06ff]", line) for line in lines)


def test_summarize_json_matches_the_library(capsys):
    import khulasa
    from khulasa import render

    code, out, _ = run(capsys, "summarize", str(EXAMPLE_DIR), "--sentences", "4", "-f", "json")
    assert code == 0
    expected = render.to_json(khulasa.summarize(khulasa.load([str(EXAMPLE_DIR)]), sentences=4))
    assert out.rstrip("\n") == expected
    assert len(json.loads(out)["sentences"]) == 4


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "html"])
def test_output_file_is_written_atomically_in_every_format(capsys, tmp_path, fmt):
    target = tmp_path / f"summary.{fmt}"
    code, out, _ = run(capsys, "summarize", str(EXAMPLE_DIR), "-f", fmt, "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temp file left behind


def test_stdin_is_read_with_a_dash(capsys, monkeypatch):
    import io

    text = (EXAMPLE_DIR / "001_fcede7f96388c4fa.txt").read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8"))
    code, out, _ = run(capsys, "summarize", "-", "--sentences", "2")
    assert code == 0
    assert all(line in text for line in out.rstrip("\n").split("\n"))


@pytest.mark.parametrize(
    ("make_input", "exit_code", "message"),
    [
        (lambda d: str(d / "missing.txt"), 4, "no such file"),
        (lambda d: str(d), 3, "no articles"),
        (lambda d: _write(d / "en.txt", b"English text only. Nothing to see."), 5, "no Arabic text"),
        (lambda d: _write(d / "bin.txt", b"\x00\x01\x02\xff\x00binary\x00"), 4, "bin.txt"),
    ],
)
def test_errors_are_one_line_with_a_documented_exit_code(capsys, tmp_path, make_input, exit_code, message):
    code, out, err = run(capsys, "summarize", make_input(tmp_path))
    assert code == exit_code
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("khulasa: error:") and message in err


def test_unwritable_output_is_exit_6(capsys, tmp_path):
    code, _, err = run(capsys, "summarize", str(EXAMPLE_DIR), "-o", str(tmp_path / "no" / "dir" / "x.txt"))
    assert code == 6 and "cannot write" in err


@pytest.mark.parametrize(
    "argv", [["--words", "0"], ["--words", "5", "--sentences", "2"], ["--format", "pdf"]]
)
def test_bad_options_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        code = main(["summarize", str(EXAMPLE_DIR), *argv])
        raise SystemExit(code)
    assert exc.value.code == 2


def test_every_command_has_help_and_is_in_the_readme(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    for verb in VERBS:
        with pytest.raises(SystemExit) as exc:
            parser.parse_args([verb, "--help"])
        assert exc.value.code == 0
        assert capsys.readouterr().out.startswith("usage: khulasa " + verb)
        assert f"khulasa {verb}" in readme


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)
