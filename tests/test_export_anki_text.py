"""The tab-separated Anki text-import file, read back by Anki's own CSV importer.

The golden file holds the fixture questions' file; after an intended change of the output,
rewrite it with ``KAODIAN_UPDATE_GOLDEN=1 pytest tests/test_export_anki_text.py``.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from anki.collection import Collection, ImportCsvRequest
from hypothesis import given
from hypothesis import strategies as st

from conftest import GOLDEN
from kaodian.export import anki, anki_text
from kaodian.model import Question, Source
from kaodian.options import AnkiOptions, BuildOptions

UPDATE = os.environ.get("KAODIAN_UPDATE_GOLDEN") == "1"

HEADER = [
    "#separator:tab",
    "#html:true",
    "#columns:Notetype\tDeck\tTags\tGUID\tFront\tBack",
    "#notetype column:1",
    "#deck column:2",
    "#tags column:3",
    "#guid column:4",
]


def new_collection(path: Path, lang: str) -> Collection:
    """A new collection as an Anki in ``lang`` creates it (its built-in note types carry that language's names)."""
    import anki.lang

    previous = anki.lang.current_lang
    anki.lang.set_lang(lang)
    try:
        return Collection(str(path))
    finally:
        anki.lang.set_lang(previous)


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    """A Chinese Anki's collection, where the built-in note types are 问答题 and 填空题."""
    collection = new_collection(tmp_path / "collection.anki2", "zh_CN")
    yield collection
    collection.close()


def write(questions: tuple[Question, ...], folder: Path, deck_name: str | None = None) -> Path:
    (path,) = anki_text.write(
        questions, folder / "sample.anki.tsv", BuildOptions(anki=AnkiOptions(deck_name=deck_name))
    )
    return path


def import_tsv(col: Collection, path: Path) -> None:
    metadata = col.get_csv_metadata(str(path), None)
    col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata))


