"""Streams: ``khulasa stories -`` writes stories as they close while the input still arrives, in flat
memory; JSONL is read a line at a time (files without a size limit, stdin without an end)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

from khulasa import ingest
from khulasa.errors import UnreadableFileError
from khulasa.ingest import IngestReport, iter_articles, source
from khulasa.ingest import decode as ingest_decode
from khulasa.ingest.formats.json import parse_jsonl
from khulasa.stories import StoryOptions
from khulasa.stories.engines.watch import stream_inputs
from khulasa.stories.trees import TreeOptions
from khulasa.stories.workdir import STORIES_FILE

DATA = Path(__file__).parent / "data" / "stories"
STREAM = DATA / "stream.jsonl"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
FAST = StoryOptions(timeline=False, key_terms=False)


TREES_DAYS = TreeOptions().story_window_days + 150
"""A feed's rounds this far apart close the trees' stories: they stay linkable for ``story_window_days``
after their last report, and the fixture spans March to June (a round's June report would otherwise
link the next round's March one, and such a story never closes)."""


def endless_feed(days: int = 21) -> Iterator[bytes]:
    """The fixture's 15 articles again and again, ``days`` later each time (new ids): a feed that never
    ends, whose stories keep closing (three weeks close the flat clusterer's stories; the trees' stories
    stay linkable for ``TreeOptions.story_window_days``, so their feed comes back later than that)."""
    records = [json.loads(line) for line in STREAM.read_text(encoding="utf-8").splitlines()]
    for k in itertools.count():
        for r in records:
            date = dt.date.fromisoformat(r["date"]) + dt.timedelta(days=days * k)
            yield (json.dumps({**r, "id": f"{r['id']}-w{k}", "date": date.isoformat()}, ensure_ascii=False)
                   + "\n").encode("utf-8")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.parametrize(("clusterer", "days"), [("trees", TREES_DAYS), ("flat", 21)])
def test_stdin_that_never_ends_gives_stories_as_they_close_in_flat_memory(clusterer, days):
    proc = subprocess.Popen(
        [sys.executable, "-m", "khulasa", "stories", "-", "--workers", "1", "--no-timeline", "--no-actors",
         "--clusterer", clusterer],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=ROOT,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    limit = 20_000  # a safety bound: a run that waits for the end of its input has failed by then
    written = 0
    closed = threading.Event()

    def write() -> None:
        nonlocal written
        try:
            for line in itertools.islice(endless_feed(days), limit):
                proc.stdin.write(line)
                written += 1
        except (BrokenPipeError, ValueError):
            return
        closed.set()
        proc.stdin.close()

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    stories: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: [stories.put(line) for line in proc.stdout], daemon=True).start()
    try:
        first = stories.get(timeout=300)
        assert not closed.is_set() and written < limit, "no story before the end of the input"
        assert json.loads(first)["story_id"].startswith("s-")
        samples = {}
        for n in itertools.count(2):
            json.loads(stories.get(timeout=300))
            if n in (500, 3000):
                samples[n] = (written, rss_kib(proc.pid))
            if n == 3000:
                break
        assert not closed.is_set()  # the writer is still writing
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=300) == 0
        err = proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()
    (articles_0, rss_0), (articles_1, rss_1) = samples[500], samples[3000]
    assert articles_1 - articles_0 > 5000
    assert rss_1 - rss_0 < 8 * 1024, samples  # KiB: flat, whatever the input size
    assert b"stopped by SIGTERM: the open stories were closed and written" in err


def set_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def feed(n: int, days: int = TREES_DAYS) -> bytes:
    return b"".join(itertools.islice(endless_feed(days), n))


def test_stdin_stream_is_the_same_for_any_number_of_workers(tmp_path, monkeypatch):
    data = feed(300)
    outputs = []
    for workers in (1, 2):
        set_stdin(monkeypatch, data)
        report = stream_inputs(["-"], StoryOptions(), tmp_path / f"w{workers}", workers=workers, batch=100)
        outputs.append(lines(tmp_path / f"w{workers}" / STORIES_FILE))
        assert report.articles == 300
    assert outputs[0] == outputs[1] and len(outputs[0]) > 50


