"""Generate questions from a study-set Document through YAML templates.

The generator walks the document once: claims give cloze, choice, true/false, definition and
quote questions; points with child points give short-answer, list, ordering and choice
questions; the sentences of each point give cloze questions on named documents, numbers and
key terms. Distractors come from the same document, found through indexes built once per
document, so the work is linear in the number of points and claims. A final filter enforces
the quality rules (see :func:`problems`) and balances the types of each top-level section.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import re
import string
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .errors import UnknownQuestionTypeError
from .memo import per_document
from .model import BLANK, QUESTION_TYPES, Claim, Document, Point, Question, Source, record
from .names import short_hash, slug
from .options import GenerateOptions
from .templates import Template, fill, load_templates

#: At least this many questions of one type fit in a top-level section (see section_cap).
SECTION_TYPE_CAP = 8
#: Cloze questions of a section never outnumber its other questions by more than this floor.
SECTION_CLOZE_FLOOR = 3
#: Key terms (by weight) worth a cloze question of their own.
TOP_TERMS = 30
#: How far an index walks from a question's position to find distractors.
_SCAN = 64

_TYPE_ORDER = {t: i for i, t in enumerate(QUESTION_TYPES)}
_ZH_DIGITS = "零一二三四五六七八九"
_EN_COUNTS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# a run of text, then its end marks and closing quotes if any; or end marks alone. The run is never given back:
# as "[^。！？；!?\n]*[。！？；!?]+[”’」』）)]*|[^。！？；!?\n]+" the last piece of a line would be read thrice
_SENTENCE_ZH = re.compile(r"[^。！？；!?\n]++(?:[。！？；!?]+[”’」』）)]*)?|[。！？；!?]+[”’」』）)]*")
_SENTENCE_EN = re.compile(r"[^.!?;\n]*[.!?;]+[\"'”’)]*(?=\s|$)|[^.!?;\n]+")
_CLAUSE_BREAK = "，；。！？：,;:!?.\n"
_CLAUSE_SPLIT = re.compile(f"[{re.escape(_CLAUSE_BREAK)}]")
_TRIM = " \t\r\n，。；：！？、,.;:!?"
_QUOTES = "“”\"'‘’（）()《》「」"
_BOOK = re.compile(r"《([^《》\n]{1,40})》")
# a pattern that is to be searched for opens with a single character class, never with "[...]+":
# the regex engine then skips to a character that can start a match instead of trying every position
_DIGITS = re.compile(r"[0-9０-９][0-9０-９]*(?:[.．][0-9０-９]+)?[%％]?")
_QUOTED = re.compile(r"“([^“”]{2,})”|\"([^\"]{2,})\"")
_BLANK_NUMBERS = [str(n) for n in range(1, 10)]  # the blank numbers of a prompt, as written
#: A point marker opening a line: "a)", "-", "1.", "⒈", "①", "（一）", "一、" (never "1 day" or "92.6").
_MARKER = re.compile(
    r"^[ \t\u3000]*(?:[-*+•·▪●○■◆◇▶][ \t\u3000]+|[(（][0-9一二三四五六七八九十]{1,3}[)）][ \t\u3000]*"
    r"|[0-9]{1,3}[.)．、](?![0-9])[ \t\u3000]*|(?:[a-z][.)]|[A-Z]\))[ \t\u3000]+|[一二三四五六七八九十]{1,3}、"
    r"|[\u2460-\u249b][ \t\u3000]*)"
)
#: Every character a point marker can open with: a text that opens with none of them has none.
_MARKER_OPENERS = frozenset(
    " \t\u3000-*+•·▪●○■◆◇▶(（0123456789一二三四五六七八九十"
    + string.ascii_letters
    + "".join(map(chr, range(0x2460, 0x249C)))
)


# ---------------------------------------------------------------- word lists


@functools.cache
def _words() -> dict[str, Any]:
    from . import datafiles

    words: dict[str, Any] = datafiles.data("generate_words.yaml")
    return words


@functools.cache
def _stopwords(language: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in _words()["blank_stopwords"].get(language, []))


def _count_zh(n: int) -> str:
    """Chinese numeral for a count: 两 for 2, as in 两个方面."""
    if n == 2:
        return "两"
    return _zh_number(n)


def _zh_number(n: int) -> str:
    if 0 <= n < 10:
        return _ZH_DIGITS[n]
    if 10 <= n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _ZH_DIGITS[tens]) + "十" + (_ZH_DIGITS[ones] if ones else "")
    return str(n)


def _parse_zh_number(s: str) -> int | None:
    digits = {c: i for i, c in enumerate(_ZH_DIGITS)} | {"两": 2}
    if not s or any(c not in digits and c != "十" for c in s):
        return None
    if "十" not in s:
        return digits[s] if len(s) == 1 else None
    tens, _, ones = s.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


@functools.lru_cache(maxsize=256)  # the same few counts again and again; each caller copies the values
def _counts(prefix: str, n: int | None) -> dict[str, str]:
    if n is None:
        return {}
    return {prefix: str(n), f"{prefix}_zh": _count_zh(n), f"{prefix}_en": _EN_COUNTS[n] if n <= 10 else str(n)}


# ---------------------------------------------------------------- text helpers


def _trim(s: str) -> str:
    return s.strip(_TRIM)


_NOT_WORD = re.compile(r"[\W_][\W_]*")  # [\W_]+, spelled to be searched fast (see _DIGITS)


@per_document(1 << 16)
def _norm(s: str) -> str:
    return _NOT_WORD.sub("", s.lower())


def _contains(haystack: str, needle: str, language: str) -> bool:
    if language == "en":
        return needle.lower() in haystack.lower()
    return needle in haystack


#: n letters with anything between them: a search stops at the n-th letter instead of counting them all
_AT_LEAST = {n: re.compile(r"[^\W_]" + r"[\W_]*[^\W_]" * (n - 1)) for n in (1, 2, 3, 4)}


def _has_letters(s: str, n: int) -> bool:
    """Whether ``s`` holds at least n letters (word characters but "_")."""
    # most texts open with n letters (str.isalnum: word characters but "_"), which settles it without a search
    return (len(s) >= n and s[:n].isalnum()) or _AT_LEAST[n].search(s) is not None


@per_document(1 << 16)  # asked of the same candidates again and again by the distractor search
def blankable(text: str, language: str) -> bool:
    """Whether ``text`` may be a blank or an answer: words, not a stop word or punctuation."""
    t = text.strip()
    if not t or not _has_letters(t, 1) or t.lower() in _stopwords(language):
        return False
    if language == "en":
        words = t.split()
        return len(words) <= 6 and not all(w.lower() in _stopwords(language) for w in words)
    return not any(ch in "，。；！？,;!?" for ch in t)


def sentences(text: str, language: str) -> list[str]:
    """The sentences of a body of text, each with its end punctuation."""
    pattern = _SENTENCE_EN if language == "en" else _SENTENCE_ZH
    two_letters = _AT_LEAST[2].search  # _has_letters(s, 2), without a call per piece
    # most pieces open with two letters (str.isalnum: word characters but "_"), which settles it
    return [s.strip() for s in pattern.findall(text) if (len(s) > 1 and s[:2].isalnum()) or two_letters(s)]


def _gap(language: str) -> str:
    return "_____" if language == "en" else "（  ）"


def _end_mark(language: str) -> str:
    return "." if language == "en" else "。"


def _marker(text: str) -> re.Match[str] | None:
    """The point marker that opens ``text``; most texts open with no character a marker can open with."""
    return _MARKER.match(text) if text[:1] in _MARKER_OPENERS else None


def _unmark(text: str) -> str:
    """``text`` without the point marker that opens it ("a) rereading notes" -> "rereading notes")."""
    m = _marker(text)
    return text[m.end() :] if m and m.end() < len(text) else text


@per_document(1 << 16)  # a sentence is read by the index, the drafts and its parent points
def _statement(text: str, language: str) -> str:
    """A claim or a line as a sentence: without its point marker, with an end mark instead of ";" or none."""
    t = _unmark(text.strip()).strip().rstrip("，、；：,;:")
    if language == "en" and t[:1].islower():
        t = t[0].upper() + t[1:]  # a list item standing as a sentence: "a) rereading notes" -> "Rereading notes."
    return t if not t or t[-1] in "。！？!?.…”’\"'」』）)" else t + _end_mark(language)


def _lead_in(sentence: str) -> bool:
    """A line that announces what follows ("Typical forms of active recall:", "主要表现在以下四个方面："): no prompt."""
    return sentence.rstrip().endswith((":", "："))


@functools.cache
def _head_words(language: str) -> frozenset[str]:
    from .claims import _words as claim_words

    return frozenset(str(w).lower() for w in claim_words()["zh_heads" if language == "zh" else "en_heads"])


@functools.cache
def _head_suffixes(language: str) -> tuple[str, ...]:
    """The head words as one tuple for ``str.endswith`` (one C call instead of a loop per word)."""
    return tuple(sorted(_head_words(language)))


@functools.cache
def _not_copula() -> tuple[str, ...]:
    return tuple(_words()["not_copula"])


def _shape(head: str, predicate: str, language: str) -> str:
    """The kind of a predicate's head, so that only like replaces like in a swap or a distractor.

    "noun" for a head noun (根本保证, 相互关系, the engine of ...), "clause" for anything else
    (领导干部带头, 一切为了群众, effortful retrieval).
    """
    if language == "en":
        words = _trim(predicate).split()
        return "noun" if words and words[0].lower() in _words()["articles"]["en"] else "clause"
    if head.endswith(_head_suffixes(language)):
        return "noun"
    tail = _trim(predicate).rsplit("的", 1)
    return "noun" if len(tail) == 2 and _trim(tail[1]).startswith(head) else "clause"


def _genus(kind: str, head: str, language: str) -> bool:
    """Whether ``head`` is the kind a definition puts its subject in (工作方法, 相互关系), not a head noun
    such as 根本保证: it neither replaces nor is replaced by another claim's head."""
    return kind == "definition" and not head.endswith(_head_suffixes(language))


