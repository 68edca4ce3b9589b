"""Update runs: new articles added to the stories of earlier runs (``khulasa stories NEW... --update DIR``).

``DIR`` keeps, in one JSON file written atomically (``UPDATE_FILE``), what a later run needs to go on
with the story trees (``khulasa.stories.trees``):

- ``trees``: the ``TreeClusterer`` state (``TreeClusterer.state``), taken before the open stories are
  closed for the records, so the next run continues them;
- ``articles``: the articles of the stories still open (their text: the next run summarizes those
  stories again, whole), with their arrival numbers;
- ``summaries``: per open story, the sentences of the summaries it was given so far (its story, event
  and update summaries), which a later update summary never repeats;
- ``next_seq``: the arrival number of the next article, and ``options``: the run's ``StoryOptions``.

A first run with ``--update DIR`` (``DIR`` empty or missing) starts the trees afresh and saves them.
A later run loads them, adds its articles in clustering order, and writes a record for every story
that got a new article: its whole record (events, summary, timeline, as any run), plus ``new_events``
(the events whose first article is new) and ``update_summary``: what the new articles add for a reader
of the earlier ones (the TAC 2008 update task, ``story.Earlier``): no sentence that is a unit of an
earlier article or of an earlier summary.  Story and event ids are the trees' (hashes of a first
article's id), so they are kept across runs.  Stories that got nothing new are not written again.

Update runs are sequential and run in this process (the embedded engine's reading, without workers).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Mapping
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
    if options.clusterer != CLUSTERER:
        raise InvalidOptionsError("clusterer", options.clusterer, "an update run continues story trees",
                                  hint="leave out --clusterer (trees is the default) with --update")
    if options.since is not None:
        raise InvalidOptionsError("since", options.since, "give --update DIR or --since DATE, not both")
    if inputs.watch is not None:
        raise InvalidOptionsError("watch", inputs.watch, "an update run reads files, not --watch")
    progress = progress or NoProgress()
    started = time.monotonic()
    update_dir = Path(update_dir)
    with state_lock(update_dir):
        saved = load(update_dir, options)
        state = RunState.open(output.workdir, engine="update", inputs=inputs.paths, options=options,
                              phase="running", resume=False)
        report = RunReport(engine="update")
        writer = state.writer(output.on_story, report)
        try:
            saved_state = _update(inputs, options, saved, report, writer.write, progress)
        finally:
            writer.close()
        write_atomically(update_dir / UPDATE_FILE, lambda f: json.dump(
            saved_state, f, ensure_ascii=False, allow_nan=False))
        report.seconds = time.monotonic() - started
        state.finish(report)
    return report


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


def _clustering(options: StoryOptions) -> dict[str, Any]:
    """The options a continued run must share with the earlier ones (how articles are grouped)."""
    return {"clusterer": options.clusterer, "duplicate_threshold": options.duplicate_threshold}


def _update(inputs: Inputs, options: StoryOptions, saved: Mapping[str, Any] | None, report: RunReport,
            write: Callable[[str], None], progress: Progress) -> dict[str, Any]:
    if saved is None:
        clusterer = TreeStories(options)
        base = 0
        earlier_articles: dict[int, Article] = {}
        summaries: dict[str, list[str]] = {}
    else:
        try:
            clusterer = TreeStories.from_state(options, saved["trees"])
            base = int(saved["next_seq"])
            earlier_articles = {int(a["seq"]): _article(a) for a in saved["articles"]}
            summaries = {str(k): [str(t) for t in v] for k, v in saved["summaries"].items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise StoryRunError(f"the saved stories are damaged ({type(exc).__name__}: {exc})",
                                hint="give another --update directory to start over") from exc
    progress.phase("reading", None)
    new: dict[int, Article] = {}
    features = []
    ingest = IngestReport()
    for seq, article, date in with_effective_dates(iter_articles(list(inputs.paths), report=ingest)):
        new[base + seq] = article
        features.append(extract(article, base + seq, date, signals=True))
        progress.advance()
    report.record_ingest(ingest)
    report.articles = len(new)
    progress.phase("clustering", len(features))
    closed: list[Assignment] = []
    for f in sorted(features, key=lambda f: f.order_key):
        closed += clusterer.add(f)
        progress.advance()
    open_trees = clusterer.trees.open_trees()
    trees_state = clusterer.state()
    closed += clusterer.finish()
    articles = {**earlier_articles, **new}
    for assignment in closed:
        report.count(assignment)
        if not any(m.seq >= base for m in assignment.members) or len(assignment.members) < options.min_size:
            continue
        members = [articles[m.seq] for m in assignment.members]
        earlier = Earlier(frozenset(a.id for m, a in zip(assignment.members, members, strict=True) if m.seq < base),
                          tuple(summaries.get(assignment.story_id, ())))
        record = make_story(assignment, members, options, earlier).to_dict()
        summaries[assignment.story_id] = [*summaries.get(assignment.story_id, ()), *_summary_texts(record)]
        write(record_line(record))
    still_open = {t.story_id: t for t in open_trees}
    keep = sorted({m.seq for t in open_trees for m in t.members})
    return {
        "version": UPDATE_VERSION,
        "options": _clustering(options),
        "next_seq": base + len(new),
        "trees": trees_state,
        "articles": [_article_dict(s, articles[s]) for s in keep],
        "summaries": {k: v for k, v in summaries.items() if k in still_open},
    }


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
