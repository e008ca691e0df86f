"""The Anki package writer (.apkg): note types, decks, tags, stable GUIDs and modification times.

A deck is what a person lives with for months, so every note keeps its
identity across builds:

- note types have fixed ids derived from their versioned names;
- a note's GUID is derived from the question's stable id (plain hex);
- a note's modification time changes only when its own content changes
  (see :mod:`kaodian.export.ledger`), because Anki's importer overwrites an
  existing note exactly when the incoming one is newer.

Every field is HTML-escaped text; the only markup is the markup written here.
"""

from __future__ import annotations

import functools
import html
import itertools
import json
import re
import sqlite3
import time
import zipfile
from collections.abc import Callable, Container, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .. import datafiles
from ..fsutil import atomic_path
from ..memo import per_document
from ..model import BLANK, Question
from ..names import sha1_hex, slug
from ..options import BuildOptions
from . import anki_base
from . import ledger as ledger_mod

#: The clock of the build; the ledger decides which notes get this time.
clock: Callable[[], float] = time.time

#: The zip entries' date: fixed, so the same notes give the same bytes.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)

#: Deflate's fastest level: twice as fast as the default on a collection, for a package about a sixth bigger.
_ZIP_LEVEL = 1

_NEWLINE = re.compile(r"\r\n|\r|\n")
#: What html_text rewrites, but "::" (found faster by ``in``): a plain character class is scanned much faster.
_HTML_SPECIAL = re.compile(r"[&<>\"'{}\[\r\n]")
#: The same without the braces, which every blank of a cloze prompt holds.
_HTML_SPECIAL_BUT_BRACES = re.compile(r"[&<>\"'\[\r\n]")
_TAG_SPACE = re.compile(r"\s+")
_PLACEHOLDER = re.compile(r"\[\[(\w+)\]\]")
_CHOICE_TYPES = ("single", "multiple", "quote")


# ---------------------------------------------------------------- resources


@functools.cache
def _resources() -> dict[str, Any]:
    """The note type definitions and labels (resources/anki_notetypes.yaml)."""
    data: dict[str, Any] = {**datafiles.data("anki_notetypes.yaml"), "css": datafiles.text("anki_style.css")}
    return data


def language_of(q: Question) -> str:
    """The label language of a question's note: its own if kaodian has labels for it, else Chinese."""
    return _label_language(q.language)


@functools.cache  # asked for every note
def _label_language(language: str) -> str:
    return language if language in _resources()["labels"] else "zh"


def label(language: str, key: str) -> str:
    labels: dict[str, str] = _resources()["labels"][language]
    return labels[key]


@functools.cache  # a few labels, written on every note
def _label_html(language: str, key: str) -> str:
    return html.escape(label(language, key))


@functools.cache
def _kind_html(language: str, question_type: str) -> str:
    """The escaped name of a question type, or nothing for a type without one."""
    labels: dict[str, str] = _resources()["labels"][language]
    return html.escape(labels.get(f"kind_{question_type}", ""))


@functools.lru_cache(maxsize=4096)  # a note type's id is looked up for each of its notes
def stable_id(kind: str, name: str) -> int:
    """An id derived from a name, in the range genanki recommends for model and deck ids."""
    digest = sha1_hex(f"kaodian {kind}\x1f{name}".encode())
    return (1 << 30) + int(digest[:12], 16) % (1 << 30)


@dataclass(frozen=True, eq=False)
class NoteType:
    """One kaodian note type in one language, with its templates filled in.

    There is one object per kind and language (:func:`note_type` makes each once), so its identity is
    its equality: the caches keyed by note type, asked for every deck and note, then hash it for free.
    """

    kind: str  # "basic", "cloze", "choice", "truefalse"
    language: str
    name: str
    fields: tuple[str, ...]
    sort: str
    cloze: bool
    front: str
    back: str
    css: str

    @functools.cached_property  # looked up for every deck
    def id(self) -> int:
        return stable_id("notetype", self.name)

    @functools.cached_property  # looked up for every note
    def sort_index(self) -> int:
        """The position of the Sort field among the fields."""
        return self.fields.index(self.sort)

    @functools.cached_property  # looked up for every note
    def written_order(self) -> tuple[int, ...] | None:
        """Where each field stands among the values :func:`_note_values` writes; None when in the same order."""
        written = _WRITTEN_FIELDS[self.kind]
        return None if written == self.fields else tuple(written.index(name) for name in self.fields)

    def digest(self) -> str:
        return ledger_mod.content_hash((self.name, self.css, self.front, self.back, *self.fields, self.sort))


