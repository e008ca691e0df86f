"""Question generation on the study-set fixtures: concrete questions of every type, and the quality rules."""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import assert_linear
from kaodian.errors import UnknownQuestionTypeError
from kaodian.model import QUESTION_TYPES, Claim, Document, Notice, Point, Question, StudySet, Term
from kaodian.names import slug
from kaodian.options import GenerateOptions
from kaodian.questions import generate, problems
from kaodian.serialize import load_file

DATA = Path(__file__).resolve().parent / "data" / "questions"
PARTIAL_TEMPLATES = {"short-point-children-partial", "list-point-children-partial"}


def _load(name: str) -> Document:
    loaded = load_file(DATA / name)
    assert isinstance(loaded, StudySet)
    return loaded.documents[0]


@pytest.fixture(scope="module")
def zh_doc() -> Document:
    return _load("qunzhong.yaml")


@pytest.fixture(scope="module")
def zh(zh_doc: Document) -> tuple[Question, ...]:
    return generate(zh_doc)


@pytest.fixture(scope="module")
def en() -> tuple[Question, ...]:
    return generate(_load("water-cycle.yaml"))


def _one(questions: tuple[Question, ...], qtype: str, prompt: str) -> Question:
    found = [q for q in questions if q.type == qtype and q.prompt == prompt]
    assert len(found) == 1, (
        f"no single {qtype} question {prompt!r} in {[q.prompt for q in questions if q.type == qtype]}"
    )
    return found[0]


# ---------------------------------------------------------------- concrete questions (Chinese)


def test_every_type_is_made_from_the_chinese_fixture(zh: tuple[Question, ...]) -> None:
    assert {q.type for q in zh} == set(QUESTION_TYPES)


def test_cloze_blanks_the_head_noun_of_a_principle(zh: tuple[Question, ...]) -> None:
    q = _one(zh, "cloze", "人民群众是我们党的{{1}}。")
    assert q.answer == ("力量源泉",)
    assert q.template == "cloze-claim-predicate"
    assert q.source.sentence == "人民群众是我们党的力量源泉。"


def test_cloze_blanks_the_head_before_a_conjunction(zh: tuple[Question, ...]) -> None:
    single = _one(zh, "single", "密切联系群众是我们党的（  ）和作风。")
    assert single.answer == ("优良传统",)


def test_cloze_blanks_each_varying_part_of_a_parallel_structure(zh: tuple[Question, ...]) -> None:
    q = _one(zh, "cloze", "党员干部只有做到权为民所{{1}}，情为民所{{2}}，利为民所{{3}}，才能赢得群众的信任和支持。")
    assert q.answer == ("用", "系", "谋")
    q = _one(zh, "cloze", "要把群众的事情办{{1}}、办{{2}}、办{{3}}。")
    assert q.answer == ("好", "实", "快")


def test_cloze_blanks_the_items_of_an_enumeration(zh: tuple[Question, ...]) -> None:
    # the whole sentence that holds the list, not the clause cut out of it
    q = _one(
        zh,
        "cloze",
        "有的干部没有树立正确的{{1}}观、{{2}}观、{{3}}观，也没有坚持正确的权力观、政绩观、事业观，把个人利益放在群众利益之上。",
    )
    assert q.answer == ("世界", "人生", "价值")


def test_cloze_blanks_a_subject_and_a_named_document(zh: tuple[Question, ...]) -> None:
    assert _one(zh, "cloze", "所谓{{1}}，是指一切为了群众，一切依靠群众，从群众中来，到群众中去。").answer == (
        "群众路线",
    )
    assert _one(zh, "cloze", "《{{1}}》共有十二条，对党员干部提出了明确要求。").answer == (
        "关于密切联系群众的若干规定",
    )


def test_cloze_blanks_a_number_and_a_key_term(zh_doc: Document) -> None:
    only_cloze = generate(zh_doc, GenerateOptions(types=("cloze",), max_cloze_per_sentence=3))
    assert _one(
        only_cloze, "cloze", "《关于密切联系群众的若干规定》共有{{1}}条，对党员干部提出了明确要求。"
    ).answer == ("十二",)
    terms = [q for q in only_cloze if q.template == "cloze-sentence-term"]
    assert terms and all(q.answer[0] in {"群众路线", "作风建设", "力量源泉", "党员干部", "群众利益"} for q in terms)


def test_single_choice_distractors_are_the_other_claims_head_nouns(zh: tuple[Question, ...]) -> None:
    q = _one(zh, "single", "干群关系是检验干部作风的（  ）。")
    assert q.answer == ("根本指标",)
    assert set(q.choices) == {"根本指标", "根本保证", "力量源泉", "优良传统"}


