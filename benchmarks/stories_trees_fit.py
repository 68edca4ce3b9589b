"""Fit the story trees' three similarity models on the labelled dev windows, and score them left out.

``khulasa.stories.trees`` decides with three logistic models over a few similarities (Miranda et al.,
"Multilingual Clustering of Streaming News", EMNLP 2018): the **event** model (does an article join an
open event?), the **story** model (does a new event join an open story?) and the **inside** model
(does it join an open event of that story after all?).  They are fitted here, on the four labelled
windows of ``benchmarks/data/stories_dev`` only, by a simple and robust method with few parameters:

1. **Teacher forcing** (as Miranda et al. train theirs): the clusterer runs over a window with the
   gold labels making its decisions, and records each decision's candidates with their features and
   whether each is the right cluster.  One logistic regression per model (scikit-learn, L2, C = 1) on
   those records: 8-9 weights and a bias each.  The models are fitted in order, each with the models
   before it deciding for real, so each sees the cases it will meet: the event model with everything
   forced; the story model with events decided by the event model; the inside model with events and
   stories decided.
2. **Thresholds**: one shift of each model's bias, chosen on the same windows from a grid of seven
   values to maximize mean B-cubed F1 (events for the event model, stories for the story model, their
   sum for the inside model, which may also be switched off).

``--lowo`` fits on three windows and scores the fourth, for each window (leave one window out): what
to expect on windows the models have not seen.  Without it the models are fitted on all four and
printed as the Python to paste into ``khulasa/stories/trees/options.py``.

``--models`` refits (and re-tunes) only the named models, the others staying as shipped; ``--orders N``
tunes the shifts, and scores, on the mean over the shipped order and N seeded within-day shuffles (as
``windows_order_averaged`` of ``stories_quality.py``, with 5: the order within a day is arbitrary and
alone moves a window's F1 by a few points); ``--step`` sets the shift grid's step (0.5: the seven
values above); ``--drop`` leaves features out of the refitted models (weight 0).

    python benchmarks/stories_trees_fit.py [--lowo] [--models story_model ...] [--orders N] [--step S]
                                           [--drop FEATURE ...] [--corpus ANT.tar.gz] [--cache DIR] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
import stories_quality  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from stories_quality import bcubed, dev_windows, tree_cluster, tree_features, within_day_shuffle  # noqa: E402

from khulasa.stories.trees import (  # noqa: E402
    EVENT_FEATURES,
    STORY_FEATURES,
    Candidate,
    SimilarityModel,
    TreeOptions,
    best_candidate,
)

SPAN, STEP = 1.5, 0.5
"""Threshold shifts tried: -SPAN..SPAN by STEP (added to the logit threshold 0, i.e. subtracted from the bias)."""


def grid(step: float = STEP) -> tuple[float, ...]:
    n = round(SPAN / step)
    return tuple(round(k * step, 6) for k in range(-n, n + 1))
OFF = 1e6
"""A shift that switches a model off (it never passes)."""
LEVEL = {"event": "event", "inside": "event", "story": "story", "relink": "story"}


class Teacher:
    """A ``trees.Decider`` that decides with the gold labels for the kinds in ``forced`` and records
    every decision of the kinds in ``record`` (features, whether the candidate is right)."""

    def __init__(self, events: dict[str, str], stories: dict[str, str], forced: set[str], record: str) -> None:
        self.gold = {"event": events, "story": stories}
        self.forced = forced
        self.record = record
        self.x: list[Sequence[float]] = []
        self.y: list[bool] = []

    def __call__(self, kind: str, article_id: str, candidates: Sequence[Candidate]) -> Candidate | None:
        gold = self.gold[LEVEL[kind]]
        label = gold[article_id]
        right = [c for c in candidates if gold[c.first_id] == label]
        if kind == self.record:
            for c in candidates:
                self.x.append(c.features)
                self.y.append(gold[c.first_id] == label)
        if kind in self.forced:
            return max(right, key=lambda c: (c.logit, -c.number), default=None)
        return best_candidate(kind, article_id, candidates)


def shifted(model: SimilarityModel, shift: float) -> SimilarityModel:
    return SimilarityModel(model.features, model.bias - shift, model.weights)


def fit_model(names: tuple[str, ...], x: list[Sequence[float]], y: list[bool], drop: frozenset[str] = frozenset()
              ) -> SimilarityModel:
    """A logistic regression over ``names``; the features in ``drop`` are left out (weight 0)."""
    keep = [i for i, name in enumerate(names) if name not in drop]
    regression = LogisticRegression(C=1.0, max_iter=5000).fit(np.array(x, dtype=float)[:, keep], np.array(y))
    weights = [0.0] * len(names)
    for i, w in zip(keep, regression.coef_[0], strict=True):
        weights[i] = float(w)
    return SimilarityModel(names, float(regression.intercept_[0]), tuple(weights))


def collect(prepared, options: TreeOptions, forced: set[str], record: str) -> tuple[list, list]:
    x: list[Sequence[float]] = []
    y: list[bool] = []
    for pairs, events, stories in prepared:
        teacher = Teacher(events, stories, forced, record)
        tree_cluster(pairs, options, teacher)
        x += teacher.x
        y += teacher.y
    return x, y


MODELS = ("event_model", "story_model", "inside_model")


def fit(prepared, options: TreeOptions | None = None, models: Sequence[str] = MODELS,
        drop: frozenset[str] = frozenset()) -> TreeOptions:
    """The three models fitted in order (module doc, step 1), thresholds not yet shifted; the other
    options are ``options``'s (the defaults if ``None``).  Only ``models`` are refitted (the others
    stay ``options``'s); the features in ``drop`` are left out."""
    options = options or TreeOptions()
    if "event_model" in models:
        x, y = collect(prepared, options, {"event", "story", "inside", "relink"}, "event")
        options = dataclasses.replace(options, event_model=fit_model(EVENT_FEATURES, x, y, drop))
    if "story_model" in models:
        x, y = collect(prepared, options, {"story", "inside", "relink"}, "story")
        options = dataclasses.replace(options, story_model=fit_model(STORY_FEATURES, x, y, drop))
    if "inside_model" in models:
        x, y = collect(prepared, options, {"story", "inside", "relink"}, "inside")
        options = dataclasses.replace(options, inside_model=fit_model(EVENT_FEATURES, x, y, drop))
    return options


