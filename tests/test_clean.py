"""The cleaning stage: line-wrap doubling repair, boilerplate, normalisation, title, truncation."""

from __future__ import annotations

import itertools
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import TEST_DATA, assert_linear
from kaodian.clean import classify, clean_source, doubled_positions, find_grid, language_of, normalise, repair_doubling
from kaodian.model import SourceText
from kaodian.options import CleanOptions

CLEAN = TEST_DATA / "clean"
STUDY = (CLEAN / "study-zh.txt").read_text(encoding="utf-8").splitlines()


def corrupt(text: str, width: int, first: int, trailing: bool = True) -> str:
    """The site's wrapping: lines of ``width`` characters (the first ``first`` long), each line
    starting with the last character of the line before it; a full last line is followed by its
    repeated last character too, as in the scraped seed ("…根本指标标")."""
    assert 1 <= first <= width
    lines = [text[:first]] + [text[i : i + width] for i in range(first, len(text), width)]
    out = lines[0]
    for prev, line in itertools.pairwise(lines):
        out += prev[-1] + line
    if trailing and len(lines) > 1 and len(lines[-1]) == width:
        out += lines[-1][-1]
    return out


def test_corrupt_reproduces_the_sites_pattern() -> None:
    # the seed's "党同人民群众的血血肉联系是我们党成功执执政" pattern: a doubled character every 11 at width 10
    want = "党同人民群众的血血肉联系是我们党成功执执政的根本"
    assert corrupt("党同人民群众的血肉联系是我们党成功执政的根本", 10, 8) == want
    assert corrupt("高高在上", 10, 1) == "高高高在上"


def src(text: str, path: str = "doc.txt") -> SourceText:
    return SourceText(path=path, kind="txt", text=text)


def clean(text: str, **options: bool) -> tuple[str, ...]:
    return clean_source(src(text), CleanOptions(**options)).lines()


# ---------------------------------------------------------------- doubling: exact restoration

WIDTHS = (8, 10, 12, 15, 20)
UNTOUCHED = (0, 4)  # the title and one paragraph stay uncorrupted and must come back unchanged


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("start", [0, 1, 3, 7])
def test_doubling_is_undone_char_for_char(width: int, start: int) -> None:
    corrupted = [
        line if i in UNTOUCHED else corrupt(line, width, (start + 3 * i) % width + 1, trailing=i % 2 == 0)
        for i, line in enumerate(STUDY)
    ]
    assert corrupted != STUDY
    repaired, doc_width = repair_doubling(corrupted)
    assert doc_width == width
    for got, want in zip(repaired, STUDY, strict=True):
        assert got == want


@pytest.mark.parametrize("width", WIDTHS)
def test_cleaning_a_corrupted_document_gives_the_original(width: int) -> None:
    text = "\n".join(corrupt(line, width, (5 * i) % width + 1) for i, line in enumerate(STUDY))
    assert clean(text) == tuple(STUDY)


@pytest.mark.parametrize("phase", [1, 2, 5, 9, 10])
def test_a_long_paragraph_is_repaired_on_its_own_evidence(phase: int) -> None:
    paragraph = "".join(STUDY[2:4]) + STUDY[6]
    grid = find_grid(corrupt(paragraph, 10, phase))
    assert grid is not None and grid.width == 10
    repaired, _ = repair_doubling([corrupt(paragraph, 10, phase)])
    assert repaired == [paragraph]


def test_true_reduplications_survive_a_doubling_on_them() -> None:
    # the wrap falls inside 高高 and 时时刻刻: one character goes, the reduplication stays
    text = "领导干部不能高高在上而要时时刻刻把人民放在心上做到谦虚谨慎人人都能看看" * 3
    for first in range(1, 11):
        repaired, _ = repair_doubling([corrupt(text, 10, first)])
        assert repaired == [text]


def test_uncorrupted_text_is_left_alone() -> None:
    repaired, width = repair_doubling(STUDY)
    assert repaired == STUDY
    assert width is None


