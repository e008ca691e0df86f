"""Output names derived from titles, ids and file names stay inside the output folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kaodian.names import MAX_NAME_BYTES, is_reserved, safe_name, short_hash, slug, unique_name

# Every code point, lone surrogates included (file names that are not valid UTF-8 arrive as those).
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)


def _check_safe(name: str) -> None:
    assert name
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in name)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in name)
    assert not name.startswith(".") and not name.startswith("-")
    assert not name.endswith(".") and not name.endswith(" ")
    assert not is_reserved(name)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert set(name).isdisjoint(':*?"<>|')


@given(any_text)
@example("../../etc/passwd")
@example("..")
@example("")
@example("CON")
@example("nul.txt")
@example("a\x00b")
@example("\udcff\udcfe")
def test_safe_name_is_always_a_plain_file_name(title: str) -> None:
    name = safe_name(title)
    _check_safe(name)
    folder = Path("/out")
    assert (folder / f"{name}.apkg").parent == folder
    assert Path(name).name == name


@given(any_text)
def test_safe_name_is_stable_and_idempotent(title: str) -> None:
    name = safe_name(title)
    assert safe_name(title) == name
    assert safe_name(name) == name


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("..\\..\\Windows\\system32", "Windows-system32"),
        ("/absolute/path", "absolute-path"),
        ("a\x00b", "a-b"),
        ("党群关系：意义与现状", "党群关系：意义与现状"),  # a full-width colon is an ordinary character
        ("  spaced   out  ", "spaced-out"),
        ("trailing dots...", "trailing-dots"),
        (".hidden", "hidden"),
        ("CON", "document-CON"),
        ("con.txt", "document-con.txt"),
        ("Com1.tar.gz", "document-Com1.tar.gz"),
        ("LPT9", "document-LPT9"),
        ("com0.md", "document-com0.md"),
        ("COM¹", "document-COM¹"),
        ("nul.", "document-nul"),
        ("console", "console"),  # only the exact device names are reserved
        ("abc\u202etxt.exe", "abc-txt.exe"),  # a right-to-left override cannot disguise the name
    ],
)
def test_safe_name_examples(title: str, expected: str) -> None:
    assert safe_name(title) == expected


@pytest.mark.parametrize("title", ["", "...", "///", "\x00\x01", " - . _ "])
def test_safe_name_of_nothing_usable_is_a_stable_fallback(title: str) -> None:
    name = safe_name(title)
    assert name.startswith("document-") and len(name) == len("document-") + 8
    assert safe_name(title) == name


def test_safe_name_of_different_empty_titles_differ() -> None:
    assert safe_name("...") != safe_name("///")


@pytest.mark.parametrize("char", ["中", "𠀀", "a"])
def test_long_titles_are_cut_to_a_length_the_file_system_takes(char: str) -> None:
    name = safe_name(char * 1000)
    assert len(name) <= 80
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert set(name) == {char}


def test_unique_name_numbers_repeats_case_insensitively() -> None:
    taken: set[str] = set()
    assert [unique_name(n, taken) for n in ["notes", "Notes", "notes", "other"]] == [
        "notes",
        "Notes-2",
        "notes-3",
        "other",
    ]


def test_slug_and_short_hash() -> None:
    assert slug("Active Recall: Notes") == "active-recall-notes"
    assert slug("党群关系") == "党群关系"
    assert short_hash("a", "b") == short_hash("a", "b") != short_hash("ab")
    assert len(short_hash("x", length=12)) == 12