def test_single_choice_from_a_heading_takes_other_sections_points_as_distractors(zh: tuple[Question, ...]) -> None:
    q = _one(zh, "single", "下列属于“坚持群众路线对加强作风建设具有重要意义”内容的一项是（  ）。")
    children = {"人民群众是我们党的力量源泉", "群众路线是我们党的生命线", "密切联系群众是我们党的优良传统"}
    assert len(q.answer) == 1 and q.answer[0] in children
    assert set(q.choices) - set(q.answer) == {"心中没有群众", "办事不讲效率"}


def test_multiple_choice_holds_the_items_and_a_same_kind_distractor() -> None:
    first = "有的干部没有树立正确的世界观、人生观、价值观，把个人利益放在群众利益之上"
    second = "要引导干部坚持正确的权力观、政绩观、事业观"
    doc = Document(
        id="d",
        source="d.txt",
        title="样例",
        points=(Point("p", None, 1, "一、", "总论", f"{first}。{second}。"),),
        claims=(
            Claim("a", "p", "enumeration", first, items=("世界观", "人生观", "价值观")),
            Claim("b", "p", "enumeration", second, items=("权力观", "政绩观", "事业观")),
        ),
    )
    q = _one(generate(doc), "multiple", "有的干部没有树立正确的（  ），把个人利益放在群众利益之上。")
    assert sorted(q.answer) == sorted(("世界观", "人生观", "价值观"))
    wrong = set(q.choices) - set(q.answer)
    assert len(wrong) == 1 and wrong <= {"权力观", "政绩观", "事业观"}
    assert q.answer == tuple(c for c in q.choices if c in q.answer), "answer in choice order"


def test_no_distractor_that_the_prompt_shows(zh: tuple[Question, ...]) -> None:
    # the other list of the same sentence stands in the prompt: it cannot be a wrong choice
    for q in zh:
        if q.type == "multiple":
            shown = q.prompt
            assert not [c for c in q.choices if c not in q.answer and c in shown], q


def test_multiple_choice_from_a_heading(zh: tuple[Question, ...]) -> None:
    q = _one(zh, "multiple", "“坚持群众路线对加强作风建设具有重要意义”包括（  ）。")
    assert len(q.answer) == 3 and len(q.choices) == 4


def test_false_statements_swap_a_head_noun_and_keep_the_original(zh: tuple[Question, ...], zh_doc: Document) -> None:
    false = [q for q in zh if q.type == "truefalse" and q.truth is False]
    true = [q for q in zh if q.type == "truefalse" and q.truth is True]
    assert false and true
    claims = {c.text for c in zh_doc.claims}
    heads = {"力量源泉", "生命线", "优良传统", "根本保证", "根本指标"}
    for q in false:
        assert q.correction in claims
        assert q.prompt not in claims
        assert q.prompt.count("不") == q.correction.count("不"), "never made false by adding 不"
        swapped = [(a, b) for a in heads for b in heads if a != b and q.correction.replace(a, b) == q.prompt]
        assert swapped, f"{q.prompt} is not {q.correction} with one head noun swapped"
    assert _one(zh, "truefalse", "人民群众是我们党的优良传统。").correction == "人民群众是我们党的力量源泉。"


def test_true_statements_are_claims_as_written(zh: tuple[Question, ...], zh_doc: Document) -> None:
    claims = {c.text for c in zh_doc.claims}
    assert all(q.prompt in claims and not q.correction for q in zh if q.type == "truefalse" and q.truth)


def test_quote_attribution_offers_people_for_a_person(zh: tuple[Question, ...]) -> None:
    q = _one(zh, "quote", "“群众是真正的英雄。”这句话出自（  ）。")
    assert q.answer == ("毛泽东",)
    assert len(q.choices) == 4 and set(q.choices) <= {"毛泽东", "马克思", "恩格斯", "列宁", "邓小平", "周恩来"}


def test_quote_attribution_offers_neighbouring_numbers_for_a_numbered_report(zh: tuple[Question, ...]) -> None:
    q = _one(zh, "quote", "“作风建设永远在路上，必须常抓不懈、久久为功。”这句话出自（  ）。")
    assert q.answer == ("市第十二次党代会报告",)
    assert {"市第十一次党代会报告", "市第十三次党代会报告"} <= set(q.choices)


def test_short_answer_takes_a_heading_and_its_points(zh: tuple[Question, ...]) -> None:
    q = _one(zh, "short", "坚持群众路线对加强作风建设具有重要意义主要表现在哪些方面？")
    assert q.answer == ("人民群众是我们党的力量源泉", "群众路线是我们党的生命线", "密切联系群众是我们党的优良传统")
    assert _one(zh, "short", "什么是群众路线？").answer == ("一切为了群众，一切依靠群众，从群众中来，到群众中去",)