@functools.cache
def note_type(kind: str, language: str) -> NoteType:
    data = _resources()
    spec = data["notetypes"][kind]
    labels = dict(data["labels"][language])

    def fill(template: str) -> str:
        template = template.replace("[[footer]]", data["footer"])
        return _PLACEHOLDER.sub(lambda m: html.escape(labels[m.group(1)]), template)

    return NoteType(
        kind=kind,
        language=language,
        name=spec["name"].format(language=language),
        fields=tuple(spec["fields"]),
        sort=spec["sort"],
        cloze=bool(spec["cloze"]),
        front=fill(spec["front"]),
        back=fill(spec["back"]),
        css=data["css"],
    )


def note_types() -> list[NoteType]:
    """Every note type kaodian writes: each kind in each language it has labels for."""
    data = _resources()
    return [note_type(kind, language) for kind in data["notetypes"] for language in data["labels"]]


# ---------------------------------------------------------------- text


@per_document(1 << 14)  # the same sentences and section titles come back note after note
def html_text(text: str) -> str:
    """Text as HTML that Anki shows as written: escaped, line breaks kept, no cloze/template/media syntax."""
    return _html_text(text)


def _html_text(text: str) -> str:
    """:func:`html_text` without its cache, for text seen once (the pieces of a cloze prompt)."""
    if _HTML_SPECIAL.search(text) is None and "::" not in text:  # most text: nothing to escape or rewrite
        return text
    s = html.escape(text, quote=True)
    # {{ }} and :: would open or close a cloze; [sound:…] and [latex] are Anki media syntax.
    s = s.replace("{", "&#123;").replace("}", "&#125;").replace("[", "&#91;").replace("::", ":&#58;")
    return _NEWLINE.sub("<br>", s) if "\n" in s or "\r" in s else s


def cloze_text(q: Question) -> str:
    """A cloze prompt in Anki's syntax: each blank ``{{n}}`` becomes ``{{cN::answer}}``, the rest escaped."""
    prompt = q.prompt
    if _HTML_SPECIAL_BUT_BRACES.search(prompt) is None and "::" not in prompt:
        answers = q.answer

        def blank(match: re.Match[str]) -> str:
            n = int(match[1])
            return _cloze_blank(n, answers[n - 1] if 0 < n <= len(answers) else "")

        text, count = BLANK.subn(blank, prompt)
        # every brace is a blank's: the text between the blanks has nothing to escape (most prompts)
        if prompt.count("{") == prompt.count("}") == 2 * count:
            return text
    return q.fill(_cloze_blank, _html_text)


def _cloze_blank(n: int, answer: str) -> str:
    return f"{{{{c{n}::{html_text(answer) or '…'}}}}}"


def choice_letter(i: int) -> str:
    return chr(ord("A") + i) if i < 26 else str(i + 1)


