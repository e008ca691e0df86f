"""The records passed from stage to stage.

Every stage takes and returns these frozen dataclasses; conversion to and
from the YAML/JSON schema lives in :mod:`kaodian.serialize` only.

Pipeline::

    sources.read_source(path)      -> SourceText
    clean.clean_source(SourceText) -> CleanText
    extract.extract(CleanText)     -> Document      (outline, claims, terms)
    questions.generate(Document)   -> tuple[Question, ...]
    export.*                       -> files
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

SCHEMA_VERSION = 1

#: Question types, in the order an exam paper presents them.
QUESTION_TYPES: tuple[str, ...] = (
    "cloze",  # 填空: prompt holds {{1}}, {{2}} … blanks; answer holds one text per blank
    "single",  # 单项选择: choices; answer holds the one correct choice text
    "multiple",  # 多项选择: choices; answer holds the correct choice texts, in choice order
    "truefalse",  # 判断: answer is empty; truth says whether the prompt is true; correction the true statement
    "quote",  # quote attribution: a single choice (or, without distractors, a short answer)
    "order",  # ordering: choices hold the items shuffled; answer holds them in source order
    "list",  # list recall: answer holds the items in source order
    "short",  # 简答: answer holds the reference answer's items
)

#: Other names people use for the question types (accepted by --types and --per-type).
TYPE_ALIASES: dict[str, str] = {
    "fill": "cloze",
    "choice": "single",
    "mc": "multiple",
    "multi": "multiple",
    "tf": "truefalse",
    "judge": "truefalse",
    "ordering": "order",
    "essay": "short",
}

#: The language codes a document can have.
LANGUAGES: tuple[str, ...] = ("zh", "en")

#: A blank of a cloze prompt, "{{1}}": group 1 is its number.
BLANK = re.compile(r"\{\{(\d+)\}\}")


@dataclass(frozen=True)
class Notice:
    """A soft problem found in a document: kept on the record, never printed by the library."""

    code: str  # "truncated", "count-mismatch", ...
    message: str
    point: str | None = None
    announced: int | None = None
    found: int | None = None


@dataclass(frozen=True)
class Dropped:
    """A line the cleaner removed, and why (for ``kaodian clean --report``)."""

    text: str
    reason: str


@dataclass(frozen=True)
class SourceText:
    """The raw text of one input file, decoded."""

    path: str
    kind: str  # "txt", "md", "html", "docx", "pdf"
    text: str
    encoding: str | None = None  # the detected encoding of text files


@dataclass(frozen=True)
class CleanText:
    """The study text of one document: its title once, then its body paragraphs."""

    source: str
    title: str
    paragraphs: tuple[str, ...]
    language: str = "zh"
    truncated: bool = False
    notices: tuple[Notice, ...] = ()
    dropped: tuple[Dropped, ...] = ()

    def lines(self) -> tuple[str, ...]:
        """The title followed by the body, one paragraph a line."""
        return ((self.title,) if self.title else ()) + self.paragraphs


@dataclass(frozen=True)
class Point:
    """A numbered heading or point of the outline."""

    id: str
    parent: str | None
    level: int  # 1 = top
    marker: str  # the marker as written: "一、", "⒈", "(1)", "##", "First,"
    title: str
    text: str  # the body under the point, up to the next point of the same or higher level
    truncated: bool = False  # the body runs into the end of a truncated document


@dataclass(frozen=True)
class Claim:
    """A sentence worth asking about: a definition, a principle, a quote or an enumeration."""

    id: str
    point: str | None
    kind: str  # "definition", "principle", "quote", "enumeration"
    text: str
    subject: str = ""
    predicate: str = ""
    attribution: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Term:
    term: str
    weight: float
    points: tuple[str, ...] = ()  # the points whose own text holds the term, in document order


@dataclass(frozen=True)
class Document:
    """One document of a study set: what the extractor found in it."""

    id: str
    source: str
    title: str
    language: str = "zh"
    truncated: bool = False
    warnings: tuple[Notice, ...] = ()
    points: tuple[Point, ...] = ()
    claims: tuple[Claim, ...] = ()
    terms: tuple[Term, ...] = ()

    def point(self, point_id: str | None) -> Point | None:
        for p in self.points:
            if p.id == point_id:
                return p
        return None

    def section_path(self, point_id: str | None) -> tuple[str, ...]:
        """The titles from the top-level point down to ``point_id``."""
        by_id = {p.id: p for p in self.points}
        path: list[str] = []
        seen: set[str] = set()
        current = by_id.get(point_id) if point_id else None
        while current is not None and current.id not in seen:
            seen.add(current.id)
            path.append(current.title)
            current = by_id.get(current.parent) if current.parent else None
        return tuple(reversed(path))


@dataclass(frozen=True)
class StudySet:
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class Source:
    """Where a question comes from, so a teacher can check it."""

    document: str  # the document id
    title: str  # the document title
    section: tuple[str, ...] = ()  # section path, top level first
    sentence: str = ""  # the source sentence
    point: str | None = None  # the point id


@dataclass(frozen=True)
class Question:
    """One question; what ``answer`` holds depends on ``type`` (see QUESTION_TYPES)."""

    id: str
    type: str
    prompt: str
    answer: tuple[str, ...]
    source: Source
    choices: tuple[str, ...] = ()
    truth: bool | None = None  # truefalse only
    correction: str = ""  # truefalse only: the true statement a false one was made from
    tags: tuple[str, ...] = ()
    language: str = "zh"
    template: str = ""

    @property
    def correct(self) -> tuple[int, ...]:
        """Indices into ``choices`` of the correct answers (choice types)."""
        wanted = set(self.answer)
        return tuple(i for i, c in enumerate(self.choices) if c in wanted)

    def blanks(self) -> tuple[int, ...]:
        """The blank numbers in a cloze prompt, in order of appearance."""
        return tuple(map(int, BLANK.findall(self.prompt)))

    def fill(self, blank: Callable[[int, str], str], text: Callable[[str], str] = lambda s: s) -> str:
        """Render a cloze prompt: ``text`` maps the plain parts, ``blank(n, answer)`` each blank."""
        # split at the blanks: the plain parts at even places, the blank numbers between them
        parts = BLANK.split(self.prompt)
        out = [text(parts[0])]
        for i in range(1, len(parts), 2):
            n = int(parts[i])
            ans = self.answer[n - 1] if 0 < n <= len(self.answer) else ""
            out.append(blank(n, ans))
            out.append(text(parts[i + 1]))
        return "".join(out)


_Record = TypeVar("_Record", Source, Question)


def record(cls: type[_Record], values: dict[str, Any]) -> _Record:
    """The record ``cls(**values)`` makes, from every field's value in field order, without the generated ``__init__``.

    That ``__init__`` sets each field of a frozen record through ``object.__setattr__``, which for
    the thousands of questions of a document costs more than the rest of their assembly. Only for
    records with no ``__post_init__``: Source and Question have none, and one added to either
    must be called here.
    """
    made = object.__new__(cls)
    vars(made).update(values)
    return made


@dataclass(frozen=True)
class QuestionSet:
    """Questions of one or more documents, in document order."""

    questions: tuple[Question, ...]

    def by_document(self) -> dict[str, tuple[Question, ...]]:
        groups: dict[str, list[Question]] = {}
        for q in self.questions:
            groups.setdefault(q.source.document, []).append(q)
        return {k: tuple(v) for k, v in groups.items()}
