"""The outline of a document: numbered headings and points, their levels and parents, announced counts.

Levels are not read from a fixed table: documents disagree on whether （一）
sits above 1. or below it. Instead each document's marker families are placed
on a stack as they first nest, and a family seen later is put back where it
first nested. A marker only opens a point if its number is plausible (the
first of its family, or the next after its previous sibling), so "2008年" or
"3.5%" never become points.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import datafiles
from .model import Notice, Point
from .names import short_hash

#: The ordinal of "最后" / "Finally": closes a sequence of any length.
LAST = -1

_ZH_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_ZH_NUM = "零〇一二两三四五六七八九十百"
_ROMAN = {"i": 1, "v": 5, "x": 10}
#: Families that open points only when they come in a run (a lone "首先，" is prose).
_SEQUENCE_FAMILIES = ("zh-seq", "en-seq", "第一，", "其一", "一是")
#: Titles longer than this are cut at their first comma.
_TITLE_MAX = {"zh": 40, "en": 100}

_SENTENCE_END = "。！？；;!?：:"
_TITLE_END = re.compile(r"[。！？；;!?：:.]")
_HAS_ZH_NUMBER = re.compile(r"[一二两三四五六七八九十\d]")
_HAS_EN_NUMBER = r"(?i)\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b"


def zh_number(s: str) -> int | None:
    """The value of a Chinese numeral up to 999 (一, 十二, 二十, 两, 一百零五) or of digits."""
    if not s:
        return None
    if s.isdigit():
        return int(s)
    total = 0
    current = 0
    for ch in s:
        if ch in _ZH_DIGITS:
            current = _ZH_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _roman(s: str) -> int | None:
    s = s.lower()
    if not s or any(c not in _ROMAN for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = _ROMAN[c]
        total += -v if i + 1 < len(s) and _ROMAN[s[i + 1]] > v else v
    return total if 0 < total <= 20 else None


@functools.cache
def _words() -> dict[str, Any]:
    words: dict[str, Any] = datafiles.data("extract_outline.yaml")
    return words


@functools.cache
def _pattern(name: str) -> re.Pattern[str]:
    """One of the patterns built from the word lists, compiled when first needed: a process that meets
    no English text, say, never compiles the English ones."""
    source, flags = _pattern_sources()[name]
    return re.compile(source, flags)


@functools.cache
def _pattern_sources() -> dict[str, tuple[str, int]]:
    w = _words()
    units = datafiles.alternation(w["zh_structure_units"])
    n = "[一二两三四五六七八九十]{1,3}|\\d{1,2}"
    return {
        "structure": (f"第([{_ZH_NUM}]{{1,6}}|\\d{{1,4}})({units})", 0),
        "zh_seq": (f"({datafiles.alternation(list(w['zh_sequence']))})[，,：:、]", 0),
        "en_seq": (f"({datafiles.alternation(list(w['en_sequence']))})\\s*,\\s*", re.IGNORECASE),
        "announce_lead": (
            f"(?:{datafiles.alternation(w['zh_announce_lead'])})({n})(?:{datafiles.alternation(w['zh_announce_classifier'])})",
            0,
        ),
        "announce_noun": (
            f"({n})(?:个|点|项|条|大|种)?[^，,。；;：:\\d]{{0,4}}?(?:{datafiles.alternation(w['zh_announce_nouns'])})"
            "[^，,。；;：:]{0,4}[：:]?$",
            0,
        ),
        "announce_en": (
            "\\b(?:the\\s+)?(?:(?:" + datafiles.alternation(w["en_announce_lead"]) + ")\\s+)+"
            "(one|two|three|four|five|six|seven|eight|nine|ten|\\d{1,2})\\s+(?:\\w+\\s+)?"
            "(?:" + datafiles.alternation(w["en_announce_nouns"]) + ")\\b",
            re.IGNORECASE,
        ),
        "announce_en_count": (
            "\\b(one|two|three|four|five|six|seven|eight|nine|ten|\\d{1,2})\\s+(?:\\w+\\s+)?"
            "(?:" + datafiles.alternation(w["en_announce_nouns"]) + ")\\s*:\\s*$",
            re.IGNORECASE,
        ),
    }


_EN_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}

_ZH_HEAD = re.compile(r"([一二三四五六七八九十]{1,3})[、．.]")
_ZH_PAREN = re.compile(r"[（(]([一二三四五六七八九十]{1,3})[）)]")
_ZH_ORDINAL = re.compile(r"第([一二三四五六七八九十]{1,3})[，,、：:；;]")
_ZH_SHI = re.compile(r"([一二三四五六七八九十]{1,3})(?:是|要)(?!是)")
_PAREN_DIGIT = re.compile(r"[（(](\d{1,3})[）)]")
_DIGIT = re.compile(r"(\d{1,3})(?:([.．])(?![\d.．])|(、)(?!\d)|([)）])(?!\d))")
_DECIMAL = re.compile(r"(\d{1,2}(?:[.．]\d{1,2}){1,3})[.．]?[ \t\u3000]+(?=\S)")
# rare shapes: compiled when first met (see _compiled)
_ZH_QI = r"其([一二三四五六七八九十])[，,、：:]"
_UNICODE_ROMAN = r"[\u2160-\u216b\u2170-\u217b]([、.．)）]?)[ \t\u3000]*"
_MD_NUMBER = r"^(?:\d{1,3}(?:\.\d{1,3})*\.?|[一二三四五六七八九十]{1,3}、)\s*(?=\S)"
_LATIN = r"([a-zA-Z]{1,4})([.)])[ \t]+(?=\S)"
_LATIN_PAREN = r"\(([a-zA-Z]{1,4})\)[ \t]*(?=\S)"


@functools.cache
def _compiled(source: str) -> re.Pattern[str]:
    """``source`` compiled when first used: a process may never meet a rare marker shape, and
    compiling a pattern costs every process that does."""
    return re.compile(source)


@dataclass(frozen=True)
class Marker:
    """One reading of the marker that opens a paragraph."""

    family: str
    ordinal: int | None  # None: headings, placed by their own depth
    marker: str  # as written
    rest: str  # the paragraph after the marker
    strong: bool = False  # may start at any number and skip numbers


def _after(text: str, end: int) -> str:
    return text[end:].lstrip(" \t\u3000、，,：:.．")


def markers(paragraph: str) -> list[Marker]:
    """Every reading of the marker at the start of ``paragraph``, most likely first."""
    p = paragraph.lstrip(" \t\u3000")
    if p.startswith(("**", "__")):  # a bold line: "**一、总论**"
        p = p[2:].lstrip()
    if not p:
        return []
    c = p[0]
    out: list[Marker] = []
    if c == "#":
        hashes = len(p) - len(p.lstrip("#"))
        if hashes <= 6 and p[hashes : hashes + 1] in (" ", "\t"):
            title = p[hashes:].strip()
            stripped = title.rstrip("#")
            if stripped != title and stripped.endswith((" ", "\t")):
                title = stripped.strip()
            title = _compiled(_MD_NUMBER).sub("", title.strip("*_ ")).strip("*_ ")  # "## 1.2 Scope" → "Scope"
            if title:
                out.append(Marker(f"md{hashes}", None, "#" * hashes, title, strong=True))
        return out
    if "\u2488" <= c <= "\u249b":  # ⒈ .. ⒛
        return [Marker("⒈", ord(c) - 0x2487, c, _after(p, 1), strong=True)]
    if "\u2474" <= c <= "\u2487":  # ⑴ .. ⒇
        return [Marker("⑴", ord(c) - 0x2473, c, _after(p, 1), strong=True)]
    if "\u2460" <= c <= "\u2473":  # ① .. ⑳
        return [Marker("①", ord(c) - 0x245F, c, _after(p, 1), strong=True)]
    if c == "第":
        if m := _pattern("structure").match(p):
            out.append(Marker(f"第{m.group(2)}", zh_number(m.group(1)), m.group(0), _after(p, m.end()), strong=True))
        elif m := _ZH_ORDINAL.match(p):
            out.append(Marker("第一，", zh_number(m.group(1)), m.group(0), _after(p, m.end())))
        return out
    if c in "（(":
        if m := _ZH_PAREN.match(p):
            out.append(Marker("（一）", zh_number(m.group(1)), m.group(0), _after(p, m.end()), strong=True))
        elif m := _PAREN_DIGIT.match(p):
            out.append(Marker("(1)", int(m.group(1)), m.group(0), _after(p, m.end())))
        elif m := _compiled(_LATIN_PAREN).match(p):
            out.extend(_latin(m.group(1), m.group(0), "(a)", _after(p, m.end())))
        return out
    if "\u2160" <= c <= "\u216b" or "\u2170" <= c <= "\u217b":  # Ⅰ .. Ⅻ, ⅰ .. ⅻ
        m = _compiled(_UNICODE_ROMAN).match(p)
        if m is None or m.end() == 1:  # "Ⅰ型": no marker
            return []
        upper = c <= "\u216b"
        ordinal = ord(c) - (0x215F if upper else 0x216F)
        return [Marker("Ⅰ" if upper else "ⅰ", ordinal, m.group(0).strip(), _after(p, m.end()), strong=True)]
    if c.isdigit():
        if m := _DECIMAL.match(p):  # "1.2 Scope", "2.3.1 定义": a section number
            numbers = m.group(1).replace("．", ".").split(".")
            out.append(Marker(f"1.{len(numbers)}", int(numbers[-1]), m.group(1), _after(p, m.end())))
            return out
        if m := _DIGIT.match(p):
            family = "1." if m.group(2) else "1、" if m.group(3) else "1)"
            out.append(Marker(family, int(m.group(1)), m.group(0), _after(p, m.end())))
        return out
    if c in "一二三四五六七八九十":
        if m := _ZH_HEAD.match(p):
            out.append(Marker("一、", zh_number(m.group(1)), m.group(0), _after(p, m.end()), strong=True))
        elif m := _ZH_SHI.match(p):
            out.append(Marker("一是", zh_number(m.group(1)), m.group(0), _after(p, m.end())))
        return out
    if c == "其" and (m := _compiled(_ZH_QI).match(p)):
        return [Marker("其一", zh_number(m.group(1)), m.group(0), _after(p, m.end()))]
    if c in _sequence_starts() and (m := _pattern("zh_seq").match(p)):
        return [Marker("zh-seq", _sequence_ordinal("zh_sequence", m.group(1)), m.group(0), _after(p, m.end()))]
    if c.isascii() and c.isalpha():
        if m := _pattern("en_seq").match(p):
            ordinal = _sequence_ordinal("en_sequence", m.group(1).lower())
            return [Marker("en-seq", ordinal, m.group(0).strip(), _after(p, m.end()))]
        if m := _compiled(_LATIN).match(p):
            suffix = "." if m.group(2) == "." else ")"
            out.extend(_latin(m.group(1), m.group(0).strip(), "a" + suffix, _after(p, m.end())))
    return out


@functools.cache
def _sequence_starts() -> frozenset[str]:
    """The characters a Chinese sequence word ("首先", "其次", …) starts with."""
    return frozenset(word[0] for word in _words()["zh_sequence"])


def _sequence_ordinal(table: str, word: str) -> int:
    value = _words()[table][word]
    return LAST if value == "last" else int(value)


def _latin(letters: str, marker: str, shape: str, rest: str) -> list[Marker]:
    """Readings of a Latin-letter marker: a letter (a, b, …) and/or a Roman numeral (i, ii, …)."""
    out: list[Marker] = []
    case = "A" if letters.isupper() else "a"
    if len(letters) == 1 and letters.isalpha():
        out.append(Marker(shape.replace("a", case), ord(letters.lower()) - 96, marker, rest))
    if (r := _roman(letters)) is not None and (letters.islower() or letters.isupper()):
        out.append(Marker(shape.replace("a", "i" if case == "a" else "I"), r, marker, rest))
    return out


# ---------------------------------------------------------------- titles


def _ends_sentence(rest: str, i: int) -> bool:
    ch = rest[i]
    if ch in "：:" and 0 < i < len(rest) - 1 and rest[i - 1].isdigit() and rest[i + 1].isdigit():
        return False  # 9:00
    if ch in _SENTENCE_END:
        return True
    if ch == ".":
        nxt = rest[i + 1] if i + 1 < len(rest) else " "
        return nxt.isspace() or ord(nxt) > 0x2E7F
    return False


def split_title(rest: str, language: str = "zh", clause: bool = False) -> tuple[str, str]:
    """The title of a point and the rest of its paragraph.

    The title is the heading line, or the first sentence of the paragraph, or
    (when ``clause`` is set, for "首先，" "First," and when the sentence is
    long) its first clause.
    """
    rest = rest.strip()
    end = len(rest)
    for m in _TITLE_END.finditer(rest):
        if _ends_sentence(rest, m.start()):
            end = m.start()
            break
    title, body = rest[:end], rest[end + 1 :]
    limit = _TITLE_MAX.get(language, 40)
    if clause or len(title) > limit:
        comma = _first_comma(title, language)
        if comma >= 2:
            title, body = title[:comma], rest[comma + 1 :]
    return title.strip().strip("*_").strip(), body.strip()


def _first_comma(text: str, language: str) -> int:
    for i, ch in enumerate(text):
        if ch == "，" or (ch == "," and (language == "zh" or text[i + 1 : i + 2] == " ")):
            return i
    return -1


# ---------------------------------------------------------------- the outline


@dataclass(frozen=True)
class Outline:
    """Points, and for every paragraph the point it belongs to and its text without the marker."""

    points: tuple[Point, ...]
    owner: tuple[str | None, ...]  # per paragraph: the id of the deepest point it belongs to
    content: tuple[str, ...]  # per paragraph: the text after the marker, or the paragraph itself
    starts: tuple[int, ...] = ()  # per point: the paragraph it starts in
    notices: tuple[Notice, ...] = ()


@dataclass
class _Frame:
    family: str
    ordinal: int
    point: int  # index into the placed points


@dataclass
class _Placed:
    paragraph: int
    marker: Marker
    parent: int | None
    level: int


@dataclass
class _Nesting:
    """What the document has shown so far: which families sit below which."""

    lower: dict[str, set[str]] = field(default_factory=dict)

    def learn(self, upper: str, family: str) -> None:
        if family in self.lower.get(upper, ()):
            return  # known already
        new = {family} | self.lower.get(family, set())
        if upper in new:
            return  # contradicts what came first: the first nesting wins
        self.lower.setdefault(upper, set()).update(new)
        for below in self.lower.values():
            if upper in below:
                below.update(new)

    def is_below(self, family: str, other: str) -> bool:
        return other in self.lower.get(family, ())


def _plausible_sibling(m: Marker, last: int) -> bool:
    if m.ordinal == LAST or m.ordinal == 1:
        return True
    assert m.ordinal is not None
    return m.ordinal > last if m.strong else m.ordinal == last + 1


def _place_all(readings: Sequence[list[Marker]], excluded: set[int]) -> list[_Placed]:
    """Place each paragraph's first plausible marker reading (``readings``: :func:`markers` per paragraph)."""
    stack: list[_Frame] = []
    nesting = _Nesting()
    placed: list[_Placed] = []
    for i, found in enumerate(readings):
        if i in excluded:
            continue
        for m in found:
            if _place(m, i, stack, nesting, placed):
                break
    return placed


