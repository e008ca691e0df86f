"""The modification-time ledger: a note's time changes only when the note's own content changes.

Anki's importer updates a note it already has only when the incoming note's
modification time is newer, and then overwrites it whole. Stamping every note
with the build time would therefore overwrite, on every import, the edits a
person made in Anki to notes whose source never changed. The ledger, a small
JSON file beside the deck, remembers for each key (a question id, a note type
name) the hash of the content last written and the time it was stamped with::

    {"kaodian-ledger": 1, "notes": {"q-1": {"hash": "…", "mod": 1764480000}}, "notetypes": {…}}

Unchanged content keeps its time; changed content gets a time strictly greater
than the one before; new content gets the build time.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from ..errors import SchemaError
from ..fsutil import write_text

LEDGER_VERSION = 1
SECTIONS = ("notes", "notetypes")


class Stamp(NamedTuple):
    """The content hash last written for a key, and the modification time it was given.

    A named tuple, not a frozen dataclass: one is made per note of a deck, and a tuple is made several times faster.
    """

    hash: str
    mod: int


#: section name -> key -> stamp
Ledger = dict[str, dict[str, Stamp]]


def ledger_path(output: Path) -> Path:
    """The ledger of ``folder/name.apkg``: ``folder/.name.anki-ledger.json``."""
    stem = output.name.removesuffix(".apkg")
    return output.with_name(f".{stem}.anki-ledger.json")


@functools.lru_cache(maxsize=1 << 12)  # note type names, labels, sections, sources and tags come back note after note
def _chunk(part: str) -> bytes:
    """One part as hashed: its UTF-8 length (8 bytes, so ("ab", "c") != ("a", "bc")), then its UTF-8."""
    data = part.encode("utf-8", "surrogatepass")
    return len(data).to_bytes(8, "big") + data


def content_hash(parts: Iterable[str]) -> str:
    """A stable digest of a note's content parts (fields, tags, note type): length-prefixed UTF-8, SHA-256."""
    return hashlib.sha256(b"".join(map(_chunk, parts))).hexdigest()[:32]


def restamp(previous: Mapping[str, Stamp], hashes: Mapping[str, str], now: int) -> dict[str, Stamp]:
    """New stamps for ``hashes`` (key -> content hash) given the ``previous`` ones.

    Keys that are gone are dropped, so the ledger mirrors the latest deck.
    """
    out: dict[str, Stamp] = {}
    for key, digest in hashes.items():
        old = previous.get(key)
        if old is None:
            out[key] = Stamp(digest, now)
        elif old.hash == digest:
            out[key] = old
        else:
            # strictly newer, even when two builds fall in the same second or the clock went back
            out[key] = Stamp(digest, max(now, old.mod + 1))
    return out


def load(path: Path) -> Ledger:
    """Read a ledger; a missing file is an empty ledger, a damaged one an error."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {name: {} for name in SECTIONS}
    except OSError as exc:
        raise SchemaError(
            f"{path}: cannot read the Anki ledger ({exc.strerror or exc}); delete it to start over"
        ) from exc
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("kaodian-ledger") != LEDGER_VERSION:
            raise ValueError("not a kaodian ledger of this version")
        return {
            name: {str(k): Stamp(str(v["hash"]), int(v["mod"])) for k, v in dict(data.get(name, {})).items()}
            for name in SECTIONS
        }
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SchemaError(
            f"{path}: the Anki ledger is damaged ({exc}); delete it to rebuild "
            "(the next import then overwrites your Anki edits once)"
        ) from exc


def dumps(ledger: Ledger) -> str:
    """The ledger as JSON, keys sorted, so the same ledger gives the same bytes.

    The text is what ``json.dumps(..., ensure_ascii=False, indent=1, sort_keys=True)`` writes,
    put together here because json's indenting encoder is pure Python and slow on big decks.
    """
    quote = json.encoder.encode_basestring  # a JSON string, non-ASCII kept
    parts = [f'{{\n "kaodian-ledger": {LEDGER_VERSION}']
    for name in sorted(SECTIONS):  # all sort after "kaodian-ledger"
        entries = sorted(ledger.get(name, {}).items())
        if not entries:
            parts.append(f",\n {quote(name)}: {{}}")
            continue
        body = ",\n".join(
            f'  {quote(key)}: {{\n   "hash": {quote(stamp.hash)},\n   "mod": {stamp.mod}\n  }}'
            for key, stamp in entries
        )
        parts.append(f",\n {quote(name)}: {{\n{body}\n }}")
    return "".join(parts) + "\n}\n"


def save(path: Path, ledger: Ledger) -> Path:
    """Write the ledger atomically."""
    return write_text(path, dumps(ledger))