def _strong_head(head: str, predicate: str, language: str) -> bool:
    """Whether a definition's predicate has a head worth a question: never half of a clause
    ("群众路线是指{{1}}、一切依靠群众") nor a generic word ("defined as the {{1}} of retrieving")."""
    if _shape(head, predicate, language) != "noun":
        return False
    return language != "en" or head.split()[-1].lower().rstrip("s") in _head_words("en")


def _size(text: str, language: str) -> int:
    """Length as a reader sees it: characters in Chinese, words in English."""
    return len(text.split()) if language == "en" else len(text)


@per_document(1 << 14)  # the index and the builders both ask for a claim's head
def _head(predicate: str, language: str) -> str:
    """The head noun of a predicate: 执政能力的根本指标 -> 根本指标; the driving force of X -> driving force."""
    words = _words()
    pred = _trim(predicate)
    if language == "en":
        tokens = pred.split()
        while tokens and tokens[0].lower() in words["articles"]["en"]:
            tokens = tokens[1:]
        out = []
        for tok in tokens:
            if tok.lower() in words["head_conjunctions"]["en"]:
                break
            out.append(tok)
        head = _trim(" ".join(out[:4])).strip(_QUOTES)
        return head if 1 <= len(out) <= 4 and blankable(head, language) else ""
    tail = pred.rsplit("的", 1)[-1]
    for conj in words["head_conjunctions"]["zh"]:
        if conj in tail[1:]:
            tail = tail[: tail.index(conj, 1)]
    tail = _trim(tail).strip(_QUOTES)
    return tail if 2 <= len(tail) <= 8 and blankable(tail, language) else ""


def _strip_article(s: str, language: str) -> str:
    if language != "en":
        return s
    first, _, rest = s.partition(" ")
    return rest if rest and first.lower() in _words()["articles"]["en"] else s


def _shared_prefix(items: Sequence[str]) -> int:
    """The length of the prefix all items share: the one the first and the last of them in sort order share."""
    first, last = min(items), max(items)
    n = 0
    for a, b in zip(first, last, strict=False):
        if a != b:
            break
        n += 1
    return n


@per_document(1 << 14)  # asked by the cloze and by the choice question of the same items
def _affix_lengths(items: tuple[str, ...]) -> tuple[int, int]:
    """The lengths of the prefix and of the (non-overlapping) suffix all items share."""
    shortest = min(map(len, items))
    p = _shared_prefix(items)
    return p, min(_shared_prefix([i[::-1] for i in items]), shortest - p)


def _affixes(items: tuple[str, ...]) -> tuple[str, str]:
    """The prefix and suffix all items share."""
    p, s = _affix_lengths(items)
    return items[0][:p], items[0][len(items[0]) - s :] if s else ""


def _skeleton(items: tuple[str, ...]) -> list[tuple[int, int]] | None:
    """The varying span of each item of a parallel structure (权为民所用/情为民所系 -> the last char)."""
    if len(items) < 2 or len(set(items)) != len(items):
        return None
    p, s = _affix_lengths(items)
    if (
        p + s >= 1
        and all(len(i) - p - s >= 1 for i in items)
        and _has_letters(items[0][:p] + items[0][len(items[0]) - s :], 1)
    ):
        return [(p, len(i) - s) for i in items]
    if len({len(i) for i in items}) != 1:
        return None
    n = len(items[0])
    shared = [len(set(column)) == 1 for column in zip(*items, strict=True)]
    if sum(shared) < 2:
        return None
    end = n
    while end > 0 and shared[end - 1]:
        end -= 1
    start = end
    while start > 0 and not shared[start - 1]:
        start -= 1
    return [(start, end)] * len(items) if start < end else None


# ---------------------------------------------------------------- candidates


@dataclass(slots=True)
class _Draft:
    """A question before ids, tags and the final filter."""

    type: str
    template: Template
    prompt: str
    anchor: str  # claim or point id, for the question id
    point: str | None
    sentence: str
    answer: tuple[str, ...] = ()
    discriminator: str = ""
    choices: tuple[str, ...] = ()
    truth: bool | None = None
    correction: str = ""
    shuffle: bool = False
    seq: int = 0
    priority: int = 0  # the template's place among the templates


@dataclass
class _Statements:
    """What the document says, as :func:`_norm` makes it: a swapped statement that says the same is no falsehood.

    Only a few statements are looked up, each made from a claim: a text is normalised only when
    one of them opens with the first letter its normal form opens with (which its own first
    character nearly always gives away).
    """

    known: set[str] = field(default_factory=set)  # normal forms
    # texts by the first letter of their normal form
    waiting: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, texts: Iterable[str]) -> None:
        """Add texts, in one loop for the many sentences of a document."""
        waiting, eager = self.waiting, []
        for text in texts:
            first = text[:1].lower()
            if first.isalnum():  # all of it is kept by _norm (word characters but "_")
                waiting[first[0]].append(text)
            else:
                eager.append(text)
        self.known.update(map(_norm, eager))

    def __contains__(self, normal: str) -> bool:
        """Whether a text with this normal form was added."""
        waiting = self.waiting.pop(normal[:1], None)
        if waiting is not None:
            self.known.update(map(_norm, waiting))
        return normal in self.known


