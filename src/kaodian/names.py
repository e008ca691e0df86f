"""Safe names: document ids, tags and output file names derived from titles and paths."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_SPACES = re.compile(r"[\s_]+")
_WINDOWS_RESERVED = {
    "con", "prn", "aux", "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}  # fmt: skip


def safe_name(title: str, *, max_len: int = 80, fallback: str = "document") -> str:
    """A file name stem that stays inside its folder on every system.

    Path separators, NUL and control characters, leading dots (so no ``..``),
    trailing dots and spaces, and reserved Windows device names are removed.
    """
    s = unicodedata.normalize("NFC", title)
    s = _UNSAFE.sub("-", s)
    s = _SPACES.sub("-", s).strip(" .-")
    s = re.sub(r"-{2,}", "-", s)
    s = s[:max_len].strip(" .-")
    if not s or s.split(".")[0].lower() in _WINDOWS_RESERVED:
        digest = hashlib.sha1(title.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        s = f"{fallback}-{digest}" if not s else f"{fallback}-{s}"
    return s


def slug(title: str, *, max_len: int = 40) -> str:
    """A tag-friendly slug: lower case, no spaces, Chinese characters kept."""
    s = safe_name(title, max_len=max_len).lower()
    return re.sub(r"[^\w\-]+", "-", s).strip("-") or "document"


def short_hash(*parts: str, length: int = 10) -> str:
    """A stable hex digest of the parts (used for ids)."""
    h = hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:length]