def visible_text(rendered: str) -> str:
    rendered = re.sub(r"<style>.*?</style>", "", rendered, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def test_header_names_the_columns_for_anki(questions: tuple[Question, ...], tmp_path: Path) -> None:
    lines = write(questions, tmp_path).read_text(encoding="utf-8").splitlines()
    assert lines[: len(HEADER)] == HEADER
    rows = [line.split("\t") for line in lines[len(HEADER) :]]
    assert len(rows) == len(questions)
    assert all(len(r) == 6 for r in rows)
    assert [r[3] for r in rows] == [anki.note_guid(q) for q in questions]
    assert [r[0] for r in rows] == ["填空题", "填空题"] + ["问答题"] * 8


def test_anki_reads_the_header(questions: tuple[Question, ...], tmp_path: Path, col: Collection) -> None:
    metadata = col.get_csv_metadata(str(write(questions, tmp_path)), None)
    assert list(metadata.column_labels) == ["Notetype", "Deck", "Tags", "GUID", "Front", "Back"]
    assert (metadata.notetype_column, metadata.deck_column, metadata.tags_column, metadata.guid_column) == (1, 2, 3, 4)
    assert metadata.is_html


def test_anki_imports_every_question(questions: tuple[Question, ...], tmp_path: Path, col: Collection) -> None:
    import_tsv(col, write(questions, tmp_path))
    assert col.note_count() == 10 and col.card_count() == 12  # the three-blank cloze makes three cards
    guids = set(col.db.list("SELECT guid FROM notes"))
    assert guids == {anki.note_guid(q) for q in questions}
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert "学习材料样例::一、总论" in names
    nid = col.db.scalar("SELECT id FROM notes WHERE guid = ?", anki.note_guid(questions[2]))
    assert {"kaodian", "sample", "single", "一-总论"} <= set(col.get_note(nid).tags)
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        assert visible_text(card.question()).strip() and visible_text(card.answer()).strip()


def test_cloze_rows_blank_the_answer(questions: tuple[Question, ...], tmp_path: Path, col: Collection) -> None:
    import_tsv(col, write(questions[:1], tmp_path))
    (cid,) = col.find_cards("")
    card = col.get_card(cid)
    assert "[...]" in visible_text(card.question()) and "根本指标" not in visible_text(card.question())
    assert "根本指标" in visible_text(card.answer())


def test_markup_in_the_source_stays_text(questions: tuple[Question, ...], tmp_path: Path, col: Collection) -> None:
    short = next(q for q in questions if q.type == "short")
    import_tsv(col, write((short,), tmp_path))
    (cid,) = col.find_cards("")
    answer = col.get_card(cid).answer()
    assert "<script>" not in answer and "&lt;script&gt;alert(1)&lt;/script&gt;" in answer
    assert "<b>A & B</b>" in visible_text(col.get_card(cid).question())


def test_reimporting_an_edited_file_updates_notes_by_guid(
    questions: tuple[Question, ...], tmp_path: Path, col: Collection
) -> None:
    import_tsv(col, write(questions, tmp_path))
    edited = (replace(questions[0], prompt="党群关系是衡量我们党执政能力的{{1}}。"), *questions[1:])
    import_tsv(col, write(edited, tmp_path))
    assert col.note_count() == 10
    nid = col.db.scalar("SELECT id FROM notes WHERE guid = ?", anki.note_guid(questions[0]))
    assert "衡量" in col.get_note(nid).fields[0]


def test_english_notes_use_the_english_note_type_names(tmp_path: Path) -> None:
    notes = Source("notes", "Study notes", ("Memory",), "Spacing reviews out over time strengthens memory.")
    cloze = Question(
        "e1", "cloze", "Spacing reviews out over time strengthens {{1}}.", ("memory",), notes, language="en"
    )
    short = Question("e2", "short", "What strengthens memory?", ("spaced review",), notes, language="en")
    collection = new_collection(tmp_path / "collection.anki2", "en")
    try:
        import_tsv(collection, write((cloze, short), tmp_path))
        names = {collection.get_note(n).note_type()["name"] for n in collection.find_notes("")}  # type: ignore[index]
        assert names == {"Basic", "Cloze"}
        assert collection.decks.id_for_name("Study notes::Memory")
    finally:
        collection.close()


def test_deck_name_option(questions: tuple[Question, ...], tmp_path: Path) -> None:
    lines = write(questions, tmp_path, deck_name="政治::复习").read_text(encoding="utf-8").splitlines()
    assert {line.split("\t")[1] for line in lines[len(HEADER) :]} == {"政治::复习::一、总论"}


def test_html_cells_need_no_csv_quoting(questions: tuple[Question, ...], tmp_path: Path) -> None:
    body = write(questions, tmp_path).read_text(encoding="utf-8").split("\n", len(HEADER))[-1]
    assert '"' not in body


@given(st.text(alphabet=st.sampled_from('学习\t\n\r "<>&{}:#'), max_size=40))
def test_any_text_stays_on_one_line_of_six_cells(text: str) -> None:
    q = Question("q", "short", text, (text, text), Source("d", text, (text,), text))
    lines = anki_text.dumps((q,)).splitlines()
    assert len(lines) == len(HEADER) + 1
    cells = lines[-1].split("\t")
    assert len(cells) == 6
    assert all((c.startswith('"') and c.endswith('"')) or '"' not in c for c in cells)


def test_golden_fixture_questions(questions: tuple[Question, ...], tmp_path: Path) -> None:
    produced = write(questions, tmp_path).read_text(encoding="utf-8")
    golden = GOLDEN / "anki-fixture.anki.tsv"
    if UPDATE:
        golden.write_text(produced, encoding="utf-8")
    assert golden.is_file(), f"{golden.name} is missing; create it with KAODIAN_UPDATE_GOLDEN=1"
    assert produced == golden.read_text(encoding="utf-8")