def test_reduplication_heavy_text_is_not_mistaken_for_doubling() -> None:
    lines = [
        "人人为我，我为人人。大家常常说，点点滴滴都要认认真真，时时刻刻都要清清楚楚，家家户户高高兴兴。",
        "天天向上，步步为营，层层落实，事事有人管，样样有着落，年年有进步，渐渐形成了好风气。",
        "看看想想，说说笑笑，走走停停，星星点点，丝丝入扣，斤斤计较不可取，兢兢业业才可贵。",
    ]
    assert repair_doubling(lines)[0] == lines


def test_parallel_phrases_do_not_make_a_grid() -> None:
    # each line has two reduplications exactly 7 apart, as a width-6 grid would
    lines = [
        "人人为我，我为人人。",
        "事事关心，心系事事。",
        "处处留心，心在处处。",
        "天天学习，学在天天。",
        "要坚持学习。",
    ]
    assert repair_doubling(lines) == (lines, None)


def test_doubling_straddling_punctuation_is_an_artifact_on_the_grid() -> None:
    text = "他说：“只有一心为民，执政才能执得好。”过去，我们把这种关系比作“鱼水关系”，认为鱼儿离不开水。" * 2
    for first in range(1, 11):
        corrupted = corrupt(text, 10, first)
        assert repair_doubling([corrupted])[0] == [text]


def test_short_headings_take_the_documents_width() -> None:
    body = [corrupt(line, 10, 4) for line in STUDY[2::2]]
    heading = "二、当前形势及其对工作的影响"
    corrupted_heading = corrupt(heading, 10, 7)  # one doubled character: "及及"
    assert corrupted_heading.count("及及") == 1
    repaired, width = repair_doubling([*body, corrupted_heading])
    assert width == 10
    assert repaired[-1] == heading


def test_a_short_true_reduplication_in_a_corrupted_document_stays() -> None:
    body = [corrupt(line, 10, 4) for line in STUDY[2::2]]
    repaired, _ = repair_doubling([*body, "⑴人人参与"])
    assert repaired[-1] == "⑴人人参与"


def test_a_10000_character_line_without_punctuation_is_repaired_in_linear_time() -> None:
    line = ("党的建设" * 2500)[:10_000]
    assert clean(corrupt(line, 12, 5))[-1] == line
    assert clean("啊" * 10_000)
    assert_linear(lambda n: clean(corrupt(line[:n], 12, 5)), 2_500)
    assert_linear(lambda n: clean("啊" * n), 2_500)


# ---------------------------------------------------------------- boilerplate

BOILERPLATE = [
    ("- 1、本站文档均由用户上传，付费下载仅供个人学习研究使用，不得用于商业用途。", "site disclaimer"),
    ("3、如您发现文档侵犯了您的权益，请点击“侵权投诉”提交材料。", "site disclaimer"),
    ("开通VIP会员后，可免费下载本站全部文档。", "site disclaimer"),
    ("查看更多", "download/VIP prompt"),
    ("展开全文 >>", "download/VIP prompt"),
    ("点击下载", "download/VIP prompt"),
    ("还剩 5 页未读，继续阅读", "download/VIP prompt"),
    ("Download PDF", "download/VIP prompt"),
    ("Read more »", "download/VIP prompt"),
    ("文档评论(0)", "comment counter"),
    ("评论（12） 收藏（3）", "comment counter"),
    ("Comments (4)", "comment counter"),
    ("第 2 页 / 共 9 页", "page marker"),
    ("第3页", "page marker"),
    ("- 3 -", "page marker"),
    ("Page 2 of 9", "page marker"),
    ("We use cookies to improve your experience. Accept cookies", "banner or footer"),
    ("分享到：微信 微博 QQ", "banner or footer"),
    ("Share this article", "banner or footer"),
    ("Copyright © 2024 Example Ltd. All rights reserved.", "banner or footer"),
    ("版权所有 © 2024 某某网 京ICP备12345678号", "banner or footer"),
    ("京ICP备12345678号-1", "banner or footer"),
    ("上一篇：关于做好年度工作的通知", "banner or footer"),
    ("【字体：大 中 小】", "banner or footer"),
    ("【打印本页】 【关闭窗口】", "banner or footer"),
    ("发布时间：2024-05-06 10:00", "banner or footer"),
    ("- 某某单位年度工作总结.docx VIP", "other document's title"),
    ("市场调查报告.pdf", "other document's title"),
]


