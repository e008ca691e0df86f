"""The Moodle GIFT export, read back by a small GIFT parser written here from the format's specification.

The parser follows Moodle's documentation of GIFT (and the rules of its importer):
questions are separated by blank lines, ``//`` starts a comment line,
``$CATEGORY:`` switches category, ``::name::`` names a question, ``[html]``
sets the text format, the answers sit between the first unescaped ``{`` and
``}``, ``####`` starts the general feedback, ``#`` an answer's feedback,
``%n%`` a weight, ``->`` a matching pair, and ``\\~ \\= \\# \\{ \\} \\: \\\\ \\n``
are escapes. It shares no code with the writer.

Golden files: ``tests/golden/gift-*.gift.txt``. After an intended change of the
output, rewrite them with ``KAODIAN_UPDATE_GOLDEN=1 pytest tests/test_export_gift.py``
and review the diff.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import SAMPLES, check_golden, make_questions, questions_of
from kaodian.export import gift
from kaodian.model import Question
from kaodian.options import BuildOptions

FORMATS = ("moodle", "html", "plain", "markdown")

# ---------------------------------------------------------------- a GIFT reader, from the specification

Tok = tuple[str, bool]  # a character and whether it was backslash-escaped


def _tokens(s: str) -> list[Tok]:
    out: list[Tok] = []
    i = 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in "\\~=#{}:n":
            out.append(("\n" if s[i + 1] == "n" else s[i + 1], True))
            i += 2
        else:
            out.append((s[i], False))
            i += 1
    return out


def _text(toks: list[Tok]) -> str:
    return "".join(c for c, _ in toks)


def _find(toks: list[Tok], marker: str, start: int = 0) -> int:
    for i in range(start, len(toks) - len(marker) + 1):
        if all(not toks[i + k][1] and toks[i + k][0] == ch for k, ch in enumerate(marker)):
            return i
    return -1


def _rfind(toks: list[Tok], marker: str) -> int:
    found, at = -1, _find(toks, marker)
    while at != -1:
        found, at = at, _find(toks, marker, at + 1)
    return found


def _split(toks: list[Tok], marks: str) -> list[tuple[str, list[Tok]]]:
    """Split at each unescaped character of ``marks``; each part keeps the mark before it ("" for the first)."""
    parts: list[tuple[str, list[Tok]]] = [("", [])]
    for c, esc in toks:
        if not esc and c in marks:
            parts.append((c, []))
        else:
            parts[-1][1].append((c, esc))
    return parts


def _strip(toks: list[Tok]) -> list[Tok]:
    while toks and not toks[0][1] and toks[0][0].isspace():
        toks = toks[1:]
    while toks and not toks[-1][1] and toks[-1][0].isspace():
        toks = toks[:-1]
    return toks


@dataclass
class Answer:
    text: str
    weight: float
    feedback: str = ""


@dataclass
class GiftQuestion:
    category: str | None
    name: str
    format: str
    kind: str  # essay, multichoice, match, truefalse, shortanswer, numerical, description
    before: str  # question text before the answer block
    after: str  # question text after it (a missing-word question has text here)
    answers: list[Answer] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    truth: bool | None = None
    wrong_feedback: str = ""
    general: str = ""

    def shown(self, raw: str) -> str:
        """A text as a reader sees it: HTML entities decoded where the format is HTML-like."""
        return html.unescape(raw) if self.format in ("html", "moodle") else raw

    @property
    def text(self) -> str:
        return self.shown(self.before + ("_____" + self.after if self.after else ""))


def _format(toks: list[Tok], default: str) -> tuple[str, list[Tok]]:
    toks = _strip(toks)
    if toks and toks[0] == ("[", False):
        end = _find(toks, "]")
        if end > 0 and _text(toks[1:end]) in FORMATS:
            return _text(toks[1:end]), toks[end + 1 :]
    return default, toks


def _weighted(toks: list[Tok], default: float) -> tuple[float, list[Tok]]:
    raw = _text(toks)
    m = re.match(r"%(-?\d+(?:\.\d+)?)%", raw)
    if m and not any(esc for _, esc in toks[: m.end()]):
        return float(m.group(1)), toks[m.end() :]
    return default, toks


def _with_feedback(toks: list[Tok]) -> tuple[str, str]:
    """An answer's text (without a leading [format]) and its feedback after "#"."""
    at = _find(toks, "#")
    answer, feedback = (toks, []) if at == -1 else (toks[:at], toks[at + 1 :])
    return _text(_strip(_format(answer, "")[1])), _text(_strip(feedback))