@dataclass
class _Index:
    """Everything the builders look up, built once per document."""

    doc: Document
    language: str
    order: dict[str, int] = field(default_factory=dict)
    by_id: dict[str, Point] = field(default_factory=dict)
    children: dict[str, list[Point]] = field(default_factory=dict)
    top: dict[str, str] = field(default_factory=dict)
    path: dict[str, tuple[str, ...]] = field(default_factory=dict)
    levels: dict[int, list[tuple[int, str, str]]] = field(default_factory=dict)  # (position, title, parent)
    mismatch: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    # (position, head, subject) of claims' predicates, by shape (see _shape) and by (shape, size)
    heads: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    heads_by_len: dict[tuple[str, int], list[tuple[int, str, str]]] = field(default_factory=dict)
    # heads of "X是……的Y" clauses that are not claims: distractors of last resort
    extra_heads: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    extra_by_len: dict[tuple[str, int], list[tuple[int, str, str]]] = field(default_factory=dict)
    items: list[tuple[int, str, str]] = field(default_factory=list)  # (position, item, "") of every enumeration
    # the same entries by last character, and by first: the few alike in a walk are looked up
    items_by_suffix: defaultdict[str, list[tuple[int, str, str]]] = field(default_factory=lambda: defaultdict(list))
    items_by_prefix: defaultdict[str, list[tuple[int, str, str]]] = field(default_factory=lambda: defaultdict(list))
    attributions: dict[str, None] = field(default_factory=dict)  # in document order
    statements: _Statements = field(default_factory=_Statements)
    claims: list[tuple[Claim, int]] = field(default_factory=list)  # (claim, position) of those asked about
    tail: str = ""  # the unfinished last sentence of a truncated document
    swappable: int = 0  # claims seen so far that a swap can make false

    # the rest of what a walk for like items reads (see _claim_items), made for the first walk: few documents walk

    @functools.cached_property
    def items_by_ends(self) -> dict[tuple[str, str], list[tuple[int, str, str]]]:
        """The items by their first and last characters."""
        by_ends: defaultdict[tuple[str, str], list[tuple[int, str, str]]] = defaultdict(list)
        for item in self.items:
            by_ends[item[1][0], item[1][-1]].append(item)
        return by_ends

    @functools.cached_property
    def item_positions(self) -> list[int]:
        """The positions of the items, for bisection."""
        return [e[0] for e in self.items]

    @functools.cached_property
    def suffix_positions(self) -> dict[str, list[int]]:
        """The positions of the items by their last character."""
        return {k: [e[0] for e in v] for k, v in self.items_by_suffix.items()}

    def place(self, point: str | None) -> int:
        """A position in the document: its point's order (-1 before the first point)."""
        return self.order.get(point, -1) if point else -1

    def sentences(self, text: str) -> tuple[str, ...]:
        """The sentences of a point's text, split once per document (the index and the drafts both read them).

        No sentence runs over a line break, and a point's text holds the lines of its children's:
        each line is split once.
        """
        split = self.split.get(text)
        if split is None:
            parts: list[str] = []
            for line in text.split("\n"):
                found = self.line_split.get(line)
                if found is None:
                    found = self.line_split[line] = sentences(line, self.language)
                parts += found
            split = self.split[text] = tuple(parts)
        return split

    split: dict[str, tuple[str, ...]] = field(default_factory=dict)
    line_split: dict[str, list[str]] = field(default_factory=dict)

    section_size: dict[str, int] = field(default_factory=dict)  # points per top-level section


def _index(doc: Document) -> _Index:
    ix = _Index(doc, doc.language)
    for i, p in enumerate(doc.points):
        ix.order.setdefault(p.id, i)
        ix.by_id.setdefault(p.id, p)
    for p in doc.points:
        if p.parent in ix.by_id and p.parent != p.id:
            ix.children.setdefault(p.parent, []).append(p)
        ix.levels.setdefault(p.level, []).append((ix.order[p.id], _trim(p.title), p.parent or ""))
    _place_in_sections(ix, doc.points)
    for w in doc.warnings:
        if w.code == "count-mismatch" and w.point:
            ix.mismatch[w.point] = (w.announced, w.found)
    if doc.truncated and doc.points:
        last = max(doc.points, key=lambda p: ix.order[p.id])
        parts = ix.sentences(last.text)
        if parts and parts[-1][-1] not in "。！？!?.”」":
            ix.tail = _norm(parts[-1])
    ix.statements.add(c.text for c in doc.claims)
    for c in doc.claims:
        pos = ix.place(c.point)
        if _on_truncated_text(ix, c.point, c.text):
            continue  # nothing from the unfinished end, not even a distractor
        ix.claims.append((c, pos))
        if c.kind in ("definition", "principle") and c.predicate:
            head = _head(c.predicate, ix.language)
            shape = _shape(head, c.predicate, ix.language) if head else ""
            genus = bool(head) and _genus(c.kind, head, ix.language)
            # a definition's clause ("一切为了群众") is no predicate another sentence could take
            if head and (c.kind != "definition" or _strong_head(head, c.predicate, ix.language)) and not genus:
                ix.heads.setdefault(shape, []).append((pos, head, _norm(c.subject)))
        if c.kind == "enumeration":
            ix.items += [(pos, item, "") for item in map(_trim, c.items) if item]
        if c.kind == "quote" and c.attribution.strip():
            ix.attributions.setdefault(c.attribution.strip(), None)
    # a point's text holds its children's: each line, and so each sentence, is read once
    for p in doc.points:
        ix.sentences(p.text)
    said = set(itertools.chain.from_iterable(ix.line_split.values()))
    ix.statements.add(said)
    # as a statement a sentence differs only in punctuation, which _norm drops, unless it
    # loses a point marker or gains a capital letter
    english = ix.language == "en"
    ix.statements.add(
        [
            _statement(s, ix.language)
            for s in said
            if (s[:1] in _MARKER_OPENERS and _marker(s)) or (english and s[:1].islower())
        ]
    )
    # only a Chinese sentence with 是 holds such a clause (see _sentence_heads): the rest are not asked
    for p in doc.points if ix.language == "zh" else ():
        if not p.truncated and "是" in p.text:
            for s in ix.sentences(p.text):
                for head, shape, subject in _sentence_heads(s, ix.language) if "是" in s else ():
                    ix.extra_heads.setdefault(shape, []).append((ix.order[p.id], head, subject))
    _sort_entries(ix)
    return ix


def _place_in_sections(ix: _Index, points: Sequence[Point]) -> None:
    """The path and the top-level point of each point, and the size of each top-level section.

    A point whose parent stands before it, and so on up to the top, extends its parent's path: the
    outline writes its points so. Any other (a parent written later, a cycle, an id written twice)
    is walked up to the top, each point at most once.
    """
    by_id, order, path, top = ix.by_id, ix.order, ix.path, ix.top
    ordered: set[str] = set()  # points whose ancestors all stand before them, each with its own id
    unique = len(by_id) == len(points)
    for p in points:
        pid, parent = p.id, p.parent
        if unique and (not parent or parent not in by_id):
            path[pid], top[pid] = (p.title,), pid
            ordered.add(pid)
        elif unique and parent in ordered and order[parent] < order[pid]:
            path[pid], top[pid] = (*path[parent], p.title), top[parent]
            ordered.add(pid)
        else:
            chain: list[Point] = []
            seen: set[str] = set()
            cur: Point | None = p
            while cur is not None and cur.id not in seen:
                seen.add(cur.id)
                chain.append(cur)
                cur = by_id.get(cur.parent) if cur.parent else None
            path[pid] = tuple(c.title for c in reversed(chain))
            top[pid] = chain[-1].id
        ix.section_size[top[pid]] = ix.section_size.get(top[pid], 0) + 1


def _sort_entries(ix: _Index) -> None:
    """Sort the entries by position, and file them by length and by their first and last characters.

    Each list is sorted once: a part of a sorted list, taken in order, is sorted.
    """
    ix.items.sort()
    by_suffix, by_prefix = ix.items_by_suffix, ix.items_by_prefix
    for item in ix.items:
        text = item[1]
        by_suffix[text[-1]].append(item)
        by_prefix[text[0]].append(item)
    for heads, by_len in ((ix.heads, ix.heads_by_len), (ix.extra_heads, ix.extra_by_len)):
        for shape, entries in heads.items():
            entries.sort()
            for entry in entries:
                by_len.setdefault((shape, _size(entry[1], ix.language)), []).append(entry)


@per_document(1 << 16)  # a sentence stands in the text of each of its enclosing points
def _sentence_heads(sentence: str, language: str) -> tuple[tuple[str, str, str], ...]:
    """(head, shape, subject) of the "X是……的Y" clauses of a sentence: more distractors than the claims give."""
    # a clause is asked only with 的 after its 是: so is the sentence, after its first 是
    at = sentence.find("是")
    if language != "zh" or at < 0 or sentence.find("的", at) < 0:
        return ()
    out = []
    for clause in _CLAUSE_SPLIT.split(sentence):
        at = clause.find("是")
        if at > 1 and "的" in clause[at:] and not clause[: at + 1].endswith(_not_copula()):
            head = _head(clause[at + 1 :], language)
            # outside the claims only a known head noun is taken (根本保证, 优良传统), never 负担 or 口碑
            if head and head.endswith(_head_suffixes(language)):
                out.append((head, "noun", _norm(clause[:at])))
    return tuple(out)


def _nearest(entries: list[tuple[int, str, str]], pos: int, accept: Callable[[str, str], bool], k: int) -> list[str]:
    """Up to k texts of entries (sorted by position) nearest to pos that ``accept`` lets through.

    The walk visits at most _SCAN entries by distance, the later one first on a tie.
    """
    out: list[str] = []
    if k <= 0:
        return out
    n = len(entries)
    i = bisect.bisect_left(entries, (pos, "", ""))
    lo, hi = i - 1, i
    budget = _SCAN
    # while entries lie on both sides, the nearer one is taken
    while lo >= 0 and hi < n and budget:
        budget -= 1
        if entries[hi][0] - pos <= pos - entries[lo][0]:
            _, text, extra = entries[hi]
            hi += 1
        else:
            _, text, extra = entries[lo]
            lo -= 1
        if text not in out and accept(text, extra):
            out.append(text)
            if len(out) >= k:
                return out
    # then those of the one side left, in order
    rest = entries[hi : hi + budget] if hi < n else entries[max(0, lo + 1 - budget) : lo + 1][::-1]
    for _, text, extra in rest:
        if text not in out and accept(text, extra):
            out.append(text)
            if len(out) >= k:
                break
    return out


