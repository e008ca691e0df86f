"""Helpers shared by the interchange writers (tiku, GIFT, QTI, CSV): letters, blanks, labels."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Question

#: How a blank is written where a format has no blank syntax of its own.
BLANK = "____"

#: Words for a true/false verdict, per document language.
_VERDICTS: dict[str, tuple[str, str]] = {"zh": ("正确", "错误"), "en": ("True", "False")}

_CN_DIGITS = "零一二三四五六七八九"


def one_line(text: str) -> str:
    """``text`` on one line, trimmed: each line break and the spaces around it become one space."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def flat(text: str) -> str:
    """``text`` with each line break written as a space and nothing else changed (for text fragments)."""
    return " ".join(text.splitlines())


def letter(index: int) -> str:
    """The choice letter for a 0-based index: A … Z, then AA, AB …"""
    if index < 0:
        raise ValueError(f"negative choice index {index}")
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (section numbers)."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN_DIGITS[tens] + "十")
    return head + (_CN_DIGITS[ones] if ones else "")


def circled(n: int) -> str:
    """1 → ①, … 20 → ⑳; larger numbers in brackets."""
    return chr(0x2460 + n - 1) if 0 < n <= 20 else f"({n})"


def verdict(truth: bool, language: str = "zh") -> str:
    """The word for a true or false statement in ``language``."""
    yes, no = _VERDICTS.get(language, _VERDICTS["en"])
    return yes if truth else no


def source_trail(q: Question) -> tuple[str, ...]:
    """The document title followed by the section path, empty parts left out."""
    return tuple(part for part in (q.source.title, *q.source.section) if part)


def cloze_text(q: Question, blank: str = BLANK) -> str:
    """A cloze prompt with every blank written as ``blank``."""
    return q.fill(lambda _n, _answer: blank)


def prompt_text(q: Question, blank: str = BLANK) -> str:
    """The prompt as shown: a cloze prompt with its blanks drawn, any other prompt as it is."""
    return cloze_text(q, blank) if q.type == "cloze" else q.prompt


@dataclass(frozen=True)
class BlankSplit:
    """A cloze prompt cut around one blank; the other blanks are filled with their answers."""

    number: int
    before: str
    answer: str
    after: str


def split_blanks(q: Question) -> list[BlankSplit]:
    """One split per distinct blank of a cloze question, in order of appearance."""
    return [_split_at(q, number) for number in dict.fromkeys(q.blanks())]


def _split_at(q: Question, number: int) -> BlankSplit:
    before: list[str] = []
    after: list[str] = []
    found: list[str] = []

    def text(part: str) -> str:
        (after if found else before).append(part)
        return ""

    def blank(n: int, answer: str) -> str:
        if n == number and not found:
            found.append(answer)
        else:
            (after if found else before).append(answer)
        return ""

    q.fill(blank, text)
    return BlankSplit(number, "".join(before), found[0] if found else "", "".join(after))


def blank_title(q: Question, split: BlankSplit, count: int) -> str:
    """The name of one blank's question when a cloze is split: ``id (2/3)``."""
    return q.id if count == 1 else f"{q.id} ({split.number}/{count})"


def has_choices(q: Question) -> bool:
    """Whether a choice question can be shown as choices: two or more, with a correct one among them."""
    return len(q.choices) >= 2 and bool(q.correct)


def unique(items: tuple[str, ...] | list[str]) -> list[str]:
    """``items`` without repeats, first occurrence kept."""
    return list(dict.fromkeys(items))
