"""Safe names: document ids, tags and output file names derived from titles and paths."""

from __future__ import annotations

import hashlib
import importlib
import re
import unicodedata
from collections.abc import Callable
from typing import Protocol

# Path separators, characters Windows refuses, control characters and lone surrogates
# (file names that were not valid UTF-8 arrive as surrogate escapes), and the
# bidirectional overrides that make a name display differently from what it is.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f/\\:*?\"<>|\u202a-\u202e\u2066-\u2069\ud800-\udfff]+")
_SPACES = re.compile(r"[\s_]+")
_DASHES = re.compile(r"-{2,}")
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"} | {f"{dev}{n}" for dev in ("com", "lpt") for n in "0123456789¹²³"}
)
#: Output names stay well under the 255-byte limit of file names, leaving room
#: for a suffix such as ``.quiz.html`` and the temporary name of an atomic write.
MAX_NAME_BYTES = 150


class _Hash(Protocol):
    def hexdigest(self) -> str: ...


def _builtin_sha1() -> Callable[[bytes], _Hash]:
    """CPython's own SHA-1 if it has one, else hashlib's.

    The ids hashed here are a few dozen bytes, and hashlib's OpenSSL SHA-1 spends four
    times longer setting up than hashing them; CPython's module gives the same digest.
    """
    try:
        sha1: Callable[[bytes], _Hash] = importlib.import_module("_sha1").sha1
    except (ImportError, AttributeError):
        return hashlib.sha1
    return sha1


_sha1 = _builtin_sha1()


def sha1_hex(data: bytes) -> str:
    """The SHA-1 of ``data`` as hex (the ids kaodian derives from names and content)."""
    return _sha1(data).hexdigest()


def is_reserved(name: str) -> bool:
    """Whether Windows treats ``name`` (with or without an extension) as a device."""
    return name.split(".")[0].rstrip(" ").lower() in _WINDOWS_RESERVED


def _clip(s: str, max_len: int) -> str:
    s = s[:max_len]
    while len(s.encode("utf-8")) > MAX_NAME_BYTES:
        s = s[:-1]
    return s


def safe_name(title: str, *, max_len: int = 80, fallback: str = "document") -> str:
    """A file name stem that stays inside its folder on every system.

    Path separators, NUL and control characters, leading dots (so no ``..``),
    trailing dots and spaces, and reserved Windows device names are removed;
    the result is never empty and at most ``max_len`` characters (and
    ``MAX_NAME_BYTES`` bytes of UTF-8) long.
    """
    s = unicodedata.normalize("NFC", title)
    s = _UNSAFE.sub("-", s)
    s = _SPACES.sub("-", s).strip(" .-")
    s = _DASHES.sub("-", s)
    s = _clip(s, max_len).strip(" .-")
    if not s:
        digest = sha1_hex(title.encode("utf-8", "surrogatepass"))[:8]
        return f"{fallback}-{digest}"
    if is_reserved(s):
        s = _clip(f"{fallback}-{s}", max_len + len(fallback) + 1)
    return s


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name-2``, ``name-3`` … if taken (compared case-insensitively); records the result."""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{name}-{n}"
    taken.add(candidate.casefold())
    return candidate


def slug(title: str, *, max_len: int = 40) -> str:
    """A tag-friendly slug: lower case, no spaces, Chinese characters kept."""
    s = safe_name(title, max_len=max_len).lower()
    return re.sub(r"[^\w\-]+", "-", s).strip("-") or "document"


def short_hash(*parts: str, length: int = 10) -> str:
    """A stable hex digest of the parts (used for ids)."""
    return _sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:length]
