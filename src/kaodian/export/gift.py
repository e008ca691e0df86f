"""Moodle GIFT: question text files for Moodle's question bank import.

Each question is one line ``::name::[html]text{answers####general feedback}``,
with a blank line between questions and a ``$CATEGORY: kaodian/<title>/<section>``
line wherever the document or section changes. ``~ = # { } :`` and the
backslash are escaped with a backslash; texts shown as HTML (question text,
choices, feedback) also have ``& < >`` written as entities, so ``<b>`` reads as
text. Answers Moodle compares with what a student types (missing word, short
answer, matching) are left as plain text.

Mapping:

- cloze → missing word ``{=answer}``. GIFT has one answer set per question, so a
  cloze with several blanks becomes one question per blank, the other blanks
  filled in (``id (1/3)``, ``id (2/3)`` …): each blank is then graded on its own,
  where a short answer holding every blank would need the learner to type all
  of them in exactly the expected form.
- single, quote → ``{~a =b ~c}``; a quote without distractors → short answer ``{=b}``.
- multiple → ``{~%50%a ~%-100%x ~%50%b}``: the correct choices share 100 %, a wrong one costs 100 %.
- truefalse → ``{T}`` / ``{F#correction}`` (the feedback a learner who answers "true" sees).
- order → matching ``{=1 -> first =2 -> second =3 -> third}`` with three items or
  more (Moodle's matching needs three answers); with fewer, an essay.
- list, short → essay ``{}`` with the reference answer as general feedback.

The source sentence is the general feedback (``####``) of the other types.
GIFT cannot protect ``->`` inside a missing-word answer (Moodle would take the
question for a matching one); generated answers are words, so this is not
worked around.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from ..fsutil import write_text
from ..model import Question
from ..options import BuildOptions
from .common import BlankSplit, blank_title, flat, has_choices, letter, one_line, prompt_text, split_blanks, unique

#: The category all questions go under; the document title and section path follow.
ROOT_CATEGORY = "kaodian"
#: The blank Moodle draws for a missing word.
BLANK = "_____"
#: Longest category name written (Moodle allows 255 bytes).
MAX_CATEGORY = 80

_ESCAPES = str.maketrans({c: "\\" + c for c in "\\~=#{}:"})
_LEADING = {"%": "&#37;", "[": "&#91;"}


def escape(text: str) -> str:
    """``text`` on one line with GIFT's special characters backslash-escaped."""
    return flat(text).translate(_ESCAPES)


def rich(text: str) -> str:
    """``text`` for a place Moodle shows as HTML: entities for ``& < >``, then GIFT escapes.

    A leading ``%`` (Moodle would read ``%50%`` as a grade) or ``[`` (``[plain]``
    would be read as a text format) is written as an entity too.
    """
    out = html.escape(flat(text), quote=False)
    body = out.lstrip()
    if body[:1] in _LEADING:
        out = out[: len(out) - len(body)] + _LEADING[body[0]] + body[1:]
    return escape(out)


def typed(text: str) -> str:
    """An answer Moodle compares with what a student types: plain text, GIFT escapes only.

    A leading ``%`` gets an explicit ``%100%`` grade before it and a leading ``[``
    a ``[plain]`` format, so Moodle does not read them as a grade or a format.
    """
    out = escape(one_line(text))
    if out.startswith("%"):
        return "%100%" + out
    if out.startswith("["):
        return "[plain]" + out
    return out


def category(q: Question) -> str:
    """The ``$CATEGORY`` path of a question: kaodian/<document title>/<section>/…"""
    parts = [ROOT_CATEGORY]
    for part in (q.source.title or q.source.document, *q.source.section):
        name = one_line(part).replace("\\", " ").strip()[:MAX_CATEGORY].strip()
        if name:
            parts.append(name.replace("/", "//"))  # Moodle reads "//" as a "/" inside a name
    return "/".join(parts)


