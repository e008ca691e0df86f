"""Extract a study-set Document from clean text: outline, claims, terms, warnings.

Each paragraph is segmented once; the outline, the claim finder and the term
weights all read that one segmentation.
"""

from __future__ import annotations

from collections.abc import Sequence

from .claims import Unit, find_claims
from .model import LANGUAGES, CleanText, Document, Term
from .names import slug
from .outline import build_outline
from .terms import Tagged, tag, weigh


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
    weighed = weigh(list(zip(outline.content, tagged, strict=True)), titles, found.coinages, language)
    texts = _point_texts(outline.content, outline.owner)
    terms = tuple(
        Term(term=t.term, weight=t.weight, points=_holders(t.term, texts, outline.content, outline.owner))
        for t in weighed
    )
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


#: Joins the paragraphs of a point, so that one search covers them all (a term holding it is searched per paragraph).
_JOIN = "\x00"


def _point_texts(content: Sequence[str], owner: Sequence[str | None]) -> dict[str, tuple[str, str]]:
    """Per point, in document order: its own paragraphs joined, as written and lower-cased."""
    paragraphs: dict[str, list[str]] = {}
    for text, point in zip(content, owner, strict=True):
        if point is not None:
            paragraphs.setdefault(point, []).append(text)
    return {point: (_JOIN.join(texts), _JOIN.join(t.lower() for t in texts)) for point, texts in paragraphs.items()}


def _holders(
    term: str, texts: dict[str, tuple[str, str]], content: Sequence[str], owner: Sequence[str | None]
) -> tuple[str, ...]:
    """The points whose own paragraphs hold ``term`` (case-insensitive for English), in document order."""
    low = term.lower()
    if _JOIN in term:
        found: dict[str, None] = {}
        for text, point in zip(content, owner, strict=True):
            if point is not None and point not in found and (term in text or low in text.lower()):
                found[point] = None
        return tuple(found)
    return tuple(point for point, (text, lowered) in texts.items() if term in text or low in lowered)


def _prefix(tagged: Tagged, length: int) -> Tagged:
    """The words of a paragraph that lie within its first ``length`` characters (a point's title)."""
    out: list[tuple[str, str]] = []
    seen = 0
    for word, flag in tagged:
        seen += len(word)
        if seen > length:
            break
        out.append((word, flag))
    return tuple(out)
