"""Read input files: formats (.txt .md .html .docx .pdf) and text encodings.

Every reader returns plain text with one paragraph per line; headings of
structured formats (.docx styles, HTML h1-h6) become Markdown ``#`` lines so
the outline stage sees them. Cleaning (boilerplate, doubling, punctuation)
is :mod:`kaodian.clean`'s job, not this module's.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncodingError,
    MissingInputError,
    NoTextLayerError,
    TooLargeError,
    UnsupportedFormatError,
)
from .model import SourceText
from .options import DEFAULT_MAX_BYTES

#: Extension -> kind.
KINDS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}

#: Magic numbers of binary formats that sometimes arrive with a text extension.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (a .docx? rename it)"),
    (b"%PDF-", "a PDF (rename it to .pdf)"),
    (b"\xd0\xcf\x11\xe0", "an old Word/Office file (save it as .docx)"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Encodings decoded through their superset.
_SUPERSETS = {
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "cp936": "gb18030",
    "hz": "gb18030",
    "euc_cn": "gb18030",
    "big5hkscs": "big5hkscs",
    "cp950": "cp950",
}


def read_source(path: str | Path, *, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Read one document file and decode it to text."""
    p = Path(path)
    kind = KINDS.get(p.suffix.lower())
    if kind is None:
        if p.suffix.lower() == ".doc":
            raise UnsupportedFormatError(f"{p}: old Word .doc files are not read; save it as .docx and try again")
        known = ", ".join(sorted(set(KINDS) - {".text"}))
        raise UnsupportedFormatError(
            f"{p}: kaodian does not read {p.suffix or 'files without an extension'}; use {known}"
        )
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise MissingInputError(f"{p}: no such file") from None
    except OSError as exc:
        raise MissingInputError(f"{p}: cannot read it ({exc.strerror or exc})") from None
    if p.is_dir():
        raise MissingInputError(f"{p}: is a folder, not a document")
    if size > max_bytes:
        raise TooLargeError(
            f"{p} is {_mb(size)}, over the limit of {_mb(max_bytes)}; "
            f"pass --max-size {size // (1024 * 1024) + 1} to read it"
        )
    if size == 0:
        raise EmptyDocumentError(f"{p}: the file is empty")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise MissingInputError(f"{p}: cannot read it ({exc.strerror or exc})") from None

    used: str | None = None
    if kind == "docx":
        text = _read_docx(p, data)
    elif kind == "pdf":
        text = _read_pdf(p, data)
    else:
        _refuse_binary(p, data)
        if kind == "html":
            text, used = decode_text(data, encoding or _html_charset(data), p, forced=encoding is not None)
            text = html_to_text(text)
        else:
            text, used = decode_text(data, encoding, p)
            if kind == "md":
                text = markdown_to_text(text)
            text = unwrap(text)
    if not text.strip():
        raise EmptyDocumentError(f"{p}: no text in this document")
    return SourceText(path=str(p), kind=kind, text=text, encoding=used)


