"""Extract a study-set Document from clean text: outline, claims, terms, warnings."""

from __future__ import annotations

from .model import CleanText, Document


def extract(text: CleanText, doc_id: str | None = None) -> Document:
    raise NotImplementedError
