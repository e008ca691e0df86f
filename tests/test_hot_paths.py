"""The fast forms of the generator's and claim finder's inner helpers keep their plain meaning."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kaodian.claims import _TRIM, _any_shared, _by_edge, _copula, _ends_with_head, _sentence_clauses, _shared, clauses
from kaodian.claims import _words as claim_words
from kaodian.claims import sentences as claim_sentences
from kaodian.questions import _SCAN, _nearest, _numbers, _words, blankable, sentences

_ENTRIES = st.lists(
    st.tuples(st.integers(-2, 90), st.sampled_from("abcdefgh"), st.sampled_from("xy")), max_size=120
).map(sorted)


def _numbers_by_definition(sentence: str) -> list[tuple[int, int]]:
    """Longest runs of Chinese numerals followed by a measure word, never a lone 一 or 两."""
    words = _words()
    numerals, measures = words["zh_numerals"], words["zh_measures"]
    out = []
    for i in range(len(sentence)):
        if sentence[i] not in numerals or (i > 0 and sentence[i - 1] in numerals):
            continue
        j = i
        while j < len(sentence) and sentence[j] in numerals:
            j += 1
        if j < len(sentence) and sentence[j] in measures and sentence[i:j] not in ("一", "两"):
            out.append((i, j))
    return out


def test_numbers_finds_counted_numerals() -> None:
    sentence = "坚持三个方面，一个中心，两个基本点，二十二条规定"
    found = [sentence[s:e] for s, e in _numbers([sentence], "zh")[0]]
    assert found == ["三", "二十二"]


@settings(max_examples=300)
@given(st.text(alphabet="一两三十百个项年条是的，", max_size=24))
def test_numbers_are_the_runs_the_definition_names(sentence: str) -> None:
    assert _numbers([sentence], "zh").get(0, []) == _numbers_by_definition(sentence)


def _digits_by_definition(sentence: str, language: str) -> list[tuple[int, int]]:
    """Runs of digits with a decimal part and a per cent sign, in English only those standing as a word."""
    out = []
    for m in re.finditer(r"[0-9０-９]+(?:[.．][0-9０-９]+)?[%％]?", sentence):
        before, after = sentence[m.start() - 1 : m.start()], sentence[m.end() : m.end() + 1]
        if language != "en" or not (before.isalnum() or after.isalnum()):
            out.append(m.span())
    return out


@settings(max_examples=300)
@given(
    st.lists(st.text(alphabet="1２.%a 一两三十个条是，", min_size=1, max_size=16), max_size=6),
    st.sampled_from(["zh", "en"]),
)
def test_numbers_of_many_sentences_are_those_of_each_sentence(sentences: list[str], language: str) -> None:
    found = _numbers(sentences, language)
    for n, sentence in enumerate(sentences):
        runs = _numbers_by_definition(sentence) if language == "zh" else []
        assert found.get(n, []) == _digits_by_definition(sentence, language) + runs


@settings(max_examples=300)
@given(_ENTRIES, st.integers(-3, 93), st.sets(st.sampled_from("abcdefghxy")))
def test_nearest_walk_does_not_depend_on_k(entries: list[tuple[int, str, str]], pos: int, bad: set[str]) -> None:
    # the head distractors reuse the first three of the nearest six
    def accept(text: str, extra: str) -> bool:
        return text not in bad and extra not in bad

    six = _nearest(entries, pos, accept, 6)
    assert _nearest(entries, pos, accept, 3) == six[:3]
    assert len(set(six)) == len(six) and not set(six) & bad


def _nearest_by_definition(entries: list[tuple[int, str, str]], pos: int, bad: set[str], k: int) -> list[str]:
    """The first k accepted texts of the first _SCAN entries by distance, the later one first on a tie."""
    later = [e for e in entries if e[0] >= pos]
    earlier = [e for e in entries if e[0] < pos][::-1]
    walk = sorted(later + earlier, key=lambda e: (abs(e[0] - pos), e[0] < pos))[:_SCAN]
    out: list[str] = []
    for _, text, extra in walk:
        if len(out) < k and text not in out and text not in bad and extra not in bad:
            out.append(text)
    return out


@settings(max_examples=300)
@given(
    st.lists(st.tuples(st.integers(-2, 90), st.sampled_from("abcdefgh"), st.sampled_from("xy")), max_size=150).map(
        sorted
    ),
    st.integers(-3, 93),
    st.sets(st.sampled_from("abcdefghxy")),
    st.integers(0, 7),
)
def test_nearest_is_the_walk_by_distance(entries: list[tuple[int, str, str]], pos: int, bad: set[str], k: int) -> None:
    def accept(text: str, extra: str) -> bool:
        return text not in bad and extra not in bad

    assert _nearest(entries, pos, accept, k) == _nearest_by_definition(entries, pos, bad, k)


def test_nearest_takes_the_closest_first_and_stops_after_the_scan() -> None:
    entries = [(0, "far", ""), (9, "near", ""), (12, "next", ""), (30, "later", "")]
    assert _nearest(entries, 10, lambda _t, _e: True, 3) == ["near", "next", "far"]
    many = [(i, f"t{i}", "") for i in range(_SCAN * 2)]
    assert len(_nearest(many, 0, lambda t, _e: t == f"t{_SCAN + 5}", 1)) == 0


@settings(max_examples=300)
@given(st.lists(st.text(alphabet="权情利为民所用系谋", min_size=1, max_size=6), min_size=1, max_size=4))
def test_shared_counts_aligned_equal_positions(items: list[str]) -> None:
    n = min(len(x) for x in items)
    front = sum(1 for k in range(n) if len({x[k] for x in items}) == 1)
    back = sum(1 for k in range(1, n + 1) if len({x[-k] for x in items}) == 1)
    assert _shared(items) == max(front, back)


@settings(max_examples=300)
@given(st.text(alphabet="权情利为民所用系谋", max_size=6), st.text(alphabet="权情利为民所用系谋", max_size=6))
def test_any_shared_is_one_equal_position_at_either_end(a: str, b: str) -> None:
    n = min(len(a), len(b))
    at_either_end = any(a[k] == b[k] or a[-1 - k] == b[-1 - k] for k in range(n))
    assert _any_shared(a, b) == at_either_end


def test_sentences_are_a_fresh_list_each_time() -> None:
    text = "人民是历史的创造者。群众是真正的英雄！"
    first = sentences(text, "zh")
    first.append("改动")
    assert sentences(text, "zh") == ["人民是历史的创造者。", "群众是真正的英雄！"]


def test_blankable_answers_per_language() -> None:
    assert blankable("群众路线", "zh")
    assert not blankable("，", "zh")
    assert blankable("spaced repetition", "en")
    assert not blankable("the", "en")


def _clauses_by_definition(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split at every clause mark but a comma or colon between digits, then trim each piece."""
    out = []
    s = start
    for i in range(start, end):
        if text[i] not in "，,；;：:。！？!?":
            continue
        if text[i] in ",:" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            continue
        out.append((s, i))
        s = i + 1
    out.append((s, end))
    trimmed = []
    for a, b in out:
        while a < b and text[a] in _TRIM:
            a += 1
        while b > a and text[b - 1] in _TRIM:
            b -= 1
        if b > a:
            trimmed.append((a, b))
    return trimmed


