"""The package data beside the code (word lists, patterns, layouts, CSS), read once per process."""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable
from typing import Any


@functools.cache
def text(name: str) -> str:
    """The text of ``kaodian/resources/<name>``."""
    return importlib.resources.files("kaodian").joinpath("resources", name).read_text(encoding="utf-8")


@functools.cache
def data(name: str) -> Any:
    """The parsed YAML of ``kaodian/resources/<name>`` (safe loader)."""
    from .serialize import parse_data

    return parse_data(text(name))


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so that none shadows a longer one."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
