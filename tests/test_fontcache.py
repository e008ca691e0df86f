"""The per-user cache of reduced CJK fonts: made once, reused, renewed when the font changes, never in the way."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kaodian import fontcache
from kaodian.fontcache import cache_dir, common_chars, covers, reduced_font

#: In GB2312 (kept in the reduced copy) / only in larger sets such as GBK (the full font is used).
COMMON = "党群关系试卷姓名：，。（）ABC abc 123①⒈"
RARE = "镕㐀"


def make_font(path: Path, chars: str, width: int = 1000, *, cff: bool = False) -> Path:
    """A small font with a glyph for each of ``chars``: TrueType, or CFF (as Noto Sans CJK is) with ``cff``.

    The TrueType glyph is a square; the CFF one has a curved top (a cubic curve, up to y=875).
    """
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    chars = "".join(sorted(set(chars)))
    names = [".notdef"] + [f"uni{ord(ch):04X}" for ch in chars]
    family = "Kaodian Test CFF" if cff else "Kaodian Test"
    fb = FontBuilder(1000, isTTF=not cff)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({ord(ch): f"uni{ord(ch):04X}" for ch in chars})
    if cff:
        outlines = {}
        for name in names:
            t2 = T2CharStringPen(width, None)
            t2.moveTo((100, 0))
            t2.lineTo((100, 800))
            t2.curveTo((300, 900), (700, 900), (900, 800))
            t2.lineTo((900, 0))
            t2.closePath()
            outlines[name] = t2.getCharString()
        fb.setupCFF(family.replace(" ", ""), {"FullName": family}, outlines, {})
    else:
        glyphs = {}
        for name in names:
            tt = TTGlyphPen(None)
            tt.moveTo((100, 0))
            tt.lineTo((100, 800))
            tt.lineTo((900, 800))
            tt.lineTo((900, 0))
            tt.closePath()
            glyphs[name] = tt.glyph()
        fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({name: (width, 100) for name in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": family, "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    fb.save(str(path))
    return path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KAODIAN_CACHE_DIR", str(folder))
    yield folder / "fonts"


@pytest.fixture
def font(tmp_path: Path) -> Path:
    return make_font(tmp_path / "test.ttf", COMMON + RARE)


def cmap_of(path: Path) -> dict[int, str]:
    from fontTools.ttLib import TTFont

    cmap: dict[int, str] = TTFont(str(path)).getBestCmap()
    return cmap


def test_the_cache_lives_in_kaodian_cache_dir_else_xdg_else_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAODIAN_CACHE_DIR", "/srv/k")
    monkeypatch.setenv("XDG_CACHE_HOME", "/srv/x")
    assert cache_dir() == Path("/srv/k/fonts")
    monkeypatch.delenv("KAODIAN_CACHE_DIR")
    assert cache_dir() == Path("/srv/x/kaodian/fonts")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", "/srv/home")
    assert cache_dir() == Path("/srv/home/.cache/kaodian/fonts")


def test_the_common_set_holds_every_gb2312_hanzi_and_punctuation() -> None:
    common = common_chars()
    assert 8000 < len(common) < 12000
    assert all(ord(ch) in common for ch in "啊齄党缛暨，。、；：？！“”‘’（）《》【】—…·＿①⒈ⅠαА")
    assert not any(ord(ch) in common for ch in RARE + "\U0001f600")


def test_covers_ignores_what_is_not_printed() -> None:
    assert covers(COMMON + "\n\t")
    assert not covers(COMMON + RARE[0])


@given(st.text(alphabet=st.characters(codec="gb2312", exclude_categories=("Cc", "Cs")), max_size=50))
def test_every_gb2312_text_is_covered(text: str) -> None:
    assert covers(text)


def test_the_copy_is_made_once_holds_the_common_characters_and_is_reused(
    cache: Path, font: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = reduced_font(font, 0)
    assert copy is not None and copy.parent == cache
    cmap = cmap_of(copy)
    assert all(ord(ch) in cmap for ch in COMMON)
    assert not any(ord(ch) in cmap for ch in RARE)
    stamp = copy.stat().st_mtime_ns

    def fail(*_args: object) -> None:
        raise AssertionError("the copy was made again")

    monkeypatch.setattr(fontcache, "_reduce", fail)
    assert reduced_font(font, 0) == copy
    assert copy.stat().st_mtime_ns == stamp
    assert [p.name for p in cache.iterdir()] == [copy.name]  # no temporary files left behind


def test_a_cff_font_is_copied_with_truetype_outlines_of_the_same_shape(cache: Path, tmp_path: Path) -> None:
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    copy = reduced_font(make_font(tmp_path / "test.otf", COMMON + RARE, cff=True), 0)
    assert copy is not None
    reduced = TTFont(str(copy))
    assert "glyf" in reduced and "CFF " not in reduced
    cmap = reduced.getBestCmap()
    assert all(ord(ch) in cmap for ch in COMMON) and not any(ord(ch) in cmap for ch in RARE)
    glyph = reduced["glyf"][cmap[ord("党")]]
    assert glyph.numberOfContours == 1
    pen = BoundsPen(reduced.getGlyphSet())
    reduced.getGlyphSet()[cmap[ord("党")]].draw(pen)
    assert pen.bounds is not None
    assert [round(v) for v in pen.bounds] == [100, 0, 900, 875]  # the curve's top, as the cubic had it
    assert reduced["maxp"].maxPoints >= 4 and reduced["maxp"].maxContours == 1
    assert reduced["hmtx"][cmap[ord("党")]] == (1000, 100)


def test_the_copy_is_the_same_bytes_every_time(tmp_path: Path, font: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copies = []
    for run in ("a", "b"):
        monkeypatch.setenv("KAODIAN_CACHE_DIR", str(tmp_path / run))
        copy = reduced_font(font, 0)
        assert copy is not None
        copies.append(copy.read_bytes())
    assert copies[0] == copies[1]


def test_a_changed_font_gets_a_new_copy_and_the_old_one_goes(cache: Path, font: Path) -> None:
    old = reduced_font(font, 0)
    assert old is not None
    make_font(font, COMMON, width=600)  # an updated font: other size and metrics
    os.utime(font, ns=(old.stat().st_mtime_ns + 10**9,) * 2)
    new = reduced_font(font, 0)
    assert new is not None and new != old
    assert not old.exists() and [p.name for p in cache.iterdir()] == [new.name]
    from fontTools.ttLib import TTFont

    assert TTFont(str(new))["hmtx"][cmap_of(new)[ord("党")]][0] == 600


def test_another_face_or_kaodian_version_gets_its_own_copy(
    cache: Path, font: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fontcache.cache_path(font, 0)
    assert first is not None
    assert fontcache.cache_path(font, 1) != first
    monkeypatch.setattr(fontcache, "__version__", "99.0")
    assert fontcache.cache_path(font, 0) != first


def test_an_unwritable_cache_folder_means_the_full_font(
    tmp_path: Path, font: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("KAODIAN_CACHE_DIR", str(blocker))
    assert reduced_font(font, 0) is None
    assert blocker.read_text() == "a file where the cache folder would go"


def test_a_font_fonttools_cannot_read_means_the_full_font(cache: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"\0\1\0\0" + b"not really a font" * 10)
    assert reduced_font(broken, 0) is None
    assert not any(cache.glob("*.ttf"))
    assert reduced_font(tmp_path / "absent.ttf", 0) is None
