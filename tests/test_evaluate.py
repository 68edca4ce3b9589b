"""Arabic ROUGE: hand-counted cases, parity with rouge-score, budgets, reports and the CLI.

Parity numbers come from rouge-score 0.1.2 itself (``RougeScorer`` with its default tokenizer),
computed in the test on Latin text (or on a Latin transliteration of our folded Arabic tokens), so
the expected values are the reference implementation's, not ours.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rouge_score import rouge_scorer

from khulasa.cli import main
from khulasa.errors import InvalidOptionsError
from khulasa.eval.datasets import EvalItem
from khulasa.eval.report import Budget, parse_budget, run
from khulasa.eval.rouge import ArabicTokenizer, Rouge, average, cut_words, flatten, lcs_length
from khulasa.text.normalize import count_words
from tests.conftest import article

REFERENCE_SCORER = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"])


def assert_scores(actual, expected_p_r, places=6):
    p, r = expected_p_r
    f = 0.0 if p + r == 0 else 2 * p * r / (p + r)
    assert actual.precision == pytest.approx(p, abs=10**-places)
    assert actual.recall == pytest.approx(r, abs=10**-places)
    assert actual.fmeasure == pytest.approx(f, abs=10**-places)


# --- tokenizer ---------------------------------------------------------------------------------


def test_tokenizer_folds_diacritics_tatweel_alef_maqsura_and_ta_marbuta():
    tok = ArabicTokenizer()
    assert tok.tokenize("ذَهَبَ الوَلَدُ إلى المدرسةِ") == tok.tokenize("ذهب الولد الي المدرسه")
    assert tok.tokenize("فـــي") == ["في"]
    assert tok.tokenize("أحمد إبراهيم آمن") == ["احمد", "ابراهيم", "امن"]
    assert tok.tokenize("مستشفى") == ["مستشفي"]
    assert tok.tokenize("حكومة") == ["حكومه"]


def test_tokenizer_splits_on_everything_but_letters_and_digits():
    tok = ArabicTokenizer()
    assert tok.tokenize("بوتين،أردوغان: «سو-24» (2016)؟") == ["بوتين", "اردوغان", "سو", "24", "2016"]
    assert tok.tokenize("3.5% ٢٠١٦") == ["3", "5", "2016"]
    assert tok.tokenize("... ، !") == []


def test_tokenizer_with_stemming_meets_prefixed_and_bare_forms():
    tok = ArabicTokenizer(stem=True)
    assert tok.tokenize("والرئيس")[0] == tok.tokenize("الرئيس")[0] == tok.tokenize("رئيس")[0]
    assert ArabicTokenizer().tokenize("والرئيس") != ArabicTokenizer().tokenize("الرئيس")


@given(st.text(alphabet="ابتةىأإآـًٌَُِ ،.؟ 0123456789abc", max_size=60))
def test_tokenizing_the_folded_text_again_changes_nothing(text):
    tok = ArabicTokenizer()
    tokens = tok.tokenize(text)
    assert tok.tokenize(" ".join(tokens)) == tokens
    assert all(t for t in tokens)


# --- hand-counted cases --------------------------------------------------------------------------


def test_rouge_of_a_diacritized_reference_counted_by_hand():
    # cand tokens: ذهب الولد الي المدرسه                  (4)
    # ref tokens:  ذهب الولد الي المدرسه صباحا            (5)  (diacritics, ى and ة folded)
    # ROUGE-1: 4 shared unigrams -> P 4/4, R 4/5
    # ROUGE-2: cand bigrams ذهب_الولد, الولد_الي, الي_المدرسه (3); ref has those + المدرسه_صباحا (4)
    #          -> 3 shared: P 3/3, R 3/4
    # ROUGE-L: LCS = the whole candidate, 4 -> P 4/4, R 4/5
    scores = Rouge().score_one("ذهب الولد إلى المدرسة", "ذَهَبَ الوَلَدُ إلى المدرسةِ صباحاً")
    assert_scores(scores["rouge1"], (1.0, 4 / 5))
    assert_scores(scores["rouge2"], (1.0, 3 / 4))
    assert_scores(scores["rougeL"], (1.0, 4 / 5))


def test_rouge_of_a_reordered_candidate_counted_by_hand():
    # ref:  قال الرييس ان الحكومه ستعقد اجتماعا           (6 tokens; ئ -> ي, إ -> ا, ة -> ه)
    # cand: الحكومه ستعقد اجتماعا قال الرييس               (5 tokens)
    # ROUGE-1: all 5 cand tokens are in ref -> P 5/5, R 5/6
    # ROUGE-2: ref bigrams قال_الرييس الرييس_ان ان_الحكومه الحكومه_ستعقد ستعقد_اجتماعا (5)
    #          cand bigrams الحكومه_ستعقد ستعقد_اجتماعا اجتماعا_قال قال_الرييس (4)
    #          shared: الحكومه_ستعقد, ستعقد_اجتماعا, قال_الرييس = 3 -> P 3/4, R 3/5
    # ROUGE-L: in order, الحكومه ستعقد اجتماعا (3) beats قال الرييس (2) -> P 3/5, R 3/6
    scores = Rouge().score_one("الحكومة ستعقد اجتماعا قال الرئيس", "قال الرئيس إن الحكومة ستعقد اجتماعا")
    assert_scores(scores["rouge1"], (1.0, 5 / 6))
    assert_scores(scores["rouge2"], (3 / 4, 3 / 5))
    assert_scores(scores["rougeL"], (3 / 5, 3 / 6))


def test_repeated_candidate_words_are_clipped_to_their_count_in_the_reference():
    # cand في في في (3 unigrams, 2 bigrams في_في); ref في البيت (2 unigrams, 1 bigram)
    # ROUGE-1: min(3, 1) = 1 shared -> P 1/3, R 1/2;  ROUGE-2: nothing shared -> 0
    # ROUGE-L: LCS 1 -> P 1/3, R 1/2
    scores = Rouge().score_one("في في في", "في البيت")
    assert_scores(scores["rouge1"], (1 / 3, 1 / 2))
    assert_scores(scores["rouge2"], (0.0, 0.0))
    assert_scores(scores["rougeL"], (1 / 3, 1 / 2))


def test_empty_candidate_scores_zero():
    scores = Rouge().score_one("", "ذهب الولد")
    assert all(s == (0.0, 0.0, 0.0) for s in scores.values())


def test_several_references_are_averaged_and_the_best_is_kept():
    # ref A = the candidate: P = R = 1 for every type.  ref B shares nothing: 0.
    item = Rouge().score("ذهب الولد", ["ذهب الولد", "جاء البنت"])
    for k in ("rouge1", "rouge2", "rougeL"):
        assert_scores(item.mean[k], (0.5, 0.5))
        assert_scores(item.best[k], (1.0, 1.0))
    assert len(item.per_reference) == 2


def test_scoring_needs_a_reference():
    with pytest.raises(InvalidOptionsError, match="reference"):
        Rouge().score("ذهب", [])


def test_average_is_the_mean_of_each_field_and_zero_for_nothing():
    a = Rouge().score_one("ذهب الولد", "ذهب الولد")
    b = Rouge().score_one("جاء", "ذهب الولد")
    mean = average([a, b])
    assert mean["rouge1"].recall == pytest.approx(0.5)
    assert average([])["rouge2"] == (0.0, 0.0, 0.0)
    assert set(flatten(mean)) == {f"{k}_{m}" for k in ("rouge1", "rouge2", "rougeL") for m in "rpf"}


# --- parity with rouge-score -------------------------------------------------------------------------

LATIN_PAIRS = [
    ("the cat sat on the mat", "the cat was on the mat"),
    ("a b c d e f", "f e d c b a"),
    ("police killed the gunman", "the gunman police killed"),
    ("x y x y x y z", "x x y y z z"),
    ("one", "two"),
]


@pytest.mark.parametrize(("reference", "candidate"), LATIN_PAIRS)
def test_latin_text_scores_exactly_as_rouge_score_does(reference, candidate):
    ours = Rouge().score_one(candidate, reference)
    theirs = REFERENCE_SCORER.score(reference, candidate)
    for k in ("rouge1", "rouge2", "rougeL"):
        assert ours[k] == pytest.approx(theirs[k])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from("abcde"), max_size=40),
    st.lists(st.sampled_from("abcdef"), max_size=40),
)
def test_random_token_sequences_score_as_rouge_score_does(reference, candidate):
    ours = Rouge().score_one(" ".join(candidate), " ".join(reference))
    theirs = REFERENCE_SCORER.score(" ".join(reference), " ".join(candidate))
    for k in ("rouge1", "rouge2", "rougeL"):
        assert ours[k] == pytest.approx(theirs[k])


# Every folded letter -> two Latin letters: an injective transliteration, so words map one to one.
_FOLDED_LETTERS = "ءابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_TRANSLIT = {c: chr(ord("a") + i // 26) + chr(ord("a") + i % 26) for i, c in enumerate(_FOLDED_LETTERS)}


def _transliterate(text):
    return " ".join("".join(_TRANSLIT[c] for c in t) for t in ArabicTokenizer().tokenize(text))


ARABIC_PAIRS = [
    ("اجتمع الرئيس التركي رجب طيب أردوغان مع الرئيس الروسي فلاديمير بوتين في موسكو",
     "وصل أردوغان إلى موسكو لإجراء محادثات مع الرئيس الروسي بوتين"),
    ("وأكد بوتين أن وقف إطلاق النار في سوريا صامد", "قال بوتين إن وقف إطلاق النار في سوريا صامد بوجه عام"),
]


@pytest.mark.parametrize(("reference", "candidate"), ARABIC_PAIRS)
def test_arabic_scores_equal_rouge_score_on_a_latin_transliteration(reference, candidate):
    ours = Rouge().score_one(candidate, reference)
    theirs = REFERENCE_SCORER.score(_transliterate(reference), _transliterate(candidate))
    for k in ("rouge1", "rouge2", "rougeL"):
        assert ours[k] == pytest.approx(theirs[k])
        assert ours[k].fmeasure > 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from("abc"), max_size=70), st.lists(st.sampled_from("abcd"), max_size=70))
def test_bit_parallel_lcs_equals_the_dynamic_programming_table(a, b):
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = table[i - 1][j - 1] + 1 if a[i - 1] == b[j - 1] else max(table[i - 1][j], table[i][j - 1])
    assert lcs_length(a, b) == table[-1][-1] == lcs_length(b, a)


# --- budgets and word cuts ----------------------------------------------------------------------------


def test_cut_words_keeps_the_first_n_whitespace_words():
    assert cut_words("ذهب  الولد\nإلى المدرسة", 3) == "ذهب الولد إلى"
    assert cut_words("ذهب", 10) == "ذهب"
    assert cut_words("ذهب الولد", 0) == ""
    with pytest.raises(InvalidOptionsError):
        cut_words("ذهب", -1)


@given(st.text(max_size=80), st.integers(min_value=0, max_value=30))
def test_cut_words_never_exceeds_the_budget(text, n):
    assert count_words(cut_words(text, n)) == min(n, count_words(text))


def test_budgets_parse_from_their_short_forms():
    assert parse_budget("ref") == Budget("ref")
    assert parse_budget("120") == Budget("words", 120)
    assert parse_budget("120w") == Budget("words", 120)
    assert parse_budget("1s") == Budget("sentences", 1)
    assert str(parse_budget("2 sentences")) == "2s"
    for bad in ("", "abc", "-3", "0s", "99999999999w", "10001s"):
        with pytest.raises(InvalidOptionsError):
            parse_budget(bad)


def test_reference_budget_is_the_mean_reference_length_rounded():
    item = EvalItem("t", (article("نص"),), ("واحد اثنان", "واحد اثنان ثلاثة اربعة خمسة"))  # 2 and 5 words
    assert Budget("ref").options(item).words == 4  # round(3.5) = 4 (banker's rounding)
    assert Budget("sentences", 1).options(item).sentences == 1


# --- whole evaluations ------------------------------------------------------------------------------

TEXT = (
    "اجتمع الرئيس التركي مع الرئيس الروسي في موسكو اليوم.\n"
    "وبحث الرئيسان الوضع في سوريا والتعاون الاقتصادي.\n"
    "وقال مراسل إن الطقس كان باردا في العاصمة."
)


def _items():
    return [
        EvalItem("one", (article(TEXT, "a"),), ("اجتمع الرئيس التركي مع الرئيس الروسي في موسكو اليوم.",)),
        EvalItem("two", (article(TEXT, "b"),), ("وقال مراسل إن الطقس كان باردا في العاصمة.",)),
    ]


def test_run_scores_every_system_and_cuts_candidates_to_the_word_budget():
    report = run("toy", _items(), ["lead", "random:1"], Budget("sentences", 1))
    assert [r.name for r in report.results] == ["lead", "random:1"]
    lead = report.results[0]
    # lead-1 is the first reference exactly (P = R = 1) and shares only "في" with the second
    assert lead.mean["rouge1"].recall == pytest.approx((1 + 1 / 8) / 2)
    assert lead.n_items == 2 and lead.n_failed == 0
    cut = run("toy", _items(), ["lead"], Budget("words", 3))
    assert cut.results[0].mean_words <= 3


def test_report_renders_a_markdown_table_and_json_with_budget_and_rules():
    report = run("toy", _items(), ["lead"], Budget("ref"))
    md = report.to_markdown()
    assert "| lead |" in md and "R-2 F" in md and "mean reference length" in md
    data = json.loads(report.to_json())
    assert data["budget"] == "ref" and data["items"] == 2
    assert set(data["systems"][0]["scores"]) == set(flatten(report.results[0].mean))
    assert "skipping" in data["selection_rule"]


def test_unknown_system_is_refused_before_any_work_listing_valid_names():
    with pytest.raises(InvalidOptionsError, match="valid systems: khulasa, lead"):
        run("toy", _items(), ["lead", "nope"], Budget("ref"))


def test_khulasa_system_is_scored_through_summarize():
    report = run("toy", _items(), ["khulasa"], Budget("words", 20))
    assert report.results[0].n_failed == 0
    assert 0 < report.results[0].mean_words <= 20


def test_eval_cli_on_a_generic_folder_writes_json(tmp_path, capsys):
    root = tmp_path / "bench"
    (root / "inputs" / "c1").mkdir(parents=True)
    (root / "references" / "c1").mkdir(parents=True)
    (root / "inputs" / "c1" / "a.txt").write_text(TEXT, encoding="utf-8")
    (root / "references" / "c1" / "ref1.txt").write_text("وبحث الرئيسان الوضع في سوريا.", encoding="utf-8")
    out = tmp_path / "report.json"
    code = main(["eval", str(root), "--systems", "lead,random", "--format", "json", "-o", str(out)])
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [s["system"] for s in data["systems"]] == ["lead", "random"]
    assert data["items"] == 1 and data["command"].startswith("khulasa eval")
    assert main(["eval", str(root), "--systems", "lead", "--budget", "1s"]) == 0
    assert "| lead |" in capsys.readouterr().out


def test_eval_cli_reports_bad_systems_and_datasets_as_usage_errors(tmp_path, capsys):
    assert main(["eval", str(tmp_path), "--systems", "lead,bogus"]) == 2
    assert "valid systems" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "missing")]) == 3
    assert "unknown dataset" in capsys.readouterr().err


def test_cut_words_counts_a_giant_word_as_every_budget_does():
    assert cut_words("ب" * 1000, 3) == "ب" * 150
    assert count_words(cut_words("-".join(["كلمة"] * 1000), 10)) == 10


def _eval_quality(monkeypatch):
    """benchmarks/eval_quality.py with its data, scoring and CLI timing replaced by instant fakes."""
    import importlib.util
    from pathlib import Path
    from types import SimpleNamespace

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "eval_quality.py"
    spec = importlib.util.spec_from_file_location("eval_quality_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = SimpleNamespace(results=[], to_markdown=lambda: "| system | R-2 |\n")
    monkeypatch.setattr(module.datasets, "load_dataset", lambda *a, **k: [])
    monkeypatch.setattr(module.evaluate, "run", lambda *a, **k: report)
    monkeypatch.setattr(module, "time_cli_easc", lambda root: (0.0, 0))
    return module


def test_eval_quality_prints_and_never_overwrites_the_tracked_results_unless_asked(monkeypatch, capsys, tmp_path):
    module = _eval_quality(monkeypatch)
    tracked = module.RESULTS.read_bytes()
    assert module.main([]) == 0
    assert "# Summary quality" in capsys.readouterr().out
    assert module.RESULTS.read_bytes() == tracked
    target = tmp_path / "quality.md"
    assert module.main(["-o", str(target)]) == 0
    assert "# Summary quality" in target.read_text(encoding="utf-8")
    assert module.RESULTS.read_bytes() == tracked
    written = []
    monkeypatch.setattr(type(module.RESULTS), "write_text", lambda self, text, **kw: written.append(self))
    assert module.main(["--write"]) == 0
    assert written == [module.RESULTS]
