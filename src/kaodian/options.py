"""Options for each stage, one frozen dataclass per stage, built once by the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: Inputs larger than this are refused (``--max-size`` changes it).
DEFAULT_MAX_BYTES = 50 * 1024 * 1024

#: ``jobs`` value meaning one process per usable CPU (``--jobs auto``, the command line's default).
AUTO_JOBS = 0


@dataclass(frozen=True)
class CleanOptions:
    keep_boilerplate: bool = False
    encoding: str | None = None  # force an encoding instead of detecting it
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class GenerateOptions:
    types: tuple[str, ...] | None = None  # None: every type
    seed: int = 0
    templates_dir: Path | None = None  # adds or replaces templates by name
    max_cloze_per_sentence: int = 2


@dataclass(frozen=True)
class AnkiOptions:
    deck_name: str | None = None  # default: the document title
    ledger: bool = True  # keep note modification times stable across builds


@dataclass(frozen=True)
class QuizOptions:
    format: str = "html"  # html, pdf, md
    count: int | None = None
    per_type: tuple[tuple[str, int], ...] = ()
    types: tuple[str, ...] | None = None
    versions: int = 1
    seed: int = 0
    title: str | None = None
    key: bool = True
    key_only: bool = False


@dataclass(frozen=True)
class BuildOptions:
    output_dir: Path = Path("decks")
    formats: tuple[str, ...] = ("apkg", "quiz")
    jobs: int = 1  # processes; AUTO_JOBS: one per usable CPU
    clean: CleanOptions = field(default_factory=CleanOptions)
    generate: GenerateOptions = field(default_factory=GenerateOptions)
    anki: AnkiOptions = field(default_factory=AnkiOptions)
    quiz: QuizOptions = field(default_factory=QuizOptions)
