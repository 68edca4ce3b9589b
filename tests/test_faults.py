"""Faults in long runs: a ``khulasa stories`` run killed at any point resumes to the uninterrupted result;
a read-only or full output directory is a clean error (exit 6) that leaves the inputs untouched and no
partial file behind.

``tests/test_stories_engine.py`` already kills a run with SIGKILL while it writes stories and checks the
JSONL after ``--resume``; here the kill lands while the articles are being read (before anything is
synced) and just before the HTML site is published, and the check is that no story and no article is
duplicated or missing.  Kill points are made deterministic by a patched stage that signals and then
waits to be killed (the runs are forked children, so they inherit the patch).  Full and read-only disks
are simulated by refusing writes under one directory (we run as root: chmod would not stop us); a real
tmpfs is used too when this machine lets us mount one in a private namespace.
"""

from __future__ import annotations

import builtins
import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_DIR, ROOT
from test_bad_input import run_cli, start_cli
from test_stories_engine import write_corpus

from khulasa.stories import engine as engine_module
from khulasa.stories import output as output_module

FAST = ("--no-timeline", "--no-actors", "-q")


def digest(path: Path) -> str:
    """A hash of every file under ``path`` (names and bytes): "the inputs are untouched"."""
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if p.is_file():
            h.update(str(p.relative_to(path.parent)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def listing(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "corpus.jsonl", weeks=4)


@pytest.fixture(scope="module")
def uninterrupted(corpus, tmp_path_factory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("full")
    for args in (("-o", str(out / "out.jsonl")), ("-f", "html", "-o", str(out / "site"))):
        result = run_cli("stories", str(corpus), *args, *FAST)
        assert result.returncode == 0, result.stderr
    return {"jsonl": (out / "out.jsonl").read_text(encoding="utf-8"), "site": out / "site"}


def article_ids(jsonl: str) -> list[str]:
    return [a["id"] for line in jsonl.splitlines() for a in json.loads(line)["articles"]]


def wait_for(marker: Path, child: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert time.monotonic() < deadline, "the run never reached the kill point"
        time.sleep(0.005)


def hang_after(n: int, marker: Path) -> Callable[[Any], Any]:
    """Wrap an iterator of articles: after ``n`` of them, say so through ``marker`` and wait to be killed."""

    def wrap(articles: Any) -> Any:
        for i, article in enumerate(articles):
            if i == n:
                marker.touch()
                time.sleep(600)
            yield article

    return wrap


def start_stuck_while_reading(corpus: Path, out: Path, n: int, marker: Path, monkeypatch: Any) -> Any:
    """``khulasa stories CORPUS -o OUT`` in a forked child that stops after reading ``n`` articles;
    returns once it has (``marker`` says so)."""
    real = engine_module.iter_articles
    with monkeypatch.context() as patch:
        patch.setattr(engine_module, "iter_articles",
                      lambda paths, report=None: hang_after(n, marker)(real(paths, report=report)))
        child = start_cli("stories", str(corpus), "-o", str(out), *FAST)
    wait_for(marker, child)
    return child


# --- SIGKILL, then --resume ---------------------------------------------------------------------------


def test_sigkill_while_reading_then_resume_gives_the_uninterrupted_records(
        corpus, uninterrupted, tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    child = start_stuck_while_reading(corpus, out, 25, tmp_path / "killed-here", monkeypatch)
    child.kill()
    assert child.wait().returncode == -9
    state = Path(f"{out}.state")
    assert not out.exists() and json.loads((state / "state.json").read_text())["phase"] == "reading"
    resumed = run_cli("stories", str(corpus), "-o", str(out), "--resume", "--no-timeline", "--no-actors")
    assert resumed.returncode == 0, resumed.stderr
    assert "resumed" in resumed.stderr
    records = out.read_text(encoding="utf-8")
    assert records == uninterrupted["jsonl"]
    ids = article_ids(records)
    assert len(ids) == len(set(ids)) == len(corpus.read_text(encoding="utf-8").splitlines())
    assert not state.exists()


def test_ctrl_c_while_reading_is_exit_130_with_one_line_and_resumes(corpus, uninterrupted, tmp_path, monkeypatch):
    import signal

    out = tmp_path / "out.jsonl"
    child = start_stuck_while_reading(corpus, out, 40, tmp_path / "interrupted-here", monkeypatch)
    os.kill(child.pid, signal.SIGINT)
    interrupted = child.wait()
    assert interrupted.returncode == 130
    assert interrupted.stderr == "khulasa: interrupted\n"
    resumed = run_cli("stories", str(corpus), "-o", str(out), "--resume", *FAST)
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_text(encoding="utf-8") == uninterrupted["jsonl"]


def test_sigkill_just_before_the_site_is_published_then_resume_gives_the_same_site(
        corpus, uninterrupted, tmp_path, monkeypatch):
    site = tmp_path / "site"
    marker = tmp_path / "killed-here"

    def publish_then_hang(*args: Any, **kwargs: Any) -> None:
        marker.touch()
        time.sleep(600)

    with monkeypatch.context() as patch:
        patch.setattr(output_module, "publish_html", publish_then_hang)
        child = start_cli("stories", str(corpus), "-f", "html", "-o", str(site), *FAST)
        wait_for(marker, child)
        child.kill()
        child.wait()
    assert not site.exists()
    resumed = run_cli("stories", str(corpus), "-f", "html", "-o", str(site), "--resume", *FAST)
    assert resumed.returncode == 0, resumed.stderr
    expected = uninterrupted["site"]
    assert listing(site) == listing(expected)
    for page in [*site.glob("*.html"), *site.glob("stories/*.html")]:
        assert page.read_bytes() == (expected / page.relative_to(site)).read_bytes(), page
    assert not Path(f"{site}.state").exists()  # the state is gone once the site is published


# --- full and read-only disks ---------------------------------------------------------------------------


class _FullFile:
    """A file on a full disk: writes fail with ENOSPC once ``budget`` bytes are used up."""

    def __init__(self, f: Any, budget: list[int]) -> None:
        self._f = f
        self._budget = budget

    def write(self, data: Any) -> int:
        if len(data) > self._budget[0]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._budget[0] -= len(data)
        return int(self._f.write(data))

    def __enter__(self) -> _FullFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._f.close()

    def __iter__(self) -> Any:
        return iter(self._f)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._f, name)


def refuse_writes(monkeypatch: pytest.MonkeyPatch, under: Path, error: int, budget: int = 0) -> None:
    """Make the file system under ``under`` full (ENOSPC after ``budget`` bytes) or read-only (EROFS).

    Covers every way Khulasa writes: ``open``/``io.open`` (``Path.write_text``, ``os.fdopen``),
    ``os.open`` (``tempfile.mkstemp``) and ``os.mkdir`` (``Path.mkdir``, ``tempfile.mkdtemp``).
    """
    root = str(under)
    left = [budget]
    fds: set[int] = set()
    real_open, real_os_open, real_mkdir = builtins.open, os.open, os.mkdir

    def inside(path: Any) -> bool:
        return isinstance(path, str | os.PathLike) and os.path.abspath(os.fspath(path)).startswith(root)

    def refuse(path: Any) -> OSError:
        return OSError(error, os.strerror(error), os.fspath(path))

    def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        writing = any(c in mode for c in "wax+")
        if writing and inside(file) and error == errno.EROFS:
            raise refuse(file)
        f = real_open(file, mode, *args, **kwargs)
        if writing and (inside(file) or (isinstance(file, int) and file in fds)):
            return _FullFile(f, left)
        return f

    def fake_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if writing and inside(path) and error == errno.EROFS:
            raise refuse(path)
        fd = real_os_open(path, flags, *args, **kwargs)
        if writing and inside(path):
            fds.add(fd)
        return fd

    def fake_mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if inside(path) and error == errno.EROFS:
            raise refuse(path)
        real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(os, "open", fake_os_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS], ids=["full", "read-only"])
@pytest.mark.parametrize("fmt", ["text", "html"])
def test_summarize_into_a_full_or_read_only_directory_is_exit_6_with_nothing_left(
        tmp_path, monkeypatch, error, fmt):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "keep.txt").write_text("already here", encoding="utf-8")
    before = digest(EXAMPLE_DIR)
    with monkeypatch.context() as patch:
        refuse_writes(patch, out_dir, error)
        result = start_cli("summarize", str(EXAMPLE_DIR), "-f", fmt, "-o", str(out_dir / "summary")).wait()
    assert result.returncode == 6, result.stderr
    assert result.stderr.splitlines() == [f"khulasa: error: cannot write {out_dir / 'summary'}: "
                                          f"{os.strerror(error)}"]
    assert listing(out_dir) == ["keep.txt"]  # no summary, no temporary file
    assert digest(EXAMPLE_DIR) == before


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS], ids=["full", "read-only"])
@pytest.mark.parametrize("fmt", ["jsonl", "html"])
def test_stories_into_a_full_or_read_only_directory_is_exit_6_and_resumable(
        corpus, uninterrupted, tmp_path, monkeypatch, error, fmt):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / ("site" if fmt == "html" else "out.jsonl")
    state = tmp_path / "state"  # on a healthy disk: the run itself succeeds, publishing fails
    before = digest(corpus)
    with monkeypatch.context() as patch:
        refuse_writes(patch, out_dir, error)
        result = start_cli("stories", str(corpus), "-f", fmt, "-o", str(target), "--state-dir", str(state),
                           *FAST).wait()
    assert result.returncode == 6, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("khulasa: error: cannot write ") and os.strerror(error) in result.stderr
    assert listing(out_dir) == []
    assert digest(corpus) == before
    # The disk is fixed: the kept state publishes the same result without redoing the work.
    resumed = run_cli("stories", str(corpus), "-f", fmt, "-o", str(target), "--state-dir", str(state),
                      "--resume", *FAST)
    assert resumed.returncode == 0, resumed.stderr
    if fmt == "jsonl":
        assert target.read_text(encoding="utf-8") == uninterrupted["jsonl"]
    else:
        assert listing(target) == listing(uninterrupted["site"])


