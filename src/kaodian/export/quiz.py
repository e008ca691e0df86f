"""Printable quiz sheets (试卷): HTML, PDF or Markdown papers with answer keys.

The paper itself (sections, numbering, points, versions, key) is laid out in
:mod:`kaodian.export.paper`; each format only renders it.

Files: ``path`` for one paper; with ``versions`` > 1 one file per version,
the letter before the suffix (``quiz.A.html``, ``quiz.B.html``). The key is
on its own page at the end of each file; ``key_only`` writes only the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..fsutil import write_bytes
from ..model import Question
from ..options import BuildOptions, QuizOptions
from .paper import Paper, paper_paths, papers

FORMATS = ("html", "pdf", "md")


def render(paper: Paper, options: QuizOptions) -> bytes:
    """One paper in ``options.format``, as the bytes of its file."""
    if options.format == "html":
        from .quiz_html import render_html

        return render_html(paper, key=options.key, key_only=options.key_only).encode("utf-8")
    if options.format == "md":
        from .markdown import render_markdown

        return render_markdown(paper, key=options.key, key_only=options.key_only).encode("utf-8")
    if options.format == "pdf":
        from .quiz_pdf import render_pdf

        return render_pdf(paper, key=options.key, key_only=options.key_only)
    raise InputError(f"unknown quiz format {options.format!r}; use one of {', '.join(FORMATS)}")


def write_quiz(questions: Sequence[Question], path: Path, options: QuizOptions) -> list[Path]:
    """Write the paper (one file per version) as ``options.format``; returns the files written."""
    if options.format not in FORMATS:
        raise InputError(f"unknown quiz format {options.format!r}; use one of {', '.join(FORMATS)}")
    paper_list = papers(questions, options)
    rendered = [render(p, options) for p in paper_list]  # render all before writing any
    # every format renders to bytes; the text ones are already UTF-8 without a BOM, as write_text makes them
    return [
        write_bytes(target, data) for target, data in zip(paper_paths(Path(path), paper_list), rendered, strict=True)
    ]


def write_html(questions: Sequence[Question], path: Path, options: BuildOptions) -> list[Path]:
    """``kaodian build --formats quiz``: the HTML paper of one document."""
    return write_quiz(questions, path, replace(options.quiz, format="html"))


def write_pdf(questions: Sequence[Question], path: Path, options: BuildOptions) -> list[Path]:
    """``kaodian build --formats pdf``: the PDF paper of one document."""
    return write_quiz(questions, path, replace(options.quiz, format="pdf"))