def _mb(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n / (1024 * 1024):.1f} MB" if n < 10 * 1024 * 1024 else f"{n // (1024 * 1024)} MB"


# ---------------------------------------------------------------- encodings


def _refuse_binary(p: Path, data: bytes) -> None:
    """Refuse images, archives and other binary data that carry a text extension."""
    head = data[:16]
    for magic, what in _MAGIC:
        if what and head.startswith(magic):
            raise UnsupportedFormatError(f"{p}: this is {what}, not a text file")


def decode_text(data: bytes, encoding: str | None, p: Path, *, forced: bool = True) -> tuple[str, str]:
    """Decode ``data``: the forced encoding, else UTF-8, a BOM, UTF-16 without BOM, or a detected CJK encoding."""
    if encoding:
        name = _canonical(encoding, p)
        try:
            return _strip_bom(data.decode(name)), name
        except UnicodeDecodeError as exc:
            if forced:
                raise EncodingError(
                    f"{p}: the bytes are not valid {encoding} (at byte {exc.start}); try another --encoding, "
                    "e.g. utf-8, gbk, big5 or utf-16"
                ) from None
            # a wrong <meta charset>: fall through to detection
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _strip_bom(data.decode(name)), name
            except UnicodeDecodeError:
                break
    text: str | None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _mostly_utf8(data)
    if text is not None:
        if "\x00" in text:
            utf16 = _utf16_without_bom(data)
            if utf16 is not None:
                return utf16
            raise UnsupportedFormatError(f"{p}: this looks like binary data (NUL bytes), not a text file")
        return text, "utf-8"
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise UnsupportedFormatError(f"{p}: this looks like binary data (NUL bytes), not a text file")
    best = _detect_cjk(data)
    if best is None:
        raise EncodingError(f"{p}: could not detect the text encoding; pass --encoding gbk (or big5, utf-16)")
    return best


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few damaged bytes (a file cut mid-character, a stray byte): the damage replaced."""
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    multibyte = len(data) - len(text)  # bytes beyond one per character: valid multi-byte sequences
    if damaged <= 3 and multibyte >= 20 * damaged:
        return text.rstrip("\ufffd") if damaged == text[-3:].count("\ufffd") else text
    return None


def _canonical(encoding: str, p: Path) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise EncodingError(
            f"{p}: unknown encoding {encoding!r}; pass a name such as utf-8, gbk, big5 or utf-16"
        ) from None
    return _SUPERSETS.get(name, name)


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM: NUL bytes mostly at odd (LE) or even (BE) offsets, and text that decodes cleanly."""
    if len(data) % 2:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    order = ("utf-16-le", "utf-16-be") if odd >= even else ("utf-16-be", "utf-16-le")
    for name in order:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausibility(text) >= 0.9:
            return _strip_bom(text), name
    return None


def _detect_cjk(data: bytes) -> tuple[str, str] | None:
    """The most plausible decoding among GB18030, Big5 and charset-normalizer's guess."""
    candidates = ["gb18030", "big5", "cp950", "utf-16-le", "utf-16-be"]
    from charset_normalizer import from_bytes

    guess = from_bytes(data[:200_000]).best()
    if guess is not None and guess.encoding:
        name = codecs.lookup(guess.encoding).name
        name = _SUPERSETS.get(name, name)
        if name not in candidates:
            candidates.insert(0, name)
    scored: list[tuple[float, int, str, str]] = []
    for rank, name in enumerate(candidates):
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((_plausibility(text), -rank, name, text))
    if not scored:
        return None
    score, _, name, text = max(scored)
    if score < 0.6:
        return None
    return _strip_bom(text), name


def _plausibility(text: str) -> float:
    """Share of the non-ASCII characters that ordinary text uses (common hanzi, CJK and Latin punctuation, letters)."""
    sample = text[:100_000]
    common = _common_chars()
    total = good = 0
    for ch in sample:
        if ch < "\x80":
            if ch < " " and ch not in "\t\n\r\x0c":
                total += 1  # control characters count against
            continue
        total += 1
        if (
            ch in common
            or unicodedata.category(ch)[0] in "PZ"
            or "\u00c0" <= ch <= "\u024f"
            or "\u3000" <= ch <= "\u303f"
        ):
            good += 1
    if total == 0:
        return 1.0
    return good / total


@functools.cache
def _common_chars() -> frozenset[str]:
    """The common hanzi: GB2312 level 1 (simplified) and Big5's frequently used block (traditional)."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("gb2312"))
    for lead in range(0xA4, 0xC7):
        for trail in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes((lead, trail)).decode("big5"))
    chars.update("，。、；：？！“”‘’（）《》〈〉【】「」『』…—·﹏～")
    return frozenset(chars)


_META_CHARSET = rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]{2,30})"""


def _html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag, if any."""
    m = re.search(_META_CHARSET, data[:4096], re.IGNORECASE)
    if not m:
        return None
    name = m.group(1).decode("ascii", "replace")
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


# ---------------------------------------------------------------- hard-wrapped text

# The patterns of one format or case are compiled where they are used (the re module keeps them):
# most processes never meet that format, and compiling a pattern costs every process that does.

_BLOCK_START = (
    r"^\s*(?:[-*+•>|#]|\d{1,3}[.)、]|[A-Za-z][.)]\s|[（(][\w一二三四五六七八九十]{1,3}[)）]"
    r"|[一二三四五六七八九十]+、|[⒈-⒛①-⑳⑴-⒇])"
)
_CJK_HEADING = (
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]{1,3}[)）]"
    r"|第[一二三四五六七八九十百\d]+[章节条部分编])[^。！？]*$"
)
_LINE_END = tuple("。！？!?；;：:…”」』\"')）")


def unwrap(text: str) -> str:
    """Join the lines of hard-wrapped paragraphs (blank lines between paragraphs, lines cut at a width).

    Text with one paragraph a line (scrapes, most Chinese text) is left as it is: the
    paragraphs must be separated by blank lines, and most lines inside them must end
    without punctuation, before any line is joined; and only a line about as wide as
    the widest lines (it was cut at the width) is joined to the next.
    """
    lines = text.splitlines()
    if len(lines) < 3 or not any(not line.strip() for line in lines):
        return text
    inner = [a for a, b in itertools.pairwise(lines) if a.strip() and b.strip()]
    if len(inner) < 2:
        return text
    open_ended = sum(1 for a in inner if not a.rstrip().endswith(_LINE_END))
    if open_ended < 0.6 * len(inner):
        return text
    widths = sorted(_display_width(line.strip()) for line in lines if line.strip())
    wrap = widths[int(len(widths) * 0.9)]
    if wrap < 30:  # nobody wraps text this narrow: these are short lines, headings and lists
        return text
    block_start = re.compile(_BLOCK_START)
    cjk_heading = re.compile(_CJK_HEADING)
    out: list[str] = []
    cut = False  # the previous line was cut at the wrap width
    for line in lines:
        stripped = line.strip()
        if cut and stripped and not block_start.match(line):
            out[-1] = _join(out[-1], stripped)
        else:
            out.append(stripped)
        cut = (
            bool(stripped)
            and _display_width(stripped) >= 0.6 * wrap
            and not stripped.endswith(_LINE_END)
            and not stripped.startswith("#")
            and not cjk_heading.match(stripped)
        )
    return "\n".join(out)


# ---------------------------------------------------------------- Markdown

# Brackets never nest inside the bounded runs, so a line of 10,000 "[" is scanned in linear time.
_MD_IMAGE = r"!\[[^\[\]\n]{0,300}\]\([^()\s]{0,500}(?:\s[^()]{0,200})?\)"
_MD_LINK = r"\[([^\[\]\n]{0,300})\]\([^()\s]{0,500}(?:\s[^()]{0,200})?\)"
_MD_REF_LINK = r"\[([^\[\]\n]{1,300})\]\[[^\[\]\n]{0,100}\]"
_MD_REF_DEF = r"^\s{0,3}\[[^\[\]\n]{1,300}\]:\s*\S"
_MD_EMPHASIS = r"\*\*|__|`"
_MD_AUTOLINK = r"<(https?://[^<>\s]{1,2000})>"
_MD_BREAK = r"\s*[-*_=]{3,}\s*"  # a thematic break or a setext underline


def markdown_to_text(text: str) -> str:
    """Markdown as plain text: headings and list markers stay; emphasis, link syntax and images go."""
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":  # YAML front matter
        for i in range(1, min(len(lines), 200)):
            if lines[i].strip() in ("---", "..."):
                lines = lines[i + 1 :]
                break
    ref_def, image, link, ref_link, autolink, emphasis, thematic_break = map(
        re.compile, (_MD_REF_DEF, _MD_IMAGE, _MD_LINK, _MD_REF_LINK, _MD_AUTOLINK, _MD_EMPHASIS, _MD_BREAK)
    )
    out: list[str] = []
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")) or ref_def.match(line):
            continue
        line = image.sub("", line)
        line = link.sub(r"\1", line)
        line = ref_link.sub(r"\1", line)
        line = autolink.sub(r"\1", line)
        line = emphasis.sub("", line)
        if thematic_break.fullmatch(line):
            continue
        out.append(line.rstrip())
    return "\n".join(out)


# ---------------------------------------------------------------- HTML

_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "nav",
        "header",
        "footer",
        "aside",
        "form",
        "noscript",
        "template",
        "svg",
        "iframe",
        "button",
        "select",
        "textarea",
        "head",
        "object",
    ]
)
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "tr",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "section",
        "article",
        "main",
        "blockquote",
        "pre",
        "hr",
        "figure",
        "figcaption",
        "address",
        "caption",
        "details",
        "summary",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "td",
        "th",
    ]
)
_VOID_TAGS = frozenset(
    ["br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "track", "wbr"]
)


_STRAY_LT = r"<(?=[^<>]*(?:<|\Z))"


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.skip_stack: list[str] = []
        self.heading = 0
        self.pre = 0

    def _flush(self) -> None:
        text = "".join(self.current)
        if not self.pre:
            text = " ".join(text.split())
        self.current = []
        if text.strip():
            prefix = "#" * self.heading + " " if self.heading else ""
            self.lines.extend(prefix + t for t in text.splitlines() if t.strip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            if tag not in _VOID_TAGS:
                self.skip_stack.append(tag)
            return
        if self.skip_stack:
            return
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = int(tag[1])
        elif tag == "pre":
            self.pre += 1
        elif tag in ("td", "th"):
            self.current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.skip_stack and tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self.skip_stack:
            if tag == self.skip_stack[-1]:
                self.skip_stack.pop()
            elif tag in self.skip_stack:  # unbalanced markup: close up to the matching tag
                while self.skip_stack and self.skip_stack.pop() != tag:
                    pass
            return
        if tag in _BLOCK_TAGS:
            self._flush()
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = 0
        elif tag == "pre" and self.pre:
            self.pre -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip_stack:
            self.current.append(data)


def html_to_text(html: str) -> str:
    """The visible text of an HTML page: one block a line, headings as Markdown ``#`` lines."""
    parser = _TextParser()
    # a "<" that no ">" closes before the next "<" is text; escaping it spares html.parser
    # a rescan to the end of the input for each one (quadratic on "<<<<…")
    parser.feed(re.sub(_STRAY_LT, "&lt;", html))
    parser.close()
    parser._flush()
    return "\n".join(parser.lines)


# ---------------------------------------------------------------- .docx

_HEADING_STYLE = r"^(?:heading|标题)\s*([1-9])$"


def _read_docx(p: Path, data: bytes) -> str:
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CorruptDocumentError(
            f"{p}: this is an encrypted or old-format Word file; remove the password or save it as .docx"
        )
    if not data.startswith(b"PK"):
        raise CorruptDocumentError(f"{p}: this is not a Word .docx file (damaged?); re-save it from Word")
    import io
    import zipfile

    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        body = document.element.body
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(_docx_paragraph(Paragraph(child, document)))
            elif tag == "tbl":
                lines.extend(_docx_table(Table(child, document)))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, AttributeError, TypeError) as exc:
        raise CorruptDocumentError(f"{p}: cannot open this .docx (damaged?); re-save it from Word") from exc
    except Exception as exc:  # lxml and python-docx raise their own types for damaged parts
        if type(exc).__module__.split(".")[0] in ("lxml", "docx"):
            raise CorruptDocumentError(f"{p}: cannot open this .docx (damaged?); re-save it from Word") from exc
        raise
    return "\n".join(line for line in lines if line.strip())