def test_list_recall_where_the_count_matches(zh: tuple[Question, ...]) -> None:
    q = _one(zh, "list", "坚持群众路线对加强作风建设具有重要意义包括哪三个方面？")
    assert len(q.answer) == 3
    assert _one(zh, "list", "正确的“三观”包括哪三项？").answer == ("世界观", "人生观", "价值观")


def test_a_count_mismatch_says_how_many_points_the_source_keeps(zh: tuple[Question, ...]) -> None:
    on_p2 = [q for q in zh if q.source.point == "p2"]
    assert {q.template for q in on_p2} == PARTIAL_TEMPLATES
    q = _one(zh, "list", "当前作风建设中存在的突出问题原文共列三个方面，现存两个，请写出现存的两个。")
    assert q.answer == ("心中没有群众", "办事不讲效率")
    assert _one(zh, "short", "当前作风建设中存在的突出问题主要表现在哪些方面？（原文现存两点）")


def test_ordering_shuffles_the_points_and_keeps_the_source_order_as_answer(zh: tuple[Question, ...]) -> None:
    q = _one(zh, "order", "请将“坚持群众路线对加强作风建设具有重要意义”的三个要点按原文顺序排列。")
    assert q.answer == ("人民群众是我们党的力量源泉", "群众路线是我们党的生命线", "密切联系群众是我们党的优良传统")
    assert sorted(q.choices) == sorted(q.answer) and q.choices != q.answer


def test_nothing_is_asked_about_truncated_text(zh: tuple[Question, ...]) -> None:
    assert not [q for q in zh if q.source.point == "p2-2"]
    texts = [q.prompt for q in zh] + [c for q in zh for c in q.choices] + [a for q in zh for a in q.answer]
    assert not [t for t in texts if "效率是检验" in t or "重要标准" in t or "推诿扯皮" in t]


def test_questions_carry_source_tags_language_and_template(zh: tuple[Question, ...], zh_doc: Document) -> None:
    q = _one(zh, "cloze", "坚持群众路线是做好各项工作的{{1}}。")
    assert q.source.document == "qunzhong"
    assert q.source.title == "加强作风建设必须坚持群众路线"
    assert q.source.section == ("坚持群众路线对加强作风建设具有重要意义", "人民群众是我们党的力量源泉")
    assert q.source.point == "p1-1"
    assert q.tags == ("kaodian", slug(zh_doc.title), "cloze", slug("坚持群众路线对加强作风建设具有重要意义"))
    assert q.language == "zh"
    for other in zh:
        assert other.source.section == zh_doc.section_path(other.source.point)


def test_questions_come_in_document_order_then_type_order(zh: tuple[Question, ...], zh_doc: Document) -> None:
    order = {p.id: i for i, p in enumerate(zh_doc.points)}
    keys = [(order.get(q.source.point or "", -1), QUESTION_TYPES.index(q.type)) for q in zh]
    assert keys == sorted(keys)


# ---------------------------------------------------------------- English


def test_english_questions(en: tuple[Question, ...]) -> None:
    assert _one(en, "cloze", "The sun is the {{1}} of the water cycle.").answer == ("driving force",)
    assert _one(en, "cloze", "The three states of water are {{1}}, {{2}} and {{3}}.").answer == (
        "solid",
        "liquid",
        "gas",
    )
    assert _one(en, "list", "Name the three states of water.").answer == ("solid", "liquid", "gas")
    order = _one(en, "order", "Put the four points of “The stages of the water cycle” in the order of the source.")
    assert order.answer == ("Evaporation", "Condensation", "Precipitation", "Collection")
    single = _one(en, "single", "Condensation is the _____ of clouds.")
    # "process" is the generic head of a definition ("the process by which ..."): no distractor
    assert single.answer == ("main cause",) and set(single.choices) == {"main cause", "driving force", "basis"}
    quote = _one(en, "quote", "Who said or wrote: “Water is the driving force of all nature.”?")
    assert quote.answer == ("Leonardo da Vinci",) and len(quote.choices) == 4
    assert _one(en, "short", "What is Evaporation?").answer == ("the process by which liquid water turns into vapour",)
    assert _one(en, "cloze", "Oceans supply about {{1}} of it.").answer == ("86%",)
    false = _one(en, "truefalse", "The sun is the main cause of the water cycle.")
    assert false.truth is False and false.correction == "The sun is the driving force of the water cycle."
    assert all(q.language == "en" for q in en)


# ---------------------------------------------------------------- options, ids, determinism


def test_types_restrict_the_questions(zh_doc: Document) -> None:
    qs = generate(zh_doc, GenerateOptions(types=("truefalse", "quote")))
    assert {q.type for q in qs} == {"truefalse", "quote"}


