"""Benchmark `kaodian build` against its floor, at corpus sizes of 1x, 4x, 16x and 64x about 250 KB.

    python benchmarks/bench.py [--sizes 1,4,16,64] [--repeat 3] [--jobs 1,auto] [--json out.json]

For each size a varied corpus is generated (benchmarks/corpus.py) into a temporary folder.
`kaodian build <corpus> -o <out> -q -j J` runs in a fresh process for each --jobs value J
(by default 1, then auto: one process per CPU); its wall time, CPU time
(user + system, child processes included) and peak RSS come from os.wait4. The floor runs
in a fresh process too, on the same files: read them, segment them with rjieba.tag, and
write the same number of notes into the same number of packages with genanki, in one
process. Medians of --repeat runs are reported, with the build/floor ratio per size and
jobs value. The runs are interleaved (builds, then floor, in each of --repeat rounds), so
that the machine's load changing during a run weighs on both sides of the ratio.

The kaodian package is byte-compiled first, as pip does when it installs a wheel: an
editable checkout run with PYTHONDONTWRITEBYTECODE set would otherwise compile every
module in every process, which the floor's installed libraries never do.

Also measured: `kaodian --help` wall time, a one-sample build including the PDF, and the
PDF rendering cost per page. Nothing here needs the network.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from corpus import DATA, build_corpus  # noqa: E402

UNIT_KB = 250
# The targets of the performance issue, checked at the end of a run.
RATIO_16X_MAX = 2.0
SCALING_64_16_MAX = 4.5
RSS_64X_MAX_MB = 500.0
HELP_MAX_S = 0.25
SAMPLE_BUILD_MAX_S = 1.5
SAMPLE = DATA / "dangqun-guanxi.txt"


# ---------------------------------------------------------------- running a child


@dataclass(frozen=True)
class Run:
    """One child process: wall and CPU seconds, peak RSS in MB, exit status, the end of its stderr."""

    wall: float
    cpu: float
    rss_mb: float
    returncode: int
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0


# The measured command runs as the grandchild of this process: on Linux a process's peak RSS
# includes the memory of the process it was forked from up to its exec, so a child spawned by a
# benchmark holding a large corpus would inherit the benchmark's size. A small launcher (Python
# without site, ~10 MB) forks the command, waits for it with os.wait4 and writes its rusage.
LAUNCHER = r"""
import json, os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    except OSError as exc:
        sys.stderr.write(f"cannot run {argv[0]}: {exc}\n")
    os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(out, "w") as f:
    json.dump([wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss], f)
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def run_child(argv: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run `argv` in a fresh process and return its wall time, CPU time (its children's included) and peak RSS."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        usage_file = Path(tmp) / "rusage.json"
        launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(usage_file), *argv]
        code = subprocess.run(launcher, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err).returncode
        err.seek(0)
        tail = err.read()[-4000:].decode("utf-8", "replace").strip()
        if not usage_file.is_file():
            return Run(0.0, 0.0, 0.0, code or 1, tail or "the launcher did not report")
        wall, cpu, maxrss = json.loads(usage_file.read_text())
    # ru_maxrss is in KB on Linux (bytes on macOS).
    rss_kb = maxrss / 1024 if sys.platform == "darwin" else maxrss
    return Run(wall, cpu, rss_kb / 1024, code, tail)


def kaodian(*args: str) -> list[str]:
    return [sys.executable, "-m", "kaodian", *args]


def byte_compile() -> None:
    """Write the kaodian package's bytecode, as installing a wheel does (see the module docstring)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("kaodian")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        compileall.compile_dir(folder, quiet=1)


def median_run(runs: Sequence[Run]) -> Run:
    """The medians of the runs that succeeded; failed only if every run failed.

    A run that failed among good ones is kept in ``stderr`` ("1 of 3 runs failed: ..."), so a
    flaky build shows in the report without hiding the good measurements.
    """
    good = [r for r in runs if r.ok]
    failed = [r for r in runs if not r.ok]
    if not good:
        return failed[0]
    note = f"{len(failed)} of {len(runs)} runs failed: {last_line(failed[0].stderr)}" if failed else ""
    return Run(
        statistics.median(r.wall for r in good),
        statistics.median(r.cpu for r in good),
        statistics.median(r.rss_mb for r in good),
        0,
        note,
    )


# ---------------------------------------------------------------- counting what a build wrote


def package_notes(apkg: Path) -> tuple[int, int]:
    """(notes, cards) in an Anki package, read from its SQLite collection."""
    with zipfile.ZipFile(apkg) as z, tempfile.TemporaryDirectory() as tmp:
        name = next(n for n in ("collection.anki21", "collection.anki2") if n in z.namelist())
        db = Path(z.extract(name, tmp))
        con = sqlite3.connect(db)
        try:
            notes = con.execute("select count(*) from notes").fetchone()[0]
            cards = con.execute("select count(*) from cards").fetchone()[0]
        finally:
            con.close()
    return int(notes), int(cards)


@dataclass(frozen=True)
class Output:
    """What a build wrote: per package (name, notes, cards)."""

    packages: tuple[tuple[str, int, int], ...]

    @property
    def notes(self) -> int:
        return sum(p[1] for p in self.packages)

    @property
    def cards(self) -> int:
        return sum(p[2] for p in self.packages)


def count_output(out_dir: Path) -> Output:
    return Output(tuple((p.stem, *package_notes(p)) for p in sorted(out_dir.glob("*.apkg"))))


# ---------------------------------------------------------------- the floor


def floor(files: Sequence[Path], notes_per_package: Sequence[int], out_dir: Path) -> int:
    """The least any build must do: read, segment with rjieba.tag, write the notes with genanki.

    Every file is read and segmented; package i holds notes_per_package[i] notes made from the
    words of file i (of the last file when there are more packages than files). One file is held
    at a time, as a streaming build would. Returns the number of notes written.
    """
    import genanki
    import rjieba

    model = genanki.Model(
        1_607_392_319,
        "floor",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
    )
    out_dir.mkdir(parents=True, exist_ok=True)

    def write(i: int, words: list[str]) -> int:
        deck = genanki.Deck(2_059_400_110 + i, f"floor {i}")
        for n in range(notes_per_package[i]):
            at = (n * 7) % len(words)
            front = "".join(words[at : at + 12])
            deck.add_note(
                genanki.Note(model=model, fields=[front, words[(at + 12) % len(words)]], guid=f"floor-{i}-{n}")
            )
        # The collection is built in memory, as kaodian does: no temporary file, no disk syncs.
        conn = sqlite3.connect(":memory:")
        try:
            genanki.Package(deck).write_to_db(conn.cursor(), 0, itertools.count(0))
            conn.commit()
            collection = conn.serialize()
        finally:
            conn.close()
        with zipfile.ZipFile(out_dir / f"floor{i:05d}.apkg", "w", zipfile.ZIP_DEFLATED) as apkg:
            apkg.writestr("collection.anki2", collection)
            apkg.writestr("media", "{}")
        return notes_per_package[i]

    written = 0
    words = ["-"]
    for i, path in enumerate(files):
        text = path.read_bytes().decode("utf-8")
        words = [word for word, _tag in rjieba.tag(text) if word.strip()] or ["-"]
        if i < len(notes_per_package):
            written += write(i, words)
    for i in range(len(files), len(notes_per_package)):
        written += write(i, words)
    return written


def floor_command(spec_path: Path) -> int:
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    floor([Path(p) for p in spec["files"]], spec["notes"], Path(spec["out"]))
    return 0


def run_floor(files: Sequence[Path], notes: Sequence[int], out_dir: Path, work: Path) -> Run:
    """The floor in a fresh process (this script's `floor` subcommand)."""
    spec = work / "floor-spec.json"
    spec.write_text(json.dumps({"files": [str(p) for p in files], "notes": list(notes), "out": str(out_dir)}))
    return run_child([sys.executable, str(Path(__file__).resolve()), "floor", str(spec)])


# ---------------------------------------------------------------- one corpus size


@dataclass
class SizeResult:
    size: int
    documents: int
    megabytes: float
    build: Run | None = None
    floor: Run | None = None
    packages: int = 0
    notes: int = 0
    cards: int = 0
    floor_estimated: bool = False  # the build wrote nothing, so the floor's note counts are a guess
    error: str = ""
    jobs: str = "1"  # the build's --jobs; the floor is one process whatever it is

    @property
    def ratio(self) -> float | None:
        if self.build is None or self.floor is None or not self.build.ok or not self.floor.ok:
            return None
        return self.build.wall / self.floor.wall

    @property
    def cpu_ratio(self) -> float | None:
        """build/floor in CPU seconds: the comparison that disk waits (fsync) and other load do not blur."""
        if self.ratio is None or self.build is None or self.floor is None or not self.floor.cpu:
            return None
        return self.build.cpu / self.floor.cpu

    @property
    def mb_per_s(self) -> float | None:
        return self.megabytes / self.build.wall if self.build and self.build.ok else None

    @property
    def cards_per_s(self) -> float | None:
        return self.cards / self.build.wall if self.build and self.build.ok and self.cards else None


def _estimated_notes(files: Sequence[Path]) -> list[int]:
    """The floor's note counts when no build wrote anything: one package per document, a note per 150 characters."""
    return [max(1, p.stat().st_size // 450) for p in files]


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    return path


def bench_size(
    size: int, work: Path, *, repeat: int, jobs: Sequence[str], seed: int, unit_kb: int = UNIT_KB
) -> list[SizeResult]:
    """One result per --jobs value, all against the same floor, measured on the same corpus.

    The runs are interleaved: each round runs the build once per jobs value and then the
    floor, so a change in the machine's load weighs on the build and its floor alike.
    """
    corpus_dir = work / f"corpus-{size}x"
    files = build_corpus(corpus_dir, size * unit_kb * 1024, seed=seed + size)
    total = sum(p.stat().st_size for p in files)
    out = work / f"out-{size}x"
    floor_out = work / f"floor-{size}x"
    results = [SizeResult(size, len(files), total / 1e6, jobs=j) for j in jobs]
    builds: list[list[Run]] = [[] for _ in jobs]
    floors: list[Run] = []
    notes: list[int] = []
    for _ in range(repeat):
        for result, runs in zip(results, builds, strict=True):
            runs.append(run_child(kaodian("-q", "build", str(corpus_dir), "-o", str(_fresh(out)), "-j", result.jobs)))
            if runs[-1].ok:  # count what a good run wrote
                written = count_output(out)
                result.packages, result.notes, result.cards = len(written.packages), written.notes, written.cards
                notes = [p[1] for p in written.packages]
        floors.append(run_floor(files, notes or _estimated_notes(files), _fresh(floor_out), work))
    floor_run = median_run(floors)
    for result, runs in zip(results, builds, strict=True):
        result.build = median_run(runs)
        if not result.build.ok or result.build.stderr:
            result.error = last_line(result.build.stderr) or f"exit status {result.build.returncode}"
        result.floor, result.floor_estimated = floor_run, not notes
        if not floor_run.ok or floor_run.stderr:
            result.error = (result.error + "; " if result.error else "") + "floor: " + last_line(floor_run.stderr)
    shutil.rmtree(corpus_dir, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(floor_out, ignore_errors=True)
    return results


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


# ---------------------------------------------------------------- the smaller measurements


@dataclass
class Extras:
    help_wall: float | None = None
    sample_build: Run | None = None
    pdf_pages: int = 0
    pdf_wall: float | None = None  # a pdf-only build of a few documents
    quiz_wall: float | None = None  # the same documents, html quiz only: the cost without rendering
    notes: list[str] = field(default_factory=list)

    @property
    def pdf_s_per_page(self) -> float | None:
        if not self.pdf_pages or self.pdf_wall is None or self.quiz_wall is None:
            return None
        return max(0.0, self.pdf_wall - self.quiz_wall) / self.pdf_pages


def pdf_pages(path: Path) -> int:
    try:
        import pypdfium2

        return len(pypdfium2.PdfDocument(str(path)))
    except ImportError:  # count page objects instead
        import re

        return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


def measure_extras(work: Path, *, help_runs: int, repeat: int, pdf_docs: int, seed: int) -> Extras:
    extras = Extras()
    helps = [run_child(kaodian("--help")) for _ in range(help_runs)]
    if all(r.ok for r in helps):
        extras.help_wall = statistics.median(r.wall for r in helps)
    else:
        extras.notes.append("kaodian --help failed: " + last_line(next(r for r in helps if not r.ok).stderr))
    out = work / "sample"
    extras.sample_build = median_run(
        [
            run_child(kaodian("-q", "build", str(SAMPLE), "--formats", "apkg,quiz,pdf", "-o", str(_fresh(out))))
            for _ in range(repeat)
        ]
    )
    if not extras.sample_build.ok:
        extras.notes.append("sample build failed: " + last_line(extras.sample_build.stderr))
    few = work / "pdf-corpus"
    files = build_corpus(few, 10**9, seed=seed, max_documents=pdf_docs)
    pdf_out, quiz_out = work / "pdf-out", work / "quiz-out"
    pdf = median_run(
        [
            run_child(kaodian("-q", "build", str(few), "--formats", "pdf", "-o", str(_fresh(pdf_out))))
            for _ in range(repeat)
        ]
    )
    quiz = median_run(
        [
            run_child(kaodian("-q", "build", str(few), "--formats", "quiz", "-o", str(_fresh(quiz_out))))
            for _ in range(repeat)
        ]
    )
    if pdf.ok and quiz.ok:
        extras.pdf_wall, extras.quiz_wall = pdf.wall, quiz.wall
        extras.pdf_pages = sum(pdf_pages(p) for p in pdf_out.glob("*.pdf"))
    else:
        extras.notes.append("pdf build failed: " + last_line((pdf if not pdf.ok else quiz).stderr))
    extras.notes.append(f"pdf measured on {len(files)} documents")
    for path in (out, few, pdf_out, quiz_out):
        shutil.rmtree(path, ignore_errors=True)
    return extras


# ---------------------------------------------------------------- reporting


def _fmt(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def _check(target: str, value: float | None, limit: float, spec: str = ".2f") -> tuple[str, str, str]:
    return target, _fmt(value, spec), verdict(None if value is None else value <= limit)


def _wall(run: Run | None) -> float | None:
    return run.wall if run is not None and run.ok else None


def checks(results: Sequence[SizeResult], extras: Extras | None) -> list[tuple[str, str, str]]:
    """(target, measured, PASS/FAIL/n/a) for every target of the performance issue, per --jobs value."""
    jobs = list(dict.fromkeys(r.jobs for r in results))
    out: list[tuple[str, str, str]] = []
    for j in jobs:
        by_size = {r.size: r for r in results if r.jobs == j}
        r16, r64 = by_size.get(16), by_size.get(64)
        wall16, wall64 = _wall(r16.build if r16 else None), _wall(r64.build if r64 else None)
        scaling = wall64 / wall16 if wall16 and wall64 else None
        rss64 = r64.build.rss_mb if r64 and r64.build and r64.build.ok else None
        suffix = f" (-j {j})" if len(jobs) > 1 else ""
        out += [
            _check(f"build/floor at 16x <= {RATIO_16X_MAX}{suffix}", r16.ratio if r16 else None, RATIO_16X_MAX),
            _check(f"time 64x / 16x <= {SCALING_64_16_MAX} (linear: 4){suffix}", scaling, SCALING_64_16_MAX),
            _check(f"peak RSS at 64x <= {RSS_64X_MAX_MB:.0f} MB{suffix}", rss64, RSS_64X_MAX_MB, ".0f"),
        ]
    if extras is not None:
        out.append(_check(f"kaodian --help <= {HELP_MAX_S} s", extras.help_wall, HELP_MAX_S, ".3f"))
        sample = _wall(extras.sample_build)
        out.append(_check(f"build one sample incl. PDF <= {SAMPLE_BUILD_MAX_S} s", sample, SAMPLE_BUILD_MAX_S, ".3f"))
        out.append(("PDF rendering, s/page (reported)", _fmt(extras.pdf_s_per_page, ".3f"), "-"))
    return out


HEADER = (
    "size",
    "jobs",
    "docs",
    "MB",
    "wall s",
    "cpu s",
    "RSS MB",
    "MB/s",
    "cards",
    "cards/s",
    "floor s",
    "floor RSS",
    "ratio",
    "cpu ratio",
)


def rows(results: Sequence[SizeResult]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for r in results:
        b, f = r.build, r.floor
        ok = b is not None and b.ok
        out.append(
            (
                f"{r.size}x",
                r.jobs,
                str(r.documents),
                f"{r.megabytes:.2f}",
                _fmt(b.wall if ok and b else None),
                _fmt(b.cpu if ok and b else None),
                _fmt(b.rss_mb if ok and b else None, ".0f"),
                _fmt(r.mb_per_s),
                str(r.cards) if ok else "-",
                _fmt(r.cards_per_s, ".0f"),
                _fmt(f.wall if f and f.ok else None) + ("*" if r.floor_estimated else ""),
                _fmt(f.rss_mb if f and f.ok else None, ".0f"),
                _fmt(r.ratio),
                _fmt(r.cpu_ratio),
            )
        )
    return out


def table(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """A plain-text table, numbers right-aligned."""
    widths = [max(len(str(row[i])) for row in (header, *body)) for i in range(len(header))]
    lines = ["  ".join(str(h).rjust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)) for row in body]
    return "\n".join(lines)


def report(results: Sequence[SizeResult], extras: Extras | None, *, repeat: int) -> str:
    parts = [
        f"kaodian build vs floor (medians of {repeat} run(s), one-process floor, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]})",
        "",
        table(HEADER, rows(results)),
    ]
    errors = [f"  {r.size}x -j {r.jobs}: {r.error}" for r in results if r.error]
    if any(r.floor_estimated for r in results):
        parts.append("* the build wrote no packages; the floor wrote one per document, a note per 150 characters")
    if errors:
        parts += ["", "errors:", *errors]
    parts += ["", table(("target", "measured", "check"), checks(results, extras))]
    if extras and extras.notes:
        parts += ["", *[f"note: {n}" for n in extras.notes]]
    return "\n".join(parts)


def to_json(results: Sequence[SizeResult], extras: Extras | None, *, repeat: int) -> dict[str, object]:
    return {
        "repeat": repeat,
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "sizes": [
            {
                **asdict(r),
                "ratio": r.ratio,
                "cpu_ratio": r.cpu_ratio,
                "mb_per_s": r.mb_per_s,
                "cards_per_s": r.cards_per_s,
            }
            for r in results
        ],
        "extras": None if extras is None else {**asdict(extras), "pdf_s_per_page": extras.pdf_s_per_page},
        "checks": [{"target": t, "measured": m, "check": c} for t, m, c in checks(results, extras)],
    }


# ---------------------------------------------------------------- command line


def _sizes(value: str) -> list[int]:
    try:
        sizes = [int(s) for s in value.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("sizes are whole numbers, e.g. 1,4,16,64") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("give at least one size of 1 or more")
    return sizes


def _jobs(value: str) -> list[str]:
    jobs = [j.strip().lower() for j in value.split(",") if j.strip()]
    if not jobs or not all(j == "auto" or (j.isdigit() and int(j) >= 1) for j in jobs):
        raise argparse.ArgumentTypeError("jobs are numbers of processes or auto, e.g. 1,auto")
    return jobs


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["floor"]:
        return floor_command(Path(args[1]))
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog="`bench.py floor SPEC.json` runs the floor alone (the benchmark starts it in a fresh process).",
    )
    parser.add_argument(
        "--sizes", type=_sizes, default=[1, 4, 16, 64], help="multiples of --unit-kb (default 1,4,16,64)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; medians are reported (default 3)")
    parser.add_argument(
        "--jobs", type=_jobs, default=["1", "auto"], help="kaodian build -j values to measure (default 1,auto)"
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--unit-kb", type=int, default=UNIT_KB, help="size of 1x in KB (default 250)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--help-runs", type=int, default=10, help="runs of kaodian --help (default 10)")
    parser.add_argument("--pdf-docs", type=int, default=3, help="documents for the PDF measurement (default 3)")
    parser.add_argument(
        "--workdir", type=Path, help="make the temporary folder here, e.g. /dev/shm to leave the disk out"
    )
    parser.add_argument("--no-extras", action="store_true", help="skip --help, the sample build and the PDF")
    opts = parser.parse_args(args)
    byte_compile()
    work = Path(tempfile.mkdtemp(prefix="kaodian-bench-", dir=opts.workdir))
    if opts.workdir:  # the children's temporary files too
        os.environ["TMPDIR"] = str(work)
    try:
        results = []
        for size in opts.sizes:
            done = bench_size(size, work, repeat=opts.repeat, jobs=opts.jobs, seed=opts.seed, unit_kb=opts.unit_kb)
            results += done
            walls = ", ".join(f"-j {r.jobs} {_fmt(r.build.wall if r.build else None)} s" for r in done)
            print(
                f"{size}x: {done[0].documents} documents, {done[0].megabytes:.2f} MB, build {walls}, "
                f"floor {_fmt(done[0].floor.wall if done[0].floor else None)} s",
                file=sys.stderr,
                flush=True,
            )
        extras = None
        if not opts.no_extras:
            extras = measure_extras(
                work, help_runs=opts.help_runs, repeat=opts.repeat, pdf_docs=opts.pdf_docs, seed=opts.seed
            )
        print(report(results, extras, repeat=opts.repeat))
        if opts.json:
            opts.json.write_text(
                json.dumps(to_json(results, extras, repeat=opts.repeat), indent=2, ensure_ascii=False) + "\n",
                encoding="utf-8",
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
