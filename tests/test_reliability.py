"""Nothing is lost: interrupted builds keep the previous deck, names stay in their folder, limits hold.

These go through :func:`kaodian.pipeline.build` and the real exporters.
"""

from __future__ import annotations

import html
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from conftest import assert_linear
from kaodian import pipeline
from kaodian.errors import EncodingError, KaodianError, OutputError, TooLargeError
from kaodian.model import Question, QuestionSet, Source, StudySet
from kaodian.options import BuildOptions, CleanOptions
from kaodian.serialize import dumps, question_set_to_dict, study_set_to_dict


def _questions_file(path: Path, questions: tuple[Question, ...] | list[Question]) -> Path:
    path.write_text(dumps(question_set_to_dict(QuestionSet(questions=tuple(questions)))), encoding="utf-8")
    return path


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def built(tmp_path: Path, questions: tuple[Question, ...]) -> tuple[Path, BuildOptions]:
    """A questions file built once into ``decks/``: the good previous deck."""
    source = _questions_file(tmp_path / "notes.yaml", questions)
    options = BuildOptions(output_dir=tmp_path / "decks", formats=("apkg",))
    report = pipeline.build([source], options)
    assert [p.name for p in report.outputs] == ["notes.apkg"]
    return source, options


def _edit(source: Path, questions: tuple[Question, ...]) -> None:
    """Change the input so a rebuild would write different decks."""
    changed = [q for q in questions if q.type != "short"]
    _questions_file(source, changed)


# ---------------------------------------------------------------- atomic writes