def parse_gift(source: str) -> list[GiftQuestion]:
    blocks: list[list[str]] = [[]]
    for line in source.splitlines():
        if not line.strip():
            blocks.append([])
        elif not line.strip().startswith("//"):
            blocks[-1].append(line)
    category: str | None = None
    out: list[GiftQuestion] = []
    for lines in blocks:
        if not lines:
            continue
        block = "\n".join(lines).strip()
        if block.startswith("$CATEGORY:"):
            category = block[len("$CATEGORY:") :].strip()
            continue
        out.append(_question(_tokens(block), category))
    return out


def _question(toks: list[Tok], category: str | None) -> GiftQuestion:
    name = ""
    if _find(toks, "::") == 0:
        end = _find(toks, "::", 2)
        name, toks = _text(toks[2:end]), toks[end + 2 :]
    fmt, toks = _format(toks, "moodle")
    start = _find(toks, "{")
    if start == -1:
        return GiftQuestion(category, name, fmt, "description", _text(_strip(toks)), "")
    end = _find(toks, "}", start)
    assert end != -1, "an answer block that is never closed"
    body = toks[start + 1 : end]
    q = GiftQuestion(category, name, fmt, "", _text(_strip(toks[:start])), _text(_strip(toks[end + 1 :])))
    general = _rfind(body, "####")
    if general != -1:
        q.general = _text(_strip(body[general + 4 :]))
        body = body[:general]
    body = _strip(body)
    if not body:
        q.kind = "essay"
    elif body[0] == ("#", False):
        q.kind = "numerical"
    elif _find(body, "~") != -1:
        q.kind = "multichoice"
        for mark, part in _split(body, "~=")[1:]:
            weight, part = _weighted(part, 100.0 if mark == "=" else 0.0)
            text, feedback = _with_feedback(part)
            q.answers.append(Answer(text, weight, feedback))
    elif _find(body, "=") != -1 and _find(body, "->") != -1:
        q.kind = "match"
        for _mark, part in _split(body, "=")[1:]:
            arrow = _find(part, "->")
            q.pairs.append((_text(_strip(part[:arrow])), _text(_strip(part[arrow + 2 :]))))
    else:
        verdict, feedback = _with_feedback(body)
        if verdict in ("T", "TRUE", "F", "FALSE"):
            q.kind = "truefalse"
            q.truth = verdict.startswith("T")
            q.wrong_feedback = feedback
        else:
            q.kind = "shortanswer"
            for _mark, part in _split(body, "=")[1:]:
                weight, part = _weighted(part, 100.0)
                text, feedback = _with_feedback(part)
                q.answers.append(Answer(text, weight, feedback))
    return q


def _by_name(text: str) -> dict[str, GiftQuestion]:
    return {q.name: q for q in parse_gift(text)}


# ---------------------------------------------------------------- the fixture questions, every type


@pytest.fixture
def parsed(questions: tuple[Question, ...]) -> dict[str, GiftQuestion]:
    return _by_name(gift.render(questions))


def test_every_question_is_named_by_its_id_and_written_as_html(parsed: dict[str, GiftQuestion]) -> None:
    ids = {q.id for q in make_questions()} - {"q-cloze-2"}
    assert ids | {"q-cloze-2 (1/3)", "q-cloze-2 (2/3)", "q-cloze-2 (3/3)"} == set(parsed)
    assert {q.format for q in parsed.values()} == {"html"}