def _window(positions: Sequence[int], pos: int) -> tuple[int, int, int]:
    """(lo, start, hi) for entries at ``positions`` (sorted): ``entries[lo:hi]`` are those the walk of
    :func:`_nearest` visits, ``entries[start:hi]`` those at ``pos`` or after it, found by bisection."""
    n = len(positions)
    start = bisect.bisect_left(positions, pos)
    if n <= _SCAN:
        return 0, start, n

    def within(d: int) -> int:  # entries at a distance of at most d
        return bisect.bisect_right(positions, pos + d) - bisect.bisect_left(positions, pos - d)

    # the distance of the last entry the walk takes: the least d with _SCAN entries within it
    low, high = 0, max(pos - positions[0], positions[-1] - pos)
    while low < high:
        mid = (low + high) // 2
        if within(mid) >= _SCAN:
            high = mid
        else:
            low = mid + 1
    d = low
    if d == 0:
        return start, start, start + _SCAN
    lo = bisect.bisect_left(positions, pos - d + 1)
    hi = bisect.bisect_right(positions, pos + d - 1)
    # at distance d itself the walk takes the later entries first, then the earlier ones nearest the start
    rest = _SCAN - (hi - lo)
    later = min(rest, bisect.bisect_right(positions, pos + d) - hi)
    return lo - (rest - later), start, hi + later


def _walk_alike(
    entries: list[tuple[int, str, str]],
    positions: Sequence[int],
    pos: int,
    prefix: str,
    suffix: str,
    lengths: range,
    candidates: list[tuple[int, str, str]] | None = None,
    accept: Callable[[str, str], bool] = lambda _text, _extra: True,
) -> list[tuple[int, str, str]]:
    """The entries :func:`_nearest` visits that have the prefix, the suffix and a length in ``lengths``
    and that ``accept`` lets through, in the order it visits them: the few are picked out of the whole
    window before it is ordered (``accept`` must not depend on the order it is asked in).

    ``candidates``, a sorted part of ``entries`` that holds every entry alike (those of one first or
    last character), spares reading the rest of the window. It may repeat an entry at the window's
    edge that the walk visits once; a repeat of an entry changes nothing :func:`_take` picks.
    """
    lo, start, hi = _window(positions, pos)
    if candidates is None:
        window, split = entries[lo:hi], start - lo
    elif lo < hi:
        first, last = bisect.bisect_left(candidates, entries[lo]), bisect.bisect_right(candidates, entries[hi - 1])
        window = candidates[first:last]
        split = bisect.bisect_left(window, (pos,))
    else:
        return []
    shortest, stop = lengths.start, lengths.stop  # ``lengths`` goes by 1; the length, the cheapest to ask, first
    later = [
        e
        for e in window[split:]
        if shortest <= len(e[1]) < stop and e[1].endswith(suffix) and e[1].startswith(prefix) and accept(e[1], e[2])
    ]
    earlier = [
        e
        for e in reversed(window[:split])
        if shortest <= len(e[1]) < stop and e[1].endswith(suffix) and e[1].startswith(prefix) and accept(e[1], e[2])
    ]
    # the walk goes by distance, the later entry first on a tie; the sort is stable within each side
    return sorted(later + earlier, key=lambda e: (abs(e[0] - pos), e[0] < pos))


def _take(walked: list[tuple[int, str, str]], accept: Callable[[str, str], bool], k: int) -> list[str]:
    """Up to k texts of walked entries that ``accept`` lets through, in order (as :func:`_nearest` picks them)."""
    out: list[str] = []
    for _, text, extra in walked:
        if len(out) >= k:
            break
        if text not in out and accept(text, extra):
            out.append(text)
    return out


def _alike(ix: _Index, prefix: str, suffix: str) -> list[tuple[int, str, str]]:
    """The enumeration items that may be alike items with this shared prefix and suffix: every item alike
    starts with the prefix's first character or ends with the suffix's last. Without an affix, none is."""
    if prefix:
        return ix.items_by_prefix.get(prefix[0], [])
    return ix.items_by_suffix.get(suffix[-1], []) if suffix else []


def _enough_alike(
    alike: list[tuple[int, str, str]],
    prefix: str,
    suffix: str,
    lengths: range,
    accept: Callable[[str, str], bool],
    need: int,
) -> bool:
    """Whether at least ``need`` texts of ``alike`` have the prefix, the suffix and a length in ``lengths``
    and are let through by ``accept``: the walks of :func:`_walk_alike` find no more than the document holds."""
    shortest, stop = lengths.start, lengths.stop
    found: set[str] = set()
    for _, text, extra in alike:
        if (
            shortest <= len(text) < stop
            and text.endswith(suffix)
            and text.startswith(prefix)
            and text not in found
            and accept(text, extra)
        ):
            found.add(text)
            if len(found) >= need:
                return True
    return False


def _on_truncated_text(ix: _Index, point: str | None, text: str) -> bool:
    p = ix.by_id.get(point) if point else None
    if p is not None and p.truncated:
        return True
    if not ix.tail:
        return False
    norm = _norm(text)
    return bool(norm) and (norm in ix.tail or (len(ix.tail) >= 6 and ix.tail in norm))


# ---------------------------------------------------------------- builders


Builder = Iterator[tuple[str, dict[str, str], dict[str, Any]]]  # (type, placeholder values, question fields)


class _Predicate(NamedTuple):
    """What a claim's questions on its predicate's head are made of, whatever document it stands in.

    A named tuple, as :class:`_Items` is: made as cheaply as a tuple, not field by field as a frozen dataclass.
    """

    head: str
    text: str  # the claim as a sentence
    shape: str  # see _shape
    before: str  # the text before the head
    after: str  # the text after the head
    subject: str  # the claim's subject as _norm makes it
    genus: bool  # see _genus


@per_document(1 << 12)  # the index and the claim's builders both read it
def _predicate(kind: str, claim: str, subject: str, predicate: str, language: str) -> _Predicate | None:
    """The head of a claim's predicate and the sentence around it, or None when no question is asked about it."""
    head = _head(predicate, language)
    text = _statement(claim, language)
    if not head or text.count(head) != 1:
        return None
    shape = _shape(head, predicate, language)
    if kind == "definition" and not _strong_head(head, predicate, language):
        return None  # "群众路线是指{{1}}、一切依靠群众", "defined as the {{1}} of ...": half a definition
    at = text.find(head)
    return _Predicate(
        head, text, shape, text[:at], text[at + len(head) :], _norm(subject), _genus(kind, head, language)
    )


def _claim_predicate(ix: _Index, pos: int, c: Claim, types: set[str]) -> Builder:
    lang = ix.language
    found = _predicate(c.kind, c.text, c.subject, c.predicate, lang)
    if found is None:
        return
    head, text, shape, before, after = found.head, found.text, found.shape, found.before, found.after
    subject, genus = found.subject, found.genus

    def accept(other: str, other_subject: str) -> bool:
        # another claim about the same subject may be true as well: never a distractor;
        # a definition's genus (工作方法) has no like to swap with
        return (
            not genus
            and other != head
            and other not in head
            and head not in other
            and not _contains(text, other, lang)
            and not (
                subject and other_subject and (other_subject.startswith(subject) or subject.startswith(other_subject))
            )
        )

    # only heads of the same shape replace a head: claims' heads of the same length first,
    # then other sentences' heads, then any length
    size = (shape, _size(head, lang))
    same_len = _nearest(ix.heads_by_len.get(size, []), pos, accept, 3)
    # the walk does not depend on k: the nearest three are the first three of the nearest six
    near_heads = _nearest(ix.heads.get(shape, []), pos, accept, 6)
    claim_heads = same_len + [h for h in near_heads if h not in same_len]
    # a single choice shows three of the others: once three are found, the later walks add nothing shown
    others = list(same_len)
    if len(others) < 3:
        others += [h for h in _nearest(ix.extra_by_len.get(size, []), pos, accept, 3) if h not in others]
    if len(others) < 3:
        others += [h for h in near_heads[:3] if h not in others]
    if len(others) < 3:
        others += [h for h in _nearest(ix.extra_heads.get(shape, []), pos, accept, 3) if h not in others]
    base = {"sentence": text, "subject": c.subject.strip(), "predicate": c.predicate.strip()}
    if "cloze" in types:
        yield "cloze", base | {"blanked": before + "{{1}}" + after}, {"answer": (head,)}
    if "single" in types and len(others) >= 2:
        yield (
            "single",
            base | {"blanked": before + _gap(lang) + after},
            {"answer": (head,), "choices": (head, *others[:3]), "shuffle": True},
        )
    if "truefalse" in types:
        # the first head that makes a statement the document does not say (the cheap test first)
        swap = next(
            (o for o in claim_heads if blankable(o, lang) and _norm(before + o + after) not in ix.statements), None
        )
        # every other claim that can be falsified is: a balanced paper, and the same claim keeps its id
        false = ix.swappable % 2 == 0
        ix.swappable += swap is not None
        if swap is not None and false:
            statement = before + swap + after
            yield "truefalse", {"statement": statement}, {"truth": False, "correction": text}
        else:
            yield "truefalse", {"statement": text}, {"truth": True}