def _place(m: Marker, i: int, stack: list[_Frame], nesting: _Nesting, placed: list[_Placed]) -> bool:
    if not m.rest:
        return False
    if m.ordinal is None:  # a Markdown heading: its depth says where it goes
        depth = int(m.family[2:])
        while stack and not (stack[-1].family.startswith("md") and int(stack[-1].family[2:]) < depth):
            stack.pop()
        _push(m, i, 0, stack, nesting, placed)
        return True
    at = _innermost(stack, m.family)
    if at is not None:
        if not _plausible_sibling(m, stack[at].ordinal):
            return False
        del stack[at:]
        _push(m, i, m.ordinal if m.ordinal != LAST else 0, stack, nesting, placed)
        return True
    if m.ordinal == LAST or (m.ordinal != 1 and not m.strong) or m.ordinal == 0:
        return False
    while stack and nesting.is_below(m.family, stack[-1].family):
        stack.pop()
    _push(m, i, m.ordinal, stack, nesting, placed)
    return True


def _innermost(stack: list[_Frame], family: str) -> int | None:
    """The index of the innermost frame of ``family`` on the stack, if any."""
    for k in range(len(stack) - 1, -1, -1):
        if stack[k].family == family:
            return k
    return None


def _push(m: Marker, i: int, ordinal: int, stack: list[_Frame], nesting: _Nesting, placed: list[_Placed]) -> None:
    parent = stack[-1].point if stack else None
    if stack:
        nesting.learn(stack[-1].family, m.family)
    placed.append(_Placed(i, m, parent, len(stack) + 1))
    stack.append(_Frame(m.family, ordinal, len(placed) - 1))


