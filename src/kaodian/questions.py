"""Generate questions from a study-set Document through YAML templates."""

from __future__ import annotations

from .model import Document, Question
from .options import GenerateOptions


def generate(doc: Document, options: GenerateOptions = GenerateOptions()) -> tuple[Question, ...]:
    raise NotImplementedError