@functools.cache  # a few counts of choices, each with its letters written on every choice note
def _option_opens(count: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The list items of ``count`` choices up to their text: plain, and marked right."""
    letters = [f'<span class="letter">{choice_letter(i)}</span>' for i in range(count)]
    return tuple(f"<li>{x}" for x in letters), tuple(f'<li class="correct">{x}' for x in letters)


def choices_html(q: Question, *, marked: bool) -> str:
    """The options as a list; with ``marked`` the right ones carry the class ``correct`` and a check mark."""
    return _choices_html([html_text(c) for c in q.choices], q.correct if marked else ())


def _choices_html(options: Sequence[str], right: Container[int]) -> str:
    """The options (already HTML) as a list; those in ``right`` carry the class ``correct`` and a check mark."""
    plain, marked = _option_opens(len(options))
    items = [
        f'{marked[i]}{option}<span class="mark">✓</span></li>' if i in right else f"{plain[i]}{option}</li>"
        for i, option in enumerate(options)
    ]
    return f'<ul class="choices">{"".join(items)}</ul>'


def answer_letters(q: Question) -> str:
    return _letters(q.correct)


def _letters(indices: Sequence[int]) -> str:
    return "".join(choice_letter(i) for i in indices)


def items_html(items: Sequence[str], *, ordered: bool = True) -> str:
    """One item as text, several as a list."""
    if len(items) == 1:
        return html_text(items[0])
    tag = "ol" if ordered else "ul"
    return f'<{tag} class="items">{"".join(f"<li>{html_text(i)}</li>" for i in items)}</{tag}>'


def verdict_html(q: Question, language: str) -> str:
    if q.truth is None:  # a statement without a verdict: the back shows only the correction
        return ""
    key, css = ("verdict_true", "true") if q.truth else ("verdict_false", "false")
    return f'<span class="{css}">{_label_html(language, key)}</span>'


def is_cloze(q: Question) -> bool:
    return q.type == "cloze" and bool(q.blanks())


def has_choices(q: Question) -> bool:
    return q.type in _CHOICE_TYPES and bool(q.choices) and bool(q.correct)


def front_back(q: Question) -> tuple[str, str]:
    """The question and answer of a front/back card, as HTML (also used by the text export)."""
    language = language_of(q)
    if q.type == "truefalse":
        back = verdict_html(q, language)
        if q.correction and q.correction != q.prompt:
            back += f"<br>{_label_html(language, 'correction')}{html_text(q.correction)}"
        return html_text(q.prompt), back
    if has_choices(q):
        return (
            html_text(q.prompt) + choices_html(q, marked=False),
            choices_html(q, marked=True) + f"{_label_html(language, 'answer')}{answer_letters(q)}",
        )
    front = html_text(q.prompt)
    if q.type == "order" and q.choices:
        front += items_html(q.choices, ordered=False)
    return front, items_html(q.answer) if q.answer else ""


# ---------------------------------------------------------------- notes


def note_guid(q: Question, occurrence: int = 1) -> str:
    """The note's GUID: plain hex from the document and question ids (genanki's base91 holds < > &)."""
    key = f"kaodian note\x1f{q.source.document}\x1f{q.id}" if occurrence == 1 else _repeated_key(q, occurrence)
    return sha1_hex(key.encode("utf-8", "surrogatepass"))[:20]


def _repeated_key(q: Question, occurrence: int) -> str:
    return f"kaodian note\x1f{q.source.document}\x1f{q.id}\x1f{occurrence}"


def _deck_part(name: str) -> str:
    return " ".join(name.replace("::", "：").split())


def deck_name(q: Question, override: str | None = None) -> str:
    """``Document title::Top-level section`` (``override`` replaces the title; its ``::`` make subdecks)."""
    return _deck_name(q.source.title, q.source.document, q.source.section[:1], override)


@per_document(4096)  # every question of a section goes to the same deck
def _deck_name(title: str, document: str, section: tuple[str, ...], override: str | None) -> str:
    if override and override.strip():
        top = "::".join(p for p in (" ".join(part.split()) for part in override.split("::")) if p)
    else:
        top = _deck_part(title) or _deck_part(document)
    top = top or "kaodian"
    part = _deck_part(section[0]) if section else ""
    return f"{top}::{part}" if part else top


@per_document(4096)  # the same few tags (document, type, section) on every note
def _tag(text: str) -> str:
    return _TAG_SPACE.sub("_", text.strip())


_slug = functools.lru_cache(maxsize=4096)(slug)


def note_tags(q: Question) -> tuple[str, ...]:
    """``kaodian``, the document's slug, the question type, the section's slug, then the question's own tags."""
    return _note_tags(q.source.document or q.source.title, q.type, q.source.section[:1], q.tags)


@per_document(4096)  # the questions of a section and type share their tags
def _note_tags(document: str, question_type: str, section: tuple[str, ...], own: tuple[str, ...]) -> tuple[str, ...]:
    wanted = ["kaodian", _slug(document), question_type, *map(_slug, section), *own]
    out: list[str] = []
    for tag in map(_tag, wanted):
        if tag and tag not in out:
            out.append(tag)
    return tuple(out)


def section_html(q: Question) -> str:
    return _section_html((q.source.title, *q.source.section))


@per_document(4096)  # every question of a section has the same path
def _section_html(path: tuple[str, ...]) -> str:
    return " › ".join(html_text(p) for p in path if p)


