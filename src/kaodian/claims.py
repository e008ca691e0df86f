"""Key claims: definitions, principles, attributed quotes and enumerations, found sentence by sentence.

Every pattern is a literal keyword found with one linear scan; what sits around
the keyword is cut at clause punctuation and bounded in length, so no pattern
can backtrack over a long line.

``subject`` and ``predicate`` are always verbatim substrings of ``text``, so a
question generator can blank either side by string replacement:

- "X的核心是Y" / "The key to X is Y": subject X, predicate Y;
- "X是Y的根本保证": subject X, predicate "Y的根本保证" (the whole noun phrase after 是);
- "X是指Y" / "所谓X，是指Y" / "X is defined as Y": subject X, predicate Y.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from . import datafiles
from .model import Claim
from .names import short_hash

#: Quoted text up to this length (characters in Chinese, words in English) is a coinage, not a quote.
COINAGE_MAX_ZH = 8
COINAGE_MAX_EN_WORDS = 3

_OPEN_QUOTES = "“「『"
_CLOSE_QUOTES = "”」』"
_SENTENCE_ENDS = "。！？!?"
_QUOTE_CHARS = "“”「」『』\"'‘’"
_SUBJECT_MAX = 40
_PARALLEL_MAX = 12  # clauses in one parallel run: longer runs are not a figure of speech
_PREDICATE_MAX = 80


@dataclass(frozen=True)
class Unit:
    """One paragraph as the claim finder sees it: its text, its point and its word boundaries."""

    text: str
    point: str | None
    words: tuple[str, ...] = ()  # the segmentation of text (concatenated they give text), if any
    tagged: tuple[tuple[str, str], ...] = ()  # or the segmentation with part-of-speech tags

    @functools.cached_property
    def bounds(self) -> list[int] | None:
        """The offsets where words start and end, or None without a segmentation that matches the text."""
        if not (self.words or self.tagged):
            return None
        # the words' lengths straight from the tagged pairs, without a tuple of the words in between
        words = self.words or map(operator.itemgetter(0), self.tagged)
        out = list(itertools.accumulate(map(len, words), initial=0))
        return out if out[-1] == len(self.text) else None


@functools.cache
def _words() -> dict[str, Any]:
    words: dict[str, Any] = datafiles.data("extract_claims.yaml")
    return words


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    w = _words()
    return {
        "relation": re.compile(f"的(?:{datafiles.alternation(w['zh_relations'])})(?:就|正|始终|则|也)?(?:是|在于)"),
        "definition": re.compile(f"(?:{datafiles.alternation(w['zh_definitions'])})"),
        "suowei": re.compile(
            r"(?:所谓|所称)[“「]?([^，,。；;“”「」]{1,20}?)[”」]?[，,]\s*(?:就)?是指([^。；;！？!?]{2,80})"
        ),
        "zh_speech_end": re.compile(f"(?:{datafiles.alternation(w['zh_speech'])})(?:过|道|的)?[：:，,]?\\s*$"),
        "zh_speech_strong": re.compile(f"(?:{datafiles.alternation(w['zh_speech_strong'])})(?:过|道)?[：:，,]"),
        "zh_and": re.compile(datafiles.alternation(w["zh_and"])),
        "en_relation": re.compile(
            f"^(?:the\\s+)?(?:{datafiles.alternation(w['en_relations'])})\\s+(?:to|of)\\s+", re.IGNORECASE
        ),
        "en_is": re.compile(r"\s+(?:is|are|lies in|lie in|was)\s+", re.IGNORECASE),
        "en_definition": re.compile(f"\\s+(?:{datafiles.alternation(w['en_definitions'])})\\s+", re.IGNORECASE),
        "en_head": re.compile(
            f"\\s+(?:is|are|was|remains|remain)\\s+((?:the|a|an)\\s+(?:[\\w-]+\\s+){{0,3}}?"
            f"(?:{datafiles.alternation(w['en_heads'])})s?\\s+(?:of|to|for)\\s+\\S.*)$",
            re.IGNORECASE,
        ),
        "en_speech_end": re.compile(f"\\b(?:{datafiles.alternation(w['en_speech'])})\\s*[,:]?\\s*$", re.IGNORECASE),
        "en_speech_after": re.compile(
            f"^[,.]?\\s*((?:[A-Z][\\w.'-]*\\s+){{0,4}}[A-Z][\\w.'-]*|the\\s+[\\w\\s]{{2,40}}?)\\s+"
            f"(?:{datafiles.alternation(w['en_speech'])})\\b",
        ),
    }


@functools.cache
def _word_set(key: str) -> frozenset[str]:
    return frozenset(_words()[key])


@functools.cache
def _sorted_words(key: str) -> tuple[str, ...]:
    return tuple(sorted(_words()[key], key=lambda s: -len(s)))


# ---------------------------------------------------------------- sentences and clauses


#: A quote mark, or a run of sentence ends ("。", "？！", "." before a space or the end). It opens with one
#: character class, so the regex engine skips ahead to a candidate instead of trying each position.
_SENTENCE_MARKS = re.compile(
    r"[“「『”」』。！？!?.](?:(?<=[。！？!?])[。！？!?.]*|(?<=\.)[。！？!?.]*(?=\s|$)|(?<=[“「『”」』]))"
)
_CLAUSE_MARK_CHARS = "，,；;：:。！？!?"
_CLAUSE_MARKS = re.compile(f"[{_CLAUSE_MARK_CHARS}]")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; quotes are kept whole, and a quote that ends a sentence ends it."""
    out: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for m in _SENTENCE_MARKS.finditer(text):
        ch = m.group()[0]
        if ch in _OPEN_QUOTES:
            depth += 1
        elif ch in _CLOSE_QUOTES:
            depth = max(0, depth - 1)
            if depth == 0 and m.start() > 0 and text[m.start() - 1] in _SENTENCE_ENDS:
                out.append((start, m.end()))
                start = m.end()
        elif depth == 0:
            out.append((start, m.end()))
            start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each clause of text[start:end], split at commas, semicolons, colons and sentence ends."""
    if text.find(",", start, end) < 0 and text.find(":", start, end) < 0:
        # no "1,000" or "9:00" to keep whole: each clause is one match
        return [m.span() for m in _PIECES.finditer(text, start, end) if not m.lastindex]
    out: list[tuple[int, int]] = []
    s = start
    for m in _CLAUSE_MARKS.finditer(text, start, end):
        i = m.start()
        if text[i] in ",:" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            continue  # 1,000 and 9:00
        if i > s:
            out.append(_trim(text, s, i))
        s = i + 1
    if end > s:
        out.append(_trim(text, s, end))
    return [t for t in out if t[1] > t[0]]


def _sentence_clauses(text: str, spans: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """The clauses of each sentence of ``text``: what ``clauses`` gives sentence by sentence, in one scan."""
    if "," in text or ":" in text:
        return [clauses(text, s, e) for s, e in spans]
    pieces = [m.span() for m in _PIECES.finditer(text) if not m.lastindex]
    if len(spans) == 1:
        return [pieces]
    out: list[list[tuple[int, int]]] = []
    k = 0
    for _, e in spans:
        j = bisect.bisect_left(pieces, e, k, key=_start)
        if j > k and pieces[j - 1][1] > e:
            # a clause runs on past the sentence's end (an English full stop): split sentence by sentence
            return [clauses(text, s, e) for s, e in spans]
        out.append(pieces[k:j])
        k = j
    return out


_start = operator.itemgetter(0)


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    """Narrow (s, e) past spaces, quote marks and final punctuation."""
    while s < e and text[s] in _TRIM:
        s += 1
    while e > s and text[e - 1] in _TRIM:
        e -= 1
    return s, e


_QUOTES_AND_ENDS = _QUOTE_CHARS + _SENTENCE_ENDS + "。.…—"
_TRIM = " \t\u3000" + _QUOTES_AND_ENDS
#: What lies between two clause marks, less the characters _trim takes off its ends.
_CLAUSE = (
    f"[^{_CLAUSE_MARK_CHARS}{re.escape(_TRIM)}](?:[^{_CLAUSE_MARK_CHARS}]*[^{_CLAUSE_MARK_CHARS}{re.escape(_TRIM)}])?"
)
#: A clause (a match without group 1) or a run of sentence ends (group 1), which no clause holds: one regex
#: serves both, as compiling these character classes is a large part of importing this module.
_PIECES = re.compile(f"{_CLAUSE}|([{_SENTENCE_ENDS}]+)")


def sentence_clauses(text: str) -> tuple[list[tuple[int, int]], list[list[tuple[int, int]]]]:
    """The sentences of ``text`` and the clauses of each: what ``sentences`` and ``_sentence_clauses`` give.

    In a text without quote marks, "," ":" or "." (no quote to keep whole, no "1,000" or "9:00", no full stop
    inside a clause) every run of sentence ends ends a sentence and no clause runs past one: one scan then
    finds both.
    """
    if (
        "“" in text or "”" in text or "「" in text or "」" in text or "『" in text or "』" in text
        or "," in text or ":" in text or "." in text
    ):  # fmt: skip
        found = sentences(text)
        return found, _sentence_clauses(text, found)
    spans: list[tuple[int, int]] = []
    parts: list[list[tuple[int, int]]] = []
    start = 0
    mine: list[tuple[int, int]] = []
    for m in _PIECES.finditer(text):
        if m.lastindex:
            end = m.end()
            spans.append((start, end))
            parts.append(mine)
            start, mine = end, []
        else:
            mine.append(m.span())
    if start < len(text):
        spans.append((start, len(text)))
        parts.append(mine)
    return spans, parts


#: Numbers that may open a list item inside a sentence ("①定期走访、②公开承诺").
_ITEM_NUMBERS = "".join(chr(c) for c in range(0x2460, 0x249C))
#: What a list item is stripped of at both ends.
_ITEM_EDGES = " " + _QUOTES_AND_ENDS


# ---------------------------------------------------------------- Chinese definitions and principles


@functools.cache
def _subject_edges() -> tuple[re.Pattern[str], re.Pattern[str]]:
    w = _words()
    lead = re.compile(f"^(?:{datafiles.alternation(w['zh_subject_lead'])})[，, \u3000{_QUOTE_CHARS}]*")
    tail = re.compile(f"(?:{datafiles.alternation(w['zh_subject_tail'])})$")
    return lead, tail


def _by_edge(words: Iterable[str], index: int) -> dict[str, tuple[str, ...]]:
    """``words`` grouped by their first (index 0) or last (index -1) character.

    ``s.startswith(table.get(s[:1], ()))`` then asks the same as ``s.startswith(words)`` but compares only the
    few words that can match, not the whole list.
    """
    table: dict[str, list[str]] = {}
    for word in words:
        table.setdefault(word[index], []).append(word)
    return {edge: tuple(group) for edge, group in table.items()}


@functools.cache
def _subject_affixes() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """What a subject the edge regexes can trim starts with, and ends with ($ also matches before a final newline):
    by first and by last character."""
    w = _words()
    return _by_edge(w["zh_subject_lead"], 0), _by_edge((*w["zh_subject_tail"], "\n"), -1)


_SUBJECT_EDGE_CHARS = " \t\u3000" + _QUOTE_CHARS


def _strip_subject(s: str) -> str:
    """The subject without leading connectives and trailing adverbs ("因此，党群关系始终" → "党群关系")."""
    s = s.strip(_SUBJECT_EDGE_CHARS)
    if len(s) > 3 * _SUBJECT_MAX:
        return ""  # far too long for a subject: do not spend time trimming it
    # the regexes run only where one of their words can match
    leads, tails = _subject_affixes()
    if s.startswith(leads.get(s[:1], ())):
        lead = _subject_edges()[0]
        while s.startswith(leads.get(s[:1], ())) and (m := lead.match(s)) and m.end() < len(s):
            s = s[m.end() :]
    if s.endswith(tails.get(s[-1:], ())):
        tail = _subject_edges()[1]
        while s.endswith(tails.get(s[-1:], ())) and (m := tail.search(s)) and m.start() > 0:
            s = s[: m.start()].rstrip()
    return s.strip(_QUOTE_CHARS)


def _good_subject(s: str) -> bool:
    """A noun phrase worth asking about: not a pronoun, not "这/那…", not a bare "……的" ("照出的是…")."""
    return (
        2 <= len(s) <= _SUBJECT_MAX
        and s not in _word_set("zh_no_speaker")
        and not s.startswith(("这", "那"))
        and not s.endswith("的")
    )


@functools.cache
def _copula_pattern() -> re.Pattern[str]:
    before = re.escape(_words()["zh_not_copula_before"])
    after = re.escape(_words()["zh_not_copula_after"])
    # 是 first, so the regex engine searches for it directly; the look-behind then checks the character before it
    return re.compile(f"是(?<![{before}]是)(?![{after}是])")


def _copula(clause: str) -> int:
    """The index of the first 是 in ``clause`` that is a copula (not 不是, 但是, 于是, 是否 …), or -1."""
    m = _copula_pattern().search(clause)
    return m.start() if m else -1


@functools.cache
def _heads() -> dict[str, tuple[str, ...]]:
    """The head nouns a predicate can end with (those of 2 to 8 characters: a predicate's last 8 are looked at),
    by their last character."""
    return _by_edge((h for h in _words()["zh_heads"] if 2 <= len(h) <= 8), -1)


def _ends_with_head(predicate: str) -> bool:
    return predicate.endswith(_heads().get(predicate[-1:], ()))


class _Found(NamedTuple):
    """A claim as found in a paragraph: where it starts and its fields (the id comes last, in find_claims)."""

    offset: int
    point: str | None
    kind: str
    text: str
    subject: str = ""
    predicate: str = ""
    attribution: str = ""
    items: tuple[str, ...] = ()
    key: str = ""  # the text the claim's id is derived from, when not its text
    # [2:8], (kind, text, subject, predicate, attribution, items), is what a Claim takes after its id and point, in
    # its order: one slice gives the Claim's fields and the key a duplicate is found by

    def claim(self, cid: str) -> Claim:
        return Claim(cid, self.point, *self[2:8])


def _found(
    offset: int,
    point: str | None,
    kind: str,
    text: str,
    subject: str = "",
    predicate: str = "",
    attribution: str = "",
    items: tuple[str, ...] = (),
    key: str = "",
) -> _Found:
    return _Found(offset, point, kind, text.strip(), subject, predicate, attribution, items, key)


#: An enumeration found in a clause, before it is widened to its sentence: (offset, text, items).
_Listing = tuple[int, str, tuple[str, ...]]


def _in_sentence(found: list[_Listing], point: str | None, text: str, s: int, e: int) -> list[_Found]:
    """Enumerations found inside a clause, with the whole sentence as their text (their id stays the clause's)."""
    # spaces and the end mark go; quote marks stay, so a sentence that opens with a quote keeps it whole
    whole = text[s:e].strip(" \t\u3000\n").rstrip(_SENTENCE_ENDS + ".…").rstrip()
    return [
        _Found(offset, point, "enumeration", whole, items=items, key=own)
        if whole and own in whole
        else _Found(offset, point, "enumeration", own, items=items)
        for offset, own, items in found
    ]


def _zh_sentence_claims(text: str, s: int, e: int, point: str | None, parts: Sequence[tuple[int, int]]) -> list[_Found]:
    pats = _patterns()
    out: list[_Found] = []
    sentence = text[s:e]
    if "所" in sentence and (m := pats["suowei"].search(sentence)):
        subject, predicate = m.group(1).strip(), m.group(2).strip().rstrip("。")
        if _good_subject(subject):
            out.append(_found(s + m.start(), point, "definition", m.group(0), subject, predicate))
    last_subject: tuple[int, str] | None = None  # (clause start, subject) for clauses that start with 是
    # (clause start, what comes before its 是) of the clauses since, which hold no claim: their subject, if
    # good, is the last one ("人民是历史的创造者，是……的根本动力"); few clauses need it, so it waits until one does
    unclaimed: list[tuple[int, str]] = []
    for cs, ce in parts:
        clause = text[cs:ce]
        if len(clause) < 4 or ("是" not in clause and "在于" not in clause and "指" not in clause):
            continue  # every pattern holds 是, 在于 or 指
        copula = _copula(clause)
        found = _zh_clause_claim(clause, copula)
        if found is None:
            if copula > 0:
                unclaimed.append((cs, clause[:copula]))
            continue
        kind, subject, predicate = found
        if not subject:
            last_subject = _latest_subject(last_subject, unclaimed)
            unclaimed.clear()
            if last_subject is not None:
                span = text[last_subject[0] : ce]
                out.append(_found(last_subject[0], point, kind, span, last_subject[1], predicate))
            continue
        last_subject = (cs, subject)
        unclaimed.clear()
        if kind == "definition" and ce < e:
            # "群众路线是指A、B，C、D的工作方法": a definition runs to the end of its sentence
            whole = text[cs:e].strip().rstrip(_SENTENCE_ENDS + "；;").rstrip()
            rest = whole[len(clause) :]
            longer = predicate + rest
            # not when the rest of the sentence says something else ("……，Y是Z的根本保证")
            if len(longer) <= _PREDICATE_MAX and whole.startswith(clause) and "是" not in rest:
                out.append(_found(cs, point, kind, whole, subject, longer, key=clause))
                continue
        out.append(_found(cs, point, kind, clause, subject, predicate))
    return out


def _latest_subject(last: tuple[int, str] | None, unclaimed: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
    """The subject a clause starting with 是 takes: that of the latest clause before it with a good one."""
    for cs, before in reversed(unclaimed):
        if _good_subject(subject := _strip_subject(before)):
            return cs, subject
    return last


def _zh_clause_claim(clause: str, copula: int) -> tuple[str, str, str] | None:
    """(kind, subject, predicate) of a definitional or principle clause; subject "" when the clause starts with 是.

    ``copula`` is the index of the clause's copula 是, or -1.
    """
    pats = _patterns()
    if m := pats["definition"].search(clause):
        subject, predicate = _strip_subject(clause[: m.start()]), clause[m.end() :].strip()
        if _good_subject(subject) and 2 <= len(predicate) <= _PREDICATE_MAX and "所谓" not in clause:
            return "definition", subject, predicate
    if "的" in clause and (m := pats["relation"].search(clause)):  # the pattern opens with 的
        subject, predicate = _strip_subject(clause[: m.start()]), clause[m.end() :].strip()
        if _good_subject(subject) and 2 <= len(predicate) <= _PREDICATE_MAX:
            return "principle", subject, predicate
    i = copula
    if i < 0:
        return None
    predicate = clause[i + 1 :].strip()
    if not (2 <= len(predicate) <= _PREDICATE_MAX and _ends_with_head(predicate)):
        return None
    raw = clause[:i].strip(" \t\u3000" + _QUOTE_CHARS)
    if not raw or raw in _word_set("zh_subject_tail"):  # "（始终）是……的根本指标": the previous clause's subject
        return "principle", "", predicate
    subject = _strip_subject(raw)
    if _good_subject(subject) and subject in clause:
        return "principle", subject, predicate
    return None


# ---------------------------------------------------------------- quotes


#: Adverbs between a speaker and the speech verb, taken off in this order ("马克思曾经指出" → "马克思").
_SPEAKER_ADVERBS = ("曾经", "早就", "早已", "明确", "深刻", "曾", "也", "还", "就", "都", "一再", "反复")


def _zh_speaker(prefix: str) -> str:
    """The speaker named at the end of ``prefix`` ("正如党的十六大报告所指出的：" → "党的十六大报告")."""
    pats = _patterns()
    tail = prefix[-48:]
    m = pats["zh_speech_end"].search(tail)
    if not m:
        return ""
    who = tail[: m.start()]
    for sep in "，,；;。：:":
        who = who.rsplit(sep, 1)[-1]
    who = who.strip()
    for lead in ("正如", "正像", "诚如", "恰如", "就像", "如同", "如"):
        if who.startswith(lead):
            who = who[len(lead) :]
            break
    if who.endswith("所"):
        who = who[:-1]
    if who.endswith(_SPEAKER_ADVERBS):  # most speakers end with none: skip the walk
        for adverb in _SPEAKER_ADVERBS:
            if who.endswith(adverb) and len(who) > len(adverb):
                who = who[: -len(adverb)]
    who = who.strip(" \t" + _QUOTE_CHARS)
    if not 2 <= len(who) <= 24 or who in _word_set("zh_no_speaker") or who.startswith(("我", "你", "有")):
        return ""  # 有人说, 有学者指出: nobody in particular
    return who


def _is_coinage(content: str, language: str) -> bool:
    if language == "en":
        return len(content.split()) <= COINAGE_MAX_EN_WORDS
    return len(content) <= COINAGE_MAX_ZH


_QUOTE_OPENERS = re.compile('[“「『"]')
_ZH_QUOTE_OPENERS = re.compile(f"[{_OPEN_QUOTES}]")


def quoted_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the content of each “…” / 「…」 / "…" quote in ``text``, outermost only."""
    i = 0
    while m := _QUOTE_OPENERS.search(text, i):
        ch = m.group()
        close = '"' if ch == '"' else _CLOSE_QUOTES[_OPEN_QUOTES.index(ch)]
        j = text.find(close, m.end())
        if j < 0:
            return
        yield m.end(), j
        i = j + 1


class _Quote(NamedTuple):
    start: int
    end: int
    content: str
    speaker: str


def _quotes(text: str, language: str, spans: Sequence[tuple[int, int]] | None = None) -> list[_Quote]:
    """Every quoted span of ``text`` with the speaker named before (or, in English, after) it."""
    if not ("“" in text or "「" in text or "『" in text or '"' in text):
        return []  # what _QUOTE_OPENERS finds, without a regex scan of every paragraph
    sentence_starts = [s for s, _ in (sentences(text) if spans is None else spans)] or [0]
    out: list[_Quote] = []
    k = 0
    for qs, qe in quoted_spans(text):
        content = text[qs:qe].strip()
        if not content:
            continue
        while k + 1 < len(sentence_starts) and sentence_starts[k + 1] < qs:
            k += 1
        prefix = text[sentence_starts[k] : qs - 1]
        speaker = _zh_speaker(prefix) if language == "zh" else _en_speaker(prefix, text[qe + 1 : qe + 80])
        out.append(_Quote(qs, qe, content, speaker))
    return out


def coinages(text: str, language: str = "zh", spans: Sequence[tuple[int, int]] | None = None) -> Iterator[str]:
    """Short quoted expressions nobody is quoted as saying ("鱼水关系", "权本位"): terms, not quotes."""
    return _coinages(_quotes(text, language, spans), language)


def _coinages(quotes: Iterable[_Quote], language: str) -> Iterator[str]:
    for q in quotes:
        content = q.content.strip("，,。.、；;：:!?！？")
        if (
            not q.speaker
            and content
            and _is_coinage(content, language)
            and any(c.isalnum() for c in content)
            and not any(ch in content for ch in "，,。；;！？!?")
        ):
            yield content


def _quote_claims(
    text: str, point: str | None, language: str, spans: Sequence[tuple[int, int]], quotes: Iterable[_Quote]
) -> list[_Found]:
    pats = _patterns()
    out: list[_Found] = []
    covered_until = -1
    for q in quotes:
        said = q.content.rstrip("，,。.!?！？")
        if q.speaker and (len(said) >= 4 if language == "zh" else len(said.split()) >= 2):
            covered_until = q.end
            out.append(_found(q.start, point, "quote", said, attribution=q.speaker))
    if language != "zh":
        return out
    # a strong verb found in no sentence's opening where the whole paragraph holds none
    strong = pats["zh_speech_strong"].search(text) is not None
    if not strong and "：" not in text:
        return out
    quoted = "“" in text or "「" in text or "『" in text
    # Unquoted speech: "马克思指出：……。" or "马克思早就指出过，……。"
    for s, e in spans:
        if s < covered_until or (quoted and _ZH_QUOTE_OPENERS.search(text, s, e)):
            continue
        m = pats["zh_speech_strong"].search(text, s, min(e, s + 48)) if strong else None
        if not m:
            colon = text.find("：", s, min(e, s + 48))
            if colon < 0:
                continue
            m = pats["zh_speech_end"].search(text[s : colon + 1])
            if not m:
                continue
            end = colon + 1
        else:
            end = m.end()
        speaker = _zh_speaker(text[s:end])
        said = text[end:e].strip().rstrip("。！？!?")
        if speaker and len(said) > COINAGE_MAX_ZH:
            out.append(_found(end, point, "quote", said, attribution=speaker))
    return out


_EN_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "you", "it", "someone", "people", "one"})


def _en_speaker(prefix: str, after: str) -> str:
    pats = _patterns()
    tail = prefix[-120:].rstrip()
    if m := pats["en_speech_end"].search(tail):
        who = tail[: m.start()].strip()
        for sep in ",;:.":
            who = who.rsplit(sep, 1)[-1]
        who = re.sub(r"^(?:as|and|but|so)\s+", "", who.strip(), flags=re.IGNORECASE)
        who = re.sub(r"\s+(?:once|famously|has|had|also|rightly|memorably)$", "", who)
        if 2 <= len(who) <= 60 and who.lower() not in _EN_PRONOUNS:
            return who
    if m := pats["en_speech_after"].match(after):
        who = m.group(1).strip()
        if who.lower() not in _EN_PRONOUNS:
            return who
    return ""


# ---------------------------------------------------------------- enumerations


def _nearest(bounds: list[int], lo: int, hi: int, target: int) -> int | None:
    """The offset of bounds[lo:hi] (sorted) nearest to ``target``, the smaller of two as near; None if there is none."""
    if lo >= hi:
        return None
    k = bisect.bisect_left(bounds, target, lo, hi)
    if k == hi:
        return bounds[hi - 1]
    if k == lo or bounds[k] == target:
        return bounds[k]
    # bounds[k - 1] < target < bounds[k]: the left one wins a tie
    return bounds[k - 1] if target - bounds[k - 1] <= bounds[k] - target else bounds[k]


def _tail_item(s: int, e: int, size: int, bounds: list[int] | None) -> int:
    """Where the first item of a list starts in text[s:e]: about ``size`` characters before e, at a word boundary."""
    if e - s <= size + 1:
        return s
    if bounds:
        lo = bisect.bisect_left(bounds, max(s, e - size - 4))
        start = _nearest(bounds, lo, bisect.bisect_left(bounds, e, lo), e - size)
        return s if start is None else start
    return e - size


def _head_item(s: int, e: int, size: int, bounds: list[int] | None) -> int:
    """Where the last item of a list ends inside text[s:e]."""
    if e - s <= size + 1:
        return e
    if bounds:
        lo = bisect.bisect_right(bounds, s)
        end = _nearest(bounds, lo, bisect.bisect_right(bounds, min(e, s + size + 4), lo), s + size)
        return e if end is None else end
    return s + size


def _lead_in(text: str, s: int, first: int) -> int:
    """Where an enumeration's text starts: its clause start, or its first item if a quote opens in between."""
    if first == s:
        return s
    between = text[s:first]
    return first if "“" in between or "「" in between or "『" in between or '"' in between else s


def _list_claim(unit: Unit, s: int, e: int) -> _Listing | None:
    """ "世界观、人生观、价值观": items of a 、-list inside text[s:e], a clause holding 、."""
    text = unit.text
    pieces = text[s:e].split("、")
    first_e = s + len(pieces[0])
    ls = e - len(pieces[-1])
    if len(pieces) == 2:  # "A、B和C"
        m = _patterns()["zh_and"].search(text, ls, min(e, ls + 9))
        if not m or m.start() - ls < 2 or "的" in text[ls : m.start()]:
            return None
        middle = [text[ls : m.start()]]
        size = m.start() - ls  # 2 to 8 long
        ls = m.end()
    else:
        middle = pieces[1:-1]
        lengths = sorted(map(len, middle))
        size = lengths[len(lengths) // 2]
        if not 2 <= size <= 15 or lengths[-1] > 15 or lengths[0] < 1:  # every middle item is 1 to 15 long
            return None
    bounds = unit.bounds
    start = _tail_item(s, first_e, size, bounds)
    end = _head_item(ls, e, size, bounds)
    items = tuple([x.strip(_ITEM_EDGES).lstrip(_ITEM_NUMBERS) for x in (text[start:first_e], *middle, text[ls:end])])
    if not all(items) or len(set(items)) != len(items) or all(map(str.isdigit, items)):
        return None
    return s, text[_lead_in(text, s, start) : e].strip(), items


def _shared(items: Sequence[str]) -> int:
    """How many positions hold the same character in every item (aligned at the start or at the end)."""
    front = _aligned(items)
    if len(set(map(len, items))) == 1:
        return front  # items of one length align the same way at both ends
    return max(front, _aligned([x[::-1] for x in items]))


def _aligned(items: Sequence[str]) -> int:
    """How many positions, counted from the start, hold the same character in every item.

    Each item is compared with the first, position by position; zip and map stop at the shortest item.
    """
    first = items[0]
    if len(items) == 2:
        return sum(map(operator.eq, first, items[1]))
    if len(items) == 1:
        return len(first)
    return sum(map(all, zip(*[map(operator.eq, first, x) for x in items[1:]], strict=False)))


def _any_shared(a: str, b: str) -> bool:
    """Whether two items hold the same character at some position, aligned at the start or at the end."""
    if any(map(operator.eq, a, b)):
        return True
    if len(a) == len(b):
        return False  # items of the same length align the same way at both ends
    n = min(len(a), len(b))
    return any(map(operator.eq, a[len(a) - n :], b[len(b) - n :]))


def _parallel_ok(items: Sequence[str]) -> bool:
    """Whether clauses share a skeleton: "权为民所用/情为民所系", "立党为公/执政为民"."""
    size = min(map(len, items))
    shared = _shared(items)
    if len(set(items)) != len(items) or shared >= size:
        return False
    if len(items) == 2 and shared < 2:
        # a pair sharing one character is parallel only as two four-character phrases
        # sharing an inner one (立党为公，执政为民; not 规章五件，修改三件)
        return size == 4 and all(len(x) == 4 for x in items) and any(items[0][k] == items[1][k] for k in (1, 2))
    return shared >= (2 if size >= 6 else 1)


def _parallel_claims(text: str, spans: Sequence[tuple[int, int]]) -> list[_Listing]:
    """ "权为民所用，情为民所系，利为民所谋": clauses of the same length sharing a skeleton."""
    out: list[_Listing] = []
    resume = 0  # the first clause after the last run found: runs do not overlap
    for k in range(1, len(spans)):
        c, d = spans[k]  # the second item of a run that starts one clause earlier, at k - 1
        size = d - c
        # the cheap tests first: most clauses are too long or too short to be an item
        if size > 12 or size < 2 or k <= resume:
            continue
        s, b = spans[k - 1]
        if b - s < size - 1 or (size > 8 and not _third_item(spans, k + 1, size)):
            continue  # the first clause is too short, or a pair of long clauses has no third to be a run
        # the first clause may be longer: its last ``size`` characters are the item
        a = s if b - s <= size + 1 else b - size
        first, second = text[a:b], text[c:d]
        if not _any_shared(first, second):
            continue  # no longer run can share a position either: _parallel_ok would fail on every one
        items = [first, second]
        for c, d in spans[k + 1 : k - 1 + _PARALLEL_MAX]:
            if abs(d - c - size) > 1:
                break
            item = text[c:d]
            if not _parallel_ok([*items, item]):
                break
            items.append(item)
        # a run of three or more has passed the check as it grew
        if len(items) >= 3 or (size <= 8 and _parallel_ok(items)):
            resume = k - 1 + len(items)
            out.append((s, text[_lead_in(text, s, a) : spans[resume - 1][1]].strip(), tuple(items)))
    return out


def _third_item(spans: Sequence[tuple[int, int]], k: int, size: int) -> bool:
    """Whether clause k can be the third item of a run of items ``size`` long: a pair of more than 8 needs one."""
    return k < len(spans) and abs(spans[k][1] - spans[k][0] - size) <= 1


_EN_AND = re.compile(r"(?:^|\s)(?:and|or)\s+")
_EN_WH = frozenset({"what", "why", "how", "when", "where", "who", "which", "whether"})


def _en_list_claims(unit: Unit, s: int, e: int) -> Iterator[_Found]:
    """ "X, Y, and Z" / "X, Y and Z" inside an English sentence: the first such list."""
    sentence = unit.text[s:e].strip().rstrip(".!?;")
    parts = sentence.split(", ")
    for k in range(2, len(parts)):
        m = _EN_AND.search(parts[k])
        if not m:
            continue
        if m.start() == 0:  # "X, Y, and Z"
            middles, last = parts[1:k], parts[k][m.end() :]
        else:  # "X, Y and Z"
            middles, last = [*parts[1:k], parts[k][: m.start()]], parts[k][m.end() :]
        size = len(middles[-1].split())
        if not 1 <= size <= 5:
            return
        # The list starts where the parts stop looking like its items.
        start = len(middles) - 1
        while start > 0 and len(middles[start - 1].split()) <= max(3, 2 * size):
            start -= 1
        head = parts[0] if start == 0 else middles[start - 1]
        middles = middles[start:]
        head_words = head.split()
        first = " ".join(head_words[-size:]).split(":")[-1]
        last_item = " ".join(last.split()[:size])
        if (
            middles[-1].split()[:1] and middles[-1].split()[0].lower() in _EN_WH
        ):  # "what X is, why Y matters, and how to Z": clauses
            wh = [k for k, w in enumerate(head_words) if w.lower() in _EN_WH]
            first = " ".join(head_words[wh[-1] :]) if wh else first
            last_item = last.strip()
        items = tuple(x.strip(" :;") for x in [first, *middles, last_item])
        if all(items) and len(set(items)) == len(items):
            yield _found(s, unit.point, "enumeration", sentence, items=items)
        return


_EN_SEQUENCE = {"First": 1, "Firstly": 1, "Second": 2, "Secondly": 2, "Third": 3, "Thirdly": 3, "Fourth": 4,
                "Fourthly": 4, "Fifth": 5, "Finally": -1, "Lastly": -1}  # fmt: skip
_ZH_SEQUENCE = {"首先": 1, "其次": 2, "再次": 3, "最后": -1}
_INLINE_EN = re.compile(r"(?:^|(?<=[.;:!?] ))(" + "|".join(sorted(_EN_SEQUENCE, key=len, reverse=True)) + r"), ")
#: A marker; it counts at the start of the paragraph or after one of _INLINE_ZH_AFTER. That test is made on each
#: match, not by a look-behind, so that the regex engine skips ahead to the marker's first character.
_INLINE_ZH = re.compile(r"(首先|其次|再次|最后|([一二三四五六七八九十])是|第([一二三四五六七八九十])[，,、])")
_INLINE_ZH_AFTER = "。；;：:，,！？"
_INLINE_ITEM_END = {"en": re.compile(r"[,;:.!?]"), "zh": re.compile(r"[，,；;。：:！？!?]")}
_ZH_ORDINALS = "一二三四五六七八九十"


def _inline_sequence_claims(unit: Unit, language: str) -> list[_Found]:
    """ "First, … Second, … Finally, …" / "一是……二是……" / "首先……其次……" inside one paragraph."""
    text = unit.text
    # every run opens with its first marker: without one, no run can form
    if not (("First" in text) if language == "en" else ("首先" in text or "一是" in text or "第一" in text)):
        return []
    found: list[tuple[str, int, int, int]] = []  # (family, ordinal, marker start, item start)
    if language == "en":
        for m in _INLINE_EN.finditer(text):
            found.append(("en", _EN_SEQUENCE[m.group(1)], m.start(), m.end()))
    else:
        for m in _INLINE_ZH.finditer(text):
            if m.start() and text[m.start() - 1] not in _INLINE_ZH_AFTER:
                continue  # a marker inside a phrase; no other can start inside it
            if m.group(2) or m.group(3):
                family = "是" if m.group(2) else "第"
                ordinal = _ZH_ORDINALS.index(m.group(2) or m.group(3)) + 1
            else:
                family, ordinal = "序", _ZH_SEQUENCE[m.group(1)]
            found.append((family, ordinal, m.start(), m.end()))
    runs: dict[str, list[tuple[int, int, int]]] = {}
    for family, ordinal, start, item in found:
        run = runs.setdefault(family, [])
        expected = len(run) + 1
        if ordinal == expected or (ordinal == -1 and run):
            run.append((ordinal, start, item))
        elif ordinal == 1:
            run[:] = [(ordinal, start, item)]
    end_of_item = _INLINE_ITEM_END["en" if language == "en" else "zh"]
    out: list[_Found] = []
    for run in runs.values():
        if len(run) < 2:
            continue
        items = []
        end = run[0][2]
        for _, _, item in run:
            stop = end_of_item.search(text, item)
            end = stop.start() if stop else len(text)
            items.append(text[item:end].strip())
        if all(items) and len(set(items)) == len(items):
            out.append(_found(run[0][1], unit.point, "enumeration", text[run[0][1] : end], items=tuple(items)))
    return out


# ---------------------------------------------------------------- English definitions and principles


def _en_subject(s: str) -> str:
    s = s.strip().strip(_QUOTE_CHARS)
    leads = _sorted_words("en_subject_lead")
    lowered = s.lower()
    for w in leads:
        if lowered.startswith(w + ",") or lowered.startswith(w + " "):
            s = s[len(w) :].lstrip(", ")
            break
    return s if 1 <= len(s.split()) <= 12 else ""


def _en_sentence_claims(text: str, s: int, e: int, point: str | None) -> Iterator[_Found]:
    s, e = _trim(text, s, e)
    sentence = text[s:e]
    if len(sentence) > 600:
        return
    pats = _patterns()
    body = _strip_en_lead(sentence)
    if m := pats["en_relation"].match(body):
        rest = body[m.end() :]
        if k := pats["en_is"].search(rest):
            subject, predicate = rest[: k.start()].strip(), _en_clause(rest[k.end() :])
            if subject and predicate and len(subject.split()) <= 12:
                yield _found(s, point, "principle", sentence, subject, predicate)
                return
    if m := pats["en_definition"].search(sentence):
        subject, predicate = _en_subject(sentence[: m.start()]), _en_clause(sentence[m.end() :])
        if subject and predicate:
            yield _found(s, point, "definition", sentence, subject, predicate)
            return
    if m := pats["en_head"].search(sentence):
        subject, predicate = _en_subject(sentence[: m.start()]), _en_clause(m.group(1))
        if subject:
            yield _found(s, point, "principle", sentence, subject, predicate)


_EN_CLAUSE_END = re.compile(r"[,:;](?=\s)|\s[-–—]\s")


def _en_clause(text: str) -> str:
    """``text`` up to its first clause break ("the engine of memory, spacing decides …" → "the engine of memory")."""
    m = _EN_CLAUSE_END.search(text)
    return (text[: m.start()] if m else text).strip()


@functools.cache
def _en_lead_commas() -> tuple[str, ...]:
    """What a sentence opening with a lead word and a comma starts with ("in fact, ")."""
    return tuple(w + ", " for w in _sorted_words("en_subject_lead"))


def _strip_en_lead(sentence: str) -> str:
    lowered = sentence.lower()
    if not lowered.startswith(_en_lead_commas()):
        return sentence  # most sentences open with no lead word: skip the walk
    for w in _sorted_words("en_subject_lead"):
        if lowered.startswith(w + ", "):
            return sentence[len(w) + 2 :]
    return sentence


# ---------------------------------------------------------------- all together


def unit_claims(unit: Unit, language: str = "zh", spans: Sequence[tuple[int, int]] | None = None) -> list[Claim]:
    """The claims of one paragraph, in the order they appear (ids not yet set)."""
    parts = None
    if spans is None and language == "zh":
        spans, parts = sentence_clauses(unit.text)
    elif spans is None:
        spans = sentences(unit.text)
    quotes = _quotes(unit.text, language, spans)
    return [f.claim("") for f in _unit_found(unit, language, spans, quotes, parts, set())]


_offset = operator.itemgetter(0)  # of a _Found


def _unit_found(
    unit: Unit,
    language: str,
    spans: Sequence[tuple[int, int]],
    quotes: Iterable[_Quote],
    parts: Sequence[Sequence[tuple[int, int]]] | None,
    done: set[str],
) -> list[_Found]:
    """The claims of one paragraph; ``parts`` are the clauses of each sentence (of a Chinese one), if known.

    ``done`` holds the Chinese sentences already looked at in the document, and takes this paragraph's. A sentence
    seen before yields the same definitions, principles and parallel runs (they are found in its own text), which the
    document drops as duplicates: they are not looked for again. Its lists are, as they also depend on where the
    paragraph's segmentation puts word boundaries.
    """
    found = _quote_claims(unit.text, unit.point, language, spans, quotes)
    text = unit.text
    if language == "zh":
        # every definition or principle pattern holds 是, 在于 or 指, and every list 、:
        # skip the sentences without them, and all sentences of a paragraph without them
        copular = "是" in text or "在于" in text or "指" in text
        listing = "、" in text
        if parts is None:
            parts = _sentence_clauses(text, spans)
        for (s, e), clauses in zip(spans, parts, strict=True):
            sentence = text[s:e]
            new = sentence not in done
            if new:
                done.add(sentence)
                if copular and ("是" in sentence or "在于" in sentence or "指" in sentence):
                    found.extend(_zh_sentence_claims(text, s, e, unit.point, clauses))
            if listing and "、" in sentence:
                lists = [f for cs, ce in clauses if "、" in text[cs:ce] and (f := _list_claim(unit, cs, ce))]
                if lists:
                    found.extend(_in_sentence(lists, unit.point, text, s, e))
            if new and len(clauses) > 1 and (parallel := _parallel_claims(text, clauses)):
                found.extend(_in_sentence(parallel, unit.point, text, s, e))
    else:
        for s, e in spans:
            found.extend(_en_sentence_claims(text, s, e, unit.point))
            found.extend(_en_list_claims(unit, s, e))
    found.extend(_inline_sequence_claims(unit, language))
    if len(found) > 1:
        found.sort(key=_offset)
    return found


def _segmented_alike(a: Unit, b: Unit) -> bool:
    """Whether two paragraphs of one text have the same segmentation, and so the same word boundaries."""
    return a.words == b.words and a.tagged == b.tagged


@dataclass(frozen=True)
class Findings:
    """What the claim finder found in a document: its claims and its quoted coinages."""

    claims: tuple[Claim, ...]
    coinages: tuple[str, ...]


def find_claims(units: Sequence[Unit], doc_id: str, language: str = "zh") -> Findings:
    """The claims of a document, each once, with ids stable across runs and body edits elsewhere."""
    out: list[Claim] = []
    coined: list[str] = []
    seen_keys: set[tuple[Any, ...]] = set()
    seen_ids: dict[str, int] = {}
    bullets = _BulletRun(language)
    done: set[str] = set()  # the sentences looked at
    # the paragraphs looked at, by text: the first with that text, and its coinages
    paragraphs: dict[str, tuple[Unit, list[str]]] = {}
    zh = language == "zh"
    for unit in units:
        first = paragraphs.get(unit.text)
        if first is not None and _segmented_alike(first[0], unit):
            # a paragraph seen before yields the same claims, all dropped below as duplicates, and the same coinages
            coined.extend(first[1])
            found = []
        else:
            parts = None
            if zh:
                spans, parts = sentence_clauses(unit.text)
            else:
                spans = sentences(unit.text)
            quotes = _quotes(unit.text, language, spans)
            coins = list(_coinages(quotes, language)) if quotes else []
            coined.extend(coins)
            paragraphs.setdefault(unit.text, (unit, coins))
            found = _unit_found(unit, language, spans, quotes, parts, done)
        if bullets.lines or unit.text[:1] in _BULLETS:  # else no run ends or starts here
            found = [*bullets.feed(unit), *found]
        for f in found:
            fields = f[2:8]
            if fields in seen_keys:
                continue
            seen_keys.add(fields)
            kind, text, subject, _, attribution, items = fields
            # an enumeration keeps the id of its clause, so widening its text to the sentence changes no id
            base = "c" + short_hash(doc_id, kind, f.key or text, subject, attribution, "\x1e".join(items))
            n = seen_ids.get(base, 0) + 1
            seen_ids[base] = n
            out.append(Claim(base if n == 1 else f"{base}-{n}", f.point, *fields))
    for f in bullets.feed(None):
        base = "c" + short_hash(doc_id, f.kind, f.text, "\x1e".join(f.items))
        if f[2:8] not in seen_keys:
            out.append(Claim(id=base, point=f.point, kind=f.kind, text=f.text, items=f.items))
    return Findings(tuple(out), tuple(coined))


_BULLETS = "-*+•·▪●○■◆◇▶"
_BULLET = re.compile(rf"[{re.escape(_BULLETS)}][ \t\u3000]+(?=\S)")
_BULLET_ITEM_END = re.compile(r"[。！？；;!?：:]|\.(?=\s|$)")


class _BulletRun:
    """Consecutive bullet paragraphs ("- fewer hours;", "• 问题导向") of one point: an enumeration."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.lines: list[str] = []
        self.items: list[str] = []
        self.point: str | None = None

    def feed(self, unit: Unit | None) -> list[_Found]:
        """Take the next paragraph (None at the end); the enumeration of a run that ends here, if any."""
        m = _BULLET.match(unit.text) if unit is not None and unit.text[:1] in _BULLETS else None
        if m is None and not self.lines:
            return []  # no run, and none starts here
        if unit is not None and m and (not self.lines or unit.point == self.point):
            self._add(unit, m.end())
            return []
        done = self._flush()
        if unit is not None and m:
            self._add(unit, m.end())
        return done

    def _add(self, unit: Unit, start: int) -> None:
        content = unit.text[start:]
        stop = _BULLET_ITEM_END.search(content)
        self.lines.append(unit.text)
        self.items.append(content[: stop.start()].strip() if stop else content.strip())
        self.point = unit.point

    def _flush(self) -> list[_Found]:
        lines, items, point = self.lines, tuple(self.items), self.point
        self.lines, self.items, self.point = [], [], None
        if len(items) < 2 or not all(items) or len(set(items)) != len(items):
            return []
        return [_found(0, point, "enumeration", "\n".join(lines), items=items)]
