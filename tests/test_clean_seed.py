"""Cleaning real scraped documents: the seed, and a scraped-style document written for these tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import TEST_DATA
from kaodian.clean import doubled_positions, find_grid
from kaodian.cli import main
from kaodian.model import CleanText
from kaodian.pipeline import clean_file

SEED_TITLE = "加强党的执政能力建设的核心是密切党群关系"
SEED_FIRST = "一、密切党群关系对加强党的执政能力建设具有重大意义"
#: Words of the site's pages that no study line may contain.
SITE_WORDS = ("VIP", "下载", "付费", "本站", "查看更多", "您可能关注", "最近下载", "文档评论", ".doc", ".ppt", ".pdf")


def assert_no_doubling_artifacts(text: CleanText) -> None:
    for line in text.lines():
        assert find_grid(line) is None, line
        assert not re.search(r"([。，、；：”])\1", line), line


@pytest.mark.seed
def test_seed_is_cleaned(seed_path: Path) -> None:
    text = clean_file(seed_path)
    assert text.title == SEED_TITLE
    assert text.paragraphs[0] == SEED_FIRST
    assert text.lines().count(SEED_TITLE) == 1
    assert_no_doubling_artifacts(text)
    for line in text.lines():
        # the seed's few true reduplications (人人, 高高在上) are far apart
        assert len(doubled_positions(line)) <= max(2, len(line) // 40), line
    body = "\n".join(text.paragraphs)
    assert "高高在上" in body and "高高高" not in body
    for word in ("血肉联系", "成功执政", "检验我们党执政能力的根本指标", "鱼水关系", "权为民所用"):
        assert word in body
    for line in text.lines():
        assert not any(w in line for w in SITE_WORDS), line
    assert text.paragraphs[-1].endswith("没有坚持谦虚谨慎")
    assert text.truncated
    assert [n.code for n in text.notices] == ["truncated"]
    assert text.language == "zh"


@pytest.mark.seed
def test_seed_dropped_lines_cover_every_family(seed_path: Path) -> None:
    reasons = {d.reason for d in clean_file(seed_path).dropped}
    assert {
        "site disclaimer",
        "download/VIP prompt",
        "related-documents list",
        "other document's title",
        "comment counter",
        "repeated title",
    } <= reasons


@pytest.mark.seed
def test_seed_through_the_command_line(seed_path: Path) -> None:
    result = CliRunner().invoke(main, ["clean", str(seed_path), "--report"], prog_name="kaodian")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == [SEED_TITLE, SEED_FIRST]
    assert "ends mid-sentence" in result.stderr
    assert "dropped (download/VIP prompt): 查看更多" in result.stderr


# ---------------------------------------------------------------- a scraped-style document of our own

SCRAPED = TEST_DATA / "clean" / "scraped-zh.txt"
STUDY = (TEST_DATA / "clean" / "study-zh.txt").read_text(encoding="utf-8").splitlines()


def test_scraped_document_gives_back_the_study_text() -> None:
    text = clean_file(SCRAPED)
    # the preview stops inside the last paragraph
    cut = STUDY[-1][: STUDY[-1].index("选择公共交通出行") + len("选择公共交通出行")]
    assert text.lines() == (*STUDY[:-1], cut)
    assert text.truncated
    assert_no_doubling_artifacts(text)


def test_scraped_document_report_lists_what_was_dropped() -> None:
    dropped = clean_file(SCRAPED).dropped
    assert [d.reason for d in dropped].count("site disclaimer") == 4
    assert [d.reason for d in dropped].count("other document's title") == 7
    assert {d.reason for d in dropped} >= {"page marker", "comment counter", "banner or footer", "repeated title"}
    # a dropped line is reported as scraped, not as repaired
    assert any(d.text == "分享到：微信 微博 QQ空间" for d in dropped)


def test_keep_boilerplate_keeps_the_sites_lines_but_still_repairs_doubling() -> None:
    from kaodian.options import CleanOptions

    text = clean_file(SCRAPED, CleanOptions(keep_boilerplate=True))
    assert text.lines().count(STUDY[0]) == 2
    assert "展开全文 >>" in text.lines()
    assert STUDY[2] in text.lines()
