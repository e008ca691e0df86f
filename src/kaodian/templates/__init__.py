"""Question templates: YAML files shipped beside this module, one per question type.

Each file holds a list of templates::

    - name: short-point-children       # unique; a template in --templates DIR with this name replaces it
      type: short                      # one of model.QUESTION_TYPES
      source: point-children           # what the template draws on (see SOURCES)
      zh: "{title}主要表现在哪些方面？"   # the wording for Chinese documents
      en: "What are the main points of “{title}”?"
      enabled: true                    # optional; false switches a built-in template off

Placeholders are ``{name}``; ``{{1}}`` (a cloze blank) is left as it is. A template is used for
a source item only when every placeholder it names has a value there.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import datafiles
from ..errors import SchemaError
from ..model import LANGUAGES, QUESTION_TYPES

_COUNTS = ("count", "count_zh", "count_en")
_PARTIAL = ("found", "found_zh", "found_en", "announced", "announced_zh", "announced_en")

#: What a template can draw on: the question types it can make and the placeholders it fills.
SOURCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # a definition or principle claim, its predicate's head noun blanked
    "claim-predicate": (("cloze", "single"), ("blanked", "sentence", "subject", "predicate")),
    # the same claim, its subject blanked
    "claim-subject": (("cloze",), ("blanked", "predicate")),
    # the claim as a statement: as written (true) or with its head noun swapped for another claim's (false)
    "claim-statement": (("truefalse",), ("statement",)),
    # a definition claim: the term as the question
    "claim-definition": (("short",), ("subject",)),
    # an enumeration or parallel structure: its items
    "claim-items": (("cloze", "multiple", "list"), ("blanked", "subject", *_COUNTS)),
    # a quote with its attribution
    "claim-quote": (("quote",), ("quote",)),
    # a point and its child points, complete
    "point-children": (("short", "list", "order", "single", "multiple"), ("title", *_COUNTS)),
    # a point whose children are fewer than announced, or run into a truncated end
    "point-children-partial": (("short", "list"), ("title", *_COUNTS, *_PARTIAL)),
    # a sentence of a point's text: a named document, a number, a key term
    "sentence-document": (("cloze",), ("blanked",)),
    "sentence-number": (("cloze",), ("blanked",)),
    "sentence-term": (("cloze",), ("blanked",)),
}

_FIELDS = ("name", "type", "source", "zh", "en", "enabled")
_PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z_]\w*)\}(?!\})")


@dataclass(frozen=True)
class Template:
    name: str
    type: str
    source: str
    wording: tuple[tuple[str, str], ...]  # (language, text)
    origin: str = ""  # file:line, for messages
    enabled: bool = True

    def text(self, language: str) -> str | None:
        """The wording for ``language``, or None if the template has none."""
        for lang, text in self.wording:
            if lang == language:
                return text
        return None

    def placeholders(self, language: str) -> tuple[str, ...]:
        text = self.text(language)
        return _split(text)[1::2] if text else ()

    def parts(self, language: str) -> tuple[str, ...] | None:
        """The wording for ``language`` cut at its placeholders (see :func:`fill`), or None if it has none."""
        text = self.text(language)
        return None if text is None else _split(text)

    def render(self, language: str, values: dict[str, str]) -> str | None:
        """The wording with its placeholders filled, or None where one of them has no value."""
        parts = self.parts(language)
        return None if parts is None else fill(parts, values)


def fill(parts: tuple[str, ...], values: dict[str, str]) -> str | None:
    """A wording cut by :meth:`Template.parts` with its placeholders filled, or None where one has no value.

    A generator renders many questions through the same few wordings: it cuts each once and fills it here.
    """
    if len(parts) == 3 and not parts[0] and not parts[2]:
        return values.get(parts[1]) or None  # "{blanked}", the wording of most templates
    names = parts[1::2]
    for name in names:
        if not values.get(name):
            return None
    filled = list(parts)
    filled[1::2] = [values[name] for name in names]
    return "".join(filled)


@functools.lru_cache(maxsize=1024)
def _split(text: str) -> tuple[str, ...]:
    """A wording cut at its placeholders: the plain parts at even places, the placeholder names between them."""
    return tuple(_PLACEHOLDER.split(text))


def _parse(data: Any, lines: dict[int, int], path: str) -> list[Template]:
    def fail(what: str, node: Any = None) -> SchemaError:
        line = lines.get(id(node)) if node is not None else None
        return SchemaError(f"{path}{f':{line}' if line else ''}: {what}")

    if data is None:
        return []
    if not isinstance(data, list):
        raise SchemaError(f"{path}: a template file must be a list of templates (- name: ... type: ... source: ...)")
    out: list[Template] = []
    for node in data:
        if not isinstance(node, dict):
            raise fail(f"each template must be a mapping with {', '.join(_FIELDS[:4])}, not {type(node).__name__}")
        for key in ("name", "type", "source"):
            if not isinstance(node.get(key), str) or not node[key].strip():
                raise fail(f"template is missing '{key}'", node)
        name, qtype, source = node["name"].strip(), node["type"].strip(), node["source"].strip()
        unknown = sorted(str(k) for k in node if k not in _FIELDS)
        if unknown:
            raise fail(f"template {name!r}: unknown field {unknown[0]!r}; use {', '.join(_FIELDS)}", node)
        if qtype not in QUESTION_TYPES:
            raise fail(
                f"template {name!r}: unknown question type {qtype!r}; use one of {', '.join(QUESTION_TYPES)}", node
            )
        if source not in SOURCES:
            raise fail(f"template {name!r}: unknown source {source!r}; use one of {', '.join(SOURCES)}", node)
        types, allowed = SOURCES[source]
        if qtype not in types:
            raise fail(f"template {name!r}: source {source!r} makes {', '.join(types)} questions, not {qtype}", node)
        wording: list[tuple[str, str]] = []
        for lang in LANGUAGES:
            text = node.get(lang)
            if text is None:
                continue
            if not isinstance(text, str) or not text.strip():
                raise fail(f"template {name!r}: '{lang}' must be non-empty text", node)
            for m in _PLACEHOLDER.finditer(text):
                if m.group(1) not in allowed:
                    raise fail(
                        f"template {name!r}: unknown placeholder {{{m.group(1)}}} in '{lang}'; "
                        f"source {source} has {', '.join('{' + a + '}' for a in allowed)}",
                        node,
                    )
            wording.append((lang, text))
        enabled = node.get("enabled", True)
        if not isinstance(enabled, bool):
            raise fail(f"template {name!r}: 'enabled' must be true or false", node)
        if not wording and enabled:
            raise fail(f"template {name!r}: give at least one wording, 'zh' or 'en'", node)
        line = lines.get(id(node))
        out.append(Template(name, qtype, source, tuple(wording), f"{path}:{line}" if line else path, enabled))
    return out


def parse_file(text: str, path: str) -> list[Template]:
    """The templates in one YAML file's text; SchemaError names the file and line of a bad one."""
    stored = datafiles.stored_parse(text)  # the built-in files, parsed beforehand
    if stored is not None:
        data, item_lines = stored
        lines = dict(zip(map(id, data), item_lines, strict=True)) if isinstance(data, list) else {}
        return _parse(data, lines, path)
    from ..serialize import load_yaml

    data, lines = load_yaml(text, path)
    return _parse(data, lines, path)