def _docx_paragraph(par: Any) -> str:
    text: str = par.text.strip()
    if not text:
        return ""
    style = par.style.name if par.style is not None else ""
    m = re.match(_HEADING_STYLE, style or "", re.IGNORECASE)
    if m:
        return "#" * int(m.group(1)) + " " + " ".join(text.split())
    if style in ("Title", "标题"):
        return "# " + " ".join(text.split())
    return text


def _docx_table(table: Any) -> Iterator[str]:
    """Each cell's text, row by row; a merged cell once (its grid columns share one <w:tc>)."""
    from docx.table import _Cell

    for tr in table._tbl.tr_lst:
        for tc in tr.tc_lst:
            cell = _Cell(tc, table)
            for par in cell.paragraphs:
                if par.text.strip():
                    yield par.text.strip()
            for inner in cell.tables:
                yield from _docx_table(inner)


# ---------------------------------------------------------------- .pdf

_PAGE_NUMBER = r"^\s*(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}|第\s*\d{1,4}\s*页.{0,12}|Page \d{1,4}.{0,10})\s*$"
_TERMINAL = "。！？!?；;：:…”」』）)\"'"
_MARKER = (
    r"^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.．、](?!\d)|第[一二三四五六七八九十百\d]+[章节条部分编]"
    r"|[⒈-⒛①-⑳⑴-⒇]|#)"
)