@pytest.mark.parametrize(("line", "reason"), BOILERPLATE)
def test_boilerplate_line_is_dropped_with_its_reason(line: str, reason: str) -> None:
    result = clean_source(src(f"学习材料标题\n{line}\n正文第一段，内容完整。"))
    assert result.lines() == ("学习材料标题", "正文第一段，内容完整。")
    assert [(d.text, d.reason) for d in result.dropped] == [(line, reason)]


@pytest.mark.parametrize("header", ["您可能关注的文档", "相关文档", "最近下载", "猜你喜欢", "Related documents"])
def test_a_related_documents_list_goes_with_its_header(header: str) -> None:
    text = f"标题\n正文，内容完整。\n{header}\n- 另一份材料的题目\n- 第二份材料 VIP\n第三份材料的讲话稿.doc\n"
    result = clean_source(src(text))
    assert result.lines() == ("标题", "正文，内容完整。")
    assert len(result.dropped) == 4


@pytest.mark.parametrize(
    "line",
    [
        "会员制付费模式是平台经济的一种常见形式。",  # an economics text naming site words once each
        "学生可以从课程网站下载讲义。",
        "Students can download the slides from the course website.",
        "第三章 市场经济",
        "2024年共有3个页面需要修改。",
        "- 坚持以人民为中心的发展思想",
        "分享经济是一种新的经济形态。",
    ],
)
def test_study_text_that_resembles_boilerplate_is_kept(line: str) -> None:
    assert clean(f"标题\n{line}")[-1] == normalise(line)


def test_title_repeated_is_kept_once() -> None:
    text = "党的建设学习材料\n党的建设学习材料\n第 1 页 / 共 3 页\n党的建设学习材料\n一、总论\n正文内容完整。"
    result = clean_source(src(text))
    assert result.title == "党的建设学习材料"
    assert result.paragraphs == ("一、总论", "正文内容完整。")
    assert [d.reason for d in result.dropped] == ["page marker", "repeated title", "repeated title"]


def test_keep_boilerplate_keeps_every_line() -> None:
    text = "标题\n查看更多\n正文，内容完整。\n文档评论(0)"
    assert clean(text, keep_boilerplate=True) == ("标题", "查看更多", "正文，内容完整。", "文档评论（0）")
    assert clean(text) == ("标题", "正文，内容完整。")


# ---------------------------------------------------------------- normalisation

NORMALISED = [
    ("党的建设,关键在人;这是经验:必须坚持!对吗?", "党的建设，关键在人；这是经验：必须坚持！对吗？"),
    ("会议(扩大)召开", "会议（扩大）召开"),
    ("电话:400-050-0827(9:00-18:30)", "电话：400-050-0827(9:00-18:30)"),
    ("增长3.5%,达到3,500亿元", "增长3.5%，达到3,500亿元"),
    ("详见 https://example.org/a?b=1 网站", "详见 https://example.org/a?b=1 网站"),
    ("Spacing works, as tests show: (see chapter 2)!", "Spacing works, as tests show: (see chapter 2)!"),
    ("党 的   建设  很 重要", "党的建设很重要"),
    ("党的建设, 关键在人", "党的建设，关键在人"),
    ("使用 Anki 复习", "使用 Anki 复习"),
    ("２０２５年ＡＩ", "2025年AI"),
    ("⒈第一点 ① 其一 ⑴ 其二 （一）其三", "⒈第一点①其一⑴其二（一）其三"),
    ("句号重复了。。逗号，，", "句号重复了。逗号，"),
    ("cafe\u0301", "café"),
    ("零宽\u200b字符\ufeff", "零宽字符"),
]


