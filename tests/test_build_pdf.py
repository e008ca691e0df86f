"""`kaodian build --formats ...,pdf`: PDFs are rendered in a worker process beside the main one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kaodian import pipeline
from kaodian.export import quiz_pdf
from kaodian.model import Question, QuestionSet
from kaodian.options import BuildOptions
from kaodian.serialize import dumps, question_set_to_dict

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")


def _questions_file(path: Path, questions: tuple[Question, ...]) -> Path:
    path.write_text(dumps(question_set_to_dict(QuestionSet(questions))), encoding="utf-8")
    return path


@needs_poppler
def test_build_writes_the_pdf_with_the_other_formats(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    if quiz_pdf.find_cjk_font() is None:
        pytest.skip("no CJK font installed (CI installs fonts-noto-cjk)")
    source = _questions_file(tmp_path / "notes.yaml", questions)
    report = pipeline.build([source], BuildOptions(output_dir=tmp_path / "decks", formats=("apkg", "pdf", "quiz")))
    assert [p.name for p in report.outputs] == ["notes.apkg", "notes.quiz.html", "notes.quiz.pdf"]
    assert not report.failures
    pdf = tmp_path / "decks" / "notes.quiz.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    assert "党群关系是检验我们党执政能力的" in text.stdout


def test_a_pdf_that_fails_in_the_worker_is_that_input_s_failure(
    tmp_path: Path, questions: tuple[Question, ...], monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    # a font with no Chinese glyphs: the worker's FontError must come back as a one-line failure
    dejavu = next(Path("/usr/share/fonts").rglob("DejaVuSans.ttf"), None) if Path("/usr/share/fonts").is_dir() else None
    if dejavu is None:
        pytest.skip("needs a Latin-only font to provoke the error")
    monkeypatch.setenv("KAODIAN_FONT", str(dejavu))
    quiz_pdf.find_cjk_font.cache_clear()  # the worker is forked from this process: no stale lookup
    request.addfinalizer(quiz_pdf.find_cjk_font.cache_clear)
    good = _questions_file(tmp_path / "good.yaml", questions)
    report = pipeline.build([good], BuildOptions(output_dir=tmp_path / "decks", formats=("quiz", "pdf")))
    assert [p.name for p in report.outputs] == ["good.quiz.html"]
    [failure] = report.failures
    assert failure.path == str(good)
    assert "no glyph" in failure.error.message or "font" in failure.error.message
    assert not (tmp_path / "decks" / "good.quiz.pdf").exists()


def test_the_pdf_is_handed_to_its_worker_before_the_other_formats_are_written(
    tmp_path: Path, questions: tuple[Question, ...]
) -> None:
    from concurrent.futures import Future

    out = tmp_path / "decks"
    seen_at_submit: list[list[str]] = []

    class Worker:
        def submit(self, fn: object, fmt: str, *args: object) -> Future[list[Path]]:
            seen_at_submit.append(sorted(p.name for p in out.glob("*")) if out.exists() else [])
            future: Future[list[Path]] = Future()
            future.set_result([out / "notes.quiz.pdf"])
            return future

    options = BuildOptions(output_dir=out, formats=("apkg", "quiz", "pdf"))
    outputs: list[Path] = []
    pending: list[tuple[Path, Future[list[Path]]]] = []
    failure = pipeline._write_outputs(tmp_path / "notes.txt", "notes", questions, options, outputs, Worker(), pending)  # type: ignore[arg-type]
    assert failure is None
    assert seen_at_submit == [[]]  # nothing written yet: the PDF renders while the rest is written
    assert [p.name for p in outputs] == ["notes.apkg", "notes.quiz.html"]
    assert [f.result()[0].name for _, f in pending] == ["notes.quiz.pdf"]
