"""Reading input files: every format from a real file made in the test, encodings, and the errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import assert_linear
from kaodian.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncodingError,
    InputError,
    MissingInputError,
    NoTextLayerError,
    TooLargeError,
    UnsupportedFormatError,
)
from kaodian.pipeline import clean_file
from kaodian.sources import join_pdf_lines, read_source

ZH = "一、密切联系群众\n党群关系是检验执政能力的根本指标，人人都要时时刻刻把群众放在心上。\n⒈高高在上要不得"
ZH_TRADITIONAL = "一、密切聯繫群眾\n黨群關係是檢驗執政能力的根本指標，人人都要時時刻刻把群眾放在心上。"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- text encodings


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # with a BOM
        ("utf-16-le", "utf-16-le"),  # without a BOM
        ("utf-16-be", "utf-16-be"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
    ],
)
def test_text_encodings_are_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    path = write(tmp_path, "doc.txt", ZH.encode(encoding))
    src = read_source(path)
    assert src.text == ZH
    assert src.encoding == detected
    assert src.kind == "txt"


def test_big5_is_detected(tmp_path: Path) -> None:
    src = read_source(write(tmp_path, "doc.txt", ZH_TRADITIONAL.encode("big5")))
    assert src.text == ZH_TRADITIONAL
    assert src.encoding in ("big5", "cp950")


def test_a_short_gbk_file_is_detected(tmp_path: Path) -> None:
    assert read_source(write(tmp_path, "doc.txt", "党的建设".encode("gbk"))).text == "党的建设"


def test_encoding_can_be_forced(tmp_path: Path) -> None:
    path = write(tmp_path, "doc.txt", ZH.encode("gbk"))
    assert read_source(path, encoding="gbk").text == ZH
    assert read_source(path, encoding="GB2312").encoding == "gb18030"  # decoded through the superset


def test_a_wrong_forced_encoding_says_what_to_do(tmp_path: Path) -> None:
    path = write(tmp_path, "doc.txt", ZH.encode("gbk"))
    with pytest.raises(EncodingError, match=r"not valid utf-8.*--encoding"):
        read_source(path, encoding="utf-8")
    with pytest.raises(EncodingError, match="unknown encoding 'klingon'"):
        read_source(path, encoding="klingon")


def test_an_undetectable_encoding_asks_for_one(tmp_path: Path) -> None:
    path = write(tmp_path, "doc.txt", b"\x80\xff\x81\xfe" * 50)
    with pytest.raises(EncodingError, match="pass --encoding gbk"):
        read_source(path)


# ---------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MissingInputError, match="no such file"):
        read_source(tmp_path / "nowhere.txt")


@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t  \n"])
def test_empty_file(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(EmptyDocumentError):
        read_source(write(tmp_path, "doc.txt", data))


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(200), "JPEG image"),
        (b"PK\x03\x04" + bytes(100), "ZIP archive"),
        (b"%PDF-1.7\n" + bytes(100), "PDF"),
        (b"\x00\x01\x02\x03binary\x00\x00\xff\x00\x7f" * 20, "binary data"),
    ],
)
def test_binary_content_with_a_text_extension_is_refused(tmp_path: Path, data: bytes, what: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=what):
        read_source(write(tmp_path, "notes.txt", data))


@pytest.mark.parametrize(
    ("name", "hint"),
    [("notes.rtf", "does not read .rtf"), ("old.doc", "save it as .docx"), ("README", "without an extension")],
)
def test_unknown_extension(tmp_path: Path, name: str, hint: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=hint):
        read_source(write(tmp_path, name, b"text"))


def test_too_large(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", "党的建设。\n".encode() * 2000)
    with pytest.raises(TooLargeError, match="--max-size 1 "):
        read_source(path, max_bytes=10_000)
    assert read_source(path, max_bytes=100_000).text.startswith("党的建设")


# ---------------------------------------------------------------- Markdown


def test_markdown_keeps_headings_and_lists_and_drops_markup(tmp_path: Path) -> None:
    md = (
        "---\ntitle: front matter\n---\n"
        "# Active **Recall**\n\nRetrieval beats `rereading`, see [the study](https://example.org/x).\n"
        "![a figure](fig.png)\n\n## 1. Spacing\n- __Space__ the sessions\n- Mix topics\n\n```\ncode fence\n```\n"
    )
    src = read_source(write(tmp_path, "notes.md", md.encode()))
    assert src.kind == "md"
    lines = [line for line in src.text.splitlines() if line.strip()]
    assert lines == [
        "# Active Recall",
        "Retrieval beats rereading, see the study.",
        "## 1. Spacing",
        "- Space the sessions",
        "- Mix topics",
        "code fence",
    ]


# ---------------------------------------------------------------- HTML


def test_html_keeps_the_visible_text_in_blocks(tmp_path: Path) -> None:
    html = """<!doctype html><html><head><title>Site</title><style>p {color: red}</style></head>
    <body><nav><a href="/">首页</a> <a href="/x">登录</a></nav><header>网站头部</header>
    <h1>党的建设 &amp; 群众路线</h1><script>var x = "<p>不是正文</p>";</script>
    <p>第一段：党群关系是<b>根本</b>指标&mdash;必须坚持。</p><div>第二段<br>换行之后</div>
    <h2>二、要点</h2><ul><li>权为民所用</li><li>情为民所系</li></ul>
    <form><input name="q"><button>搜索</button></form><aside>相关文章</aside><footer>版权所有</footer></body></html>"""
    src = read_source(write(tmp_path, "page.html", html.encode()))
    assert src.text.splitlines() == [
        "# 党的建设 & 群众路线",
        "第一段：党群关系是根本指标—必须坚持。",
        "第二段",
        "换行之后",
        "## 二、要点",
        "权为民所用",
        "情为民所系",
    ]


def test_html_meta_charset_is_honoured(tmp_path: Path) -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
        "<body><p>党的建设很重要。</p></body></html>"
    )
    src = read_source(write(tmp_path, "page.htm", html.encode("gbk")))
    assert src.text == "党的建设很重要。"


# ---------------------------------------------------------------- .docx


def make_docx(path: Path) -> Path:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    document.add_heading("生态文明学习提纲", level=1)
    document.add_paragraph("一、总体要求")
    document.add_paragraph("人人都是生态环境的保护者。")
    chinese_heading = document.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("二、主要任务", style=chinese_heading)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "任务"
    table.cell(0, 1).text = "要求"
    table.cell(1, 0).text = "节约资源"
    table.cell(1, 1).text = "点点滴滴做起"
    document.add_paragraph("")
    document.add_paragraph("⒈绿水青山就是金山银山。")
    document.save(str(path))
    return path


def test_docx_paragraphs_headings_and_tables_in_order(tmp_path: Path) -> None:
    src = read_source(make_docx(tmp_path / "提纲.docx"))
    assert src.kind == "docx"
    assert src.text.splitlines() == [
        "# 生态文明学习提纲",
        "一、总体要求",
        "人人都是生态环境的保护者。",
        "## 二、主要任务",
        "任务",
        "要求",
        "节约资源",
        "点点滴滴做起",
        "⒈绿水青山就是金山银山。",
    ]
    cleaned = clean_file(tmp_path / "提纲.docx")
    assert cleaned.title == "生态文明学习提纲"
    assert cleaned.paragraphs[0] == "一、总体要求"


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 this is not a real zip" * 5, "纯文本，不是Word文件".encode(), b"\xd0\xcf\x11\xe0" + bytes(600)],
)
def test_corrupt_docx(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(CorruptDocumentError, match=r"\.docx|Word"):
        read_source(write(tmp_path, "broken.docx", data))


def test_truncated_docx(tmp_path: Path) -> None:
    data = make_docx(tmp_path / "whole.docx").read_bytes()
    with pytest.raises(CorruptDocumentError, match="re-save it from Word"):
        read_source(write(tmp_path, "half.docx", data[: len(data) // 2]))


# ---------------------------------------------------------------- .pdf

ENGLISH = [
    "Active Recall",
    "Active recall is the practice of retrieving information from memory without looking at the source. "
    "Rereading a chapter feels productive, but recognising a page is not the same as reproducing it.",
    "1. Spacing",
    "Spaced repetition schedules each review just before the material would be forgotten, so that every "
    "session strengthens the memory a little more than the last one did.",
]


def make_pdf(paragraphs: list[str], font: str | None = None, password: str | None = None, pages: int = 1) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    if font:
        pdf.add_font("cjk", fname=font)
        pdf.set_font("cjk", size=12)
    else:
        pdf.set_font("Helvetica", size=12)
    for _ in range(pages):
        pdf.add_page()
        for par in paragraphs:
            pdf.multi_cell(0, 7, par)
            pdf.ln(3)
    return bytes(pdf.output())


def cjk_font() -> str | None:
    if not shutil.which("fc-list"):
        return None
    out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
    fonts = sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())
    fonts = [f for f in fonts if f.lower().endswith((".ttf", ".otf", ".ttc")) and "bold" not in f.lower()] or fonts
    return fonts[0] if fonts else None


def test_pdf_with_a_core_font_rebuilds_paragraphs(tmp_path: Path) -> None:
    src = read_source(write(tmp_path, "notes.pdf", make_pdf(ENGLISH)))
    assert src.kind == "pdf"
    assert src.text.splitlines() == ENGLISH


@pytest.mark.slow  # embedding a CJK font takes seconds
def test_pdf_in_chinese_joins_lines_without_spaces(tmp_path: Path) -> None:
    font = cjk_font()
    if font is None:
        pytest.skip("no Chinese font installed (fc-list :lang=zh)")
    paragraphs = (Path(__file__).parent / "data" / "clean" / "study-zh.txt").read_text(encoding="utf-8").splitlines()
    src = read_source(write(tmp_path, "提纲.pdf", make_pdf(paragraphs, font=font)))
    assert src.text.splitlines() == paragraphs


def test_pdf_paragraph_running_over_a_page_break() -> None:
    full = "x" * 80
    pages = [["Title", full, full, "- 1 -"], ["2", full, "end of it."]]
    assert join_pdf_lines(pages).splitlines() == ["Title", f"{full} {full} {full} end of it."]


def test_pdf_running_headers_and_footers_are_dropped() -> None:
    full = "x" * 80
    pages = [["Memory, chapter 3", f"Page text {i}.", full, f"Notes for week {i}"] for i in range(1, 5)]
    # what is left: each page's sentence, and a full line that runs on over the page break
    assert join_pdf_lines(pages).splitlines() == [
        "Page text 1.",
        f"{full} Page text 2.",
        f"{full} Page text 3.",
        f"{full} Page text 4.",
        full,
    ]


def test_encrypted_pdf(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.pdf", make_pdf(ENGLISH, password="1234"))
    with pytest.raises(CorruptDocumentError, match="encrypted"):
        read_source(path)


def test_pdf_without_a_text_layer(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a "scan": marks on the page, no text
    with pytest.raises(NoTextLayerError, match="does not do OCR"):
        read_source(write(tmp_path, "scan.pdf", bytes(pdf.output())))


@pytest.mark.parametrize("data", [b"%PDF-1.4\n1 0 obj garbage\n%%EOF", "不是PDF".encode()])
def test_corrupt_pdf(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(CorruptDocumentError, match="PDF"):
        read_source(write(tmp_path, "broken.pdf", data))


def test_truncated_pdf(tmp_path: Path) -> None:
    data = make_pdf(ENGLISH)
    with pytest.raises(CorruptDocumentError):
        read_source(write(tmp_path, "half.pdf", data[: len(data) // 3]))


# ---------------------------------------------------------------- hard-wrapped text


def test_hard_wrapped_paragraphs_are_joined(tmp_path: Path) -> None:
    text = (
        "Study Notes\n\n"
        "Active recall is the practice of retrieving\ninformation from memory without looking at\nthe source.\n\n"
        "## Spacing\nSpaced repetition schedules each review\njust before it would be forgotten.\n"
        "- first item\n- second item\n"
    )
    src = read_source(write(tmp_path, "notes.txt", text.encode()))
    assert [line for line in src.text.splitlines() if line] == [
        "Study Notes",
        "Active recall is the practice of retrieving information from memory without looking at the source.",
        "## Spacing",
        "Spaced repetition schedules each review just before it would be forgotten.",
        "- first item",
        "- second item",
    ]


def test_hard_wrapped_chinese_is_joined_without_spaces(tmp_path: Path) -> None:
    text = (
        "党的建设\n\n党的建设是一项伟大的系统工程，必须\n坚持不懈、久久为功地推进下去，不能\n松劲。\n\n"
        "一、总论\n第一段。\n"
    )
    src = read_source(write(tmp_path, "doc.txt", text.encode()))
    assert [line for line in src.text.splitlines() if line] == [
        "党的建设",
        "党的建设是一项伟大的系统工程，必须坚持不懈、久久为功地推进下去，不能松劲。",
        "一、总论",
        "第一段。",
    ]


def test_one_paragraph_a_line_is_not_joined(tmp_path: Path) -> None:
    text = "标题\n一、总论\n第一段。\n\n二、分论\n第二段\n"
    assert read_source(write(tmp_path, "doc.txt", text.encode())).text == text


# ---------------------------------------------------------------- arbitrary bytes


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=400), suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_arbitrary_bytes_give_text_or_a_named_input_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = write(tmp_path, "doc" + suffix, data)
    try:
        src = read_source(path)
    except InputError:
        return
    assert src.text.strip()


@pytest.mark.parametrize("unit", ["[", "![x", "<https://", "党", "a-"])
def test_a_long_line_takes_the_readers_linear_time(tmp_path: Path, unit: str) -> None:
    def run(n: int) -> None:
        line = unit * (n // len(unit))
        for suffix in (".md", ".txt", ".html"):
            read_source(write(tmp_path, "long" + suffix, f"{line}\n\n{line}\n{line}\n".encode()))
        join_pdf_lines([[line, line], [line]])

    run(10_000)
    assert_linear(run, 2_500)


def test_utf8_cut_mid_character_is_still_utf8(tmp_path: Path) -> None:
    data = (ZH * 3).encode()
    src = read_source(write(tmp_path, "cut.txt", data[:-2]))  # the last character lost a byte
    assert src.encoding == "utf-8"
    assert src.text == (ZH * 3)[:-1]


def test_html_text_with_a_stray_less_than_sign(tmp_path: Path) -> None:
    src = read_source(write(tmp_path, "page.html", "<p>若 a < b，则 b > a。</p><p>第二段</p>".encode()))
    assert src.text.splitlines() == ["若 a < b，则 b > a。", "第二段"]
