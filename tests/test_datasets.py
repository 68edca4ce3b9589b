"""Dataset loaders on small corpora the tests write themselves (the real data is never needed here)."""

from __future__ import annotations

import io
import tarfile

import pytest

from khulasa.errors import NoInputError
from khulasa.eval.datasets import (
    EvalItem,
    easc_root,
    iter_ant_bbc,
    iter_easc,
    iter_generic,
    load_cluster,
    load_dataset,
    sample,
    unwrap_hard_wraps,
)
from tests.conftest import EXAMPLE_DIR, article

ARTICLE = "بيتهوفن مؤلف موسيقي ألماني.\r\nولد في بون عام 1770.\rتوفي في فيينا."


def make_easc(root, topics=("Topic1", "Topic2", "Topic10")):
    for n, topic in enumerate(topics):
        (root / "Articles" / topic).mkdir(parents=True)
        (root / "MTurk" / topic).mkdir(parents=True)
        # BOM and mixed line ends, as in the real corpus
        (root / "Articles" / topic / f"Art and Music ({n}).txt").write_bytes(b"\xef\xbb\xbf" + ARTICLE.encode())
        for k, letter in enumerate("ABC", start=1):
            ref = "بيتهوفن مؤلف موسيقي الماني." if k < 3 else "ولد في بون."
            (root / "MTurk" / topic / f"D01{n}.M.250.A.{k}.{letter}").write_text(ref, encoding="utf-8")
    return root


def test_easc_items_come_in_natural_topic_order_with_every_reference(tmp_path):
    items = list(iter_easc(make_easc(tmp_path / "EASC-UTF-8")))
    assert [i.id for i in items] == ["Topic1", "Topic2", "Topic10"]
    first = items[0]
    assert len(first.articles) == 1 and first.articles[0].id == "Art and Music (0)"
    assert len(first.references) == 3 and first.references[2] == "ولد في بون."
    assert len(first.paths) == 4


def test_easc_text_loses_its_bom_and_carriage_returns(tmp_path):
    text = next(iter_easc(make_easc(tmp_path / "c"))).articles[0].text
    assert not text.startswith("\ufeff") and "\r" not in text
    assert text.splitlines() == ["بيتهوفن مؤلف موسيقي ألماني.", "ولد في بون عام 1770.", "توفي في فيينا."]


def test_easc_root_accepts_the_corpus_or_its_parent_and_topics_can_be_pinned(tmp_path):
    make_easc(tmp_path / "easc" / "EASC-UTF-8")
    assert easc_root(tmp_path / "easc") == tmp_path / "easc" / "EASC-UTF-8"
    assert [i.id for i in iter_easc(tmp_path / "easc", topics=["Topic10", "Topic1"])] == ["Topic1", "Topic10"]
    with pytest.raises(NoInputError, match="Topic99"):
        list(iter_easc(tmp_path / "easc", topics=["Topic99"]))
    with pytest.raises(NoInputError, match="no EASC corpus"):
        easc_root(tmp_path)


def test_hard_wrapped_lines_are_rejoined_but_headings_and_sentence_ends_keep_their_break():
    wrapped = (
        "أخبار الاقتصاد\n"  # a short heading: kept
        "قال تجار آسيويون إن ارتفاع أسعار البيع الرسمية لنفوط الشرق الأوسط وتنامي\n"
        "إمدادات أوبك قد يحدان من الطلب.\n"  # joined to the line above, which does not end a sentence
        "ورفعت السعودية وإيران والعراق والكويت أسعار البيع الرسمية لخاماتهم الثقيلة.\n"
        "\n"
        "فقرة أخرى."
    )
    assert unwrap_hard_wraps(wrapped).split("\n") == [
        "أخبار الاقتصاد",
        "قال تجار آسيويون إن ارتفاع أسعار البيع الرسمية لنفوط الشرق الأوسط وتنامي إمدادات أوبك قد يحدان من الطلب.",
        "ورفعت السعودية وإيران والعراق والكويت أسعار البيع الرسمية لخاماتهم الثقيلة.",
        "",
        "فقرة أخرى.",
    ]
    assert unwrap_hard_wraps("سطر واحد") == "سطر واحد"


def _trec(docno, src, abstract, text):
    return (
        f"<DOC>\n<DOCNO>{docno}</DOCNO>\n<SRC>{src}</SRC>\n<TITLE>عنوان</TITLE>\n"
        f"<TIME>Sun, 18 Feb 2018 17:21:49 GMT</TIME>\n<ABSTRACT>\n{abstract}\n</ABSTRACT>\n"
        f"<TEXT>\n{text}\n</TEXT>\n</DOC>\n"
    )


