"""Fuzzing: random bytes and random text through every stage raise only kaodian's named errors.

Bounded: a few dozen examples per property, so the whole file runs in seconds.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kaodian import pipeline
from kaodian.errors import KaodianError
from kaodian.export import FORMATS, writer
from kaodian.model import Question
from kaodian.options import BuildOptions, GenerateOptions

#: Exporters run on whatever questions came out (apkg included: it is the deck a user imports).
EXPORTS = ("apkg", "quiz", "md", "tiku", "gift", "csv", "tsv")

#: Pieces of study text (markers, quotes, claims, markup, template syntax) that reach the deeper stages.
FRAGMENTS = [
    "一、",
    "二、",
    "（一）",
    "⒈",
    "⒉",
    "1.",
    "(1)",
    "# ",
    "## ",
    "- ",
    "第一，",
    "首先，",
    "党群关系",
    "是",
    "检验我们党执政能力的根本指标",
    "的",
    "、",
    "，",
    "。",
    "；",
    "：",
    "“",
    "”",
    "《",
    "》",
    "正如党的十六大报告所指出的：",
    "世界观、人生观、价值观",
    "权为民所用，情为民所系，利为民所谋",
    "主要表现在以下三个方面",
    "Active recall is",
    " the ",
    "First, ",
    "<b>",
    "</b>",
    "<script>",
    "&amp;",
    "{{1}}",
    "{{c1::",
    "::",
    "}}",
    "\u3000",
    "\t",
    " ",
    "\n",
    "\r\n",
    "\ufeff",
    "\x00",
]

study_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=80).map("".join)

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


def _through_every_stage(path: Path, out: Path) -> None:
    """Clean, extract, generate and export ``path``; a KaodianError is an acceptable answer, nothing else is."""
    try:
        pipeline.clean_file(path)
        doc = pipeline.extract_file(path)
    except KaodianError:
        return
    for types in (None, ("cloze", "single", "truefalse")):
        try:
            questions: tuple[Question, ...] = pipeline.generate_questions(doc, GenerateOptions(types=types, seed=3))
        except KaodianError:
            continue
        if not questions:
            continue  # build writes no deck for a document without questions
        for fmt in EXPORTS:
            with contextlib.suppress(KaodianError):
                writer(fmt)(questions, out / f"fuzz{FORMATS[fmt][0]}", BuildOptions(output_dir=out))


@SETTINGS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".md", ".html", ".docx", ".pdf"]))
def test_random_bytes_raise_only_named_errors(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        _through_every_stage(path, Path(tmp) / "out")


@SETTINGS
@given(
    text=study_text, suffix=st.sampled_from([".txt", ".md", ".html"]), encoding=st.sampled_from(["utf-8", "gb18030"])
)
def test_random_study_text_raises_only_named_errors(text: str, suffix: str, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(text.encode(encoding, "replace"))
        _through_every_stage(path, Path(tmp) / "out")


@SETTINGS
@given(text=st.text(max_size=2000))
def test_random_unicode_raises_only_named_errors(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.txt"
        path.write_text(text, encoding="utf-8")
        _through_every_stage(path, Path(tmp) / "out")


yaml_like = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "kaodian: 1\n",
                "questions:\n",
                "documents:\n",
                "  - ",
                "id: ",
                "type: cloze\n",
                "prompt: ",
                "[",
                "{",
                "!!python/object:os.system ",
                "&a ",
                "*a ",
                "\n",
            ]
        ),
        st.text(max_size=10),
    ),
    max_size=40,
).map("".join)


@SETTINGS
@given(text=yaml_like, suffix=st.sampled_from([".yaml", ".json"]))
def test_random_structured_files_raise_only_named_errors(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_text(text, encoding="utf-8", errors="replace")
        with contextlib.suppress(KaodianError):
            pipeline.question_set([path])
