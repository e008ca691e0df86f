"""Per-document caches: answers are reused within a document and never carried to the next."""

from __future__ import annotations

from pathlib import Path

from kaodian import memo
from kaodian.pipeline import extract_file

DATA = Path(__file__).resolve().parents[1] / "data"


def test_a_per_document_answer_is_reused_until_the_next_document() -> None:
    calls: list[str] = []

    @memo.per_document()
    def shout(text: str) -> str:
        calls.append(text)
        return text.upper()

    assert shout("a") == shout("a") == "A"
    assert calls == ["a"]
    memo.new_document()
    assert shout("a") == "A"
    assert calls == ["a", "a"]


def test_each_document_read_starts_with_empty_caches() -> None:
    calls: list[str] = []

    @memo.per_document()
    def seen(text: str) -> str:
        calls.append(text)
        return text

    seen("党群关系")
    extract_file(DATA / "dangqun-guanxi.txt")
    seen("党群关系")
    assert calls == ["党群关系", "党群关系"]


def test_the_text_caches_of_the_generator_and_the_exporters_are_per_document() -> None:
    from kaodian import questions
    from kaodian.export import anki, quiz_html

    for fn in (questions._norm, questions._statement, questions._predicate, anki.html_text, quiz_html._e):
        assert fn in memo._caches, fn