def scores(prepared, options: TreeOptions, orders: int = 0
           ) -> list[tuple[tuple[float, float, float], tuple[float, float, float]]]:
    """B-cubed (P, R, F1) of events and of stories, per window: in the shipped order, or (``orders`` > 0)
    the mean over it and ``orders`` seeded within-day shuffles, as ``windows_order_averaged`` of
    ``stories_quality.py`` scores them."""
    out = []
    for pairs, events, stories in prepared:
        runs = []
        for seed in range(orders + 1):
            ordered = pairs if seed == 0 else within_day_shuffle(pairs, seed)
            tree_events, tree_stories = tree_cluster(ordered, options)
            runs.append((bcubed(tree_events, events), bcubed(tree_stories, stories)))
        mean = [tuple(float(np.mean([r[level][k] for r in runs])) for k in range(3)) for level in (0, 1)]
        out.append(((mean[0][0], mean[0][1], mean[0][2]), (mean[1][0], mean[1][1], mean[1][2])))
    return out


def tune(prepared, options: TreeOptions, models: Sequence[str] = MODELS, orders: int = 0, step: float = STEP
         ) -> tuple[TreeOptions, dict[str, float]]:
    """Each model's threshold shift in turn (module doc, step 2), from ``grid(step)``, on the mean over
    ``orders`` within-day shuffles besides the shipped order; only ``models`` are tuned; returns the
    shifted options."""
    chosen: dict[str, float] = {}
    shifts = grid(step)
    for name, target, tried in (
        ("event_model", (0,), shifts),
        ("story_model", (1,), shifts),
        ("inside_model", (0, 1), (*shifts, OFF)),
    ):
        if name not in models:
            continue
        model = getattr(options, name)
        best = None
        for shift in tried:
            result = scores(prepared, dataclasses.replace(options, **{name: shifted(model, shift)}), orders)
            value = float(np.mean([sum(r[level][2] for level in target) for r in result]))
            if best is None or value > best[0] + 1e-9:
                best = (value, shift)
        assert best is not None
        chosen[name] = best[1]
        options = dataclasses.replace(options, **{name: shifted(model, best[1])})
    return options, chosen


