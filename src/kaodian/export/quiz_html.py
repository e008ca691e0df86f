"""The exam paper as one self-contained HTML page with A4 print CSS."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from .. import datafiles
from ..memo import per_document
from ..model import BLANK, Question
from .paper import LETTERS, Item, Paper, Section, answer_lines, blank_em, key_answer, source_text, strings


@functools.cache
def _css() -> str:
    return datafiles.text("quiz_print.css")


_SPECIAL = re.compile("[&<>\"']")


@per_document(1 << 14)  # choices, answers and sources come back question after question
def _e(text: str) -> str:
    # most text has nothing to escape: one search costs less than escape()'s five replaces
    return escape(text, quote=True) if _SPECIAL.search(text) else text


@functools.lru_cache(maxsize=1 << 12)  # every paper numbers its questions 1, 2, 3 … again
def _number(template: str, n: int) -> str:
    """A question's number in the paper's format (``template``), escaped."""
    return _e(template.format(n=n))


@functools.cache
def _blank(em: int, cls: str = "blank") -> str:
    return f'<span class="{cls}" style="width:{em}em"></span>'


@functools.cache
def _labels(label: str) -> tuple[str, ...]:
    """The escaped choice label of every letter."""
    return tuple(f'<li><span class="label">{_e(label.format(letter=letter))}</span>' for letter in LETTERS)


@dataclass(frozen=True)
class _Fixed:
    """The paper's own strings in one language, escaped and put into their markup once per process."""

    strings: Mapping[str, Any]
    number: str  # the question number's format
    labels: tuple[str, ...]  # the choice label of every letter, as list items
    bracket: str  # after a true/false statement
    order_hint: str
    answer_room: str
    source_label: str


@functools.cache
def _fixed_strings(language: str) -> _Fixed:
    s = strings(language)
    return _Fixed(
        strings=s,
        number=str(s["number"]),
        labels=_labels(str(s["choice_label"])),
        bracket=f'<span class="bracket">{_e(str(s["bracket"]))}</span>',
        order_hint=_e(str(s["order_hint"])),
        answer_room=f'<span class="answer-hint">{_e(str(s["answer_room"]))}</span>',
        source_label=str(s["source"]),
    )


def _choices(out: list[str], item: Item, fixed: _Fixed) -> None:
    out.append(f'<ol class="choices cols-{item.columns}">')
    out.extend(f"{label}{_e(choice)}</li>" for label, choice in zip(fixed.labels, item.choices, strict=False))
    out.append("</ol>")


@per_document(1 << 12)  # the same answers come back in a paper and in its versions
def _answer_blank(answer: str) -> str:
    return _blank(blank_em(answer))


def _cloze_prompt(q: Question) -> str:
    """What ``q.fill`` gives with each blank as wide as its answer and the text escaped, in one substitution.

    Escaping the whole prompt first is the same as escaping its pieces: a blank holds no special
    character, and an entity always holds ``&``, so escaping neither makes nor breaks a blank.
    """
    answers = q.answer

    def blank(match: re.Match[str]) -> str:
        n = int(match[1])
        return _answer_blank(answers[n - 1] if 0 < n <= len(answers) else "")

    prompt = q.prompt
    return BLANK.sub(blank, prompt if _SPECIAL.search(prompt) is None else escape(prompt, quote=True))


def _prompt(item: Item, fixed: _Fixed) -> str:
    q = item.question
    if q.type == "cloze":
        return _cloze_prompt(q)
    if q.type == "truefalse":
        return _e(q.prompt) + fixed.bracket
    return _e(q.prompt)