def test_stdin_in_one_batch_gives_the_batch_engines_records(tmp_path, monkeypatch):
    from khulasa.stories import StoryRun

    data = feed(150)
    (tmp_path / "feed.jsonl").write_bytes(data)
    StoryRun([str(tmp_path / "feed.jsonl")], FAST, tmp_path / "batch").run()
    set_stdin(monkeypatch, data)
    stream_inputs(["-"], FAST, tmp_path / "stream", batch=1000)
    assert lines(tmp_path / "stream" / STORIES_FILE) == lines(tmp_path / "batch" / STORIES_FILE)


def test_the_spool_of_a_stream_is_compacted_without_changing_the_records(tmp_path, monkeypatch):
    from khulasa.stories.engines import watch as stream_module

    data = feed(600)
    set_stdin(monkeypatch, data)
    stream_inputs(["-"], FAST, tmp_path / "plain", batch=50)
    monkeypatch.setattr(stream_module, "COMPACT_BYTES", 20_000)
    set_stdin(monkeypatch, data)
    stream_inputs(["-"], FAST, tmp_path / "compacted", batch=50)
    assert lines(tmp_path / "compacted" / STORIES_FILE) == lines(tmp_path / "plain" / STORIES_FILE)
    plain, compacted = ((tmp_path / d / "articles.rec").stat().st_size for d in ("plain", "compacted"))
    assert compacted < plain / 4


def test_resume_of_a_stream_is_a_usage_error(capsys, tmp_path):
    from khulasa.cli import main

    assert main(["stories", "-", "-o", str(tmp_path / "out.jsonl"), "--resume"]) == 2
    assert "cannot be resumed" in capsys.readouterr().err


# --- JSONL read a line at a time ------------------------------------------------------------------


def test_a_jsonl_file_has_no_size_limit_but_other_formats_do(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest_decode, "MAX_FILE_BYTES", 2_000)
    data = feed(30)
    assert len(data) > 10 * 2_000
    (tmp_path / "big.jsonl").write_bytes(data)
    assert len(list(iter_articles([tmp_path / "big.jsonl"]))) == 30
    set_stdin(monkeypatch, data)
    assert len(list(iter_articles(["-"]))) == 30
    (tmp_path / "big.json").write_bytes(b"[" + data.replace(b"}\n", b"},")[:-1] + b"]")
    with pytest.raises(UnreadableFileError, match="larger than"):
        list(iter_articles([tmp_path / "big.json"]))
    set_stdin(monkeypatch, b"[" + data.replace(b"}\n", b"},")[:-1] + b"]")
    with pytest.raises(UnreadableFileError, match="only JSONL"):
        list(iter_articles(["-"]))


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1256"])
def test_streamed_jsonl_reads_like_the_whole_file_whatever_the_block_boundaries(
        tmp_path, monkeypatch, newline, encoding):
    good = [json.loads(line) for line in STREAM.read_text(encoding="utf-8").splitlines()[:4]]
    rows = [json.dumps(good[0], ensure_ascii=False), "{broken", "", json.dumps(good[1], ensure_ascii=False),
            '{"title": "no text"}', json.dumps({**good[2], "id": good[1]["id"]}, ensure_ascii=False),
            json.dumps({**good[3], "id": None}, ensure_ascii=False)]
    data = newline.join(rows).encode(encoding)
    path = tmp_path / "feed.jsonl"
    path.write_bytes(data)
    # what the whole-file reader (read_bytes_as_text + the JSONL parser) gives
    text, _ = ingest.read_bytes_as_text(data, name=str(path))
    whole_issues: list[str] = []
    item = source.Item(str(path), "feed.jsonl", True, {})
    expected = [a.id for a in parse_jsonl(text, item, whole_issues)]
    for block in (1, 2, 3, 7, 1 << 16):
        monkeypatch.setattr(ingest_decode, "STREAM_BLOCK", block)
        monkeypatch.setattr(ingest_decode, "PROBE_BYTES", max(block, 5))
        report = IngestReport()
        articles = list(iter_articles([path], report=report))
        assert [a.id for a in articles][:2] == expected[:2] and len(articles) == 4, block
        assert articles[2].id == f"{good[1]['id']}#2" and articles[3].id == "feed-6"
        [record] = report.read
        assert record.issues[:2] == whole_issues[:2] and record.format == "jsonl", block
        assert record.encoding == ("utf-16-le" if encoding == "utf-16" else encoding)