def summary(result) -> dict[str, list[float]]:
    return {
        level: [round(float(np.mean([r[i][k] for r in result])), 4) for k in range(3)]
        for i, level in enumerate(("events", "stories"))
    }


def python_source(options: TreeOptions) -> str:
    lines = []
    for name, constant in (("event_model", "EVENT_MODEL"), ("inside_model", "INSIDE_MODEL"), ("story_model", "STORY_MODEL")):
        model = getattr(options, name)
        names = "EVENT_FEATURES" if model.features == EVENT_FEATURES else "STORY_FEATURES"
        weights = ", ".join(f"{w:.4f}" for w in model.weights)
        bias = model.bias if model.bias > -OFF / 2 else -1e6
        lines.append(f"{constant} = SimilarityModel({names}, {bias:.4f}, ({weights}))")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lowo", action="store_true", help="leave one window out: fit on three, score the fourth")
    parser.add_argument("--corpus", type=Path, default=stories_quality.CORPUS)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "khulasa-bench")
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS),
                        help="refit and re-tune only these models (the others stay as shipped)")
    parser.add_argument("--orders", type=int, default=0,
                        help="tune the shifts (and score) on the mean over the shipped order and this many "
                             "within-day shuffles, as stories_quality.py's windows_order_averaged (5 there)")
    parser.add_argument("--step", type=float, default=STEP,
                        help=f"the shift grid's step (-{SPAN}..{SPAN}; default %(default)s)")
    parser.add_argument("--drop", nargs="+", default=[], metavar="FEATURE",
                        help="leave these features out of the refitted models (weight 0)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    unknown = set(args.drop) - set(EVENT_FEATURES) - set(STORY_FEATURES)
    if unknown:
        parser.error(f"unknown features: {', '.join(sorted(unknown))}")
    if not 0 < args.step <= SPAN:
        parser.error(f"--step must be in (0, {SPAN}]")
    drop = frozenset(args.drop)
    stories_quality.use_corpus(args.corpus)
    started = time.monotonic()
    windows = dev_windows(args.cache)
    prepared = {name: (tree_features(arts), events, stories) for name, (arts, events, stories) in windows.items()}
    report: dict[str, object] = {}
    if args.lowo:
        held_out = {}
        for name in prepared:
            train = [v for k, v in prepared.items() if k != name]
            options, shifts = tune(train, fit(train, models=args.models, drop=drop), args.models, args.orders, args.step)
            (events, stories), = scores([prepared[name]], options, args.orders)
            held_out[name] = {"events": [round(v, 4) for v in events], "stories": [round(v, 4) for v in stories],
                              "shifts": shifts}
            print(name, held_out[name], file=sys.stderr)
        report["leave_one_window_out"] = held_out
        report["mean"] = {
            level: [round(float(np.mean([h[level][k] for h in held_out.values()])), 4) for k in range(3)]
            for level in ("events", "stories")
        }
    else:
        train = list(prepared.values())
        options, shifts = tune(train, fit(train, models=args.models, drop=drop), args.models, args.orders, args.step)
        report["shifts"] = shifts
        report["in_sample"] = summary(scores(train, options, args.orders))
        report["models"] = {n: getattr(options, n).to_dict() for n in ("event_model", "story_model", "inside_model")}
        report["python"] = python_source(options)
    report["seconds"] = round(time.monotonic() - started, 1)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for key, value in report.items():
            print(f"{key}: {value}" if key != "python" else value)
    return 0


if __name__ == "__main__":
    sys.exit(main())
