"""The printable exam paper: selection, sections, numbering, points, versions, key, and its HTML."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOLDEN
from kaodian.cli import main
from kaodian.errors import InputError
from kaodian.export import write_format
from kaodian.export.paper import LETTERS, blank_em, choice_columns, papers, select
from kaodian.export.quiz import write_quiz
from kaodian.export.quiz_html import render_html
from kaodian.model import Question, Source
from kaodian.options import BuildOptions, QuizOptions
from kaodian.serialize import dumps, question_set_to_dict

UPDATE = os.environ.get("KAODIAN_UPDATE_GOLDEN") == "1"


class Page(HTMLParser):
    """The parts of a quiz page the tests look at: text by class, headings, question numbers."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.text: dict[str, list[str]] = {}
        self.classes: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        self.classes.append(cls)
        if tag not in ("meta", "br"):
            self.stack.append((tag, cls))
        for c in cls.split():
            self.text.setdefault(c, []).append("")
        self.text.setdefault(tag, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        for tag, cls in self.stack:
            for key in (tag, *cls.split()):
                if self.text.get(key):
                    self.text[key][-1] += data

    def all(self, key: str) -> list[str]:
        return [t.strip() for t in self.text.get(key, [])]


def html_of(questions: tuple[Question, ...], **options: object) -> str:
    [paper] = papers(questions, QuizOptions(**options))  # type: ignore[arg-type]
    return render_html(paper, key=bool(options.get("key", True)), key_only=bool(options.get("key_only", False)))


# ---------------------------------------------------------------- the paper's layout


def test_sections_come_in_exam_order_with_chinese_numbering_and_points(questions: tuple[Question, ...]) -> None:
    page = Page(html_of(questions, key=False))
    assert page.all("h2") == [
        "一、填空题（每空 2 分，共 8 分）",  # 4 blanks
        "二、单项选择题（每小题 2 分，共 4 分）",  # single + quote
        "三、多项选择题（每小题 3 分，共 3 分）",
        "四、判断题（每小题 1 分，共 2 分）",
        "五、排序题（每小题 3 分，共 3 分）",
        "六、简答题（每小题 6 分，共 12 分）",  # list + short
    ]
    assert page.all("marks") == ["满分 32 分"]


def test_questions_are_numbered_continuously_across_sections(questions: tuple[Question, ...]) -> None:
    page = Page(html_of(questions, key=False))
    assert page.all("num") == [f"{n}．" for n in range(1, len(questions) + 1)]


def test_header_has_blanks_for_name_class_number_and_score(questions: tuple[Question, ...]) -> None:
    page = Page(html_of(questions))
    assert page.all("field") == ["姓名", "班级", "学号", "得分"]
    assert page.all("h1")[0] == "学习材料样例"  # the document title by default
    assert page.all("th")[:7] == ["题号", "一", "二", "三", "四", "五", "六"]


def test_english_papers_use_english_labels() -> None:
    src = Source(document="notes", title="Active recall", section=("Memory",))
    qs = (
        Question("e1", "cloze", "Testing yourself is called {{1}}.", ("active recall",), src, language="en"),
        Question(
            "e2",
            "truefalse",
            "Rereading beats testing.",
            (),
            src,
            truth=False,
            language="en",
            correction="Testing beats rereading.",
        ),
    )
    page = Page(html_of(qs))
    assert page.all("field") == ["Name", "Class", "Student No.", "Score"]
    assert page.all("h2")[:2] == [
        "I. Fill in the blanks (2 points per blank, 2 points)",
        "II. True or false (1 point each, 1 point)",
    ]
    assert "Correction: Testing beats rereading." in page.all("detail")


def test_blanks_are_sized_to_the_answer(questions: tuple[Question, ...]) -> None:
    html = html_of(questions, key=False)
    widths = [int(w) for w in re.findall(r'class="blank" style="width:(\d+)em"', html)]
    # 根本指标 (4 wide) gets a longer blank than 用/系/谋 (1 wide); the last is the order's answer line
    assert widths[:4] == [6, 4, 4, 4]
    assert blank_em("社会主义核心价值观") > blank_em("根本指标") > blank_em("a")


def test_choices_go_four_two_or_one_to_a_row_by_length() -> None:
    assert choice_columns(("世界观", "方法论", "人生观", "价值观")) == 4
    assert choice_columns(("坚持以人民为中心的发展思想", "全面深化改革开放", "坚持新发展理念", "依法治国")) == 2
    assert choice_columns(("把党的政治建设摆在首位，以党的政治建设统领党的建设各项工作", "B", "C")) == 1


def test_short_answers_get_room_to_write(questions: tuple[Question, ...]) -> None:
    html = html_of(questions, key=False)
    rooms = re.findall(r'<div class="room">.*?</div>(?:<div class="rule"></div>)+</div>', html)
    assert len(rooms) == 2
    assert all(room.count('class="rule"') >= 3 for room in rooms)


def test_every_question_is_kept_whole_on_a_page_and_the_key_starts_a_page(questions: tuple[Question, ...]) -> None:
    html = html_of(questions)
    assert re.search(r"\.q \{[^}]*break-inside: avoid", html)
    assert re.search(r"\.key \{[^}]*break-before: page", html)
    assert "@page { size: A4" in html


# ---------------------------------------------------------------- the key


def test_key_gives_every_answer_correction_and_source(questions: tuple[Question, ...]) -> None:
    page = Page(html_of(questions))
    assert page.all("answer") == ["根本指标", "用；系；谋", "B", "B", "ACD", "×", "√", "BCA"]
    assert "改正：密切联系群众是我们党的优良传统和作风。" in page.all("detail")
    assert "(1) 成功执政的根本保证" in page.all("detail")
    sources = page.all("src")
    assert len(sources) == len(questions)
    assert sources[0] == "出处：一、总论 › ⒈党群关系"
    assert page.all("h1") == ["学习材料样例", "学习材料样例参考答案"]


def test_no_key_and_key_only(questions: tuple[Question, ...]) -> None:
    without = Page(html_of(questions, key=False))
    assert "key" not in " ".join(without.classes).split()
    only = Page(html_of(questions, key_only=True))
    assert only.all("q") == [] and only.all("field") == []
    assert len(only.all("k")) == len(questions)
    assert "key alone" in only.classes


def test_key_only_and_no_key_together_are_refused(questions: tuple[Question, ...]) -> None:
    with pytest.raises(InputError, match="contradict"):
        papers(questions, QuizOptions(key=False, key_only=True))


def test_sources_name_the_document_when_the_paper_mixes_documents(questions: tuple[Question, ...]) -> None:
    other = replace(questions[0], id="x", source=replace(questions[0].source, document="other", title="另一份材料"))
    page = Page(html_of((*questions, other)))
    assert "出处：另一份材料 › 一、总论 › ⒈党群关系" in page.all("src")


# ---------------------------------------------------------------- escaping


def test_text_is_html_escaped(questions: tuple[Question, ...]) -> None:
    html = html_of(questions)
    assert "<b>" not in html and "<script>" not in html
    assert "简述 &lt;b&gt;A &amp; B&lt;/b&gt; {特殊}" in html
    page = Page(html)
    assert "简述 <b>A & B</b> {特殊} ~字符~ = # : 的处理。" in page.all("prompt")


@settings(max_examples=60, deadline=None)
@given(
    prompt=st.text(min_size=1, max_size=80).filter(lambda s: s.strip() == s and "\r" not in s),
    choice=st.text(min_size=1, max_size=20),
)
def test_any_text_survives_html_rendering(prompt: str, choice: str) -> None:
    src = Source(document="d", title="标题")
    q = Question("h", "single", prompt, (choice,), src, choices=(choice, "另一个"))
    page = Page(html_of((q,), key=False))
    assert page.all("prompt") == [prompt.strip()]
    assert any(c.strip().endswith(choice.strip()) for c in page.all("li"))


# ---------------------------------------------------------------- choosing questions


def _many(n: int) -> tuple[Question, ...]:
    src = Source(document="d", title="材料")
    types = ("cloze", "single", "truefalse", "short")
    out = []
    for i in range(n):
        t = types[i % len(types)]
        out.append(
            Question(
                f"q{i}",
                t,
                f"第{i}题{{{{1}}}}。" if t == "cloze" else f"第{i}题。",
                (f"答案{i}",),
                replace(src, section=(f"第{i // 10}节",)),
                choices=(f"答案{i}", "甲", "乙", "丙") if t == "single" else (),
                truth=True if t == "truefalse" else None,
            )
        )
    return tuple(out)


def test_count_spreads_over_sections_and_the_document_in_document_order() -> None:
    qs = _many(40)
    picked = select(qs, QuizOptions(count=8))
    assert len(picked) == 8
    assert {q.type for q in picked} == {"cloze", "single", "truefalse", "short"}
    assert [qs.index(q) for q in picked] == sorted(qs.index(q) for q in picked)
    # not just the first pages: questions come from the start and the end of the document
    assert min(qs.index(q) for q in picked) < 10 and max(qs.index(q) for q in picked) >= 30


def test_per_type_and_types_select_deterministically() -> None:
    qs = _many(40)
    picked = select(qs, QuizOptions(per_type=(("cloze", 3), ("short", 2))))
    assert [q.type for q in picked].count("cloze") == 3
    assert [q.type for q in picked].count("short") == 2
    assert len(picked) == 5
    assert select(qs, QuizOptions(per_type=(("cloze", 3), ("short", 2)))) == picked
    assert {q.type for q in select(qs, QuizOptions(types=("truefalse",)))} == {"truefalse"}


def test_an_empty_selection_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no questions"):
        papers(_many(4), QuizOptions(types=("order",)))


# ---------------------------------------------------------------- versions


def _version_files(questions: tuple[Question, ...], folder: Path, seed: int) -> list[Path]:
    return write_quiz(questions, folder / "quiz.html", QuizOptions(versions=2, seed=seed))


def test_versions_are_written_as_lettered_files(questions: tuple[Question, ...], tmp_path: Path) -> None:
    files = _version_files(questions, tmp_path, seed=7)
    assert [f.name for f in files] == ["quiz.A.html", "quiz.B.html"]
    assert Page(files[1].read_text(encoding="utf-8")).all("version") == ["（B卷）"]
    assert Page(files[1].read_text(encoding="utf-8")).all("h1")[1] == "学习材料样例（B卷）参考答案"


def test_versions_are_reproducible_from_the_seed(questions: tuple[Question, ...], tmp_path: Path) -> None:
    first = [p.read_bytes() for p in _version_files(questions, tmp_path / "one", seed=7)]
    again = [p.read_bytes() for p in _version_files(questions, tmp_path / "two", seed=7)]
    other = [p.read_bytes() for p in _version_files(questions, tmp_path / "three", seed=8)]
    assert first == again
    assert first != other
    assert first[0] != first[1]  # A卷 and B卷 differ


def test_shuffling_keeps_questions_in_their_sections(questions: tuple[Question, ...]) -> None:
    for paper in papers(questions * 1, QuizOptions(versions=3, seed=1)):
        assert [s.kind for s in paper.sections] == ["cloze", "single", "multiple", "truefalse", "order", "short"]
        assert [i.number for i in paper.items] == list(range(1, len(questions) + 1))
        assert sorted(i.question.id for i in paper.items) == sorted(q.id for q in questions)


def test_each_versions_key_matches_its_own_choice_order(questions: tuple[Question, ...]) -> None:
    for seed in range(5):
        for paper in papers(questions, QuizOptions(versions=2, seed=seed)):
            page = Page(render_html(paper))
            answers = dict(zip([e.number for e in paper.key()], [e.answer for e in paper.key()], strict=True))
            for item in paper.items:
                q = item.question
                if q.type in ("single", "multiple", "quote"):
                    expected = "".join(LETTERS[i] for i, c in enumerate(item.choices) if c in q.answer)
                    assert answers[item.number] == expected
                    # and the letters printed on the paper point at those texts
                    assert all(item.choices[LETTERS.index(letter)] in q.answer for letter in expected)
                if q.type == "order":
                    assert [item.choices[LETTERS.index(x)] for x in answers[item.number]] == list(q.answer)
            assert len(page.all("k")) == len(questions)


# ---------------------------------------------------------------- files, registry, CLI


def test_html_golden(questions: tuple[Question, ...], tmp_path: Path) -> None:
    [written] = write_quiz(questions, tmp_path / "quiz.html", QuizOptions())
    golden = GOLDEN / "quiz.html"
    if UPDATE:
        golden.write_bytes(written.read_bytes())
    assert written.read_bytes() == golden.read_bytes()


def test_html_golden_version_b(questions: tuple[Question, ...], tmp_path: Path) -> None:
    files = write_quiz(questions, tmp_path / "quiz.html", QuizOptions(versions=2, seed=3))
    golden = GOLDEN / "quiz.B.html"
    if UPDATE:
        golden.write_bytes(files[1].read_bytes())
    assert files[1].read_bytes() == golden.read_bytes()


def test_build_writes_name_quiz_html_titled_by_the_document(questions: tuple[Question, ...], tmp_path: Path) -> None:
    [html] = write_format("quiz", questions, tmp_path, "sample", BuildOptions(output_dir=tmp_path))
    assert html == tmp_path / "sample.quiz.html"
    assert Page(html.read_text(encoding="utf-8")).all("title") == ["学习材料样例"]


def test_cli_quiz_writes_versions_from_a_questions_file(questions: tuple[Question, ...], tmp_path: Path) -> None:
    from kaodian.model import QuestionSet

    source = tmp_path / "questions.yaml"
    source.write_text(dumps(question_set_to_dict(QuestionSet(questions)), "yaml"), encoding="utf-8")
    out = tmp_path / "paper.html"
    result = CliRunner().invoke(
        main,
        ["quiz", str(source), "-o", str(out), "--versions", "2", "--seed", "5", "--count", "6", "--title", "期中测验"],
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"wrote {tmp_path / 'paper.A.html'}", f"wrote {tmp_path / 'paper.B.html'}"]
    page = Page((tmp_path / "paper.A.html").read_text(encoding="utf-8"))
    assert page.all("h1")[0] == "期中测验"
    assert len(page.all("q")) == 6


def test_cli_quiz_refuses_no_key_with_key_only(questions: tuple[Question, ...], tmp_path: Path) -> None:
    from kaodian.model import QuestionSet

    source = tmp_path / "questions.yaml"
    source.write_text(dumps(question_set_to_dict(QuestionSet(questions)), "yaml"), encoding="utf-8")
    result = CliRunner().invoke(main, ["quiz", str(source), "-o", str(tmp_path / "q.html"), "--no-key", "--key-only"])
    assert result.exit_code == 2
    assert "--key-only and --no-key contradict each other" in result.output
    assert not (tmp_path / "q.html").exists()


def test_count_beyond_the_questions_keeps_them_all_and_one_is_one() -> None:
    qs = _many(12)
    assert select(qs, QuizOptions(count=50)) == list(qs)
    assert len(select(qs, QuizOptions(count=1))) == 1


def test_a_ten_thousand_character_line_renders(tmp_path: Path) -> None:
    src = Source(document="d", title="长")
    long = "党群关系" * 2500
    q = Question("l1", "cloze", long + "{{1}}" + long, ("根本",), src)
    for fmt in ("html", "md"):
        [out] = write_quiz((q,), tmp_path / f"long.{fmt}", QuizOptions(format=fmt))
        assert long in out.read_text(encoding="utf-8")
