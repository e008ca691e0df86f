"""Caches that live for one document.

Some work depends only on a piece of a document's text (a sentence's normal form, a claim's
predicate head, a field's HTML) and is asked for again and again while that document is built:
a point's text holds its children's, a claim is read by several question builders. Those
functions keep their answers in a cache that is emptied when the next document begins
(:func:`new_document`, called by the pipeline for every input).

So no answer is carried from one document to the next. A set of documents that repeat each
other, such as a benchmark corpus made from a few samples, then builds no faster than a set
that does not: what the benchmark measures is what a user's own material costs.
Caches of what does not come from a document (word lists, patterns, layouts) stay per process.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

#: Every per-document cache, to empty at the start of a document.
_caches: list[Any] = []


def per_document(maxsize: int = 1 << 14) -> Callable[[F], F]:
    """Decorate a pure function of document text: its answers are kept until the next document begins."""

    def wrap(fn: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        _caches.append(cached)
        return cast(F, cached)

    return wrap


def new_document() -> None:
    """Forget every per-document answer: what follows is another document's."""
    for cache in _caches:
        cache.cache_clear()
