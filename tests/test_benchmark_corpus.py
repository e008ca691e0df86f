"""The benchmark's own parts: the corpus generator, the wrap artifact, child measurements, the floor, the report."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
import bench
import corpus

KB = 1024


def _digest(paths: list[Path]) -> list[tuple[str, str]]:
    return [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in paths]


def test_corpus_is_deterministic_from_its_seed(tmp_path: Path) -> None:
    first = corpus.build_corpus(tmp_path / "a", 120 * KB, seed=3)
    again = corpus.build_corpus(tmp_path / "b", 120 * KB, seed=3)
    other = corpus.build_corpus(tmp_path / "c", 120 * KB, seed=4)
    assert _digest(first) == _digest(again)
    assert _digest(first) != _digest(other)


def test_corpus_reaches_its_size_with_long_short_scraped_and_english_documents(tmp_path: Path) -> None:
    paths = corpus.build_corpus(tmp_path, 250 * KB, seed=0)
    sizes = [p.stat().st_size for p in paths]
    assert 250 * KB <= sum(sizes) < 250 * KB + max(sizes)
    assert max(sizes) >= 40_000  # a long report, about 50 KB
    assert sum(1 for s in sizes if s < 12_000) >= len(sizes) // 2  # and many short documents
    texts = [p.read_text(encoding="utf-8") for p in paths]
    assert any(p.suffix == ".md" for p in paths)
    assert any("文档评论(0)" in t for t in texts)
    assert len({hashlib.sha256(t.encode()).digest() for t in texts}) == len(texts)


def test_corpus_documents_are_varied_not_copies(tmp_path: Path) -> None:
    paths = [p for p in corpus.build_corpus(tmp_path, 250 * KB, seed=1) if p.suffix == ".txt"]
    lines = [line for p in paths for line in p.read_text(encoding="utf-8").splitlines() if len(line) > 30]
    assert len(set(lines)) > 0.9 * len(lines)
    # Sentences too: a cache keyed by a sentence must not find most of them again in later documents.
    sentences = [s for line in lines for s in re.findall(r"[^。！？]+[。！？]", line) if len(s) >= 12]
    assert len(set(sentences)) > 0.6 * len(sentences)


def test_a_points_title_is_not_varied(tmp_path: Path) -> None:
    import random

    line = "⒈坚定宗旨意识。密切党群关系的核心是全心全意为人民服务。党员干部要把群众的冷暖放在心上。"
    for seed in range(20):
        assert corpus._shuffle_sentences(line, random.Random(seed)).startswith("⒈坚定宗旨意识。")


def test_chinese_variant_keeps_the_outline_numbered(tmp_path: Path) -> None:
    import random

    text = corpus.chinese_variant(corpus.CLEAN_SAMPLE.read_text(encoding="utf-8"), random.Random(5), 9_000, 1)
    lines = text.splitlines()
    headings = [line.split("、")[0] for line in lines if re.match(r"^[一二三四五六七八九十]+、", line)]
    assert headings == [corpus.zh_number(n) for n in range(1, len(headings) + 1)]
    assert len(headings) > 10
    points: list[str] = []
    for line in [*lines, "一、"]:
        if re.match(r"^[一二三四五六七八九十]+、", line):
            assert points == [chr(ord("⒈") + i) for i in range(len(points))]
            points = []
        elif line and "⒈" <= line[0] <= "⒛":
            points.append(line[0])
    assert re.search(r"以下[三四]个方面：", text)


def test_zh_number() -> None:
    assert [corpus.zh_number(n) for n in (1, 9, 10, 11, 20, 35, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "三十五",
        "九十九",
    ]


def _drop_repeats(text: str, width: int) -> str:
    return "".join(ch for i, ch in enumerate(text) if (i + 1) % (width + 1) != 0)


@given(st.text(alphabet=st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)), max_size=300))
def test_double_wrap_repeats_every_widths_last_character(text: str) -> None:
    wrapped = corpus.double_wrap(text, 10)
    assert _drop_repeats(wrapped, 10) == text
    assert all(wrapped[i] == wrapped[i - 1] for i in range(10, len(wrapped), 11))


def test_double_wrap_counts_paragraph_breaks_and_drops_the_empty_line() -> None:
    # "一二三四五六七八九" + "\n" fill a line of 10 that ends on the break: the doubled break leaves no line.
    assert (
        corpus.double_wrap("一二三四五六七八九\n甲乙丙丁戊己庚辛壬癸子丑", 10)
        == "一二三四五六七八九\n甲乙丙丁戊己庚辛壬癸癸子丑"
    )
    assert corpus.double_wrap("一二三\n四五六七八九十百千万亿", 10) == "一二三\n四五六七八九九十百千万亿"


@given(st.text(min_size=2, max_size=200), st.floats(min_value=0.1, max_value=0.95))
def test_preview_cut_is_a_prefix_not_ending_a_sentence(text: str, fraction: float) -> None:
    cut = corpus.preview_cut(text, fraction)
    assert text.startswith(cut) and 0 < len(cut) < len(text)
    if len(cut) > 1:  # a cut of one character means the text had no place to cut mid-sentence
        assert cut[-1] not in corpus.SENTENCE_END and not cut[-1].isspace()
        assert text[len(cut)] not in corpus.SENTENCE_END


def test_run_child_reports_the_childs_peak_memory_cpu_and_error() -> None:
    grow = bench.run_child([sys.executable, "-c", "x = b'k' * 80_000_000; sum(range(2_000_000))"])
    assert grow.ok and grow.rss_mb >= 80
    assert grow.cpu > 0 and grow.wall > 0
    small = bench.run_child([sys.executable, "-c", "pass"])
    assert small.rss_mb < 40  # not the size of the process that started it
    failed = bench.run_child([sys.executable, "-c", "import sys; sys.exit('kaodian: error: nope')"])
    assert failed.returncode == 1 and not failed.ok
    assert bench.last_line(failed.stderr) == "kaodian: error: nope"


def test_floor_writes_the_requested_notes_into_packages(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(corpus.CLEAN_SAMPLE.read_text(encoding="utf-8")[:300], encoding="utf-8")
    note = tmp_path / "b.md"
    note.write_text("# Notes\n\nSpacing is the foundation of retention.\n", encoding="utf-8")
    assert bench.floor([doc, note], [3, 5], tmp_path / "out") == 8
    written = bench.count_output(tmp_path / "out")
    assert [(n, c) for _, n, c in written.packages] == [(3, 3), (5, 5)]
    assert written.notes == 8


def _run(wall: float, rss: float = 100.0, code: int = 0, err: str = "", cpu: float | None = None) -> bench.Run:
    return bench.Run(wall, wall * 0.9 if cpu is None else cpu, rss, code, err)


def test_report_checks_the_targets_and_shows_failures() -> None:
    results = [
        bench.SizeResult(1, 17, 0.26, _run(1.0), _run(0.5), 17, 400, 400, error=""),
        bench.SizeResult(16, 300, 4.1, _run(10.0, cpu=9.0), _run(6.0, cpu=3.0), 300, 7000, 7000),
        bench.SizeResult(64, 1200, 16.4, _run(46.0, rss=620.0), _run(24.0), 1200, 28000, 28000),
        bench.SizeResult(4, 70, 1.0, _run(0.3, code=2, err="x\nkaodian: error: broken"), _run(1.0)),
    ]
    results[3].error = "kaodian: error: broken"
    checks = {target.split(" <=")[0]: (measured, verdict) for target, measured, verdict in bench.checks(results, None)}
    assert checks["build/floor at 16x"] == ("1.67", "PASS")
    assert results[1].cpu_ratio == 3.0
    assert checks["time 64x / 16x"] == ("4.60", "FAIL")
    assert checks["peak RSS at 64x"] == ("620", "FAIL")
    text = bench.report(results, None, repeat=1)
    row4 = next(line for line in text.splitlines() if line.strip().startswith("4x"))
    assert row4.split()[4] == "-"  # no wall time for a failed build
    assert "4x -j 1: kaodian: error: broken" in text
    assert bench.median_run([_run(1.0), _run(3.0), _run(2.0)]).wall == 2.0
    flaky = bench.median_run([_run(1.0), _run(3.0), _run(9.0, code=1, err="kaodian: error: bad")])
    assert flaky.ok and flaky.wall == 2.0
    assert flaky.stderr == "1 of 3 runs failed: kaodian: error: bad"
    assert bench.median_run([_run(1.0, code=2, err="x"), _run(3.0, code=2, err="y")]).returncode == 2


def test_checks_are_reported_per_jobs_value() -> None:
    results = [
        bench.SizeResult(16, 300, 4.1, _run(10.0), _run(4.0), jobs="1"),
        bench.SizeResult(16, 300, 4.1, _run(6.0), _run(4.0), jobs="auto"),
    ]
    checks = {target: (measured, verdict) for target, measured, verdict in bench.checks(results, None)}
    assert checks["build/floor at 16x <= 2.0 (-j 1)"] == ("2.50", "FAIL")
    assert checks["build/floor at 16x <= 2.0 (-j auto)"] == ("1.50", "PASS")
    rows = [
        line.split() for line in bench.report(results, None, repeat=1).splitlines() if line.strip().startswith("16x")
    ]
    assert [row[1] for row in rows] == ["1", "auto"]


def test_builds_and_floor_are_interleaved_round_by_round(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []

    def fake_child(argv: list[str], **_: object) -> bench.Run:
        order.append("build -j " + argv[argv.index("-j") + 1])
        return _run(2.0 + len(order))

    def fake_floor(files: list[Path], notes: list[int], out_dir: Path, work: Path) -> bench.Run:
        order.append(f"floor {sum(notes)}")
        return _run(1.0)

    monkeypatch.setattr(bench, "run_child", fake_child)
    monkeypatch.setattr(bench, "run_floor", fake_floor)
    monkeypatch.setattr(bench, "count_output", lambda out: bench.Output((("a.apkg", 7, 9),)))
    results = bench.bench_size(1, tmp_path, repeat=2, jobs=["1", "auto"], seed=3, unit_kb=20)
    assert order == ["build -j 1", "build -j auto", "floor 7"] * 2
    assert [r.build.wall for r in results if r.build] == [4.5, 5.5]  # medians of each jobs value's own runs
    assert all(r.floor and r.floor.wall == 1.0 and not r.floor_estimated for r in results)


@pytest.mark.slow
def test_benchmark_runs_end_to_end_on_a_small_corpus(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    small = ["--sizes", "1", "--unit-kb", "20", "--repeat", "1", "--jobs", "1,2", "--no-extras"]
    done = subprocess.run(
        [sys.executable, str(bench.__file__), *small, "--json", str(out), "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "build/floor at 16x" in done.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    sizes = data["sizes"]
    assert [s["jobs"] for s in sizes] == ["1", "2"]
    for s in sizes:
        assert s["build"]["returncode"] == 0 and s["floor"]["returncode"] == 0
        assert s["notes"] > 0 and s["notes"] == sizes[0]["notes"]  # the same decks whatever the jobs
        assert s["ratio"] is not None and s["ratio"] > 0
