"""Safe names: document ids, tags and output file names derived from titles and paths."""

from __future__ import annotations

import hashlib
import re
import unicodedata

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
        digest = hashlib.sha1(title.encode("utf-8", "surrogatepass")).hexdigest()[:8]
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
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:length]
