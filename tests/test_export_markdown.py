"""The Markdown exam paper: structure, escaping, the key at the end, versions, and a golden file."""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOLDEN
from kaodian.export import write_format
from kaodian.export.markdown import escape_md, render_markdown
from kaodian.export.paper import papers
from kaodian.export.quiz import write_quiz
from kaodian.model import Question
from kaodian.options import BuildOptions, QuizOptions

UPDATE = os.environ.get("KAODIAN_UPDATE_GOLDEN") == "1"


def md_of(questions: tuple[Question, ...], **options: object) -> str:
    [paper] = papers(questions, QuizOptions(**options))  # type: ignore[arg-type]
    return render_markdown(paper, key=bool(options.get("key", True)), key_only=bool(options.get("key_only", False)))


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def test_markdown_golden(questions: tuple[Question, ...], tmp_path: Path) -> None:
    [written] = write_format("md", questions, tmp_path, "sample", BuildOptions(output_dir=tmp_path))
    assert written.name == "sample.quiz.md"
    golden = GOLDEN / "markdown.md"
    if UPDATE:
        golden.write_bytes(written.read_bytes())
    assert written.read_bytes() == golden.read_bytes()


def test_sections_numbers_and_key_after_a_rule(questions: tuple[Question, ...]) -> None:
    md = md_of(questions)
    paper, _, key = md.partition("\n---\n")
    assert re.findall(r"^## (.+)$", paper, re.M) == [
        "一、填空题（每空 2 分，共 8 分）",
        "二、单项选择题（每小题 2 分，共 4 分）",
        "三、多项选择题（每小题 3 分，共 3 分）",
        "四、判断题（每小题 1 分，共 2 分）",
        "五、排序题（每小题 3 分，共 3 分）",
        "六、简答题（每小题 6 分，共 12 分）",
    ]
    assert [int(n) for n in re.findall(r"^(\d+)\. ", paper, re.M)] == list(range(1, 11))
    assert key.startswith("\n# 学习材料样例参考答案")
    assert "**×**\\\n    改正：密切联系群众是我们党的优良传统和作风。" in key
    assert len(re.findall(r"\*出处：", key)) == len(questions)


def test_short_choices_share_a_row(questions: tuple[Question, ...]) -> None:
    md = md_of(questions, key=False)
    assert "    A．世界观　　B．方法论　　C．人生观　　D．价值观" in md


def test_blanks_are_escaped_underscores_sized_to_the_answer(questions: tuple[Question, ...]) -> None:
    md = md_of(questions, key=False)
    first = next(line for line in md.splitlines() if line.startswith("1. "))
    assert first == "1. 党群关系是检验我们党执政能力的" + "\\_" * 12 + "。"


def test_text_is_escaped(questions: tuple[Question, ...]) -> None:
    md = md_of(questions)
    assert "<b>" not in md and "<script>" not in md
    assert "简述 \\<b\\>A \\& B\\</b\\> {特殊} \\~字符\\~ = \\# : 的处理。" in md


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_escaping_keeps_the_text_and_leaves_no_markup(text: str) -> None:
    escaped = escape_md(text)
    assert "\n" not in escaped
    assert unescape(escaped) == " ".join(text.split("\n"))
    assert not re.search(r"(?<!\\)[*_`<>\[\]|~&]", escaped.replace("\\\\", ""))


def test_no_key_and_key_only(questions: tuple[Question, ...]) -> None:
    assert "参考答案" not in md_of(questions, key=False) and "---" not in md_of(questions, key=False)
    only = md_of(questions, key_only=True)
    assert only.startswith("# 学习材料样例参考答案") and "姓名" not in only


def test_versions_write_lettered_markdown_files(questions: tuple[Question, ...], tmp_path: Path) -> None:
    files = write_quiz(questions, tmp_path / "quiz.md", QuizOptions(format="md", versions=3, seed=2))
    assert [f.name for f in files] == ["quiz.A.md", "quiz.B.md", "quiz.C.md"]
    heads = [f.read_text(encoding="utf-8").splitlines()[0] for f in files]
    assert heads == ["# 学习材料样例（A卷）", "# 学习材料样例（B卷）", "# 学习材料样例（C卷）"]