def test_an_unknown_type_is_refused(zh_doc: Document) -> None:
    with pytest.raises(UnknownQuestionTypeError, match="unknown question type 'essay'"):
        generate(zh_doc, GenerateOptions(types=("essay",)))


def test_the_cloze_cap_per_sentence(zh_doc: Document) -> None:
    for cap in (1, 2):
        qs = generate(zh_doc, GenerateOptions(types=("cloze",), max_cloze_per_sentence=cap))
        per_sentence = Counter(q.source.sentence for q in qs)
        assert max(per_sentence.values()) == cap
    one = generate(zh_doc, GenerateOptions(types=("cloze",), max_cloze_per_sentence=1))
    assert _one(one, "cloze", "人民群众是我们党的{{1}}。"), "the head noun goes first, the subject second"


def test_same_study_set_and_options_give_the_same_questions(zh_doc: Document) -> None:
    assert generate(zh_doc, GenerateOptions(seed=7)) == generate(zh_doc, GenerateOptions(seed=7))


def test_the_seed_shuffles_choices_but_keeps_ids_and_answers(zh_doc: Document) -> None:
    a = {q.id: q for q in generate(zh_doc, GenerateOptions(seed=1))}
    b = {q.id: q for q in generate(zh_doc, GenerateOptions(seed=2))}
    assert a.keys() == b.keys()
    shuffled = [i for i in a if a[i].choices and a[i].choices != b[i].choices]
    assert shuffled
    for i in a:
        assert sorted(a[i].choices) == sorted(b[i].choices)
        assert sorted(a[i].answer) == sorted(b[i].answer)


def test_ids_are_unique_and_survive_an_unrelated_edit(zh_doc: Document) -> None:
    before = generate(zh_doc)
    assert len({q.id for q in before}) == len(before)
    edited_points = tuple(
        replace(p, text=p.text + "这一段后来补充了一句话。") if p.id == "p2-1" else p for p in zh_doc.points
    )
    extra = Claim(
        id="c99",
        point="p2-1",
        kind="principle",
        text="实干是成就事业的必由之路。",
        subject="实干",
        predicate="成就事业的必由之路",
    )
    after = generate(replace(zh_doc, points=edited_points, claims=(*zh_doc.claims, extra)))
    old = {q.id: q.prompt for q in before if q.source.point in ("p1-1", "p1-2")}
    new = {q.id: q.prompt for q in after}
    assert old and all(new.get(i) == prompt for i, prompt in old.items())


# ---------------------------------------------------------------- quality rules


def test_hand_made_claims_with_the_same_subject_are_not_each_others_distractors() -> None:
    doc = Document(
        id="d",
        source="d.txt",
        title="样例",
        points=(Point("p", None, 1, "一、", "总论", ""),),
        claims=(
            Claim("a", "p", "principle", "学习是进步的根本动力。", "学习", "进步的根本动力"),
            Claim("b", "p", "principle", "学习是成长的力量源泉。", "学习", "成长的力量源泉"),
            Claim("c", "p", "principle", "实践是认识的根本来源。", "实践", "认识的根本来源"),
            Claim("d", "p", "principle", "团结是胜利的可靠保证。", "团结", "胜利的可靠保证"),
            Claim("e", "p", "principle", "创新是发展的第一动力。", "创新", "发展的第一动力"),
        ),
    )
    q = _one(generate(doc), "single", "学习是进步的（  ）。")
    assert "力量源泉" not in q.choices
    assert set(q.choices) == {"根本动力", "根本来源", "可靠保证", "第一动力"}


def test_no_distractors_no_choice_question() -> None:
    doc = Document(
        id="d",
        source="d.txt",
        title="样例",
        claims=(Claim("a", None, "principle", "学习是进步的根本动力。", "学习", "进步的根本动力"),),
    )
    qs = generate(doc)
    assert {q.type for q in qs} == {"cloze", "truefalse"}
    assert all(q.truth is True for q in qs if q.type == "truefalse")


def test_a_section_is_not_dominated_by_cloze() -> None:
    sentences = "".join(f"第{i}条经验是“{'甲乙丙丁戊己庚辛'[i % 8]}{i}号方案”。" for i in range(40))
    terms = tuple(Term(f"{'甲乙丙丁戊己庚辛'[i % 8]}{i}号方案", 1.0) for i in range(40))
    doc = Document(
        id="d",
        source="d.txt",
        title="样例",
        points=(
            Point("p", None, 1, "一、", "经验", sentences),
            Point("q", "p", 2, "⒈", "第一条", ""),
            Point("r", "p", 2, "⒉", "第二条", ""),
        ),
        terms=terms,
    )
    qs = generate(doc)
    cloze = [q for q in qs if q.type == "cloze"]
    assert 0 < len(cloze) <= max(3, len(qs) - len(cloze))
    assert len(generate(doc, GenerateOptions(types=("cloze",)))) > len(cloze), "cloze alone is not held back"


