"""The exam paper as an A4 PDF (fpdf2), with the CJK font the machine has embedded as a subset.

Chinese prints only with a CJK font: ``KAODIAN_FONT`` names one, else one is
found through fontconfig or in the usual system folders. With none, a
:class:`~kaodian.errors.FontError` says how to install one; a paper never
prints boxes in place of characters. English-only papers use Helvetica.

Speed: a paper that uses only common characters is printed from a reduced copy of the font kept
in the user's cache (:mod:`kaodian.fontcache`), and Chinese text is broken into lines here rather
than by fpdf2 (see :meth:`_Writer.break_chars`); the pages are the same as without either.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import struct
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import datafiles
from ..errors import FontError
from .paper import LETTERS, Item, Paper, answer_lines, blank_em

#: A fixed creation date: the same paper gives the same bytes.
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
INSTALL_HINT = (
    "no Chinese font found to print the PDF; install one (Debian/Ubuntu: sudo apt-get install fonts-noto-cjk; "
    "Fedora: sudo dnf install google-noto-sans-cjk-fonts) or set KAODIAN_FONT to a .ttf/.otf/.ttc file"
)

# page geometry, millimetres
MARGIN_X = 18.0
MARGIN_TOP = 16.0
MARGIN_BOTTOM = 18.0
BODY_PT = 10.5  # 五号
LINE = 6.0  # body line height
NUM_W = 8.5  # room for the question number
ROOM_LINE = 8.0  # ruled answer lines under short-answer questions


# ---------------------------------------------------------------- finding a font


@dataclass(frozen=True, order=True)
class FontFace:
    """A font file and the face in it (collections such as .ttc hold several)."""

    path: Path
    index: int = 0


@functools.cache
def _known_fonts() -> dict[str, Any]:
    data: dict[str, Any] = datafiles.data("quiz_fonts.yaml")
    return data


def _face_rank(path: Path, family: str, style: str) -> tuple[int, int, int, int]:
    """Lower is better: a regular weight, a Simplified Chinese face, not monospaced, a small file."""
    prefer = _known_fonts()["prefer"]
    family_l = family.lower()
    regular = 0 if not style or style.lower() in ("regular", "book", "normal", "roman", "w3") else 1
    simplified = 0 if any(m.lower() in family_l for m in prefer["simplified"]) else 1
    mono = 1 if "mono" in family_l else 0
    try:
        size = path.stat().st_size
    except OSError:
        size = 1 << 40
    return (regular, simplified, mono, size)


def _fontconfig_faces() -> list[tuple[tuple[int, int, int, int], FontFace]]:
    """Faces fontconfig says cover Simplified Chinese, ranked."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return []
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh-cn", "--format", "%{file}\t%{index}\t%{family[0]}\t%{style[0]}\n"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    faces = []
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[1].isdigit():
            continue
        path = Path(parts[0])
        if path.suffix.lower() not in (".ttf", ".otf", ".ttc", ".otc"):
            continue
        faces.append((_face_rank(path, parts[2], parts[3]), FontFace(path, int(parts[1]))))
    return faces


