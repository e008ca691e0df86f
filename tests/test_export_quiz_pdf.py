"""The PDF exam paper, read back with poppler's pdftotext and pdffonts as a printer would see it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kaodian.errors import FontError
from kaodian.export import quiz_pdf
from kaodian.export.paper import papers
from kaodian.export.quiz import write_quiz
from kaodian.export.quiz_pdf import find_cjk_font, render_pdf
from kaodian.model import Question, Source
from kaodian.options import BuildOptions, QuizOptions

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext, pdffonts) not installed"
)


@pytest.fixture(scope="module", autouse=True)
def font_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A font cache for the tests, never the user's ~/.cache: the session's one from conftest, else our own.

    At least module-wide, so the reduced copy of the CJK font is made once (about 1.5 s for
    WenQuanYi, 8 s for Noto CJK) and the other tests print with it, as a user's second build does.
    """
    if os.environ.get("KAODIAN_CACHE_DIR", "").startswith(str(tmp_path_factory.getbasetemp())):
        yield Path(os.environ["KAODIAN_CACHE_DIR"])  # conftest's private cache for the session
        return
    folder = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KAODIAN_CACHE_DIR", str(folder))
        yield folder


@pytest.fixture(autouse=True)
def fresh_font_lookup() -> Iterator[None]:
    find_cjk_font.cache_clear()
    yield
    find_cjk_font.cache_clear()


def has_cjk_font() -> bool:
    try:
        return find_cjk_font() is not None
    finally:
        find_cjk_font.cache_clear()


needs_cjk_font = pytest.mark.skipif(not has_cjk_font(), reason="no CJK font installed (apt-get install fonts-noto-cjk)")


def pages(pdf: Path) -> list[str]:
    """The text of each page."""
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    return text.decode("utf-8").split("\f")[:-1]


def squash(text: str) -> str:
    """Text without whitespace: PDF lines wrap anywhere in Chinese."""
    return re.sub(r"\s+", "", text)


def expected_texts(q: Question) -> list[str]:
    """What must be printed of a question, in order: prompt pieces around blanks, then choices."""
    pieces = re.split(r"\{\{\d+\}\}", q.prompt)
    return [p for p in pieces if p.strip()] + list(q.choices)


def assert_in_order(haystack: str, needles: Sequence[str]) -> None:
    pos = 0
    for needle in needles:
        found = haystack.find(squash(needle), pos)
        assert found >= 0, f"{needle!r} missing or out of order"
        pos = found + len(squash(needle))


def paper_order(questions: Sequence[Question], options: QuizOptions = QuizOptions()) -> list[Question]:
    [paper] = papers(questions, options)
    return [i.question for i in paper.items]


# ---------------------------------------------------------------- Chinese papers


