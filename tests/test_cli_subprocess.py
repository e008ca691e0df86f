"""The same bad-input cases as test_cli.py, run as real processes: `python -m kaodian ...`.

A real process shows what CliRunner cannot: the interpreter's own exit path,
stderr as the user's terminal gets it, and that no traceback escapes anywhere.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kaodian.model import Question
from test_cli import CASES, TEXT, Case, check_error, questions_yaml

# Every test here starts interpreters (~0.3 s each): end-to-end checks, run in CI with the rest.
pytestmark = pytest.mark.slow

ENV = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"}


def kaodian(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kaodian", *args],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_as_a_process(case: Case, tmp_path: Path) -> None:
    args = case.make(tmp_path)
    result = kaodian(*([case.verb] if case.verb else []), *args, cwd=tmp_path)
    check_error(result.returncode, result.stderr, case)
    assert result.stdout == ""


def test_debug_after_the_verb_shows_a_traceback(tmp_path: Path) -> None:
    result = kaodian("clean", "nope.txt", "--debug", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == "kaodian: error: nope.txt: no such file or folder; check the path"


def test_help_is_fast_and_light(tmp_path: Path) -> None:
    code = (
        "import sys, kaodian.cli; heavy = {'rjieba', 'pypdfium2', 'docx', 'fpdf', 'genanki', 'anki', 'yaml',"
        " 'charset_normalizer'}; print(sorted(heavy & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV, cwd=tmp_path)
    assert result.stdout.strip() == "[]", result.stdout
    assert kaodian("--help", cwd=tmp_path).returncode == 0


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text(TEXT * 2000, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kaodian", "clean", "long.txt"],
        cwd=tmp_path,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()  # like `kaodian clean long.txt | head -1`
    stderr = proc.stderr.read().decode("utf-8")
    proc.wait(timeout=60)
    assert "Traceback" not in stderr and "error" not in stderr, stderr


def test_build_with_a_failing_input_exits_1_and_builds_the_rest(
    tmp_path: Path, questions: tuple[Question, ...]
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.yaml").write_text(questions_yaml(questions), encoding="utf-8")
    (tmp_path / "in" / "scan.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    result = kaodian("build", "in", "--formats", "md", "-o", "out", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "out" / "good.quiz.md").is_file()
    assert result.stderr.splitlines()[-1] == "kaodian: 1 input(s) failed, 0 gave no questions; 1 file(s) written"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    to_file = kaodian("extract", "a.txt", "-o", "/dev/full", "--force", cwd=tmp_path)
    assert to_file.returncode == 1
    assert to_file.stderr.splitlines()[-1] == "kaodian: error: cannot write /dev/full: No space left on device"
    with open("/dev/full", "w") as full:
        to_stdout = subprocess.run(
            [sys.executable, "-m", "kaodian", "clean", "a.txt"],
            cwd=tmp_path,
            env=ENV,
            stdout=full,
            stderr=subprocess.PIPE,
        )
    stderr = to_stdout.stderr.decode("utf-8")
    assert to_stdout.returncode == 1
    assert "Traceback" not in stderr and "No space left on device" in stderr
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
