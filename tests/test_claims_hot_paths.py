"""The claim finder's fast forms keep their plain meaning: one scan for sentences and clauses, nearest word
boundaries by bisection, a subject looked up only when a clause needs it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaodian.claims import (
    Unit,
    _head_item,
    _tail_item,
    clauses,
    find_claims,
    sentence_clauses,
    sentences,
    unit_claims,
)

#: Clause marks, sentence ends, quote marks, "." and "1,000" make the slow forms differ from the fast one.
_MARKED_TEXT = st.text(alphabet="是的人民，,；;：:。！？!?“”「」『』\"'‘’ 　…—.12、\n", max_size=40)
#: The text most paragraphs are: no quote marks, "," ":" or ".", so the one-scan form applies.
_PLAIN_TEXT = st.text(alphabet="是的人民，；：。！？!?'‘’ 　…—12、\n", max_size=40)


@settings(max_examples=500)
@given(st.one_of(_MARKED_TEXT, _PLAIN_TEXT))
def test_sentences_and_clauses_in_one_scan_are_those_found_apart(text: str) -> None:
    spans = sentences(text)
    assert sentence_clauses(text) == (spans, [clauses(text, s, e) for s, e in spans])


def _nearest_by_definition(bounds: list[int], inside: range, target: int, default: int) -> int:
    near = [b for b in bounds if b in inside]
    return min(near, key=lambda b: (abs(b - target), b)) if near else default


@settings(max_examples=500)
@given(
    st.sets(st.integers(0, 40), max_size=12).map(sorted),
    st.integers(0, 40),
    st.integers(0, 40),
    st.integers(2, 15),
)
def test_list_items_end_at_the_nearest_word_boundary(bounds: list[int], a: int, b: int, size: int) -> None:
    s, e = sorted((a, b))
    if e - s > size + 1 and not bounds:
        tail, head = e - size, s + size  # no segmentation: count characters
    elif e - s > size + 1:
        tail = _nearest_by_definition(bounds, range(max(s, e - size - 4), e), e - size, s)
        head = _nearest_by_definition(bounds, range(s + 1, min(e, s + size + 4) + 1), s + size, e)
    else:
        tail, head = s, e
    assert _tail_item(s, e, size, bounds) == tail
    assert _head_item(s, e, size, bounds) == head


def test_a_clause_starting_with_shi_takes_the_latest_good_subject() -> None:
    text = "群众是真正的英雄，人民是历史的创造者，这是常识，是推动社会发展的根本动力。"
    (claim,) = unit_claims(Unit(text, None))
    assert (claim.subject, claim.text) == ("人民", "人民是历史的创造者，这是常识，是推动社会发展的根本动力")


def test_a_clause_starting_with_shi_without_a_subject_before_it_is_no_claim() -> None:
    assert unit_claims(Unit("这是常识，是推动社会发展的根本动力。", None)) == []


_LIST = "要坚持世界观、人生观和价值观的统一。"
_WORDS = ("要", "坚持", "世界观", "、", "人生观", "和", "价值观", "的", "统一", "。")
_OTHER_WORDS = ("要坚", "持世界观", "、", "人生观", "和", "价值观", "的", "统一", "。")


def _lead_words(lead: str) -> tuple[str, ...]:
    """ "总结。" → ("总结", "。")."""
    return (lead[:-1], lead[-1:]) if lead else ()


@pytest.mark.parametrize("leads", [("", ""), ("总结。", "再说。")], ids=["same paragraph", "same sentence"])
def test_a_repeated_paragraph_or_sentence_segmented_otherwise_keeps_its_own_list(leads: tuple[str, str]) -> None:
    # a list's items end at word boundaries: the second segmentation gives another first item
    first, second = leads
    units = [
        Unit(first + _LIST, "p1", words=_lead_words(first) + _WORDS),
        Unit(second + _LIST, "p2", words=_lead_words(second) + _OTHER_WORDS),
    ]
    found = find_claims(units, "d").claims
    assert [(c.point, c.items[0]) for c in found] == [("p1", "世界观"), ("p2", "持世界观")]


def test_a_repeated_paragraph_or_sentence_gives_its_claims_once() -> None:
    sentence = "人民是历史的创造者，是推动社会发展的根本动力。"
    units = [Unit(sentence, "p1"), Unit("另外。" + sentence, "p2"), Unit(sentence, "p3")]
    found = find_claims(units, "d").claims
    assert [(c.point, c.subject, c.predicate) for c in found] == [("p1", "人民", "推动社会发展的根本动力")]
