"""What ingest did with every input: ``IngestReport`` (one ``InputRecord`` per file, archive member or
stream) and ``CountingReport``, the counts alone, when the caller asked for no report."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class InputRecord:
    """The fate of one input: ``status`` is ``"read"`` (with ``articles``) or ``"skipped"`` (with ``reason``).

    ``path`` is as shown to people (``errors.printable``: terminal controls and undecodable bytes escaped).

    ``reason`` is a short category (``"hidden file"``, ``"binary data"``...), ``detail`` the specifics;
    ``issues`` lists problems inside a file that was read (a malformed JSONL line, a document without text).
    """

    path: str
    status: str
    articles: int = 0
    format: str | None = None
    encoding: str | None = None
    reason: str | None = None
    detail: str | None = None
    issues: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v not in (None, [])}


@dataclass
class IngestReport:
    """What ``iter_articles``/``load`` did with every input: read (n articles) or skipped (why)."""

    inputs: list[InputRecord] = field(default_factory=list)

    def add(self, record: InputRecord) -> None:
        self.inputs.append(record)

    @property
    def n_articles(self) -> int:
        return sum(r.articles for r in self.inputs)

    @property
    def read(self) -> list[InputRecord]:
        return [r for r in self.inputs if r.status == "read"]

    @property
    def skipped(self) -> list[InputRecord]:
        return [r for r in self.inputs if r.status == "skipped"]

    @property
    def issues(self) -> list[str]:
        return [f"{r.path}: {issue}" for r in self.inputs for issue in r.issues]

    def summary(self) -> str:
        """One line, e.g. ``read 5 articles from 5 inputs; skipped 2 (1 hidden file, 1 metadata sidecar)``."""
        read, skipped = self.read, self.skipped
        line = f"read {plural(self.n_articles, 'article')} from {plural(len(read), 'input')}"
        if skipped:
            reasons = Counter(r.reason or "unknown" for r in skipped)
            detail = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
            line += f"; skipped {len(skipped)} ({detail})"
        n_issues = sum(len(r.issues) for r in self.inputs)
        if n_issues:
            line += f"; {plural(n_issues, 'issue')} inside files"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.n_articles,
            "read": len(self.read),
            "skipped": len(self.skipped),
            "summary": self.summary(),
            "inputs": [r.to_dict() for r in self.inputs],
        }


class CountingReport(IngestReport):
    """Used when the caller wants no report: keeps counts, not one record per file (streaming memory)."""

    def __init__(self) -> None:
        super().__init__()
        self._articles = 0
        self._skipped: Counter[str] = Counter()

    def add(self, record: InputRecord) -> None:
        self._articles += record.articles
        if record.status == "skipped":
            self._skipped[record.reason or "unknown"] += 1

    @property
    def n_articles(self) -> int:
        return self._articles

    def summary(self) -> str:
        reasons = ", ".join(f"{n} {reason}" for reason, n in self._skipped.most_common())
        return f"read {plural(self._articles, 'article')}" + (f"; skipped {reasons}" if reasons else "")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