def _item(out: list[str], item: Item, fixed: _Fixed, kind: str) -> None:
    number = _number(fixed.number, item.number)
    out.append(
        f'<div class="q" id="q{item.number}"><span class="num">{number}</span><div class="body">'
        f'\n<p class="prompt">{_prompt(item, fixed)}</p>'
    )
    if item.choices:
        _choices(out, item, fixed)
    if kind == "order":
        out.append(f'<p class="order-answer">{fixed.order_hint}{_blank(len(item.choices) * 2 + 2)}</p>')
    elif kind == "short":
        # ruled with borders, not a background: browsers leave backgrounds out when printing
        rules = '<div class="rule"></div>' * answer_lines(item)
        out.append(f'<div class="room">{fixed.answer_room}{rules}</div>')
    out.append("</div></div>")


def _section(out: list[str], section: Section, fixed: _Fixed) -> None:
    out.append(f'<section class="part {section.kind}">')
    out.append(f"<h2>{_e(section.heading)}</h2>")
    for item in section.items:
        _item(out, item, fixed, section.kind)
    out.append("</section>")


def _header(paper: Paper) -> list[str]:
    s = paper.strings
    out = ['<header class="paper-head">', f"<h1>{_e(paper.title)}</h1>"]
    if paper.version:
        out.append(f'<p class="version">{_e(paper.version_label.strip())}</p>')
    out.append(f'<p class="marks">{_e(str(s["full_marks"]).format(total=paper.total))}</p>')
    head, total, score = (str(x) for x in s["score_table"])
    numerals = "".join(f"<th>{_e(sec.mark.strip().rstrip('、.'))}</th>" for sec in paper.sections)
    cells = "<td></td>" * (len(paper.sections) + 1)
    out.append(
        f'<table class="score"><tr><th>{_e(head)}</th>{numerals}<th>{_e(total)}</th></tr>'
        f"<tr><th>{_e(score)}</th>{cells}</tr></table>"
    )
    fields = "".join(f'<span class="field">{_e(str(f))}<span class="line"></span></span>' for f in s["fields"])
    out.append(f'<p class="fields">{fields}</p>')
    out.append(f'<p class="instructions">{_e(str(s["instructions"]))}</p>')
    out.append("</header>")
    return out


def _key(paper: Paper, alone: bool) -> list[str]:
    fixed = _fixed_strings(paper.language)
    # most questions share their source record with others: put it together and escape it once per record,
    # found by the record's identity (the paper holds every record while this runs)
    sources: dict[int, str] = {}
    out = [f'<section class="key{" alone" if alone else ""}">', f"<h1>{_e(paper.key_title)}</h1>"]
    for section in paper.sections:
        out.append(f"<h2>{_e(section.mark + section.name)}</h2>")
        for item in section.items:  # what paper.key() says, item by item
            answer, details = key_answer(item, fixed.strings)
            number = _number(fixed.number, item.number)
            out.append(f'<div class="k"><span class="num">{number}</span><div class="body">')
            if answer:
                out.append(f'<span class="answer">{_e(answer)}</span>')
            if details:
                out.extend([f'<p class="detail">{_e(d)}</p>' for d in details])
            source = sources.get(id(item.question.source))
            if source is None:
                source = f'<p class="src">{_e(fixed.source_label + source_text(item, paper))}</p>'
                sources[id(item.question.source)] = source
            out.append(source)
            out.append("</div></div>")
    out.append("</section>")
    return out


def render_html(paper: Paper, *, key: bool = True, key_only: bool = False) -> str:
    """The whole page: the paper, then the key on its own page (or only the key)."""
    lang = "zh-CN" if paper.language == "zh" else "en"
    title = paper.key_title if key_only else paper.title + paper.version_label
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="generator" content="kaodian">',
        f"<title>{_e(title)}</title>",
        f"<style>\n{_css()}</style>",
        "</head>",
        "<body>",
    ]
    if not key_only:
        out.append('<main class="paper">')
        out.extend(_header(paper))
        fixed = _fixed_strings(paper.language)
        for section in paper.sections:
            _section(out, section, fixed)
        out.append("</main>")
    if key or key_only:
        out.extend(_key(paper, alone=key_only))
    out.extend(["</body>", "</html>", ""])
    return "\n".join(out)