class NoteSpec(NamedTuple):
    """What one question becomes in Anki.

    A named tuple, not a frozen dataclass: one is made per note, and a tuple is made several times faster.
    """

    key: str  # the ledger key: the question id (with #n for a repeated id)
    guid: str
    notetype: NoteType
    fields: tuple[str, ...]  # in the note type's field order
    tags: tuple[str, ...]
    deck: str
    position: int

    def digest(self) -> str:
        """The hash of what Anki stores for the note, except the Sort field (a position, not content)."""
        parts = [self.notetype.name, *self.fields, " ".join(self.tags)]
        del parts[1 + self.notetype.sort_index]  # the Sort field, after the name
        return ledger_mod.content_hash(parts)


#: The fields every note type ends with, in the order :func:`_note_values` writes them.
_COMMON_FIELDS = ("Kind", "Source", "Section", "Extra", "Sort")

#: The fields :func:`_note_values` writes for each note type, in its order.
_WRITTEN_FIELDS: dict[str, tuple[str, ...]] = {
    "basic": ("Front", "Back", *_COMMON_FIELDS),
    "cloze": ("Text", *_COMMON_FIELDS),
    "choice": ("Question", "Options", "Marked", "Answer", *_COMMON_FIELDS),
    "truefalse": ("Statement", "Verdict", "Correction", *_COMMON_FIELDS),
}


def _arranged(notetype: NoteType, values: tuple[str, ...]) -> tuple[NoteType, tuple[str, ...]]:
    order = notetype.written_order
    return notetype, values if order is None else tuple([values[i] for i in order])


def _note_values(q: Question, position: int) -> tuple[NoteType, tuple[str, ...]]:
    """The note type of a question and its field values (HTML), in the note type's field order.

    The values are written straight into one tuple: this runs for every note of every deck.
    """
    language = language_of(q)
    common = (_kind_html(language, q.type), html_text(q.source.sentence), section_html(q), "", str(position).zfill(6))
    return _typed_values(q, language, common)


def _typed_values(q: Question, language: str, common: tuple[str, ...]) -> tuple[NoteType, tuple[str, ...]]:
    """:func:`_note_values` given the ``common`` fields (Kind, Source, Section, Extra, Sort) already made."""
    if q.type == "cloze":
        text = cloze_text(q)
        if "{{c" in text:  # is_cloze(q): its text is escaped, so only a blank writes a brace
            return _arranged(note_type("cloze", language), (text, *common))
    elif q.type == "truefalse":
        correction = html_text(q.correction) if q.correction and q.correction != q.prompt else ""
        statement = (html_text(q.prompt), verdict_html(q, language), correction, *common)
        return _arranged(note_type("truefalse", language), statement)
    elif has_choices(q):
        right = q.correct
        options = [html_text(c) for c in q.choices]
        choice = (
            html_text(q.prompt),
            _choices_html(options, ()),
            _choices_html(options, set(right)),
            _letters(right),
            *common,
        )
        return _arranged(note_type("choice", language), choice)
    front, back = front_back(q)
    return _arranged(note_type("basic", language), (front, back, *common))


def note_fields(q: Question, position: int) -> tuple[NoteType, dict[str, str]]:
    """The note type of a question and its field values (HTML), by field name."""
    notetype, values = _note_values(q, position)
    return notetype, dict(zip(notetype.fields, values, strict=True))


def numbered(questions: Sequence[Question]) -> Iterator[tuple[Question, int]]:
    """Each question with its occurrence of its (document, id): 1 unless an id repeats."""
    seen: dict[tuple[str, str], int] = {}
    for q in questions:
        key = (q.source.document, q.id)
        seen[key] = seen.get(key, 0) + 1
        yield q, seen[key]


class _SourceParts(NamedTuple):
    """What the notes of one source share: their Source and Section fields, their deck, their keys' prefix."""

    sentence: str
    section: str
    deck: str
    key_prefix: str


def _source_parts(q: Question, deck_override: str | None) -> _SourceParts:
    src = q.source
    key_prefix = f"{src.document}/" if src.document else ""
    return _SourceParts(html_text(src.sentence), section_html(q), deck_name(q, deck_override), key_prefix)