def test_cloze_is_a_missing_word_question(parsed: dict[str, GiftQuestion]) -> None:
    q = parsed["q-cloze-1"]
    assert q.kind == "shortanswer"
    assert [a.text for a in q.answers] == ["根本指标"]
    assert (q.before, q.after) == ("党群关系是检验我们党执政能力的", "。")
    assert q.text == "党群关系是检验我们党执政能力的_____。"
    assert q.general == "党群关系是检验我们党执政能力的根本指标。"


def test_cloze_with_three_blanks_is_one_question_per_blank_with_the_others_filled(
    parsed: dict[str, GiftQuestion],
) -> None:
    answers = ("用", "系", "谋")
    for n, answer in enumerate(answers, start=1):
        q = parsed[f"q-cloze-2 ({n}/3)"]
        assert q.kind == "shortanswer"
        assert [a.text for a in q.answers] == [answer]
        assert q.before + answer + q.after == "权为民所用，情为民所系，利为民所谋。"
        assert q.text.count("_____") == 1


def test_a_blank_at_the_end_is_drawn_before_the_answers() -> None:
    q = replace(make_questions()[0], prompt="党群关系是检验我们党执政能力的{{1}}")
    [parsed] = parse_gift(gift.render([q]))
    assert (parsed.kind, parsed.after) == ("shortanswer", "")
    assert parsed.text == "党群关系是检验我们党执政能力的_____"
    assert [a.text for a in parsed.answers] == ["根本指标"]


def test_a_cloze_without_answers_is_an_essay_with_its_blanks_drawn() -> None:
    q = replace(make_questions()[0], answer=("",))
    [parsed] = parse_gift(gift.render([q]))
    assert (parsed.kind, parsed.text) == ("essay", "党群关系是检验我们党执政能力的_____。")
    assert parsed.general == q.source.sentence


@pytest.mark.parametrize("qid", ["q-single-1", "q-quote-1"])
def test_single_choice_and_quote_are_multichoice_with_one_right_answer(
    parsed: dict[str, GiftQuestion], questions: tuple[Question, ...], qid: str
) -> None:
    source = next(q for q in questions if q.id == qid)
    q = parsed[qid]
    assert q.kind == "multichoice"
    assert q.text == source.prompt
    assert [a.text for a in q.answers] == list(source.choices)
    assert [a.text for a in q.answers if a.weight == 100] == list(source.answer)
    assert all(a.weight == 0 for a in q.answers if a.text not in source.answer)


def test_multiple_choice_weights_share_100_and_wrong_choices_cost_100(parsed: dict[str, GiftQuestion]) -> None:
    q = parsed["q-multiple-1"]
    assert q.kind == "multichoice"
    assert [a.text for a in q.answers] == ["世界观", "方法论", "人生观", "价值观"]
    right = [a for a in q.answers if a.weight > 0]
    assert [a.text for a in right] == ["世界观", "人生观", "价值观"]
    assert sum(a.weight for a in right) == pytest.approx(100, abs=1e-3)
    assert [a.weight for a in q.answers if a.weight <= 0] == [-100]


def test_truefalse_carries_the_verdict_and_the_correction_as_feedback(parsed: dict[str, GiftQuestion]) -> None:
    false, true = parsed["q-tf-1"], parsed["q-tf-2"]
    assert (false.kind, false.truth, true.kind, true.truth) == ("truefalse", False, "truefalse", True)
    assert false.wrong_feedback == "密切联系群众是我们党的优良传统和作风。"
    assert false.text == "密切联系群众是我们党的根本指标。"


def test_order_is_a_matching_question_from_position_to_item(parsed: dict[str, GiftQuestion]) -> None:
    q = parsed["q-order-1"]
    assert q.kind == "match"
    assert q.pairs == [("1", "权为民所用"), ("2", "情为民所系"), ("3", "利为民所谋")]