def _claim_subject(ix: _Index, c: Claim, types: set[str]) -> Builder:
    lang = ix.language
    subject = _strip_article(_trim(c.subject), lang)
    text = _statement(c.text, ix.language)
    if "cloze" not in types or not subject or not blankable(subject, lang) or text.count(subject) != 1:
        return
    if len(subject) > (40 if lang == "en" else 12):
        return
    at = text.find(subject)
    yield (
        "cloze",
        {"blanked": text[:at] + "{{1}}" + text[at + len(subject) :], "predicate": c.predicate},
        {"answer": (subject,)},
    )


def _good_item(item: str, language: str) -> bool:
    """An enumeration item worth asking about: a word or phrase, not a fragment of a clause."""
    if language == "en":
        return 1 <= len(item.split()) <= 6 and blankable(item, language)
    return 2 <= len(item) <= 10 and not _item_joint().search(item) and blankable(item, language)


@functools.cache
def _item_joint() -> re.Pattern[str]:
    """Any of the words that join two phrases into one (的, 和): an item holding one is a clause."""
    from . import datafiles

    return re.compile(datafiles.alternation(_words()["item_joints"]))


def _item_spans(text: str, items: Sequence[str]) -> list[tuple[int, int]] | None:
    """Where the items stand in ``text``, one after the other with at most a few characters between them."""
    start = text.find(items[0])
    while start >= 0:
        spans = [(start, start + len(items[0]))]
        for item in items[1:]:
            at = spans[-1][1]
            found = text.find(item, at, at + 5 + len(item))
            if found < 0:
                break
            spans.append((found, found + len(item)))
        else:
            return spans
        start = text.find(items[0], start + 1)
    return None


def _open_quote(before: str) -> bool:
    """Whether a quotation opened in ``before`` is still open at its end."""
    return before.count("“") > before.count("”") or before.count("「") > before.count("」")


class _Items(NamedTuple):
    """What an enumeration claim's questions are made of, whatever document it stands in."""

    items: tuple[str, ...]
    text: str  # the claim as a sentence
    before: str  # the text before the first item
    after: str  # the text after the last item
    cloze: tuple[str, tuple[str, ...]] | None  # the blanked sentence and its answers
    prefix: str  # the prefix and suffix all items share
    suffix: str
    lengths: range  # the lengths of a like item
    askable: bool  # whether a multiple choice may be asked about the items


def _enumeration(text: str, raw_items: tuple[str, ...], language: str) -> _Items | None:
    """The parts of an enumeration claim's questions that do not depend on its document, or None
    when its items are no question's (too few or many, repeated, clauses, not in one line of text)."""
    items = tuple(_trim(i) for i in raw_items)
    if (
        len(items) < 2
        or len(set(items)) != len(items)
        or len(items) > 8
        or not all(_good_item(i, language) for i in items)
    ):
        return None
    if "\n" in text.strip():
        return None  # a run of bullet lines: asked about through its point's list questions, not as one prompt
    # the whole sentence that holds the items, never a clause cut out of it
    statement = _statement(text, language)
    spans = _item_spans(statement, items)
    if spans is None:
        return None
    before, after = statement[: spans[0][0]], statement[spans[-1][1] :]
    prefix, suffix = _affixes(items)
    return _Items(
        items,
        statement,
        before,
        after,
        _items_cloze(statement, items, spans, before, after, language),
        prefix,
        suffix,
        range(min(map(len, items)) - 1, max(map(len, items)) + 2),
        # a question is asked only of up to six items with words around them: else nothing to look for
        len(items) <= 6 and _has_letters(before + after, 2 if language == "en" else 4),
    )


def _items_cloze(
    text: str, items: tuple[str, ...], spans: list[tuple[int, int]], before: str, after: str, language: str
) -> tuple[str, tuple[str, ...]] | None:
    """The sentence with each item (or the part in which the items differ) blanked, and the answers."""
    if not all(blankable(i, language) for i in items):
        return None
    # inside quotation marks a saying is recalled item by item ("水能载舟，亦能覆舟"), never cut inside
    quoted = _open_quote(before)
    varying = None if quoted else _skeleton(items)
    if varying is None and all(len(i) <= (30 if language == "en" else 8) for i in items):
        varying = [(0, len(i)) for i in items]
    if varying is None:
        return None
    out, answers, last = [before], [], spans[0][0]
    for n, ((s, _), (vs, ve), item) in enumerate(zip(spans, varying, items, strict=True), start=1):
        out.append(text[last:s] + item[:vs] + "{{" + str(n) + "}}" + item[ve:])
        answers.append(item[vs:ve])
        last = s + len(item)
    if not all(blankable(a, language) or len(varying) > 2 for a in answers):
        return None
    return "".join(out) + after, tuple(answers)


def _claim_items(ix: _Index, pos: int, c: Claim, types: set[str]) -> Builder:
    lang = ix.language
    found = _enumeration(c.text, c.items, lang)
    if found is None:
        return
    items, text, before, after = found.items, found.text, found.before, found.after
    counts = _counts("count", len(items))
    subject = _trim(c.subject)
    if "cloze" in types and found.cloze is not None:
        blanked, answers = found.cloze
        yield "cloze", {"blanked": blanked, "subject": subject, **counts}, {"answer": answers}
    if "multiple" in types:
        wanted = set(items)
        clause = text
        prefix, suffix, lengths = found.prefix, found.suffix, found.lengths

        verdicts: dict[str, bool] = {}  # the walks meet the same items again and again

        def accept(other: str, _subject: str) -> bool:
            verdict = verdicts.get(other)
            if verdict is None:
                verdict = verdicts[other] = (
                    other not in wanted and not _contains(clause, other, lang) and blankable(other, lang)
                )
            return verdict

        distractors: list[str] = []
        need = max(1, 4 - len(items))
        askable = found.askable
        alike = _alike(ix, prefix, suffix) if askable else []
        # the walks find no more than the document holds: with too few alike, no need to walk
        if alike and _enough_alike(alike, prefix, suffix, lengths, accept, need):
            # only items of the same kind: the items' shared affix (世界观 -> 权力观) and a like length
            final = items[0][-1]
            by_suffix = ix.items_by_suffix.get(final, [])
            ends = ix.items_by_ends.get((prefix[0], final), []) if prefix else None
            positions = ix.suffix_positions.get(final, [])
            walked = _walk_alike(by_suffix, positions, pos, prefix, suffix, lengths, ends, accept)
            distractors = _take(walked, accept, 3)
            if len(distractors) < need:  # only the first ``need`` distractors are shown
                walked = _walk_alike(ix.items, ix.item_positions, pos, prefix, suffix, lengths, alike, accept)
                distractors += [d for d in _take(walked, accept, 6) if d not in distractors]
        if askable and len(distractors) >= need:
            choices = (*items, *distractors[:need])
            yield (
                "multiple",
                {"blanked": before + _gap(lang) + after, "subject": subject, **counts},
                {
                    "answer": items,
                    "choices": choices,
                    "shuffle": True,
                },
            )
    if "list" in types and subject:
        yield "list", {"subject": subject, "blanked": "", **counts}, {"answer": items}


_BOOK_ATTRIBUTION = re.compile(r"^《[^《》]+》$")