def test_exporter_crash_mid_write_keeps_the_previous_deck(
    built: tuple[Path, BuildOptions], questions: tuple[Question, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, options = built
    before = _snapshot(options.output_dir)
    _edit(source, questions)
    original = zipfile.ZipFile.writestr
    calls = []

    def crash_after_first_entry(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        calls.append(args[0])
        if len(calls) > 1:
            raise RuntimeError("the exporter crashed half-way")
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "writestr", crash_after_first_entry)
    report = pipeline.build([source], options)
    assert calls, "the deck was not written through zipfile: adapt this test to the exporter"
    assert [f.path for f in report.failures] == [str(source)]
    assert "RuntimeError" in report.failures[0].error.message
    assert _snapshot(options.output_dir)["notes.apkg"] == before["notes.apkg"]
    assert _temporaries(options.output_dir) == []


def test_disk_full_mid_write_stops_the_build_and_keeps_every_previous_file(
    built: tuple[Path, BuildOptions], questions: tuple[Question, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    source, options = built
    before = _snapshot(options.output_dir)
    _edit(source, questions)
    original = zipfile.ZipFile.writestr

    def disk_full(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", disk_full)
    with pytest.raises(OutputError, match=r"cannot write .*notes\.apkg: No space left on device"):
        pipeline.build([source], options)
    assert _snapshot(options.output_dir) == before
    assert _temporaries(options.output_dir) == []


KILLER = textwrap.dedent(
    """
    import os, signal, sys, zipfile
    from kaodian.cli import main

    original = zipfile.ZipFile.writestr

    def killed_mid_write(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.fp.flush()
        os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no finally: like a power cut or `kill -9`

    zipfile.ZipFile.writestr = killed_mid_write
    main(sys.argv[1:], prog_name="kaodian")
    """
)


@pytest.mark.slow  # starts interpreters
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_build_killed_mid_write_leaves_the_previous_deck_intact(
    built: tuple[Path, BuildOptions], questions: tuple[Question, ...]
) -> None:
    source, options = built
    decks = options.output_dir
    before = _snapshot(decks)
    _edit(source, questions)
    args = [str(source), "-o", str(decks), "--formats", "apkg"]
    killed = subprocess.run([sys.executable, "-c", KILLER, "build", *args], capture_output=True, text=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert _snapshot(decks)["notes.apkg"] == before["notes.apkg"]
    orphans = _temporaries(decks)
    assert len(orphans) == 1 and orphans[0].startswith(".notes.apkg.")  # it really died while writing
    with zipfile.ZipFile(decks / "notes.apkg") as z:
        assert z.testzip() is None
    # the next build replaces the deck and clears what the killed one left
    rebuilt = subprocess.run(
        [sys.executable, "-m", "kaodian", "build", *args], capture_output=True, text=True, timeout=60
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _temporaries(decks) == []
    assert (decks / "notes.apkg").read_bytes() != before["notes.apkg"]


TERMINATOR = KILLER.replace("signal.SIGKILL", "signal.SIGTERM")


@pytest.mark.slow  # starts interpreters
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_build_terminated_mid_write_cleans_up_and_keeps_the_previous_deck(
    built: tuple[Path, BuildOptions], questions: tuple[Question, ...]
) -> None:
    source, options = built
    decks = options.output_dir
    before = _snapshot(decks)
    _edit(source, questions)
    args = [str(source), "-o", str(decks), "--formats", "apkg"]
    stopped = subprocess.run(
        [sys.executable, "-c", TERMINATOR, "build", *args], capture_output=True, text=True, timeout=60
    )
    assert stopped.returncode == 128 + signal.SIGTERM, stopped.stderr
    assert stopped.stderr.startswith("kaodian: terminated;") and "Traceback" not in stopped.stderr
    assert _snapshot(decks) == before
    assert _temporaries(decks) == []


# ---------------------------------------------------------------- names


HOSTILE = ["../../escaped", "/etc/passwd", "..\\..\\windows", "CON", "nul.txt", "a\x00b", "", "..", "LPT1", "x" * 400]


def _question(doc: str, n: int) -> Question:
    return Question(
        id=f"q{n}",
        type="cloze",
        prompt="党群关系是检验我们党执政能力的{{1}}。",
        answer=("根本指标",),
        source=Source(document=doc, title=doc),
    )


def test_hostile_document_ids_cannot_escape_the_output_folder(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    source = _questions_file(work / "hostile.yaml", [_question(d, n) for n, d in enumerate(HOSTILE)])
    out = work / "decks"
    outside_before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    report = pipeline.build([source], BuildOptions(output_dir=out, formats=("md", "tiku")))
    assert not report.failures
    assert len(report.outputs) == 2 * len(HOSTILE)  # one deck per document, none overwritten
    assert len(set(report.outputs)) == len(report.outputs)
    for path in report.outputs:
        assert path.parent == out and path.resolve().parent == out.resolve()
        assert not path.name.startswith(".")
        assert path.name.split(".")[0].lower() not in {"con", "nul", "lpt1"}
    outside_after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if out not in p.parents)
    assert outside_after == sorted([*outside_before, Path("work/decks")])


def test_two_inputs_with_the_same_name_get_two_decks(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        _questions_file(tmp_path / folder / "notes.yaml", questions[:2])
    _questions_file(tmp_path / "Notes.yml", questions[2:4])
    options = BuildOptions(output_dir=tmp_path / "decks", formats=("md",))
    report = pipeline.build([tmp_path / "a", tmp_path / "b" / "notes.yaml", tmp_path / "Notes.yml"], options)
    assert [p.name for p in report.outputs] == ["notes.quiz.md", "notes-2.quiz.md", "Notes-3.quiz.md"]


def test_an_input_given_twice_is_built_once(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    source = _questions_file(tmp_path / "notes.yaml", questions)
    options = BuildOptions(output_dir=tmp_path / "decks", formats=("md",))
    report = pipeline.build([source, tmp_path, tmp_path / "." / "notes.yaml"], options)
    assert [p.name for p in report.outputs] == ["notes.quiz.md"]


# ---------------------------------------------------------------- partial failures


def test_no_questions_means_a_warning_and_no_empty_deck(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    good = _questions_file(tmp_path / "good.yaml", questions)
    empty = _questions_file(tmp_path / "empty.yaml", [])
    only_short = _questions_file(tmp_path / "short.yaml", [q for q in questions if q.type == "short"])
    options = BuildOptions(output_dir=tmp_path / "decks", formats=("apkg",))
    report = pipeline.build([empty, good], options)
    assert [p.name for p in report.outputs] == ["good.apkg"]
    assert report.skipped == (f"{empty}: no questions could be made from it; no deck written",)
    assert not report.complete
    typed = pipeline.build(
        [only_short],
        BuildOptions(
            output_dir=tmp_path / "typed", formats=("apkg",), generate=pipeline.GenerateOptions(types=("cloze",))
        ),
    )
    assert typed.outputs == ()
    assert typed.skipped == (f"{only_short}: no questions of the types cloze could be made from it; no deck written",)
    assert not (tmp_path / "typed" / "short.apkg").exists()


def test_progress_is_reported_per_input(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    files = [_questions_file(tmp_path / f"{n}.yaml", questions[:2]) for n in "abc"]
    (tmp_path / "broken.yaml").write_text("kaodian: 1\nquestions: [\n", encoding="utf-8")
    seen: list[tuple[int, int, str]] = []
    report = pipeline.build(
        [*files, tmp_path / "broken.yaml"],
        BuildOptions(output_dir=tmp_path / "decks", formats=("md",)),
        progress=lambda done, total, name: seen.append((done, total, name)),
    )
    # (inputs done, total, the input being worked on; the last one at the end)
    assert seen == [(0, 4, "a.yaml"), (1, 4, "b.yaml"), (2, 4, "c.yaml"), (3, 4, "broken.yaml"), (4, 4, "broken.yaml")]
    assert len(report.failures) == 1 and report.inputs == 4


def test_parallel_build_writes_the_same_bytes(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    files = [_questions_file(tmp_path / f"{n}.yaml", questions[i:]) for i, n in enumerate("abc")]
    (tmp_path / "bad.yaml").write_text("kaodian: 1\nquestions: 3\n", encoding="utf-8")
    inputs = [*files, tmp_path / "bad.yaml"]
    one = pipeline.build(inputs, BuildOptions(output_dir=tmp_path / "one", formats=("md", "quiz")))
    two = pipeline.build(inputs, BuildOptions(output_dir=tmp_path / "two", formats=("md", "quiz"), jobs=2))
    assert _snapshot(tmp_path / "one") == _snapshot(tmp_path / "two")
    assert [f.error.message for f in one.failures] == [f.error.message for f in two.failures]
    assert len(one.failures) == 1


def test_unknown_format_fails_before_any_work(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    source = _questions_file(tmp_path / "notes.yaml", questions)
    with pytest.raises(pipeline.InputError, match="unknown format 'docx'"):
        pipeline.build([source], BuildOptions(output_dir=tmp_path / "decks", formats=("md", "docx")))
    assert not (tmp_path / "decks").exists()


# ---------------------------------------------------------------- limits


def test_structured_inputs_obey_the_size_limit(tmp_path: Path, questions: tuple[Question, ...]) -> None:
    source = _questions_file(tmp_path / "big.yaml", questions * 50)
    limit = source.stat().st_size - 1
    with pytest.raises(TooLargeError, match=r"big\.yaml .*--max-size"):
        pipeline.question_set([source], CleanOptions(max_bytes=limit))
    report = pipeline.build([source], BuildOptions(output_dir=tmp_path / "d", clean=CleanOptions(max_bytes=limit)))
    assert isinstance(report.failures[0].error, TooLargeError)


def test_a_device_is_not_read(tmp_path: Path) -> None:
    with pytest.raises(pipeline.UnsupportedFormatError, match="not a regular file"):
        pipeline.clean_file(os.devnull)


# Lines of 10,000 characters without punctuation: prose, markers and brackets that a
# careless regular expression would backtrack over.
LONG_LINES = {
    "chinese": "党群关系检验执政能力根本指标" * 715,
    "one-char": "的" * 10_000,
    "markers": "一" * 10_000,
    "numbered-points": "⒈" * 10_000,
    "open-brackets": "（第" * 5_000,
    "open-quotes": "“引" * 5_000,
    "latin-word": "a" * 10_000,
    "latin-spaced": "ab " * 3_334,
    "digits": "1" * 10_000,
    "dashes": "-" * 10_000,
    "md-brackets": "[" * 10_000,
    "md-links": "[a](" * 2_500,
    "md-emphasis": "**a" * 3_333,
    "html-tags": "<a " * 3_333,
    "html-entities": "&#" * 5_000,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(LONG_LINES))
def test_a_long_line_without_punctuation_does_not_stall_any_stage(tmp_path: Path, name: str) -> None:
    suffix = {"md": ".md", "html": ".html"}.get(name.split("-")[0], ".txt")
    doc = tmp_path / f"{name}{suffix}"
    options = BuildOptions(output_dir=tmp_path / "decks", formats=("apkg", "quiz", "md", "tiku"))

    def run(n: int) -> pipeline.BuildReport:
        text = f"一、总论\n{LONG_LINES[name][:n]}\n党群关系是检验我们党执政能力的根本指标。\n"
        doc.write_text(text, encoding="utf-8")
        return pipeline.build([doc], options)

    report = run(10_000)
    assert not report.failures, report.failures[0].error.message
    if suffix == ".txt":  # markup is taken apart by the reader; plain text must come through whole
        assert max(len(p) for p in pipeline.clean_file(doc).paragraphs) >= 9_990
    assert report.outputs or report.skipped
    assert_linear(run, 2_500, tries=2)


# ---------------------------------------------------------------- escaping, end to end


NASTY = "<script>alert(1)</script> & <b>bold</b>"


def test_document_text_is_escaped_in_the_quiz_and_the_deck(tmp_path: Path) -> None:
    q = Question(
        id="x1",
        type="short",
        prompt=f"简述 {NASTY} 的处理。",
        answer=(f"保持原样 {NASTY}",),
        source=Source(document="nasty", title=f"标题 {NASTY}", section=(NASTY,), sentence=NASTY),
    )
    source = _questions_file(tmp_path / "nasty.yaml", [q])
    report = pipeline.build([source], BuildOptions(output_dir=tmp_path / "decks", formats=("apkg", "quiz")))
    assert not report.failures
    page = (tmp_path / "decks" / "nasty.quiz.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "<b>bold</b>" not in page
    assert html.escape("<script>alert(1)</script>") in page
    with zipfile.ZipFile(tmp_path / "decks" / "nasty.apkg") as z:
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
    with sqlite3.connect(tmp_path / "c.anki2") as db:
        fields = [row[0] for row in db.execute("select flds from notes")]
    assert fields
    for flds in fields:
        assert "<script>alert(1)" not in flds and "<b>bold</b>" not in flds
    assert any(html.escape("<script>alert(1)</script>") in flds for flds in fields)


def test_document_text_with_markup_is_escaped_through_the_whole_pipeline(tmp_path: Path) -> None:
    doc = tmp_path / "markup.txt"
    doc.write_text(
        "一、总论\n⒈密切联系群众\n<script>alert(1)</script>是检验我们党执政能力的根本指标。\n"
        "党群关系是检验我们党执政能力的根本指标，<b>密切联系群众</b>是我们党的优良传统和作风。\n",
        encoding="utf-8",
    )
    report = pipeline.build([doc], BuildOptions(output_dir=tmp_path / "decks", formats=("quiz",)))
    assert not report.failures, report.failures[0].error.message
    assert report.outputs, report.skipped
    page = report.outputs[0].read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "<b>密切联系群众</b>" not in page


def test_document_warnings_are_reported_with_their_input(tmp_path: Path) -> None:
    study = tmp_path / "study.yaml"
    study.write_text(
        "kaodian: 1\ndocuments:\n  - id: notes\n    title: 学习材料\n    truncated: true\n"
        "    warnings:\n      - {code: truncated, message: the text ends mid-sentence}\n"
        "    points:\n      - {id: p1, level: 1, marker: 一、, title: 总论,"
        " text: 党群关系是检验我们党执政能力的根本指标。}\n"
        "    claims:\n      - {id: c1, point: p1, kind: principle, text: 党群关系是检验我们党执政能力的根本指标。,"
        " subject: 党群关系, predicate: 根本指标}\n",
        encoding="utf-8",
    )
    report = pipeline.build([study], BuildOptions(output_dir=tmp_path / "decks", formats=("md",)))
    assert report.warnings == (f"{study} (notes): the text ends mid-sentence",)


@pytest.mark.skipif(os.name != "posix", reason="file names that are not UTF-8 exist on POSIX file systems")
def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"notes-\xff\xfe.txt")
    try:
        (tmp_path / name).write_text("一、总论\n党群关系是检验我们党执政能力的根本指标。\n", encoding="utf-8")
    except OSError:
        pytest.skip("this file system refuses such names")
    doc = pipeline.extract_file(tmp_path / name)
    assert doc.source.endswith("notes-\ufffd\ufffd.txt") and doc.id == "notes"
    assert "notes-\ufffd\ufffd.txt" in dumps(study_set_to_dict(StudySet(documents=(doc,))))


def _die(path: Path, name: str, options: BuildOptions) -> None:
    os._exit(3)  # a worker killed by the system (out of memory) ends like this


@pytest.mark.skipif(sys.platform != "linux", reason="relies on fork() copying the patched module into the workers")
def test_a_worker_process_that_dies_is_one_error(
    tmp_path: Path, questions: tuple[Question, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [tmp_path / f"{n}.txt" for n in "ab"]
    for path in files:
        path.write_text("一、总则\n\n坚持党的领导是根本保证。\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "_build_document_in_worker", _die)
    with pytest.raises(KaodianError, match=r"a worker process died .*run with -j 1"):
        pipeline.build(files, BuildOptions(output_dir=tmp_path / "decks", formats=("md",), jobs=2))


def test_errors_cross_process_boundaries_whole() -> None:
    error = pickle.loads(pickle.dumps(EncodingError("odd.txt: could not detect the encoding", "tried utf-8, gb18030")))
    assert type(error) is EncodingError and error.exit_code == 2
    assert (error.message, error.detail, str(error)) == (
        "odd.txt: could not detect the encoding",
        "tried utf-8, gb18030",
        "odd.txt: could not detect the encoding",
    )