def note_specs(questions: Sequence[Question], deck_override: str | None = None) -> list[NoteSpec]:
    """One note per question, in document order."""
    out: list[NoteSpec] = []
    # Many questions come from one sentence and share its Source record: what derives from it is made once,
    # found by the record's identity (the questions hold every record for the whole call).
    sources: dict[int, _SourceParts] = {}
    tags: dict[tuple[int, str, tuple[str, ...]], tuple[str, ...]] = {}
    for position, (q, occurrence) in enumerate(numbered(questions), start=1):
        source = sources.get(id(q.source))
        if source is None:
            source = sources[id(q.source)] = _source_parts(q, deck_override)
        tags_key = (id(q.source), q.type, q.tags)
        note_tags_ = tags.get(tags_key)
        if note_tags_ is None:
            note_tags_ = tags[tags_key] = note_tags(q)
        language = _label_language(q.language)
        common = (_kind_html(language, q.type), source.sentence, source.section, "", str(position).zfill(6))
        notetype, values = _typed_values(q, language, common)
        key = source.key_prefix + (q.id if occurrence == 1 else f"{q.id}#{occurrence}")
        out.append(NoteSpec(key, note_guid(q, occurrence), notetype, values, note_tags_, source.deck, position))
    return out


# ---------------------------------------------------------------- modification times


@functools.cache  # a few note types, each with its templates and CSS to hash, in every package
def _notetype_digest(notetype: NoteType) -> str:
    return notetype.digest()


def _stamps(
    specs: Sequence[NoteSpec], path: Path, use_ledger: bool
) -> tuple[dict[str, int], int, ledger_mod.Ledger | None]:
    """(note key -> mod, package timestamp, ledger to save) for the notes about to be written."""
    now = int(clock())
    if not use_ledger:
        return {s.key: now for s in specs}, now, None
    # the last note type of each name, as one entry per note would give, hashed once per name
    types = {name: _notetype_digest(nt) for name, nt in {s.notetype.name: s.notetype for s in specs}.items()}
    previous = ledger_mod.load(ledger_mod.ledger_path(path))
    notes = ledger_mod.restamp(previous["notes"], {s.key: s.digest() for s in specs}, now)
    notetypes = ledger_mod.restamp(previous["notetypes"], types, now)
    mods = {key: stamp.mod for key, stamp in notes.items()}
    # The package time becomes the note types' mod: newer whenever a note or a template changed.
    timestamp = max(itertools.chain(mods.values(), (stamp.mod for stamp in notetypes.values())), default=now)
    return mods, timestamp, {"notes": notes, "notetypes": notetypes}


# ---------------------------------------------------------------- the package


@dataclass(frozen=True)
class _CardRule:
    """Which cards a note of one note type gets, decided as genanki's ``Note.cards`` decides it."""

    cloze_fields: tuple[int, ...]  # cloze note types: the fields the front's {{cloze:…}} names
    required: tuple[tuple[int, str, tuple[int, ...]], ...]  # front/back: (ord, "all"/"any", field ords)

    def ords(self, fields: Sequence[str]) -> Sequence[int]:
        if self.cloze_fields:
            found: tuple[str, ...] = ()
            for i in self.cloze_fields:
                found += tuple(_CLOZE_NUMBER.findall(fields[i]))
            return _cloze_cards(found)
        pick = fields.__getitem__  # the checks below then run without a Python frame per field
        return [ord_ for ord_, how, needed in self.required if (all if how == "all" else any)(map(pick, needed))]


@functools.lru_cache(maxsize=1024)  # the blanks of most notes are numbered 1, 2, 3 …: a few tuples serve them all
def _cloze_cards(numbers: tuple[str, ...]) -> tuple[int, ...]:
    """A card per cloze number (as written in the text), iterated as genanki iterates its set of them."""
    cards: set[int] = set()
    cards.update([card for n in numbers if (card := int(n) - 1) >= 0])
    return tuple(cards)


_CLOZE_FIELD = re.compile(r"{{[^}]*?cloze:(?:[^}]?:)*(.+?)}}")  # genanki's: {{cloze:Text}}
_CLOZE_NUMBER = re.compile(r"{{c(\d+)::.+?}}", re.DOTALL)  # genanki's: {{c2::answer}}


@functools.cache
def _card_rule(notetype: NoteType) -> _CardRule:
    if notetype.cloze:
        names = dict.fromkeys(_CLOZE_FIELD.findall(notetype.front))
        return _CardRule(tuple(notetype.fields.index(n) for n in names if n in notetype.fields), ())
    # the required fields of each template, computed by genanki from the front template
    required = tuple((ord_, how, tuple(needed)) for ord_, how, needed in anki_base.model(notetype)["req"])
    return _CardRule((), required)


