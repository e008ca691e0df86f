"""The package data beside the code (word lists, patterns, layouts, CSS), read once per process.

The YAML files (``resources/*.yaml`` and the built-in templates) are also stored parsed, as
JSON, in ``resources/parsed_yaml.json``. Importing PyYAML and parsing those files costs about
70 ms in every process that builds a deck, and a parallel build starts one process per CPU;
reading the stored parse costs about 1 ms. Each stored parse is filed under the SHA-256 of
the YAML text it came from, so a YAML file edited since the store was written is simply
parsed again: the store can make a build slower, never different.

The tests check that the store holds every shipped YAML file as it is now;
``python -m kaodian.datafiles`` writes it anew.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import json
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

#: The stored parses of the shipped YAML files, in ``resources/``.
PARSED = "parsed_yaml.json"


@functools.cache
def text(name: str) -> str:
    """The text of ``kaodian/resources/<name>``."""
    return importlib.resources.files("kaodian").joinpath("resources", name).read_text(encoding="utf-8")


@functools.cache
def data(name: str) -> Any:
    """The parsed YAML of ``kaodian/resources/<name>`` (safe loader)."""
    found = stored_parse(text(name))
    if found is not None:
        return found[0]
    from .serialize import parse_data

    return parse_data(text(name))


def stored_parse(yaml_text: str) -> tuple[Any, list[int]] | None:
    """The stored parse of ``yaml_text``, and the line of each of its top-level list items; None if not stored.

    The item lines are what the line-aware loader gives for a list of mappings (a template
    file), so that messages can name a template's line; a mapping's are empty.
    """
    entry = _stored().get(_digest(yaml_text))
    return None if entry is None else (entry["data"], entry["item_lines"])


def _digest(yaml_text: str) -> str:
    return hashlib.sha256(yaml_text.encode("utf-8", "surrogatepass")).hexdigest()


@functools.cache
def _stored() -> dict[str, Any]:
    try:
        stored: dict[str, Any] = json.loads(text(PARSED))["parsed"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # a store that is missing or damaged only costs the YAML parse
    return stored


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so that none shadows a longer one."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


# ---------------------------------------------------------------- writing the store


def shipped_yaml() -> Iterator[tuple[str, str]]:
    """Each shipped YAML file: its name (``resources/…`` or ``templates/…``) and its text, in name order."""
    root = importlib.resources.files("kaodian")
    for folder in ("resources", "templates"):
        for entry in sorted(root.joinpath(folder).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".yaml") and entry.is_file():
                yield f"{folder}/{entry.name}", entry.read_text(encoding="utf-8")


def parse_all() -> dict[str, Any]:
    """The store's content, parsed now by PyYAML: digest -> the file's name, its data, its item lines."""
    from .serialize import load_yaml

    parsed: dict[str, Any] = {}
    for name, yaml_text in shipped_yaml():
        found, lines = load_yaml(yaml_text, name)
        items = found if isinstance(found, list) else []
        entry = {"file": name, "data": found, "item_lines": [lines.get(id(item), 0) for item in items]}
        if json.loads(json.dumps(entry)) != entry:  # JSON cannot hold it as it is: leave it to the YAML parse
            continue
        parsed[_digest(yaml_text)] = entry
    return parsed


def main() -> None:
    """Write resources/parsed_yaml.json from the shipped YAML files."""
    target = Path(__file__).resolve().parent / "resources" / PARSED
    about = "The shipped YAML files, parsed; written by `python -m kaodian.datafiles`."
    store = {"about": about, "parsed": parse_all()}
    target.write_text(json.dumps(store, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target.name}", file=sys.stderr)


if __name__ == "__main__":
    main()
