"""Extract a study-set Document from clean text: outline, claims, terms, warnings.

Each paragraph is segmented once; the outline, the claim finder and the term
weights all read that one segmentation.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence

from .claims import Unit, find_claims
from .model import LANGUAGES, CleanText, Document, Term
from .names import slug
from .outline import build_outline
from .terms import Tagged, tag, weighed


def extract(text: CleanText, doc_id: str | None = None) -> Document:
    """The Document of ``text``: its points, claims, terms and warnings; ``doc_id`` defaults to a slug of the title."""
    did = doc_id or slug(text.title)
    language = text.language if text.language in LANGUAGES else "zh"
    outline = build_outline(text.paragraphs, did, language, text.truncated)
    zh = language == "zh"
    tagged: list[Tagged] = [tag(c) if zh else () for c in outline.content]
    title_tags: Tagged = tag(text.title) if zh else ()
    units = [
        Unit(text=content, point=owner, tagged=tags)
        for content, owner, tags in zip(outline.content, outline.owner, tagged, strict=True)
    ]
    if text.title:
        units.insert(0, Unit(text=text.title, point=None, tagged=title_tags))
    found = find_claims(units, did, language)
    titles: list[str | Tagged] = [title_tags if zh else text.title]
    for point, start in zip(outline.points, outline.starts, strict=True):
        titles.append(_prefix(tagged[start], len(point.title)) if zh else point.title)
    ranked = weighed(list(zip(outline.content, tagged, strict=True)), titles, found.coinages, language)
    holders = _Holders(outline.content, outline.owner)
    terms = tuple(Term(term=term, weight=weight, points=holders.of(term)) for term, weight in ranked)
    return Document(
        id=did,
        source=text.source,
        title=text.title,
        language=language,
        truncated=text.truncated,
        warnings=tuple(text.notices) + outline.notices,
        points=outline.points,
        claims=found.claims,
        terms=terms,
    )


#: Joins the paragraphs of a document, so that one search covers them all (a term holding it is searched per paragraph).
_JOIN = "\x00"


class _Holders:
    """Finds the points whose own paragraphs hold a term, with one search of the whole document per term.

    After a hit the search resumes at the next point's first paragraph, so a term costs one
    pass over the text and a step per point holding it, however many points the document has.
    """

    def __init__(self, content: Sequence[str], owner: Sequence[str | None]) -> None:
        self.content = content
        self.owner = owner
        #: per point: its rank in document order (of its first paragraph)
        self.rank: dict[str, int] = {}
        for point in owner:
            if point is not None and point not in self.rank:
                self.rank[point] = len(self.rank)
        #: per paragraph: the next paragraph that belongs to another point (or to none)
        self.next_point = list(range(1, len(owner) + 1))
        for i in range(len(owner) - 2, -1, -1):
            if owner[i] is not None and owner[i + 1] == owner[i]:
                self.next_point[i] = self.next_point[i + 1]
        self._joined: dict[bool, tuple[str, list[int]]] = {}

    def joined(self, lowered: bool) -> tuple[str, list[int]]:
        """The paragraphs joined, as written or lower-cased, and where each starts."""
        if lowered not in self._joined:
            texts = [t.lower() for t in self.content] if lowered else list(self.content)
            starts = list(itertools.accumulate((len(t) + len(_JOIN) for t in texts[:-1]), initial=0))
            self._joined[lowered] = (_JOIN.join(texts), starts)
        return self._joined[lowered]

    def of(self, term: str) -> tuple[str, ...]:
        """The points whose own paragraphs hold ``term`` (case-insensitive for English), in document order."""
        low = term.lower()
        if _JOIN in term:
            return self._per_paragraph(term, low)
        found: set[str] = set()
        if _caseless(term):  # most Chinese terms: the text need not be lower-cased
            self._find(term, lowered=False, found=found)
            return tuple(sorted(found, key=self.rank.__getitem__))
        self._find(low, lowered=True, found=found)
        # a term already in lower case is in the lower-cased text wherever it is in the text
        if term != low:
            self._find(term, lowered=False, found=found)
        return tuple(sorted(found, key=self.rank.__getitem__))

    def _find(self, needle: str, lowered: bool, found: set[str]) -> None:
        """Add to ``found`` the points of the paragraphs that hold ``needle``."""
        if not needle:
            found.update(self.rank)
            return
        text, starts = self.joined(lowered)
        at = text.find(needle)
        while at >= 0:
            paragraph = bisect.bisect_right(starts, at) - 1
            point = self.owner[paragraph]
            if point is not None:
                found.add(point)
            after = self.next_point[paragraph]
            if after == len(starts):
                break
            at = text.find(needle, starts[after])

    def _per_paragraph(self, term: str, low: str) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for text, point in zip(self.content, self.owner, strict=True):
            if point is not None and point not in found and (term in text or low in text.lower()):
                found[point] = None
        return tuple(found)


def _caseless(term: str) -> bool:
    """Whether ``term`` is in a lower-cased text exactly where it is in the text.

    No character lower-cases to or from one between U+2E00 and U+A63F (CJK punctuation,
    kana, CJK ideographs, Yi), so a term made of those needs no lower-cased copy of the text.
    """
    return term != "" and min(term) >= "\u2e00" and max(term) <= "\ua63f"


def _prefix(tagged: Tagged, length: int) -> Tagged:
    """The words of a paragraph that lie within its first ``length`` characters (a point's title)."""
    seen = 0
    for count, (word, _) in enumerate(tagged):
        seen += len(word)
        if seen > length:
            return tagged[:count]
    return tagged