@pytest.fixture(scope="module")
def fixture_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The paper of the fixture questions with its key, rendered once for the tests that only read it."""
    from conftest import make_questions

    find_cjk_font.cache_clear()
    [pdf] = write_quiz(make_questions(), tmp_path_factory.mktemp("pdf") / "quiz.pdf", QuizOptions(format="pdf"))
    return pdf


@needs_poppler
@needs_cjk_font
def test_every_question_is_printed_in_order(questions: tuple[Question, ...], fixture_pdf: Path) -> None:
    full = squash("".join(pages(fixture_pdf)))
    text = full[: full.index("参考答案")]
    assert_in_order(text, [t for q in paper_order(questions) for t in expected_texts(q)])
    assert_in_order(text, ["一、填空题", "二、单项选择题", "三、多项选择题", "四、判断题", "五、排序题", "六、简答题"])
    assert_in_order(text, ["姓名", "班级", "学号", "得分"])


@needs_poppler
@needs_cjk_font
def test_chinese_fonts_are_embedded_as_subsets(fixture_pdf: Path) -> None:
    pdf = fixture_pdf
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, out
    for row in rows:
        # name type... encoding emb sub uni object-id gen
        emb, sub, uni = row[-5], row[-4], row[-3]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), out
    assert pdf.stat().st_size < 400_000  # a subset, not the whole font


@needs_poppler
@needs_cjk_font
def test_the_key_is_on_its_own_page_with_answers_corrections_and_sources(
    questions: tuple[Question, ...], fixture_pdf: Path
) -> None:
    texts = pages(fixture_pdf)
    key_pages = [i for i, t in enumerate(texts) if "学习材料样例参考答案" in t]
    assert key_pages and squash(texts[key_pages[0]]).startswith("学习材料样例参考答案")
    before = squash("".join(texts[: key_pages[0]]))
    key = squash("".join(texts[key_pages[0] :]))
    assert "参考答案" not in before and "改正" not in before
    assert_in_order(
        key,
        [
            "1．",
            "根本指标",
            "出处：一、总论›⒈党群关系",
            "ACD",
            "×",
            "改正：密切联系群众是我们党的优良传统和作风。",
            "BCA",
        ],
    )
    assert key.count("出处：") == len(questions)


@pytest.mark.slow
@needs_poppler
@needs_cjk_font
def test_key_only_prints_no_questions(questions: tuple[Question, ...], tmp_path: Path) -> None:
    [pdf] = write_quiz(questions, tmp_path / "key.pdf", QuizOptions(format="pdf", key_only=True))
    text = squash("".join(pages(pdf)))
    assert text.startswith("学习材料样例参考答案")
    assert "姓名" not in text and "力量源泉" not in text


@pytest.mark.slow
@needs_poppler
@needs_cjk_font
def test_no_question_is_split_across_pages(tmp_path: Path) -> None:
    src = Source(document="d", title="长试卷", section=("第一节",))
    long_choice = "坚持以人民为中心的发展思想，把人民利益放在首位"
    qs = []
    for i in range(24):
        qs.append(
            Question(
                f"s{i}",
                "single",
                f"第{i}题：下列说法正确的是（  ）。",
                (f"{long_choice}{i}",),
                src,
                choices=(f"{long_choice}{i}", f"{long_choice}甲{i}", f"{long_choice}乙{i}", f"末选项{i}号"),
            )
        )
        qs.append(Question(f"h{i}", "short", f"第{i}问：简述要点。", ("要点一", "要点二", "要点三"), src))
    [pdf] = write_quiz(tuple(qs), tmp_path / "long.pdf", QuizOptions(format="pdf", key=False))
    texts = [squash(t) for t in pages(pdf)]
    assert len(texts) > 3
    for i in range(24):
        # a question's prompt and its last line are on the same page
        first = [n for n, t in enumerate(texts) if f"第{i}题：" in t]
        last = [n for n, t in enumerate(texts) if f"末选项{i}号" in t]
        assert first == last and len(first) == 1, i
        assert [n for n, t in enumerate(texts) if f"第{i}问：简述要点。答：" in t]


@needs_cjk_font
def test_the_same_paper_gives_the_same_bytes(questions: tuple[Question, ...], fixture_pdf: Path) -> None:
    [paper] = papers(questions, QuizOptions())
    assert render_pdf(paper) == fixture_pdf.read_bytes()


def test_build_writes_name_quiz_pdf(tmp_path: Path) -> None:
    from kaodian.export import write_format

    [pdf] = write_format("pdf", english(), tmp_path, "notes", BuildOptions(output_dir=tmp_path))
    assert pdf == tmp_path / "notes.quiz.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")


@pytest.mark.slow
@needs_poppler
@needs_cjk_font
def test_versions_print_their_own_key(questions: tuple[Question, ...], tmp_path: Path) -> None:
    files = write_quiz(questions, tmp_path / "quiz.pdf", QuizOptions(format="pdf", versions=2, seed=9))
    assert [f.name for f in files] == ["quiz.A.pdf", "quiz.B.pdf"]
    for f, paper in zip(files, papers(questions, QuizOptions(versions=2, seed=9)), strict=True):
        text = squash("".join(pages(f)))
        assert f"（{paper.version}卷）参考答案" in text
        key = text[text.index("参考答案") :]
        assert_in_order(key, [f"{e.number}．{e.answer}" for e in paper.key() if e.answer])


# ---------------------------------------------------------------- fonts


def test_without_a_cjk_font_the_message_says_how_to_install_one(
    questions: tuple[Question, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quiz_pdf, "find_cjk_font", lambda: None)
    [paper] = papers(questions, QuizOptions())
    with pytest.raises(FontError, match="apt-get install fonts-noto-cjk"):
        render_pdf(paper)


def test_kaodian_font_pointing_nowhere_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAODIAN_FONT", str(tmp_path / "missing.ttc"))
    with pytest.raises(FontError, match=r"KAODIAN_FONT=.*no such font file"):
        find_cjk_font()


@needs_cjk_font
def test_kaodian_font_chooses_the_font(monkeypatch: pytest.MonkeyPatch) -> None:
    face = find_cjk_font()
    assert face is not None
    find_cjk_font.cache_clear()
    monkeypatch.setenv("KAODIAN_FONT", f"{face.path}#{face.index}")
    assert find_cjk_font() == face


def english() -> tuple[Question, ...]:
    src = Source(document="notes", title="Active recall", section=("Memory", "Testing"))
    return (
        Question("e1", "cloze", "Testing yourself is called {{1}}.", ("active recall",), src, language="en"),
        Question(
            "e2",
            "single",
            "Which helps most?",
            ("Testing",),
            src,
            choices=("Rereading", "Testing", "Highlighting"),
            language="en",
        ),
        Question(
            "e3",
            "truefalse",
            "Cramming beats spacing.",
            (),
            src,
            truth=False,
            correction="Spacing beats cramming.",
            language="en",
        ),
    )


@needs_poppler
def test_english_papers_use_a_core_font_and_need_no_cjk_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(quiz_pdf, "find_cjk_font", lambda: None)
    [pdf] = write_quiz(english(), tmp_path / "en.pdf", QuizOptions(format="pdf"))
    text = squash("".join(pages(pdf)))
    assert_in_order(
        text, ["Name", "Class", "Student No.", "Score", "Testing yourself is called", "Which helps most?", "Rereading"]
    )
    assert_in_order(
        text,
        [
            "Active recall: answer key",
            "1.",
            "active recall",
            "Correction: Spacing beats cramming.",
            "Source: Memory › Testing",
        ],
    )
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Helvetica" in fonts


# ---------------------------------------------------------------- the real seed, through the whole pipeline


@pytest.mark.seed
@pytest.mark.slow
@needs_poppler
@needs_cjk_font
def test_seed_quiz_prints_every_question_in_order(seed_path: Path, tmp_path: Path) -> None:
    from kaodian.pipeline import question_set

    qs = question_set([seed_path]).questions
    assert len(qs) >= 10
    [pdf] = write_quiz(qs, tmp_path / "seed.pdf", QuizOptions(format="pdf"))
    texts = pages(pdf)
    text = squash("".join(texts))
    order = paper_order(qs)
    assert_in_order(text, [t for q in order for t in expected_texts(q)])
    key_start = text.index("参考答案")
    assert text.count("出处：", key_start) == len(qs)
    assert all(q.type != "truefalse" or q.truth or squash(q.correction) in text[key_start:] for q in order)


def test_writer_options_come_from_build_options(
    questions: tuple[Question, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[QuizOptions] = []

    def fake(qs: Sequence[Question], path: Path, options: QuizOptions) -> list[Path]:
        seen.append(options)
        return [path]

    from kaodian.export import quiz

    monkeypatch.setattr(quiz, "write_quiz", fake)
    opts = BuildOptions(quiz=QuizOptions(seed=3, versions=2))
    quiz.write_pdf(questions, tmp_path / "x.quiz.pdf", opts)
    assert seen == [replace(opts.quiz, format="pdf")]


def test_english_text_beyond_cp1252_without_any_font_names_the_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quiz_pdf, "find_cjk_font", lambda: None)
    q = replace(english()[0], prompt="Energy is written Ε = mc² → {{1}}.")
    [paper] = papers((q,), QuizOptions(format="pdf"))
    with pytest.raises(FontError, match=r"no font found to print.*Ε") as err:
        render_pdf(paper)
    assert "Chinese" not in str(err.value)


@needs_cjk_font
def test_a_character_the_font_lacks_is_an_error_not_a_box(questions: tuple[Question, ...]) -> None:
    q = replace(questions[0], prompt="党群关系\U0001f600是检验我们党执政能力的{{1}}。")
    [paper] = papers((q,), QuizOptions(format="pdf"))
    with pytest.raises(FontError) as err:
        render_pdf(paper)
    assert "has no glyph for \U0001f600" in str(err.value) and "KAODIAN_FONT" in str(err.value)


@needs_cjk_font
def test_sections_and_the_key_are_bookmarked(fixture_pdf: Path) -> None:
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(fixture_pdf))
    try:
        toc = [(b.level, b.get_title()) for b in doc.get_toc()]
    finally:
        doc.close()
    assert toc[0] == (0, "一、填空题（每空 2 分，共 8 分）")
    assert (0, "学习材料样例参考答案") in toc
    assert toc[-1] == (1, "六、简答题")


@pytest.mark.slow
@needs_cjk_font
def test_pdf_bytes_do_not_depend_on_the_process(tmp_path: Path) -> None:
    import os
    import sys

    script = (
        "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]);"
        "from conftest import make_questions; from kaodian.export.paper import papers;"
        "from kaodian.export.quiz_pdf import render_pdf; from kaodian.options import QuizOptions;"
        "b = papers(make_questions(), QuizOptions(versions=2, seed=11))[1];"
        "Path(sys.argv[1]).write_bytes(render_pdf(b))"
    )
    tests = str(Path(__file__).parent)
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / f"p{hash_seed}.pdf"), tests], env=env, check=True)
    assert (tmp_path / "p1.pdf").read_bytes() == (tmp_path / "p2.pdf").read_bytes()


def test_fontconfig_choice_prefers_a_regular_simplified_face_in_the_smallest_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big, small, bold = tmp_path / "big.ttc", tmp_path / "small.ttf", tmp_path / "bold.ttc"
    big.write_bytes(b"x" * 3000)
    small.write_bytes(b"x" * 1000)
    bold.write_bytes(b"x" * 10)
    listing = "\n".join(
        [
            f"{bold}\t2\tNoto Sans CJK SC\tBold",
            f"{big}\t0\tNoto Sans CJK JP\tRegular",
            f"{big}\t2\tNoto Sans CJK SC\tRegular",
            f"{small}\t0\tWenQuanYi Micro Hei\tRegular",
            f"{tmp_path / 'x.pcf'}\t0\tBitmap SC\tRegular",
        ]
    )
    monkeypatch.delenv("KAODIAN_FONT", raising=False)
    monkeypatch.setattr(quiz_pdf.shutil, "which", lambda name: "/usr/bin/fc-list")
    monkeypatch.setattr(
        quiz_pdf.subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=listing + "\n")
    )
    assert find_cjk_font() == quiz_pdf.FontFace(small, 0)
    find_cjk_font.cache_clear()
    small.unlink()
    monkeypatch.setattr(
        quiz_pdf.subprocess,
        "run",
        lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=listing.replace(f"{small}\t0\tWenQuanYi", "")),
    )
    assert find_cjk_font() == quiz_pdf.FontFace(big, 2)  # the SC face of the collection, not the JP one


@needs_cjk_font
def test_the_face_chosen_in_a_collection_is_simplified_chinese() -> None:
    from fontTools.ttLib import TTFont

    face = find_cjk_font()
    assert face is not None
    font = TTFont(str(face.path), fontNumber=face.index, lazy=True)
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "党群关系试卷")
    if face.path.suffix.lower() == ".ttc" and "Noto" in face.path.name:
        assert "SC" in str(font["name"].getDebugName(1))


@needs_cjk_font
def test_without_fontconfig_the_usual_folders_are_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    face = find_cjk_font()
    assert face is not None
    find_cjk_font.cache_clear()
    not_a_font = tmp_path / "broken.ttf"
    not_a_font.write_bytes(b"not a font")
    monkeypatch.delenv("KAODIAN_FONT", raising=False)
    monkeypatch.setattr(quiz_pdf.shutil, "which", lambda name: None)
    monkeypatch.setattr(quiz_pdf, "_known_paths", lambda: iter([tmp_path / "absent.ttc", not_a_font, face.path]))
    found = find_cjk_font()
    assert found is not None and found.path == face.path


# ---------------------------------------------------------------- speed: the font cache and the line breaker


def cached_copies(folder: Path) -> list[Path]:
    return sorted((folder / "fonts").glob("*.ttf"))


@needs_cjk_font
def test_papers_print_with_the_cached_copy_of_the_font(fixture_pdf: Path, font_cache: Path) -> None:
    face = find_cjk_font()
    assert face is not None
    path, index = quiz_pdf._font_file(face, "党群关系是检验我们党执政能力的根本指标。①⒈ABC")
    copy = Path(path)
    assert copy in cached_copies(font_cache) and index == 0
    assert copy.stat().st_size < face.path.stat().st_size


@needs_cjk_font
def test_a_character_beyond_the_cached_copy_uses_the_full_font(
    fixture_pdf: Path, font_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    face = find_cjk_font()
    assert face is not None
    monkeypatch.setattr("kaodian.fontcache.reduced_font", lambda *a: pytest.fail("the cache was consulted"))
    assert quiz_pdf._font_file(face, "朱镕基同志指出") == (str(face.path), face.index)


@pytest.mark.slow
@needs_poppler
@needs_cjk_font
def test_a_rare_character_prints_with_the_full_font(questions: tuple[Question, ...], tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont

    face = find_cjk_font()
    assert face is not None
    if ord("镕") not in TTFont(str(face.path), fontNumber=face.index, lazy=True).getBestCmap():
        pytest.skip(f"{face.path.name} has no 镕")
    q = replace(questions[0], prompt="朱镕基同志指出，党群关系是检验我们党执政能力的{{1}}。")
    [pdf] = write_quiz((q,), tmp_path / "rare.pdf", QuizOptions(format="pdf"))
    assert "朱镕基同志指出" in squash("".join(pages(pdf)))


@pytest.mark.slow
@needs_poppler
@needs_cjk_font
def test_an_unwritable_cache_folder_still_gives_a_paper_with_an_embedded_subset(
    questions: tuple[Question, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("in the way")
    monkeypatch.setenv("KAODIAN_CACHE_DIR", str(blocker))
    [pdf] = write_quiz(questions, tmp_path / "full.pdf", QuizOptions(format="pdf"))
    assert_in_order(squash("".join(pages(pdf))), [t for q in paper_order(questions) for t in expected_texts(q)])
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts.splitlines()[2:]), fonts
    assert blocker.read_text() == "in the way"


@pytest.mark.slow
@needs_cjk_font
def test_the_bytes_are_the_same_whether_the_copy_was_just_made_or_reused(
    questions: tuple[Question, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KAODIAN_CACHE_DIR", str(tmp_path))
    [paper] = papers(questions, QuizOptions())
    first = render_pdf(paper)
    assert len(cached_copies(tmp_path)) == 1
    assert render_pdf(paper) == first


@pytest.fixture(scope="module")
def zh_writer() -> quiz_pdf._Writer:
    from conftest import make_questions

    [paper] = papers(make_questions(), QuizOptions(format="pdf"))
    writer = quiz_pdf._Writer(paper)
    writer.pdf.add_page()
    return writer


BREAK_TEXT = st.text(alphabet="党群关系是检验执政能力的根本指标，。（）“”AB ab12 \n①", max_size=120)


@needs_cjk_font
@settings(max_examples=150, deadline=None)
@given(text=BREAK_TEXT, width=st.sampled_from([20.0, 37.5, 81.0, 174.0]), size=st.sampled_from([9.0, 10.5, 16.0]))
def test_chinese_lines_break_where_fpdf2_would_break_them(
    zh_writer: quiz_pdf._Writer, text: str, width: float, size: float
) -> None:
    from fpdf.enums import MethodReturnValue, WrapMode

    zh_writer.font(size)
    theirs = zh_writer.pdf.multi_cell(
        width, 6, text, dry_run=True, output=MethodReturnValue.LINES, wrapmode=WrapMode.CHAR
    )
    assert zh_writer.break_chars(width, text) == (theirs or [""])


@pytest.mark.slow
@needs_poppler
@needs_cjk_font
def test_a_damaged_cached_copy_is_dropped_and_the_full_font_used(
    questions: tuple[Question, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kaodian.fontcache import cache_path

    monkeypatch.setenv("KAODIAN_CACHE_DIR", str(tmp_path / "cache"))
    face = find_cjk_font()
    assert face is not None
    copy = cache_path(face.path, face.index)
    assert copy is not None
    copy.parent.mkdir(parents=True)
    copy.write_bytes(b"\0\1\0\0" + b"truncated" * 100)
    [pdf] = write_quiz(questions, tmp_path / "q.pdf", QuizOptions(format="pdf"))
    assert_in_order(squash("".join(pages(pdf))), [t for q in paper_order(questions) for t in expected_texts(q)])
    assert not copy.exists()