def _attribution_family(attribution: str, language: str) -> list[str]:
    """Plausible attributions of the same kind: 党的十六大报告 -> 党的十五大报告, 党的十七大报告 ..."""
    words = _words()
    out: list[str] = []
    numerals = words["zh_numerals"]
    for i, ch in enumerate(attribution):
        if ch in numerals:
            j = i
            while j < len(attribution) and attribution[j] in numerals:
                j += 1
            n = _parse_zh_number(attribution[i:j])
            if n is not None and j < len(attribution) and attribution[j] in "大届次":
                for delta in (-1, 1, -2, 2):
                    if 0 < n + delta < 100:
                        out.append(attribution[:i] + _zh_number(n + delta) + attribution[j:])
            break
    people = [str(p) for p in words["attribution_people"].get(language, [])]
    if attribution in people:
        out.extend(p for p in people if p != attribution)
    if _BOOK_ATTRIBUTION.match(attribution):
        out.extend(str(d) for d in words["attribution_documents"].get(language, []) if d != attribution)
    return out


def _attribution_kind(attribution: str, language: str) -> str:
    """'document' for a report, a law or a book, 'person' for anyone else."""
    a = attribution.strip().lower()
    suffixes = _words()["document_suffixes"].get(language, [])
    return "document" if a.startswith("《") or any(a.endswith(str(x).lower()) for x in suffixes) else "person"


def _claim_quote(ix: _Index, c: Claim, types: set[str]) -> Builder:
    lang = ix.language
    who = c.attribution.strip()
    if "quote" not in types or not who:
        return
    spans = [m.group(1) or m.group(2) for m in _QUOTED.finditer(c.text)]
    quote = max(spans, key=len) if spans else c.text.strip()
    quote = quote.strip().strip('“”"')
    if not _has_letters(quote, 4) or _contains(quote, who, lang):
        return
    kind = _attribution_kind(who, lang)
    others = itertools.islice((a for a in ix.attributions if a != who and _attribution_kind(a, lang) == kind), 8)
    distractors: list[str] = []
    # other attributions of the same kind in the document first, then made-up ones of that kind
    for cand in [*others, *_attribution_family(who, lang)]:
        if cand not in distractors and cand != who and not _contains(quote, cand, lang) and cand not in who:
            distractors.append(cand)
    if len(distractors) < 2:
        return
    yield "quote", {"quote": quote}, {"answer": (who,), "choices": (who, *distractors[:3]), "shuffle": True}


def _point_children(
    ix: _Index, p: Point, types: set[str], fresh: Callable[[str, str, dict[str, str]], bool]
) -> Iterator[tuple[str, str, dict[str, str], dict[str, Any]]]:
    """(source, type, values, fields) for a point with child points.

    ``fresh(source, type, values)`` tells whether a question would not repeat one already kept: the
    distractor search is made only for a choice question that can still be kept (a document often
    repeats a heading with its points).
    """
    kids = ix.children.get(p.id, [])
    titles = [_trim(k.title) for k in kids]
    title = _trim(p.title)
    if len(titles) < 2 or not title or len(set(titles)) != len(titles) or not all(titles):
        return
    announced, found = ix.mismatch.get(p.id, (None, None))
    # a truncated point's title and its children's titles stand before the cut: they are asked
    # about only through the partial templates, which say how many points the source keeps
    partial = p.id in ix.mismatch or p.truncated or kids[-1].truncated
    if partial:
        found = len(titles) if found is None else found
        values = {
            "title": title,
            **_counts("count", len(titles)),
            **_counts("found", found),
            **_counts("announced", announced),
        }
        for qtype in ("short", "list"):
            if qtype in types:
                yield "point-children-partial", qtype, values, {"answer": tuple(titles)}
        return
    values = {"title": title, **_counts("count", len(titles))}
    if "short" in types:
        yield "point-children", "short", values, {"answer": tuple(titles)}
    if "list" in types:
        yield "point-children", "list", values, {"answer": tuple(titles)}
    if "order" in types and len(titles) >= 3:
        yield "point-children", "order", values, {"answer": tuple(titles), "choices": tuple(titles), "shuffle": True}
    single = "single" in types and fresh("point-children", "single", values)
    multiple = "multiple" in types and len(titles) <= 6 and fresh("point-children", "multiple", values)
    if not (single or multiple):
        return
    wanted = set(titles)

    def accept(other: str, parent: str) -> bool:
        return parent != p.id and other not in wanted and not any(other in t or t in other for t in titles)

    distractors = [d for d in _nearest(ix.levels.get(kids[0].level, []), ix.order[kids[0].id], accept, 6) if d]
    if single and len(distractors) >= 2:
        # which point is asked about depends on the heading, not the seed: the id stays put
        pick = titles[int(short_hash(p.id, "pick"), 16) % len(titles)]
        yield (
            "point-children",
            "single",
            values,
            {
                "answer": (pick,),
                "choices": (pick, *distractors[:3]),
                "shuffle": True,
                "discriminator": pick,
            },
        )
    need = max(1, 4 - len(titles))
    if multiple and len(distractors) >= need:
        extra = distractors[:need]
        yield (
            "point-children",
            "multiple",
            values,
            {"answer": tuple(titles), "choices": (*titles, *extra), "shuffle": True},
        )


def _sentence_blanks(
    sentence: str, language: str, numbers: Sequence[tuple[int, int]]
) -> Iterator[tuple[str, str, str]]:
    """(source, blanked sentence, answer) for the named document and the number of a sentence
    (``numbers``: the spans :func:`_numbers` finds in it)."""
    for m in _BOOK.finditer(sentence) if "《" in sentence else ():
        name = m.group(1)
        if sentence.count(name) == 1 and blankable(name, language):
            yield "sentence-document", sentence[: m.start(1)] + "{{1}}" + sentence[m.end(1) :], name
            break
    for start, end in numbers:
        number = sentence[start:end]
        if sentence.count(number) == 1 and not sentence[max(0, start - 3) : start].endswith(_announcers()):
            yield "sentence-number", sentence[:start] + "{{1}}" + sentence[end:], number
            break


def _term_blank(
    sentence: str, language: str, terms: list[str], used_terms: set[str]
) -> tuple[tuple[str, str, str], ...]:
    """(source, blanked sentence, answer) for the first key term of a sentence not blanked before, if any."""
    # few of the key terms stand in any one sentence: they are picked out without a Python loop
    for term in filter(sentence.__contains__, terms):
        if term in used_terms or sentence.count(term) != 1:
            continue
        at = sentence.find(term)
        if language == "en" and not _word_bounded(sentence, at, at + len(term)):
            continue
        used_terms.add(term)
        return (("sentence-term", sentence[:at] + "{{1}}" + sentence[at + len(term) :], term),)
    return ()


@functools.cache
def _announcers() -> tuple[str, ...]:
    """The words that announce a count rather than state one (以下, following), for one ``str.endswith``."""
    return tuple(_words()["number_announcers"])


def _word_bounded(s: str, start: int, end: int) -> bool:
    return (start == 0 or not s[start - 1].isalnum()) and (end == len(s) or not s[end].isalnum())


def _numbers(sentences: Sequence[str], language: str) -> dict[int, list[tuple[int, int]]]:
    """The numbers a blank may take in each sentence, by the sentence's place in ``sentences``: runs of digits
    first, then (in Chinese) whole runs of numerals before a measure word (三个, 二十二条), never a lone 一 or 两.

    One scan reads all the sentences of a document: most hold no number, and a scan of each sentence
    would cost more to start than to read it.
    """
    text = "\n".join(sentences)  # no sentence holds a line break, and no number runs over one
    starts = list(itertools.accumulate([len(s) + 1 for s in sentences[:-1]], initial=0))
    found: dict[int, list[tuple[int, int]]] = {}

    def add(start: int, end: int) -> None:
        n = bisect.bisect_right(starts, start) - 1
        found.setdefault(n, []).append((start - starts[n], end - starts[n]))

    english = language == "en"
    for m in _DIGITS.finditer(text):
        # a line break bounds a word as the ends of a sentence do
        if not english or _word_bounded(text, m.start(), m.end()):
            add(m.start(), m.end())
    if not english:
        words = _words()
        for m in _counted_runs(words["zh_numerals"], words["zh_measures"]).finditer(text):
            start, end = m.span()
            if end - start >= 2 or m.group() not in "一两":
                add(start, end)
    return found