def test_a_disk_that_fills_up_while_the_run_writes_its_state_is_exit_6_then_resumes(
        corpus, uninterrupted, tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    state = Path(f"{out}.state")
    with monkeypatch.context() as patch:
        refuse_writes(patch, state, errno.ENOSPC, budget=60_000)  # runs out midway through the spool
        result = start_cli("stories", str(corpus), "-o", str(out), *FAST).wait()
    assert result.returncode == 6, result.stderr
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() and state.exists()
    resumed = run_cli("stories", str(corpus), "-o", str(out), "--resume", *FAST)
    assert resumed.returncode == 0, resumed.stderr
    assert out.read_text(encoding="utf-8") == uninterrupted["jsonl"]


def test_a_real_full_and_read_only_tmpfs(corpus, tmp_path):
    """The same on a real 16 KiB tmpfs, mounted in a private mount namespace (gone when the shell exits)."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) to mount a private tmpfs")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    script = f"""
        mount -t tmpfs -o size=16k tmpfs {mnt} || exit 97
        python -m khulasa summarize {EXAMPLE_DIR} -f html -o {mnt}/summary.html; echo "full=$?"
        mount -o remount,ro {mnt}
        python -m khulasa stories {corpus} -o {mnt}/out.jsonl {" ".join(FAST)}; echo "ro=$?"
        ls -A {mnt}
    """
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT)
    if result.returncode == 97 or "unshare failed" in result.stderr or "Operation not permitted" in result.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()[:200]}")
    assert result.stdout.split() == ["full=6", "ro=6"], (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "No space left on device" in result.stderr and "Read-only file system" in result.stderr
