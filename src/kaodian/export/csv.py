"""A spreadsheet of the questions: UTF-8 with a byte-order mark, one row a question.

Columns: ``id, type, prompt, choices, answer, source, tags``. Blanks in a cloze
prompt are written ``____``; choices as ``A. … | B. …``; the answer as its texts
joined with `` | `` (a true/false answer is the verdict, then the true
statement); the source as ``title › section › …``; tags separated by spaces.
Quoting follows RFC 4180 (the csv module's defaults, CRLF line ends), and the
BOM makes Excel and WPS open the Chinese text as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from ..fsutil import write_text
from ..model import Question
from ..options import BuildOptions
from .common import BLANK, letter, prompt_text, source_trail, verdict

COLUMNS: tuple[str, ...] = ("id", "type", "prompt", "choices", "answer", "source", "tags")
JOIN = " | "
TRAIL = " › "


def row(q: Question) -> dict[str, str]:
    """The spreadsheet row of one question."""
    return {
        "id": q.id,
        "type": q.type,
        "prompt": prompt_text(q, BLANK),
        "choices": JOIN.join(f"{letter(i)}. {c}" for i, c in enumerate(q.choices)),
        "answer": JOIN.join(_answer(q)),
        "source": TRAIL.join(source_trail(q)),
        "tags": " ".join(q.tags),
    }


def render(questions: Sequence[Question]) -> str:
    """The CSV text (without the BOM, which :func:`write` adds)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(row(q) for q in questions)
    return out.getvalue()


def write(questions: Sequence[Question], path: Path, options: BuildOptions) -> list[Path]:
    """Write the CSV file, with a BOM, to ``path``."""
    return [write_text(path, render(questions), bom=True)]


def _answer(q: Question) -> tuple[str, ...]:
    if q.type == "truefalse" and q.truth is not None:
        return (verdict(q.truth, q.language), *((q.correction,) if q.correction and not q.truth else ()))
    return q.answer