def _lone_sequences(placed: list[_Placed]) -> set[int]:
    """Paragraphs of sequence-word points ("首先，", "First,") with no sibling: prose, not points."""
    counts: dict[tuple[int | None, str], int] = {}
    for p in placed:
        key = (p.parent, p.marker.family)
        counts[key] = counts.get(key, 0) + 1
    return {
        p.paragraph
        for p in placed
        if p.marker.family in _SEQUENCE_FAMILIES and counts[(p.parent, p.marker.family)] == 1
    }


def build_outline(paragraphs: Sequence[str], doc_id: str, language: str = "zh", truncated: bool = False) -> Outline:
    """The points of a document body (one paragraph an item), with ids stable under body edits."""
    readings = [markers(paragraph) for paragraph in paragraphs]  # read once: a second placing reuses them
    placed = _place_all(readings, set())
    lone = _lone_sequences(placed)
    if lone:
        placed = _place_all(readings, lone)

    n = len(paragraphs)
    # Where each point's body ends: the next point of the same or a higher level.
    ends = [n] * len(placed)
    open_: list[int] = []
    for k, p in enumerate(placed):
        while open_ and placed[open_[-1]].level >= p.level:
            ends[open_.pop()] = p.paragraph
        open_.append(k)

    ids: list[str] = []
    seen: dict[str, int] = {}
    points: list[Point] = []
    content = list(paragraphs)
    for k, p in enumerate(placed):
        if p.marker.ordinal is None:  # a Markdown heading is its own title
            title, own = p.marker.rest, ""
        else:
            title, own = split_title(p.marker.rest, language, p.marker.family in _SEQUENCE_FAMILIES)
        content[p.paragraph] = p.marker.rest
        parent = ids[p.parent] if p.parent is not None else None
        base = "p" + short_hash(doc_id, parent or "", p.marker.marker, title)
        seen[base] = seen.get(base, 0) + 1
        pid = base if seen[base] == 1 else f"{base}-{seen[base]}"
        ids.append(pid)
        below = paragraphs[p.paragraph + 1 : ends[k]]
        body = "\n".join([own, *below] if own else below)
        points.append(
            Point(
                id=pid,
                parent=parent,
                level=p.level,
                marker=p.marker.marker,
                title=title,
                text=body,
                truncated=truncated and ends[k] == n,
            )
        )

    owner: list[str | None] = [None] * n
    current: str | None = None
    starts = {p.paragraph: ids[k] for k, p in enumerate(placed)}
    for i in range(n):
        current = starts.get(i, current)
        owner[i] = current

    notices = _count_notices(paragraphs, content, placed, ids, points, owner, language)
    return Outline(tuple(points), tuple(owner), tuple(content), tuple(p.paragraph for p in placed), tuple(notices))


