"""The .apkg writer, checked by importing its packages into a new collection with Anki's own library.

The golden file holds the fixture questions' notes (note type, deck, tags, fields); after an
intended change of the output, rewrite it with ``KAODIAN_UPDATE_GOLDEN=1 pytest tests/test_export_anki.py``.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import json
import os
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.notes import Note
from hypothesis import given
from hypothesis import strategies as st

from conftest import GOLDEN, assert_linear, make_questions
from kaodian.export import anki, anki_base, ledger
from kaodian.model import Question, Source
from kaodian.options import AnkiOptions, BuildOptions

UPDATE = os.environ.get("KAODIAN_UPDATE_GOLDEN") == "1"

NOTE_TYPE_NAMES = {
    "kaodian basic v1 (zh)",
    "kaodian cloze v1 (zh)",
    "kaodian choice v1 (zh)",
    "kaodian truefalse v1 (zh)",
}


def build(questions: tuple[Question, ...], folder: Path, name: str = "sample", **anki_options: object) -> Path:
    options = BuildOptions(output_dir=folder, anki=AnkiOptions(**anki_options))  # type: ignore[arg-type]
    (path,) = anki.write(questions, folder / f"{name}.apkg", options)
    return path


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def import_package(col: Collection, path: Path) -> None:
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=False))
    col.import_anki_package(request)


def note_of(col: Collection, question_id: str, document: str = "sample") -> Note:
    guid = anki.note_guid(Question(question_id, "short", "", (), Source(document, "")))
    nid = col.db.scalar("SELECT id FROM notes WHERE guid = ?", guid)
    assert nid, f"no note for {question_id}"
    return col.get_note(nid)


def visible(rendered: str) -> str:
    """A rendered card side without its <style> block."""
    return re.sub(r"<style>.*?</style>", "", rendered, flags=re.S)


def text_of(rendered: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", visible(rendered))).strip()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    """The sample questions imported into a new collection, shared by the tests that only read it."""
    folder = tmp_path_factory.mktemp("imported")
    collection = Collection(str(folder / "collection.anki2"))
    import_package(collection, build(make_questions(), folder / "decks"))
    yield collection
    collection.close()


# ---------------------------------------------------------------- counts, decks, tags


def test_one_note_per_question_and_one_card_per_cloze_blank(imported: Collection) -> None:
    assert imported.note_count() == 10
    # 9 one-card notes and one cloze with three blanks
    assert imported.card_count() == 12
    assert len(note_of(imported, "q-cloze-2").cards()) == 3


def test_note_types_are_the_kaodian_ones(imported: Collection) -> None:
    used = {imported.get_note(n).note_type()["name"] for n in imported.find_notes("")}
    assert used == NOTE_TYPE_NAMES


def test_note_type_ids_derive_from_their_names(imported: Collection, questions: tuple[Question, ...]) -> None:
    for nid in imported.find_notes(""):
        notetype = imported.get_note(nid).note_type()
        assert notetype is not None
        assert notetype["id"] == anki.stable_id("notetype", notetype["name"])
        assert (1 << 30) <= notetype["id"] < (1 << 31)


def test_decks_follow_document_title_and_top_section(imported: Collection) -> None:
    names = {d.name for d in imported.decks.all_names_and_ids()}
    assert {"学习材料样例", "学习材料样例::一、总论"} <= names
    for cid in imported.find_cards(""):
        assert imported.decks.name(imported.get_card(cid).did) == "学习材料样例::一、总论"


def test_questions_without_a_section_go_to_the_document_deck(tmp_path: Path, col: Collection) -> None:
    q = Question("q1", "short", "问题？", ("答案",), Source("doc", "一份材料"))
    import_package(col, build((q,), tmp_path))
    (cid,) = col.find_cards("")
    assert col.decks.name(col.get_card(cid).did) == "一份材料"


def test_deck_name_option_replaces_the_title_and_makes_subdecks(
    questions: tuple[Question, ...], tmp_path: Path, col: Collection
) -> None:
    import_package(col, build(questions, tmp_path, deck_name="政治 :: 第一章"))
    names = {d.name for d in col.decks.all_names_and_ids()}
    assert "政治::第一章::一、总论" in names
    assert not any(n.startswith("学习材料样例") for n in names)


def test_tags_name_kaodian_document_type_and_section(imported: Collection) -> None:
    note = note_of(imported, "q-single-1")
    assert {"kaodian", "sample", "single", "一-总论"} <= set(note.tags)
    assert all(" " not in t for n in imported.find_notes("") for t in imported.get_note(n).tags)


def test_tags_never_hold_spaces() -> None:
    q = Question("q", "short", "p", ("a",), Source("doc", "T", ("Part One  Intro",)), tags=("two words",))
    assert anki.note_tags(q) == ("kaodian", "doc", "short", "part-one-intro", "two_words")


def test_sort_field_keeps_document_order(imported: Collection, questions: tuple[Question, ...]) -> None:
    notes = [note_of(imported, q.id) for q in questions]
    sort_values = [n["Sort"] for n in notes]
    assert sort_values == sorted(sort_values) and len(set(sort_values)) == len(notes)
    notetype = notes[0].note_type()
    assert notetype["flds"][notetype["sortf"]]["name"] == "Sort"


# ---------------------------------------------------------------- rendering


def test_every_card_renders_a_question_and_an_answer(imported: Collection) -> None:
    for cid in imported.find_cards(""):
        card = imported.get_card(cid)
        assert text_of(card.question()), cid
        assert text_of(card.answer()) != text_of(card.question()), cid


def test_cloze_cards_show_the_blank_on_the_front_and_the_answer_on_the_back(imported: Collection) -> None:
    note = note_of(imported, "q-cloze-2")
    for card, answer in zip(sorted(note.cards(), key=lambda c: c.ord), ("用", "系", "谋"), strict=True):
        front, back = visible(card.question()), visible(card.answer())
        assert re.search(r'<span class="cloze"[^>]*>\[\.\.\.\]</span>', front)
        assert f'<span class="cloze" data-ordinal="{card.ord + 1}">{answer}</span>' in back
        assert f'data-cloze="{answer}"' in front  # the blank hides exactly this answer


def test_choice_back_marks_the_right_option(imported: Collection) -> None:
    card = note_of(imported, "q-multiple-1").cards()[0]
    front, back = visible(card.question()), visible(card.answer())
    assert "correct" not in front and "✓" not in front
    correct = re.findall(r'<li class="correct"><span class="letter">(\w)</span>([^<]+)', back)
    assert correct == [("A", "世界观"), ("C", "人生观"), ("D", "价值观")]
    assert "ACD" in text_of(back)


def test_truefalse_back_shows_the_verdict_and_the_correction(imported: Collection) -> None:
    false_card = note_of(imported, "q-tf-1").cards()[0]
    back = text_of(false_card.answer())
    assert "错误" in back and "更正：密切联系群众是我们党的优良传统和作风。" in back
    assert "错误" not in text_of(false_card.question())
    true_back = text_of(note_of(imported, "q-tf-2").cards()[0].answer())
    assert "正确" in true_back and "更正" not in true_back


def test_labels_follow_the_question_language(tmp_path: Path, col: Collection) -> None:
    q = Question("e1", "truefalse", "Water boils at 50 °C.", (), Source("notes", "Notes"), truth=False,
                 correction="Water boils at 100 °C.", language="en")  # fmt: skip
    import_package(col, build((q,), tmp_path))
    (cid,) = col.find_cards("")
    card = col.get_card(cid)
    assert card.note().note_type()["name"] == "kaodian truefalse v1 (en)"
    assert "False" in text_of(card.answer()) and "Correction: Water boils at 100 °C." in text_of(card.answer())


def test_markup_in_the_source_shows_as_text(imported: Collection) -> None:
    note = note_of(imported, "q-short-1")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in note["Back"]
    assert "&lt;b&gt;A &amp; B&lt;/b&gt;" in note["Front"]
    card = note.cards()[0]
    for side in (card.question(), card.answer()):
        assert "<script>" not in side and "<b>A" not in side
    assert "保持原样 <script>alert(1)</script>" in text_of(card.answer())
    assert "简述 <b>A & B</b> {特殊}" in text_of(card.question())


def test_braces_and_colons_cannot_break_a_cloze(tmp_path: Path, col: Collection) -> None:
    q = Question("c", "cloze", "写法 {{c9::x}} 与 a::b 中的{{1}}和{{2}}。", ("}}右括号", "::冒号"), Source("d", "D"))
    import_package(col, build((q,), tmp_path))
    cards = sorted((col.get_card(c) for c in col.find_cards("")), key=lambda c: c.ord)
    assert len(cards) == 2  # the literal {{c9::x}} made no card
    assert text_of(cards[0].answer()).startswith("填空题\n写法 {{c9::x}} 与 a::b 中的}}右括号和::冒号。")
    assert "[...]" in text_of(cards[1].question()) and "}}右括号" in text_of(cards[1].question())


def test_line_breaks_are_kept() -> None:
    assert anki.html_text("第一行\n第二行\r\n<第三行>") == "第一行<br>第二行<br>&lt;第三行&gt;"


@given(st.text(max_size=200))
def test_html_text_is_inert_and_reversible(text: str) -> None:
    out = anki.html_text(text)
    assert "<" not in out.replace("<br>", "")
    assert "{{" not in out and "}}" not in out and "::" not in out and "[" not in out
    assert html.unescape(out.replace("<br>", "\n")) == re.sub(r"\r\n|\r", "\n", text)


@given(
    st.lists(st.one_of(st.text(alphabet="ab权{}[:&<\n", max_size=6), st.integers(0, 4).map("{{{{{}}}}}".format))),
    st.lists(st.text(alphabet="xy{}:&", max_size=4), max_size=3),
)
def test_cloze_text_is_the_prompt_rendered_piece_by_piece(pieces: list[str], answers: list[str]) -> None:
    # prompts of plain text and blanks take a shortcut; stray braces and special characters do not
    q = replace(make_questions()[0], prompt="".join(pieces), answer=tuple(answers))
    assert anki.cloze_text(q) == q.fill(anki._cloze_blank, anki._html_text)


def test_a_long_line_without_punctuation_takes_linear_time(tmp_path: Path) -> None:
    def run(n: int) -> None:
        long = "党" * n
        build((Question("long", "cloze", long + "{{1}}" + long, ("要点",), Source("d", "D")),), tmp_path)

    assert_linear(run, 2_500)


# ---------------------------------------------------------------- identity and bytes


def test_guids_are_plain_hex_from_the_question_id(questions: tuple[Question, ...]) -> None:
    guids = [anki.note_guid(q) for q in questions]
    assert all(re.fullmatch(r"[0-9a-f]{20}", g) for g in guids)
    assert len(set(guids)) == len(guids)
    edited = replace(questions[0], prompt="完全不同的题目{{1}}", answer=("别的",))
    assert anki.note_guid(edited) == guids[0]


def test_repeated_question_ids_still_make_separate_notes(tmp_path: Path, col: Collection) -> None:
    q = Question("same", "short", "问一", ("答一",), Source("d", "D"))
    import_package(col, build((q, replace(q, prompt="问二")), tmp_path))
    assert col.note_count() == 2


def test_building_twice_gives_the_same_bytes(questions: tuple[Question, ...], tmp_path: Path) -> None:
    first = build(questions, tmp_path / "a").read_bytes()
    assert build(questions, tmp_path / "a").read_bytes() == first


def test_without_the_ledger_only_the_build_time_varies(
    questions: tuple[Question, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(anki, "clock", lambda: 1_800_000_000)
    first = build(questions, tmp_path / "a", ledger=False).read_bytes()
    assert build(questions, tmp_path / "b", ledger=False).read_bytes() == first
    monkeypatch.setattr(anki, "clock", lambda: 1_800_000_001)
    assert build(questions, tmp_path / "c", ledger=False).read_bytes() != first


def test_notes_carry_their_ledger_times(questions: tuple[Question, ...], tmp_path: Path) -> None:
    path = build(questions, tmp_path)
    stamps = json.loads(ledger.ledger_path(path).read_text(encoding="utf-8"))["notes"]
    assert set(stamps) == {f"sample/{q.id}" for q in questions}
    db = tmp_path / "collection.anki2"
    with zipfile.ZipFile(path) as z:
        db.write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(db)
    try:
        mods = dict(conn.execute("SELECT guid, mod FROM notes").fetchall())
    finally:
        conn.close()
    assert mods == {anki.note_guid(q): stamps[f"sample/{q.id}"]["mod"] for q in questions}


def test_the_output_folder_holds_only_the_package_and_its_ledger(
    questions: tuple[Question, ...], tmp_path: Path
) -> None:
    build(questions, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".sample.anki-ledger.json", "sample.apkg"]


def test_without_the_ledger_no_ledger_file_is_written(questions: tuple[Question, ...], tmp_path: Path) -> None:
    build(questions, tmp_path, ledger=False)
    assert [p.name for p in tmp_path.iterdir()] == ["sample.apkg"]


def test_an_empty_question_set_makes_an_empty_package(tmp_path: Path, col: Collection) -> None:
    import_package(col, build((), tmp_path))
    assert col.note_count() == 0


def test_through_the_format_registry(questions: tuple[Question, ...], tmp_path: Path) -> None:
    from kaodian.export import write_format

    outputs = write_format("apkg", questions, tmp_path, "学习", BuildOptions(output_dir=tmp_path))
    assert outputs == [tmp_path / "学习.apkg"]
    assert (tmp_path / ".学习.anki-ledger.json").is_file()


# ---------------------------------------------------------------- the bulk writer


def genanki_collection(specs: list[anki.NoteSpec], mods: dict[str, int], timestamp: int) -> sqlite3.Connection:
    """The reference: every note and card written by genanki itself, then each note's own time set."""
    import genanki

    decks: dict[str, genanki.Deck] = {}
    for s in specs:
        if s.deck not in decks:
            decks[s.deck] = genanki.Deck(anki.stable_id("deck", s.deck), s.deck)
        model = anki_base._genanki_model(s.notetype)
        decks[s.deck].add_note(
            genanki.Note(model=model, fields=list(s.fields), tags=list(s.tags), guid=s.guid, due=s.position)
        )
    conn = sqlite3.connect(":memory:")
    cursor = conn.cursor()
    genanki.Package(list(decks.values())).write_to_db(cursor, timestamp, itertools.count(timestamp * 1000))
    for s in specs:
        (nid,) = cursor.execute("SELECT id FROM notes WHERE guid = ?", (s.guid,)).fetchone()
        cursor.execute("UPDATE notes SET mod = ? WHERE id = ?", (mods[s.key], nid))
        cursor.execute("UPDATE cards SET mod = ? WHERE nid = ?", (mods[s.key], nid))
    return conn


