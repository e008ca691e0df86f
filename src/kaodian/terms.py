"""Key terms of a document: segmented nouns and quoted coinages, weighted TF-IDF style.

The weight of a term is its frequency (title occurrences count extra) times a
length factor (longer words are more specific) times a log-scaled inverse of
the share of paragraphs it appears in, scaled so that the top term weighs 1.
Common words are kept out by the stop-word lists in ``resources/``.
"""

from __future__ import annotations

import functools
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


def _zh_candidates(tagged: Tagged, stop: frozenset[str]) -> list[str]:
    # one comprehension, not a generator: this runs for every word of the document
    return [
        word
        for word, flag in tagged
        if flag in NOUN_TAGS and len(word) >= 2 and word not in stop and not word.isdigit() and not word.isascii()
    ]


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
    stop = stopwords(language)
    tf: dict[str, int] = {}
    df: dict[str, int] = {}
    forms: dict[str, dict[str, int]] = {}

    def words_of(text: str, tagged: Tagged, phrases: bool = True) -> list[str]:
        if language == "zh":
            return _zh_candidates(tagged, stop)
        return [w for w in _en_candidates(text, stop) if phrases or " " not in w]

    def count(word: str, n: int = 1) -> str:
        key = word if language == "zh" else word.lower()
        tf[key] = tf.get(key, 0) + n
        forms.setdefault(key, {})
        forms[key][word] = forms[key].get(word, 0) + n
        return key

    for text, tagged in units:
        # a paragraph's repeats counted at once (first occurrences keep their order)
        present = {count(w, n) for w, n in Counter(words_of(text, tagged)).items()}
        for key in present:
            df[key] = df.get(key, 0) + 1
    if language == "en":
        # A two-word phrase is a term only if it recurs in the body.
        for key in [k for k in tf if " " in k and tf[k] < 2]:
            del tf[key]
    for title in titles:
        if isinstance(title, str):
            for w in words_of(title, (), phrases=False):
                count(w, TITLE_BOOST)
        else:
            for w in words_of("".join(word for word, _ in title), title):
                count(w, TITLE_BOOST)
    coined: set[str] = set()
    for c in coinages:
        key = count(c)
        coined.add(key)
        df[key] = max(df.get(key, 0), 1)
    if language == "en":
        _merge_plurals(tf, df, forms)
    n = max(1, len(units))
    scores: dict[str, float] = {}
    for key, freq in tf.items():
        length = len(key) if language == "zh" else len(key.split()) * 3
        idf = math.log(1 + n / max(1, df.get(key, 1)))
        score = freq * math.log2(1 + min(length, 8)) * idf
        if key in coined:
            score *= COINAGE_BOOST
        scores[key] = score
    if not scores:
        return ()
    best = max(scores.values())
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    # The author's own coinages always make the list (up to a third of it).
    kept = [kv for kv in ranked if kv[0] in coined][: max(1, top // 3)]
    kept += [kv for kv in ranked if kv[0] not in coined][: top - len(kept)]
    ranked = kept
    terms = [Term(term=_surface(forms[k]), weight=round(v / best, 4)) for k, v in ranked]
    return tuple(sorted(terms, key=lambda t: (-t.weight, t.term)))


def _merge_plurals(tf: dict[str, int], df: dict[str, int], forms: dict[str, dict[str, int]]) -> None:
    """Count "cells" as "cell" when both occur (a plain plural -s; no dictionary needed)."""
    for key in sorted(tf):
        singular = key[:-1]
        if key.endswith("s") and not key.endswith("ss") and singular in tf:
            tf[singular] += tf.pop(key)
            df[singular] = max(df.get(singular, 0), df.pop(key, 0))
            for form, n in forms.pop(key).items():
                forms[singular][form[:-1]] = forms[singular].get(form[:-1], 0) + n
