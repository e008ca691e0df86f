"""The CSV export, read back with the csv module as a spreadsheet program would read it.

Golden files: ``tests/golden/csv-*.csv``; rewrite them after an intended change
with ``KAODIAN_UPDATE_GOLDEN=1 pytest tests/test_export_csv.py``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES, check_golden, make_questions, questions_of
from kaodian.export import csv as csv_export
from kaodian.model import Question
from kaodian.options import BuildOptions

HEADER = ["id", "type", "prompt", "choices", "answer", "source", "tags"]


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == HEADER
        return list(reader)


@pytest.fixture
def rows(tmp_path: Path, questions: tuple[Question, ...]) -> dict[str, dict[str, str]]:
    [path] = csv_export.write(questions, tmp_path / "set.csv", BuildOptions())
    return {r["id"]: r for r in read_rows(path)}


def test_file_starts_with_a_bom_and_uses_crlf_line_ends(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    [path] = csv_export.write(questions, tmp_path / "set.csv", BuildOptions())
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,type,prompt,choices,answer,source,tags\r\n")
    assert raw.count(b"\r\n") == len(questions) + 1


def test_one_row_per_question_in_order(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    [path] = csv_export.write(questions, tmp_path / "set.csv", BuildOptions())
    got = read_rows(path)
    assert [(r["id"], r["type"]) for r in got] == [(q.id, q.type) for q in questions]


def test_cloze_blanks_are_drawn_and_answers_joined(rows: dict[str, dict[str, str]]) -> None:
    r = rows["q-cloze-2"]
    assert r["prompt"] == "权为民所____，情为民所____，利为民所____。"
    assert (r["choices"], r["answer"]) == ("", "用 | 系 | 谋")


def test_choices_are_lettered_and_the_answer_is_the_choice_text(rows: dict[str, dict[str, str]]) -> None:
    single, multiple = rows["q-single-1"], rows["q-multiple-1"]
    assert single["choices"] == "A. 力量源泉 | B. 根本指标 | C. 根本保证 | D. 优良传统"
    assert single["answer"] == "根本指标"
    assert multiple["answer"] == "世界观 | 人生观 | 价值观"


def test_truefalse_answer_is_the_verdict_then_the_true_statement(rows: dict[str, dict[str, str]]) -> None:
    assert rows["q-tf-1"]["answer"] == "错误 | 密切联系群众是我们党的优良传统和作风。"
    assert rows["q-tf-2"]["answer"] == "正确"
    english = replace(make_questions()[4], language="en", correction="It is a fine tradition.")
    assert csv_export.row(english)["answer"] == "False | It is a fine tradition."


def test_order_lists_shuffled_choices_and_the_source_order(rows: dict[str, dict[str, str]]) -> None:
    r = rows["q-order-1"]
    assert r["choices"] == "A. 利为民所谋 | B. 权为民所用 | C. 情为民所系"
    assert r["answer"] == "权为民所用 | 情为民所系 | 利为民所谋"


def test_source_and_tags(rows: dict[str, dict[str, str]]) -> None:
    r = rows["q-single-1"]
    assert r["source"] == "学习材料样例 › 一、总论 › ⒈党群关系"
    assert r["tags"] == "kaodian sample single"


def test_special_characters_are_kept_as_text(rows: dict[str, dict[str, str]]) -> None:
    r = rows["q-short-1"]
    assert r["prompt"] == "简述 <b>A & B</b> {特殊} ~字符~ = # : 的处理。"
    assert r["answer"] == "保持原样 <script>alert(1)</script> | 第二点"


_cell = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=60, deadline=None)
@given(prompt=_cell, answer=st.lists(_cell, max_size=3))
@example(prompt='他说："好,很好"\r\n第二行', answer=['"', ",", "\n", "\r"])
def test_any_text_round_trips_through_rfc4180_quoting(prompt: str, answer: list[str]) -> None:
    q = replace(make_questions()[-1], prompt=prompt, answer=tuple(answer))
    [got] = list(csv.DictReader(io.StringIO(csv_export.render([q]), newline="")))
    assert got["prompt"] == prompt
    assert got["answer"] == " | ".join(answer)


def test_no_questions_give_just_the_header() -> None:
    assert csv_export.render([]) == "id,type,prompt,choices,answer,source,tags\r\n"


def test_cli_exports_a_questions_file_to_csv(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    from kaodian.cli import main
    from kaodian.model import QuestionSet
    from kaodian.serialize import dumps, question_set_to_dict

    source = tmp_path / "questions.yaml"
    source.write_text(dumps(question_set_to_dict(QuestionSet(questions))), encoding="utf-8")
    out = tmp_path / "sheet.csv"
    result = CliRunner().invoke(main, ["export", str(source), "--to", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in read_rows(out)] == [q.id for q in questions]


def test_golden_fixture_questions(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    [path] = csv_export.write(questions, tmp_path / "fixture.csv", BuildOptions())
    check_golden("csv-fixture.csv", path.read_bytes())


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_golden_samples(tmp_path: Path, sample: Path) -> None:
    questions = questions_of(sample)
    [path] = csv_export.write(questions, tmp_path / "out.csv", BuildOptions())
    assert [r["id"] for r in read_rows(path)] == [q.id for q in questions]
    check_golden(f"csv-{sample.stem}.csv", path.read_bytes())


@pytest.mark.seed
def test_the_scraped_seed_exports_one_row_per_question(tmp_path: Path, seed_path: Path) -> None:
    questions = questions_of(seed_path)
    [path] = csv_export.write(questions, tmp_path / "seed.csv", BuildOptions())
    got = read_rows(path)
    assert [(r["id"], r["type"], r["tags"]) for r in got] == [(q.id, q.type, " ".join(q.tags)) for q in questions]