def test_order_of_two_items_is_an_essay_listing_them() -> None:
    two = replace(make_questions()[7], choices=("乙", "甲"), answer=("甲", "乙"))
    q = parse_gift(gift.render([two]))[0]
    assert q.kind == "essay"
    assert "A. 乙" in q.shown(q.before) and "B. 甲" in q.shown(q.before)
    assert q.shown(q.general).split("<br>") == ["1. 甲", "2. 乙"]


def test_list_and_short_are_essays_with_the_reference_answer_as_general_feedback(
    parsed: dict[str, GiftQuestion],
) -> None:
    listed = parsed["q-list-1"]
    assert listed.kind == "essay"
    assert listed.general.split("<br>") == [
        "1. 成功执政的根本保证",
        "2. 检验执政能力的根本指标",
        "3. 党的优良传统和作风",
    ]
    short = parsed["q-short-1"]
    assert short.kind == "essay"
    assert short.text == "简述 <b>A & B</b> {特殊} ~字符~ = # : 的处理。"
    reference = [short.shown(i) for i in short.general.split("<br>")]
    assert reference == ["1. 保持原样 <script>alert(1)</script>", "2. 第二点"]


def test_special_characters_are_escaped_not_interpreted() -> None:
    text = gift.render([make_questions()[-1]])
    assert r"\{特殊\} \~字符\~ \= \# \:" in text
    assert "<b>" not in text  # HTML shown as text, not as markup


def test_categories_follow_document_and_section(questions: tuple[Question, ...]) -> None:
    text = gift.render(questions)
    parsed = parse_gift(text)
    by_name = {q.name: q for q in parsed}
    assert by_name["q-cloze-1"].category == "kaodian/学习材料样例/一、总论/⒈党群关系"
    assert by_name["q-multiple-1"].category == "kaodian/学习材料样例/一、总论/⒉三观"
    assert by_name["q-order-1"].category == "kaodian/学习材料样例/一、总论/二、现状"
    # a category line is written only where the category changes
    assert text.count("$CATEGORY:") == 1 + sum(
        1 for a, b in itertools.pairwise(questions) if a.source.section != b.source.section
    )


def test_a_slash_in_a_title_stays_inside_one_category_name() -> None:
    q = make_questions()[0]
    q = replace(q, source=replace(q.source, title="上/下篇", section=("第一章",)))
    assert gift.category(q) == "kaodian/上//下篇/第一章"


def test_questions_are_separated_by_one_blank_line(questions: tuple[Question, ...]) -> None:
    text = gift.render(questions)
    assert "\n\n\n" not in text and text.endswith("}\n")
    assert all(block.count("\n") == 0 for block in text.strip().split("\n\n"))


def test_no_questions_give_an_empty_file() -> None:
    assert gift.render([]) == ""


# ---------------------------------------------------------------- arbitrary text round-trips

SPECIAL = "~=#{}:\\<>&%[]"
NASTY = "a\\{b} ~c=d #e: \\n &lt; <i> %5% [html]"  # every special character, an escape lookalike, an entity
_plain = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(SPECIAL)),
        st.sampled_from(list("n中文")),
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Zs")),
    ),
    min_size=1,
    max_size=30,
)
_words = st.lists(_plain, min_size=1, max_size=3).map(" ".join)
_part = _words.filter(lambda s: not re.search(r"\{\{\d+\}\}", s))  # no blank marker inside a cloze's text


def _question_of(kind: str, prompt: str, choices: list[str], answer: tuple[str, ...]) -> Question:
    base = make_questions()[2]
    return replace(base, id=f"x::{kind}#1", type=kind, prompt=prompt, choices=tuple(choices), answer=answer)


