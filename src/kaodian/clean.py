"""Clean a source text: boilerplate, line-wrap doubling, truncation, normalisation.

The steps, in order:

1. split into lines, trim them, drop empty ones;
2. undo line-wrap doubling (:func:`repair_doubling`): a site that wrapped each
   paragraph at a fixed width and repeated the last character of every line
   at the start of the next leaves a doubled character every ``width + 1``
   characters; the width and phase are found per paragraph, and short lines
   take the width learned from the rest of the document;
3. drop site boilerplate (patterns in ``resources/clean_boilerplate.yaml``),
   recording each dropped line and why;
4. normalise: NFC, one punctuation set for Chinese, whitespace;
5. take the title once, and flag a body that ends mid-sentence.
"""

from __future__ import annotations

import functools
import math
import operator
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .model import CleanText, Dropped, Notice, SourceText
from .options import CleanOptions

# ---------------------------------------------------------------- line-wrap doubling

#: Line widths the doubling detector tries.
WIDTHS = range(6, 41)
_PERIODS = frozenset(w + 1 for w in WIDTHS)
#: How unlikely (natural log) a grid of doubled characters must be by chance, per hypothesis family.
_EVIDENCE = math.log(1000)
#: The lowest rate of doubled neighbours assumed for ordinary text.
_MIN_BACKGROUND = 0.02

#: How many doubled positions ahead a grid neighbour is looked for.
_NEIGHBOURS = 5
#: The fewest doubled grid positions that count as evidence: two doubled characters a width
#: apart are a figure of speech (人人为我，我为人人) as often as not.
_MIN_HITS = 3

_DOUBLE = re.compile(r"(.)(?=\1)", re.DOTALL)
_LONG_RUN = re.compile(r"(.)\1{3,}", re.DOTALL)


@dataclass(frozen=True)
class Grid:
    """Where a site's line wrapping doubled characters: every ``width + 1`` characters from ``phase``."""

    width: int
    phase: int
    hits: int  # grid positions holding a doubled character
    expected: int  # grid positions inside the line
    score: float  # log-evidence against chance


def doubled_positions(line: str) -> list[int]:
    """Indices ``i`` with ``line[i] == line[i - 1]``, leaving out runs of four or more (rules, dots, laughter)."""
    positions = [m.end() for m in _DOUBLE.finditer(line)]
    # a run of four or more leaves three neighbouring positions: only then look for runs
    if len(positions) > 2 and 1 in map(operator.sub, positions[1:], positions):
        runs = [(m.start(), m.end()) for m in _LONG_RUN.finditer(line)]
        if runs:
            inside: set[int] = set()
            for start, end in runs:
                inside.update(range(start + 1, end))
            positions = [i for i in positions if i not in inside]
    return positions


def _expected(n: int, period: int, phase: int) -> int:
    """How many indices in ``1 .. n - 1`` are congruent to ``phase`` modulo ``period``."""
    if phase == 0:
        return (n - 1) // period
    if phase > n - 1:
        return 0
    return (n - 1 - phase) // period + 1


