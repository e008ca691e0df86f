"""--jobs: several processes for many documents, with output identical to one process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import DATA, SAMPLES
from kaodian import pipeline
from kaodian.cli import main
from kaodian.export import anki
from kaodian.options import AUTO_JOBS, BuildOptions, CleanOptions


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    ("jobs", "sizes", "cpus", "expected"),
    [
        (AUTO_JOBS, [100_000] * 10, 2, 2),  # auto: one per usable CPU
        (AUTO_JOBS, [100_000] * 10, 8, 8),
        (AUTO_JOBS, [100_000] * 3, 8, 3),  # never more processes than inputs
        (AUTO_JOBS, [1_000_000], 8, 1),  # one input: no pool at all
        (AUTO_JOBS, [5_000] * 3, 8, 1),  # a few small documents: not worth starting workers
        (4, [5_000] * 10, 2, 4),  # a number is taken as given
        (4, [], 2, 1),
        (1, [100_000] * 10, 8, 1),
    ],
)
def test_worker_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int, sizes: list[int], cpus: int, expected: int
) -> None:
    files = []
    for i, size in enumerate(sizes):
        files.append(tmp_path / f"{i}.txt")
        files[-1].write_bytes(b"x" * size)
    monkeypatch.setattr(pipeline, "usable_cpus", lambda: cpus)
    assert pipeline.worker_count(jobs, files) == expected


def test_auto_counts_a_missing_file_as_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "usable_cpus", lambda: 4)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * pipeline.AUTO_MIN_BYTES)
    assert pipeline.worker_count(AUTO_JOBS, [big, tmp_path / "gone.txt"]) == 2


def test_usable_cpus_is_at_least_one() -> None:
    assert pipeline.usable_cpus() >= 1


@pytest.mark.parametrize(("value", "jobs"), [("auto", AUTO_JOBS), ("AUTO", AUTO_JOBS), ("1", 1), ("3", 3)])
def test_jobs_option_accepts_numbers_and_auto(monkeypatch: pytest.MonkeyPatch, value: str, jobs: int) -> None:
    seen: list[int] = []

    def fake_study_set(files: object, options: CleanOptions, jobs: int = 1) -> object:
        seen.append(jobs)
        raise pipeline.InputError("stop here")

    monkeypatch.setattr(pipeline, "study_set", fake_study_set)
    result = CliRunner().invoke(main, ["extract", str(SAMPLES[0]), "-j", value])
    assert seen == [jobs]
    assert "stop here" in result.output


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", ""])
def test_jobs_option_rejects_anything_else_in_one_line(value: str) -> None:
    result = CliRunner().invoke(main, ["build", str(SAMPLES[0]), "-j", value])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "is not a number of processes (1 or more) or 'auto'" in lines[0]


def test_parallel_build_of_documents_writes_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(anki, "clock", lambda: 1_800_000_000)  # packages and ledgers carry the build time
    monkeypatch.setattr(pipeline, "AUTO_MIN_BYTES", 0)  # auto uses workers even for the small samples
    formats = ("apkg", "quiz", "md", "tsv")
    one = pipeline.build(SAMPLES, BuildOptions(output_dir=tmp_path / "one", formats=formats, jobs=1))
    two = pipeline.build(SAMPLES, BuildOptions(output_dir=tmp_path / "two", formats=formats, jobs=2))
    auto = pipeline.build(SAMPLES, BuildOptions(output_dir=tmp_path / "auto", formats=formats, jobs=AUTO_JOBS))
    assert one.complete and one.questions > 0
    written = _files(tmp_path / "one")
    assert len([n for n in written if n.endswith(".apkg")]) == len(SAMPLES)
    assert _files(tmp_path / "two") == written
    assert _files(tmp_path / "auto") == written
    assert one.questions == two.questions == auto.questions
    assert one.warnings == two.warnings == auto.warnings


def test_parallel_extract_gives_the_same_study_set() -> None:
    assert pipeline.study_set(SAMPLES, jobs=2) == pipeline.study_set(SAMPLES, jobs=1)


def test_cli_extract_with_jobs_prints_the_same_yaml(tmp_path: Path) -> None:
    def run(jobs: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "kaodian", "extract", str(DATA), "-j", jobs],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=True,
            cwd=tmp_path,
        )
        return done.stdout

    serial = run("1")
    assert "documents:" in serial
    assert run("2") == serial
    assert run("auto") == serial


def test_output_names_are_taken_in_input_order_whatever_the_jobs(tmp_path: Path) -> None:
    text = SAMPLES[0].read_bytes()
    inputs = []
    for folder, body in (("a", b"\x00\x01 not a document"), ("b", text), ("c", text)):
        (tmp_path / folder).mkdir()
        inputs.append(tmp_path / folder / "notes.txt")
        inputs[-1].write_bytes(body)
    for jobs in (1, 2):
        out = tmp_path / f"decks-{jobs}"
        report = pipeline.build(inputs, BuildOptions(output_dir=out, formats=("md",), jobs=jobs))
        assert len(report.failures) == 1 and report.failures[0].path == str(inputs[0])
        # the first input's name stays its own even though it failed: names do not depend on what fails
        assert sorted(p.name for p in out.iterdir()) == ["notes-2.quiz.md", "notes-3.quiz.md"]
        assert [p.name for p in report.outputs] == ["notes-2.quiz.md", "notes-3.quiz.md"]


def test_workers_start_the_largest_documents_first_and_report_in_input_order(tmp_path: Path) -> None:
    from concurrent.futures import Future

    sizes = {"a.txt": 10, "b.txt": 3000, "c.txt": 200, "d.txt": 3000}
    names = {}
    for name, size in sizes.items():
        (tmp_path / name).write_text("字" * size, encoding="utf-8")
        names[tmp_path / name] = name.removesuffix(".txt")
    names[tmp_path / "gone.txt"] = "gone"  # a missing file sorts as empty; its error comes from the worker
    started: list[str] = []

    class Pool:
        def submit(self, fn: object, path: Path, name: str, options: BuildOptions) -> Future[str]:
            started.append(name)
            future: Future[str] = Future()
            future.set_result(name)
            return future

    done = list(pipeline._in_workers(Pool(), names, BuildOptions()))  # type: ignore[arg-type]
    assert started == ["b", "d", "c", "a", "gone"]  # ties keep input order
    assert done == ["a", "b", "c", "d", "gone"]