@pytest.mark.parametrize(("raw", "want"), NORMALISED)
def test_normalise(raw: str, want: str) -> None:
    assert normalise(raw) == want


def test_markers_are_kept_as_written() -> None:
    lines = ["标题", "（一）总体要求", "⒈第一点。", "①其一。", "⑴其二。", "一、总论"]
    assert clean("\n".join(lines)) == tuple(lines)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("党的建设很重要。", "zh"),
        ("Active recall beats rereading.", "en"),
        ("使用 Anki 和 SuperMemo 复习所学内容", "zh"),
        ("Spaced repetition (间隔重复) is the key idea of this chapter on memory.", "en"),
    ],
)
def test_language(text: str, language: str) -> None:
    assert language_of(text) == language
    assert clean_source(src(text)).language == language


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return any(
        lo <= o <= hi
        for lo, hi in ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF))
    )


@given(st.text(alphabet=st.sampled_from("abZ é中文ア，人ｚ１\U00020000\ud800"), max_size=40))
def test_language_weighs_every_character(text: str) -> None:
    # one CJK character counts as much as three Latin letters, however the text is scanned
    cjk = sum(map(_is_cjk, text))
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    assert language_of(text) == ("zh" if cjk and cjk * 3 >= latin else "en")


@given(
    st.text(alphabet=st.sampled_from("ＶＩＰ下载：；？１ａ⒈①⑴Ⓐ…\u3000e\u0301\u0308가\u1100\u1161ﬁ㎡ -"), max_size=30)
)
def test_boilerplate_keys_are_nfkc(text: str) -> None:
    # the boilerplate patterns see a line with full-width letters or digits in NFKC, whatever shortcut gets there
    from kaodian.clean import _FULLWIDTH_RE, _nfkc

    assert _nfkc(text) == (unicodedata.normalize("NFKC", text) if _FULLWIDTH_RE.search(text) else text)


# ---------------------------------------------------------------- title and truncation


def test_title_then_body() -> None:
    result = clean_source(src("# Study Notes\n\nFirst paragraph.\n\n## 1. Part one\nSecond paragraph."))
    assert result.title == "Study Notes"
    assert result.paragraphs == ("First paragraph.", "## 1. Part one", "Second paragraph.")


def test_no_title_when_the_text_starts_with_a_point() -> None:
    result = clean_source(src("一、总论\n正文内容完整。"))
    assert result.title == ""
    assert result.lines() == ("一、总论", "正文内容完整。")


@pytest.mark.parametrize(
    "last",
    [
        "⒉情不为民所系。有极少数党员干部没有坚持谦虚",
        "我们要坚持",
        "It is the practice of retrieving",
        "主要表现在以下三个方面：",
    ],
)
def test_a_body_ending_mid_sentence_is_truncated(last: str) -> None:
    result = clean_source(src(f"标题\n第一段完整。\n{last}"))
    assert result.truncated
    assert [n.code for n in result.notices] == ["truncated"]
    assert "ends mid-sentence" in result.notices[0].message


@pytest.mark.parametrize(
    "last",
    [
        "结尾完整。",
        "他说：“这是结尾。”",
        "真的吗？",
        "It ends here.",
        "（三）附则",
        "## Summary",
        "（完）",
        "见第三章。（注）",
    ],
)
def test_a_complete_body_is_not_truncated(last: str) -> None:
    result = clean_source(src(f"标题\n第一段完整。\n{last}"))
    assert not result.truncated
    assert result.notices == ()


def test_boilerplate_only_gives_an_empty_text_with_a_notice() -> None:
    result = clean_source(src("查看更多\n文档评论(0)\n"))
    assert result.lines() == ()
    assert [n.code for n in result.notices] == ["empty"]


# ---------------------------------------------------------------- properties

HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处理"
)
SENTENCE_END = "。！？"


