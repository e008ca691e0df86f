"""A per-user cache of reduced CJK fonts, so a PDF paper loads a small font instead of a 20 MB one.

The first time a font face is used, a copy holding only the common characters
(listed in ``resources/quiz_font_cache.yaml``: ASCII, CJK punctuation,
full-width forms and the 6,763 hanzi of GB2312) is written to
``$KAODIAN_CACHE_DIR/fonts/`` (default ``$XDG_CACHE_HOME/kaodian/fonts/``,
else ``~/.cache/kaodian/fonts/``). Loading that copy in fpdf2 and cutting the
PDF's subset from it takes a fraction of the time the full font takes; a paper
with any character outside the common set still uses the full font. A CFF
(OpenType) font such as Noto Sans CJK is given TrueType outlines in the copy:
fpdf2 cuts a TrueType subset several times faster than a CFF one.

The copy is keyed by the font's path, size, modification time and face and by
kaodian's version, so an updated font or kaodian makes a new one; the folder can
be deleted at any time. Where it cannot be written the full font is used: the
cache only ever makes things faster.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, datafiles
from .errors import KaodianError
from .fsutil import atomic_path, ensure_dir

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont

#: Bumped when the way a reduced font is made changes, so old copies are not reused.
RECIPE = 3
#: How far (in font units, of 1,000 or 2,048 to the em) a quadratic outline may stray from the cubic one.
QUADRATIC_TOLERANCE = 1.0


def cache_dir() -> Path:
    """The folder for reduced fonts: ``$KAODIAN_CACHE_DIR/fonts``, else the XDG cache folder."""
    override = os.environ.get("KAODIAN_CACHE_DIR")
    if override:
        return Path(override).expanduser() / "fonts"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "kaodian" / "fonts"


@functools.cache
def common_chars() -> frozenset[int]:
    """The code points a reduced font keeps."""
    spec = datafiles.data("quiz_font_cache.yaml")
    points: set[int] = set()
    for span in spec["ranges"]:
        first, _, last = str(span).partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    trails = range(0xA1, 0xFF)
    for encoding in spec["encodings"]:
        # every two-byte code of an EUC-style encoding (lead and trail bytes 0xA1-0xFE);
        # a whole row at once where it is full, code by code where it has holes
        for lead in trails:
            try:
                points.update(map(ord, bytes(b for t in trails for b in (lead, t)).decode(encoding)))
                continue
            except UnicodeDecodeError:
                pass
            for trail in trails:
                try:
                    points.update(map(ord, bytes((lead, trail)).decode(encoding)))
                except UnicodeDecodeError:
                    continue
    return frozenset(points)


def covers(text: str) -> bool:
    """Whether a reduced font holds every printable character of ``text``."""
    common = common_chars()
    return all(ord(ch) in common for ch in set(text) if ch.isprintable())


def cache_path(font: Path, index: int) -> Path | None:
    """Where the reduced copy of face ``index`` of ``font`` lives (None if ``font`` cannot be read)."""
    try:
        st = font.stat()
    except OSError:
        return None
    return cache_dir() / f"{_prefix(font, index)}{_digest(f'{st.st_size}:{st.st_mtime_ns}:{__version__}:{RECIPE}')}.ttf"


def _digest(text: str, size: int = 16) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:size]


def _prefix(font: Path, index: int) -> str:
    """The start of the names of every copy ever made of this face (to remove outdated ones)."""
    return f"{font.stem}-{index}-{_digest(str(font.resolve()), 8)}-"


def _remove_outdated(font: Path, index: int, keep: Path) -> None:
    """Delete the copies made of an earlier version of the font (or by an earlier kaodian)."""
    prefix = _prefix(font, index)
    with contextlib.suppress(OSError):
        for entry in os.scandir(keep.parent):
            if entry.name.startswith(prefix) and entry.name.endswith(".ttf") and entry.name != keep.name:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _reduce(font: Path, index: int, target: Path) -> None:
    """Write the common-character copy of the face to ``target``."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    # Only what fpdf2 reads: outlines, metrics, cmap, names. Glyph names are kept: without them
    # fontTools rebuilds every name from the cmap at load, which is slower than reading them.
    # No layout features (fpdf2 does not shape CJK text; the GSUB closure would nearly double the
    # glyph count with vertical and variant forms). Bounding boxes and timestamp are kept as they
    # are, so the copy is the same bytes on every machine with the same font.
    options.glyph_names = True
    options.layout_features = []
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.recalc_bounds = False
    options.recalc_timestamp = False
    options.drop_tables = [*options.drop_tables, "GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "FFTM"]
    ttfont = TTFont(str(font), fontNumber=index, lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    converted = "CFF " in ttfont
    if converted:
        _to_truetype_outlines(ttfont, common_chars())
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=common_chars())
    # the library never prints: fontTools logs a warning for each table it does not know
    quiet = logging.getLogger("fontTools.subset")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        subsetter.subset(ttfont)
    finally:
        quiet.setLevel(level)
    if converted:  # the outline statistics (points, contours) a TrueType rasteriser allocates by
        ttfont["maxp"].recalc(ttfont)
    ttfont.save(str(target))


_UNHINTED_MAXP = (
    "maxTwilightPoints",
    "maxStorage",
    "maxFunctionDefs",
    "maxInstructionDefs",
    "maxStackElements",
    "maxSizeOfInstructions",
    "maxComponentElements",
    "maxComponentDepth",
)


def _to_truetype_outlines(ttfont: TTFont, unicodes: Iterable[int]) -> None:
    """Give a CFF font (Noto CJK, Source Han) TrueType outlines, for the glyphs of ``unicodes`` only.

    fpdf2 cuts a subset from the copy for every PDF. From CFF outlines that means running
    every kept glyph's charstring program to find the subroutines it calls, then compiling a
    new CFF table: about 0.3 s per paper. TrueType outlines are copied glyph by glyph, several
    times faster, and the papers come out smaller. The other glyphs get empty outlines here;
    the subsetter then drops them.
    """
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    order = ttfont.getGlyphOrder()
    cmap = ttfont.getBestCmap()
    wanted = {order[0]} | {cmap[point] for point in unicodes if point in cmap}
    outlines = ttfont.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        if name in wanted:
            pen = TTGlyphPen(None)
            # cubic to quadratic curves; TrueType runs its contours the other way round
            outlines[name].draw(Cu2QuPen(pen, QUADRATIC_TOLERANCE, reverse_direction=True))
            glyph = pen.glyph()
            glyph.recalcBounds(glyf)
            glyf.glyphs[name] = glyph
        else:
            glyf.glyphs[name] = Glyph()
    del ttfont["CFF "]
    ttfont["loca"] = newTable("loca")
    ttfont["glyf"] = glyf
    ttfont.sfntVersion = "\0\1\0\0"
    ttfont["head"].glyphDataFormat = 0
    maxp = ttfont["maxp"]  # a TrueType maxp (version 1.0): no hinting, so no programs, storage or zones
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in _UNHINTED_MAXP:
        setattr(maxp, attr, 0)
    post = ttfont["post"]
    post.formatType = 2.0  # keep the glyph names, which the CFF table held
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order


def reduced_font(font: Path, index: int) -> Path | None:
    """The reduced copy of the face, made now if needed; None if it cannot be made or stored."""
    target = cache_path(font, index)
    if target is None:
        return None
    if target.is_file():
        return target
    try:
        ensure_dir(target.parent)
        with atomic_path(target) as tmp:
            _reduce(font, index, tmp)
    except (KaodianError, OSError):
        return None  # an unwritable cache folder: the full font does the job, more slowly
    except Exception:  # a font fontTools cannot subset is used whole; the cache is only a speed-up
        return None
    _remove_outdated(font, index, target)
    return target
