"""The extraction stage as a whole: the contract, the seed acceptance, robustness and speed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_linear
from kaodian.extract import extract
from kaodian.model import CleanText, Document, Notice, StudySet
from kaodian.serialize import document_to_dict, dumps, study_set_from_dict, study_set_to_dict

OUTLINE = Path(__file__).resolve().parent / "data" / "outline"


def load(name: str) -> CleanText:
    lines = [line for line in (OUTLINE / name).read_text("utf-8").splitlines() if line.strip()]
    language = "en" if lines[0].isascii() else "zh"
    return CleanText(source=name, title=lines[0], paragraphs=tuple(lines[1:]), language=language)


# ---------------------------------------------------------------- contract


def test_document_id_is_given_or_a_slug_of_the_title() -> None:
    text = load("mixed_a.txt")
    assert extract(text, doc_id="report-2024").id == "report-2024"
    assert extract(text).id == "法治政府建设报告"
    assert extract(CleanText(source="x", title="", paragraphs=("一句话。",))).id.startswith("document")


def test_notices_of_the_clean_text_come_first_in_the_warnings() -> None:
    truncated = Notice(code="truncated", message="the text ends mid-sentence")
    paragraphs = ("主要表现在以下三个方面：", "1. 甲。", "2. 乙。")
    doc = extract(CleanText(source="x", title="t", paragraphs=paragraphs, truncated=True, notices=(truncated,)))
    assert [w.code for w in doc.warnings] == ["truncated", "count-mismatch"]
    assert doc.truncated
    assert doc.points[-1].truncated


def test_fields_are_copied_from_the_clean_text() -> None:
    text = load("en_notes.md")
    doc = extract(text)
    assert (doc.source, doc.title, doc.language) == ("en_notes.md", "Cell Biology Notes", "en")


def test_empty_document() -> None:
    doc = extract(CleanText(source="x", title="", paragraphs=()))
    assert (doc.points, doc.claims, doc.terms, doc.warnings) == ((), (), (), ())


def test_same_input_gives_the_same_bytes() -> None:
    def render() -> str:
        return dumps(
            study_set_to_dict(StudySet(documents=(extract(load("claims_zh.txt")), extract(load("mixed_a.txt")))))
        )

    assert render() == render()


@pytest.mark.slow
def test_same_bytes_in_another_process() -> None:
    """Nothing depends on hash randomisation (set order) or on what ran before."""
    import os
    import subprocess
    import sys

    code = (
        "import sys; sys.path.insert(0, 'tests'); from test_extract import load; from kaodian.extract import extract; "
        "from kaodian.model import StudySet; from kaodian.serialize import dumps, study_set_to_dict; "
        "print(dumps(study_set_to_dict(StudySet((extract(load('claims_zh.txt')), extract(load('en_notes.md')))))))"
    )
    root = Path(__file__).resolve().parents[1]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }  # fmt: skip
    assert len(outputs) == 1
    assert "kaodian: 1" in outputs.pop()


@pytest.mark.parametrize("name", ["mixed_a.txt", "claims_zh.txt", "claims_en.txt", "en_notes.md"])
def test_study_set_round_trips_through_yaml(name: str) -> None:
    from kaodian.serialize import load_yaml

    doc = extract(load(name))
    data, lines = load_yaml(dumps(study_set_to_dict(StudySet(documents=(doc,)))), name)
    (back,) = study_set_from_dict(data, name, lines).documents
    assert document_to_dict(back) == document_to_dict(doc)


# ---------------------------------------------------------------- the seed (acceptance of issue 4)


@pytest.fixture
def seed_doc(seed_path: Path) -> Document:
    from kaodian.pipeline import clean_file

    return extract(clean_file(seed_path), doc_id="seed")


@pytest.mark.seed
def test_seed_outline(seed_doc: Document) -> None:
    shape = [(p.level, p.marker, seed_doc.point(p.parent).marker if p.parent else None) for p in seed_doc.points]  # type: ignore[union-attr]
    assert shape == [
        (1, "一、", None),
        (2, "⒈", "一、"),
        (2, "⒉", "一、"),
        (2, "⒊", "一、"),
        (1, "二、", None),
        (2, "⒈", "二、"),
        (2, "⒉", "二、"),
    ]
    titles = [p.title for p in seed_doc.points]
    assert titles[5:] == ["权不为民所用", "情不为民所系"]
    assert seed_doc.points[-1].truncated


@pytest.mark.seed
def test_seed_count_mismatch_on_two(seed_doc: Document) -> None:
    (notice,) = [w for w in seed_doc.warnings if w.code == "count-mismatch"]
    assert (notice.announced, notice.found) == (3, 2)
    assert notice.point == seed_doc.points[4].id


@pytest.mark.seed
def test_seed_quote_with_attribution(seed_doc: Document) -> None:
    quotes = {c.attribution: c.text for c in seed_doc.claims if c.kind == "quote"}
    assert "党的十六大报告" in quotes
    assert quotes["党的十六大报告"].startswith("我们党的最大政治优势是密切联系群众")


@pytest.mark.seed
@pytest.mark.parametrize(
    ("text", "subject", "predicate"),
    [
        ("党同人民群众的血肉联系是我们党成功执政的根本保证", "党同人民群众的血肉联系", "我们党成功执政的根本保证"),
        ("党群关系是检验我们党执政能力的根本指标", "党群关系", "检验我们党执政能力的根本指标"),
    ],
)
def test_seed_principles(seed_doc: Document, text: str, subject: str, predicate: str) -> None:
    found = {(c.text, c.subject, c.predicate) for c in seed_doc.claims if c.kind == "principle"}
    assert (text, subject, predicate) in found


@pytest.mark.seed
def test_seed_coinages_and_enumerations(seed_doc: Document) -> None:
    terms = {t.term for t in seed_doc.terms}
    assert {"鱼水关系", "权本位"} <= terms
    items = {c.items for c in seed_doc.claims if c.kind == "enumeration"}
    assert ("世界观", "人生观", "价值观") in items
    assert ("权为民所用", "情为民所系", "利为民所谋") in items
    assert ("立党为公", "执政为民") in items


# ---------------------------------------------------------------- robustness and speed


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(max_size=120), max_size=12),
    st.text(max_size=40),
    st.sampled_from(["zh", "en", "fr"]),
    st.booleans(),
)
def test_extract_never_raises(paragraphs: list[str], title: str, language: str, truncated: bool) -> None:
    doc = extract(
        CleanText(source="x", title=title, paragraphs=tuple(paragraphs), language=language, truncated=truncated)
    )
    ids = [p.id for p in doc.points]
    assert len(set(ids)) == len(ids)
    for p in doc.points:
        assert p.parent is None or p.parent in ids[: ids.index(p.id)]


_MARKERS = st.sampled_from(
    [
        "一、",
        "（一）",
        "1.",
        "1、",
        "⒈",
        "(1)",
        "⑴",
        "①",
        "第一，",
        "首先，",
        "# ",
        "a) ",
        "i. ",
        "二、",
        "2.",
        "⒉",
        "②",
        "其次，",
        "## ",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_MARKERS, st.text(alphabet="党群关系是根本保证，。：以下三个方面", max_size=30)), max_size=15)
)
def test_levels_follow_parents_on_marker_soup(pairs: list[tuple[str, str]]) -> None:
    doc = extract(CleanText(source="x", title="t", paragraphs=tuple(m + t for m, t in pairs)))
    by_id = {p.id: p for p in doc.points}
    for p in doc.points:
        expected = 1 if p.parent is None else by_id[p.parent].level + 1
        assert p.level == expected


@pytest.mark.parametrize("char", ["党", "a", "1", "、", "“"])
def test_a_long_line_without_punctuation_takes_linear_time(char: str) -> None:
    def run(n: int) -> None:
        line = char * n
        extract(CleanText(source="x", title="t", paragraphs=(line, "一、" + line, "1. " + line), language="zh"))

    assert_linear(run, 2_500)


def _sections(count: int) -> CleanText:
    paragraphs: list[str] = []
    for k in range(1, count + 1):
        paragraphs += [
            f"第{k}节 要求",
            "有以下三个方面：",
            "1. 甲为民所用，乙为民所系，丙为民所谋，丁为民所想。",
            "2. 乙。",
        ]
    return CleanText(source="x", title="t", paragraphs=tuple(paragraphs))


def test_many_points_and_announcements_stay_linear() -> None:
    doc = extract(_sections(1500))
    assert len([w for w in doc.warnings if w.code == "count-mismatch"]) == 1500
    assert_linear(lambda n: extract(_sections(n)), 375)


def test_a_long_run_of_parallel_clauses_takes_linear_time() -> None:
    def run(n: int) -> None:
        line = "，".join(f"{chr(0x4E00 + k)}为民所{chr(0x5000 + k)}" for k in range(n))
        extract(CleanText(source="x", title="t", paragraphs=(line,)))

    assert_linear(run, 750)


def _corpus(size: int) -> CleanText:
    """About ``size`` characters of Chinese: the test documents repeated with varied numbers."""
    sources = [load(n) for n in sorted(p.name for p in OUTLINE.iterdir()) if not load(n).title.isascii()]
    paragraphs: list[str] = []
    total = 0
    round_ = 0
    while total < size:
        round_ += 1
        paragraphs.append(f"第{round_}部分 汇编")
        for text in sources:
            for p in text.paragraphs:
                varied = p.replace("三", str(round_ % 7 + 1)).replace("十二", str(round_))
                paragraphs.append(varied)
                total += len(varied)
    return CleanText(source="corpus", title="汇编", paragraphs=tuple(paragraphs))


@pytest.mark.slow
def test_a_megabyte_of_chinese_in_one_document_takes_linear_time() -> None:
    text = _corpus(350_000)  # ~1 MB in UTF-8
    assert sum(len(p.encode()) for p in text.paragraphs) > 900_000
    doc = extract(text)
    assert doc.points and doc.claims
    assert_linear(lambda n: extract(_corpus(n)), 87_500, tries=1)


def test_cli_writes_the_study_set_and_names_the_warning(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kaodian.cli import main
    from kaodian.serialize import load_file

    document = tmp_path / "counted.txt"
    document.write_text("要求\n有以下三个方面：\n1. 甲。\n2. 乙。\n", encoding="utf-8")
    out = tmp_path / "study.json"
    result = CliRunner().invoke(main, ["extract", str(document), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "announces 3 items but 2 follow" in result.stderr
    study = load_file(out)
    assert isinstance(study, StudySet)
    (doc,) = study.documents
    assert [p.title for p in doc.points] == ["甲", "乙"]
    assert [(w.announced, w.found) for w in doc.warnings] == [(3, 2)]