def test_a_bad_line_in_a_jsonl_stream_costs_only_that_line(tmp_path, monkeypatch):
    good = STREAM.read_text(encoding="utf-8").splitlines()
    too_long = json.dumps({"id": "long", "text": "كلمة " * 3000}, ensure_ascii=False)
    data = b"\n".join([good[0].encode(), b'{"id": "latin1", "text": "caf\xe9"}', too_long.encode(),
                       good[1].encode()]) + b"\n"
    monkeypatch.setattr(ingest_decode, "MAX_LINE_BYTES", 10_000)
    report = IngestReport()
    (tmp_path / "feed.jsonl").write_bytes(data)
    articles = list(iter_articles([tmp_path / "feed.jsonl"], report=report))
    assert [a.id for a in articles] == [json.loads(good[0])["id"], json.loads(good[1])["id"]]
    assert report.read[0].issues == ["line 2: longer than 0 MiB or not utf-8, skipped",
                                     "line 3: longer than 0 MiB or not utf-8, skipped"]


def test_seen_set_spills_to_disk_and_stays_a_set():
    from khulasa.seen import SeenSet

    seen = SeenSet(in_memory=3)
    for item in ["a", "b", "c", "d", "e", "d"]:
        seen.add(item)
    assert all(x in seen for x in "abcde") and "f" not in seen
    seen.close()


def test_document_frequencies_forget_the_rarest_terms_above_the_limit():
    from khulasa.stories.cluster import DocumentFrequencies

    df = DocumentFrequencies()
    for terms in (["a", "b", "c", "d"], ["a", "b", "e"], ["a", "f"], ["a", "b"]):
        df.add(terms)
    df.prune(10)
    assert len(df.df) == 6
    df.prune(4)  # forget df 1 (c, d, e, f): 2 terms left, at most half of the limit
    assert dict(df.df) == {"a": 4, "b": 3} and df.n == 4


def test_stdin_whose_first_line_is_longer_than_the_probe_is_still_streamed(monkeypatch):
    monkeypatch.setattr(ingest_decode, "PROBE_BYTES", 64)
    monkeypatch.setattr(ingest_decode, "STREAM_BLOCK", 16)
    monkeypatch.setattr(ingest_decode, "MAX_FILE_BYTES", 2_000)  # what a document read whole may not exceed
    data = feed(30)
    assert data.index(b"\n") > 64 and len(data) > 2_000
    set_stdin(monkeypatch, data)
    assert len(list(iter_articles(["-"]))) == 30


def test_a_late_article_in_a_stream_does_not_join_a_story_months_away(tmp_path):
    """The flat clusterer's time window, out of date order (a stream may be): a March article arriving
    after June's must not join a June story, and the story it starts closes once the clock is past it,
    not at the end of the stream.  (The trees link a story's events over months and take a copy of the
    same text as a copy whatever its date: their late articles, tests/test_story_trees.py and
    tests/test_story_tree_engines.py.)"""
    clusterer, gap, filler_days = "flat", 90, 0
    from khulasa.models import Article
    from khulasa.stories.engines.watch import StoryStream

    records = [json.loads(line) for line in STREAM.read_text(encoding="utf-8").splitlines()]
    june = [Article(id=r["id"], text=r["text"], title=r.get("title"), source=r.get("source"),
                    date=dt.date.fromisoformat(r["date"]) + dt.timedelta(days=90)) for r in records]
    late = [Article(id=f"late-{a.id}", text=a.text, title=a.title, source=a.source,
                    date=a.date - dt.timedelta(days=gap)) for a in june]
    written: list[str] = []
    stream = StoryStream(dataclasses.replace(FAST, clusterer=clusterer), tmp_path, on_story=written.append)
    stream.add_batch(june)
    stream.add_batch(late)
    after_late = len(written)
    filler = [Article(id=f"f{i}", text="خبر قصير عن الطقس في المدينة اليوم.",
                      date=max(a.date for a in june) + dt.timedelta(days=filler_days)) for i in range(300)]  # arrivals: the clock check runs every 256 of them
    stream.add_batch(filler)
    assert len(written) > after_late  # the late stories closed before the end of the stream
    stream.finish()
    for r in map(json.loads, written):
        ids = [a["id"] for a in r["articles"]]
        assert all(i.startswith("late-") for i in ids) or not any(i.startswith("late-") for i in ids), ids