def bulk_writer_questions() -> tuple[Question, ...]:
    """The fixture questions and more: several decks per note type, English labels, unusual clozes."""
    other = Source("other", "另一份材料", ("第二章",), "原句。")
    english = Source("notes", "Notes", ("Part 2",), "Water boils at 100 °C.")
    return (
        *make_questions(),
        Question("c-order", "cloze", "先{{10}}，后{{2}}，再{{10}}。", tuple(f"答{i}" for i in range(1, 11)), other),
        Question("c-none", "cloze", "没有空。", (), other),
        Question("c-zero", "cloze", "第{{0}}空与{{1}}。", ("一",), other),
        Question("tf-open", "truefalse", "一个没有结论的判断。", (), other, truth=None),
        Question(
            "e-tf", "truefalse", "Water boils at 50 °C.", (), english, truth=False, correction="100 °C.", language="en"
        ),
        Question("e-single", "single", "Pick one", ("b",), english, choices=("a", "b"), language="en"),
        Question("empty", "short", "", (), Source("other", "另一份材料")),
        Question("s-other", "short", "问题？", ("答案",), other, tags=("a tag",)),
    )


def test_bulk_writer_rows_match_genanki() -> None:
    specs = anki.note_specs(bulk_writer_questions())
    assert len({s.deck for s in specs}) >= 4
    mods = {s.key: 1_700_000_000 + i for i, s in enumerate(specs)}  # a time of its own for every note
    ours = sqlite3.connect(":memory:")
    ours.deserialize(anki._collection(specs, mods, 1_800_000_000))
    reference = genanki_collection(specs, mods, 1_800_000_000)
    try:
        for table in ("col", "notes", "cards", "revlog", "graves"):
            expected = reference.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            assert ours.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() == expected, table
        assert ours.execute("SELECT count(*) FROM cards").fetchone()[0] > len(specs)  # some notes have several
    finally:
        ours.close()
        reference.close()


