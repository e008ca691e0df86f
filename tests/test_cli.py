"""The command line's contract: one-line errors with the documented exit status, help, flags, --force.

Every bad-input case of ``CASES`` is also run as a real process in test_cli_subprocess.py.
"""

from __future__ import annotations

import io
import re
import sys
import types
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kaodian import cli, fsutil, progress
from kaodian.cli import main
from kaodian.export import FORMATS
from kaodian.model import Question, QuestionSet
from kaodian.serialize import dumps, question_set_to_dict

TEXT = "一、总论\n党群关系是检验我们党执政能力的根本指标。\n密切联系群众是我们党的优良传统和作风。\n"


# ---------------------------------------------------------------- bad inputs, made in the test


def questions_yaml(questions: tuple[Question, ...] | list[Question]) -> str:
    return dumps(question_set_to_dict(QuestionSet(questions=tuple(questions))))


def _pdf(path: Path, *, text: str | None, password: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    pdf.add_page()
    if text is None:  # a page with a picture and no text, like a scan
        pdf.set_fill_color(120, 120, 120)
        pdf.rect(20, 20, 150, 200, style="F")
    else:
        pdf.set_font("helvetica", size=12)
        pdf.cell(text=text)
    pdf.output(str(path))
    return path


def _docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Key point one. Active recall beats rereading.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def _file(name: str, content: bytes | str) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        path = tmp / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return [name]

    return make


def _corrupt_zip_docx(tmp: Path) -> list[str]:
    with zipfile.ZipFile(tmp / "notes.docx", "w") as z:
        z.writestr("hello.txt", "a zip file, but not a Word document")
    return ["notes.docx"]


def _truncated_docx(tmp: Path) -> list[str]:
    data = _docx_bytes()
    (tmp / "notes.docx").write_bytes(data[: len(data) // 2])
    return ["notes.docx"]


def _encrypted_pdf(tmp: Path) -> list[str]:
    _pdf(tmp / "secret.pdf", text="Active recall beats rereading.", password="user")
    return ["secret.pdf"]


def _scanned_pdf(tmp: Path) -> list[str]:
    _pdf(tmp / "scan.pdf", text=None)
    return ["scan.pdf"]


def _empty_folder(tmp: Path) -> list[str]:
    (tmp / "downloads").mkdir()
    (tmp / "downloads" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    return ["downloads"]


def _questions_file(content: str, name: str = "questions.yaml") -> Callable[[Path], list[str]]:
    return _file(name, content)


BAD_TEMPLATE = "name: broken\ntype: cloze\nprompt: [unclosed\n"
STUDY_SET = (
    "kaodian: 1\ndocuments:\n  - id: notes\n    title: 学习材料\n    points:\n"
    "      - {id: p1, level: 1, marker: 一、, title: 总论, text: 党群关系是检验我们党执政能力的根本指标。}\n"
    "    claims:\n      - {id: c1, point: p1, kind: principle, text: 党群关系是检验我们党执政能力的根本指标。,"
    " subject: 党群关系, predicate: 根本指标}\n"
)


def _bad_template(tmp: Path) -> list[str]:
    (tmp / "templates").mkdir()
    (tmp / "templates" / "broken.yaml").write_text(BAD_TEMPLATE, encoding="utf-8")
    (tmp / "study.yaml").write_text(STUDY_SET, encoding="utf-8")
    return ["study.yaml", "--templates", "templates"]


def _output_blocked(tmp: Path) -> list[str]:
    (tmp / "decks").write_text("a file where the output folder should be")
    (tmp / "q.yaml").write_text(_ONE_QUESTION, encoding="utf-8")
    return ["q.yaml", "-o", "decks"]


def _too_large(tmp: Path) -> list[str]:
    (tmp / "big.txt").write_text(TEXT * (1_200_000 // len(TEXT.encode())), encoding="utf-8")
    return ["big.txt", "--max-size", "1"]


def _hundred_megabytes(tmp: Path) -> list[str]:
    with open(tmp / "huge.txt", "wb") as f:  # sparse: costs no disk and no time
        f.truncate(100 * 1024 * 1024)
    return ["huge.txt"]


def _existing_output(verb_args: list[str]) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        (tmp / "study.yaml").write_text(STUDY_SET, encoding="utf-8")
        (tmp / "out.yaml").write_text("# my edits\n", encoding="utf-8")
        return [*verb_args, "-o", "out.yaml"]

    return make


_ONE_QUESTION = (
    "kaodian: 1\nquestions:\n  - id: q1\n    type: cloze\n    prompt: 党群关系是检验执政能力的{{1}}。\n"
    "    answer: [根本指标]\n    source: {document: notes, title: 学习材料}\n"
)


@dataclass(frozen=True)
class Case:
    id: str
    verb: str
    make: Callable[[Path], list[str]]  # creates the inputs in a folder, returns the arguments after the verb
    status: int
    message: str  # a regular expression the error line must match (case-insensitive)


CASES = [
    Case("missing-path", "build", lambda t: ["nope.txt"], 2, r"nope\.txt: no such file"),
    Case("missing-path-clean", "clean", lambda t: ["nope.txt"], 2, r"nope\.txt: no such file"),
    Case("missing-path-extract", "extract", lambda t: ["nope.md"], 2, r"nope\.md: no such file"),
    Case("folder-without-documents", "build", _empty_folder, 2, r"downloads: no documents in this folder"),
    Case("empty-file", "clean", _file("empty.txt", b""), 2, r"empty\.txt.*empty"),
    Case("empty-file-build", "build", _file("empty.txt", b""), 2, r"empty\.txt.*empty"),
    Case("only-whitespace", "clean", _file("blank.md", "\n \n\t\n"), 2, r"blank\.md.*(empty|no text)"),
    Case("image-as-txt", "clean", _file("photo.txt", PNG), 2, r"photo\.txt.*(image|binary|not a text)"),
    Case("image-as-md-build", "build", _file("photo.md", PNG), 2, r"photo\.md.*(image|binary|not a text)"),
    Case("nul-bytes-as-txt", "clean", _file("data.txt", b"abc\x00\x01\x02" * 50), 2, r"data\.txt.*binary"),
    Case("image-as-pdf", "clean", _file("photo.pdf", PNG), 2, r"photo\.pdf.*(not a pdf|damaged|cannot open)"),
    Case("image-as-docx", "clean", _file("photo.docx", PNG), 2, r"photo\.docx.*(not a word|damaged|cannot open)"),
    Case("undetectable-encoding", "clean", _file("odd.txt", b"\x80\xff" * 200), 2, r"odd\.txt.*--encoding"),
    Case(
        "unknown-encoding",
        "clean",
        lambda t: [*_file("a.txt", TEXT)(t), "--encoding", "klingon"],
        2,
        r"unknown encoding 'klingon'",
    ),
    Case("unknown-extension", "clean", _file("photo.jpg", PNG), 2, r"photo\.jpg.*does not read"),
    Case("zip-as-docx", "clean", _corrupt_zip_docx, 2, r"notes\.docx.*(not a word|damaged|cannot open)"),
    Case("truncated-docx", "build", _truncated_docx, 2, r"notes\.docx.*(not a word|damaged|cannot open)"),
    Case(
        "corrupt-pdf", "clean", _file("broken.pdf", b"%PDF-1.4\n1 0 obj <<\ngarbage"), 2, r"broken\.pdf.*(damaged|pdf)"
    ),
    Case("encrypted-pdf", "clean", _encrypted_pdf, 2, r"secret\.pdf.*(encrypted|password)"),
    Case("scanned-pdf", "clean", _scanned_pdf, 2, r"scan\.pdf.*no text layer.*OCR"),
    Case("scanned-pdf-build", "build", _scanned_pdf, 2, r"scan\.pdf.*OCR"),
    Case(
        "malformed-study-set",
        "build",
        _file("study.yaml", "kaodian: 1\ndocuments:\n  - id: a\n  title: b\n"),
        2,
        r"study\.yaml:4: .*fix the YAML syntax",
    ),
    Case(
        "malformed-questions-file",
        "generate",
        _questions_file("kaodian: 1\nquestions:\n  - id: q1\n    type: cloze\n    answer: [x]\n"),
        2,
        r"questions\.yaml:3: missing 'prompt'",
    ),
    Case(
        "unknown-type-in-questions-file",
        "build",
        _questions_file("kaodian: 1\nquestions:\n  - id: q1\n    type: essay\n    prompt: p\n"),
        2,
        r"questions\.yaml:3: unknown question type 'essay'",
    ),
    Case(
        "python-tag-in-study-set",
        "generate",
        _file("study.yaml", "kaodian: 1\ndocuments:\n  - !!python/object/apply:os.system ['echo pwned']\n"),
        2,
        r"study\.yaml:3: .*python/object",
    ),
    Case("malformed-template", "generate", _bad_template, 2, r"broken\.yaml:\d+"),
    Case(
        "unknown-question-type",
        "generate",
        lambda t: ["x.txt", "--types", "cloze,foo"],
        2,
        r"unknown question type 'foo'",
    ),
    Case("unknown-format", "build", lambda t: ["x.txt", "--formats", "apkg,docx"], 2, r"unknown format 'docx'"),
    Case(
        "no-format",
        "build",
        lambda t: ["x.txt", "--formats", ","],
        2,
        r"no output format given; use one or more of apkg",
    ),
    Case("output-folder-is-a-file", "build", _output_blocked, 1, r"decks is a file, not a folder; .*-o"),
    Case("too-large", "clean", _too_large, 2, r"big\.txt.*--max-size"),
    Case("too-large-build", "build", _too_large, 2, r"big\.txt.*--max-size"),
    Case("100-mb-over-the-default", "clean", _hundred_megabytes, 2, r"huge\.txt is 100 MB, over the limit of 50 MB"),
    Case("generate-over-edits", "generate", _existing_output(["study.yaml"]), 2, r"out\.yaml exists .*--force"),
    Case("extract-over-edits", "extract", _existing_output(["nope.txt"]), 2, r"out\.yaml exists .*--force"),
    Case("not-a-number", "build", lambda t: ["x.txt", "--max-size", "lots"], 2, r"'lots' is not a valid integer"),
    Case("unknown-option", "build", lambda t: ["--frobnicate"], 2, r"No such option.*kaodian build --help"),
    Case("unknown-verb", "", lambda t: ["bake"], 2, r"No such command 'bake'"),
]


def check_error(status: int, stderr: str, case: Case) -> None:
    """The documented status, exactly one error line matching the case, no traceback."""
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("kaodian: error: ")]
    assert len(errors) == 1, stderr
    assert re.search(case.message, errors[0], re.IGNORECASE), errors[0]
    assert status == case.status, stderr


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), prog_name="kaodian")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_one_line_and_the_status(case: Case, in_tmp: Path) -> None:
    args = case.make(in_tmp)
    before = _state(in_tmp)
    result = run(*([case.verb] if case.verb else []), *args)
    check_error(result.exit_code, result.stderr, case)
    assert result.stdout == ""
    assert _state(in_tmp) == before  # an error writes nothing and changes nothing


def _state(folder: Path) -> dict[Path, object]:
    """Every file with its content (its size and time if it is big)."""
    out: dict[Path, object] = {}
    for p in folder.rglob("*"):
        st = p.stat()
        out[p] = (st.st_size, st.st_mtime_ns) if st.st_size > 1 << 22 else p.read_bytes() if p.is_file() else "dir"
    return out


# ---------------------------------------------------------------- flags, -v and --debug


def _crash(*args: object, **kwargs: object) -> None:
    raise ValueError("a bug deep inside\nwith a second line")


def test_unexpected_error_is_one_line_and_status_1(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kaodian.pipeline.clean_file", _crash)
    (in_tmp / "a.txt").write_text(TEXT, encoding="utf-8")
    result = run("clean", "a.txt")
    assert result.exit_code == 1
    assert result.stderr == (
        "kaodian: error: unexpected ValueError (a bug deep inside with a second line); "
        "this is a bug: please report it with the output of --debug\n"
    )


@pytest.mark.parametrize(
    "args", [["--debug", "clean", "a.txt"], ["clean", "a.txt", "--debug"], ["clean", "--debug", "a.txt"]]
)
def test_debug_shows_the_traceback_before_or_after_the_verb(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setattr("kaodian.pipeline.clean_file", _crash)
    (in_tmp / "a.txt").write_text(TEXT, encoding="utf-8")
    result = run(*args)
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "ValueError: a bug deep inside" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("kaodian: error: unexpected ValueError")


def test_debug_shows_the_traceback_of_an_input_error(in_tmp: Path) -> None:
    result = run("clean", "missing.txt", "--debug")
    assert result.exit_code == 2
    assert "Traceback" in result.stderr and "MissingInputError" in result.stderr


@pytest.mark.parametrize("args", [["-v", "build", "a.txt"], ["build", "a.txt", "--verbose"]])
def test_verbose_shows_details_of_a_failed_input(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setattr("kaodian.pipeline.extract_file", _crash)
    (in_tmp / "a.txt").write_text(TEXT, encoding="utf-8")
    quiet = run("build", "a.txt")
    assert quiet.exit_code == 1
    assert "Traceback" not in quiet.stderr
    assert "kaodian: error: a.txt: unexpected ValueError (a bug deep inside); please report it" in quiet.stderr
    loud = run(*args)
    assert loud.exit_code == 1
    assert "Traceback" in loud.stderr and "_crash" in loud.stderr


def test_keyboard_interrupt_exits_130(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("kaodian.pipeline.clean_file", interrupt)
    result = run("clean", "a.txt")
    assert result.exit_code == 130
    assert result.stderr.startswith("kaodian: interrupted")


def test_no_verb_shows_help() -> None:
    result = run()
    assert "Usage:" in result.output and "build" in result.output
    assert "Traceback" not in result.output


# ---------------------------------------------------------------- help


VERB_OPTIONS = {
    "clean": ["--encoding", "--max-size", "--keep-boilerplate", "--report"],
    "extract": ["--encoding", "--max-size", "--format", "--output", "--force", "--jobs"],
    "generate": ["--types", "--seed", "--templates", "--format", "--output", "--force", "--max-size"],
    "build": ["--output-dir", "--formats", "--deck-name", "--types", "--seed", "--templates", "--jobs", "--max-size"],
    "quiz": ["--format", "--count", "--per-type", "--versions", "--no-key", "--key-only", "--output"],
    "export": ["--to", "--output", "--types"],
}


@pytest.mark.parametrize("verb", sorted(VERB_OPTIONS))
def test_each_verb_help_explains_its_options_with_an_example(verb: str) -> None:
    result = run(verb, "--help")
    assert result.exit_code == 0
    text = result.output
    assert "Example:" in text and f"kaodian {verb} " in text.split("Example:")[1]
    for option in [*VERB_OPTIONS[verb], "--verbose", "--quiet", "--debug"]:
        assert option in text, option
    # every option has words of help, not only a name and a default
    entries = re.split(r"\n(?=  -)", text.split("Options:")[1])
    for entry in (e for e in entries if e.strip().startswith("-")):
        described = " ".join(re.split(r"\s{2,}", entry.strip())[1:])
        assert re.search(r"[A-Za-z]{3,}", re.sub(r"\[.*?\]", "", described)), f"option without help: {entry}"


def test_main_help_lists_verbs_flags_and_exit_status() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for word in [
        "clean",
        "extract",
        "generate",
        "build",
        "quiz",
        "export",
        "--verbose",
        "--quiet",
        "--debug",
        "Exit status",
    ]:
        assert word in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and "version" in result.output


# ---------------------------------------------------------------- --force


def test_generate_replaces_with_force(in_tmp: Path) -> None:
    (in_tmp / "q.yaml").write_text(_ONE_QUESTION, encoding="utf-8")
    (in_tmp / "out.yaml").write_text("# my edits\n", encoding="utf-8")
    refused = run("generate", "q.yaml", "-o", "out.yaml")
    assert refused.exit_code == 2
    assert (in_tmp / "out.yaml").read_text(encoding="utf-8") == "# my edits\n"
    replaced = run("generate", "q.yaml", "-o", "out.yaml", "--force")
    assert replaced.exit_code == 0, replaced.stderr
    assert "根本指标" in (in_tmp / "out.yaml").read_text(encoding="utf-8")
    assert not [p for p in in_tmp.iterdir() if p.name.endswith(".tmp")]


def test_generate_writes_a_new_file_without_force(in_tmp: Path) -> None:
    (in_tmp / "q.yaml").write_text(_ONE_QUESTION, encoding="utf-8")
    result = run("generate", "q.yaml", "-o", "new.yaml", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert '"根本指标"' in (in_tmp / "new.yaml").read_text(encoding="utf-8")


def test_output_to_a_folder_is_refused(in_tmp: Path) -> None:
    (in_tmp / "q.yaml").write_text(_ONE_QUESTION, encoding="utf-8")
    (in_tmp / "out").mkdir()
    result = run("generate", "q.yaml", "-o", "out", "--force")
    assert result.exit_code == 1
    assert result.stderr == "kaodian: error: out is a folder; give a file name to write to\n"


# ---------------------------------------------------------------- build: partial failures and exit status


@pytest.fixture
def fake_format(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """A format ``fake`` whose writer records what it wrote, so build is tested apart from the real exporters."""
    written: list[Path] = []
    module = types.ModuleType("kaodian_fake_writer")

    def write(questions: tuple[Question, ...], path: Path, options: object) -> list[Path]:
        fsutil.write_text(path, "".join(f"{q.id}\n" for q in questions))
        written.append(path)
        return [path]

    module.write = write  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kaodian_fake_writer", module)
    monkeypatch.setitem(FORMATS, "fake", (".fake.txt", "kaodian_fake_writer:write"))
    yield written


def test_build_goes_on_after_a_bad_input_and_exits_1(
    in_tmp: Path, fake_format: list[Path], questions: tuple[Question, ...]
) -> None:
    (in_tmp / "in").mkdir()
    (in_tmp / "in" / "a-good.yaml").write_text(questions_yaml(questions[:3]), encoding="utf-8")
    (in_tmp / "in" / "b-broken.yaml").write_text("kaodian: 1\nquestions: [\n", encoding="utf-8")
    (in_tmp / "in" / "c-empty.yaml").write_text("kaodian: 1\nquestions: []\n", encoding="utf-8")
    (in_tmp / "in" / "d-good.yaml").write_text(questions_yaml(questions[3:]), encoding="utf-8")
    result = run("build", "in", "--formats", "fake")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"wrote {Path('decks/a-good.fake.txt')}",
        f"wrote {Path('decks/d-good.fake.txt')}",
    ]
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("kaodian: error: ")]
    assert len(errors) == 1
    assert re.fullmatch(r"kaodian: error: in.b-broken\.yaml:3: .*; fix the YAML syntax there", errors[0])
    assert f"kaodian: warning: {Path('in/c-empty.yaml')}: no questions could be made from it; no deck written" in lines
    assert lines[-1] == "kaodian: 1 input(s) failed, 1 gave no questions; 2 file(s) written"
    assert sorted(p.name for p in (in_tmp / "decks").iterdir()) == ["a-good.fake.txt", "d-good.fake.txt"]


def test_build_of_only_bad_inputs_exits_2(in_tmp: Path, fake_format: list[Path]) -> None:
    (in_tmp / "a.yaml").write_text("kaodian: 1\nquestions: [\n", encoding="utf-8")
    (in_tmp / "b.yaml").write_text("kaodian: 2\nquestions: []\n", encoding="utf-8")
    result = run("build", "a.yaml", "b.yaml", "--formats", "fake")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "kaodian: no input could be built; nothing written"
    assert fake_format == []


def test_build_with_no_questions_anywhere_writes_nothing_and_exits_1(in_tmp: Path, fake_format: list[Path]) -> None:
    (in_tmp / "c.yaml").write_text("kaodian: 1\nquestions: []\n", encoding="utf-8")
    result = run("build", "c.yaml", "--formats", "fake")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "kaodian: warning: c.yaml: no questions could be made from it; no deck written",
        "kaodian: error: no questions could be made from any input; nothing written",
    ]
    assert not (in_tmp / "decks").exists() or not list((in_tmp / "decks").iterdir())


def test_build_of_good_inputs_exits_0_and_quiet_prints_nothing(
    in_tmp: Path, fake_format: list[Path], questions: tuple[Question, ...]
) -> None:
    (in_tmp / "q.yaml").write_text(questions_yaml(questions), encoding="utf-8")
    result = run("build", "q.yaml", "--formats", "fake", "-o", "out")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote {Path('out/q.fake.txt')}\n"
    quiet = run("-q", "build", "q.yaml", "--formats", "fake", "-o", "out")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert (in_tmp / "out" / "q.fake.txt").read_text().split() == [q.id for q in questions]


def test_build_shows_a_progress_bar_on_a_terminal(
    in_tmp: Path, fake_format: list[Path], questions: tuple[Question, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b", "c"):
        (in_tmp / f"{name}.yaml").write_text(questions_yaml(questions[:2]), encoding="utf-8")
    monkeypatch.setattr(cli, "_stderr_is_tty", lambda: True)
    monkeypatch.setattr(progress, "DELAY", 0.0)  # at once: this build is quicker than the usual delay
    result = run("build", "a.yaml", "b.yaml", "c.yaml", "--formats", "fake")
    assert result.exit_code == 0
    # documents done / total, and the one being worked on
    assert "] 0/3 a.yaml" in result.stderr and "] 1/3 b.yaml" in result.stderr and "] 3/3 c.yaml" in result.stderr
    assert "[" + "#" * 30 + "]" in result.stderr
    assert result.stderr.endswith("\r")  # the bar's line is cleared at the end
    assert run("build", "a.yaml", "--formats", "fake", "-q").stderr == ""


def test_a_quick_build_on_a_terminal_shows_no_bar(
    in_tmp: Path, fake_format: list[Path], questions: tuple[Question, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / "a.yaml").write_text(questions_yaml(questions[:2]), encoding="utf-8")
    monkeypatch.setattr(cli, "_stderr_is_tty", lambda: True)
    monkeypatch.setattr(progress, "DELAY", 60.0)
    result = run("build", "a.yaml", "--formats", "fake")
    assert result.exit_code == 0 and result.stderr == ""


def test_build_without_a_terminal_has_no_progress_bar(
    in_tmp: Path, fake_format: list[Path], questions: tuple[Question, ...]
) -> None:
    (in_tmp / "a.yaml").write_text(questions_yaml(questions[:2]), encoding="utf-8")
    result = run("build", "a.yaml", "--formats", "fake")
    assert result.exit_code == 0 and result.stderr == ""


def test_readonly_output_folder(
    in_tmp: Path, fake_format: list[Path], questions: tuple[Question, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_tmp / "q.yaml").write_text(questions_yaml(questions[:2]), encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fsutil, "_create_temporary", refuse)  # tests may run as root, which chmod cannot stop
    result = run("build", "q.yaml", "--formats", "fake", "-o", "ro")
    assert result.exit_code == 1
    assert result.stderr == (
        "kaodian: error: cannot write to the folder ro: Permission denied; choose another output folder with -o\n"
    )


def test_verbose_shows_what_the_library_underneath_said(in_tmp: Path) -> None:
    (in_tmp / "study.yaml").write_text("kaodian: 1\ndocuments:\n  - id: a\n  title: b\n", encoding="utf-8")
    plain = run("generate", "study.yaml")
    assert plain.exit_code == 2 and len(plain.stderr.splitlines()) == 1
    verbose = run("generate", "study.yaml", "-v")
    assert verbose.exit_code == 2
    first, second = verbose.stderr.splitlines()
    assert first == plain.stderr.rstrip("\n")
    assert second.startswith("  caused by ParserError: ") and "line 4" in second


def test_extract_refuses_then_replaces_with_force(in_tmp: Path) -> None:
    (in_tmp / "notes.txt").write_text(TEXT, encoding="utf-8")
    (in_tmp / "study.yaml").write_text("# my edits\n", encoding="utf-8")
    refused = run("extract", "notes.txt", "-o", "study.yaml")
    assert refused.exit_code == 2
    assert refused.stderr == "kaodian: error: study.yaml exists and may hold your edits; pass --force to replace it\n"
    assert (in_tmp / "study.yaml").read_text(encoding="utf-8") == "# my edits\n"
    replaced = run("extract", "notes.txt", "-o", "study.yaml", "--force")
    assert replaced.exit_code == 0, replaced.stderr
    text = (in_tmp / "study.yaml").read_text(encoding="utf-8")
    assert text.startswith("kaodian: 1\n") and "根本指标" in text


def test_question_type_aliases_work_in_types_and_per_type(tmp_path: Path) -> None:
    from conftest import DATA

    out = tmp_path / "paper.md"
    result = CliRunner().invoke(
        cli.main,
        ["quiz", str(DATA / "dangqun-guanxi.txt"), "--per-type", "choice=2,tf=1", "--format", "md", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    paper = out.read_text(encoding="utf-8")
    assert "单项选择题" in paper and "判断题" in paper
    assert "填空题" not in paper and "多项选择题" not in paper
    assert cli._parse_types("fill,mc,essay") == ("cloze", "multiple", "short")


def test_the_command_line_runs_the_cycle_collector_less_often(tmp_path: Path) -> None:
    import gc

    from conftest import DATA

    before = gc.get_threshold()
    try:
        result = CliRunner().invoke(main, ["clean", str(DATA / "dangqun-guanxi.txt")])
        assert result.exit_code == 0
        assert gc.get_threshold() == (cli.GC_THRESHOLD, *before[1:])
    finally:
        gc.set_threshold(*before)
