"""Checks on the sample documents in data/: encodings, the structures they exercise, the scrape artifact."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

from conftest import DATA, REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import corpus

CLEAN = DATA / "dangqun-guanxi.txt"
SCRAPED = DATA / "dangqun-guanxi-scraped.txt"
NOTES = DATA / "active-recall-notes.md"
SAMPLES = (CLEAN, SCRAPED, NOTES)
CHINESE_COUNTS = {"两": 2, "三": 3, "四": 4, "五": 5}


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _lines(path: Path) -> list[str]:
    return [line for line in _text(path).splitlines() if line.strip()]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_is_utf8_without_bom_and_ends_with_newline(path: Path) -> None:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")
    assert raw.endswith(b"\n")
    assert b"\r" not in raw


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_has_no_machine_paths(path: Path) -> None:
    assert not re.search(r"/(work|tmp|home)/", _text(path))


def test_clean_sample_is_a_few_kilobytes() -> None:
    assert 4_000 <= CLEAN.stat().st_size <= 6_500


def test_clean_sample_outline() -> None:
    lines = _lines(CLEAN)
    headings = [line[:2] for line in lines if re.match(r"^[一二三四五]、", line)]
    assert headings == ["一、", "二、", "三、"]
    points = [line[0] for line in lines if line[0] in "⒈⒉⒊⒋"]
    assert points == ["⒈", "⒉", "⒊"] * 3
    subs = [line[:3] for line in lines if line.startswith("（")]
    assert subs == ["（一）", "（二）", "（三）"]
    assert "①" in _text(CLEAN) and "③" in _text(CLEAN)
    # Both point forms occur: a point heading with its paragraph below, and "⒈短句。正文".
    assert any(line[0] == "⒈" and "。" not in line for line in lines)
    assert any(line[0] == "⒈" and "。" in line[:12] for line in lines)


def _announced_counts(path: Path) -> list[tuple[int, int]]:
    """(announced, following) for every "以下N个方面：" line: the points right after it."""
    lines = _lines(path)
    found = []
    for i, line in enumerate(lines):
        match = re.search(r"以下([两三四五])个方面：$", line)
        if not match:
            continue
        following = 0
        for later in lines[i + 1 :]:
            if re.match(r"^[一二三四五]、", later):
                break
            if later[0] in "⒈⒉⒊⒋⒌":
                following += 1
        found.append((CHINESE_COUNTS[match.group(1)], following))
    return found


def test_clean_sample_has_one_matching_and_one_mismatched_count() -> None:
    assert sorted(_announced_counts(CLEAN)) == [(3, 3), (4, 3)]


@pytest.mark.parametrize(
    "pattern",
    [
        r"是[^，。]+的根本保证",
        r"是检验[^，。]+的根本指标",
        r"是[^，。]+的力量源泉",
        r"的核心是",
        r"的关键在于",
        r"是指",
        r"正如《[^》]+》所指出的：“[^”]+”",
        r"有学者指出：“[^”]+”",
        r"世界观、人生观、价值观",
        r"问需于民、问计于民、问效于民",
        r"“鱼水关系”",
        r"2023年",
        r"\d+(\.\d+)?%",
        r"三个方面",
    ],
)
def test_clean_sample_has_claim_and_quote_forms(pattern: str) -> None:
    assert re.search(pattern, _text(CLEAN))


@pytest.mark.parametrize("word", ["人人", "常常", "时时刻刻", "高高在上", "兢兢业业", "实实在在"])
def test_clean_sample_has_true_reduplications(word: str) -> None:
    assert word in _text(CLEAN)


def test_clean_sample_ends_with_a_complete_sentence() -> None:
    assert _text(CLEAN).rstrip().endswith("。")


def _wrapped_body(path: Path) -> list[str]:
    lines = _lines(path)
    start = lines.index("第 1 页 / 共 3 页") + 1
    end = lines.index("还剩2页未读，继续阅读")
    return lines[start:end]


def _doubling_phase(line: str, width: int = 10) -> int | None:
    """The offset at which `line` repeats a character every width+1 characters, if there is one."""
    step = width + 1
    for phase in range(1, step + 1):
        spots = range(phase, len(line), step)
        if spots and all(line[i] == line[i - 1] for i in spots):
            return phase
    return None


def test_scraped_sample_doubles_a_character_every_eleven_in_every_line() -> None:
    body = _wrapped_body(SCRAPED)
    assert len(body) >= 15
    for line in body:
        if len(line) > 11:
            assert _doubling_phase(line) is not None, line


def _undouble(stream: str, width: int = 10) -> str:
    """Drop the repeat after every `width` characters of text; a repeated paragraph break left no line."""
    out: list[str] = []
    repeat_next = False
    for ch in stream:
        if repeat_next:
            assert ch == out[-1], f"expected a repeat of {out[-1]!r} after {''.join(out[-20:])!r}"
            repeat_next = False
            continue
        out.append(ch)
        repeat_next = len(out) % width == 0 and ch != "\n"
    return "".join(out)


def test_scraped_sample_phase_runs_on_across_paragraphs() -> None:
    # The repeats follow one count over the whole body (a paragraph break counts as a character),
    # so undoubling the joined body gives back the clean text's beginning: the preview.
    restored = _undouble("\n".join(_wrapped_body(SCRAPED)))
    clean = "\n".join(_lines(CLEAN))
    assert restored == clean[: len(restored)]
    assert 0.6 * len(clean) < len(restored) < len(clean)


def test_scraped_sample_is_cut_mid_sentence() -> None:
    last = _wrapped_body(SCRAPED)[-1]
    assert last[-1] not in "。！？”："


def test_scraped_sample_has_site_boilerplate() -> None:
    text = _text(SCRAPED)
    lines = _lines(SCRAPED)
    title = _lines(CLEAN)[0]
    assert Counter(lines)[title] == 2  # the page header repeats the title; the body's copy is wrapped
    assert sum(1 for line in lines if re.match(r"^- \d、", line)) >= 5
    for marker in ("VIP", "查看更多", "展开全文", "相关文档", "最近下载", "文档评论(0)", "第 1 页 / 共 3 页"):
        assert marker in text
    listed = [line for line in lines if re.search(r"\.(docx?|pdf|pptx)( VIP)?$", line)]
    assert len(listed) >= 10
    assert any(line.endswith(" VIP") for line in listed)


def test_scraped_sample_is_what_the_generator_writes() -> None:
    assert corpus.scrape(_text(CLEAN)) == _text(SCRAPED)


def test_english_notes_structure() -> None:
    text = _text(NOTES)
    lines = text.splitlines()
    assert lines[0].startswith("# ")
    assert sum(1 for line in lines if line.startswith("## ")) >= 3
    assert sum(1 for line in lines if re.match(r"^\d\. ", line)) >= 6
    assert any(re.match(r"^ +a\) ", line) for line in lines)
    assert any(re.match(r"^ +- ", line) for line in lines)
    for pattern in (
        r"the following three steps:",
        r"\w is defined as ",
        r"The key to [\w ]+ is ",
        r"is the foundation of ",
        r'As the course textbook puts it, "[^"]+"',
        r"First, .* Second, .* Finally, ",
        r"\w+, [\w ]+, and [\w ]+",
    ):
        assert re.search(pattern, text), pattern


def test_english_notes_announced_steps_are_three() -> None:
    lines = NOTES.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "the following three steps" in line)
    steps = []
    for line in lines[start + 1 :]:
        if line.startswith("#") or (steps and not line.strip()):
            break
        if re.match(r"^\d\. ", line):
            steps.append(line)
    assert len(steps) == 3
