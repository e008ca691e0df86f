"""What genanki gives for kaodian's own note types, stored beside the code.

A package starts as genanki's empty collection; each deck's JSON and each note type's JSON and
card rule come from genanki's Deck and Model. Importing genanki imports asyncio too (through its
``cached_property`` dependency), which costs about a tenth of a second in every process that
writes a deck, for a few kilobytes of text that never change. So those pieces are made by
genanki once, stored in ``resources/anki_base.json``, and read from there. genanki is imported
only for a note type the file does not hold (a template changed since the file was written).

The tests check that the stored pieces are what the installed genanki gives;
``python -m kaodian.export.anki_base`` writes the file anew.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import datafiles
from . import ledger

if TYPE_CHECKING:
    from .anki import NoteType

FILE = "anki_base.json"


def notetype_key(notetype: NoteType) -> str:
    """What the stored pieces of a note type are found under: a digest of everything genanki is given."""
    return ledger.content_hash((notetype.digest(), str(notetype.cloze)))


@functools.cache
def _stored() -> dict[str, Any]:
    stored: dict[str, Any] = json.loads(datafiles.text(FILE))
    return stored


def collection_scripts() -> tuple[str, ...]:
    """The SQL scripts genanki runs to make an empty collection (its schema, then its col row)."""
    return tuple(_stored()["collection"])


def deck_json(deck_id: int, name: str) -> str:
    """What ``json.dumps(genanki.Deck(deck_id, name).to_json())`` gives."""
    return json.dumps({**_stored()["deck"], "id": deck_id, "name": name})


def model(notetype: NoteType) -> dict[str, Any]:
    """genanki's view of a note type: ``json``, its JSON at deck id and time 0, and ``req``, its required fields."""
    found: dict[str, Any] | None = _stored()["notetypes"].get(notetype_key(notetype))
    return found if found is not None else _from_genanki(notetype)


# ---------------------------------------------------------------- made by genanki


def _genanki_model(notetype: NoteType) -> Any:
    import genanki

    return genanki.Model(
        notetype.id,
        notetype.name,
        fields=[{"name": name} for name in notetype.fields],
        templates=[{"name": "Cloze" if notetype.cloze else "Card 1", "qfmt": notetype.front, "afmt": notetype.back}],
        css=notetype.css,
        model_type=genanki.Model.CLOZE if notetype.cloze else genanki.Model.FRONT_BACK,
        sort_field_index=notetype.fields.index(notetype.sort),
    )


@functools.cache  # genanki computes a model's required fields by rendering its templates
def _from_genanki(notetype: NoteType) -> dict[str, Any]:
    made = _genanki_model(notetype)
    # through JSON, as the stored pieces are: tuples become lists, and nothing else changes
    made_json: dict[str, Any] = json.loads(json.dumps(made.to_json(0, 0)))
    required: list[Any] = [] if notetype.cloze else json.loads(json.dumps(made._req))
    return {"json": made_json, "req": required}


def from_genanki(notetypes: list[NoteType]) -> dict[str, Any]:
    """The stored pieces, made by the installed genanki for ``notetypes``."""
    import genanki
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    # its id and name are put in per deck, where genanki has them
    deck: dict[str, Any] = json.loads(json.dumps(genanki.Deck(0, "").to_json()))
    return {
        "about": "What genanki gives for kaodian's note types; written by `python -m kaodian.export.anki_base`.",
        "collection": [APKG_SCHEMA, APKG_COL],
        "deck": deck,
        "notetypes": {notetype_key(nt): _from_genanki(nt) for nt in notetypes},
    }


def main() -> None:
    """Write resources/anki_base.json from the installed genanki."""
    from .anki import note_types

    target = Path(__file__).resolve().parent.parent / "resources" / FILE
    text = json.dumps(from_genanki(note_types()), ensure_ascii=False, indent=1) + "\n"
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target.name}", file=sys.stderr)


if __name__ == "__main__":
    main()