def test_a_long_line_without_punctuation_does_not_stall() -> None:
    def run(n: int) -> None:
        line = "党" * n
        generate(
            Document(
                id="d",
                source="d.txt",
                title="长行",
                points=(Point("p", None, 1, "一、", "长行", line),),
                claims=(Claim("c", "p", "principle", line, line[:5], line[5:]),),
                terms=(Term("党党党", 1.0),),
            )
        )

    assert_linear(run, 5_000, tries=5)


# ---------------------------------------------------------------- property: the rules hold for any study set

_CHARS = "党群关系人民根本保证指标力量源泉优良传统作风世界观生价值是的和为所用"
_text = st.text(alphabet=_CHARS + "，。、", min_size=0, max_size=40)
_word = st.text(alphabet=_CHARS, min_size=1, max_size=6)
# realistic pieces next to random ones, so that choice questions and swaps come up too
_head = st.sampled_from(["根本保证", "根本指标", "力量源泉", "优良传统", "重要标尺", "生命线"])
_predicate = st.one_of(_text, st.builds(lambda w, h: f"{w}的{h}", _word, _head))
_item = st.one_of(_word, st.sampled_from(["世界观", "人生观", "价值观", "权力观", "地位观", "利益观", "为民所用"]))


@st.composite
def documents(draw: st.DrawFn) -> Document:
    n = draw(st.integers(1, 10))
    points: list[Point] = []
    for i in range(n):
        parent = draw(st.sampled_from([None, *[p.id for p in points]]))
        level = 1 if parent is None else next(p.level for p in points if p.id == parent) + 1
        points.append(Point(f"p{i}", parent, level, f"{i + 1}.", draw(_word), draw(_text), draw(st.booleans())))
    claims: list[Claim] = []
    for i in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(["definition", "principle", "quote", "enumeration"]))
        subject, predicate = draw(_word), draw(_predicate)
        items = tuple(draw(st.lists(_item, max_size=4)))
        text = draw(
            st.sampled_from([f"{subject}是{predicate}。", "、".join(items) + "。", draw(_text) + "“" + predicate + "”"])
        )
        point = draw(st.sampled_from([None, *[p.id for p in points]]))
        claims.append(
            Claim(
                f"c{i}",
                point,
                kind,
                text,
                subject,
                predicate,
                draw(st.sampled_from(["", "马克思", "党的十六大报告"])),
                items,
            )
        )
    warnings = ()
    if draw(st.booleans()):
        warnings = (
            Notice("count-mismatch", "x", point=draw(st.sampled_from([p.id for p in points])), announced=3, found=2),
        )
    terms = tuple(Term(w, 1.0) for w in draw(st.lists(_word, max_size=4)))
    return Document("d", "d.txt", "随机", "zh", draw(st.booleans()), warnings, tuple(points), tuple(claims), terms)


_BLANKS = re.compile(r"\{\{\d+\}\}")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.integers(0, 3), st.integers(1, 3))
def test_generation_never_breaks_the_quality_rules(doc: Document, seed: int, cap: int) -> None:
    options = GenerateOptions(seed=seed, max_cloze_per_sentence=cap)
    qs = generate(doc, options)
    assert qs == generate(doc, options), "deterministic"
    truncated = {p.id for p in doc.points if p.truncated}
    assert len({q.id for q in qs}) == len(qs)
    assert len({(q.type, q.prompt) for q in qs}) == len(qs), "no duplicates"
    for q in qs:
        shown = _BLANKS.sub("", q.prompt)
        for a in q.answer:
            assert a and a not in shown, f"answer {a!r} visible in {q.prompt!r}"
        if q.source.point in truncated:
            assert q.template in PARTIAL_TEMPLATES, f"{q.template} asks about truncated text"
        if q.type == "cloze":
            assert q.blanks() == tuple(range(1, len(q.answer) + 1))
            assert sum(ch.isalnum() for ch in shown) >= 4, "never a whole sentence"
        if q.choices:
            assert len(set(q.choices)) == len(q.choices)
            assert set(q.answer) <= set(q.choices)
        if q.type in ("single", "quote"):
            assert len(q.choices) >= 3 and len(q.answer) == 1
        if q.type == "multiple":
            assert len(q.choices) >= 4 and 2 <= len(q.answer) < len(q.choices)
        if q.type == "truefalse" and q.truth is False:
            assert q.correction and q.correction != q.prompt
        assert problems(q) == []
    for sentence, n in Counter(q.source.sentence for q in qs if q.type == "cloze").items():
        assert n <= cap, sentence
    by_section: dict[str, Counter[str]] = {}
    for q in qs:
        by_section.setdefault(q.source.section[0] if q.source.section else "", Counter())[q.type] += 1
    for counts in by_section.values():
        assert counts["cloze"] <= max(3, sum(counts.values()) - counts["cloze"])


