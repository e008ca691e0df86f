"""Question-bank import text (题库导入格式) read by the common Chinese drill apps.

Questions are grouped under a header per kind (``一、单选题``) and numbered
across the whole file; options are written ``A、…`` one a line, and each
question ends with ``【答案】`` and, when the source sentence is known, ``【解析】``::

    1. 党群关系是检验我们党执政能力的（  ）。
    A、力量源泉
    B、根本指标
    【答案】B
    【解析】党群关系是检验我们党执政能力的根本指标。

The format knows five kinds. Ordering, list and short-answer questions become
简答题: an ordering question lists its items in the stem as ①②③ and gives the
items in source order as the answer, each on its own line as （1）（2）… — a
question-bank app then shows the learner the right order to check against.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..fsutil import write_text
from ..model import Question
from ..options import BuildOptions
from .common import BLANK, chinese_numeral, circled, cloze_text, has_choices, letter, one_line

SINGLE, MULTIPLE, TRUEFALSE, CLOZE, SHORT = "单选题", "多选题", "判断题", "填空题", "简答题"
#: Section order: the order of the import templates these apps publish.
KINDS: tuple[str, ...] = (SINGLE, MULTIPLE, TRUEFALSE, CLOZE, SHORT)

ANSWER, EXPLANATION = "【答案】", "【解析】"
_NUMBERED = re.compile(r"（\d+）")


def kind(q: Question) -> str:
    """The question-bank kind a question is written as."""
    if q.type == "cloze" and q.blanks():
        return CLOZE
    if q.type in ("single", "quote") and has_choices(q):
        return SINGLE
    if q.type == "multiple" and has_choices(q):
        return MULTIPLE
    if q.type == "truefalse" and q.truth is not None:
        return TRUEFALSE
    return SHORT


def render(questions: Sequence[Question]) -> str:
    """The import text for ``questions``: one section per kind present, questions numbered from 1."""
    groups: dict[str, list[Question]] = {k: [] for k in KINDS}
    for q in questions:
        groups[kind(q)].append(q)
    lines: list[str] = []
    number = 0
    section = 0
    for name in KINDS:
        if not groups[name]:
            continue
        section += 1
        lines += [f"{chinese_numeral(section)}、{name}", ""]
        for q in groups[name]:
            number += 1
            lines += [*_question(number, name, q), ""]
    return "\n".join(lines).rstrip("\n") + "\n" if lines else ""


def write(questions: Sequence[Question], path: Path, options: BuildOptions) -> list[Path]:
    """Write the import text to ``path``."""
    return [write_text(path, render(questions))]


def _question(number: int, name: str, q: Question) -> list[str]:
    lines = [f"{number}. {_stem(name, q)}"]
    if name in (SINGLE, MULTIPLE):
        lines += [f"{letter(i)}、{one_line(c)}" for i, c in enumerate(q.choices)]
        lines.append(ANSWER + "".join(letter(i) for i in q.correct))
    elif name == TRUEFALSE:
        lines.append(ANSWER + ("正确" if q.truth else "错误"))
    elif name == CLOZE:
        answers = [q.answer[n - 1] if n <= len(q.answer) else "" for n in q.blanks()]
        lines.append(ANSWER + "".join(f"({_bracketed(a)})" for a in answers))
    else:
        lines += _short_answer(_reference(q))
    explanation = one_line(q.correction if q.type == "truefalse" and q.correction else q.source.sentence)
    if explanation:
        lines.append(EXPLANATION + explanation)
    return lines


def _stem(name: str, q: Question) -> str:
    if name == CLOZE:
        return one_line(cloze_text(q, BLANK))
    if q.type == "order" and q.choices:
        items = " ".join(f"{circled(i)}{one_line(c)}" for i, c in enumerate(q.choices, start=1))
        return f"{one_line(q.prompt)} {items}"
    return one_line(q.prompt)


def _reference(q: Question) -> list[str]:
    """The reference answer's items for a question written as 简答题."""
    if q.type == "truefalse":  # a statement without a verdict: the true statement is the answer
        return [q.correction] if q.correction else []
    return list(q.answer)


def _short_answer(items: list[str]) -> list[str]:
    items = [one_line(i) for i in items if one_line(i)]
    if len(items) <= 1 and not (items and _NUMBERED.match(items[0])):  # a lone "（1）…" would read as item 1
        return [ANSWER + (items[0] if items else "")]
    lines = [f"（{n}）{item}" for n, item in enumerate(items, start=1)]
    return [ANSWER + lines[0], *lines[1:]]


def _bracketed(answer: str) -> str:
    # the answer line closes each blank with ")"; brackets inside an answer become full-width
    return one_line(answer).replace("(", "（").replace(")", "）")
