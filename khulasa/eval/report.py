"""A whole evaluation: budgets (``parse_budget``), every system over a dataset's items (``evaluate_system``,
``run``) and the ``Report`` (text and JSON) that ``khulasa eval`` prints."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from khulasa.errors import InvalidOptionsError, KhulasaError
from khulasa.eval import baselines
from khulasa.eval.datasets import EvalItem
from khulasa.eval.rouge import (
    ROUGE_TYPES,
    ArabicTokenizer,
    ItemScores,
    Rouge,
    Scores,
    average,
    cut_words,
    flatten,
)
from khulasa.eval.systems import get_system
from khulasa.options import MAX_SENTENCES, MAX_WORDS, SummaryOptions, whole
from khulasa.text.normalize import count_words

log = logging.getLogger(__name__)

# --- budgets ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """How long each candidate may be.

    ``kind``: ``"ref"`` (words = the mean length of the item's references, rounded), ``"words"`` or
    ``"sentences"``.  Candidates under a word budget are cut to it before scoring (a no-op for systems
    that keep to it); sentence budgets are not cut.
    """

    kind: str
    value: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("ref", "words", "sentences"):
            raise InvalidOptionsError("budget", self.kind, "unknown kind", hint="use ref, N, Nw or Ns")
        if self.kind != "ref":
            whole("budget", self.value, minimum=1, maximum=MAX_WORDS if self.kind == "words" else MAX_SENTENCES)

    def options(self, item: EvalItem) -> SummaryOptions:
        if self.kind == "sentences":
            return SummaryOptions(sentences=self.value)
        if self.kind == "words":
            return SummaryOptions(words=self.value)
        mean = sum(count_words(r) for r in item.references) / len(item.references)
        return SummaryOptions(words=min(MAX_WORDS, max(1, round(mean))))

    def describe(self) -> str:
        if self.kind == "ref":
            return "words = mean reference length of each item (rounded); candidate cut to it"
        if self.kind == "words":
            return f"{self.value} words; candidate cut to it"
        return f"{self.value} sentence(s)"

    def __str__(self) -> str:
        return {"ref": "ref", "words": f"{self.value}w", "sentences": f"{self.value}s"}[self.kind]


def parse_budget(text: str) -> Budget:
    """``ref``, ``120`` or ``120w`` (words), ``1s`` (sentences)."""
    match = re.fullmatch(r"\s*(?:(ref)|(\d+)\s*(w|words?|s|sentences?)?)\s*", text.lower())
    if not match:
        raise InvalidOptionsError(
            "budget", text, "not a budget", hint="use 'ref' (mean reference length), '120' / '120w' or '1s'"
        )
    if match.group(1):
        return Budget("ref")
    unit = match.group(3) or "w"
    return Budget("sentences" if unit.startswith("s") else "words", int(match.group(2)))


# --- a whole evaluation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SystemResult:
    """One system's corpus scores (macro average over items)."""

    name: str
    mean: Scores
    best: Scores
    seconds: float
    n_items: int
    n_failed: int = 0
    mean_words: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.name,
            "items": self.n_items,
            "failed": self.n_failed,
            "mean_words": round(self.mean_words, 2),
            "seconds": round(self.seconds, 3),
            "scores": {k: round(v, 5) for k, v in flatten(self.mean).items()},
            "best_reference": {k: round(v, 5) for k, v in flatten(self.best).items()},
        }


@dataclass(frozen=True)
class Report:
    dataset: str
    budget: Budget
    n_items: int
    n_references: float
    stem: bool
    results: tuple[SystemResult, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "items": self.n_items,
            "references_per_item": round(self.n_references, 2),
            "budget": str(self.budget),
            "budget_rule": self.budget.describe(),
            "selection_rule": baselines.SELECTION_RULE,
            "tokenizer": repr(ArabicTokenizer(self.stem)),
            "multi_reference": "scores: mean over references; best_reference: max-F reference per type",
            **dict(self.extra),
            "systems": [r.to_dict() for r in self.results],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"

    def to_markdown(self) -> str:
        lines = [
            f"**{self.dataset}**: {self.n_items} items, {self.n_references:.2g} reference(s) each; "
            f"budget: {self.budget.describe()}.",
            f"ROUGE with {ArabicTokenizer(self.stem)!r}; scores are the mean over references, then over "
            "items.",
            f"Baselines select sentences the same way: {baselines.SELECTION_RULE}.",
            "",
            "| system | R-1 R | R-1 P | R-1 F | R-2 R | R-2 P | R-2 F | R-L R | R-L P | R-L F | words | seconds |",
            "|---|" + "---:|" * 11,
        ]
        for r in self.results:
            cells = []
            for k in ROUGE_TYPES:
                s = r.mean[k]
                cells += [f"{s.recall:.4f}", f"{s.precision:.4f}", f"{s.fmeasure:.4f}"]
            failed = f" ({r.n_failed} failed)" if r.n_failed else ""
            lines.append(
                f"| {r.name}{failed} | " + " | ".join(cells) + f" | {r.mean_words:.1f} | {r.seconds:.2f} |"
            )
        return "\n".join(lines) + "\n"

    def render(self, fmt: str) -> str:
        return self.to_json() if fmt == "json" else self.to_markdown()


def evaluate_system(
    name: str, items: Sequence[EvalItem], budget: Budget, rouge: Rouge
) -> tuple[SystemResult, list[ItemScores]]:
    """Summarize every item with one system and score it; time only the summarizing."""
    system = get_system(name)
    seconds = 0.0
    failed = 0
    words = 0
    per_item = []
    for item in items:
        options = budget.options(item)
        start = time.perf_counter()
        try:
            candidate = system(item.articles, options)
        except KhulasaError as exc:
            log.warning("%s failed on %s: %s", name, item.id, exc)
            candidate, failed = "", failed + 1
        seconds += time.perf_counter() - start
        if options.words is not None:
            candidate = cut_words(candidate, options.words)
        words += count_words(candidate)
        per_item.append(rouge.score(candidate, item.references))
    result = SystemResult(
        name=name,
        mean=average(s.mean for s in per_item),
        best=average(s.best for s in per_item),
        seconds=seconds,
        n_items=len(items),
        n_failed=failed,
        mean_words=words / len(items) if items else 0.0,
    )
    return result, per_item


def run(
    dataset: str,
    items: Sequence[EvalItem],
    systems: Sequence[str],
    budget: Budget,
    *,
    stem: bool = False,
    extra: Mapping[str, Any] | None = None,
) -> Report:
    """Score every system on every item; systems are checked before any work starts."""
    for name in systems:
        get_system(name)
    rouge = Rouge(stem=stem)
    results = []
    for name in systems:
        log.info("evaluating %s on %d items", name, len(items))
        result, _ = evaluate_system(name, items, budget, rouge)
        results.append(result)
    n_refs = sum(len(i.references) for i in items) / len(items) if items else 0.0
    return Report(dataset, budget, len(items), n_refs, stem, tuple(results), extra or {})

