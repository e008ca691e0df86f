"""The QTI export: built through text2qti, then re-read with text2qti and from the package's XML.

Golden file: ``tests/golden/qti-fixture.txt`` holds the text2qti quiz text the
package is built from; rewrite it after an intended change with
``KAODIAN_UPDATE_GOLDEN=1 pytest tests/test_export_qti.py``.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES, check_golden, make_questions, questions_of
from kaodian.export import qti
from kaodian.model import Question
from kaodian.options import BuildOptions

NS = {"q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}


def _plain(fragment: str) -> str:
    """What a browser shows for an HTML fragment of one paragraph."""
    inner = re.fullmatch(r"<p>(.*)</p>", fragment.strip(), re.S)
    assert inner, fragment
    assert "<" not in inner.group(1), f"markup where text was meant: {fragment}"
    return html.unescape(inner.group(1))


# ---------------------------------------------------------------- re-reading with text2qti


@dataclass
class Read:
    title: str
    type: str
    text: str
    choices: list[str]
    correct: list[str]
    feedback: str


def reread(text: str) -> list[Read]:
    """Parse quiz text with text2qti, as its command line would, and show each question as a reader sees it."""
    from text2qti.config import Config
    from text2qti.quiz import Question as TQuestion
    from text2qti.quiz import Quiz

    quiz = Quiz(text, config=Config())
    out: list[Read] = []
    for item in quiz.questions_and_delims:
        assert isinstance(item, TQuestion)
        shortans = item.type == "short_answer_question"
        choices = [
            html.unescape(c.choice_xml) if shortans else _plain(html.unescape(c.choice_html_xml)) for c in item.choices
        ]
        out.append(
            Read(
                title=html.unescape(item.title_xml),
                type=item.type or "",
                text=_plain(html.unescape(item.question_html_xml)),
                choices=choices,
                correct=[c for c, raw in zip(choices, item.choices, strict=True) if raw.correct],
                feedback=_plain(html.unescape(item.feedback_html_xml)) if item.feedback_html_xml else "",
            )
        )
    return out


@pytest.fixture
def read(questions: tuple[Question, ...]) -> dict[str, Read]:
    return {r.title: r for r in reread(qti.render_text(questions))}


def test_cloze_becomes_short_answer_one_question_per_blank(read: dict[str, Read]) -> None:
    one = read["q-cloze-1"]
    assert (one.type, one.text, one.correct) == (
        "short_answer_question",
        "党群关系是检验我们党执政能力的____。",
        ["根本指标"],
    )
    assert one.feedback == "党群关系是检验我们党执政能力的根本指标。"
    texts = [read[f"q-cloze-2 ({n}/3)"].text for n in (1, 2, 3)]
    assert texts == [
        "权为民所____，情为民所系，利为民所谋。",
        "权为民所用，情为民所____，利为民所谋。",
        "权为民所用，情为民所系，利为民所____。",
    ]
    assert [read[f"q-cloze-2 ({n}/3)"].correct for n in (1, 2, 3)] == [["用"], ["系"], ["谋"]]


@pytest.mark.parametrize("qid", ["q-single-1", "q-quote-1"])
def test_single_and_quote_are_multiple_choice(read: dict[str, Read], qid: str) -> None:
    source = next(q for q in make_questions() if q.id == qid)
    r = read[qid]
    assert (r.type, r.text, r.choices, r.correct) == (
        "multiple_choice_question",
        source.prompt,
        list(source.choices),
        list(source.answer),
    )


def test_multiple_is_multiple_answers(read: dict[str, Read]) -> None:
    r = read["q-multiple-1"]
    assert r.type == "multiple_answers_question"
    assert (r.choices, r.correct) == (["世界观", "方法论", "人生观", "价值观"], ["世界观", "人生观", "价值观"])


def test_truefalse_is_true_false_with_the_correction_as_feedback(read: dict[str, Read]) -> None:
    false, true = read["q-tf-1"], read["q-tf-2"]
    assert (false.type, false.correct, false.feedback) == (
        "true_false_question",
        ["False"],
        "密切联系群众是我们党的优良传统和作风。",
    )
    assert (true.type, true.correct) == ("true_false_question", ["True"])


def test_order_is_short_answer_of_the_letters_in_source_order(read: dict[str, Read]) -> None:
    r = read["q-order-1"]
    assert r.type == "short_answer_question"
    assert "A. 利为民所谋 B. 权为民所用 C. 情为民所系" in r.text
    assert r.correct[0] == "BCA" and "B、C、A" in r.correct
    assert r.feedback == "权为民所用 → 情为民所系 → 利为民所谋"


def test_order_hint_follows_the_language_and_unmatched_items_make_an_essay() -> None:
    order = make_questions()[7]
    [english] = reread(qti.render_text([replace(order, language="en")]))
    assert english.text.endswith("(type the letters of the items in their order)")
    [essay] = reread(qti.render_text([replace(order, choices=("甲", "乙", "丙"))]))
    assert (essay.type, essay.feedback) == ("essay_question", "(1) 权为民所用 (2) 情为民所系 (3) 利为民所谋")
    assert essay.text.endswith("A. 甲 B. 乙 C. 丙")


def test_list_and_short_are_essays_with_the_reference_as_feedback(read: dict[str, Read]) -> None:
    listed, short = read["q-list-1"], read["q-short-1"]
    assert (listed.type, short.type) == ("essay_question", "essay_question")
    assert listed.feedback == "(1) 成功执政的根本保证 (2) 检验执政能力的根本指标 (3) 党的优良传统和作风"
    assert short.text == "简述 <b>A & B</b> {特殊} ~字符~ = # : 的处理。"
    assert short.feedback == "(1) 保持原样 <script>alert(1)</script> (2) 第二点"


def test_quote_without_distractors_is_short_answer() -> None:
    [r] = reread(qti.render_text([replace(make_questions()[6], choices=())]))
    assert (r.type, r.correct) == ("short_answer_question", ["党的十六大报告"])


def test_a_cloze_without_answers_is_an_essay_not_dropped() -> None:
    [r] = reread(qti.render_text([replace(make_questions()[0], answer=("",))]))
    assert (r.type, r.text) == ("essay_question", "党群关系是检验我们党执政能力的____。")


def test_no_questions_is_an_error_that_says_what_to_do() -> None:
    from kaodian.errors import OutputError

    with pytest.raises(OutputError, match="no questions"):
        qti.render([])


def test_the_same_text_twice_stays_two_questions() -> None:
    q = make_questions()[2]
    rows = reread(qti.render_text([q, replace(q, id="q-single-2")]))
    assert [r.title for r in rows] == ["q-single-1", "q-single-2"]
    assert rows[1].text == q.prompt + " [q-single-2]"


# Markdown and text2qti syntax: emphasis, code, LaTeX, lists, headings, links, HTML, entities, escapes
_NASTY = [
    "1. *斜体* _下划线_ **粗体** `代码` $x^2$ \\$ \\num{5}",
    "# 标题 > 引用 - 列表 + 加 [链接](http://a.b) ![图](x.png)",
    "<b>粗</b> &amp; &lt; <!-- 注释 --> 'a' \"b\" -- ... << >> | 表 |",
    "%不是注释 COMMENT a) b) [*] ___ ... Title: 中文",
]


@settings(max_examples=40, deadline=None)
@given(
    prompt=st.text(
        st.one_of(
            st.sampled_from(list("\\`*_{}[]()>#+-.!\"'|$<&%:~^=")),
            st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")),
        ),
        min_size=1,
        max_size=40,
    )
    .map(str.strip)
    .filter(bool),
    choices=st.lists(st.sampled_from([*_NASTY, "甲", "乙"]), min_size=2, max_size=4, unique=True),
)
@example(prompt=_NASTY[0], choices=_NASTY[1:])
def test_text_survives_text2qti_markdown(prompt: str, choices: list[str]) -> None:
    q = replace(make_questions()[2], prompt=prompt, choices=tuple(choices), answer=(choices[-1],))
    [r] = reread(qti.render_text([q]))
    assert r.text == prompt
    assert (r.choices, r.correct) == (choices, [choices[-1]])


# ---------------------------------------------------------------- the package, read from its XML


def _items(package: bytes) -> list[ElementTree.Element]:
    with zipfile.ZipFile(io.BytesIO(package)) as zf:
        names = zf.namelist()
        assert "imsmanifest.xml" in names
        [assessment] = [n for n in names if n.endswith(".xml") and "/" in n and not n.endswith("assessment_meta.xml")]
        root = ElementTree.fromstring(zf.read(assessment))
    return root.findall(".//q:item", NS)


def _field(item: ElementTree.Element, label: str) -> str:
    for f in item.findall(".//q:qtimetadatafield", NS):
        if f.findtext("q:fieldlabel", namespaces=NS) == label:
            return f.findtext("q:fieldentry", default="", namespaces=NS)
    raise AssertionError(f"no {label}")


def _correct(item: ElementTree.Element) -> list[str]:
    """The texts of the responses that score 100."""
    labels = {  # choices; a short answer has none and names the accepted text itself
        lab.get("ident"): _plain(lab.findtext(".//q:mattext", default="", namespaces=NS))
        for lab in item.findall(".//q:response_label", NS)
        if lab.find(".//q:mattext", NS) is not None
    }
    out: list[str] = []
    for cond in item.findall(".//q:respcondition", NS):
        if cond.findtext("q:setvar", namespaces=NS) == "100":
            for eq in cond.findall("q:conditionvar/q:varequal", NS) + cond.findall(
                "q:conditionvar/q:and/q:varequal", NS
            ):
                out.append(labels.get(eq.text or "", eq.text or ""))
    return out


def test_package_holds_every_question_with_its_type_and_chinese_text(questions: tuple[Question, ...]) -> None:
    items = _items(qti.render(questions))
    by_title = {i.get("title"): i for i in items}
    assert len(items) == len(questions) + 2
    assert {t: _field(i, "question_type") for t, i in by_title.items() if t and not t.startswith("q-cloze-2")} == {
        "q-cloze-1": "short_answer_question",
        "q-single-1": "multiple_choice_question",
        "q-multiple-1": "multiple_answers_question",
        "q-tf-1": "true_false_question",
        "q-tf-2": "true_false_question",
        "q-quote-1": "multiple_choice_question",
        "q-order-1": "short_answer_question",
        "q-list-1": "essay_question",
        "q-short-1": "essay_question",
    }
    text = _plain(by_title["q-single-1"].findtext(".//q:presentation/q:material/q:mattext", default="", namespaces=NS))
    assert text == "党群关系是检验我们党执政能力的（  ）。"
    assert _correct(by_title["q-single-1"]) == ["根本指标"]
    assert _correct(by_title["q-multiple-1"]) == ["世界观", "人生观", "价值观"]
    assert _correct(by_title["q-tf-1"]) == ["False"]
    assert _correct(by_title["q-cloze-2 (2/3)"]) == ["系"]


def test_package_is_the_same_bytes_every_time(questions: tuple[Question, ...]) -> None:
    first = qti.render(questions)
    assert first == qti.render(questions)
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert f"<imsmd:dateTime>{qti.MANIFEST_DATE}</imsmd:dateTime>" in zf.read("imsmanifest.xml").decode()


def test_quiz_title_names_the_documents(questions: tuple[Question, ...]) -> None:
    assert qti.quiz_title(questions) == "学习材料样例"
    other = replace(questions[0], source=replace(questions[0].source, title="第二篇"))
    assert qti.quiz_title([*questions, other]) == "学习材料样例 / 第二篇"


def test_write_writes_the_zip(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    target = tmp_path / "set.qti.zip"
    assert qti.write(questions, target, BuildOptions()) == [target]
    assert target.read_bytes() == qti.render(questions)


def test_cli_exports_a_questions_file_to_qti(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    from kaodian.cli import main
    from kaodian.model import QuestionSet
    from kaodian.serialize import dumps, question_set_to_dict

    source = tmp_path / "questions.yaml"
    source.write_text(dumps(question_set_to_dict(QuestionSet(questions))), encoding="utf-8")
    out = tmp_path / "canvas.qti.zip"
    result = CliRunner().invoke(main, ["export", str(source), "--to", "qti", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(_items(out.read_bytes())) == len(questions) + 2


def test_golden_fixture_quiz_text(questions: tuple[Question, ...]) -> None:
    check_golden("qti-fixture.txt", qti.render_text(questions).encode("utf-8"))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_samples_build_a_package_with_every_question(sample: Path) -> None:
    questions = questions_of(sample)
    titles = re.findall(r"^Title: ", qti.render_text(questions), re.M)
    items = _items(qti.render(questions))  # text2qti parsed the text to build it
    assert len(items) == len(titles) >= len(questions)
    assert all(_field(i, "question_type") for i in items)


@pytest.mark.seed
def test_the_scraped_seed_builds_a_package(seed_path: Path) -> None:
    questions = questions_of(seed_path)
    rows = reread(qti.render_text(questions))
    assert len(_items(qti.render(questions))) == len(rows) >= len(questions)
    assert {r.type for r in rows} >= {"multiple_choice_question", "short_answer_question", "true_false_question"}
