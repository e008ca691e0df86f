"""Questions on the real scraped seed document, through the whole pipeline (issue 5's acceptance)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from kaodian.model import QUESTION_TYPES, Document, Question
from kaodian.pipeline import extract_file
from kaodian.questions import generate, problems

pytestmark = pytest.mark.seed


@functools.cache
def _extract(path: Path) -> Document:
    return extract_file(path)


@pytest.fixture
def seed_doc(seed_path: Path) -> Document:
    return _extract(seed_path)


@pytest.fixture
def seed_questions(seed_doc: Document) -> tuple[Question, ...]:
    return generate(seed_doc)


def test_every_type_comes_from_the_seed(seed_questions: tuple[Question, ...]) -> None:
    assert {q.type for q in seed_questions} == set(QUESTION_TYPES)


def test_false_statements_are_real_falsehoods_with_their_corrections(
    seed_questions: tuple[Question, ...], seed_doc: Document
) -> None:
    false = [q for q in seed_questions if q.type == "truefalse" and q.truth is False]
    assert false
    body = "".join(p.text for p in seed_doc.points) + "".join(c.text for c in seed_doc.claims)
    for q in false:
        assert q.correction.rstrip("。") in body, "the correction is the document's own sentence"
        assert q.prompt.rstrip("。") not in body, "the false statement is said nowhere in the document"
        assert q.prompt.count("不") == q.correction.count("不")
    assert "党同人民群众的血肉联系是我们党成功执政的根本保证。" in {q.correction for q in false}


def test_the_root_indicator_distractors_are_other_predicates(seed_questions: tuple[Question, ...]) -> None:
    [q] = [q for q in seed_questions if q.type == "single" and q.prompt == "党群关系是检验我们党执政能力的（  ）。"]
    assert q.answer == ("根本指标",)
    distractors = set(q.choices) - {"根本指标"}
    assert len(distractors) == 3
    assert distractors <= {"力量源泉", "根本保证", "优良传统", "重要标尺", "胜利之本"}


def test_the_heading_with_a_missing_point_is_asked_with_what_survives(seed_questions: tuple[Question, ...]) -> None:
    shorts = {q.prompt: q for q in seed_questions if q.type == "short"}
    q = shorts["当前党群关系现状及其对执政能力的影响主要表现在哪些方面？（原文现存两点）"]
    assert q.answer == ("权不为民所用", "情不为民所系")
    assert not [q for q in seed_questions if q.type in ("order", "multiple") and "权不为民所用" in q.answer]


def test_nothing_comes_from_the_unfinished_end(seed_questions: tuple[Question, ...]) -> None:
    assert not [q for q in seed_questions if "谦虚谨慎" in q.prompt or "谦虚谨慎" in q.source.sentence]


def test_seed_questions_keep_the_quality_rules(seed_questions: tuple[Question, ...]) -> None:
    assert [(q.prompt, problems(q)) for q in seed_questions if problems(q)] == []
    assert len({(q.type, q.prompt) for q in seed_questions}) == len(seed_questions)


def test_the_parallel_clauses_of_the_seed_become_a_cloze(seed_questions: tuple[Question, ...]) -> None:
    cloze = {q.prompt: q.answer for q in seed_questions if q.type == "cloze"}
    parallel = [p for p in cloze if "权为民所{{1}}" in p]
    assert parallel and cloze[parallel[0]] == ("用", "系", "谋")


def test_seed_prompts_are_whole_sentences(seed_questions: tuple[Question, ...], seed_doc: Document) -> None:
    body = "".join(p.text for p in seed_doc.points)
    for q in seed_questions:
        assert q.prompt == q.prompt.strip(), q.prompt
        if q.type == "cloze" and q.template == "cloze-claim-items":
            # the sentence around the list is kept: it reads on from where the source sentence starts
            before = q.prompt.split("{{1}}", 1)[0]
            assert before in body, q.prompt
    views = [q for q in seed_questions if q.type == "cloze" and q.answer == ("世界", "人生", "价值")]
    assert views and all(q.prompt.startswith("有极少数党员干部没有牢固树立马克思主义的") for q in views)


def test_seed_swaps_only_head_nouns(seed_questions: tuple[Question, ...]) -> None:
    heads = ("根本保证", "根本指标", "力量源泉", "优良传统", "重要标尺", "胜利之本")
    for q in seed_questions:
        if q.type == "truefalse" and q.truth is False:
            swapped_in = [h for h in heads if h in q.prompt and h not in q.correction]
            swapped_out = [h for h in heads if h in q.correction and h not in q.prompt]
            assert swapped_in and swapped_out, f"{q.prompt} does not swap a head noun for a head noun"