def _read_pdf(p: Path, data: bytes) -> str:
    if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise CorruptDocumentError(f"{p}: this is not a PDF (damaged or misnamed); check the file")
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise CorruptDocumentError(
                f"{p}: the PDF is encrypted (password-protected); remove the password first"
            ) from exc
        raise CorruptDocumentError(f"{p}: cannot open this PDF (damaged?); re-save or re-export it") from exc
    try:
        pages: list[list[str]] = []
        for i in range(len(pdf)):
            page = pdf[i]
            textpage = page.get_textpage()
            raw = textpage.get_text_range()
            textpage.close()
            page.close()
            pages.append([line.strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")])
    except pdfium.PdfiumError as exc:
        raise CorruptDocumentError(f"{p}: cannot read this PDF's pages (damaged?); re-save or re-export it") from exc
    finally:
        pdf.close()
    if not any(line for page in pages for line in page):
        raise NoTextLayerError(f"{p}: the PDF has no text layer (it looks scanned); kaodian does not do OCR")
    return join_pdf_lines(pages)


def join_pdf_lines(pages: list[list[str]]) -> str:
    """Rebuild paragraphs from a PDF's visual lines: a full-width line continues into the next one."""
    page_number = re.compile(_PAGE_NUMBER)
    marker = re.compile(_MARKER)
    bodies: list[list[str]] = []
    for page in pages:
        body = list(page)
        while body and (not body[0] or page_number.match(body[0])):
            body.pop(0)
        while body and (not body[-1] or page_number.match(body[-1])):
            body.pop()
        bodies.append(body)
    _drop_running_lines(bodies)
    lines: list[str] = []
    for body in bodies:
        lines.extend(body)
        lines.append("")  # a page end is a soft break: see below
    widths = sorted(_display_width(line) for line in lines if line)
    full = widths[int(len(widths) * 0.9)] if widths else 0
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            continue  # a page end: a paragraph still open (its last line was full) runs on
        if current and marker.match(line):
            paragraphs.append(current)
            current = ""
        current = _join(current, line) if current else line
        width = _display_width(line)
        if width < 0.85 * full or (line.endswith(tuple(_TERMINAL)) and width < 0.95 * full):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs)


def _drop_running_lines(bodies: list[list[str]]) -> None:
    """Drop running headers and footers: the same first or last line on most pages (page numbers aside)."""
    if len(bodies) < 3:
        return
    digits = re.compile(r"\d+")
    for end in (0, -1):
        counts = Counter(digits.sub("#", b[end]) for b in bodies if b)
        for text, count in counts.items():
            if count >= max(3, len(bodies) // 2):
                for body in bodies:
                    if body and digits.sub("#", body[end]) == text:
                        body.pop(end)


def _display_width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _join(left: str, right: str) -> str:
    if left.endswith("-") and len(left) > 1 and left[-2].isalpha() and right[:1].islower():
        return left[:-1] + right
    if _is_wide(left[-1]) or _is_wide(right[0]):
        return left + right
    return left + " " + right


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"
