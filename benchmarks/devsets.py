"""Shared by ``actors_quality.py`` and ``timeline_quality.py``: the ANT dev clusters and the baseline code.

* ``dev_events`` — the labelled event clusters of ``benchmarks/data/stories_dev`` (four windows of ANT 2018,
  none near the held-out 2018-06-10..20): article ids grouped by event, news items only.
* ``load_articles`` — those articles from ``../shared/data/ant-corpus-v2.1.tar.gz`` (not in the repository).
* ``module_at`` — a module of the package as it is at a git revision (``main`` by default), imported
  under another name beside the working tree's code, so old and new run in one process on one input.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from khulasa.ingest import iter_articles  # noqa: E402
from khulasa.models import Article  # noqa: E402

STORIES_DEV = ROOT / "benchmarks" / "data" / "stories_dev"
# ../shared/data from the main checkout; from a worktree under ../wt/NAME it is one level further up.
_CANDIDATES = [
    base / "shared" / "data" / "ant-corpus-v2.1.tar.gz" for base in (ROOT.parent, ROOT.parent.parent)
]
CORPUS = next((c for c in _CANDIDATES if c.exists()), _CANDIDATES[0])
MAX_ARTICLES = 20
"""Big events are cut to their first articles (by date, then id), as the stories engine summarizes a
large story from 20 of its articles."""


def dev_labels() -> dict[str, dict]:
    """Article id -> its label line (``id, date, outlet, event, story, kind``)."""
    labels = {}
    for path in sorted(STORIES_DEV.glob("ant-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            labels[record["id"]] = record
    return labels


def dev_events(min_articles: int = 2) -> dict[str, list[str]]:
    """Event -> its news articles' ids (first ``MAX_ARTICLES`` by date, then id), events with at least
    ``min_articles``."""
    labels = dev_labels()
    events: dict[str, list[str]] = defaultdict(list)
    for article_id, record in labels.items():
        if record["kind"] == "news":
            events[record["event"]].append(article_id)
    return {
        event: sorted(ids, key=lambda i: (labels[i]["date"], i))[:MAX_ARTICLES]
        for event, ids in sorted(events.items())
        if len(ids) >= min_articles
    }


def load_articles(ids: Iterable[str], corpus: Path = CORPUS) -> dict[str, Article]:
    """The articles with these ids, read from the ANT archive."""
    wanted = set(ids)
    found = {}
    for article in iter_articles(str(corpus)):
        if article.id in wanted:
            found[article.id] = article
    return found


def file_at(ref: str, relpath: str) -> str:
    """The text of ``relpath`` at git revision ``ref``."""
    return subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{ref}:{relpath}"], check=True, capture_output=True, text=True
    ).stdout


def module_at(ref: str, relpath: str, name: str) -> ModuleType:
    """``relpath`` (``khulasa/keyterms.py``) as it is at git revision ``ref``, imported as ``name``.

    Its own imports resolve to the working tree's package (the shared stages have not changed).
    """
    source = file_at(ref, relpath)
    path = Path(tempfile.mkdtemp(prefix="khulasa-baseline-")) / Path(relpath).name
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
