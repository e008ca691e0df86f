"""The exam paper (试卷), independent of how it is printed.

Which questions go on the paper, in which section, with which number, worth
how many points, with the choices in which order, and what the answer key
says. The HTML, PDF and Markdown renderings read a :class:`Paper` and decide
nothing about its content, so the three always agree.
"""

from __future__ import annotations

import functools
import math
import random
import string
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .. import datafiles
from ..errors import InputError
from ..memo import per_document
from ..model import Question
from ..options import QuizOptions

LETTERS = string.ascii_uppercase
CHOICE_TYPES = ("single", "multiple", "quote", "order")


@functools.cache
def layout() -> dict[str, Any]:
    """The paper layout: sections, points and printed strings (resources/quiz_paper.yaml)."""
    data: dict[str, Any] = datafiles.data("quiz_paper.yaml")
    return data


@functools.cache
def strings(language: str) -> Mapping[str, Any]:
    """The printed strings of the paper in ``language`` (zh or en)."""
    table: dict[str, Mapping[str, Any]] = layout()["strings"]
    return table.get(language, table["zh"])


# ---------------------------------------------------------------- records


class Item(NamedTuple):
    """One numbered question on the paper, with its choices in this paper's order.

    A named tuple, not a frozen dataclass: one is made per question of every paper, and a tuple is made
    several times faster.
    """

    number: int
    question: Question
    choices: tuple[str, ...]
    points: int
    columns: int = 1  # choices per row: 4, 2 or 1

    @property
    def answer_letters(self) -> str:
        """The letters of the answer: correct choices in choice order, or the order's sequence."""
        if self.question.type == "order":
            index = {c: i for i, c in enumerate(self.choices)}
            return "".join(LETTERS[index[a]] for a in self.question.answer if a in index)
        wanted = set(self.question.answer)
        return "".join(LETTERS[i] for i, c in enumerate(self.choices) if c in wanted)


@dataclass(frozen=True)
class Section:
    kind: str  # cloze, single, multiple, truefalse, order, short
    mark: str  # "一、" / "I. "
    name: str  # "填空题"
    rule: str  # "每空 2 分，共 20 分"
    items: tuple[Item, ...]

    @property
    def total(self) -> int:
        return sum(i.points for i in self.items)

    @property
    def heading(self) -> str:
        open_, close = ("（", "）") if self.mark.endswith("、") else (" (", ")")
        return f"{self.mark}{self.name}{open_}{self.rule}{close}"


@dataclass(frozen=True)
class KeyEntry:
    """What the key says about one item: the answer, the lines under it, where it comes from."""

    number: int
    answer: str
    details: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Paper:
    title: str
    language: str
    version: str  # "" for a single paper, else "A", "B", ...
    sections: tuple[Section, ...]
    sources_with_title: bool = False  # questions from several documents: name the document in the key

    @property
    def strings(self) -> Mapping[str, Any]:
        return strings(self.language)

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sections)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.sections for i in s.items)

    @property
    def version_label(self) -> str:
        return str(self.strings["version"]).format(letter=self.version) if self.version else ""

    @property
    def key_title(self) -> str:
        return str(self.strings["key_title"]).format(title=self.title, version=self.version_label)

    def key(self) -> tuple[KeyEntry, ...]:
        return tuple(key_entry(item, self) for item in self.items)


# ---------------------------------------------------------------- measuring text


#: The width in em of each East Asian width class: wide and full-width 1, the rest about half.
_EM = {"W": 1.0, "F": 1.0, "A": 0.55, "H": 0.55, "N": 0.55, "Na": 0.55}


@per_document(1 << 12)  # choices and answers come back question after question
def display_width(text: str) -> float:
    """Width in em: CJK and full-width characters are 1, the rest about half."""
    # summed character by character, in order, so that the float is the same for the same text
    return sum(map(_EM.__getitem__, map(unicodedata.east_asian_width, text)))


@per_document(1 << 12)  # the same answers come back in a paper and in its versions
def blank_em(answer: str) -> int:
    """The width of a blank for ``answer``: its own width and a little room, at least 4 em."""
    return max(4, math.ceil(display_width(answer)) + 2)


def choice_columns(choices: Sequence[str]) -> int:
    """Choices per row: 4 when the longest fits a quarter line, 2 when it fits half, else 1."""
    if not choices:
        return 1
    line = float(layout()["line_em"])
    widest = max(display_width(c) for c in choices) + float(layout()["choice_label_em"])
    if len(choices) <= 4 and widest <= line / 4:
        return 4
    if widest <= line / 2:
        return 2
    return 1


