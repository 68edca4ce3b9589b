"""``metadata.json`` sidecars: a file in a directory (or an archive folder) that gives fields to the
articles of that directory, keyed by file stem or article id; its fields override the articles' own."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from typing import Any

from khulasa.errors import UnreadableFileError
from khulasa.ingest import source
from khulasa.ingest.decode import read_bytes_as_text
from khulasa.ingest.records import parse_date
from khulasa.ingest.source import Context
from khulasa.models import Article
from khulasa.text.clean import encodable, single_line

SIDECAR_NAME = "metadata.json"
SIDECAR_FIELDS = ("date", "source", "title", "url")


def sidecar_for(directory: str, ctx: Context, real: str | None = None) -> Mapping[str, Mapping[str, Any]]:
    """The sidecar of ``directory`` (read once per run; empty when there is none)."""
    real = real or os.path.realpath(directory)
    if real not in ctx.sidecars:
        path = os.path.join(directory, SIDECAR_NAME)
        ctx.sidecars[real] = {}
        if os.path.isfile(path):
            try:
                ctx.sidecars[real] = parse_sidecar(source.read_file(path), path, ctx)
            except OSError as exc:
                ctx.skip(path, "cannot open", exc.strerror or str(exc))
    return ctx.sidecars[real]


def parse_sidecar(data: bytes, path: str, ctx: Context) -> dict[str, Mapping[str, Any]]:
    """A sidecar's entries by key; an invalid one is reported and gives none."""
    try:
        text, _ = read_bytes_as_text(data, name=path)
        value = json.loads(text)
    except (UnreadableFileError, ValueError, RecursionError) as exc:
        ctx.skip(path, "invalid metadata sidecar", str(exc))
        return {}
    if not isinstance(value, dict):
        ctx.skip(path, "invalid metadata sidecar", "expected an object keyed by file stem or article id")
        return {}
    return {encodable(str(k)): v for k, v in value.items() if isinstance(v, dict)}  # keys match ids as read


def apply_sidecar(article: Article, stem: str, sidecar: Mapping[str, Mapping[str, Any]],
                  issues: list[str]) -> Article:
    """Sidecar fields override the file's own: the sidecar is where a user corrects or adds metadata."""
    for key in dict.fromkeys((stem, article.id)):
        entry = sidecar.get(key)
        if not entry:
            continue
        changes: dict[str, Any] = {}
        extra = dict(article.extra)
        for name, value in entry.items():
            if name == "date":
                date = parse_date(value)
                if date is None:
                    issues.append(f"metadata.json: unreadable date {value!r} for {key!r}")
                else:
                    changes["date"] = date
            elif name in SIDECAR_FIELDS and value is not None:
                changes[name] = single_line(str(value))
            elif name not in SIDECAR_FIELDS:
                extra[encodable(name)] = encodable(value)
        article = dataclasses.replace(article, **changes, extra=extra)
    return article