@settings(max_examples=60, deadline=None)
@given(prompt=_words, choices=st.lists(_words, min_size=2, max_size=5, unique=True), pick=st.integers(0, 4))
@example(prompt=NASTY, choices=[NASTY, "%50%x", "[plain]y"], pick=0)
def test_single_choice_text_round_trips(prompt: str, choices: list[str], pick: int) -> None:
    right = choices[pick % len(choices)]
    q = parse_gift(gift.render([_question_of("single", prompt, choices, (right,))]))[0]
    assert q.name == "x::single#1"
    assert q.kind == "multichoice"
    assert q.text == prompt
    assert [q.shown(a.text) for a in q.answers] == choices
    assert [q.shown(a.text) for a in q.answers if a.weight == 100] == [right]


@settings(max_examples=60, deadline=None)
@given(before=_part, after=_part, answer=_words.filter(lambda s: "->" not in s))
@example(before=NASTY, after=NASTY, answer=NASTY)
@example(before="x", after="y", answer="%5% [plain]")
def test_missing_word_answer_round_trips_as_plain_text(before: str, after: str, answer: str) -> None:
    q = parse_gift(gift.render([_question_of("cloze", f"{before} {{{{1}}}} {after}", [], (answer,))]))[0]
    assert q.kind == "shortanswer"
    assert [a.text for a in q.answers] == [answer]  # compared with what students type: no entities
    assert (q.shown(q.before), q.shown(q.after)) == (before, after)


@settings(max_examples=40, deadline=None)
@given(prompt=_words, items=st.lists(_words, min_size=1, max_size=4))
@example(prompt=NASTY, items=[NASTY, "[html]"])
def test_essay_reference_answer_round_trips(prompt: str, items: list[str]) -> None:
    q = parse_gift(gift.render([_question_of("short", prompt, [], tuple(items))]))[0]
    assert q.kind == "essay"
    assert q.text == prompt
    reference = [q.shown(i) for i in q.general.split("<br>")]
    assert reference == (items if len(items) == 1 else [f"{n}. {i}" for n, i in enumerate(items, start=1)])


# ---------------------------------------------------------------- files, CLI, goldens


