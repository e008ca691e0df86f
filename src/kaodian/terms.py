"""Key terms of a document: segmented nouns and quoted coinages, weighted TF-IDF style.

The weight of a term is its frequency (title occurrences count extra) times a
length factor (longer words are more specific) times a log-scaled inverse of
the share of paragraphs it appears in, scaled so that the top term weighs 1.
Common words are kept out by the stop-word lists in ``resources/``.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from types import ModuleType

from . import datafiles
from .model import Term

#: How many terms a document keeps.
TOP_TERMS = 30
#: rjieba part-of-speech tags that mark a candidate term.
NOUN_TAGS = frozenset({"n", "nz", "vn", "nr", "nrt", "nrfg", "ns", "nt", "l", "i", "j", "nw", "an"})
#: Extra weight for a quoted coinage: the author singled it out (and coinages always make the list).
COINAGE_BOOST = 1.5
#: Extra occurrences counted for a term in the document or a point title.
TITLE_BOOST = 2

Tagged = tuple[tuple[str, str], ...]

#: The length factor of a term's weight, by its length (in characters, or three per English word) up to 8.
_LENGTH_FACTOR = tuple(math.log2(1 + length) for length in range(9))

_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")


@functools.cache
def _rjieba() -> ModuleType:
    import rjieba  # a few hundred ms to load its dictionary: only when Chinese text is segmented

    return rjieba


@functools.cache
def stopwords(language: str) -> frozenset[str]:
    """The stop words of ``language`` ("zh" or "en"), from resources/stopwords_<language>.txt."""
    lines = (line.strip() for line in datafiles.text(f"stopwords_{language}.txt").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


def tag(text: str) -> Tagged:
    """The words of Chinese ``text`` with their part-of-speech tags (concatenated, the words give text)."""
    if not text:
        return ()
    return tuple(_rjieba().tag(text))


def _nouns(tagged: Tagged) -> list[str]:
    """The words of ``tagged`` with a noun tag: the one test made on every word of the document."""
    return [word for word, flag in tagged if flag in NOUN_TAGS]


def _not_candidates(words: Iterable[str], stop: frozenset[str]) -> list[str]:
    """The words that cannot be terms: single characters, stop words, numbers, Latin text."""
    return [word for word in words if len(word) < 2 or word in stop or word.isdigit() or word.isascii()]


def _en_candidates(text: str, stop: frozenset[str]) -> Iterable[str]:
    previous = ""
    for m in _EN_WORD.finditer(text):
        word = m.group(0)
        low = word.lower()
        if low in stop or len(low) < 3:
            previous = ""
            continue
        yield word
        if previous and text[m.start() - 1] == " ":
            yield f"{previous} {word}"
        previous = word


def _surface(forms: dict[str, int]) -> str:
    return min(forms, key=lambda f: (-forms[f], f))


def weigh(
    units: Sequence[tuple[str, Tagged]],
    titles: Sequence[str | Tagged],
    coinages: Iterable[str],
    language: str = "zh",
    top: int = TOP_TERMS,
) -> tuple[Term, ...]:
    """The top terms of a document from its paragraphs ((text, tags) each), titles and quoted coinages."""
    return tuple(Term(term=term, weight=weight) for term, weight in weighed(units, titles, coinages, language, top))


def weighed(
    units: Sequence[tuple[str, Tagged]],
    titles: Sequence[str | Tagged],
    coinages: Iterable[str],
    language: str = "zh",
    top: int = TOP_TERMS,
) -> list[tuple[str, float]]:
    """The terms of ``weigh`` as (term, weight) pairs, for a caller that builds its own Terms."""
    stop = stopwords(language)
    zh = language == "zh"
    tf: Counter[str] = Counter()
    df: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}  # English only: the spellings of each lower-cased key

    def en_words(text: str, phrases: bool = True) -> list[str]:
        return [w for w in _en_candidates(text, stop) if phrases or " " not in w]

    def count(words: list[str], n: int = 1) -> Iterable[str]:
        """Count each of ``words`` ``n`` times (repeats add up); the keys they count under."""
        if zh:  # a Chinese word is its own key and its own spelling
            tf.update(words * n)
            return set(words)
        keys: set[str] = set()
        for word in words:
            key = word.lower()
            tf[key] += n
            forms.setdefault(key, Counter())[word] += n
            keys.add(key)
        return keys

    if zh:
        _count_zh(units, titles, stop, tf, df)
    else:
        for text, _ in units:
            df.update(count(en_words(text)))
        # A two-word phrase is a term only if it recurs in the body.
        for key in [k for k in tf if " " in k and tf[k] < 2]:
            del tf[key]
        for title in titles:
            count(en_words(title if isinstance(title, str) else "".join(w for w, _ in title), False), TITLE_BOOST)
    coined: set[str] = set()
    for c in coinages:
        (key,) = count([c])
        coined.add(key)
        df[key] = max(df.get(key, 0), 1)
    if language == "en":
        merged = _merge_plurals(tf, df, forms)
        coined = {merged.get(key, key) for key in coined}  # a quoted "cells" is boosted as "cell"
    scores = _scores(tf, df, len(units), zh)
    for key in coined:
        scores[key] *= COINAGE_BOOST
    if not scores:
        return []
    best = max(scores.values())
    ranked = _ranked(scores, coined, top)
    terms = [(k if zh else _surface(forms[k]), round(v / best, 4)) for k, v in ranked]
    return sorted(terms, key=lambda t: (-t[1], t[0]))


def _count_zh(
    units: Sequence[tuple[str, Tagged]],
    titles: Sequence[str | Tagged],
    stop: frozenset[str],
    tf: Counter[str],
    df: Counter[str],
) -> None:
    """Add the candidate words of Chinese paragraphs and titles to empty ``tf`` and ``df``.

    All nouns are counted, then the tests on the word itself (length, stop words,
    digits) run once per distinct word, not once per occurrence. Each counter is
    updated once for the whole document: an update per paragraph costs more in call
    overhead than the counting itself.
    """
    nouns = [_nouns(tagged) for _, tagged in units]
    tf.update(itertools.chain.from_iterable(nouns))
    df.update(itertools.chain.from_iterable(map(set, nouns)))
    # a title given as text has no tags, hence no candidates
    in_titles = [_nouns(title) for title in titles if not isinstance(title, str)]
    tf.update(list(itertools.chain.from_iterable(in_titles)) * TITLE_BOOST)
    for word in _not_candidates(tf, stop):
        tf.pop(word)  # not del: Counter's __delitem__ is written in Python
        df.pop(word, None)  # a word of the titles only has no paragraphs


def _scores(tf: Counter[str], df: Counter[str], paragraphs: int, zh: bool) -> dict[str, float]:
    """The weight of each key before coinages are boosted and the best is scaled to 1.

    This runs for every candidate of the document: the loop avoids builtins (``min``,
    ``max``) that cost more than the arithmetic.
    """
    n = paragraphs or 1
    idf: dict[int, float] = {}  # by the number of paragraphs a term is in
    top = len(_LENGTH_FACTOR) - 1
    scores: dict[str, float] = {}
    for key, freq in tf.items():
        length = len(key) if zh else len(key.split()) * 3
        d = df.get(key, 1)  # a key of the titles only is in one paragraph
        if d not in idf:
            idf[d] = math.log(1 + n / d)
        scores[key] = freq * _LENGTH_FACTOR[length if length < top else top] * idf[d]
    return scores


def _ranked(scores: dict[str, float], coined: set[str], top: int) -> list[tuple[str, float]]:
    """The ``top`` best (key, score) pairs, best first (ties by key); the author's coinages make up to a third."""
    kept = sorted((-scores[k], k) for k in coined)[: max(1, top // 3)]
    room = top - len(kept)
    rest: list[tuple[float, str]] = []
    if room > 0:
        # the best `room` keys that are not coinages score at least the (room + coinages)-th best score:
        # a sort of the bare scores and one filter, all in C, leave a few dozen keys to rank
        values = sorted(scores.values(), reverse=True)
        floor = values[min(len(values), room + len(coined)) - 1]
        near = itertools.compress(scores, map(floor.__le__, scores.values()))
        rest = sorted((-scores[k], k) for k in near if k not in coined)[:room]
    return [(k, -v) for v, k in kept + rest]


def _merge_plurals(tf: Counter[str], df: Counter[str], forms: dict[str, Counter[str]]) -> dict[str, str]:
    """Count "cells" as "cell" when both occur (a plain plural -s; no dictionary needed).

    Returns each merged key with the key it is now counted under.
    """
    merged: dict[str, str] = {}
    for key in sorted(tf):
        singular = key[:-1]
        if key.endswith("s") and not key.endswith("ss") and singular in tf:
            merged[key] = singular
            tf[singular] += tf.pop(key)
            spread = max(df.get(singular, 0), df.pop(key, 0))
            if spread:  # a key in no paragraph (of the titles only) stays out of df
                df[singular] = spread
            for form, n in forms.pop(key).items():
                forms[singular][form[:-1]] = forms[singular].get(form[:-1], 0) + n
    return merged
