"""Exporters: one module per output format, all over the same Question records.

``FORMATS`` maps a format name to its file suffix and writer. A writer is
``write(questions, path, options) -> list[Path]``; it is imported only when used.
Adding a format means adding a module and a line here, nothing else.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from ..errors import InputError
from ..model import Question
from ..options import BuildOptions


class Writer(Protocol):
    def __call__(self, questions: Sequence[Question], path: Path, options: BuildOptions) -> list[Path]: ...


#: name -> (file suffix, "module:function")
FORMATS: dict[str, tuple[str, str]] = {
    "apkg": (".apkg", "kaodian.export.anki:write"),
    "tsv": (".anki.tsv", "kaodian.export.anki_text:write"),
    "quiz": (".quiz.html", "kaodian.export.quiz:write_html"),
    "pdf": (".quiz.pdf", "kaodian.export.quiz:write_pdf"),
    "md": (".quiz.md", "kaodian.export.markdown:write"),
    "tiku": (".tiku.txt", "kaodian.export.tiku:write"),
    "gift": (".gift.txt", "kaodian.export.gift:write"),
    "qti": (".qti.zip", "kaodian.export.qti:write"),
    "csv": (".csv", "kaodian.export.csv:write"),
}


def writer(fmt: str) -> Writer:
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    module, func = FORMATS[fmt][1].split(":")
    fn: Writer = getattr(importlib.import_module(module), func)
    return fn


def write_format(fmt: str, questions: Sequence[Question], folder: Path, name: str, options: BuildOptions) -> list[Path]:
    """Write ``questions`` as ``fmt`` to ``folder/name<suffix>``; returns the files written."""
    return writer(fmt)(questions, folder / (name + FORMATS[fmt][0]), options)
