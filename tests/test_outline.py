"""The outline: marker families, levels from nesting, titles, bodies, stable ids, announced counts."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaodian.extract import extract
from kaodian.model import CleanText, Document, Point
from kaodian.outline import LAST, _last_sentence, announced_count, build_outline, markers, split_title, zh_number

OUTLINE = Path(__file__).resolve().parent / "data" / "outline"


def load(name: str) -> CleanText:
    """A test document: its first line is the title, every other non-empty line a paragraph."""
    lines = [line for line in (OUTLINE / name).read_text("utf-8").splitlines() if line.strip()]
    language = "en" if lines[0].isascii() else "zh"
    return CleanText(source=name, title=lines[0], paragraphs=tuple(lines[1:]), language=language)


def tree(points: tuple[Point, ...]) -> str:
    """The outline as indented "marker title" lines: shows levels, parents and titles at once."""
    by_id = {p.id: p for p in points}
    out = []
    for p in points:
        depth = 0
        parent = p.parent
        while parent is not None:
            depth += 1
            parent = by_id[parent].parent
        assert depth == p.level - 1, f"level {p.level} of {p.title!r} does not match its parent chain"
        out.append("  " * depth + f"{p.marker} {p.title}")
    return "\n".join(out)


def outline_of(name: str) -> Document:
    return extract(load(name))


EXPECTED = {
    "zh_head.txt": """
        一、 提高认识，增强学习的自觉性
        二、 完善制度，保证学习的经常性
        三、 联系实际，注重学习的实效性
    """,
    "zh_paren.txt": """
        （一） 坚持党建引领
        （二） 推动多元共治
        （三） 强化科技支撑
    """,
    "arabic_dot.txt": """
        1. 观点鲜明
        2. 结构清晰
        3. 语言简洁
    """,
    "arabic_comma.txt": """
        1、 检查消防设施是否完好
        2、 检查用电线路
        3、 检查值班记录
    """,
    "fullstop_digit.txt": """
        ⒈ 作风建设关系人心向背
        ⒉ 作风建设是事业成败的关键
        ⒊ 作风建设必须常抓不懈
    """,
    "paren_arabic.txt": """
        (1) 产业兴旺
        (2) 生态宜居
        (3) 乡风文明
        (4) 治理有效
        (5) 生活富裕
    """,
    "paren_digit.txt": """
        ⑴ 会议听取了上半年工作汇报
        ⑵ 会议研究了下半年重点任务
    """,
    "circled.txt": """
        ① 精读
        ② 泛读
        ③ 研读
    """,
    "zh_ordinal.txt": """
        第一， 要深入实际
        第二， 要讲究方法
        第三， 要形成成果
    """,
    "zh_sequence.txt": """
        首先， 要尊重群众
        其次， 要依靠群众
        再次， 要服务群众
        最后， 要引导群众
    """,
    "structure.txt": """
        第一章 总则
          第一节 目的
            第一条 为了规范学生行为，营造良好校风，制定本守则
            第二条 本守则适用于全体在校学生
          第二节 原则
            第三条 学生管理坚持教育与管理相结合
        第二章 日常行为
          第一节 课堂纪律
            第四条 上课不迟到、不早退、不旷课
    """,
    # （一） above 1.; under 二、 a 1. comes first, then a （一）: it goes back above 1., beside it.
    "mixed_a.txt": """
        一、 主要成绩
          （一） 制度建设不断完善
            1. 出台了一批规章
            2. 开展规范性文件清理
          （二） 执法行为更加规范
            1. 推行执法公示制度
            2. 落实重大执法决定法制审核
        二、 存在问题
          1. 部分执法人员素质不高
          （一） 下一步打算
        三、 工作安排
    """,
    # here 1. sits above （一）: the document decides, not a table
    "mixed_b.txt": """
        1. 为什么要加强理论学习
          （一） 理论是行动的先导
            ① 理论清醒才有政治坚定
            ② 理论学习能提高本领
          （二） 形势任务的要求
        2. 怎样加强理论学习
          （一） 原原本本学
            ① 读原著、学原文、悟原理
          （二） 联系实际学
    """,
    "en_notes.md": """
        # Cell structure
          ## Membrane
            1. Phospholipids form the bilayer
            2. Proteins carry signals across it
          ## Nucleus
            ### Nucleolus
        # Cell division
          ## Mitosis
            1. Prophase
            2. Metaphase
            3. Anaphase
    """,
    "en_numbered.txt": """
        1) Evaporation
          a) Water from oceans turns into vapour
          b) The sun supplies the energy
            i. Most evaporation happens over the tropics
            ii. Wind speeds it up
          c) Plants add water by transpiration
        2) Condensation
          a) Vapour cools and forms clouds
        3) Precipitation
          a) Water falls as rain, snow or hail
    """,
    "en_sequence.txt": """
        First, make a timetable that covers every topic
        Second, test yourself instead of rereading notes
        Third, space out your sessions over several weeks
        Finally, sleep well before the exam
    """,
    "decoys.txt": "",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_outline_of_each_marker_family(name: str) -> None:
    assert tree(outline_of(name).points) == textwrap.dedent(EXPECTED[name]).strip()


def test_every_outline_document_has_an_expectation() -> None:
    documents = {p.name for p in OUTLINE.iterdir() if not p.name.startswith("claims_")}
    assert documents == set(EXPECTED)


def test_body_runs_to_the_next_point_of_the_same_or_higher_level() -> None:
    doc = outline_of("mixed_a.txt")
    first = doc.points[0]
    assert first.title == "主要成绩"
    assert first.text.splitlines() == [
        "（一）制度建设不断完善",
        "1. 出台了一批规章。全年制定规章五件，修改三件。",
        "2. 开展规范性文件清理。废止不适应形势的文件十二件。",
        "（二）执法行为更加规范",
        "1. 推行执法公示制度。",
        "2. 落实重大执法决定法制审核。",
    ]
    rules = doc.points[2]
    assert (rules.title, rules.text) == ("出台了一批规章", "全年制定规章五件，修改三件。")
    assert doc.points[-1].text == "明年重点抓好三件事。"


def test_title_is_the_first_clause_and_the_rest_goes_to_the_body() -> None:
    points = outline_of("fullstop_digit.txt").points
    assert points[0].title == "作风建设关系人心向背"
    assert points[0].text == "群众看党员，首先看作风。"
    assert points[1].text == "好的作风能凝聚人心，坏的作风会败坏风气。"


def test_numbers_that_are_not_markers_open_no_point() -> None:
    doc = outline_of("decoys.txt")
    assert doc.points == ()


@pytest.mark.parametrize(
    ("paragraph", "family", "ordinal"),
    [
        ("一、总论", "一、", 1),
        ("十二、附则", "一、", 12),
        ("（三）措施", "（一）", 3),
        ("(二)措施", "（一）", 2),
        ("4. 要点", "1.", 4),
        ("4．要点", "1.", 4),
        ("5、要点", "1、", 5),
        ("6）要点", "1)", 6),
        ("⒌要点", "⒈", 5),
        ("(7)要点", "(1)", 7),
        ("⑻要点", "⑴", 8),
        ("⑨要点", "①", 9),
        ("第十一，要点", "第一，", 11),
        ("其二，要点", "其一", 2),
        ("三是要点", "一是", 3),
        ("最后，要点", "zh-seq", LAST),
        ("第二十三章 要点", "第章", 23),
        ("第5条 要点", "第条", 5),
        ("Secondly, the point", "en-seq", 2),
        ("c) the point", "a)", 3),
        ("(d) the point", "(a)", 4),
        ("B. The point", "A.", 2),
    ],
)
def test_marker_families(paragraph: str, family: str, ordinal: int) -> None:
    first = markers(paragraph)[0]
    assert (first.family, first.ordinal) == (family, ordinal)


@pytest.mark.parametrize(
    "paragraph", ["2008年以来", "3.5%的增速", "1.5倍", "1、2、3月份", "e.g. this", "第一次会议", "其实不然"]
)
def test_text_that_is_no_marker(paragraph: str) -> None:
    assert markers(paragraph) == []


def test_roman_numeral_or_letter_is_decided_by_what_came_before() -> None:
    after_h = build_outline(
        ["a) one", "b) two", "c) three", "d) four", "e) five", "f) six", "g) seven", "h) eight", "i) nine"], "d", "en"
    )
    assert [p.level for p in after_h.points] == [1] * 9
    under = build_outline(["a) one", "i) first", "ii) second"], "d", "en")
    assert [p.level for p in under.points] == [1, 2, 2]


def test_markdown_heading_depth_decides_its_level() -> None:
    doc = build_outline(["## Second level first", "text", "# Top", "## Under top"], "d", "en")
    assert [(p.level, p.title) for p in doc.points] == [(1, "Second level first"), (1, "Top"), (2, "Under top")]


def test_decimal_section_numbers_and_unicode_roman_numerals() -> None:
    paragraphs = [
        "第一章 总论",
        "1.1 目的",
        "1.2 范围",
        "1.2.1 适用对象",
        "1.2.2 例外",
        "第二章 分论",
        "2.1 概念",
        "Ⅰ、甲",
        "Ⅱ 乙",
    ]
    doc = build_outline(paragraphs, "d")
    assert (
        tree(doc.points)
        == textwrap.dedent(
            """
        第一章 总论
          1.1 目的
          1.2 范围
            1.2.1 适用对象
            1.2.2 例外
        第二章 分论
          2.1 概念
            Ⅰ、 甲
            Ⅱ 乙
        """
        ).strip()
    )
    assert markers("Ⅰ型糖尿病") == []
    assert markers("3.5 倍") and build_outline(["3.5 倍的增长。"], "d").points == ()


def test_bold_markers_and_indents() -> None:
    doc = build_outline(["**一、总论**", "\u3000\u3000（一）目的", "说明。"], "d")
    assert [(p.level, p.marker, p.title) for p in doc.points] == [(1, "一、", "总论"), (2, "（一）", "目的")]


def test_lone_sequence_word_is_prose() -> None:
    doc = build_outline(["首先，这句话只是普通叙述。", "接下来还有别的内容。"], "d")
    assert doc.points == ()


@pytest.mark.parametrize(
    ("numeral", "value"), [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("两", 2), ("一百零五", 105), ("12", 12)]
)
def test_zh_number(numeral: str, value: int) -> None:
    assert zh_number(numeral) == value


def test_split_title_keeps_times_and_decimals() -> None:
    assert split_title("会议于9:00开始") == ("会议于9:00开始", "")
    assert split_title("Step one. Then more.", "en") == ("Step one", "Then more.")


# ---------------------------------------------------------------- ids


def test_ids_are_stable_across_runs_and_body_edits() -> None:
    text = load("mixed_a.txt")
    before = extract(text).points
    edited = list(text.paragraphs)
    edited[2] = "1. 出台了一批规章。全年制定规章六件。"  # the body of one point
    after = extract(replace(text, paragraphs=tuple(edited))).points
    assert [p.id for p in after] == [p.id for p in before]
    assert extract(text).points == before


def test_editing_a_title_changes_only_that_point_and_its_descendants() -> None:
    text = load("mixed_a.txt")
    before = extract(text).points
    edited = list(text.paragraphs)
    edited[1] = "（一）制度建设全面加强"
    after = extract(replace(text, paragraphs=tuple(edited))).points
    changed = {b.title for b, a in zip(before, after, strict=True) if a.id != b.id}
    assert changed == {"制度建设不断完善", "出台了一批规章", "开展规范性文件清理"}


def test_ids_are_unique_even_for_repeated_titles() -> None:
    doc = build_outline(["一、同一标题", "二、同一标题", "一、同一标题"], "d")
    assert len({p.id for p in doc.points}) == 3


# ---------------------------------------------------------------- announced counts


COUNTED = (
    textwrap.dedent(
        """
    一、主要问题
    当前的问题主要表现在以下三个方面：
    1. 学习不够深入。
    2. 调研不够扎实。
    二、下一步要求
    对下一步工作，提出四点要求：
    1. 加强学习。
    2. 深入调研。
    3. 改进作风。
    4. 狠抓落实。
    """
    )
    .strip()
    .splitlines()
)


def test_count_mismatch_is_a_notice_on_the_point() -> None:
    doc = extract(CleanText(source="t", title="问题与要求", paragraphs=tuple(COUNTED)))
    mismatches = [w for w in doc.warnings if w.code == "count-mismatch"]
    assert len(mismatches) == 1
    notice = mismatches[0]
    assert (notice.announced, notice.found) == (3, 2)
    point = doc.point(notice.point)
    assert point is not None and point.title == "主要问题"
    assert "3" in notice.message and "2" in notice.message


def test_count_announced_in_the_preamble_counts_top_level_points() -> None:
    doc = extract(load("arabic_dot.txt"))
    assert [w.code for w in doc.warnings] == []  # 三条基本要求 and three points
    fewer = replace(load("arabic_dot.txt"), paragraphs=load("arabic_dot.txt").paragraphs[:-1])
    notice = extract(fewer).warnings[0]
    assert (notice.code, notice.point, notice.announced, notice.found) == ("count-mismatch", None, 3, 2)


def test_english_announced_count() -> None:
    paragraphs = ("Revision takes the following three steps:", "1. Plan.", "2. Practise.")
    doc = extract(CleanText(source="t", title="Revision", paragraphs=paragraphs, language="en"))
    assert [(w.announced, w.found) for w in doc.warnings] == [(3, 2)]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("主要表现在以下三个方面：", 3),
        ("有四点要求：", 4),
        ("包括以下五项", 5),
        ("概括起来有两个方面", 2),
        ("体现在如下12个方面：", 12),
        ("第一句。这项工作分为三个阶段：", 3),
        ("Consider the following three steps:", 3),
        ("There are four key principles:", 4),
        ("2008年增长了三个百分点。", None),
        ("三个代表重要思想是指导思想。", None),
        ("We met three people yesterday.", None),
    ],
)
def test_announced_count(text: str, count: int | None) -> None:
    language = "en" if text.isascii() else "zh"
    assert announced_count(text, language) == count


# ---------------------------------------------------------------- truncation


def test_truncated_document_marks_the_points_its_end_cuts_off() -> None:
    text = replace(load("mixed_a.txt"), truncated=True)
    doc = extract(text)
    assert [p.title for p in doc.points if p.truncated] == ["工作安排"]
    nested = extract(replace(load("structure.txt"), truncated=True))
    assert [p.title for p in nested.points if p.truncated] == ["日常行为", "课堂纪律", "上课不迟到、不早退、不旷课"]
    assert not any(p.truncated for p in extract(load("structure.txt")).points)


def test_numbers_in_markdown_headings_are_not_part_of_the_title() -> None:
    doc = build_outline(["## 1. What recall is", "### 1.2 Forms", "# 一、总论"], "d", "en")
    assert [p.title for p in doc.points] == ["What recall is", "Forms", "总论"]


@settings(max_examples=300)
@given(st.text(alphabet="ab。！？!?；;：: \t\n一", max_size=16))
def test_last_sentence_follows_the_last_end_mark(text: str) -> None:
    body = text.rstrip("：: \t")
    cut = max(body.rfind(mark) for mark in "。！？!?；;")
    assert _last_sentence(text) == (text[cut + 1 :] if cut >= 0 else text)