def make_ant(path, n_bbc=6):
    docs = {f"BBC/sport/BB-sport-{i}-20180218.txt": _trec(f"BB-sport-{i}-20180218", "BBC",
                                                            f"ملخص الخبر رقم {i}.", f"نص الخبر رقم {i}.\nفقرة ثانية.")
            for i in range(n_bbc)}
    docs["BBC/sport/BB-sport-empty.txt"] = _trec("BB-sport-empty", "BBC", "", "نص بلا ملخص.")
    docs["CNN/sport/CN-sport-1.txt"] = _trec("CN-sport-1", "CNN", "ملخص آخر.", "نص آخر.")
    with tarfile.open(path, "w:gz") as tar:
        for name, content in docs.items():
            data = content.encode("utf-8")
            info = tarfile.TarInfo(f"./{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_ant_bbc_takes_text_as_input_and_the_abstract_as_reference(tmp_path):
    items = list(iter_ant_bbc(make_ant(tmp_path / "ant.tar.gz")))
    assert [i.id for i in items] == [f"BB-sport-{i}-20180218" for i in range(6)]  # no CNN, no empty abstract
    first = items[0]
    assert first.references == ("ملخص الخبر رقم 0.",)
    assert first.articles[0].text == "نص الخبر رقم 0.\nفقرة ثانية."
    assert "ant.tar.gz:" in first.paths[0]


def test_ant_bbc_limit_is_a_deterministic_sample_independent_of_order(tmp_path):
    archive = make_ant(tmp_path / "ant.tar.gz", n_bbc=12)
    a = [i.id for i in iter_ant_bbc(archive, limit=4)]
    b = [i.id for i in iter_ant_bbc(archive, limit=4)]
    assert a == b and len(a) == 4
    items = [EvalItem(x, (), ("r",)) for x in "abcdefgh"]
    assert [i.id for i in sample(items, 3)] == [i.id for i in sample(list(reversed(items)), 3)]
    assert len(sample(items, None)) == 8


def test_generic_folder_pairs_inputs_and_references_by_cluster(tmp_path):
    for cluster in ("c2", "c10"):
        (tmp_path / "inputs" / cluster).mkdir(parents=True)
        (tmp_path / "references" / cluster).mkdir(parents=True)
        (tmp_path / "inputs" / cluster / "x.txt").write_text("خبر أول.", encoding="utf-8")
        (tmp_path / "inputs" / cluster / "y.json").write_text('{"id": "y", "text": "خبر ثان."}', encoding="utf-8")
        (tmp_path / "references" / cluster / "r1.txt").write_text("ملخص.", encoding="utf-8")
    items = list(iter_generic(tmp_path))
    assert [i.id for i in items] == ["c2", "c10"]
    assert sorted(a.id for a in items[0].articles) == ["x", "y"]
    assert items[0].references == ("ملخص.",)
    assert load_dataset(str(tmp_path), limit=1)[0].id in {"c2", "c10"}


def test_generic_folder_without_references_for_a_cluster_is_refused(tmp_path):
    (tmp_path / "inputs" / "c1").mkdir(parents=True)
    (tmp_path / "references").mkdir()
    with pytest.raises(NoInputError, match="c1"):
        list(iter_generic(tmp_path))
    with pytest.raises(NoInputError, match="not an evaluation folder"):
        list(iter_generic(tmp_path / "inputs"))


def test_cluster_from_the_example_with_our_reference(tmp_path):
    from tests.conftest import ROOT

    item = load_cluster(EXAMPLE_DIR, [ROOT / "tests/data/eval/putin-erdogan.ref.txt"], id="pe")
    assert len(item.articles) == 5 and len(item.references) == 1
    assert all(line in " ".join(a.text for a in item.articles) for line in item.references[0].splitlines())
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(NoInputError, match="no non-empty reference"):
        load_cluster(EXAMPLE_DIR, [empty], id="pe")


def test_unknown_dataset_name_lists_the_choices(tmp_path):
    with pytest.raises(NoInputError, match="easc, ant-bbc"):
        load_dataset("duc2004", tmp_path)
    with pytest.raises(NoInputError, match="no ANT archive"):
        load_dataset("ant-bbc", tmp_path)


def test_eval_items_hold_articles_and_references():
    item = EvalItem("x", (article("نص"),), ("ملخص",))
    assert item.paths == () and item.articles[0].text == "نص"
