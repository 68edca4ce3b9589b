"""Update runs: new articles added to the stories of earlier runs (``khulasa stories NEW... --update DIR``).

``DIR`` keeps, in one JSON file written atomically (``UPDATE_FILE``), what a later run needs to go on
with the story trees (``khulasa.stories.trees``):

- ``trees``: the ``TreeClusterer`` state (``TreeClusterer.state``), taken before the open stories are
  closed for the records, so the next run continues them;
- ``articles``: the articles of the stories still open (their text: the next run summarizes those
  stories again, whole), with their arrival numbers;
- ``summaries``: per open story, the sentences of the summaries it was given so far (its story, event
  and update summaries), which a later update summary never repeats;
- ``next_seq``: the arrival number of the next article, and ``options``: the run's clustering options;
- ``files``: the files of a followed directory added so far (a restarted ``--watch`` skips them).

A first run with ``--update DIR`` (``DIR`` empty or missing) starts the trees afresh and saves them.
A later run loads them, adds its articles in clustering order, and writes a record for every story
that got a new article: its whole record (events, summary, timeline, as any run), plus ``new_events``
(the events whose first article is new) and ``update_summary``: what the new articles add for a reader
of the earlier ones (the TAC 2008 update task, ``story.Earlier``): no sentence that is a unit of an
earlier article or of an earlier summary.  Story and event ids are the trees' (hashes of a first
article's id), so they are kept across runs.  Stories that got nothing new are not written again.

``Updates`` is that logic, one batch at a time, for every engine and mode: ``run_update`` is one batch
of it; ``UpdateStream`` makes every new file of ``--watch DIR --update STATE`` one batch, saving
``UPDATE_FILE`` (with the files added) after each, in the embedded watch and on the Spark driver (whose
executors summarize through ``summarize_here``).  Update runs are sequential: the clustering and the
state are in this process.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from khulasa.atomic import write_atomically
from khulasa.errors import InvalidOptionsError, StoryRunError
from khulasa.ingest import IngestReport, iter_articles
from khulasa.models import Article
from khulasa.stories.cluster import Assignment
from khulasa.stories.features import extract, with_effective_dates
from khulasa.stories.options import StoryOptions
from khulasa.stories.run import Inputs, NoProgress, Progress, RunOutput, RunReport, RunState, record_line
from khulasa.stories.story import Earlier, make_story
from khulasa.stories.tree_clusterer import TreeStories
from khulasa.stories.workdir import state_lock

UPDATE_FILE = "trees.json"
UPDATE_VERSION = 1
CLUSTERER = "trees"


def run_update(inputs: Inputs, options: StoryOptions, output: RunOutput, update_dir: Path,
               progress: Progress | None = None) -> RunReport:
    """Add ``inputs`` to the stories saved in ``update_dir`` (or start them there) and write the records
    of the stories that changed to ``output.workdir``'s ``stories.jsonl``; save the trees again."""
    if inputs.watch is not None:
        raise InvalidOptionsError("watch", inputs.watch, "an update run reads files; --watch is a stream",
                                  hint="run --watch DIR --update STATE on an engine")
    check_update_options(options)
    progress = progress or NoProgress()
    update_dir = Path(update_dir)
    with state_lock(update_dir):
        stream = UpdateStream(options, output.workdir, update_dir, on_story=output.on_story, engine="update",
                              inputs=inputs.paths, phase="running")
        progress.phase("reading", None)
        ingest = IngestReport()
        articles = list(iter_articles(list(inputs.paths), report=ingest))
        progress.advance(len(articles))
        stream.add_batch(articles, progress=progress)
        return stream.finish(ingest)


def load(update_dir: Path, options: StoryOptions) -> dict[str, Any] | None:
    """The saved trees of ``update_dir``, or None when there are none yet; ``StoryRunError`` (exit 7)
    when the file is unreadable, of another version, or was made with other options."""
    path = update_dir / UPDATE_FILE
    if not path.exists():
        return None
    try:
        with open(path, encoding="utf-8") as f:
            saved = json.load(f)
    except (OSError, ValueError) as exc:
        raise StoryRunError(f"the saved stories {path} are unreadable ({exc})",
                            hint="give another --update directory to start over") from exc
    if not isinstance(saved, dict) or saved.get("version") != UPDATE_VERSION:
        raise StoryRunError(f"{path} is not a saved khulasa story-trees run of version {UPDATE_VERSION}",
                            hint="give another --update directory to start over")
    if saved.get("options") != _clustering(options):
        raise StoryRunError(f"the stories saved in {update_dir} were made with other options",
                            hint="give the same clustering options, or another --update directory")
    return saved