def _collection_face(path: Path) -> FontFace | None:
    """The best face of a font file that has Chinese glyphs, or None."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            fonts = list(TTCollection(str(path), lazy=True).fonts)
        else:
            fonts = [TTFont(str(path), lazy=True)]
    except (OSError, TTLibError, AssertionError, ValueError, struct.error):
        return None  # not a font, or a damaged one: try the next
    # rank the faces by name first (cheap), then read cmaps (slow in a big collection) best first
    ranked = []
    for index, font in enumerate(fonts):
        try:
            name = font["name"]
            family = str(name.getDebugName(16) or name.getDebugName(1) or "")
            style = str(name.getDebugName(17) or name.getDebugName(2) or "")
        except (KeyError, TTLibError, AssertionError):
            continue
        ranked.append((_face_rank(path, family, style), index))
    for _rank, index in sorted(ranked):
        try:
            cmap = fonts[index].getBestCmap() or {}
        except (KeyError, TTLibError, AssertionError):
            continue
        if all(ord(ch) in cmap for ch in "中国试卷"):
            return FontFace(path, index)
    return None


def _known_paths() -> Iterator[Path]:
    windir = os.environ.get("WINDIR", "C:\\Windows")
    for entry in _known_fonts()["paths"]:
        yield Path(str(entry).replace("{windir}", windir)).expanduser()


@functools.cache
def find_cjk_font() -> FontFace | None:
    """The CJK font to embed: $KAODIAN_FONT, else the best fontconfig face, else a well-known file."""
    override = os.environ.get("KAODIAN_FONT")
    if override:
        path_text, _, index = override.partition("#")
        path = Path(path_text).expanduser()
        if not path.is_file():
            raise FontError(f"KAODIAN_FONT={override}: no such font file; point it at a .ttf/.otf/.ttc file")
        if index.isdigit():
            return FontFace(path, int(index))
        face = _collection_face(path)
        if face is None:
            raise FontError(f"KAODIAN_FONT={override}: this font has no Chinese characters; choose another")
        return face
    faces = _fontconfig_faces()
    if faces:
        return min(faces)[1]
    for path in _known_paths():
        if path.is_file():
            face = _collection_face(path)
            if face is not None:
                return face
    return None


# ---------------------------------------------------------------- drawing


def _strings_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings_in(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings_in(v)


def _paper_text(paper: Paper) -> str:
    """Every character the PDF will print (to choose between Helvetica and an embedded font)."""
    parts = [paper.title, paper.key_title, paper.version_label, "0123456789", *_strings_in(dict(paper.strings))]
    for sec in paper.sections:
        parts.append(sec.heading)
        for item in sec.items:
            q = item.question
            parts.extend([q.prompt, *q.answer, *q.choices, q.correction, *q.source.section, q.source.title])
    for entry in paper.key():  # as the key prints them, so the font chosen has every character
        parts.extend([entry.answer, *entry.details, entry.source])
    return "".join(parts)


def _font_file(face: FontFace, text: str) -> tuple[str, int]:
    """The file and face to load: the cached common-character copy of ``face`` when it holds all of ``text``.

    fpdf2 reads every glyph's metrics when it loads a font and fontTools parses the whole glyph
    table when it cuts the subset; with the 8,000-glyph copy instead of a 30,000-65,000-glyph CJK
    font loading takes about a third of the time (0.15 s instead of 0.4-0.5 s for the sample
    paper). The copy's glyphs are the full font's, so the page looks the same.
    """
    from ..fontcache import covers, reduced_font

    if covers(text):
        reduced = reduced_font(face.path, face.index)
        if reduced is not None:
            return str(reduced), 0
    return str(face.path), face.index


def _cp1252(ch: str) -> bool:
    try:
        ch.encode("windows-1252")
    except UnicodeEncodeError:
        return False
    return True


#: The spaces fpdf2 drops where a line breaks (fpdf.line_break.BREAKING_SPACE_SYMBOLS).
_BREAKING_SPACES = frozenset(" \u200b\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f\u3000\t")


class _Writer:
    """Draws one paper: keeps the fpdf state (font, bold, wrapping) in one place."""

    def __init__(self, paper: Paper) -> None:
        from fontTools.ttLib import TTLibError
        from fpdf import FPDF
        from fpdf.enums import WrapMode
        from fpdf.fonts import TTFFont

        self.paper = paper
        self.s = paper.strings
        text = _paper_text(paper)
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_creation_date(EPOCH)
        pdf.set_creator("kaodian")
        pdf.set_title(paper.title + paper.version_label)
        pdf.set_lang("zh-CN" if paper.language == "zh" else "en")
        pdf.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
        pdf.set_auto_page_break(True, MARGIN_BOTTOM)
        pdf.core_fonts_encoding = "windows-1252"
        try:
            text.encode("windows-1252")
            self.family, self.embedded = "Helvetica", False
        except UnicodeEncodeError:
            face = find_cjk_font()
            if face is None:
                if any(unicodedata.east_asian_width(ch) in "WF" for ch in text):
                    raise FontError(INSTALL_HINT) from None
                odd = "".join(sorted({ch for ch in text if not _cp1252(ch)})[:10])
                raise FontError(
                    f"no font found to print {odd}; install fonts-noto-cjk (it covers Latin, Greek and Cyrillic too) "
                    "or set KAODIAN_FONT to a .ttf/.otf/.ttc file that has these characters"
                ) from None
            font_path, font_index = _font_file(face, text)
            try:
                pdf.add_font("kaodian", "", font_path, collection_font_number=font_index)
            except (OSError, ValueError, KeyError, AssertionError, struct.error, TTLibError):
                if font_path == str(face.path):
                    raise
                # a damaged cached copy (a disk that filled up, a stray edit): drop it, use the font itself
                with contextlib.suppress(OSError):
                    os.unlink(font_path)
                pdf.add_font("kaodian", "", str(face.path), collection_font_number=face.index)
            font = pdf.fonts["kaodian"]
            assert isinstance(font, TTFFont)
            # Skip recomputing the bounding boxes of the subset's glyphs: that is about half the
            # time of subsetting a CFF font such as Noto CJK, and the full font's boxes stay valid.
            font.ttfont.recalcBBoxes = False
            missing = sorted({ch for ch in text if ord(ch) not in font.cmap and ch.isprintable() and not ch.isspace()})
            if missing:
                raise FontError(
                    f"{face.path.name} has no glyph for {''.join(missing[:10])}; "
                    "set KAODIAN_FONT to a font that has them"
                ) from None
            self.family, self.embedded = "kaodian", True
        self.wrap = WrapMode.CHAR if paper.language == "zh" else WrapMode.WORD
        self.wrap_chars = self.wrap == WrapMode.CHAR
        self._widths: dict[tuple[str, str, float, str], float] = {}
        self._breaks: dict[tuple[str, str, float, float, str], list[str]] = {}
        self.pdf = pdf
        self.size = BODY_PT
        self.bold = False
        self.pdf.set_font(self.family, "", BODY_PT)

    # -- text primitives

    def font(self, size: float = BODY_PT, bold: bool = False, gray: int = 0) -> None:
        """Set size, weight and colour for the next text."""
        self.size = size
        self.bold = bold
        self.pdf.set_font(self.family, "B" if bold and not self.embedded else "", size)
        self.pdf.set_text_color(gray)
        self.pdf.set_draw_color(gray)

    @contextlib.contextmanager
    def weight(self) -> Iterator[None]:
        """Draw text bold: an embedded CJK font has no bold face, so its outline is stroked too.

        In a local graphics context, so the stroke mode cannot leak into the text after it.
        """
        if not (self.bold and self.embedded):
            yield
            return
        from fpdf.enums import TextMode

        with self.pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=0.1 * self.size / BODY_PT):
            yield

    def char_width(self, ch: str) -> float:
        """The width of ``ch`` in millimetres in the current font and size, measured once."""
        key = (self.pdf.font_family, self.pdf.font_style, self.pdf.font_size_pt, ch)
        width = self._widths.get(key)
        if width is None:
            width = self._widths[key] = float(self.pdf.get_string_width(ch))
        return width

    def break_chars(self, width: float, text: str) -> list[str]:
        """``text`` broken into lines at any character, as fpdf2's ``multi_cell`` does with ``WrapMode.CHAR``.

        fpdf2's line breaker measures every character through several layers of objects: for a
        ten-page Chinese paper that was half the time of the PDF. Chinese breaks between any two
        characters, so a greedy breaker over a table of measured widths gives the same lines.
        The rules are fpdf2's: a newline ends a line; a space that does not fit is dropped; a line
        broken before another character loses its trailing spaces.
        """
        key = (self.pdf.font_family, self.pdf.font_style, self.pdf.font_size_pt, width, text)
        cached = self._breaks.get(key)
        if cached is not None:
            return cached
        room = width - 2 * self.pdf.c_margin
        result: list[str] = []
        line: list[str] = []
        used = 0.0
        for ch in text:
            if ch == "\n":
                result.append("".join(line))
                line, used = [], 0.0
                continue
            w = self.char_width(ch)
            if used + w > room + 1e-9 and line:
                if ch in _BREAKING_SPACES:
                    result.append("".join(line))
                    line, used = [], 0.0
                    continue
                result.append("".join(line).rstrip(" "))
                line, used = [], 0.0
            line.append(ch)
            used += w
        if line or not result:
            result.append("".join(line))
        self._breaks[key] = result
        return result

    def lines(self, width: float, text: str) -> int:
        """How many lines ``text`` takes in a column ``width`` wide."""
        if self.wrap_chars:
            return max(1, len(self.break_chars(width, text)))
        from fpdf.enums import MethodReturnValue

        result = self.pdf.multi_cell(
            width, LINE, text, dry_run=True, output=MethodReturnValue.LINES, wrapmode=self.wrap
        )
        return max(1, len(result) if isinstance(result, list) else 1)

    def block(self, x: float, width: float, text: str, height: float = LINE, align: str = "L") -> None:
        """``text`` wrapped in a column from ``x``; the cursor goes to the line after it."""
        from fpdf.enums import XPos, YPos

        pdf = self.pdf
        pdf.set_x(x)
        with self.weight():
            if not self.wrap_chars:
                pdf.multi_cell(
                    width, height, text, align=align, wrapmode=self.wrap, new_x=XPos.LMARGIN, new_y=YPos.NEXT
                )
                return
            for line in self.break_chars(width, text):
                pdf.set_x(x)
                pdf.cell(width, height, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` more millimetres fit on this one: no question is split."""
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page()

    @property
    def width(self) -> float:
        return float(self.pdf.epw)

    # -- the paper

    def blank(self, answer: str) -> str:
        em = blank_em(answer)
        return "＿" * em if self.embedded else "_" * int(em * 1.8)

    def prompt(self, item: Item) -> str:
        q = item.question
        if q.type == "cloze":
            return q.fill(lambda _n, answer: self.blank(answer))
        if q.type == "truefalse":
            return q.prompt + str(self.s["bracket"])
        return q.prompt

    def choice_rows(self, item: Item) -> list[list[str]]:
        label = str(self.s["choice_label"])
        cells = [label.format(letter=letter) + c for letter, c in zip(LETTERS, item.choices, strict=False)]
        return [cells[i : i + item.columns] for i in range(0, len(cells), item.columns)]

    def item_height(self, item: Item, kind: str) -> float:
        inner = self.width - NUM_W
        h = self.lines(inner, self.prompt(item)) * LINE
        for row in self.choice_rows(item):
            col = inner / item.columns
            h += max(self.lines(col - 1, c) for c in row) * LINE
        if kind == "order":
            h += LINE
        if kind == "short":
            h += LINE + answer_lines(item) * ROOM_LINE
        return h + 1.5

    def item(self, item: Item, kind: str) -> None:
        pdf = self.pdf
        self.font()
        self.keep(self.item_height(item, kind))
        top = pdf.get_y()
        x0 = pdf.l_margin
        inner = self.width - NUM_W
        pdf.set_xy(x0, top)
        pdf.cell(NUM_W, LINE, str(self.s["number"]).format(n=item.number).strip())
        pdf.set_xy(x0 + NUM_W, top)
        self.block(x0 + NUM_W, inner, self.prompt(item))
        col = inner / item.columns
        for row in self.choice_rows(item):
            y = pdf.get_y()
            bottom = y
            for k, cell in enumerate(row):
                pdf.set_xy(x0 + NUM_W + k * col, y)
                self.block(x0 + NUM_W + k * col, col - 1, cell)
                bottom = max(bottom, pdf.get_y())
            pdf.set_y(bottom)
        if kind == "order":
            self.block(x0 + NUM_W, inner, str(self.s["order_hint"]) + self.blank("甲" * (len(item.choices) + 1)))
        if kind == "short":
            self.block(x0 + NUM_W, inner, str(self.s["answer_room"]))
            pdf.set_draw_color(170)
            pdf.set_line_width(0.2)
            y = pdf.get_y()
            for i in range(1, answer_lines(item) + 1):
                pdf.line(x0 + NUM_W, y + i * ROOM_LINE, x0 + self.width, y + i * ROOM_LINE)
            pdf.set_draw_color(0)
            pdf.set_y(y + answer_lines(item) * ROOM_LINE)
        pdf.set_y(pdf.get_y() + 1.5)

    def header(self) -> None:
        pdf = self.pdf
        paper = self.paper
        s = self.s
        self.font(16, bold=True)
        self.block(pdf.l_margin, self.width, paper.title, height=9, align="C")
        if paper.version:
            self.font(12)
            self.block(pdf.l_margin, self.width, paper.version_label.strip(), height=7, align="C")
        self.font(BODY_PT, gray=80)
        self.block(pdf.l_margin, self.width, str(s["full_marks"]).format(total=paper.total), align="C")
        # score table: 题号 一 二 ... 总分 / 得分
        self.font()
        head, total, score = (str(x) for x in s["score_table"])
        marks = [sec.mark.strip().rstrip("、.") for sec in paper.sections]
        cols = [head, *marks, total]
        cell_w = min(16.0, self.width / len(cols))
        x = pdf.l_margin + (self.width - cell_w * len(cols)) / 2
        pdf.set_y(pdf.get_y() + 2)
        pdf.set_draw_color(0)
        pdf.set_line_width(0.25)
        for row in (cols, [score] + [""] * (len(cols) - 1)):
            pdf.set_x(x)
            for text in row:
                pdf.cell(cell_w, 8, text, border=1, align="C")
            pdf.ln(8)
        # name / class / number / score blanks
        pdf.set_y(pdf.get_y() + 3)
        fields = [str(f) for f in s["fields"]]
        colon = "：" if paper.language == "zh" else ": "
        slot = self.width / len(fields)
        y = pdf.get_y()
        for k, f in enumerate(fields):
            label = f + colon
            pdf.set_xy(pdf.l_margin + k * slot, y)
            pdf.cell(pdf.get_string_width(label) + 0.5, LINE, label)
            pdf.line(pdf.get_x(), y + LINE - 1, pdf.l_margin + (k + 1) * slot - 4, y + LINE - 1)
        pdf.set_y(y + LINE + 2)
        self.font(9, gray=80)
        self.block(pdf.l_margin, self.width, str(s["instructions"]), height=5)
        pdf.set_line_width(0.4)
        pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.l_margin + self.width, pdf.get_y() + 1)
        pdf.set_y(pdf.get_y() + 3)
        self.font()

    def heading(self, text: str, level: int = 0) -> None:
        self.font(11.5, bold=True)
        self.keep(LINE + 2 + LINE * 2)  # never a heading alone at the foot of a page
        self.pdf.set_y(self.pdf.get_y() + 2)
        self.pdf.start_section(text, level)  # a bookmark in the viewer's outline
        self.block(self.pdf.l_margin, self.width, text, height=LINE + 1)
        self.font()

    def key(self) -> None:
        pdf = self.pdf
        s = self.s
        entries = {e.number: e for e in self.paper.key()}
        self.font(15, bold=True)
        pdf.start_section(self.paper.key_title)
        self.block(pdf.l_margin, self.width, self.paper.key_title, height=9, align="C")
        inner = self.width - NUM_W
        for section in self.paper.sections:
            self.heading(section.mark + section.name, level=1)
            for item in section.items:
                e = entries[item.number]
                source = str(s["source"]) + e.source
                self.font(9)
                h = self.lines(inner, source) * 5.0
                self.font()
                lines = ([e.answer] if e.answer else []) + list(e.details)
                h += sum(self.lines(inner, t) for t in lines) * LINE + 1
                self.keep(h)
                top = pdf.get_y()
                pdf.set_xy(pdf.l_margin, top)
                pdf.cell(NUM_W, LINE, str(s["number"]).format(n=e.number).strip())
                pdf.set_xy(pdf.l_margin + NUM_W, top)
                if e.answer:
                    self.font(bold=True)
                    self.block(pdf.l_margin + NUM_W, inner, e.answer)
                    self.font()
                for d in e.details:
                    self.block(pdf.l_margin + NUM_W, inner, d)
                self.font(9, gray=90)
                self.block(pdf.l_margin + NUM_W, inner, source, height=5.0)
                self.font()
                pdf.set_y(pdf.get_y() + 1)

    def render(self, key: bool, key_only: bool) -> bytes:
        pdf = self.pdf
        footer_text = self.paper.title + self.paper.version_label
        writer = self

        def footer() -> None:
            pdf.set_y(-12)
            writer.font(8.5, gray=110)
            page = str(writer.s["page"]).format(page=pdf.page_no(), pages="{nb}")
            pdf.cell(0, 5, f"{footer_text}    {page}", align="C")

        pdf.footer = footer  # type: ignore[method-assign]
        pdf.add_page()
        if not key_only:
            self.header()
            for section in self.paper.sections:
                self.heading(section.heading)
                for item in section.items:
                    self.item(item, section.kind)
        if key or key_only:
            if not key_only:
                pdf.add_page()
            self.key()
        return bytes(pdf.output())


def render_pdf(paper: Paper, *, key: bool = True, key_only: bool = False) -> bytes:
    """The PDF of ``paper``: the questions, then the key on a page of its own (or only the key)."""
    return _Writer(paper).render(key, key_only)


def warm_up() -> None:
    """Import fpdf2 and prepare the font, so that a worker process is ready before the questions are.

    ``pipeline.build`` runs this in the process that renders the PDFs while the main process
    still reads and extracts the documents: the import and the font are most of a PDF's cost.
    """
    import fpdf  # noqa: F401
    from fpdf import fonts  # noqa: F401

    from ..fontcache import reduced_font

    face = find_cjk_font()
    if face is not None:
        reduced_font(face.path, face.index)