def _merge(files: Iterable[list[Template]]) -> list[Template]:
    seen: dict[str, Template] = {}
    for templates in files:
        for t in templates:
            if t.name in seen:
                raise SchemaError(
                    f"{t.origin}: template {t.name!r} is defined twice (first at {seen[t.name].origin}); rename one"
                )
            seen[t.name] = t
    return list(seen.values())


@functools.cache
def builtin_templates() -> tuple[Template, ...]:
    """The templates shipped with kaodian, in question-type order, then file order."""
    folder = importlib.resources.files(__name__)
    files = []
    for qtype in QUESTION_TYPES:
        entry = folder / f"{qtype}.yaml"
        if entry.is_file():
            files.append(parse_file(entry.read_text(encoding="utf-8"), f"kaodian/templates/{qtype}.yaml"))
    return tuple(_merge(files))


@functools.cache
def _folder_templates(folder: str, signature: tuple[tuple[str, int, int], ...]) -> tuple[Template, ...]:
    del signature  # part of the cache key only: an edited file is read again
    files = []
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() in (".yaml", ".yml") and path.is_file():
            try:
                text = path.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise SchemaError(f"{path}: a template file must be UTF-8") from exc
            files.append(parse_file(text, str(path)))
    return tuple(_merge(files))


def load_templates(folder: Path | None = None) -> tuple[Template, ...]:
    """The built-in templates, with those in ``folder`` added or replacing built-ins by name.

    A replacing template takes the built-in's place; an added one goes before the built-ins,
    so it is the one used for its type and source. Disabled templates are left out.
    """
    builtin = builtin_templates()
    if folder is None:
        return tuple(t for t in builtin if t.enabled)
    if not folder.is_dir():
        raise SchemaError(f"{folder}: no such templates folder; pass a folder of .yaml template files")
    signature = tuple(
        (p.name, p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.iterdir())
        if p.suffix in (".yaml", ".yml")
    )
    custom = {t.name: t for t in _folder_templates(str(folder), signature)}
    builtin_names = {t.name for t in builtin}
    added = [t for t in custom.values() if t.name not in builtin_names]
    merged = added + [custom.get(t.name, t) for t in builtin]
    return tuple(t for t in merged if t.enabled)