def check_update_options(options: StoryOptions) -> None:
    """``InvalidOptionsError`` (exit 2) unless ``options`` can continue story trees."""
    if options.clusterer != CLUSTERER:
        raise InvalidOptionsError("clusterer", options.clusterer, "an update run continues story trees",
                                  hint="leave out --clusterer (trees is the default) with --update")
    if options.since is not None:
        raise InvalidOptionsError("since", options.since, "give --update DIR or --since DATE, not both")


def _clustering(options: StoryOptions) -> dict[str, Any]:
    """The options a continued run must share with the earlier ones (how articles are grouped)."""
    return {"clusterer": options.clusterer, "duplicate_threshold": options.duplicate_threshold}


ToUpdate = list[tuple[Assignment, list[Article], Earlier]]
Summarize = Callable[[ToUpdate], list[str]]
"""Changed stories (with their articles and what their reader has read) -> their JSONL lines, in order
(``summarize_here`` in this process; the Spark engine runs ``story_line`` on executors)."""


def summarize_here(stories: ToUpdate, options: StoryOptions) -> list[str]:
    return [record_line(make_story(a, arts, options, earlier).to_dict()) for a, arts, earlier in stories]


class Updates:
    """Story trees continued batch after batch: THE update logic of every engine and mode.

    ``add`` is one update run: its articles join the trees of the earlier ones, and it returns the
    lines of the stories that got a new article (with ``new_events`` and ``update_summary``); ``saved``
    is then what ``UPDATE_FILE`` holds.  A sequence of ``add`` calls gives the same records as the same
    sequence of ``--update`` runs.
    """

    def __init__(self, options: StoryOptions, saved: Mapping[str, Any] | None) -> None:
        check_update_options(options)
        self.options = options
        self.files: list[str] = []
        """Files of a followed directory already added (a restarted ``--watch`` skips them)."""
        if saved is None:
            self.trees: dict[str, Any] | None = None
            self.next_seq = 0
            self.articles: dict[int, Article] = {}
            self.summaries: dict[str, list[str]] = {}
            self._open: dict[str, Assignment] = {}
            return
        try:
            self.trees = dict(saved["trees"])
            self.next_seq = int(saved["next_seq"])
            self.articles = {int(a["seq"]): _article(a) for a in saved["articles"]}
            self.summaries = {str(k): [str(t) for t in v] for k, v in saved["summaries"].items()}
            self.files = [str(f) for f in saved.get("files", ())]
            TreeStories.from_state(options, self.trees)
        except (KeyError, TypeError, ValueError) as exc:
            raise StoryRunError(f"the saved stories are damaged ({type(exc).__name__}: {exc})",
                                hint="give another --update directory to start over") from exc
        self._open = {}

    def add(self, articles: Sequence[Article], summarize: Summarize, count: Callable[[Assignment], None],
            progress: Progress | None = None) -> list[str]:
        """Add one batch; return the lines of the stories it changed.  ``count`` gets every story closed
        for good and ``open_stories`` the ones still open (each story is counted once per stream)."""
        progress = progress or NoProgress()
        options = self.options
        clusterer = TreeStories(options) if self.trees is None else TreeStories.from_state(options, self.trees)
        base = self.next_seq
        dated = list(with_effective_dates(articles))
        new = {base + seq: article for seq, article, _ in dated}
        features = [extract(article, base + seq, date, signals=True) for seq, article, date in dated]
        progress.phase("clustering", len(features))
        closed: list[Assignment] = []
        for f in sorted(features, key=lambda f: f.order_key):
            closed += clusterer.add(f)
            progress.advance()
        open_trees = clusterer.trees.open_trees()
        trees = clusterer.state()  # kept only once the batch's records are made (a failure changes nothing)
        closed += clusterer.finish()
        still_open = {t.story_id for t in open_trees}
        every = {**self.articles, **new}
        todo: ToUpdate = []
        self._open = {}
        for assignment in closed:
            if assignment.story_id in still_open:
                self._open[assignment.story_id] = assignment
            else:
                count(assignment)
            if not any(m.seq >= base for m in assignment.members) or len(assignment.members) < options.min_size:
                continue
            members = [every[m.seq] for m in assignment.members]
            read = frozenset(a.id for m, a in zip(assignment.members, members, strict=True) if m.seq < base)
            todo.append((assignment, members, Earlier(read, tuple(self.summaries.get(assignment.story_id, ())))))
        lines = summarize(todo) if todo else []
        self.trees = trees
        for (assignment, _, _), line in zip(todo, lines, strict=True):
            self.summaries[assignment.story_id] = [*self.summaries.get(assignment.story_id, ()),
                                                   *_summary_texts(json.loads(line))]
        keep = sorted({m.seq for t in open_trees for m in t.members})
        self.articles = {s: every[s] for s in keep}
        self.summaries = {k: v for k, v in self.summaries.items() if k in still_open}
        self.next_seq = base + len(new)
        return lines

    def open_stories(self) -> list[Assignment]:
        """The stories still open after the last batch (as last written)."""
        return list(self._open.values())

    def saved(self) -> dict[str, Any]:
        """What ``UPDATE_FILE`` holds: the trees before their open stories were closed, the open stories'
        articles and earlier summary sentences, the next arrival number and the files added."""
        return {
            "version": UPDATE_VERSION,
            "options": _clustering(self.options),
            "next_seq": self.next_seq,
            "trees": self.trees if self.trees is not None else TreeStories(self.options).state(),
            "articles": [_article_dict(s, a) for s, a in sorted(self.articles.items())],
            "summaries": self.summaries,
            "files": self.files,
        }


