"""docs/schema.md documents exactly the fields of the records, and its examples are real."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from kaodian import model
from kaodian.extract import extract
from kaodian.model import CleanText, StudySet
from kaodian.serialize import document_to_dict, question_to_dict, study_set_to_dict

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
RECORDS = ("Document", "Point", "Claim", "Term", "Notice", "Question", "Source")


def documented() -> dict[str, list[str]]:
    """The field names in the first column of the table under each "### Record" heading."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_table = False
    for line in SCHEMA.read_text("utf-8").splitlines():
        if line.startswith("#"):
            m = re.fullmatch(r"### (\w+)", line.strip())
            current = sections.setdefault(m.group(1), []) if m else None
            in_table = False
            continue
        if current is None:
            continue
        if line.startswith("| field |"):
            in_table = True
        elif in_table and line.startswith("|"):
            cell = line.split("|")[1].strip()
            if m := re.fullmatch(r"`(\w+)`", cell):
                current.append(m.group(1))
        elif in_table:
            in_table = False
    return sections


def test_every_record_has_a_section() -> None:
    assert set(documented()) == set(RECORDS)


@pytest.mark.parametrize("record", RECORDS)
def test_documented_fields_are_the_record_fields(record: str) -> None:
    names = documented()[record]
    assert len(names) == len(set(names)), f"{record}: a field is listed twice"
    assert names == [f.name for f in fields(getattr(model, record))]


def test_file_keys_are_the_record_fields() -> None:
    """The YAML keys are the field names (empty ones may be left out)."""
    text = CleanText(
        source="t", title="总题", paragraphs=("一、要点", "正如报告所指出的：“实践是检验真理的唯一标准。”")
    )
    doc = extract(text, "d")
    data = study_set_to_dict(StudySet(documents=(doc,)))
    assert set(data) == {"kaodian", "documents"}
    assert set(document_to_dict(doc)) == {f.name for f in fields(model.Document)}
    (point,) = data["documents"][0]["points"]
    assert set(point) <= {f.name for f in fields(model.Point)}
    for claim in data["documents"][0]["claims"]:
        assert set(claim) <= {f.name for f in fields(model.Claim)}
    for term in data["documents"][0]["terms"]:
        assert set(term) <= {f.name for f in fields(model.Term)}  # points: omitted when empty


def test_question_keys_are_the_record_fields(questions: tuple[model.Question, ...]) -> None:
    for q in questions:
        d = question_to_dict(q)
        assert set(d) <= {f.name for f in fields(model.Question)}
        assert set(d["source"]) <= {f.name for f in fields(model.Source)}


@pytest.mark.parametrize("code", ["truncated", "count-mismatch"])
def test_notice_codes_are_documented(code: str) -> None:
    assert f"`{code}`" in SCHEMA.read_text("utf-8")