@functools.cache
def _empty_collection() -> bytes:
    """genanki's empty collection: its schema and its col row, made once per process."""
    return _empty()[0]


@functools.cache
def _empty_col_json() -> tuple[dict[str | int, str], dict[str | int, str]]:
    """The decks and note types of the empty collection's col row, each value as JSON text."""
    return _empty()[1]


@functools.cache
def _empty() -> tuple[bytes, tuple[dict[str | int, str], dict[str | int, str]]]:
    conn = sqlite3.connect(":memory:")
    try:
        for script in anki_base.collection_scripts():
            conn.executescript(script)
        conn.commit()
        decks_text, models_text = conn.execute("SELECT decks, models FROM col").fetchone()
        decks: dict[str | int, str] = {key: json.dumps(value) for key, value in json.loads(decks_text).items()}
        models: dict[str | int, str] = {key: json.dumps(value) for key, value in json.loads(models_text).items()}
        return conn.serialize(), (decks, models)
    finally:
        conn.close()


@functools.cache  # the JSON of a note type is most of the col row, and the same in every package
def _model_json_parts(notetype: NoteType) -> tuple[str, str, str]:
    """genanki's JSON text of a note type, cut around its deck id and its time (the only values that vary)."""
    parts: list[str] = []
    text = "{"
    for i, (key, value) in enumerate(anki_base.model(notetype)["json"].items()):
        text += f"{', ' if i else ''}{json.dumps(key)}: "
        if key in _MODEL_VARYING:
            parts.append(text)
            text = ""
        else:
            text += json.dumps(value)
    head, middle = parts  # genanki writes "did" before "mod"
    return head, middle, text + "}"


#: The keys of genanki's note type JSON that depend on the package: the deck id, then the time.
_MODEL_VARYING = ("did", "mod")


def _model_json(notetype: NoteType, timestamp: int, deck_id: int) -> str:
    """What ``json.dumps(model.to_json(timestamp, deck_id))`` gives for the genanki model of ``notetype``."""
    head, middle, tail = _model_json_parts(notetype)
    return f"{head}{deck_id}{middle}{timestamp}{tail}"


def _json_object(members: dict[str | int, str]) -> str:
    """A JSON object from keys and values that are already JSON text, as ``json.dumps`` would join them."""
    return "{" + ", ".join(f"{json.dumps(str(key))}: {value}" for key, value in members.items()) + "}"


@dataclass(frozen=True)
class _Deck:
    """One deck of the package: its id, its name and its note types in the order its notes bring them."""

    id: int
    name: str
    notetypes: tuple[NoteType, ...]


def _write_decks(cursor: sqlite3.Cursor, decks: Sequence[_Deck], timestamp: int) -> None:
    """Fill the col row's decks and note types as genanki's ``Deck.write_to_db`` does, deck after deck.

    genanki reads both JSON columns, updates them and writes them back once per deck, which costs
    more than all the notes on a package of many decks; this writes once the text genanki leaves.
    genanki adds note types under int ids, which its next deck's read turns into strings, so a note
    type used by two decks stands twice in that text (a JSON reader keeps the later one): the note
    types of every deck but the last, by string id in the order first added, each with the deck id of
    the last of those decks that used it; then the last deck's note types, by int id. The tests compare
    with genanki. A note type's text is put together from parts encoded once, and only for the deck id
    it ends with.
    """
    empty_decks, empty_models = _empty_col_json()  # what the col row of the empty collection holds
    all_decks: dict[str | int, str] = dict(empty_decks)
    for deck in decks:
        all_decks[str(deck.id)] = anki_base.deck_json(deck.id, deck.name)
    read_back: dict[str | int, tuple[NoteType, int]] = {}  # what the last deck's read gives: id -> (note type, deck id)
    for deck in decks[:-1]:
        read_back.update({str(notetype.id): (notetype, deck.id) for notetype in deck.notetypes})
    models: dict[str | int, str] = dict(empty_models)
    models.update({key: _model_json(nt, timestamp, deck_id) for key, (nt, deck_id) in read_back.items()})
    if decks:  # under int ids, which no string id equals: after all the others
        last = decks[-1]
        models.update({notetype.id: _model_json(notetype, timestamp, last.id) for notetype in last.notetypes})
    cursor.execute("UPDATE col SET decks = ?, models = ?", (_json_object(all_decks), _json_object(models)))


