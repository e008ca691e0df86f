"""Rebuilding a deck updates it in place: new notes are added, changed notes updated,
reviews kept, and a person's edits in Anki survive rebuilds that did not touch the note."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.notes import Note
from hypothesis import given
from hypothesis import strategies as st

from conftest import TEST_DATA
from kaodian import pipeline
from kaodian.export import anki, ledger
from kaodian.model import Question, Source
from kaodian.options import AnkiOptions, BuildOptions

#: A first build well before the person's edits in Anki (which Anki stamps with the real time).
EARLIER = int(time.time()) - 10_000


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    collection = Collection(str(tmp_path / "collection.anki2"))
    yield collection
    collection.close()


def build_at(
    when: int, questions: tuple[Question, ...], folder: Path, monkeypatch: pytest.MonkeyPatch, ledger_on: bool = True
) -> Path:
    monkeypatch.setattr(anki, "clock", lambda: when)
    options = BuildOptions(output_dir=folder, anki=AnkiOptions(ledger=ledger_on))
    (path,) = anki.write(questions, folder / "sample.apkg", options)
    return path


def import_package(col: Collection, path: Path) -> None:
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=False))
    col.import_anki_package(request)


def note_of(col: Collection, question_id: str) -> Note:
    guid = anki.note_guid(Question(question_id, "short", "", (), Source("sample", "")))
    nid = col.db.scalar("SELECT id FROM notes WHERE guid = ?", guid)
    assert nid, f"no note for {question_id}"
    return col.get_note(nid)


def snapshot(col: Collection) -> dict[str, tuple[list[str], list[str], int]]:
    """guid -> (fields, tags, mod) of every note."""
    out = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        out[note.guid] = (list(note.fields), sorted(note.tags), note.mod)
    return out


def review(col: Collection, question_id: str) -> int:
    """Answer the note's first card "easy" through the scheduler; returns the card id."""
    return review_card(col, note_of(col, question_id).cards()[0].id)


def review_card(col: Collection, card_id: int) -> int:
    card = col.get_card(card_id)
    card.start_timer()
    col.sched.answerCard(card, 4)
    return card_id


def card_state(col: Collection, card_id: int) -> tuple[int, int, int, int]:
    card = col.get_card(card_id)
    revlog = col.db.scalar("SELECT count() FROM revlog WHERE cid = ?", card_id)
    return card.due, card.ivl, card.type, revlog


def edited(questions: tuple[Question, ...]) -> tuple[Question, ...]:
    """The sample with q-cloze-1 reworded and one new question."""
    changed = tuple(
        replace(q, prompt="党群关系是衡量我们党执政能力的{{1}}。") if q.id == "q-cloze-1" else q for q in questions
    )
    source = Source("sample", "学习材料样例")
    new = Question("q-new-1", "short", "学习小组的根本原则是什么？", ("理论联系实际",), source)
    return (*changed, new)