# ---------------------------------------------------------------- announced counts


#: Everything up to the last sentence end: ``.*`` runs to the end at once and backs up only over the last sentence,
#: where a search for each end mark would scan the whole paragraph.
_UP_TO_LAST_END = re.compile(r".*[。！？!?；;]", re.DOTALL)


def _last_sentence(text: str) -> str:
    body = text.rstrip("：: \t")
    m = _UP_TO_LAST_END.match(body)
    return text[m.end() :] if m else text


#: What a last sentence ends with: a paragraph that ends with one has no tail to announce a count.
_SENTENCE_ENDS = tuple("。！？!?；;")


def announced_count(text: str, language: str = "zh") -> int | None:
    """The number of items a paragraph announces at its end ("主要表现在以下三个方面："), if any."""
    if text.endswith(_SENTENCE_ENDS):  # most paragraphs: nothing follows the last sentence
        return None
    tail = _last_sentence(text).strip()
    english = language == "en" or tail.isascii()
    if not tail or not (_compiled(_HAS_EN_NUMBER) if english else _HAS_ZH_NUMBER).search(tail):
        return None
    if english:
        m = _english_announcement(tail)
        if m:
            word = m.group(1).lower()
            return _EN_NUMBERS.get(word) or (int(word) if word.isdigit() else None)
        if language == "en":
            return None
    # a counted noun closes the tail: only its last few characters can hold one
    m = _pattern("announce_lead").search(tail) or _pattern("announce_noun").search(
        tail, max(0, len(tail) - _noun_reach())
    )
    return zh_number(m.group(1)) if m else None


