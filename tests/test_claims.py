"""Key claims: must-contain / must-not-contain lists per document, plus exact checks of their parts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaodian.claims import Unit, coinages, find_claims, sentences, unit_claims
from kaodian.extract import extract
from kaodian.model import Claim, CleanText

OUTLINE = Path(__file__).resolve().parent / "data" / "outline"


def load(name: str) -> CleanText:
    lines = [line for line in (OUTLINE / name).read_text("utf-8").splitlines() if line.strip()]
    language = "en" if lines[0].isascii() else "zh"
    return CleanText(source=name, title=lines[0], paragraphs=tuple(lines[1:]), language=language)


def claims_of(name: str) -> tuple[Claim, ...]:
    return extract(load(name)).claims


def by_subject(claims: tuple[Claim, ...]) -> dict[str, tuple[str, str]]:
    return {c.subject: (c.kind, c.predicate) for c in claims if c.subject}


# ---------------------------------------------------------------- Chinese

ZH_MUST = {
    "实事求是": ("principle", "一切从实际出发"),
    "群众路线": ("definition", "一切为了群众，一切依靠群众，从群众中来，到群众中去"),
    "生产力": ("definition", "人们改造自然的能力"),
    "科技创新": ("principle", "人才"),
    "实践": ("principle", "检验真理的唯一标准"),
    "人民": ("principle", "推动社会发展的根本动力"),
    "发展": ("principle", "解决一切问题的基础和关键"),
}


@pytest.mark.parametrize("subject", sorted(ZH_MUST))
def test_zh_definitions_and_principles(subject: str) -> None:
    assert by_subject(claims_of("claims_zh.txt")).get(subject) == ZH_MUST[subject]


def test_zh_quotes_with_attribution() -> None:
    quotes = {c.text: c.attribution for c in claims_of("claims_zh.txt") if c.kind == "quote"}
    assert quotes == {"没有调查，没有发言权": "毛泽东同志", "发展才是硬道理": "邓小平同志"}


ZH_ENUMERATIONS = [
    ("世界观", "人生观", "价值观"),
    ("心中有党", "心中有民", "心中有责", "心中有戒"),
    ("立党为公", "执政为民"),
    ("权为民所用", "情为民所系", "利为民所谋"),
]


@pytest.mark.parametrize("items", ZH_ENUMERATIONS, ids=lambda items: items[0])
def test_zh_enumerations(items: tuple[str, ...]) -> None:
    assert items in {c.items for c in claims_of("claims_zh.txt") if c.kind == "enumeration"}


ZH_MUST_NOT = [
    "我们不是要照搬书本",  # 不是 is no copula
    "这件事很难办成",  # "有人说" names nobody
    "一刀切",  # a short coinage is a term, not a quote
    "规章五件",  # two clauses that only share a final character are not parallel
]


@pytest.mark.parametrize("snippet", ZH_MUST_NOT)
def test_zh_must_not_contain(snippet: str) -> None:
    for c in claims_of("claims_zh.txt"):
        assert snippet not in c.text, c


def test_every_claim_has_its_point() -> None:
    doc = extract(load("claims_zh.txt"))
    titles = {p.id: p.title for p in doc.points}
    where = {c.subject: titles.get(c.point or "") for c in doc.claims if c.subject}
    assert where["实事求是"] is None  # in the preamble, before any point
    assert where["生产力"] == "基本概念"
    assert where["实践"] == "重要论断"


def test_subject_inherited_by_a_clause_that_starts_with_shi() -> None:
    (claim,) = [c for c in unit_claims(Unit("人民是历史的创造者，是推动社会发展的根本动力。", None)) if c.subject]
    assert claim.text == "人民是历史的创造者，是推动社会发展的根本动力"
    assert (claim.subject, claim.predicate) == ("人民", "推动社会发展的根本动力")


@pytest.mark.parametrize(
    ("sentence", "subject", "predicate"),
    [
        ("因此，党群关系始终是判断政党盛衰的重要标尺。", "党群关系", "判断政党盛衰的重要标尺"),
        ("密切联系群众是我们党的优良传统和作风。", "密切联系群众", "我们党的优良传统和作风"),
        ("改革开放是决定当代中国命运的关键一招。", "", ""),  # 一招 is no head noun: not a principle
        ("这是我们的根本保证。", "", ""),  # 这 is no subject
    ],
)
def test_zh_principle_sentences(sentence: str, subject: str, predicate: str) -> None:
    found = [(c.subject, c.predicate) for c in unit_claims(Unit(sentence, None)) if c.kind == "principle"]
    assert found == ([(subject, predicate)] if subject else [])


def test_enumeration_items_follow_word_boundaries() -> None:
    text = "加上极少数党员体察民情、了解民意、珍惜民力不够。"
    words = ("加上", "极少数", "党员", "体察", "民情", "、", "了解", "民意", "、", "珍惜", "民力", "不够", "。")
    (claim,) = unit_claims(Unit(text, None, words))
    assert claim.items == ("体察民情", "了解民意", "珍惜民力")


def test_unquoted_speech_is_a_quote() -> None:
    (claim,) = unit_claims(Unit("马克思早就指出过，公共权力一旦形成，就有可能凌驾于社会之上。", None))
    assert (claim.kind, claim.attribution) == ("quote", "马克思")
    assert claim.text == "公共权力一旦形成，就有可能凌驾于社会之上"


def test_coinages() -> None:
    text = "过去把党群关系比作“鱼水关系”，满脑子“权本位”思想，他说：“这是一个很长的句子不是术语。”"
    assert list(coinages(text)) == ["鱼水关系", "权本位"]


def test_sentences_keep_a_quote_whole() -> None:
    text = "他指出：“第一句。第二句。”接着说明。最后一句"
    assert [text[s:e] for s, e in sentences(text)] == ["他指出：“第一句。第二句。”", "接着说明。", "最后一句"]


# ---------------------------------------------------------------- English


EN_MUST = {
    "long-term memory": ("principle", "retrieval practice"),
    "Spaced repetition": ("definition", "reviewing material at increasing intervals"),
    "Sleep": ("principle", "the foundation of memory consolidation"),
}


@pytest.mark.parametrize("subject", sorted(EN_MUST))
def test_en_definitions_and_principles(subject: str) -> None:
    assert by_subject(claims_of("claims_en.txt")).get(subject) == EN_MUST[subject]


def test_en_quote_and_list() -> None:
    claims = claims_of("claims_en.txt")
    quotes = [(c.text, c.attribution) for c in claims if c.kind == "quote"]
    assert quotes == [("Learning is not a matter of time alone but of repeated retrieval", "Hermann Ebbinghaus")]
    assert ("questions", "answers", "summaries") in {c.items for c in claims}


@pytest.mark.parametrize("snippet", ["highlighting", "rereading is useless", "forgetting curve"])
def test_en_must_not_contain(snippet: str) -> None:
    for c in claims_of("claims_en.txt"):
        assert snippet not in c.text, c


def test_en_quote_attributed_after_it() -> None:
    (claim,) = unit_claims(Unit('"Practice makes permanent, not perfect," Daniel Coyle wrote.', None), "en")
    assert (claim.kind, claim.attribution) == ("quote", "Daniel Coyle")


# ---------------------------------------------------------------- properties


def test_claim_ids_are_unique_and_stable() -> None:
    first = claims_of("claims_zh.txt")
    assert len({c.id for c in first}) == len(first)
    assert claims_of("claims_zh.txt") == first


def test_duplicate_claims_are_kept_once() -> None:
    units = [Unit("党群关系是检验执政能力的根本指标。", "a"), Unit("党群关系是检验执政能力的根本指标。", "b")]
    claims = find_claims(units, "doc").claims
    assert [c.point for c in claims] == ["a"]


_ZH_TEXT = st.text(
    alphabet=st.sampled_from(list("党群关系是的核心关键在于指根本保证、，。“”：所谓马克思指出一二三和")), max_size=80
)


@settings(max_examples=150, deadline=None)
@given(_ZH_TEXT)
def test_subject_predicate_and_items_are_in_the_text(text: str) -> None:
    for c in unit_claims(Unit(text, None)):
        assert c.text
        for part in (c.subject, c.predicate, *c.items):
            assert part in c.text


@pytest.mark.parametrize(
    ("text", "language", "items"),
    [
        ("一是加强学习，提高本领；二是深入调研；三是狠抓落实。", "zh", ("加强学习", "深入调研", "狠抓落实")),
        ("首先要统一思想，其次要明确分工，最后要严格考核。", "zh", ("要统一思想", "要明确分工", "要严格考核")),
        (
            "First, plan the week. Second, test yourself; Finally, rest well.",
            "en",
            ("plan the week", "test yourself", "rest well"),
        ),
    ],
)
def test_inline_sequences_are_enumerations(text: str, language: str, items: tuple[str, ...]) -> None:
    assert items in {c.items for c in unit_claims(Unit(text, None), language)}


def test_inline_sequence_needs_two_in_order() -> None:
    assert not [c for c in unit_claims(Unit("二是一个数字，三是另一个。", None)) if c.kind == "enumeration"]


def test_english_list_starts_where_the_items_start() -> None:
    text = "Review at gradually increasing intervals, for example after 1 day, 3 days, 7 days and 21 days."
    (claim,) = [c for c in unit_claims(Unit(text, None), "en") if c.kind == "enumeration"]
    assert claim.items == ("1 day", "3 days", "7 days", "21 days")


def test_english_list_of_wh_clauses() -> None:
    text = "They cover what active recall is, why spacing matters, and how to turn both into a routine."
    (claim,) = unit_claims(Unit(text, None), "en")
    assert claim.items == ("what active recall is", "why spacing matters", "how to turn both into a routine")


def test_english_predicate_stops_at_the_clause() -> None:
    text = "Retrieval practice is the engine of memory, spacing decides when to use it."
    (claim,) = unit_claims(Unit(text, None), "en")
    assert (claim.subject, claim.predicate) == ("Retrieval practice", "the engine of memory")


@pytest.mark.parametrize(
    "text",
    [
        "有学者指出：“党群关系好比一面镜子，照出的是干部的作风。”",  # nobody in particular
        "镜子照出的是干部的作风。",  # "照出的" is no subject
    ],
)
def test_no_claim_without_a_proper_subject_or_speaker(text: str) -> None:
    assert [c for c in unit_claims(Unit(text, None)) if c.kind in ("quote", "principle")] == []


def test_numbers_inside_a_list_are_not_part_of_its_items() -> None:
    (claim,) = unit_claims(Unit("要通过①定期走访、②公开承诺、③群众评议等办法。", None))
    assert claim.items == ("定期走访", "公开承诺", "群众评议")


_EN_TEXT = st.lists(
    st.sampled_from(["The key to ", "is ", "defined as ", "the foundation of ", "memory", ", ", "and ",
                     "or ", "First, ", "Second, ", '"', "As Ann said, ", ". ", "x", "y "]),
    max_size=30,
).map("".join)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(_EN_TEXT)
def test_english_parts_are_in_the_text(text: str) -> None:
    for c in unit_claims(Unit(text, None), "en"):
        assert c.text
        for part in (c.subject, c.predicate, *c.items):
            assert part in c.text


def test_bullet_lists_are_enumerations() -> None:
    units = [
        Unit("Advantages of spaced review:", "p1"),
        Unit("- fewer total hours for the same result;", "p1"),
        Unit("- less anxiety before exams.", "p1"),
        Unit("• 问题导向", "p2"),  # another point: another list (of one item, so none)
        Unit("Then prose.", "p2"),
        Unit("* first", "p3"),
        Unit("* second", "p3"),
    ]
    enumerations = [(c.point, c.items) for c in find_claims(units, "d", "en").claims if c.kind == "enumeration"]
    assert enumerations == [
        ("p1", ("fewer total hours for the same result", "less anxiety before exams")),
        ("p3", ("first", "second")),
    ]


def test_an_enumeration_holds_its_whole_sentence() -> None:
    text = "实践反复说明，只有思想上尊重群众，感情上贴近群众，工作上依靠群众，各项任务才能落到实处。下一句。"
    (claim,) = [c for c in unit_claims(Unit(text, None)) if c.kind == "enumeration"]
    assert claim.items == ("思想上尊重群众", "感情上贴近群众", "工作上依靠群众")
    assert claim.text == "实践反复说明，只有思想上尊重群众，感情上贴近群众，工作上依靠群众，各项任务才能落到实处"


def test_widening_an_enumeration_to_its_sentence_keeps_its_id() -> None:
    # the id follows the list's own clause: an edit elsewhere in the sentence does not move it
    one = find_claims([Unit("少数干部没有树立正确的世界观、人生观、价值观，对群众不闻不问。", None)], "d").claims
    two = find_claims([Unit("少数干部没有树立正确的世界观、人生观、价值观，把权力当成资本。", None)], "d").claims
    (a,) = [c for c in one if c.kind == "enumeration"]
    (b,) = [c for c in two if c.kind == "enumeration"]
    assert a.text != b.text and a.id == b.id


def test_a_definition_runs_to_the_end_of_its_sentence() -> None:
    text = "群众路线是指一切为了群众、一切依靠群众，从群众中来、到群众中去的工作方法。"
    (claim,) = [c for c in unit_claims(Unit(text, None)) if c.kind == "definition"]
    assert claim.subject == "群众路线"
    assert claim.predicate == "一切为了群众、一切依靠群众，从群众中来、到群众中去的工作方法"
    assert claim.text == text.rstrip("。")


def test_a_definition_stops_before_another_claim_of_its_sentence() -> None:
    text = "群众路线是指一切为了群众，群众满意度是检验工作成效的根本指标。"
    definitions = [c for c in unit_claims(Unit(text, None)) if c.kind == "definition"]
    assert [c.predicate for c in definitions] == ["一切为了群众"]