def test_golden_fixture_notes(questions: tuple[Question, ...]) -> None:
    notes = [
        {
            "guid": spec.guid,
            "notetype": spec.notetype.name,
            "deck": spec.deck,
            "tags": list(spec.tags),
            "fields": dict(zip(spec.notetype.fields, spec.fields, strict=True)),
        }
        for spec in anki.note_specs(questions)
    ]
    produced = json.dumps(notes, ensure_ascii=False, indent=1) + "\n"
    golden = GOLDEN / "anki-fixture.notes.json"
    if UPDATE:
        golden.write_text(produced, encoding="utf-8")
    assert golden.is_file(), f"{golden.name} is missing; create it with KAODIAN_UPDATE_GOLDEN=1"
    assert produced == golden.read_text(encoding="utf-8")


# ---------------------------------------------------------------- genanki's pieces, stored


def test_stored_genanki_pieces_are_what_the_installed_genanki_gives() -> None:
    # if this fails after a template or genanki changed: python -m kaodian.export.anki_base
    stored = json.loads(anki_base.datafiles.text(anki_base.FILE))
    made = anki_base.from_genanki(anki.note_types())
    assert stored["collection"] == made["collection"]
    assert stored["deck"] == made["deck"]
    assert stored["notetypes"] == made["notetypes"]
    assert len(stored["notetypes"]) == len(anki.note_types()) >= 8


