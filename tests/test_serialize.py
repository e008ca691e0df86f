"""Study sets and questions files: round trips through YAML and JSON, and errors that name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaodian.errors import MissingInputError, SchemaError, UnknownQuestionTypeError
from kaodian.model import (
    LANGUAGES,
    QUESTION_TYPES,
    Claim,
    Document,
    Notice,
    Point,
    Question,
    QuestionSet,
    Source,
    StudySet,
    Term,
)
from kaodian.serialize import (
    dumps,
    load_file,
    load_yaml,
    question_set_from_dict,
    question_set_to_dict,
    study_set_from_dict,
    study_set_to_dict,
)

# Arbitrary text, as documents hold it: any printable or control character, no lone surrogates.
text = st.text(max_size=40)
some_text = st.text(min_size=1, max_size=40)
texts = st.lists(text, max_size=4).map(tuple)


@st.composite
def questions(draw: st.DrawFn) -> Question:
    qtype = draw(st.sampled_from(QUESTION_TYPES))
    choices: tuple[str, ...] = ()
    answer = draw(texts)
    truth = None
    if qtype in ("single", "multiple"):
        choices = tuple(draw(st.lists(some_text, min_size=2, max_size=5, unique=True)))
        picked = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=len(choices), unique=True))
        answer = tuple(c for c in choices if c in picked)
    if qtype == "truefalse":
        truth = draw(st.booleans())
    return Question(
        id=draw(some_text),
        type=qtype,
        prompt=draw(some_text),
        answer=answer,
        source=Source(
            document=draw(some_text),
            title=draw(text),
            section=draw(texts),
            sentence=draw(text),
            point=draw(st.none() | some_text),
        ),
        choices=choices,
        truth=truth,
        correction=draw(text),
        tags=draw(texts),
        language=draw(st.sampled_from(LANGUAGES)),
        template=draw(text),
    )


notices = st.builds(
    Notice,
    code=some_text,
    message=text,
    point=st.none() | some_text,
    announced=st.none() | st.integers(0, 99),
    found=st.none() | st.integers(0, 99),
)
points = st.builds(
    Point,
    id=some_text,
    parent=st.none() | some_text,
    level=st.integers(1, 5),
    marker=text,
    title=some_text,
    text=text,
    truncated=st.booleans(),
)
claims = st.builds(
    Claim,
    id=some_text,
    point=st.none() | some_text,
    kind=st.sampled_from(["definition", "principle", "quote", "enumeration"]),
    text=some_text,
    subject=text,
    predicate=text,
    attribution=text,
    items=texts,
)
terms = st.builds(Term, term=some_text, weight=st.floats(0, 1000, allow_nan=False).map(lambda w: round(w, 4)))
documents = st.builds(
    Document,
    id=some_text,
    source=text,
    title=text,
    language=st.sampled_from(LANGUAGES),
    truncated=st.booleans(),
    warnings=st.lists(notices, max_size=2).map(tuple),
    points=st.lists(points, max_size=3).map(tuple),
    claims=st.lists(claims, max_size=3).map(tuple),
    terms=st.lists(terms, max_size=3).map(tuple),
)
study_sets = st.builds(StudySet, documents=st.lists(documents, max_size=2).map(tuple))
question_sets = st.builds(QuestionSet, questions=st.lists(questions(), max_size=4).map(tuple))

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(study=study_sets, fmt=st.sampled_from(["yaml", "json"]))
def test_study_set_round_trip(study: StudySet, fmt: str) -> None:
    text_out = dumps(study_set_to_dict(study), fmt)
    assert study_set_from_dict(*load_yaml(text_out, f"study.{fmt}")) == study


@SETTINGS
@given(qs=question_sets, fmt=st.sampled_from(["yaml", "json"]))
def test_question_set_round_trip(qs: QuestionSet, fmt: str) -> None:
    text_out = dumps(question_set_to_dict(qs), fmt)
    assert question_set_from_dict(*load_yaml(text_out, f"questions.{fmt}")) == qs


def test_fixture_questions_round_trip(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    qs = QuestionSet(questions=questions)
    for fmt in ("yaml", "json"):
        text_out = dumps(question_set_to_dict(qs), fmt)
        assert "<script>" in text_out  # text is data here, kept as written
        path = tmp_path / f"q.{fmt}"
        path.write_text(text_out, encoding="utf-8")
        assert load_file(path) == qs


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9f", "\u2028", "\ufeff", "\ufffe", "\x00"])
def test_json_keeps_characters_yaml_would_refuse_or_fold(tmp_path: Path, char: str) -> None:
    study = StudySet(documents=(Document(id="d", source="", title=f"a{char}b"),))
    path = tmp_path / "study.json"
    path.write_text(dumps(study_set_to_dict(study), "json"), encoding="utf-8")
    assert load_file(path) == study


def _write(tmp_path: Path, name: str, content: str) -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("kaodian: 1\ndocuments:\n  - id: a\n  title: b\n", 4),  # bad indentation
        ("kaodian: 1\ndocuments:\n  - id: a\n     b: 2\n", 4),
        ("kaodian: 1\ndocuments:\n  - id: 'unclosed\n", 4),
    ],
)
def test_yaml_syntax_error_names_file_and_line(tmp_path: Path, content: str, line: int) -> None:
    path = _write(tmp_path, "study.yaml", content)
    with pytest.raises(SchemaError, match=rf"study\.yaml:{line}: .*; fix the YAML syntax there$") as err:
        load_file(path)
    assert "\n" not in err.value.message


def test_missing_field_names_file_and_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "questions.yaml",
        "kaodian: 1\nquestions:\n  - id: q1\n    type: cloze\n    prompt: a {{1}}\n    answer: [b]\n"
        "  - id: q2\n    type: cloze\n    answer: [b]\n",
    )
    with pytest.raises(SchemaError, match=r"questions\.yaml:7: missing 'prompt'"):
        load_file(path)


def test_unknown_question_type_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "questions.yaml", "kaodian: 1\nquestions:\n  - id: q1\n    type: essay\n    prompt: p\n")
    with pytest.raises(UnknownQuestionTypeError, match=r"questions\.yaml:3: unknown question type 'essay'; use one of"):
        load_file(path)


def test_answer_not_among_choices_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "q.yaml",
        "kaodian: 1\nquestions:\n  - id: q1\n    type: single\n    prompt: p\n    answer: [x]\n    choices: [a, b]\n",
    )
    with pytest.raises(SchemaError, match=r"q\.yaml:3: question q1: every answer must be one of its choices"):
        load_file(path)


def test_python_tags_are_refused_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = _write(
        tmp_path,
        "study.yaml",
        "kaodian: 1\ndocuments:\n  - id: !!python/object/apply:os.system\n"
        f"      args: ['touch {marker}']\n    title: t\n",
    )
    with pytest.raises(SchemaError, match=r"study\.yaml:3: .*python/object"):
        load_file(path)
    assert not marker.exists()


def test_other_yaml_tags_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "q.yaml", "kaodian: 1\nquestions: !!python/name:os.system\n")
    with pytest.raises(SchemaError, match=r"q\.yaml:2"):
        load_file(path)


def test_not_a_kaodian_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "config.yaml", "name: something else\n")
    with pytest.raises(SchemaError, match=r"config\.yaml: not a kaodian study set or questions file"):
        load_file(path)


def test_wrong_schema_version(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.yaml", "kaodian: 99\ndocuments: []\n")
    with pytest.raises(SchemaError, match=r"s\.yaml:1: unsupported schema version 99"):
        load_file(path)


def test_a_character_yaml_refuses_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "s.yaml", "kaodian: 1\ndocuments:\n  - id: a\x7fb\n")
    with pytest.raises(SchemaError, match=r"s\.yaml:3: character U\+007F"):
        load_file(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes("kaodian: 1\ndocuments: [{id: 党}]\n".encode("gbk"))
    with pytest.raises(SchemaError, match="must be UTF-8"):
        load_file(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MissingInputError, match="no such file"):
        load_file(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a questions file must be a mapping"),
        ({"kaodian": 1, "questions": {"id": "q"}}, "'questions' must be a list"),
        ({"kaodian": 1, "questions": [{"id": "q", "type": "truefalse", "prompt": "p"}]}, "needs 'truth: true'"),
        ({"kaodian": 1, "questions": [{"id": "q", "type": "cloze", "prompt": ["p"]}]}, "'prompt' must be text"),
    ],
)
def test_malformed_questions_from_dict(data: object, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        question_set_from_dict(data, "q.yaml")


def test_load_yaml_records_mapping_lines() -> None:
    data, lines = load_yaml("a: 1\nb:\n  c: 2\n", "x.yaml")
    assert lines[id(data)] == 1
    assert lines[id(data["b"])] == 3
