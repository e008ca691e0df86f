"""The question-bank import text (题库), read back by a parser written here from the format's conventions.

The reader knows what the importers of the drill apps know: a line ``一、单选题``
opens a section of that kind, ``1.`` starts a question, ``A、`` an option,
``【答案】`` the answer (letters, 正确/错误, ``(…)`` per blank, or the reference
answer, which may run over the following lines) and ``【解析】`` the explanation.

Golden files: ``tests/golden/tiku-*.tiku.txt``; rewrite them after an intended
change with ``KAODIAN_UPDATE_GOLDEN=1 pytest tests/test_export_tiku.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES, check_golden, make_questions, questions_of
from kaodian.export import tiku
from kaodian.model import Question
from kaodian.options import BuildOptions

# ---------------------------------------------------------------- a reader of the import text

SECTION = re.compile(r"^([一二三四五六七八九十]+)、(单选题|多选题|判断题|填空题|简答题)$")
START = re.compile(r"^(\d+)[.、．]\s*(.*)$")
OPTION = re.compile(r"^([A-Z])、(.*)$")
ITEM = re.compile(r"^（(\d+)）(.*)$")


@dataclass
class Entry:
    kind: str
    number: int
    stem: str
    options: list[str] = field(default_factory=list)
    answer_lines: list[str] = field(default_factory=list)
    explanation: str = ""

    @property
    def answer(self) -> str:
        return "\n".join(self.answer_lines)

    def picked(self) -> list[str]:
        """The options the answer letters name (choice kinds)."""
        assert re.fullmatch(r"[A-Z]+", self.answer), self.answer
        return [self.options[ord(c) - ord("A")] for c in self.answer]

    def blanks(self) -> list[str]:
        """The answers of a 填空题, one bracket a blank."""
        assert re.fullmatch(r"(\([^()]*\))+", self.answer), self.answer
        return re.findall(r"\(([^()]*)\)", self.answer)

    def items(self) -> list[str]:
        """The reference answer of a 简答题: numbered lines （1）…, or one line."""
        found = [ITEM.match(line) for line in self.answer_lines]
        if len(self.answer_lines) > 1 or all(found):
            assert all(found), self.answer_lines
            assert [int(m.group(1)) for m in found if m] == list(range(1, len(found) + 1))
            return [m.group(2) for m in found if m]
        return self.answer_lines


def parse_tiku(text: str) -> tuple[list[str], list[Entry]]:
    sections: list[str] = []
    entries: list[Entry] = []
    in_answer = False
    for line in text.splitlines():
        if not line.strip():
            in_answer = False
            continue
        if m := SECTION.match(line):
            sections.append(m.group(0))
            continue
        if line.startswith("【答案】"):
            entries[-1].answer_lines.append(line.removeprefix("【答案】"))
            in_answer = True
        elif line.startswith("【解析】"):
            entries[-1].explanation = line.removeprefix("【解析】")
            in_answer = False
        elif in_answer:
            entries[-1].answer_lines.append(line)
        elif m := OPTION.match(line):
            entries[-1].options.append(m.group(2))
        elif m := START.match(line):
            kind = SECTION.match(sections[-1]).group(2)  # type: ignore[union-attr]
            entries.append(Entry(kind, int(m.group(1)), m.group(2)))
        else:
            raise AssertionError(f"a line the importers would not understand: {line!r}")
    return sections, entries


# ---------------------------------------------------------------- what each question should read back as

KIND = {"cloze": "填空题", "single": "单选题", "quote": "单选题", "multiple": "多选题", "truefalse": "判断题"}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def line(text: str) -> str:
    """A text as the format carries it: on one line, trimmed."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def lines(texts: tuple[str, ...]) -> list[str]:
    return [line(t) for t in texts]


def expected_stem(q: Question) -> str:
    if q.type == "cloze":
        return line(re.sub(r"\{\{\d+\}\}", "____", q.prompt))
    if q.type == "order":
        return line(q.prompt) + " " + " ".join(f"{CIRCLED[i]}{line(c)}" for i, c in enumerate(q.choices))
    return line(q.prompt)