def genanki_empty_collection() -> bytes:
    """genanki's own empty collection, as bytes (what the stored scripts must give)."""
    import genanki

    conn = sqlite3.connect(":memory:")
    try:
        genanki.Package([]).write_to_db(conn.cursor(), 0, itertools.count())
        conn.commit()
        return conn.serialize()
    finally:
        conn.close()


def test_empty_collection_from_the_stored_scripts_is_genankis() -> None:
    def rows(collection: bytes) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(":memory:")
        conn.deserialize(collection)
        found = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        return found + conn.execute("SELECT * FROM col").fetchall()

    assert rows(anki._empty_collection()) == rows(genanki_empty_collection())
    import genanki

    assert anki_base.deck_json(7, "学习") == json.dumps(genanki.Deck(7, "学习").to_json())


def test_a_note_type_genanki_has_not_seen_is_made_by_genanki(questions: tuple[Question, ...]) -> None:
    changed = dataclasses.replace(anki.note_type("basic", "zh"), css=".card { color: teal; }")
    assert anki_base.notetype_key(changed) not in json.loads(anki_base.datafiles.text(anki_base.FILE))["notetypes"]
    model = anki_base._genanki_model(changed)
    assert anki_base.model(changed)["json"] == json.loads(json.dumps(model.to_json(0, 0)))
    assert anki_base.model(changed)["req"] == json.loads(json.dumps(model._req))