def test_write_puts_the_text_in_one_file(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    target = tmp_path / "out" / "set.gift.txt"
    assert gift.write(questions, target, BuildOptions()) == [target]
    assert target.read_text(encoding="utf-8") == gift.render(questions)
    assert [p.name for p in target.parent.iterdir()] == ["set.gift.txt"]  # no temporary file left


def test_cli_exports_a_questions_file_to_gift(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    from kaodian.cli import main
    from kaodian.model import QuestionSet
    from kaodian.serialize import dumps, question_set_to_dict

    source = tmp_path / "questions.yaml"
    source.write_text(dumps(question_set_to_dict(QuestionSet(questions))), encoding="utf-8")
    out = tmp_path / "quiz.gift.txt"
    result = CliRunner().invoke(main, ["export", str(source), "--to", "gift", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    assert len(parse_gift(out.read_text(encoding="utf-8"))) == len(questions) + 2  # one cloze became three


def test_golden_fixture_questions(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    [path] = gift.write(questions, tmp_path / "fixture.gift.txt", BuildOptions())
    check_golden("gift-fixture.gift.txt", path.read_bytes())


def check_mapping(questions: tuple[Question, ...], text: str) -> None:
    """Every question reads back as the type the documented mapping gives, with its texts and answers."""
    found = parse_gift(text)
    by_name = {g.name: g for g in found}
    assert len(by_name) == len(found), "question names must be unique"
    for q in questions:
        blanks = list(dict.fromkeys(int(n) for n in re.findall(r"\{\{(\d+)\}\}", q.prompt.strip())))
        right = [c for c in q.choices if c in q.answer]
        if q.type == "cloze" and blanks and all(q.answer):
            names = [q.id] if len(blanks) == 1 else [f"{q.id} ({n}/{len(blanks)})" for n in blanks]
            assert [by_name[n].kind for n in names] == ["shortanswer"] * len(names)
            assert [by_name[n].answers[0].text for n in names] == [q.answer[n - 1].strip() for n in blanks]
            continue
        g = by_name[q.id]
        if q.type in ("single", "quote") and len(q.choices) >= 2 and right:
            assert (g.kind, g.text) == ("multichoice", q.prompt.strip())
            assert [g.shown(a.text) for a in g.answers] == [c.strip() for c in q.choices]
            assert [g.shown(a.text) for a in g.answers if a.weight == 100] == [c.strip() for c in right]
        elif q.type == "multiple" and len(q.choices) >= 2 and right:
            assert (g.kind, g.text) == ("multichoice", q.prompt.strip())
            assert [g.shown(a.text) for a in g.answers if a.weight > 0] == [c.strip() for c in right]
            assert sum(a.weight for a in g.answers if a.weight > 0) == pytest.approx(100, abs=1e-3)
        elif q.type == "truefalse" and q.truth is not None:
            assert (g.kind, g.truth, g.text) == ("truefalse", q.truth, q.prompt.strip())
        elif q.type == "order" and len(set(q.answer)) == len(q.answer) >= 3:
            assert (g.kind, g.text) == ("match", q.prompt.strip())
            assert g.pairs == [(str(n), item.strip()) for n, item in enumerate(q.answer, start=1)]
        elif q.type in ("single", "quote") and len(q.answer) == 1:
            assert (g.kind, [a.text for a in g.answers]) == ("shortanswer", [q.answer[0].strip()])
        else:
            assert g.kind == "essay"


def test_mapping_check_holds_for_the_fixture(questions: tuple[Question, ...]) -> None:
    check_mapping(questions, gift.render(questions))


@st.composite
def _any_question(draw: st.DrawFn) -> Question:
    """A question of any type, every text drawn with GIFT's special characters in it."""
    kind = draw(st.sampled_from(["cloze", "single", "quote", "multiple", "truefalse", "order", "list", "short"]))
    base = replace(make_questions()[2], id=draw(_plain.filter(lambda s: "(" not in s)), type=kind, choices=())
    if kind == "cloze":
        parts = draw(st.lists(_part, min_size=2, max_size=4))
        prompt = "".join(p + (f"{{{{{n}}}}}" if n < len(parts) else "") for n, p in enumerate(parts, start=1))
        answers = draw(
            st.lists(_words.filter(lambda s: "->" not in s), min_size=len(parts) - 1, max_size=len(parts) - 1)
        )
        return replace(base, prompt=prompt, answer=tuple(answers))
    prompt = draw(_words)
    if kind in ("single", "quote", "multiple"):
        choices = draw(st.lists(_words, min_size=2, max_size=5, unique=True))
        right = draw(
            st.lists(st.sampled_from(choices), min_size=1, max_size=1 if kind != "multiple" else 5, unique=True)
        )
        return replace(base, prompt=prompt, choices=tuple(choices), answer=tuple(c for c in choices if c in right))
    if kind == "truefalse":
        return replace(base, prompt=prompt, answer=(), truth=draw(st.booleans()), correction=draw(_words))
    items = draw(st.lists(_words.filter(lambda s: "->" not in s), min_size=2, max_size=5, unique=True))
    choices = tuple(draw(st.permutations(items))) if kind == "order" else ()
    return replace(base, prompt=prompt, answer=tuple(items), choices=choices)


@settings(max_examples=80, deadline=None)
@given(questions=st.lists(_any_question(), min_size=1, max_size=4, unique_by=lambda q: q.id))
def test_any_question_of_any_type_reads_back(questions: list[Question]) -> None:
    check_mapping(tuple(questions), gift.render(questions))


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_golden_samples(tmp_path: Path, sample: Path) -> None:
    questions = questions_of(sample)
    [path] = gift.write(questions, tmp_path / "out.gift.txt", BuildOptions())
    check_mapping(questions, path.read_text(encoding="utf-8"))
    check_golden(f"gift-{sample.stem}.gift.txt", path.read_bytes())


@pytest.mark.seed
def test_the_scraped_seed_exports_to_gift_that_reads_back(seed_path: Path) -> None:
    questions = questions_of(seed_path)
    assert questions
    check_mapping(questions, gift.render(questions))
