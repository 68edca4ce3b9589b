"""The quality gate: Khulasa's ROUGE on pinned data must stay above the floors in ``floors.json``.

Not the library's (it knows the repository's layout): ``tests/test_quality_gate.py`` checks the floors,
and ``python -m tests.quality_gate --update-floors`` raises them (lowering one needs ``--allow-lower``).
Scoring is ``khulasa.eval``'s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from khulasa.errors import InvalidOptionsError, KhulasaError
from khulasa.eval.datasets import EvalItem
from khulasa.eval.report import evaluate_system, parse_budget
from khulasa.eval.rouge import Rouge, flatten

# --- the quality gate's floors ----------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
FLOORS_PATH = ROOT / "tests" / "data" / "eval" / "floors.json"
TOLERANCE = 0.005


def files_sha256(paths: Iterable[tuple[str, Path]]) -> str:
    """One SHA-256 over ``(name, bytes)`` of each file, in name order: pins the exact data used."""
    digest = hashlib.sha256()
    for name, path in sorted(paths, key=lambda p: p[0]):
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class GateResult:
    name: str
    sha256: str
    scores: dict[str, float]
    skipped: str | None = None


def gate_items(spec: Mapping[str, Any], repo: Path) -> tuple[list[EvalItem], list[tuple[str, Path]]] | str:
    """The items a gate scores and the files they come from, or why they are absent (a skip reason)."""
    from khulasa.eval import datasets

    kind = spec["kind"]
    if kind == "easc":
        base = (repo / spec["data_root"]).resolve()
        if not base.is_dir():
            return f"EASC data not found at {base} (CI keeps it in ../shared/data/easc beside the clone)"
        base = datasets.easc_root(base)
        items = list(datasets.iter_easc(base, topics=spec["topics"]))
    elif kind == "cluster":
        base = repo.resolve()
        refs = [repo / r for r in spec["references"]]
        items = [datasets.load_cluster(repo / spec["inputs"], refs, id=spec["name"])]
    else:
        raise InvalidOptionsError("kind", kind, "unknown gate kind", hint="use easc or cluster")
    files = [(Path(p).resolve().relative_to(base).as_posix(), Path(p)) for i in items for p in i.paths]
    return items, files


def gate_scores(spec: Mapping[str, Any], repo: Path) -> GateResult:
    """Khulasa's scores on one gate's pinned items (mean over references, then items)."""
    found = gate_items(spec, repo)
    if isinstance(found, str):
        return GateResult(spec["name"], "", {}, skipped=found)
    items, files = found
    budget = parse_budget(spec["budget"])
    result, _ = evaluate_system(spec.get("system", "khulasa"), items, budget, Rouge(stem=spec.get("stem", False)))
    return GateResult(spec["name"], files_sha256(files), flatten(result.mean))


def check_gate(spec: Mapping[str, Any], result: GateResult, tolerance: float) -> list[str]:
    """Failures of one gate: a changed data hash, or a score below its floor minus the tolerance."""
    if result.sha256 != spec["sha256"]:
        return [
            f"{spec['name']}: data SHA-256 is {result.sha256}, floors were set on {spec['sha256']}; "
            "the floors no longer apply (re-pin with --update-floors --allow-lower if the change is intended)"
        ]
    return [
        f"{spec['name']}: {key} = {result.scores[key]:.4f} < floor {floor:.4f} - {tolerance}"
        for key, floor in spec["floors"].items()
        if result.scores[key] < floor - tolerance
    ]


def update_floors(path: Path, repo: Path, *, allow_lower: bool = False) -> list[str]:
    """Re-score every gate and raise each floor to today's score; returns one line per change.

    Without ``allow_lower`` a floor never goes down (a lower score keeps the old floor, and says so)
    and a gate whose data hash changed is refused.  A gate whose data is absent keeps its floors.
    """
    config = json.loads(path.read_text(encoding="utf-8"))
    lines, refused = [], []
    for spec in config["gates"]:
        result = gate_scores(spec, repo)
        if result.skipped:
            lines.append(f"{spec['name']}: skipped ({result.skipped}); floors kept")
            continue
        if spec.get("sha256") and result.sha256 != spec["sha256"] and not allow_lower:
            refused.append(f"{spec['name']}: data changed (SHA-256 {result.sha256}, floors for {spec['sha256']})")
            continue
        old = dict(spec.get("floors", {}))
        new = {}
        for key, score in result.scores.items():
            # Truncated, not rounded: a floor must never sit above the score it was taken from.
            value = math.floor(score * 10_000) / 10_000
            if key in old and value < old[key] and not allow_lower:
                lines.append(f"{spec['name']}: {key} kept at {old[key]} (now {value}; --allow-lower to lower)")
                value = old[key]
            elif old.get(key) != value:
                lines.append(f"{spec['name']}: {key} {old.get(key)} -> {value}")
            new[key] = value
        if spec.get("sha256") != result.sha256:
            lines.append(f"{spec['name']}: data SHA-256 -> {result.sha256}")
        spec["sha256"], spec["floors"] = result.sha256, new
    if refused:
        raise InvalidOptionsError(
            "floors", str(path), "refused: " + "; ".join(refused),
            hint="pass --allow-lower to re-pin the floors on the new data",
        )
    if any("->" in line for line in lines):
        config["updated"] = dt.date.today().isoformat()
        path.write_text(json.dumps(config, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return lines or ["floors unchanged"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.quality_gate", description="Maintain the ROUGE quality gate's floors."
    )
    parser.add_argument("--update-floors", action="store_true", help="re-score the gates and raise the floors")
    parser.add_argument("--allow-lower", action="store_true", help="allow floors to go down or data to change")
    parser.add_argument("--floors", type=Path, default=FLOORS_PATH, help="floors file (default: %(default)s)")
    parser.add_argument("--repo", type=Path, default=ROOT, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    if not args.update_floors:
        parser.error("nothing to do: pass --update-floors")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        for line in update_floors(args.floors, args.repo.resolve(), allow_lower=args.allow_lower):
            print(line)
    except KhulasaError as exc:
        print(f"quality_gate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