def _candidates(n: int, doubles: Sequence[int], widths: Iterable[int]) -> list[Grid]:
    """Every (width, phase) whose grid positions are (almost) all doubled, with its evidence score.

    Only grids with at least ``_MIN_HITS`` doubled positions and some evidence (a positive
    score) are candidates. Linear in the number of doubled positions: neighbours one period
    apart vote for that period first, and only periods with enough votes are counted phase by phase.
    """
    out: list[Grid] = []
    total = len(doubles)
    periods = _PERIODS if widths is WIDTHS else frozenset(w + 1 for w in widths)
    if total < _MIN_HITS or not periods:
        return out
    longest = (n - 1) // (_MIN_HITS - 1)  # a longer period has fewer than _MIN_HITS grid positions in the line
    distances: list[int] = []
    for gap in range(1, min(total, _NEIGHBOURS + 1)):  # a few true reduplications may sit in between
        distances.extend(map(operator.sub, doubles[gap:], doubles))
    # in any order: a grid's rank among the others depends on its width, not on where it was found
    for period in periods.intersection(distances):
        if period > longest:
            continue
        pair_votes = distances.count(period)  # a handful of periods: cheaper than counting every distance
        floor = (n - 1) // period  # the fewest grid positions any phase has
        need = max(2, floor - floor // 10)
        # doubled grid positions come in runs one period apart, broken only by misses
        if need > total or pair_votes < max(1, need - (floor + 1) // 10 - 1):
            continue
        phases = list(map(period.__rmod__, doubles))
        for phase in dict.fromkeys(phases):  # in order of first appearance
            hits = phases.count(phase)
            if hits < need or hits < _MIN_HITS:
                continue
            expected = _expected(n, period, phase)
            misses = expected - hits
            if misses > expected // 10:
                continue
            background = max(_MIN_BACKGROUND, (total - hits + 1) / n)
            # log-likelihood of `hits` doubled grid positions against chance, less the cost of
            # choosing a phase and of each grid position that is not doubled
            score = (hits - 2 * misses) * -math.log(background) - math.log(period)
            if score > 0:
                out.append(Grid(period - 1, phase, hits, expected, score))
    return out


def find_grid(line: str, widths: Iterable[int] = WIDTHS) -> Grid | None:
    """The doubling grid of one paragraph, if its own evidence is strong; else None."""
    doubles = doubled_positions(line)
    return _best_own(_candidates(len(line), doubles, widths))


def _best_own(cands: Sequence[Grid]) -> Grid | None:
    threshold = _EVIDENCE + math.log(len(WIDTHS))
    strong = [g for g in cands if g.score >= threshold]
    if not strong:
        return None
    return max(strong, key=lambda g: (g.score, -g.width))


def undouble(line: str, grid: Grid) -> str:
    """``line`` with the doubled character removed at each doubled grid position."""
    period = grid.width + 1
    start = grid.phase if grid.phase else period
    pieces: list[str] = []
    kept = 0  # where the piece after the last removed character starts
    for i in range(start, len(line), period):
        if line[i] == line[i - 1]:
            pieces.append(line[kept:i])
            kept = i + 1
    pieces.append(line[kept:])
    return "".join(pieces)


@functools.cache
def _reduplicable() -> frozenset[str]:
    text = _resource("clean_reduplication.txt")
    return frozenset(ch for line in text.splitlines() if not line.startswith("#") for ch in line.strip())


def repair_doubling(lines: Sequence[str]) -> tuple[list[str], int | None]:
    """Undo line-wrap doubling in ``lines``; also returns the document's width (None: not corrupted).

    A paragraph is repaired on its own evidence when it is long enough to show a
    grid; the document's width is the one with the most pooled evidence, and the
    remaining (short) lines are repaired at that width when every grid position
    they hold is doubled.
    """
    info: list[tuple[list[int], list[Grid]]] = []
    pooled: dict[int, float] = {}
    for line in lines:
        doubles = doubled_positions(line)
        cands = _candidates(len(line), doubles, WIDTHS) if len(doubles) >= _MIN_HITS else []
        info.append((doubles, cands))
        if not cands:
            continue
        best_per_width: dict[int, float] = {}
        for g in cands:
            if g.score > best_per_width.get(g.width, 0.0):
                best_per_width[g.width] = g.score
        for width, score in best_per_width.items():
            pooled[width] = pooled.get(width, 0.0) + score
    doc_width: int | None = None
    if pooled:
        width, evidence = max(pooled.items(), key=lambda kv: (kv[1], -kv[0]))
        if evidence >= _EVIDENCE + math.log(len(WIDTHS)):
            doc_width = width
    out: list[str] = []
    for line, (doubles, cands) in zip(lines, info, strict=True):
        grid = _best_own(cands) if cands else None
        if grid is None and doc_width is not None and doubles:
            grid = _short_line_grid(line, doubles, doc_width)
        out.append(undouble(line, grid) if grid else line)
    return out, doc_width


def _short_line_grid(line: str, doubles: Sequence[int], width: int) -> Grid | None:
    """The phase at the document's width at which every grid position of ``line`` is doubled."""
    period = width + 1
    n = len(line)
    best: tuple[tuple[int, int, int], Grid] | None = None
    for phase, hits in Counter(d % period for d in doubles).items():
        if hits != _expected(n, period, phase):
            continue
        positions = range(phase or period, n, period)
        plain = sum(1 for i in positions if line[i] not in _reduplicable())
        if hits == 1:
            if not _is_cjk_or_punct(line[positions[0]]):
                continue  # QQ, 2000, >>: one Latin or ASCII pair is no evidence
            if plain == 0 and n - 1 < period:
                # a line this short need not hold a grid position at all, and one pair of a
                # commonly doubled character (人人, 常常) is no evidence that it does
                continue
        key = (hits, plain, -phase)
        if best is None or key > best[0]:
            best = (key, Grid(width, phase, hits, hits, 0.0))
    return best[1] if best else None


# ---------------------------------------------------------------- boilerplate


def _resource_data(name: str) -> Any:
    from . import datafiles

    return datafiles.data(name)


def _resource(name: str) -> str:
    from . import datafiles

    return datafiles.text(name)


@dataclass(frozen=True)
class _Family:
    reason: str
    max_length: int
    source: str  # the family's regular expression

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """The family on its own, compiled when first asked for: most families are only matched
        as part of a combined pattern (see :func:`_by_length`), and compiling costs every process."""
        return re.compile(self.source, re.IGNORECASE)


@dataclass(frozen=True)
class _Families:
    """Families tried in order, as one pattern: group ``f<i>`` takes part in a match of family ``i``.

    A family only looks at keys up to its max_length characters: a lookahead at the front of its
    group says so, and one pattern serves keys of every length.
    """

    pattern: re.Pattern[str]
    reasons: tuple[str, ...]
    max_length: int  # the longest key any family looks at

    def reason(self, key: str) -> str | None:
        hit = self.pattern.match(key)
        if hit is None:
            return None
        return next(r for i, r in enumerate(self.reasons) if hit.group(f"f{i}") is not None)


@dataclass(frozen=True)
class _Rules:
    families: _Families  # the families other than the list header, in order
    list_header: _Family
    disclaimer_reason: str
    strong: re.Pattern[str]
    any_strong: re.Pattern[str]  # finds any strong term in casefolded text
    weak: re.Pattern[str]
    title_reason: str
    title_max: int
    extensions: frozenset[str]
    tags: frozenset[str]


@functools.cache
def _rules() -> _Rules:

    data: dict[str, Any] = _resource_data("clean_boilerplate.yaml")

    def family(key: str) -> _Family:
        spec = data[key]
        body = "|".join(f"(?:{p})" for p in spec["patterns"])
        prefix = spec.get("match", "line") == "start"  # the pattern need only match the start of the line
        return _Family(spec["reason"], int(spec.get("max_length", 200)), body if prefix else f"(?:{body})\\Z")

    disclaimer = data["disclaimer"]
    title = data["document_title"]
    return _Rules(
        families=_combined([family(k) for k in ("prompt", "counter", "page_marker", "banner")]),
        list_header=family("list_header"),
        disclaimer_reason=disclaimer["reason"],
        strong=_terms(disclaimer["strong"]),
        any_strong=re.compile("|".join(re.escape(t.casefold()) for t in disclaimer["strong"])),
        weak=_terms(disclaimer["weak"]),
        title_reason=title["reason"],
        title_max=int(title["max_length"]),
        extensions=frozenset(e.casefold() for e in title["extensions"]),
        tags=frozenset(t.casefold() for t in title["tags"]),
    )


def _combined(families: Sequence[_Family]) -> _Families:
    """The families as one pattern (one match per line), each guarded by its max_length."""
    longest = max(f.max_length for f in families)
    groups = []
    for i, f in enumerate(families):
        # possessive: a longer key fails at once rather than after backing up over every character
        guard = "" if f.max_length == longest else f"(?=(?s:.{{0,{f.max_length}}}+)\\Z)"
        groups.append(f"(?P<f{i}>{guard}(?:{f.source}))")
    pattern = re.compile("|".join(groups), re.IGNORECASE)
    return _Families(pattern, tuple(f.reason for f in families), longest)


def _terms(terms: Iterable[str]) -> re.Pattern[str]:
    # longest first, so that "用户自行上传" is found rather than "上传" within it
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)


_BULLET_MARKS = "-*+•·▪●◦"
_BULLET = re.compile(rf"^(?:[{re.escape(_BULLET_MARKS)}]\s+)+")
#: What a bulleted line starts with: a cheap test that spares most lines the pattern.
_BULLET_STARTS = tuple(_BULLET_MARKS)
#: Lines longer than this are too long for any family but the disclaimers (max_length in the YAML file).
_SHORT = 220
_TRAILING = " \t:：>»›→…·|"


def _nfkc(line: str) -> str:
    # patterns spell full-width punctuation themselves; only full-width letters and digits need folding
    if not _FULLWIDTH_RE.search(line):
        return line
    # NFKC is slow on a long Chinese line. Folding the usual compatibility characters first, each
    # as NFKC folds it, leaves the same NFKC and usually nothing more for NFKC to do.
    folded = _COMPAT.sub(_fold, line)
    return folded if unicodedata.is_normalized("NFKC", folded) else unicodedata.normalize("NFKC", folded)


def _fold(m: re.Match[str]) -> str:
    return _COMPAT_NFKC[m[0]]


def _key(line: str) -> str:
    """A line as boilerplate patterns see it: NFKC, no bullet, no trailing arrows or colons."""
    key = _nfkc(line)
    if key.startswith(_BULLET_STARTS):
        key = _BULLET.sub("", key)
    key = key.strip()
    return key.rstrip(_TRAILING).strip() or key


def _family_reason(line: str, key: str, rules: _Rules) -> str | None:
    reason = _match_family(key, rules)
    # "- 3 -" is a page marker, not a bullet
    if reason is None and line.startswith(_BULLET_STARTS) and _BULLET.match(line):
        reason = _match_family(_nfkc(line).strip(), rules)
    return reason


def _match_family(key: str, rules: _Rules) -> str | None:
    return rules.families.reason(key) if len(key) <= rules.families.max_length else None


def _naming_strong_terms(subjects: Sequence[str], rules: _Rules) -> set[int]:
    """The indices of ``subjects`` that name a strong disclaimer term: one search over the whole document.

    Most documents name none, and a line that names none cannot be a disclaimer. Case folding
    maps each character on its own and no subject holds a line break, so the folded lines
    joined by line breaks are the joined folded lines.
    """
    folded = "\n".join(subjects).casefold()
    found: set[int] = set()
    line = 0
    start = 0  # where line ``line`` starts in ``folded``
    for m in rules.any_strong.finditer(folded):
        while (end := folded.find("\n", start)) != -1 and end < m.start():
            line += 1
            start = end + 1
        found.add(line)
    return found


def _is_disclaimer(key: str, rules: _Rules) -> bool:
    """Whether a line that names a strong term names enough of the site's terms to be a disclaimer."""
    strong = len({m.casefold() for m in rules.strong.findall(key)})
    weak = len({m.casefold() for m in rules.weak.findall(key)})
    return strong >= 3 or (strong >= 2 and weak >= 2) or weak >= 3


def _is_document_title(key: str, rules: _Rules) -> bool:
    if len(key) > rules.title_max or "." not in key:  # a file name has an extension
        return False
    words = key.split()
    while len(words) > 1 and words[-1].casefold() in rules.tags:
        words.pop()
    last = words[-1] if words else ""
    stem, dot, ext = last.rpartition(".")
    return bool(dot and ext.casefold() in rules.extensions and (stem or len(words) > 1))


def _is_list_item(key: str, rules: _Rules) -> bool:
    """A line that can sit in a list of other documents: a file name or a short title-like line."""
    if _is_document_title(key, rules):
        return True
    return len(key) <= 60 and not any(ch in key for ch in "。！？!?；")


def classify(lines: Sequence[str]) -> list[str | None]:
    """The boilerplate reason for each line (None: study text)."""
    rules = _rules()
    # a Markdown heading marker does not make a site's line study text (and the title loses it)
    lines = [line.lstrip("#").lstrip() if line.startswith("#") else line for line in lines]
    # what each line's patterns look at: a long line can only be a disclaimer, and is looked at as it is
    keys = [line if len(line) > _SHORT else _key(line) for line in lines]
    strong = _naming_strong_terms(keys, rules)
    reasons: list[str | None] = []
    in_list = False
    for i, (line, key) in enumerate(zip(lines, keys, strict=True)):
        if len(line) > _SHORT:
            in_list = False
            reasons.append(rules.disclaimer_reason if i in strong and _is_disclaimer(line, rules) else None)
            continue
        reason: str | None = None
        if len(key) <= rules.list_header.max_length and rules.list_header.pattern.match(key):
            reason = rules.list_header.reason
            in_list = True
        elif _is_document_title(key, rules):
            reason = rules.title_reason
        else:
            reason = _family_reason(line, key, rules)
            if reason is None and in_list and _is_list_item(key, rules):
                reason = rules.list_header.reason
            elif reason is None:
                in_list = False
                if i in strong and _is_disclaimer(key, rules):
                    reason = rules.disclaimer_reason
        reasons.append(reason)
    return reasons


# ---------------------------------------------------------------- normalisation

_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_FULLWIDTH_ALNUM = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF5B) if chr(c - 0xFEE0).isalnum()}
_FULLWIDTH_RE = re.compile("[\uff10-\uff5a]")
#: Compatibility characters common in Chinese text, with their NFKC: full-width forms (！ to ～),
#: enclosed numbers and letters (① ⑴ ⒈ Ⓐ), the ellipsis and the ideographic space.
_COMPAT_NFKC = {
    ch: unicodedata.normalize("NFKC", ch)
    for ch in map(chr, (*range(0xFF01, 0xFF5F), *range(0x2460, 0x2500), 0x2026, 0x3000))
}
# classes as ranges, not as lists of characters: they cost less to compile
_COMPAT = re.compile("[\uff01-\uff5e\u2460-\u24ff\u2026\u3000]")
_FULLWIDTH_ALNUM_CHARS = "０-９Ａ-Ｚａ-ｚ"
_FULLWIDTH_ALNUM_RE = re.compile(f"[{_FULLWIDTH_ALNUM_CHARS}]")
_ASCII_PUNCT = re.compile(r"[,;:?!()]")
#: A space between two non-ASCII characters: where a space between CJK characters can be. A class of the
#: CJK characters themselves costs every process a loop over each of their code points to compile.
_SPACE_AMID_NON_ASCII = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")
_ASCII_TO_CJK = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_REPEATED_PUNCT = re.compile(r"([。，、；：])\1+")
#: What the steps of normalisation between NFC and the repeated punctuation look for:
#: full-width letters and digits, white space, ASCII punctuation.
_MAY_CHANGE = re.compile(rf"[\s{_FULLWIDTH_ALNUM_CHARS},;:?!()]")
#: Where CJK characters can be: a class of the CJK characters themselves costs every process a loop over
#: each of their code points to compile, and most texts need only their first few characters counted.
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_LATIN_LETTERS = string.ascii_letters.encode("ascii")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2FFFF
        or 0xF900 <= o <= 0xFAFF
        or 0x3040 <= o <= 0x30FF
    )


