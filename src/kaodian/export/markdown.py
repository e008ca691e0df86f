"""The exam paper as Markdown, for pasting into other tools; the answer key follows a rule at the end.

CommonMark: continuous question numbers are ordered-list items, choices are
rows under them (4, 2 or 1 per row, as on the printed paper), blanks are
escaped underscores sized to the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..model import Question
from ..options import BuildOptions
from .paper import LETTERS, Item, Paper, Section, answer_lines, blank_em

_MARKUP = "\\`*_[]<>|~&#"
_SPECIAL = str.maketrans({c: "\\" + c for c in _MARKUP})
_HAS_SPECIAL = re.compile(f"[{re.escape(_MARKUP)}]")
_INDENT = "    "  # four spaces: continuation lines of an ordered-list item up to "999. "


def escape_md(text: str) -> str:
    """Text that Markdown prints as written: special characters backslash-escaped, lines joined."""
    text = text.replace("\n", " ")
    # most text has nothing to escape, and translate() is slow on Chinese text: look first
    return text.translate(_SPECIAL) if _HAS_SPECIAL.search(text) else text


def _blank(em: int) -> str:
    return "\\_" * (em * 2)


def _choice_rows(item: Item, paper: Paper) -> list[str]:
    label = str(paper.strings["choice_label"])
    cells = [
        f"{escape_md(label.format(letter=letter))}{escape_md(c)}"
        for letter, c in zip(LETTERS, item.choices, strict=False)
    ]
    gap = "　　" if paper.language == "zh" else "    "
    return [gap.join(cells[i : i + item.columns]) for i in range(0, len(cells), item.columns)]


def _item(item: Item, paper: Paper, kind: str) -> list[str]:
    s = paper.strings
    q = item.question
    if q.type == "cloze":
        prompt = q.fill(lambda _n, answer: _blank(blank_em(answer)), escape_md)
    else:
        prompt = escape_md(q.prompt)
        if q.type == "truefalse":
            prompt += escape_md(str(s["bracket"]))
    lines = [prompt, *_choice_rows(item, paper)]
    if kind == "order":
        lines.append(escape_md(str(s["order_hint"])) + _blank(len(item.choices) + 1))
    # a backslash at the end of a line is a hard line break
    body = [f"{item.number}. {lines[0]}"] + [_INDENT + line for line in lines[1:]]
    out = [line + "\\" for line in body[:-1]] + [body[-1]]
    if kind == "short":
        room = [escape_md(str(s["answer_room"]))] + [_blank(28)] * answer_lines(item)
        out.extend(["", *(_INDENT + line + "\\" for line in room[:-1]), _INDENT + room[-1]])
    out.append("")
    return out


def _section(section: Section, paper: Paper) -> list[str]:
    out = [f"## {escape_md(section.heading)}", ""]
    for item in section.items:
        out.extend(_item(item, paper, section.kind))
    return out


def _key(paper: Paper) -> list[str]:
    s = paper.strings
    entries = {e.number: e for e in paper.key()}
    out = [f"# {escape_md(paper.key_title)}", ""]
    for section in paper.sections:
        out.extend([f"## {escape_md(section.mark + section.name)}", ""])
        for item in section.items:
            e = entries[item.number]
            lines = ([f"**{escape_md(e.answer)}**"] if e.answer else []) + [escape_md(d) for d in e.details]
            lines.append("*" + escape_md(str(s["source"]) + e.source) + "*")
            body = [f"{e.number}. {lines[0]}"] + [_INDENT + line for line in lines[1:]]
            out.extend([line + "\\" for line in body[:-1]] + [body[-1]])
        out.append("")
    return out


def render_markdown(paper: Paper, *, key: bool = True, key_only: bool = False) -> str:
    """The paper, then (after a rule) the key; or only the key."""
    s = paper.strings
    out: list[str] = []
    if not key_only:
        out.extend([f"# {escape_md(paper.title + paper.version_label)}", ""])
        out.extend([escape_md(str(s["full_marks"]).format(total=paper.total)), ""])
        colon, gap = ("：", "　") if paper.language == "zh" else (": ", "  ")
        out.extend([gap.join(f"{escape_md(str(f))}{colon}{_blank(4)}" for f in s["fields"]), ""])
        out.extend([f"> {escape_md(str(s['instructions']))}", ""])
        for section in paper.sections:
            out.extend(_section(section, paper))
        if key:
            out.extend(["---", ""])
    if key or key_only:
        out.extend(_key(paper))
    return "\n".join(out).rstrip("\n") + "\n"


def write(questions: Sequence[Question], path: Path, options: BuildOptions) -> list[Path]:
    """``kaodian build --formats md`` / ``kaodian export --to md``: the paper and its key as Markdown."""
    from .quiz import write_quiz

    return write_quiz(questions, path, replace(options.quiz, format="md"))
