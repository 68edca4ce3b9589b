"""Sentence splitting: boundaries, quotes, numbers, abbreviations, headings, offsets, robustness."""

from __future__ import annotations

import itertools

import pytest
from conftest import article
from hypothesis import given, settings
from hypothesis import strategies as st

from khulasa.segment import MAX_SENTENCE_CHARS, MAX_SENTENCE_WORDS, segment, split_spans
from khulasa.text.normalize import MAX_WORD_CHARS, count_words, terms, tokenize, word_tokens


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e, _ in split_spans(text)]


# (case name, input, expected sentences)
SPLITS = [
    ("full stop", "ذهب الرئيس. عاد الوزير.", ["ذهب الرئيس.", "عاد الوزير."]),
    ("arabic question mark", "هل انتهت الأزمة؟ لا أحد يعرف.", ["هل انتهت الأزمة؟", "لا أحد يعرف."]),
    ("latin question mark", "هل انتهت? لا.", ["هل انتهت?", "لا."]),
    ("exclamation", "يا له من يوم! بدأت القمة.", ["يا له من يوم!", "بدأت القمة."]),
    ("ellipsis character", "وانتظر الجميع… ثم بدأ الحديث.", ["وانتظر الجميع…", "ثم بدأ الحديث."]),
    ("three dots", "وانتظر الجميع... ثم بدأ الحديث.", ["وانتظر الجميع...", "ثم بدأ الحديث."]),
    ("terminator run", "حقا؟! نعم.", ["حقا؟!", "نعم."]),
    ("newline ends a sentence", "سطر أول بلا نقطة\nسطر ثان", ["سطر أول بلا نقطة", "سطر ثان"]),
    ("blank lines between paragraphs", "فقرة أولى.\n\n\nفقرة ثانية.", ["فقرة أولى.", "فقرة ثانية."]),
    (
        "no space after full stop",
        "انتهت القمة عام 2015.وقال الرئيس كلمة.",
        ["انتهت القمة عام 2015.", "وقال الرئيس كلمة."],
    ),
    (
        "no split at arabic comma",
        "قال الرئيس، في مؤتمر صحفي، إنه راض.",
        ["قال الرئيس، في مؤتمر صحفي، إنه راض."],
    ),
    ("no split at arabic semicolon", "وصل الوفد؛ ثم بدأت المحادثات.", ["وصل الوفد؛ ثم بدأت المحادثات."]),
    ("no split at colon", "وقال بوتين: نحن مستعدون.", ["وقال بوتين: نحن مستعدون."]),
    # quotes and brackets
    (
        "guillemets keep sentences together",
        "قال: «نحن هنا. لن نغادر». ثم غادر.",
        ["قال: «نحن هنا. لن نغادر».", "ثم غادر."],
    ),
    (
        "closing guillemet stays with the sentence",
        "قال: «انتهى الأمر.» ثم صمت.",
        ["قال: «انتهى الأمر.»", "ثم صمت."],
    ),
    ("curly quotes", "قال “لا. أبدا” وانصرف. ثم عاد.", ["قال “لا. أبدا” وانصرف.", "ثم عاد."]),
    ("straight quotes", 'قال "لا. أبدا" وانصرف. ثم عاد.', ['قال "لا. أبدا" وانصرف.', "ثم عاد."]),
    (
        "straight quote after a conjunction",
        'وقال إن تركيا تتعاون، و"لابد. أن تعمل" الأطراف. ثم.',
        ['وقال إن تركيا تتعاون، و"لابد. أن تعمل" الأطراف.', "ثم."],
    ),
    (
        "straight quote after a colon",
        'وتابع:"ننتظر. من روسيا". وأضاف.',
        ['وتابع:"ننتظر. من روسيا".', "وأضاف."],
    ),
    (
        "parentheses",
        "التقى الرئيس (وهو عائد من موسكو. بعد القمة) نظيره. ثم عاد.",
        ["التقى الرئيس (وهو عائد من موسكو. بعد القمة) نظيره.", "ثم عاد."],
    ),
    (
        "closing bracket after terminator",
        "وهذا كل شيء (كما قال.) وانتهى.",
        ["وهذا كل شيء (كما قال.)", "وانتهى."],
    ),
    (
        "missing closing quote falls back to splitting",
        "قال «نحن هنا. لن نغادر. ثم غادر.",
        ["قال «نحن هنا.", "لن نغادر.", "ثم غادر."],
    ),
    (
        "missing closing quote stops at the paragraph",
        "قال «نحن هنا\nثم غادر. وعاد.",
        ["قال «نحن هنا", "ثم غادر.", "وعاد."],
    ),
    ("stray closing quote is ignored", 'مستعدين للتعاون". ثم عاد.', ['مستعدين للتعاون".', "ثم عاد."]),
    # numbers
    ("percent", "ارتفع النمو 8%. وتراجع التضخم.", ["ارتفع النمو 8%.", "وتراجع التضخم."]),
    ("decimal", "بلغ النمو 3.5 في المئة.", ["بلغ النمو 3.5 في المئة."]),
    ("decimal millions", "بلغت الصادرات 2.5 مليون طن.", ["بلغت الصادرات 2.5 مليون طن."]),
    ("date with slash", "وصل في 10/3 إلى موسكو.", ["وصل في 10/3 إلى موسكو."]),
    ("dotted date", "وصل في 10.10.2016 إلى موسكو.", ["وصل في 10.10.2016 إلى موسكو."]),
    (
        "aircraft model",
        "أسقطت تركيا طائرة سو-24. ثم توترت العلاقات.",
        ["أسقطت تركيا طائرة سو-24.", "ثم توترت العلاقات."],
    ),
    ("list number at line start", "1. الطاقة هي الملف الأول.", ["1. الطاقة هي الملف الأول."]),
    ("era letter after a year ends a sentence", "ولد عام 1950 م. ثم هاجر.", ["ولد عام 1950 م.", "ثم هاجر."]),
    (
        "two dots are a pause, not a boundary",
        "سامسونغ.. غالاكسي الجديد. ثم عاد.",
        ["سامسونغ.. غالاكسي الجديد.", "ثم عاد."],
    ),
    # abbreviations
    ("doctor", "قال د. محمد علي إن الوضع خطير.", ["قال د. محمد علي إن الوضع خطير."]),
    ("doctor without space", "قال د.محمد علي إن الوضع خطير.", ["قال د.محمد علي إن الوضع خطير."]),
    ("engineer", "وصل م. أحمد إلى الموقع.", ["وصل م. أحمد إلى الموقع."]),
    ("professor doctor", "حاضر أ. د. سمير في الجامعة.", ["حاضر أ. د. سمير في الجامعة."]),
    (
        "latin initials",
        "وقال مسؤولون في U.S. Army إن القوات وصلت.",
        ["وقال مسؤولون في U.S. Army إن القوات وصلت."],
    ),
    ("middle initial", "ألقى جورج و. بوش كلمة.", ["ألقى جورج و. بوش كلمة."]),
    ("latin title", "التقى Dr. Smith الوفد. ثم غادر.", ["التقى Dr. Smith الوفد.", "ثم غادر."]),
    (
        "initials spelled in arabic",
        "افتتحت أيه. إم. سي. دارا جديدة. ثم أغلقت.",
        ["افتتحت أيه. إم. سي. دارا جديدة.", "ثم أغلقت."],
    ),
    (
        "spelled letter at the end of a sentence",
        "قال لشبكة سي إن إن. ثم غادر.",
        ["قال لشبكة سي إن إن.", "ثم غادر."],
    ),
    ("before christ", "بنيت عام 2000 ق. م. تقريبا.", ["بنيت عام 2000 ق. م. تقريبا."]),
    (
        "url",
        "للمزيد زوروا www.aljazeera.net/news?id=3 اليوم.",
        ["للمزيد زوروا www.aljazeera.net/news?id=3 اليوم."],
    ),
    ("email", "راسلونا على info@example.com للمزيد.", ["راسلونا على info@example.com للمزيد."]),
    # letterless fragments
    ("dots alone join the previous sentence", "انتهى الاجتماع. ...", ["انتهى الاجتماع. ..."]),
    # a source written after the full stop of the sentence it sources joins that sentence
    (
        "source after the full stop",
        "اقتربت سفينة حربية صينية من مدمرة أميركية. بحسب البحرية الأميركية. ثم ابتعدت.",
        ["اقتربت سفينة حربية صينية من مدمرة أميركية. بحسب البحرية الأميركية.", "ثم ابتعدت."],
    ),
    (
        "source with a reporting verb after the full stop",
        "وقع زلزال بقوة 6 درجات قبالة جزيرة سومبا. كما أعلن المعهد الجيولوجي الأميركي.",
        ["وقع زلزال بقوة 6 درجات قبالة جزيرة سومبا. كما أعلن المعهد الجيولوجي الأميركي."],
    ),
    (
        "a source opening a sentence with content is a sentence",
        "انتهى الاجتماع. وفقا لمصادر مطلعة، سيعقد اجتماع آخر الأسبوع المقبل.",
        ["انتهى الاجتماع.", "وفقا لمصادر مطلعة، سيعقد اجتماع آخر الأسبوع المقبل."],
    ),
    ("a source opening a paragraph stays", "انتهى الاجتماع.\nحسب رويترز.", ["انتهى الاجتماع.", "حسب رويترز."]),
    ("empty text", "", []),
    ("only whitespace", " \n\t \n", []),
    ("line without letters or digits", "&\nجملة.", ["جملة."]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in SPLITS], ids=[c[0] for c in SPLITS])