def _copies(doc: Document, count: int) -> Document:
    """``count`` copies of ``doc``'s points and claims under new ids."""
    points: list[Point] = []
    claims: list[Claim] = []
    for k in range(count):

        def rename(i: str | None, k: int = k) -> str | None:
            return f"{i}-{k}" if i else i

        points += [replace(p, id=f"{p.id}-{k}", parent=rename(p.parent), title=f"{p.title}（{k}）") for p in doc.points]
        claims += [replace(c, id=f"{c.id}-{k}", point=rename(c.point)) for c in doc.claims]
    return replace(doc, points=tuple(points), claims=tuple(claims), warnings=())


@pytest.mark.slow
def test_generation_takes_linear_time_on_a_large_study_set(zh_doc: Document) -> None:
    """250 copies of the fixture: 2,000 points and 3,250 claims; four times the copies, about four times the time."""
    assert len(generate(_copies(zh_doc, 250))) > 1000
    assert_linear(lambda n: generate(_copies(zh_doc, n)), 60, tries=2)


def test_the_quality_rules_reject_padded_and_marked_prompts(zh: tuple[Question, ...]) -> None:
    q = next(q for q in zh if q.type == "cloze")
    assert "prompt padded with whitespace" in problems(replace(q, prompt=" " + q.prompt))
    assert "prompt opens with a point marker" in problems(replace(q, prompt="⒈" + q.prompt))
    assert problems(q) == []


def test_a_long_line_without_punctuation_takes_linear_time() -> None:
    from kaodian.questions import _statement

    line = "a) " + "x" * 10_000
    assert _statement(line, "en") == "X" + "x" * 9_999 + "."
    assert_linear(lambda n: _statement(f"a) {'x' * n}", "en"), 2_500)


# ---------------------------------------------------------------- the fast forms of the inner helpers

_WALK_ENTRIES = st.lists(
    st.tuples(
        st.integers(-1, 30), st.sampled_from(["世界观", "人生观", "价值观", "观", "世界", "ab", "abc"]), st.just("")
    ),
    min_size=30,
    max_size=160,
).map(sorted)


@settings(max_examples=100, deadline=None)
@given(
    _WALK_ENTRIES,
    st.integers(-3, 93),
    st.sampled_from(["", "世", "a"]),
    st.sampled_from(["", "观", "c"]),
    st.integers(0, 3),
    st.sets(st.sampled_from(["世界观", "人生观", "ab"])),
    st.sampled_from([1, 3, 6]),
)
def test_walking_only_alike_entries_picks_what_the_full_walk_picks(
    entries: list[tuple[int, str, str]], pos: int, prefix: str, suffix: str, shortest: int, bad: set[str], k: int
) -> None:
    from kaodian.questions import _nearest, _take, _walk_alike

    lengths = range(shortest, shortest + 3)

    def accept(text: str, _extra: str) -> bool:
        return text not in bad

    def alike(text: str, extra: str) -> bool:
        return accept(text, extra) and text.startswith(prefix) and text.endswith(suffix) and len(text) in lengths

    walked = _walk_alike(entries, [e[0] for e in entries], pos, prefix, suffix, lengths)
    assert _take(walked, accept, k) == _nearest(entries, pos, alike, k)
    # the accepted ones only, read out of the entries of the first (or last) character alike
    if prefix or suffix:
        key = (lambda t: t.startswith(prefix[0])) if prefix else (lambda t: t.endswith(suffix[-1]))
        bucket = [e for e in entries if key(e[1])]
        walked = _walk_alike(entries, [e[0] for e in entries], pos, prefix, suffix, lengths, bucket, accept)
        assert _take(walked, lambda _t, _e: True, k) == _nearest(entries, pos, alike, k)


