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

from khulasa.stories import output as output_module
from khulasa.stories.engines import embedded as engine_module

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


def start_stuck_while_reading(corpus: Path, out: Path, n: int, marker: Path, monkeypatch: Any,
                              *extra: str) -> Any:
    """``khulasa stories CORPUS -o OUT [EXTRA]`` in a forked child that stops after reading ``n``
    articles; returns once it has (``marker`` says so)."""
    real = engine_module.iter_articles
    with monkeypatch.context() as patch:
        patch.setattr(engine_module, "iter_articles",
                      lambda paths, report=None: hang_after(n, marker)(real(paths, report=report)))
        child = start_cli("stories", str(corpus), "-o", str(out), *FAST, *extra)
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
    """Make the file system under ``under`` full (ENOSPC after ``budget`` bytes), read-only (EROFS) or
    closed to us (EACCES).

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

    refused = error in (errno.EROFS, errno.EACCES)  # at once; ENOSPC once the budget is spent

    def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        writing = any(c in mode for c in "wax+")
        if writing and inside(file) and refused:
            raise refuse(file)
        f = real_open(file, mode, *args, **kwargs)
        if writing and (inside(file) or (isinstance(file, int) and file in fds)):
            return _FullFile(f, left)
        return f

    def fake_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if writing and inside(path) and refused:
            raise refuse(path)
        fd = real_os_open(path, flags, *args, **kwargs)
        if writing and inside(path):
            fds.add(fd)
        return fd

    def fake_mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if inside(path) and refused:
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


# --- output safety: never replace or delete what we did not write ----------------------------------------


def test_html_over_a_directory_that_is_not_a_site_is_refused_and_left_intact(corpus, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.txt").write_text("years of work", encoding="utf-8")
    before = digest(mine)
    result = run_cli("stories", str(corpus), "-f", "html", "-o", str(mine), *FAST)
    assert result.returncode == 8, result.stderr
    assert result.stderr == (f"khulasa: error: refusing to write {mine}: it is not empty and is not a site "
                             "written by khulasa (no .khulasa-site in it) (give a new or empty directory: "
                             "khulasa replaces only its own sites)\n")
    assert digest(mine) == before
    assert listing(tmp_path) == ["mine", "mine/thesis.txt"]  # no state directory, no temporary left


def test_html_over_the_input_directory_is_refused_and_the_corpus_intact(corpus, tmp_path):
    news = tmp_path / "news"
    news.mkdir()
    shutil.copy(corpus, news / "feed.jsonl")
    before = digest(news)
    for target in (news, news / "site"):  # the input itself, or a site inside it
        result = run_cli("stories", str(news), "-f", "html", "-o", str(target), *FAST)
        assert result.returncode == 8, result.stderr
        assert "the input" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("stories", str(news), "-o", str(news / "out.jsonl"), *FAST)  # jsonl inside the input
    assert result.returncode == 8 and "it is inside the input" in result.stderr
    result = run_cli("stories", str(news / "feed.jsonl"), "-o", str(news / "feed.jsonl"), *FAST)
    assert result.returncode == 8 and "it is the input" in result.stderr
    assert digest(news) == before and listing(news) == ["feed.jsonl"]


def test_html_into_the_current_directory_is_refused_with_nothing_left_behind(corpus, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    for cwd_holds_input in (False, True):
        if cwd_holds_input:
            shutil.copy(corpus, work / "feed.jsonl")
        before = listing(tmp_path)
        source = "feed.jsonl" if cwd_holds_input else str(corpus)
        result = run_cli("stories", source, "-f", "html", "-o", ".", *FAST, cwd=work)
        assert result.returncode == 8, result.stderr
        assert "Traceback" not in result.stderr and "ValueError" not in result.stderr
        assert listing(tmp_path) == before  # no ..state, no .tmp directory


def test_a_state_directory_holding_other_files_is_refused_and_kept(corpus, tmp_path):
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "letter.txt").write_text("keep me", encoding="utf-8")
    result = run_cli("stories", str(corpus), "-o", str(tmp_path / "out.jsonl"), "--state-dir", str(documents),
                     *FAST)
    assert result.returncode == 8, result.stderr
    assert "not a khulasa run's state" in result.stderr
    assert listing(documents) == ["letter.txt"] and not (tmp_path / "out.jsonl").exists()


# --- atomic -o: write through devices, FIFOs and links; modes like any tool ----------------------------------


def make_null_device(path: Path) -> None:
    """A character device like /dev/null (1, 3), or skip where we may not make one."""
    import stat

    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")


@pytest.mark.parametrize("verb", ["summarize", "stories"])
def test_output_to_a_device_is_written_through_and_the_device_kept(corpus, tmp_path, verb):
    import stat

    null = tmp_path / "null"
    make_null_device(null)
    source = str(EXAMPLE_DIR) if verb == "summarize" else str(corpus)
    extra = () if verb == "summarize" else FAST
    result = run_cli(verb, source, "-o", str(null), *extra)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.lstat(null).st_mode) and os.stat(null).st_rdev == os.makedev(1, 3)
    assert listing(tmp_path) == ["null"]  # no temporary file, no state left


def test_output_to_a_fifo_is_written_through(corpus, uninterrupted, tmp_path):
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = run_cli("stories", str(corpus), "-o", str(fifo), *FAST)
    reader.join(30)
    assert result.returncode == 0, result.stderr
    assert b"".join(received).decode("utf-8") == uninterrupted["jsonl"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_through_a_symlink_replaces_the_target_and_keeps_the_link_and_mode(corpus, uninterrupted, tmp_path):
    target = tmp_path / "data" / "stories.jsonl"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "latest.jsonl"
    link.symlink_to(Path("data") / "stories.jsonl")
    result = run_cli("stories", str(corpus), "-o", str(link), *FAST)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(Path("data") / "stories.jsonl")
    assert target.read_text(encoding="utf-8") == uninterrupted["jsonl"]
    assert target.stat().st_mode & 0o777 == 0o640
    dangling = tmp_path / "next.jsonl"
    dangling.symlink_to(tmp_path / "data" / "new.jsonl")  # a dangling link: its target is created
    assert run_cli("stories", str(corpus), "-o", str(dangling), *FAST).returncode == 0
    assert dangling.is_symlink() and (tmp_path / "data" / "new.jsonl").read_text(encoding="utf-8") == \
        uninterrupted["jsonl"]


def test_new_outputs_honour_the_umask(corpus, tmp_path):
    old = os.umask(0o027)  # the forked runs inherit it
    try:
        children = [start_cli("summarize", str(EXAMPLE_DIR), "-o", str(tmp_path / "summary.txt")),
                    start_cli("stories", str(corpus), "-o", str(tmp_path / "out.jsonl"), *FAST),
                    start_cli("stories", str(corpus), "-f", "html", "-o", str(tmp_path / "site"), *FAST)]
    finally:
        os.umask(old)
    assert [c.wait().returncode for c in children] == [0, 0, 0]
    modes = {str(p.relative_to(tmp_path)): p.stat().st_mode & 0o777 for p in tmp_path.rglob("*")}
    dirs = {name: modes.pop(name) for name in [n for n in modes if (tmp_path / n).is_dir()]}
    assert set(dirs) == {"site", "site/stories", "site/days", "site/outlets", "site/assets"}
    assert set(dirs.values()) == {0o750}
    assert set(modes.values()) == {0o640}, modes  # not 0600 (mkstemp) nor 0700 (mkdtemp)


# --- one run at a time on a state directory ------------------------------------------------------------


def test_a_second_run_on_the_same_state_is_refused_while_the_first_holds_it(corpus, uninterrupted, tmp_path,
                                                                              monkeypatch):
    out = tmp_path / "out.jsonl"
    first = start_stuck_while_reading(corpus, out, 25, tmp_path / "holding", monkeypatch)
    state = Path(f"{out}.state")
    for extra in (("--resume",), ()):
        second = run_cli("stories", str(corpus), "-o", str(out), *extra, *FAST)
        assert second.returncode == 7, second.stderr
        assert second.stderr == (f"khulasa: error: another khulasa stories run (pid {first.pid}) is using {state} "
                                 "(wait for it to end, or give another -o or --state-dir)\n")  # no --resume hint
    first.kill()
    first.wait()
    # Killed: the kernel dropped its lock, so two resumes in a row are one resume and a refusal.
    resumed = run_cli("stories", str(corpus), "-o", str(out), "--resume", *FAST)
    assert resumed.returncode == 0, resumed.stderr
    records = out.read_text(encoding="utf-8")
    assert records == uninterrupted["jsonl"]
    ids = article_ids(records)
    assert len(ids) == len(set(ids))


def test_two_resumes_started_together_write_each_story_once(corpus, uninterrupted, tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    child = start_stuck_while_reading(corpus, out, 25, tmp_path / "killed-here", monkeypatch)
    child.kill()
    child.wait()
    runs = [start_cli("stories", str(corpus), "-o", str(out), "--resume", *FAST) for _ in range(2)]
    results = [r.wait() for r in runs]
    assert sorted(r.returncode for r in results) in ([0, 0], [0, 7]), [r.stderr for r in results]
    records = out.read_text(encoding="utf-8")
    assert records == uninterrupted["jsonl"]
    ids = article_ids(records)
    assert len(ids) == len(set(ids)) == len(corpus.read_text(encoding="utf-8").splitlines())


# --- workers die with the main process ---------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat_line = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat_line.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry))
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for whoever adopted it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def test_sigkill_of_the_main_process_ends_its_workers(tmp_path, monkeypatch):
    corpus = write_corpus(tmp_path / "corpus.jsonl", weeks=10)  # 150 articles: two feature tasks of 64
    child = start_stuck_while_reading(corpus, tmp_path / "out.jsonl", 140, tmp_path / "stuck", monkeypatch,
                                      "--workers", "2")
    workers = children_of(child.pid)
    for _ in range(200):  # the pool starts its processes with the first task
        if len(workers) >= 2:
            break
        time.sleep(0.05)
        workers = children_of(child.pid)
    assert len(workers) == 2, workers
    child.kill()
    child.wait()
    for _ in range(200):  # PR_SET_PDEATHSIG: at once; the fallback watchdog: within a second
        if not any(map(running, workers)):
            break
        time.sleep(0.05)
    alive = [pid for pid in workers if running(pid)]
    for pid in alive:
        os.kill(pid, 9)
    assert alive == []


# --- corrupt state, unwritable output -------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"{\"version\": 1, \"phase\": \"read", b"\xff\xfe garbage", b"[1, 2]"],
                         ids=["torn", "not-utf8", "not-a-state"])
def test_a_corrupt_state_is_exit_7_naming_the_file_and_how_to_start_over(corpus, tmp_path, content):
    out = tmp_path / "out.jsonl"
    state = Path(f"{out}.state")
    state.mkdir()
    (state / "state.json").write_bytes(content)
    result = run_cli("stories", str(corpus), "-o", str(out), "--resume", *FAST)
    assert result.returncode == 7, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"khulasa: error: the saved state {state / 'state.json'} is ")
    assert line.endswith(f"(delete {state} to start over)")


@pytest.mark.parametrize("fmt", ["jsonl", "html"])
def test_stories_into_a_directory_without_write_permission_is_exit_6(corpus, tmp_path, monkeypatch, fmt):
    out_dir = tmp_path / "locked"
    out_dir.mkdir()
    target = out_dir / ("site" if fmt == "html" else "out.jsonl")
    with monkeypatch.context() as patch:
        refuse_writes(patch, out_dir, errno.EACCES)  # we run as root: chmod would not stop us
        result = start_cli("stories", str(corpus), "-f", fmt, "-o", str(target), *FAST).wait()
    assert result.returncode == 6, result.stderr
    assert result.stderr == f"khulasa: error: cannot write {target}.state: Permission denied\n"
    assert listing(out_dir) == []


# --- --watch: bad files are skipped, SIGTERM/SIGINT close and publish ---------------------------------------


@pytest.mark.parametrize("signum", ["SIGTERM", "SIGINT"])
def test_watch_skips_bad_files_and_publishes_on_a_signal(corpus, tmp_path, signum):
    import signal

    watched, incoming = tmp_path / "in", tmp_path / "incoming"
    watched.mkdir()
    incoming.mkdir()
    good = corpus.read_text(encoding="utf-8").splitlines()
    (incoming / "a-binary.jsonl").write_bytes(bytes(range(256)) * 64)
    (incoming / "b-malformed.jsonl").write_text("\n".join(["{oops", good[0], '{"id": "x", "text": 7}', "[1]"]),
                                                encoding="utf-8")
    (incoming / "c-good.jsonl").write_text("\n".join(good[1:]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    child = start_cli("stories", "--watch", str(watched), "-o", str(out), "--no-timeline", "--no-actors")
    for name in sorted(os.listdir(incoming)):  # moved in, as writers should; read in name order
        os.replace(incoming / name, watched / name)
    spool = Path(f"{out}.state") / "articles.rec"
    # the good file comes last: once its last article is spooled (pickles hold ids as UTF-8), all three
    # were read (the malformed file spools a good line of its own first: a non-empty spool is too early)
    last = json.loads(good[-1])["id"].encode("utf-8")
    for _ in range(1200):
        if spool.exists() and last in spool.read_bytes():
            break
        time.sleep(0.05)
    assert spool.exists() and last in spool.read_bytes(), "the watcher never read the files"
    os.kill(child.pid, getattr(signal, signum))
    result = child.wait()
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    ids = article_ids(out.read_text(encoding="utf-8"))
    assert sorted(ids) == sorted(json.loads(line)["id"] for line in good)  # every good line, once
    report = result.stderr
    assert f"stopping on {signum}: closing and writing the open stories" in report
    assert "inputs skipped: 1" in report and "1 binary data" in report
    assert "issues inside inputs: 3" in report and "b-malformed.jsonl: line 1: invalid JSON" in report
    assert f"stopped by {signum}: the open stories were closed and written" in report
    assert not Path(f"{out}.state").exists()