# The columns every note and card has the same value in are written in the statements, not bound row by row.
#: notes: id, guid, mid, mod, usn -1, tags, flds, sfld, csum 0, flags 0, data ""
_INSERT_NOTE = "INSERT INTO notes VALUES (?,?,?,?,-1,?,?,?,0,0,'')"
#: cards: id, nid, did, ord, mod, usn -1, type 0, queue 0, due, then ivl … flags 0 and data ""
_INSERT_CARD = "INSERT INTO cards VALUES (?,?,?,?,?,-1,0,0,?,0,0,0,0,0,0,0,0,'')"


def _collection(specs: Sequence[NoteSpec], mods: dict[str, int], timestamp: int) -> bytes:
    """The collection database of the package, as bytes.

    genanki made its start: the empty collection (schema and col row) and the JSON of the decks
    and note types are genanki's, stored beside the code (see anki_base). The notes and cards
    are inserted here in bulk, row for row what genanki's ``Note.write_to_db`` would write, except
    that each note and its cards carry the note's own modification time instead of the package time.
    """
    by_deck: dict[str, list[NoteSpec]] = {}
    for s in specs:
        by_deck.setdefault(s.deck, []).append(s)
    # a deck's note types in the order its notes add them (one per name: their ids derive from their names)
    decks = [
        _Deck(stable_id("deck", name), name, tuple({s.notetype.name: s.notetype for s in members}.values()))
        for name, members in by_deck.items()
    ]
    # per note type: its id, the index of its sort field and its card rule
    notetypes = {s.notetype.name: s.notetype for s in specs}
    kinds = {name: (nt.id, nt.sort_index, _card_rule(nt)) for name, nt in notetypes.items()}
    # genanki's id sequence: deck by deck, each note's id followed by its cards' ids
    ids = itertools.count(timestamp * 1000)
    notes: list[tuple[object, ...]] = []
    cards: list[tuple[object, ...]] = []
    tags_text: dict[tuple[str, ...], str] = {}  # the notes of a section and type share their tags
    for deck, members in zip(decks, by_deck.values(), strict=True):
        for s in members:
            nid, mod = next(ids), mods[s.key]
            mid, sort, rule = kinds[s.notetype.name]
            tags = tags_text.get(s.tags)
            if tags is None:
                tags = tags_text[s.tags] = f" {' '.join(s.tags)} "
            notes.append((nid, s.guid, mid, mod, tags, "\x1f".join(s.fields), s.fields[sort]))
            for ord_ in rule.ords(s.fields):
                cards.append((next(ids), nid, deck.id, ord_, mod, s.position))
    conn = sqlite3.connect(":memory:")  # built in memory: nothing to clean up, no disk syncs
    try:
        conn.deserialize(_empty_collection())
        cursor = conn.cursor()
        _write_decks(cursor, decks, timestamp)
        cursor.executemany(_INSERT_NOTE, notes)
        cursor.executemany(_INSERT_CARD, cards)
        conn.commit()
        return conn.serialize()
    finally:
        conn.close()


def _zip_entry(name: str, compress_type: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = compress_type
    info.external_attr = 0o644 << 16
    return info


def write(questions: Sequence[Question], path: Path, options: BuildOptions) -> list[Path]:
    """Write ``questions`` as an Anki package at ``path`` (and update its ledger beside it)."""
    specs = note_specs(questions, options.anki.deck_name)
    mods, timestamp, ledger = _stamps(specs, path, options.anki.ledger)
    collection = _collection(specs, mods, timestamp)
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w") as apkg:
        apkg.writestr(_zip_entry("collection.anki2"), collection, compresslevel=_ZIP_LEVEL)
        # stored: setting up deflate for its two bytes costs more than writing them
        apkg.writestr(_zip_entry("media", zipfile.ZIP_STORED), json.dumps({}))
    if ledger is not None:
        # after the package: a failed write leaves the old ledger, which matches the old package
        ledger_mod.save(ledger_mod.ledger_path(path), ledger)
    return [path]