# ---------------------------------------------------------------- choosing questions


@functools.cache
def _section_kinds() -> dict[str, str]:
    """Question type -> the kind of the first section that takes it."""
    kinds: dict[str, str] = {}
    for sec in layout()["sections"]:
        for question_type in sec["types"]:
            kinds.setdefault(question_type, str(sec["kind"]))
    return kinds


def section_kind(q: Question) -> str:
    """The section a question is printed in; choice questions without choices become short answers."""
    if q.type in CHOICE_TYPES and not q.choices:
        return "short"
    kind = _section_kinds().get(q.type)
    if kind is None:
        raise InputError(f"question {q.id}: unknown type {q.type!r}; regenerate the questions with this kaodian")
    return kind


def _spread(items: Sequence[Question], n: int) -> list[Question]:
    """``n`` of ``items`` evenly spaced through them, in their order (so every part of the document is asked)."""
    if n >= len(items):
        return list(items)
    if n <= 0:
        return []
    return [items[(2 * i + 1) * len(items) // (2 * n)] for i in range(n)]


def _apportion(sizes: Mapping[str, int], total: int) -> dict[str, int]:
    """Split ``total`` over groups in proportion to their sizes (largest remainder), each at most its size."""
    available = sum(sizes.values())
    if total >= available:
        return dict(sizes)
    shares = {k: total * v / available for k, v in sizes.items()}
    counts = {k: min(sizes[k], math.floor(s)) for k, s in shares.items()}
    # every group that has questions gets at least one while there is room
    for k in sizes:
        if counts[k] == 0 and sizes[k] and sum(counts.values()) < total:
            counts[k] = 1
    order = sorted(sizes, key=lambda k: (-(shares[k] - math.floor(shares[k])), list(sizes).index(k)))
    while sum(counts.values()) < total:
        for k in order:
            if counts[k] < sizes[k] and sum(counts.values()) < total:
                counts[k] += 1
    while sum(counts.values()) > total:
        k = max(counts, key=lambda g: (counts[g], list(sizes).index(g)))
        counts[k] -= 1
    return counts


def select(questions: Sequence[Question], options: QuizOptions) -> list[Question]:
    """The questions for the paper, in document order: ``types``, then ``per_type``, then ``count``.

    Each cut spreads evenly through the document, so a short paper still asks
    about every part of it rather than only the first pages.
    """
    types = options.types
    chosen = list(questions) if types is None else [q for q in questions if q.type in types]
    if options.per_type:
        wanted = dict(options.per_type)
        keep: set[int] = set()
        for t, n in wanted.items():
            of_type = [q for q in chosen if q.type == t]
            keep.update(id(q) for q in _spread(of_type, n))
        chosen = [q for q in chosen if id(q) in keep]
    if options.count is not None and options.count < len(chosen):
        groups: dict[str, list[Question]] = {}
        for q in chosen:
            groups.setdefault(section_kind(q), []).append(q)
        counts = _apportion({k: len(v) for k, v in groups.items()}, options.count)
        keep = {id(q) for k, v in groups.items() for q in _spread(v, counts[k])}
        chosen = [q for q in chosen if id(q) in keep]
    return chosen


# ---------------------------------------------------------------- building the paper


def _shuffle_choices(choices: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    """Shuffle choices, keeping "all of the above"-style choices last."""
    last_prefixes = tuple(layout()["keep_last"])
    movable = [c for c in choices if not c.startswith(last_prefixes)]
    fixed = [c for c in choices if c.startswith(last_prefixes)]
    rng.shuffle(movable)
    return (*movable, *fixed)


def paper_language(questions: Sequence[Question]) -> str:
    return "zh" if any(q.language == "zh" for q in questions) or not questions else "en"


def _rule(kind: str, points: int, total: int, language: str) -> str:
    spec = next(s for s in layout()["sections"] if s["kind"] == kind)
    s = strings(language)
    template = s["per_blank"] if spec["per"] == "blank" else s["per_question"]
    return str(template).format(points=points, total=total, s="" if points == 1 else "s", ts="" if total == 1 else "s")


def build_paper(questions: Sequence[Question], title: str, language: str, version: str = "", seed: int = 0) -> Paper:
    """Lay ``questions`` out as a paper; with a ``version`` letter, shuffle from ``seed`` reproducibly."""
    rng = random.Random(f"{seed}:{version}") if version else None
    groups: dict[str, list[Question]] = {}
    kinds = _section_kinds()
    for q in questions:
        # section_kind(q), its common case read from the table here: this runs for every question
        kind = kinds.get(q.type) if q.choices or q.type not in CHOICE_TYPES else "short"
        groups.setdefault(kind or section_kind(q), []).append(q)
    s = strings(language)
    sections: list[Section] = []
    number = 1
    for spec in layout()["sections"]:
        kind = str(spec["kind"])
        qs = list(groups.get(kind, ()))
        if not qs:
            continue
        if rng is not None:
            rng.shuffle(qs)
        items: list[Item] = []
        unit = int(spec["points"])  # of a question, or of each of its blanks
        per_blank = spec["per"] == "blank"
        for q in qs:
            choices = q.choices
            if rng is not None and choices:
                choices = _shuffle_choices(choices, rng)
            points = unit * max(1, len(q.blanks())) if per_blank else unit
            items.append(Item(number, q, choices, points, choice_columns(choices) if choices else 1))
            number += 1
        numeral = s["numerals"][len(sections)] if len(sections) < len(s["numerals"]) else str(len(sections) + 1)
        sections.append(
            Section(
                kind=kind,
                mark=str(s["section_mark"]).format(numeral=numeral),
                name=str(s["sections"][kind]),
                rule=_rule(kind, unit, sum(i.points for i in items), language),
                items=tuple(items),
            )
        )
    documents = {q.source.document for q in questions}
    return Paper(title, language, version, tuple(sections), sources_with_title=len(documents) > 1)


def papers(questions: Sequence[Question], options: QuizOptions, default_title: str | None = None) -> list[Paper]:
    """The paper of every version asked for (A卷, B卷, ... when ``options.versions`` > 1)."""
    if options.key_only and not options.key:
        raise InputError("--key-only and --no-key contradict each other; pass one of them")
    if options.versions < 1 or options.versions > len(LETTERS):
        raise InputError(f"--versions must be between 1 and {len(LETTERS)}, not {options.versions}")
    chosen = select(questions, options)
    if not chosen:
        raise InputError("no questions to put on the paper; check --types, --per-type and --count")
    language = paper_language(chosen)
    title = options.title or default_title or chosen[0].source.title or str(strings(language)["title_fallback"])
    if options.versions == 1:
        return [build_paper(chosen, title, language)]
    return [build_paper(chosen, title, language, LETTERS[v], options.seed) for v in range(options.versions)]


def paper_paths(path: Path, paper_list: Sequence[Paper]) -> list[Path]:
    """One file per paper: ``path`` itself, or ``quiz.A.html``, ``quiz.B.html`` ... for versions."""
    if len(paper_list) == 1 and not paper_list[0].version:
        return [path]
    return [path.with_name(f"{path.stem}.{p.version}{path.suffix}") for p in paper_list]


# ---------------------------------------------------------------- the key


def source_text(item: Item, paper: Paper) -> str:
    src = item.question.source
    parts = src.section
    if paper.sources_with_title or not parts:
        parts = (src.title or src.document, *parts)
    return str(paper.strings["path_separator"]).join(filter(None, parts))


def key_entry(item: Item, paper: Paper) -> KeyEntry:
    """The key's line for ``item``: answer letters or text, corrections and the answer's items."""
    answer, details = key_answer(item, paper.strings)
    return KeyEntry(item.number, answer, details, source_text(item, paper))


def key_answer(item: Item, s: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The answer and the lines under it of ``item``'s key entry, with the printed strings ``s``."""
    q = item.question
    if q.type == "cloze":
        return str(s["separator"]).join(q.answer), ()
    if q.type == "truefalse":
        answer = str(s["true_mark"] if q.truth else s["false_mark"])
        if not q.truth and q.correction:
            return answer, (f"{s['correction']}{q.correction}",)
        return answer, ()
    if q.choices:
        answer = item.answer_letters
        by_letter = dict(zip(LETTERS, item.choices, strict=False))
        return answer, (str(s["separator"]).join(by_letter[letter] for letter in answer),)
    if len(q.answer) == 1:
        return q.answer[0], ()
    return "", tuple(f"({i}) {a}" for i, a in enumerate(q.answer, start=1))


def answer_lines(item: Item) -> int:
    """Ruled lines to leave under a short-answer question: room for the reference answer and more."""
    width = sum(display_width(a) for a in item.question.answer)
    return max(3, min(12, math.ceil(width / float(layout()["line_em"])) + len(item.question.answer) + 1))