def _is_cjk_or_punct(ch: str) -> bool:
    o = ord(ch)
    return (
        _is_cjk(ch)
        or 0x3000 <= o <= 0x303F  # CJK punctuation
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x2460 <= o <= 0x24FF  # ① ⑴ ⒈
        or 0x3200 <= o <= 0x32FF  # ㈠
        or ch in "“”‘’—…·"
    )


def _trimmed_lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, zero-width and control characters out, ends trimmed.

    Done before doubling repair: widths count characters. Each kind of character is
    looked for once in the whole text; most texts have none.
    """
    # none of them breaks a line, so they can go before splitting; a few plain searches cost less than a
    # character class, to run and to compile
    for ch in _ZERO_WIDTH_CHARS:
        if ch in text:
            text = text.replace(ch, "")
    lines = text.splitlines()
    if _CONTROL.search(text):  # some of them do break lines (\x1c-\x1e, \x85): line by line
        lines = [_CONTROL.sub(" ", line) for line in lines]
    return [t for t in (line.strip() for line in lines) if t]


def normalise(line: str) -> str:
    """NFC, ASCII digits and letters, one space at most (none between CJK), Chinese punctuation beside CJK."""
    for ch in _ZERO_WIDTH_CHARS:
        if ch in line:
            line = line.replace(ch, "")
    return _normalise_trimmed(line)


def _normalise_trimmed(line: str) -> str:
    """:func:`normalise` for a line already without zero-width characters."""
    if not unicodedata.is_normalized("NFC", line):
        line = unicodedata.normalize("NFC", line)
    if _MAY_CHANGE.search(line):  # most Chinese lines have nothing for these steps
        if _FULLWIDTH_ALNUM_RE.search(line):
            line = line.translate(_FULLWIDTH_ALNUM)
        line = " ".join(line.split())  # what \s+ → " " and strip() do, in one C call
        if line.isascii():
            return line  # nothing Chinese to make consistent
        if _ASCII_PUNCT.search(line):
            line = _cjk_punctuation(line)
        if " " in line:  # after the punctuation: "建设, 关键" → "建设， 关键" → "建设，关键"
            line = _SPACE_AMID_NON_ASCII.sub(_cjk_space, line)
    if _REPEATED_PUNCT.search(line):  # sub with a group reference costs more than a search
        line = _REPEATED_PUNCT.sub(r"\1", line)
    return line


def _cjk_space(m: re.Match[str]) -> str:
    """Nothing for a space between CJK characters or punctuation, else the space."""
    line = m.string
    i = m.start()
    return "" if _is_cjk_or_punct(line[i - 1]) and _is_cjk_or_punct(line[i + 1]) else " "


def _cjk_punctuation(line: str) -> str:
    """ASCII , ; : ? ! ( ) beside Chinese text become full-width; numbers (3,500 9:00) and URLs stay."""
    chars = list(line)
    n = len(line)
    opened: list[bool] = []
    for m in _ASCII_PUNCT.finditer(line):
        i = m.start()
        ch = line[i]
        prev = chars[i - 1] if i else ""  # as converted: "、?!" becomes "、？！" in one pass
        nxt = line[i + 1] if i + 1 < n else ""
        if ch == "(":
            convert = bool(prev and _is_cjk_or_punct(prev)) or bool(nxt and _is_cjk(nxt))
            opened.append(convert)
        elif ch == ")":
            convert = opened.pop() if opened else bool(prev and _is_cjk(prev))
        elif prev.isdigit() and nxt.isdigit():
            convert = False
        elif ch == ":" and nxt == "/":
            convert = False  # a URL scheme
        else:
            convert = bool(prev and _is_cjk_or_punct(prev)) or (
                bool(nxt and _is_cjk(nxt)) and not (prev and prev.isascii() and prev.isalnum())
            )
        if convert:
            chars[i] = _ASCII_TO_CJK[ch]
    return "".join(chars)


def language_of(text: str) -> str:
    """ "zh" when CJK characters carry the text (one counts as much as three Latin letters), else "en"."""
    sample = text[:200_000]
    ascii_only = sample.encode("ascii", "ignore")  # the Latin letters, and the rest of ASCII
    latin = len(ascii_only) - len(ascii_only.translate(None, _LATIN_LETTERS))
    # CJK characters are counted only until there are enough of them (most Chinese texts: a few runs)
    enough = max(1, -(-latin // 3))
    cjk = 0
    for run in _NON_ASCII_RUN.finditer(sample):
        for ch in run[0]:  # a run can be a whole Chinese text: stop as soon as there are enough
            if _is_cjk(ch):
                cjk += 1
                if cjk >= enough:
                    return "zh"
    return "en"


# ---------------------------------------------------------------- title and truncation

_TERMINAL = (*tuple("。！？!?….．”」』\"'"), "）", ")")
_SENTENCE_END = re.compile(r"[。！？!?]|\.(?:\s|$)")
_MARKER = re.compile(
    r"^(?:#{1,6}\s|[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}(?:\.\d{1,2})*[.．、\s]"
    r"|第[一二三四五六七八九十百\d]+[章节条部分编课讲]|[⒈-⒛①-⑳⑴-⒇]|[A-Z][.、]|(?:chapter|part|section|unit)\s)",
    re.IGNORECASE,
)


def _heading_like(line: str) -> bool:
    """A heading: a Markdown or numbered line without a full stop inside."""
    if _SENTENCE_END.search(line.rstrip("。.!?！？")):
        return False
    return bool(_MARKER.match(line)) and len(line) <= 60


_CLAUSE_END = ("；", ";", "，", ",", "：", ":", "、")


def _title_like(line: str) -> bool:
    if not any(ch.isalnum() for ch in line):  # "#" or "，": names nothing
        return False
    if line.startswith("#") and not line.startswith("##"):
        return not line.endswith(_CLAUSE_END)  # a heading does not stop mid-clause
    if line.endswith(("。", "！", "？", "!", "?", *_CLAUSE_END)) or _MARKER.match(line):
        return False
    return len(line) <= 80 and not (line.endswith(".") and len(line.split()) > 12)


def _ends_mid_sentence(line: str) -> bool:
    stripped = line.rstrip()
    if stripped.endswith(_TERMINAL):
        if stripped.endswith((")", "）")):
            inner = stripped[:-1].rstrip()
            return not (inner.endswith(_TERMINAL) or "(" in inner or "（" in inner)
        return False
    return not _heading_like(stripped)


def _compact(line: str) -> str:
    """A line without its Markdown heading marks and without white space."""
    return "".join(line.lstrip("#").split())


def _comparable(line: str) -> str:
    return _compact(line).casefold()


def _is_title_again(line: str, title_seen: str) -> bool:
    """Whether ``line`` is the title (``title_seen``: its :func:`_comparable` form) once more."""
    compact = _compact(line)
    # case folding never shortens a text: a line longer than the title is spared folding
    return len(compact) <= len(title_seen) and compact.casefold() == title_seen


# ---------------------------------------------------------------- the stage


def clean_source(src: SourceText, options: CleanOptions = CleanOptions()) -> CleanText:
    """The study text of ``src``: title once, body paragraphs, notices and dropped lines."""
    original = _trimmed_lines(src.text)
    lines, _ = repair_doubling(original)
    dropped: list[Dropped] = []
    kept: list[str] = []
    reasons: Sequence[str | None] = [None] * len(lines)
    if not options.keep_boilerplate:
        # a line is boilerplate as scraped or as repaired ("下下载" is "下载"); --report shows it as scraped
        reasons = classify(original)
        changed = [i for i, (a, b) in enumerate(zip(original, lines, strict=True)) if a != b]
        for i, reason in zip(changed, classify([lines[i] for i in changed]), strict=True):
            reasons[i] = reasons[i] or reason
    for raw, line, reason in zip(original, lines, reasons, strict=True):
        if reason is None:
            text = _normalise_trimmed(line)
            if text and not text.lstrip("#").strip():  # "##": a Markdown heading with nothing in it
                dropped.append(Dropped(text=raw, reason="empty heading"))
            elif text:
                kept.append(text)
        else:
            dropped.append(Dropped(text=raw, reason=reason))

    title = ""
    if kept and _title_like(kept[0]):
        title = kept.pop(0).lstrip("# \t")
    body: list[str] = []
    if not options.keep_boilerplate:
        title_seen = _comparable(title)
        for line in kept:
            if title and _is_title_again(line, title_seen):  # also a PDF's running header
                dropped.append(Dropped(text=line, reason="repeated title"))
            elif body and line == body[-1] and len(line) >= 8:  # a short line ("是") can repeat in a table
                dropped.append(Dropped(text=line, reason="repeated line"))
            else:
                body.append(line)
    else:
        body = kept

    notices: list[Notice] = []
    truncated = bool(body) and _ends_mid_sentence(body[-1])
    if truncated:
        notices.append(
            Notice(
                code="truncated",
                message="the text ends mid-sentence (a preview?); questions avoid the unfinished part",
            )
        )
    if not title and not body:
        notices.append(
            Notice(code="empty", message="no study text left after cleaning; pass --keep-boilerplate to keep it")
        )
    language = language_of(title + "".join(body))
    return CleanText(
        source=src.path,
        title=title,
        paragraphs=tuple(body),
        language=language,
        truncated=truncated,
        notices=tuple(notices),
        dropped=tuple(dropped),
    )
