"""Read input files: formats (.txt .md .html .docx .pdf) and text encodings."""

from __future__ import annotations

from pathlib import Path

from .model import SourceText
from .options import DEFAULT_MAX_BYTES


def read_source(path: str | Path, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Read one document file and decode it to text."""
    raise NotImplementedError