@settings(max_examples=100, deadline=None)
@given(
    _WALK_ENTRIES,
    st.integers(-3, 93),
    st.sampled_from(["世", "a"]),
    st.sampled_from(["", "观", "c"]),
    st.integers(0, 3),
    st.sets(st.sampled_from(["世界观", "人生观", "ab"])),
    st.integers(1, 4),
)
def test_a_walk_finds_enough_alike_only_where_the_document_holds_enough(
    entries: list[tuple[int, str, str]], pos: int, prefix: str, suffix: str, shortest: int, bad: set[str], need: int
) -> None:
    from kaodian.questions import _enough_alike, _take, _walk_alike

    lengths = range(shortest, shortest + 3)

    def accept(text: str, _extra: str) -> bool:
        return text not in bad

    bucket = [e for e in entries if e[1].startswith(prefix[0])]
    walked = _walk_alike(entries, [e[0] for e in entries], pos, prefix, suffix, lengths, bucket, accept)
    found = len(_take(walked, accept, 6))
    enough = _enough_alike(bucket, prefix, suffix, lengths, accept, need)
    assert enough or found < need
    # and the document's count is exact: a walk that visits every entry finds that many
    everything = {e[1] for e in bucket if len(e[1]) in lengths and e[1].endswith(suffix) and e[1].startswith(prefix)}
    assert enough == (len(everything - bad) >= need)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 20), st.text(alphabet="ab", max_size=3), st.just("")), min_size=40, max_size=200),
    st.integers(-2, 22),
)
def test_the_window_is_what_the_walk_visits(entries: list[tuple[int, str, str]], pos: int) -> None:
    from kaodian.questions import _nearest, _window

    # unique texts: the walk then lists every entry it visits, in order
    entries = sorted((p, f"{i:03d}{t}", e) for i, (p, t, e) in enumerate(entries))
    visited = _nearest(entries, pos, lambda _t, _e: True, len(entries) + 1)
    lo, start, hi = _window([e[0] for e in entries], pos)
    assert sorted(visited) == sorted(e[1] for e in entries[lo:hi])
    assert all(e[0] >= pos for e in entries[start:hi]) and all(e[0] < pos for e in entries[lo:start])


@settings(max_examples=300)
@given(st.text(alphabet="ab_ 1，。!\u3000", max_size=12), st.integers(1, 4))
def test_has_letters_counts_word_characters_but_the_underscore(text: str, n: int) -> None:
    from kaodian.questions import _has_letters

    assert _has_letters(text, n) == (len(re.sub(r"[\W_]+", "", text)) >= n)


@settings(max_examples=300)
@given(st.text(alphabet="ab .。！？；!?;\n”)\"'，1", max_size=40), st.sampled_from(["zh", "en"]))
def test_a_text_is_split_line_by_line_as_a_whole(text: str, language: str) -> None:
    from kaodian.questions import _Index, sentences

    ix = _Index(Document(id="d", source="d.txt", title="", language=language), language)
    assert list(ix.sentences(text)) == sentences(text, language)


@settings(max_examples=300)
@given(st.text(alphabet="ab 。！？；!?\n”）」，1", max_size=40))
def test_chinese_sentences_are_the_pieces_the_plain_pattern_finds(text: str) -> None:
    from kaodian.questions import _SENTENCE_ZH

    plain = r"[^。！？；!?\n]*[。！？；!?]+[”’」』）)]*|[^。！？；!?\n]+"
    assert _SENTENCE_ZH.findall(text) == re.findall(plain, text)


@settings(max_examples=300)
@given(st.lists(st.text(alphabet="ab观", min_size=1, max_size=5), min_size=1, max_size=5))
def test_affix_lengths_are_the_shared_prefix_and_the_rest_of_the_shared_suffix(items: list[str]) -> None:
    from kaodian.questions import _affix_lengths

    shortest = min(map(len, items))
    prefix = next((k for k in range(shortest) if len({i[k] for i in items}) > 1), shortest)
    suffix = next((k for k in range(shortest - prefix) if len({i[-1 - k] for i in items}) > 1), shortest - prefix)
    assert _affix_lengths(tuple(items)) == (prefix, suffix)


def _fill_by_matches(q: Question) -> str:
    """Question.fill as the blanks are matched one by one: "[n:answer]" for a blank, upper case elsewhere."""
    out, pos = [], 0
    for m in re.finditer(r"\{\{(\d+)\}\}", q.prompt):
        n = int(m.group(1))
        out += [q.prompt[pos : m.start()].upper(), f"[{n}:{q.answer[n - 1] if 0 < n <= len(q.answer) else ''}]"]
        pos = m.end()
    return "".join([*out, q.prompt[pos:].upper()])


@settings(max_examples=300)
@given(st.text(alphabet="ab{}0123 ", max_size=30), st.lists(st.sampled_from(["x", "y", ""]), max_size=3))
def test_fill_renders_each_blank_and_each_plain_part(prompt: str, answer: list[str]) -> None:
    from kaodian.model import Source

    q = Question(id="q", type="cloze", prompt=prompt, answer=tuple(answer), source=Source(document="d", title="t"))
    assert q.fill(lambda n, a: f"[{n}:{a}]", str.upper) == _fill_by_matches(q)


def test_questions_are_the_records_their_constructors_make(zh: tuple[Question, ...], en: tuple[Question, ...]) -> None:
    from dataclasses import fields

    from kaodian.model import Source

    for q in (*zh, *en):
        assert list(vars(q)) == [f.name for f in fields(Question)]
        assert list(vars(q.source)) == [f.name for f in fields(Source)]
        rebuilt = Question(**{**vars(q), "source": Source(**vars(q.source))})
        assert rebuilt == q and hash(rebuilt) == hash(q)


