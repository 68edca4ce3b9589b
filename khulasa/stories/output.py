"""Story outputs from the JSONL records: the JSONL file itself, a static HTML site, a text digest.

Every writer reads ``stories.jsonl`` (one record a line, schema in ``docs/stories.md``) and publishes
atomically: a file through a temporary file and a rename, the HTML site through a temporary directory
renamed into place (replacing only a previous site, which a marker file identifies).  The digest lists
stories by size (largest first), then by date; the site (``khulasa.stories.site``) lists the latest and
developing stories first, by day and by outlet, with a title search.  HTML escapes all article text
(Jinja2 autoescape), links only ``http(s)`` URLs and runs no script but the site's own search file.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from khulasa.atomic import new_directory_mode, write_atomically
from khulasa.errors import OutputError, OutputRefusedError
from khulasa.render import labels
from khulasa.stories.site import index_page, page_name, story_page, write_site

__all__ = [
    "FORMATS", "check_site_target", "digest", "index_page", "iter_records", "page_name", "publish_html",
    "publish_jsonl", "publish_text", "story_page",
]

FORMATS = ("jsonl", "html", "text")
DIGEST_SENTENCES = 5
DIGEST_EVENTS = 5
DIGEST_ACTORS = 8


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _sort_key(brief: dict[str, Any]) -> tuple[int, str, str]:
    return (-brief["n_articles"], brief["first_date"] or "9999", brief["story_id"])


def _briefs(path: Path) -> list[dict[str, Any]]:
    """What the index needs of each story (not its summary), with the byte offset of its record."""
    out = []
    with open(path, "rb") as f:
        offset = 0
        for raw in f:
            if raw.strip():
                r = json.loads(raw)
                out.append(
                    {
                        "story_id": r["story_id"],
                        "title": r["title"],
                        "first_date": r["first_date"],
                        "last_date": r["last_date"],
                        "n_articles": r["n_articles"],
                        "n_duplicates": r["n_duplicates"],
                        "outlets": r["outlets"],
                        "offset": offset,
                    }
                )
            offset += len(raw)
    out.sort(key=_sort_key)
    return out


def _records_in_order(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, "rb") as f:
        for brief in _briefs(path):
            f.seek(brief["offset"])
            yield json.loads(f.readline())


# --- JSONL and text -------------------------------------------------------------------------------


def publish_jsonl(stories: Path, target: str) -> None:
    """Copy the records to ``target`` atomically (a rename when on the same file system)."""
    def copy(fh: Any) -> None:
        with open(stories, encoding="utf-8") as src:
            shutil.copyfileobj(src, fh)

    write_atomically(target, copy)


def digest(stories: Path) -> str:
    """A plain-text digest: each story's title, dates, outlets, summary, main dates (each at its precision;
    the story's own first, then background) and actors by kind."""
    parts = []
    for n, r in enumerate(_records_in_order(stories), start=1):
        lines = [f"== {n}. {_one_line(r['title'])}"]
        dates = _period(r["first_date"], r["last_date"])
        copies = f", {r['n_duplicates']} copies" if r["n_duplicates"] else ""
        lines.append(f"   {dates} · {r['n_articles']} articles{copies} · {', '.join(r['outlets'][:6])}")
        for s in r["summary"]["sentences"][:DIGEST_SENTENCES]:
            outlets = ", ".join(dict.fromkeys(sp["source"] for sp in s["sources"]))
            lines.append(f"   • {labels.bracketed(s)} [{outlets}]")
        story, background = labels.split_background(r["timeline"])
        for e in story[:DIGEST_EVENTS] + background[: max(0, DIGEST_EVENTS - len(story))]:
            mark = f"{labels.BACKGROUND_HEADING}: " if e in background else ""
            when = f"{labels.period(e)}: " if e.get("date") else ""  # an undated event (undated input)
            lines.append(f"   {mark}{when}{_one_line(e['text'])}")
        if r["actors"]:
            lines.append("   " + "؛ ".join(f"{labels.kind_heading(kind)}: {'، '.join(a['text'] for a in terms)}"
                                        for kind, terms in labels.terms_by_kind(r["actors"][:DIGEST_ACTORS])))
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def publish_text(stories: Path, target: str | None) -> str | None:
    """Write the digest to ``target`` atomically, or return it (for stdout) when ``target`` is None."""
    text = digest(stories)
    if target is None:
        return text
    write_atomically(target, text)
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _period(first: str | None, last: str | None) -> str:
    if not first:
        return "undated"
    return first if not last or last == first else f"{first} – {last}"


# --- HTML -----------------------------------------------------------------------------------------
# The pages themselves are khulasa.stories.site's: latest stories first, days, outlets, title search.


SITE_MARKER = ".khulasa-site"
"""Written into every site: a directory holding it is ours to replace, any other non-empty one is not."""


def check_site_target(site: Path, *, shown: str | None = None) -> None:
    """Refuse (``OutputRefusedError``) to publish a site at ``site`` (resolved) when that would replace
    what Khulasa did not write: anything but a missing or empty directory or a previous site, or the
    current directory (or one holding it)."""
    name = shown or str(site)
    cwd = Path.cwd().resolve()
    if site == cwd or site in cwd.parents:
        raise OutputRefusedError(name, "it is the current directory or holds it",
                                 hint="give the site its own directory, e.g. -o site/")
    if not site.exists():
        return
    if not site.is_dir():
        raise OutputRefusedError(name, "it exists and is not a directory", hint="give a new directory name")
    names = os.listdir(site)
    if names and SITE_MARKER not in names:
        raise OutputRefusedError(
            name, f"it is not empty and is not a site written by khulasa (no {SITE_MARKER} in it)",
            hint="give a new or empty directory: khulasa replaces only its own sites",
        )


def publish_html(stories: Path, target: str, report: dict[str, Any] | None = None,
                 report_lines: list[str] | None = None) -> None:
    """Write the site (``khulasa.stories.site.write_site``), ``report.json``/``report.txt`` and the site
    marker into directory ``target``, built aside and renamed into place.  A previous site there is replaced
    whole; any other non-empty directory is refused (``check_site_target``).  A symbolic link is followed
    (the site it points to is replaced, the link stays).  The directory gets the mode of the site it
    replaces, or ``0o777 & ~umask``."""
    final = Path(os.path.realpath(target))
    check_site_target(final, shown=target)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        mode = stat.S_IMODE(final.stat().st_mode) if final.is_dir() else new_directory_mode()
        tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp"))
    except OSError as exc:
        raise OutputError(target, exc.strerror or str(exc)) from exc
    try:
        write_site(tmp, stories, report)
        if report is not None:
            (tmp / "report.json").write_text(
                json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        if report_lines is not None:
            (tmp / "report.txt").write_text("\n".join(report_lines) + "\n", encoding="utf-8")
        (tmp / SITE_MARKER).write_text(f"A site written by khulasa {_version()} (khulasa stories -f html). "
                                       "The next run with -o here replaces this directory whole.\n",
                                       encoding="utf-8")
        os.chmod(tmp, mode)
        _swap_directory(tmp, final, shown=target)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise OutputError(target, exc.strerror or str(exc)) from exc
        raise


def _swap_directory(new: Path, final: Path, *, shown: str) -> None:
    """Put ``new`` at ``final``; an old site there is moved aside first (checked again: it must still
    be one), then removed."""
    old = None
    if final.exists():
        check_site_target(final, shown=shown)
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    os.replace(new, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _version() -> str:
    from khulasa._version import __version__

    return __version__
