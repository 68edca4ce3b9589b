"""Score Khulasa variants on the dev data (EASC, an ANT-BBC sample) to choose its weights.

Reads ``../shared/data`` (EASC and the ANT corpus, not shipped with Khulasa).  Each variant sets
module constants of ``khulasa.score`` / ``khulasa.select`` and reports ROUGE-2 F (mean over references)
on all EASC items (budget: mean reference length) and on ANT-BBC (1 sentence, lead-1 for reference).

    python benchmarks/tune.py [--ant 300] [--variants NAME,...]
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Iterator

from khulasa import score, select
from khulasa.eval.datasets import load_dataset
from khulasa.eval.report import evaluate_system, parse_budget
from khulasa.eval.rouge import Rouge

W = score.Weights
VARIANTS: dict[str, dict[str, object]] = {
    "current": {},
    "greedy": {"select.DEFAULT_METHOD": "greedy"},
    "highs": {"select.DEFAULT_METHOD": "ilp"},
    "pool30": {"select.MAX_CANDIDATES": 30},
    "support0": {"score.DEFAULT_WEIGHTS": W(0.1, 0.0, 0.9, position_decay=1.0)},
    "support1": {"score.DEFAULT_WEIGHTS": W(0.1, 1.0, 0.9, position_decay=1.0)},
    "support2": {"score.DEFAULT_WEIGHTS": W(0.1, 2.0, 0.9, position_decay=1.0)},
    "centrality.5": {"score.DEFAULT_WEIGHTS": W(0.5, 0.5, 0.9, position_decay=1.0)},
    "sal10": {"select.SALIENCE_WEIGHT": 10.0},
    "sal20": {"select.SALIENCE_WEIGHT": 20.0},
    "sal60": {"select.SALIENCE_WEIGHT": 60.0},
    "sal80": {"select.SALIENCE_WEIGHT": 80.0},
}


@contextlib.contextmanager
def patched(settings: dict[str, object]) -> Iterator[None]:
    saved = []
    for key, value in settings.items():
        module_name, attr = key.split(".")
        module = {"score": score, "select": select}[module_name]
        saved.append((module, attr, getattr(module, attr)))
        setattr(module, attr, value)
    try:
        yield
    finally:
        for module, attr, value in saved:
            setattr(module, attr, value)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ant", type=int, default=300)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--baselines", action="store_true")
    args = parser.parse_args()
    easc = load_dataset("easc")
    ant = load_dataset("ant-bbc", limit=args.ant)
    rouge = Rouge()
    if args.baselines:
        for name, items, budget in (("lead", easc, "ref"), ("lead", ant, "1s")):
            result, _ = evaluate_system(name, items, parse_budget(budget), rouge)
            print(f"{name:10s} {budget:4s} R2F={result.mean['rouge2'].fmeasure:.4f}")
    for name in args.variants.split(","):
        with patched(VARIANTS[name]):
            start = time.perf_counter()
            e, _ = evaluate_system("khulasa", easc, parse_budget("ref"), rouge)
            a, _ = evaluate_system("khulasa", ant, parse_budget("1s"), rouge)
            print(
                f"{name:24s} EASC R2F={e.mean['rouge2'].fmeasure:.4f} R1F={e.mean['rouge1'].fmeasure:.4f} "
                f"ANT R2F={a.mean['rouge2'].fmeasure:.4f}  ({time.perf_counter() - start:.0f}s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
