"""Clean a source text: boilerplate, line-wrap doubling, truncation, normalisation."""

from __future__ import annotations

from .model import CleanText, SourceText
from .options import CleanOptions


def clean_source(src: SourceText, options: CleanOptions = CleanOptions()) -> CleanText:
    """The study text of ``src``: title once, body paragraphs, notices and dropped lines."""
    raise NotImplementedError
