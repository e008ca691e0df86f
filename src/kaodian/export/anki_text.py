"""The Anki text-import file (``.anki.tsv``): one note a line, tab-separated, with Anki's header lines.

It uses the note types every Anki collection has, named as an Anki in the
notes' language names them (问答题/填空题 in Chinese, Basic/Cloze in English),
so it imports without the .apkg's note types, and other flashcard apps read its
two text columns. Notes keep the .apkg's GUIDs: import one or the other into a
collection, not both.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from ..fsutil import write_text
from ..model import Question
from ..options import BuildOptions
from . import anki

#: The columns, in order; Anki maps the two after the GUID to the note type's first two fields.
COLUMNS = ("Notetype", "Deck", "Tags", "GUID", "Front", "Back")

_FIRST_FIELD = COLUMNS.index("Front")

HEADER = (
    "#separator:tab",
    "#html:true",
    "#columns:" + "\t".join(COLUMNS),
    f"#notetype column:{COLUMNS.index('Notetype') + 1}",
    f"#deck column:{COLUMNS.index('Deck') + 1}",
    f"#tags column:{COLUMNS.index('Tags') + 1}",
    f"#guid column:{COLUMNS.index('GUID') + 1}",
)


def _source_html(q: Question) -> str:
    if not q.source.sentence:
        return ""
    language = anki.language_of(q)
    return f'<div class="source">{html.escape(anki.label(language, "source"))}{anki.html_text(q.source.sentence)}</div>'


def row(q: Question, deck_override: str | None = None, occurrence: int = 1) -> tuple[str, ...]:
    """One question as the cells of its line."""
    language = anki.language_of(q)
    if anki.is_cloze(q):
        notetype, front, back = anki.label(language, "builtin_cloze"), anki.cloze_text(q), _source_html(q)
    else:
        front, back = anki.front_back(q)
        notetype, back = anki.label(language, "builtin_basic"), back + _source_html(q)
    tags = " ".join(anki.note_tags(q))
    return notetype, anki.deck_name(q, deck_override), tags, anki.note_guid(q, occurrence), front, back


def _cell(text: str, *, markup: bool) -> str:
    """A cell Anki's reader takes back unchanged: no tab or line break, and no quote in the HTML cells.

    Text quotes are already entities there, so the only quotes left are attribute quotes,
    which HTML takes single as well; other apps then see no CSV quoting at all.
    """
    text = " ".join(text.replace("\t", " ").splitlines())
    if markup:
        return text.replace('"', "'")
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def dumps(questions: Sequence[Question], deck_override: str | None = None) -> str:
    """The whole file: the header lines, then one line per question in document order."""
    lines = list(HEADER)
    for q, occurrence in anki.numbered(questions):
        cells = row(q, deck_override, occurrence)
        lines.append("\t".join(_cell(c, markup=i >= _FIRST_FIELD) for i, c in enumerate(cells)))
    return "\n".join(lines) + "\n"


def write(questions: Sequence[Question], path: Path, options: BuildOptions) -> list[Path]:
    """Write ``questions`` as an Anki text-import file at ``path``."""
    return [write_text(path, dumps(questions, options.anki.deck_name))]