def test_rebuild_adds_new_notes_updates_changed_ones_and_keeps_reviews(
    questions: tuple[Question, ...], tmp_path: Path, col: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    decks = tmp_path / "decks"
    import_package(col, build_at(EARLIER, questions, decks, monkeypatch))
    reviewed = review(col, "q-single-1")
    state = card_state(col, reviewed)
    assert state[3] == 1 and state[1] > 0  # one revlog row, an interval
    before = snapshot(col)

    import_package(col, build_at(EARLIER + 100, edited(questions), decks, monkeypatch))

    after = snapshot(col)
    assert col.note_count() == len(questions) + 1
    changed_guid = anki.note_guid(questions[0])
    assert "衡量" in after[changed_guid][0][0] and "检验" not in after[changed_guid][0][0]
    assert after[changed_guid][2] == EARLIER + 100
    for guid, (fields, tags, mod) in before.items():
        if guid != changed_guid:
            assert after[guid] == (fields, tags, mod), guid
    assert card_state(col, reviewed) == state
    assert note_of(col, "q-single-1").cards()[0].id == reviewed


def test_a_change_within_the_same_second_still_updates_the_note(
    questions: tuple[Question, ...], tmp_path: Path, col: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_package(col, build_at(EARLIER, questions, tmp_path, monkeypatch))
    import_package(col, build_at(EARLIER, edited(questions), tmp_path, monkeypatch))
    assert "衡量" in note_of(col, "q-cloze-1")["Text"]
    assert note_of(col, "q-cloze-1").mod == EARLIER + 1


def test_a_persons_edit_survives_a_rebuild_that_did_not_touch_the_note(
    questions: tuple[Question, ...], tmp_path: Path, col: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_package(col, build_at(EARLIER, questions, tmp_path, monkeypatch))
    note = note_of(col, "q-single-1")
    note["Extra"] = "我的笔记：考前重点看"
    col.update_note(note)

    import_package(col, build_at(int(time.time()) + 100, edited(questions), tmp_path, monkeypatch))

    assert note_of(col, "q-single-1")["Extra"] == "我的笔记：考前重点看"
    assert "衡量" in note_of(col, "q-cloze-1")["Text"]  # the rebuild itself did update


def test_without_the_ledger_a_rebuild_overwrites_the_persons_edit(
    questions: tuple[Question, ...], tmp_path: Path, col: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the ledger prevents: every note stamped with the build time wins over the edit."""
    import_package(col, build_at(EARLIER, questions, tmp_path, monkeypatch, ledger_on=False))
    note = note_of(col, "q-single-1")
    note["Extra"] = "我的笔记"
    col.update_note(note)
    import_package(col, build_at(int(time.time()) + 100, questions, tmp_path, monkeypatch, ledger_on=False))
    assert note_of(col, "q-single-1")["Extra"] == ""


def test_a_source_change_wins_over_an_edit_of_the_same_note(
    questions: tuple[Question, ...], tmp_path: Path, col: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_package(col, build_at(EARLIER, questions, tmp_path, monkeypatch))
    note = note_of(col, "q-cloze-1")
    note["Extra"] = "我的笔记"
    col.update_note(note)
    import_package(col, build_at(int(time.time()) + 100, edited(questions), tmp_path, monkeypatch))
    assert "衡量" in note_of(col, "q-cloze-1")["Text"]
    assert note_of(col, "q-cloze-1")["Extra"] == ""


def test_a_changed_card_template_reaches_the_collection(
    questions: tuple[Question, ...], tmp_path: Path, col: Collection, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_package(col, build_at(EARLIER, questions, tmp_path, monkeypatch))
    before = snapshot(col)
    restyled = dict(anki._resources())
    restyled["css"] += "\n.kaodian .prompt { color: teal; }\n"
    monkeypatch.setattr(anki, "_resources", lambda: restyled)
    anki.note_type.cache_clear()
    try:
        import_package(col, build_at(EARLIER + 100, questions, tmp_path, monkeypatch))
    finally:
        anki.note_type.cache_clear()
    for question_id in ("q-single-1", "q-cloze-1", "q-tf-1", "q-short-1"):  # every note type, as rendered
        assert "color: teal" in note_of(col, question_id).cards()[0].question(reload=True)
    assert snapshot(col) == before  # the notes themselves were not touched


def test_the_ledger_keeps_unchanged_times_and_forgets_removed_questions(
    questions: tuple[Question, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = build_at(EARLIER, questions, tmp_path, monkeypatch)
    build_at(EARLIER + 50, edited(questions)[1:], tmp_path, monkeypatch)  # q-cloze-1 removed, q-new-1 added
    notes = ledger.load(ledger.ledger_path(path))["notes"]
    assert "sample/q-cloze-1" not in notes
    assert notes["sample/q-new-1"].mod == EARLIER + 50
    assert {k: s.mod for k, s in notes.items() if k != "sample/q-new-1"} == {
        f"sample/{q.id}": EARLIER for q in questions[1:]
    }


def test_a_damaged_ledger_is_an_error_that_says_what_to_do(
    questions: tuple[Question, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaodian.errors import SchemaError

    path = build_at(EARLIER, questions, tmp_path, monkeypatch)
    ledger.ledger_path(path).write_text("{not json", encoding="utf-8")
    with pytest.raises(SchemaError, match="delete it to rebuild"):
        build_at(EARLIER, questions, tmp_path, monkeypatch)


def test_restamp_rules() -> None:
    old = {"same": ledger.Stamp("h1", 100), "changed": ledger.Stamp("h2", 100), "gone": ledger.Stamp("h3", 100)}
    new = ledger.restamp(old, {"same": "h1", "changed": "h2x", "new": "h4"}, now=90)  # a clock that went back
    assert new == {"same": ledger.Stamp("h1", 100), "changed": ledger.Stamp("h2x", 101), "new": ledger.Stamp("h4", 90)}
    assert ledger.restamp(old, {"changed": "h2x"}, now=500)["changed"].mod == 500


stamps = st.dictionaries(st.text(), st.builds(ledger.Stamp, st.text("0123456789abcdef"), st.integers(0, 1 << 40)))


@given(stamps, stamps)
def test_the_ledger_file_is_sorted_indented_json(
    notes: dict[str, ledger.Stamp], types: dict[str, ledger.Stamp]
) -> None:
    sections = {"notes": notes, "notetypes": types}
    data: dict[str, object] = {"kaodian-ledger": ledger.LEDGER_VERSION}
    for name, part in sections.items():
        data[name] = {k: {"hash": s.hash, "mod": s.mod} for k, s in part.items()}
    expected = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    assert ledger.dumps(sections) == expected


def test_the_ledger_reads_back_what_it_wrote(tmp_path: Path) -> None:
    written = {"notes": {"文档/q-1": ledger.Stamp("ab12", 1_800_000_000)}, "notetypes": {}}
    assert ledger.load(ledger.save(tmp_path / "ledger.json", written)) == written


# ---------------------------------------------------------------- end to end, from a source document


def test_editing_the_source_document_updates_the_deck_in_place(tmp_path: Path, col: Collection) -> None:
    source = tmp_path / "学习小组工作要点.txt"
    shutil.copy(TEST_DATA / "anki" / source.name, source)
    options = BuildOptions(output_dir=tmp_path / "decks", formats=("apkg",))
    (deck,) = pipeline.build([source], options).outputs
    first = {s.guid: s for s in anki.note_specs(pipeline.question_set([source]).questions)}
    import_package(col, deck)
    assert col.note_count() == len(first) > 0

    # one more sub-point under 二、主要任务, and one sentence reworded
    text = source.read_text(encoding="utf-8")
    text = text.replace("两次，每次不少于两小时", "三次，每次不少于一小时")
    source.write_text(text.replace("\n三、", "⒊成果转化\n学习成果应当及时转化为工作成效。\n\n三、"), encoding="utf-8")
    second = {s.guid: s for s in anki.note_specs(pipeline.question_set([source]).questions)}
    edited = [g for g in second if g in first and second[g].digest() != first[g].digest()]
    assert edited, "the edit changed no question in place"
    nid = col.db.scalar("SELECT id FROM notes WHERE guid = ?", edited[0])
    reviewed = review_card(col, col.get_note(nid).cards()[0].id)
    state = card_state(col, reviewed)

    pipeline.build([source], options)
    import_package(col, deck)

    assert col.note_count() == len(first.keys() | second.keys())
    for guid, spec in second.items():
        fields = col.get_note(col.db.scalar("SELECT id FROM notes WHERE guid = ?", guid)).fields
        sort = spec.notetype.fields.index("Sort")
        assert [f for i, f in enumerate(fields) if i != sort] == [f for i, f in enumerate(spec.fields) if i != sort]
    assert col.get_note(nid).fields != list(first[edited[0]].fields)
    assert card_state(col, reviewed) == state