class UpdateStream:
    """A stream whose every batch is an update run (``--watch DIR --update STATE``, every engine).

    ``add_batch`` adds one batch (a new file of the followed directory) with ``Updates``, writes the
    lines of the stories it changed to ``workdir/stories.jsonl`` and then saves ``UPDATE_FILE``
    atomically, so a restarted watch goes on with the same ids and skips the files already added
    (``done``).  A crash between the two writes the batch's records again on restart, never loses them.
    ``finish`` writes nothing more: every changed story was written with its batch.  The caller holds
    ``state_lock(update_dir)``.
    """

    def __init__(self, options: StoryOptions, workdir: Path, update_dir: Path, *,
                 on_story: Callable[[str], None] | None = None, summarize: Summarize | None = None,
                 engine: str = "embedded", inputs: Sequence[str] = (), phase: str = "streaming") -> None:
        check_update_options(options)
        self.options = options
        self.update_dir = Path(update_dir)
        self.updates = Updates(options, load(self.update_dir, options))
        workdir = Path(workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        self.state = RunState.open(workdir, engine=engine, inputs=inputs, options=options, phase=phase,
                                   stream=phase == "streaming")
        self.report = RunReport(engine=engine)
        self._writer = self.state.writer(on_story, self.report)
        self._summarize = summarize or (lambda stories: summarize_here(stories, options))
        self._started = time.monotonic()

    @property
    def n_open(self) -> int:
        return len(self.updates.open_stories())

    def done(self, path: str) -> bool:
        """Whether the file ``path`` was added by an earlier batch (of this watch or one before it)."""
        return os.path.realpath(path) in self.updates.files

    def add_batch(self, articles: Sequence[Article], path: str | None = None,
                  progress: Progress | None = None) -> int:
        """Add one batch (the file ``path``, if any); return the stories written."""
        self.report.articles += len(articles)
        lines = self.updates.add(articles, self._summarize, self.report.count, progress) if articles else []
        for line in lines:
            self._writer.write(line)
        if path is not None:
            self.updates.files.append(os.path.realpath(path))
        saved = self.updates.saved()
        write_atomically(self.update_dir / UPDATE_FILE, lambda f: json.dump(
            saved, f, ensure_ascii=False, allow_nan=False))
        return len(lines)

    def finish(self, ingest: IngestReport | None = None) -> RunReport:
        """Count the stories still open and close the run's state (with what ``ingest`` found)."""
        if ingest is not None:
            self.report.record_ingest(ingest)
        for assignment in self.updates.open_stories():
            self.report.count(assignment)
        self._writer.close()
        self.report.seconds = time.monotonic() - self._started
        self.state.finish(self.report)
        return self.report


def _summary_texts(record: Mapping[str, Any]) -> list[str]:
    """The sentences of a record's summaries: the story's, its events' and its update summary's."""
    texts = [s["text"] for s in record["summary"]["sentences"]]
    for event in record.get("events", ()):
        texts += [s["text"] for s in event["summary"]["sentences"]]
    if record.get("update_summary"):
        texts += [s["text"] for s in record["update_summary"]["sentences"]]
    return list(dict.fromkeys(texts))


def _article_dict(seq: int, a: Article) -> dict[str, Any]:
    return {"seq": seq, "id": a.id, "text": a.text, "source": a.source, "title": a.title,
            "date": a.date.isoformat() if a.date else None, "url": a.url}


def _article(data: Mapping[str, Any]) -> Article:
    date = data.get("date")
    return Article(id=data["id"], text=data["text"], source=data.get("source"), title=data.get("title"),
                   date=dt.date.fromisoformat(date) if date else None, url=data.get("url"))