@functools.cache
def _counted_runs(numerals: str, measures: str) -> re.Pattern[str]:
    """Whole runs of Chinese numeral characters (一百二十) followed by a measure word (个, 条), found in one
    C-level scan: a run starts after no numeral and is never cut short (spelled to be searched as _DIGITS is)."""
    run = f"[{re.escape(numerals)}]"
    return re.compile(f"{run}(?<!{run}{run}){run}*+(?=[{re.escape(measures)}])")


# ---------------------------------------------------------------- assembly


def _check_types(types: tuple[str, ...] | None) -> set[str]:
    if types is None:
        return set(QUESTION_TYPES)
    for t in types:
        if t not in QUESTION_TYPES:
            raise UnknownQuestionTypeError(f"unknown question type {t!r}; use one of {', '.join(QUESTION_TYPES)}")
    return set(types)


def generate(doc: Document, options: GenerateOptions = GenerateOptions()) -> tuple[Question, ...]:
    """The questions for one document, in document order, then question-type order."""
    types = _check_types(options.types)
    templates = load_templates(options.templates_dir)
    groups: dict[tuple[str, str], list[Template]] = {}
    for t in templates:
        if t.type in types:
            groups.setdefault((t.source, t.type), []).append(t)
    priority = {t.name: i for i, t in enumerate(templates)}
    ix = _index(doc)
    lang = ix.language
    # each wording is cut at its placeholders once per document, not once per question
    ranked = {
        key: [(t, priority[t.name], parts, _bare(parts)) for t in group if (parts := t.parts(lang)) is not None]
        for key, group in groups.items()
    }
    kept: list[_Draft] = []
    seen: set[tuple[str, str]] = set()  # (type, prompt) of the kept drafts
    # the last wording found by fresh() for a source and type, and the values it was found for
    rendered: dict[tuple[str, str], tuple[dict[str, str], tuple[Template, int, str] | None]] = {}

    def render(source: str, qtype: str, values: dict[str, str]) -> tuple[Template, int, str] | None:
        """The first template of the source and type that the values fill, its rank and its prompt."""
        for template, rank, parts, bare in ranked.get((source, qtype), ()):
            prompt = (values.get(bare) or None) if bare else fill(parts, values)
            if prompt is not None:
                return template, rank, prompt
        return None

    def fresh(source: str, qtype: str, values: dict[str, str]) -> bool:
        """Whether a draft of these values would be kept as far as repeats go: a repeat of a kept
        question is dropped, so the work of its other fields can be spared."""
        found = render(source, qtype, values)
        rendered[source, qtype] = (values, found)  # emit() takes it up instead of rendering again
        return found is not None and _repeat_key(qtype, found[2]) not in seen

    def emit(
        source: str,
        qtype: str,
        values: dict[str, str],
        fields: dict[str, Any],
        anchor: str,
        point: str | None,
        sentence: str,
    ) -> None:
        earlier = rendered.pop((source, qtype), None) if rendered else None
        found = earlier[1] if earlier is not None and earlier[0] is values else render(source, qtype, values)
        if found is None:
            return
        template, rank, prompt = found
        # a repeat of a kept question is dropped before it is checked
        key = _repeat_key(qtype, prompt)
        if key in seen:
            return
        draft = _Draft(qtype, template, prompt, anchor, point, sentence, seq=len(kept), priority=rank, **fields)
        if _fit(lang, draft):
            seen.add(key)
            kept.append(draft)

    wanted = {s for s, _ in groups}
    for c, pos in ix.claims:
        emitting: list[tuple[str, Builder]] = []
        if c.kind in ("definition", "principle") and c.predicate:
            emitting.append(("claim-predicate", _claim_predicate(ix, pos, c, types)))
            if c.subject:
                emitting.append(("claim-subject", _claim_subject(ix, c, types)))
            if c.kind == "definition" and c.subject and "short" in types and "claim-definition" in wanted:
                subject = _trim(c.subject)
                emit(
                    "claim-definition",
                    "short",
                    {"subject": subject},
                    {"answer": (_trim(c.predicate),)},
                    c.id,
                    c.point,
                    c.text,
                )
        if c.kind == "enumeration":
            emitting.append(("claim-items", _claim_items(ix, pos, c, types)))
        if c.kind == "quote":
            emitting.append(("claim-quote", _claim_quote(ix, c, types)))
        for source, builder in emitting:
            for qtype, values, fields in builder:
                real_source = "claim-statement" if qtype == "truefalse" else source
                emit(real_source, qtype, values, fields, c.id, c.point, c.text.strip())
    for p in doc.points:
        for source, qtype, values, fields in _point_children(ix, p, types, fresh):
            emit(source, qtype, values, fields, p.id, p.id, _trim(p.title))
    if "cloze" in types and wanted & {"sentence-document", "sentence-number", "sentence-term"}:
        _sentence_drafts(ix, emit)
    return _finish(ix, kept, options)


def _bare(parts: tuple[str, ...]) -> str:
    """The placeholder a wording is made of alone ("{blanked}", most templates), as :func:`fill` reads it, or ""."""
    return parts[1] if len(parts) == 3 and not parts[0] and not parts[2] else ""


def _sentence_drafts(ix: _Index, emit: Callable[..., None]) -> None:
    ranked = [t.term for t in sorted(ix.doc.terms, key=lambda t: (-t.weight, t.term))]
    if ix.language == "en":
        # a single English word out of its sentence ("Turn", "chapter", "active") is rarely worth a card:
        # only the document's multi-word key terms ("spaced repetition") are blanked
        terms = [t for t in ranked if len(t.split()) >= 2 and blankable(t, "en")][:TOP_TERMS]
    else:
        # two-character words (人民, 关系) sit inside longer words too often to blank safely
        terms = [t for t in ranked[:TOP_TERMS] if blankable(t, "zh") and len(t) >= 3]
    used_terms: set[str] = set()
    owner: dict[str, str] = {}
    # a sentence belongs to the deepest point whose text holds it: the deepest are written last
    for p in reversed(sorted(ix.doc.points, key=lambda q: (-q.level, ix.order[q.id]))):
        if not p.truncated:
            owner.update(dict.fromkeys(ix.sentences(p.text), p.id))
    language, tail = ix.language, ix.tail
    asked: list[tuple[str, str]] = []  # (point, sentence as written)
    prompts: list[str] = []  # each of those sentences as a prompt
    for p in ix.doc.points:
        if p.truncated:
            continue
        pid = p.id
        for s in ix.sentences(p.text):
            # p is not truncated: only the unfinished last sentence of the document can cut s short
            if owner.get(s) != pid or (tail and _on_truncated_text(ix, pid, s)):
                continue  # a sentence the point says twice is asked about once
            owner[s] = ""  # once per sentence
            if _lead_in(s):
                continue  # "Typical forms of active recall:" announces a list and says nothing itself
            asked.append((pid, s))
            # the sentence as a prompt: no point marker ("a)", "⒈"), a proper end mark instead of ";"
            prompts.append(_statement(s, language))
    numbers = _numbers(prompts, language)
    for n, ((pid, s), sentence) in enumerate(zip(asked, prompts, strict=True)):
        blanks = _sentence_blanks(sentence, language, numbers.get(n, ()))
        for source, blanked, answer in (*blanks, *_term_blank(sentence, language, terms, used_terms)):
            emit(
                source,
                "cloze",
                {"blanked": blanked},
                # the id follows the sentence as written, so it does not move with the marker
                {"answer": (answer,), "discriminator": s + "\x1f" + answer},
                pid,
                pid,
                sentence,
            )


def problems(q: Question) -> list[str]:
    """The quality rules a question breaks (empty when it is fit to keep)."""
    return _problems(q.language, q.type, q.prompt, q.answer, q.choices, q.truth, q.correction)