def _english_announcement(tail: str) -> re.Match[str] | None:
    # both English patterns end with a counted noun: an ASCII tail that names none cannot match them,
    # and most Chinese documents then never compile them
    if tail.isascii() and not any(noun in tail.lower() for noun in _en_nouns()):
        return None
    return _pattern("announce_en").search(tail) or _pattern("announce_en_count").search(tail)


@functools.cache
def _en_nouns() -> tuple[str, ...]:
    return tuple(noun.lower() for noun in _words()["en_announce_nouns"])


@functools.cache
def _noun_reach() -> int:
    """How far before the end of a tail an "announce_noun" match can start: it ends the tail, and each of its parts
    is bounded (a numeral of 3, a classifier, 4 characters, the noun, 4 characters and a colon)."""
    return 3 + 1 + 4 + max(map(len, _words()["zh_announce_nouns"])) + 4 + 1


def _count_notices(
    paragraphs: Sequence[str],
    content: Sequence[str],
    placed: list[_Placed],
    ids: list[str],
    points: list[Point],
    owner: Sequence[str | None],
    language: str,
) -> list[Notice]:
    announcements: list[tuple[int, str | None, int]] = []  # (paragraph, owning point, count)
    for i, text in enumerate(content):
        count = announced_count(text, language)
        if count:
            announcements.append((i, owner[i], count))
    if not announcements:
        return []
    children: dict[str | None, list[int]] = {}
    for p in placed:
        children.setdefault(ids[p.parent] if p.parent is not None else None, []).append(p.paragraph)
    by_id = {p.id: p for p in points}
    # An announcement covers its point's sub-points up to the point's next announcement.
    next_in_point: dict[str | None, int] = {}
    stops: list[int] = [len(paragraphs)] * len(announcements)
    for j in range(len(announcements) - 1, -1, -1):
        i, pid, _ = announcements[j]
        stops[j] = next_in_point.get(pid, len(paragraphs))
        next_in_point[pid] = i
    notices: list[Notice] = []
    for (i, pid, count), stop in zip(announcements, stops, strict=True):
        starts = children.get(pid, [])  # in document order, so sorted
        found = bisect.bisect_left(starts, stop) - bisect.bisect_right(starts, i)
        if found and found != count:
            point = by_id.get(pid) if pid else None
            where = f"“{point.marker}{point.title}”" if point else "the introduction"
            notices.append(
                Notice(
                    code="count-mismatch",
                    message=f"{where} announces {count} items but {found} follow; check the list before asking",
                    point=pid,
                    announced=count,
                    found=found,
                )
            )
    return notices