@settings(max_examples=300)
@given(
    st.sampled_from(["single", "multiple", "quote", "order"]),
    st.lists(st.sampled_from("abcd"), max_size=5),
    st.lists(st.sampled_from("abcde"), max_size=6),
    st.integers(0, 50),
)
def test_a_draft_is_fit_before_its_shuffle_as_after_it(
    qtype: str, answer: list[str], choices: list[str], seed: int
) -> None:
    """Whether a choice question breaks a rule does not depend on the order its choices are shown in."""
    from kaodian.questions import _problems

    shuffled = list(choices)
    random.Random(seed).shuffle(shuffled)
    if qtype == "order" and shuffled == answer:
        shuffled = shuffled[1:] + shuffled[:1]
    before = _problems("zh", qtype, "问题", tuple(answer), tuple(choices), None, "", shuffled=bool(choices))
    after = _problems("zh", qtype, "问题", tuple(answer), tuple(shuffled), None, "")
    assert bool(before) == bool(after)


@settings(max_examples=500)
@given(st.text(alphabet="a1Z( （一十、.)- \t\u3000⒈①•x", max_size=6) | st.text(max_size=3))
def test_a_marker_opens_with_one_of_the_marker_openers(text: str) -> None:
    from kaodian.questions import _MARKER, _marker

    found, marker = _MARKER.match(text), _marker(text)
    assert (found and found.span()) == (marker and marker.span())


@settings(max_examples=300)
@given(
    st.lists(st.text(alphabet="aAΣσ_ 。“一二Ⅻ", max_size=5), max_size=8),
    st.lists(st.text(alphabet="aσ一二Ⅻ", max_size=4), max_size=8),
)
def test_statements_are_looked_up_as_their_normal_forms(texts: list[str], asked: list[str]) -> None:
    from kaodian.questions import _norm, _Statements

    statements = _Statements()
    statements.add(texts)
    normals = {_norm(t) for t in texts}
    for normal in [*map(_norm, asked), *normals, ""]:
        assert (normal in statements) == (normal in normals)


@settings(max_examples=300)
@given(st.text(alphabet="a_1 。！\n是", max_size=12), st.sampled_from(["zh", "en"]))
def test_sentences_hold_two_letters_each(text: str, language: str) -> None:
    from kaodian.questions import _SENTENCE_EN, _SENTENCE_ZH, sentences

    pattern = _SENTENCE_EN if language == "en" else _SENTENCE_ZH
    pieces = [s for s in pattern.findall(text) if len(re.sub(r"[\W_]+", "", s)) >= 2]
    assert sentences(text, language) == [s.strip() for s in pieces]


def _sections_by_definition(points: list[Point]) -> tuple[dict[str, tuple[str, ...]], dict[str, str], dict[str, int]]:
    """Each point's path and top-level point, walked up through the first point of each id, and the sections' sizes."""
    by_id: dict[str, Point] = {}
    for p in points:
        by_id.setdefault(p.id, p)
    path, top, size = {}, {}, {}
    for p in points:
        chain, seen, cur = [], set(), p
        while cur is not None and cur.id not in seen:
            seen.add(cur.id)
            chain.append(cur)
            cur = by_id.get(cur.parent) if cur.parent else None
        path[p.id] = tuple(c.title for c in reversed(chain))
        top[p.id] = chain[-1].id
        size[top[p.id]] = size.get(top[p.id], 0) + 1
    return path, top, size


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdef"), st.sampled_from(["", "a", "b", "c", "d", "x"])), max_size=8))
def test_paths_and_sections_are_those_of_the_walk_up_the_parents(links: list[tuple[str, str]]) -> None:
    from kaodian.questions import _index

    # ids written once each (most outlines) or more, parents before or after their children, cycles
    points = [Point(pid, parent or None, 1, "", f"t{n}", "") for n, (pid, parent) in enumerate(links)]
    ix = _index(Document(id="d", source="d.txt", title="", points=tuple(points)))
    assert (ix.path, ix.top, ix.section_size) == _sections_by_definition(points)


@settings(max_examples=100, deadline=None)
@given(st.permutations(range(6)), st.lists(st.integers(-1, 5), min_size=6, max_size=6))
def test_paths_of_an_outline_with_unique_ids_are_those_of_the_walk(order: list[int], parents: list[int]) -> None:
    from kaodian.questions import _index

    points = [Point(f"p{i}", f"p{parents[i]}" if parents[i] >= 0 else None, 1, "", f"t{i}", "") for i in order]
    ix = _index(Document(id="d", source="d.txt", title="", points=tuple(points)))
    assert (ix.path, ix.top, ix.section_size) == _sections_by_definition(points)