def _problems(
    lang: str,
    qtype: str,
    prompt: str,
    answer: tuple[str, ...],
    choices: tuple[str, ...],
    truth: bool | None,
    correction: str,
    shuffled: bool = False,
) -> list[str]:
    """:func:`problems` of a question's fields, so that a draft is checked before its Question is built.

    ``shuffled`` says the choices are still to be shuffled: an ordering's choices are then never
    shown in the answer's order (a shuffle that keeps it is turned), unless all of them are alike,
    which the rule against repeated choices (or the one against fewer than three items) catches.
    """
    out: list[str] = []
    stripped = prompt.strip()
    if not stripped:
        out.append("empty prompt")
    elif prompt != stripped:
        out.append("prompt padded with whitespace")
    elif qtype == "cloze" and _marker(prompt):
        out.append("prompt opens with a point marker")
    # one pass over the prompt finds the blanks and the text around them
    parts = BLANK.split(prompt) if "{{" in prompt else [prompt]
    shown = " ".join(parts[::2])
    english = lang == "en"
    seen = shown.lower() if english else shown  # as _contains compares
    for a in answer:
        if not a.strip():
            out.append("empty answer")
        elif (a.lower() if english else a) in seen:
            out.append(f"answer {a!r} visible in the prompt")
    # the rules of each type, in the order they are reported
    if qtype == "cloze":
        numbers = parts[1::2]  # as written ("1", "2") they are told apart without reading them as numbers
        if numbers != _BLANK_NUMBERS[: len(answer)] and [*map(int, numbers)] != [*range(1, len(answer) + 1)]:
            out.append("blanks do not match answers")
        if not _has_letters(shown, 3 if lang == "en" else 4):
            out.append("the blank is the whole sentence")
        if len(answer) <= 2 and not all(blankable(a, lang) for a in answer):
            out.append("blank on a stop word or punctuation")
    elif qtype in ("single", "multiple", "quote", "order"):
        if len(set(choices)) != len(choices):
            out.append("repeated choices")
        if not set(answer) <= set(choices):
            out.append("an answer is not among the choices")
        if qtype in ("single", "quote"):
            if len(choices) < 3 or len(answer) != 1:
                out.append("a single choice needs one answer and at least three choices")
        elif qtype == "multiple":
            if len(choices) < 4 or len(answer) < 2 or len(answer) >= len(choices):
                out.append("a multiple choice needs at least four choices, two of them correct and one wrong")
        elif len(answer) < 3 or (choices == answer and not shuffled):
            out.append("an ordering needs three items, shuffled")
    elif qtype in ("list", "short"):
        if not answer:
            out.append("no reference answer")
    elif qtype == "truefalse":
        if truth is None or answer:
            out.append("a true/false question has a truth and no answer")
        if truth is False and (not correction or _norm(correction) == _norm(prompt)):
            out.append("a false statement needs its correction")
    return out


def _repeat_key(qtype: str, prompt: str) -> tuple[str, str]:
    """What makes two questions the same: their type and prompt (a cloze's blanks set it apart by punctuation)."""
    return qtype, prompt if qtype == "cloze" else _norm(prompt)


def _fit(language: str, d: _Draft) -> bool:
    """Whether the draft keeps the quality rules, its choices as the builder wrote them.

    Its id and the order its choices are shown in are left to the drafts the caps keep (see
    :func:`_shown`): shuffling changes which rule a draft breaks, never whether it breaks one.
    """
    shuffled = d.shuffle and bool(d.choices)
    return not _problems(language, d.type, d.prompt, d.answer, d.choices, d.truth, d.correction, shuffled)


def _shown(
    ix: _Index, d: _Draft, options: GenerateOptions, rng: random.Random
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """The id of a kept draft, its answer and its choices as shown (``rng`` is seeded here for each draft)."""
    qid = short_hash(ix.doc.id, d.anchor, d.template.name, d.discriminator, length=12)
    choices = d.choices
    if d.shuffle and choices:
        rng.seed(f"{options.seed}:{qid}")  # as random.Random(...) is, without a new generator per draft
        shuffled = list(choices)
        rng.shuffle(shuffled)
        if d.type == "order" and tuple(shuffled) == d.answer:
            shuffled = shuffled[1:] + shuffled[:1]
        choices = tuple(shuffled)
    answer = d.answer
    if d.type == "multiple":  # the correct choices in the order they are shown
        order = {c: i for i, c in enumerate(choices)}
        answer = tuple(sorted(answer, key=lambda a: order.get(a, len(order))))
    return qid, answer, choices


def _finish(ix: _Index, kept: list[_Draft], options: GenerateOptions) -> tuple[Question, ...]:
    """The kept drafts within the caps, in document order, as questions."""
    kept = _cap_cloze_per_sentence(kept, options.max_cloze_per_sentence)
    kept = _balance(ix, kept, mix=len(_check_types(options.types)) > 1)
    kept.sort(key=lambda d: (ix.order.get(d.point or "", -1), _TYPE_ORDER[d.type], d.seq))
    return tuple(_questions(ix, kept, options))


def _questions(ix: _Index, kept: list[_Draft], options: GenerateOptions) -> Iterator[Question]:
    doc = ix.doc
    doc_tag = slug(doc.title or doc.id)
    section_tags: dict[str, str] = {}  # by title: a document often repeats a section's heading
    # the questions of a claim or a point share their source, those of a section and a type their
    # tags: each is built once
    sources: dict[tuple[str | None, str], Source] = {}
    tag_sets: dict[tuple[str, str | None], tuple[str, ...]] = {}
    rng = random.Random()
    for d in kept:
        qid, answer, choices = _shown(ix, d, options, rng)
        source = sources.get((d.point, d.sentence))
        if source is None:
            source = sources[d.point, d.sentence] = record(
                Source,
                {
                    "document": doc.id,
                    "title": doc.title,
                    "section": ix.path.get(d.point, ()) if d.point else (),
                    "sentence": d.sentence,
                    "point": d.point,
                },
            )
        top = ix.top.get(d.point) if d.point else None
        tags = tag_sets.get((d.type, top))
        if tags is None:
            names = ["kaodian", doc_tag, d.type]
            if top is not None:
                title = ix.by_id[top].title
                if title not in section_tags:
                    section_tags[title] = slug(title)
                names.append(section_tags[title])
            tags = tag_sets[d.type, top] = tuple(dict.fromkeys(names))
        yield record(
            Question,
            {
                "id": qid,
                "type": d.type,
                "prompt": d.prompt,
                "answer": answer,
                "source": source,
                "choices": choices,
                "truth": d.truth,
                "correction": d.correction,
                "tags": tags,
                "language": ix.language,
                "template": d.template.name,
            },
        )


def _cap_cloze_per_sentence(kept: list[_Draft], cap: int) -> list[_Draft]:
    per_sentence: dict[str, int] = {}
    limit = max(cap, 0)
    out = []
    for d in kept:
        if d.type == "cloze":
            key = _norm(d.sentence)
            count = per_sentence[key] = per_sentence.get(key, 0) + 1
            if count > limit:
                continue
        out.append(d)
    return out


def section_cap(points: int) -> int:
    """The most questions of one type a top-level section with ``points`` points keeps."""
    return max(SECTION_TYPE_CAP, 4 * points)


def _balance(ix: _Index, kept: list[_Draft], mix: bool) -> list[_Draft]:
    """Per top-level section: at most section_cap() of a type, and cloze never dominating.

    Within a type, questions are ranked by template (claims' head nouns, then parallel items,
    subjects, named documents, numbers, key terms), then round-robin over their points, so
    a long point does not take a section's whole quota. With only
    cloze questions asked for (``mix`` false) cloze is not held back by the others.
    """
    sections: dict[str, list[_Draft]] = {}
    for d in kept:
        top = ix.top.get(d.point, "") if d.point else ""
        sections.setdefault(top, []).append(d)
    out: list[_Draft] = []
    for top, members in sections.items():
        cap = section_cap(ix.section_size.get(top, 1))
        by_type: dict[str, list[_Draft]] = {}
        for d in members:
            by_type.setdefault(d.type, []).append(d)
        limits = dict.fromkeys(by_type, cap)
        if mix and "cloze" in by_type:
            others = sum(min(len(v), cap) for t, v in by_type.items() if t != "cloze")
            limits["cloze"] = min(cap, max(SECTION_CLOZE_FLOOR, others))
        # the caller puts the drafts in document order: the order they are chosen in is not kept,
        # and a type within its limit keeps all its drafts without ranking them
        for qtype, group in by_type.items():
            limit = limits[qtype]
            out.extend(group if len(group) <= limit else _ranked(group)[:limit])
    return out


def _ranked(group: list[_Draft]) -> list[_Draft]:
    """Drafts of one type by template, then round-robin over their points (see :func:`_balance`)."""
    rank: dict[tuple[str, str], int] = {}
    ranked = []
    for d in group:
        key = (d.point or "", d.template.name)
        rank[key] = rank.get(key, 0) + 1
        ranked.append((d.priority, rank[key], d.seq, d))
    ranked.sort()  # each draft's seq is its own: two drafts are never compared themselves
    return [d for *_, d in ranked]
