"""The quality gate: Khulasa's ROUGE on pinned data must stay above the floors in floors.json.

Floors are the scores measured when they were last raised (``python -m tests.quality_gate
--update-floors``), pinned to the SHA-256 of the exact files scored.  The putin-erdogan gate (our own
hand-written reference, tests/data/eval/putin-erdogan.ref.txt) always runs; the EASC gate reads 20
topics from ../shared/data/easc (never committed here) and is skipped, with the reason, without it.
"""

from __future__ import annotations

import json
import shutil

import pytest

from khulasa.errors import InvalidOptionsError
from tests.conftest import EXAMPLE_DIR, ROOT
from tests.quality_gate import check_gate, gate_scores, update_floors

FLOORS = ROOT / "tests" / "data" / "eval" / "floors.json"
CONFIG = json.loads(FLOORS.read_text(encoding="utf-8"))
KEYS = {f"{k}_{m}" for k in ("rouge1", "rouge2", "rougeL") for m in "rpf"}


@pytest.mark.parametrize("spec", CONFIG["gates"], ids=[g["name"] for g in CONFIG["gates"]])
def test_khulasa_rouge_stays_above_the_pinned_floors(spec):
    result = gate_scores(spec, ROOT)
    if result.skipped:
        pytest.skip(result.skipped)
    failures = check_gate(spec, result, CONFIG["tolerance"])
    assert not failures, "\n".join(failures)


def test_floors_file_pins_every_score_with_a_data_hash_and_the_example_gate_always_runs():
    assert CONFIG["tolerance"] == 0.005
    names = {g["name"] for g in CONFIG["gates"]}
    assert {"putin-erdogan", "easc-20"} <= names
    for gate in CONFIG["gates"]:
        assert len(gate["sha256"]) == 64
        assert set(gate["floors"]) == KEYS
        assert all(0 < v <= 1 for v in gate["floors"].values())
    example = next(g for g in CONFIG["gates"] if g["name"] == "putin-erdogan")
    assert example["kind"] == "cluster" and (ROOT / example["inputs"]).is_dir()
    assert len(next(g for g in CONFIG["gates"] if g["name"] == "easc-20")["topics"]) == 20


# --- the floors machinery, on a private copy scored with the lead baseline ------------------------


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(EXAMPLE_DIR, tmp_path / "cluster")
    (tmp_path / "ref.txt").write_text(
        (ROOT / "tests/data/eval/putin-erdogan.ref.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    gate = {"name": "pe", "kind": "cluster", "inputs": "cluster", "references": ["ref.txt"],
            "budget": "60w", "system": "lead", "sha256": "", "floors": {}}
    path = tmp_path / "floors.json"
    path.write_text(json.dumps({"tolerance": 0.005, "gates": [gate]}), encoding="utf-8")
    update_floors(path, tmp_path)
    return tmp_path, path


def _gate(path):
    return json.loads(path.read_text(encoding="utf-8"))["gates"][0]


def test_update_pins_the_hash_and_truncated_scores_that_then_pass(repo):
    root, path = repo
    gate = _gate(path)
    result = gate_scores(gate, root)
    assert gate["sha256"] == result.sha256
    assert all(gate["floors"][k] <= result.scores[k] < gate["floors"][k] + 1e-4 for k in KEYS)
    assert check_gate(gate, result, 0.005) == []
    assert update_floors(path, root) == ["floors unchanged"]


def test_a_score_below_floor_minus_tolerance_fails_the_gate(repo):
    root, path = repo
    gate = _gate(path)
    gate["floors"]["rouge2_f"] += 0.0049
    assert check_gate(gate, gate_scores(gate, root), 0.005) == []
    gate["floors"]["rouge2_f"] += 0.0002
    (failure,) = check_gate(gate, gate_scores(gate, root), 0.005)
    assert "rouge2_f" in failure and "< floor" in failure


def test_raising_is_one_command_but_lowering_needs_allow_lower(repo):
    root, path = repo
    config = json.loads(path.read_text(encoding="utf-8"))
    config["gates"][0]["floors"]["rouge1_r"] = 0.99
    config["gates"][0]["floors"]["rouge2_f"] = 0.01
    path.write_text(json.dumps(config), encoding="utf-8")
    lines = update_floors(path, root)
    assert any("rouge1_r kept at 0.99" in line for line in lines)
    assert any(line.startswith("pe: rouge2_f 0.01 ->") for line in lines)
    assert _gate(path)["floors"]["rouge1_r"] == 0.99
    update_floors(path, root, allow_lower=True)
    assert _gate(path)["floors"]["rouge1_r"] < 0.99


def test_changed_data_fails_the_gate_and_needs_allow_lower_to_re_pin(repo):
    root, path = repo
    with (root / "cluster" / "000_2233f3e5f8537144.txt").open("a", encoding="utf-8") as f:
        f.write("\nوأضاف بوتين أن الزيارة ناجحة.\n")
    gate = _gate(path)
    (failure,) = check_gate(gate, gate_scores(gate, root), 0.005)
    assert "SHA-256" in failure
    with pytest.raises(InvalidOptionsError, match="data changed"):
        update_floors(path, root)
    update_floors(path, root, allow_lower=True)
    assert check_gate(_gate(path), gate_scores(_gate(path), root), 0.005) == []


def test_absent_easc_data_is_a_skip_with_the_reason(tmp_path):
    spec = next(g for g in CONFIG["gates"] if g["name"] == "easc-20")
    result = gate_scores(spec, tmp_path)
    assert result.skipped and "EASC data not found" in result.skipped