@settings(max_examples=500)
@given(st.text(alphabet="是的，,；：:。！？“”‘’ 　…—.12", max_size=30), st.integers(0, 30), st.integers(0, 30))
def test_clauses_are_the_trimmed_pieces_between_marks(text: str, a: int, b: int) -> None:
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    assert clauses(text, start, end) == _clauses_by_definition(text, start, end)


@settings(max_examples=500)
@given(st.text(alphabet="是的，,；：:。！？“”「」 \n…—.12", max_size=40))
def test_clauses_of_all_sentences_at_once_are_those_of_each_sentence(text: str) -> None:
    spans = claim_sentences(text)
    assert _sentence_clauses(text, spans) == [clauses(text, s, e) for s, e in spans]


def _copula_by_definition(clause: str) -> int:
    before, after = claim_words()["zh_not_copula_before"], claim_words()["zh_not_copula_after"]
    for i, ch in enumerate(clause):
        prev = clause[i - 1] if i > 0 else ""
        nxt = clause[i + 1] if i + 1 < len(clause) else ""
        if ch == "是" and not (prev and prev in before) and not (nxt and nxt in after) and nxt != "是":
            return i
    return -1


@settings(max_examples=300)
@given(st.text(alphabet="是不否非但于人民历史", max_size=12))
def test_copula_is_the_first_plain_shi(clause: str) -> None:
    assert _copula(clause) == _copula_by_definition(clause)


@settings(max_examples=300)
@given(st.text(alphabet="根本保证指标动力的是生命线", max_size=12))
def test_a_predicate_ends_with_a_head_noun_among_its_last_eight_characters(predicate: str) -> None:
    tail = predicate[-8:]
    heads = set(claim_words()["zh_heads"])
    assert _ends_with_head(predicate) == any(tail[k:] in heads for k in range(len(tail) - 1))


@settings(max_examples=300)
@given(st.text(alphabet="因此所以始终就是的\n", max_size=8), st.sampled_from([0, -1]))
def test_words_by_edge_answer_as_the_whole_list(text: str, index: int) -> None:
    words = [*claim_words()["zh_subject_lead"], *claim_words()["zh_subject_tail"], "\n"]
    table = _by_edge(words, index)
    if index == 0:
        assert text.startswith(table.get(text[:1], ())) == text.startswith(tuple(words))
    else:
        assert text.endswith(table.get(text[-1:], ())) == text.endswith(tuple(words))