def check_round_trip(q: Question, e: Entry) -> None:
    assert e.kind == KIND.get(q.type, "简答题")
    assert e.stem == expected_stem(q)
    if q.type in ("single", "quote", "multiple"):
        assert e.options == lines(q.choices)
        assert e.picked() == lines(q.answer)
    elif q.type == "truefalse":
        assert e.answer == ("正确" if q.truth else "错误")
        assert e.explanation == line(q.correction or q.source.sentence)
    elif q.type == "cloze":
        assert e.blanks() == lines(q.answer)
    else:
        assert e.options == []
        assert e.items() == lines(q.answer)
    if q.type != "truefalse":
        assert e.explanation == line(q.source.sentence)


def _match(questions: tuple[Question, ...], entries: list[Entry]) -> list[tuple[Question, Entry]]:
    by_stem = {e.stem: e for e in entries}
    assert len(by_stem) == len(entries) == len(questions)
    return [(q, by_stem[expected_stem(q)]) for q in questions]


# ---------------------------------------------------------------- the fixture questions, every type


def test_every_question_reads_back_with_its_type_answer_and_explanation(questions: tuple[Question, ...]) -> None:
    _sections, entries = parse_tiku(tiku.render(questions))
    for q, e in _match(questions, entries):
        check_round_trip(q, e)


def test_sections_come_in_template_order_and_numbering_runs_across_them(questions: tuple[Question, ...]) -> None:
    sections, entries = parse_tiku(tiku.render(questions))
    assert sections == ["一、单选题", "二、多选题", "三、判断题", "四、填空题", "五、简答题"]
    assert [e.number for e in entries] == list(range(1, len(questions) + 1))


def test_sections_without_questions_are_left_out_and_numbered_on() -> None:
    picked = [q for q in make_questions() if q.type in ("truefalse", "short")]
    sections, entries = parse_tiku(tiku.render(picked))
    assert sections == ["一、判断题", "二、简答题"]
    assert [e.kind for e in entries] == ["判断题", "判断题", "简答题"]


def test_answer_lines_have_the_documented_forms(questions: tuple[Question, ...]) -> None:
    text = tiku.render(questions)
    for line in (
        "【答案】B",
        "【答案】ACD",
        "【答案】错误",
        "【答案】正确",
        "【答案】(根本指标)",
        "【答案】(用)(系)(谋)",
    ):
        assert line + "\n" in text
    assert "权为民所____，情为民所____，利为民所____。" in text
    assert "A、力量源泉\nB、根本指标\nC、根本保证\nD、优良传统\n" in text


def test_multiple_choice_letters_are_in_choice_order() -> None:
    q = replace(make_questions()[3], answer=("价值观", "世界观"))  # answer listed out of order
    _sections, [e] = parse_tiku(tiku.render([q]))
    assert e.answer == "AD"


def test_quote_without_distractors_is_a_short_answer() -> None:
    q = replace(make_questions()[6], choices=())
    _sections, [e] = parse_tiku(tiku.render([q]))
    assert (e.kind, e.items()) == ("简答题", ["党的十六大报告"])


def test_brackets_inside_a_blank_answer_become_full_width() -> None:
    q = replace(make_questions()[0], answer=("根本(指标)",))
    _sections, [e] = parse_tiku(tiku.render([q]))
    assert e.blanks() == ["根本（指标）"]


def test_line_breaks_inside_texts_do_not_break_the_layout() -> None:
    q = replace(
        make_questions()[2], prompt="第一行\n第二行（  ）", choices=("甲\n乙", "丙", "丁", "戊"), answer=("丙",)
    )
    _sections, [e] = parse_tiku(tiku.render([q]))
    assert (e.stem, e.options[0], e.picked()) == ("第一行 第二行（  ）", "甲 乙", ["丙"])


@pytest.mark.parametrize(
    ("n", "numeral"), [(1, "一"), (5, "五"), (10, "十"), (11, "十一"), (20, "二十"), (99, "九十九")]
)
def test_section_numerals(n: int, numeral: str) -> None:
    from kaodian.export.common import chinese_numeral

    assert chinese_numeral(n) == numeral


def test_letters_go_on_after_z() -> None:
    from kaodian.export.common import letter

    assert [letter(i) for i in (0, 1, 25, 26, 27, 51, 52)] == ["A", "B", "Z", "AA", "AB", "AZ", "BA"]


