"""QTI packages for Canvas (and other systems that import QTI 1.2), built by text2qti.

The questions are first written in text2qti's plain-text quiz format
(:func:`render_text`), then text2qti parses that text and writes the package,
so the zip is what that maintained tool produces. text2qti reads question
texts, choices and feedback as Markdown (with ``$…$`` as LaTeX), so every
character Markdown or text2qti would interpret is backslash-escaped and
``& <`` are written as entities: the text arrives as written.

Mapping:

- cloze → short answer (fill in the blank); several blanks → one question per
  blank with the others filled in, as in the GIFT export.
- single, quote → multiple choice; a quote without distractors → short answer.
- multiple → multiple answers.
- truefalse → true/false, the true statement as feedback.
- order → short answer: the items are lettered in the question and the answer
  is the letters in source order (``BCA``; ``B C A``, ``B,C,A`` and ``B、C、A``
  are accepted too), so Canvas grades it.
- list, short → essay, the reference answer as feedback.

Two things text2qti would make vary between runs are pinned so the same
questions give the same bytes: the manifest date and the zip entries' times.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import KaodianError, OutputError
from ..fsutil import write_bytes
from ..model import Question
from ..options import BuildOptions
from .common import BLANK, blank_title, flat, has_choices, letter, one_line, prompt_text, split_blanks, unique

#: The date written into the package manifest (text2qti would write today's date).
MANIFEST_DATE = "2000-01-01"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

#: Characters text2qti's Markdown gives a meaning to; ``$`` opens LaTeX in text2qti.
_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()>#+-.!\"'|$"})
_CHOICE_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ORDER_HINT = {"zh": "（按原文顺序写出各项的字母）", "en": "(type the letters of the items in their order)"}


def markdown(text: str) -> str:
    """``text`` (on one line) escaped so text2qti's Markdown shows it as written."""
    return flat(text).replace("&", "&amp;").replace("<", "&lt;").translate(_MARKDOWN)


def quiz_title(questions: Sequence[Question]) -> str:
    """The quiz title: the titles of the documents the questions come from."""
    titles = unique([one_line(q.source.title or q.source.document) for q in questions])
    return " / ".join(t for t in titles if t)[:200] or "kaodian"


def render_text(questions: Sequence[Question]) -> str:
    """The questions in text2qti's plain-text quiz format."""
    blocks = [f"Quiz title: {quiz_title(questions)}"]
    seen: set[str] = set()
    number = 0
    for q in questions:
        for title, text, body in _items(q):
            if text in seen:  # text2qti refuses two questions with the same text
                text += " " + markdown(f"[{title}]")
            seen.add(text)
            number += 1
            blocks.append("\n".join([f"Title: {one_line(title)}", f"{number}. {text}", *body]))
    return "\n\n".join(blocks) + "\n"


def render(questions: Sequence[Question]) -> bytes:
    """The QTI zip for ``questions``, as text2qti writes it (with a fixed date)."""
    from text2qti.config import Config
    from text2qti.err import Text2qtiError
    from text2qti.qti import QTI
    from text2qti.quiz import Quiz
    from text2qti.xml_imsmanifest import imsmanifest

    if not questions:
        raise OutputError("no questions to put in a QTI package; check the inputs with kaodian generate")
    text = render_text(questions)
    try:
        quiz = Quiz(text, config=Config(), source_name="kaodian")
        qti = QTI(quiz)
    except Text2qtiError as exc:
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        message = f"text2qti could not build the QTI package ({first}); export to gift or csv instead"
        raise KaodianError(message) from exc
    qti.imsmanifest_xml = imsmanifest(
        manifest_identifier=qti.manifest_identifier,
        assessment_identifier=qti.assessment_identifier,
        dependency_identifier=qti.dependency_identifier,
        images=quiz.images,
        date=MANIFEST_DATE,
    )
    return _pinned(qti.zip_bytes())


def write(questions: Sequence[Question], path: Path, options: BuildOptions) -> list[Path]:
    """Write the QTI zip to ``path``."""
    return [write_bytes(path, render(questions))]


def _items(q: Question) -> list[tuple[str, str, list[str]]]:
    """(title, question text, lines after the question) for each quiz question made from ``q``."""
    feedback = _feedback(q.source.sentence)
    splits = [s for s in split_blanks(q) if one_line(s.answer)] if q.type == "cloze" else []
    if splits:
        return [
            (
                blank_title(q, s, len(splits)),
                markdown(one_line(s.before + BLANK + s.after)),
                [*feedback, f"* {one_line(s.answer)}"],
            )
            for s in splits
        ]
    text = markdown(one_line(prompt_text(q)))
    choices = unique([one_line(c) for c in q.choices if one_line(c)])
    wanted = {one_line(a) for a in q.answer}
    if q.type in ("single", "quote") and has_choices(q) and len(choices) <= len(_CHOICE_LETTERS):
        lines = [("*" if c in wanted else "") + f"{_CHOICE_LETTERS[i]}) {markdown(c)}" for i, c in enumerate(choices)]
        return [(q.id, text, [*feedback, *lines])]
    if q.type == "multiple" and has_choices(q):
        lines = [("[*] " if c in wanted else "[ ] ") + markdown(c) for c in choices]
        return [(q.id, text, [*feedback, *lines])]
    if q.type == "truefalse" and q.truth is not None:
        note = _feedback(q.correction) or feedback
        return [(q.id, text, [*note, "*a) True" if q.truth else "a) True", "b) False" if q.truth else "*b) False"])]
    if q.type in ("single", "quote") and len(q.answer) == 1 and one_line(q.answer[0]):
        return [(q.id, text, [*feedback, f"* {one_line(q.answer[0])}"])]
    listed = " ".join(f"{letter(i)}\\. {markdown(one_line(c))}" for i, c in enumerate(q.choices))
    if q.type == "order" and (sequence := _letters(q)):
        hint = markdown(_ORDER_HINT.get(q.language, _ORDER_HINT["en"]))
        accepted = unique(["".join(sequence), " ".join(sequence), ",".join(sequence), "、".join(sequence)])
        solution = _feedback(" → ".join(one_line(a) for a in q.answer))
        return [(q.id, f"{text} {listed} {hint}", [*solution, *(f"* {a}" for a in accepted)])]
    if q.type == "order" and listed:
        text += " " + listed
    return [(q.id, text, [*_feedback(_reference(q)), "____"])]


def _letters(q: Question) -> list[str]:
    """The choice letters of an ordering question's items in source order; empty if they cannot be matched."""
    index = {c: i for i, c in enumerate(q.choices)}
    if len(q.answer) < 2 or len(index) != len(q.choices) or any(a not in index for a in q.answer):
        return []
    return [letter(index[a]) for a in q.answer]


def _reference(q: Question) -> str:
    items = [q.correction] if q.type == "truefalse" and q.correction else [a for a in q.answer if one_line(a)]
    if len(items) == 1:
        return items[0]
    return " ".join(f"({n}) {one_line(a)}" for n, a in enumerate(items, start=1)) or q.source.sentence


def _feedback(text: str) -> list[str]:
    return [f"... {markdown(one_line(text))}"] if one_line(text) else []


def _pinned(data: bytes) -> bytes:
    """The same zip with every entry's time and creating system fixed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            entry.create_system = 3
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