def test_split(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_spans_are_stripped_offsets_into_the_text() -> None:
    text = "  جملة أولى.   جملة ثانية.  \n\n  فقرة ثانية  "
    spans = split_spans(text)
    assert spans == [(2, 12, 0), (15, 26, 0), (32, 42, 1)]
    assert [text[s:e] for s, e, _ in spans] == ["جملة أولى.", "جملة ثانية.", "فقرة ثانية"]


WRAPPED = (
    "غادر رئيس جمعية المحاسبين القانونيين الاردنيين الى تونس يوم الثلاثاء الماضي\n"
    "ليشارك في الندوة الدولية الخامسة التي تنظمها الفيدرالية الدولية للخبراء\n"
    "المحاسبين حول الحاكمية المؤسسية. وكان قد تلقى البشير دعوة لحضور الندوة.\n"
    "وسيعقد الاتحاد العام للمحاسبين والمراجعين العرب اجتماعا هاما يتعلق بوحدة\n"
    "العمل العربي المشترك وتفعيل دوره على الساحة العربية والاقليمية والدولية.\n"
    "\n"
    "وقد اشار السيد البشير الى ان اهمية هذا الاجتماع تكمن في تعديل النظام\n"
    "الاساسي لتكون الرئاسة دوريا.\n"
)


def test_hard_wrapped_lines_are_joined_into_sentences() -> None:
    got = split_spans(WRAPPED)
    texts = [" ".join(WRAPPED[s:e].split()) for s, e, _ in got]
    assert texts[0].startswith("غادر") and texts[0].endswith("المؤسسية.")
    assert texts[2].startswith("وسيعقد") and texts[2].endswith("والدولية.")
    assert len(got) == 4
    assert [p for _, _, p in got] == [0, 0, 1, 2]


def test_one_paragraph_per_line_without_full_stops_is_not_joined() -> None:
    words = "وقال المتحدث باسم الوزارة في بيان إن الوفد سيصل غدا إلى العاصمة لإجراء محادثات مع المسؤولين"
    lines = [" ".join(words.split()[:n]) for n in (4, 14, 7, 16, 5, 11)]  # lengths vary, as paragraphs do
    assert len(split_spans("\n".join(lines))) == 6


def test_paragraphs_count_non_empty_lines() -> None:
    spans = split_spans("جملة أولى.\n\n\nجملة ثانية. جملة ثالثة.\nجملة رابعة")
    assert [p for _, _, p in spans] == [0, 1, 1, 2]


# (case name, text, heading flags)
HEADINGS = [
    ("one word title", "سوريا\nوقال الرئيس إن الوضع صعب.", [True, False]),
    ("two word title", "مراحل العلاقات\nوقد مرت العلاقات بكثير من الشد.", [True, False]),
    ("title with stray ampersand", "يوم حافل&\nمن جانبه قال الرئيس كلمة.", [True, False]),
    (
        "speaker prefix with text is not a heading",
        "نصر المجالي: أعلنت قمة تركية روسية عن التنسيق.\nوعقد الرئيس لقاء.",
        [False, False],
    ),
    ("speaker line ending in colon is not a heading", "وقال الرئيس:\nنحن مستعدون للتعاون.", [False, False]),
    ("short sentence with full stop is not a heading", "انتهت القمة.\nوعاد الوفد.", [False, False]),
    (
        "long line without punctuation is not a heading",
        "وقال الرئيس إن البلدين سيعملان معا على حل الأزمة\nثم عاد.",
        [False, False],
    ),
    ("last line is not a heading", "وقال الرئيس إن الوضع صعب.\nيوم حافل", [False, False]),
    ("single short line is not a heading", "بوتين يلتقي أردوغان", [False]),
    ("short line among sentences of one paragraph", "انتهى. يوم حافل\nثم عاد.", [False, False, False]),
    ("number-only line", "2016\nوصل الوفد.", [True, False]),
]


@pytest.mark.parametrize(("text", "flags"), [c[1:] for c in HEADINGS], ids=[c[0] for c in HEADINGS])
def test_headings(text: str, flags: list[bool]) -> None:
    assert [s.is_heading for s in segment(article(text))] == flags


def test_segment_fills_every_field() -> None:
    text = "سوريا\nوقال الرئيس الروسي إن الوضع صعب. ووصل الوفد."
    got = segment(article(text, "x1"))
    assert [(s.article_id, s.index, s.paragraph) for s in got] == [("x1", 0, 0), ("x1", 1, 1), ("x1", 2, 1)]
    for s in got:
        assert s.text == text[s.start : s.end]
        assert word_tokens(s.text.split()) == tuple(tokenize(s.text))
        assert s.terms == tuple(terms(s.text))
        assert s.n_words == count_words(s.text)
    assert "الروسي" in word_tokens(got[1].text.split()) and "قال" not in got[1].terms


def test_example_article_with_missing_closing_quote_keeps_its_sentences(example_dir) -> None:
    text = (example_dir / "003_4f8fa452f22a0a4f.txt").read_text(encoding="utf-8")
    got = segment(article(text))
    assert [s.text for s in got if s.is_heading] == ["سوريا&", "يوم حافل&"]
    assert len(got) >= 14
    assert all(len(s.text) < 600 for s in got)


def test_example_articles_split_into_many_sentences(example_dir) -> None:
    for path in sorted(example_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        got = segment(article(text))
        assert len(got) >= text.count("\n") // 2
        assert all(s.text == text[s.start : s.end] for s in got)


def test_no_sentence_cap_and_linear_in_size() -> None:
    unit = "قال الرئيس «نحن هنا. لن نغادر» في 3.5 ثانية، وأضاف د. محمد: (نعم.) انتهى! "
    small = split_spans(unit * 200)
    big = split_spans(unit * 20_000)  # ~1.5 MB on one line
    assert len(big) == 100 * len(small) == 20_000 * 2


def test_one_huge_run_on_line_is_split_at_word_boundaries() -> None:
    text = "كلمة " * 200_000
    spans = split_spans(text)
    assert len(spans) == 200_000 // MAX_SENTENCE_WORDS
    assert all(count_words(text[s:e]) == MAX_SENTENCE_WORDS for s, e, _ in spans)
    # every piece runs from the start of a word to the end of one, and together they hold every word
    assert all(text[s:e] == text[s:e].strip() for s, e, _ in spans)
    assert " ".join(text[s:e] for s, e, _ in spans) == text.strip()


def test_a_two_million_letter_word_is_cut_into_pieces_with_exact_offsets() -> None:
    text = "قال " + "ب" * 2_000_000 + " انتهى."
    sentences = segment(article(text))
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in sentences)
    assert all(s.text == text[s.start : s.end] for s in sentences)
    # nothing but whitespace is left out between pieces
    assert sentences[0].start == 0 and sentences[-1].end == len(text)
    assert all(not text[a.end : b.start].strip() for a, b in itertools.pairwise(sentences))
    assert max(s.n_words for s in sentences) <= MAX_SENTENCE_WORDS


def test_a_text_joined_with_hyphens_counts_as_many_words() -> None:
    text = "-".join(["كلمة"] * 100_000)
    sentences = segment(article(text))
    assert sum(s.n_words for s in sentences) == count_words(text) == -(-len(text) // MAX_WORD_CHARS)
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in sentences)
    assert "".join(s.text for s in sentences) == text


def test_normal_sentences_are_not_capped() -> None:
    sentence = " ".join(["كلمة"] * (MAX_SENTENCE_WORDS - 1)) + "."
    assert split_spans(sentence + " " + sentence) == [
        (0, len(sentence), 0),
        (len(sentence) + 1, 2 * len(sentence) + 1, 0),
    ]


def test_unmatched_openers_then_unmatched_closers_stay_linear() -> None:
    text = "قال (كذا. " * 20_000 + "ثم» عاد. " * 20_000
    assert len(split_spans(text)) == 40_000


def test_many_unbalanced_quotes_do_not_glue_the_line() -> None:
    text = "«قال شيئا. " * 10_000
    assert len(split_spans(text)) == 10_000


@st.composite
def news_like(draw: st.DrawFn) -> str:
    pieces = st.sampled_from(
        [
            "قال",
            "الرئيس",
            " ",
            ".",
            "؟",
            "!",
            "…",
            "،",
            "«",
            "»",
            '"',
            "(",
            ")",
            "\n",
            "3.5",
            "د.",
            "U.S.",
            ":",
            "&",
        ]
    )
    return "".join(draw(st.lists(pieces | st.text(max_size=3), max_size=60)))


def _check_spans(text: str) -> None:
    spans = split_spans(text)
    last_end = 0
    last_paragraph = -1
    for start, end, paragraph in spans:
        assert last_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        assert paragraph >= last_paragraph
        last_end, last_paragraph = end, paragraph
    got = segment(article(text))
    assert [(s.start, s.end, s.paragraph) for s in got] == spans
    assert all(s.text == text[s.start : s.end] for s in got)
    assert [s.index for s in got] == list(range(len(got)))


@settings(max_examples=300, deadline=None)
@given(news_like())
def test_spans_are_ordered_disjoint_stripped_and_match_sentences(text: str) -> None:
    _check_spans(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_unicode_text_segments_without_error(text: str) -> None:
    _check_spans(text)


def test_a_candidate_is_an_arabic_sentence_with_a_content_term_that_is_not_a_heading():
    from khulasa.segment import is_candidate

    kept, english, stopwords = segment(article(
        "وصل الرئيس الروسي إلى إسطنبول للمشاركة في مؤتمر الطاقة الدولي.\n"
        "The president arrived in Istanbul for the energy conference today.\n"
        "في من على إلى."
    ))
    assert is_candidate(kept)
    assert not english.is_arabic and not is_candidate(english)
    assert not stopwords.terms and not is_candidate(stopwords)
    heading = segment(article("مؤتمر الطاقة\n\nوصل الرئيس الروسي إلى إسطنبول للمشاركة في مؤتمر الطاقة الدولي."))[0]
    assert heading.is_heading and not is_candidate(heading)


def test_paragraph_lines_end_where_their_break_begins_for_every_line_break():
    # _paragraphs splits once (str.splitlines with the breaks kept): each non-blank line runs from its
    # start to its break, whatever the break (every character str.splitlines breaks at, and \r\n)
    from khulasa.segment import _BREAK_CHARS, _paragraphs

    breaks = [c for c in map(chr, range(0x110000)) if len(("a" + c + "b").splitlines()) == 2]
    assert set(_BREAK_CHARS) == set(breaks)
    for br in [*breaks, "\r\n"]:
        text = f"  السطر الأول \t{br}{br} \u00a0{br}السطر الثاني{br}  ثالث  "
        expected = []
        at = 0
        for line, raw in zip(text.splitlines(), text.splitlines(keepends=True), strict=True):
            if line.strip():
                expected.append((at, at + len(line)))
            at += len(raw)
        assert _paragraphs(text) == expected, repr(br)