def render(questions: Sequence[Question]) -> str:
    """The GIFT text for ``questions``, in their order."""
    blocks: list[str] = []
    current: str | None = None
    for q in questions:
        cat = category(q)
        if cat != current:
            blocks.append(f"$CATEGORY: {cat}")
            current = cat
        blocks.extend(_question(q))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def write(questions: Sequence[Question], path: Path, options: BuildOptions) -> list[Path]:
    """Write the GIFT file to ``path``."""
    return [write_text(path, render(questions))]


def _question(q: Question) -> list[str]:
    feedback = _feedback(q.source.sentence)
    splits = [s for s in split_blanks(q) if one_line(s.answer)] if q.type == "cloze" else []
    if splits:
        return [_missing_word(blank_title(q, s, len(splits)), s, feedback) for s in splits]
    head = _name(q.id) + rich(q.prompt)
    if q.type in ("single", "quote") and has_choices(q):
        correct = set(q.correct)
        marks = ["=" if i in correct else "~" for i in range(len(q.choices))]
        return [head + _choices(marks, q.choices, feedback)]
    if q.type == "multiple" and has_choices(q):
        correct = set(q.correct)
        share = _weight(100 / len(correct))
        marks = [f"~%{share}%" if i in correct else "~%-100%" for i in range(len(q.choices))]
        return [head + _choices(marks, q.choices, feedback)]
    if q.type == "truefalse" and q.truth is not None:
        verdict = "T" if q.truth else "F"
        wrong = f"#{rich(q.correction)}" if not q.truth and q.correction else ""
        return [f"{head}{{{verdict}{wrong}{feedback}}}"]
    if q.type in ("single", "quote") and len(q.answer) == 1:
        return [f"{head}{{={typed(q.answer[0])}{feedback}}}"]
    if q.type == "order" and _matchable(q.answer):
        pairs = " ".join(f"={n} -> {escape(item)}" for n, item in enumerate(q.answer, start=1))
        return [f"{head}{{{pairs}{feedback}}}"]
    return [_essay(q)]


def _missing_word(title: str, split: BlankSplit, feedback: str) -> str:
    block = f"{{={typed(split.answer)}{feedback}}}"
    if split.after.strip():
        return f"{_name(title)}{rich(split.before)}{block}{rich(split.after)}"
    # Moodle draws the blank only when text follows the answers; at the end of a sentence, write it
    return f"{_name(title)}{rich(split.before)}{BLANK}{block}"


def _essay(q: Question) -> str:
    text = rich(prompt_text(q, BLANK))
    if q.type == "order" and q.choices:
        text += "<br>" + "<br>".join(f"{letter(i)}. {rich(c)}" for i, c in enumerate(q.choices))
    items = [q.correction] if q.type == "truefalse" and q.correction else list(q.answer)
    items = [i for i in items if one_line(i)]
    if len(items) > 1:
        reference = "<br>".join(f"{n}. {rich(i)}" for n, i in enumerate(items, start=1))
    else:
        reference = rich(items[0]) if items else rich(q.source.sentence)
    return f"{_name(q.id)}{text}{{{'####' + reference if reference else ''}}}"


def _name(title: str) -> str:
    return f"::{escape(title)}::[html]"


def _feedback(sentence: str) -> str:
    return f"####{rich(sentence)}" if one_line(sentence) else ""


def _choices(marks: list[str], choices: tuple[str, ...], feedback: str) -> str:
    return "{" + " ".join(m + rich(c) for m, c in zip(marks, choices, strict=True)) + feedback + "}"


def _weight(value: float) -> str:
    """A percentage as Moodle's grade list writes it: 50, 33.33333, 12.5."""
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _matchable(items: tuple[str, ...]) -> bool:
    # "->" inside an item would split it; repeated items cannot be told apart
    return len(items) >= 3 and len(unique(items)) == len(items) and not any("->" in i for i in items)