def test_no_questions_give_an_empty_file() -> None:
    assert tiku.render([]) == ""


# ---------------------------------------------------------------- arbitrary text

_line = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="()"),
    min_size=1,
    max_size=40,
).map(str.strip)
_text = _line.filter(lambda s: s and "{{" not in s)


@settings(max_examples=50, deadline=None)
@given(
    kind=st.sampled_from(["single", "multiple"]),
    prompt=_text,
    choices=st.lists(_text, min_size=2, max_size=6, unique=True),
    flags=st.lists(st.booleans(), min_size=6, max_size=6),
)
@example(kind="single", prompt="1. 二、单选题", choices=["A、甲", "【答案】乙"], flags=[False, True] * 3)
def test_choice_questions_round_trip(kind: str, prompt: str, choices: list[str], flags: list[bool]) -> None:
    answer = tuple(c for c, f in zip(choices, flags, strict=False) if f) or (choices[0],)
    if kind == "single":
        answer = answer[:1]
    q = replace(make_questions()[3], type=kind, prompt=prompt, choices=tuple(choices), answer=answer)
    _sections, [e] = parse_tiku(tiku.render([q]))
    check_round_trip(q, e)


@settings(max_examples=50, deadline=None)
@given(parts=st.lists(_text, min_size=2, max_size=4), answers=st.lists(_text, min_size=3, max_size=3))
def test_cloze_round_trips(parts: list[str], answers: list[str]) -> None:
    blanks = len(parts) - 1
    prompt = "".join(p + (f"{{{{{n}}}}}" if n <= blanks else "") for n, p in enumerate(parts, start=1))
    q = replace(make_questions()[1], prompt=prompt, answer=tuple(answers[:blanks]))
    _sections, [e] = parse_tiku(tiku.render([q]))
    check_round_trip(q, e)


@settings(max_examples=50, deadline=None)
@given(prompt=_text, items=st.lists(_text, min_size=1, max_size=5))
@example(prompt="【解析】", items=["（1）看似编号"])
@example(prompt="x", items=["【答案】", "【解析】"])
def test_short_answer_round_trips(prompt: str, items: list[str]) -> None:
    q = replace(make_questions()[-1], prompt=prompt, answer=tuple(items))
    _sections, [e] = parse_tiku(tiku.render([q]))
    check_round_trip(q, e)


# ---------------------------------------------------------------- files, CLI, goldens


def test_write_puts_the_text_in_one_utf8_file(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    target = tmp_path / "set.tiku.txt"
    assert tiku.write(questions, target, BuildOptions()) == [target]
    raw = target.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8") == tiku.render(questions)


def test_cli_exports_a_questions_file_to_tiku(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    from kaodian.cli import main
    from kaodian.model import QuestionSet
    from kaodian.serialize import dumps, question_set_to_dict

    source = tmp_path / "questions.yaml"
    source.write_text(dumps(question_set_to_dict(QuestionSet(questions))), encoding="utf-8")
    out = tmp_path / "bank.tiku.txt"
    result = CliRunner().invoke(main, ["export", str(source), "--to", "tiku", "-o", str(out)])
    assert result.exit_code == 0, result.output
    _sections, entries = parse_tiku(out.read_text(encoding="utf-8"))
    for q, e in _match(questions, entries):
        check_round_trip(q, e)


def test_golden_fixture_questions(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    [path] = tiku.write(questions, tmp_path / "fixture.tiku.txt", BuildOptions())
    check_golden("tiku-fixture.tiku.txt", path.read_bytes())


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_golden_samples(tmp_path: Path, sample: Path) -> None:
    questions = questions_of(sample)
    [path] = tiku.write(questions, tmp_path / "out.tiku.txt", BuildOptions())
    _sections, entries = parse_tiku(path.read_text(encoding="utf-8"))
    for q, e in _match(questions, entries):
        check_round_trip(q, e)
    check_golden(f"tiku-{sample.stem}.tiku.txt", path.read_bytes())


@pytest.mark.seed
def test_the_scraped_seed_exports_to_tiku_that_reads_back(seed_path: Path) -> None:
    questions = questions_of(seed_path)
    assert questions
    _sections, entries = parse_tiku(tiku.render(questions))
    for q, e in _match(questions, entries):
        check_round_trip(q, e)