@st.composite
def clean_documents(draw: st.DrawFn) -> str:
    """A clean Chinese document: a title, then paragraphs of sentences ending in 。！？."""
    title = draw(st.text(alphabet=HANZI, min_size=4, max_size=16))
    paragraphs = []
    for _ in range(draw(st.integers(1, 5))):
        sentences = draw(
            st.lists(
                st.tuples(st.text(alphabet=HANZI, min_size=3, max_size=40), st.sampled_from(SENTENCE_END)),
                min_size=1,
                max_size=5,
            )
        )
        paragraphs.append("".join(s + end for s, end in sentences))
    text = "\n".join([title, *dict.fromkeys(paragraphs)])
    assume(not re.search(r"(.)\1\1", text))  # a run of three is ambiguous once doubled
    assume(not any(classify(text.splitlines())))  # random hanzi can spell a prompt (展开全文)
    # random text can repeat its doubles on a grid ("一一三一三一。" three times over): that is
    # the line-wrap artifact itself, which no cleaner can tell from it
    assume(repair_doubling(text.splitlines())[0] == text.splitlines())
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_cleaning_never_raises_on_arbitrary_unicode(text: str) -> None:
    result = clean_source(src(text))
    assert all(line and "\n" not in line for line in result.lines())


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_cleaning_is_idempotent(text: str) -> None:
    once = clean_source(src(text))
    # the cleaned document again, its title as the heading it is
    again = "\n".join(((f"# {once.title}",) if once.title else ()) + once.paragraphs)
    twice = clean_source(src(again))
    assert twice.lines() == once.lines()
    assert twice.truncated == once.truncated


@pytest.mark.parametrize(
    ("text", "title", "body"),
    [
        ("##\na", "a", ()),  # a heading of marks only is no title: dropped
        ("#党，", "", ("#党，",)),  # a heading that stops mid-clause is body text
        ("# #党\n正文。", "党", ("正文。",)),  # every mark goes
        ("#，", "", ("#，",)),  # names nothing
    ],
)
def test_a_title_is_a_heading_that_names_something(text: str, title: str, body: tuple[str, ...]) -> None:
    cleaned = clean_source(src(text))
    assert (cleaned.title, cleaned.paragraphs) == (title, body)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="党的建设，。、“”（）,;:?!() 　3.5ab-/:\u200b①⒈", max_size=40))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(max_examples=100, deadline=None)
@given(clean_documents())
def test_cleaning_clean_text_is_the_identity(text: str) -> None:
    assert clean(text) == tuple(text.splitlines())


@settings(max_examples=60, deadline=None)
@given(clean_documents(), st.sampled_from(WIDTHS), st.integers(1, 40))
def test_doubling_is_undone_on_generated_documents(text: str, width: int, first: int) -> None:
    lines = text.splitlines()
    # true reduplications have their own tests; here a line's only doubled characters are the grid's
    # (generated text of a few characters, 一三一三…, would otherwise hide a grid in its own doubles)
    assume(not any(doubled_positions(line) for line in lines))
    corrupted = [corrupt(line, width, (first + i) % width + 1) for i, line in enumerate(lines)]
    repaired, _ = repair_doubling(corrupted)
    long_lines = [(got, want) for got, want in zip(repaired, lines, strict=True) if len(want) > 4 * (width + 1)]
    for got, want in long_lines:
        assert got == want


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("#版权所有\n正文在这里。", ("正文在这里。",)),
        ("# © 2024 某网站\n正文在这里。", ("正文在这里。",)),
        ("#查看更多\n正文在这里。", ("正文在这里。",)),
        (
            "# Copyright law basics\nA work is protected once it is fixed.",
            ("Copyright law basics", "A work is protected once it is fixed."),
        ),
        ("#©", ("#©",)),  # a heading of a symbol only names nothing: no title
    ],
)
def test_a_heading_marker_does_not_hide_site_lines(text: str, kept: tuple[str, ...]) -> None:
    once = clean_source(src(text))
    assert once.lines() == kept
    assert clean_source(src("\n".join(once.lines()))).lines() == kept  # and cleaning again changes nothing
